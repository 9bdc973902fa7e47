"""Cloud Billing Catalog API -> the price book's Google Cloud ``service_prices`` (persistent disk, load
balancing, external IPs, Cloud SQL storage and backups) by a declarative map.

``gcp_service_map.csv`` names, for each book item, the catalog service, the SKU ``description`` (without its
" in <place>" suffix; the SKU's ``serviceRegions`` say where it applies), the usage type and ``scale`` (the book's
price is the SKU's times this). The price is the SKU's last tier: catalog SKUs list a free first tier where
there is one, and the book keeps free tiers as rules of their own."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from planner.pricing.update.gcp import SOURCE_ID, read_sku
from planner.pricing.update.service_refresh import COLUMNS

MAP_FILE = Path(__file__).with_name("gcp_service_map.csv")


@dataclass(frozen=True)
class Entry:
    """Where one book item (service, item, dimension) sits in the catalog."""

    service: str
    item: str
    dimension: str
    unit: str
    catalog_service: str
    description: str
    usage_type: str
    scale: float

    @property
    def key(self) -> tuple[str, str, str]:
        return self.service, self.item, self.dimension

    def matches(self, description: str, usage_type: str) -> bool:
        return usage_type == self.usage_type and (description == self.description
                                                  or description.startswith(self.description + " in "))


def load_map(path: Path = MAP_FILE) -> list[Entry]:
    with open(path, newline="", encoding="utf-8") as fh:
        return [Entry(service=r["service"], item=r["item"], dimension=r["dimension"], unit=r["unit"],
                      catalog_service=r["catalog_service"], description=r["description"],
                      usage_type=r["usage_type"], scale=float(r["scale"]))
                for r in csv.DictReader(fh)]


def service_rows(skus: Mapping[str, Iterable[dict[str, Any]]], entries: Sequence[Entry], regions: Sequence[str],
                 retrieved: dt.date) -> pd.DataFrame:
    """The book rows of ``entries`` priced by the catalog ``skus`` (catalog service -> its SKUs) in ``regions``;
    where several SKUs match an item in a region, the cheapest is the list price."""
    wanted = set(regions)
    best: dict[tuple[str, tuple[str, str, str]], tuple[float, Entry, str]] = {}
    for service, listed in skus.items():
        mine = [e for e in entries if e.catalog_service == service]
        for sku in listed:
            description, usage, places, usd = read_sku(sku)
            for e in mine:
                if not e.matches(description, usage):
                    continue
                for region in wanted.intersection(places):
                    held = best.get((region, e.key))
                    if held is None or usd < held[0]:
                        best[region, e.key] = (usd, e, description)
    rows = [{"service": e.service, "region": region, "item": e.item, "dimension": e.dimension, "unit": e.unit,
             "usd_per_unit": round(usd * e.scale, 10), "tier_start": float("nan"), "tier_end": float("nan"),
             "notes": f"catalog SKU {description}", "prices_as_of": retrieved.isoformat(), "source_id": SOURCE_ID}
            for (region, _), (usd, e, description) in sorted(best.items())]
    return pd.DataFrame(rows, columns=COLUMNS)
