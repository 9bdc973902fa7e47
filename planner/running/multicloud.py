"""One workload planned on several clouds, each in its nearest equivalent region, side by side."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from planner.base.errors import PlannerError
from planner.clouds import catalog_for, catalogs
from planner.clouds.regions import equivalent_region
from planner.plan.model import OPTION_ORDER, Plan, make_plan
from planner.pricing.book import PriceBook, default_book
from planner.workload.model import Workload
from planner.workload.policy import SizingPolicy

# policy fields whose defaults differ by cloud: a value set for one cloud's names does not carry to another
CLOUD_SPECIFIC_POLICY = frozenset({"availability", "dr_regions"}).union(
    *(c.policy_defaults for c in catalogs().values()))


def parse_clouds(text: str) -> list[str]:
    """``aws,gcp,azure`` as a list of known clouds (unknown names raise with close matches; no repeats)."""
    clouds = [c.strip().lower() for c in text.split(",") if c.strip()]
    if not clouds:
        raise PlannerError("--clouds needs at least one cloud, e.g. aws,gcp,azure")
    for c in clouds:
        catalog_for(c)
    return list(dict.fromkeys(clouds))


def parse_region_overrides(items: Sequence[str]) -> dict[str, str]:
    """``["gcp=us-central1", ...]`` as {cloud: region}; a malformed item or unknown cloud raises."""
    out = {}
    for item in items:
        cloud, sep, region = item.partition("=")
        if not sep or not cloud.strip() or not region.strip():
            raise PlannerError(f"--cloud-region '{item}': expected CLOUD=REGION, e.g. gcp=us-central1")
        catalog_for(cloud.strip())
        out[cloud.strip()] = region.strip()
    return out


def retarget(workload: Workload, cloud: str, region: str) -> Workload:
    """The workload on ``cloud`` in ``region``. Policy fields that name one cloud's things (families, node types,
    SLAs, DR pairs) go back to the target cloud's defaults when the cloud changes; the rest carry over."""
    if cloud == workload.cloud:
        return workload.model_copy(update={"region": region})
    policy = workload.policy
    kept = policy.model_fields_set - CLOUD_SPECIFIC_POLICY
    fresh = SizingPolicy.model_validate(policy.model_dump(include=kept, by_alias=True))
    return workload.model_copy(update={"cloud": cloud, "region": region, "policy": fresh})


def plans_across_clouds(workload: Workload, clouds: Sequence[str], overrides: Mapping[str, str] | None = None,
                        books: Callable[[str], PriceBook] = default_book) -> list[Plan]:
    """The workload planned on each cloud, in the region equivalent to its own (``overrides``: cloud -> region)."""
    out = []
    for cloud in clouds:
        region = equivalent_region(workload.cloud, workload.region, cloud, overrides)
        out.append(make_plan(retarget(workload, cloud, region), books(cloud)))
    return out


def clouds_table(plans: Sequence[Plan]) -> pd.DataFrame:
    """One row per cloud: region, the recommended option and its bill, availability and DR tier, how far above
    the cheapest it is, each option's monthly bill, and how many of the recommended bill's lines carry
    estimated prices. ``cheapest`` marks the cheapest recommended bill."""
    rows = []
    for p in plans:
        rec = p.recommended
        estimated = int(np.char.startswith(rec.bom.source_id.to_numpy().astype(str), "estimate").sum()) if rec else 0
        row = {"cloud": p.workload.cloud, "region": p.workload.region,
               "recommended": rec.name if rec else None,
               "monthly_usd": rec.monthly_usd if rec else np.nan, "annual_usd": rec.annual_usd if rec else np.nan,
               "availability_pct": rec.availability_pct if rec else np.nan, "dr_tier": rec.dr_tier if rec else None,
               "estimated_lines": estimated, "prices_as_of": p.prices_as_of}
        for name in OPTION_ORDER:
            o = p.option(name)
            row[f"{name}_usd"] = o.monthly_usd if o.feasible else np.nan
        rows.append(row)
    table = pd.DataFrame(rows)
    best = table.monthly_usd.min()
    table.insert(5, "vs_cheapest_pct", (table.monthly_usd / best - 1) * 100)
    table.insert(2, "cheapest", table.monthly_usd.eq(best) & table.monthly_usd.notna())
    return table
