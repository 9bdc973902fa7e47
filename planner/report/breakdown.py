"""Group bill-of-materials components into the tiers people reason about (for charts and summaries)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from planner.plan.model import Plan

GROUPS = ("compute", "database", "cache", "network", "CDN", "object storage", "background jobs", "security",
          "monitoring", "disaster recovery")

# first matching prefix wins
_PREFIXES = (
    ("DR:", "disaster recovery"),
    ("database", "database"), ("replica storage", "database"), ("key-value", "database"),
    ("cache", "cache"),
    ("load balancer", "network"), ("public IPv4", "network"), ("NAT", "network"), ("internet egress", "network"),
    ("inter-AZ", "network"),
    ("object storage", "object storage"), ("object lifecycle", "object storage"),
    ("object retrievals", "object storage"),
    ("CDN", "CDN"), ("workers", "background jobs"), ("queue", "background jobs"), ("stream", "background jobs"),
    ("WAF", "security"), ("secret", "security"), ("encryption key", "security"),
    ("metrics", "monitoring"), ("log ", "monitoring"), ("alarms", "monitoring"),
)


def component_group(component: str) -> str:
    """The tier a BOM component belongs to; anything else (instances, tasks, functions, API) is compute."""
    return next((group for prefix, group in _PREFIXES if component.startswith(prefix)), "compute")


def cost_breakdown(plan: Plan) -> pd.DataFrame:
    """Monthly USD per option and tier (options without a bill are left out)."""
    rows = [
        {"option": o.name, "group": component_group(b.component), "monthly_usd": b.monthly_usd}
        for o in plan.options for b in o.bom.itertuples(index=False)
    ]
    if not rows:
        return pd.DataFrame(columns=["option", "group", "monthly_usd"])
    df = pd.DataFrame(rows).groupby(["option", "group"], sort=False, as_index=False).monthly_usd.sum()
    return df
