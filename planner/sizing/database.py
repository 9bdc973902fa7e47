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

from collections.abc import Mapping
from typing import NamedTuple

import numpy as np
import numpy.typing as npt
import pandas as pd

from planner.policy import SizingPolicy
from planner.pricing.book import PriceBook
from planner.pricing.queries import instance_candidates
from planner.pricing.units import HOURS_PER_MONTH
from planner.sizing.cache import GIB_PER_GB, residual_hit_ratio
from planner.sizing.choose import cheapest, pareto_prune

SECONDS_PER_MONTH = 3600 * HOURS_PER_MONTH
VARIANTS = ("rds", "aurora-standard", "aurora-io-optimized")


def burstable_share(skus: pd.Series, policy: SizingPolicy) -> np.ndarray:
    """Sustained share of each vCPU: 1 for fixed-performance classes, the size's baseline for burstable
    (t-class) ones (``policy.burstable_baselines``, AWS burstable performance docs)."""
    size = skus.str.rsplit(".", n=1).str[-1]
    burstable = skus.str.match(r"^(db\.|cache\.)?t\d").to_numpy()
    share = size.map(policy.burstable_baselines).fillna(0.0).to_numpy(dtype=float)
    return np.where(burstable, share, 1.0)


def effective_vcpu(cands: pd.DataFrame, policy: SizingPolicy) -> np.ndarray:
    """vCPUs a class can sustain (see :func:`burstable_share`)."""
    return cands.vcpu.to_numpy() * burstable_share(cands.sku, policy)


def multi_az_needed(availability_pct: np.ndarray, rto_minutes: np.ndarray, policy: SizingPolicy) -> np.ndarray:
    """Multi-AZ when the availability target exceeds what single-AZ promises, or the RTO is shorter than a
    single-AZ restore."""
    return (availability_pct >= policy.multi_az_min_availability) | (rto_minutes < policy.single_az_restore_minutes)


def aurora_engine(engine: str) -> str:
    return "aurora-mysql" if engine in ("mysql", "mariadb") else "aurora-postgresql"


def database_candidates(book: PriceBook, cloud: str, policy: SizingPolicy) -> pd.DataFrame:
    """Every (variant, deployment, class) the database may use, per region: ``hourly_usd`` of the deployment
    (RDS Multi-AZ's own price; Aurora Multi-AZ = writer + one replica in another AZ), ``hourly_single_usd`` of
    one more reader, specs and effective vCPU. Pareto-pruned within each (region, variant, deployment);
    ``group`` = region/deployment, the key a scenario chooses within."""
    def build() -> pd.DataFrame:
        frames = []
        single = instance_candidates(book, cloud, "rds", policy.database_family_pattern, policy.database_engine,
                                     "single-az")
        singles = single.set_index(["region", "sku"]).hourly_usd
        for dep, frame in (("single-az", single),
                           ("multi-az", instance_candidates(book, cloud, "rds", policy.database_family_pattern,
                                                            policy.database_engine, "multi-az"))):
            key = pd.MultiIndex.from_frame(frame[["region", "sku"]])
            frames.append(frame.assign(variant="rds", deployment=dep,
                                       hourly_single_usd=singles.reindex(key).to_numpy()))
        if policy.consider_aurora:
            for variant in VARIANTS[1:]:
                one = instance_candidates(book, cloud, "rds", policy.database_family_pattern,
                                          aurora_engine(policy.database_engine), variant)
                for dep, copies in (("single-az", 1.0), ("multi-az", 2.0)):
                    frames.append(one.assign(variant=variant, deployment=dep, hourly_single_usd=one.hourly_usd,
                                             hourly_usd=one.hourly_usd * copies))
        out = pd.concat(frames, ignore_index=True).dropna(subset=["hourly_single_usd"])
        out["effective_vcpu"] = effective_vcpu(out, policy)
        out = out.sort_values(["region", "hourly_usd", "variant", "sku"]).reset_index(drop=True)
        out = pareto_prune(out, ["region", "variant", "deployment"], ["effective_vcpu", "memory_gib"],
                           ["hourly_usd", "hourly_single_usd"]).reset_index(drop=True)
        return out.assign(group=out.region + "/" + out.deployment)

    key = ("database_candidates", cloud, policy.database_family_pattern, policy.database_engine,
           tuple(sorted(policy.burstable_baselines.items())), policy.consider_aurora)
    return book.memo(key, build)


def unit_prices(book: PriceBook, cloud: str, regions: np.ndarray) -> dict[str, np.ndarray]:
    """Per-scenario storage, IOPS and I/O prices [USD per month unit]; NaN where the book has none."""
    def price(item: str, dimension: str) -> np.ndarray:
        pos = book.service_positions(cloud, regions, "rds", item, dimension)
        return np.where(pos >= 0, book.service_arrays["usd_per_unit"][np.maximum(pos, 0)], np.nan)

    out = {}
    for dep in ("single-az", "multi-az"):
        out[f"gp3_gb/{dep}"] = price("storage", f"rds/{dep}/gp3")
        out[f"gp3_iops/{dep}"] = price("provisioned_iops", f"rds/{dep}/gp3")
        out[f"io2_gb/{dep}"] = price("storage", f"rds/{dep}/io2")
        out[f"io2_iops/{dep}"] = price("provisioned_iops", f"rds/{dep}/io2")
    out["aurora_gb/aurora-standard"] = price("storage", "aurora/cluster/aurora-standard")
    out["aurora_gb/aurora-io-optimized"] = price("storage", "aurora/cluster/aurora-io-optimized")
    out["aurora_io_million"] = price("io_requests", "aurora/cluster/aurora-standard")
    return out


class Demand(NamedTuple):
    """What the database must serve, per scenario, at the horizon peak behind a cache serving ``cache_hit``."""

    reads: np.ndarray  # reads/s that reach the database
    writes: np.ndarray  # writes/s (no cache relieves them)
    read_vcpu: np.ndarray
    write_vcpu: np.ndarray
    connections: np.ndarray
    storage_gb: np.ndarray  # provisioned: data x (1 + overhead), at least the minimum
    deployment: np.ndarray  # "multi-az" or "single-az"


def demand(cols: Mapping[str, np.ndarray], cache_hit: npt.ArrayLike, multi_az: np.ndarray,
           app_vcpu_horizon: np.ndarray, policy: SizingPolicy) -> Demand:
    """Reads, writes and their vCPU at target utilisation (utilisation law), connections from the app's vCPUs,
    storage with its overhead (see the module docstring)."""
    p = policy
    peak, read_fraction = cols["peak_rps_horizon"], cols["read_fraction"]
    reads = peak * read_fraction * (1 - np.asarray(cache_hit))
    writes = peak * (1 - read_fraction)
    return Demand(reads=reads, writes=writes,
                  read_vcpu=reads * p.db_cpu_ms_per_read / 1000 / p.db_target_utilization,
                  write_vcpu=writes * p.db_cpu_ms_per_write / 1000 / p.db_target_utilization,
                  connections=app_vcpu_horizon * p.db_connections_per_app_vcpu,
                  storage_gb=np.maximum(cols["data_size_gb_horizon"] * (1 + p.storage_overhead), p.min_storage_gb),
                  deployment=np.where(multi_az, "multi-az", "single-az"))


def _fits_any_cache(cands: pd.DataFrame, vcpu_needed: np.ndarray, connections: np.ndarray,
                    storage_gb: np.ndarray, multi: bool, policy: SizingPolicy) -> np.ndarray:
    """(scenarios, classes): the class has ``vcpu_needed`` and meets what no cache relieves: connections, a
    buffer of the minimum share of the data, and Multi-AZ's minimum memory (arguments are per-scenario
    columns, shape (scenarios, 1))."""
    p = policy
    memory = cands.memory_gib.to_numpy()[None, :]
    max_conn = np.minimum(memory * 2**30 / p.db_bytes_per_connection, p.db_max_connections)
    return ((cands.effective_vcpu.to_numpy()[None, :] >= vcpu_needed) & (max_conn >= connections)
            & (memory / GIB_PER_GB * p.db_buffer_memory_fraction >= storage_gb * p.db_min_buffer_fraction)
            & ((memory >= p.db_min_memory_gib) | (not multi)))


def _groups(cols: Mapping[str, np.ndarray], deployment: np.ndarray) -> np.ndarray:
    """The group a scenario chooses its class in: its region and deployment (a ``group`` of the candidates)."""
    return cols["region"].astype(object) + "/" + deployment.astype(object)


def database_floor(cols: Mapping[str, np.ndarray], multi_az: np.ndarray, app_vcpu_horizon: np.ndarray,
                   candidates: pd.DataFrame, policy: SizingPolicy, prices: dict[str, np.ndarray]) -> np.ndarray:
    """A lower bound of :func:`size_database`'s ``db_hourly_usd`` whatever cache sits in front: the cheapest
    class that meets what no cache relieves (the writes' vCPU, connections, the minimum buffer, Multi-AZ
    memory), with no replica and storage at its per-GB price alone.

    A cache of cost C cannot pay where C + this bound >= the database's bill without a cache, so the engine
    sizes the database behind caches only where it could."""
    p = policy
    d = demand(cols, 0.0, multi_az, app_vcpu_horizon, policy)

    def evaluate(rows: np.ndarray, cands: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        r0, multi = rows[0], d.deployment[rows[0]] == "multi-az"
        dep = "multi-az" if multi else "single-az"
        variant = cands.variant.to_numpy()
        per_gb = np.select([variant == "rds", variant == "aurora-io-optimized"],
                           [min(prices[f"gp3_gb/{dep}"][r0], prices[f"io2_gb/{dep}"][r0]),
                            prices["aurora_gb/aurora-io-optimized"][r0]], prices["aurora_gb/aurora-standard"][r0])
        gb = d.storage_gb[rows, None]
        fits = _fits_any_cache(cands, d.write_vcpu[rows, None], d.connections[rows, None], gb, multi, p)
        cost = cands.hourly_usd.to_numpy()[None, :] + gb * per_gb[None, :] / HOURS_PER_MONTH
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
                  policy: SizingPolicy, prices: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Database decision per scenario behind a cache holding ``cache_data_fraction`` of the data and serving
    ``cache_hit`` of reads (both 0: no cache), as columns. ``db_hourly_usd`` is the whole database bill per
    hour: instances, replicas, storage, IOPS and I/O (on-demand rates) at ``prices`` (:func:`unit_prices` of
    the scenarios' regions). ``cols`` holds the workload and traffic columns of the scenarios."""
    p = policy
    hot = cols["hot_data_fraction"]
    data_gb = cols["data_size_gb_horizon"]
    reads, writes, read_vcpu, write_vcpu, connections, storage_gb, deployment = demand(
        cols, cache_hit, multi_az, app_vcpu_horizon, policy)
    primary_vcpu = write_vcpu + np.minimum(read_vcpu, p.db_max_primary_vcpu)
    # usage is billed at today's load: I/O requests a month per IOPS at the horizon peak
    io_month_per_peak_iops = SECONDS_PER_MONTH / cols["growth_factor"] / cols["peak_to_average"]
    baseline_iops = np.where(storage_gb >= p.rds_gp3_large_volume_gb, p.rds_gp3_baseline_iops[1],
                             p.rds_gp3_baseline_iops[0])

    def evaluate(rows: np.ndarray, cands: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        # one region and one deployment per call: prices are scalars
        r0, multi = rows[0], deployment[rows[0]] == "multi-az"
        dep = "multi-az" if multi else "single-az"
        price = {k: float(v[r0]) for k, v in prices.items()}
        memory = cands.memory_gib.to_numpy()[None, :]
        variant = cands.variant.to_numpy()[None, :]
        rds = variant == "rds"
        # the read path, and so storage, IOPS and read latency, depend on a class's memory and its kind of
        # storage only: work them out once per distinct memory size, then pick each class's column
        sizes, size_of = np.unique(memory, return_inverse=True)
        size_of = size_of.ravel()
        hit, iops = read_path(sizes[None, :], data_gb[rows, None], cache_data_fraction[rows, None], hot[rows, None],
                              reads[rows, None], writes[rows, None], p)
        gb = storage_gb[rows, None]
        extra_iops = np.maximum(iops - baseline_iops[rows, None], 0)
        gp3 = gb * price[f"gp3_gb/{dep}"] + extra_iops * price[f"gp3_iops/{dep}"]
        io2 = (np.maximum(gb, iops / p.rds_io2_iops_per_gb) * price[f"io2_gb/{dep}"]
               + iops * price[f"io2_iops/{dep}"])
        by_kind = np.concatenate([
            np.where(iops > p.rds_gp3_max_iops, io2, gp3),  # RDS: gp3, or io2 past gp3's ceiling
            gb * price["aurora_gb/aurora-standard"] + iops * io_month_per_peak_iops[rows, None]
            * price["aurora_io_million"] / 1e6,  # Aurora standard bills I/O requests
            np.broadcast_to(gb * price["aurora_gb/aurora-io-optimized"], iops.shape),  # I/O-Optimized does not
        ], axis=1)
        kind = np.select([rds[0], variant[0] == "aurora-standard"], [0, 1], 2)
        storage_month = by_kind[:, kind * len(sizes) + size_of]
        reads_in_budget = (p.db_pages_per_read * (1 - hit) * p.db_storage_read_ms
                           <= p.db_read_latency_budget_ms)[:, size_of]
        past_io2 = (iops > p.rds_io2_max_iops)[:, size_of] & rds
        vcpu = cands.effective_vcpu.to_numpy()[None, :]
        spare = np.maximum(vcpu - write_vcpu[rows, None], 0)
        replicas = np.maximum(np.ceil(np.maximum(read_vcpu[rows, None] - spare, 0) / vcpu - 1e-9), 0.0)
        fits = (_fits_any_cache(cands, primary_vcpu[rows, None], connections[rows, None], gb, multi, p)
                & reads_in_budget & ~past_io2)
        replica_storage = np.where(rds, price["gp3_gb/single-az"], 0.0) * replicas * gb
        cost = (cands.hourly_usd.to_numpy()[None, :] + replicas * cands.hourly_single_usd.to_numpy()[None, :]
                + (storage_month + replica_storage) / HOURS_PER_MONTH)
        return replicas, np.where(fits & np.isfinite(cost), cost, np.inf)

    # each scenario chooses among the classes of its own deployment only: split by region/deployment
    pick = cheapest(_groups(cols, deployment), candidates, evaluate, key="group")
    fits = pick.found
    chosen = candidates.reindex(pick.candidate)
    memory = chosen.memory_gib.to_numpy()
    variant = np.where(fits, chosen.variant.to_numpy(dtype=object), "")
    # the chosen class's read path (one class per scenario)
    hit, iops = read_path(np.nan_to_num(memory), data_gb, cache_data_fraction, hot, reads, writes, p)
    rds = variant == "rds"
    volume = np.where(rds, np.where(iops > p.rds_gp3_max_iops, "io2", "gp3"), np.where(fits, "aurora", ""))
    provisioned = np.where(volume == "gp3", np.maximum(iops - baseline_iops, 0), np.where(volume == "io2", iops, 0.0))
    storage_billed = np.where(volume == "io2", np.maximum(storage_gb, iops / p.rds_io2_iops_per_gb), storage_gb)
    backup_gb = storage_billed * (1 + p.daily_change_fraction * p.backup_retention_days)
    return {
        "db_instance_class": pick.sku,
        "db_engine_variant": variant,
        "db_multi_az": multi_az,
        "db_deployment": deployment,
        "db_read_replicas": pick.units,
        "db_read_rps": reads,
        "db_write_rps": writes,
        "db_read_vcpu": read_vcpu,
        "db_write_vcpu": write_vcpu,
        "db_primary_vcpu_needed": primary_vcpu,
        "db_connections_needed": connections,
        "db_memory_gib": memory,
        "db_buffer_hit_ratio": np.where(fits, hit, np.nan),
        "db_peak_iops": np.where(fits, iops, np.nan),
        "db_baseline_iops": np.where(volume == "gp3", baseline_iops, 0.0),
        "db_volume_type": volume,
        "db_provisioned_iops": provisioned,
        # I/O-Optimized bills no I/O requests
        "db_io_million_month": np.where(variant == "aurora-standard", iops * io_month_per_peak_iops / 1e6, 0.0),
        "db_storage_gb": storage_billed,
        "db_backup_billed_gb": backup_gb - storage_billed,
        "db_fits": fits,
        "db_hourly_usd": pick.hourly_usd,
    }
