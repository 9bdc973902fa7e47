"""Price books packed ahead of use: an exact copy of the loaded book in a format that cannot run code, read at
start-up instead of parsing the tables and deriving the candidate tables (issue 28, item 1)."""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from planner.plan.model import make_plan
from planner.pricing import book as book_module
from planner.pricing import cache
from planner.pricing.book import PACK_CLASSES, PriceBook, packed_path
from planner.pricing.loader import bundled_folder
from planner.pricing.packed import OtherKey, PackError, pack, unpack
from planner.running.book_build import build_packs, derive_defaults
from planner.running.calibration import load_references
from planner.running.uncertainty.plans import make_uncertain_plan
from planner.running.uncertainty.ranges import uncertain_from_dict
from planner.workload.model import Workload

REPO = Path(__file__).resolve().parents[1]
REGION = {"aws": "us-east-1", "gcp": "us-central1", "azure": "eastus"}


def _same(a: object, b: object, where: str = "state") -> None:
    """``a`` and ``b`` equal in value, type and dtype, all the way down."""
    assert type(a) is type(b), where
    if isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(a, b, check_exact=True)
        assert type(a.index) is type(b.index) and a.index.dtype == b.index.dtype, where
        assert list(a.dtypes) == list(b.dtypes), where
    elif isinstance(a, np.ndarray):
        assert a.dtype == b.dtype and a.shape == b.shape, where
        assert np.array_equal(a, b, equal_nan=a.dtype.kind == "f"), where
    elif isinstance(a, dict):
        assert list(a) == list(b), where
        for k in a:
            _same(a[k], b[k], f"{where}[{k!r}]")
    elif isinstance(a, (tuple, list)):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b)):
            _same(x, y, f"{where}[{i}]")
    elif hasattr(a, "__dict__"):
        _same(vars(a), vars(b), where)
    else:
        assert a == b or (a != a and b != b), (where, a, b)


@pytest.fixture(scope="module")
def derived_books() -> dict[str, PriceBook]:
    books = {}
    for cloud in ("aws", "gcp", "azure"):
        book = PriceBook.load(clouds=[cloud])
        derive_defaults(book, cloud)
        books[cloud] = book
    return books


@pytest.mark.parametrize("cloud", ["aws", "gcp", "azure"])
def test_a_packed_book_reads_back_exactly(derived_books, cloud):
    state = derived_books[cloud].state()
    data = pack(state, f"{cloud}-key")
    back = unpack(data, f"{cloud}-key", PACK_CLASSES)
    _same(state, back)
    # the derived tables: every candidate table of the default policy, and the lookups built from the prices
    assert {k[0] for k in back["_memo"]} >= {"instance_candidates", "database_candidates", "cache_candidates",
                                              "pruned_fleet", "dr_class_prices", "most_capacity"}
    assert {"_instance_index", "instance_arrays"} <= set(back)
    assert len(data) < 8e6  # zstd columns: a pickle of the same state is 20-47 MB


def test_a_pack_names_its_source_and_refuses_others():
    data = pack({"x": 1.5, "inf": float("inf"), "t": (1, "a", None, True)}, "aws-one")
    assert unpack(data, "aws-one", {}) == {"x": 1.5, "inf": float("inf"), "t": (1, "a", None, True)}
    assert unpack(data, None, {})["t"] == (1, "a", None, True)
    with pytest.raises(OtherKey):
        unpack(data, "aws-two", {})


@pytest.mark.parametrize("value, message", [
    (np.array([1, "a"], dtype=object), "other than text"),
    (pd.DataFrame({"c": np.array([1.0, "x"], dtype=object)}), "other than text"),
    ({1, 2}, "a set cannot be packed"),
    (np.array(["2026-01-01"], dtype="datetime64[D]"), "cannot be packed"),
    (lambda: 1, "cannot be packed"),
])
def test_what_a_pack_cannot_hold_is_refused_by_name(value, message):
    with pytest.raises(PackError, match=message):
        pack({"v": value}, "k")


def _rewritten(data: bytes, change) -> bytes:
    """``data`` with its index (a dict) changed by ``change`` and its members kept."""
    src = zipfile.ZipFile(io.BytesIO(data))
    index = json.loads(src.read("index.json"))
    change(index)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("index.json", json.dumps(index))
        for info in src.infolist():
            if info.filename != "index.json":
                z.writestr(info.filename, src.read(info.filename))
    return out.getvalue()


def test_hostile_packs_are_refused_without_running_anything():
    data = pack({"frame": pd.DataFrame({"a": [1.0, 2.0]}), "arr": np.arange(3)}, "k")
    # a class the reader does not name: never looked up, never called
    evil = _rewritten(data, lambda ix: ix["state"]["$dict"].append(
        ["x", {"$object": "os.system", "state": {"$dict": []}}]))
    with pytest.raises(PackError, match="class planner does not read"):
        unpack(evil, "k", PACK_CLASSES)
    # a member changed behind its SHA-256
    src = zipfile.ZipFile(io.BytesIO(data))
    name = next(n for n in src.namelist() if n != "index.json")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for n in src.namelist():
            z.writestr(n, src.read(n) if n != name else src.read(n)[:-8] + b"\0" * 8)
    with pytest.raises(PackError, match="fails its SHA-256"):
        unpack(out.getvalue(), "k", {})
    # an object dtype slipped in as an array's dtype; a member the index does not list; junk
    with pytest.raises(PackError, match="malformed"):
        unpack(_rewritten(data, lambda ix: ix["state"]["$dict"][1][1].update(dtype="|O")), "k", {})
    with pytest.raises(PackError, match="does not list"):
        unpack(_rewritten(data, lambda ix: ix["members"].clear()), "k", {})
    for junk in (b"", b"PK\x03\x04 not a zip", data[: len(data) // 2]):
        with pytest.raises(PackError):
            unpack(junk, "k", {})


@pytest.fixture(scope="module")
def packed_folder(tmp_path_factory) -> Path:
    """A copy of the bundled tables with their books packed, as the wheel build leaves them (not sealed)."""
    folder = tmp_path_factory.mktemp("book") / "pricing_data"
    shutil.copytree(Path(str(bundled_folder())), folder, ignore=shutil.ignore_patterns("derived"))
    written = build_packs(folder)
    assert sorted(p.name for p in written) == ["aws.pack", "azure.pack", "gcp.pack"]
    return folder


def _as_bundled(folder: Path, monkeypatch) -> None:
    """Plans read ``folder`` as the installed package's tables."""
    monkeypatch.setattr(book_module, "bundled_folder", lambda: folder)


def _no_tables(monkeypatch) -> None:
    def no_tables(*args, **kwargs):
        raise AssertionError("the price tables were read: the packed book was not used")

    monkeypatch.setattr(PriceBook, "load", classmethod(no_tables))


# what users plan, as a reviewer listed it: CDN, queue, object lifecycle, key-value, spot, tight RTO/RPO
VARIANTS = (
    {"peak_rps": 500, "data_size_gb": 100, "object_storage_gb": 500},
    {"peak_rps": 3000, "cdn": "always", "public": True, "cacheable_fraction": 0.6, "object_storage_gb": 50000},
    {"peak_rps": 200, "async_jobs_per_second": 100, "job_cpu_ms": 300},
    {"peak_rps": 200, "object_storage_gb": 5000, "object_storage_access": "archive", "object_cool_after_days": 90,
     "object_retention_days": 365},
    {"peak_rps": 2000, "data_model": "key_value", "data_size_gb": 50, "availability_target": 99.95},
    {"peak_rps": 20000, "purchase_option": "spot_mix", "availability_target": 99.95, "data_size_gb": 2000,
     "monthly_growth": 0.04},
    {"peak_rps": 0.5, "availability_target": 99.0, "rto_minutes": 1440, "rpo_minutes": 1440},
    {"peak_rps": 500, "rto_minutes": 5, "rpo_minutes": 1, "availability_target": 99.99},
    {"peak_rps": 500, "latency_target_ms": 80, "cacheable_fraction": 0.9},
    {"peak_rps": 40_000, "purchase_option": "optimise", "availability_target": 99.9},
)


@pytest.mark.parametrize("cloud", ["aws", "gcp", "azure"])
def test_a_packed_book_is_read_instead_of_the_tables_and_derives_nothing(packed_folder, cloud, tmp_path,
                                                                         monkeypatch, derived_books):
    cache_dir = tmp_path / "cache"
    monkeypatch.setenv("PLANNER_CACHE_DIR", str(cache_dir))
    _as_bundled(packed_folder, monkeypatch)
    _no_tables(monkeypatch)
    book = book_module._loaded(None, cloud, "pricing_data")
    kept = book.kept_memo_size()
    workloads = [Workload(**{"cloud": cloud, "region": REGION[cloud], **v}) for v in VARIANTS]
    if cloud == "aws":  # the calibration workloads: every architecture the hand derivations expect
        workloads += [r.workload for r in load_references(REPO / "tests" / "calibration")
                      if r.workload.cloud == "aws"]
    for w in workloads:
        packed_plan = make_plan(w, book)
        assert packed_plan.to_dict() == make_plan(w, derived_books[cloud]).to_dict()
    # a plan with ranges, whose tornado re-plans under each policy default halved and raised by half
    ranged = uncertain_from_dict({"cloud": cloud, "region": REGION[cloud], "peak_rps": {"low": 50, "high": 2000},
                                  "data_size_gb": {"low": 10, "high": 900}})
    make_uncertain_plan(ranged, samples=40, seed=1, book=book)
    assert book.kept_memo_size() == kept  # nothing derived at run time
    book_module.remember(book)
    assert not cache_dir.exists() or not list(cache_dir.glob("*.pack"))  # and nothing cached per install


def test_a_packed_books_instance_prices_are_decoded_only_when_asked_for(packed_folder, tmp_path, monkeypatch,
                                                                       derived_books):
    import pickle

    from planner.pricing.packed import Deferred

    monkeypatch.setenv("PLANNER_CACHE_DIR", str(tmp_path / "cache"))
    _as_bundled(packed_folder, monkeypatch)
    book = book_module._loaded(None, "aws", "pricing_data")
    assert isinstance(book.__dict__["instance_prices"], Deferred)
    tables = {k for k, v in book._memo.items() if isinstance(v, Deferred)}
    assert len(tables) > 10  # and every derived table, decoded when a plan first uses it
    make_plan(Workload(peak_rps=500), book)
    used = {k for k in tables if not isinstance(book._memo[k], Deferred)}
    assert used and used < tables
    for w in [Workload(**v) for v in VARIANTS]:  # plans read prices through the lookups and derived tables
        assert make_plan(w, book).to_dict() == make_plan(w, derived_books["aws"]).to_dict()
    assert isinstance(book.__dict__["instance_prices"], Deferred)
    state = book.state()  # what a pack or a copy keeps: decoded, the derived tables the tables give
    assert not any(isinstance(v, Deferred) for v in (*state.values(), *state["_memo"].values()))
    for k, v in derived_books["aws"].state()["_memo"].items():
        if k in state["_memo"]:
            _same(state["_memo"][k], v, str(k[0]))
    # asked for: decoded once, the very table the tables give
    _same(book.instance_prices, derived_books["aws"].instance_prices)
    assert book.__dict__["instance_prices"] is book.instance_prices
    assert book.instance_price("aws", "us-east-1", "ec2", "m5.large").hourly_usd == 0.096
    # decoding everything at once (before a copy is made)
    whole = book_module._loaded(None, "aws", "pricing_data")
    whole.decode_all()
    assert not any(isinstance(v, Deferred) for v in (whole.__dict__["instance_prices"], *whole._memo.values()))
    # a copy for another process (a Dask worker) carries the tables
    again = book_module._loaded(None, "aws", "pricing_data")
    copy = pickle.loads(pickle.dumps(again))
    assert isinstance(copy.__dict__["instance_prices"], pd.DataFrame) and len(copy.instance_prices) == 153_979


def test_a_batchs_workers_decode_what_they_use_and_price_as_the_tables_do(packed_folder, tmp_path, monkeypatch,
                                                                         derived_books):
    from planner.pricing.packed import Deferred
    from planner.running.batch import run_batch
    from planner.running.batch_input import read_batch

    monkeypatch.setenv("PLANNER_CACHE_DIR", str(tmp_path / "cache"))
    _as_bundled(packed_folder, monkeypatch)
    book = book_module._loaded(None, "aws", "pricing_data")
    rows = pd.DataFrame([{"name": f"v{i}", **v} for i, v in enumerate(VARIANTS)])
    path = tmp_path / "in.csv"
    rows.to_csv(path, index=False)
    inp = read_batch(path, book)
    assert inp.errors == []
    deferred = {k for k, v in book._memo.items() if isinstance(v, Deferred)}
    assert len(deferred) > 10
    forked = run_batch(inp, book, chunk_rows=3, workers=2)  # four chunks in two forked workers
    # the workers decoded what they used, each its own; the process that forked them decoded nothing
    assert isinstance(book.__dict__["instance_prices"], Deferred)
    assert {k for k, v in book._memo.items() if isinstance(v, Deferred)} == deferred
    tables = run_batch(read_batch(path, derived_books["aws"]), derived_books["aws"], chunk_rows=3, workers=1)
    pd.testing.assert_frame_equal(forked.options, tables.options)
    assert len(forked.options) == 5 * len(VARIANTS) and forked.options.recommended.sum() == len(VARIANTS)


@pytest.mark.parametrize("workers", [1, 2])
def test_a_packed_table_that_cannot_be_decoded_stops_a_batch_with_one_message(packed_folder, tmp_path, monkeypatch,
                                                                              workers):
    # not one row error per scenario, each decoding again: the book is at fault, not the rows
    from planner.base.errors import PlannerError
    from planner.pricing.packed import Deferred
    from planner.report.batch_files import price_and_write
    from planner.running.batch_input import read_batch

    monkeypatch.setenv("PLANNER_CACHE_DIR", str(tmp_path / "cache"))
    _as_bundled(packed_folder, monkeypatch)
    book = book_module._loaded(None, "aws", "pricing_data")
    path, out = tmp_path / "in.csv", tmp_path / "out.csv"
    pd.DataFrame([{"name": f"v{i}", **v} for i, v in enumerate(VARIANTS)]).to_csv(path, index=False)
    inp = read_batch(path, book)
    damaged = [v for v in book._memo.values() if isinstance(v, Deferred)]
    for table in damaged:  # as a pack damaged after its checksums were read
        table._data = b"not an Arrow stream"
    with pytest.raises(PlannerError, match="a table of this packed price book cannot be read") as raised:
        price_and_write(inp, book, out, chunk_rows=3, workers=workers)
    assert "\n" not in str(raised.value) and not out.exists() and not list(tmp_path.glob("*.part"))


def test_a_deferred_table_is_checked_when_the_pack_is_read(derived_books):
    data = pack(derived_books["aws"].state(), "k")
    src = zipfile.ZipFile(io.BytesIO(data))
    index = json.loads(src.read("index.json"))
    member = dict(index["state"]["$dict"])["instance_prices"]["$frame"]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for n in src.namelist():
            z.writestr(n, src.read(n) if n != member else src.read(n)[:-8] + b"\0" * 8)
    with pytest.raises(PackError, match=f"member {member} of the pack fails its SHA-256"):
        unpack(out.getvalue(), "k", PACK_CLASSES, deferred={"instance_prices"})
    # a deferred table whose index claims another length, or whose member is not Arrow (behind a SHA-256 its
    # index was given), is refused when it is decoded: in one line naming the file, met in the middle of a plan
    from planner.base.errors import PlannerError

    wrong = _rewritten(data, lambda ix: dict(ix["state"]["$dict"])["instance_prices"].update(rows=5))
    state = unpack(wrong, "k", PACK_CLASSES, deferred={"instance_prices"}, source="/x/aws.pack")
    with pytest.raises(PlannerError, match=r"^/x/aws.pack: a table of this packed price book cannot be read \(the "
                                           r"pack's index is malformed\); remove the file"):
        state["instance_prices"].value()
    # and a length that is no count is refused with the pack, where the tables are read instead
    for rows in (-1, "x", True):
        odd = _rewritten(data, lambda ix, rows=rows: dict(ix["state"]["$dict"])["instance_prices"].update(rows=rows))
        with pytest.raises(PackError, match="not a table"):
            PriceBook.from_state(unpack(odd, "k", PACK_CLASSES, deferred={"instance_prices", "_memo"}))


def _altered_pack(folder: Path, cloud: str) -> bytes:
    """A pack of ``folder``'s ``cloud`` with the right key and every instance price a tenth: what someone
    handing over a price folder could plant beside its tables."""
    book = PriceBook.load(folder, clouds=[cloud])
    book.instance_prices = book.instance_prices.assign(hourly_usd=book.instance_prices.hourly_usd / 10)
    return pack(book.state(), cache.content_key(folder, cloud))


def test_a_pack_outside_the_package_is_read_only_when_this_account_sealed_it(packed_folder, tmp_path, monkeypatch):
    folder = tmp_path / "handed-over"
    shutil.copytree(packed_folder, folder)
    monkeypatch.setenv("PLANNER_CACHE_DIR", str(tmp_path / "cache"))
    packed_path(folder, "aws").write_bytes(_altered_pack(folder, "aws"))
    # a folder given with --price-book: its tables are read and validated, the planted pack never
    book = book_module._loaded(folder, "aws", "x")
    assert book.instance_price("aws", "us-east-1", "ec2", "m5.large").hourly_usd == 0.096
    # sealed under another account's cache key: not read either
    state = _fresh_state(folder)
    monkeypatch.setenv("PLANNER_CACHE_DIR", str(tmp_path / "other-account"))
    cache.write_packed(packed_path(folder, "aws"), cache.content_key(folder, "aws"), state, signed=True)
    monkeypatch.setenv("PLANNER_CACHE_DIR", str(tmp_path / "cache-2"))
    _no_tables(monkeypatch)
    with pytest.raises(AssertionError, match="the price tables were read"):
        book_module._loaded(folder, "aws", "x")
    # sealed by this account (planner prices update does): read, and nothing is derived
    cache.write_packed(packed_path(folder, "aws"), cache.content_key(folder, "aws"), state, signed=True)
    book = book_module._loaded(folder, "aws", "x")
    assert book.instance_price("aws", "us-east-1", "ec2", "m5.large").hourly_usd == 0.096
    # and the package's own packs are not sealed: the installed files are trusted as its code is
    monkeypatch.setenv("PLANNER_CACHE_DIR", "off")
    _as_bundled(packed_folder, monkeypatch)
    assert book_module._loaded(None, "aws", "pricing_data").kept_memo_size() > 10


def _fresh_state(folder: Path) -> dict:
    book = PriceBook.load(folder, clouds=["aws"])
    derive_defaults(book, "aws")
    return book.state()


@pytest.mark.parametrize("state, message", [
    ({}, "missing"),
    ({"kept_memo_size": 3}, "unknown"),
    ({"manifest": "not a table"}, "manifest is a str, not a table"),
])
def test_a_state_that_is_not_a_books_is_refused(derived_books, state, message):
    good = derived_books["aws"].state()
    broken = {} if not state else {**good, **state}
    with pytest.raises(PackError, match=message):
        PriceBook.from_state(broken)
    assert "label" not in good and "cache_key" not in good  # where a book was read from is not packed


def test_a_deeply_nested_index_is_refused_as_a_bad_pack():
    nested = io.BytesIO()
    with zipfile.ZipFile(nested, "w") as z:
        z.writestr("index.json", '{"format": "planner-packed-book/1", "key": "k", "members": {}, "state": '
                   + '{"$list": [' * 200_000 + "]}" * 200_000 + "}")
    with pytest.raises(PackError):  # Python's recursion limit, as a bad pack rather than a traceback
        unpack(nested.getvalue(), "k", {})


def test_a_stale_or_broken_pack_falls_back_to_the_tables(packed_folder, tmp_path, monkeypatch, capsys):
    folder = tmp_path / "pricing_data"
    shutil.copytree(packed_folder, folder)
    monkeypatch.setenv("PLANNER_CACHE_DIR", "off")
    _as_bundled(folder, monkeypatch)
    # prices refreshed after the pack was written: its key no longer matches, silently unused
    manifest = folder / "MANIFEST.csv"
    manifest.write_bytes(manifest.read_bytes() + b"\n")
    assert cache.read_packed(packed_path(folder, "aws"), cache.content_key(folder, "aws"), PACK_CLASSES,
                             signed=False) is None
    assert capsys.readouterr().err == ""
    # a pack cut short: said once, and the tables are read
    shutil.copy(packed_folder / "MANIFEST.csv", manifest)
    path = packed_path(folder, "aws")
    path.write_bytes(path.read_bytes()[:100_000])
    book = book_module._loaded(None, "aws", "x")
    assert "cannot be used" in capsys.readouterr().err
    assert book.instance_price("aws", "us-east-1", "ec2", "m5.large").hourly_usd == 0.096


def test_the_users_cache_adds_to_a_pack_and_never_shadows_it(packed_folder, tmp_path, monkeypatch):
    monkeypatch.setenv("PLANNER_CACHE_DIR", str(tmp_path / "cache"))
    _as_bundled(packed_folder, monkeypatch)
    # an older, smaller copy cached under the same tables (a run before the checkout was built, or a copy of the
    # tables without a pack): never read beside the pack, and left for the copy that has no pack
    smaller = PriceBook.load(packed_folder, clouds=["aws"])
    key = cache.fingerprint(packed_folder, "aws")
    assert cache.save(key, smaller.state())
    read, load = [], cache.load
    monkeypatch.setattr(cache, "load", lambda k, classes: read.append(k) or load(k, classes))
    book = book_module._loaded(None, "aws", "pricing_data")
    packed = book.kept_memo_size()
    assert packed > 10 and book.packed_from == cache.content_key(packed_folder, "aws")
    assert read == [book_module.beyond_pack(key)] and book.cache_key == book_module.beyond_pack(key)
    assert load(key, PACK_CLASSES) is not None
    # a policy of its own derives tables of its own: only those are cached, beside the pack
    own = Workload(peak_rps=800, policy={"horizontal_family_pattern": "^c7g$"})
    usd = make_plan(own, book).recommended.monthly_usd
    assert book.kept_memo_size() > packed
    book_module.remember(book)
    from planner.pricing.packed import Deferred

    # keeping what it derived decodes none of the pack's tables it did not use
    assert sum(isinstance(v, Deferred) for v in book._memo.values()) > 10
    delta = load(book_module.beyond_pack(key), PACK_CLASSES)
    assert set(delta) == {"_base", "_memo"} and 0 < len(delta["_memo"]) == book.kept_memo_size() - packed
    assert (tmp_path / "cache" / f"pricebook-{book.cache_key}.pack").stat().st_size < 2e6  # not a copy of the pack
    assert load(key, PACK_CLASSES)["_memo"].keys() == smaller.state()["_memo"].keys()  # the whole copy untouched
    _no_tables(monkeypatch)
    again = book_module._loaded(None, "aws", "pricing_data")
    assert again.kept_memo_size() == book.kept_memo_size()
    before = again.kept_memo_size()
    assert make_plan(own, again).recommended.monthly_usd == usd and again.kept_memo_size() == before


@pytest.mark.parametrize("damage, message", [
    (lambda s: s["_memo"].update({("pruned_fleet", "x"): 3}), "pruned_fleet holds a int"),
    (lambda s: s["_memo"].update({("no such kind",): pd.DataFrame()}), "unknown kind"),
    (lambda s: s.update(instance_arrays={}), "instance_arrays lacks or adds columns"),
    (lambda s: s["instance_arrays"].update(hourly_usd=np.zeros(3)), "is not 153,979 values"),
    (lambda s: s.update(_instance_index=PACK_CLASSES["KeyIndex"].__new__(PACK_CLASSES["KeyIndex"])),
     "does not index its table"),
    (lambda s: s["_instance_index"].__dict__.update(rows=s["_instance_index"].rows + 10**7),
     "does not index its table"),
])
def test_a_state_whose_parts_are_not_a_books_is_refused(derived_books, damage, message):
    import copy

    state = copy.deepcopy(derived_books["aws"].state())
    damage(state)
    with pytest.raises(PackError, match=message):
        PriceBook.from_state(state)


def test_a_member_is_read_once_and_never_inflated():
    data = pack({"a": np.arange(5.0), "b": np.arange(3.0)}, "k")
    twice = _rewritten(data, lambda ix: ix["state"]["$dict"][1][1].update(
        {"$array": ix["state"]["$dict"][0][1]["$array"]}))
    with pytest.raises(PackError, match="twice"):
        unpack(twice, "k", {})
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for n in src.namelist():
            z.writestr(n, src.read(n))
    with pytest.raises(PackError, match="compressed or oversized"):
        unpack(out.getvalue(), "k", {})


def test_prices_status_says_whether_each_book_is_read_packed(packed_folder, tmp_path, monkeypatch):
    from planner.pricing import book_status

    monkeypatch.setenv("PLANNER_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(book_status, "bundled_folder", lambda: packed_folder)
    assert book_status.packs(None) == [f"  {c} packed book: packed" for c in ("aws", "azure", "gcp")]
    # a refreshed folder: its packs are read only when sealed by this account; a missing one is derived
    folder = tmp_path / "refreshed"
    shutil.copytree(packed_folder, folder)
    packed_path(folder, "gcp").unlink()
    lines = book_status.packs(folder)
    assert lines[0].startswith("  aws packed book: not sealed by this account")
    assert lines[2].startswith("  gcp packed book: none (its tables are read and derived at start-up")
    # prices edited after packing: the pack is not for these tables
    (folder / "MANIFEST.csv").write_bytes((folder / "MANIFEST.csv").read_bytes() + b"\n")
    assert book_status.packs(None) == [f"  {c} packed book: packed" for c in ("aws", "azure", "gcp")]
    monkeypatch.setattr(book_status, "bundled_folder", lambda: folder)
    assert book_status.packs(None)[0] == "  aws packed book: of other tables or another planner (not read: " \
                                         "derived, then cached)"
