"""Ranges in, percentiles and sensitivity out: distributions checked at their given points, the Monte Carlo
checked against plain plans, and every bad range named by field."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from planner.cli import main
from planner.plan.model import OPTION_ORDER
from planner.plan.model import make_plan
from planner.pricing import default_book
from planner.report.json_contract import SCHEMA_VERSION
from planner.report.markdown import render_markdown
from planner.running.uncertainty.monte_carlo import RULE, sample_frame, simulate
from planner.running.uncertainty.plans import make_uncertain_plan
from planner.running.uncertainty.ranges import Range, parse_uncertain_text, uncertain_from_dict
from planner.workload.model import WorkloadError
from planner.workload.vocabulary import field_label

RANGED = {"name": "checkout", "peak_rps": {"low": 300, "high": 900}, "data_size_gb": {"low": 50, "high": 400},
          "read_fraction": {"low": 0.8, "high": 0.97}, "monthly_growth": {"low": 0, "mid": 0.03, "high": 0.08}}


@pytest.fixture(scope="module")
def book():
    return default_book()


@pytest.fixture(scope="module")
def ranged():
    return uncertain_from_dict(RANGED)


def test_each_kind_of_range_passes_through_its_three_points(ranged):
    # lognormal: median = geometric mean sqrt(300 x 900) = 519.6; logit-normal: median on the logit midpoint;
    # normal: the given mid. Each at 5 % / 50 % / 95 % returns low / mid / high.
    assert ranged.workload.peak_rps == pytest.approx(math.sqrt(300 * 900))
    logit = (math.log(0.8 / 0.2) + math.log(0.97 / 0.03)) / 2
    assert ranged.workload.read_fraction == pytest.approx(1 / (1 + math.exp(-logit)))  # 0.9192
    assert ranged.workload.monthly_growth == 0.03
    for r in ranged.ranges:
        assert r.quantile([0.05, 0.5, 0.95]) == pytest.approx([r.low, r.mid, r.high])
    # the lognormal's 84th percentile is one sigma up: mid x exp((ln 900 - ln 519.6) / 1.645)
    peak = ranged.range("peak_rps")
    assert peak.quantile(0.841344746) == pytest.approx(519.615 * math.exp(math.log(900 / 519.615) / 1.6448536), rel=1e-5)
    # fractions stay inside (0, 1) and the clipped normal inside the field's bounds
    assert 0 < ranged.range("read_fraction").quantile(1e-9) and ranged.range("read_fraction").quantile(1 - 1e-9) < 1
    assert ranged.range("monthly_growth").quantile(0.001) == 0.0


def test_samples_are_reproducible_and_follow_the_ranges(ranged):
    a, b, c = (sample_frame(ranged, 20_000, seed) for seed in (7, 7, 8))
    assert a.equals(b) and not a.equals(c)
    peak = a.peak_rps.to_numpy()
    assert np.percentile(peak, [5, 50, 95]) == pytest.approx([300, 519.6, 900], rel=0.03)
    assert a.horizon_months.nunique() == 1 and a.region.nunique() == 1  # the rest as given


@pytest.mark.parametrize("text, field, message", [
    ("peak_rps: {low: 900, high: 300}", "peak_rps", "low 900 is above high 300"),
    ("peak_rps: {low: -1, high: 3}", "peak_rps.low", "must be > 0"),
    ("data_size_gb: {low: 0, high: 30}\npeak_rps: 5", "data_size_gb.low", "lognormal; low must be above 0"),
    ("read_fraction: {low: 0.5, high: 1.2}\npeak_rps: 5", "read_fraction.high", "must be <= 1"),
    ("hot_data_fraction: {low: 0.1, high: 1}\npeak_rps: 5", "hot_data_fraction", "strictly between 0 and 1"),
    ("latency_target_ms: {low: 100, high: 200}\npeak_rps: 5", "latency_target_ms", "takes no range"),
    ("availability_target: {low: 99, high: 99.9}\npeak_rps: 5", "availability_target", "takes no range"),
    ("peak_rps: {low: 1}", "peak_rps", "needs both low and high"),
    ("peak_rps: {low: 1, high: 3, top: 4}", "peak_rps", "unknown key(s) top"),
    ("peak_rps: {low: 1, mid: 5, high: 3}", "peak_rps.mid", "must lie between low 1 and high 3"),
    ("peak_rps: {low: 1, high: .nan}", "peak_rps.high", "must be a finite number"),
])
def test_bad_ranges_are_named_by_field(text, field, message):
    with pytest.raises(WorkloadError) as err:
        parse_uncertain_text(text, "w.yaml")
    assert any(f == field and message in m for f, m in err.value.problems), err.value.problems


def test_without_ranges_every_sample_is_the_plan(book):
    # no range: all samples are the same workload, so each band collapses onto make_plan's bill
    plain = uncertain_from_dict({"name": "fixed", "peak_rps": 400})
    u = simulate(plain, 50, 1, book)
    plan = make_plan(plain.workload, book)
    for band, o in zip(u.options, plan.options):
        assert band.name == o.name
        if o.feasible:
            assert (band.p10_usd, band.p50_usd, band.p90_usd) == pytest.approx((o.monthly_usd,) * 3, rel=1e-9)
            assert band.p_feasible == 1.0
        else:
            assert band.p_feasible == 0.0 and math.isnan(band.p50_usd)
        assert band.p_cheapest == (1.0 if o.recommended else 0.0)
    assert u.recommended == plan.recommended.name and u.sensitivity == ()
    assert u.bill_at_medians_usd == pytest.approx(plan.recommended.monthly_usd, rel=1e-12)


def test_monte_carlo_bands_recommendation_and_tornado(ranged, book):
    u = simulate(ranged, 2_000, 7, book)
    assert u.samples == 2_000 and u.rule == RULE
    for o in u.options:
        assert 0 <= o.p_feasible <= 1 and 0 <= o.p_cheapest <= o.p_feasible
        if o.p_feasible:
            assert o.p10_usd <= o.p50_usd <= o.p90_usd
    assert sum(o.p_cheapest for o in u.options) == pytest.approx(1.0)  # some option fits every sample here
    # the rule: lowest P50 among options feasible in >= 95 % of samples
    sure = [o for o in u.options if o.p_feasible >= 0.95]
    assert u.recommended == min(sure, key=lambda o: o.p50_usd).name
    assert u.bill_p10_usd <= u.bill_p50_usd <= u.bill_p90_usd
    # traffic drives this bill: largest swing, strong positive rank correlation
    top = u.sensitivity[0]
    assert top.field == "peak_rps" and top.low_usd < top.high_usd and top.rank_correlation > 0.8
    assert [s.swing_usd for s in u.sensitivity] == sorted((s.swing_usd for s in u.sensitivity), reverse=True)
    # each end of the tornado is a plain plan with that input at its end and the others at their medians
    at_low = make_plan(ranged.workload.model_copy(update={"peak_rps": 300.0}), book)
    assert top.low_usd == pytest.approx(at_low.recommended.monthly_usd, rel=1e-9)
    assert u.bill_at_medians_usd == pytest.approx(make_plan(ranged.workload, book).recommended.monthly_usd, rel=1e-12)


def test_uncertainty_figures_draw_the_bands_and_the_tornado(ranged, book):
    from planner.report.figures import (
        cheapest_figure,
        cost_distribution_figure,
        tornado_figure,
    )

    u = simulate(ranged, 500, 3, book)
    boxes = cost_distribution_figure(u).data
    feasible = [j for j, o in enumerate(u.options) if o.p_feasible]
    assert len(boxes) == len(feasible)
    for box, j in zip(boxes, feasible):
        assert box.name.startswith(u.options[j].name)
        assert sorted(box.y) == sorted(u.costs[np.isfinite(u.costs[:, j]), j])
    bars, marks = cheapest_figure(u).data
    assert list(bars.y) == [o.p_cheapest for o in u.options] and not bars.showlegend
    assert list(marks.y) == [o.p_feasible for o in u.options]
    low, high = tornado_figure(u.sensitivity, u.bill_at_medians_usd, "t").data
    top = u.sensitivity[0]  # drawn last: plotly puts the first category at the bottom
    assert low.y[-1].startswith(field_label(top.field)) and low.base == u.bill_at_medians_usd  # by its label
    assert low.x[-1] + low.base == pytest.approx(top.low_usd) and high.x[-1] + high.base == pytest.approx(top.high_usd)


def test_uncertainty_in_json_markdown_and_cli(ranged, book, tmp_path, capsys):
    plan = make_uncertain_plan(ranged, 500, 3, book)
    doc = plan.to_dict()
    assert doc["schema_version"] == SCHEMA_VERSION
    block = doc["uncertainty"]
    assert block["samples"] == 500 and block["seed"] == 3 and block["recommended"]
    assert [o["name"] for o in block["options"]] == list(OPTION_ORDER)
    assert set(block["options"][1]) == {"name", "p10_usd", "p50_usd", "p90_usd", "p_feasible", "p_cheapest"}
    assert {s["field"] for s in block["sensitivity"]} == {"peak_rps", "data_size_gb", "read_fraction",
                                                          "monthly_growth"}
    assert set(block["sensitivity"][0]) >= {"field", "low_usd", "high_usd", "swing_usd"}
    json.dumps(doc, allow_nan=False)  # no NaN in the contract
    assert make_plan(ranged.workload, book).to_dict()["uncertainty"] is None
    md = render_markdown(plan)
    assert "## Uncertainty" in md and "What moves the bill" in md and "| Peak requests/s |" in md
    path = tmp_path / "w.yaml"
    path.write_text("name: c\npeak_rps: {low: 300, high: 900}\n")
    assert main(["plan", str(path), "-f", "json", "--samples", "200", "--seed", "5"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["uncertainty"]["samples"] == 200 and out["uncertainty"]["seed"] == 5
    assert main(["plan", str(path), "--samples", "0"]) == 2
    assert "--samples 0: must be between 1 and 1,000,000" in capsys.readouterr().err
    assert main(["plan", str(path), "--samples", "2000000"]) == 2


def test_cpu_samples_stay_below_the_latency_target(book):
    # a CPU-time range reaching the p99 target: samples are capped at 90 % of it, so every one can be sized
    u = uncertain_from_dict({"name": "slow", "peak_rps": 50, "cpu_ms_per_request": {"low": 50, "high": 240}})
    frame = sample_frame(u, 5_000, 1)
    assert frame.cpu_ms_per_request.max() <= 0.9 * 250
    assert simulate(u, 300, 1, book).recommended is not None


def test_range_quantile_is_a_pure_function():
    r = Range("peak_rps", 10, 20, 80)
    assert r.quantile([0.05, 0.5, 0.95]) == pytest.approx([10, 20, 80])
    assert r.quantile(0.25) < 20 < r.quantile(0.75)


def test_policy_defaults_that_move_the_bill_most(ranged, book):
    from planner.running.uncertainty.monte_carlo import POLICY_CANDIDATES, _policy_ends

    u = simulate(ranged, 200, 1, book)
    assert len(u.policy_sensitivity) == 3
    swings = [s.swing_usd for s in u.policy_sensitivity]
    assert swings == sorted(swings, reverse=True) and swings[0] > 0
    top = u.policy_sensitivity[0]
    name = top.field.removeprefix("policy.")
    assert name in POLICY_CANDIDATES
    # each end is a plain plan at the medians with that default changed
    low_plan = make_plan(ranged.workload.model_copy(
        update={"policy": ranged.workload.policy.model_copy(update={name: top.low_value})}), book)
    assert top.low_usd == pytest.approx(low_plan.recommended.monthly_usd, rel=1e-9)
    policy = ranged.workload.policy
    assert _policy_ends(policy, "usl_sigma") == pytest.approx((0.01, 0.03))  # halved, raised by half
    assert _policy_ends(policy, "hot_read_share") == pytest.approx((0.45, 0.95))  # a share: halfway to 0 and 1
    assert [s["field"] for s in make_uncertain_plan(ranged, 50, 1, book).to_dict()["uncertainty"][
        "policy_sensitivity"]] == [s.field for s in u.policy_sensitivity]


def test_summary_rule_on_synthetic_samples():
    from planner.running.uncertainty.monte_carlo import summarise

    # 2 scenarios x 100 samples x 3 options; scenario 0: option 1 feasible everywhere at 200, option 0 cheaper
    # (100) but feasible in 60 %; scenario 1: nothing reaches 95 %: the most often feasible wins (option 2, 80 %)
    rng = np.random.default_rng(0)
    monthly = np.empty((2, 100, 3))
    monthly[...] = [100.0, 200.0, 300.0]
    feasible = np.zeros((2, 100, 3), dtype=bool)
    feasible[0, :60, 0] = feasible[0, :, 1] = True
    feasible[1, :50, 0], feasible[1, :80, 2] = True, True
    cheapest = np.zeros_like(feasible)
    for i in range(2):
        for k in range(100):
            fits = np.flatnonzero(feasible[i, k])
            if len(fits):
                cheapest[i, k, fits[np.argmin(monthly[i, k, fits])]] = True
    s = summarise(monthly + rng.normal(0, 1e-9, monthly.shape), feasible, cheapest)
    assert s.recommended.tolist() == [1, 2]
    assert s.p_feasible[0].tolist() == pytest.approx([0.6, 1.0, 0.0]) and np.isnan(s.p50_usd[0, 2])
    assert s.p_cheapest[0].tolist() == pytest.approx([0.6, 0.4, 0.0])
    assert s.p_recommendation_holds.tolist() == pytest.approx([0.4, 0.3])  # option 2 cheapest where 0 is not
    assert s.bill_p50_usd[0] == pytest.approx(100.0)


# -- batch ----------------------------------------------------------------------

BATCH = ("name,peak_rps,peak_rps.low,peak_rps.high,data_size_gb.low,data_size_gb.mid,data_size_gb.high\n"
         "fixed,400,,,,,\n"
         "ranged,,300,900,50,,400\n"
         "skewed,,300,900,50,300,400\n"
         "both,400,300,900,,,\n"
         "inverted,,900,300,,,\n"
         "half,100,,,50,,\n"
         "words,,a lot,900,,,\n")


def test_batch_rows_with_ranges_match_the_plan_under_uncertainty(tmp_path, book):
    from planner.report.batch_files import write_outputs
    from planner.running.batch import run_batch
    from planner.running.batch_input import read_batch

    path = tmp_path / "in.csv"
    path.write_text(BATCH)
    inp = read_batch(path, book)
    assert [(e.row, e.column) for e in inp.errors] == [(5, "peak_rps"), (6, "peak_rps.low"), (7, "data_size_gb.low"),
                                                       (8, "peak_rps.low")]
    assert "not both" in inp.errors[0].message and "above high 300" in inp.errors[1].message
    assert "needs both low and high" in inp.errors[2].message and "finite number" in inp.errors[3].message
    seen = []
    result = run_batch(inp, book, samples=300, seed=4, workers=1, progress=lambda d, t: seen.append((d, t)))
    assert seen[-1] == (3 + 2 * 300, 3 + 2 * 300)
    summary, options = result.summary.set_index("name"), result.options
    assert np.isnan(summary.loc["fixed", "bill_p50_usd"]) and summary.loc["fixed", "recommended_under_uncertainty"] == ""
    for name, mid in (("ranged", None), ("skewed", 300)):
        data_range = {"low": 50, "high": 400, **({"mid": mid} if mid else {})}
        u = simulate(uncertain_from_dict({"name": name, "peak_rps": {"low": 300, "high": 900},
                                          "data_size_gb": data_range}), 300, 4, book)
        row = summary.loc[name]
        assert row.bill_p50_usd == pytest.approx(u.bill_p50_usd, rel=1e-12)
        assert row.bill_p90_usd == pytest.approx(u.bill_p90_usd, rel=1e-12)
        assert row.recommended_under_uncertainty == u.recommended
        got = options[options.row == row.row].set_index("option")
        for band in u.options:
            assert got.loc[band.name, "p_feasible"] == band.p_feasible
            assert got.loc[band.name, "p50_usd"] == pytest.approx(band.p50_usd, rel=1e-12, nan_ok=True)
    # the plan of a ranged row is the plan at its medians
    at_medians = make_plan(uncertain_from_dict({"name": "ranged", "peak_rps": {"low": 300, "high": 900},
                                                "data_size_gb": {"low": 50, "high": 400}}).workload, book)
    assert summary.loc["ranged", "monthly_usd"] == pytest.approx(at_medians.recommended.monthly_usd, rel=1e-12)
    write_outputs(result, tmp_path / "out.csv")
    header = (tmp_path / "out.summary.csv").read_text().splitlines()[0]
    assert header.endswith('"bill_p10_usd","bill_p50_usd","bill_p90_usd","recommended_under_uncertainty",'
                           '"p_recommendation_holds"')


def test_batch_without_ranges_keeps_its_columns(tmp_path, book):
    from planner.running.batch import OPTION_COLUMNS, SUMMARY_COLUMNS, run_batch
    from planner.running.batch_input import read_batch

    path = tmp_path / "in.csv"
    path.write_text("name,peak_rps\na,100\n")
    result = run_batch(read_batch(path, book), book)
    assert list(result.options.columns) == OPTION_COLUMNS and list(result.summary.columns) == SUMMARY_COLUMNS


def test_batch_cli_samples_and_bad_columns(tmp_path, capsys):
    path = tmp_path / "in.csv"
    path.write_text("name,peak_rps.low,peak_rps.high\na,100,300\n")
    assert main(["batch", str(path), "-o", str(tmp_path / "o.csv"), "--samples", "50", "--seed", "1", "-q"]) == 0
    assert main(["batch", str(path), "-o", str(tmp_path / "o.csv"), "--samples", "0"]) == 2
    assert "--samples 0: must be between 1 and 1,000,000" in capsys.readouterr().err
    path.write_text("name,peak_rps.lo,peak_rps.high\na,100,300\n")
    assert main(["batch", str(path), "-o", str(tmp_path / "o.csv")]) == 2
    assert "unknown column 'peak_rps.lo'; did you mean peak_rps.low" in capsys.readouterr().err


def test_low_above_high_is_one_problem_not_two():
    # the dashboard sent its mid with a low above the high: a second error said the mid was outside them
    from planner.running.uncertainty.ranges import parse_range

    rng, problems = parse_range("peak_rps", {"low": 2000, "mid": 500, "high": 750})
    assert rng is None and problems == [("peak_rps", "low 2000 is above high 750")]
