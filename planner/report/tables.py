"""Tables as people read them: every cell a formatted string (money with separators and no cents above $100,
percentages with the nines they carry, a dash for what does not apply), for the dashboard and the terminal.

Machine-readable outputs (JSON, CSV, Parquet) keep the raw numbers; these frames are for eyes only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from planner.report.formatting import compute_summary, pct, quantity, share, unit_usd, usd
from planner.workload.policy import tier_label
from planner.workload.vocabulary import decision_label, field_label

if TYPE_CHECKING:
    import pandas as pd

    from planner.plan.model import OptionPlan, Plan
    from planner.running.uncertainty.monte_carlo import Swing, Uncertainty

DISPLAY_ROWS = 10_000  # the dashboard shows at most this many rows of a batch; downloads hold them all


def dr_name(tier: object) -> str:
    return tier_label(tier)


def options_table(plan: Plan) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame([{
        "option": o.name + (" (recommended)" if o.recommended else ""),
        "feasible": "yes" if o.feasible else "no",
        "monthly": usd(o.monthly_usd),
        "designed-for availability": pct(o.availability_pct),
        "SLA floor": pct(o.row.sla_floor_pct),
        "DR tier": dr_name(o.dr_tier),
        "compute": compute_summary(o),
        "why not": "; ".join(o.reasons) or "—",
    } for o in plan.options])


def options_card_table(plan: Plan) -> pd.DataFrame:
    """:func:`options_table` for a narrow screen: three columns that fit 390 px, the compute where the option
    is feasible and why not where it is not (availability and the DR tier are in the headline)."""
    import pandas as pd

    def bill(o: OptionPlan) -> str:  # an option that misses a target keeps its bill, marked
        if o.monthly_usd != o.monthly_usd:
            return "—"
        return usd(o.monthly_usd) if o.feasible else f"{usd(o.monthly_usd)}, misses a target"

    return pd.DataFrame([{
        "option": o.name + (" (recommended)" if o.recommended else ""),
        "monthly": bill(o),
        "compute, or why not": compute_summary(o) if o.feasible else "; ".join(o.reasons) or "—",
    } for o in plan.options])


def decisions_table(plan: Plan) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame([{"topic": d.topic, "decision": decision_label(d.topic, d.choice), "rationale": d.rationale}
                         for d in plan.decisions])


def uncertainty_table(u: Uncertainty) -> pd.DataFrame:
    """Each option's bill over the samples: percentiles where it is feasible, how often it is, and how often it
    is the cheapest."""
    import pandas as pd

    return pd.DataFrame([{"option": b.name, "P10": usd(b.p10_usd), "P50": usd(b.p50_usd), "P90": usd(b.p90_usd),
                          "feasible in": share(b.p_feasible), "cheapest in": share(b.p_cheapest)}
                         for b in u.options])


def swings_table(swings: tuple[Swing, ...], label: str = "input", *, correlation: bool = True) -> pd.DataFrame:
    """A tornado as a table: each input at its low and high, the bill at each and the swing (and the input's
    rank correlation with the bill over the samples)."""
    import pandas as pd

    return pd.DataFrame([{label: field_label(s.field), "low": f"{s.low_value:,.4g}", "high": f"{s.high_value:,.4g}",
                          "bill at low": usd(s.low_usd), "bill at high": usd(s.high_usd), "swing": usd(s.swing_usd),
                          **({"rank correlation": f"{s.rank_correlation:+.2f}"} if correlation else {})}
                         for s in swings], columns=[label, "low", "high", "bill at low", "bill at high", "swing",
                                                    *(["rank correlation"] if correlation else [])])


def bom_table(bom: pd.DataFrame) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame({
        "component": bom.component, "service": bom.service, "SKU": bom.sku,
        "quantity": bom.quantity.map(quantity), "unit": bom.unit, "unit price": bom.unit_usd.map(unit_usd),
        "monthly": bom.monthly_usd.map(usd),
        "price source": [s + (f" ({n})" if n else "") for s, n in zip(bom.source_id, bom.note)],
    })


def blanks_as_dashes(frame: pd.DataFrame) -> pd.DataFrame:
    """Missing and empty cells as a dash (a table for reading shows no ``None``). A column with a dash becomes
    text throughout (numbers formatted), so it stays one type; columns without one are left as they are."""
    out = frame.copy()
    for col in out.columns:
        values = out[col]
        blank = values.isna() | (values.astype(str) == "")
        if not blank.any():
            continue
        if values.dtype.kind in "fi":
            out[col] = [("—" if b else quantity(v)) for v, b in zip(values, blank)]
        else:
            out[col] = [("—" if b else str(v)) for v, b in zip(values, blank)]
    return out


def rejection_reasons(options: pd.DataFrame, limit: int = 200) -> pd.DataFrame:
    """Each distinct (option, reason) of a batch's rejected options with how many scenarios it hit and the first
    of their rows, most frequent first: the reasons readable in full."""
    grouped = (options.groupby(["option", "reason"], sort=False).row.agg(["size", "min"]).reset_index()
               .sort_values(["size", "min"], ascending=[False, True]).head(limit))
    return grouped.rename(columns={"size": "scenarios", "min": "first row"})[
        ["option", "scenarios", "first row", "reason"]].astype({"scenarios": str, "first row": str})


def batch_table(frame: pd.DataFrame, limit: int = DISPLAY_ROWS) -> pd.DataFrame:
    """A batch result (summary or options) for reading: money, percentages, booleans and blanks formatted;
    at most ``limit`` rows."""
    out = frame.head(limit).copy()
    for col in out.columns:
        values = out[col]
        if col.endswith("_usd"):
            out[col] = values.map(usd)
        elif col.endswith("_pct"):
            out[col] = values.map(pct)
        elif col.startswith("p_"):  # a probability from the samples
            out[col] = values.map(lambda x: "—" if x != x else share(x))
        elif col == "dr_tier":
            out[col] = values.map(dr_name)
        elif values.dtype == bool:
            out[col] = values.map({True: "yes", False: "no"})
        elif col in ("row",):
            continue
        elif col == "feasible_options":  # a list in the files, words in a table
            out[col] = values.map(lambda x: ", ".join(x.split(",")) if isinstance(x, str) and x else "none")
        elif values.dtype.kind == "f":
            out[col] = values.map(lambda x: "—" if x != x else quantity(x))
        else:
            out[col] = blanks_as_dashes(values.to_frame())[col].astype(str)
    return out


def clouds_display(table: pd.DataFrame) -> pd.DataFrame:
    """A :func:`planner.running.multicloud.clouds_table` as people read it: the cheapest marked, money formatted."""
    import pandas as pd

    from planner.clouds import catalog_for
    from planner.plan.model import OPTION_ORDER

    def plus(x: float) -> str:
        return "—" if x != x else ("cheapest" if x == 0 else f"+{x:.1f}%")

    return pd.DataFrame([{
        "cloud": catalog_for(r.cloud).label + (" (cheapest)" if r.cheapest else ""),
        "region": r.region,
        "recommended": r.recommended or "none meets every target",
        "monthly": usd(r.monthly_usd),
        "vs cheapest": plus(r.vs_cheapest_pct),
        "designed-for availability": pct(r.availability_pct),
        "DR tier": dr_name(r.dr_tier),
        **{f"{name} monthly": usd(getattr(r, f"{name}_usd")) for name in OPTION_ORDER},
        "estimated prices": f"{r.estimated_lines} line(s)" if r.estimated_lines else "none",
    } for r in table.itertuples()])


def money_in_cents(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` for a CSV download: monthly and annual amounts rounded to the cent (297.84000000000003 is
    297.84), every other number as it is (unit prices need their digits)."""
    import pandas as pd

    money = [c for c in frame.columns if str(c).endswith(("monthly_usd", "annual_usd")) and
             pd.api.types.is_float_dtype(frame[c])]
    return frame.assign(**{c: frame[c].round(2) for c in money}) if money else frame
