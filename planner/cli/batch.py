"""``planner batch``: price a CSV of scenarios."""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import typer

from planner.base.errors import PlannerError
from planner.report.escaping import terminal_text

EXIT_ROW_ERRORS = 1


def batch(
    scenarios: Path | None = typer.Argument(None, help="Scenario CSV (or Parquet): one row per scenario, columns "
                                                       "named as the workload fields."),
    out: Path | None = typer.Option(None, "-o", "--output", help="Results file: .csv, .parquet, .json or .md. A "
                                                                 "summary (.summary.csv/.parquet) and, when rows "
                                                                 "fail, an errors file (.errors.csv) go beside it."),
    template: bool = typer.Option(False, "--template", help="Write a documented template CSV (to --output or "
                                                            "stdout) and exit."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar and no per-row error lines."),
    chunk_rows: int = typer.Option(10_000, min=100, help="Scenarios priced at a time (bounds memory)."),
    workers: int = typer.Option(0, min=0, max=64, help="Processes pricing chunks at once; 0: one per CPU, up "
                                                       "to 4 (each holds one chunk's working memory)."),
    samples: int = typer.Option(1_000, "--samples", help="Draws per scenario that gives inputs as ranges "
                                                         "(<field>.low / .high columns), 1-1,000,000."),
    seed: int = typer.Option(0, "--seed", help="Seed of the draws: the same seed gives the same numbers."),
    prices: Path | None = typer.Option(None, "--prices", help="Negotiated prices laid over the list prices (an "
                                                              "overlay CSV, as for planner plan)."),
    engine: str = typer.Option("local", "--engine", help="local (this machine's processes) or dask (a Dask "
                                                         "cluster: the input may then be a folder or glob of "
                                                         "Parquet files and the output is a *.parquet folder)."),
    scheduler: str | None = typer.Option(None, "--scheduler", help="With --engine dask: an existing cluster's "
                                                                   "scheduler, e.g. tcp://host:8786 (default: a "
                                                                   "local cluster)."),
) -> int:
    """Price every scenario of a CSV: exit 0 when every row was priced, 1 when some rows were invalid (the
    others are priced and the bad ones listed), 2 when the file or the arguments cannot be used."""
    from planner.base.atomic import write_text_atomic

    if template:
        from planner.cli.example import template_csv

        if out is None:
            sys.stdout.write(template_csv())
        else:
            write_text_atomic(out, template_csv())
        return 0
    if scenarios is None or out is None:
        raise PlannerError("give the scenario CSV and -o OUTPUT (or --template)")
    if engine not in ("local", "dask"):
        raise PlannerError(f"--engine {engine!r}: use local or dask")
    if engine == "dask":
        return _batch_dask(scenarios, out, scheduler=scheduler, workers=workers, samples=samples, seed=seed,
                           quiet=quiet, prices=prices)
    if scheduler:
        raise PlannerError("--scheduler goes with --engine dask")
    if out.suffix.lower() not in (".csv", ".parquet", ".json", ".md"):
        raise PlannerError(f"{out}: unknown output format '{out.suffix or '(none)'}'; use .csv, .parquet, .json or .md")

    from planner.pricing.books import Books
    from planner.report.batch_files import price_and_write
    from planner.running.batch_input import read_batch
    from planner.running.uncertainty.monte_carlo import check_samples

    check_samples(samples)
    from planner.pricing.overlay import load_overlay

    book = Books(overlay=load_overlay(prices))
    inp = read_batch(scenarios, book)
    show = not quiet and sys.stderr.isatty()
    priced = functools.partial(price_and_write, inp, book, out, chunk_rows=chunk_rows, workers=workers or None,
                               samples=samples, seed=seed)
    if show:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

        # refreshed from the callback, not by rich's own thread: the batch forks its workers, and a process
        # should not fork while another of its threads may hold a lock
        with Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                      TimeRemainingColumn(), transient=True, auto_refresh=False) as bar:
            task = bar.add_task("pricing scenarios", total=None)
            bar.refresh()
            result = priced(progress=lambda done, total: bar.update(task, completed=done, total=total,
                                                                     refresh=True))
    else:
        result = priced()
    from planner.pricing.book import remember

    for loaded in book.loaded():
        remember(loaded)
    from planner.engine.chain import OPTIONS

    print(f"priced {result.priced:,} of {inp.rows_read:,} scenarios ({result.priced * len(OPTIONS):,} options) -> "
          + ", ".join(str(p) for p in result.paths), file=sys.stderr)
    if result.errors:
        if not quiet:
            limit = 20
            for e in result.errors[:limit]:
                print(terminal_text(f"{scenarios}: {e}"), file=sys.stderr)  # cells quoted: shown, not obeyed
            if len(result.errors) > limit:
                print(f"... and {len(result.errors) - limit} more", file=sys.stderr)
        print(f"{len(result.errors)} problem(s) in {len({e.row for e in result.errors})} row(s); see "
              f"{out.with_name(out.stem + '.errors.csv')}", file=sys.stderr)
        return EXIT_ROW_ERRORS
    return 0


def _batch_dask(scenarios: Path, out: Path, *, scheduler: str | None, workers: int, samples: int, seed: int,
                quiet: bool, prices: Path | None) -> int:
    """``planner batch --engine dask``: the same pricing per partition on a Dask cluster."""
    from planner.running.batch_dask import run_dask
    from planner.running.uncertainty.monte_carlo import check_samples

    check_samples(samples)
    if prices is not None:
        raise PlannerError("--prices is not yet taken by the Dask engine; use --engine local")
    show = not quiet and sys.stderr.isatty()

    def said(link: str) -> None:
        if not quiet and link:
            print(f"Dask dashboard: {link}", file=sys.stderr)

    if show:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

        with Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                      TimeRemainingColumn(), transient=True) as bar:
            task = bar.add_task("pricing partitions", total=None)
            run = run_dask(scenarios, out, scheduler=scheduler, workers=workers or 2, samples=samples, seed=seed,
                           on_client=said, progress=lambda done, total: bar.update(task, completed=done,
                                                                                   total=total))
    else:
        run = run_dask(scenarios, out, scheduler=scheduler, workers=workers or 2, samples=samples, seed=seed,
                       on_client=said)
    from planner.engine.chain import OPTIONS

    print(f"priced {run.priced:,} of {run.rows_read:,} scenarios ({run.priced * len(OPTIONS):,} options) in "
          f"{run.partitions} partition(s) -> {out}/options, {out}/summary", file=sys.stderr)
    if len(run.errors):
        if not quiet:
            for e in run.errors.head(20).itertuples():
                print(terminal_text(f"{scenarios}: row {e.row}" + (f", column {e.column}" if e.column else "")
                                    + f": {e.message}"), file=sys.stderr)
        print(f"{len(run.errors)} problem(s) in {run.errors.row.nunique()} row(s); see {out}/errors.csv",
              file=sys.stderr)
        return EXIT_ROW_ERRORS
    return 0
