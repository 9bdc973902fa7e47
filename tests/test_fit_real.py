"""``planner fit`` on real request traffic (``tests/data/fit/real``; sources and licences in its README):
NASA Kennedy Space Center's web server in July 1995 (26 days of every HTTP request, 5-minute counts) and an AWS
load balancer's RequestCount from the Numenta Anomaly Benchmark (14 days, 5-minute). Each fitted number is
checked against the same statistic computed here from the raw counts with pandas, and against what is known of
the traffic (a weekly cycle, US daytime peaks)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from planner.running.fit.estimate import fit_inputs
from planner.running.fit.sources import FitError, read_sources

REAL = Path(__file__).parent / "data" / "fit" / "real"
NASA, ELB = REAL / "nasa_ksc_1995.csv", REAL / "nab_elb_request_count.csv"


def daily_peaks(path: Path) -> pd.Series:
    """Each whole UTC day's busiest hour [req/s], from the 5-minute counts: the hour's requests / 3,600."""
    counts = pd.read_csv(path, parse_dates=["timestamp"]).set_index("timestamp")["requests"]
    hourly = counts.resample("1h").sum() / 3600
    return hourly.groupby(hourly.index.floor("1D")).max()


@pytest.fixture(scope="module")
def nasa():
    return fit_inputs(read_sources([NASA]), {"requests": "requests"})


def test_the_nasa_peak_is_the_95th_percentile_of_its_daily_peak_hours(nasa):
    peaks = daily_peaks(NASA)
    assert len(peaks) == 26
    # traffic fell over the window (the 13 July shuttle launch early, quieter weeks late); growth is planned at 0,
    # so the peaks are taken as observed, not lowered to the last day's level
    assert any("traffic fell" in w and "taken as observed" in w for w in nasa.warnings)
    assert nasa.inputs["monthly_growth"].mid == 0
    peak = nasa.inputs["peak_rps"]
    assert peak.mid == pytest.approx(float(np.quantile(peaks.to_numpy(), 0.95)), rel=1e-9)
    assert peak.low <= peak.mid <= peak.high <= peaks.max() + 1e-9
    # the launch day holds the busiest hour of the month: 4.15 req/s
    assert peaks.idxmax() == pd.Timestamp("1995-07-13", tz="UTC") and peaks.max() == pytest.approx(4.15, abs=0.01)


def test_the_planned_volume_is_the_observed_one(nasa):
    # the engine bills a month of peak / peak_to_average req/s; a review found the fit planning 2.7M requests a
    # month where NASA's server had 2.11M (+28 %; +60 % on the ELB trace): the ratio was the median day's, the peak
    # the 95th percentile day's. Growth is 0 here, so the mean is the window's
    counts = pd.read_csv(NASA, parse_dates=["timestamp"]).set_index("timestamp")["requests"]
    mean_rps = counts.sum() / (len(counts) * 300)
    planned = nasa.inputs["peak_rps"].mid / nasa.inputs["peak_to_average"].mid
    assert planned == pytest.approx(mean_rps, rel=1e-9)
    assert planned * 3600 * 730 == pytest.approx(2.11e6, rel=0.01)
    # the report's weekly means are set against that mean (the plan's volume), not against the first week's
    from planner.report.fit_report import fit_markdown

    md = fit_markdown(nasa, sources=["nasa"], mapping={"requests": "requests"}, back=None)
    planned_cells = [line.split("|")[3].strip() for line in md.splitlines() if line.startswith("| 1995-07-")]
    assert planned_cells and all(float(c) == pytest.approx(planned, rel=1e-3) for c in planned_cells)


def test_the_nasa_week_has_its_weekends_and_us_daytime_peaks(nasa):
    week = nasa.week_shape.reshape(7, 24)  # Monday 00:00 UTC first
    weekday, weekend = week[:5].mean(), week[5:].mean()
    # a US government site in 1995: weekends carry about half a weekday's traffic
    assert 0.4 < weekend / weekday < 0.7
    # every weekday's busiest hour falls in the US working day (13:00-21:00 UTC: 9-17 EDT), its quietest at night
    assert all(13 <= int(np.argmax(d)) <= 21 for d in week[:5])
    assert all(5 <= int(np.argmin(d)) <= 11 for d in week[:5])
    # the shape is each hour's share of the week's mean
    assert week.mean() == pytest.approx(1.0)


def test_the_elb_trace_fits_and_its_peak_is_the_data_s(tmp_path):
    fit = fit_inputs(read_sources([ELB]), {"requests": "requests"})
    peaks = daily_peaks(ELB)
    assert len(peaks) == 14
    assert fit.inputs["peak_rps"].mid == pytest.approx(float(np.quantile(peaks.to_numpy(), 0.95)), rel=1e-9)
    ratio = fit.inputs["peak_to_average"]
    assert 1 < ratio.low <= ratio.mid <= ratio.high


def test_the_cli_turns_a_real_trace_into_a_workload_that_plans(tmp_path, capsys):
    from planner.cli import main

    out, report = tmp_path / "nasa.yaml", tmp_path / "fit.md"
    assert main(["fit", str(NASA), "-m", "requests=requests", "--name", "nasa-ksc", "-o", str(out),
                 "--report", str(report)]) == 0
    text = out.read_text()
    assert "# Saturday" in text and "peak_rps: {low:" in text
    assert "Weekly shape" in report.read_text()
    assert main(["plan", str(out), "-f", "json", "-o", str(tmp_path / "p.json")]) == 0
    plan = json.loads((tmp_path / "p.json").read_text())
    assert plan["recommended"] and plan["workload"]["name"] == "nasa-ksc"


def test_a_series_of_zeros_is_one_error_not_a_traceback(tmp_path, capsys):
    from planner.cli import main

    times = pd.date_range("2026-01-01", periods=24 * 10, freq="1h", tz="UTC")
    zeros = tmp_path / "zeros.csv"
    zeros.write_text("timestamp,requests\n" + "".join(f"{t.isoformat()},0\n" for t in times))
    with pytest.raises(FitError, match="the request rate is zero at every point"):
        fit_inputs(read_sources([zeros]), {"requests": "requests"})
    assert main(["fit", str(zeros), "-m", "requests=requests", "-o", str(tmp_path / "z.yaml")]) == 2
    assert "zero at every point" in capsys.readouterr().err
    assert not (tmp_path / "z.yaml").exists()
