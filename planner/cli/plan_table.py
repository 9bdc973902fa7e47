"""A plan as a rich terminal summary."""

from __future__ import annotations

from rich.table import Table

from planner.cli.render import _console
from planner.plan import Plan
from planner.report.formatting import compute_summary as _compute_summary
from planner.report.formatting import pct as _pct
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
    decisions = Table(title="Decisions", header_style="bold", show_lines=False)
    decisions.add_column("topic", style="bold")
    decisions.add_column("decision")
    decisions.add_column("rationale")
    for d in plan.decisions:
        decisions.add_row(d.topic, d.choice, d.rationale)
    console.print(decisions)
