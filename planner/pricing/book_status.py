"""``planner prices status``: the bundled book and the user's refreshed cache, their dates and ages, and which
one plans use."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from planner.pricing.loader import bundled_folder, manifest_clouds, read_manifest
from planner.pricing.user_cache import choice, current_folder, prices_root, read_update

if TYPE_CHECKING:
    import pandas as pd

    from planner.pricing.book import PriceBook

KEPT_SHOWN = 20


def _age(day: str, today: dt.date) -> str:
    try:
        days = (today - dt.date.fromisoformat(day[:10])).days
    except ValueError:
        return "unknown age"
    return f"{days:,} day(s) old"


def status(today: dt.date | None = None) -> list[str]:
    """Lines describing the bundled book, the cache and the choice (``PLANNER_PRICE_BOOK``)."""
    today = today or dt.date.today()
    manifest = read_manifest(bundled_folder())
    newest = max(d for d in manifest.prices_as_of if d)
    oldest = min(d for d in manifest.oldest_prices_as_of if d)
    lines = [f"bundled: {len(manifest)} tables, prices as of {oldest} .. {newest} (newest {_age(newest, today)})"]
    folder = current_folder()
    if folder is None:
        lines.append(f"cache: none in {prices_root()} (planner prices update refreshes one)")
    else:
        update = read_update(folder)
        lines.append(f"cache: {folder}, updated {update.get('updated_at', '?')} "
                     f"({_age(update.get('updated_at', ''), today)}), built on {update.get('base', '?')}")
        for s in update.get("sources", []):
            what = " ".join(str(s[k]) for k in ("service", "options") if s.get(k))
            lines.append(f"  {s.get('cloud', '?')} {what or s.get('kind', '?')}: {_count(s.get('rows'))} rows from "
                         f"{s.get('source', '?')} ({s.get('url', '?')}), retrieved {s.get('retrieved_at', '?')}, "
                         f"{len(s.get('regions', []))} region(s), sha256 {str(s.get('sha256', ''))[:12]}")
        kept = update.get("kept", [])
        if kept:
            lines.append(f"  kept as they were ({len(kept):,}: not in the answer, or implausible):")
            lines += [f"    {k}" for k in kept[:KEPT_SHOWN]]
            if len(kept) > KEPT_SHOWN:
                lines.append(f"    ... and {len(kept) - KEPT_SHOWN:,} more (UPDATE.json in the cache lists all)")
    chosen = choice()
    using = ("the cache" if folder is not None else "the bundled book (no cache)") if chosen == "auto" else chosen
    lines.append(f"plans use: {using} (PLANNER_PRICE_BOOK={chosen}; planner --price-book bundled|cache|auto)")
    lines += packs(None if chosen == "bundled" or (chosen == "auto" and folder is None)
                   else folder if chosen in ("auto", "cache") else Path(chosen))
    return lines


def packs(folder: Path | None) -> list[str]:
    """A line per cloud: whether its book is read packed with its derived tables (start-up in milliseconds) from
    ``folder`` (None: the bundled tables), or why not (:mod:`planner.pricing.cache`)."""
    from planner.pricing import cache
    from planner.pricing.book import packed_path

    source = folder if folder is not None else bundled_folder()
    if not isinstance(source, Path):
        return ["  packed books: none (a zipped install: its tables are read and derived at start-up)"]
    lines = []
    for cloud in manifest_clouds(source):
        state = cache.pack_status(packed_path(source, cloud), cache.content_key(source, cloud),
                                  signed=folder is not None)
        lines.append(f"  {cloud} packed book: {state}")
    return lines


def freshness(book: PriceBook, cloud: str, today: dt.date | None = None) -> pd.DataFrame:
    """Per architecture role of ``cloud`` (as ``planner prices coverage`` names them), the prices plans use for
    it: how many rows, the share from a refresh (``planner prices update``), the oldest and newest price dates
    and the oldest's age in days; instance roles count their on-demand rows, and the commitment and spot rows
    of every instance service are two roles of their own."""
    import pandas as pd

    from planner.clouds import catalog_for
    from planner.pricing.coverage import instance_needs, service_needs
    from planner.pricing.update.run import OPTION_GROUPS, refreshed_source_ids

    today = today or dt.date.today()
    p = book.instance_prices[book.instance_prices.cloud == cloud]
    s = book.service_prices[(book.service_prices.cloud == cloud) & (book.service_prices.region != "global")]
    catalog = catalog_for(cloud)
    parts: dict[str, list[pd.DataFrame]] = {}
    for need in instance_needs(catalog):
        parts.setdefault(need.role, []).append(p[(p.service == need.service) & (p.option == "on_demand")])
    instance_services = sorted({n.service for n in instance_needs(catalog)})
    committed = p.service.isin(instance_services) & p.option.isin(OPTION_GROUPS["reserved"] + OPTION_GROUPS["savings"])
    parts["commitments"] = [p[committed]]
    parts["spot"] = [p[p.service.isin(instance_services) & (p.option == "spot")]]
    keys: dict[str, set[tuple[str, str, str]]] = {}
    for role, service, item, dimension in service_needs(catalog):
        keys.setdefault(role, set()).add((service, item, dimension))
    s_keys = list(zip(s.service, s["item"], s.dimension.fillna("")))
    for role, wanted in keys.items():
        parts.setdefault(role, []).append(s[[k in wanted for k in s_keys]])
    refreshed = refreshed_source_ids()
    rows = []
    for role, frames in parts.items():
        t = pd.concat(frames).drop_duplicates()
        if t.empty:
            continue
        dates = t.prices_as_of.dropna().astype(str)
        oldest = min(dates) if len(dates) else ""
        rows.append({"cloud": cloud, "role": role, "prices": len(t),
                     "refreshed_pct": round(100 * t.source_id.isin(refreshed).mean(), 1),
                     "oldest": oldest, "newest": max(dates) if len(dates) else "",
                     "oldest_age_days": (today - dt.date.fromisoformat(oldest[:10])).days if oldest else None})
    return pd.DataFrame(rows).astype({"oldest_age_days": "Int64"})


def _count(n: object) -> str:
    """A count from UPDATE.json with separators, ``?`` where it has none."""
    return f"{n:,}" if isinstance(n, int) else "?"
