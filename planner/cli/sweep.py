"""``planner sweep``: write the cartesian product of a base workload and a few axes as a scenario file, or
price it at once."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import typer

from planner.base.errors import PlannerError


def sweep(
    base: Path = typer.Argument(..., help="Base workload (YAML or JSON): every scenario starts from it."),
    grid: list[str] = typer.Option(..., "--grid", "-g", help="An axis, field=values: a list (region=us-east-1,"
                                                             "eu-west-1), or a numeric range low..high:n or "
                                                             "low..high:log:n (peak_rps=100..100000:log:20). "
                                                             "Repeat for more axes; policy.<field> works too."),
    out: Path = typer.Option(..., "-o", "--output", help="The scenario file (.csv or .parquet), or with --run the "
                                                         "results file (.csv, .parquet, .json or .md)."),
    run: bool = typer.Option(False, "--run", help="Price the grid at once, as planner batch would."),
    engine: str = typer.Option("local", "--engine", help="With --run: local, or dask (any size; the results are "
                                                         "a *.parquet folder)."),
    scheduler: str | None = typer.Option(None, "--scheduler", help="With --engine dask: an existing cluster's "
                                                                   "scheduler (default: a local cluster)."),
    workers: int = typer.Option(0, "--workers", min=0, max=64, help="Processes (local) or local Dask workers; "
                                                                    "0: the default."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
) -> int:
    """Sweep a base workload over a grid: exit 0 when written (and, with --run, every scenario priced), 1 when
    some scenarios could not be priced, 2 when the base, an axis or the output cannot be used."""
    from planner.running.sweep import grid_rows, parse_axis, write_grid, write_grid_parts
    from planner.workload.model import load_workload

    workload = load_workload(base)
    axes = [parse_axis(spec) for spec in grid]
    columns = [a.column for a in axes]
    twice = sorted({c for c in columns if columns.count(c) > 1})
    if twice:
        raise PlannerError(f"--grid: {', '.join(twice)} given on more than one axis")
    rows = grid_rows(axes)
    if not run:
        write_grid(workload, axes, out)
        print(f"{rows:,} scenarios ({' x '.join(str(len(a.values)) for a in axes)}) -> {out}; price them with "
              f"planner batch {out} -o RESULTS", file=sys.stderr)
        return 0
    from planner.cli.batch import batch
    from planner.running.batch_input import MAX_BATCH_ROWS

    if engine == "local" and rows > MAX_BATCH_ROWS:
        raise PlannerError(f"the grid has {rows:,} scenarios; the local engine prices at most {MAX_BATCH_ROWS:,} "
                           "at once: add --engine dask, or use fewer points")
    with tempfile.TemporaryDirectory(prefix="planner-sweep-") as tmp:
        if engine == "dask":  # one Parquet file per slice: one partition each, priced in parallel
            scenarios = Path(tmp) / "grid"
            write_grid_parts(workload, axes, scenarios)
        else:
            scenarios = Path(tmp) / "grid.parquet"
            write_grid(workload, axes, scenarios)
        return batch(scenarios, out, template=False, quiet=quiet, chunk_rows=10_000, workers=workers,
                     samples=1_000, seed=0, prices=None, engine=engine, scheduler=scheduler)
