"""The sizing and pricing chain, vectorised over scenarios: one code path for one plan or a batch.

``run`` takes a frame of workloads (one row each, the :class:`Workload` fields
as columns) and returns every intermediate: the shared sizing per scenario,
each option per scenario (feasible or not, with reasons) and the bill of
materials. :mod:`planner.plan` wraps the one-row case; the batch engine
chunks large frames through the same function.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from planner.bom import BomBuilder
from planner.errors import PlannerError, unknown_name
from planner.options.context import Context, add_reason
from planner.options.fleet import horizontal, vertical
from planner.options.managed import containers, serverless
from planner.options.shared import bill_dr, bill_shared
from planner.policy import SizingPolicy
from planner.pricing.book import PriceBook
from planner.pricing.queries import instance_candidates
from planner.sizing import rationale
from planner.sizing.availability import redundant_pct, serial_pct
from planner.sizing.cache import MAX_SHARDS, size_cache
from planner.sizing.choose import pareto_prune
from planner.sizing.compute import az_plan, compute_need
from planner.sizing.database import (
    database_candidates,
    multi_az_needed,
    size_database,
    unit_prices,
)
from planner.sizing.dr import dr_region, dr_targets_met, dr_tier_index
from planner.sizing.profile import hourly_fraction_of_peak
from planner.sizing.traffic import traffic
from planner.workload import NUMERIC_FIELDS, Workload

OptionFn = Callable[[Context, BomBuilder], pd.DataFrame]
OPTIONS: dict[str, OptionFn] = {
    "vertical": vertical,
    "horizontal": horizontal,
    "containers": containers,
    "serverless": serverless,
}


@dataclass(frozen=True)
class EngineResult:
    """Every intermediate of a run: inputs, shared sizing, options and bill of materials."""

    workloads: pd.DataFrame
    sizing: pd.DataFrame
    options: pd.DataFrame
    bom: pd.DataFrame
    policy: SizingPolicy


def workloads_frame(workloads: Sequence[Workload]) -> pd.DataFrame:
    """One row per workload with every field but the policy; numeric fields as float (None -> NaN)."""
    wf = pd.DataFrame([w.model_dump(mode="json", exclude={"policy"}) for w in workloads])
    wf[list(NUMERIC_FIELDS)] = wf[list(NUMERIC_FIELDS)].astype(float)
    return wf


def check_names(wf: pd.DataFrame, book: PriceBook) -> None:
    """Clouds and regions must be in the price book; the error names the first bad one with close matches."""
    for cloud, region in wf[["cloud", "region"]].drop_duplicates().itertuples(index=False):
        if cloud not in book.clouds():
            raise unknown_name("cloud", cloud, book.clouds())
        known = book.regions(cloud).region
        if region not in set(known):
            raise unknown_name("region", region, known, context=f"for {cloud}")


def run(wf: pd.DataFrame, policy: SizingPolicy, book: PriceBook, *, detail: bool = True) -> EngineResult:
    """Size and price every option of every scenario in ``wf`` (all of one cloud and one policy).

    With ``detail`` the result keeps every bill-of-materials line; without, only each option's total
    (the batch engine's mode: the same numbers, a fraction of the memory)."""
    # extreme but valid inputs (1e-300 GB, 1e6 req/s) overflow or divide by zero in intermediate arrays; the
    # rules handle inf and NaN themselves (a class that does not fit costs inf), so numpy need not warn
    with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
        return _run(wf, policy, book, detail)


def _run(wf: pd.DataFrame, policy: SizingPolicy, book: PriceBook, detail: bool) -> EngineResult:
    wf = wf.reset_index(drop=True)
    check_names(wf, book)
    clouds = wf["cloud"].unique()
    if len(clouds) != 1:
        raise PlannerError(f"one run prices one cloud; found {', '.join(clouds)}")
    cloud = str(clouds[0])
    sz = shared_sizing(wf, policy, book, cloud, explain=detail)
    ctx = Context(wf=wf, sz=sz, hourly_fraction=hourly_fraction_of_peak(policy.diurnal_profile,
                                                                         wf["peak_to_average"].to_numpy()),
                  policy=policy, book=book, cloud=cloud)
    bom = BomBuilder(book, cloud, len(wf), detail=detail)
    frames = [_finish_option(ctx, fn(ctx, bom), bom) for fn in OPTIONS.values()]
    options = pd.concat(frames, ignore_index=True)
    # an option is sized when its compute and the shared database could be sized; otherwise it has no bill
    has_database = (sz["db_instance_class"].to_numpy() != "")[options.row.to_numpy()]
    options["sized"] = (options.instance_type.to_numpy() != "") & has_database
    lines = _drop_unsized(options, bom.frame())
    _flag_missing_prices(options, bom.missing, len(wf))
    totals = np.concatenate([bom.totals.get(name, np.zeros(len(wf))) for name in OPTIONS])
    unsized = ~options.sized.to_numpy()
    options["monthly_usd"] = np.where(unsized, np.nan, totals)
    options.loc[unsized, ["availability_pct", "region_availability_pct", "sla_floor_pct"]] = np.nan
    # an option with no bill keeps the DR tier its RTO/RPO ask for, not one lifted for an availability it lacks
    rows = options.row.to_numpy()
    base_tier = sz["dr_tier_index"].to_numpy()[rows]
    options.loc[unsized, "dr_tier"] = [policy.dr_tiers[i].name for i in base_tier[unsized]]
    options.loc[unsized, "dr_tier_index"] = base_tier[unsized]
    options.loc[unsized, "dr_rto_minutes"] = ctx.tier_rto_minutes[rows[unsized], base_tier[unsized]]
    options.loc[unsized, "dr_upgraded_for_availability"] = False
    options["recommended"] = _recommend(options)
    return EngineResult(workloads=wf, sizing=sz, options=options, bom=lines, policy=policy)


def shared_sizing(wf: pd.DataFrame, policy: SizingPolicy, book: PriceBook, cloud: str, *,
                  explain: bool = True) -> pd.DataFrame:
    """Traffic, compute need, AZs, cache, database and DR tier: what every option shares, each decision with
    its one-line rationale (the ``*_why`` columns, when ``explain``)."""
    tr = traffic(wf)
    regions = book.regions(cloud)
    az_count = regions.set_index("region").az_count.reindex(wf["region"]).to_numpy()
    target = wf["availability_target"].to_numpy()
    az = az_plan(target, az_count, policy)
    need = compute_need(wf, tr)
    multi_az = multi_az_needed(target, wf["rto_minutes"].to_numpy(), policy)
    cache_cands = book.memo(("cache_candidates", cloud, policy.cache_node_pattern, policy.cache_engine), lambda: (
        pareto_prune(instance_candidates(book, cloud, "elasticache", policy.cache_node_pattern, policy.cache_engine),
                     ["region"], ["memory_gib"], ["hourly_usd"]).reset_index(drop=True)))
    cache, db = _cache_or_not(wf, tr, need["vcpu_needed_horizon"].to_numpy(), multi_az, cache_cands,
                              database_candidates(book, cloud, policy), policy, book, cloud)
    rto, rpo = wf["rto_minutes"].to_numpy(), wf["rpo_minutes"].to_numpy()
    tier = dr_tier_index(rto, rpo, db["db_storage_gb"].to_numpy(), policy)
    pairs = {r: dr_region(r, regions, policy) for r in wf["region"].unique()}
    dr = pd.DataFrame({"dr_tier_index": tier, "dr_region": wf["region"].map(pairs).to_numpy()})
    sz = pd.concat([tr, need, az, cache, db, dr], axis=1)
    if explain:
        for name, why in rationale.shared(wf, sz, policy).items():
            sz[name] = why
    return sz


def _cache_or_not(wf: pd.DataFrame, tr: pd.DataFrame, app_vcpu: np.ndarray, multi_az: np.ndarray,
                  cache_candidates: pd.DataFrame, db_candidates: pd.DataFrame, policy: SizingPolicy,
                  book: PriceBook, cloud: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Size the database alone and behind caches of each size in ``policy.cache_sizes_tried``; keep the cheapest
    whole bill (cache + database instances, storage and IOPS) under ``cache_mode`` auto, the cheapest cached
    one under ``always``, none under ``never``.

    Each candidate's cost rises with load, so the cheapest of them does too."""
    n = len(wf)
    zero = np.zeros(n)
    prices = unit_prices(book, cloud, wf["region"].to_numpy())
    without = size_database(wf, tr, zero, zero, multi_az, app_vcpu, db_candidates, policy, prices)
    cost_without = without["db_hourly_usd"]
    best_cache: dict[str, np.ndarray] | None = None
    best_db = without
    best_cached_cost = np.full(n, np.inf)
    if policy.cache_mode != "never":
        for fraction in policy.cache_sizes_tried:
            cache = size_cache(wf, tr, multi_az, cache_candidates, policy, fraction)
            db = size_database(wf, tr, cache["cache_data_fraction"], cache["cache_hit_ratio"], multi_az, app_vcpu,
                               db_candidates, policy, prices)
            total = np.where(cache["cache_used"], cache["cache_hourly_usd"] + db["db_hourly_usd"], np.inf)
            better = total < best_cached_cost
            best_cached_cost = np.where(better, total, best_cached_cost)
            best_cache = cache if best_cache is None else _rows_where(better, cache, best_cache)
            best_db = _rows_where(better, db, best_db)
    if best_cache is None:
        best_cache = size_cache(wf, tr, multi_az, cache_candidates, policy, policy.cache_sizes_tried[0])
    possible = np.isfinite(best_cached_cost)
    use = {"always": possible, "never": np.zeros(n, dtype=bool),
           "auto": possible & (best_cached_cost < cost_without)}[policy.cache_mode]
    db = _rows_where(use, best_db, without)
    db["db_hourly_usd_without_cache"] = cost_without
    db["db_instance_class_without_cache"] = without["db_instance_class"]
    cache = dict(best_cache)
    cache["cache_used"] = use
    for col, empty in (("cache_node_type", ""), ("cache_nodes", 0.0), ("cache_shards", 0.0),
                       ("cache_replicas_per_shard", 0), ("cache_hit_ratio", 0.0), ("cache_multi_az", False),
                       ("cache_data_fraction", 0.0), ("cache_working_set_gb", 0.0)):
        cache[col] = np.where(use, cache[col], empty)
    cache["cache_hourly_usd_with_database"] = best_cached_cost
    # a cache asked for (cache_mode always) that no node type can hold is a missing tier, not a silent omission
    cache["cache_fits"] = ~((policy.cache_mode == "always") & ~possible & (wf["data_size_gb"].to_numpy() > 0))
    return pd.DataFrame(cache, index=wf.index), pd.DataFrame(db, index=wf.index)


def _rows_where(mask: np.ndarray, a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Per column, ``a``'s value where ``mask``, else ``b``'s."""
    return {c: np.where(mask, a[c], b[c]) for c in a}


def _finish_option(ctx: Context, opt: pd.DataFrame, bom: BomBuilder) -> pd.DataFrame:
    """Shared-tier reasons, availability (designed-for and SLA floor), DR tier lifted where one region cannot
    reach the target, then bill the shared tiers and the DR footprint."""
    p, av = ctx.policy, ctx.policy.availability
    db_missing = ~ctx.col("db_fits")
    add_reason(opt, db_missing, [
        f"database: no {p.database_engine} {d} class in {r} has {v:,.1f} vCPU and {c:,.0f} connections with "
        f"storage reads within the {p.db_read_latency_budget_ms:g} ms budget"
        for d, r, v, c in zip(ctx.col("db_deployment")[db_missing], ctx.region[db_missing],
                              ctx.col("db_primary_vcpu_needed")[db_missing],
                              ctx.col("db_connections_needed")[db_missing])])
    no_cache = ~ctx.col("cache_fits")
    add_reason(opt, no_cache, f"cache: policy.cache_mode is always, but no {p.cache_engine} node type holds even "
                              f"{min(p.cache_sizes_tried):.1%} of the hot working set within {MAX_SHARDS} shards")
    target = ctx.col("availability_target")
    base_tier = ctx.col("dr_tier_index")
    kind = opt.compute_kind.to_numpy()
    by_tier = ctx.designed_for_by_tier(kind)
    tiers = np.arange(len(p.dr_tiers))
    enough = (by_tier >= target[:, None]) & (tiers[None, :] >= base_tier[:, None])
    tier = np.where(enough.any(axis=1), enough.argmax(axis=1), len(p.dr_tiers) - 1)
    rows = np.arange(ctx.n)
    availability = by_tier[rows, tier]
    front = opt.front.to_numpy()
    front_pct = np.select([front == "alb", front == "api_gateway"], [av.load_balancer, av.api_gateway], 100.0)
    cache_pct = np.where(ctx.col("cache_used"), np.where(ctx.col("cache_multi_az"), av.cache_multi_az,
                                                          av.cache_single_node), 100.0)
    db_pct = np.where(ctx.col("db_multi_az"), av.rds_multi_az, av.rds_single_az)
    sla_region = serial_pct(front_pct, opt.compute_availability_pct.to_numpy(), cache_pct, db_pct)
    active_active = ctx.active_active_tiers[tier]
    opt["region_availability_pct"] = by_tier[rows, base_tier]
    opt["availability_pct"] = availability
    opt["sla_floor_pct"] = np.where(active_active, redundant_pct(sla_region, 2), sla_region)
    opt["dr_tier"] = [p.dr_tiers[i].name for i in tier]
    opt["dr_tier_index"] = tier
    opt["dr_rto_minutes"] = ctx.tier_rto_minutes[rows, tier]  # what the tier achieves for this database
    opt["dr_upgraded_for_availability"] = tier != base_tier
    if bom.detail:
        opt["availability_why"] = rationale.availability(ctx, opt, by_tier, base_tier, tier)
        opt["option_why"] = rationale.option(ctx, opt)
    low = availability < target
    add_reason(opt, low, [f"designed-for availability {a:.4g}% < target {t:g}% even with {p.dr_tiers[-1].name}"
                          for a, t in zip(availability[low], target[low])])
    storage = ctx.col("db_storage_gb")
    unmet = ~dr_targets_met(tier, ctx.col("rto_minutes"), ctx.col("rpo_minutes"), storage, p)
    best_rto = ctx.tier_rto_minutes[:, -1]
    add_reason(opt, unmet, [f"no DR tier reaches RTO {rto:g} min / RPO {rpo:g} min (best: {p.dr_tiers[-1].name}, "
                            f"{b:g} / {p.dr_tiers[-1].rpo_minutes:g} min)"
                            for rto, rpo, b in zip(ctx.col("rto_minutes")[unmet], ctx.col("rpo_minutes")[unmet],
                                                   best_rto[unmet])])
    bill_shared(ctx, opt, bom)
    bill_dr(ctx, opt, tier, bom)
    return opt


def _drop_unsized(options: pd.DataFrame, lines: pd.DataFrame) -> pd.DataFrame:
    """An option whose compute could not be sized has no bill: its shared-tier lines alone would mislead."""
    unsized = set(options.loc[~options.sized, ["row", "option"]].itertuples(index=False, name=None))
    if not unsized or lines.empty:
        return lines
    drop = np.array([key in unsized for key in zip(lines.row, lines.option)])
    return lines[~drop].reset_index(drop=True)


def _flag_missing_prices(options: pd.DataFrame, missing: dict[str, dict[int, list[str]]], n: int) -> None:
    """An option with a line the price book cannot price is not feasible: say which prices are missing.

    ``options`` holds ``n`` rows per option, in :data:`OPTIONS` order."""
    for i, name in enumerate(OPTIONS):
        for row, what in missing.get(name, {}).items():
            mask = np.zeros(len(options), dtype=bool)
            mask[i * n + row] = True
            add_reason(options, mask, "no price for " + ", ".join(what))


def _recommend(options: pd.DataFrame) -> np.ndarray:
    """The cheapest feasible option of each scenario."""
    cost = np.where(options.feasible.to_numpy(), options.monthly_usd.to_numpy(), np.inf)
    order = pd.DataFrame({"row": options.row, "cost": cost, "i": np.arange(len(options))})
    best = order[np.isfinite(order.cost)].sort_values(["row", "cost"]).drop_duplicates("row").i.to_numpy()
    out = np.zeros(len(options), dtype=bool)
    out[best] = True
    return out
