"""Azure Retail Prices API -> the price book's ``instance_prices`` rows of Azure VMs (Linux, pay as you go).

The API (https://prices.azure.com/api/retail/prices, public, no key) answers pages of ``Items`` with
``NextPageLink``; an item is one meter: ``armRegionName``, ``armSkuName``, ``retailPrice`` per
``unitOfMeasure``, ``type`` (Consumption, Reservation, DevTestConsumption), ``productName`` (Windows products
say so) and ``skuName`` (Spot and Low Priority meters say so)."""

from __future__ import annotations

import datetime as dt
import urllib.parse
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import pandas as pd

from planner.pricing.update.fetch import GetJson, UpdateError, get_json

SOURCE = "Azure Retail Prices API"
SOURCE_ID = "azure-retail-prices-api"
API = "https://prices.azure.com/api/retail/prices"
MAX_PAGES = 10_000
REQUIRED = ("armRegionName", "armSkuName", "retailPrice", "unitOfMeasure", "type", "productName", "skuName",
            "serviceName")


def vm_url(region: str, api: str = API) -> str:
    """The first page of a region's VM consumption meters."""
    query = f"serviceName eq 'Virtual Machines' and priceType eq 'Consumption' and armRegionName eq '{region}'"
    return f"{api}?{urllib.parse.urlencode({'$filter': query})}"


def fetch_vm_items(regions: Sequence[str], *, get: GetJson | None = None, api: str = API,
                   progress: Callable[[int], None] | None = None) -> list[dict[str, Any]]:
    """Every VM consumption meter of ``regions``, page by page (``progress(pages so far)`` after each)."""
    return fetch_items([vm_url(region, api) for region in regions], get=get, progress=progress)


def fetch_items(urls: Sequence[str], *, get: GetJson | None = None, progress: Callable[[int], None] | None = None
                ) -> list[dict[str, Any]]:
    """The items of every page of each query in ``urls`` (``NextPageLink`` followed)."""
    get = get or (lambda url: get_json(url, source=SOURCE))
    items: list[dict[str, Any]] = []
    pages = 0
    for first in urls:
        url: str | None = first
        while url:
            doc = get(url)
            if not isinstance(doc, dict) or not isinstance(doc.get("Items"), list):
                raise UpdateError(f"{SOURCE}: a page without 'Items' (the API's format changed?)")
            items.extend(doc["Items"])
            url = doc.get("NextPageLink") or None
            pages += 1
            if progress:
                progress(pages)
            if pages > MAX_PAGES:
                raise UpdateError(f"{SOURCE}: more than {MAX_PAGES:,} pages; stopped")
    return items


def vm_rows(items: Iterable[dict[str, Any]], known_skus: set[str], retrieved: dt.date) -> tuple[pd.DataFrame, int]:
    """Linux pay-as-you-go hourly prices of VM sizes the book has specs for, as ``instance_prices`` rows; and
    how many priced sizes were left out for want of a spec."""
    rows, unknown = [], set()
    for item in items:
        missing = [k for k in REQUIRED if k not in item]
        if missing:
            raise UpdateError(f"{SOURCE}: an item lacks {', '.join(missing)} (the API's format changed?)")
        if (item["type"] != "Consumption" or item["unitOfMeasure"] != "1 Hour"
                or "Windows" in item["productName"] or "Spot" in item["skuName"]
                or "Low Priority" in item["skuName"]):
            continue
        sku = item["armSkuName"]
        if sku not in known_skus:
            unknown.add(sku)
            continue
        rows.append({"region": item["armRegionName"], "service": "vm", "sku": sku, "engine": "", "deployment": "",
                     "option": "on_demand", "hourly_usd": float(item["retailPrice"]), "upfront_usd": 0.0,
                     "payment": "", "interruption": "", "prices_as_of": retrieved.isoformat(),
                     "source_id": SOURCE_ID, "notes": ""})
    frame = pd.DataFrame(rows)
    if len(frame):  # a size listed twice (two meters) keeps its lowest price, as the bundled builder does
        frame = frame.sort_values("hourly_usd").drop_duplicates(["region", "sku"]).sort_values(["region", "sku"])
    return frame.reset_index(drop=True), len(unknown)

