"""A :class:`Plan`: one workload sized, every option priced, a recommendation, and why.

``make_plan`` is the one-row case of :func:`planner.engine.run`; the Plan keeps
the workload, the policy, every option (rejected ones with their reasons), the
bill of materials, the decisions with their rationale, the assumptions and the
provenance of every price used.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from planner.engine import EngineResult, run, workloads_frame
from planner.explain import Decision, assumptions, billing_month, decisions
from planner.pricing.book import PriceBook, default_book
from planner.workload import Workload

SCHEMA_VERSION = "1.1"
OPTION_ORDER = ("vertical", "horizontal", "containers", "serverless")


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
    row: pd.Series = field(repr=False)
    bom: pd.DataFrame = field(repr=False)

    @property
    def annual_usd(self) -> float:
        return self.monthly_usd * 12


@dataclass(frozen=True)
class Plan:
    workload: Workload
    sizing: pd.Series = field(repr=False)
    options: tuple[OptionPlan, ...]
    decisions: tuple[Decision, ...]
    assumptions: tuple[str, ...]
    sources: pd.DataFrame = field(repr=False)
    billing: str = ""  # which month the monthly figure bills (see planner.explain.billing_month)

    @property
    def recommended(self) -> OptionPlan | None:
        return next((o for o in self.options if o.recommended), None)

    def option(self, name: str) -> OptionPlan:
        return next(o for o in self.options if o.name == name)

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
        """The versioned JSON contract (see ``docs/plan-json.md``)."""
        from planner.report.json_contract import plan_to_dict

        return plan_to_dict(self)


def make_plan(workload: Workload, book: PriceBook | None = None) -> Plan:
    """Size and price one workload."""
    book = book or default_book()
    result = run(workloads_frame([workload]), workload.policy, book)
    return plan_from_result(workload, result, 0, book)


def plan_from_result(workload: Workload, result: EngineResult, row: int, book: PriceBook) -> Plan:
    """The :class:`Plan` of one scenario row of an engine run."""
    derived = result.sizing.iloc[row]
    sizing = pd.concat([derived, result.workloads.iloc[row].drop(labels=list(derived.index), errors="ignore")])
    opts = result.options
    bom = result.bom
    if len(result.workloads) > 1:  # a one-row run (make_plan) needs no filtering
        opts = opts[opts.row.to_numpy() == row]
        bom = bom[bom.row.to_numpy() == row]
    lines = bom.drop(columns=["row", "option"])
    line_option = bom.option.to_numpy()
    by_name = {o.option: o for o in opts.itertuples(index=False)}
    options = tuple(
        OptionPlan(
            name=o.option, feasible=bool(o.feasible), reasons=tuple(r for r in o.reasons.split("\n") if r),
            monthly_usd=float(o.monthly_usd), availability_pct=float(o.availability_pct),
            region_availability_pct=float(o.region_availability_pct), dr_tier=o.dr_tier,
            recommended=bool(o.recommended), row=o,
            bom=lines.iloc[np.flatnonzero(line_option == o.option)].reset_index(drop=True),
        )
        for o in (by_name[name] for name in OPTION_ORDER)
    )
    used = set(bom.source_id)
    sources = book.sources[(book.sources.cloud == workload.cloud) & book.sources.source_id.isin(used)]
    plan = Plan(workload=workload, sizing=sizing, options=options, decisions=(), assumptions=(),
                sources=sources.drop(columns="cloud").reset_index(drop=True))
    return Plan(workload=workload, sizing=sizing, options=options, decisions=tuple(decisions(plan)),
                assumptions=tuple(assumptions(plan)), sources=plan.sources, billing=billing_month(plan))
