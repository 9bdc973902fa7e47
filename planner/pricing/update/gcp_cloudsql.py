"""Cloud Billing Catalog API (service ``9662-B51E-5089``, Cloud SQL) -> the price book's Cloud SQL classes
(``instance_prices``), replacing the bundled estimates (storage and backups: ``gcp_service_map.csv``).

Cloud SQL Enterprise bills a custom class as vCPUs and GiB of memory at per-engine rates (``Cloud SQL for
PostgreSQL: Zonal - vCPU in <place>``, ``... - RAM ...``); a regional (HA) instance has its own, about double,
``Regional`` rates (Cloud SQL pricing page: db-custom-1-3840 zonal in us-central1: 1 x 0.0413 + 3.75 x 0.007 =
0.06755 an hour). Enterprise Plus, shared-core (micro, small) and low-cost SKUs are other products and are left
out."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from planner.pricing.schema import KINDS
from planner.pricing.update.gcp import SOURCE_ID, read_sku

CLOUD_SQL = "9662-B51E-5089"
_RATE = re.compile(r"^Cloud SQL for (?P<engine>PostgreSQL|MySQL): (?P<availability>Zonal|Regional) - "
                   r"(?P<what>vCPU|RAM) in ")
ENGINES = {"PostgreSQL": "postgresql", "MySQL": "mysql"}
DEPLOYMENTS = {"Zonal": "single-az", "Regional": "multi-az"}
WHAT = {"vCPU": "vcpu", "RAM": "ram"}


def rates(skus: Iterable[dict[str, Any]], regions: Sequence[str]) -> pd.DataFrame:
    """(engine, deployment, region) -> USD per vCPU-hour and per GiB-hour of memory."""
    wanted, rows = set(regions), []
    for sku in skus:
        desc, usage, places, usd = read_sku(sku)
        if usage != "OnDemand":
            continue
        m = _RATE.match(desc)
        if m is None:
            continue
        key = {"engine": ENGINES[m["engine"]], "deployment": DEPLOYMENTS[m["availability"]], "what": WHAT[m["what"]]}
        rows += [{**key, "region": r, "usd": usd} for r in places if r in wanted]
    frame = pd.DataFrame(rows, columns=["engine", "deployment", "what", "region", "usd"])
    return frame.pivot_table(index=["engine", "deployment", "region"], columns="what", values="usd",
                             aggfunc="min").reset_index()


def instance_rows(table: pd.DataFrame, specs: pd.DataFrame, retrieved: dt.date) -> pd.DataFrame:
    """Every custom class of ``specs`` (Cloud SQL) in each (engine, deployment, region) with both rates:
    vCPU x vCPU rate + GiB x RAM rate."""
    columns = KINDS["instance_prices"].column_names
    if not {"vcpu", "ram"} <= set(table.columns):
        return pd.DataFrame(columns=columns)
    both = table.dropna(subset=["vcpu", "ram"]).rename(columns={"vcpu": "vcpu_usd", "ram": "ram_usd"})
    custom = specs[specs.sku.str.startswith("db-custom-")][["sku", "vcpu", "memory_gib"]]
    priced = both.merge(custom, how="cross")
    priced["hourly_usd"] = (priced.vcpu * priced.vcpu_usd + priced.memory_gib * priced.ram_usd).round(6)
    priced["notes"] = [f"{v:g} x {c:g} per vCPU-hour + {g:g} GiB x {r:g} per GiB-hour"
                       for v, c, g, r in zip(priced.vcpu, priced.vcpu_usd, priced.memory_gib, priced.ram_usd)]
    return priced.assign(service="cloudsql", option="on_demand", upfront_usd=0.0, payment="", interruption="",
                         prices_as_of=retrieved.isoformat(), source_id=SOURCE_ID)[columns].sort_values(
        ["region", "sku", "engine", "deployment"]).reset_index(drop=True)
