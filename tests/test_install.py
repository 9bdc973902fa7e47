"""A non-editable wheel, used from another directory, finds its price tables."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """Build a wheel of the checkout and unpack it into a fresh target folder."""
    work = tmp_path_factory.mktemp("wheel")
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", str(work / "dist"),
         str(REPO)],
        capture_output=True, text=True,
    )
    if build.returncode != 0:
        pytest.fail(f"building the wheel failed:\n{build.stdout}\n{build.stderr}")
    wheel = next((work / "dist").glob("planner-*.whl"))
    size_mb = wheel.stat().st_size / 2**20
    assert size_mb < 20, f"wheel is {size_mb:.1f} MB"
    target = work / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--target", str(target), str(wheel)],
                   check=True, capture_output=True)
    return target


def _run_elsewhere(target: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(target)}
    return subprocess.run([sys.executable, *args], cwd=tmp_path, env=env, capture_output=True, text=True)


def test_installed_wheel_finds_its_tables(installed, tmp_path):
    code = ("import json, planner, pricing_data; from planner.pricing import default_book; "
            "b = default_book(); p = b.instance_price('aws', 'us-east-1', 'ec2', 'm5.large'); "
            "print(json.dumps([planner.__file__, pricing_data.__file__, p.hourly_usd]))")
    proc = _run_elsewhere(installed, tmp_path, "-c", code)
    assert proc.returncode == 0, proc.stderr
    planner_file, data_file, hourly = json.loads(proc.stdout)
    assert planner_file.startswith(str(installed)) and data_file.startswith(str(installed))
    assert hourly == 0.096


def test_installed_cli_lookup(installed, tmp_path):
    proc = _run_elsewhere(installed, tmp_path, "-c", "import sys; from planner.cli import main; sys.exit(main())",
                          "prices", "lookup", "aws", "us-east-1", "ec2", "m5.large", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["monthly_usd"] == pytest.approx(70.08)


def test_installed_wheel_plans_from_its_packed_books_and_caches_nothing(installed, tmp_path):
    # the wheel build packs each cloud's book with its derived tables: the first plan after install reads them,
    # derives nothing, writes no per-install cache, and prices as a source checkout does
    packs = sorted(p.name for p in (installed / "pricing_data" / "derived").glob("*.pack"))
    assert packs == ["aws.pack", "azure.pack", "gcp.pack"]
    cache_dir = tmp_path / "cache"
    code = ("import json; from planner.plan.model import make_plan; from planner.pricing.book import default_book; "
            "from planner.workload.model import Workload; b = default_book('gcp'); n = b.kept_memo_size(); "
            "p = make_plan(Workload(peak_rps=500, cloud='gcp', region='us-central1'), b); "
            "print(json.dumps([p.recommended.monthly_usd, n, b.kept_memo_size()]))")
    env = {**os.environ, "PYTHONPATH": str(installed), "PLANNER_CACHE_DIR": str(cache_dir)}
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    usd, derived_before, derived_after = json.loads(proc.stdout)
    assert derived_before > 10 and derived_after == derived_before
    assert not cache_dir.exists() or not list(cache_dir.glob("*.pack"))

    from planner.plan.model import make_plan
    from planner.pricing.book import PriceBook
    from planner.workload.model import Workload

    here = make_plan(Workload(peak_rps=500, cloud="gcp", region="us-central1"), PriceBook.load(clouds=["gcp"]))
    assert usd == here.recommended.monthly_usd


def test_the_installed_planner_carries_its_packed_books():
    # .ci/run installs the project as the README says (pip install ".[test]": an isolated build, where the
    # packing runs with the build environment's libraries); that wheel must hold the packs, or every first run
    # parses and derives the tables again
    import importlib.metadata
    import site

    from planner.pricing import cache
    from planner.pricing.book import PACK_CLASSES

    # the environment's installed copy (not the checkout's planner.egg-info, which the build leaves here)
    found = list(importlib.metadata.distributions(name="planner", path=site.getsitepackages()))
    if not found:
        pytest.skip("planner is not installed in this environment's site-packages")
    dist = found[0]
    direct = dist.read_text("direct_url.json")
    if direct and json.loads(direct).get("dir_info", {}).get("editable"):
        pytest.skip("an editable install reads the source tree, which keeps no packs")
    packs = {str(f) for f in dist.files or [] if str(f).startswith("pricing_data/derived/")}
    assert packs == {f"pricing_data/derived/{c}.pack" for c in ("aws", "azure", "gcp")}
    folder = Path(str(dist.locate_file("pricing_data")))
    state = cache.read_packed(folder / "derived" / "gcp.pack", cache.content_key(folder, "gcp"), PACK_CLASSES,
                              signed=False)
    assert state is not None and len(state["_memo"]) > 10
