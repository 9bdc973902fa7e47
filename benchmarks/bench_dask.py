"""Sweeps on Dask: N scenarios priced locally and on a LocalCluster, and the time projected for more workers.

    python benchmarks/bench_dask.py [--scenarios 1000000] [--workers 2] [--files 8]

Writes the grid with ``planner sweep`` logic into ``--files`` Parquet files, prices it with the local engine
(file by file, ``run_batch`` with its own worker processes) and with ``planner.running.batch_dask.run_dask`` on a local
cluster of ``--workers`` processes, and prints both times and the projection: the cluster's measured
throughput per worker (scenarios a second, the start-up and the writing included) times N workers, plus the
measured fixed cost (cluster start, reading the partition lengths). Figures, not assertions: the machines are
shared and noisy.
"""

from __future__ import annotations

import argparse
import math
import tempfile
import time
from pathlib import Path

import pandas as pd

from planner.running.batch import run_batch
from planner.running.batch_dask import run_dask
from planner.running.batch_input import read_batch
from planner.running.sweep import grid_slices, parse_axis
from planner.workload.model import Workload


def write_grid_files(folder: Path, scenarios: int, files: int) -> None:
    """A sweep of about ``scenarios`` rows (peak x region x availability x purchase option), in ``files`` parts."""
    per_axis = max(2, round(scenarios / (3 * 3 * 2)))
    axes = [parse_axis(f"peak_rps=1..100000:log:{per_axis}"), parse_axis("region=us-east-1,eu-west-1,ap-south-1"),
            parse_axis("availability_target=99,99.9,99.99"), parse_axis("purchase_option=on_demand,optimise")]
    base = Workload(name="bench", peak_rps=100, data_size_gb=200)
    rows = math.ceil(per_axis * 18 / files)
    for i, part in enumerate(grid_slices(base, axes, rows=rows)):
        part.to_parquet(folder / f"part-{i:03d}.parquet", index=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenarios", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--files", type=int, default=8)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "grid"
        folder.mkdir()
        write_grid_files(folder, args.scenarios, args.files)
        files = sorted(folder.glob("*.parquet"))
        n = sum(len(pd.read_parquet(f, columns=["name"])) for f in files)
        print(f"{n:,} scenarios in {len(files)} Parquet files")

        start = time.perf_counter()
        priced = 0
        for f in files:
            priced += len(run_batch(read_batch(f), None, workers=args.workers).summary)
        local_s = time.perf_counter() - start
        print(f"  local engine ({args.workers} processes, file by file): {local_s:,.1f} s "
              f"({priced / local_s:,.0f} scenarios/s)")

        start = time.perf_counter()
        run = run_dask(folder, Path(tmp) / "out.parquet", workers=args.workers)
        dask_s = time.perf_counter() - start
        print(f"  Dask LocalCluster, {args.workers} workers, {run.partitions} partitions: {dask_s:,.1f} s "
              f"({run.priced / dask_s:,.0f} scenarios/s; ratio local / dask {local_s / dask_s:.2f})")

        # fixed cost: the same run on a tiny input (cluster start-up, lengths, one partition)
        tiny = Path(tmp) / "tiny.parquet"
        pd.read_parquet(files[0]).head(10).to_parquet(tiny, index=False)
        start = time.perf_counter()
        run_dask(tiny, Path(tmp) / "tiny-out.parquet", workers=args.workers)
        fixed_s = time.perf_counter() - start
        per_worker = run.priced / max(dask_s - fixed_s, 1e-9) / args.workers
        print(f"  fixed cost (cluster start, partition lengths): {fixed_s:,.1f} s; "
              f"{per_worker:,.0f} scenarios/s per worker")
        for workers in (4, 16, 64):
            print(f"  projected on {workers} workers: {fixed_s + run.priced / (per_worker * workers):,.1f} s for "
                  f"{run.priced:,}; {fixed_s + 10_000_000 / (per_worker * workers):,.0f} s for 10,000,000")


if __name__ == "__main__":
    main()
