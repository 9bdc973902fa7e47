"""A fit for reading: the window and what was left out, the fitted inputs with their method, observed against
fitted (the weekly means against the trend, the daily and weekly shapes, the CPU line's residuals) and the
back-test."""

from __future__ import annotations

import numpy as np
import pandas as pd

from planner.report.escaping import markdown_cell
from planner.running.fit.backtest import BackTest
from planner.running.fit.estimate import WEEKDAYS, Fit, planned_mean_rps
from planner.running.fit.run import FitResult


def fit_report(result: FitResult) -> str:
    """The report of a fit (see the module docstring)."""
    return fit_markdown(result.fit, sources=result.sources, mapping=result.mapping, back=result.back)


def fit_markdown(fit: Fit, *, sources: list[str], mapping: dict[str, str], back: BackTest | None) -> str:
    """The report (see the module docstring)."""
    out = ["# Workload fitted from monitoring", "",
           f"_{fit.hours:,} hours of requests from {fit.first:%Y-%m-%d %H:%M} to {fit.last:%Y-%m-%d %H:%M} UTC; "
           f"sources: {', '.join(markdown_cell(s) for s in sources)}_", "",
           "| series | meaning |", "| --- | --- |",
           *(f"| {markdown_cell(s)} | {m} |" for s, m in mapping.items()), "",
           "## Fitted inputs", "", "90 % intervals: low and high are the 5th and 95th percentiles, mid the value "
           "planned for.", "", "| input | low | mid | high | points | how |",
           "| --- | ---: | ---: | ---: | ---: | --- |"]
    for f in fit.inputs.values():
        out.append(f"| {f.field} | {f.low:.4g} | {f.mid:.4g} | {f.high:.4g} | {f.points:,} | "
                   f"{markdown_cell(f.method)} |")
    if fit.warnings:
        out += ["", "## Notes", "", *(f"- {markdown_cell(w)}" for w in fit.warnings)]
    out += ["", "## Observed against fitted", ""]
    out += _weeks(fit) + [""] + _shape(fit) + [""] + _cpu_residuals(fit)
    out += ["", "## Back-test", ""]
    if back is None:
        out.append("No back-test: it needs the CPU time, the instance count and --instance-type.")
    else:
        out += ["The plan at the busiest hour's rate with the fitted CPU time and the observed instance type "
                "(horizontal option, no growth), beside the instances the system ran.", "",
                "| | instances |", "| --- | ---: |",
                f"| ran in the busiest hour ({back.peak_rps:,.0f} req/s) | {back.observed_at_peak:,.0f} |",
                f"| ran at most | {back.observed_max:,.0f} |",
                f"| planned for that hour ({back.instance_type}) | {back.planned_desired:,.0f} |",
                f"| planned at most (burst headroom) | {back.planned_max:,.0f} |", "",
                f"The planned fleet bills ${back.monthly_usd:,.0f} a month."]
    return "\n".join(out) + "\n"


def _weeks(fit: Fit) -> list[str]:
    """Weekly mean rates against the mean the workload plans (:func:`planned_mean_rps`: its volume, along its
    growth) at each week's middle."""
    rps = fit.hourly.requests_per_s.dropna()
    weekly = rps.resample("7D").mean()
    if len(weekly) < 2:
        return ["One week of data or less: no trend to compare with."]
    trend = planned_mean_rps(fit, weekly.index + pd.Timedelta(days=3.5))
    if trend is None:
        return ["No planned mean to compare with (peak_rps or peak_to_average not fitted)."]
    rows = ["| week from | observed mean req/s | planned mean req/s | residual |", "| --- | ---: | ---: | ---: |"]
    for (start, observed), planned in zip(weekly.items(), trend):
        rows.append(f"| {start:%Y-%m-%d} | {observed:,.4g} | {planned:,.4g} | {observed / planned - 1:+.1%} |")
    return rows


def _shape(fit: Fit) -> list[str]:
    """The observed daily shape (each hour's median share of its day's mean) and, where fitted, the week's: the
    workload's diurnal profile."""
    if fit.daily_shape is None:
        return []
    shape = fit.daily_shape
    peak, low = int(np.argmax(shape)), int(np.argmin(shape))
    profile = ("the workload's policy.diurnal_profile" if fit.week_shape is None else
               "the workload's profile is the week's, below")
    out = [f"Daily shape (UTC; {profile}): the peak hour is {peak:02d}:00 at "
           f"{shape[peak]:.2f} x the day's mean, the quietest {low:02d}:00 at {shape[low]:.2f} x; "
           + ", ".join(f"{h:02d}h {v:.2f}" for h, v in enumerate(shape))]
    return out if fit.week_shape is None else out + [""] + _week(fit.week_shape)


def _week(shape: np.ndarray) -> list[str]:
    """The week's shape as two tables: each day's mean, peak and quietest hour, then every hour."""
    days = shape.reshape(len(WEEKDAYS), 24)
    means = days.mean(axis=1)
    busy, quiet = int(np.argmax(means)), int(np.argmin(means))
    out = [f"Weekly shape (UTC, Monday first; the workload's policy.diurnal_profile): each hour's share of the week's "
           f"mean. The busiest day is {WEEKDAYS[busy]} at {means[busy]:.2f} x the week's mean, the quietest "
           f"{WEEKDAYS[quiet]} at {means[quiet]:.2f} x ({means[quiet] / means[busy]:.0%} of the busiest).", "",
           "| day | mean | peak hour | peak | quietest hour | quietest |", "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for name, day, mean in zip(WEEKDAYS, days, means):
        top, bottom = int(np.argmax(day)), int(np.argmin(day))
        out.append(f"| {name} | {mean:.2f} | {top:02d}:00 | {day[top]:.2f} | {bottom:02d}:00 | {day[bottom]:.2f} |")
    out += ["", "Hour by hour (UTC):", "",
            "| day | " + " | ".join(f"{h:02d}" for h in range(24)) + " |", "| --- |" + " ---: |" * 24]
    out += [f"| {name[:3]} | " + " | ".join(f"{v:.2f}" for v in day) + " |" for name, day in zip(WEEKDAYS, days)]
    return out


def _cpu_residuals(fit: Fit) -> list[str]:
    """The CPU line's fit: what it leaves unexplained, hour by hour."""
    f = fit.inputs.get("cpu_ms_per_request")
    if f is None or fit.cpu_points is None or fit.cpu_line is None:
        return ["No CPU line fitted."]
    idle, seconds = fit.cpu_line
    points = fit.cpu_points
    residual = points.busy - (idle + seconds * points.rps)
    typical = float(np.median(np.abs(residual)))
    return [f"CPU line: busy vCPU = {idle:.3g} + {seconds * 1000:.4g} ms x req/s / 1000 over {f.points:,} hours "
            f"(observed vCPUs); the median hour is {typical:.3g} vCPU off it "
            f"({typical / float(points.busy.median()):.1%} of the median busy vCPUs), the worst "
            f"{float(np.abs(residual).max()):.3g} vCPU."]
