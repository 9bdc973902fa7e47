"""One real browser: ``planner dashboard`` on loopback, driven by Debian's Chromium through Playwright.

Skipped, with the reason, where Chromium or Playwright is absent (CI installs both).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = REPO / "artifacts"

playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install '.[test]')")
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                reason="Chromium not found at /usr/bin/chromium (apt-get install -y chromium)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    port = _free_port()
    # the command users run: `planner dashboard` (Streamlit in-process, warmed while the browser loads)
    proc = subprocess.Popen(
        [sys.executable, "-m", "planner", "dashboard", "--address", "127.0.0.1", "--port", str(port)],
        cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONUNBUFFERED": "1", "STREAMLIT_SERVER_HEADLESS": "true",
             "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
             # the Saved page's database in a folder of the test's own
             "PLANNER_DB_URL": f"sqlite:///{tempfile.mkdtemp(prefix='planner-browser-')}/saved.db"})
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail("streamlit did not start within 60 s")
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(timeout=20)


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        yield b
        b.close()


def _settled(page) -> None:  # noqa: ANN001
    """Wait until Streamlit has finished the current run (its running indicator is gone) and drawn it: no element
    of the previous run left greyed out, no placeholder still loading (screenshots were taken half drawn)."""
    page.wait_for_timeout(300)
    page.get_by_test_id("stStatusWidget").wait_for(state="detached", timeout=90_000)
    page.wait_for_function("() => !document.querySelector(\"[data-stale='true'], [data-testid='stSkeleton']\")",
                           timeout=60_000)


def _monthly(page) -> str:  # noqa: ANN001
    """The "Monthly" metric's value (by its label: while Streamlit reruns, the first metric on the page can
    briefly be another one)."""
    metric = page.get_by_test_id("stMetric").filter(has=page.get_by_test_id("stMetricLabel").get_by_text("Monthly"))
    return metric.get_by_test_id("stMetricValue").first.inner_text()


def test_plan_page_in_a_real_browser(server, browser):
    page = browser.new_page(viewport={"width": 1500, "height": 1200})
    page.goto(server, timeout=60_000)
    page.get_by_text("Recommended: horizontal").wait_for(timeout=90_000)
    before = _monthly(page)
    box = page.get_by_role("spinbutton", name="Peak requests/s")
    box.fill("5000")
    box.press("Enter")
    page.wait_for_function(
        "prev => document.querySelector('[data-testid=\"stMetricValue\"]')?.innerText !== prev", arg=before,
        timeout=90_000)
    _settled(page)
    after = _monthly(page)
    assert int(after.strip("$").replace(",", "")) > int(before.strip("$").replace(",", ""))
    page.wait_for_function("() => window.location.search.includes('peak_rps=5000')", timeout=30_000)
    ARTIFACTS.mkdir(exist_ok=True)
    _settled(page)
    page.screenshot(path=str(ARTIFACTS / "plan-page.png"), full_page=True)
    assert (ARTIFACTS / "plan-page.png").stat().st_size > 10_000


def test_batch_upload_in_a_real_browser(server, browser, tmp_path):
    from planner.cli.example import template_csv
    from planner.workload.scenarios import SCENARIOS

    csv = tmp_path / "scenarios.csv"
    csv.write_text(template_csv() + "bad-row,,,-5,,,,,,,,,,,,,,,,,\n")
    page = browser.new_page(viewport={"width": 1500, "height": 1200})
    page.goto(f"{server}/batch", timeout=60_000)
    page.locator("input[type=file]").set_input_files(str(csv))
    page.get_by_text(f"{len(SCENARIOS)} scenario(s) priced.").wait_for(timeout=90_000)
    page.get_by_text("1 row(s) not priced").wait_for(timeout=30_000)
    page.get_by_text("Download csv").wait_for(timeout=30_000)
    assert page.get_by_test_id("stHelp").count() == 0  # no stray object dumped by Streamlit's magic
    _settled(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "batch-page.png"), full_page=True)


def test_the_workload_follows_the_menu_in_a_real_browser(server, browser):
    # set 900 req/s on Plan, follow the menu to Compare and back: the form showed the defaults (500) each time
    page = browser.new_page(viewport={"width": 1500, "height": 1200})
    page.goto(server, timeout=60_000)
    page.get_by_text("Recommended: ").first.wait_for(timeout=90_000)
    box = page.get_by_role("spinbutton", name="Peak requests/s")
    box.fill("900")
    box.press("Enter")
    page.wait_for_function("() => window.location.search.includes('peak_rps=900')", timeout=60_000)
    _settled(page)
    page.get_by_test_id("stSidebar").get_by_text("Compare", exact=True).click()
    page.get_by_role("heading", name="Cost vs load").wait_for(timeout=90_000)
    _settled(page)
    assert float(page.get_by_role("spinbutton", name="Peak requests/s").input_value()) == 900
    assert "peak_rps=900" in page.url
    page.get_by_test_id("stSidebar").get_by_text("Plan", exact=True).click()
    page.get_by_text("Recommended: ").first.wait_for(timeout=90_000)
    _settled(page)
    assert float(page.get_by_role("spinbutton", name="Peak requests/s").input_value()) == 900


def test_a_workload_nothing_meets_in_a_real_browser(server, browser):
    page = browser.new_page(viewport={"width": 1500, "height": 1200})
    page.goto(f"{server}/?peak_rps=500&availability_target=99.99999", timeout=60_000)
    page.get_by_text("No option meets every target.").wait_for(timeout=90_000)
    _settled(page)
    assert page.get_by_test_id("stException").count() == 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "plan-nothing-meets.png"), full_page=True)
    box = page.get_by_role("spinbutton", name="Availability target (%)")
    box.fill("99.9")
    box.press("Enter")
    page.get_by_text("Recommended: ").first.wait_for(timeout=90_000)
    assert page.get_by_test_id("stException").count() == 0


def test_on_a_phone_the_recommendation_comes_before_the_form(server, browser):
    # at 390 px the results started about 2,670 px down, below the whole form
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(server, timeout=60_000)
    page.get_by_text("Recommended: ").first.wait_for(timeout=90_000)
    _settled(page)
    # the layout settles once Streamlit has replaced the previous run's elements: read it when it is stable
    heading, form = page.get_by_role("heading", name="Recommended: "), page.get_by_text("Traffic given as").first
    boxes = None
    for _ in range(60):
        now = (heading.bounding_box(), form.bounding_box())
        if now == boxes and page.locator("[data-stale='true']").count() == 0:
            break
        boxes = now
        page.wait_for_timeout(500)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "plan-phone.png"))
    recommended, form_box = boxes
    debug = page.evaluate("""() => [
        document.querySelectorAll("[data-testid='stColumn']:has(.st-key-plan_form)").length,
        [...document.querySelectorAll('style')].filter(s => s.textContent.includes('order: 2')).length,
        document.querySelectorAll('.st-key-plan_form').length]""")
    assert recommended["y"] < 844 < form_box["y"], (boxes, debug)


PAGES = ["", "compare", "uncertainty", "batch", "growth", "prices", "saved"]


@pytest.mark.parametrize("viewport", [(1440, 900), (390, 844)], ids=["desktop", "phone"])
def test_every_page_renders_without_an_exception(server, browser, viewport, tmp_path):
    # each page at a desktop and a phone size, with a workload carried in the link: no exception box, no nan
    width, height = viewport
    for name in PAGES:
        page = browser.new_page(viewport={"width": width, "height": height})
        page.goto(f"{server}/{name}?peak_rps=900", timeout=60_000)
        page.get_by_test_id("stMainBlockContainer").wait_for(timeout=90_000)
        page.wait_for_timeout(1_000)
        _settled(page)
        assert page.get_by_test_id("stException").count() == 0, name
        text = page.get_by_test_id("stMainBlockContainer").inner_text()
        assert " nan" not in text.lower() and "traceback" not in text.lower(), name
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{name or 'plan'}-{width}.png"))
        page.close()


def test_a_share_link_keeps_full_precision_in_a_real_browser(server, browser):
    # share links rounded 12345.67 to 12345.7; 99.99 % showed as "99.990" and went back as 99.99 only by luck
    page = browser.new_page(viewport={"width": 1500, "height": 1200})
    page.goto(server, timeout=60_000)
    page.get_by_text("Recommended: ").first.wait_for(timeout=90_000)
    for label, value in (("Peak requests/s", "12345.67"), ("Availability target (%)", "99.987")):
        box = page.get_by_role("spinbutton", name=label)
        box.fill(value)
        box.press("Enter")
        _settled(page)
    page.wait_for_function("() => window.location.search.includes('peak_rps=12345.67')"
                           " && window.location.search.includes('availability_target=99.987')", timeout=60_000)
    link, monthly = page.url, _monthly(page)
    # the link opened afresh (another person's browser): the same inputs to the last digit, the same bill
    other = browser.new_page(viewport={"width": 1500, "height": 1200})
    other.goto(link, timeout=60_000)
    other.get_by_text("Recommended: ").first.wait_for(timeout=90_000)
    _settled(other)
    assert other.get_by_role("spinbutton", name="Peak requests/s").input_value() == "12345.67"
    assert other.get_by_role("spinbutton", name="Availability target (%)").input_value() == "99.987"
    assert _monthly(other) == monthly


def test_saving_then_deleting_asks_first_in_a_real_browser(server, browser):
    page = browser.new_page(viewport={"width": 1500, "height": 1200})
    page.goto(f"{server}/saved?peak_rps=700", timeout=60_000)
    page.get_by_text("Save the sidebar's scenario").wait_for(timeout=90_000)
    main = page.get_by_test_id("stMain")

    def chosen() -> str:  # what the "Saved scenario" box shows
        return main.get_by_role("combobox", name="Saved scenario").input_value()

    for name in ("browser-keep-me", "browser-delete-me"):
        page.get_by_role("textbox", name="Save as").fill(name)
        page.get_by_role("button", name="Save", exact=True).click()
        page.get_by_text("Saved #").filter(has_text=name).wait_for(timeout=90_000)
        _settled(page)
    assert "browser-delete-me" in chosen()  # the new save is the selection
    page.get_by_role("button", name="Delete", exact=True).click()
    page.get_by_text("This cannot be undone.").wait_for(timeout=30_000)
    _settled(page)
    # asking does not delete: cancel keeps it
    page.get_by_role("button", name="Cancel", exact=True).click()
    page.get_by_text("This cannot be undone.").wait_for(state="detached", timeout=30_000)
    _settled(page)
    assert "browser-delete-me" in chosen()
    page.get_by_role("button", name="Delete", exact=True).click()
    page.get_by_role("button", name="Yes, delete it").click()
    page.get_by_text("Deleted #").wait_for(timeout=30_000)
    _settled(page)
    # the box moves to a scenario that exists (it went on showing the deleted one)
    assert "browser-keep-me" in chosen() and "browser-delete-me" not in chosen()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "saved-deleted.png"), full_page=True)
    page.get_by_role("button", name="Delete", exact=True).click()
    page.get_by_role("button", name="Yes, delete it").click()
    # the last one gone: the page says what it did, and that nothing is left
    page.get_by_text("Nothing saved yet.").wait_for(timeout=30_000)
    assert "browser-keep-me" in page.get_by_text("Deleted #").inner_text()


def test_every_download_arrives_when_clicked_one_after_another(server, browser, tmp_path):
    # each click reran the page and cancelled the next download in two of three trials
    page = browser.new_page(viewport={"width": 1500, "height": 1200}, accept_downloads=True)
    page.goto(f"{server}/?peak_rps=800", timeout=60_000)
    page.get_by_text("Recommended: ").first.wait_for(timeout=90_000)
    _settled(page)
    got = {}
    for label in ("Markdown report", "JSON", "Bill of materials (CSV)"):
        with page.expect_download(timeout=60_000) as info:
            page.get_by_role("button", name=label).click()
        path = tmp_path / info.value.suggested_filename
        info.value.save_as(path)
        got[label] = path.read_text(encoding="utf-8")
    assert got["Markdown report"].startswith("# Capacity plan")
    assert json.loads(got["JSON"])["workload"]["peak_rps"] == 800
    assert "monthly_usd" in got["Bill of materials (CSV)"].splitlines()[0]


def test_every_batch_download_arrives_when_clicked_one_after_another(server, browser, tmp_path):
    from planner.cli.example import template_csv
    from planner.workload.scenarios import SCENARIOS

    csv = tmp_path / "scenarios.csv"
    csv.write_text(template_csv())
    page = browser.new_page(viewport={"width": 1500, "height": 1200}, accept_downloads=True)
    page.goto(f"{server}/batch", timeout=60_000)
    page.locator("input[type=file]").set_input_files(str(csv))
    page.get_by_text(f"{len(SCENARIOS)} scenario(s) priced.").wait_for(timeout=90_000)
    _settled(page)
    sizes = {}
    for label in ("Download csv", "Download parquet", "Download json", "Download md", "Summary CSV"):
        with page.expect_download(timeout=60_000) as info:
            page.get_by_role("button", name=label, exact=True).click()
        path = tmp_path / f"{len(sizes)}-{info.value.suggested_filename}"
        info.value.save_as(path)
        sizes[label] = path.stat().st_size
    assert all(size > 100 for size in sizes.values()), sizes
    assert json.loads((tmp_path / "2-scenarios-results.json").read_text())["scenarios"]


def test_the_options_table_fits_a_phone(server, browser):
    # at 390 px the eight-column options table scrolled sideways; a phone gets three columns, a desktop all eight
    for width, shown, hidden in ((390, "options_narrow", "options_wide"), (1440, "options_wide", "options_narrow")):
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.goto(f"{server}/?peak_rps=900", timeout=60_000)
        page.get_by_text("Recommended: ").first.wait_for(timeout=90_000)
        _settled(page)
        table = page.locator(f".st-key-{shown} table")
        table.wait_for(state="visible", timeout=60_000)
        assert not page.locator(f".st-key-{hidden} table").is_visible()
        fits = page.evaluate(f"""() => {{
            const t = document.querySelector('.st-key-{shown} table');
            let box = t.parentElement;  // the nearest scrolling ancestor holds the table without scrolling
            while (box && box.scrollWidth <= box.clientWidth && box !== document.body) box = box.parentElement;
            return [t.getBoundingClientRect().right <= window.innerWidth + 1, box === document.body || !box];
        }}""")
        assert fits == [True, True], (width, fits)
        if width == 390:
            page.screenshot(path=str(ARTIFACTS / "plan-options-phone.png"), full_page=True)
        page.close()
