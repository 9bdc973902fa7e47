"""Instance options: one big instance (vertical) or an Auto Scaling group (horizontal)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from planner.base.codes import factorized, grouped
from planner.engine.bom import BomBuilder
from planner.engine.options.context import Columns, Context, add_reason, option_frame
from planner.pricing.queries import instance_candidates
from planner.pricing.units import HOURS_PER_MONTH
from planner.sizing.choose import cheapest, pareto_prune, purchase_rates, rate_columns
from planner.sizing.compute import fleet_units, units_for
from planner.sizing.role_cost import role_cost_usd
from planner.sizing.spot import BUCKET_UPPER, interruption_rate, overprovision
from planner.sizing.throughput import vcpu_throughput
from planner.sizing.usl import usl_capacity


def vertical(ctx: Context, bom: BomBuilder) -> Columns:
    """The smallest single instance whose USL capacity carries the horizon peak; an active/standby pair in two
    AZs when one instance's designed-for availability (with the DR tier the RTO/RPO asks for) falls short of
    the target. Not elastic: sized once for the horizon."""
    p, av = ctx.policy, ctx.policy.availability
    key = ("vertical", ctx.cloud, p.vertical_family_pattern, p.allow_arm64)
    cands = _pruned(ctx, key, lambda: instance_candidates(ctx.book, ctx.cloud, ctx.catalog.compute_service,
                                                          p.vertical_family_pattern,
                                                          allow_arm64=p.allow_arm64))
    servers, need = ctx.col("vcpu_needed_horizon"), ctx.col("capacity_needed_horizon")
    single_by_tier = ctx.designed_for_by_tier(np.array("single"))
    single_pct = single_by_tier[ctx.rows, ctx.col("dr_tier_index")]
    pair = single_pct < ctx.col("availability_target")
    # the lowest DR tier at which one instance alone would meet the target (-1: none); the engine plans it there
    # too (engine.architecture_variants), where the cheaper of the two is kept
    tiers = np.arange(single_by_tier.shape[1])
    enough = (single_by_tier >= ctx.col("availability_target")[:, None]) & (tiers >= ctx.col("dr_tier_index")[:, None])
    single_tier = np.where(enough.any(axis=1), enough.argmax(axis=1), -1)
    count = np.where(pair, 2.0, 1.0)
    base, _, _ = ctx.purchase
    # the DR tier keeps the same instances standing in the DR region (see options.shared._bill_dr_compute)
    dr_standing = ctx.dr_compute_fraction(np.where(pair, "pair", "single")) > 0

    def evaluate(rows: np.ndarray, c: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        # cores and USL capacity in reference vCPUs (see _pruned); a burstable instance serves bursts on all its
        # vCPUs but sustains only its baseline share of them
        sustained = c.sustained_vcpu.to_numpy()[None, :]
        units = np.broadcast_to(count[rows, None], (len(rows), len(c)))
        fits = (units_for(servers[rows, None], need[rows, None], c.ref_cores.to_numpy()[None, :],
                          c.ref_capacity.to_numpy()[None, :]) <= 1)
        fits &= (sustained >= need[rows, None]) & (c.memory_gib.to_numpy()[None, :] >= p.vertical_min_memory_gib)
        # at the rate it is billed at (a commitment discounts families unequally), with its DR copy at the DR
        # region's rate: the type is chosen on the bill it causes
        cost = units * purchase_rates(c, base[rows])
        if dr_standing[rows].any():
            dr_rate, _ = _dr_rates(ctx, rows, c)
            cost = cost + np.where(dr_standing[rows, None], units * dr_rate, 0.0)
        return units, np.where(fits, cost, np.inf)

    pick = cheapest(ctx.region, cands, evaluate)
    found = pick.found
    frame = option_frame(
        ctx, "vertical", instance_type=pick.sku, instance_vcpu=pick.of(cands, "vcpu"), instances_min=count, instances_desired=count,
        instances_max=count, azs=count, instance_hours=np.where(found, count * HOURS_PER_MONTH, 0.0),
        front=np.where(pair, "alb", "public_ip"), compute_kind=np.where(pair, "pair", "single"),
        compute_availability_pct=np.where(pair, av.active_standby_pair, av.ec2_single_instance))
    frame["single_instance_pct"] = single_pct
    frame["single_instance_tier"] = single_tier
    if (~found).any():
        best = _most_capacity(ctx, key, cands)
        tail = {r: f"; the most any single instance gives is {b.cap:,.0f} ({b.sku}, {b.vcpu:.0f} vCPU, after USL "
                   f"contention sigma {p.usl_sigma:g}, kappa {p.usl_kappa:g})"
                for r, b in best.loc[best.index.intersection(pd.unique(ctx.region[~found]))].iterrows()}
        for r in pd.unique(ctx.region[~found]):  # no type of the policy's families at all
            tail.setdefault(r, f"; no instance type of the families {p.vertical_family_pattern} is priced in {r}")
        msgs = [f"needs {n:,.1f} vCPU of capacity at the horizon peak{tail[r]}"
                for r, n in zip(ctx.region[~found], need[~found])]
        add_reason(frame, ~found, msgs)
    rows = ctx.rows[found]
    bom.instance_hours(rows, "vertical", "compute", ctx.catalog.compute_service, ctx.region[found], pick.sku[found],
                       count[found] * HOURS_PER_MONTH, base[found])
    _bill_root_volumes(ctx, bom, "vertical", frame, found)
    return frame


Usable = Callable[[pd.DataFrame], tuple[np.ndarray, np.ndarray]]


def _whole_instance(c: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """An instance serves the application on all its cores: its reference cores and the USL capacity of its vCPU
    count in reference vCPUs (``ref_cores``, ``ref_capacity``: see :func:`_pruned`)."""
    return c.ref_cores.to_numpy(), c.ref_capacity.to_numpy()


def horizontal(ctx: Context, bom: BomBuilder) -> Columns:
    """An autoscaled fleet (Auto Scaling group, managed instance group, scale set) of the instance type with the
    cheapest bill for the peak, across current x86 and Arm families; min/desired/max from the load profile; the
    purchase option's commitment covers the instances that run past its break-even share of the day (the
    lowest bill; see :func:`_commit_ratio`), the rest bursts on demand or on spot (over-provisioned for
    interruptions)."""
    return autoscaled_fleet(ctx, bom, "horizontal", _whole_instance, "compute")


def autoscaled_fleet(ctx: Context, bom: BomBuilder, option: str, usable: Usable, component: str) -> Columns:
    """The autoscaled fleet of ``option`` whose units serve ``usable(candidates)`` (cores for the M/M/c servers,
    USL capacity for the throughput) each: the whole instance for a plain fleet, the pods a Kubernetes node
    runs for a node group (:mod:`planner.engine.options.kubernetes`). Bills ``{component} (baseline)`` and
    ``(autoscaled)`` lines and root volumes."""
    p, av = ctx.policy, ctx.policy.availability
    # a unit serves what ``usable`` says (cores and capacity): a type with no less of both for no more is kept
    cands = _pruned(ctx, (option, ctx.cloud, p.horizontal_family_pattern, p.allow_arm64, p.fleet_min_vcpu,
                          p.fleet_max_vcpu),
                    lambda: instance_candidates(ctx.book, ctx.cloud, ctx.catalog.compute_service,
                                                p.horizontal_family_pattern,
                                                allow_arm64=p.allow_arm64, min_vcpu=p.fleet_min_vcpu,
                                                max_vcpu=p.fleet_max_vcpu), ("unit_cores", "unit_capacity"), usable)
    azs, survive = ctx.col("azs"), ctx.col("survive_az_loss")
    base, burst, _ = ctx.purchase
    ebs_hourly = _ebs_usd_per_instance_hour(ctx)
    per_instance_hourly, lb_hourly = _per_instance_usd(ctx)
    dr_fraction = ctx.dr_compute_fraction("fleet")  # the DR tier's standing share of the fleet

    def evaluate(rows: np.ndarray, c: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        # the cost billed below, for every candidate: committed hours at the committed rate, the rest at the
        # burst rate, plus root volumes; so the cheapest fleet is the cheapest bill
        shape = (len(rows), len(c))
        per_unit_cores, per_unit_cap = usable(c)
        cores = np.broadcast_to(per_unit_cores, shape)
        cap = np.broadcast_to(per_unit_cap, shape)
        base_rate = purchase_rates(c, base[rows])
        burst_rate = purchase_rates(c, burst[rows]) * _spot_factor(burst[rows, None], _buckets(c)[None, :], p)
        u = fleet_units(ctx.fleet_need.take(rows), ctx.hourly_fraction[rows], cores, cap, azs[rows], survive[rows],
                        p.burst_headroom, _commit_ratio(base_rate, burst_rate))
        # per instance: the custom metrics of each one as it runs, and a load balancer more for each quota
        # of targets (the whole bill: many small instances are not free of per-instance costs)
        extra_lbs = np.maximum(np.ceil(u["instances_max"] / p.lb_targets_per_load_balancer) - 1, 0)
        cost = ((u["instances_committed"] * HOURS_PER_MONTH * base_rate + u["burst_hours"] * burst_rate
                 + u["instance_hours"] * ebs_hourly[rows, None]) / HOURS_PER_MONTH
                + u["instance_hours"] / HOURS_PER_MONTH * per_instance_hourly[rows, None]
                + extra_lbs * lb_hourly[rows, None])
        # and the DR region's standing share of the fleet, as options.shared._bill_dr_compute bills it
        f = dr_fraction[rows, None]
        if (f > 0).any():
            dr_base, dr_on_demand = _dr_rates(ctx, rows, c)
            floor = np.minimum(u["instances_desired"], 2) * HOURS_PER_MONTH
            hours = np.where(f > 0, np.maximum(u["instance_hours"] * f, floor), 0.0)
            standing = np.minimum(hours, np.maximum(floor, u["instances_committed"] * f * HOURS_PER_MONTH))
            cost = cost + (standing * dr_base + (hours - standing) * dr_on_demand) / HOURS_PER_MONTH
        return u["instances_desired"], cost

    pick = cheapest(ctx.region, cands, evaluate)
    found = pick.found
    cores_all, cap_all = usable(cands)
    cores = np.nan_to_num(pick.gathered(cands, np.broadcast_to(np.asarray(cores_all, dtype=float), (len(cands),))),
                          nan=1.0)
    capacity = np.nan_to_num(pick.gathered(cands, np.broadcast_to(np.asarray(cap_all, dtype=float), (len(cands),))),
                             nan=1.0)
    buckets = _chosen_buckets(pick, cands)
    spot_factor = _spot_factor(burst, buckets, p)
    ratio = _commit_ratio(pick.rate(cands, base), pick.rate(cands, burst) * spot_factor)
    units = ctx.elastic_units(cores, capacity, np.nan_to_num(ratio, nan=1.0))
    committed, burst_hours = units.pop("instances_committed"), units.pop("burst_hours")
    frame = option_frame(ctx, option, instance_type=pick.sku, instance_vcpu=pick.of(cands, "vcpu"),
                         azs=azs, front="alb",
                         compute_availability_pct=av.ec2_multi_az, **units)
    frame["instance_hourly_usd"] = pick.of(cands, "hourly_usd")
    frame["throughput"] = pick.of(cands, "throughput")  # reference vCPUs per vCPU
    frame["instances_committed"] = np.where(found, committed, np.nan)
    frame["commit_ratio"] = ratio  # the break-even utilisation of the commitment: its rate / the burst rate
    frame["usable_cores"] = np.where(found, cores, np.nan)
    add_reason(frame, ~found, "no fleet instance type is priced in this region")
    rows, region, sku = ctx.rows[found], ctx.region[found], pick.sku[found]
    service = ctx.catalog.compute_service
    bom.instance_hours(rows, option, f"{component} (baseline)", service, region, sku,
                       committed[found] * HOURS_PER_MONTH, base[found])
    extra = np.full(ctx.n, "", dtype=object)
    if bom.detail:  # what the line says; a batch keeps totals only
        over = np.flatnonzero(spot_factor > 1)
        extra[over] = [f"{spot_factor[i]:.3g} x the hours: spot over-provisioned for interruptions "
                       f"({_bucket_text(buckets[i], p)})" for i in over]
    bom.instance_hours(rows, option, f"{component} (autoscaled)", service, region, sku,
                       (burst_hours * spot_factor)[found], burst[found], extra_note=extra[found])
    _bill_root_volumes(ctx, bom, option, frame, found)
    return frame


def _dr_rates(ctx: Context, rows: np.ndarray, c: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(rows, candidates) hourly rates of each candidate type in each scenario's DR region, as the DR compute
    lines bill them (options.shared._bill_dr_compute): the standing part at the baseline purchase option there,
    else on demand there, else on demand in the primary region; the rest on demand there, else the primary's."""
    base, _, _ = ctx.purchase
    skus = c.sku.to_numpy(dtype=object)
    service = ctx.catalog.compute_service
    group, values = grouped([ctx.col("dr_region")[rows], ctx.region[rows], base[rows]])
    standing, on_demand = np.empty((len(rows), len(c))), np.empty((len(rows), len(c)))
    for g, (dr, primary, option) in enumerate(values):
        def build(dr: object = dr, primary: object = primary, option: object = option) -> tuple[np.ndarray, ...]:
            def rate(region: object, purchase: object) -> np.ndarray:
                return ctx.book.instance_hourly_usd(ctx.cloud, region, service, skus, purchase)
            here = rate(dr, "on_demand")
            od = np.where(np.isnan(here), rate(primary, "on_demand"), here)
            committed = rate(dr, option)
            return np.where(np.isnan(committed), od, committed), od
        b, od = ctx.book.memo(("dr_rates", ctx.cloud, dr, primary, option, tuple(skus)), build)
        sel = group == g
        standing[sel], on_demand[sel] = b, od
    return standing, on_demand


def _buckets(cands: pd.DataFrame) -> np.ndarray:
    return cands.spot_interruption.to_numpy() if "spot_interruption" in cands else np.full(len(cands), "")


def _chosen_buckets(pick: object, cands: pd.DataFrame) -> np.ndarray:
    return pick.of(cands, "spot_interruption") if "spot_interruption" in cands else np.full(  # type: ignore[attr-defined]
        len(pick.sku), "")  # type: ignore[attr-defined]


def _spot_factor(burst: np.ndarray, bucket: object, policy: object) -> np.ndarray:
    """Spot capacity run per unit needed where the burst runs on spot (see :mod:`planner.sizing.spot`); 1
    elsewhere."""
    factor = overprovision(np.where(pd.isna(bucket), "", bucket), policy.spot_interruption_default)  # type: ignore
    return np.where(np.asarray(burst) == "spot", factor, 1.0)


def _bucket_text(bucket: object, policy: object) -> str:
    rate = interruption_rate(["" if pd.isna(bucket) else bucket], policy.spot_interruption_default)[0]  # type: ignore
    known = isinstance(bucket, str) and bucket in BUCKET_UPPER
    return (f"Spot Instance Advisor bucket {bucket}: {rate:.0%} lost" if known else
            f"{rate:.0%} lost, policy.spot_interruption_default")


def _commit_ratio(base_rate: np.ndarray, burst_rate: np.ndarray) -> np.ndarray:
    """The commitment's rate / the burst rate, its break-even share of hours, at most 1: where the baseline
    costs no less than the burst (on demand, a spot burst) only what runs every hour is baseline.

    Every committing purchase option (a savings plan or reservation of the term the user chose, or
    ``optimise``'s term) commits the count of the lowest bill. Committing only what runs every hour would make
    more load cheaper: when the quietest hour needs one unit more, that unit moves onto the commitment with the
    23 hours it already ran, saving 23 burst-hours for 24 committed ones (-2.4 % at 213 -> 214 req/s on a
    3-year plan). AWS's own Savings Plans recommendations likewise size the commitment for the largest saving
    (AWS Cost Management User Guide, "Savings Plans recommendations")."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.minimum(base_rate / burst_rate, 1.0)


def _most_capacity(ctx: Context, key: tuple[object, ...], cands: pd.DataFrame) -> pd.DataFrame:
    """Per region, the cheapest of the instances with the most USL capacity (for the rejection message)."""
    p = ctx.policy

    def build() -> pd.DataFrame:
        best = cands.assign(cap=cands.ref_capacity)
        best = best.sort_values(["cap", "hourly_usd"], ascending=[True, False]).groupby("region").tail(1)
        return best.set_index("region")

    return ctx.book.memo(("most_capacity", *key, p.usl_sigma, p.usl_kappa, tuple(sorted(p.vcpu_throughput.items()))),
                         build)


def _pruned(ctx: Context, key: tuple[object, ...], candidates: Callable[[], pd.DataFrame],
            serves: Sequence[str] = ("ref_cores", "ref_capacity", "memory_gib", "sustained_vcpu"),
            usable: Usable | None = None) -> pd.DataFrame:
    """Candidates no other type of the region beats on every rate while it ``serves`` at least as much (see
    :func:`pareto_prune`), memoised under ``key`` (stable across processes: the book may be cached on disk).
    ``serves``: what the option uses of a type, among its reference cores and USL capacity
    (:mod:`planner.sizing.throughput`), memory and sustained (burstable) vCPU, or ``unit_cores`` and
    ``unit_capacity`` as ``usable`` gives them: a type with as much of each at no more at any rate serves any
    need at no more, across sizes too, since the units needed scale down."""
    def build() -> pd.DataFrame:
        cands = candidates()
        vcpu = cands.vcpu.to_numpy()
        speed = vcpu_throughput(cands.family, ctx.policy)
        cands["throughput"] = speed
        cands["sustained_vcpu"] = vcpu * ctx.catalog.sustained_share(cands.sku, ctx.policy) * speed
        cands["ref_cores"] = vcpu * speed
        cands["ref_capacity"] = usl_capacity(vcpu, ctx.policy.usl_sigma, ctx.policy.usl_kappa) * speed
        if usable is not None:
            cands["unit_cores"], cands["unit_capacity"] = usable(cands)
        if "hourly_spot_usd" in cands:  # spot is bought over-provisioned for its type's interruptions
            cands["hourly_spot_effective_usd"] = cands.hourly_spot_usd.to_numpy() * overprovision(
                _buckets(cands), ctx.policy.spot_interruption_default)
        return pareto_prune(cands, ["region"], list(serves), rate_columns(cands)).reset_index(drop=True)

    policy = ctx.policy
    return ctx.book.memo(("pruned_fleet", *key, tuple(serves), tuple(sorted(policy.vcpu_throughput.items())),
                          tuple(sorted(policy.burstable_baselines.items())), policy.spot_interruption_default,
                          policy.usl_sigma, policy.usl_kappa,
                          policy.pod_vcpu, policy.pod_memory_gb, policy.k8s_max_pods_per_node,
                          policy.k8s_daemonset_vcpu, policy.k8s_daemonset_memory_gb), build)


def _per_instance_usd(ctx: Context) -> tuple[np.ndarray, np.ndarray]:
    """Per scenario, an hour of: what each running instance adds beyond its own price (its custom metrics, at
    the price of a metric past the free allowance), and one load balancer (0 where the cloud bills none)."""
    def per_region(region: str) -> tuple[float, float]:
        where, many = np.array([region], dtype=object), np.array([1e4])
        metric = role_cost_usd(ctx.book, ctx.catalog, "metrics", where, many)[0] / many[0]
        lb = role_cost_usd(ctx.book, ctx.catalog, "lb_hour", where, np.array([HOURS_PER_MONTH]))[0]
        return tuple(float(np.nan_to_num(x, nan=0.0, posinf=0.0)) for x in (metric, lb))  # type: ignore[return-value]

    codes, regions = factorized(ctx.region)
    prices = np.array([ctx.book.memo(("per_instance_usd", ctx.cloud, r), lambda r=r: per_region(r))
                       for r in regions]).reshape(-1, 2)
    metric, lb = prices[codes, 0], prices[codes, 1]
    return metric * ctx.policy.metrics_per_instance / HOURS_PER_MONTH, lb / HOURS_PER_MONTH


def _ebs_usd_per_instance_hour(ctx: Context) -> np.ndarray:
    ref = ctx.catalog.price("root_volume")
    if ref is None:
        return np.zeros(ctx.n)
    pos = ctx.book.service_positions(ctx.cloud, ctx.region, ref.service, ref.item, ref.dimension)
    gb_month = ctx.book.service_prices.usd_per_unit.to_numpy()[np.maximum(pos, 0)]
    return np.where(pos >= 0, gb_month, 0.0) * ctx.policy.ebs_gb_per_instance / HOURS_PER_MONTH


def _bill_root_volumes(ctx: Context, bom: BomBuilder, option: str, frame: Columns, found: np.ndarray) -> None:
    gb_months = ctx.policy.ebs_gb_per_instance * frame["instance_hours"] / HOURS_PER_MONTH
    bom.priced(ctx.rows[found], option, "root volumes", ctx.catalog.price("root_volume"), ctx.region[found],
               gb_months[found])
