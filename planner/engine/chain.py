"""The sizing and pricing chain, vectorised over scenarios: one code path for one plan or a batch.

``run`` takes a frame of workloads (one row each, the :class:`Workload` fields
as columns) and returns every intermediate: the shared sizing per scenario,
each option per scenario (feasible or not, with reasons) and the bill of
materials. :mod:`planner.plan.model` wraps the one-row case; the batch engine
chunks large frames through the same function.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from planner.base.codes import factorized, mapped, shared_objects
from planner.base.errors import PlannerError
from planner.clouds import CloudCatalog, catalog_for
from planner.engine.bom import BomBuilder, bom_frame
from planner.engine.options.context import Columns, Context, add_reason, option_frame, stack_options
from planner.engine.options.fleet import horizontal, vertical
from planner.engine.options.kubernetes import kubernetes
from planner.engine.options.managed import containers, serverless
from planner.engine.options.purchase import purchase_arrays
from planner.engine.options.shared import bill_dr, bill_shared
from planner.pricing.book import PriceBook, unknown_region
from planner.pricing.queries import instance_candidates
from planner.pricing.units import HOURS_PER_MONTH
from planner.engine import rationale
from planner.sizing.availability import redundant_pct, serial_pct
from planner.sizing.cache import MAX_SHARDS, size_cache
from planner.sizing.cdn import plan_cdn
from planner.sizing.choose import Pick, pareto_prune, rate_columns
from planner.sizing.compute import az_plan, compute_need
from planner.workload.policy import SizingPolicy
from planner.sizing.database import (DisasterRecovery, database_candidates, database_class_prices, database_floor,
                                     dr_class_prices, multi_az_needed, size_database, unit_prices)
from planner.sizing.dr import dr_region, dr_targets_met, dr_tier_index
from planner.sizing.keyvalue import size_key_value
from planner.sizing.object_storage import object_lifecycle
from planner.sizing.profile import hourly_fraction_of_peak
from planner.sizing.role_cost import role_cost_usd
from planner.sizing.traffic import traffic
from planner.sizing.workers import size_workers
from planner.workload.model import NUMERIC_FIELDS, Workload

OptionFn = Callable[[Context, BomBuilder], Columns]
OPTIONS: dict[str, OptionFn] = {
    "vertical": vertical,
    "horizontal": horizontal,
    "containers": containers,
    "kubernetes": kubernetes,
    "serverless": serverless,
}


@dataclass(frozen=True)
class EngineResult:
    """Every intermediate of a run: inputs, shared sizing, options and bill of materials.

    The engine works on columns (``*_columns``: one array per column); the frames are built from them when
    first asked for, since a single plan reads a handful of values and need not pay for three wide frames."""

    workloads: pd.DataFrame
    sizing_columns: Columns  # shared sizing, one element per scenario
    option_columns: Columns  # one element per scenario x option, options in OPTIONS order
    bom_columns: Columns  # one element per bill-of-materials line, BOM_COLUMNS
    policy: SizingPolicy

    @functools.cached_property
    def sizing(self) -> pd.DataFrame:
        return pd.DataFrame(self.sizing_columns)

    @functools.cached_property
    def options(self) -> pd.DataFrame:
        return pd.DataFrame(self.option_columns)

    @functools.cached_property
    def bom(self) -> pd.DataFrame:
        return bom_frame(self.bom_columns)

    def per_scenario(self, column: str) -> np.ndarray:
        """An option column as (scenarios, options), options in :data:`OPTIONS` order (the engine lists option
        by option)."""
        return np.asarray(self.option_columns[column]).reshape(len(OPTIONS), -1).T


def workloads_frame(workloads: Sequence[Workload]) -> pd.DataFrame:
    """One row per workload with every field but the policy; numeric fields as float (None -> NaN)."""
    dumps = [w.model_dump(mode="json", exclude={"policy"}) for w in workloads]
    columns: dict[str, object] = {c: [d[c] for d in dumps] for c in dumps[0]} if dumps else {}
    for c in NUMERIC_FIELDS:
        if c in columns:
            columns[c] = np.array([np.nan if v is None else v for v in columns[c]], dtype=float)
    return pd.DataFrame(columns)


def check_names(wf: pd.DataFrame, book: PriceBook) -> None:
    """Clouds and regions must be in the price book; the error names the first bad one with close matches."""
    for cloud, region in dict.fromkeys(zip(wf["cloud"].tolist(), wf["region"].tolist())):
        catalog_for(cloud)  # an unknown cloud is named with close matches
        if cloud not in book.clouds():
            raise PlannerError(f"the price book {book.label} has no {cloud} tables (it has: "
                               f"{', '.join(book.clouds())})")
        known = book.regions(cloud).region
        if region not in set(known):
            raise unknown_region(cloud, region, known)


def run(wf: pd.DataFrame, policy: SizingPolicy, book: PriceBook, *, detail: bool = True) -> EngineResult:
    """Size and price every option of every scenario in ``wf`` (all of one cloud and one policy).

    With ``detail`` the result keeps every bill-of-materials line; without, only each option's total
    (the batch engine's mode: the same numbers, a fraction of the memory)."""
    # extreme but valid inputs (1e-300 GB, 1e6 req/s) overflow or divide by zero in intermediate arrays; the
    # rules handle inf and NaN themselves (a class that does not fit costs inf), so numpy need not warn
    with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
        wf = wf.reset_index(drop=True)
        first = _run(wf, policy, book, detail)
        variants, scenario_of, options = architecture_variants(wf, first)
        if not len(variants):
            return first
        second = _run(variants, policy, book, detail, options)
        result = cheapest_variants(first, second, scenario_of)
        _cdn_bills(result, first, second, variants, scenario_of)
        return result


def _cdn_bills(result: EngineResult, first: EngineResult, second: EngineResult, variants: pd.DataFrame,
               scenario_of: np.ndarray) -> None:
    """Where a scenario was planned with and without the CDN, both whole monthly bills (the cheapest feasible
    option of each) as sizing columns ``cdn_with_usd`` and ``cdn_without_usd`` (NaN elsewhere), in place: the
    numbers the CDN decision was made on."""
    n, m = len(first.workloads), len(scenario_of)
    bills = np.full((n, 2), np.inf)  # column 0: with the CDN, 1: without
    first_pin = np.where(np.asarray(first.sizing_columns["cdn_used"], dtype=bool), 0, 1)
    bills[np.arange(n), first_pin] = _feasible_usd(first, n).min(axis=0)
    pin = np.where(variants["cdn_pin"].to_numpy(dtype=object) == "on", 0, 1)
    if m:
        np.minimum.at(bills, (scenario_of, pin), _feasible_usd(second, m).min(axis=0))
    planned = np.zeros((n, 2), dtype=bool)
    planned[np.arange(n), first_pin] = True
    planned[scenario_of, pin] = True
    both = planned.all(axis=1)
    for column, i in (("cdn_with_usd", 0), ("cdn_without_usd", 1)):
        result.sizing_columns[column] = np.where(both & np.isfinite(bills[:, i]), bills[:, i], np.nan)


def architecture_variants(wf: pd.DataFrame, first: EngineResult
                          ) -> tuple[pd.DataFrame, np.ndarray, frozenset[str]]:
    """The rows to plan again with a choice pinned, the scenario each belongs to, and the options they can
    change: every choice the first plan made on a guess rather than on the whole bill.

    * **DR tier**: the first plan takes the tier the RTO and RPO ask for (the base), lifted per option where one
      region falls short of the availability target, with the database chosen for the base tier's footprint.
      For a fixed architecture a higher tier only adds to the bill (a larger standing footprint), so a higher
      tier can pay only where it changes an architecture: the tier an option was lifted to, where the database
      and cache are chosen again with that tier's footprint in their bill (needless where the database
      footprint is the base tier's), and the lowest tier at which the single instance the target doubled into
      a pair would do alone. Those tiers are planned again whole (``dr_tier_floor``).
    * **CDN** under ``cdn: auto`` with cacheable responses: planned again with the other choice (``cdn_pin``).

    The bound behind the pruning (a higher tier adds footprint to a fixed architecture) holds for the compute
    and the database; the cache's DR share is weighed at the tier of one unsharded volume, so it is the one
    choice that can still miss by a tier's share of the cache."""
    s, o = first.sizing_columns, first.option_columns
    n, k = len(wf), len(OPTIONS)
    tiers = first.policy.dr_tiers
    base = np.asarray(s["dr_tier_index"], dtype=int)
    sized = np.asarray(o["sized"], dtype=bool).reshape(k, n)
    lifted = sized & np.asarray(o["dr_upgraded_for_availability"], dtype=bool).reshape(k, n)
    tier = np.asarray(o["dr_tier_index"], dtype=int).reshape(k, n)
    # the database footprint a tier keeps in the DR region: tiers alike in it choose the same database
    last = len(tiers) - 1
    footprint = np.array([(t.database_replica, i == last) for i, t in enumerate(tiers)])
    changes_db = (footprint[tier] != footprint[base][None, :]).any(axis=2)
    wanted = np.zeros((n, len(tiers)), dtype=bool)
    rows_k, rows_n = np.nonzero(lifted & changes_db)
    wanted[rows_n, tier[rows_k, rows_n]] = True
    # at a pinned tier an option not lifted there only adds footprint: only those lifted can gain
    options = {name for i, name in enumerate(OPTIONS) if i in set(rows_k.tolist())}
    v = list(OPTIONS).index("vertical")
    single_tier = np.asarray(o["single_instance_tier"], dtype=float).reshape(k, n)[v]
    paired = sized[v] & (np.asarray(o["compute_kind"]).reshape(k, n)[v] == "pair") & (single_tier > base)
    wanted[np.flatnonzero(paired), single_tier[paired].astype(int)] = True
    if paired.any():
        options.add("vertical")
    offload = wf["cacheable_fraction"].to_numpy(dtype=float) * wf["cdn_hit_ratio"].to_numpy(dtype=float)
    flip = (wf["cdn"].to_numpy(dtype=object) == "auto") & np.asarray(s["cdn_priced"], dtype=bool) & (offload > 0)
    used = np.asarray(s["cdn_used"], dtype=bool)
    if flip.any():
        options.update(OPTIONS)  # every option's bill changes with a CDN in front
    # every (scenario, tier, CDN pin) to plan: the base tier and the wanted ones, both pins where the CDN choice
    # flips, else the first plan's; less the first plan itself. In row, tier, pin order (ties keep the first)
    everyone = np.arange(n)
    tier_ok = wanted.copy()
    tier_ok[everyone, base] = True
    first_pin = np.where(used, 0, 1)  # 0: "on", 1: "off"
    pin_ok = np.zeros((n, 2), dtype=bool)
    pin_ok[everyone, first_pin] = True
    pin_ok[flip] = True
    planned = tier_ok[:, :, None] & pin_ok[:, None, :]
    planned[everyone, base, first_pin] = False
    scenario_of, floor, pin = np.nonzero(planned)
    if not len(scenario_of):
        return wf.iloc[:0], scenario_of, frozenset()
    variants = wf.iloc[scenario_of].reset_index(drop=True)
    variants["dr_tier_floor"] = floor.astype(int)
    variants["cdn_pin"] = np.array(["on", "off"], dtype=object)[pin]
    return variants, scenario_of, frozenset(options)


def cheapest_variants(first: EngineResult, second: EngineResult, scenario_of: np.ndarray) -> EngineResult:
    """``first`` with each (scenario, option) taken from the variant row of ``second`` (row ``j`` belongs to
    scenario ``scenario_of[j]``) whose whole bill is the cheapest feasible one; the shared sizing from the row the
    recommended option comes from. Ties keep the first plan."""
    n, m, k = len(first.workloads), len(scenario_of), len(OPTIONS)

    cost1, cost2 = _feasible_usd(first, n), _feasible_usd(second, m)
    source = np.tile(np.arange(n), (k, 1))  # per (option, scenario): a row of first (< n) or n + a row of second
    for i in range(k):
        order = np.lexsort((np.arange(m), cost2[i], scenario_of))
        lead = np.ones(m, dtype=bool)
        lead[1:] = scenario_of[order][1:] != scenario_of[order][:-1]
        best = order[lead]
        better = cost2[i, best] < cost1[i, scenario_of[best]]
        source[i, scenario_of[best[better]]] = n + best[better]
    option_of = np.arange(k)[:, None]
    opt_index = np.where(source < n, option_of * n + source, k * n + option_of * m + (source - n)).ravel()
    o1, o2 = first.option_columns, second.option_columns
    options = {c: _concat(o1.get(c), o2.get(c), n * k, m * k)[opt_index] for c in dict.fromkeys([*o1, *o2])}
    options["row"] = np.asarray(o1["row"])
    options["recommended"] = _recommend(options["row"], options["feasible"], options["monthly_usd"])
    chosen = np.where(options["recommended"].reshape(k, n).any(axis=0),
                      source.T[np.arange(n), options["recommended"].reshape(k, n).argmax(axis=0)], np.arange(n))
    s1, s2 = first.sizing_columns, second.sizing_columns
    sizing = {c: _concat(s1[c], s2.get(c), n, m)[chosen] for c in s1}
    lines = _variant_lines(first.bom_columns, second.bom_columns, source, scenario_of, n)
    return EngineResult(workloads=first.workloads, sizing_columns=sizing, option_columns=options, bom_columns=lines,
                        policy=first.policy)


def _feasible_usd(result: EngineResult, rows: int) -> np.ndarray:
    """(options, rows): each option's monthly bill where it is feasible, inf where not."""
    o = result.option_columns
    return np.where(np.asarray(o["feasible"], dtype=bool), np.asarray(o["monthly_usd"], dtype=float),
                    np.inf).reshape(len(OPTIONS), rows)


def _concat(a: np.ndarray | None, b: np.ndarray | None, len_a: int, len_b: int) -> np.ndarray:
    """``a`` then ``b`` (a missing one as NaN)."""
    a = np.full(len_a, np.nan) if a is None else np.asarray(a)
    b = np.full(len_b, np.nan) if b is None else np.asarray(b)
    if a.dtype != b.dtype and (a.dtype == object or b.dtype == object):
        a, b = a.astype(object), b.astype(object)
    return np.concatenate([a, b])


def _variant_lines(l1: Columns, l2: Columns, source: np.ndarray, scenario_of: np.ndarray, n: int) -> Columns:
    """The bill-of-materials lines of each (scenario, option)'s source row, renumbered to the scenario."""
    names = list(OPTIONS)
    if not len(l1.get("row", [])) and not len(l2.get("row", [])):
        return l1
    code1 = np.array([names.index(x) for x in l1["option"]], dtype=int) if len(l1["row"]) else np.zeros(0, int)
    keep1 = source[code1, np.asarray(l1["row"], dtype=int)] < n
    rows2 = np.asarray(l2["row"], dtype=int)
    code2 = np.array([names.index(x) for x in l2["option"]], dtype=int) if len(rows2) else np.zeros(0, int)
    keep2 = source[code2, scenario_of[rows2]] == n + rows2
    out = {c: _concat(np.asarray(l1[c])[keep1], np.asarray(l2[c])[keep2], int(keep1.sum()), int(keep2.sum()))
           for c in l1}
    out["row"] = np.concatenate([np.asarray(l1["row"])[keep1], scenario_of[rows2[keep2]]]).astype(
        np.asarray(l1["row"]).dtype)
    order = np.argsort(out["row"], kind="stable")
    return {c: v[order] for c, v in out.items()}


def _run(wf: pd.DataFrame, policy: SizingPolicy, book: PriceBook, detail: bool,
         only: frozenset[str] | None = None) -> EngineResult:
    """:func:`run` without the variants; with ``only``, the other options are not planned (no bill, infeasible)."""
    wf = wf.reset_index(drop=True)
    check_names(wf, book)
    clouds = wf["cloud"].unique()
    if len(clouds) != 1:
        raise PlannerError(f"one run prices one cloud; found {', '.join(clouds)}")
    cloud = str(clouds[0])
    catalog = catalog_for(cloud)
    policy = catalog.policy_for(policy)
    # text columns as shared objects: the engine factorizes the columns it gathers from them by identity
    inputs = {c: shared_objects(v) if v.dtype == object else v for c in wf.columns for v in [wf[c].to_numpy()]}
    sz = shared_sizing(inputs, policy, book, catalog)
    ctx = Context(columns={**inputs, **sz}, n=len(wf),
                  hourly_fraction=hourly_fraction_of_peak(policy.diurnal_profile, inputs["peak_to_average"]),
                  policy=policy, book=book, catalog=catalog)
    bom = BomBuilder(book, cloud, len(wf), detail=detail)
    o = stack_options([_finish_option(ctx, fn(ctx, bom), bom) if only is None or name in only
                       else option_frame(ctx, name, feasible=False, reasons="not planned in this variant")
                       for name, fn in OPTIONS.items()])
    rows = o["row"]
    # an option is sized when its compute and the shared database could be sized; otherwise it has no bill
    o["sized"] = (o["instance_type"] != "") & ((ctx.col("db_instance_class") != "") | ctx.col("kv_used"))[rows]
    unsized = ~o["sized"]
    lines = _drop_unsized(o, bom.columns())
    _flag_missing_prices(o, bom.missing, len(wf))
    totals = np.concatenate([bom.totals.get(name, np.zeros(len(wf))) for name in OPTIONS])
    o["monthly_usd"] = np.where(unsized, np.nan, totals)
    for col in ("availability_pct", "region_availability_pct", "sla_floor_pct"):
        o[col] = np.where(unsized, np.nan, o[col])
    # an option with no bill keeps the DR tier its RTO/RPO ask for, not one lifted for an availability it lacks
    base_tier = ctx.col("dr_tier_index")[rows]
    o["dr_tier"][unsized] = [policy.dr_tiers[i].name for i in base_tier[unsized]]
    o["dr_tier_index"][unsized] = base_tier[unsized]
    o["dr_rto_minutes"][unsized] = ctx.tier_rto_minutes[rows[unsized], base_tier[unsized]]
    o["dr_upgraded_for_availability"][unsized] = False
    o["recommended"] = _recommend(o["row"], o["feasible"], o["monthly_usd"])
    return EngineResult(workloads=wf, sizing_columns=sz, option_columns=o, bom_columns=lines, policy=policy)


def shared_sizing(wf: Columns, policy: SizingPolicy, book: PriceBook, catalog: CloudCatalog) -> Columns:
    """Traffic, compute need, AZs, cache, database and DR tier of the workload columns ``wf``: what every
    option shares, each decision with the numbers that decided it (their sentences are the plan's:
    :mod:`planner.plan.rationale`).
    ``policy`` is already the cloud's (:meth:`CloudCatalog.policy_for`)."""
    cloud = catalog.name
    tr = traffic(wf)
    egress_free = book.allowance(cloud, *catalog.allowances["egress"]) if "egress" in catalog.allowances else 0.0
    tr = {**tr, **plan_cdn(wf, tr, book, catalog, policy, egress_free)}  # from here on, what the origin serves
    cols = {**wf, **tr}
    regions = book.regions(cloud)
    az_of = dict(zip(regions.region.tolist(), regions.az_count.tolist()))
    az_count = mapped(wf["region"], lambda r: az_of.get(r, np.nan), float)
    target = wf["availability_target"]
    az = az_plan(target, az_count, policy)
    need = compute_need(wf, tr)
    multi_az = multi_az_needed(target, wf["rto_minutes"], policy)
    cache_cands = book.memo(("cache_candidates", cloud, policy.cache_node_pattern, policy.cache_engine,
                             policy.cache_ops_per_vcpu, policy.cache_max_ops_per_node,
                             tuple(sorted(policy.burstable_baselines.items()))),
                            lambda: _cache_candidates(book, catalog, policy))
    pairs = {r: dr_region(r, regions, policy) for r in pd.unique(wf["region"])}
    cols["dr_region"] = np.array([pairs[r] for r in wf["region"]], dtype=object)
    floor = tier_floor(wf)
    storage_gb = np.maximum(cols["data_size_gb_horizon"] * (1 + policy.storage_overhead), policy.min_storage_gb)
    db_cands = database_candidates(book, catalog, policy)
    dr_db = _database_dr(wf, floor, storage_gb, multi_az, cols["dr_region"], db_cands, policy, book, catalog)
    cache, db = _cache_or_not(cols, need["vcpu_needed_horizon"], multi_az, cache_cands, db_cands, policy, book,
                              catalog, dr_db)
    relational_usd = np.where(cache["cache_used"], cache["cache_hourly_usd_with_database"],
                              db["db_hourly_usd"]) * HOURS_PER_MONTH
    kv = size_key_value(cols, hourly_fraction_of_peak(policy.diurnal_profile, wf["peak_to_average"]), relational_usd,
                        book, catalog, policy)
    # a key-value store in place of the database needs no cache in front and is Multi-AZ by construction
    cache = _rows_where(kv["kv_used"], _no_cache(cache), cache)
    db["db_multi_az"] = db["db_multi_az"] | kv["kv_used"]
    # a restore copies one shard's data, not a volume enlarged for IOPS; a key-value table restores whole
    db["db_restore_gb"] = np.where(kv["kv_used"], storage_gb, db["db_restore_gb"])
    tier = np.maximum(dr_tier_index(wf["rto_minutes"], wf["rpo_minutes"], db["db_restore_gb"], policy), floor)
    dr = {"dr_tier_index": tier, "dr_region": cols["dr_region"]}
    sz = {**tr, **need, **az, **cache, **db, **kv, **dr, **object_lifecycle(cols, tr, catalog, policy),
          **size_workers(wf, policy)}
    return sz


def _cache_candidates(book: PriceBook, catalog: CloudCatalog, policy: SizingPolicy) -> pd.DataFrame:
    """The cache node types, with the operations a second each sustains (``ops_per_s``: vCPU x its sustained
    share x ``policy.cache_ops_per_vcpu``, at most ``cache_max_ops_per_node``), pruned where another type has as
    much memory and throughput for no more at every purchase option."""
    c = instance_candidates(book, catalog.name, catalog.cache_service, policy.cache_node_pattern, policy.cache_engine)
    c = c.assign(ops_per_s=np.minimum(c.vcpu.to_numpy(dtype=float) * catalog.sustained_share(c.sku, policy)
                                      * policy.cache_ops_per_vcpu, policy.cache_max_ops_per_node))
    return pareto_prune(c, ["region"], ["memory_gib", "ops_per_s"], rate_columns(c)).reset_index(drop=True)


def tier_floor(wf: Columns) -> np.ndarray:
    """The least DR tier index a row may take: 0, or the tier an architecture variant pins (``dr_tier_floor``,
    see :func:`run`)."""
    n = len(wf["rto_minutes"])
    floor = wf.get("dr_tier_floor")
    return np.zeros(n, dtype=int) if floor is None else np.asarray(floor, dtype=int)


def _database_dr(wf: Columns, floor: np.ndarray, storage_gb: np.ndarray, multi_az: np.ndarray,
                 dr_regions: np.ndarray, candidates: pd.DataFrame, policy: SizingPolicy, book: PriceBook,
                 catalog: CloudCatalog) -> DisasterRecovery:
    """What the database keeps in the DR region under each scenario's tier, and the prices there (see
    :class:`DisasterRecovery`); the cache's DR share at the tier of one volume of ``storage_gb``."""
    region = np.asarray(wf["region"], dtype=object)
    tier = np.maximum(dr_tier_index(wf["rto_minutes"], wf["rpo_minutes"], storage_gb, policy), floor)
    # a GB to the DR region, as the replication transfer line prices it (NaN where not billed or not priced)
    transfer = role_cost_usd(book, catalog, "inter_region", region, np.ones(len(tier)),
                             {"dr_region": np.asarray(dr_regions, dtype=object)})
    transfer = np.where(np.isfinite(transfer), transfer, np.nan)
    # for every region of the cloud, not only the scenarios': one entry per policy in the book's memo
    key = ("dr_class_prices", catalog.name, policy.database_family_pattern, policy.database_engine,
           tuple(sorted(policy.burstable_baselines.items())), policy.consider_aurora,
           tuple(sorted(policy.dr_regions.items())))

    def build() -> tuple[np.ndarray, np.ndarray]:
        regions = book.regions(catalog.name)
        every = {r: dr_region(r, regions, policy) for r in regions.region}
        return dr_class_prices(candidates, every, database_class_prices(book, catalog, policy))

    single, multi = book.memo(key, build)
    return DisasterRecovery(
        rto_minutes=np.asarray(wf["rto_minutes"], dtype=float), rpo_minutes=np.asarray(wf["rpo_minutes"], dtype=float),
        floor=floor, multi_az=np.asarray(multi_az, dtype=bool), prices=unit_prices(book, catalog, dr_regions, policy),
        transfer_usd_per_gb=transfer, single_usd=single, multi_usd=multi,
        cache_fraction=np.array([t.cache_fraction for t in policy.dr_tiers])[tier], policy=policy)


class _Taken(Mapping[str, np.ndarray]):
    """``columns`` at the positions ``rows``, each column taken when first read: a sizing rule reads a few of
    the many workload and traffic columns."""

    def __init__(self, columns: Mapping[str, np.ndarray], rows: np.ndarray) -> None:
        self._columns, self._rows, self._taken = columns, rows, {}

    def __getitem__(self, column: str) -> np.ndarray:
        if column not in self._taken:
            self._taken[column] = self._columns[column][self._rows]
        return self._taken[column]

    def __iter__(self) -> Iterator[str]:
        return iter(self._columns)

    def __len__(self) -> int:
        return len(self._columns)


STACK_ROWS = 20_000  # rows per sizing call: a plan's variants share one call, a batch chunk's take a few


def _stacked(size: Callable[[np.ndarray, np.ndarray], dict[str, np.ndarray]], variant: np.ndarray,
             scenario: np.ndarray) -> dict[str, np.ndarray]:
    """``size(variant, scenario)`` over (variant, scenario) pairs, :data:`STACK_ROWS` pairs a call: several
    variants of a few scenarios in one vectorised call, many scenarios within the same memory bound."""
    parts = [size(variant[i:i + STACK_ROWS], scenario[i:i + STACK_ROWS])
             for i in range(0, max(len(variant), 1), STACK_ROWS)]
    return {c: np.concatenate([p[c] for p in parts]) for c in parts[0]}


def _variant(stacked: dict[str, np.ndarray], variant: np.ndarray, scenario: np.ndarray, v: int,
             template: dict[str, np.ndarray]) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Variant ``v``'s results as full columns (``template``'s values where it was not sized) and where it was."""
    mine = variant == v
    rows = scenario[mine]
    out = {}
    for c, values in template.items():
        full = values.copy()
        full[rows] = stacked[c][mine]
        out[c] = full
    present = np.zeros(len(next(iter(template.values()))), dtype=bool)
    present[rows] = True
    return out, present


def _cache_or_not(cols: dict[str, np.ndarray], app_vcpu: np.ndarray, multi_az: np.ndarray,
                  cache_candidates: pd.DataFrame, db_candidates: pd.DataFrame, policy: SizingPolicy,
                  book: PriceBook, catalog: CloudCatalog, dr: DisasterRecovery
                  ) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Size the database alone and behind caches of each size in ``policy.cache_sizes_tried``; keep the cheapest
    whole bill (cache + database instances, storage and IOPS) under ``cache_mode`` auto, the cheapest cached
    one under ``always``, none under ``never``. Under auto, the database is sized behind a cache size only where
    that cache plus :func:`database_floor` undercuts the database alone (elsewhere that size cannot pay).

    Each candidate's cost rises with load, so the cheapest of them does too."""
    n = len(app_vcpu)
    everyone = np.arange(n)
    prices = unit_prices(book, catalog, cols["region"], policy)
    # the database is chosen at the rates it is billed at (a reservation discounts engines unequally)
    db_purchase = purchase_arrays(cols["purchase_option"], catalog.purchase_plan, cols["horizon_months"],
                                  catalog.commitments, policy.spot_burst)[2]
    fractions = np.asarray(policy.cache_sizes_tried if policy.cache_mode != "never" else [], dtype=float)

    def take(scenario: np.ndarray) -> Mapping[str, np.ndarray]:
        whole = len(scenario) == n and (scenario == everyone).all()
        return cols if whole else _Taken(cols, scenario)

    def caches(variant: np.ndarray, scenario: np.ndarray) -> dict[str, np.ndarray]:
        return size_cache(take(scenario), multi_az[scenario], cache_candidates, policy, fractions[variant],
                          catalog.cache_copies_min, db_purchase[scenario])

    sized_caches: list[dict[str, np.ndarray]] = []
    if len(fractions):
        stacked_caches = _stacked(caches, np.repeat(np.arange(len(fractions)), n), np.tile(everyone, len(fractions)))
        sized_caches = [{c: x[v * n:(v + 1) * n] for c, x in stacked_caches.items()} for v in range(len(fractions))]

    def databases(variant: np.ndarray, scenario: np.ndarray) -> dict[str, np.ndarray]:
        # variant 0: no cache; variant i: behind the cache of size i - 1
        held = np.zeros(len(variant))
        hit = np.zeros(len(variant))
        for i, cache in enumerate(sized_caches, start=1):
            mine = variant == i
            held[mine] = cache["cache_data_fraction"][scenario[mine]]
            hit[mine] = cache["cache_hit_ratio"][scenario[mine]]
        return size_database(take(scenario), held, hit, multi_az[scenario], app_vcpu[scenario], db_candidates,
                             policy, {k: v[scenario] for k, v in prices.items()}, catalog, dr.take(scenario),
                             db_purchase[scenario])

    listed = instance_candidates(book, catalog.name, catalog.cache_service, policy.cache_node_pattern,
                                 policy.cache_engine).reset_index(drop=True)  # unpruned: billed in the DR region
    listed_at = {pair: i for i, pair in enumerate(zip(listed.region.tolist(), listed.sku.tolist()))}
    dr_code, dr_regions = factorized(cols["dr_region"])

    def with_dr_copy(c: dict[str, np.ndarray]) -> np.ndarray:
        # the DR tier's share of the nodes, billed whole at the DR region's node rate for the purchase option
        # (the primary's where that region's list lacks the type, as the bill falls back), is part of what a
        # cache size costs
        unit = c["cache_hourly_usd"] / np.maximum(c["cache_nodes"], 1)
        type_code, types = factorized(c["cache_node_type"])
        at = np.array([[listed_at.get((region, sku), -1) for sku in types] for region in dr_regions],
                      dtype=int).reshape(len(dr_regions), len(types))[dr_code, type_code]
        there = np.where(at >= 0, Pick(sku=c["cache_node_type"], units=c["cache_nodes"], hourly_usd=unit,
                                       candidate=at).rate(listed, db_purchase), np.nan)
        return c["cache_hourly_usd"] + np.ceil(c["cache_nodes"] * dr.cache_fraction) * np.where(
            np.isfinite(there), there, unit)

    cache_cost = np.stack([np.where(c["cache_used"], with_dr_copy(c), np.inf) for c in sized_caches]
                          ) if sized_caches else np.full((1, n), np.inf)
    spared_least = np.full(n, np.inf)  # the least a cache size not worked out could cost with its database
    if policy.cache_mode == "auto":
        # sized first, alone, so the bound can spare the cache sizes that cannot beat it
        without = _stacked(databases, np.zeros(n, dtype=int), everyone)
        least = cache_cost + database_floor(cols, multi_az, app_vcpu, db_candidates, policy, prices, catalog, dr,
                                            db_purchase)[None, :]
        spared = least >= without["db_hourly_usd"][None, :]
        spared_least = np.where(spared, least, np.inf).min(axis=0)
        size_index, scenario = np.nonzero(~spared)
        variant = size_index + 1
    else:
        without = None
        variant = np.repeat(np.arange(len(sized_caches) + 1), n)
        scenario = np.tile(everyone, len(sized_caches) + 1)
    stacked = _stacked(databases, variant, scenario)
    if without is None:
        without = {c: v[:n] for c, v in stacked.items()}
    cost_without = without["db_hourly_usd"]
    best_cache: dict[str, np.ndarray] | None = None
    best_db = without
    best_cached_cost = np.full(n, np.inf)
    for i, cache in enumerate(sized_caches, start=1):
        db, sized = _variant(stacked, variant, scenario, i, without)
        total = np.where(sized & cache["cache_used"], cache_cost[i - 1] + db["db_hourly_usd"], np.inf)
        better = total < best_cached_cost
        best_cached_cost = np.where(better, total, best_cached_cost)
        best_cache = cache if best_cache is None else _rows_where(better, cache, best_cache)
        best_db = _rows_where(better, db, best_db)
    if best_cache is None:
        best_cache = size_cache(cols, multi_az, cache_candidates, policy, policy.cache_sizes_tried[0],
                                catalog.cache_copies_min, db_purchase)
    possible = np.isfinite(best_cached_cost)
    use = {"always": possible, "never": np.zeros(n, dtype=bool),
           "auto": possible & (best_cached_cost < cost_without)}[policy.cache_mode]
    db = _rows_where(use, best_db, without)
    db["db_hourly_usd_without_cache"] = cost_without
    db["db_instance_class_without_cache"] = without["db_instance_class"]
    db["db_shards_without_cache"] = without["db_shards"]
    cache = _rows_where(use, best_cache, _no_cache(best_cache))
    # the cheapest cached bill; where a size that was not worked out might be cheaper, the bound that spared it
    is_bound = spared_least < best_cached_cost
    cache["cache_hourly_usd_with_database"] = np.where(is_bound, spared_least, best_cached_cost)
    cache["cache_bill_is_bound"] = is_bound
    # a cache asked for (cache_mode always) that no node type can hold is a missing tier, not a silent omission
    cache["cache_fits"] = ~((policy.cache_mode == "always") & ~possible & (cols["data_size_gb"] > 0))
    return cache, db


def _no_cache(cache: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """``cache``'s columns with no cache in any scenario (what a plan without one shows); the priced
    alternatives (``cache_hourly_usd*``) stay for the rationale."""
    empty = {"cache_used": False, "cache_node_type": "", "cache_nodes": 0.0, "cache_shards": 0.0,
             "cache_replicas_per_shard": 0, "cache_hit_ratio": 0.0, "cache_multi_az": False,
             "cache_data_fraction": 0.0, "cache_working_set_gb": 0.0}
    n = len(next(iter(cache.values())))
    return {c: np.full(n, empty[c], dtype=np.asarray(v).dtype) if c in empty else v for c, v in cache.items()}


def _rows_where(mask: np.ndarray, a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Per column, ``a``'s value where ``mask``, else ``b``'s."""
    return {c: np.where(mask, a[c], b[c]) for c in a}


def _finish_option(ctx: Context, opt: Columns, bom: BomBuilder) -> Columns:
    """Shared-tier reasons, availability (designed-for and SLA floor), DR tier lifted where one region cannot
    reach the target, then bill the shared tiers and the DR footprint."""
    p, av = ctx.policy, ctx.policy.availability
    db_missing = ~ctx.col("db_fits") & ~ctx.col("kv_used")
    engines = sorted({e for v in ctx.catalog.databases for e in v.engine})
    if p.database_engine not in engines:  # the cloud's price book has no database of this engine at all
        add_reason(opt, db_missing, f"database: {ctx.catalog.label}'s price book has no {p.database_engine} "
                                    f"database (priced: {', '.join(engines)}); set policy.database_engine")
        db_missing = np.zeros(ctx.n, dtype=bool)
    pooled = "" if p.db_pooler else " (policy.db_pooler is off: the application's connections must fit)"
    add_reason(opt, db_missing, [
        f"database: no {p.database_engine} {d} class in {r} has {v:,.1f} vCPU and {c:,.0f} connections{pooled} with "
        f"storage reads within the {p.db_read_latency_budget_ms:g} ms budget"
        + (f", even sharded into {k:,.0f} cluster{'s' if k != 1 else ''} (at most policy.db_max_shards "
           f"{p.db_max_shards})" if k > 1 or k >= p.db_max_shards else "")
        for d, r, v, c, k in zip(ctx.col("db_deployment")[db_missing], ctx.region[db_missing],
                                 ctx.col("db_primary_vcpu_needed")[db_missing],
                                 ctx.col("db_connections_needed")[db_missing], ctx.col("db_shards")[db_missing])])
    no_cache = ~ctx.col("cache_fits")
    add_reason(opt, no_cache, f"cache: policy.cache_mode is always, but no {p.cache_engine} node type holds even "
                              f"{min(p.cache_sizes_tried):.1%} of the hot working set within {MAX_SHARDS} shards")
    target = ctx.col("availability_target")
    base_tier = ctx.col("dr_tier_index")
    kind = opt["compute_kind"]
    by_tier = ctx.designed_for_by_tier(kind)
    tier = ctx.option_tier(kind, by_tier)
    rows = np.arange(ctx.n)
    availability = by_tier[rows, tier]
    front = opt["front"]
    front_pct = np.select([front == "alb", front == "api_gateway"], [av.load_balancer, av.api_gateway], 100.0)
    cache_pct = np.where(ctx.col("cache_used"), np.where(ctx.col("cache_multi_az"), av.cache_multi_az,
                                                          av.cache_single_node), 100.0)
    db_pct = np.where(ctx.col("kv_used"), av.key_value,
                      np.where(ctx.col("db_multi_az"), av.rds_multi_az, av.rds_single_az))
    sla_region = serial_pct(front_pct, opt["compute_availability_pct"].astype(float), cache_pct, db_pct)
    active_active = ctx.active_active_tiers[tier]
    opt["region_availability_pct"] = by_tier[rows, base_tier]
    opt["availability_pct"] = availability
    opt["sla_floor_pct"] = np.where(active_active, redundant_pct(sla_region, 2), sla_region)
    opt["dr_tier"] = np.array([t.name for t in p.dr_tiers], dtype=object)[tier]
    opt["dr_tier_index"] = tier
    opt["dr_rto_minutes"] = ctx.tier_rto_minutes[rows, tier]  # what the tier achieves for this database
    opt["dr_upgraded_for_availability"] = tier != base_tier
    if bom.detail:
        opt["availability_why"] = np.array(rationale.availability(ctx, opt, by_tier, base_tier, tier), dtype=object)
        opt["option_why"] = np.array(rationale.option(ctx, opt), dtype=object)
    low = availability < target
    add_reason(opt, low, [f"designed-for availability {a:.6g}% < target {t:.10g}% even with {p.dr_tiers[-1].label}"
                          for a, t in zip(availability[low], target[low])])
    unmet = ~dr_targets_met(tier, ctx.col("rto_minutes"), ctx.col("rpo_minutes"), ctx.col("db_restore_gb"), p)
    best_rto = ctx.tier_rto_minutes[:, -1]
    add_reason(opt, unmet, [f"no DR tier reaches RTO {rto:g} min / RPO {rpo:g} min (best: {p.dr_tiers[-1].label}, "
                            f"{b:g} / {p.dr_tiers[-1].rpo_minutes:g} min)"
                            for rto, rpo, b in zip(ctx.col("rto_minutes")[unmet], ctx.col("rpo_minutes")[unmet],
                                                   best_rto[unmet])])
    bill_shared(ctx, opt, bom)
    bill_dr(ctx, opt, tier, bom)
    return opt


def _drop_unsized(options: Columns, lines: Columns) -> Columns:
    """An option whose compute could not be sized has no bill: its shared-tier lines alone would mislead."""
    unsized = ~options["sized"]
    if not unsized.any() or not len(lines["row"]):
        return lines
    drop = set(zip(options["row"][unsized].tolist(), options["option"][unsized].tolist()))
    keep = np.array([key not in drop for key in zip(lines["row"].tolist(), lines["option"].tolist())])
    return {c: v[keep] for c, v in lines.items()}


def _flag_missing_prices(options: Columns, missing: dict[str, dict[int, list[str]]], n: int) -> None:
    """An option with a line the price book cannot price is not feasible: say which prices are missing.

    ``options`` holds ``n`` rows per option, in :data:`OPTIONS` order."""
    for i, name in enumerate(OPTIONS):
        for row, what in missing.get(name, {}).items():
            mask = np.zeros(len(options["row"]), dtype=bool)
            mask[i * n + row] = True
            add_reason(options, mask, "no price for " + ", ".join(what))


def _recommend(rows: np.ndarray, feasible: np.ndarray, monthly_usd: np.ndarray) -> np.ndarray:
    """The cheapest feasible option of each scenario (the first listed of equals). The columns are option
    after option, each the scenarios in order (what :func:`stack_options` builds): ``rows`` is 0..n-1, k times."""
    k = len(OPTIONS)
    n = len(rows) // k
    if len(rows) != n * k or not np.array_equal(np.asarray(rows).reshape(k, n), np.tile(np.arange(n), (k, 1))):
        raise ValueError("options are not stacked option after option")  # a programming error, never input
    cost = monthly_usd.astype(float)
    cost = np.where(feasible.astype(bool) & ~np.isnan(cost), cost, np.inf).reshape(k, n)
    best = np.argmin(cost, axis=0)  # the first of equals
    out = np.zeros((k, n), dtype=bool)
    out[best, np.arange(n)] = np.isfinite(cost[best, np.arange(n)])
    return out.ravel()
