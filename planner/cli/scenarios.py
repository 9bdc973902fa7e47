"""``planner scenarios``: save plans on a database, list them, show, delete and compare them.

Names, tags and the database's label are printed through the terminal escaper (control characters shown, never
obeyed). A scenario is named by an id or a name as :func:`planner.store.api.resolve` reads it (IDENT below)."""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path

import typer

from planner.cli.diff import _print_diff
from planner.cli.output import PlanFormat, emit, terminal_only
from planner.report.escaping import terminal_text

scenarios_app = typer.Typer(help="Saved scenarios and plans (SQLite in your data folder, or --db / "
                                 "$PLANNER_DB_URL).", no_args_is_help=True)

DB = typer.Option(None, "--db", help="A SQLAlchemy database URL (default: $PLANNER_DB_URL, else a SQLite file in "
                                     "your data folder).")
IDENT = ("id:N is always the id N, name:X always the name X; a bare number is the scenario of that name if one "
         "has it, else the id (both at once is refused: say id: or name:)")


class ShowFormat(str, Enum):
    summary = "summary"
    json = "json"
    yaml = "yaml"


@scenarios_app.command("save")
def save(
    workload: Path = typer.Argument(..., help="Workload file (.yaml, .yml, .json) to plan and save."),
    name: str | None = typer.Option(None, "--name", help="Name to save under (default: the workload's name); at "
                                                          "most 120 characters, not starting with id: or name:."),
    tag: list[str] = typer.Option([], "--tag", "-t", help="A tag (repeat for more)."),
    author: str | None = typer.Option(None, "--author", help="Who saved it (default: your user name)."),
    db: str | None = DB,
) -> int:
    """Plan a workload with the bundled prices and save the workload, its plan and the price book's checksum."""
    from planner.plan.model import make_plan
    from planner.pricing import default_book
    from planner.store import open_store
    from planner.store import save as store_save
    from planner.workload.model import load_workload

    w = load_workload(workload)
    store = open_store(db)
    book = default_book(w.cloud)
    saved = store_save(store, w, make_plan(w, book), book, name=name, tags=tag, author=author)
    bill = f"${saved.monthly_usd:,.0f}/month, {saved.recommended}" if saved.monthly_usd is not None else "no option"
    print(terminal_text(f"saved #{saved.id} {saved.name} ({bill}; prices as of {saved.prices_as_of}) in "
                        f"{store.label}"), file=sys.stderr)
    return 0


@scenarios_app.command("list")
def list_(
    tag: str | None = typer.Option(None, "--tag", "-t", help="Only those with this tag."),
    name: str | None = typer.Option(None, "--name", help="Only the revisions of this name."),
    db: str | None = DB,
) -> int:
    """Saved scenarios, newest first. A row that cannot be read is named on stderr and skipped; the others are
    listed."""
    from planner.cli.plan_table import _print_table
    from planner.cli.render import _console
    from planner.store import open_store
    from planner.store.api import read_saved
    from planner.store.table import saved_frame

    store = open_store(db)
    rows, damaged = read_saved(store, tag=tag, name=name)
    for bad in damaged:
        print(f"planner: warning: {terminal_text(store.label)}: {terminal_text(bad)}", file=sys.stderr)
    console = _console()
    console.print(f"database: {store.label}")
    if not rows:
        console.print("nothing saved" + (" with that tag or name" if tag or name else "; save one with planner "
                                                                                      "scenarios save w.yaml"))
        return 0
    _print_table(console, saved_frame(rows), "Saved scenarios")
    return 0


@scenarios_app.command("show")
def show(
    ident: str = typer.Argument(..., help=f"An id, or a name (its newest revision): {IDENT}."),
    fmt: ShowFormat = typer.Option(ShowFormat.summary, "--format", "-f", help="summary, json (the saved plan) "
                                                                              "or yaml (the workload, to plan "
                                                                              "again)."),
    out: Path | None = typer.Option(None, "-o", "--output", help="Write to this file (atomically)."),
    db: str | None = DB,
) -> int:
    """One saved scenario."""
    from planner.store import get, open_store

    saved = get(open_store(db), ident)
    if fmt is ShowFormat.json:
        emit(json.dumps(saved.plan, indent=2) + "\n", out)
    elif fmt is ShowFormat.yaml:
        import yaml

        from planner.workload.model import workload_from_dict

        # the inputs that differ from today's defaults: the file plans again to the same workload
        compact = workload_from_dict(saved.workload, f"saved #{saved.id}").model_dump(mode="json",
                                                                                     exclude_defaults=True)
        emit(yaml.safe_dump({"name": saved.workload["name"], **compact}, sort_keys=False), out)
    else:
        from planner.cli.plan_table import _print_table
        from planner.cli.render import _console
        from planner.store.table import saved_frame

        terminal_only(out)
        _print_table(_console(), saved_frame([saved]).T.reset_index().set_axis(["field", "value"], axis=1),
                     f"#{saved.id} {saved.name}")
    return 0


@scenarios_app.command("delete")
def delete(
    ident: str = typer.Argument(..., help=f"An id (that one), or a name (every revision of exactly that name): "
                                          f"{IDENT}."),
    db: str | None = DB,
) -> int:
    """Delete saved scenarios."""
    from planner.store import delete as store_delete
    from planner.store import open_store

    store = open_store(db)
    n = store_delete(store, ident)
    print(f"deleted {n} saved scenario(s) from {terminal_text(store.label)}", file=sys.stderr)
    return 0


@scenarios_app.command("diff")
def diff(
    old: str = typer.Argument(..., help=f"Before: an id or a name ({IDENT})."),
    new: str = typer.Argument(..., help="After: an id or a name, read as the first."),
    fmt: PlanFormat = typer.Option(PlanFormat.table, "--format", "-f", help="md, json or table."),
    out: Path | None = typer.Option(None, "-o", "--output", help="Write to this file (atomically)."),
    db: str | None = DB,
) -> int:
    """Compare two saved plans option by option and line by line (as planner diff does)."""
    from planner.running.diff import diff_plans
    from planner.store import get, open_store

    store = open_store(db)
    d = diff_plans(get(store, old).plan, get(store, new).plan)
    if fmt is PlanFormat.table:
        terminal_only(out)
        _print_diff(d)
    elif fmt is PlanFormat.json:
        emit(json.dumps(d.to_dict(), indent=2) + "\n", out)
    else:
        from planner.report.diff import diff_markdown

        emit(diff_markdown(d, []), out)
    return 0
