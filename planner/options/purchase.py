"""How a workload's purchase option maps onto the price book's options per tier."""

from __future__ import annotations

import numpy as np

# workload purchase_option -> (always-on compute, elastic compute, database and cache)
PURCHASE_PLAN: dict[str, tuple[str, str, str]] = {
    "on_demand": ("on_demand", "on_demand", "on_demand"),
    "savings_1yr": ("savings_1yr", "on_demand", "reserved_1yr"),
    "savings_3yr": ("savings_3yr", "on_demand", "reserved_3yr"),
    "spot_mix": ("on_demand", "spot", "on_demand"),
}


def purchase_arrays(purchase_option: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(baseline compute, burst compute, database/cache) price-book options per scenario."""
    plans = [PURCHASE_PLAN[p] for p in purchase_option]
    return tuple(np.array([p[i] for p in plans], dtype=object) for i in range(3))  # type: ignore[return-value]
