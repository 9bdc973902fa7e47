"""AWS Price List bulk offer files -> the price book's ``instance_prices`` rows of EC2 (Linux, shared tenancy,
on demand).

An offer file (https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonEC2/current/<region>/index.json,
public) holds ``products`` (SKU -> ``attributes``: instanceType, operatingSystem, tenancy, preInstalledSw,
capacitystatus, licenseModel) and then ``terms.OnDemand`` (SKU -> offer -> ``priceDimensions`` ->
``pricePerUnit.USD`` per ``unit`` Hrs). The EC2 files run to hundreds of MB: they are downloaded to disk
(resumable) and read twice as a stream (ijson), the products first, then the terms of the SKUs kept, so memory
holds only those."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from planner.pricing.update.fetch import UpdateError, download

SOURCE = "AWS Price List bulk API"
SOURCE_ID = "aws-price-list-bulk"
API = "https://pricing.us-east-1.amazonaws.com"
WANT = {"operatingSystem": "Linux", "tenancy": "Shared", "preInstalledSw": "NA", "capacitystatus": "Used"}


def ec2_url(region: str, api: str = API) -> str:
    return f"{api}/offers/v1.0/aws/AmazonEC2/current/{region}/index.json"


def fetch_ec2(regions: Sequence[str], folder: Path, *, api: str = API,
              progress: Callable[[int, int | None], None] | None = None) -> dict[str, Path]:
    """Each region's EC2 offer file downloaded into ``folder`` (resumed where an earlier run stopped)."""
    folder.mkdir(parents=True, exist_ok=True)
    return {r: download(ec2_url(r, api), folder / f"AmazonEC2-{r}.json", source=SOURCE, progress=progress)
            for r in regions}


def ec2_rows(path: Path, region: str, known_skus: set[str], retrieved: dt.date) -> tuple[pd.DataFrame, int]:
    """Linux shared-tenancy on-demand hourly prices of instance types the book has specs for, as
    ``instance_prices`` rows; and how many priced types were left out for want of a spec."""
    import ijson

    try:
        with open(path, "rb") as fh:
            kept = {sku: p["attributes"]["instanceType"] for sku, p in ijson.kvitems(fh, "products")
                    if _wanted(p)}
        if not kept:
            raise UpdateError(f"{SOURCE}: {path.name} has no Linux shared-tenancy EC2 products (the format "
                              "changed?)")
        prices: dict[str, float] = {}
        with open(path, "rb") as fh:
            for sku, offers in ijson.kvitems(fh, "terms.OnDemand", use_float=True):
                if sku in kept:
                    usd = _hourly(offers)
                    if usd is not None:
                        prices[sku] = usd
    except ijson.JSONError as e:
        raise UpdateError(f"{SOURCE}: {path.name} is not a whole offer file ({e}); rerun to download it "
                          "again") from None
    rows, unknown = [], set()
    for sku, usd in prices.items():
        instance_type = kept[sku]
        if instance_type not in known_skus:
            unknown.add(instance_type)
            continue
        rows.append({"region": region, "service": "ec2", "sku": instance_type, "engine": "", "deployment": "",
                     "option": "on_demand", "hourly_usd": usd, "upfront_usd": 0.0, "payment": "", "interruption": "",
                     "prices_as_of": retrieved.isoformat(), "source_id": SOURCE_ID, "notes": ""})
    frame = pd.DataFrame(rows)
    if len(frame):
        frame = frame.sort_values("hourly_usd").drop_duplicates(["region", "sku"]).sort_values("sku")
    return frame.reset_index(drop=True), len(unknown)


def _wanted(product: dict[str, Any]) -> bool:
    a = product.get("attributes", {})
    return "instanceType" in a and all(a.get(k) == v for k, v in WANT.items()) and a.get(
        "licenseModel", "No License required") == "No License required"


def _hourly(offers: dict[str, Any]) -> float | None:
    """The hourly USD price of an on-demand offer (None when it has no hourly dimension)."""
    for offer in offers.values():
        for dim in offer.get("priceDimensions", {}).values():
            if dim.get("unit") == "Hrs" and "USD" in dim.get("pricePerUnit", {}):
                return float(dim["pricePerUnit"]["USD"])
    return None


def source_row(retrieved: dt.datetime, regions: Sequence[str]) -> dict[str, str]:
    day = retrieved.date().isoformat()
    return {"source_id": SOURCE_ID, "repo": "", "commit": "", "path": f"{API}/offers/v1.0/aws/AmazonEC2/current",
            "data_date_min": day, "data_date_max": day,
            "notes": f"retrieved {retrieved.isoformat(timespec='seconds')} for {', '.join(regions)}: EC2 Linux "
                     "shared-tenancy on-demand"}
