"""Saved scenarios on a database: save, list, show, delete, diff; migrations; parallel writers; bad URLs."""

from __future__ import annotations

import json
import multiprocessing
import os
import sqlite3

import pytest

from planner.cli import main
from planner.plan.model import make_plan
from planner.pricing import default_book
from planner.store import StoreError, delete, get, list_saved, open_store, save
from planner.store.api import manifest_checksum
from planner.workload.model import Workload

W = Workload(name="checkout", peak_rps=300, data_size_gb=50)


@pytest.fixture()
def url(tmp_path):
    return f"sqlite:///{tmp_path / 'plans.db'}"


def test_save_and_read_back(url):
    store = open_store(url)
    plan = make_plan(W)
    saved = save(store, W, plan, default_book(), tags=["q4", "q4", " review "], author="ana")
    back = get(store, saved.id)
    assert back == saved and back.tags == ("q4", "review") and back.author == "ana"
    assert back.monthly_usd == pytest.approx(plan.recommended.monthly_usd)
    assert back.plan == json.loads(json.dumps(plan.to_dict())) and Workload.model_validate(back.workload) == W
    assert back.prices_manifest_sha256 == manifest_checksum(default_book()) and len(back.prices_manifest_sha256) == 64
    assert back.prices_as_of == plan.prices_as_of and back.created_at.tzinfo is not None


def test_names_ids_tags_and_delete(url):
    store = open_store(url)
    first = save(store, W, make_plan(W), default_book(), tags=["a"])
    second = save(store, W, make_plan(W.model_copy(update={"peak_rps": 600})), default_book(), tags=["b"])
    other = save(store, W, make_plan(W), default_book(), name="other")
    assert [s.id for s in list_saved(store)] == [other.id, second.id, first.id]  # newest first
    assert get(store, "checkout").id == second.id  # a name reads its newest revision
    assert [s.id for s in list_saved(store, tag="a")] == [first.id]
    with pytest.raises(StoreError, match="no saved scenario named 'checkotu'; did you mean checkout"):
        get(store, "checkotu")
    with pytest.raises(StoreError, match="no saved scenario with id 99"):
        get(store, 99)
    assert delete(store, str(first.id)) == 1 and delete(store, "checkout") == 1
    assert [s.name for s in list_saved(store)] == ["other"]


def test_reopening_keeps_the_data_and_the_schema(url):
    save(open_store(url), W, make_plan(W), default_book())
    assert len(list_saved(open_store(url))) == 1


def test_a_newer_schema_is_refused(tmp_path, url):
    open_store(url)
    with sqlite3.connect(tmp_path / "plans.db") as db:
        db.execute("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(StoreError, match="written by a newer planner \\(schema revision 9999"):
        open_store(url)


@pytest.mark.parametrize(("bad", "message"), [
    ("not a url", "is not a database URL"),
    ("nosuchdb://host/x", "no driver for this database"),
    ("sqlite:////proc/no/such/folder/x.db", "cannot"),
])
def test_unusable_urls_say_why(bad, message):
    with pytest.raises(StoreError, match=message):
        open_store(bad)


def _writer(args: tuple[str, int]) -> int:
    url, k = args
    store = open_store(url)
    plan = make_plan(W)
    book = default_book()
    for i in range(5):
        save(store, W, plan, book, name=f"w{k}-{i}")
    return k


def test_parallel_writers_do_not_lose_or_corrupt(tmp_path, url):
    # four processes open a new file at once (each migrates it) and save five scenarios each
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        assert sorted(pool.map(_writer, [(url, k) for k in range(4)])) == [0, 1, 2, 3]
    saved = list_saved(open_store(url))
    assert len(saved) == 20 and len({s.id for s in saved}) == 20
    assert {s.name for s in saved} == {f"w{k}-{i}" for k in range(4) for i in range(5)}
    with sqlite3.connect(tmp_path / "plans.db") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_cli_save_list_show_diff_delete(tmp_path, url, capsys, monkeypatch):
    monkeypatch.setenv("PLANNER_DB_URL", url)
    (tmp_path / "w.yaml").write_text("name: api\npeak_rps: 300\n")
    (tmp_path / "w2.yaml").write_text("name: api\npeak_rps: 900\n")
    assert main(["scenarios", "save", str(tmp_path / "w.yaml"), "-t", "q3"]) == 0
    assert main(["scenarios", "save", str(tmp_path / "w2.yaml"), "-t", "q4"]) == 0
    err = capsys.readouterr().err
    assert "saved #1 api" in err and "saved #2 api" in err and url in err
    assert main(["scenarios", "list", "--tag", "q4"]) == 0
    out = capsys.readouterr().out
    assert "database: " in out and " 2 " in out and " q3 " not in out
    assert main(["scenarios", "show", "1", "-f", "yaml", "-o", str(tmp_path / "again.yaml")]) == 0
    assert main(["plan", str(tmp_path / "again.yaml"), "-f", "json", "-o", str(tmp_path / "p.json")]) == 0
    assert json.loads((tmp_path / "p.json").read_text())["options"] == get(open_store(url), 1).plan["options"]
    assert main(["scenarios", "diff", "1", "2", "-f", "json", "-o", str(tmp_path / "d.json")]) == 0
    assert json.loads((tmp_path / "d.json").read_text())["delta_usd"] > 0
    assert main(["scenarios", "delete", "api"]) == 0 and "deleted 2" in capsys.readouterr().err
    assert main(["scenarios", "show", "api"]) == 2 and "nothing is saved yet" in capsys.readouterr().err
    assert main(["scenarios", "list", "--db", "not a url"]) == 2
    assert "is not a database URL" in capsys.readouterr().err


@pytest.mark.skipif(not os.environ.get("PLANNER_TEST_POSTGRES_URL"), reason="no PostgreSQL given "
                    "(PLANNER_TEST_POSTGRES_URL)")
def test_postgresql_round_trip():
    store = open_store(os.environ["PLANNER_TEST_POSTGRES_URL"])
    saved = save(store, W, make_plan(W), default_book(), name="pg-round-trip")
    assert get(store, saved.id).plan == saved.plan
    assert delete(store, saved.id) == 1


def test_a_new_connection_waits_for_another_process_closing_the_wal_file(monkeypatch):
    # SQLite says "database is locked" at once, without waiting, to a connection opening a WAL database while the
    # last connection of another process cleans it up: the switch to WAL is tried again, up to the timeout
    from planner.store import db

    class Opening:  # what a connection opening the file in that moment answers, then the answer once it is free
        def __init__(self, locked: int, message: str = "database is locked") -> None:
            self.locked, self.message, self.tries, self.busy_ms = locked, message, 0, []

        def execute(self, sql: str) -> None:
            if sql.startswith("PRAGMA busy_timeout = "):  # each try waits what is left, then the timeout again
                self.busy_ms.append(int(sql.rsplit(" ", 1)[1]))
                return
            assert sql == "PRAGMA journal_mode=WAL"
            self.tries += 1
            if self.tries <= self.locked:
                raise sqlite3.OperationalError(self.message)

    monkeypatch.setattr(db, "WAL_RETRY_S", 0.001)
    busy = Opening(locked=3)
    db.wal_journal(busy, timeout_s=10)
    assert busy.tries == 4 and len(busy.busy_ms) == 5 and busy.busy_ms[-1] == 10_000
    assert 9_000 < busy.busy_ms[0] <= 10_000 and busy.busy_ms[:4] == sorted(busy.busy_ms[:4], reverse=True)
    never = Opening(locked=10**9)
    with pytest.raises(sqlite3.OperationalError, match="locked"):  # never free: the driver's error after the wait
        db.wal_journal(never, timeout_s=0.05)
    assert never.tries > 1 and all(ms <= 50 for ms in never.busy_ms[:-1])  # no try waits beyond the deadline
    for message in ("disk I/O error", "database table is locked"):  # any other error at once
        other = Opening(locked=1, message=message)
        with pytest.raises(sqlite3.OperationalError, match=message):
            db.wal_journal(other)
        assert other.tries == 1 and other.busy_ms[-1] == db.SQLITE_TIMEOUT_S * 1000
