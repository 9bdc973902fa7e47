"""Cloud Billing Catalog API (service ``9662-B51E-5089``, Cloud SQL) -> the price book's Cloud SQL classes
(``instance_prices``) and storage and backup prices (``service_prices``), replacing the bundled estimates.

Cloud SQL Enterprise bills a custom class as vCPUs and GiB of memory at per-engine rates (``Cloud SQL for
PostgreSQL: Zonal - vCPU in <place>``, ``... - RAM ...``, ``... - Standard storage ...``); a regional (HA)
instance has its own, about double, ``Regional`` rates (Cloud SQL pricing page: db-custom-1-3840 zonal in
us-central1: 1 x 0.0413 + 3.75 x 0.007 = 0.06755 an hour). Backups: ``Cloud SQL: Backups in <place>``. Enterprise
Plus, shared-core (micro, small) and low-cost SKUs are other products and are left out."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from planner.pricing.update.gcp import SOURCE_ID, read_sku

CLOUD_SQL = "9662-B51E-5089"
_RATE = re.compile(r"^Cloud SQL for (?P<engine>PostgreSQL|MySQL): (?P<availability>Zonal|Regional) - "
                   r"(?P<what>vCPU|RAM|Standard storage) in ")
_BACKUP = re.compile(r"^Cloud SQL: Backups in ")
ENGINES = {"PostgreSQL": "postgresql", "MySQL": "mysql"}
DEPLOYMENTS = {"Zonal": "single-az", "Regional": "multi-az"}
WHAT = {"vCPU": "vcpu", "RAM": "ram", "Standard storage": "storage"}


def rates(skus: Iterable[dict[str, Any]], regions: Sequence[str]) -> pd.DataFrame:
    """(engine, deployment, region) -> USD per vCPU-hour, GiB-hour and GiB-month of storage; backups as engine
    and deployment ``any``."""
    wanted, rows = set(regions), []
    for sku in skus:
        desc, usage, places, usd = read_sku(sku)
        if usage != "OnDemand":
            continue
        m = _RATE.match(desc)
        if m:
            key = {"engine": ENGINES[m["engine"]], "deployment": DEPLOYMENTS[m["availability"]],
                   "what": WHAT[m["what"]]}
        elif _BACKUP.match(desc):
            key = {"engine": "any", "deployment": "any", "what": "backup"}
        else:
            continue
        rows += [{**key, "region": r, "usd": usd} for r in places if r in wanted]
    frame = pd.DataFrame(rows, columns=["engine", "deployment", "what", "region", "usd"])
    return frame.pivot_table(index=["engine", "deployment", "region"], columns="what", values="usd",
                             aggfunc="min").reset_index()


def instance_rows(table: pd.DataFrame, specs: pd.DataFrame, retrieved: dt.date) -> pd.DataFrame:
    """Every custom class of ``specs`` (Cloud SQL) in each (engine, deployment, region) with both rates:
    vCPU x vCPU rate + GiB x RAM rate."""
    columns = ["region", "service", "sku", "engine", "deployment", "option", "hourly_usd", "upfront_usd", "payment",
               "interruption", "prices_as_of", "source_id", "notes"]
    if not {"vcpu", "ram"} <= set(table.columns):
        return pd.DataFrame(columns=columns)
    both = table.dropna(subset=["vcpu", "ram"]).rename(columns={"vcpu": "vcpu_usd", "ram": "ram_usd"})
    both = both[both.engine != "any"]
    custom = specs[specs.sku.str.startswith("db-custom-")][["sku", "vcpu", "memory_gib"]]
    priced = both.merge(custom, how="cross")
    priced["hourly_usd"] = (priced.vcpu * priced.vcpu_usd + priced.memory_gib * priced.ram_usd).round(6)
    priced["notes"] = [f"{v:g} x {c:g} per vCPU-hour + {g:g} GiB x {r:g} per GiB-hour"
                       for v, c, g, r in zip(priced.vcpu, priced.vcpu_usd, priced.memory_gib, priced.ram_usd)]
    return priced.assign(service="cloudsql", option="on_demand", upfront_usd=0.0, payment="", interruption="",
                         prices_as_of=retrieved.isoformat(), source_id=SOURCE_ID)[columns].sort_values(
        ["region", "sku", "engine", "deployment"]).reset_index(drop=True)


def service_rows(table: pd.DataFrame, retrieved: dt.date) -> pd.DataFrame:
    """Storage per deployment (the book's ``cloudsql/<deployment>/ssd``, one price for both engines: the
    PostgreSQL rate) and backups (``cloudsql/any/backup``)."""
    rows = []
    for r in table.itertuples(index=False):
        if r.engine == "postgresql" and pd.notna(getattr(r, "storage", float("nan"))):
            rows.append(("storage", f"cloudsql/{r.deployment}/ssd", r.region, r.storage,
                         f"Cloud SQL for PostgreSQL: {'Zonal' if r.deployment == 'single-az' else 'Regional'} - "
                         "Standard storage"))
        if r.engine == "any" and pd.notna(getattr(r, "backup", float("nan"))):
            rows.append(("backup_storage", "cloudsql/any/backup", r.region, r.backup, "Cloud SQL: Backups"))
    return pd.DataFrame([{"service": "cloudsql", "region": region, "item": item, "dimension": dimension,
                          "unit": "GB-month", "usd_per_unit": usd, "tier_start": float("nan"),
                          "tier_end": float("nan"), "notes": note, "prices_as_of": retrieved.isoformat(),
                          "source_id": SOURCE_ID} for item, dimension, region, usd, note in rows],
                        columns=["service", "region", "item", "dimension", "unit", "usd_per_unit", "tier_start",
                                 "tier_end", "notes", "prices_as_of", "source_id"])


KEYS = {("cloudsql", "storage", "cloudsql/single-az/ssd"), ("cloudsql", "storage", "cloudsql/multi-az/ssd"),
        ("cloudsql", "backup_storage", "cloudsql/any/backup")}
