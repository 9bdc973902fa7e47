"""``MANIFEST.csv``: the list of price tables with their kind, provenance and checksum.

Columns: ``file`` (path below the price-table folder), ``cloud``, ``kind`` (see
:mod:`planner.pricing.schema`), ``rows``, ``sha256`` of the file's bytes,
``prices_as_of`` (newest ``prices_as_of`` in the table), ``oldest_prices_as_of``
and ``sources`` (the ``source_id`` values the table cites, ``;``-separated).
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pandas as pd

MANIFEST_NAME = "MANIFEST.csv"
MANIFEST_COLUMNS = ["file", "cloud", "kind", "rows", "sha256", "prices_as_of", "oldest_prices_as_of", "sources"]


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def manifest_row(folder: Path, file: str, cloud: str, kind: str) -> dict[str, object]:
    """Describe one written table: row count, checksum, price dates and cited sources."""
    data = (folder / file).read_bytes()
    df = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
    dates = sorted(d for d in df.get("prices_as_of", pd.Series(dtype=str)) if d)
    sources = sorted(set(df["source_id"])) if "source_id" in df and kind != "sources" else []
    return {
        "file": file,
        "cloud": cloud,
        "kind": kind,
        "rows": len(df),
        "sha256": sha256_hex(data),
        "prices_as_of": dates[-1] if dates else "",
        "oldest_prices_as_of": dates[0] if dates else "",
        "sources": ";".join(sources),
    }


def write_manifest(folder: Path, files: dict[str, tuple[str, str]]) -> Path:
    """Write ``MANIFEST.csv`` for ``files`` (path -> (cloud, kind)) found in ``folder``."""
    rows = [manifest_row(folder, f, cloud, kind) for f, (cloud, kind) in sorted(files.items())]
    path = folder / MANIFEST_NAME
    pd.DataFrame(rows, columns=MANIFEST_COLUMNS).to_csv(path, index=False, lineterminator="\n")
    return path
