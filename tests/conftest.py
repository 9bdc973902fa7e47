"""Shared fixtures: the bundled price book and small, valid price-table folders to break."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from planner.pricing import PriceBook, default_book
from planner.pricing.loader import bundled_folder
from planner.pricing.manifest import write_manifest

MINI_REGIONS = ["us-east-1", "eu-west-1"]

# the price-book cache of this test run lives in a folder of its own (subprocesses inherit it), never the user's
os.environ.setdefault("PLANNER_CACHE_DIR", tempfile.mkdtemp(prefix="planner-test-cache-"))


@pytest.fixture(scope="session")
def book() -> PriceBook:
    return default_book()


@pytest.fixture(scope="session")
def bundled_dir() -> Path:
    return Path(str(bundled_folder()))


@pytest.fixture()
def mini_tables(tmp_path: Path, bundled_dir: Path) -> Callable[[], Path]:
    """A small valid price-table folder (two AWS regions) in tmp_path; call it to get the path.

    Tests edit a table with :func:`edit_table` and get a fresh manifest, so a
    failure is about the content they broke, not about a stale checksum.
    """
    out = tmp_path / "prices"
    (out / "aws").mkdir(parents=True)
    manifest = pd.read_csv(bundled_dir / "MANIFEST.csv", dtype=str, keep_default_na=False)
    manifest = manifest[manifest.cloud == "aws"]
    for row in manifest.itertuples():
        src = bundled_dir / row.file
        if row.kind in ("instance_prices", "service_prices"):
            df = pd.read_csv(src, dtype=str, keep_default_na=False)
            df = df[df.region.isin([*MINI_REGIONS, "global"])]
            if row.kind == "instance_prices":
                df = df[df.sku.str.match(r"^(db\.|cache\.)?(m5|t3|r6g)\.")]
            df.to_csv(out / row.file, index=False, lineterminator="\n")
        else:
            shutil.copy(src, out / row.file)
    manifest.to_csv(out / "MANIFEST.csv", index=False, lineterminator="\n")
    refresh_manifest(out)
    return lambda: out


def refresh_manifest(folder: Path) -> None:
    manifest = pd.read_csv(folder / "MANIFEST.csv", dtype=str, keep_default_na=False)
    write_manifest(folder, {r.file: (r.cloud, r.kind) for r in manifest.itertuples()})


def edit_table(folder: Path, file: str, edit: Callable[[pd.DataFrame], pd.DataFrame]) -> None:
    """Apply ``edit`` to one table (all values as text) and refresh the manifest."""
    path = folder / file
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    edit(df).to_csv(path, index=False, lineterminator="\n")
    refresh_manifest(folder)
