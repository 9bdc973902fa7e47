"""planner diff and the budget gates: the numbers move as the plans do, and CI gets exit 3 when a gate trips."""

from __future__ import annotations

import json
import math

import pytest
import yaml

from planner.base.errors import PlannerError
from planner.cli import main
from planner.plan.model import make_plan
from planner.running.diff import diff_plans, gates, load_side
from planner.workload.model import Workload

BASE = {"name": "api", "region": "us-east-1", "peak_rps": 500, "data_size_gb": 100}


def write(path, **changes):
    path.write_text(yaml.safe_dump({**BASE, **changes}))
    return path


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_a_plan_against_itself_moves_nothing(tmp_path):
    side = load_side(write(tmp_path / "a.yaml"))
    d = diff_plans(side, side)
    assert d.delta_usd == 0 and d.delta_pct == 0
    assert (d.lines.delta_usd == 0).all() and d.decisions.empty
    assert gates(d, d.new_recommended[1], fail_above_usd=1e9, fail_on_increase_pct=0) == []


def test_more_traffic_moves_the_lines_and_the_total(tmp_path):
    d = diff_plans(load_side(write(tmp_path / "a.yaml")), load_side(write(tmp_path / "b.yaml", peak_rps=700)))
    old = make_plan(Workload(**BASE))
    new = make_plan(Workload(**{**BASE, "peak_rps": 700}))
    assert d.old_recommended == (old.recommended.name, pytest.approx(old.recommended.monthly_usd))
    assert d.new_recommended == (new.recommended.name, pytest.approx(new.recommended.monthly_usd))
    assert d.delta_pct == pytest.approx((new.recommended.monthly_usd / old.recommended.monthly_usd - 1) * 100)
    for name in ("horizontal", "serverless"):  # every option's lines add up to its bill on both sides
        mine = d.lines[d.lines.option == name]
        assert mine.old_monthly_usd.sum() == pytest.approx(old.option(name).monthly_usd)
        assert mine.new_monthly_usd.sum() == pytest.approx(new.option(name).monthly_usd)
    egress = d.lines[(d.lines.option == "horizontal") & (d.lines.component == "internet egress")].iloc[0]
    assert egress.new_quantity == pytest.approx(egress.old_quantity * 700 / 500)
    assert egress.delta_usd == pytest.approx(egress.new_monthly_usd - egress.old_monthly_usd)
    assert "traffic" in set(d.decisions.topic)


def test_a_saved_plan_json_is_the_same_side_as_its_workload(tmp_path, capsys):
    workload = write(tmp_path / "a.yaml")
    code, _, _ = run(capsys, "plan", str(workload), "-f", "json", "-o", str(tmp_path / "a.json"))
    assert code == 0
    d = diff_plans(load_side(tmp_path / "a.json"), load_side(workload))
    assert abs(d.delta_usd) < 1e-6 and d.decisions.empty


def test_gates_name_what_tripped():
    side = make_plan(Workload(**BASE)).to_dict()
    more = make_plan(Workload(**{**BASE, "peak_rps": 900})).to_dict()
    d = diff_plans(side, more)
    bill = d.new_recommended[1]
    assert gates(d, bill, fail_above_usd=bill + 1) == []
    [above] = gates(d, bill, fail_above_usd=bill - 1)
    assert f"${bill:,.2f} is above the budget" in above
    [rose] = gates(d, bill, fail_on_increase_pct=1)
    assert f"rose {d.delta_pct:+.1f}%" in rose
    assert gates(None, float("nan"), fail_above_usd=10) == [
        "no option meets every target, so no bill fits the budget $10.00"]


def test_cli_diff_exits_3_on_a_gate_and_still_writes_the_report(tmp_path, capsys):
    a, b = write(tmp_path / "a.yaml"), write(tmp_path / "b.yaml", peak_rps=900)
    code, _, err = run(capsys, "diff", str(a), str(b), "-f", "md", "-o", str(tmp_path / "d.md"),
                       "--fail-on-increase-pct", "5")
    assert code == 3 and "planner: budget gate: the recommended monthly bill rose" in err
    text = (tmp_path / "d.md").read_text()
    assert text.startswith("### Cost diff: api (aws us-east-1)") and ":x: **Budget gate:**" in text
    assert "line(s) moved</summary>" in text
    code, out, err = run(capsys, "diff", str(a), str(b), "-f", "json", "--fail-on-increase-pct", "500")
    assert code == 0 and err == ""
    data = json.loads(out)
    assert data["gate_failures"] == [] and data["delta_usd"] > 0 and data["new"]["recommended"]
    assert math.isclose(sum(r["new_monthly_usd"] for r in data["lines"] if r["option"] == data["new"]["recommended"]),
                        data["new"]["monthly_usd"], rel_tol=1e-9)


def test_cli_plan_gate(tmp_path, capsys):
    a = write(tmp_path / "a.yaml")
    code, _, err = run(capsys, "plan", str(a), "-f", "json", "-o", str(tmp_path / "p.json"), "--fail-above-usd", "10")
    assert code == 3 and "above the budget $10.00" in err and (tmp_path / "p.json").exists()
    code, _, err = run(capsys, "plan", str(a), "-f", "json", "-o", str(tmp_path / "p.json"),
                       "--fail-above-usd", "1000000")
    assert code == 0 and err == ""


@pytest.mark.parametrize(("content", "message"), [
    ({"schema_version": "1.2", "workload": {}}, "a plan document lacks options, decisions, recommended"),
])
def test_bad_plan_json(tmp_path, capsys, content, message):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(content))
    code, out, err = run(capsys, "diff", str(bad), str(write(tmp_path / "a.yaml")))
    assert code == 2 and out == "" and message in err


def test_plans_of_two_clouds_are_not_diffed(tmp_path, capsys):
    a = write(tmp_path / "a.yaml")
    b = write(tmp_path / "b.yaml", cloud="gcp", region="us-central1")
    with pytest.raises(PlannerError, match="different clouds"):
        diff_plans(load_side(a), load_side(b))
    code, _, err = run(capsys, "diff", str(a), str(b))
    assert code == 2 and "different clouds (aws and gcp)" in err and "--clouds" in err
    code, _, err = run(capsys, "diff", str(a), str(tmp_path / "missing.yaml"))
    assert code == 2 and "no such file" in err
