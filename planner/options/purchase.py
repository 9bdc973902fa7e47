"""How a workload's purchase option maps onto the price book's options per tier."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np


def purchase_arrays(purchase_option: np.ndarray, plan: Mapping[str, tuple[str, str, str]]
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(baseline compute, burst compute, database/cache) price-book options per scenario, after a cloud's
    ``plan`` (:attr:`planner.clouds.CloudCatalog.purchase_plan`)."""
    plans = [plan[p] for p in purchase_option]
    return tuple(np.array([p[i] for p in plans], dtype=object) for i in range(3))  # type: ignore[return-value]
