"""A plan as a rich terminal summary, printed through the inert console (:mod:`planner.cli.render`): names,
reasons and policy strings are shown as text, their control characters escaped."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table
from rich.text import Text

from planner.cli.render import _console, styled
from planner.plan.model import Plan
from planner.pricing.currency import display_currency
from planner.report.escaping import terminal_text
from planner.report.formatting import compute_summary as _compute_summary
from planner.report.formatting import pct as _pct
from planner.report.formatting import share as _share
from planner.report.formatting import usd as _usd
from planner.report.tables import swings_table, uncertainty_table
from planner.workload.policy import tier_label
from planner.workload.vocabulary import decision_label

if TYPE_CHECKING:
    from collections.abc import Sequence

    import pandas as pd


def print_clouds(plans: Sequence[Plan]) -> None:
    """The same workload on several clouds: the comparison, the cheapest highlighted."""
    from planner.report.tables import clouds_display
    from planner.running.multicloud import clouds_table

    console = _console()
    w = plans[0].workload
    table = clouds_table(plans)
    console.print(styled((w.name, "bold"), f" on {len(plans)} clouds, each in its nearest equivalent region"))
    shown = clouds_display(table)
    _print_table(console, shown, "Clouds", highlight=shown.cloud[table.cheapest.to_numpy()].tolist()[0]
                 if table.cheapest.any() else None)
    best = table[table.cheapest]
    if len(best):
        r = best.iloc[0]
        console.print(styled("Cheapest: ", (f"{r.cloud} {r.region}", "bold green"),
                             f", {r.recommended} at {_usd(r.monthly_usd)}/month. `--format md` adds each cloud's "
                             "full plan; `--cloud-region CLOUD=REGION` picks a region."))


def print_plan(plan: Plan) -> None:
    console = _console()
    w, rec = plan.workload, plan.recommended
    book = "" if plan.price_book == "pricing_data" else f" ({plan.price_book})"
    console.print(styled((w.name, "bold"), f" — {w.cloud} {w.region}, prices as of {plan.prices_as_of}{book}"))
    if display_currency().code != "USD":
        console.print(styled((display_currency().statement(), "dim")))
    if rec is not None:
        console.print(styled("Recommended: ", (rec.name, "bold green"),
                             f" {_usd(rec.monthly_usd)}/month ({_usd(rec.annual_usd)}/year), designed-for "
                             f"availability {_pct(rec.availability_pct)} (target {_pct(w.availability_target)}; SLA "
                             f"floor {_pct(rec.row.sla_floor_pct)}), DR {tier_label(rec.dr_tier)} in "
                             f"{plan.sizing.dr_region}"))
    else:
        why = next(d.rationale for d in plan.decisions if d.topic == "recommendation")
        console.print(styled(("No option meets every target:", "bold red"), " " + why.split(": ", 1)[-1]))
    options = Table(title="Options", header_style="bold")
    for col, just in [("option", "left"), ("feasible", "left"), ("monthly", "right"), ("designed-for", "right"),
                      ("SLA floor", "right"),
                      ("DR tier", "left"), ("compute", "left"), ("notes", "left")]:
        options.add_column(col, justify=just)  # type: ignore[arg-type]
    for o in plan.options:
        style = "bold green" if o.recommended else ("dim" if not o.feasible else "")
        options.add_row(o.name, "yes" if o.feasible else "no", _usd(o.monthly_usd), _pct(o.availability_pct),
                        _pct(o.row.sla_floor_pct), tier_label(o.dr_tier), _compute_summary(o), "; ".join(o.reasons),
                        style=style)
    console.print(options)
    if plan.uncertainty is not None:
        _print_uncertainty(console, plan)
    decisions = Table(title="Decisions", header_style="bold", show_lines=False)
    decisions.add_column("topic", style="bold")
    decisions.add_column("decision")
    decisions.add_column("rationale")
    for d in plan.decisions:
        decisions.add_row(d.topic, decision_label(d.topic, d.choice), d.rationale)
    console.print(decisions)


def _print_uncertainty(console: Console, plan: Plan) -> None:
    u = plan.uncertainty
    assert u is not None
    _print_table(console, uncertainty_table(u),
                 f"Uncertainty: {u.samples:,} samples (seed {u.seed}) of the inputs given as ranges",
                 highlight=u.recommended)
    if u.recommended:
        console.print(styled("Under uncertainty: ", (u.recommended, "bold green"),
                             f" ({u.rule}); cheapest in {_share(u.p_recommendation_holds)} of samples; recommended "
                             f"bill P10 {_usd(u.bill_p10_usd)}, P50 {_usd(u.bill_p50_usd)}, P90 "
                             f"{_usd(u.bill_p90_usd)} a month"))
    _print_table(console, swings_table(u.sensitivity),
                 "What moves the bill (each input at its low and high, the others at their medians)")
    if u.policy_sensitivity:
        _print_table(console, swings_table(u.policy_sensitivity, "policy default", correlation=False),
                     "The policy defaults that move it most (halved and raised by half)")


def _print_table(console: Console, frame: pd.DataFrame, title: str, highlight: str | None = None) -> None:
    """A table of formatted cells: its first column left, the rest right; the row named ``highlight`` bold."""
    table = Table(title=title, header_style="bold")
    for i, col in enumerate(frame.columns):
        table.add_column(col, justify="left" if i == 0 else "right")
    for row in frame.itertuples(index=False):
        # one line a cell: a newline in a name would draw what looks like another row
        table.add_row(*(Text(terminal_text(str(cell))) for cell in row),
                      style="bold green" if highlight and row[0] == highlight else "")
    console.print(table)
