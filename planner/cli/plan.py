"""``planner plan`` and ``planner example``."""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path

import typer

from planner.errors import PlannerError


class PlanFormat(str, Enum):
    md = "md"
    json = "json"
    table = "table"


def example(
    out: Path | None = typer.Option(None, "-o", "--output", help="Write to this file instead of stdout."),
) -> None:
    """Print a commented example workload (YAML)."""
    from planner.atomic import write_text_atomic
    from planner.example import example_yaml

    text = example_yaml()
    if out is None:
        sys.stdout.write(text)
    else:
        write_text_atomic(out, text)


def plan(
    workload: str = typer.Argument(..., help="Workload file (.yaml, .yml or .json), or - for standard input."),
    fmt: PlanFormat = typer.Option(PlanFormat.table, "--format", "-f", help="md (design review), json (contract) "
                                                                             "or table (terminal)."),
    out: Path | None = typer.Option(None, "-o", "--output", help="Write to this file (atomically) instead of stdout."),
) -> None:
    """Size a workload, price every option and recommend one."""
    # read and validate first: a bad file is refused before the heavy imports and the price book load
    from planner.workload import MAX_WORKLOAD_BYTES, load_workload, parse_workload_text

    if workload == "-":
        w = parse_workload_text(sys.stdin.read(MAX_WORKLOAD_BYTES + 1), "<stdin>")
    else:
        w = load_workload(Path(workload))
    from planner.plan import make_plan
    from planner.pricing.book import default_book, remember

    book = default_book()
    result = make_plan(w, book)
    remember(book)  # the candidate tables this plan derived, for the next cold start
    if fmt is PlanFormat.table:
        if out is not None:
            raise PlannerError("--format table prints to the terminal; use md or json with --output")
        from planner.cli.plan_table import print_plan

        print_plan(result)
        return
    if fmt is PlanFormat.json:
        text = json.dumps(result.to_dict(), indent=2) + "\n"
    else:
        from planner.report.markdown import render_markdown

        text = render_markdown(result)
    if out is None:
        sys.stdout.write(text)
    else:
        from planner.atomic import write_text_atomic

        write_text_atomic(out, text)
