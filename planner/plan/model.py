"""A :class:`Plan`: one workload sized, every option priced, a recommendation, and why.

``make_plan`` is the one-row case of :func:`planner.engine.chain.run`; the Plan keeps
the workload, the policy, every option (rejected ones with their reasons), the
bill of materials, the decisions with their rationale, the assumptions and the
provenance of every price used.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from planner.engine.bom import ASSUMPTION_SOURCE, BOM_COLUMNS
from planner.engine.chain import EngineResult, run, workloads_frame
from planner.plan import rationale
from planner.plan.explain import Decision, assumptions, billing_month, decisions
from planner.pricing.book import PriceBook, default_book
from planner.workload.model import Workload

if TYPE_CHECKING:
    from planner.running.uncertainty.monte_carlo import Uncertainty

OPTION_ORDER = ("vertical", "horizontal", "containers", "kubernetes", "serverless")


@dataclass(frozen=True)
class OptionPlan:
    """One architecture option of a plan: sizing, availability, DR tier, cost and bill of materials."""

    name: str
    feasible: bool
    reasons: tuple[str, ...]
    monthly_usd: float
    availability_pct: float
    region_availability_pct: float
    dr_tier: str
    recommended: bool
    row: SimpleNamespace = field(repr=False)  # every column of the engine's options row, as attributes
    bom_columns: dict[str, np.ndarray] = field(repr=False)  # this option's bill-of-materials lines, by column

    @property
    def annual_usd(self) -> float:
        return self.monthly_usd * 12

    @functools.cached_property
    def bom(self) -> pd.DataFrame:
        """The bill of materials (every BOM_COLUMNS column but ``row`` and ``option``), built when first read."""
        return pd.DataFrame(self.bom_columns)


@dataclass(frozen=True)
class Plan:
    workload: Workload
    sizing: pd.Series = field(repr=False)
    options: tuple[OptionPlan, ...]
    decisions: tuple[Decision, ...]
    assumptions: tuple[str, ...]
    sources: pd.DataFrame = field(repr=False)
    billing: str = ""  # which month the monthly figure bills (see planner.plan.explain.billing_month)
    uncertainty: Uncertainty | None = None  # the Monte Carlo summary when inputs were given as ranges
    price_book: str = "pricing_data"  # which price book priced it: the bundled tables or a refreshed cache

    @property
    def recommended(self) -> OptionPlan | None:
        return next((o for o in self.options if o.recommended), None)

    def option(self, name: str) -> OptionPlan:
        return next(o for o in self.options if o.name == name)

    @property
    def nearest(self) -> OptionPlan | None:
        """Where no option meets every target, the closest: of those with a bill, the one that misses the
        fewest targets, then the cheapest (None when none has a bill; the recommendation where there is one)."""
        if self.recommended is not None:
            return self.recommended
        priced = [o for o in self.options if np.isfinite(o.monthly_usd)]
        return min(priced, key=lambda o: (len(o.reasons), o.monthly_usd)) if priced else None

    @property
    def prices_as_of(self) -> str:
        """The oldest price date among all priced lines: every price used is at least this recent."""
        dates = [d for o in self.options for d in o.bom.prices_as_of if d]
        return min(dates) if dates else ""

    @property
    def newest_price_as_of(self) -> str:
        dates = [d for o in self.options for d in o.bom.prices_as_of if d]
        return max(dates) if dates else ""

    def to_dict(self) -> dict[str, Any]:
        """The versioned JSON contract (see ``docs/plan-json.md``), written by the output layer."""
        from planner.report.json_contract import plan_to_dict

        return plan_to_dict(self)


def make_plan(workload: Workload, book: PriceBook | None = None) -> Plan:
    """Size and price one workload."""
    book = book or default_book(workload.cloud)
    result = run(workloads_frame([workload]), workload.policy, book)
    return plan_from_result(workload, result, 0, book)


def plan_from_result(workload: Workload, result: EngineResult, row: int, book: PriceBook) -> Plan:
    """The :class:`Plan` of one scenario row of an engine run (its workload with the policy the run used: the
    cloud's defaults filled in, see :meth:`planner.clouds.CloudCatalog.policy_for`)."""
    if result.policy is not workload.policy:
        workload = workload.model_copy(update={"policy": result.policy})
    sz, o, lines = result.sizing_columns, result.option_columns, result.bom_columns
    values = {c: v[row] for c, v in sz.items()}
    # each shared decision's sentence, from the numbers the engine kept for this scenario
    one = slice(row, row + 1)
    whys = rationale.shared({c: result.workloads[c].to_numpy()[one] for c in result.workloads.columns},
                            {c: np.asarray(v)[one] for c, v in sz.items()}, result.policy)
    values.update({name: why[0] for name, why in whys.items()})
    values.update({c: v for c, v in result.workloads.iloc[row].items() if c not in values})
    sizing = pd.Series(values, dtype=object)
    mine = np.flatnonzero(o["row"] == row)
    by_name = {str(o["option"][i]): SimpleNamespace(**{c: _scalar(v[i]) for c, v in o.items()}) for i in mine}
    line_rows = lines["row"] == row
    line_option = lines["option"]
    shown = [c for c in BOM_COLUMNS if c not in ("row", "option")]
    options = tuple(
        OptionPlan(
            name=r.option, feasible=bool(r.feasible), reasons=tuple(x for x in r.reasons.split("\n") if x),
            monthly_usd=float(r.monthly_usd), availability_pct=float(r.availability_pct),
            region_availability_pct=float(r.region_availability_pct), dr_tier=r.dr_tier,
            recommended=bool(r.recommended), row=r,
            bom_columns={c: lines[c][line_rows & (line_option == r.option)] for c in shown},
        )
        for r in (by_name[name] for name in OPTION_ORDER)
    )
    used = set(lines["source_id"][line_rows].tolist())
    cited = book.memo(("sources", workload.cloud), lambda: book.sources[book.sources.cloud == workload.cloud]
                      .drop(columns="cloud").reset_index(drop=True))
    sources = cited[cited.source_id.isin(used)].reset_index(drop=True)
    if ASSUMPTION_SOURCE in used:  # a line the policy prices: the provenance says so
        row = {c: None for c in sources.columns}  # no repository, commit or date: None, as JSON's null
        row.update(source_id=ASSUMPTION_SOURCE, notes="the workload's policy: an assumption the plan states (the "
                   "line's note names the field), not a list price")
        sources = pd.concat([sources, pd.DataFrame([row], columns=sources.columns, dtype=object)],
                            ignore_index=True)
    plan = Plan(workload=workload, sizing=sizing, options=options, decisions=(), assumptions=(), sources=sources)
    return Plan(workload=workload, sizing=sizing, options=options, decisions=tuple(decisions(plan)),
                price_book=book.label,
                assumptions=tuple(assumptions(plan)), sources=plan.sources, billing=billing_month(plan))


def _scalar(value: object) -> object:
    """A numpy scalar as the Python value it holds (what a row read from a frame gives)."""
    return value.item() if isinstance(value, np.generic) else value
