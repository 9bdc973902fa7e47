"""Availability estimate composed from component availabilities.

Serial components multiply: A = prod(A_i). Two regions active/active fail only
together: A = 1 - (1 - A_region)^2 (independent failures). Reference: AWS
Well-Architected Reliability pillar, appendix "Calculating availability with
hard dependencies" and "redundant components".
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt


def serial_pct(*components_pct: npt.ArrayLike) -> np.ndarray:
    """Availability [%] of components that must all be up."""
    out = np.ones(1)
    for a in components_pct:
        out = out * (np.asarray(a, dtype=float) / 100.0)
    return out * 100.0


def redundant_pct(availability_pct: npt.ArrayLike, copies: npt.ArrayLike) -> np.ndarray:
    """Availability [%] of ``copies`` independent copies of which one suffices."""
    down = 1.0 - np.asarray(availability_pct, dtype=float) / 100.0
    return (1.0 - down ** np.asarray(copies, dtype=float)) * 100.0
