"""The user's on-disk price-book cache: used when it matches, rebuilt when anything changes, harmless when broken,
never thrashed by two installs."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from planner.plan.model import make_plan
from planner.pricing import cache
from planner.pricing.book import PACK_CLASSES, PriceBook, remember
from planner.pricing.loader import bundled_folder
from planner.workload.model import Workload


@pytest.fixture()
def cache_in(tmp_path, monkeypatch):
    monkeypatch.setenv("PLANNER_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def _bundled() -> Path:
    return Path(str(bundled_folder()))


def _fresh_book(key: str | None = None) -> PriceBook:
    book = PriceBook.load(clouds=["aws"])
    book.cache_key = key or cache.fingerprint(_bundled(), "aws")
    return book


def test_a_saved_book_is_read_back_with_what_it_derived(cache_in):
    book = _fresh_book()
    plan = make_plan(Workload(peak_rps=300), book)
    remember(book)
    state = cache.load(book.cache_key, PACK_CLASSES)
    assert state is not None
    again = PriceBook.from_state(state)
    assert set(again._memo) == {k for k in book._memo if k[0] not in book.TRANSIENT_MEMO}
    assert again.kept_memo_size() > 10
    again.cached_memo_size = again.kept_memo_size()
    # the same numbers from the cached book, without rebuilding a single derived table it keeps on disk
    before = again.kept_memo_size()
    assert make_plan(Workload(peak_rps=300), again).recommended.monthly_usd == plan.recommended.monthly_usd
    assert again.kept_memo_size() == before
    written = (cache_in / f"pricebook-{book.cache_key}.pack").stat().st_mtime_ns
    remember(again)  # nothing new: not rewritten
    assert (cache_in / f"pricebook-{book.cache_key}.pack").stat().st_mtime_ns == written


def test_any_change_to_the_tables_changes_the_key(tmp_path):
    copy = tmp_path / "pricing_data"
    shutil.copytree(_bundled(), copy)
    key, content = cache.fingerprint(copy, "aws"), cache.content_key(copy, "aws")
    assert key.startswith("aws-") and cache.fingerprint(copy, "gcp").startswith("gcp-")
    table = copy / "aws" / "regions.csv"
    os.utime(table, ns=(table.stat().st_atime_ns, table.stat().st_mtime_ns + 1_000_000))  # a table touched
    touched = cache.fingerprint(copy, "aws")
    assert touched != key
    # a packed book's key is the tables' content and planner's code, not when a file was written: every
    # install of one wheel reads its packs
    assert cache.content_key(copy, "aws") == content
    (copy / "MANIFEST.csv").write_bytes((copy / "MANIFEST.csv").read_bytes() + b"\n")  # the manifest edited
    assert cache.fingerprint(copy, "aws") not in (key, touched)
    assert cache.content_key(copy, "aws") != content
    table.write_bytes(table.read_bytes() + b"\n")  # a table edited in place, its manifest not
    assert cache.content_key(copy, "aws") not in (content, None)
    assert cache.fingerprint(tmp_path / "nowhere") is None and cache.content_key(tmp_path / "nowhere") is None


def test_a_broken_cache_file_is_ignored(cache_in):
    cache_in.mkdir()
    (cache_in / "pricebook-aws-abc.pack").write_bytes(b"not a pack")
    assert cache.load("aws-abc", PACK_CLASSES) is None
    assert not (cache_in / "pricebook-aws-abc.pack").exists()  # another format: removed, to be rebuilt


def test_an_unwritable_or_disabled_cache_is_ignored(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("PLANNER_CACHE_DIR", str(blocker / "sub"))  # a folder under a file: cannot be made
    book = _fresh_book("aws-k")
    assert not cache.save(book.cache_key, book.state())
    monkeypatch.setenv("PLANNER_CACHE_DIR", "off")
    assert cache.cache_dir() is None and not cache.save("aws-k", book.state())
    assert cache.load("aws-k", PACK_CLASSES) is None


def test_two_installs_keep_their_books_and_old_pickles_go(cache_in):
    # two virtualenvs of different versions planning in turn used to delete each other's cache every run
    state = _fresh_book().state()
    cache_in.mkdir()
    (cache_in / "pricebook-aws-0123.pickle").write_bytes(b"an older planner's cache, unused for a month")
    month_ago = time.time() - 30 * 86_400
    os.utime(cache_in / "pricebook-aws-0123.pickle", (month_ago, month_ago))
    (cache_in / "pricebook-aws-4567.pickle").write_bytes(b"an older planner's cache, still in use")
    for key in ("aws-one", "aws-two", "gcp-one", "aws-three", "aws-one"):
        assert cache.save(key, state)
    names = sorted(p.name for p in cache_in.iterdir())
    assert names == ["cache.key", "pricebook-aws-4567.pickle", "pricebook-aws-one.pack", "pricebook-aws-three.pack",
                     "pricebook-aws-two.pack", "pricebook-gcp-one.pack"]
    assert cache.save("aws-four", state)  # a fourth key: the least recently written of aws goes
    assert not (cache_in / "pricebook-aws-two.pack").exists() and (cache_in / "pricebook-gcp-one.pack").exists()


def test_a_plan_in_a_new_region_does_not_rewrite_the_cache(cache_in):
    book = _fresh_book()
    make_plan(Workload(peak_rps=300, region="us-east-1"), book)
    remember(book)
    path = cache_in / f"pricebook-{book.cache_key}.pack"
    written = path.stat().st_mtime_ns
    make_plan(Workload(peak_rps=300, region="eu-west-1"), book)  # new per-region tier lookups only
    remember(book)
    assert path.stat().st_mtime_ns == written


def _saved(cache_in) -> tuple[str, Path]:
    book = _fresh_book()
    make_plan(Workload(peak_rps=300), book)
    remember(book)
    return book.cache_key, cache_in / f"pricebook-{book.cache_key}.pack"


def test_a_price_edited_in_the_cache_is_refused_and_rebuilt(cache_in, capsys):
    # a byte of the packed prices changed in place: without the HMAC, the member's SHA-256 in the index could be
    # rewritten too, and a plan would bill at prices nobody published
    key, path = _saved(cache_in)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    assert cache.load(key, PACK_CLASSES) is None
    assert "failed its integrity check" in capsys.readouterr().err
    assert not path.exists()  # deleted, to be rebuilt


def test_a_truncated_or_foreign_cache_is_never_used(cache_in, capsys):
    key, path = _saved(cache_in)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    assert cache.load(key, PACK_CLASSES) is None
    key, path = _saved(cache_in)
    # a file someone wrote without this account's key: a valid pack of their choosing behind a made-up MAC
    from planner.pricing.packed import pack

    forged = pack(_fresh_book().state(), key)
    path.write_bytes(cache.MAGIC + b"\0" * 32 + forged)
    assert cache.load(key, PACK_CLASSES) is None
    assert capsys.readouterr().err.count("failed its integrity check") == 2
    path.write_bytes(forged)  # no header at all: another format, rebuilt
    assert cache.load(key, PACK_CLASSES) is None and not path.exists()


@pytest.mark.skipif(os.name != "posix", reason="file modes")
def test_a_key_others_can_read_switches_the_cache_off(cache_in):
    key, path = _saved(cache_in)
    assert cache.load(key, PACK_CLASSES) is not None
    (cache_in / cache.KEY_NAME).chmod(0o644)  # another account could forge files: not trusted
    assert cache.load(key, PACK_CLASSES) is None
    (cache_in / cache.KEY_NAME).chmod(0o600)
    assert cache.load(key, PACK_CLASSES) is not None
