"""Named scenarios: costs within hand-reasoned ranges, and no drift from the committed baseline.

Regenerate the baseline with ``python scripts/regen_baseline.py`` in a commit of its own.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from planner.plan.model import make_plan
from planner.report.markdown import render_markdown
from planner.workload.scenarios import GOLDEN_REPORTS, SCENARIOS, SIZED_SCENARIOS, scenario

GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture(scope="module")
def plans():
    return {name: make_plan(scenario(name)) for name in SCENARIOS}


def test_small_internal_tool(plans):
    p = plans["small-internal-tool"]
    # 200 users: one burstable instance (t4g.small, $12) and the smallest database; no multi-AZ, backups only
    assert p.recommended.name == "vertical"
    assert p.recommended.row.instance_type.startswith("t")
    assert 25 <= p.recommended.monthly_usd <= 150
    assert not p.sizing.db_multi_az and p.recommended.dr_tier == "backup_restore"
    # 0.23 req/s on average: a request every 4 s keeps an environment warm (300 s keep-alive), so almost none
    # is cold and functions need no provisioned concurrency (they were refused below 1 req/s)
    functions = p.option("serverless")
    assert functions.feasible and functions.row.cold_start_share < 1e-4
    assert "provisioned concurrency" not in set(functions.bom.component)


def test_mid_size_saas(plans):
    p = plans["mid-size-saas"]
    # ~520 req/s peak, 300 GB: a fleet of a few dozen small instances, Multi-AZ database, pilot light
    assert p.recommended.name in ("horizontal", "containers")
    assert 1_500 <= p.recommended.monthly_usd <= 6_000
    assert p.sizing.db_multi_az and p.recommended.dr_tier == "pilot_light"
    assert not p.option("vertical").feasible


def test_high_traffic_consumer_app(plans):
    p = plans["high-traffic-consumer-app"]
    # 20k req/s, 2 TB, 99.95 %, RTO 15 min: hundreds of instances in three AZs, a cache in front of the
    # database, a warm standby in a second region (the RTO asks for it; 99.95 % alone would not)
    assert 40_000 <= p.recommended.monthly_usd <= 300_000
    assert p.sizing.cache_used and p.sizing.azs == 3 and p.sizing.survive_az_loss
    assert p.recommended.dr_tier == "warm_standby"
    assert p.recommended.availability_pct >= 99.95


def test_costs_rise_with_scenario_size(plans):
    costs = [plans[n].recommended.monthly_usd for n in SIZED_SCENARIOS]
    assert costs == sorted(costs)


def test_no_drift_from_baseline(plans):
    baseline = json.loads((GOLDEN / "scenarios_baseline.json").read_text())
    assert set(baseline) == set(SCENARIOS)
    for name, p in plans.items():
        d = p.to_dict()
        assert d["recommended"] == baseline[name]["recommended"], name
        for o in d["options"]:
            want = baseline[name]["options"][o["name"]]
            assert o["feasible"] == want["feasible"], (name, o["name"])
            assert o["sizing"] == want["sizing"], (name, o["name"])
            for key in ("monthly_usd", "availability_pct"):
                if want[key] is None:
                    assert o[key] is None
                else:
                    assert math.isclose(o[key], want[key], rel_tol=1e-9), (name, o["name"], key)


@pytest.mark.parametrize("name", GOLDEN_REPORTS)
def test_golden_markdown(plans, name):
    assert render_markdown(plans[name]) == (GOLDEN / f"{name}.md").read_text()
