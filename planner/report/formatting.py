"""Number formats shared by every renderer (Markdown, terminal, dashboard)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from planner.base.formats import pct  # noqa: F401 - the renderers' percent, written once for every layer
from planner.pricing.currency import Currency, display_currency

if TYPE_CHECKING:
    from planner.plan.model import OptionPlan


def share(p: float) -> str:
    """A probability as a whole percentage that never rounds a rare event away: <1 %, >99 %."""
    text = f"{p:.0%}"
    if p > 0 and text == "0%":
        return "<1%"
    if p < 1 and text == "100%":
        return ">99%"
    return text


def usd(x: float | None) -> str:
    """A USD amount as shown: in the display currency (:func:`planner.pricing.currency.displayed_in`; USD unless a
    report asks for another), no cents from 100 up."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    cur = display_currency()
    v = cur.amount(x)
    return _with_symbol(f"{v:,.0f}" if abs(v) >= 100 else f"{v:,.2f}", cur)


def unit_usd(x: float) -> str:
    """A USD unit price as shown, in the display currency, with four significant digits, never in exponent form
    ($0.0000132)."""
    if math.isnan(x):
        return "—"
    cur = display_currency()
    return _with_symbol(np.format_float_positional(cur.amount(x), precision=4, unique=False, fractional=False,
                                                   trim="-"), cur)


def money_unit() -> str:
    """The code amounts are shown in (column headers: ``monthly USD``, ``monthly EUR``)."""
    return display_currency().code


def _with_symbol(number: str, cur: Currency) -> str:
    return f"{cur.symbol}{number}" if cur.symbol else f"{number} {cur.code}"


def quantity(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:,.4g}"


def compute_summary(o: OptionPlan) -> str:
    """One line of an option's compute: type and min / desired / max."""
    r = o.row
    if not r.instance_type or not r.sized:
        return "—"
    if o.name == "serverless":
        return f"{r.instance_type}, concurrency {r.instances_desired:,.0f}–{r.instances_max:,.0f}"
    if o.name == "vertical":
        return f"{r.instance_type} x {r.instances_desired:.0f}"
    unit = {"containers": "tasks", "kubernetes": "nodes"}.get(o.name, "instances")
    return f"{r.instance_type}: {r.instances_min:.0f} / {r.instances_desired:.0f} / {r.instances_max:.0f} {unit}"
