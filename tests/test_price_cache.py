"""The on-disk price-book cache: used when it matches, rebuilt when anything changes, harmless when broken."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from planner.plan import make_plan
from planner.pricing import cache
from planner.pricing.book import PriceBook, remember
from planner.pricing.loader import bundled_folder
from planner.workload import Workload


@pytest.fixture()
def cache_in(tmp_path, monkeypatch):
    monkeypatch.setenv("PLANNER_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def _fresh_book(key: str) -> PriceBook:
    book = PriceBook.load()
    book.cache_key = key
    return book


def test_a_saved_book_is_read_back_with_what_it_derived(cache_in):
    key = cache.fingerprint(Path(str(bundled_folder())))
    book = _fresh_book(key)
    assert cache.save(book)
    plan = make_plan(Workload(peak_rps=300), book)
    remember(book)
    again = cache.load(key)
    assert again is not None and again.cached_memo_size > 0
    assert set(again._memo) == {k for k in book._memo if k[0] not in book.TRANSIENT_MEMO}
    # the same numbers from the cached book, without rebuilding a single derived table it keeps on disk
    def kept() -> set:
        return {k for k in again._memo if k[0] not in again.TRANSIENT_MEMO}

    before = kept()
    assert make_plan(Workload(peak_rps=300), again).recommended.monthly_usd == plan.recommended.monthly_usd
    assert kept() == before
    assert not cache.save(again)  # nothing new: not rewritten


def test_any_change_to_the_tables_changes_the_key(tmp_path):
    src = Path(str(bundled_folder()))
    copy = tmp_path / "pricing_data"
    shutil.copytree(src, copy)
    key = cache.fingerprint(copy)
    table = copy / "aws" / "regions.csv"
    os.utime(table, ns=(table.stat().st_atime_ns, table.stat().st_mtime_ns + 1_000_000))  # a table touched
    touched = cache.fingerprint(copy)
    assert touched != key
    (copy / "MANIFEST.csv").write_bytes((copy / "MANIFEST.csv").read_bytes() + b"\n")  # the manifest edited
    assert cache.fingerprint(copy) not in (key, touched)
    assert cache.fingerprint(tmp_path / "nowhere") is None


def test_a_broken_cache_file_is_ignored(cache_in):
    cache_in.mkdir()
    (cache_in / "pricebook-abc.pickle").write_bytes(b"not a pickle")
    assert cache.load("abc") is None
    import pickle

    (cache_in / "pricebook-abc.pickle").write_bytes(pickle.dumps({"not": "a book"}))
    assert cache.load("abc") is None


def test_an_unwritable_or_disabled_cache_is_ignored(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("PLANNER_CACHE_DIR", str(blocker / "sub"))  # a folder under a file: cannot be made
    assert not cache.save(_fresh_book("k"))
    monkeypatch.setenv("PLANNER_CACHE_DIR", "off")
    assert cache.cache_dir() is None and not cache.save(_fresh_book("k")) and cache.load("k") is None


def test_only_the_current_book_is_kept(cache_in):
    assert cache.save(_fresh_book("old"))
    assert cache.save(_fresh_book("new"))
    assert sorted(p.name for p in cache_in.iterdir()) == ["pricebook-new.pickle"]


def test_a_plan_in_a_new_region_does_not_rewrite_the_cache(cache_in):
    key = cache.fingerprint(Path(str(bundled_folder())))
    book = _fresh_book(key)
    make_plan(Workload(peak_rps=300, region="us-east-1"), book)
    assert cache.save(book)
    written = (cache_in / f"pricebook-{key}.pickle").stat().st_mtime_ns
    make_plan(Workload(peak_rps=300, region="eu-west-1"), book)  # new per-region tier lookups only
    assert not cache.save(book)
    assert (cache_in / f"pricebook-{key}.pickle").stat().st_mtime_ns == written
