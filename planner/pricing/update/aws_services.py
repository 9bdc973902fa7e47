"""AWS Price List offer files -> the price book's ``service_prices`` rows (NAT gateway, EBS, RDS storage, load
balancers, data transfer, S3, CloudWatch, Lambda, Fargate, EKS, Secrets Manager, KMS, VPC), by a declarative map.

``aws_service_map.csv`` names, for each book item, the offer file, the price-list ``usagetype`` (without its
region prefix: ``USE1-``, ``EU-``; us-east-1 has none), optional ``productFamily`` and attribute filters, how
many price-list units make one book unit (``scale``: 1,000 requests per "1k requests"), and whether its tiers are
kept. The offer files' on-demand ``priceDimensions`` carry ``beginRange`` / ``endRange`` in the price list's
units, so tiers become the book's ``tier_start`` / ``tier_end`` divided by ``scale``. A book item whose usage
type is not in the answer keeps its bundled row (the update says which)."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from planner.pricing.update.aws import REGION_PREFIX
from planner.pricing.update.fetch import UpdateError
from planner.pricing.update.install import retrieval_source
from planner.pricing.update.service_refresh import COLUMNS

MAP_FILE = Path(__file__).with_name("aws_service_map.csv")
SOURCE = "AWS Price List bulk API"
SOURCE_ID = "aws-price-list-services"


@dataclass(frozen=True)
class Mapping:
    """Where one book item (service, item, dimension) sits in the AWS price list."""

    service: str
    item: str
    dimension: str
    unit: str
    offer: str
    product_family: str
    usagetype: str
    attributes: tuple[tuple[str, str], ...]
    scale: float
    tiered: bool

    @property
    def key(self) -> tuple[str, str, str]:
        return self.service, self.item, self.dimension

    def matches(self, product: dict[str, Any], region: str) -> bool:
        a = product.get("attributes", {})
        if REGION_PREFIX.sub("", a.get("usagetype", ""), count=1) != self.usagetype:
            return False
        if self.product_family and product.get("productFamily") != self.product_family:
            return False
        where = a.get("regionCode") or a.get("fromRegionCode")
        return (where in (None, "", region)) and all(a.get(k) == v for k, v in self.attributes)


def load_map(path: Path = MAP_FILE) -> list[Mapping]:
    """The shipped map, one :class:`Mapping` per book item."""
    with open(path, newline="", encoding="utf-8") as fh:
        return [Mapping(service=r["service"], item=r["item"], dimension=r["dimension"], unit=r["unit"],
                        offer=r["offer"], product_family=r["product_family"], usagetype=r["usagetype"],
                        attributes=tuple(tuple(kv.split("=", 1)) for kv in r["attributes"].split(";") if kv),
                        scale=float(r["scale"]), tiered=r["tiered"] == "yes")
                for r in csv.DictReader(fh)]


def offers(mappings: Sequence[Mapping]) -> list[str]:
    """The offer files the map needs, in a stable order."""
    return sorted({m.offer for m in mappings})


def service_rows(path: Path, region: str, mappings: Sequence[Mapping], retrieved: dt.date) -> pd.DataFrame:
    """The book rows of ``mappings`` (all of one offer) priced in the offer file at ``path``: products first,
    then the on-demand terms of the SKUs kept, read as a stream. Where several SKUs match one item (an engine
    each, say), the cheapest first tier is the list price."""
    import ijson

    wanted: dict[str, list[Mapping]] = {}
    for m in mappings:
        wanted.setdefault(m.usagetype, []).append(m)
    try:
        kept: dict[str, list[Mapping]] = {}
        with open(path, "rb") as fh:
            for sku, product in ijson.kvitems(fh, "products"):
                usagetype = REGION_PREFIX.sub("", product.get("attributes", {}).get("usagetype", ""), count=1)
                hits = [m for m in wanted.get(usagetype, ()) if m.matches(product, region)]
                if hits:
                    kept[sku] = hits
        schedules: dict[tuple[str, str, str], list[tuple[float, float, float]]] = {}
        with open(path, "rb") as fh:
            for sku, terms in ijson.kvitems(fh, "terms.OnDemand"):
                if sku not in kept:
                    continue
                tiers = _tiers(terms)
                for m in kept[sku]:
                    held = schedules.get(m.key)
                    if tiers and (held is None or tiers[0][2] < held[0][2]):
                        schedules[m.key] = tiers
    except ijson.JSONError as e:
        raise UpdateError(f"{SOURCE}: {path.name} is not a whole offer file ({e}); rerun to download it "
                          "again") from None
    by_key = {m.key: m for m in mappings}
    rows = []
    for key, tiers in schedules.items():
        m = by_key[key]
        if not m.tiered or len(tiers) == 1:
            tiers = [(0.0, float("inf"), tiers[0][2])]
        for start, end, usd in tiers:
            rows.append({"service": m.service, "region": region, "item": m.item, "dimension": m.dimension,
                         "unit": m.unit, "usd_per_unit": round(usd * m.scale, 10),
                         "tier_start": start / m.scale if len(tiers) > 1 else float("nan"),
                         "tier_end": end / m.scale if len(tiers) > 1 and end != float("inf") else float("nan"),
                         "notes": f"price list {m.offer} usagetype {m.usagetype}",
                         "prices_as_of": retrieved.isoformat(), "source_id": SOURCE_ID})
    return pd.DataFrame(rows, columns=COLUMNS)


def _tiers(terms: dict[str, Any]) -> list[tuple[float, float, float]]:
    """(begin, end, USD per price-list unit) of an on-demand offer's dimensions, by begin."""
    out = []
    for offer in terms.values():
        for dim in offer.get("priceDimensions", {}).values():
            usd = dim.get("pricePerUnit", {}).get("USD")
            if usd is None:
                continue
            end = dim.get("endRange", "Inf")
            out.append((float(dim.get("beginRange", 0) or 0), float("inf") if end in ("Inf", "", None) else float(end),
                        float(usd)))
    return sorted(out)


def source_row(retrieved: dt.datetime, regions: Sequence[str], offer_names: Sequence[str]) -> dict[str, str]:
    return retrieval_source(SOURCE_ID, "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/<offer>/current",
                            retrieved, regions, f"service prices by usagetype ({', '.join(offer_names)} offer files; "
                            "map planner/pricing/update/aws_service_map.csv)")
