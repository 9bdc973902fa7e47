"""The plan layer: one workload sized, every option priced, a recommendation, and why.

:mod:`model` (:class:`Plan` and :func:`make_plan`), :mod:`explain` (the decisions in reading order, each with
its rationale, and the assumptions behind them).

May import: :mod:`planner.engine` and the layers below it.

``planner.plan.make_plan`` and ``planner.plan.Plan`` are the public names, re-exported here on first use.
"""

from __future__ import annotations

_PUBLIC = {"make_plan", "Plan", "OptionPlan", "plan_from_result", "OPTION_ORDER"}


def __getattr__(name: str) -> object:
    if name in _PUBLIC:
        from planner.plan import model

        return getattr(model, name)
    raise AttributeError(f"module 'planner.plan' has no attribute '{name}'")
