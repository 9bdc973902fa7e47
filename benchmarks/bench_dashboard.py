"""The dashboard's speed: the Plan page's rerun after an input change (goal: under 200 ms) and its first load in
a real browser (goal: under 3 s).

Run:  python benchmarks/bench_dashboard.py [--changes 15] [--browser 5]

The rerun uses Streamlit's AppTest (the script run, without a browser). Each change sets a new peak rate, so the
plan cache misses and the run includes sizing and pricing; a repeated value shows the cached cost.

``--browser N`` starts the server afresh N times, by ``planner dashboard`` and by ``streamlit run app.py`` (the
price book's on-disk cache warm, as after a first plan), and times Debian's Chromium (driven by Playwright) from
opening the page to the recommendation shown and to the cost chart drawn: what a user waits for.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

APP = str(Path(__file__).resolve().parents[1] / "app.py")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def first_loads(repeat: int, how: str) -> None:
    """Median of ``repeat`` first loads of the Plan page in Chromium, each from a server started afresh by
    ``planner dashboard`` (``how`` = planner: warmed as it starts) or ``streamlit run app.py`` (streamlit)."""
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    up, shown, drawn = [], [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        for _ in range(repeat):
            with socket.socket() as s:
                s.bind(("127.0.0.1", 0))
                port = s.getsockname()[1]
            t = time.perf_counter()
            command = ([sys.executable, "-m", "planner", "dashboard", "--address", "127.0.0.1", "--port", str(port)]
                       if how == "planner" else
                       [sys.executable, "-m", "streamlit", "run", APP, "--server.address", "127.0.0.1",
                        "--server.port", str(port)])
            server = subprocess.Popen(command, cwd=Path(APP).parent, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL,
                                      env={**os.environ, "PYTHONUNBUFFERED": "1", "STREAMLIT_SERVER_HEADLESS": "true",
                                           "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"})
            try:
                while True:
                    try:
                        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                        break
                    except OSError:
                        time.sleep(0.05)
                up.append(time.perf_counter() - t)
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                t = time.perf_counter()
                page.goto(f"http://127.0.0.1:{port}/", timeout=120_000)
                page.get_by_text("Recommended: ").first.wait_for(timeout=120_000)
                shown.append(time.perf_counter() - t)
                page.locator(".js-plotly-plot").first.wait_for(timeout=120_000)  # Plotly's script loads last
                drawn.append(time.perf_counter() - t)
                page.close()
            finally:
                server.terminate()
                server.wait(timeout=20)
        browser.close()
    print(f"{'planner dashboard' if how == 'planner' else 'streamlit run app.py'}: server up in "
          f"{statistics.median(up):.2f} s; first load of Plan, the recommendation shown: "
          f"{statistics.median(shown):.2f} s ({min(shown):.2f}-{max(shown):.2f}), the cost chart drawn: "
          f"{statistics.median(drawn):.2f} s "
          f"({min(drawn):.2f}-{max(drawn):.2f}), medians of {repeat} (goal <= 3 s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=15)
    parser.add_argument("--browser", type=int, default=0, help="also time this many first loads in Chromium")
    args = parser.parse_args()
    if args.browser:
        for how in ("planner", "streamlit"):  # alternately would be fairer; each is a fresh server either way
            first_loads(args.browser, how)
    from streamlit.testing.v1 import AppTest

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
