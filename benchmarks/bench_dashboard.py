"""Server-side rerun time of the dashboard's Plan page after an input change (goal: under 200 ms).

Run:  python benchmarks/bench_dashboard.py [--changes 15]

Uses Streamlit's AppTest (the script run, without a browser). Each change sets a new peak rate, so the
plan cache misses and the run includes sizing and pricing; a repeated value shows the cached cost.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=15)
    args = parser.parse_args()
    at = AppTest.from_file(APP, default_timeout=120)
    t = time.perf_counter()
    at.run()
    print(f"first run (price book, candidate tables): {time.perf_counter() - t:.2f} s")
    fresh, cached = [], []
    for i in range(args.changes):
        at.number_input(key="peak_rps").set_value(300 + 37 * i)
        t = time.perf_counter()
        at.run()
        fresh.append(time.perf_counter() - t)
        at.number_input(key="peak_rps").set_value(300)
        t = time.perf_counter()
        at.run()
        cached.append(time.perf_counter() - t)
    print(f"rerun after an input change, new plan: {statistics.median(fresh) * 1000:.0f} ms median of {len(fresh)}")
    print(f"rerun after an input change, cached plan: {statistics.median(cached) * 1000:.0f} ms median of "
          f"{len(cached)}")


if __name__ == "__main__":
    main()
