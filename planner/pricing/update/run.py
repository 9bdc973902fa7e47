"""One price refresh end to end: fetch a provider's list, convert it, build the refreshed book on the book in use
(the cache when there is a valid one, else the bundled tables), validate, install."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from planner.pricing.update.fetch import GetJson, UpdateError

GCP_KEY_ENV = "PLANNER_GCP_API_KEY"
MIN_SHARE = 0.5  # an answer pricing under half the sizes a region had is taken for a partial one


@dataclass(frozen=True)
class UpdateResult:
    """What a refresh installed: where, from which source, how many rows, what was left out."""

    folder: Path
    source: str
    regions: tuple[str, ...]
    rows: int
    unknown_skus: int


def update(cloud: str, regions: Sequence[str] | None = None, *, get: GetJson | None = None,
           progress: Callable[[int], None] | None = None, api: str | None = None,
           min_share: float = MIN_SHARE) -> UpdateResult:
    """Refresh ``cloud``'s prices for ``regions`` (default: every region of the book) and install the result.

    A region whose answer prices fewer than ``min_share`` of the sizes the book has there is refused (a partial
    answer or a changed format would otherwise delete prices)."""
    from planner.pricing.book import PriceBook
    from planner.pricing.loader import bundled_folder
    from planner.pricing.update.install import Refresh, build_and_install
    from planner.pricing.user_cache import current_folder

    if cloud == "gcp" and not os.environ.get(GCP_KEY_ENV):
        raise UpdateError(f"Cloud Billing Catalog API: needs an API key in ${GCP_KEY_ENV} (a Google Cloud API key "
                          "with the Cloud Billing API enabled); the price cache is unchanged")
    if cloud != "azure":
        raise UpdateError(f"planner prices update --cloud {cloud}: not available yet (this version refreshes Azure "
                          "VM prices from the Azure Retail Prices API); the price cache is unchanged")
    from planner.pricing.update import azure

    base = current_folder()
    base_label = f"price cache {base}" if base else "bundled pricing_data"
    book = PriceBook.load(base if base else bundled_folder(), clouds=[cloud])
    known_regions = set(book.regions(cloud).region)
    regions = tuple(regions or sorted(known_regions))
    bad = [r for r in regions if r not in known_regions]
    if bad:
        from planner.errors import unknown_name

        raise unknown_name("region", bad[0], sorted(known_regions), context=f"for {cloud}")
    retrieved = dt.datetime.now(dt.UTC)
    items = azure.fetch_vm_items(regions, get=get, progress=progress, **({"api": api} if api else {}))
    specs = book.specs
    known = set(specs.sku[(specs.cloud == cloud) & (specs.service == "vm")])
    rows, unknown = azure.vm_rows(items, known, retrieved.date())
    if rows.empty:
        raise UpdateError(f"{azure.SOURCE}: no Linux pay-as-you-go VM prices in the answer for "
                          f"{', '.join(regions)}; the price cache is unchanged")
    held = book.instance_prices[(book.instance_prices.cloud == cloud) & (book.instance_prices.service == "vm")
                                & (book.instance_prices.option == "on_demand")].groupby("region").size()
    fresh = rows.groupby("region").size().reindex(held.index, fill_value=0)
    short = [(r, int(fresh[r]), int(held[r])) for r in regions if r in held and fresh[r] < min_share * held[r]]
    if short:
        r, got, had = short[0]
        raise UpdateError(f"{azure.SOURCE}: the answer for {r} prices {got:,} VM sizes where the book has {had:,} "
                          f"(a partial answer or a changed format?); nothing installed. --allow-shrink takes it "
                          "anyway")
    digest = hashlib.sha256(json.dumps(items, sort_keys=True).encode("utf-8")).hexdigest()
    refresh = Refresh(cloud=cloud, kind="instance_prices", rows=rows, regions=regions,
                      source_row=azure.source_row(retrieved, regions),
                      provenance={"source": azure.SOURCE, "url": api or azure.API,
                                  "retrieved_at": retrieved.isoformat(timespec="seconds"), "items": len(items),
                                  "rows": len(rows), "unknown_skus": unknown, "sha256": digest},
                      match={"service": "vm", "option": "on_demand"})
    folder = build_and_install(base if base else bundled_folder(), [refresh], base_label)
    return UpdateResult(folder=folder, source=azure.SOURCE, regions=regions, rows=len(rows), unknown_skus=unknown)
