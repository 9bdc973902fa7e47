"""Plotly figures of plans and explorations (the dashboard and the notebooks draw these)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import qualitative

from planner.report.breakdown import GROUPS, cost_breakdown
from planner.report.formatting import share
from planner.workload.vocabulary import PRICE_OPTION_LABELS, field_label

COLOURS = qualitative.Plotly  # plotly's default sequence, named so a line and its markers can share one

if TYPE_CHECKING:
    from planner.plan.model import Plan
    from planner.running.uncertainty.monte_carlo import Swing, Uncertainty

OPTION_COLORS = {"vertical": "#636EFA", "horizontal": "#00CC96", "containers": "#AB63FA", "kubernetes": "#19D3F3",
                 "serverless": "#FFA15A"}
LAYOUT = {"template": "plotly_white", "margin": {"l": 10, "r": 10, "t": 50, "b": 10}, "height": 380,
          "legend": {"orientation": "h", "y": -0.2}}


def usd_axis(title: str = "USD per month", *, log: bool = False, ticks: int = 0) -> dict[str, object]:
    """A money axis: ticks as whole dollars with separators ($4,600, not 4600); on a log axis at powers of ten
    only (plotly writes its 2 and 5 ticks without the prefix); at most ``ticks`` ticks where given (a narrow chart
    ran $2,100$2,200 together)."""
    axis: dict[str, object] = {"title": {"text": title}, "tickprefix": "$", "showtickprefix": "all",
                               "tickformat": ",.0f"}
    if log:
        axis |= {"type": "log", "dtick": 1}
    if ticks:
        axis["nticks"] = ticks
    return axis


def titled(main: str, detail: str = "") -> str:
    """A chart title whose detail goes on a smaller second line: short enough for a 390 px phone, where one long
    line was cut ("(recommended: ho")."""
    return f"{main}<br><sup>{detail}</sup>" if detail else main


def cost_breakdown_figure(plan: Plan) -> go.Figure:
    """Stacked monthly cost per option, by tier; the recommended option is marked."""
    df = cost_breakdown(plan)
    fig = go.Figure()
    for group in GROUPS:
        part = df[df.group == group]
        if part.empty:
            continue
        fig.add_bar(name=group, x=part.option, y=part.monthly_usd,
                    hovertemplate="%{x}: $%{y:,.0f}/month<extra>" + group + "</extra>")
    rec = plan.recommended
    title = titled("Monthly cost by option and tier",
                   f"recommended: {rec.name}" if rec else "no option meets every target")
    fig.update_layout(barmode="stack", title=title, yaxis=usd_axis(), **LAYOUT)
    return fig


def cost_vs_load_figure(table: pd.DataFrame, crossover_rps: float | None = None) -> go.Figure:
    """Monthly cost of each option against peak load (log-log); infeasible points hollow."""
    fig = go.Figure()
    for option, part in table.groupby("option", sort=False):
        feasible = part.feasible.astype(bool)
        fig.add_scatter(x=part.peak_rps, y=part.monthly_usd.where(feasible), name=option, mode="lines+markers",
                        line={"color": OPTION_COLORS.get(option)},
                        hovertemplate="%{x:,.0f} req/s: $%{y:,.0f}/month<extra>" + option + "</extra>")
    if crossover_rps is not None:
        fig.add_vline(x=crossover_rps, line_dash="dash", line_color="grey")
        # on a log axis an annotation's x is in log10 units (add_vline's own annotation gets this wrong and
        # stretches the axis to 10^crossover)
        fig.add_annotation(x=math.log10(crossover_rps), y=1, yref="paper", yanchor="bottom", showarrow=False,
                           xanchor="left",
                           text=f"horizontal cheaper than vertical from {crossover_rps:,.0f} req/s")
    fig.update_layout(title=titled("Cost vs load", "feasible options"), xaxis_title="peak requests per second",
                      yaxis=usd_axis(log=True), xaxis_type="log", **LAYOUT)
    return fig


def regions_figure(table: pd.DataFrame) -> go.Figure:
    """Cost of each option per region, cheapest region first."""
    order = table[table.recommended].sort_values("monthly_usd").region.tolist()
    fig = go.Figure()
    for option, part in table.groupby("option", sort=False):
        part = part.set_index("region").reindex(order)
        fig.add_bar(name=option, x=part.index, y=part.monthly_usd.where(part.feasible.astype(bool)),
                    marker_color=OPTION_COLORS.get(option))
    fig.update_layout(barmode="group", title=titled("The same workload in each region", "feasible options"),
                      yaxis=usd_axis(), **LAYOUT)
    return fig


def clouds_figure(table: pd.DataFrame) -> go.Figure:
    """Each option's monthly bill on each cloud (a :func:`planner.running.multicloud.clouds_table`), the cheapest
    recommended bill marked."""
    from planner.clouds import catalog_for

    labels = [f"{catalog_for(r.cloud).label}<br>{r.region}" + (f"<br><b>cheapest: {r.recommended}</b>" if r.cheapest
                                                                 else f"<br>recommended: {r.recommended or 'none fits'}")
              for r in table.itertuples()]
    fig = go.Figure()
    for option, color in OPTION_COLORS.items():
        fig.add_bar(name=option, x=labels, y=table[f"{option}_usd"], marker_color=color)
    # three-line axis labels: the legend goes lower
    fig.update_layout(barmode="group", title=titled("The same workload on each cloud", "feasible options"),
                      yaxis=usd_axis(), **{**LAYOUT, "legend": {"orientation": "h", "y": -0.32}})
    return fig


def commitment_figure(curves: list) -> go.Figure:
    """The fleet's monthly compute bill against the instances committed, one line per commitment, the lowest
    bill of each marked (:func:`planner.running.commitment.commitment_curves`)."""
    fig = go.Figure()
    for i, c in enumerate(curves):
        name = PRICE_OPTION_LABELS.get(c.option, c.option) + (" (bought)" if c.bought else "")
        colour = COLOURS[i % len(COLOURS)]  # the lowest bill's marker in its own line's colour
        fig.add_scatter(x=c.table.committed, y=c.table.monthly_usd, mode="lines", name=name,
                        line={"color": colour, "width": 3 if c.bought else 2, "dash": "solid" if c.bought else "dot"})
        fig.add_scatter(x=[c.best], y=[c.best_usd], mode="markers", marker={"size": 11, "color": colour},
                        showlegend=False, name=f"{name}: lowest",
                        hovertemplate=f"{name}: %{{x}} committed, $%{{y:,.0f}}<extra></extra>")
    if curves:
        fig.add_hline(y=curves[0].all_on_demand_usd, line_dash="dot", annotation_text="all on demand",
                      annotation_position="bottom left")
    fig.update_layout(title=titled("Fleet compute a month", "against the instances committed"), xaxis_title="instances "
                      "committed", yaxis=usd_axis(), **LAYOUT)
    return fig


def growth_figure(table: pd.DataFrame) -> go.Figure:
    """Recommended monthly cost and instance count over the horizon; switches of option annotated."""
    rec = table[table.recommended].sort_values("month")
    fig = go.Figure()
    fig.add_scatter(x=rec.month, y=rec.monthly_usd, name="monthly cost (recommended)", mode="lines+markers",
                    hovertemplate="month %{x}: $%{y:,.0f}<extra></extra>")
    fig.add_scatter(x=rec.month, y=rec.instances_desired, name="instances / tasks at peak", yaxis="y2",
                    mode="lines", line={"dash": "dot"})
    switches = rec[rec.option.ne(rec.option.shift())]
    for r in switches.itertuples():
        fig.add_annotation(x=r.month, y=r.monthly_usd, text=r.option, showarrow=True, arrowhead=1)
    fig.update_layout(title="Cost over the horizon", xaxis_title="month", yaxis=usd_axis(),
                      yaxis2={"title": "count", "overlaying": "y", "side": "right", "rangemode": "tozero",
                              "tickformat": ",d", "dtick": max(1, math.ceil(rec.instances_desired.max() / 6))
                              if len(rec) and np.isfinite(rec.instances_desired.max()) else None},
                      **LAYOUT)
    return fig


def cost_distribution_figure(u: Uncertainty) -> go.Figure:
    """Each option's monthly bill over the samples where it is feasible (box: quartiles; whiskers: 1.5 IQR)."""
    fig = go.Figure()
    for j, band in enumerate(u.options):
        values = u.costs[:, j]
        values = values[np.isfinite(values)]
        if not len(values):
            continue
        fig.add_box(y=values, name=f"{band.name} (feasible in {share(band.p_feasible)})", boxpoints=False,
                    marker_color=OPTION_COLORS.get(band.name), hovertemplate="$%{y:,.0f}/month<extra></extra>")
    fig.update_layout(title=titled("Monthly cost per option", f"over {u.samples:,} samples, feasible samples only"),
                      yaxis=usd_axis(), showlegend=False, **LAYOUT)
    return fig


def tornado_figure(swings: tuple[Swing, ...], base_usd: float, title: str) -> go.Figure:
    """One bar per input from the bill at its low to the bill at its high (others at their medians), the
    largest swing on top; the line is the bill with every input at its median."""
    fig = go.Figure()
    rows = list(reversed(swings))  # plotly draws the first category at the bottom
    # the range on a line of its own: at 390 px one long label took half the chart
    labels = [f"{field_label(s.field)}<br>{s.low_value:,.4g} to {s.high_value:,.4g}" for s in rows]
    fig.add_bar(y=labels, x=[s.low_usd - base_usd for s in rows], base=base_usd, orientation="h", name="input at low",
                marker_color="#636EFA", hovertemplate="$%{x:,.0f}/month at low<extra></extra>")
    fig.add_bar(y=labels, x=[s.high_usd - base_usd for s in rows], base=base_usd, orientation="h",
                name="input at high", marker_color="#EF553B", hovertemplate="$%{x:,.0f}/month at high<extra></extra>")
    fig.add_vline(x=base_usd, line_dash="dash", line_color="grey")
    fig.update_layout(barmode="group", title=title, xaxis=usd_axis("bill, USD per month", ticks=5),
                      **{**LAYOUT, "legend": {"orientation": "h", "y": -0.35}})
    return fig


def cheapest_figure(u: Uncertainty) -> go.Figure:
    """How often each option is the cheapest feasible one, and how often it is feasible at all."""
    fig = go.Figure()
    names = [b.name for b in u.options]
    # the bars take each option's colour, which a single legend swatch cannot show: the axis names them
    fig.add_bar(x=names, y=[b.p_cheapest for b in u.options], name="cheapest feasible", showlegend=False,
                marker_color=[OPTION_COLORS.get(n) for n in names], hovertemplate="%{y:.0%}<extra>cheapest</extra>")
    fig.add_scatter(x=names, y=[b.p_feasible for b in u.options], mode="markers", name="feasible",
                    marker={"symbol": "line-ew-open", "size": 30, "color": "black"},
                    hovertemplate="%{y:.0%}<extra>feasible</extra>")
    fig.update_layout(title=titled("Chance of being the cheapest", "feasible option, share of samples"),
                      yaxis_tickformat=".0%",
                      yaxis_title="share of samples (bar: cheapest feasible)", yaxis_range=[0, 1.05], **LAYOUT)
    return fig



def freshness_figure(table: pd.DataFrame) -> go.Figure:
    """Age of the oldest price each architecture role is priced with (a :func:`planner.pricing.book_status.
    freshness` table), coloured by the share a refresh priced; the one-year line is where the Prices page warns."""
    t = table.sort_values("oldest_age_days")
    fig = go.Figure(go.Bar(
        x=t.oldest_age_days, y=t.role, orientation="h",
        marker={"color": t.refreshed_pct, "colorscale": "Blues", "cmin": 0, "cmax": 100,
                "colorbar": {"title": "% refreshed"}, "line": {"color": "#444", "width": 0.5}},
        customdata=np.stack([t.oldest, t.newest, t.prices], axis=-1),
        hovertemplate="%{y}: oldest price %{customdata[0]} (%{x} days), newest %{customdata[1]}, "
                      "%{customdata[2]:,} prices<extra></extra>"))
    fig.add_vline(x=365, line_dash="dot", annotation_text="1 year")
    fig.update_layout(title=titled("Age of the oldest price", "by architecture role"), xaxis_title="days",
                      **{**LAYOUT, "height": max(320, 26 * len(t) + 120)})
    return fig


BARS_READABLE = 50  # above this many scenarios one bar each is unreadable: the sorted cost curve instead


def batch_figure(summary: pd.DataFrame) -> go.Figure:
    """Each priced scenario's recommended monthly bill: one bar per scenario up to :data:`BARS_READABLE`, else
    the bills sorted from cheapest to dearest (a cost curve on a log axis; each point names its scenario)."""
    priced = summary[np.isfinite(summary.monthly_usd.to_numpy(dtype=float))]
    fig = go.Figure()
    if len(priced) <= BARS_READABLE:
        fig.add_bar(x=priced.name.astype(str), y=priced.monthly_usd,
                    hovertemplate="%{x}: $%{y:,.0f}/month<extra></extra>")
        fig.update_layout(title="Recommended monthly bill per scenario", yaxis=usd_axis(), **LAYOUT)
        return fig
    ordered = priced.sort_values("monthly_usd", kind="stable")
    fig.add_scatter(x=np.arange(1, len(ordered) + 1), y=ordered.monthly_usd, mode="lines+markers",
                    marker={"size": 4}, text=ordered.name.astype(str),
                    hovertemplate="%{text}: $%{y:,.0f}/month (#%{x:,} of " + f"{len(ordered):,})<extra></extra>")
    fig.update_layout(title=titled("Recommended monthly bill", f"{len(ordered):,} scenarios, cheapest to dearest"),
                      xaxis_title="scenarios, by bill", yaxis=usd_axis("USD per month (log)", log=True),
                      **LAYOUT)
    return fig
