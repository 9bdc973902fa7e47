"""Build a refreshed price book: a copy of the book in use with some rows replaced, its manifest rewritten,
validated by the loader, written beside the cache and swapped in only when whole and valid."""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from planner.base.errors import PriceTableError
from planner.pricing.loader import Folder, read_manifest
from planner.pricing.manifest import write_manifest
from planner.pricing.update.fetch import UpdateError
from planner.pricing.user_cache import UPDATE_NAME, install, prices_root, read_update


@dataclass
class Refresh:
    """Fresh rows of one cloud's table kind that replace the rows of the same regions (and ``service`` /
    ``option`` where given), with the ``sources`` row they cite and their provenance."""

    cloud: str
    kind: str
    rows: pd.DataFrame
    regions: Sequence[str]
    source_row: dict[str, str]
    provenance: dict[str, Any]
    # which rows of those regions the fresh ones replace: a column's value, or one of several
    match: dict[str, str | tuple[str, ...]] = field(default_factory=dict)  # {"service": "vm", "option": "on_demand"}
    # replace only the rows whose values of these columns the fresh rows have (e.g. region and SKU); keep the others
    only_priced: tuple[str, ...] = ()


def retrieval_source(source_id: str, path: str, retrieved: dt.datetime, regions: Sequence[str],
                     what: str) -> dict[str, str]:
    """The ``sources`` table row a refresh's prices cite: where they were read, the day, and the regions and
    prices read (``what``)."""
    day = retrieved.date().isoformat()
    return {"source_id": source_id, "repo": "", "commit": "", "path": path, "data_date_min": day,
            "data_date_max": day,
            "notes": f"retrieved {retrieved.isoformat(timespec='seconds')} for {', '.join(regions)}: {what}"}


def build_and_install(base: Folder, refreshes: Sequence[Refresh], base_label: str,
                      kept: Sequence[str] = (), prepare: Callable[[Path], None] | None = None) -> Path:
    """Copy ``base`` with ``refreshes`` applied into a new folder beside the cache, validate it, install it;
    an :class:`UpdateError` (and the cache untouched) when it does not validate or cannot be written. ``kept``
    (what the answer did not bring, one line each) goes into ``UPDATE.json``. ``prepare`` is called on the
    validated folder before it is installed (``planner prices update`` packs its books there: a failure is said
    and the book installed without them, to be derived on first use)."""
    root = prices_root()
    try:
        root.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".update-", dir=root))
    except OSError as e:
        raise UpdateError(f"price cache {root}: cannot write there ({e.strerror or e})") from None
    try:
        _write(base, refreshes, tmp, base_label, kept)
        from planner.pricing.book import PriceBook

        try:
            PriceBook.load(tmp)
        except PriceTableError as e:
            raise UpdateError("the refreshed price book does not validate, so it was not installed:\n"
                              + "\n".join(f"  - {p}" for p in e.problems[:10])) from None
        if prepare is not None:
            prepare(tmp)
        return install(tmp)
    except OSError as e:
        shutil.rmtree(tmp, ignore_errors=True)
        raise UpdateError(f"price cache {root}: cannot write the refreshed book ({e.strerror or e}); the "
                          "previous one stays") from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _write(base: Folder, refreshes: Sequence[Refresh], out: Path, base_label: str, kept_lines: Sequence[str]) -> None:
    manifest = read_manifest(base)
    owners = [_owners(base, manifest, r) for r in refreshes]
    files: dict[str, tuple[str, str]] = {}
    for row in manifest.itertuples(index=False):
        data = base.joinpath(row.file).read_bytes()
        mine = [r for r in refreshes if r.cloud == row.cloud and r.kind == row.kind]
        sources = [r for r in refreshes if r.cloud == row.cloud] if row.kind == "sources" else []
        if mine or sources:
            table = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
            for r, owner in zip(refreshes, owners):
                if any(r is m for m in mine):
                    table = _replace(table, r, {region for region, f in owner.items() if f == row.file})
            for r in sources:
                table = pd.concat([table[table.source_id != r.source_row["source_id"]],
                                   pd.DataFrame([r.source_row])], ignore_index=True)
            data = table.to_csv(index=False, lineterminator="\n").encode("utf-8")
        target = out / row.file
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        files[row.file] = (row.cloud, row.kind)
    write_manifest(out, files)
    previous = read_update(base) if isinstance(base, Path) else {}

    def what(cloud: Any, kind: Any, provenance: dict[str, Any], regions: Any) -> tuple[Any, ...]:
        return cloud, kind, provenance.get("service"), provenance.get("options"), tuple(regions or ())

    done = {what(r.cloud, r.kind, r.provenance, r.regions) for r in refreshes}
    kept = [s for s in previous.get("sources", []) if what(s.get("cloud"), s.get("kind"), s, s.get("regions"))
            not in done]
    doc = {"updated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "base": base_label,
           "sources": kept + [{"cloud": r.cloud, "kind": r.kind, "regions": list(r.regions), **r.provenance}
                              for r in refreshes],
           "kept": list(kept_lines)}
    (out / UPDATE_NAME).write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")


def _hits(table: pd.DataFrame, r: Refresh) -> pd.Series:
    hit = table.region.isin(list(r.regions))
    for column, value in r.match.items():
        hit &= table[column].isin(value if isinstance(value, tuple) else (value,))
    if r.only_priced:
        priced = set(zip(*(r.rows[c].fillna("").astype(str) for c in r.only_priced)))
        hit &= pd.Series([k in priced for k in zip(*(table[c] for c in r.only_priced))], index=table.index)
    return hit


def _owners(base: Folder, manifest: pd.DataFrame, r: Refresh) -> dict[str, str]:
    """Which file of the refreshed kind takes each refreshed region: the one that held its rows, else the
    first."""
    files = manifest[(manifest.cloud == r.cloud) & (manifest.kind == r.kind)].file.tolist()
    if not files:
        raise UpdateError(f"the price book has no {r.cloud} {r.kind} table to refresh")
    owner = {region: files[0] for region in r.regions}
    for f in files:
        table = pd.read_csv(io.BytesIO(base.joinpath(f).read_bytes()), dtype=str, keep_default_na=False)
        for region in set(table.region[_hits(table, r)]):
            owner[region] = f
    return owner


def _replace(table: pd.DataFrame, r: Refresh, regions: set[str]) -> pd.DataFrame:
    """``table`` (one file of the refreshed kind) without the refreshed rows, with the fresh rows of
    ``regions`` (those this file takes)."""
    hit = _hits(table, r)
    fresh = r.rows[r.rows.region.isin(regions)].astype(str).replace({"nan": ""})
    return pd.concat([table[~hit], fresh[table.columns]], ignore_index=True).sort_values(
        list(table.columns[:3])).reset_index(drop=True)
