"""Inversions of a what-if sweep: neighbouring scenarios whose cheapest plans move the wrong way.

A stricter availability, RTO or RPO target, or faster growth, must never cost less: a stricter target can only
remove candidate architectures (:func:`planner.engine.chain.run` keeps the cheapest feasible whole bill), and faster
growth only enlarges what is provisioned for the horizon. More load or data may cost a little less where
instances come in whole units (a larger, better-priced size replaces several small ones), so it is allowed
to fall by at most ``load_tolerance``. A scenario with no plan where its looser neighbour has one is fine; a
looser target with no plan where a stricter one has one is an inversion.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

# column -> +1 where a larger value is stricter or more (cost must not fall), -1 where smaller is stricter
DIRECTIONS: dict[str, int] = {
    "availability_target": +1, "rto_minutes": -1, "rpo_minutes": -1, "monthly_growth": +1,
    "peak_rps": +1, "data_size_gb": +1,
}
LOAD_AXES = ("peak_rps", "data_size_gb")


@dataclass(frozen=True)
class Inversion:
    axis: str
    looser: dict  # the neighbour with the looser target or less load
    stricter: dict
    looser_usd: float
    stricter_usd: float


def inversions(grid: pd.DataFrame, monthly_usd: np.ndarray, axes: list[str], *,
               load_tolerance: float = 0.02) -> list[Inversion]:
    """Every pair of scenarios of ``grid`` that differ in one of ``axes`` by one step and whose costs
    (``monthly_usd``, NaN where no plan) move the wrong way (see the module docstring)."""
    frame = grid[axes].reset_index(drop=True).copy()
    frame["_usd"] = np.asarray(monthly_usd, dtype=float)
    found: list[Inversion] = []
    for axis in axes:
        sign = DIRECTIONS[axis]
        others = [a for a in axes if a != axis]
        ordered = frame.sort_values([*others, axis], kind="stable") if others else frame.sort_values(axis)
        if sign < 0:  # walk from looser to stricter
            ordered = ordered.iloc[::-1]
        usd = ordered["_usd"].to_numpy()
        same = np.ones(len(ordered) - 1, dtype=bool)
        for a in others:
            col = ordered[a].to_numpy()
            same &= col[1:] == col[:-1]
        lo, hi = usd[:-1], usd[1:]
        # targets: a millionth for the float sums of a bill of a hundred lines (cents on $10,000s), nothing more
        tolerance = load_tolerance if axis in LOAD_AXES else 1e-6
        cheaper = np.isfinite(lo) & np.isfinite(hi) & (hi < lo * (1 - tolerance))
        # a plan only under the stricter target: the looser one lost a candidate it should have kept
        lost = ~np.isfinite(lo) & np.isfinite(hi) & (axis not in LOAD_AXES)
        for i in np.flatnonzero(same & (cheaper | lost)):
            found.append(Inversion(axis, ordered.iloc[i][axes].to_dict(), ordered.iloc[i + 1][axes].to_dict(),
                                   float(lo[i]), float(hi[i])))
    return found
