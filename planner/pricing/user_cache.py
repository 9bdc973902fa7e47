"""The user's price cache: price books refreshed by ``planner prices update``, beside the bundled one.

``<data folder>/prices/current`` is a complete price-table folder (the bundled tables with the refreshed ones
replaced, its own ``MANIFEST.csv``) plus ``UPDATE.json`` (each refresh's source URL, retrieval time, regions and
the checksum of what was downloaded). A refresh is built beside it and swapped in whole; the one it replaces is
kept as ``previous``. Which book plans use: ``PLANNER_PRICE_BOOK`` / ``planner --price-book``: ``auto`` (the
default: the cache when it is there and valid, else the bundled book), ``bundled``, ``cache``, or a folder.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

from planner.base.errors import PlannerError
from planner.base.input_files import InputFileError, read_limited
from planner.pricing.manifest import MANIFEST_NAME

ENV_DIR = "PLANNER_PRICES_DIR"
ENV_CHOICE = "PLANNER_PRICE_BOOK"
UPDATE_NAME = "UPDATE.json"
CHOICES = ("auto", "bundled", "cache")
MAX_UPDATE_BYTES = 10_000_000  # a refresh of every region and service writes well under 1 MB


def prices_root() -> Path:
    """Where refreshed price books live (``$PLANNER_PRICES_DIR``, else the user's data folder)."""
    configured = os.environ.get(ENV_DIR)
    if configured:
        return Path(configured)
    import platformdirs

    return platformdirs.user_data_path("planner", appauthor=False) / "prices"


def current_folder() -> Path | None:
    """The installed refreshed book, or None when there is none."""
    folder = prices_root() / "current"
    return folder if (folder / MANIFEST_NAME).is_file() else None


def choice() -> str:
    """``auto``, ``bundled``, ``cache`` or a folder path, as configured."""
    value = os.environ.get(ENV_CHOICE, "auto").strip() or "auto"
    if value not in CHOICES and not Path(value).is_dir():
        raise PlannerError(f"price book {value!r}: use auto, bundled, cache or a price-table folder")
    return value


def book_folder() -> tuple[Path | None, str]:
    """The folder of the book plans use under :func:`choice` (None: the bundled tables) and how reports name it.
    Whether it validates is found out on loading (:func:`planner.pricing.book.default_book`): under ``auto`` a
    cache that does not is never used, and a warning says why; ``cache`` fails instead."""
    chosen = choice()
    if chosen == "bundled":
        return None, "bundled"
    if chosen not in CHOICES:
        return Path(chosen), f"price tables {chosen}"
    folder = current_folder()
    if folder is None:
        if chosen == "cache":
            raise PlannerError(f"price book cache: no refreshed price book in {prices_root()}; run planner prices "
                               "update first")
        return None, "bundled"
    return folder, cache_label(folder)


def cache_label(folder: Path) -> str:
    """How reports name the refreshed book in ``folder``: ``price cache (updated YYYY-MM-DD)``."""
    updated = read_update(folder).get("updated_at", "")[:10]
    return f"price cache (updated {updated})" if updated else "price cache"


def read_update(folder: Path) -> dict[str, Any]:
    """A refreshed book's provenance (empty when it has none), as :func:`well_formed_update` keeps it: only
    provenance, never trusted for prices (those are the manifest-checked tables), so a malformed file is read as
    far as it is well formed rather than stopping every plan."""
    path = folder / UPDATE_NAME
    if not path.is_file():
        return {}
    try:
        return well_formed_update(json.loads(read_limited(path, MAX_UPDATE_BYTES, "provenance file")))
    except (InputFileError, ValueError, RecursionError):
        return {}


def well_formed_update(doc: object) -> dict[str, Any]:
    """The fields of an ``UPDATE.json`` document that have the types ``planner prices update`` writes: text
    ``updated_at`` and ``base``, ``sources`` as objects (text fields, whole counts of ``rows``, ``items`` and
    ``unknown_skus``, a list of text ``regions``), ``kept`` as text lines; anything else is dropped."""
    if not isinstance(doc, dict):
        return {}
    out: dict[str, Any] = {k: doc[k] for k in ("updated_at", "base") if isinstance(doc.get(k), str)}
    sources = doc.get("sources")
    out["sources"] = [_source(s) for s in sources if isinstance(s, dict)] if isinstance(sources, list) else []
    kept = doc.get("kept")
    out["kept"] = [k for k in kept if isinstance(k, str)] if isinstance(kept, list) else []
    return out


def _source(s: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {k: v for k, v in s.items() if isinstance(k, str) and isinstance(v, str)}
    out.update({k: s[k] for k in ("rows", "items", "unknown_skus")
                if isinstance(s.get(k), int) and not isinstance(s.get(k), bool)})
    regions = s.get("regions")
    if isinstance(regions, list):
        out["regions"] = [r for r in regions if isinstance(r, str)]
    return out


def install(new: Path) -> Path:
    """Swap the finished book ``new`` in as ``current``; the one it replaces becomes ``previous``."""
    root = prices_root()
    current, previous = root / "current", root / "previous"
    if previous.exists():
        shutil.rmtree(previous)
    if current.exists():
        os.replace(current, previous)
    os.replace(new, current)
    return current
