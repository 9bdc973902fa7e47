"""A key-value store (DynamoDB) for data read and written by key, priced both ways and weighed against the
relational database.

Unit sizes (DynamoDB developer guide, "Read/write capacity mode"): a read unit
reads an item of up to 4 KB strongly consistent, or two eventually consistent;
a write unit writes up to 1 KB. Reads = peak x read_fraction, writes = peak x
(1 - read_fraction), as the relational rules count them.

- On demand: read and write request units a month at their list prices.
- Provisioned: capacity units tracking the load hour by hour at
  ``policy.kv_target_utilization`` (Application Auto Scaling's target tracking,
  default 70 %), at least one unit, billed per unit-hour.

Storage: today's data, after the free 25 GB; point-in-time recovery (continuous
backups, the RPO of minutes) on all of it. The cheaper capacity mode is kept;
the store replaces the relational database (and its cache) where the whole
bill is lower. For disaster recovery a global table replica in the DR region
replicates every write (replicated write units) and stores the data again.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from planner.clouds.catalog import CloudCatalog
from planner.pricing.book import PriceBook
from planner.pricing.units import HOURS_PER_MONTH
from planner.sizing.role_cost import role_cost_usd
from planner.workload.policy import SizingPolicy

READ_UNIT_KB = 4.0
WRITE_UNIT_KB = 1.0


def units_per_request(item_kb: float, eventually_consistent: bool) -> tuple[float, float]:
    """(read units per read, write units per write) for items of ``item_kb``."""
    read = np.ceil(item_kb / READ_UNIT_KB) * (0.5 if eventually_consistent else 1.0)
    return float(read), float(np.ceil(item_kb / WRITE_UNIT_KB))


def capacity_unit_hours(peak_per_s: np.ndarray, hourly_fraction: np.ndarray, target: float) -> np.ndarray:
    """Provisioned capacity-unit-hours a month: each hour of the load profile (a day's or a week's) that hour's
    load / target utilisation, rounded up, at least one unit; their mean x 730."""
    per_hour = np.maximum(np.ceil(peak_per_s[:, None] * hourly_fraction / target - 1e-9), 1.0)
    return per_hour.mean(axis=1) * HOURS_PER_MONTH


def size_key_value(cols: Mapping[str, np.ndarray], hourly_fraction: np.ndarray, relational_monthly_usd: np.ndarray,
                   book: PriceBook, catalog: CloudCatalog, policy: SizingPolicy) -> dict[str, np.ndarray]:
    """Per scenario: request and capacity units, the bill of each capacity mode, the mode kept and whether the
    store replaces the relational database (``kv_used``)."""
    n = len(relational_monthly_usd)
    region = np.asarray(cols["region"], dtype=object)
    asked = np.asarray(cols["data_model"], dtype=object) == "key_value"
    rf = np.asarray(cols["read_fraction"], dtype=float)
    read_units, write_units = units_per_request(policy.kv_item_kb, policy.kv_eventually_consistent)
    month_s = 3600 * HOURS_PER_MONTH
    rru = cols["avg_rps"] * rf * month_s * read_units
    wru = cols["avg_rps"] * (1 - rf) * month_s * write_units
    rcu_hours = capacity_unit_hours(cols["peak_rps"] * rf * read_units, hourly_fraction, policy.kv_target_utilization)
    wcu_hours = capacity_unit_hours(cols["peak_rps"] * (1 - rf) * write_units, hourly_fraction,
                                    policy.kv_target_utilization)
    storage_gb = np.asarray(cols["data_size_gb"], dtype=float)
    priced = catalog.price("kv_read_requests") is not None
    on_demand = provisioned = rest = np.full(n, np.inf)
    if priced and asked.any():
        def cost(role: str, quantity: np.ndarray, free: float = 0.0) -> np.ndarray:
            out = np.full(n, np.inf)
            out[asked] = role_cost_usd(book, catalog, role, region[asked], quantity[asked], free_units=free)
            return out

        free_gb = book.allowance(catalog.name, *catalog.allowances["kv_storage"]) if "kv_storage" in \
            catalog.allowances else 0.0
        on_demand = cost("kv_read_requests", rru) + cost("kv_write_requests", wru)
        provisioned = cost("kv_read_capacity", rcu_hours) + cost("kv_write_capacity", wcu_hours)
        rest = cost("kv_storage", storage_gb, free_gb) + cost("kv_backup", storage_gb)
    mode = np.where(provisioned < on_demand, "provisioned", "on_demand")
    total = np.minimum(on_demand, provisioned) + rest
    used = asked & np.isfinite(total) & (total < relational_monthly_usd)
    return {
        "kv_priced": np.full(n, priced), "kv_used": used, "kv_capacity_mode": np.where(asked, mode, ""),
        "kv_read_units_month": rru, "kv_write_units_month": wru, "kv_rcu_hours": rcu_hours, "kv_wcu_hours": wcu_hours,
        "kv_on_demand_usd": on_demand, "kv_provisioned_usd": provisioned, "kv_monthly_usd": total,
        "kv_storage_gb": storage_gb, "relational_monthly_usd": relational_monthly_usd,
    }
