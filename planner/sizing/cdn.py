"""A CDN in front: which requests the edge answers, what the origin still serves, and whether it pays.

With a CDN every response leaves through the edge: the edge answers
``cacheable_fraction x cdn_hit_ratio`` of requests from its caches (only reads
are cacheable), the origin serves the rest, and the origin's transfer to the
CDN replaces internet egress (free from AWS origins to CloudFront, CloudFront
pricing page). The CDN bills its own data out by edge geography in volume tiers
and its requests per 10,000.

Under ``cdn: auto`` the engine plans the workload with and without a CDN where
responses are cacheable and keeps the cheaper whole bill (:func:`planner.engine.chain.run`);
the first guess, shown beside the decision, compares the CDN's bill with what it
saves: the origin's internet egress plus the compute of the offloaded requests at
the cheapest on-demand vCPU-hour of the fleet's families in the region.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from planner.base.codes import mapped
from planner.clouds.catalog import CloudCatalog
from planner.pricing.book import PriceBook
from planner.pricing.units import HOURS_PER_MONTH
from planner.sizing.role_cost import role_cost_usd
from planner.sizing.workers import cheapest_per_vcpu
from planner.workload.policy import SizingPolicy

# the traffic columns the origin serves: scaled by the share the edge does not answer
ORIGIN_SCALED = ("avg_rps", "peak_rps", "avg_rps_horizon", "peak_rps_horizon", "monthly_requests",
                 "monthly_requests_horizon")


def plan_cdn(wf: Mapping[str, np.ndarray], tr: Mapping[str, np.ndarray], book: PriceBook, catalog: CloudCatalog,
             policy: SizingPolicy, egress_free_gb: float) -> dict[str, np.ndarray]:
    """CDN columns per scenario, and the traffic the origin serves (``ORIGIN_SCALED`` columns, ``read_fraction``
    at the origin and its internet ``egress_gb_month``), overriding the users' traffic where a CDN is used."""
    n = len(tr["avg_rps"])
    region = np.asarray(wf["region"], dtype=object)
    mode = np.asarray(wf["cdn"], dtype=object)
    offload = np.asarray(wf["cacheable_fraction"], dtype=float) * np.asarray(wf["cdn_hit_ratio"], dtype=float)
    geography = mapped(region, catalog.edge_geography)
    requests, egress_gb = tr["monthly_requests"], tr["egress_gb_month"]
    priced = catalog.price("cdn_egress") is not None
    # weighed only where a CDN is asked for or could pay (a batch of uncacheable rows skips the pricing)
    weigh = priced & ((mode == "always") | ((mode == "auto") & (offload > 0)))
    cdn_usd, egress_usd, compute_saved = np.full(n, np.nan), np.full(n, np.nan), np.zeros(n)
    if weigh.any():
        allowance = {role: book.allowance(catalog.name, *catalog.allowances[role]) if role in catalog.allowances
                     else 0.0 for role in ("cdn_egress", "cdn_requests")}
        edge = np.full(int(weigh.sum()), "global", dtype=object)
        geo = {"geography": geography[weigh]}
        cdn_usd[weigh] = (role_cost_usd(book, catalog, "cdn_egress", edge, egress_gb[weigh], geo,
                                        allowance["cdn_egress"])
                          + role_cost_usd(book, catalog, "cdn_requests", edge, requests[weigh], geo,
                                          allowance["cdn_requests"]))
        egress_usd[weigh] = role_cost_usd(book, catalog, "egress", region[weigh], egress_gb[weigh],
                                          free_units=egress_free_gb)
        vcpu_hour = cheapest_per_vcpu(book, catalog, policy).usd_per_vcpu_hour.reindex(region[weigh]).to_numpy(
            dtype=float)
        offloaded_vcpu = (tr["avg_rps"][weigh] * offload[weigh] * np.asarray(wf["cpu_ms_per_request"],
                                                                              dtype=float)[weigh] / 1000
                          / np.asarray(wf["target_cpu_utilization"], dtype=float)[weigh])
        compute_saved[weigh] = np.nan_to_num(offloaded_vcpu * vcpu_hour * HOURS_PER_MONTH)
    saved = np.nan_to_num(egress_usd) + compute_saved
    pays = np.isfinite(cdn_usd) & (cdn_usd < saved) & (offload > 0)
    # an architecture variant pins the choice (planner.engine.chain.run prices both and keeps the cheaper whole bill)
    pin = np.asarray(wf["cdn_pin"], dtype=object) if "cdn_pin" in wf else np.full(n, "", dtype=object)
    pays = np.select([pin == "on", pin == "off"], [offload > 0, False], pays)
    used = priced & ((mode == "always") | ((mode == "auto") & pays))
    share = np.where(used, offload, 0.0)
    out: dict[str, np.ndarray] = {
        "cdn_used": used, "cdn_offload": share, "cdn_geography": geography,
        "cdn_monthly_usd": cdn_usd, "cdn_egress_saved_usd": egress_usd,
        "cdn_compute_saved_usd": compute_saved, "cdn_priced": np.full(n, priced),
        "users_peak_rps": tr["peak_rps"], "edge_requests_month": np.where(used, requests, 0.0),
        "edge_egress_gb_month": np.where(used, egress_gb, 0.0),
        "egress_gb_month": np.where(used, 0.0, egress_gb),
    }
    for c in ORIGIN_SCALED:
        out[c] = tr[c] * (1 - share)
    # only reads are cacheable: the origin's mix has the same writes and fewer reads
    reads = np.asarray(wf["read_fraction"], dtype=float)
    out["read_fraction"] = np.where(share < 1, np.clip((reads - share) / np.maximum(1 - share, 1e-12), 0, 1), reads)
    return out
