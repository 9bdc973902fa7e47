"""A fit's pictures for the dashboard: the hourly request rate with the planned trend, the load profile written to
the workload (a week's hours or a day's), and the CPU line through the busy hours."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from planner.report.figures import titled
from planner.running.fit.estimate import WEEKDAYS, Fit, planned_mean_rps


def rate_figure(fit: Fit) -> go.Figure:
    """Observed hourly requests/s, the daily means, and the planned growth (monthly_growth) through them."""
    rps = fit.hourly.requests_per_s
    daily = rps.resample("1D").mean().dropna()
    fig = go.Figure()
    fig.add_scatter(x=rps.index, y=rps.to_numpy(), mode="lines", name="observed, hourly", line={"width": 1})
    fig.add_scatter(x=daily.index + np.timedelta64(12, "h"), y=daily.to_numpy(), mode="markers",
                    name="daily mean")
    planned = planned_mean_rps(fit, daily.index + pd.Timedelta(hours=12)) if len(daily) else None
    if planned is not None:  # the mean the plan bills, along its growth: the report's trend too
        growth = fit.inputs.get("monthly_growth")
        fig.add_scatter(x=daily.index + np.timedelta64(12, "h"), y=planned, mode="lines",
                        name=f"planned mean (growth {growth.mid if growth else 0.0:.1%}/month)",
                        line={"dash": "dash"})
    peak = fit.inputs.get("peak_rps")
    if peak is not None:
        fig.add_hline(y=peak.mid, line_dash="dot", annotation_text=f"planned peak {peak.mid:,.3g} req/s")
    fig.update_layout(title=titled("Request rate", "observed and fitted"), yaxis_title="requests/s",
                      legend={"orientation": "h", "y": -0.28})  # below the axis labels
    return fig


def shape_figure(fit: Fit) -> go.Figure | None:
    """The load profile the workload is sized on: the week's 168 hours (Monday 00:00 UTC first) with the day's
    shape repeated beside them, or the day's 24 hours; None without either."""
    if fit.daily_shape is None:
        return None
    fig = go.Figure()
    day = fit.daily_shape
    if fit.week_shape is None:
        fig.add_scatter(x=list(range(24)), y=day, mode="lines+markers", name="each hour's share of its day's mean")
        fig.update_layout(title=titled("Daily shape", "the workload's load profile (UTC)"), xaxis_title="hour (UTC)",
                          yaxis_title="x the day's mean", xaxis={"dtick": 3})
        return fig
    hours = np.arange(len(fit.week_shape))
    fig.add_scatter(x=hours, y=fit.week_shape, mode="lines", name="each hour's share of the week's mean")
    # the day's shape at the week's mean level: what a day's profile would have planned every day of the week
    fig.add_scatter(x=hours, y=np.tile(day / day.mean(), len(WEEKDAYS)), mode="lines", name="the day's shape",
                    line={"dash": "dot", "width": 1})
    fig.update_layout(title=titled("Weekly shape", "the workload's load profile (UTC, Monday first)"),
                      yaxis_title="x the week's mean",
                      xaxis={"tickvals": hours[::24] + 12, "ticktext": [d[:3] for d in WEEKDAYS],
                             "title": "hour of the week (UTC)"},
                      legend={"orientation": "h", "y": -0.28})  # below the axis labels
    for start in hours[24::24]:
        fig.add_vline(x=start - 0.5, line_width=1, line_color="lightgrey")
    return fig


def cpu_figure(fit: Fit) -> go.Figure | None:
    """Busy vCPUs against requests/s, hour by hour, and the fitted line (None without one)."""
    if fit.cpu_points is None or fit.cpu_line is None:
        return None
    idle, seconds = fit.cpu_line
    p = fit.cpu_points
    x = np.linspace(0, float(p.rps.max()), 50)
    fig = go.Figure()
    fig.add_scatter(x=p.rps.to_numpy(), y=p.busy.to_numpy(), mode="markers", name="hours",
                    marker={"size": 4, "opacity": 0.5})
    fig.add_scatter(x=x, y=idle + seconds * x, mode="lines",
                    name=f"{idle:.2f} vCPU + {seconds * 1000:.3g} ms x req/s")
    fig.update_layout(title=titled("CPU against load", "each hour, and the fitted line"),
                      xaxis_title="requests/s", yaxis_title="busy vCPUs",
                      legend={"orientation": "h", "y": -0.28})  # below the axis labels
    return fig
