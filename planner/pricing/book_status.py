"""``planner prices status``: the bundled book and the user's refreshed cache, their dates and ages, and which
one plans use."""

from __future__ import annotations

import datetime as dt

from planner.pricing.loader import bundled_folder, read_manifest
from planner.pricing.user_cache import choice, current_folder, prices_root, read_update


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
            lines.append(f"  {s.get('cloud')} {s.get('kind')}: {s.get('rows', '?'):,} rows from {s.get('source')} "
                         f"({s.get('url')}), retrieved {s.get('retrieved_at')}, {len(s.get('regions', []))} "
                         f"region(s), sha256 {str(s.get('sha256', ''))[:12]}")
    chosen = choice()
    using = ("the cache" if folder is not None else "the bundled book (no cache)") if chosen == "auto" else chosen
    lines.append(f"plans use: {using} (PLANNER_PRICE_BOOK={chosen}; planner --price-book bundled|cache|auto)")
    return lines
