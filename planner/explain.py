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
    return Decision("availability zones", f"{int(plan.sizing.azs)} AZs", plan.sizing.azs_why)


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
                        + (f"a standby pair since one instance is designed for {_pct(r.single_instance_pct)} < "
                           f"target {_pct(w.availability_target)}" if pair else
                           f"one instance, no standby: designed for {_pct(r.single_instance_pct)} >= target "
                           f"{_pct(w.availability_target)}"))
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
    s = plan.sizing
    if not s.cache_used:
        return Decision("cache", "none", s.cache_why)
    replicas = " + 1 replica each (Multi-AZ)" if s.cache_multi_az else ""
    return Decision("cache", f"{s.cache_node_type} x {s.cache_nodes:.0f} ({s.cache_shards:.0f} shard(s){replicas})",
                    s.cache_why)


ENGINE_NAMES = {"rds": "RDS", "aurora-standard": "Aurora", "aurora-io-optimized": "Aurora I/O-Optimized"}


def _database(plan: Plan) -> list[Decision]:
    s, p = plan.sizing, plan.workload.policy
    engine = f"{ENGINE_NAMES.get(s.db_engine_variant, '')} {p.database_engine}".strip()
    return [
        Decision("database Multi-AZ", "yes" if s.db_multi_az else "no", s.db_multi_az_why),
        Decision("database class", f"{s.db_instance_class or 'none fits'} ({engine})", s.db_class_why),
        Decision("read replicas", f"{s.db_read_replicas:.0f}", s.db_replicas_why),
        Decision("database storage", f"{s.db_storage_gb:,.0f} GB {s.db_volume_type}", s.db_storage_why),
    ]


def _dr(plan: Plan) -> Decision:
    s, p = plan.sizing, plan.workload.policy
    tier = p.dr_tiers[int(s.dr_tier_index)]
    rec = plan.recommended
    why = s.dr_why
    if rec is not None and rec.dr_tier != tier.name:
        why += f"; raised to {rec.dr_tier} for {rec.name} to reach the availability target (see availability)"
    return Decision("disaster recovery", f"{rec.dr_tier if rec else tier.name} in {s.dr_region}", why)


def _availability(plan: Plan, o: OptionPlan) -> Decision:
    return Decision("availability estimate", f"{_pct(o.availability_pct)} designed-for, "
                                             f"{_pct(o.row.sla_floor_pct)} SLA floor", o.row.availability_why)


def _purchase(option: str) -> str:
    return {
        "on_demand": "everything on demand: no commitment",
        "savings_1yr": "always-on compute at the 1-year Savings Plan rate, database and cache on 1-year "
                       "reservations; autoscaled capacity on demand",
        "savings_3yr": "always-on compute at the 3-year Savings Plan rate, database and cache on 3-year "
                       "reservations; autoscaled capacity on demand",
        "spot_mix": "baseline on demand, autoscaled capacity on Spot (may be interrupted)",
    }[option]


def billing_month(plan: Plan) -> str:
    """Which month the monthly figure bills: said the same way in every output."""
    w = plan.workload
    return (f"The monthly figure bills month 1 at today's traffic ({plan.sizing.peak_rps:,.0f} req/s peak): usage and "
            f"autoscaled capacity at today's load, fixed capacity (database, cache, storage, a single instance) as "
            f"provisioned for month {w.horizon_months}, the end of the horizon "
            f"({plan.sizing.peak_rps_horizon:,.0f} req/s peak, {plan.sizing.data_size_gb_horizon:,.0f} GB); the "
            f"fleet maximum is the horizon peak plus {w.policy.burst_headroom:.0%} headroom. The Growth page's "
            "month 0 is this figure.")


def assumptions(plan: Plan) -> list[str]:
    w, p = plan.workload, plan.workload.policy
    return [
        f"{HOURS_PER_MONTH} hours a month; prices are public list prices in USD, without tax or support plans.",
        billing_month(plan),
        "Autoscaled capacity follows a typical business-day load curve (policy.diurnal_profile); "
        "intra-hour bursts up to the peak-to-average ratio are absorbed by the hourly capacity.",
        f"Each request uses {w.cpu_ms_per_request:g} ms of one vCPU; the database spends {p.db_cpu_ms_per_read:g} ms "
        f"per read and {p.db_cpu_ms_per_write:g} ms per write; {p.backend_kb_per_request:g} KB move between app and "
        f"data tiers and {p.outbound_kb_per_request:g} KB leave through NAT per request.",
        f"Scalability within one machine follows the USL with sigma {p.usl_sigma:g}, kappa {p.usl_kappa:g}.",
        f"{p.hot_read_share:.0%} of reads touch the hot {w.hot_data_fraction:.0%} of the data.",
        "Availability: the designed-for estimate adds up failure events a year x minutes each (policy.failures: "
        "instance, AZ and region failures, failovers, updates; AWS Well-Architected availability scenarios) and "
        "decides the architecture; the SLA floor multiplies AWS SLA commitments and is the contractual minimum.",
        "Lines marked 'estimated price' come from a neighbouring region's price (see the price sources).",
    ]
