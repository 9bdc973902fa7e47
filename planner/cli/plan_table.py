"""A plan as a rich terminal summary."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from planner.cli.render import _console
from planner.plan import Plan
from planner.report.formatting import compute_summary as _compute_summary
from planner.report.formatting import pct as _pct
from planner.report.formatting import share as _share
from planner.report.formatting import usd as _usd


def print_plan(plan: Plan) -> None:
    console = _console()
    w, rec = plan.workload, plan.recommended
    console.print(f"[bold]{w.name}[/] — {w.cloud} {w.region}, prices as of {plan.prices_as_of}")
    if rec is not None:
        console.print(f"Recommended: [bold green]{rec.name}[/] {_usd(rec.monthly_usd)}/month "
                      f"({_usd(rec.annual_usd)}/year), designed-for availability {_pct(rec.availability_pct)} "
                      f"(target {_pct(w.availability_target)}; SLA floor {_pct(rec.row.sla_floor_pct)}), "
                      f"DR {rec.dr_tier} in {plan.sizing.dr_region}")
    else:
        console.print("[bold red]No option meets every target.[/]")
    options = Table(title="Options", header_style="bold")
    for col, just in [("option", "left"), ("feasible", "left"), ("monthly", "right"), ("designed-for", "right"),
                      ("SLA floor", "right"),
                      ("DR tier", "left"), ("compute", "left"), ("notes", "left")]:
        options.add_column(col, justify=just)  # type: ignore[arg-type]
    for o in plan.options:
        style = "bold green" if o.recommended else ("dim" if not o.feasible else "")
        options.add_row(o.name, "yes" if o.feasible else "no", _usd(o.monthly_usd), _pct(o.availability_pct),
                        _pct(o.row.sla_floor_pct), o.dr_tier, _compute_summary(o), "; ".join(o.reasons), style=style)
    console.print(options)
    if plan.uncertainty is not None:
        _print_uncertainty(console, plan)
    decisions = Table(title="Decisions", header_style="bold", show_lines=False)
    decisions.add_column("topic", style="bold")
    decisions.add_column("decision")
    decisions.add_column("rationale")
    for d in plan.decisions:
        decisions.add_row(d.topic, d.choice, d.rationale)
    console.print(decisions)


def _print_uncertainty(console: Console, plan: Plan) -> None:
    u = plan.uncertainty
    assert u is not None
    band = Table(title=f"Uncertainty: {u.samples:,} samples (seed {u.seed}) of the inputs given as ranges",
                 header_style="bold")
    for col in ("option", "P10", "P50", "P90", "feasible in", "cheapest in"):
        band.add_column(col, justify="left" if col == "option" else "right")
    for o in u.options:
        band.add_row(o.name, _usd(o.p10_usd), _usd(o.p50_usd), _usd(o.p90_usd), _share(o.p_feasible),
                     _share(o.p_cheapest), style="bold green" if o.name == u.recommended else "")
    console.print(band)
    if u.recommended:
        console.print(f"Under uncertainty: [bold green]{u.recommended}[/] ({u.rule}); cheapest in "
                      f"{_share(u.p_recommendation_holds)} of samples; recommended bill P10 {_usd(u.bill_p10_usd)}, "
                      f"P50 {_usd(u.bill_p50_usd)}, P90 {_usd(u.bill_p90_usd)} a month")
    tornado = Table(title="What moves the bill (each input at its low and high, the others at their medians)",
                    header_style="bold")
    for col in ("input", "low", "high", "bill at low", "bill at high", "swing", "rank corr."):
        tornado.add_column(col, justify="left" if col == "input" else "right")
    for sw in u.sensitivity:
        tornado.add_row(sw.field, f"{sw.low_value:,.4g}", f"{sw.high_value:,.4g}", _usd(sw.low_usd),
                        _usd(sw.high_usd), _usd(sw.swing_usd), f"{sw.rank_correlation:+.2f}")
    console.print(tornado)
    if u.policy_sensitivity:
        policy = Table(title="The policy defaults that move it most (halved and raised by half)", header_style="bold")
        for col in ("policy default", "low", "high", "bill at low", "bill at high", "swing"):
            policy.add_column(col, justify="left" if col == "policy default" else "right")
        for sw in u.policy_sensitivity:
            policy.add_row(sw.field, f"{sw.low_value:,.4g}", f"{sw.high_value:,.4g}", _usd(sw.low_usd),
                           _usd(sw.high_usd), _usd(sw.swing_usd))
        console.print(policy)

