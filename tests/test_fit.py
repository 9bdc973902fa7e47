"""``planner fit``: monitoring exports in, a workload with fitted ranges out. Synthetic traffic with known
parameters must come back inside the fitted intervals, from each export format."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from planner.running.fit.estimate import fit_inputs, parse_mapping
from planner.running.fit.sources import FitError, read_source, read_sources
from planner.running.fit.synthetic import Traffic, as_cloudwatch, as_csv, as_prometheus, series
from planner.running.fit.workload_file import workload_yaml
from planner.running.uncertainty.ranges import parse_uncertain_text

DATA = Path(__file__).parent / "data" / "fit"
EVERY = {"requests": "requests", "cpu_pct": "cpu_pct", "instances": "instances", "db_reads": "db_reads",
         "db_writes": "db_writes", "response_bytes": "response_bytes", "storage_bytes": "storage_bytes"}
WRITERS = {"csv": (as_csv, "m.csv"), "cloudwatch": (as_cloudwatch, "m.json"), "prometheus": (as_prometheus, "m.json")}


def planned_ratio(t: Traffic) -> float:
    """The true planned peak over the true mean rate: the 95th percentile day's peak hour (weekdays, 5 of 7 days,
    at the noise's 1 - 0.05 x 7/5 quantile, the sine's top) over the week's mean (five weekdays at 1, two weekend
    days at ``weekend``; the lognormal noise's mean exp(sigma^2 / 2)), both at the same level."""
    from scipy.stats import norm

    return ((1 + t.amplitude) * math.exp(norm.ppf(1 - 0.05 * 7 / 5) * t.noise - t.noise ** 2 / 2)
            * 7 / (5 + 2 * t.weekend))


@pytest.fixture(scope="module")
def truth() -> Traffic:
    return Traffic(days=42, step_minutes=10, seed=3)


@pytest.mark.parametrize("fmt", list(WRITERS))
def test_synthetic_parameters_come_back_inside_the_intervals(tmp_path, truth, fmt):
    write, name = WRITERS[fmt]
    path = tmp_path / name
    path.write_text(write(series(truth)))
    fit = fit_inputs(read_sources([path]), EVERY, vcpu_per_instance=truth.vcpu_per_instance)
    got = fit.inputs

    def inside(field: str, value: float) -> None:
        f = got[field]
        assert f.low <= value <= f.high, (field, value, f)

    inside("monthly_growth", truth.monthly_growth)
    inside("cpu_ms_per_request", truth.cpu_ms_per_request)
    # the planned peak over the mean rate at the same level (the engine's month of requests is peak / ratio):
    # six weeks fit the week's shape, so the mean is the week's
    inside("peak_to_average", planned_ratio(truth))
    # the 95th percentile day's peak at the last day's level: weekdays (5 of 7) at the noise's 1 - 0.05 x 7/5
    # quantile, the sine's top, grown to the last day
    last_day = (truth.days - 1) / (365.25 / 12)
    from scipy.stats import norm

    peak = (truth.mean_rps * (1 + truth.amplitude) * (1 + truth.monthly_growth) ** last_day
            * math.exp(norm.ppf(1 - 0.05 * 7 / 5) * truth.noise))
    inside("peak_rps", peak)
    assert got["read_fraction"].mid == pytest.approx(truth.read_fraction, rel=1e-4)
    assert got["response_kb"].mid == pytest.approx(truth.response_kb, rel=1e-4)
    assert got["data_size_gb"].mid == pytest.approx(truth.data_gb * (1 + truth.monthly_growth) ** (
        (truth.days * 24 * 60 - truth.step_minutes) / 60 / 24 / (365.25 / 12)), rel=1e-4)
    # the workload file plans: its ranges parse as the planner's uncertain inputs
    uw = parse_uncertain_text(workload_yaml(fit, name="api", cloud=None, region=None, sources=[name]), "w.yaml")
    assert {r.field for r in uw.ranges} >= {"peak_rps", "monthly_growth", "cpu_ms_per_request", "peak_to_average"}


def test_the_three_formats_read_alike():
    csv, cw, prom = (read_source(DATA / f) for f in ("metrics.csv", "cloudwatch.json", "prometheus.json"))
    for other in (cw, prom):
        for name in ("requests", "cpu_pct", "instances"):
            a = csv[csv.series == name].sort_values("time")
            b = other[other.series == name].sort_values("time")
            assert (a.time.to_numpy() == b.time.to_numpy()).all()
            assert np.allclose(a.value.to_numpy(), b.value.to_numpy(), rtol=1e-5)


def test_gaps_and_bad_points_are_left_out_and_said(tmp_path, truth):
    frame = series(Traffic(days=21, step_minutes=10, gaps=30, seed=5))
    frame.loc[frame.index[::97], "requests"] = -1.0
    frame.loc[frame.index[5::101], "cpu_pct"] = np.nan
    path = tmp_path / "m.csv"
    path.write_text(as_csv(frame))
    fit = fit_inputs(read_sources([path]), {"requests": "requests", "cpu_pct": "cpu_pct", "instances": "instances"},
                     vcpu_per_instance=2.0)
    said = " ".join(fit.warnings)
    assert "series 'requests':" in said and "dropped (missing, NaN or negative)" in said
    assert "series 'cpu_pct':" in said and "gaps, left out" in said
    assert fit.inputs["monthly_growth"].low <= 0.05 <= fit.inputs["monthly_growth"].high


def test_too_little_data_says_how_much_is_needed(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text(as_csv(series(Traffic(days=2, step_minutes=60))))
    fit = fit_inputs(read_sources([path]), {"requests": "requests", "cpu_pct": "cpu_pct"}, vcpu_per_instance=2.0)
    said = " ".join(fit.warnings)
    assert ("monthly_growth not fitted: 2 day(s) of requests with at least 22 hours and some traffic; a trend "
            "needs 14") in said
    assert "peak_rps and peak_to_average not fitted: 2 day(s) of requests with at least 22 hours; they need 3" in said
    assert "cpu_ms_per_request" in fit.inputs  # 48 hours: enough for the CPU line


@pytest.mark.parametrize("text, message", [
    ('{"foo": 1}', "neither a CloudWatch get-metric-data answer"),
    ('{"MetricDataResults": [{"Id": "r", "Timestamps": ["2026-01-01T00:00:00Z"], "Values": [1, 2]}]}',
     "series 'r' has 1 timestamps and 2 values"),
    ('{"MetricDataResults": [{"Id": "r", "Timestamps": ["yesterday"], "Values": [1]}]}',
     "series 'r': a timestamp is not a date and time"),
    ('{"status": "error", "data": {"result": []}}', "status is 'error'"),
    ('{"status": "success", "data": {"result": [{"metric": {"__name__": "x"}, "values": [[1, "a"]]}]}}',
     "series 'x': a value is not a number"),
    ("time\n2026-01-01\n", "needs a time column and at least one metric column"),
    ("{not json", "not valid JSON"),
])
def test_unreadable_exports_name_the_file_and_series(tmp_path, text, message):
    path = tmp_path / "bad.json"
    path.write_text(text)
    with pytest.raises(FitError, match="bad.json") as err:
        read_source(path)
    assert message in str(err.value)


def test_the_mapping_names_what_is_wrong():
    known = {"RequestCount", "CPUUtilization"}
    with pytest.raises(FitError, match="unknown meaning 'rps'"):
        parse_mapping(["RequestCount=rps"], known)
    with pytest.raises(FitError, match="no series 'Requests' in the exports"):
        parse_mapping(["Requests=requests"], known)
    with pytest.raises(FitError, match="write series=meaning"):
        parse_mapping(["RequestCount"], known)
    with pytest.raises(FitError, match="'requests_per_s' is already mapped"):
        parse_mapping(["RequestCount=requests", "CPUUtilization=requests_per_s"], known)


def test_an_export_past_the_limit_is_refused(tmp_path, monkeypatch):
    import planner.running.fit.sources as sources

    monkeypatch.setattr(sources, "MAX_FIT_BYTES", 1_000)
    path = tmp_path / "big.csv"
    path.write_text((DATA / "metrics.csv").read_text())
    with pytest.raises(Exception, match="big.csv"):
        read_source(path)


def test_cli_fits_a_workload_that_plans(tmp_path, capsys):
    from planner.cli import main

    out = tmp_path / "w.yaml"
    mapping = tmp_path / "map.yaml"
    mapping.write_text("requests: requests\ncpu_pct: cpu_pct\ninstances: instances\n")
    assert main(["fit", str(DATA / "metrics.csv"), "--mapping", str(mapping), "--instance-type", "c7g.large",
                 "-o", str(out)]) == 0
    text = out.read_text()
    assert text.startswith("# fitted by planner fit from") and "cpu_ms_per_request: {low:" in text
    assert "# note: monthly_growth not fitted: 4 day(s)" in text
    assert main(["plan", str(out), "-f", "json", "-o", str(tmp_path / "p.json")]) == 0
    assert json.loads((tmp_path / "p.json").read_text())["recommended"]
    # bad input: one line naming the file and series, exit 2
    bad = tmp_path / "bad.csv"
    bad.write_text("time,requests\n2026-01-01T00:00:00Z,x\n")
    assert main(["fit", str(bad), "-m", "requests=requests", "-o", str(tmp_path / "x.yaml")]) == 2
    assert "bad.csv: series 'requests': a value is not a number" in capsys.readouterr().err
    assert not (tmp_path / "x.yaml").exists()
    assert main(["fit", str(DATA / "metrics.csv"), "-m", "requests=requests", "--instance-type", "c99.huge",
                 "-o", str(tmp_path / "y.yaml")]) == 2


def test_the_report_compares_observed_with_fitted_and_back_tests_the_fleet(tmp_path, truth):
    from planner.running.fit.backtest import backtest
    from planner.report.fit_report import fit_markdown

    path = tmp_path / "m.csv"
    path.write_text(as_csv(series(truth)))
    fit = fit_inputs(read_sources([path]), EVERY, vcpu_per_instance=2.0)
    back = backtest(fit, "c7g.large", 2.0, "c7g", cloud="aws", region=None)
    # the plan's fleet at the busiest hour is of the order the system ran (it kept its CPU under 50 %; the plan
    # sizes to its own utilisation target, so fewer, but never a different order)
    assert back is not None and back.instance_type == "c7g.large"
    assert 0.5 * back.observed_at_peak <= back.planned_desired <= 1.5 * back.observed_at_peak
    assert back.planned_max >= back.planned_desired
    md = fit_markdown(fit, sources=[str(path)], mapping=EVERY, back=back)
    assert "| cpu_ms_per_request |" in md and "## Back-test" in md and f"{back.observed_max:,.0f}" in md
    # the weekly means sit on the fitted trend (a few per cent of noise), and the CPU line explains the hours
    residuals = [float(line.split("|")[4].strip(" %+")) for line in md.splitlines()
                 if line.startswith("| 2026-") and line.count("|") == 5]
    assert residuals and max(abs(r) for r in residuals) < 3
    assert "the median hour is" in md
    # no instance series: no back-test, said
    thin = fit_inputs(read_sources([path]), {"requests": "requests", "cpu_pct": "cpu_pct"}, vcpu_per_instance=2.0)
    assert backtest(thin, "c7g.large", 2.0, "c7g", cloud="aws", region=None) is None
    assert "No back-test" in fit_markdown(thin, sources=["x"], mapping={}, back=None)


def test_hostile_series_names_cannot_write_keys_into_the_workload(tmp_path, capsys):
    # a series named with a line break would end a note's comment and add a key to the workload file
    from planner.cli import main

    evil = "x\npeak_rps: 1\n\x1b[2J"
    doc = json.loads((DATA / "cloudwatch.json").read_text())
    stamps = doc["MetricDataResults"][0]["Timestamps"][:6]
    doc["MetricDataResults"].append({"Id": evil, "Timestamps": stamps, "Values": [-1, 80, 90, 85, 70, 75]})
    path = tmp_path / "cw.json"
    path.write_text(json.dumps(doc))
    out = tmp_path / "w.yaml"
    assert main(["fit", str(path), "-m", "requests=requests", "-m", f"{evil}=latency_p99_ms", "-o", str(out)]) == 0
    text = out.read_text()
    assert "note: series 'x peak_rps: 1" in text  # the dropped point's note names it, on one comment line
    assert all(line.startswith("#") or not line.startswith("peak_rps: 1") for line in text.splitlines())
    assert parse_uncertain_text(text, "w.yaml").workload.peak_rps != 1
    assert "\x1b" not in capsys.readouterr().err  # the terminal gets the escape shown, not obeyed
    shown = workload_yaml(fit_inputs(read_sources([path]), {"requests": "requests"}), name="n", cloud=None,
                          region=None, sources=["a\nb: 2"])
    assert "\nb: 2" not in shown and "b: 2" in shown.splitlines()[0]


def test_the_observed_day_becomes_the_engines_hourly_profile(tmp_path):
    from planner.plan.model import make_plan

    truth = Traffic(days=12, step_minutes=10, seed=1)  # from a Tuesday: too short for a week's shape
    path = tmp_path / "m.csv"
    path.write_text(as_csv(series(truth)))
    fit = fit_inputs(read_sources([path]), EVERY, vcpu_per_instance=2.0)
    shape = fit.daily_shape
    # the synthetic day: 1 + 0.6 sin(2 pi (h - 9) / 24), its top at 15:00 and its bottom at 03:00
    assert len(shape) == 24 and int(np.argmax(shape)) == 15 and int(np.argmin(shape)) == 3
    assert shape[15] == pytest.approx(1 + truth.amplitude, rel=0.05)
    # the week is not fitted, and the note says why
    assert fit.week_shape is None
    assert ("week shape not fitted (the workload's profile is the day's shape): 12 day(s) of requests with at least "
            "22 hours, Monday, Sunday fewer than 2 times; it needs every weekday 2 times (14 days or more)"
            ) in fit.warnings
    uw = parse_uncertain_text(workload_yaml(fit, name="api", cloud=None, region=None, sources=["m.csv"]), "w.yaml")
    assert np.allclose(uw.workload.policy.diurnal_profile, np.round(shape, 4), rtol=1e-3)
    plan = make_plan(uw.workload)  # the engine sizes on it
    assert plan.recommended is not None


def test_a_weekend_dip_comes_back_as_the_week_profile_the_fleet_is_sized_on(tmp_path):
    from planner.plan.model import make_plan
    from planner.report.fit_report import fit_markdown
    from planner.sizing.profile import hourly_fraction_of_peak

    truth = Traffic(days=28, step_minutes=30, weekend=0.6, seed=4)  # four weeks, weekends at 0.6 of a weekday
    path = tmp_path / "m.csv"
    path.write_text(as_csv(series(truth)))
    fit = fit_inputs(read_sources([path]), {"requests": "requests"})
    assert not any("week shape" in w for w in fit.warnings)
    week = fit.week_shape.reshape(7, 24)  # Monday 00:00 UTC first
    assert week.mean() == pytest.approx(1.0)
    # the weekend's hours at 0.6 of the weekdays' at the same hour: within 3 % on the whole, 10 % hour by hour
    # (each weekend hour is the median of 8 noisy days, each weekday hour of 4)
    assert week[5:].mean() / week[:5].mean() == pytest.approx(truth.weekend, rel=0.03)
    assert week[5:].mean(axis=0) / week[:5].mean(axis=0) == pytest.approx(np.full(24, truth.weekend), rel=0.10)
    # each day keeps the day's shape: its top at 15:00 (a noisy hour either side), its bottom at 03:00 (or one off)
    assert all(abs(int(np.argmax(d)) - 15) <= 1 and abs(int(np.argmin(d)) - 3) <= 1 for d in week)
    # the peak over the week's mean: a weekday's peak over its mean x a weekday's mean over the week's
    assert fit.inputs["peak_to_average"].mid == pytest.approx(planned_ratio(truth), rel=0.05)
    # written as the workload's 168-hour profile, one line a day
    text = workload_yaml(fit, name="api", cloud=None, region=None, sources=["m.csv"])
    assert "# Saturday" in text and text.count("  # ") == 7
    w = parse_uncertain_text(text, "w.yaml").workload
    assert np.allclose(w.policy.diurnal_profile, np.round(fit.week_shape, 4), rtol=1e-3)
    # the fleet follows the week: against the same workload with the day's shape (no weekend dip), the same peak
    # fleet and fewer instance-hours, in the proportion of the two profiles' mean capacity share; no more committed
    w = w.model_copy(update={"purchase_option": "optimise", "horizon_months": 36})
    by_day = w.model_copy(update={"policy": w.policy.model_copy(update={"diurnal_profile": tuple(fit.daily_shape)})})
    fleet_week, fleet_day = (make_plan(x).option("horizontal").row for x in (w, by_day))
    share = [hourly_fraction_of_peak(x.policy.diurnal_profile, [x.peak_to_average]).mean() for x in (w, by_day)]
    assert fleet_week.instances_desired == fleet_day.instances_desired
    assert fleet_week.instance_hours < fleet_day.instance_hours
    assert fleet_week.instance_hours / fleet_day.instance_hours == pytest.approx(share[0] / share[1], rel=0.05)
    assert fleet_week.instances_committed <= fleet_day.instances_committed
    # the report shows the week: a row a day, and the hours
    md = fit_markdown(fit, sources=["m.csv"], mapping={"requests": "requests"}, back=None)
    assert "Weekly shape (UTC, Monday first; the workload's policy.diurnal_profile)" in md
    assert "| Saturday | 0.6" in md and md.count("| Sun |") == 1


def test_the_week_needs_every_hour_of_the_week_twice(tmp_path):
    # 14 whole days from a Tuesday: every weekday twice, the week fitted
    frame = series(Traffic(days=14, step_minutes=60, seed=2))
    path = tmp_path / "m.csv"
    path.write_text(as_csv(frame))
    assert len(fit_inputs(read_sources([path]), {"requests": "requests"}).week_shape) == 168
    # one hour lost on the first Wednesday: its day stays whole (23 hours), but Wednesday 10:00 is seen once
    lost = frame.time == "2026-09-02T10:00:00Z"
    path.write_text(as_csv(frame[~lost]))
    fit = fit_inputs(read_sources([path]), {"requests": "requests"})
    assert fit.week_shape is None and len(fit.daily_shape) == 24
    assert ("week shape not fitted (the workload's profile is the day's shape): 1 of the 168 hours of the week have "
            "fewer than 2 points (gaps); it needs each hour 2 times") in fit.warnings


def test_growth_is_the_same_whichever_weekday_the_window_starts_on():
    # a review's sweep: over all pairs of days, a 14-day window starting on a Monday read the weekend dip as a fall
    # (growth 0 %, "traffic fell"), one starting on a Saturday as growth (10.9 %), for a true 5 %: the slopes are
    # now taken between days whole weeks apart, where the weekly cycle cancels
    from planner.running.fit.sources import _frame

    got = {}
    for start in ("2026-08-31", "2026-09-05"):  # a Monday, a Saturday
        truth = Traffic(days=14, step_minutes=30, weekend=0.5, monthly_growth=0.05, seed=11)
        f = series(truth, start=start)
        fit = fit_inputs(_frame("m.csv", "requests", f.time, f.requests).assign(source="m.csv"),
                         {"requests": "requests"})
        g = fit.inputs["monthly_growth"]
        assert g.low <= truth.monthly_growth <= g.high
        assert not any("fell" in w for w in fit.warnings)
        got[start] = g.mid
    assert got["2026-08-31"] == pytest.approx(got["2026-09-05"], rel=1e-9)


def test_hostile_exports_are_one_line_errors(tmp_path):
    # a review's hostile files: each was a traceback (or, for the span, 8 GB of memory for an 88-byte file)
    cases = {
        "prom_time.json": ('{"status": "success", "data": {"result": [{"metric": {"__name__": "x"}, '
                           '"values": [["abc", "1"], [1, "2"]]}]}}', "a time is not a Unix time in seconds"),
        "prom_result.json": ('{"data": {"result": 5}}', "data.result is not a list"),
        "prom_metric.json": ('{"data": {"result": [{"metric": [1], "values": [[1, "1"]]}]}}',
                             "metric is not a set of labels"),
        "epoch_ns.csv": ("time,requests\n1767225600000000000,1\n1767229200000000000,2\n",
                         "give seconds, not milliseconds"),
        "span.csv": ("time,requests\n0001-01-01T00:00:00Z,1\n9999-01-01T00:00:00Z,2\n", "outside 1990 to 2100"),
    }
    for name, (text, message) in cases.items():
        path = tmp_path / name
        path.write_text(text)
        with pytest.raises(FitError, match=message):
            read_source(path)
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text("time,requests\n2026-01-01T00:00:00Z,1\n2026-01-01T01:00:00Z,2\n")
    b.write_text("time,other\n2020-01-01T00:00:00Z,1\n2026-01-01T01:00:00Z,2\n")
    with pytest.raises(FitError, match="planner fit reads at most 1,098 days"):
        read_sources([a, b])
    with pytest.raises(FitError, match="given twice"):
        read_sources([a, a])


def test_the_cli_guards_its_files_and_names(tmp_path, capsys):
    from planner.cli import main

    src = tmp_path / "m.csv"
    src.write_text(as_csv(series(Traffic(days=5, step_minutes=60, seed=2))))
    before = src.read_bytes()
    # the output over the export it reads, or the report over the workload: refused, nothing written
    assert main(["fit", str(src), "-m", "requests=requests", "-o", str(src)]) == 2
    assert "is a file being read (an export or the mapping)" in capsys.readouterr().err
    assert src.read_bytes() == before
    out = tmp_path / "w.yaml"
    assert main(["fit", str(src), "-m", "requests=requests", "-o", str(out), "--report", str(out)]) == 2
    assert not out.exists()
    # a region with a line break cannot add keys: an unknown region is an error naming it
    assert main(["fit", str(src), "-m", "requests=requests", "-o", str(out),
                 "--region", "us-east-1\nlatency_target_ms: 9000"]) == 2
    assert "region" in capsys.readouterr().err and not out.exists()
    # a failed write of the workload leaves no report behind
    report = tmp_path / "r.md"
    assert main(["fit", str(src), "-m", "requests=requests", "-o", str(tmp_path / "no" / "w.yaml"),
                 "--report", str(report)]) == 2
    assert not report.exists()
    # the same series mapped twice is said, not silently the last
    assert main(["fit", str(src), "-m", "requests=requests", "-m", "requests=cpu_pct", "-o", str(out)]) == 2
    assert "already mapped" in capsys.readouterr().err
    # too little data: the reason, not a missing field of the workload
    short = tmp_path / "short.csv"
    short.write_text(as_csv(series(Traffic(days=2, step_minutes=60, seed=2))))
    assert main(["fit", str(short), "-m", "requests=requests", "-o", str(out)]) == 2
    assert "no workload can be fitted: peak_rps and peak_to_average not fitted: 2 day(s)" in capsys.readouterr().err
    # a region and cloud the book knows are written quoted
    assert main(["fit", str(src), "-m", "requests=requests", "-o", str(out), "--region", "eu-west-1"]) == 0
    assert 'region: "eu-west-1"' in out.read_text()


def test_a_cumulative_counter_is_said_not_read_as_traffic(tmp_path):
    # a review's Prometheus http_requests_total, raw: peak_rps 452,203 and growth 100 % a month, no warning
    times = np.arange(21 * 24) * 3600 + 1_767_225_600
    total = np.cumsum(np.full(len(times), 48.0 * 3600))
    doc = {"status": "success", "data": {"result": [{"metric": {"__name__": "http_requests_total"},
                                                     "values": [[int(t), str(v)] for t, v in zip(times, total)]}]}}
    path = tmp_path / "p.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(FitError, match="rises at nearly every step .falling only at resets.: a cumulative counter"):
        fit_inputs(read_sources([path]), {"http_requests_total": "requests"})
    # 5-minute points reset every 6 hours (restarts, deploys): still a counter, not 65 times the traffic
    fine = np.arange(21 * 288) * 300 + 1_767_225_600
    reset = (np.arange(len(fine)) % 72 + 1) * 48.0 * 300
    doc["data"]["result"][0]["values"] = [[int(t), str(v)] for t, v in zip(fine, reset)]
    path.write_text(json.dumps(doc))
    with pytest.raises(FitError, match="a cumulative counter"):
        fit_inputs(read_sources([path]), {"http_requests_total": "requests"})


def test_a_service_slower_than_the_default_latency_target_still_fits_and_plans(tmp_path, capsys):
    # 300 ms of CPU a request: the default target (250 ms) made the fitted workload invalid (exit 2), and the
    # back-test raised a traceback
    from planner.cli import main

    truth = Traffic(days=21, step_minutes=60, cpu_ms_per_request=300.0, seed=5)
    path = tmp_path / "m.csv"
    path.write_text(as_csv(series(truth)))
    out, report = tmp_path / "w.yaml", tmp_path / "r.md"
    assert main(["fit", str(path), "-m", "requests=requests", "-m", "cpu_pct=cpu_pct", "-m", "instances=instances",
                 "--instance-type", "c7g.large", "-o", str(out), "--report", str(report)]) == 0
    text = out.read_text()
    cpu = parse_uncertain_text(text, "w.yaml").workload
    assert cpu.latency_target_ms > 300 and "latency_target_ms:" in text and "set your own" in text
    # and said where a reader looks: the terminal and the report
    err = capsys.readouterr().err
    assert f"the workload's latency_target_ms is {cpu.latency_target_ms:g} ms" in err
    assert f"latency_target_ms is {cpu.latency_target_ms:g} ms" in report.read_text()
    # what was not fitted is named, not silently the defaults
    assert "# not fitted, the defaults apply (planner example describes them): read_fraction" in text
    assert "Back-test" in report.read_text()
    assert main(["plan", str(out), "-f", "json", "-o", str(tmp_path / "p.json")]) == 0


def test_a_value_outside_the_workloads_bounds_is_said(tmp_path):
    from planner.running.fit.run import fit_workload

    truth = Traffic(days=7, step_minutes=60, seed=6)
    f = series(truth)
    path = tmp_path / "m.csv"
    path.write_text(as_csv(f.assign(requests=f.requests * 1e12)))
    result = fit_workload(read_sources([path]), ["requests=requests"], sources=["m.csv"])
    assert any("peak_rps fitted as" in w and "outside the workload's bounds" in w for w in result.fit.warnings)
    assert "kept inside the workload's bounds 1e-06 to 1e+07" in result.workload_yaml


def test_the_datas_own_growth_is_said_beside_the_traffics(tmp_path):
    # issue 27 asks for data_size_gb "and its growth from storage bytes": the workload has one monthly_growth for
    # traffic and data, so a database growing faster than its traffic (10 % against 5 % a month) is said, with
    # its interval, and the file keeps the requests' growth
    truth = Traffic(days=28, step_minutes=60, monthly_growth=0.05, seed=8)
    f = series(truth)
    days = (f.time - f.time.iloc[0]).dt.total_seconds() / 86_400
    f = f.assign(storage_bytes=200 * 1024**3 * 1.10 ** (days / (365.25 / 12)))
    path = tmp_path / "m.csv"
    path.write_text(as_csv(f))
    fit = fit_inputs(read_sources([path]), {"requests": "requests", "storage_bytes": "storage_bytes"})
    said = [w for w in fit.warnings if w.startswith("the data grew")]
    assert len(said) == 1 and said[0].startswith("the data grew 10.0% a month")
    assert fit.inputs["monthly_growth"].low <= 0.05 <= fit.inputs["monthly_growth"].high
