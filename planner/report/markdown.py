"""The design-review report: Markdown that renders on GitHub (tables, details blocks, Mermaid)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from planner.pricing.currency import display_currency
from planner.report.escaping import markdown_text as _md
from planner.report.formatting import compute_summary as _compute_summary
from planner.report.formatting import money_unit
from planner.report.formatting import pct as _pct
from planner.report.formatting import quantity as _qty
from planner.report.formatting import share as _share
from planner.report.formatting import unit_usd as _unit_usd
from planner.report.formatting import usd as _usd
from planner.report.mermaid import mermaid
from planner.report.tables import swings_table, uncertainty_table
from planner.sizing.profile import profile_period
from planner.workload.model import COMMITTING
from planner.workload.policy import tier_label
from planner.workload.vocabulary import PRICE_OPTION_LABELS, choice_label, decision_label

if TYPE_CHECKING:
    from collections.abc import Sequence

    import pandas as pd

    from planner.plan.model import Plan


def table(header: list[str], rows: list[list[object]], align: str = "") -> list[str]:
    """A Markdown table: a header, the alignment row (l or r per column) and each row's cells escaped
    (:func:`planner.report.escaping.markdown_text`; the header is the program's own)."""
    align = align or "l" * len(header)
    if len(align) != len(header):  # a short alignment row makes the whole table plain text
        raise ValueError(f"{len(align)} alignments for {len(header)} columns")
    sep = ["---:" if a == "r" else "---" for a in align]
    out = ["| " + " | ".join(header) + " |", "| " + " | ".join(sep) + " |"]
    out += ["| " + " | ".join(_md(c) for c in r) + " |" for r in rows]
    return out


def _workload_rows(plan: Plan) -> list[list[object]]:
    w = plan.workload
    traffic = (f"{w.peak_rps:,.0f} req/s peak" if w.peak_rps is not None else
               f"{w.daily_active_users:,.0f} daily users x {w.requests_per_user_per_day:g} requests")
    return [
        ["cloud / region", f"{w.cloud} {w.region}"],
        ["traffic", f"{traffic}; peak / average {w.peak_to_average:g}; {w.read_fraction:.0%} reads"],
        ["per request", f"{w.cpu_ms_per_request:g} ms CPU, {w.response_kb:g} KB response, p99 target "
                        f"{w.latency_target_ms:g} ms"],
        ["data", f"{w.data_size_gb:,.0f} GB {w.data_model.replace('_', '-')} data ({w.hot_data_fraction:.0%} hot), "
                 f"{w.object_storage_gb:,.0f} GB object storage ({w.object_storage_access}), "
                 f"+{w.monthly_growth:.1%}/month over {w.horizon_months} months"],
        *([["edge", f"{w.cacheable_fraction:.0%} cacheable, CDN {w.cdn}{', public' if w.public else ''}"]]
          if w.cacheable_fraction or w.cdn != "auto" or w.public else []),
        *([["background jobs", f"{w.async_jobs_per_second:,.4g} jobs/s peak of {w.job_cpu_ms:g} ms, "
                               f"{w.job_message_kb:g} KB, wait <= {w.max_queue_delay_seconds:g} s, {w.queue_kind}"]]
          if w.async_jobs_per_second else []),
        ["reliability", f"availability {_pct(w.availability_target)}, RTO {w.rto_minutes:g} min, RPO "
                        f"{w.rpo_minutes:g} min"],
        ["money", f"{choice_label('purchase_option', w.purchase_option)}, CPU utilisation target {w.target_cpu_utilization:.0%}"],
    ]


def _bom_table(bom: pd.DataFrame, total: float) -> list[str]:
    rows = [[b.component, b.service, b.sku, _qty(b.quantity), b.unit, _unit_usd(b.unit_usd), _usd(b.monthly_usd),
             b.source_id + (f" ({b.note})" if b.note else "")] for b in bom.itertuples(index=False)]
    usd_total = "" if display_currency().code == "USD" else f" (${total:,.2f})"
    rows.append(["**total**", "", "", "", "", "", f"**{_usd(total)}**{usd_total}", ""])
    unit = money_unit()
    return table(["component", "service", "SKU", "quantity", "unit", f"unit {unit}", f"monthly {unit}", "price source"],
                  rows, "lllrlrrl")


def render_clouds_markdown(plans: Sequence[Plan]) -> str:
    """The same workload on several clouds: one comparison table, then each cloud's full plan."""
    from planner.report.tables import clouds_display
    from planner.running.multicloud import clouds_table

    w = plans[0].workload
    shown = clouds_display(clouds_table(plans))
    out = [f"# Cloud comparison: {_md(w.name)}", "",
           "Each cloud prices the same workload in its region nearest to the others (planner's equivalent-region "
           "table; override with `--cloud-region CLOUD=REGION`). The recommended option of each is the cheapest "
           "that meets every target on that cloud; lines with estimated prices come from a neighbouring region.", ""]
    # cloud, region, recommended; monthly, vs cheapest, availability; DR tier; each option's monthly; estimates
    out += table(list(shown.columns), shown.to_numpy().tolist(), "lllrrrl" + "r" * (len(shown.columns) - 8) + "l")
    for p in plans:
        out += ["", "---", "", render_markdown(p).rstrip("\n")]
    return "\n".join(out) + "\n"


def _commitment_section(plan: Plan) -> list[str]:
    """The commitments the fleet could take, what each breaks even at, and the committed count of the lowest
    bill (:mod:`planner.running.commitment`)."""
    from planner.running.commitment import commitment_curves, no_commitment_reason

    curves = commitment_curves(plan)
    if not curves:
        return ["", "## Commitment", "", "No commitment applies: " + no_commitment_reason(plan) + "."]
    c0 = curves[0]
    rows = [[PRICE_OPTION_LABELS.get(c.option, c.option) + (" (bought)" if c.bought else ""), _unit_usd(c.commit_usd),
             _unit_usd(c.on_demand_usd), f"{c.break_even:.0%}", f"{c.best}",
             _usd(c.best_usd), f"{_usd(c.all_on_demand_usd - c.best_usd)} "
             f"({1 - c.best_usd / c.all_on_demand_usd:.0%})"] for c in curves]
    return ["", f"## Commitment (horizontal: {_md(c0.sku)})", "",
            f"The fleet runs {c0.hourly_units.min():.0f} to {c0.hourly_units.max():.0f} instances over the "
            f"{profile_period(len(c0.hourly_units))} "
            "(today's load profile). A committed instance bills every hour; it pays when it runs at least its "
            "break-even share of them (commitment rate / on-demand rate), so the lowest bill commits the instances "
            "that run that long and bursts the rest on demand.", "",
            *table(["commitment", "rate", "on demand", "break-even", "committed", "fleet compute a month",
                     "saving vs all on demand"], rows, "lrrrrrr")]


def render_markdown(plan: Plan) -> str:
    from planner import __version__

    w, rec = plan.workload, plan.recommended
    # every value below that the program did not write passes _md (markdown_text): tables escape their cells
    out = [f"# Capacity plan: {_md(w.name)}", "",
           f"_planner {__version__} · {_md(w.cloud)} {_md(w.region)} · public list prices as of "
           f"{_md(plan.prices_as_of)} to {_md(plan.newest_price_as_of)} (USD, 730 h/month)"
           + ("" if plan.price_book == "pricing_data" else f" · price book: {_md(plan.price_book)}")
           + "_", ""]
    if display_currency().code != "USD":
        statement = display_currency().statement()
        out += [f"_{_md(statement[0].upper() + statement[1:])}._", ""]
    out += ["## Recommendation", ""]
    if rec is not None:
        tier = w.policy.dr_tiers[int(rec.row.dr_tier_index)]
        both = "" if display_currency().code == "USD" else f" (${rec.monthly_usd:,.0f} a month)"
        dr = f"**{_md(tier.label)}** in {_md(plan.sizing.dr_region)}"
        out += [f"**{rec.name}** — **{_usd(rec.monthly_usd)}/month**{both} ({_usd(rec.annual_usd)}/year), designed-for "
                f"availability **{_pct(rec.availability_pct)}** (target {_pct(w.availability_target)}; SLA floor "
                f"{_pct(rec.row.sla_floor_pct)}), disaster recovery {dr} (RTO {rec.row.dr_rto_minutes:,.0f} min, RPO "
                f"{tier.rpo_minutes:g} min; targets {w.rto_minutes:g} / {w.rpo_minutes:g} min).", "",
                f"_{_md(plan.billing)}_", ""]
        out.append(_md(next(d.rationale for d in plan.decisions if d.topic == "recommendation").capitalize()) + ".")
    else:
        why = next(d.rationale for d in plan.decisions if d.topic == "recommendation")
        out.append("**No option meets every target:** " + _md(why.split(": ", 1)[-1]) + ".")
    if plan.uncertainty is not None:
        out += ["", *_uncertainty_section(plan)]
    out += ["", "## Workload", ""]
    out += table(["input", "value"], _workload_rows(plan))
    out += ["", "## Options compared", ""]
    rows = [[f"**{o.name}**" if o.recommended else o.name, "yes" if o.feasible else "no", _usd(o.monthly_usd),
             _usd(o.annual_usd), _pct(o.availability_pct), tier_label(o.dr_tier), _compute_summary(o),
             "; ".join(o.reasons) or ("recommended" if o.recommended else "")] for o in plan.options]
    out += table(["option", "feasible", "monthly", "annual", "designed-for availability", "DR tier", "compute",
                   "notes"],
                  rows, "llrrrlll")
    if rec is not None:
        out += ["", f"## Architecture ({rec.name})", "", "```mermaid", mermaid(plan, rec), "```"]
    out += ["", "## Decisions", ""]
    out += table(["topic", "decision", "rationale"], [[d.topic, decision_label(d.topic, d.choice), d.rationale]
                                                   for d in plan.decisions])
    if plan.workload.purchase_option in COMMITTING:
        out += _commitment_section(plan)
    out += ["", "## Bill of materials", ""]
    for o in sorted(plan.options, key=lambda o: not o.recommended):
        if o.recommended:
            out += [f"### {o.name} (recommended)", ""] + _bom_table(o.bom, o.monthly_usd)
        else:
            status = f"feasible, {_usd(o.monthly_usd)}/month" if o.feasible else "rejected"
            out += ["", f"<details><summary>{o.name} — {status}</summary>", ""]
            out += _bom_table(o.bom, o.monthly_usd) if len(o.bom) else ["No bill: " + _md("; ".join(o.reasons))]
            out += ["", "</details>"]
    out += ["", "## Assumptions", ""] + [f"- {_md(a)}" for a in plan.assumptions]
    out += ["", "## Price provenance", ""]
    out += table(["source", "repository", "commit", "path", "data as of", "notes"],
                  [[s.source_id, s.repo or "—", (s.commit or "—")[:12], s.path or "—",
                    s.data_date_max or "—", s.notes] for s in plan.sources.itertuples(index=False)])
    return "\n".join(out) + "\n"


def _uncertainty_section(plan: Plan) -> list[str]:
    """Percentiles per option and the tornado, when inputs were ranges."""
    u = plan.uncertainty
    assert u is not None
    ranges = ", ".join(f"{_md(s.field)} {s.low_value:,.4g}-{s.high_value:,.4g}" for s in u.sensitivity)
    out = ["## Uncertainty", "",
           f"_{u.samples:,} samples (seed {u.seed}) of the inputs given as 90 % intervals ({ranges}); the rest of "
           "this report is the plan at their medians._", ""]
    if u.recommended:
        out.append(f"Under uncertainty: **{u.recommended}** ({u.rule}); it is the cheapest feasible option in "
                   f"{_share(u.p_recommendation_holds)} of samples. The recommended bill lies between "
                   f"{_usd(u.bill_p10_usd)} (P10) and {_usd(u.bill_p90_usd)} (P90) a month, median "
                   f"{_usd(u.bill_p50_usd)}.")
    else:
        out.append("Under uncertainty: no option is feasible in any sample.")
    bands = uncertainty_table(u)
    bands["option"] = [f"**{o}**" if o == u.recommended else o for o in bands["option"]]
    out += ["", *_frame_table(bands)]
    if u.sensitivity:
        out += ["", "What moves the bill (each input at its low and high, the others at their medians):", ""]
        out += _frame_table(swings_table(u.sensitivity))
    if u.policy_sensitivity:
        out += ["", "The policy defaults that move it most (halved and raised by half; a share moved halfway to 0 "
                    "and to 1):", ""]
        out += _frame_table(swings_table(u.policy_sensitivity, "policy default", correlation=False))
    return out


def _frame_table(frame: pd.DataFrame) -> list[str]:
    """A table of formatted cells (:mod:`planner.report.tables`): its first column left, the rest right."""
    return table(list(frame.columns), frame.to_numpy().tolist(), "l" + "r" * (len(frame.columns) - 1))
