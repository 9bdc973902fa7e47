"""A cost diff as people read it: a headline, the options, the lines that moved and the decisions that changed;
Markdown for a pull-request comment, formatted frames for the terminal."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from planner.pricing.currency import display_currency
from planner.report.escaping import markdown_text as _md
from planner.report.formatting import quantity, usd
from planner.report.markdown import table as markdown_table

if TYPE_CHECKING:
    import pandas as pd

    from planner.running.diff import PlanDiff

CENT = 0.005  # a line moved when its bill changed by at least a cent


def signed_usd(x: float) -> str:
    if x is None or math.isnan(x):
        return "—"
    return ("+" if x > 0 else "-" if x < 0 else "±") + usd(abs(x))


def signed_pct(x: float) -> str:
    if x is None or math.isnan(x):
        return "—"
    return "new" if math.isinf(x) else f"{x:+.1f}%"


def headline(d: PlanDiff) -> str:
    """'horizontal $2,231 -> serverless $3,662 a month (+$1,430, +64.1%)'."""
    (a, a_usd), (b, b_usd) = d.old_recommended, d.new_recommended
    before = f"{a} {usd(a_usd)}" if a else "no feasible option"
    after = f"{b} {usd(b_usd)}" if b else "no feasible option"
    change = f" ({signed_usd(d.delta_usd)}, {signed_pct(d.delta_pct)})" if a and b else ""
    return f"{before} → {after} a month{change}"


def options_frame(d: PlanDiff) -> pd.DataFrame:
    import pandas as pd

    def cell(usd_value: float, feasible: bool, recommended: bool) -> str:
        text = usd(usd_value) if feasible else f"{usd(usd_value)} (not feasible)" if usd_value == usd_value else "—"
        return text + (" ✓" if recommended else "")

    return pd.DataFrame([{
        "option": r.option,
        "before": cell(r.old_monthly_usd, r.old_feasible, r.old_recommended),
        "after": cell(r.new_monthly_usd, r.new_feasible, r.new_recommended),
        "change": signed_usd(r.delta_usd), "%": signed_pct(r.delta_pct),
    } for r in d.options.itertuples()])


def moved_lines(d: PlanDiff, option: str) -> pd.DataFrame:
    """The lines of ``option`` whose bill moved, the largest change first, formatted."""
    import pandas as pd

    lines = d.lines[(d.lines.option == option) & (d.lines.delta_usd.abs() >= CENT)]
    lines = lines.reindex(lines.delta_usd.abs().sort_values(ascending=False).index)
    return pd.DataFrame([{
        "component": r.component,
        "SKU": r.new_sku if r.old_sku in ("", r.new_sku) else f"{r.old_sku} → {r.new_sku or '(gone)'}",
        "quantity": f"{quantity(r.old_quantity)} → {quantity(r.new_quantity)} {r.unit}",
        "before": usd(r.old_monthly_usd), "after": usd(r.new_monthly_usd),
        "change": signed_usd(r.delta_usd), "%": signed_pct(r.delta_pct),
    } for r in lines.itertuples()], columns=["component", "SKU", "quantity", "before", "after", "change", "%"])


def diff_markdown(d: PlanDiff, gate_failures: list[str] | None = None) -> str:
    """The diff as a pull-request comment."""
    w = d.new["workload"]
    # both plans may come from files the user gave: every value in the prose passes _md (tables escape cells)
    out = [f"### Cost diff: {_md(w['name'])} ({_md(w.get('cloud', 'aws'))} {_md(w['region'])})", "",
           f"**Recommended: {_md(headline(d))}**", ""]
    if display_currency().code != "USD":
        statement = display_currency().statement()
        out += [f"_{_md(statement[0].upper() + statement[1:])}; the budget gates compare USD._", ""]
    for failure in gate_failures or []:
        out.append(f"> :x: **Budget gate:** {_md(failure)}")
    if gate_failures:
        out.append("")
    out += _table(options_frame(d), "lrrrr")
    shown = [o for o in d.options.option if len(moved_lines(d, o))]
    rec = d.new_recommended[0] or d.old_recommended[0]
    for option in sorted(shown, key=lambda o: o != rec):
        frame = moved_lines(d, option)
        out += ["", f"<details{' open' if option == rec else ''}><summary>{_md(option)}: {len(frame)} line(s) "
                    f"moved</summary>", ""]
        out += _table(frame, "lllrrrr")
        out += ["", "</details>"]
    if len(d.decisions):
        out += ["", "Decisions that changed:", ""]
        out += _table(d.decisions.rename(columns={"old": "before", "new": "after"}), "lll")
    out += ["", f"_Prices as of {_md(d.new.get('prices_as_of', '?'))}; planner "
                f"{_md(d.new.get('planner_version', '?'))}._"]
    return "\n".join(out) + "\n"


def _table(frame: pd.DataFrame, align: str) -> list[str]:
    return markdown_table(list(frame.columns), frame.astype(str).to_numpy().tolist(), align)
