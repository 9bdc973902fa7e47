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
from planner.sizing.availability import redundant_pct, serial_pct
from planner.sizing.cache import size_cache
from planner.sizing.compute import az_plan, compute_need
from planner.sizing.choose import pareto_prune
from planner.sizing.database import effective_vcpu, multi_az_needed, size_database
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
    wf = wf.reset_index(drop=True)
    check_names(wf, book)
    clouds = wf["cloud"].unique()
    if len(clouds) != 1:
        raise PlannerError(f"one run prices one cloud; found {', '.join(clouds)}")
    cloud = str(clouds[0])
    sz = shared_sizing(wf, policy, book, cloud)
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
    options.loc[unsized, ["availability_pct", "region_availability_pct"]] = np.nan
    base_tier = sz["dr_tier_index"].to_numpy()[options.row.to_numpy()]
    options.loc[unsized, "dr_tier"] = [policy.dr_tiers[i].name for i in base_tier[unsized]]
    options.loc[unsized, "dr_upgraded_for_availability"] = False
    options["recommended"] = _recommend(options)
    return EngineResult(workloads=wf, sizing=sz, options=options, bom=lines, policy=policy)


def shared_sizing(wf: pd.DataFrame, policy: SizingPolicy, book: PriceBook, cloud: str) -> pd.DataFrame:
    """Traffic, compute need, AZs, cache, database and DR tier: what every option shares."""
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
    cache = size_cache(wf, tr, multi_az, cache_cands, policy)
    cache, db = _cache_or_not(wf, tr, cache, multi_az, _database_candidates(book, cloud, policy), policy)
    tier = dr_tier_index(wf["rto_minutes"].to_numpy(), wf["rpo_minutes"].to_numpy(), policy)
    pairs = {r: dr_region(r, regions, policy) for r in wf["region"].unique()}
    dr = pd.DataFrame({"dr_tier_index": tier, "dr_region": wf["region"].map(pairs).to_numpy()})
    return pd.concat([tr, need, az, cache, db, dr], axis=1)


def _cache_or_not(wf: pd.DataFrame, tr: pd.DataFrame, cache: pd.DataFrame, multi_az: np.ndarray,
                  db_candidates: pd.DataFrame, policy: SizingPolicy) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Size the database with and without the cache; keep the cache where it pays (``cache_mode`` auto).

    Taking the cheaper of two costs that each rise with load keeps the total rising with load."""
    with_cache = size_database(wf, tr, cache["cache_hit_ratio"].to_numpy(), multi_az, db_candidates, policy)
    without = size_database(wf, tr, np.zeros(len(wf)), multi_az, db_candidates, policy)
    cost_with = cache["cache_hourly_usd"].to_numpy() + with_cache["db_hourly_usd"].to_numpy()
    cost_without = without["db_hourly_usd"].to_numpy()
    possible = cache["cache_used"].to_numpy() & np.isfinite(cost_with)
    use = {"always": possible, "never": np.zeros(len(wf), dtype=bool),
           "auto": possible & (cost_with < cost_without)}[policy.cache_mode]
    db = with_cache.where(pd.Series(use, index=wf.index), without, axis=0)
    db["db_hourly_usd_without_cache"] = cost_without
    db["db_instance_class_without_cache"] = without["db_instance_class"].to_numpy()
    cache = cache.copy()
    cache["cache_used"] = use
    for col, empty in (("cache_node_type", ""), ("cache_nodes", 0.0), ("cache_shards", 0.0),
                       ("cache_replicas_per_shard", 0), ("cache_hit_ratio", 0.0), ("cache_multi_az", False)):
        cache[col] = np.where(use, cache[col].to_numpy(), empty)
    cache["cache_fits"] = True
    cache["cache_hourly_usd_with_database"] = cost_with
    return cache, db


def _database_candidates(book: PriceBook, cloud: str, policy: SizingPolicy) -> pd.DataFrame:
    def build() -> pd.DataFrame:
        single = instance_candidates(book, cloud, "rds", policy.database_family_pattern, policy.database_engine,
                                     "single-az")
        multi = instance_candidates(book, cloud, "rds", policy.database_family_pattern, policy.database_engine,
                                    "multi-az")
        singles = single.set_index(["region", "sku"]).hourly_usd
        frames = []
        for dep, frame in (("single-az", single), ("multi-az", multi)):
            key = pd.MultiIndex.from_frame(frame[["region", "sku"]])
            frames.append(frame.assign(deployment=dep, hourly_single_usd=singles.reindex(key).to_numpy()))
        out = pd.concat(frames, ignore_index=True).dropna(subset=["hourly_single_usd"])
        out["effective_vcpu"] = effective_vcpu(out, policy)
        out = out.sort_values(["region", "hourly_usd", "sku"]).reset_index(drop=True)
        return pareto_prune(out, ["region", "deployment"], ["effective_vcpu", "memory_gib"],
                            ["hourly_usd", "hourly_single_usd"]).reset_index(drop=True)

    key = ("database_candidates", cloud, policy.database_family_pattern, policy.database_engine,
           policy.burstable_baseline)
    return book.memo(key, build)


def _finish_option(ctx: Context, opt: pd.DataFrame, bom: BomBuilder) -> pd.DataFrame:
    """Shared-tier reasons, availability, DR tier, then bill the shared tiers and the DR footprint."""
    p, av = ctx.policy, ctx.policy.availability
    db_missing = ~ctx.col("db_fits")
    add_reason(opt, db_missing, [
        f"database: no {p.database_engine} {d} class in {r} has {v:,.0f} vCPU for writes and {m:,.0f} GiB for "
        f"hot data" for d, r, v, m in zip(ctx.col("db_deployment")[db_missing], ctx.region[db_missing],
                                          (ctx.col("db_write_vcpu") + np.minimum(
                                              ctx.col("db_read_vcpu"), p.db_max_primary_vcpu))[db_missing],
                                          ctx.col("db_memory_gib_needed")[db_missing])])
    cache_missing = ~ctx.col("cache_fits")
    add_reason(opt, cache_missing, [f"cache: working set of {w:,.0f} GB needs more than 500 shards"
                                    for w in ctx.col("cache_working_set_gb")[cache_missing]])
    front = opt.front.to_numpy()
    front_pct = np.select([front == "alb", front == "api_gateway"], [av.load_balancer, av.api_gateway], 100.0)
    cache_pct = np.where(ctx.col("cache_used"), np.where(ctx.col("cache_multi_az"), av.cache_multi_az,
                                                          av.cache_single_node), 100.0)
    db_pct = np.where(ctx.col("db_multi_az"), av.rds_multi_az, av.rds_single_az)
    region_pct = serial_pct(front_pct, opt.compute_availability_pct.to_numpy(), cache_pct, db_pct)
    target = ctx.col("availability_target")
    multi_site = len(p.dr_tiers) - 1
    tier = np.where(region_pct < target, multi_site, ctx.col("dr_tier_index"))
    availability = np.where(tier == multi_site, redundant_pct(region_pct, 2), region_pct)
    opt["region_availability_pct"] = region_pct
    opt["availability_pct"] = availability
    opt["dr_tier"] = [p.dr_tiers[i].name for i in tier]
    opt["dr_tier_index"] = tier
    opt["dr_upgraded_for_availability"] = tier != ctx.col("dr_tier_index")
    low = availability < target
    add_reason(opt, low, [f"availability estimate {a:.3f}% < target {t:g}% even active/active in two regions"
                          for a, t in zip(availability[low], target[low])])
    unmet = ~dr_targets_met(tier, ctx.col("rto_minutes"), ctx.col("rpo_minutes"), p)
    add_reason(opt, unmet, [f"no DR tier reaches RTO {rto:g} min / RPO {rpo:g} min (best: {p.dr_tiers[-1].name}, "
                            f"{p.dr_tiers[-1].rto_minutes:g} / {p.dr_tiers[-1].rpo_minutes:g} min)"
                            for rto, rpo in zip(ctx.col("rto_minutes")[unmet], ctx.col("rpo_minutes")[unmet])])
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
