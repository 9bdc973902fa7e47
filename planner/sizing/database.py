"""Database tier: engine, instance class, storage and IOPS, Multi-AZ, read replicas, backups.

Query load at the horizon peak: reads = peak x read_fraction x (1 - cache hit
ratio), writes = peak x (1 - read_fraction); vCPU need = rate x CPU ms per
query / 1000 / target utilisation (utilisation law, U = X S; Denning & Buzen,
"The operational analysis of queueing network models", 1978). The primary
carries all writes and reads up to ``db_max_primary_vcpu``; read replicas of the
same class carry the rest.

The read path is a priced trade-off between memory and storage, not "the hot
set must fit in RAM": a class with M GiB caches ``db_buffer_memory_fraction`` x
M of data pages; its hit ratio over the reads that reach it follows the same
locality curve as the cache tier (:func:`planner.sizing.cache.residual_hit_ratio`);
the misses, ``db_pages_per_read`` pages per read, plus ``db_iops_per_write``
per write, are storage IOPS at the horizon peak. RDS gp3 includes 3,000 IOPS
below 400 GB and 12,000 from 400 GB, provisions more up to 64,000, and io2
beyond (RDS User Guide, "Amazon RDS DB instance storage"); Aurora has no IOPS to
provision and bills I/O requests (standard) or none (I/O-Optimized, dearer
instances and storage). Each candidate's bill = instance(s) + storage + IOPS
(+ Aurora I/O), and the cheapest that meets CPU, connections (RDS PostgreSQL's
default max_connections), the read-latency budget and a buffer holding at
least ``db_min_buffer_fraction`` of the database (the index inner pages) and
``db_min_memory_gib`` (Multi-AZ) wins.

Storage = data at the horizon x (1 + overhead), at least the smallest volume.
Backups beyond the free allowance (100 % of provisioned storage) are billed.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import NamedTuple

import numpy as np
import numpy.typing as npt
import pandas as pd

from planner.base.codes import factorized, grouped, mapped
from planner.clouds.catalog import CloudCatalog, DatabaseVariant, PriceRef
from planner.pricing.book import PriceBook
from planner.pricing.queries import instance_candidates
from planner.pricing.units import HOURS_PER_MONTH
from planner.sizing.cache import GIB_PER_GB, residual_hit_ratio
from planner.sizing.choose import (ByIdentity, Pick, cheapest, pareto_prune, rate_column, rate_columns,
                                   split_by_group)
from planner.sizing.dr import dr_tier_index, tier_rto_minutes
from planner.sizing.workers import cheapest_per_vcpu
from planner.workload.policy import SizingPolicy

SECONDS_PER_MONTH = 3600 * HOURS_PER_MONTH
# the shard counts priced beyond the fewest the load needs, the same whatever the load, the data or the targets:
# every count to 8, then steps of 2^(1/4) (19 %). Counts that moved with the load (doublings of the fewest:
# 3 -> 6 -> 12 -> 24 -> 48, but 4 -> 8 -> 16 -> 32) let more load bring a cheaper count into reach (48 -> 32
# shards, 15 % less), and counts that moved with the RTO (the count whose shards first restore in time) let a
# stricter RTO open a cheaper one (10 % less)
SHARD_GRID = np.unique(np.concatenate([np.arange(1, 9), np.round(8 * 2 ** (np.arange(1, 57) / 4))]))
STACK_ROWS = 16_384  # (scenario, count) rows priced per choice: bounds the (rows x classes) arrays


def effective_vcpu(cands: pd.DataFrame, policy: SizingPolicy, catalog: CloudCatalog) -> np.ndarray:
    """vCPUs a class can sustain: all of a fixed-performance class's, a burstable one's baseline share
    (:attr:`CloudCatalog.sustained_share`)."""
    return cands.vcpu.to_numpy() * catalog.sustained_share(cands.sku, policy)


def multi_az_needed(availability_pct: np.ndarray, rto_minutes: np.ndarray, policy: SizingPolicy) -> np.ndarray:
    """Multi-AZ when the availability target exceeds what single-AZ promises, or the RTO is shorter than a
    single-AZ restore."""
    return (availability_pct >= policy.multi_az_min_availability) | (rto_minutes < policy.single_az_restore_minutes)


def database_candidates(book: PriceBook, catalog: CloudCatalog, policy: SizingPolicy) -> pd.DataFrame:
    """Every (variant, deployment, class) the database may use, per region: ``hourly_usd`` of the deployment
    (the Multi-AZ class's own price, or the single class x ``multi_az_copies``: Aurora Multi-AZ = writer + one
    replica in another AZ), ``hourly_single_usd`` of one more reader, specs and effective vCPU. Variants are
    the cloud's (:attr:`CloudCatalog.databases`). Pareto-pruned within each (region, variant, deployment);
    ``group`` = region/deployment, the key a scenario chooses within."""
    def build() -> pd.DataFrame:
        frames = []
        for v in catalog.databases:
            engine = v.engine.get(policy.database_engine)
            if engine is None or (v.optional and not policy.consider_aurora):
                continue
            single, multi, rates = _deployments(book, catalog, v, engine, policy)
            singles = single.set_index(["region", "sku"])
            for dep, frame in (("single-az", single), ("multi-az", multi)):
                key = pd.MultiIndex.from_frame(frame[["region", "sku"]])
                frames.append(frame.assign(variant=v.name, deployment=dep, **{
                    c.replace("hourly_", "hourly_single_", 1): singles[c].reindex(key).to_numpy() for c in rates}))
        if not frames:
            return pd.DataFrame(columns=["region", "sku", "hourly_usd", "variant", "deployment", "hourly_single_usd",
                                         "vcpu", "memory_gib", "effective_vcpu", "group"])
        out = pd.concat(frames, ignore_index=True).dropna(subset=["hourly_single_usd"])
        out["effective_vcpu"] = effective_vcpu(out, policy, catalog)
        out = out.sort_values(["region", "hourly_usd", "variant", "sku"]).reset_index(drop=True)
        # a class dearer on demand may be cheaper committed: pruned only where beaten at every rate
        out = pareto_prune(out, ["region", "variant", "deployment"], ["effective_vcpu", "memory_gib"],
                           rate_columns(out)).reset_index(drop=True)
        return out.assign(group=out.region + "/" + out.deployment)

    key = ("database_candidates", catalog.name, policy.database_family_pattern, policy.database_engine,
           tuple(sorted(policy.burstable_baselines.items())), policy.consider_aurora)
    return book.memo(key, build)


def unit_prices(book: PriceBook, catalog: CloudCatalog, regions: np.ndarray, policy: SizingPolicy
                ) -> dict[str, np.ndarray]:
    """Per-scenario storage, IOPS and I/O prices [USD per month unit] of each database variant of the cloud,
    keyed ``variant/deployment/what`` (``what``: ``gb``, ``iops``, and for provisioned storage ``io2_gb``,
    ``io2_iops``; ``variant/io_million``; ``variant/replica_gb``; ``variant/backup_gb``; a managed proxy's
    ``variant/proxy_vcpu_hour``), and the PgBouncer instance's (``pooler/...``); NaN where the book has none.
    Worked out once per set of regions."""
    codes, uniques = factorized(regions)
    key = ("unit_prices", catalog.name, policy.database_engine, policy.horizontal_family_pattern,
           policy.allow_arm64, policy.fleet_min_vcpu, policy.fleet_max_vcpu,
           tuple(sorted(policy.vcpu_throughput.items())), tuple(uniques))
    per_region = book.memo(key, lambda: _unit_prices(book, catalog, np.asarray(uniques, dtype=object), policy))
    return {k: v[codes] for k, v in per_region.items()}


def _unit_prices(book: PriceBook, catalog: CloudCatalog, regions: np.ndarray, policy: SizingPolicy
                 ) -> dict[str, np.ndarray]:
    def price(ref: PriceRef | None, **fill: str) -> np.ndarray:
        if ref is None:
            return np.full(len(regions), np.nan)
        ref = ref.formatted(**fill)
        pos = book.service_positions(catalog.name, regions, ref.service, ref.item, ref.dimension)
        return np.where(pos >= 0, book.service_arrays["usd_per_unit"][np.maximum(pos, 0)], np.nan)

    out = {}
    # PgBouncer instances run on the fleet's cheapest type per vCPU
    pooler = cheapest_per_vcpu(book, catalog, policy).reindex(np.asarray(regions, dtype=object))
    # in reference vCPUs, as the type was chosen: a faster core passes more queries
    out["pooler/vcpu"] = pooler.ref_vcpu.to_numpy(dtype=float)
    out["pooler/usd_per_vcpu_hour"] = pooler.usd_per_vcpu_hour.to_numpy(dtype=float)
    for v in catalog.databases:
        engine = v.engine.get(policy.database_engine, "")
        for dep in ("single-az", "multi-az"):
            storage, iops = v.storage_ref.get(dep), v.iops_ref.get(dep)
            out[f"{v.name}/{dep}/gb"] = price(storage, volume="gp3", engine=engine)
            if v.storage == "provisioned":
                out[f"{v.name}/{dep}/iops"] = price(iops, volume="gp3")
                out[f"{v.name}/{dep}/io2_gb"] = price(storage, volume="io2")
                out[f"{v.name}/{dep}/io2_iops"] = price(iops, volume="io2")
        out[f"{v.name}/io_million"] = price(v.io_requests_ref)
        out[f"{v.name}/proxy_vcpu_hour"] = price(v.proxy_ref, engine=engine)
        out[f"{v.name}/backup_gb"] = price(v.backup_ref, engine=engine)
        # replicas with no storage of their own (Aurora's share the cluster volume) add none
        out[f"{v.name}/replica_gb"] = (price(v.replica_storage_ref, volume="gp3", engine=engine)
                                       if v.replica_storage_ref else np.zeros(len(regions)))
    return out


def _storage_month(v: DatabaseVariant, price: Mapping[str, float], dep: str, gb: np.ndarray, iops: np.ndarray,
                   io_month_per_peak_iops: np.ndarray, baseline_iops: np.ndarray, policy: SizingPolicy
                   ) -> tuple[np.ndarray, np.ndarray]:
    """(monthly storage + IOPS + I/O bill, whether the volume can deliver the IOPS) of variant ``v`` for
    volumes of ``gb`` serving ``iops`` at the horizon peak (arrays broadcast), after ``v.storage``."""
    p = policy
    per_gb = price[f"{v.name}/{dep}/gb"]
    if v.storage == "provisioned":  # gp3 with its baseline, more IOPS provisioned; io2 past gp3's ceiling
        gp3 = gb * per_gb + np.maximum(iops - baseline_iops, 0) * price[f"{v.name}/{dep}/iops"]
        past = iops > p.rds_gp3_max_iops
        if not past.any():  # the common case: gp3 everywhere (io2 worked out only where needed)
            return gp3, np.ones(past.shape, dtype=bool)
        io2 = (np.maximum(gb, iops / p.rds_io2_iops_per_gb) * price[f"{v.name}/{dep}/io2_gb"]
               + iops * price[f"{v.name}/{dep}/io2_iops"])
        return np.where(past, io2, gp3), iops <= p.rds_io2_max_iops
    if v.storage == "per_request":  # I/O requests billed at today's load
        return gb * per_gb + iops * io_month_per_peak_iops * price[f"{v.name}/io_million"] / 1e6, np.ones_like(
            iops, dtype=bool)
    if v.storage == "scaled":  # IOPS come with size: a volume large enough for them
        return np.maximum(gb, iops / v.iops_per_gb) * per_gb, iops <= v.max_iops
    return np.broadcast_to(gb * per_gb, np.broadcast_shapes(np.shape(gb), np.shape(iops))), np.ones_like(
        iops, dtype=bool)


def _per_gb_floor(v: DatabaseVariant, price: Mapping[str, float], dep: str) -> float:
    """The least a GB of the variant's storage costs a month (the cheaper volume where there are two)."""
    gb = price[f"{v.name}/{dep}/gb"]
    return min(gb, price[f"{v.name}/{dep}/io2_gb"]) if v.storage == "provisioned" else gb


class DisasterRecovery(NamedTuple):
    """What each scenario's DR tier keeps of the database in its DR region, and the prices there: the part
    of the database's bill that differs between classes, variants and shard counts beyond the primary region's.
    The tier is the cheapest meeting the RTO and RPO for a shard's volume (a restore's time grows with it;
    shards restore side by side), at least ``floor``."""

    rto_minutes: np.ndarray
    rpo_minutes: np.ndarray
    floor: np.ndarray  # the least tier index (an architecture variant's pin)
    multi_az: np.ndarray
    prices: dict[str, np.ndarray]  # :func:`unit_prices` of each scenario's DR region
    transfer_usd_per_gb: np.ndarray  # replication to the DR region
    # per purchase option, per database candidate (:func:`database_candidates` row): its class's hour in the
    # candidate region's DR region, one instance and the Multi-AZ deployment (see :func:`dr_class_prices`); a
    # replica that runs all year is committed like the primary
    single_usd: dict[str, np.ndarray]
    multi_usd: dict[str, np.ndarray]
    cache_fraction: np.ndarray  # share of the cache's nodes the tier keeps in the DR region
    policy: SizingPolicy  # its dr_tiers

    def take(self, rows: np.ndarray) -> DisasterRecovery:
        return self._replace(rto_minutes=self.rto_minutes[rows], rpo_minutes=self.rpo_minutes[rows],
                             floor=self.floor[rows], multi_az=self.multi_az[rows],
                             prices={k: v[rows] for k, v in self.prices.items()},
                             transfer_usd_per_gb=self.transfer_usd_per_gb[rows],
                             cache_fraction=self.cache_fraction[rows])

    def replica(self, rows: np.ndarray, storage_gb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(keeps a database replica, in the Multi-AZ deployment) for shards of ``storage_gb`` (rows x k)
        under the tier each scenario of ``rows`` takes for that volume (:func:`planner.sizing.dr.dr_tier_index`),
        at least its floor."""
        tiers = self.policy.dr_tiers
        tier = np.maximum(dr_tier_index(self.rto_minutes[rows, None], self.rpo_minutes[rows, None], storage_gb,
                                        self.policy), self.floor[rows, None])
        keeps = np.array([t.database_replica for t in tiers])[tier]
        return keeps, (tier == len(tiers) - 1) & self.multi_az[rows, None]


def dr_class_prices(candidates: pd.DataFrame, dr_region_of: Mapping[str, str], class_prices: pd.DataFrame
                    ) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Each candidate class's hour in its region's DR region (``dr_region_of``), one instance and the Multi-AZ
    deployment, per purchase option; at the candidate region's price where the DR region does not offer the
    class (the bill's fallback)."""
    there = pd.MultiIndex.from_arrays([candidates.region.map(dr_region_of).to_numpy(dtype=object),
                                       candidates.variant.to_numpy(), candidates.sku.to_numpy()])
    home = pd.MultiIndex.from_arrays([candidates.region.to_numpy(), candidates.variant.to_numpy(),
                                      candidates.sku.to_numpy()])
    far, near = (class_prices.reindex(key) for key in (there, home))
    single, multi = {}, {}
    for column in class_prices.columns:
        kind, option = column.split("_", 1)
        values = np.where(np.isnan(far[column].to_numpy(dtype=float)), near[column].to_numpy(dtype=float),
                          far[column].to_numpy(dtype=float))
        (single if kind == "single" else multi)[option] = values
    return single, multi


def database_class_prices(book: PriceBook, catalog: CloudCatalog, policy: SizingPolicy) -> pd.DataFrame:
    """Every database class's hour per (region, variant, sku), unpruned, at each purchase option the book has
    (``single_{option}``: one instance; ``multi_{option}``: the Multi-AZ deployment, its own price or the single
    x ``multi_az_copies``; a class without a commitment price at its on-demand rate). What a DR replica of a
    class costs in another region."""
    def build() -> pd.DataFrame:
        frames = []
        for v in catalog.databases:
            engine = v.engine.get(policy.database_engine)
            if engine is None:
                continue
            single, multi, rates = _deployments(book, catalog, v, engine, policy)
            names = {c: _option_of(c) for c in rates}
            both = single[["region", "sku", *rates]].rename(columns={c: f"single_{o}" for c, o in names.items()}).merge(
                multi[["region", "sku", *rates]].rename(columns={c: f"multi_{o}" for c, o in names.items()}),
                on=["region", "sku"], how="left")
            frames.append(both.assign(variant=v.name))
        if not frames:
            return pd.DataFrame(columns=["single_on_demand", "multi_on_demand"],
                                index=pd.MultiIndex.from_arrays([[], [], []], names=["region", "variant", "sku"]))
        return pd.concat(frames, ignore_index=True).set_index(["region", "variant", "sku"])

    key = ("database_class_prices", catalog.name, policy.database_family_pattern, policy.database_engine)
    return book.memo(key, build)


def _deployments(book: PriceBook, catalog: CloudCatalog, v: DatabaseVariant, engine: str, policy: SizingPolicy
                 ) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """A variant's classes single-AZ and Multi-AZ (the Multi-AZ deployment's own price, or the single x
    ``multi_az_copies``), and their rate columns (``hourly_usd`` and one per purchase option)."""
    single = instance_candidates(book, catalog.name, v.service, policy.database_family_pattern, engine,
                                 v.deployment["single-az"])
    rates = rate_columns(single)
    if v.multi_az_copies:
        return single, single.assign(**{c: single[c] * v.multi_az_copies for c in rates}), rates
    return single, instance_candidates(book, catalog.name, v.service, policy.database_family_pattern, engine,
                                       v.deployment["multi-az"]), rates


def _option_of(rate_column: str) -> str:
    """The purchase option of an ``hourly_*_usd`` rate column (``hourly_usd``: on demand)."""
    middle = rate_column[len("hourly_"):-len("_usd")]
    return middle or "on_demand"


def coded_options(purchase: npt.ArrayLike | None, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Each scenario's purchase option as (the distinct options, each scenario's index into them); all on demand
    where ``purchase`` is None."""
    if purchase is None:
        return np.array(["on_demand"], dtype=object), np.zeros(n, dtype=int)
    code, options = factorized(purchase)
    return np.asarray(options, dtype=object), code


def _billed_gb(v: DatabaseVariant, gb: np.ndarray, iops: np.ndarray, policy: SizingPolicy) -> np.ndarray:
    """The volume billed: the data's, or larger where the IOPS need it (io2's IOPS per GB; scaled storage)."""
    if v.storage == "provisioned":
        past = iops > policy.rds_gp3_max_iops
        if not past.any():
            return np.broadcast_to(gb, np.broadcast_shapes(np.shape(gb), np.shape(iops)))
        return np.where(past, np.maximum(gb, iops / policy.rds_io2_iops_per_gb), gb)
    if v.storage == "scaled":
        return np.maximum(gb, iops / v.iops_per_gb)
    return np.broadcast_to(gb, np.broadcast_shapes(np.shape(gb), np.shape(iops)))


def _backups_and_dr_month(v: DatabaseVariant, price: Mapping[str, float], dr_price: Mapping[str, float],
                          transfer_usd_per_gb: float, billed_gb: np.ndarray, policy: SizingPolicy) -> np.ndarray:
    """Monthly backups beyond the free share, their cross-region copies and the replication transfer of a
    volume of ``billed_gb`` (what :func:`planner.engine.options.shared.bill_dr` and the backup line bill)."""
    p = policy
    backup_gb = billed_gb * (1 + p.daily_change_fraction * p.backup_retention_days)
    own = np.maximum(backup_gb - billed_gb * v.free_backup_fraction, 0.0) * _or_zero(price[f"{v.name}/backup_gb"])
    copies = backup_gb * _or_zero(dr_price[f"{v.name}/backup_gb"])
    return own + copies + billed_gb * p.daily_change_fraction * 30 * _or_zero(transfer_usd_per_gb)


def _or_zero(usd: float) -> float:
    """A price the book lacks (NaN) as nothing billed, as :func:`numpy.nan_to_num` would, for one number."""
    return 0.0 if math.isnan(usd) else float(usd)


def _dr_hourly(rows: np.ndarray, t: _Classes, gb: np.ndarray, iops: np.ndarray, price: Mapping[str, float],
               dr: DisasterRecovery, catalog: CloudCatalog, p: SizingPolicy, options: np.ndarray, code: np.ndarray,
               restore_gb: np.ndarray) -> np.ndarray:
    """(rows, classes) of one region: backups beyond the free share, their DR copies and transfer, and the DR
    tier's replica with its storage, an hour, for volumes of ``gb`` serving ``iops`` (rows x classes, or one
    column for all) at each row's purchase option ``options[code]``. The tier follows the data a restore
    copies, ``restore_gb`` (rows, 1: a shard's own volume), not a volume enlarged for IOPS.

    Most volumes are billed at the data's own size whatever the class: their backups depend on the row and
    the variant only, worked out once per variant; only a volume billed larger for IOPS (a class with more
    replicas, or less memory, needs more) is worked out class by class."""
    r0 = rows[0]
    dr_price = {k: float(v[r0]) for k, v in dr.prices.items()}
    transfer_usd_per_gb = float(dr.transfer_usd_per_gb[r0])
    n, m = len(rows), len(t.at)
    iops = np.broadcast_to(iops, (n, m))
    replica_usd = _replica_rates(dr, t, options)  # (options x 3, classes): no replica, one instance, Multi-AZ

    def month(v: DatabaseVariant, billed: np.ndarray, keeps: np.ndarray, both: np.ndarray) -> np.ndarray:
        per_gb = np.where(both, _or_zero(dr_price.get(f"{v.name}/multi-az/gb", np.nan)),
                          _or_zero(dr_price.get(f"{v.name}/single-az/gb", np.nan)))
        return (_backups_and_dr_month(v, price, dr_price, transfer_usd_per_gb, billed, p)
                + np.where(keeps, billed * per_gb, 0.0))

    keeps, both = dr.replica(rows, restore_gb)  # (rows, 1)
    out = replica_usd[code * 3 + (keeps[:, 0] * (1 + both[:, 0]))]
    per_variant = np.zeros((n, len(t.variants)))
    for i, name in enumerate(t.variants):
        v = catalog.database(name)
        mine = t.variant_of == i
        billed = _billed_gb(v, gb, iops[:, mine], p) if v.storage in ("provisioned", "scaled") else gb
        if billed is gb or not (billed > gb).any():
            per_variant[:, i] = month(v, gb, keeps, both)[:, 0] / HOURS_PER_MONTH
        else:
            out[:, mine] += month(v, billed, keeps, both) / HOURS_PER_MONTH
    return out + per_variant[:, t.variant_of]


def _replica_rates(dr: DisasterRecovery, t: _Classes, options: np.ndarray) -> np.ndarray:
    """(options x 3, classes): a DR replica's hour per purchase option (row ``3 option + state``; state 0: no
    replica, 1: one instance, 2: the Multi-AZ deployment); on demand where the option has no rate."""
    def build() -> np.ndarray:
        blocks = []
        for option in options:
            on = option if option in dr.single_usd else "on_demand"
            blocks += [np.zeros(len(t.at)), np.nan_to_num(dr.single_usd[on][t.at]),
                       np.nan_to_num(dr.multi_usd[on][t.at])]
        return np.stack(blocks) if blocks else np.zeros((0, len(t.at)))

    return _REPLICA_RATES.get((dr.single_usd, dr.multi_usd, t), build, tuple(options))


_REPLICA_RATES = ByIdentity(limit=256)  # per (DR prices, candidate slice, options)


def volume_iops(iops: np.ndarray, writes: np.ndarray, replicas: np.ndarray, variants: np.ndarray,
                variant_of: np.ndarray, catalog: CloudCatalog, policy: SizingPolicy) -> np.ndarray:
    """(rows, classes) IOPS the storage of each class must deliver, of ``iops`` in all (rows x classes: the
    reads' misses and the writes): where replicas keep volumes of their own (RDS, provisioned and scaled
    storage), one volume applies every write and serves its share of the misses, ``w + (iops - w) / (1 +
    replicas)`` (RDS User Guide, read replicas: each replica has its own storage and applies the source's
    changes); where instances share one volume (Aurora), the volume serves all of it."""
    shared = np.array([catalog.database(v).storage not in ("provisioned", "scaled") for v in variants])[variant_of]
    return np.where(shared[None, :], iops, _own_volume_iops(iops, writes, replicas, policy))


def iops_replicas(iops: np.ndarray, writes: np.ndarray, cap_iops: np.ndarray, policy: SizingPolicy) -> np.ndarray:
    """The fewest read replicas at which each of ``1 + k`` volumes of their own delivers its IOPS within
    ``cap_iops`` (:func:`_own_volume_iops` <= cap: ``k >= (iops - w) / (cap - w) - 1``, ``w`` the writes' IOPS every
    volume applies); 0 where the cap is infinite (a shared volume, or no limit), inf where the writes alone pass
    it. Arguments broadcast."""
    w = writes * policy.db_iops_per_write
    with np.errstate(divide="ignore", invalid="ignore"):
        k = np.ceil(np.maximum((iops - w) / (cap_iops - w) - 1, 0) - 1e-9)
    return np.where(np.isinf(cap_iops), 0.0, np.where(cap_iops > w, np.maximum(k, 0.0), np.inf))


def _own_volume_iops(iops: np.ndarray, writes: np.ndarray, replicas: np.ndarray, policy: SizingPolicy
                     ) -> np.ndarray:
    """IOPS one of ``1 + replicas`` volumes of their own serves: every write, and its share of the misses."""
    w = writes * policy.db_iops_per_write
    return w + (iops - w) / (1 + replicas)


class Demand(NamedTuple):
    """What each of a scenario's ``shards`` database clusters must serve at the horizon peak behind a cache
    serving ``cache_hit``."""

    reads: np.ndarray  # reads/s that reach a shard
    writes: np.ndarray  # writes/s of a shard (no cache relieves them)
    read_vcpu: np.ndarray
    write_vcpu: np.ndarray
    connections: np.ndarray  # the application's, to every shard
    storage_gb: np.ndarray  # a shard's provisioned volume: data x (1 + overhead) / shards, at least the minimum
    deployment: np.ndarray  # "multi-az" or "single-az"
    shards: np.ndarray
    data_gb: np.ndarray  # a shard's data at the horizon


# the largest class per group of the last few candidate tables (each built once per book and policy)
_LARGEST = ByIdentity(limit=16)


class _Classes(NamedTuple):
    """One region's (and deployment's) candidate classes as arrays, taken out of the frame once: what each
    evaluation reads for every class."""

    at: np.ndarray  # row labels in the candidate table
    memory_gib: np.ndarray  # (classes,)
    vcpu: np.ndarray
    effective_vcpu: np.ndarray
    fixed_performance: np.ndarray  # not burstable: every vCPU sustained
    variants: np.ndarray  # the variants' names, sorted
    variant_of: np.ndarray  # (classes,) index into ``variants``
    sizes: np.ndarray  # the distinct memory sizes, sorted
    size_of: np.ndarray  # (classes,) index into ``sizes``
    rates: dict[str, np.ndarray]  # every ``hourly_*_usd`` column

    def rate_table(self, options: np.ndarray, prefix: str = "hourly") -> np.ndarray:
        """(options, classes): each class's rate at each purchase option (see :func:`purchase_rates`); row
        ``code`` of a scenario's coded option is its rates."""
        columns = [self.rates[rate_column(self.rates, o, prefix)] for o in options]
        return np.stack(columns) if columns else np.zeros((0, len(self.at)))


_CLASSES = ByIdentity(limit=256)  # per candidate slice (the slices of a candidate table are kept)


def _classes(cands: pd.DataFrame) -> _Classes:
    """``cands`` as :class:`_Classes`, worked out once per slice."""
    def build() -> _Classes:
        memory = cands.memory_gib.to_numpy(dtype=float)
        variants, variant_of = np.unique(cands.variant.to_numpy(dtype=str), return_inverse=True)
        sizes, size_of = np.unique(memory, return_inverse=True)
        return _Classes(at=cands.index.to_numpy(), memory_gib=memory, vcpu=cands.vcpu.to_numpy(dtype=float),
                        effective_vcpu=cands.effective_vcpu.to_numpy(dtype=float),
                        fixed_performance=_fixed_performance(cands),
                        variants=variants,
                        variant_of=variant_of.ravel(), sizes=sizes, size_of=size_of.ravel(),
                        rates={c: cands[c].to_numpy(dtype=float) for c in rate_columns(cands)})

    return _CLASSES.get((cands,), build)


def largest_class_vcpu(cols: Mapping[str, np.ndarray], multi_az: np.ndarray, candidates: pd.DataFrame
                       ) -> np.ndarray:
    """Per scenario, the most effective vCPU any class of its region and deployment has (NaN: none)."""
    top = _LARGEST.get((candidates,), lambda: candidates.groupby("group").effective_vcpu.max().to_dict())
    groups = _groups(cols, deployments(multi_az))
    codes, uniques = factorized(groups)
    return np.array([top.get(g, np.nan) for g in uniques], dtype=float)[codes]


def shards_needed(write_vcpu: np.ndarray, read_vcpu: np.ndarray, largest_vcpu: np.ndarray,
                  policy: SizingPolicy) -> np.ndarray:
    """The fewest database clusters N (at most ``db_max_shards``) each of whose writer, the largest class of
    ``largest_vcpu``, carries its writes and up to ``db_max_primary_vcpu`` of its reads, and whose replicas (at
    most ``db_max_read_replicas``) carry the rest: ``w/N + min(r/N, mp) <= V`` and ``(w + r)/N <= (R + 1) V``.
    Writes scale out only by sharding the data (horizontal partitioning by key; the application routes each
    key to its shard)."""
    p = policy
    big = np.where(np.isfinite(largest_vcpu) & (largest_vcpu > 0), largest_vcpu, np.inf)
    n = np.clip(np.ceil(np.nan_to_num(write_vcpu / big)), 1.0, p.db_max_shards)
    for _ in range(64):
        w, r = write_vcpu / n, read_vcpu / n
        ratio = np.maximum((w + np.minimum(r, p.db_max_primary_vcpu)) / big,
                           (w + r) / ((p.db_max_read_replicas + 1) * big))
        over = (ratio > 1 + 1e-9) & (n < p.db_max_shards)
        if not over.any():
            break
        n = np.where(over, np.minimum(np.maximum(n + 1, np.ceil(n * ratio)), p.db_max_shards), n)
    return n


DEMAND_COLUMNS = ("peak_rps_horizon", "read_fraction", "data_size_gb_horizon")  # what :func:`demand` reads


def demand(cols: Mapping[str, np.ndarray], cache_hit: npt.ArrayLike, multi_az: np.ndarray,
           app_vcpu_horizon: np.ndarray, policy: SizingPolicy, largest_vcpu: np.ndarray | None = None,
           reads_scale: bool = True, shards: np.ndarray | None = None) -> Demand:
    """Reads, writes and their vCPU at target utilisation (utilisation law), connections from the app's vCPUs,
    storage with its overhead (see the module docstring), per shard (``shards``, else :func:`shards_needed`; one
    shard without ``largest_vcpu``). ``reads_scale`` False counts the writes alone when choosing the shard count
    (the fewest any cache in front could leave)."""
    p = policy
    peak, read_fraction = cols["peak_rps_horizon"], cols["read_fraction"]
    reads = peak * read_fraction * (1 - np.asarray(cache_hit))
    writes = peak * (1 - read_fraction)
    read_vcpu = reads * p.db_cpu_ms_per_read / 1000 / p.db_target_utilization
    write_vcpu = writes * p.db_cpu_ms_per_write / 1000 / p.db_target_utilization
    if shards is None:
        shards = (np.ones(len(writes)) if largest_vcpu is None else
                  shards_needed(write_vcpu, read_vcpu if reads_scale else np.zeros(len(writes)), largest_vcpu, p))
    data_gb = cols["data_size_gb_horizon"] / shards
    return Demand(reads=reads / shards, writes=writes / shards, read_vcpu=read_vcpu / shards,
                  write_vcpu=write_vcpu / shards, connections=app_vcpu_horizon * p.db_connections_per_app_vcpu,
                  storage_gb=np.maximum(data_gb * (1 + p.storage_overhead), p.min_storage_gb),
                  deployment=deployments(multi_az), shards=shards, data_gb=data_gb)


def max_connections(memory_gib: np.ndarray, policy: SizingPolicy) -> np.ndarray:
    """RDS PostgreSQL's default max_connections = LEAST(memory / 9,531,392 B, 5,000) of classes with
    ``memory_gib``."""
    return np.minimum(memory_gib * 2**30 / policy.db_bytes_per_connection, policy.db_max_connections)


def pooler_instances(queries_per_s: np.ndarray, vcpu_per_instance: np.ndarray, policy: SizingPolicy) -> np.ndarray:
    """PgBouncer instances for ``queries_per_s``: one single-threaded process per vCPU passing
    ``pooler_queries_per_vcpu`` per reference vCPU (``vcpu_per_instance`` in reference vCPUs,
    :mod:`planner.sizing.throughput`), at least ``pooler_min_instances``."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.maximum(np.ceil(queries_per_s / policy.pooler_queries_per_vcpu / vcpu_per_instance),
                          policy.pooler_min_instances)


def pgbouncer_hourly_usd(queries_per_s: np.ndarray, vcpu_per_instance: npt.ArrayLike,
                         usd_per_vcpu_hour: npt.ArrayLike, policy: SizingPolicy) -> np.ndarray:
    """The hour of the PgBouncer instances in front of one shard (:func:`pooler_instances`); NaN where the region
    has no pooler type."""
    return pooler_instances(queries_per_s, np.asarray(vcpu_per_instance, dtype=float), policy) * np.asarray(
        vcpu_per_instance, dtype=float) * usd_per_vcpu_hour


def proxy_vcpu(vcpu: np.ndarray, instances: np.ndarray, min_vcpu: npt.ArrayLike) -> np.ndarray:
    """The vCPUs a managed proxy bills in front of ``instances`` instances of ``vcpu`` each: each instance's, at
    least ``min_vcpu`` (Amazon RDS Proxy pricing page: per vCPU of each database instance the proxy is enabled
    for, a minimum charge of 2 vCPUs; an Aurora proxy fronts every instance of its cluster, an RDS proxy the
    writer alone)."""
    return np.maximum(vcpu, min_vcpu) * instances


def pooler_hourly_usd(queries_per_s: np.ndarray, pooler_vcpu: npt.ArrayLike, pooler_usd_per_vcpu_hour: npt.ArrayLike,
                      vcpu: np.ndarray, copies: np.ndarray, replicas: np.ndarray, min_vcpu: npt.ArrayLike,
                      readers: npt.ArrayLike, proxy_usd_per_vcpu_hour: npt.ArrayLike, policy: SizingPolicy
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(PgBouncer's hour, the managed proxy's hour, the vCPUs it bills) in front of one shard of classes of ``vcpu``
    run as ``copies`` instances (Multi-AZ) and ``replicas`` read replicas; inf where a pooler is not offered: no
    price in the region, or a proxy that fronts the writer alone (not ``readers``) in front of replicas, whose
    connections it cannot pool. The arguments broadcast together (scenarios, or rows x classes)."""
    pgbouncer = pgbouncer_hourly_usd(queries_per_s, pooler_vcpu, pooler_usd_per_vcpu_hour, policy)
    billed = proxy_vcpu(vcpu, copies + replicas, min_vcpu)
    rate = np.where(np.asarray(readers, dtype=bool) | (replicas == 0), proxy_usd_per_vcpu_hour, np.nan)
    return np.nan_to_num(pgbouncer, nan=np.inf), np.nan_to_num(billed * rate, nan=np.inf), billed


def _take(pick: Pick, rows: np.ndarray) -> Pick:
    """The picks of ``rows``."""
    return Pick(pick.sku[rows], pick.units[rows], pick.hourly_usd[rows], pick.candidate[rows])


def _put(pick: Pick, rows: np.ndarray, values: Pick) -> Pick:
    """``pick`` with ``rows`` replaced by ``values``."""
    out = Pick(pick.sku.copy(), pick.units.copy(), pick.hourly_usd.copy(), pick.candidate.copy())
    out.sku[rows], out.units[rows], out.hourly_usd[rows], out.candidate[rows] = (
        values.sku, values.units, values.hourly_usd, values.candidate)
    return out


def _fits_any_cache(t: _Classes, vcpu_needed: np.ndarray, direct: np.ndarray, storage_gb: np.ndarray, multi: bool,
                    policy: SizingPolicy) -> np.ndarray:
    """(scenarios, classes): the class has ``vcpu_needed`` and meets what no cache relieves: connections (taken
    ``direct``ly, (scenarios, classes), or behind a pooler), a buffer of the minimum share of the data, and
    Multi-AZ's minimum memory (the other arguments are per-scenario columns, shape (scenarios, 1))."""
    p = policy
    memory = t.memory_gib[None, :]
    # behind a pooler the database holds the pooler's connections only, about two per vCPU
    pooled = p.db_pooler & (max_connections(memory, p) >= p.db_pool_connections_per_vcpu * t.vcpu[None, :])
    return ((t.effective_vcpu[None, :] >= vcpu_needed) & (direct | pooled)
            & (memory / GIB_PER_GB * p.db_buffer_memory_fraction >= storage_gb * p.db_min_buffer_fraction)
            & ((memory >= p.db_min_memory_gib) | (not multi)))


DEPLOYMENTS = np.array(["single-az", "multi-az"], dtype=object)


def deployments(multi_az: np.ndarray) -> np.ndarray:
    """Each scenario's deployment name, one shared object per name (factorized by identity:
    :func:`planner.base.codes.factorized`)."""
    return DEPLOYMENTS[np.asarray(multi_az, dtype=bool).astype(np.intp)]


def _groups(cols: Mapping[str, np.ndarray], deployment: np.ndarray) -> np.ndarray:
    """The group a scenario chooses its class in: its region and deployment (a ``group`` of the candidates)."""
    codes, keys = grouped([cols["region"], deployment])
    return np.array([f"{region}/{dep}" for region, dep in keys], dtype=object)[codes] if keys else np.zeros(
        0, dtype=object)


def count_limit(best_hourly_usd: np.ndarray, rate_hourly_usd: np.ndarray, policy: SizingPolicy) -> np.ndarray:
    """The count below which a sharded database could bill less than ``best_hourly_usd``: n clusters bill at least
    n x ``rate_hourly_usd`` (the least class they may take) plus :func:`sharding_hourly_usd`, so only n with
    n (rate + operations) + partitioning < best can beat it (a bound: it discards no cheaper count)."""
    p = policy
    per_cluster = np.asarray(rate_hourly_usd, dtype=float) + p.db_shard_operations_usd_month / HOURS_PER_MONTH
    spare = np.asarray(best_hourly_usd, dtype=float) - p.db_sharding_usd_month / HOURS_PER_MONTH
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(per_cluster > 0, spare / per_cluster, np.where(spare > 0, np.inf, 0.0))


def more_shards(fewest: np.ndarray, below: np.ndarray, policy: SizingPolicy) -> tuple[np.ndarray, np.ndarray]:
    """The :data:`SHARD_GRID` counts beyond ``fewest``, as stacked (scenario, count) rows in scenario and count
    order: every grid count above the fewest, and ``policy.db_max_shards``, below each scenario's ``below``
    (:func:`count_limit`)."""
    p = policy
    below = np.minimum(np.asarray(below, dtype=float), p.db_max_shards + 1)
    grid = np.append(SHARD_GRID[SHARD_GRID < p.db_max_shards], float(p.db_max_shards))
    # each scenario's counts are a run of the grid: from the first above its fewest to the last below its limit
    start = np.searchsorted(grid, fewest, side="right")
    stop = np.searchsorted(grid, below, side="left")
    size = np.maximum(stop - start, 0)
    rows = np.repeat(np.arange(len(fewest)), size)
    offset = np.arange(len(rows)) - np.repeat(np.cumsum(size) - size, size)
    return rows, grid[np.repeat(start, size) + offset]


def _first_count(count: np.ndarray, holds: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """``count`` (the least integer of a closed form), one more where ``holds`` (the rule itself, in the same
    floating point as the choice) fails there: a breakpoint rounded a hair low is never priced where the class
    does not fit yet."""
    with np.errstate(invalid="ignore"):
        return np.where(holds(count), count, count + 1)


def _volume_iops_cap(v: DatabaseVariant, policy: SizingPolicy) -> float:
    """The most IOPS one volume of the variant delivers (inf where storage has no such limit): what
    :func:`_storage_month` checks."""
    if v.storage == "provisioned":  # gp3 gives way to io2 above its own ceiling
        return float(policy.rds_io2_max_iops)
    if v.storage == "scaled":
        return float(v.max_iops)
    return np.inf


class _ReadPath:
    """The read path of (scenario, class) pairs at any shard count (:func:`read_path`), for the counts at which the
    read-latency budget and the volume's IOPS first hold."""

    def __init__(self, memory_gib: np.ndarray, whole: Demand, scenario: np.ndarray,
                 read_path_of: tuple[np.ndarray, np.ndarray], cap_iops: np.ndarray, policy: SizingPolicy) -> None:
        fraction, hot = read_path_of
        self.memory, self.cap, self.p = memory_gib, cap_iops, policy
        self.reads, self.writes, self.data = whole.reads[scenario], whole.writes[scenario], whole.data_gb[scenario]
        self.fraction, self.hot = np.asarray(fraction)[scenario], np.asarray(hot)[scenario]

    def _at(self, n: np.ndarray, i: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return read_path(self.memory[i], self.data[i] / n, self.fraction[i], self.hot[i], self.reads[i] / n,
                         self.writes[i] / n, self.p)

    def reads_in_budget(self, n: np.ndarray, i: np.ndarray) -> np.ndarray:
        p = self.p
        hit, _ = self._at(n, i)
        return p.db_pages_per_read * (1 - hit) * p.db_storage_read_ms <= p.db_read_latency_budget_ms

    def delivers(self, n: np.ndarray, k: int, i: np.ndarray) -> np.ndarray:
        """Each of the ``1 + k`` volumes of a shard delivers its IOPS (:func:`volume_iops`)."""
        _, iops = self._at(n, i)
        return _own_volume_iops(iops, self.writes[i] / n, np.full(len(i), float(k)), self.p) <= self.cap[i]


def _first_holding(lo: np.ndarray, hi: np.ndarray, holds: Callable[[np.ndarray, np.ndarray], np.ndarray]
                   ) -> np.ndarray:
    """The least count in ``[lo, hi]`` at which ``holds(n, pairs)`` (true from some count on), found by
    bisection; inf where it holds at none. ``lo`` and ``hi`` are per pair of the ``holds`` call's indexing."""
    lo, hi = np.asarray(lo, dtype=float).copy(), np.asarray(hi, dtype=float).copy()
    out = np.full(len(lo), np.inf)
    check = np.flatnonzero(np.isfinite(lo) & (lo <= hi))
    hi = np.where(np.isfinite(hi), hi, lo)  # no upper count: only lo itself is tried
    if not len(check):
        return out
    ok = np.zeros(len(lo), dtype=bool)
    ok[check] = holds(lo[check], check)
    out[check[ok[check]]] = lo[check[ok[check]]]
    rest = check[~ok[check] & (hi[check] > lo[check])]
    if not len(rest):
        return out
    at_top = holds(hi[rest], rest)
    rest = rest[at_top]
    lo[rest] += 1  # lo fails; the answer lies in (lo, hi]
    while len(rest):
        mid = np.floor((lo[rest] + hi[rest]) / 2)
        good = holds(mid, rest)
        hi[rest] = np.where(good, mid, hi[rest])
        lo[rest] = np.where(good, lo[rest], mid + 1)
        done = lo[rest] >= hi[rest]
        out[rest[done]] = hi[rest[done]]
        rest = rest[~done]
    return out


def shard_counts(fewest: np.ndarray, best_hourly_usd: np.ndarray, least_hourly_usd: np.ndarray, whole: Demand,
                 groups: np.ndarray, candidates: pd.DataFrame, catalog: CloudCatalog, purchase: npt.ArrayLike | None,
                 policy: SizingPolicy, dr: DisasterRecovery | None = None, max_replicas: int | None = None,
                 read_path_of: tuple[np.ndarray, np.ndarray] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The shard counts beyond ``fewest`` where a choice changes, for the load ``whole`` (:func:`demand` at one
    shard: the whole database's), as stacked (scenario, count) rows in scenario and count order. For each
    fixed-performance class of the scenario's group: the first count at which it carries a shard's writer load
    (``w/n + min(r/n, mp) <= V``), holds the minimum buffer and fits the engine's largest volume, and from
    there the first at which it needs at most k read replicas (``(w + r)/n <= (k + 1) V``), k = 0 ..
    ``max_replicas``; with ``read_path_of`` (each scenario's cache data fraction and hot data fraction), the
    first count at which the class meets the read-latency budget, and within each replica count the first at
    which each volume delivers its IOPS (Azure Premium SSD's 20,000, RDS io2's 256,000: both hold from some count
    on, as smaller shards miss less and serve less); with ``dr``, the first count whose shards restore within the
    RTO under each tier meeting the RPO (:func:`planner.sizing.dr.tier_rto_minutes`).

    Between two such counts a class's replicas, fit and DR tier stay put while each more cluster bills the class
    and its operations again, so a class's cheapest count is one of its breakpoints, except where buffer hits and
    I/O fall smoothly with smaller shards (size_database prices :data:`SHARD_GRID` for those). Each count is kept
    below its bound (:func:`count_limit`): a class's own at its rate, the DR counts at the least fixed-performance
    rate of the group, ``least_hourly_usd`` (:func:`_cheapest_fixed_rates`). The counts depend on the targets only
    through comparisons with them (a restore's time against the RTO), so a stricter target never opens a cheaper
    count."""
    p = policy
    fewest = np.asarray(fewest, dtype=float)
    best = np.asarray(best_hourly_usd, dtype=float)
    below = count_limit(best, least_hourly_usd, p)
    room = np.flatnonzero(np.minimum(below, p.db_max_shards + 1) > fewest + 1)
    found_rows, found_counts = [np.zeros(0, dtype=int)], [np.zeros(0)]
    top = float(p.db_max_shards)
    replicas_max = p.db_max_read_replicas if max_replicas is None else max_replicas
    options, code = coded_options(purchase, len(fewest))
    volume_gb = whole.data_gb * (1 + p.storage_overhead)  # the whole database's storage
    split = split_by_group(candidates, "group")
    codes, names = factorized(np.asarray(groups, dtype=object)[room])
    for g, name in enumerate(names):
        cands = split.get(name)
        if cands is None:
            continue
        mine = room[codes == g]
        t = _classes(cands)
        fixed = t.fixed_performance
        if not fixed.any():
            continue
        vcpu = t.effective_vcpu[fixed][None, :]
        memory = t.memory_gib[fixed][None, :]
        rate = t.rate_table(options)[code[mine]][:, fixed]
        limit = np.minimum(count_limit(best[mine, None], rate, p), top + 1)
        w, r = whole.write_vcpu[mine, None], whole.read_vcpu[mine, None]
        gb, data = volume_gb[mine, None], whole.data_gb[mine, None]
        with np.errstate(divide="ignore", invalid="ignore"):
            primary = np.ceil(np.where(vcpu > p.db_max_primary_vcpu,
                                       np.minimum((w + r) / vcpu, w / (vcpu - p.db_max_primary_vcpu)),
                                       (w + r) / vcpu))
            primary = _first_count(np.maximum(primary, 1), lambda n: w / n + np.minimum(r / n, p.db_max_primary_vcpu)
                                   <= vcpu)
            buffer_gb = memory / GIB_PER_GB * p.db_buffer_memory_fraction
            held = np.where(p.min_storage_gb * p.db_min_buffer_fraction <= buffer_gb,
                            np.ceil(gb * p.db_min_buffer_fraction / buffer_gb), np.inf)
            held = _first_count(np.maximum(held, 1), lambda n: buffer_gb >= np.maximum(
                data / n * (1 + p.storage_overhead), p.min_storage_gb) * p.db_min_buffer_fraction)
            largest = np.array([catalog.database(v).max_storage_gb for v in t.variants])[t.variant_of[fixed]][None, :]
            volume = np.maximum(np.ceil(gb / largest), 1)
            first = np.maximum(np.maximum(primary, held), volume)
        # only the (scenario, class) pairs whose class could be priced at some count: past its first, below its bound
        floor = np.maximum(first, fewest[mine, None] + 1)
        pair = np.nonzero(floor < limit)
        if not len(pair[0]):
            continue
        scenario = mine[pair[0]]
        w, r, vcpu = w[pair[0], 0], r[pair[0], 0], np.broadcast_to(vcpu, first.shape)[pair]
        memory, variant = np.broadcast_to(memory, first.shape)[pair], np.broadcast_to(
            t.variant_of[fixed][None, :], first.shape)[pair]
        first, floor, limit = first[pair], floor[pair], limit[pair]
        top_count = np.ceil(limit) - 1  # the most shards below the bound (counts n < limit)
        path = None
        if read_path_of is not None:
            path = _ReadPath(memory, whole, scenario, read_path_of, np.array(
                [_volume_iops_cap(catalog.database(v), p) for v in t.variants])[variant], p)
            # the read-latency budget holds from some count on (each shard's buffer holds more of its data)
            first = _first_holding(np.maximum(first, floor), top_count, path.reads_in_budget)
        before = np.full(len(first), np.inf)  # the breakpoint of one replica fewer (k - 1)
        for k in range(replicas_max + 1):
            with np.errstate(divide="ignore", invalid="ignore"):
                at = _first_count(np.maximum(np.ceil((w + r) / ((k + 1) * vcpu)), 1), lambda n: np.ceil(
                    np.maximum(r / n - np.maximum(vcpu - w / n, 0), 0) / vcpu - 1e-9) <= k)
            # the first count at which the class runs with at most k replicas: its CPU allows k from its breakpoint
            # on, and its volumes deliver (the choice adds replicas for IOPS) from some count on
            lo = np.maximum(np.maximum(first, at), floor)
            if path is None:
                live = np.flatnonzero(lo <= np.minimum(before - 1, top_count))
                n = lo[live]
            else:
                live = np.flatnonzero(lo <= top_count)
                n = _first_holding(lo[live], top_count[live], lambda m, i, k=k: path.delivers(m, k, live[i]))
            found = np.isfinite(n)
            found_rows.append(scenario[live[found]])
            found_counts.append(n[found])
            before = at
            if path is None and not (at > floor).any():  # fewer replicas need more shards: no range is left
                break
    if dr is not None:
        rto, rpo = dr.rto_minutes[room], dr.rpo_minutes[room]
        limit = np.minimum(below[room], top + 1)
        for i, tier in enumerate(p.dr_tiers):
            if tier.restore_gb_per_minute <= 0:
                continue
            with np.errstate(divide="ignore", invalid="ignore"):
                spare = rto - tier.rto_minutes
                n = np.ceil(volume_gb[room] / (tier.restore_gb_per_minute * spare))
                n = _first_count(np.maximum(n, 1), lambda k: tier_rto_minutes(np.maximum(
                    whole.data_gb[room] / k * (1 + p.storage_overhead), p.min_storage_gb), p)[:, i] <= rto)
            keep = (tier.rpo_minutes <= rpo) & (spare > 0) & (n > fewest[room]) & (n < limit) & np.isfinite(n)
            found_rows.append(room[keep])
            found_counts.append(n[keep])
    rows, counts = np.concatenate(found_rows), np.concatenate(found_counts)
    key = np.unique(rows.astype(np.int64) * (int(top) + 2) + counts.astype(np.int64))
    return key // (int(top) + 2), (key % (int(top) + 2)).astype(float)


def database_floor(cols: Mapping[str, np.ndarray], multi_az: np.ndarray, app_vcpu_horizon: np.ndarray,
                   candidates: pd.DataFrame, policy: SizingPolicy, prices: dict[str, np.ndarray],
                   catalog: CloudCatalog, dr: DisasterRecovery | None = None,
                   purchase: np.ndarray | None = None) -> np.ndarray:
    """A lower bound of :func:`size_database`'s ``db_hourly_usd`` whatever cache sits in front: the cheapest
    class that meets what no cache relieves (the writes' vCPU, connections, the minimum buffer, Multi-AZ
    memory), at its purchase option's rate, with no replica and storage at its per-GB price alone, plus (with
    ``dr``) the backups, DR copies and DR replica of the data's own volume (a volume billed larger for IOPS
    only adds); the least of that at each shard count it may be priced at (:func:`more_shards`, one shard the
    fewest), and 0 where even uncached reads force shards.

    A cache of cost C cannot pay where C + this bound >= the database's bill without a cache, so the engine
    sizes the database behind caches only where it could."""
    # any database may be priced at several shard counts (see size_database): the least of their floors, each N x
    # one shard's floor; where even uncached reads force shards, no bound (0)
    largest = largest_class_vcpu(cols, multi_az, candidates)
    sharded = demand(cols, 0.0, multi_az, app_vcpu_horizon, policy, largest).shards > 1
    floor = _floor_at(cols, multi_az, app_vcpu_horizon, candidates, policy, prices, catalog, dr, purchase,
                      np.ones(len(multi_az)))
    if not (floor > sharding_hourly_usd(2, policy)).any():  # no count of two or more can bill less
        return np.where(sharded, 0.0, floor)
    # the writes alone: what no cache relieves
    whole = demand(cols, 0.0, multi_az, app_vcpu_horizon, policy, shards=np.ones(len(multi_az)))
    whole = whole._replace(reads=np.zeros(len(multi_az)), read_vcpu=np.zeros(len(multi_az)))
    groups = _groups(cols, whole.deployment)
    rows, k = shard_counts(np.ones(len(multi_az)), floor, _cheapest_fixed_rates(candidates, groups, purchase), whole,
                           groups, candidates, catalog, purchase, policy, dr, max_replicas=0)
    for start in range(0, len(rows), STACK_ROWS):
        r, n = rows[start:start + STACK_ROWS], k[start:start + STACK_ROWS]
        part = {c: np.asarray(v)[r] for c, v in cols.items()}
        at = _floor_at(part, multi_az[r], app_vcpu_horizon[r], candidates, policy,
                       {key: v[r] for key, v in prices.items()}, catalog, None if dr is None else dr.take(r),
                       None if purchase is None else np.asarray(purchase)[r], n)
        np.minimum.at(floor, r, at * n + sharding_hourly_usd(n, policy))
    return np.where(sharded, 0.0, floor)


def sharding_hourly_usd(shards: npt.ArrayLike, policy: SizingPolicy) -> np.ndarray:
    """What sharding into ``shards`` clusters adds to the database's bill an hour beyond list prices (0 for one
    cluster): the application's partitioning once (``policy.db_sharding_usd_month``) and each cluster's
    operations (``policy.db_shard_operations_usd_month``), assumptions billed as lines of their own
    (:func:`planner.engine.options.shared._bill_shard_operations`)."""
    k = np.asarray(shards, dtype=float)
    return np.where(k > 1, policy.db_sharding_usd_month + k * policy.db_shard_operations_usd_month,
                    0.0) / HOURS_PER_MONTH


def _fixed_performance(cands: pd.DataFrame) -> np.ndarray:
    """Which classes sustain every vCPU (not burstable): the only ones a sharded cluster takes."""
    return cands.effective_vcpu.to_numpy(dtype=float) >= cands.vcpu.to_numpy(dtype=float)


_FIXED_RATES = ByIdentity(limit=16)  # per candidate table: each group's least fixed-performance rates


def _cheapest_fixed_rates(candidates: pd.DataFrame, groups: np.ndarray, purchase: npt.ArrayLike | None
                          ) -> np.ndarray:
    """Per scenario, the least a fixed-performance class of its group (region/deployment) bills an hour at its
    purchase option: n clusters bill at least n times this plus :func:`sharding_hourly_usd`, so a count whose
    bound reaches the scenario's best bill cannot beat it (inf where the group has no such class: no count of
    shards fits there)."""
    columns = rate_columns(candidates)

    def build() -> dict[str, np.ndarray]:
        least = candidates[_fixed_performance(candidates)].groupby("group")[columns].min()
        return {g: row for g, row in zip(least.index, least.to_numpy(dtype=float))}

    table = _FIXED_RATES.get((candidates,), build)
    options, code = coded_options(purchase, len(groups))
    group_code, uniques = factorized(groups)
    none = np.full(len(columns), np.inf)  # a group with no fixed-performance class: no count fits there
    rates = np.array([table.get(g, none) for g in uniques]).reshape(len(uniques), len(columns))
    column = np.array([columns.index(rate_column(candidates, o)) for o in options], dtype=int)
    out = rates[group_code, column[code]] if len(groups) else np.zeros(0)
    return np.where(np.isnan(out), np.inf, out)


def _floor_at(cols: Mapping[str, np.ndarray], multi_az: np.ndarray, app_vcpu_horizon: np.ndarray,
              candidates: pd.DataFrame, policy: SizingPolicy, prices: dict[str, np.ndarray], catalog: CloudCatalog,
              dr: DisasterRecovery | None, purchase: np.ndarray | None, shards: np.ndarray) -> np.ndarray:
    """One shard's floor (see :func:`database_floor`) for ``shards`` shards."""
    p = policy
    d = demand(cols, 0.0, multi_az, app_vcpu_horizon, policy, shards=shards)
    options, code = coded_options(purchase, len(multi_az))

    def evaluate(rows: np.ndarray, cands: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        r0, multi = rows[0], d.deployment[rows[0]] == "multi-az"
        dep = "multi-az" if multi else "single-az"
        price = {k: float(v[r0]) for k, v in prices.items()}
        t = _classes(cands)
        per_gb = np.array([_per_gb_floor(catalog.database(name), price, dep) for name in t.variants])[t.variant_of]
        gb = d.storage_gb[rows, None]
        direct = max_connections(t.memory_gib, p)[None, :] >= d.connections[rows, None]
        # sharded clusters take fixed-performance classes only, as in size_database: a tighter bound
        fits = (_fits_any_cache(t, d.write_vcpu[rows, None], direct, gb, multi, p)
                & (t.fixed_performance[None, :] | (d.shards[rows, None] <= 1)))
        cost = t.rate_table(options)[code[rows]] + gb * per_gb[None, :] / HOURS_PER_MONTH
        if dr is not None:
            cost = cost + _dr_hourly(rows, t, gb, np.zeros((len(rows), 1)), price, dr, catalog, p, options,
                                     code[rows], gb)
        return np.zeros(cost.shape), np.where(fits & np.isfinite(cost), cost, np.inf)

    return cheapest(_groups(cols, d.deployment), candidates, evaluate, key="group").hourly_usd


def read_path(memory_gib: np.ndarray, data_gb: np.ndarray, cache_data_fraction: np.ndarray, hot: np.ndarray,
              reads: np.ndarray, writes: np.ndarray, policy: SizingPolicy) -> tuple[np.ndarray, np.ndarray]:
    """Buffer-cache hit ratio and storage IOPS of a class with ``memory_gib`` behind a cache holding
    ``cache_data_fraction`` of the data (arrays broadcast: one class per scenario, or scenarios x classes).

    The buffer holds ``db_buffer_memory_fraction`` of memory, the next-hottest data after the cache
    (:func:`planner.sizing.cache.residual_hit_ratio`); misses cost ``db_pages_per_read`` storage reads, writes
    ``db_iops_per_write``."""
    p = policy
    buffer_gb = memory_gib / GIB_PER_GB * p.db_buffer_memory_fraction
    with np.errstate(divide="ignore", invalid="ignore"):
        behind = np.where(data_gb > 0, buffer_gb / data_gb, 1.0)
    hit = residual_hit_ratio(cache_data_fraction, behind, hot, p.hot_read_share)
    return hit, reads * p.db_pages_per_read * (1 - hit) + writes * p.db_iops_per_write


def size_database(cols: Mapping[str, np.ndarray], cache_data_fraction: np.ndarray, cache_hit: np.ndarray,
                  multi_az: np.ndarray, app_vcpu_horizon: np.ndarray, candidates: pd.DataFrame,
                  policy: SizingPolicy, prices: dict[str, np.ndarray], catalog: CloudCatalog,
                  dr: DisasterRecovery | None = None, purchase: np.ndarray | None = None
                  ) -> dict[str, np.ndarray]:
    """Database decision per scenario behind a cache holding ``cache_data_fraction`` of the data and serving
    ``cache_hit`` of reads (both 0: no cache), as columns. ``db_hourly_usd`` is the whole database bill per
    hour: instances and replicas at each scenario's ``purchase`` option (on demand where None), storage, IOPS
    and I/O at ``prices`` (:func:`unit_prices` of
    the scenarios' regions), each variant's storage billed as the cloud's catalog says, and with ``dr`` its
    backups beyond the free share, their copies in the DR region, the replication transfer and the DR tier's
    database replica with its storage there: every line of the bill a class or variant changes, so the
    cheapest is the cheapest whole bill (an engine cheaper by the instance can cost more by its backups).
    ``cols`` holds the workload and traffic columns of the scenarios (and ``dr_region`` with ``dr``)."""
    p = policy
    n = len(multi_az)
    hot = cols["hot_data_fraction"]
    hit_of = np.broadcast_to(np.asarray(cache_hit, dtype=float), (n,))
    options, option_code = coded_options(purchase, n)
    largest = largest_class_vcpu(cols, multi_az, candidates)
    fewest = demand(cols, cache_hit, multi_az, app_vcpu_horizon, policy, largest)
    groups = _groups(cols, fewest.deployment)
    # usage is billed at today's load: I/O requests a month per IOPS at the horizon peak
    io_month_per_peak_iops = SECONDS_PER_MONTH / cols["growth_factor"] / cols["peak_to_average"]

    def choose(src: np.ndarray, d: Demand, volume: np.ndarray) -> Pick:
        """Each row's cheapest class for a shard of demand ``d`` of scenario ``src`` (rows of many scenarios and
        shard counts stacked, so one choice prices them all), its volume provisioned at ``volume`` (at least the
        shard's storage)."""
        reads, writes, read_vcpu, write_vcpu, connections, storage_gb, deployment, shard_count, data_gb = d
        primary_vcpu = write_vcpu + np.minimum(read_vcpu, p.db_max_primary_vcpu)
        queries = reads + writes
        baseline_iops = np.where(volume >= p.rds_gp3_large_volume_gb, p.rds_gp3_baseline_iops[1],
                                 p.rds_gp3_baseline_iops[0])

        def evaluate(rows: np.ndarray, cands: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
            # one region and one deployment per call: prices are scalars
            multi, of = deployment[rows[0]] == "multi-az", src[rows]
            dep = "multi-az" if multi else "single-az"
            price = {k: float(v[of[0]]) for k, v in prices.items()}
            t = _classes(cands)
            variants, variant_of, size_of = t.variants, t.variant_of, t.size_of
            caps = np.array([_volume_iops_cap(catalog.database(v), p) for v in variants])[variant_of]
            # the read path, and so storage, IOPS and read latency, depend on a class's memory and its variant's
            # storage only: work them out once per distinct memory size and variant, then pick each class's column
            hit, iops = read_path(t.sizes[None, :], data_gb[rows, None], cache_data_fraction[of, None],
                                  hot[of, None], reads[rows, None], writes[rows, None], p)
            gb = volume[rows, None]  # what is billed: storage, IOPS, backups, the DR copies
            reads_in_budget = (p.db_pages_per_read * (1 - hit) * p.db_storage_read_ms
                               <= p.db_read_latency_budget_ms)[:, size_of]
            vcpu = t.effective_vcpu[None, :]
            spare = np.maximum(vcpu - write_vcpu[rows, None], 0)
            replicas = np.maximum(np.ceil(np.maximum(read_vcpu[rows, None] - spare, 0) / vcpu - 1e-9), 0.0)
            # and where each replica keeps a volume of its own, enough of them that every volume delivers its share
            # of the IOPS (one more replica spreads the misses wider: Azure's 20,000 a volume)
            iops = iops[:, size_of]
            replicas = np.maximum(replicas, iops_replicas(iops, writes[rows, None], caps[None, :], p))
            load = volume_iops(iops, writes[rows, None], replicas, variants, variant_of, catalog, p)
            storage_month = np.empty(replicas.shape)
            delivers = np.empty(replicas.shape, dtype=bool)
            billed_gb = np.empty(replicas.shape)  # each replica keeps a volume as large as its shard's billed one
            for i, name in enumerate(variants):
                mine = variant_of == i
                v = catalog.database(name)
                storage_month[:, mine], delivers[:, mine] = _storage_month(
                    v, price, dep, gb, load[:, mine], io_month_per_peak_iops[of, None], baseline_iops[rows, None], p)
                billed_gb[:, mine] = _billed_gb(v, gb, load[:, mine], p)
            # more connections than the class takes: a pooler in front (the built-in one, else PgBouncer instances)
            direct = max_connections(t.memory_gib, p)[None, :] >= connections[rows, None]
            # a volume past the engine's largest does not exist: the data must shard (RDS 64 TiB, Aurora 128 TiB)
            largest_gb = np.array([catalog.database(v).max_storage_gb for v in variants])[variant_of]
            fits = (_fits_any_cache(t, primary_vcpu[rows, None], direct, storage_gb[rows, None], multi, p)
                    & (replicas <= p.db_max_read_replicas) & reads_in_budget & delivers
                    & (t.fixed_performance[None, :] | (shard_count[rows, None] <= 1)) & (gb <= largest_gb[None, :]))
            replica_gb = np.array([price[f"{v}/replica_gb"] for v in variants])[variant_of][None, :]
            code = option_code[of]
            cost = (t.rate_table(options)[code] + replicas * t.rate_table(options, "hourly_single")[code]
                    + (storage_month + replica_gb * replicas * billed_gb) / HOURS_PER_MONTH)
            if dr is not None:
                cost = cost + _dr_hourly(of, t, gb, load, price, dr, catalog, p, options, code,
                                         storage_gb[rows, None])
            # the pooler: the built-in one (no charge), else the cheaper of PgBouncer instances and a managed proxy,
            # worked out for the rows where some class needs one
            pooled = np.flatnonzero(~direct.all(axis=1))
            if catalog.database_pooler or not len(pooled):
                pool_usd = np.zeros((len(rows), 1))
            else:
                spec = [catalog.database(v) for v in variants]

                def per_class(values: list[float]) -> np.ndarray:
                    return np.array(values, dtype=float)[variant_of]

                pool_usd = np.zeros(replicas.shape)
                pool_usd[pooled] = np.minimum(*pooler_hourly_usd(
                    queries[rows[pooled], None], price["pooler/vcpu"], price["pooler/usd_per_vcpu_hour"], t.vcpu,
                    per_class([v.multi_az_copies if multi and v.multi_az_copies else 1.0 for v in spec]),
                    replicas[pooled], per_class([v.proxy_min_vcpu for v in spec]),
                    per_class([v.proxy_readers for v in spec]),
                    per_class([price[f"{v}/proxy_vcpu_hour"] for v in variants]), p)[:2])
            cost = cost + np.where(direct, 0.0, pool_usd)
            # sharding's own cost, a shard's share (each cluster's operations, the partitioning once)
            k = shard_count[rows]
            cost = cost + (sharding_hourly_usd(k, p) / k)[:, None]
            return replicas, np.where(fits & np.isfinite(cost), cost, np.inf)

        # each scenario chooses among the classes of its own deployment only: split by region/deployment
        return cheapest(groups[src], candidates, evaluate, key="group")

    provisioned = any(v.storage == "provisioned" for v in catalog.databases)

    def choose_volume(src: np.ndarray, shard_counts: np.ndarray) -> tuple[Pick, np.ndarray]:
        """The cheapest class of each (scenario ``src``, ``shard_counts``) row, the volume a whole-bill choice too:
        a gp3 volume below the large size includes fewer IOPS (RDS User Guide, "Amazon RDS DB instance storage":
        3,000 below 400 GB, 12,000 from 400 GB), so a volume enlarged to the large size can cost less than the
        IOPS the small one provisions. Weighed where some class could need more IOPS than the small volume
        includes (every read a miss: a bound); without it, slightly more data (crossing 400 GB) could cost less.
        Both volumes are rows of one choice. Each pick with its volume."""
        d = demand({c: cols[c][src] for c in DEMAND_COLUMNS}, hit_of[src], multi_az[src], app_vcpu_horizon[src],
                   policy, shards=shard_counts)
        iops_bound = d.reads * p.db_pages_per_read + d.writes * p.db_iops_per_write
        could = np.flatnonzero((d.storage_gb < p.rds_gp3_large_volume_gb) & (iops_bound > p.rds_gp3_baseline_iops[0])
                               if provisioned else np.zeros(len(src), dtype=bool))
        both = np.concatenate([np.arange(len(src)), could])
        volume = np.concatenate([d.storage_gb, np.maximum(d.storage_gb[could], p.rds_gp3_large_volume_gb)])
        pick = choose(src[both], Demand(*(x[both] for x in d)), volume)
        first, other = _take(pick, np.arange(len(src))), _take(pick, np.arange(len(src), len(both)))
        better = np.zeros(len(src), dtype=bool)
        better[could] = other.hourly_usd < first.hourly_usd[could]
        chosen = np.arange(len(src))
        chosen[could[better[could]]] = len(src) + np.flatnonzero(better[could])
        return _take(pick, chosen), volume[chosen]

    # every count of the grid above the fewest is a whole-bill choice too, each cluster's operations billed (see
    # choose), so a small database stays one cluster unless sharding pays for that too
    everyone = np.arange(n)
    pick, volume = choose_volume(everyone, fewest.shards)
    shards = fewest.shards
    total = pick.hourly_usd * shards
    fewest_total = total  # what the fewest shards the load needs would bill: the rationale's comparison

    def price(rows: np.ndarray, more: np.ndarray) -> None:
        """Price ``rows`` (scenarios, may repeat) at ``more`` shards each, and keep each scenario's cheapest
        count (ties: the fewer shards)."""
        nonlocal pick, volume, shards, total
        if not len(rows):
            return
        if len(rows) > STACK_ROWS:  # in slices (memory); a scenario's counts rise slice to slice, so ties still
            for start in range(0, len(rows), STACK_ROWS):  # keep the fewer shards
                price(rows[start:start + STACK_ROWS], more[start:start + STACK_ROWS])
            return
        other, other_volume = choose_volume(rows, more)
        cost = other.hourly_usd * more
        order = np.lexsort((more, cost, rows))
        lead = order[np.r_[True, rows[order][1:] != rows[order][:-1]]]
        better = cost[lead] < total[rows[lead]]
        win, at = rows[lead][better], lead[better]
        pick = _put(pick, win, _take(other, at))
        volume, shards, total = volume.copy(), shards.copy(), total.copy()
        volume[win], shards[win], total[win] = other_volume[at], more[at], cost[at]

    # the counts that could beat the fewest's bill (count_limit), priced whole in one stacked choice
    if (total > sharding_hourly_usd(fewest.shards + 1, p)).any():  # else no count beyond the fewest can pay
        whole = demand(cols, cache_hit, multi_az, app_vcpu_horizon, policy, shards=np.ones(n))
        least = _cheapest_fixed_rates(candidates, groups, purchase)
        price(*shard_counts(fewest.shards, total, least, whole, groups, candidates, catalog, purchase, p, dr,
                            read_path_of=(np.broadcast_to(np.asarray(cache_data_fraction, dtype=float), (n,)), hot)))
        # then the grid, for the savings that grow smoothly with smaller shards (buffer hits, I/O), below the bound
        # of the best bill so far
        price(*more_shards(fewest.shards, count_limit(total, least, p), p))
    d = demand(cols, cache_hit, multi_az, app_vcpu_horizon, policy, shards=shards)
    reads, writes, read_vcpu, write_vcpu, connections, storage_gb, deployment, shards, data_gb = d
    restore_gb = storage_gb  # what a restore copies into a shard: its data, however large the volume
    storage_gb = np.maximum(storage_gb, volume)  # the volume provisioned: the storage, or enlarged for IOPS
    primary_vcpu = write_vcpu + np.minimum(read_vcpu, p.db_max_primary_vcpu)
    queries = reads + writes
    baseline_iops = np.where(storage_gb >= p.rds_gp3_large_volume_gb, p.rds_gp3_baseline_iops[1],
                             p.rds_gp3_baseline_iops[0])
    fits = pick.found
    memory = pick.of(candidates, "memory_gib").astype(float)
    variant = np.where(fits, pick.of(candidates, "variant"), "")
    # the chosen class's read path (one class per scenario)
    hit, iops = read_path(np.nan_to_num(memory), data_gb, cache_data_fraction, hot, reads, writes, p)
    spec = {v.name: v for v in catalog.databases}

    def of_variant(field: str, none: object, dtype: npt.DTypeLike = object) -> np.ndarray:
        return mapped(variant, lambda v: getattr(spec[v], field) if v else none, dtype)

    storage = of_variant("storage", "")
    provisioned, scaled = storage == "provisioned", storage == "scaled"
    total_iops = iops  # Aurora's I/O requests: the whole cluster's
    cap = mapped(variant, lambda v: _volume_iops_cap(spec[v], p) if v else np.inf, float)
    for_iops = np.where(fits, iops_replicas(iops, writes, cap, p), 0.0)  # replicas the volumes' IOPS alone need
    iops = np.where(provisioned | scaled, _own_volume_iops(iops, writes, pick.units, p), iops)  # the writer's
    per_gb_iops = of_variant("iops_per_gb", 0.0, float)
    volume = np.where(provisioned, np.where(iops > p.rds_gp3_max_iops, "io2", "gp3"),
                      of_variant("volume", ""))
    with np.errstate(divide="ignore", invalid="ignore"):
        storage_billed = np.select([volume == "io2", scaled],
                                   [np.maximum(storage_gb, iops / p.rds_io2_iops_per_gb),
                                    np.maximum(storage_gb, iops / np.where(scaled, per_gb_iops, 1.0))], storage_gb)
    baseline = np.select([volume == "gp3", scaled], [baseline_iops, storage_billed * per_gb_iops], 0.0)
    backup_gb = storage_billed * (1 + p.daily_change_fraction * p.backup_retention_days)
    free_backup = of_variant("free_backup_fraction", 0.0, float)
    # the pooler the choice weighed (see choose): built in, else the cheaper of PgBouncer and a managed proxy
    pooled = fits & (max_connections(memory, p) < connections)
    pooler_vcpu = np.asarray(prices["pooler/vcpu"], dtype=float)
    copies = of_variant("multi_az_copies", 0.0, float)
    proxy_rate = np.full(len(variant), np.nan)
    for v in catalog.databases:
        proxy_rate = np.where(variant == v.name, prices.get(f"{v.name}/proxy_vcpu_hour", np.nan), proxy_rate)
    pgbouncer, proxy, proxied = pooler_hourly_usd(
        queries, pooler_vcpu, prices["pooler/usd_per_vcpu_hour"], pick.of(candidates, "vcpu").astype(float),
        np.where(multi_az & (copies > 0), copies, 1.0), pick.units, of_variant("proxy_min_vcpu", 0.0, float),
        of_variant("proxy_readers", False, bool), proxy_rate, p)
    pool_usd = np.stack([pgbouncer, proxy])
    use_proxy = pool_usd[1] < pool_usd[0]
    pooler = np.where(pooled, "builtin" if catalog.database_pooler else np.where(use_proxy, "proxy", "pgbouncer"),
                      "")
    return {
        "db_instance_class": pick.sku,
        "db_engine_variant": variant,
        "db_multi_az": multi_az,
        "db_deployment": deployment,
        # per shard, as every per-instance, storage and I/O column below; the bill multiplies by the shards
        "db_shards": shards,  # where no class fits, the fewest the load needs
        "db_fewest_shards": fewest.shards,  # the fewest the load needs, and their whole database bill an hour
        "db_fewest_hourly_usd": fewest_total,
        "db_pooler": pooler.astype(object),
        "db_pooler_instances": np.where(pooler == "pgbouncer", pooler_instances(queries, pooler_vcpu, p), 0.0),
        "db_proxy_vcpu": np.where(pooler == "proxy", proxied, 0.0),  # billed by the proxy, per shard
        # the pooler's hour per shard, and the other one's (the rationale's comparison; inf where none is offered)
        "db_pooler_hourly_usd": np.where(pooler == "proxy", pool_usd[1], np.where(pooler == "pgbouncer", pool_usd[0],
                                                                                   0.0)),
        "db_pooler_other_hourly_usd": np.where(pooler == "proxy", pool_usd[0], np.where(pooler == "pgbouncer",
                                                                                         pool_usd[1], np.nan)),
        "db_read_replicas": pick.units,
        "db_replicas_for_iops": for_iops,  # of them, what the volumes' IOPS cap alone asks (the rest: read CPU)
        "db_volume_iops_cap": cap,
        "db_read_rps": reads * shards,
        "db_write_rps": writes * shards,
        "db_read_vcpu": read_vcpu,
        "db_write_vcpu": write_vcpu,
        "db_primary_vcpu_needed": primary_vcpu,
        "db_connections_needed": connections,
        "db_memory_gib": memory,
        "db_buffer_hit_ratio": np.where(fits, hit, np.nan),
        "db_peak_iops": np.where(fits, iops, np.nan),
        "db_baseline_iops": baseline,
        "db_volume_type": volume,
        "db_provisioned_iops": np.select([volume == "gp3", volume == "io2"], [np.maximum(iops - baseline_iops, 0),
                                                                              iops], 0.0),
        # only per-request storage bills I/O requests
        "db_io_million_month": np.where(storage == "per_request", total_iops * io_month_per_peak_iops / 1e6, 0.0),
        "db_storage_gb": storage_billed,
        "db_restore_gb": restore_gb,  # the DR tier follows it (shards restore side by side)
        "db_backup_billed_gb": np.maximum(backup_gb - storage_billed * free_backup, 0.0),
        "db_fits": fits,
        "db_hourly_usd": pick.hourly_usd * shards,
    }
