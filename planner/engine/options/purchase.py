"""How a workload's purchase option maps onto the price book's options per tier."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from planner.clouds.catalog import CloudCatalog


def purchase_arrays(purchase_option: np.ndarray, plan: Mapping[str, tuple[str, str, str]],
                    horizon_months: np.ndarray | None = None,
                    commitments: Mapping[int, tuple[str, str]] | None = None, spot_burst: bool = False
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(baseline compute, burst compute, database/cache) price-book options per scenario, after a cloud's
    ``plan`` (:attr:`planner.clouds.CloudCatalog.purchase_plan`).

    ``optimise`` commits on the longest of the cloud's ``commitments`` (term in years -> compute and database
    options) that the horizon covers: capacity is not committed for longer than the plan keeps using it. With
    none (a horizon under a year, or a cloud without commitment prices) everything stays on demand. With
    ``spot_burst`` the capacity beyond the commitment runs on spot."""
    horizon = np.full(len(purchase_option), 12.0) if horizon_months is None else np.asarray(horizon_months)
    rows = []
    for option, months in zip(purchase_option, horizon):
        if option == "optimise":
            term = _longest_term_within(months, commitments or {})
            compute, database = commitments[term] if term else ("on_demand", "on_demand")  # type: ignore[index]
            rows.append((compute, "spot" if spot_burst else "on_demand", database))
        else:
            rows.append(plan[option])
    return tuple(np.array([r[i] for r in rows], dtype=object) for i in range(3))  # type: ignore[return-value]


def _longest_term_within(horizon_months: float, commitments: Mapping[int, tuple[str, str]]) -> int | None:
    return max((t for t in commitments if 12 * t <= horizon_months), default=None)


def bought_term_years(purchase_option: str, horizon_months: float, catalog: CloudCatalog) -> int | None:
    """The term in years of the commitment ``purchase_option`` buys for the fleet (None: it buys none):
    ``optimise``'s, the longest the horizon covers; a savings option's own, even one that outlives the
    horizon."""
    if purchase_option == "optimise":
        return _longest_term_within(horizon_months, catalog.commitments)
    compute = catalog.purchase_plan.get(purchase_option, ("",))[0]
    return next((t for t, (c, _) in catalog.commitments.items() if c == compute), None)
