"""A Mermaid flowchart of an option's architecture (renders on GitHub and most wikis).

Every label is built by :func:`_q` from its lines, each passed through :func:`planner.report.escaping.mermaid_text`:
no name, engine, tier or region can end a label, add a statement or close the Markdown fence around the block.
Node ids, arrows and edge labels are the program's own literals and numbers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from planner.clouds import catalog_for
from planner.report.escaping import mermaid_text
from planner.workload.policy import tier_label

if TYPE_CHECKING:
    from planner.plan.model import OptionPlan, Plan


def _q(*lines: str) -> str:
    """A quoted label of these lines (a line break between each), every line escaped."""
    return '"' + "<br/>".join(mermaid_text(line) for line in lines) + '"'


def mermaid(plan: Plan, o: OptionPlan) -> str:
    s, w, r = plan.sizing, plan.workload, o.row
    cat = catalog_for(w.cloud)
    lines = ["flowchart LR"]
    if s.cdn_used:
        waf = [f"+ {cat.product('waf')}"] if w.public else []
        edge = _q(cat.product("cdn"), *waf, f"{s.cdn_offload:.0%} answered at the edge")
        lines += [f"  users([Users]) -->|{s.users_peak_rps:,.0f} req/s peak| cdn", f"  cdn[{edge}]",
                  f"  cdn -->|{s.peak_rps:,.0f} req/s| front"]
    else:
        lines.append(f"  users([Users]) -->|{s.peak_rps:,.0f} req/s peak| front")
    front = {"alb": "load_balancer", "api_gateway": "api_gateway"}.get(r.front, "public_ip")
    guard = [f"+ {cat.product('waf')}"] if w.public and not s.cdn_used else []
    lines.append(f"  front[{_q(cat.product(front), *guard)}]")
    if o.name == "serverless":
        compute = [cat.product("function"), r.instance_type, f"concurrency up to {r.instances_max:,.0f}"]
    elif o.name == "vertical":
        pair = " x 2 (active/standby)" if r.instances_desired > 1 else ""
        compute = [f"{cat.product('vm')} {r.instance_type}{pair}"]
    elif o.name == "kubernetes":
        compute = [f"{cat.product('kubernetes')} {cat.product('node_group')}",
                   f"{r.instance_type} x {r.pods_per_node:.0f} pods",
                   f"{r.instances_min:.0f} / {r.instances_desired:.0f} / {r.instances_max:.0f} nodes across "
                   f"{r.azs:.0f} AZs"]
    else:
        kind = cat.product("containers" if o.name == "containers" else "fleet")
        compute = [kind, r.instance_type,
                   f"{r.instances_min:.0f} / {r.instances_desired:.0f} / {r.instances_max:.0f} across {r.azs:.0f} AZs"]
    lines += [f"  front --> app[{_q(*compute)}]"]
    if s.cache_used:
        maz = ", Multi-AZ" if s.cache_multi_az else ""
        cache = _q(f"{cat.product('cache')} {w.policy.cache_engine}", f"{s.cache_node_type} x {s.cache_nodes:.0f}{maz}")
        lines.append(f"  app --> cache[({cache})]")
    engine = {d.name: d.short for d in cat.databases}.get(s.db_engine_variant, "")
    if s.kv_used:
        db = [f"{cat.product('key_value')} ({s.kv_capacity_mode.replace('_', ' ')})",
              f"{s.kv_storage_gb:,.0f} GB, three AZs"]
    else:
        shards = f"{s.db_shards:,.0f} shards of " if s.db_shards > 1 else ""
        db = [f"{engine} {w.policy.database_engine}", f"{shards}{s.db_instance_class}"
              f"{' Multi-AZ' if s.db_multi_az else ''}", f"{s.db_storage_gb:,.0f} GB {s.db_volume_type}"]
        if s.db_read_replicas > 0:
            db.append(f"+ {s.db_read_replicas:.0f} read replica(s)")
    lines.append(f"  app --> db[({_q(*db)})]")
    if w.object_storage_gb > 0:
        classes = ([f"{s.object_cool_gb:,.0f} GB {cat.object_classes[s.object_class].label}"]
                   if s.object_class != "hot" else [])
        store = _q(cat.product("object_storage"), f"{s.object_hot_gb:,.0f} GB standard", *classes)
        lines.append(f"  app --> objects[({store})]")
    if s.async_used:
        carrier = cat.product("stream") if w.queue_kind == "stream" else f"{cat.product('queue')} {w.queue_kind}"
        workers = f"{r.workers:,.0f} x {r.worker_type}" if r.workers > 0 else "workers"
        lines += [f"  app --> queue[{_q(carrier)}]", f"  queue --> workers[{_q('workers', workers)}]"]
    if o.row.front != "public_ip":
        lines.append(f"  app --> nat[{_q(cat.product('nat'))}] --> internet((Internet))")
    lines.append(f"  db -. {_q(tier_label(o.dr_tier))} .-> dr[{_q(f'DR region {s.dr_region}')}]")
    return "\n".join(lines)
