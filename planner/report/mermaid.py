"""A Mermaid flowchart of an option's architecture (renders on GitHub and most wikis)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from planner.plan import OptionPlan, Plan


def _q(text: str) -> str:
    return '"' + text.replace('"', "'") + '"'


def mermaid(plan: Plan, o: OptionPlan) -> str:
    s, w, r = plan.sizing, plan.workload, o.row
    lines = ["flowchart LR", f"  users([Users]) -->|{s.peak_rps:,.0f} req/s peak| front"]
    if r.front == "alb":
        lines.append(f"  front[{_q('Application Load Balancer')}]")
    elif r.front == "api_gateway":
        lines.append(f"  front[{_q('API Gateway HTTP API')}]")
    else:
        lines.append(f"  front[{_q('public IPv4 address')}]")
    if o.name == "serverless":
        compute = f"Lambda<br/>{r.instance_type}<br/>concurrency up to {r.instances_max:,.0f}"
    elif o.name == "vertical":
        pair = " x 2 (active/standby)" if r.instances_desired > 1 else ""
        compute = f"EC2 {r.instance_type}{pair}"
    else:
        kind = "ECS Fargate" if o.name == "containers" else "Auto Scaling group"
        compute = (f"{kind}<br/>{r.instance_type}<br/>{r.instances_min:.0f} / {r.instances_desired:.0f} / "
                   f"{r.instances_max:.0f} across {r.azs:.0f} AZs")
    lines += [f"  front --> app[{_q(compute)}]"]
    if s.cache_used:
        maz = ", Multi-AZ" if s.cache_multi_az else ""
        lines.append(f"  app --> cache[({_q(f'ElastiCache {w.policy.cache_engine}<br/>{s.cache_node_type} x {s.cache_nodes:.0f}{maz}')})]")
    engine = "RDS" if s.db_engine_variant == "rds" else s.db_engine_variant.replace("aurora-", "Aurora ")
    db = (f"{engine} {w.policy.database_engine}<br/>{s.db_instance_class}{' Multi-AZ' if s.db_multi_az else ''}"
          f"<br/>{s.db_storage_gb:,.0f} GB {s.db_volume_type}")
    if s.db_read_replicas > 0:
        db += f"<br/>+ {s.db_read_replicas:.0f} read replica(s)"
    lines.append(f"  app --> db[({_q(db)})]")
    if o.row.front != "public_ip":
        lines.append(f"  app --> nat[{_q('NAT gateways')}] --> internet((Internet))")
    lines.append(f"  db -. {_q(o.dr_tier.replace('_', ' '))} .-> dr[{_q(f'DR region {s.dr_region}')}]")
    return "\n".join(lines)
