"""The plan's JSON contract, version ``SCHEMA_VERSION`` (documented in ``docs/plan-json.md``).

Stable keys; fields that do not apply to an option are ``null``, never missing;
the ``bom`` lines of an option sum to its ``monthly_usd``.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from planner.plan.model import OptionPlan, Plan
    from planner.pricing.currency import Currency
    from planner.running.uncertainty.monte_carlo import Swing, Uncertainty


SCHEMA_VERSION = "1.7"  # docs/plan-json.md

def _number_or_text(x: Any) -> Any:
    """A decision's number as JSON: a finite number, text, a flag, or null."""
    if isinstance(x, bool) or x is None or isinstance(x, str):
        return x
    return _num(x)


def _num(x: Any) -> float | None:
    if x is None:
        return None
    x = float(x)
    return None if math.isnan(x) else x


def _int(x: Any) -> int | None:
    v = _num(x)
    return None if v is None else int(round(v))


def _compute(o: OptionPlan) -> dict[str, Any]:
    r = o.row
    return {
        "instance_type": r.instance_type or None,
        "instances_min": _int(r.instances_min),
        "instances_desired": _int(r.instances_desired),
        "instances_max": _int(r.instances_max),
        "azs": _int(r.azs),
        "instance_hours_per_month": _num(r.instance_hours) if o.name != "serverless" else None,
        # the fleet's units at the baseline rate (horizontal: those running past its break-even share of the day)
        "instances_committed": _int(getattr(r, "instances_committed", None)) if o.name == "horizontal" else None,
        "commitment_break_even": _num(getattr(r, "commit_ratio", None))
        if o.name == "horizontal" and getattr(r, "commit_ratio", 1.0) < 1 else None,
        "pods_per_node": _int(getattr(r, "pods_per_node", None)) if o.name == "kubernetes" else None,
    }


def option_to_dict(plan: Plan, o: OptionPlan) -> dict[str, Any]:
    s, w = plan.sizing, plan.workload
    tier = w.policy.dr_tiers[int(o.row.dr_tier_index)]
    return {
        "name": o.name,
        "feasible": o.feasible,
        "recommended": o.recommended,
        "reasons": list(o.reasons),
        "monthly_usd": _num(o.monthly_usd),
        "annual_usd": _num(o.annual_usd),
        "availability_pct": _num(o.availability_pct),
        "availability": {
            "designed_for_pct": _num(o.availability_pct),
            "one_region_pct": _num(o.region_availability_pct),
            "sla_floor_pct": _num(o.row.sla_floor_pct),
            "dr_raised_for_availability": bool(o.row.dr_upgraded_for_availability),
        },
        "sizing": {
            "compute": _compute(o),
            "cache": {
                "node_type": s.cache_node_type if s.cache_used else None,
                "nodes": _int(s.cache_nodes) if s.cache_used else None,
                "shards": _int(s.cache_shards) if s.cache_used else None,
                "hit_ratio": _num(s.cache_hit_ratio) if s.cache_used else None,
                "share_of_hot_set": _num(s.cache_size_fraction) if s.cache_used else None,
            },
            "database": {
                "instance_class": s.db_instance_class or None,
                "engine": w.policy.database_engine,
                "engine_variant": s.db_engine_variant or None,
                "multi_az": bool(s.db_multi_az),
                "shards": _int(s.db_shards),
                "pooler": s.db_pooler or None,
                "pooler_instances_per_shard": _int(s.db_pooler_instances),
                "proxy_vcpu_per_shard": _num(s.db_proxy_vcpu),
                "read_replicas": _int(s.db_read_replicas),
                "storage_gb": _num(s.db_storage_gb),
                "volume_type": s.db_volume_type or None,
                "buffer_hit_ratio": _num(s.db_buffer_hit_ratio),
                "peak_iops": _num(s.db_peak_iops),
                "provisioned_iops": _num(s.db_provisioned_iops),
            },
            "key_value": {
                "used": bool(s.kv_used),
                "capacity_mode": s.kv_capacity_mode if s.kv_used else None,
                "monthly_usd": _num(s.kv_monthly_usd) if w.data_model == "key_value" else None,
            },
            "cdn": {
                "used": bool(s.cdn_used),
                "share_at_edge": _num(s.cdn_offload),
                "geography": s.cdn_geography if s.cdn_used else None,
            },
            "object_storage": {
                "class_cooled_into": s.object_class if s.object_class != "hot" else None,
                "standard_gb": _num(s.object_hot_gb),
                "cooled_gb": _num(s.object_cool_gb),
                "cool_after_days": _num(s.object_cool_after_days_applied),
            },
            "background_jobs": {
                "drain_rate_per_s": _num(s.drain_rate_per_s),
                "worker_vcpu": _num(s.worker_vcpu_needed),
                "workers": _int(o.row.workers),
                "worker_type": o.row.worker_type or None,
                "stream_shards": _int(s.stream_shards) if w.queue_kind == "stream" and s.async_used else None,
            } if s.async_used else None,
            "dr": {
                "tier": o.dr_tier,
                "region": s.dr_region,
                "rto_minutes": float(o.row.dr_rto_minutes),
                "rpo_minutes": tier.rpo_minutes,
            },
        },
        "bom": [
            {
                "component": b.component, "service": b.service, "sku": b.sku, "quantity": b.quantity,
                "unit": b.unit, "unit_usd": _num(b.unit_usd), "monthly_usd": _num(b.monthly_usd),
                "region": b.region, "prices_as_of": b.prices_as_of or None, "source_id": b.source_id,
                "note": b.note or None,
            }
            for b in o.bom.itertuples(index=False)
        ],
    }


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    from planner import __version__

    rec = plan.recommended
    s = plan.sizing
    return {
        "schema_version": SCHEMA_VERSION,
        "planner_version": __version__,
        "prices_as_of": plan.prices_as_of,
        "price_book": plan.price_book,
        "newest_price_as_of": plan.newest_price_as_of,
        "workload": plan.workload.model_dump(mode="json", exclude={"policy"}),
        "recommended": rec.name if rec else None,
        "billing": {
            "billed_month": 1,
            "fixed_capacity_sized_for_month": plan.workload.horizon_months,
            "fleet_max_sized_for": "horizon peak x (1 + policy.burst_headroom)",
            "statement": plan.billing,
        },
        "traffic": {
            "avg_rps": _num(s.avg_rps), "peak_rps": _num(s.peak_rps), "peak_rps_horizon": _num(s.peak_rps_horizon),
            "monthly_requests": _num(s.monthly_requests), "egress_gb_month": _num(s.egress_gb_month),
            "vcpu_needed": _num(s.vcpu_needed), "vcpu_needed_horizon": _num(s.vcpu_needed_horizon),
        },
        "options": [option_to_dict(plan, o) for o in plan.options],
        "decisions": [{"topic": d.topic, "choice": d.choice, "rationale": d.rationale, "rule": d.rule or None,
                       "numbers": {k: _number_or_text(v) for k, v in d.numbers}} for d in plan.decisions],
        "assumptions": list(plan.assumptions),
        "sources": plan.sources.to_dict(orient="records"),
        "policy": plan.workload.policy.model_dump(mode="json", by_alias=True),
        "uncertainty": uncertainty_to_dict(plan.uncertainty) if plan.uncertainty else None,
    }


def currency_to_dict(plan: Plan, cur: Currency) -> dict[str, Any]:
    """The plan's bills in a display currency, beside the USD figures the contract keeps
    (``docs/plan-json.md``, ``display_currency``)."""
    return {
        "code": cur.code, "units_per_usd": cur.units_per_usd, "rate_date": cur.rate_date, "source": cur.source,
        "options": [{"name": o.name, "monthly": _num(cur.amount(o.monthly_usd)), "annual": _num(cur.amount(
            o.annual_usd))} for o in plan.options],
    }


def uncertainty_to_dict(u: Uncertainty) -> dict[str, Any]:
    """The Monte Carlo summary (``docs/plan-json.md``, ``uncertainty``)."""
    return {
        "samples": u.samples,
        "seed": u.seed,
        "recommended": u.recommended,
        "rule": u.rule,
        "p_recommendation_holds": _num(u.p_recommendation_holds),
        "bill_p10_usd": _num(u.bill_p10_usd), "bill_p50_usd": _num(u.bill_p50_usd),
        "bill_p90_usd": _num(u.bill_p90_usd),
        "options": [{"name": o.name, "p10_usd": _num(o.p10_usd), "p50_usd": _num(o.p50_usd), "p90_usd": _num(o.p90_usd),
                     "p_feasible": o.p_feasible, "p_cheapest": o.p_cheapest} for o in u.options],
        "sensitivity": [_swing(s) for s in u.sensitivity],
        "policy_sensitivity": [_swing(s) for s in u.policy_sensitivity],
    }


def _swing(s: Swing) -> dict[str, Any]:
    return {"field": s.field, "low": s.low_value, "high": s.high_value, "low_usd": _num(s.low_usd),
            "high_usd": _num(s.high_usd), "swing_usd": _num(s.swing_usd), "rank_correlation": _num(s.rank_correlation)}
