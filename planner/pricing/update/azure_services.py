"""Azure Retail Prices API -> the price book's Azure Database for PostgreSQL flexible server classes
(``instance_prices``) and service prices (blob storage, managed disk, load balancer, NAT gateway, public IP,
flexible-server storage) by a declarative meter map.

``azure_service_map.csv`` names, for each book item, the meter (``serviceName``, ``productName``, ``skuName``,
``meterName``), the ``unitOfMeasure`` it must be priced in, ``scale`` (the book's price is the meter's times this:
0.1 from "per 10K" to "per 1k requests", 1/32 from a whole P4 disk a month to a GB-month of it, 2 for storage a
zone-redundant standby doubles) and whether its tiers (``tierMinimumUnits``) are kept.

Flexible-server compute: the General Purpose Ddsv5 and Memory Optimized Edsv5 series are priced per SKU
(``skuName`` "N vCore", the whole server an hour) or per vCore (``skuName`` "vCore"); Burstable by size (``skuName``
"B1MS"). Zone-redundant high availability bills a standby of the same size (Microsoft's "High availability"
docs), so the book's ``multi-az`` rows are twice the single server; the Burstable tier has no HA."""

from __future__ import annotations

import csv
import datetime as dt
import re
import urllib.parse
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from planner.pricing.schema import KINDS
from planner.pricing.update.azure import API, SOURCE_ID
from planner.pricing.update.install import retrieval_source
from planner.pricing.update.service_refresh import COLUMNS

MAP_FILE = Path(__file__).with_name("azure_service_map.csv")
DATABASE_SERVICE = "Azure Database for PostgreSQL"
FLEX_SERIES = {  # productName -> the book's SKU for n vCores
    "Azure Database for PostgreSQL Flexible Server General Purpose Ddsv5 Series Compute": "GP_Standard_D{n}ds_v5",
    "Azure Database for PostgreSQL Flexible Server Memory Optimized Edsv5 Series Compute": "MO_Standard_E{n}ds_v5",
}
FLEX_BURSTABLE = "Azure Database for PostgreSQL Flexible Server Burstable BS Series Compute"
HA_NOTE = "zone-redundant HA: primary + standby"


@dataclass(frozen=True)
class Meter:
    """Where one book item (service, item, dimension) sits in the Retail Prices API."""

    service: str
    item: str
    dimension: str
    unit: str
    service_name: str
    product_name: str
    sku_name: str
    meter_name: str
    unit_of_measure: str
    scale: float
    tiered: bool

    @property
    def key(self) -> tuple[str, str, str]:
        return self.service, self.item, self.dimension

    def matches(self, item: dict[str, Any]) -> bool:
        return (item.get("serviceName"), item.get("productName"), item.get("skuName"), item.get("meterName"),
                item.get("unitOfMeasure")) == (self.service_name, self.product_name, self.sku_name,
                                               self.meter_name, self.unit_of_measure)


def load_map(path: Path = MAP_FILE) -> list[Meter]:
    with open(path, newline="", encoding="utf-8") as fh:
        return [Meter(service=r["service"], item=r["item"], dimension=r["dimension"], unit=r["unit"],
                      service_name=r["service_name"], product_name=r["product_name"], sku_name=r["sku_name"],
                      meter_name=r["meter_name"], unit_of_measure=r["unit_of_measure"], scale=float(r["scale"]),
                      tiered=r["tiered"] == "yes")
                for r in csv.DictReader(fh)]


def products_url(region: str, products: Iterable[str], api: str = API) -> str:
    """The first page of a region's consumption meters of ``products`` (one query for all of them)."""
    names = " or ".join(f"productName eq '{p}'" for p in sorted(set(products)))
    query = f"priceType eq 'Consumption' and armRegionName eq '{region}' and ({names})"
    return f"{api}?{urllib.parse.urlencode({'$filter': query})}"


def wanted_products(meters: Sequence[Meter]) -> list[str]:
    """Every product the map and the flexible-server classes need."""
    return sorted({m.product_name for m in meters} | set(FLEX_SERIES) | {FLEX_BURSTABLE})


def service_rows(items: Iterable[dict[str, Any]], meters: Sequence[Meter], retrieved: dt.date) -> pd.DataFrame:
    """The book rows of ``meters`` priced by the consumption ``items``; a tiered meter's tiers start at its items'
    ``tierMinimumUnits`` (in the meter's unit, so divided by ``scale``)."""
    found: dict[tuple[str, tuple[str, str, str]], list[tuple[float, float]]] = {}
    for item in items:
        if item.get("type") != "Consumption":
            continue
        for m in meters:
            if m.matches(item):
                found.setdefault((item["armRegionName"], m.key), []).append(
                    (float(item.get("tierMinimumUnits") or 0.0), float(item["retailPrice"])))
    by_key = {m.key: m for m in meters}
    rows = []
    for (region, key), tiers in sorted(found.items()):
        m = by_key[key]
        lowest: dict[float, float] = {}  # a tier listed twice (two meters of one name) keeps its lowest price
        for start, usd in tiers:
            lowest[start] = min(usd, lowest.get(start, usd))
        tiers = sorted(lowest.items())
        if not m.tiered or len(tiers) == 1:
            tiers = tiers[:1]
        for i, (start, usd) in enumerate(tiers):
            tiered = len(tiers) > 1
            end = tiers[i + 1][0] if i + 1 < len(tiers) else float("nan")
            rows.append({"service": m.service, "region": region, "item": m.item, "dimension": m.dimension,
                         "unit": m.unit, "usd_per_unit": round(usd * m.scale, 10),
                         "tier_start": start / m.scale if tiered else float("nan"),
                         "tier_end": end / m.scale if tiered else float("nan"),
                         "notes": f"meter {m.product_name} / {m.meter_name} per {m.unit_of_measure}"
                                  + (f" x {m.scale:g}" if m.scale != 1 else ""),
                         "prices_as_of": retrieved.isoformat(), "source_id": SOURCE_ID})
    return pd.DataFrame(rows, columns=COLUMNS)


def flexible_rows(items: Iterable[dict[str, Any]], known_skus: set[str], retrieved: dt.date
                  ) -> tuple[pd.DataFrame, int]:
    """Hourly prices of the flexible-server classes the book has specs for (single server, and with a
    zone-redundant standby), from the compute meters; and how many priced classes were left out for want of a
    spec. A per-SKU meter wins over the per-vCore one of the same series."""
    per_sku: dict[tuple[str, str], tuple[float, str]] = {}
    per_vcore: dict[tuple[str, str], float] = {}
    unknown: set[str] = set()
    for item in items:
        if (item.get("type") != "Consumption" or item.get("serviceName") != DATABASE_SERVICE
                or item.get("unitOfMeasure") != "1 Hour"):
            continue
        product, sku_name, region = item.get("productName", ""), item.get("skuName", ""), item["armRegionName"]
        usd = float(item["retailPrice"])
        if product in FLEX_SERIES:
            n = re.fullmatch(r"(\d+) vCore", sku_name)
            if n:
                per_sku[region, FLEX_SERIES[product].format(n=n.group(1))] = (usd, "")
            elif sku_name == "vCore":
                per_vcore[region, product] = usd
        elif product == FLEX_BURSTABLE:
            size = re.fullmatch(r"B(\d+)([A-Za-z]+)", sku_name)
            if size:
                per_sku[region, f"B_Standard_B{size.group(1)}{size.group(2).lower()}"] = (usd, "burstable")
    for (region, product), usd in per_vcore.items():
        pattern = FLEX_SERIES[product]
        for sku in known_skus:
            n = re.fullmatch(pattern.replace("{n}", r"(\d+)"), sku)
            if n and (region, sku) not in per_sku:
                per_sku[region, sku] = (usd * int(n.group(1)), f"{n.group(1)} vCores x {usd:g} per vCore-hour")
    rows = []
    for (region, sku), (usd, note) in sorted(per_sku.items()):
        if sku not in known_skus:
            unknown.add(sku)
            continue
        base = {"region": region, "service": "postgresql_flexible", "sku": sku, "engine": "postgresql",
                "option": "on_demand", "upfront_usd": 0.0, "payment": "", "interruption": "",
                "prices_as_of": retrieved.isoformat(), "source_id": SOURCE_ID}
        rows.append({**base, "deployment": "single-az", "hourly_usd": round(usd, 6), "notes": note})
        if not sku.startswith("B_"):  # the Burstable tier offers no high availability
            rows.append({**base, "deployment": "multi-az", "hourly_usd": round(2 * usd, 6),
                         "notes": "; ".join(x for x in (note, HA_NOTE) if x)})
    return pd.DataFrame(rows, columns=KINDS["instance_prices"].column_names), len(unknown)


def source_row(retrieved: dt.datetime, regions: Sequence[str]) -> dict[str, str]:
    """The ``sources`` row the refreshed Azure prices cite (VMs, flexible servers and services alike)."""
    return retrieval_source(SOURCE_ID, API, retrieved, regions, "Linux pay-as-you-go VM meters, PostgreSQL flexible "
                            "server compute and the service meters of planner/pricing/update/azure_service_map.csv")
