"""Issue 24, the price side: a refreshed book's provenance file, price-book manifests and what the dashboard
does with uploaded files. Each test is an attack that once broke or misled."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from planner.pricing.book import default_book
from planner.pricing.book_status import status
from planner.pricing.loader import bundled_folder


@pytest.fixture()
def refreshed(tmp_path, monkeypatch):
    """A price cache holding a copy of the bundled tables as its refreshed book, the choice left at auto."""
    monkeypatch.setenv("PLANNER_PRICES_DIR", str(tmp_path / "prices"))
    monkeypatch.setenv("PLANNER_CACHE_DIR", "off")
    monkeypatch.delenv("PLANNER_PRICE_BOOK", raising=False)
    current = tmp_path / "prices" / "current"
    shutil.copytree(Path(str(bundled_folder())), current)
    default_book.cache_clear()
    yield current
    default_book.cache_clear()


@pytest.mark.parametrize("text", [
    "[]", '"x"', "{", '{"updated_at": 5, "sources": 7}', '{"sources": [1, {"rows": "many", "regions": 3}]}',
    '{"updated_at": "2026-01-01", "sources": [{"cloud": "aws", "rows": true}], "kept": [1, "kept line"]}',
    "[" * 100_000,
])
def test_a_malformed_update_file_neither_stops_plans_nor_status(refreshed, text):
    # a list, a string, cut JSON or wrong types in UPDATE.json crashed every plan and prices status
    (refreshed / "UPDATE.json").write_text(text)
    book = default_book("aws")
    assert book.label.startswith("price cache")
    lines = status()
    assert any(line.startswith("cache: ") for line in lines)
    assert all("Traceback" not in line for line in lines)


def _list_in_manifest(folder: Path, name: str) -> None:
    """Point the manifest's first table at ``name`` instead (its checksum left as it was)."""
    import pandas as pd

    manifest = pd.read_csv(folder / "MANIFEST.csv", dtype=str, keep_default_na=False)
    manifest.loc[0, "file"] = name
    manifest.to_csv(folder / "MANIFEST.csv", index=False, lineterminator="\n")


@pytest.mark.parametrize("name", ["../secret.csv", "aws/../../secret.csv", "{secret}", "aws\\..\\..\\secret.csv",
                                  "aws/sub/../../../secret.csv"])
def test_a_manifest_cannot_name_a_file_outside_its_folder(mini_tables, tmp_path, name):
    # a --price-book folder's manifest named ../ or absolute paths: the file was read and its first line echoed
    from planner.base.errors import PriceTableError
    from planner.pricing import PriceBook

    folder = mini_tables()
    secret = tmp_path / "secret.csv"
    secret.write_text("root:x:0:0:a line of a system file\n")
    _list_in_manifest(folder, name.format(secret=secret))
    with pytest.raises(PriceTableError) as err:
        PriceBook.load(folder)
    text = str(err.value)
    assert "root:x" not in text
    assert "not read" in text


def test_a_table_that_is_a_symbolic_link_is_not_followed(mini_tables, tmp_path):
    from planner.base.errors import PriceTableError
    from planner.pricing import PriceBook

    folder = mini_tables()
    (tmp_path / "secret.csv").write_text("root:x:0:0\n")
    (folder / "aws" / "link.csv").symlink_to(tmp_path / "secret.csv")
    _list_in_manifest(folder, "aws/link.csv")
    with pytest.raises(PriceTableError, match="is a symbolic link; not read") as err:
        PriceBook.load(folder)
    assert "root:x" not in str(err.value)


def test_a_huge_table_is_refused_by_its_size_before_it_is_read(mini_tables, monkeypatch):
    # a 3 GB sparse table was read whole before its checksum refused it
    from planner.base.errors import PriceTableError
    from planner.pricing import PriceBook, loader

    folder = mini_tables()
    big = folder / "aws" / "ec2_on_demand.csv"
    with big.open("r+b") as fh:
        fh.truncate(loader.MAX_TABLE_BYTES + 1)  # sparse: no disk used
    read: list[int] = []
    real = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: read.append(1) or real(self))
    with pytest.raises(PriceTableError, match=r"bytes; a price table is at most 268,435,456 bytes"):
        PriceBook.load(folder)
    assert not read


class _Upload:
    """What st.file_uploader hands a page: the client's file name (the browser chooses it) and the bytes."""

    def __init__(self, name: str, data: bytes) -> None:
        self.name, self._data = name, data
        self.size = len(data)

    def getvalue(self) -> bytes:
        return self._data


def _uploading(monkeypatch, files: dict[str, _Upload]) -> None:
    """Every st.file_uploader of the app returns the file given for its key (AppTest cannot drive the widget:
    the page code runs as it is, with this upload)."""
    import streamlit

    monkeypatch.setattr(streamlit, "file_uploader", lambda label, *a, key=None, **k: files.get(key))


@pytest.mark.parametrize("client_name", ["../../../../{tmp}/planted.csv", "{tmp}/planted.csv",
                                         "..\\..\\{tmp}\\planted.csv"])
def test_an_uploaded_file_name_is_never_a_path(monkeypatch, tmp_path, client_name):
    # the Batch page wrote the upload to Path(tmp) / upload.name: ../ in the multipart name left a file there
    from streamlit.testing.v1 import AppTest

    from planner.base.uploads import results_stem
    from planner.cli.example import template_csv
    from planner.workload.scenarios import SCENARIOS

    name = client_name.format(tmp=tmp_path)
    _uploading(monkeypatch, {"batch_upload": _Upload(name, template_csv().encode() + b"bad-row,,,-5\n")})
    at = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "app.py"), default_timeout=120)
    at.switch_page("pages/batch.py").run()
    assert not at.exception
    assert not (tmp_path / "planted.csv").exists()
    assert any(f"{len(SCENARIOS)} scenario(s) priced" in s.value for s in at.success)
    assert results_stem(name) == "planted-results"  # the downloads' names (AppTest does not show them)
    # a file-level error names the upload by its last component alone
    _uploading(monkeypatch, {"batch_upload": _Upload(name, b"")})
    at.run()
    shown = " ".join(e.value for e in at.error)
    assert "planted" in shown and str(tmp_path) not in shown and ".." not in shown
    assert not (tmp_path / "planted.csv").exists()


def test_an_uploaded_overlay_is_checked_once_and_within_the_size_limit(monkeypatch):
    # dashboard uploads skipped the 2 MB overlay cap and were checked again on every rerun
    import uuid

    from streamlit.testing.v1 import AppTest

    from planner.pricing import overlay

    calls: list[str] = []
    real = overlay.load_overlay
    monkeypatch.setattr(overlay, "load_overlay", lambda name, data=None: calls.append(name) or real(name, data))
    fresh = f"cloud,service,discount_pct\naws,*,{uuid.uuid4().int % 10**6 / 10**5:.5f}\n".encode()  # uncached
    _uploading(monkeypatch, {"overlay": _Upload("../deals.csv", fresh)})
    at = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "app.py"), default_timeout=120)
    at.switch_page("pages/plan.py").run()
    assert not at.exception
    at.run()
    at.run()
    checks = len(calls)
    assert any("discounts of deals" in c.value for c in at.caption)
    at.run()
    assert len(calls) == checks  # a rerun does not check the same upload again
    huge = b"cloud,service,discount_pct\n" + b"aws,*,10\n" * (overlay.MAX_OVERLAY_BYTES // 9 + 1)
    _uploading(monkeypatch, {"overlay": _Upload("huge.csv", huge)})
    at.run()
    assert any("a price overlay is at most 2,000,000 bytes" in e.value for e in at.error)


@pytest.mark.parametrize(("client", "shown"), [
    ("../../etc/passwd", "passwd"), ("C:\\Users\\me\\deals.csv", "deals.csv"), ("..", "upload.csv"),
    ("a\x1b]52;c;bad\x07.csv", "a]52;c;bad.csv"), ("x" * 200 + ".csv", "x" * 79 + "…"), ("", "upload.csv"),
])
def test_a_client_file_name_is_shown_by_its_last_component(client, shown):
    from planner.base.uploads import display_name

    assert display_name(client, "upload.csv") == shown


@pytest.mark.parametrize(("region", "said"), [("../../etc", "region '../../etc'"),
                                              ("eastus", "belongs to azure, not aws")])
def test_a_link_to_a_region_the_cloud_lacks_says_so(region, said):
    # region=../../etc silently became us-east-1
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "app.py"), default_timeout=120)
    at.query_params["peak_rps"] = "500"
    at.query_params["region"] = region
    at.switch_page("pages/plan.py").run()
    assert not at.exception
    warning = " ".join(w.value for w in at.warning).replace("\\", "")
    assert "The link's scenario is invalid" in warning and said in warning


def test_prices_status_shows_update_text_inert(refreshed, capsys):
    # UPDATE.json's fields reached the terminal raw: colours, a cleared screen, a window title, a fake link
    from planner.cli import main

    (refreshed / "UPDATE.json").write_text(json.dumps({
        "updated_at": "2026-01-01\x1b[31m", "base": "b\x1b]0;PWNED\x07", "kept": ["\x1b]8;;http://evil\x07link"],
        "sources": [{"cloud": "aws\x1b[2J", "rows": 3}]}))
    assert main(["prices", "status", "--clouds", "aws"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "\\x1b]0;PWNED" in out
    assert "None" not in out  # a source without a url or date says ?, not Python's None


def test_a_table_failing_its_checksum_is_not_parsed(mini_tables):
    # a table swapped for another file (a hard link) had its checksum refused and its first line echoed
    from planner.base.errors import PriceTableError
    from planner.pricing import PriceBook

    folder = mini_tables()
    (folder / "aws" / "regions.csv").write_text("secret-line-TOPSECRET,1,2\n")
    with pytest.raises(PriceTableError, match="checksum mismatch") as err:
        PriceBook.load(folder)
    assert "TOPSECRET" not in str(err.value)
