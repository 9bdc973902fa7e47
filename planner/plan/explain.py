"""A plan's decisions in reading order, each with the rationale its rule wrote, and its assumptions."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from planner.base.formats import pct as _pct
from planner.clouds import catalog_for
from planner.engine.options.purchase import bought_term_years
from planner.pricing.units import HOURS_PER_MONTH
from planner.sizing.profile import profile_period
from planner.workload.model import COMMITTING
from planner.workload.policy import SizingPolicy, tier_label

if TYPE_CHECKING:
    from planner.plan.model import OptionPlan, Plan


@dataclass(frozen=True)
class Decision:
    """One decision as data: what was decided (``topic``, ``choice``), the sentence a person reads
    (``rationale``), the rule that decided it and the numbers it decided on (name, value), in that order."""

    topic: str
    choice: str
    rationale: str
    rule: str = ""
    numbers: tuple[tuple[str, object], ...] = ()


# each shared decision's rule and the sizing columns it decided on (the numbers a renderer may show; none is
# worked out again from them)
_DATABASE = "planner.sizing.database.size_database"
DECIDED_BY: dict[str, tuple[str, tuple[str, ...]]] = {
    "traffic": ("planner.sizing.traffic.traffic", ("avg_rps", "peak_rps", "users_peak_rps", "peak_rps_horizon",
                                                   "monthly_requests")),
    "CDN": ("planner.sizing.cdn.plan_cdn", ("cdn_used", "cdn_offload", "cdn_monthly_usd", "cdn_egress_saved_usd",
                                            "cdn_compute_saved_usd", "cdn_with_usd", "cdn_without_usd")),
    "compute need": ("planner.sizing.queueing", ("vcpu_needed", "vcpu_needed_horizon")),
    "availability zones": ("planner.sizing.compute.az_plan", ("azs", "survive_az_loss")),
    "object storage": ("planner.sizing.object_storage.object_lifecycle", ("object_class", "object_hot_gb",
                                                                          "object_cool_gb",
                                                                          "object_cool_after_days_applied")),
    "asynchronous work": ("planner.sizing.workers.size_workers", ("async_used", "worker_vcpu_needed")),
    "edge and secrets": ("planner.engine.options.edge", ("public",)),
    "cache": ("planner.engine.chain._cache_or_not", ("cache_used", "cache_node_type", "cache_nodes", "cache_shards",
                                                      "cache_hit_ratio", "cache_hourly_usd_with_database",
                                                      "db_hourly_usd_without_cache")),
    "data store": ("planner.sizing.keyvalue.size_key_value", ("kv_used", "kv_capacity_mode", "kv_monthly_usd")),
    "database Multi-AZ": ("planner.sizing.database.multi_az_needed", ("db_multi_az",)),
    "database class": (_DATABASE, ("db_instance_class", "db_engine_variant", "db_shards", "db_fewest_shards",
                                   "db_hourly_usd", "db_fewest_hourly_usd", "db_primary_vcpu_needed",
                                   "db_connections_needed", "db_pooler", "db_pooler_hourly_usd",
                                   "db_pooler_other_hourly_usd")),
    "read replicas": (_DATABASE, ("db_read_replicas", "db_read_vcpu", "db_write_vcpu")),
    "database storage": (_DATABASE, ("db_storage_gb", "db_volume_type", "db_peak_iops", "db_provisioned_iops",
                                     "db_buffer_hit_ratio", "db_restore_gb")),
    "disaster recovery": ("planner.sizing.dr.dr_tier_index", ("dr_tier_index", "db_restore_gb")),
}
# an option's decisions: the rule that sized it and the option columns it decided on
_OPTION_NUMBERS = ("monthly_usd", "feasible", "instance_type", "instances_min", "instances_desired",
                   "instances_max", "dr_tier")
_AVAILABILITY_NUMBERS = ("availability_pct", "region_availability_pct", "sla_floor_pct", "dr_tier",
                         "dr_upgraded_for_availability")


def _as_data(d: Decision, plan: Plan) -> Decision:
    """``d`` with the rule that decided it and the numbers it decided on."""
    s = plan.sizing
    if d.topic in DECIDED_BY:
        rule, columns = DECIDED_BY[d.topic]
        return replace(d, rule=rule, numbers=tuple((c, _plain(s.get(c))) for c in columns if c in s.index))
    rec = plan.recommended
    if d.topic.startswith("option: "):
        name = d.topic.removeprefix("option: ")
        o = plan.option(name)
        return replace(d, rule=f"planner.engine.options ({name})",
                       numbers=tuple((c, _plain(getattr(o.row, c, None))) for c in _OPTION_NUMBERS))
    if d.topic == "availability estimate" and rec is not None:
        return replace(d, rule="planner.sizing.availability", numbers=tuple(
            (c, _plain(getattr(rec.row, c, None))) for c in _AVAILABILITY_NUMBERS))
    if d.topic == "purchase" and rec is not None:
        return replace(d, rule="planner.engine.options.purchase", numbers=tuple(
            (c, _plain(getattr(rec.row, c, None))) for c in ("commit_ratio", "instances_committed", "monthly_usd")))
    if d.topic == "recommendation":
        return replace(d, rule="planner.engine.chain._recommend",
                       numbers=tuple((f"{o.name}_monthly_usd", _plain(o.monthly_usd if o.feasible else None))
                                     for o in plan.options))
    return d


def _plain(value: object) -> object:
    """A number, text or flag as plain Python (NaN as None)."""
    if value is None:
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and value != value:
        return None
    return value


def decisions(plan: Plan) -> list[Decision]:
    """The plan's decisions in reading order, each with its rationale (written from the numbers that decided it
    by :mod:`planner.plan.rationale`, or for an option's availability and sizing by
    :mod:`planner.engine.rationale`), here only put in order."""
    w, s = plan.workload, plan.sizing
    out = [
        Decision("traffic", f"{s.peak_rps:,.0f} req/s peak, {s.monthly_requests / 1e6:,.1f}M requests/month"
                 + (f" at the origin ({s.users_peak_rps:,.0f} req/s at the edge)" if s.cdn_used else ""),
                 s.traffic_why),
        Decision("compute need", f"{s.vcpu_needed:,.0f} vCPU now, {s.vcpu_needed_horizon:,.0f} at the horizon",
                 s.compute_why),
        Decision("availability zones", f"{int(s.azs)} AZs", s.azs_why),
    ]
    out.insert(1, _cdn(plan))
    out += _periphery(plan)
    out += [_option(o, plan.workload.cloud) for o in plan.options]
    out += [_cache(plan), *_data_store(plan), _dr(plan)]
    rec = plan.recommended
    if rec is not None:
        out.append(_availability(rec))
        out.append(Decision("purchase", w.purchase_option, _purchase(plan, rec)))
        cheaper = [o for o in plan.options if o is not rec and o.monthly_usd < rec.monthly_usd]
        why = f"cheapest option meeting every target at ${rec.monthly_usd:,.0f}/month"
        if cheaper:
            why += "; cheaper but rejected: " + "; ".join(f"{o.name} ({o.reasons[0]})" for o in cheaper)
        out.append(Decision("recommendation", rec.name, why))
    else:
        out.append(Decision("recommendation", "none", "no option meets every target: " + _nearest(plan) + "; ".join(
            f"{o.name}: {o.reasons[0]}" for o in plan.options)))
    return [_as_data(d, plan) for d in out]


def _nearest(plan: Plan) -> str:
    """The option closest to a plan (:attr:`Plan.nearest`) and all it misses."""
    o = plan.nearest
    if o is None:
        return ""
    return (f"the nearest is {o.name} at ${o.monthly_usd:,.0f}/month, which misses only: {'; '.join(o.reasons)}. "
            "Every option: ")


def _cdn(plan: Plan) -> Decision:
    s, cat = plan.sizing, catalog_for(plan.workload.cloud)
    if not s.cdn_used:
        return Decision("CDN", "none", s.cdn_why)
    return Decision("CDN", f"{cat.product('cdn')}: {s.cdn_offload:.0%} of requests answered at the edge", s.cdn_why)


def _periphery(plan: Plan) -> list[Decision]:
    """Object storage classes, asynchronous work and the edge's security, where the workload has them."""
    w, s, cat = plan.workload, plan.sizing, catalog_for(plan.workload.cloud)
    out = []
    if w.object_storage_gb > 0:
        cooled = (f", {s.object_cool_gb:,.0f} GB {cat.object_classes[s.object_class].label} after "
                  f"{s.object_cool_after_days_applied:g} days" if s.object_class != "hot" else "")
        out.append(Decision("object storage", f"{s.object_hot_gb:,.0f} GB standard{cooled}", s.objects_why))
    if s.async_used:
        carrier = cat.product("stream") if w.queue_kind == "stream" else f"{cat.product('queue')} {w.queue_kind}"
        rec = plan.recommended
        workers = (f"; {rec.row.workers:,.0f} x {rec.row.worker_type} at the peak ({rec.name})"
                   if rec is not None and rec.row.workers > 0 else "")
        out.append(Decision("asynchronous work", f"{carrier}, {s.worker_vcpu_needed:,.0f} vCPU of workers{workers}",
                            s.async_why))
    edge = f"{cat.product('waf')} web ACL + {w.policy.waf_rules} rules" if w.public else "no WAF"
    out.append(Decision("edge and secrets", f"{edge}; {w.policy.secrets} secrets, {w.policy.kms_keys} key(s)",
                        s.edge_why))
    return out


def _option(o: OptionPlan, cloud: str) -> Decision:
    r = o.row
    group = catalog_for(cloud).product("fleet_short")
    if not o.feasible:
        return Decision(f"option: {o.name}", "rejected", "; ".join(o.reasons))
    choice = {
        "vertical": f"{r.instance_type}{' x 2 (active/standby)' if r.instances_desired > 1 else ''}",
        "horizontal": f"{group} of {r.instance_type}: min {r.instances_min:.0f} / desired {r.instances_desired:.0f} "
                      f"/ max {r.instances_max:.0f}",
        "containers": f"{r.instance_type}: min {r.instances_min:.0f} / desired {r.instances_desired:.0f} / "
                      f"max {r.instances_max:.0f} tasks",
        "kubernetes": f"{catalog_for(cloud).product('kubernetes')} {catalog_for(cloud).product('node_group')} of "
                      f"{r.instance_type} ({r.pods_per_node:.0f} pods each): min {r.instances_min:.0f} / desired "
                      f"{r.instances_desired:.0f} / max {r.instances_max:.0f} nodes",
        "serverless": f"{r.instance_type}, peak concurrency {r.instances_max:,.0f} at the horizon",
    }[o.name]
    return Decision(f"option: {o.name}", choice, r.option_why)


def _cache(plan: Plan) -> Decision:
    s = plan.sizing
    if not s.cache_used:
        return Decision("cache", "none", s.cache_why)
    replicas = " + 1 replica each (Multi-AZ)" if s.cache_multi_az else ""
    return Decision("cache", f"{s.cache_node_type} x {s.cache_nodes:.0f} ({s.cache_shards:.0f} shard(s){replicas})",
                    s.cache_why)


def _data_store(plan: Plan) -> list[Decision]:
    """The relational database's decisions, or the key-value store that replaces it; the weighing of the two
    wherever the workload's data is key-value."""
    s, w, cat = plan.sizing, plan.workload, catalog_for(plan.workload.cloud)
    if w.data_model != "key_value":
        return _database(plan)
    if s.kv_used:
        return [Decision("data store", f"{cat.product('key_value')} ({s.kv_capacity_mode.replace('_', ' ')})",
                         s.kv_why),
                Decision("database Multi-AZ", "yes", s.db_multi_az_why)]
    return [Decision("data store", "relational", s.kv_why), *_database(plan)]


def _database(plan: Plan) -> list[Decision]:
    s, p, cat = plan.sizing, plan.workload.policy, catalog_for(plan.workload.cloud)
    variants = {d.name: d.short for d in cat.databases}
    engine = f"{variants.get(s.db_engine_variant, '')} {p.database_engine}".strip()
    per_shard = " per shard" if s.db_shards > 1 else ""
    return [
        Decision("database Multi-AZ", "yes" if s.db_multi_az else "no", s.db_multi_az_why),
        Decision("database class", f"{s.db_instance_class or 'none fits'} ({engine})"
                 + (f" x {s.db_shards:,.0f} shards" if s.db_shards > 1 else "")
                 + {"builtin": ", pooled", "pgbouncer": f", {s.db_pooler_instances:,.0f} PgBouncer{per_shard}",
                    "proxy": f", {cat.database_proxy}{per_shard}"}.get(s.db_pooler, ""), s.db_class_why),
        Decision("read replicas", f"{s.db_read_replicas:.0f}", s.db_replicas_why),
        Decision("database storage", f"{s.db_storage_gb:,.0f} GB {s.db_volume_type}"
                 + (f" a shard ({s.db_storage_gb * s.db_shards:,.0f} GB in all)" if s.db_shards > 1 else ""),
                 s.db_storage_why),
    ]


def _dr(plan: Plan) -> Decision:
    s, p = plan.sizing, plan.workload.policy
    tier = p.dr_tiers[int(s.dr_tier_index)]
    rec = plan.recommended
    why = s.dr_why
    if rec is not None and rec.dr_tier != tier.name:
        why += (f"; raised to {tier_label(rec.dr_tier)} for {rec.name} to reach the availability target (see "
                "availability)")
    return Decision("disaster recovery", f"{tier_label(rec.dr_tier if rec else tier.name)} in {s.dr_region}", why)


def _availability(o: OptionPlan) -> Decision:
    return Decision("availability estimate", f"{_pct(o.availability_pct)} designed-for, "
                                             f"{_pct(o.row.sla_floor_pct)} SLA floor", o.row.availability_why)


def _purchase(plan: Plan, rec: OptionPlan) -> str:
    """What the purchase option buys; on a fleet whose baseline rate is below the burst rate (a commitment, or
    Google's full-month sustained-use rate), how many instances take it and what that saves; and what a
    commitment longer than the horizon leaves owing."""
    w = plan.workload
    cat = catalog_for(w.cloud)
    note = cat.purchase_notes[w.purchase_option]
    r = rec.row
    ratio = getattr(r, "commit_ratio", 1.0)
    # the bill's lines only where a fleet is part-committed (building them costs a plan a millisecond)
    fleet_lines = (rec.bom[rec.bom.component.isin(["compute (baseline)", "compute (autoscaled)"])]
                   if rec.name == "horizontal" and ratio < 1 else ())
    if len(fleet_lines):
        committed_usd = float(fleet_lines.unit_usd.iloc[0])  # the baseline line: the commitment's rate
        on_demand_usd = committed_usd / ratio  # ratio = committed rate / the on-demand burst rate
        how = "committed" if w.purchase_option in COMMITTING else "at the full-month rate"
        note = (f"{r.instances_committed:.0f} of up to {r.instances_desired:.0f} fleet instances {how} (those "
                f"running at least {ratio:.0%} of the {profile_period(len(w.policy.diurnal_profile))}, the "
                f"break-even of ${committed_usd:.4g} an hour vs ${on_demand_usd:.4g} on demand): fleet compute "
                f"${fleet_lines.monthly_usd.sum():,.0f} vs "
                f"${r.instance_hours * on_demand_usd:,.0f} all on demand. {note[:1].upper()}{note[1:]}")
    term = bought_term_years(w.purchase_option, w.horizon_months, cat)
    if term and 12 * term > w.horizon_months:  # a savings option's own term (optimise's never is)
        note += (f". The {term}-year commitment runs {12 * term - w.horizon_months} months past the "
                 f"{w.horizon_months}-month horizon: its committed hours (fleet, database, cache) bill until the "
                 "term ends; purchase_option optimise never commits past the horizon")
    return note


def billing_month(plan: Plan) -> str:
    """Which month the monthly figure bills: said the same way in every output."""
    w = plan.workload
    where = " at the origin" if plan.sizing.cdn_used else ""
    return (f"The monthly figure bills the first month at today's traffic "
            f"({plan.sizing.peak_rps:,.0f} req/s peak{where}): "
            "usage and autoscaled capacity at today's load, fixed capacity (database, cache, storage, a single "
            "instance) as "
            f"provisioned for month {w.horizon_months}, the end of the horizon "
            f"({plan.sizing.peak_rps_horizon:,.0f} req/s peak{where}, {plan.sizing.data_size_gb_horizon:,.0f} GB); the "
            f"fleet maximum is the horizon peak plus {w.policy.burst_headroom:.0%} headroom. The Growth page "
            "counts months from today, so this figure is its month 0.")


def _load_curve(policy: SizingPolicy) -> str:
    """What autoscaled capacity follows: the default business day, or the workload's own day or week (a fitted
    one, ``planner fit``)."""
    profile = policy.diurnal_profile
    if profile == SizingPolicy.model_fields["diurnal_profile"].default:
        return "Autoscaled capacity follows a typical business-day load curve (policy.diurnal_profile)"
    return (f"Autoscaled capacity follows the workload's own load curve over the {len(profile)} hours of a "
            f"{profile_period(len(profile))} (policy.diurnal_profile)")


def assumptions(plan: Plan) -> list[str]:
    w, p = plan.workload, plan.workload.policy
    cat = catalog_for(w.cloud)
    return [
        f"{HOURS_PER_MONTH} hours a month; prices are public list prices in USD, without tax or support plans.",
        billing_month(plan),
        _load_curve(p) + "; intra-hour bursts up to the peak-to-average ratio are absorbed by the hourly capacity.",
        f"Each request uses {w.cpu_ms_per_request:g} ms of one vCPU; the database spends {p.db_cpu_ms_per_read:g} ms "
        f"per read and {p.db_cpu_ms_per_write:g} ms per write; {p.backend_kb_per_request:g} KB move between app and "
        f"data tiers and {p.outbound_kb_per_request:g} KB leave through NAT per request.",
        f"Scalability within one machine follows the USL with sigma {p.usl_sigma:g}, kappa {p.usl_kappa:g}.",
        f"{p.hot_read_share:.0%} of reads touch the hot {w.hot_data_fraction:.0%} of the data.",
        "Availability: the designed-for estimate adds up failure events a year x minutes each (policy.failures: "
        "instance, AZ and region failures, failovers, updates; AWS Well-Architected availability scenarios) and "
        f"decides the architecture; the SLA floor multiplies {cat.label}'s SLA commitments (as published in "
        f"{cat.sla_as_of}) and is the contractual minimum.",
        "Lines marked 'estimated price' come from a neighbouring region's price (see the price sources).",
        *cat.notes,
    ]
