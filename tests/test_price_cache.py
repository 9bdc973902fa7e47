"""The on-disk price-book cache: used when it matches, rebuilt when anything changes, harmless when broken."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from planner.plan.model import make_plan
from planner.pricing import cache
from planner.pricing.book import PriceBook, remember
from planner.pricing.loader import bundled_folder
from planner.workload.model import Workload


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
    again = cache.load(key, PriceBook)
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
    assert cache.load("abc", PriceBook) is None
    import pickle

    (cache_in / "pricebook-abc.pickle").write_bytes(pickle.dumps({"not": "a book"}))
    assert cache.load("abc", PriceBook) is None


def test_an_unwritable_or_disabled_cache_is_ignored(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("PLANNER_CACHE_DIR", str(blocker / "sub"))  # a folder under a file: cannot be made
    assert not cache.save(_fresh_book("k"))
    monkeypatch.setenv("PLANNER_CACHE_DIR", "off")
    assert cache.cache_dir() is None and not cache.save(_fresh_book("k")) and cache.load("k", PriceBook) is None


def test_only_the_current_book_is_kept(cache_in):
    assert cache.save(_fresh_book("old"))
    assert cache.save(_fresh_book("new"))
    assert sorted(p.name for p in cache_in.iterdir()) == ["cache.key", "pricebook-new.pickle"]


def test_a_plan_in_a_new_region_does_not_rewrite_the_cache(cache_in):
    key = cache.fingerprint(Path(str(bundled_folder())))
    book = _fresh_book(key)
    make_plan(Workload(peak_rps=300, region="us-east-1"), book)
    assert cache.save(book)
    written = (cache_in / f"pricebook-{key}.pickle").stat().st_mtime_ns
    make_plan(Workload(peak_rps=300, region="eu-west-1"), book)  # new per-region tier lookups only
    assert not cache.save(book)
    assert (cache_in / f"pricebook-{key}.pickle").stat().st_mtime_ns == written


def _saved(cache_in) -> tuple[str, Path]:
    key = "aws-" + cache.fingerprint(Path(str(bundled_folder())))
    book = PriceBook.load(clouds=["aws"])
    book.cache_key = key
    make_plan(Workload(peak_rps=300), book)
    assert cache.save(book)
    return key, cache_in / f"pricebook-{key}.pickle"


def test_a_price_edited_in_the_cache_is_refused_and_rebuilt(cache_in, capsys):
    # every 0.068 changed to 0.0068 in place: the plan billed a c6g.large at a tenth of its price, exit 0
    key, path = _saved(cache_in)
    data = path.read_bytes()
    assert b"0.068" in data
    path.write_bytes(data.replace(b"0.068", b"0.0068"))
    assert cache.load(key, PriceBook) is None
    assert "failed its integrity check" in capsys.readouterr().err
    assert not path.exists()  # deleted, to be rebuilt


def test_a_truncated_or_foreign_cache_is_never_used(cache_in, capsys):
    key, path = _saved(cache_in)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    assert cache.load(key, PriceBook) is None
    key, path = _saved(cache_in)
    # a file someone wrote without this account's key: a pickle of their choosing behind a made-up MAC
    import pickle

    forged = pickle.dumps(PriceBook.load(clouds=["aws"]))
    path.write_bytes(cache.MAGIC + b"\0" * 32 + forged)
    assert cache.load(key, PriceBook) is None
    assert capsys.readouterr().err.count("failed its integrity check") == 2
    path.write_bytes(forged)  # no header at all: another format, rebuilt
    assert cache.load(key, PriceBook) is None and not path.exists()


@pytest.mark.skipif(os.name != "posix", reason="file modes")
def test_a_key_others_can_read_switches_the_cache_off(cache_in):
    key, path = _saved(cache_in)
    assert cache.load(key, PriceBook) is not None
    (cache_in / cache.KEY_NAME).chmod(0o644)  # another account could forge files: not trusted
    assert cache.load(key, PriceBook) is None
    (cache_in / cache.KEY_NAME).chmod(0o600)
    assert cache.load(key, PriceBook) is not None
