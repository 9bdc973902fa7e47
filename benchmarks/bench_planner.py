"""Speed of planner, and of Netflix's service-capacity-modeling beside it.

Run:  python benchmarks/bench_planner.py [--sizes 1000,10000,100000] [--repeat 5]

Prints (medians; machine noise is real, so compare ratios, not single runs):
  * batch: scenarios/s and peak memory for each size, end to end (read CSV, validate, size, price, write CSV),
    each size in a fresh process;
  * single plan: compute time of one ``make_plan`` after start-up;
  * CLI cold start: ``planner --version`` and ``planner plan w.yaml -f json`` as new processes;
  * peer: ``plan_certain`` of service-capacity-modeling (``pip install '.[bench]'``) for a stateless app and
    a database at the same request rates as ours, both answers side by side.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]


def scenario_csv(path: Path, n: int, seed: int = 0) -> None:
    """``n`` varied scenarios: traffic, data, regions, reliability and purchase options."""
    rng = np.random.default_rng(seed)
    pd.DataFrame({
        "name": [f"s{i}" for i in range(n)],
        "region": rng.choice(["us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-1"], n),
        "peak_rps": np.round(rng.lognormal(5, 1.5, n).clip(1, 50_000), 1),
        "data_size_gb": np.round(rng.lognormal(4, 1.5, n).clip(1, 20_000), 1),
        "availability_target": rng.choice([99.0, 99.5, 99.9, 99.95], n),
        "rto_minutes": rng.choice([15, 60, 240, 1440], n),
        "rpo_minutes": rng.choice([1, 15, 60, 1440], n),
        "purchase_option": rng.choice(["on_demand", "savings_1yr", "savings_3yr", "spot_mix"], n),
    }).to_csv(path, index=False)


BATCH_CHILD = """
import os, resource, sys, threading, time, json
from pathlib import Path

def tree_pss_mb():
    # proportional set size of this process and its children (the batch's worker processes): shared pages
    # (the price book the workers inherit) count once
    total = 0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            parent = int(open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[1])
            if int(pid) == os.getpid() or parent == os.getpid():
                total += sum(int(line.split()[1]) for line in open(f"/proc/{pid}/smaps_rollup")
                             if line.startswith("Pss:"))
        except (OSError, ValueError, IndexError):
            pass
    return total / 1024

peak = [0.0]
def watch():
    while True:
        peak[0] = max(peak[0], tree_pss_mb())
        time.sleep(0.05)
if sys.argv[3] == "memory":  # reading smaps_rollup 20 times a second costs about a CPU-second: not in timed runs
    threading.Thread(target=watch, daemon=True).start()
from planner.pricing import default_book
from planner.report.batch_files import price_and_write
from planner.running.batch_input import read_batch
book = default_book()
t0 = time.perf_counter()
inp = read_batch(sys.argv[1], book)
t1 = time.perf_counter()
result = price_and_write(inp, book, Path(sys.argv[2]))  # as `planner batch`: written as the chunks are priced
t2 = time.perf_counter()
print(json.dumps({"seconds": t2 - t0, "read_s": t1 - t0, "engine_write_s": t2 - t1,
                  "rows": result.priced, "peak_pss_mb": max(peak[0], tree_pss_mb()),
                  "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

# a command run in this process, reporting its own peak memory: what `/usr/bin/time -f %M` shows
MEASURED_RUN = """
import atexit, resource, runpy, sys
atexit.register(lambda: sys.stderr.write(f"\\nmax_rss_kb={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}\\n"))
sys.argv = sys.argv[1:]
runpy.run_module(sys.argv[0], run_name="__main__", alter_sys=True)
"""
# the libraries a cold `planner plan` imports (see `python -X importtime`): numpy, pandas (and pyarrow, which
# it loads), pydantic; and besides, scipy.special (Erlang C), typer and rich (the CLI), PyYAML
CORE_LIBRARIES = "import numpy, pandas, pydantic"
ALL_LIBRARIES = CORE_LIBRARIES + ", scipy.special, typer, rich.console, rich.table, yaml"


def fresh_packs() -> None:
    """Pack the checkout's price books where their packs are missing or stale (another planner's code): an installed
    planner reads its wheel's packs, so a source checkout is measured with packs of its own code too. Without
    them, each batch worker derives the candidate tables itself (about a CPU-second each)."""
    from planner.pricing import cache
    from planner.pricing.book import packed_path
    from planner.pricing.loader import bundled_folder, manifest_clouds
    from planner.running.book_build import build_packs

    folder = Path(str(bundled_folder()))
    stale = [c for c in manifest_clouds(folder)
             if cache.pack_status(packed_path(folder, c), cache.content_key(folder, c), signed=False) != "packed"]
    if stale:
        print(f"packing the checkout's price books ({', '.join(stale)}): their packs were missing or stale",
              flush=True)
        build_packs(folder, stale)


def warm_price_cache() -> None:
    """Figures are for the usual start, with the price book's on-disk cache built by an earlier run (and the
    checkout's packs of this code: :func:`fresh_packs`)."""
    fresh_packs()
    with tempfile.TemporaryDirectory() as tmp:
        w, rows = Path(tmp) / "w.yaml", Path(tmp) / "s.csv"
        cli = [sys.executable, "-m", "planner"]
        subprocess.run([*cli, "example", "-o", str(w)], check=True, capture_output=True)
        subprocess.run([*cli, "plan", str(w), "-f", "json"], check=True, capture_output=True)
        subprocess.run([*cli, "plan", str(w), "--clouds", "aws,gcp,azure", "-f", "json"], check=True,
                       capture_output=True)
        scenario_csv(rows, 200)
        subprocess.run([*cli, "batch", str(rows), "-o", str(Path(tmp) / "out.csv")], check=True, capture_output=True)


def bench_batch(sizes: list[int], repeat: int) -> list[dict[str, float]]:
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            src = Path(tmp) / f"in{n}.csv"
            scenario_csv(src, n)
            def child(kind: str) -> dict[str, float]:
                proc = subprocess.run([sys.executable, "-c", BATCH_CHILD, str(src), str(Path(tmp) / "out.csv"), kind],
                                      capture_output=True, text=True, check=True)
                return json.loads(proc.stdout)

            # timed runs, then one run watching the memory (the watch itself takes CPU: its time is not counted)
            runs = [child("time") for _ in range(repeat if n <= 10_000 else max(1, repeat // 2))]
            memory = child("memory")
            times = [r["seconds"] for r in runs]
            seconds = statistics.median(times)
            parts = {k: statistics.median(r[k] for r in runs) for k in ("read_s", "engine_write_s")}
            out.append({"scenarios": n, "seconds": seconds, "min_s": min(times), "max_s": max(times),
                        "scenarios_per_s": n / seconds, **parts,
                        "peak_rss_mb": max(r["max_rss_mb"] for r in [*runs, memory]),
                        "peak_pss_mb": memory["peak_pss_mb"], "runs": len(runs)})
            print(f"  batch {n:>7,} scenarios: {seconds:6.2f} s ({min(times):.2f}-{max(times):.2f}; "
                  f"{n / seconds:8,.0f} scenarios/s; read {parts['read_s']:.2f} s, priced and written "
                  f"{parts['engine_write_s']:.2f} s), peak memory {out[-1]['peak_pss_mb']:,.0f} MB with its workers "
                  f"(PSS; the main process alone {out[-1]['peak_rss_mb']:,.0f} MB RSS)  (median of {len(runs)})",
                  flush=True)
    return out


def bench_single_plan(repeat: int) -> float:
    from planner.plan.model import make_plan
    from planner.pricing import default_book
    from planner.workload.model import Workload

    book = default_book()
    w = Workload(peak_rps=500)
    make_plan(w, book)  # warm: candidate tables are built once per process
    times = []
    for _ in range(max(repeat, 10)):
        t = time.perf_counter()
        make_plan(w, book)
        times.append(time.perf_counter() - t)
    median = statistics.median(times)
    print(f"  single plan (compute after start-up): {median * 1000:6.1f} ms median of {len(times)}")
    return median


def _timed(args: list[str], env: dict[str, str] | None = None, cwd: Path | None = None) -> tuple[float, float]:
    """Wall time [s] and peak memory [MB] of one command run as a new process (``env``: its environment)."""
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", MEASURED_RUN, *args], check=True, capture_output=True, text=True,
                          env=env, cwd=cwd)
    seconds = time.perf_counter() - t
    kb = [line for line in proc.stderr.splitlines() if line.startswith("max_rss_kb=")]
    return seconds, int(kb[-1].split("=")[1]) / 1024 if kb else float("nan")


def _installed_wheel(tmp: Path) -> Path:
    """A wheel of the checkout (its build packs the price books) installed into a folder of its own."""
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w",
                    str(tmp / "dist"), str(REPO)], check=True, capture_output=True)
    target = tmp / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target),
                    str(next((tmp / "dist").glob("planner-*.whl")))], check=True, capture_output=True)
    return target


def bench_cold_start(repeat: int) -> dict[str, float]:
    """Cold commands beside the bare import of the libraries they load, measured alternately (noise hits
    both alike); ratios are of medians."""
    with tempfile.TemporaryDirectory() as tmp:
        w = Path(tmp) / "w.yaml"
        subprocess.run([sys.executable, "-m", "planner", "example", "-o", str(w)], check=True)
        ranged = Path(tmp) / "ranged.yaml"
        ranged.write_text("name: ranged\npeak_rps: {low: 300, high: 900}\ndata_size_gb: {low: 50, high: 400}\n")
        installed = _installed_wheel(Path(tmp))
        runs: dict[str, list[tuple[float, float]]] = {k: [] for k in (
            "version", "plan", "first", "source_first", "uncertain", "installed_uncertain", "core", "all")}
        for i in range(repeat):
            runs["version"].append(_timed(["planner", "--version"]))
            runs["plan"].append(_timed(["planner", "plan", str(w), "-f", "json"]))
            # after `pip install`: the wheel's packed books, an empty price-book cache
            empty = dict(os.environ, PLANNER_CACHE_DIR=str(Path(tmp) / f"empty-cache-{i}"), PYTHONPATH=str(installed))
            runs["first"].append(_timed(["planner", "plan", str(w), "-f", "json"], env=empty, cwd=Path(tmp)))
            # a source checkout's first run with an empty cache: its packs, fresh (fresh_packs) unless the code
            # changed since, in which case the tables are parsed and derived
            empty = dict(os.environ, PLANNER_CACHE_DIR=str(Path(tmp) / f"empty-source-cache-{i}"))
            runs["source_first"].append(_timed(["planner", "plan", str(w), "-f", "json"], env=empty))
            runs["uncertain"].append(_timed(["planner", "plan", str(ranged), "--samples", "1000", "-f", "json"]))
            empty = dict(os.environ, PLANNER_CACHE_DIR=str(Path(tmp) / f"empty-cache-u{i}"), PYTHONPATH=str(installed))
            runs["installed_uncertain"].append(_timed(["planner", "plan", str(ranged), "--samples", "1000", "-f",
                                                       "json"], env=empty, cwd=Path(tmp)))
            for key, code in (("core", CORE_LIBRARIES), ("all", ALL_LIBRARIES)):
                t = time.perf_counter()
                subprocess.run([sys.executable, "-c", code], check=True)
                runs[key].append((time.perf_counter() - t, float("nan")))
    out = {k: statistics.median(t for t, _ in v) for k, v in runs.items()}
    out["plan_peak_rss_mb"] = max(m for _, m in runs["plan"])
    out["first_peak_rss_mb"] = max(m for _, m in runs["first"])
    out["source_first_peak_rss_mb"] = max(m for _, m in runs["source_first"])
    print(f"  cold start `planner --version`: {out['version'] * 1000:6.0f} ms")
    print(f"  cold start `planner plan w.yaml -f json`: {out['plan'] * 1000:6.0f} ms, peak RSS "
          f"{out['plan_peak_rss_mb']:.0f} MB (median of {repeat})")
    print(f"  first `planner plan` after install (the wheel's packed books, empty price-book cache): "
          f"{out['first'] * 1000:6.0f} ms, peak RSS {out['first_peak_rss_mb']:.0f} MB (goal <= 1,500 ms, <= 200 MB)")
    print(f"  first `planner plan` in this source checkout (empty cache; its packs where fresh): "
          f"{out['source_first'] * 1000:6.0f} ms, peak RSS {out['source_first_peak_rss_mb']:.0f} MB")
    print(f"  cold `planner plan` of a workload with ranges, 1,000 samples: {out['uncertain'] * 1000:6.0f} ms; "
          f"from the installed wheel, first run: {out['installed_uncertain'] * 1000:6.0f} ms (goal <= 500 ms)")
    print(f"  bare `{CORE_LIBRARIES}`: {out['core'] * 1000:6.0f} ms -> plan / bare = {out['plan'] / out['core']:.2f}x"
          " (goal <= 1.5x)")
    print(f"  bare import of every library it loads ({ALL_LIBRARIES.removeprefix('import ')}): "
          f"{out['all'] * 1000:6.0f} ms -> plan / bare = {out['plan'] / out['all']:.2f}x")
    return out


CLOUD_REGIONS = {"aws": "us-east-1", "gcp": "us-central1", "azure": "eastus"}


def bench_clouds(repeat: int) -> dict[str, float]:
    """Per cloud: one plan's compute after start-up and a cold `planner plan` (wall time, peak memory); and the
    three clouds side by side (`--clouds aws,gcp,azure`), cold."""
    from planner.plan.model import make_plan
    from planner.pricing import default_book
    from planner.workload.model import Workload

    out: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for cloud, region in CLOUD_REGIONS.items():
            w = Workload(cloud=cloud, region=region, peak_rps=500)
            book = default_book(cloud)
            make_plan(w, book)
            times = []
            for _ in range(max(repeat, 10)):
                t = time.perf_counter()
                make_plan(w, book)
                times.append(time.perf_counter() - t)
            out[f"{cloud}_plan_s"] = statistics.median(times)
            path = Path(tmp) / f"{cloud}.yaml"
            path.write_text(f"cloud: {cloud}\nregion: {region}\npeak_rps: 500\n")
            cold = [_timed(["planner", "plan", str(path), "-f", "json"]) for _ in range(repeat)]
            out[f"{cloud}_cold_s"] = statistics.median(t for t, _ in cold)
            out[f"{cloud}_cold_rss_mb"] = max(m for _, m in cold)
            print(f"  {cloud}: one plan {out[f'{cloud}_plan_s'] * 1000:6.1f} ms after start-up; cold `planner plan` "
                  f"{out[f'{cloud}_cold_s']:.2f} s, peak RSS {out[f'{cloud}_cold_rss_mb']:.0f} MB")
        path = Path(tmp) / "aws.yaml"
        three = [_timed(["planner", "plan", str(path), "--clouds", "aws,gcp,azure", "-f", "json"])
                 for _ in range(repeat)]
        out["three_clouds_cold_s"] = statistics.median(t for t, _ in three)
        out["three_clouds_cold_rss_mb"] = max(m for _, m in three)
        print(f"  cold `planner plan --clouds aws,gcp,azure`: {out['three_clouds_cold_s']:.2f} s, peak RSS "
              f"{out['three_clouds_cold_rss_mb']:.0f} MB (median of {repeat})")
    return out


def peer_desires(reads: int, writes: int, latency_ms: float, state_gib: int) -> tuple[object, object]:
    """The peer's two requests for one load: a stateless Java app (the latency as its service time) and an RDS
    database of ``state_gib``. Raises ImportError without the bench extra (also used by peer_sizing.py)."""
    from service_capacity_modeling.interface import (
        CapacityDesires,
        DataShape,
        QueryPattern,
        certain_float,
        certain_int,
    )

    pattern = {"estimated_read_per_second": certain_int(reads), "estimated_write_per_second": certain_int(writes)}
    app = CapacityDesires(service_tier=1, query_pattern=QueryPattern(
        **pattern, estimated_mean_read_latency_ms=certain_float(latency_ms),
        estimated_mean_write_latency_ms=certain_float(latency_ms)),
        data_shape=DataShape(estimated_state_size_gib=certain_int(1)))
    db = CapacityDesires(service_tier=1, query_pattern=QueryPattern(**pattern),
                         data_shape=DataShape(estimated_state_size_gib=certain_int(state_gib)))
    return app, db


def bench_peer(repeat: int) -> list[dict[str, object]]:
    try:
        from service_capacity_modeling.capacity_planner import planner as peer
    except ImportError:
        print("  peer: service-capacity-modeling is not installed (pip install '.[bench]'); skipped")
        return []
    from planner.plan.model import make_plan
    from planner.pricing import default_book
    from planner.workload.model import Workload

    book = default_book()
    rows = []
    for rps in (100, 1_000, 10_000):
        app, db = peer_desires(int(rps * 0.9), int(rps * 0.1), latency_ms=50, state_gib=100)
        ours_w = Workload(peak_rps=rps, peak_to_average=1, data_size_gb=100)
        timings: dict[str, list[float]] = {"app": [], "db": [], "ours": []}
        for i in range(repeat + 1):  # the first round warms caches and is dropped
            t = time.perf_counter()
            app_plans = peer.plan_certain(model_name="org.netflix.stateless-java", region="us-east-1", desires=app)
            t1 = time.perf_counter()
            db_plans = peer.plan_certain(model_name="org.netflix.rds", region="us-east-1", desires=db)
            t2 = time.perf_counter()
            ours = make_plan(ours_w, book)
            t3 = time.perf_counter()
            if i:
                timings["app"].append(t1 - t)
                timings["db"].append(t2 - t1)
                timings["ours"].append(t3 - t2)
        a = app_plans[0].candidate_clusters.regional[0]
        d = db_plans[0].candidate_clusters.regional[0] if db_plans else None
        h = ours.option("horizontal")
        peer_s = statistics.median(timings["app"]) + statistics.median(timings["db"])
        ours_s = statistics.median(timings["ours"])
        row = {
            "rps": rps,
            "peer_app": f"{a.count} x {a.instance.name}", "peer_app_vcpu": a.count * a.instance.cpu,
            "peer_db": f"{d.instance.name}" if d else "none",
            "peer_annual_usd": float(app_plans[0].candidate_clusters.total_annual_cost)
            + (float(db_plans[0].candidate_clusters.total_annual_cost) if db_plans else 0.0),
            "ours_app": f"{h.row.instances_desired:.0f} x {h.row.instance_type}",
            "ours_app_vcpu": h.row.instances_desired * h.row.instance_vcpu,
            "ours_db": f"{ours.sizing.db_instance_class}{' Multi-AZ' if ours.sizing.db_multi_az else ''}",
            "ours_annual_usd": h.annual_usd,
            "peer_ms": peer_s * 1000, "ours_ms": ours_s * 1000,
        }
        rows.append(row)
        print(f"  {rps:>6,} rps  peer {row['peer_ms']:7.1f} ms: app {row['peer_app']} ({row['peer_app_vcpu']} vCPU), "
              f"db {row['peer_db']}, ${row['peer_annual_usd']:,.0f}/yr")
        print(f"  {'':>10}ours {row['ours_ms']:7.1f} ms: app {row['ours_app']} ({row['ours_app_vcpu']:.0f} vCPU, "
              f"peak with AZ headroom), db {row['ours_db']}, ${row['ours_annual_usd']:,.0f}/yr for the whole "
              f"stack (ratio peer/ours time {peer_s / ours_s:.1f}x)")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--parts", default="batch,plan,cold,peer,clouds", help="which figures to measure")
    args = parser.parse_args()
    parts = set(args.parts.split(","))
    os.chdir(REPO)
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
          f"{platform.platform()}")
    warm_price_cache()
    benches = {
        "batch": lambda: bench_batch([int(s) for s in args.sizes.split(",")], args.repeat),
        "plan": lambda: bench_single_plan(args.repeat),
        "cold": lambda: bench_cold_start(args.repeat),
        "peer": lambda: bench_peer(args.repeat),
        "clouds": lambda: bench_clouds(args.repeat),
    }
    figures = {name: run() for name, run in benches.items() if name in parts}
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
