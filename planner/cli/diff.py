"""``planner diff A B``: what a change costs, with the budget gates a CI job fails on (exit 3)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from planner.cli.output import CURRENCY, PRICES, PlanFormat, emit, terminal_only

if TYPE_CHECKING:
    from planner.running.diff import PlanDiff

FAIL_ABOVE = typer.Option(None, "--fail-above-usd", min=0, help="Exit 3 when the recommended monthly bill is "
                                                                 "above this many USD.")


def diff(
    old: Path = typer.Argument(..., help="Before: a workload file (.yaml, .yml, .json) or a saved plan JSON."),
    new: Path = typer.Argument(..., help="After: a workload file or a saved plan JSON."),
    fmt: PlanFormat = typer.Option(PlanFormat.table, "--format", "-f", help="md (a pull-request comment), json "
                                                                             "or table (terminal)."),
    out: Path | None = typer.Option(None, "-o", "--output", help="Write to this file (atomically) instead of stdout."),
    fail_above_usd: float | None = FAIL_ABOVE,
    fail_on_increase_pct: float | None = typer.Option(None, "--fail-on-increase-pct", help="Exit 3 when the "
                                                      "recommended monthly bill rose by more than this many percent."),
    currency: str = CURRENCY,
    prices: Path | None = PRICES,
) -> int:
    """Compare two plans option by option and line by line; gate the new bill on a budget (in USD)."""
    from planner.pricing.currency import check_code, displayed_in
    from planner.running.diff import EXIT_GATE, diff_plans, gates, load_side

    from planner.pricing.overlay import load_overlay, overlaid_book

    shown_in = check_code(currency)
    overlay = load_overlay(prices)
    d = diff_plans(*(load_side(side, lambda c: overlaid_book(c, overlay)) for side in (old, new)))  # type: ignore[misc]
    failures = gates(d, d.new_recommended[1], fail_above_usd=fail_above_usd,
                     fail_on_increase_pct=fail_on_increase_pct)
    with displayed_in(shown_in):
        if fmt is PlanFormat.table:
            terminal_only(out)
            _print_diff(d)
        elif fmt is PlanFormat.json:
            emit(json.dumps({**d.to_dict(), "gate_failures": failures}, indent=2) + "\n", out)
        else:
            from planner.report.diff import diff_markdown

            emit(diff_markdown(d, failures), out)
    return report_gates(failures, EXIT_GATE)


def report_gates(failures: list[str], code: int) -> int:
    """Each exceeded gate on stderr, and the exit status: ``code`` when any, else 0."""
    import sys

    from planner.report.escaping import terminal_text

    for failure in failures:
        print(f"planner: budget gate: {terminal_text(failure)}", file=sys.stderr)
    return code if failures else 0


def _print_diff(d: PlanDiff) -> None:
    """The diff in the terminal (the gates exceeded go to stderr with the exit status)."""
    from planner.cli.plan_table import _print_table
    from planner.cli.render import _console, styled
    from planner.report.diff import headline, moved_lines, options_frame

    console = _console()
    w = d.new["workload"]
    console.print(styled((str(w["name"]), "bold"), f" — {w.get('cloud', 'aws')} {w['region']}: {headline(d)}"))
    _print_table(console, options_frame(d), "Options")
    rec = d.new_recommended[0] or d.old_recommended[0]
    if rec:
        moved = moved_lines(d, rec)
        if len(moved):
            _print_table(console, moved, f"{rec}: lines that moved")
    if len(d.decisions):
        _print_table(console, d.decisions.rename(columns={"old": "before", "new": "after"}), "Decisions that changed")
