"""Issue 24, part A: hostile text comes out inert in every output format, hostile policy strings are refused
when the workload is read, and the saved-scenario store answers bad states with one line, not a traceback.

Each test is an attack from the issue: it failed before the change and passes after it.
"""

from __future__ import annotations

import dataclasses
import errno
import re
import sqlite3

import pytest

from planner.cli import main
from planner.plan.model import make_plan
from planner.report.markdown import render_markdown
from planner.report.mermaid import mermaid
from planner.store import StoreError, delete, get, list_saved, open_store, save
from planner.workload.model import Workload, WorkloadError, parse_workload_text

FENCE_BREAK = "postgresql\n```\n<script>x</script>"
LINK = "[l](javascript:alert(1))"
IMAGE = "![x](http://e.example/x.png)"
ESCAPES = "x\x1b[31mred\x1b]8;;http://e.example\x1b\\click\x1b]8;;\x1b\\ \x9b2J [link=http://e.example]L[/link]"
DR_TIER = {"rto_minutes": 60, "rpo_minutes": 30, "compute_fraction": 0, "database_replica": False,
           "cache_fraction": 0, "load_balancer": False, "description": "backups only"}
SMALL = Workload(name="svc", peak_rps=50, rto_minutes=100_000, rpo_minutes=100_000)


def _live_links(md: str) -> list[str]:
    """Markdown links and images a renderer would make live: ``[..](`` or ``![`` not escaped by a backslash."""
    return re.findall(r"(?<!\\)!?\[[^\]\n]*(?<!\\)\]\(", md)


def _hostile_plan(book, **policy: object):
    """A plan priced with a valid policy, then given hostile policy strings as they would arrive if anything
    let them past validation: the renderers must make them inert on their own (defence in depth)."""
    plan = make_plan(SMALL, book)
    hostile = SMALL.policy.model_copy(update=policy)  # model_copy does not validate: the strings stay hostile
    if "dr_tiers" in policy:
        tier = policy["dr_tiers"][0].name  # type: ignore[index]
        options = tuple(dataclasses.replace(o, dr_tier=tier) for o in plan.options)
        plan = dataclasses.replace(plan, options=options)
    return dataclasses.replace(plan, workload=SMALL.model_copy(update={"policy": hostile}))


# --- Markdown and Mermaid: one escaper per format at the renderer boundary ---

def test_markdown_text_neutralises_html_links_images_pipes_and_newlines():
    from planner.report.escaping import markdown_text

    text = markdown_text(f"a|b\n# h <script>x</script> {LINK} {IMAGE} `code`")
    assert "<script>" not in text and "\n" not in text and "a\\|b" in text
    assert _live_links(text) == [] and "\\`code\\`" in text


def test_mermaid_text_cannot_close_the_label_or_the_block():
    from planner.report.escaping import mermaid_text

    text = mermaid_text('a"]\n```\n<b>x</b> `y` [z] {v} #quot; \x1b[2J')
    assert not re.search(r'["`<>\[\]{}\n\x1b]', text) and text.startswith("a#34;#93; #96;#96;#96; #60;b#62;x")
    assert "#quot;" not in text  # a typed entity stays text, it does not become a quote


def test_database_engine_breaking_the_fence_puts_no_script_in_the_report(book):
    md = render_markdown(_hostile_plan(book, database_engine=FENCE_BREAK, cache_engine=FENCE_BREAK))
    assert "<script>" not in md
    assert [line for line in md.splitlines() if line.lstrip().startswith("```")] == ["```mermaid", "```"]


def test_dr_tier_name_cannot_break_out_of_the_mermaid_block(book):
    tier = f"backup\n```\n# pwned {LINK} {IMAGE} <img src=x>"
    evil = (SMALL.policy.dr_tiers[0].model_copy(update={"name": tier}), *SMALL.policy.dr_tiers[1:])
    plan = _hostile_plan(book, dr_tiers=evil, dr_regions={"us-east-1": "us-west-2\n```\n<script>y</script>"})
    md = render_markdown(plan)
    assert [line for line in md.splitlines() if line.lstrip().startswith("```")] == ["```mermaid", "```"]
    assert not any(line.startswith("# pwned") for line in md.splitlines())
    assert "<script>" not in md and "<img" not in md and _live_links(md) == []
    block = mermaid(plan, plan.recommended)
    assert "```" not in block and "<script>" not in block and len(block.splitlines()) == len(
        mermaid(make_plan(SMALL, book), make_plan(SMALL, book).recommended).splitlines())


def test_headings_keep_no_live_links_or_images(book):
    md = render_markdown(make_plan(Workload(name=f"svc {LINK} {IMAGE}", peak_rps=50), book))
    heading = md.splitlines()[0]
    assert heading.startswith("# Capacity plan: svc ") and _live_links(heading) == []
    assert _live_links(md) == []


# --- policy strings validated when the workload is read ---

@pytest.mark.parametrize(("policy", "fragment"), [
    ({"database_engine": FENCE_BREAK}, "policy.database_engine: value 'postgresql\\n```\\n<script>x</script>': "
                                       "unknown database engine; allowed: mariadb, mysql, postgresql"),
    ({"cache_engine": "redis\x1b[31m"}, "policy.cache_engine: value 'redis\\x1b[31m': unknown cache engine; "
                                        "allowed: memcached, redis, valkey"),
    ({"dr_tiers": [{"name": "warm\n```", **DR_TIER}]},
     "policy.dr_tiers.0.name: value 'warm\\n```': a DR tier name is 1 to 40 letters, digits, spaces, _ or -"),
    ({"dr_regions": {"us-east-1": "us-west-2\n```"}},
     "policy.dr_regions: value {'us-east-1': 'us-west-2\\n```'}: region 'us-west-2\\n```' is not a region code"),
    ({"dr_regions": {"<b>": "us-west-2"}}, "region '<b>' is not a region code (lower-case letters, digits and -"),
    ({"horizontal_family_pattern": "(["},
     "policy.horizontal_family_pattern: value '([': not a valid regular expression (unterminated character set"),
    ({"database_family_pattern": "a{4294967295}"},
     "policy.database_family_pattern: value 'a{4294967295}': not a valid regular expression (the repetition "
     "number is too large)"),
])
def test_hostile_policy_strings_are_refused_naming_the_field(policy, fragment):
    with pytest.raises(WorkloadError) as exc:
        parse_workload_text(_yaml({"name": "w", "peak_rps": 10, "policy": policy}), "w.yaml")
    assert fragment in str(exc.value)
    assert len(str(exc.value).splitlines()) == 1


def _yaml(data: object) -> str:
    import json

    return json.dumps(data)  # JSON is YAML, and keeps control characters exactly


def test_valid_policy_strings_still_read():
    w = parse_workload_text(_yaml({"name": "w", "peak_rps": 10, "policy": {
        "database_engine": "mysql", "cache_engine": "valkey", "horizontal_family_pattern": "^m7g$",
        "dr_tiers": [{"name": "Warm standby-2", **DR_TIER}], "dr_regions": {"westeurope": "northeurope"}}}))
    assert w.policy.dr_tiers[0].name == "Warm standby-2" and w.policy.cache_engine == "valkey"


def test_the_allowed_engines_are_the_ones_the_catalogs_and_price_tables_know(book):
    from planner.clouds import catalog_for, catalogs
    from planner.pricing import default_book
    from planner.workload.policy import CACHE_ENGINES, DATABASE_ENGINES

    assert set(DATABASE_ENGINES) == {e for c in catalogs().values() for d in c.databases for e in d.engine}
    cached = set()
    for cloud in catalogs():
        prices = default_book(cloud).instance_prices
        cached |= set(prices.engine[prices.service == catalog_for(cloud).cache_service])
    assert set(CACHE_ENGINES) == cached


def test_a_pattern_re2_cannot_run_is_refused():
    with pytest.raises(WorkloadError, match="not a valid regular expression for RE2, which matches the price "
                                            "tables \\(invalid perl operator: \\(\\?="):
        parse_workload_text(_yaml({"name": "w", "peak_rps": 10, "policy": {"cache_node_pattern": "(?=cache)"}}))


@pytest.mark.parametrize("pattern", ["([", "a{4294967295}"])
def test_bad_policy_regex_is_one_line_and_exit_2(tmp_path, capsys, pattern):
    (tmp_path / "w.yaml").write_text(_yaml({"name": "w", "peak_rps": 10,
                                            "policy": {"vertical_family_pattern": pattern}}))
    assert main(["plan", str(tmp_path / "w.yaml")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("planner: error: ") and "not a valid regular expression" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


# --- terminal: control and escape sequences printed inert ---

def _no_escapes(text: str) -> bool:
    return not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", text)


def test_terminal_text_shows_control_characters_visibly():
    from planner.report.escaping import terminal_text

    assert terminal_text("a\x1b[31mb\x07\n\x9b") == "a\\x1b[31mb\\x07\\n\\x9b"
    assert terminal_text("plain – text") == "plain – text"


def test_plan_prints_escapes_in_names_inert(tmp_path, capsys):
    (tmp_path / "w.yaml").write_text(_yaml({"name": ESCAPES, "peak_rps": 50}))
    assert main(["plan", str(tmp_path / "w.yaml")]) == 0
    out = capsys.readouterr().out
    assert _no_escapes(out) and "x\\x1b[31mred" in out
    assert "[link=http://e.example]L[/link]" in out  # shown as typed, not a hyperlink


def test_scenarios_save_list_and_diff_print_escapes_inert(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("PLANNER_DB_URL", f"sqlite:///{tmp_path / 'plans.db'}")
    (tmp_path / "w.yaml").write_text(_yaml({"name": ESCAPES, "peak_rps": 50}))
    (tmp_path / "w2.yaml").write_text(_yaml({"name": ESCAPES, "peak_rps": 90}))
    assert main(["scenarios", "save", str(tmp_path / "w.yaml"), "-t", "t\x1b[2J"]) == 0
    assert main(["scenarios", "save", str(tmp_path / "w.yaml"), "--name", "n\x1b]0;title\x07"]) == 0
    assert main(["scenarios", "list"]) == 0
    assert main(["scenarios", "show", "1"]) == 0
    assert main(["diff", str(tmp_path / "w.yaml"), str(tmp_path / "w2.yaml")]) == 0
    captured = capsys.readouterr()
    assert _no_escapes(captured.out) and _no_escapes(captured.err)
    assert "saved #1 x\\x1b[31mred" in captured.err and "n\\x1b]0;title\\x07" in captured.out


# --- saved scenarios: names, ids, and bad database states ---

@pytest.fixture()
def url(tmp_path):
    return f"sqlite:///{tmp_path / 'plans.db'}"


@pytest.fixture(scope="module")
def small_plan():
    return make_plan(SMALL)


def test_long_names_are_refused_not_cut(url, small_plan, book):
    store = open_store(url)
    save(store, SMALL, small_plan, book, name="a" * 120)
    with pytest.raises(StoreError, match="scenario names are at most 120 characters; this one has 121"):
        save(store, SMALL, small_plan, book, name="a" * 121)
    save(store, SMALL, small_plan, book, name="a" * 119 + "b")
    assert delete(store, "a" * 120) == 1
    assert [s.name for s in list_saved(store)] == ["a" * 119 + "b"]


def test_a_scenario_named_42_is_reachable_by_name(url, small_plan, book):
    store = open_store(url)
    first = save(store, SMALL, small_plan, book, name="first")
    named = save(store, SMALL, small_plan, book, name="42")
    one = save(store, SMALL, small_plan, book, name=str(first.id))  # a name that is also an id
    assert get(store, "42").id == named.id  # no scenario has id 42: the name
    assert get(store, f"name:{first.id}").id == one.id and get(store, f"id:{first.id}").id == first.id
    with pytest.raises(StoreError, match=f"'{first.id}' is both the id of #{first.id} and a name; say "
                                         f"id:{first.id} or name:{first.id}"):
        get(store, str(first.id))
    assert delete(store, "name:42") == 1
    assert {s.id for s in list_saved(store)} == {first.id, one.id}


def test_names_take_no_reserved_prefix(url, small_plan, book):
    with pytest.raises(StoreError, match="cannot start with id: or name:"):
        save(open_store(url), SMALL, small_plan, book, name="id:3")


def test_a_full_disk_during_save_is_one_line(tmp_path, url, capsys, monkeypatch):
    """SQLite answers a full disk with 'database or disk is full' (here: a page limit reached); the OS with
    ENOSPC. Both are one line and exit 2."""
    monkeypatch.setenv("PLANNER_DB_URL", url)
    (tmp_path / "w.yaml").write_text("name: w\npeak_rps: 50\n")
    import planner.store.db as db

    opened = db.open_store

    def full(given=None):
        store = opened(given)
        from sqlalchemy import event

        store.engine.dispose()  # type: ignore[attr-defined]

        @event.listens_for(store.engine, "connect")
        def _limit(dbapi_connection, _record):  # the file may not grow by a page
            pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
            dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")
        return store

    monkeypatch.setattr(db, "open_store", full)
    import planner.store as store_pkg

    monkeypatch.setattr(store_pkg, "open_store", full)
    assert main(["scenarios", "save", str(tmp_path / "w.yaml"), "--name", "x" * 120]) == 2
    err = capsys.readouterr().err
    assert "cannot save" in err and "database or disk is full" in err and len(err.strip().splitlines()) == 1

    def no_space(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(store_pkg, "open_store", opened)
    from sqlalchemy.orm import Session

    monkeypatch.setattr(Session, "flush", no_space)
    assert main(["scenarios", "save", str(tmp_path / "w.yaml")]) == 2
    err = capsys.readouterr().err
    assert "cannot save" in err and "No space left on device" in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(("damage", "fragment"), [
    ("DROP TABLE saved_scenarios", "no such table: saved_scenarios"),
    ("ALTER TABLE saved_scenarios DROP COLUMN tags", "no such column"),
])
def test_a_damaged_schema_is_one_line(tmp_path, url, capsys, small_plan, book, damage, fragment):
    save(open_store(url), SMALL, small_plan, book)
    with sqlite3.connect(tmp_path / "plans.db") as con:
        con.execute(damage)
    (tmp_path / "w.yaml").write_text("name: w\npeak_rps: 50\n")
    for command in (["scenarios", "list"], ["scenarios", "show", "1"], ["scenarios", "save", str(tmp_path / "w.yaml")]):
        assert main([*command, "--db", url]) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"planner: error: {url}: the saved-scenario table is damaged (")
        assert len(err.strip().splitlines()) == 1 and (fragment in err or command[1] == "save")


def test_one_bad_row_is_named_and_the_others_listed(tmp_path, url, capsys, small_plan, book):
    store = open_store(url)
    good = save(store, SMALL, small_plan, book, name="good")
    bad = save(store, SMALL, small_plan, book, name="bad")
    with sqlite3.connect(tmp_path / "plans.db") as con:
        con.execute("UPDATE saved_scenarios SET tags = 'not json' WHERE id = ?", (bad.id,))
    assert [s.id for s in list_saved(store)] == [good.id]
    assert main(["scenarios", "list", "--db", url]) == 0
    captured = capsys.readouterr()
    assert "good" in captured.out and " bad " not in captured.out
    assert f"#{bad.id} (bad) is damaged and was skipped: tags is not valid JSON" in captured.err
    assert main(["scenarios", "show", str(bad.id), "--db", url]) == 2
    assert "tags is not valid JSON" in capsys.readouterr().err


@pytest.mark.parametrize("bad", ["postgresql+psycopg://u@host:abc/db", "sqlite://:x/y.db"])
def test_a_non_numeric_port_is_one_line(bad, capsys):
    with pytest.raises(StoreError, match="is not a database URL"):
        open_store(bad)
    assert main(["scenarios", "list", "--db", bad]) == 2
    err = capsys.readouterr().err
    assert "is not a database URL" in err and len(err.strip().splitlines()) == 1


def test_batch_row_errors_print_escapes_inert(tmp_path, capsys):
    # a cell's value is quoted in its row's error: an OSC 52 (clipboard write) in it must be shown, not obeyed
    (tmp_path / "in.csv").write_text("name,peak_rps\nbad,\x1b]52;c;eA==\x07\nok,100\n")
    assert main(["batch", str(tmp_path / "in.csv"), "-o", str(tmp_path / "out.csv")]) == 1
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\x07" not in err and "\\x1b]52" in err


def test_a_regex_python_and_re2_read_differently_is_refused(tmp_path, capsys):
    # [[:alpha:]] printed Python's FutureWarning (with a server path) and matched differently in the two engines
    (tmp_path / "w.yaml").write_text('peak_rps: 100\npolicy:\n  horizontal_family_pattern: "[[:alpha:]]x"\n')
    assert main(["plan", str(tmp_path / "w.yaml")]) == 2
    err = capsys.readouterr().err
    assert "ambiguous regular expression" in err and "FutureWarning" not in err and len(err.splitlines()) == 1


def test_a_name_with_a_newline_stays_on_its_row(tmp_path, capsys, monkeypatch):
    # scenarios list drew "multi" and "line | ..." as two rows: a forged row
    monkeypatch.setenv("PLANNER_DB_URL", f"sqlite:///{tmp_path / 's.db'}")
    (tmp_path / "w.yaml").write_text("peak_rps: 100\n")
    assert main(["scenarios", "save", str(tmp_path / "w.yaml"), "--name", "multi\nline | forged"]) == 0
    capsys.readouterr()
    assert main(["scenarios", "list"]) == 0
    out = capsys.readouterr().out
    assert "multi\\nline | forged" in out and not any(line.strip("│ ").startswith("line") for line in out.splitlines())
