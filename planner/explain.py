"""One-line rationale for every decision of a plan, written from the numbers that drove it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from planner.pricing.units import HOURS_PER_MONTH
from planner.report.formatting import pct as _pct
from planner.sizing.usl import usl_capacity

if TYPE_CHECKING:
    from planner.plan import OptionPlan, Plan


@dataclass(frozen=True)
class Decision:
    topic: str
    choice: str
    rationale: str


def decisions(plan: Plan) -> list[Decision]:
    w, s = plan.workload, plan.sizing
    out = [
        _traffic(plan),
        Decision("compute need", f"{s.vcpu_needed:,.0f} vCPU now, {s.vcpu_needed_horizon:,.0f} at the horizon",
                 f"offered load {s.offered_vcpu:,.1f} busy vCPU ({s.peak_rps:,.0f} req/s x {w.cpu_ms_per_request:g} ms); "
                 f"the smallest M/M/c pool with p99 <= {w.latency_target_ms:g} ms and utilisation <= "
                 f"{w.target_cpu_utilization:.0%} (square-root staffing check: {s.vcpu_sqrt_staffing:,.0f})"),
        _azs(plan),
    ]
    out += [_option(plan, o) for o in plan.options]
    out += [_cache(plan), *_database(plan), _dr(plan)]
    rec = plan.recommended
    if rec is not None:
        out.append(_availability(plan, rec))
        out.append(Decision("purchase", w.purchase_option, _purchase(w.purchase_option)))
        others = [o for o in plan.options if o is not rec]
        cheaper = [o for o in others if o.monthly_usd < rec.monthly_usd]
        why = f"cheapest option meeting every target at ${rec.monthly_usd:,.0f}/month"
        if cheaper:
            why += "; cheaper but rejected: " + "; ".join(f"{o.name} ({o.reasons[0]})" for o in cheaper)
        out.append(Decision("recommendation", rec.name, why))
    else:
        out.append(Decision("recommendation", "none", "no option meets every target: " + "; ".join(
            f"{o.name}: {o.reasons[0]}" for o in plan.options)))
    return out


def _traffic(plan: Plan) -> Decision:
    w, s = plan.workload, plan.sizing
    if w.peak_rps is not None:
        src = f"peak {w.peak_rps:,.0f} req/s given; average = peak / {w.peak_to_average:g}"
    else:
        src = (f"{w.daily_active_users:,.0f} users x {w.requests_per_user_per_day:g} requests / 86,400 s = "
               f"{s.avg_rps:,.1f} req/s average; peak = x {w.peak_to_average:g}")
    return Decision("traffic", f"{s.peak_rps:,.0f} req/s peak, {s.monthly_requests / 1e6:,.1f}M requests/month",
                    f"{src}; x{s.growth_factor:.2f} over {w.horizon_months} months at "
                    f"{w.monthly_growth:.1%}/month -> {s.peak_rps_horizon:,.0f} req/s peak at the horizon")


def _azs(plan: Plan) -> Decision:
    w, s, p = plan.workload, plan.sizing, plan.workload.policy
    if s.survive_az_loss:
        why = (f"availability target {_pct(w.availability_target)} >= {_pct(p.survive_az_loss_min_availability)}: "
               f"capacity survives losing one AZ (each AZ holds load / {int(s.azs) - 1})")
    else:
        why = (f"availability target {_pct(w.availability_target)} < {_pct(p.survive_az_loss_min_availability)}: "
               f"spread for resilience, no spare AZ capacity")
    return Decision("availability zones", f"{int(s.azs)} AZs", why)


def _option(plan: Plan, o: OptionPlan) -> Decision:
    w, s, p, r = plan.workload, plan.sizing, plan.workload.policy, o.row
    if not o.feasible:
        return Decision(f"option: {o.name}", "rejected", "; ".join(o.reasons))
    if o.name == "vertical":
        vcpu = float(r.instance_vcpu)
        cap = float(usl_capacity(vcpu, p.usl_sigma, p.usl_kappa))
        pair = r.instances_desired > 1
        return Decision("option: vertical", f"{r.instance_type}{' x 2 (active/standby)' if pair else ''}",
                        f"smallest instance whose USL capacity {cap:,.1f} ({vcpu:g} vCPU, sigma {p.usl_sigma:g}, "
                        f"kappa {p.usl_kappa:g}) carries the horizon need of {s.vcpu_needed_horizon:,.0f}; "
                        + (f"a standby pair since the target {_pct(w.availability_target)} exceeds one instance's "
                           f"{_pct(p.availability.ec2_single_instance)}" if pair else "one instance, no standby"))
    if o.name == "horizontal":
        cap = float(usl_capacity(r.instance_vcpu, p.usl_sigma, p.usl_kappa))
        hourly = o.bom.loc[o.bom.component.str.startswith("compute"), "unit_usd"].max()
        return Decision("option: horizontal",
                        f"ASG of {r.instance_type}: min {r.instances_min:.0f} / desired {r.instances_desired:.0f} / "
                        f"max {r.instances_max:.0f}",
                        f"cheapest fleet for the peak among current-generation general-purpose and compute "
                        f"families, x86 and Graviton, {p.fleet_min_vcpu}-{p.fleet_max_vcpu} vCPU "
                        f"(${hourly / cap:.4f} per usable vCPU-hour); min = quietest hour of the load profile, "
                        f"max = horizon peak x {1 + p.burst_headroom:g}; {r.instance_hours:,.0f} instance-hours a "
                        f"month (not {r.instances_desired * HOURS_PER_MONTH:,.0f} at peak x {HOURS_PER_MONTH})")
    if o.name == "containers":
        return Decision("option: containers",
                        f"{r.instance_type}: min {r.instances_min:.0f} / desired {r.instances_desired:.0f} / "
                        f"max {r.instances_max:.0f} tasks",
                        f"Fargate tasks autoscaled like the fleet; {r.instance_hours:,.0f} task-hours a month")
    return Decision("option: serverless", f"{r.instance_type}, peak concurrency {r.instances_max:,.0f} at the horizon",
                    f"Little's law: concurrency = rate x duration; within the account limit "
                    f"{p.lambda_concurrency_limit:,}")


def _cache(plan: Plan) -> Decision:
    w, s, p = plan.workload, plan.sizing, plan.workload.policy
    alone = f"database alone ${s.db_hourly_usd_without_cache * HOURS_PER_MONTH:,.0f}/month ({s.db_instance_class_without_cache})"
    with_cache = s.cache_hourly_usd_with_database * HOURS_PER_MONTH
    if not s.cache_used:
        if p.cache_mode == "never":
            return Decision("cache", "none", "policy.cache_mode is never")
        why = f"a cache does not pay: {alone}"
        if with_cache == with_cache and with_cache != float("inf"):
            why += f" vs ${with_cache:,.0f}/month for cache + database"
        return Decision("cache", "none", why)
    replicas = " + 1 replica each (Multi-AZ)" if s.cache_multi_az else ""
    pays = (f"cache + database ${with_cache:,.0f}/month vs {alone}" if p.cache_mode == "auto"
            else "policy.cache_mode is always")
    return Decision("cache", f"{s.cache_node_type} x {s.cache_nodes:.0f} ({s.cache_shards:.0f} shard(s){replicas})",
                    f"{pays}; working set {s.cache_working_set_gb:,.1f} GB = {w.hot_data_fraction:.0%} hot x "
                    f"{s.data_size_gb_horizon:,.1f} GB at the horizon x {1 + p.cache_item_overhead:g} overhead, "
                    f"{p.cache_reserved_memory:.0%} of node memory reserved; hit ratio {s.cache_hit_ratio:.0%} "
                    f"takes reads off the database")


def _database(plan: Plan) -> list[Decision]:
    w, s, p = plan.workload, plan.sizing, plan.workload.policy
    if s.db_multi_az:
        reasons = []
        if w.availability_target >= p.multi_az_min_availability:
            op = ">" if w.availability_target > p.availability.rds_single_az else ">="
            reasons.append(f"availability target {_pct(w.availability_target)} {op} "
                           f"{_pct(p.availability.rds_single_az)} single-AZ")
        if w.rto_minutes < p.single_az_restore_minutes:
            reasons.append(f"RTO {w.rto_minutes:g} min < {p.single_az_restore_minutes:g} min to restore single-AZ")
        maz = Decision("database Multi-AZ", "yes", "; ".join(reasons))
    else:
        maz = Decision("database Multi-AZ", "no",
                       f"availability target {_pct(w.availability_target)} < {_pct(p.multi_az_min_availability)} "
                       f"and RTO {w.rto_minutes:g} min >= {p.single_az_restore_minutes:g} min")
    cls = Decision("database class", f"{s.db_instance_class or 'none fits'} ({p.database_engine})",
                   f"cheapest class with {s.db_write_vcpu + min(s.db_read_vcpu, p.db_max_primary_vcpu):,.1f} vCPU "
                   f"for {s.db_write_rps:,.0f} writes/s and {s.db_read_rps:,.0f} reads/s at the horizon peak"
                   f"{' (after the cache)' if s.cache_used else ''} and {s.db_memory_gib_needed:,.1f} GiB for hot data")
    rep = Decision("read replicas", f"{s.db_read_replicas:.0f}",
                   "reads fit on the primary" if s.db_read_replicas == 0 else
                   f"reads need {s.db_read_vcpu:,.1f} vCPU, beyond the primary's spare capacity")
    store = Decision("database storage", f"{s.db_storage_gb:,.0f} GB gp3",
                     f"{s.data_size_gb_horizon:,.1f} GB at the horizon x {1 + p.storage_overhead:g} for indexes, "
                     f"WAL and free space (at least {p.min_storage_gb:g} GB); backups kept "
                     f"{p.backup_retention_days} days, {s.db_backup_billed_gb:,.0f} GB beyond the free allowance")
    return [maz, cls, rep, store]


def _dr(plan: Plan) -> Decision:
    w, s, p = plan.workload, plan.sizing, plan.workload.policy
    tier = p.dr_tiers[int(s.dr_tier_index)]
    cheaper = p.dr_tiers[int(s.dr_tier_index) - 1] if s.dr_tier_index > 0 else None
    why = (f"cheapest tier with RTO {tier.rto_minutes:g} <= {w.rto_minutes:g} min and RPO {tier.rpo_minutes:g} <= "
           f"{w.rpo_minutes:g} min")
    if cheaper is not None:
        why += f" ({cheaper.name} gives {cheaper.rto_minutes:g} / {cheaper.rpo_minutes:g} min)"
    rec = plan.recommended
    if rec is not None and rec.dr_tier != tier.name:
        why += (f"; raised to {rec.dr_tier} for {rec.name}: one region gives "
                f"{_pct(rec.region_availability_pct)} < target {_pct(w.availability_target)}")
    return Decision("disaster recovery", f"{rec.dr_tier if rec else tier.name} in {s.dr_region}", why)


def _availability(plan: Plan, o: OptionPlan) -> Decision:
    w, s, av = plan.workload, plan.sizing, plan.workload.policy.availability
    front = {"alb": ("ALB", av.load_balancer), "api_gateway": ("API Gateway", av.api_gateway)}.get(o.row.front)
    parts = [f"{front[0]} {_pct(front[1])}"] if front else []
    parts.append(f"{o.name} compute {_pct(o.row.compute_availability_pct)}")
    if s.cache_used:
        parts.append(f"cache {_pct(av.cache_multi_az if s.cache_multi_az else av.cache_single_node)}")
    parts.append(f"RDS {'Multi-AZ' if s.db_multi_az else 'single-AZ'} "
                 f"{_pct(av.rds_multi_az if s.db_multi_az else av.rds_single_az)}")
    why = f"{_pct(o.region_availability_pct)} = " + " x ".join(parts)
    if o.dr_tier == plan.workload.policy.dr_tiers[-1].name:
        why += f"; two active regions: 1 - (1 - A)^2 = {_pct(o.availability_pct)}"
    verdict = ">=" if o.availability_pct >= w.availability_target else "<"
    return Decision("availability estimate", _pct(o.availability_pct),
                    f"{why}; {verdict} target {_pct(w.availability_target)} (SLA figures: lower bounds)")


def _purchase(option: str) -> str:
    return {
        "on_demand": "everything on demand: no commitment",
        "savings_1yr": "always-on compute at the 1-year Savings Plan rate, database and cache on 1-year "
                       "reservations; autoscaled capacity on demand",
        "savings_3yr": "always-on compute at the 3-year Savings Plan rate, database and cache on 3-year "
                       "reservations; autoscaled capacity on demand",
        "spot_mix": "baseline on demand, autoscaled capacity on Spot (may be interrupted)",
    }[option]


def assumptions(plan: Plan) -> list[str]:
    w, p = plan.workload, plan.workload.policy
    return [
        f"{HOURS_PER_MONTH} hours a month; prices are public list prices in USD, without tax or support plans.",
        f"Traffic and data grow {w.monthly_growth:.1%} a month; fixed capacity (database, cache, a single instance) "
        f"is sized for month {w.horizon_months}, elastic capacity and usage are billed at today's load.",
        "Autoscaled capacity follows a typical business-day load curve (policy.diurnal_profile); "
        "intra-hour bursts up to the peak-to-average ratio are absorbed by the hourly capacity.",
        f"Each request uses {w.cpu_ms_per_request:g} ms of one vCPU; the database spends {p.db_cpu_ms_per_read:g} ms "
        f"per read and {p.db_cpu_ms_per_write:g} ms per write; {p.backend_kb_per_request:g} KB move between app and "
        f"data tiers and {p.outbound_kb_per_request:g} KB leave through NAT per request.",
        f"Scalability within one machine follows the USL with sigma {p.usl_sigma:g}, kappa {p.usl_kappa:g}.",
        f"{p.hot_read_share:.0%} of reads touch the hot {w.hot_data_fraction:.0%} of the data.",
        "Availability is composed from AWS SLA commitments (lower bounds), serial components multiplied.",
        "Lines marked 'estimated price' come from a neighbouring region's price (see the price sources).",
    ]
