"""Fresh service prices (any cloud's, converted by its map) as one refresh of the book's ``service_prices``: only
the items priced are replaced, a price far off the book's is taken for a unit change and kept out, and what the
answer lacks is listed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import pandas as pd

from planner.pricing.schema import KINDS

COLUMNS = KINDS["service_prices"].column_names  # of the rows every service-price converter yields
PLAUSIBLE = (0.2, 5.0)  # a fresh price beyond x5 or /5 of the book's is a unit the map does not expect
ITEM_KEY = ["region", "service", "item", "dimension"]


def plausible(cloud: str, fresh: pd.DataFrame, held: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """``fresh`` without the items whose first-tier price is beyond x5 or /5 of the book's (``held``) in the same
    region, and a line for each item left out."""
    def first(t: pd.DataFrame) -> pd.Series:
        return (t.assign(dimension=t.dimension.fillna("")).sort_values("tier_start", na_position="first")
                .drop_duplicates(ITEM_KEY).set_index(ITEM_KEY).usd_per_unit)

    new, old = first(fresh), first(held)
    ratio = (new / old.reindex(new.index)).dropna()
    lo, hi = PLAUSIBLE
    odd = ratio[((ratio < lo) | (ratio > hi)) & (old.reindex(ratio.index) > 0)]
    notes = [f"{cloud} {s} {i}{'/' + d if d else ''} in {r}: the price list says {new[(r, s, i, d)]:g}, the book "
             f"{old[(r, s, i, d)]:g} (a unit change?); the book's row kept" for r, s, i, d in odd.index]
    bad = set(odd.index)
    keep = [k not in bad for k in zip(fresh.region, fresh.service, fresh["item"], fresh.dimension.fillna(""))]
    return fresh[pd.Series(keep, index=fresh.index, dtype=bool)].reset_index(drop=True), notes


def service_refresh(cloud: str, fresh: pd.DataFrame, keys: set[tuple[str, str, str]], book: Any,
                    regions: Sequence[str], retrieved: dt.datetime, *, source: str, source_row: dict[str, str],
                    url: str, digest: str) -> tuple[Any, list[str]]:
    """A :class:`~planner.pricing.update.install.Refresh` of ``fresh`` (the rows of the mapped ``keys``:
    service, item, dimension) replacing only the items it prices; the lines saying what was kept as it was."""
    from planner.pricing.update.install import Refresh

    s = book.service_prices
    held = s[(s.cloud == cloud) & s.region.isin(list(regions))]
    held = held[[k in keys for k in zip(held.service, held["item"], held.dimension.fillna(""))]]
    fresh, notes = plausible(cloud, fresh, held)

    def items(t: pd.DataFrame) -> pd.DataFrame:
        return t.assign(dimension=t.dimension.fillna("")).drop_duplicates(ITEM_KEY)

    # only the items priced are replaced, so a thin answer (a map row the list no longer matches) loses nothing:
    # what it lacks is listed, not refused
    got, had = items(fresh), items(held)
    priced = set(zip(got.region, got.service, got["item"], got.dimension))
    missing = had[[k not in priced for k in zip(had.region, had.service, had["item"], had.dimension)]]
    for (service, item, dimension), where in missing.groupby(["service", "item", "dimension"]).region:
        notes.append(f"{cloud} {service} {item}{'/' + dimension if dimension else ''}: not in the answer for "
                     f"{len(where)} region(s); the book's rows kept")
    return Refresh(
        cloud=cloud, kind="service_prices", rows=fresh, regions=regions, source_row=source_row,
        provenance={"source": source, "service": "services", "options": "on_demand", "url": url,
                    "retrieved_at": retrieved.isoformat(timespec="seconds"), "items": len(priced),
                    "rows": len(fresh), "unknown_skus": 0, "sha256": digest},
        match={"service": tuple(sorted({k[0] for k in keys}))},
        only_priced=tuple(ITEM_KEY)), notes
