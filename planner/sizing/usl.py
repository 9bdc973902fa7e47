"""Gunther's Universal Scalability Law: what n cores of one machine are worth.

Reference: N. J. Gunther, *Guerrilla Capacity Planning* (Springer, 2007), ch. 4:
C(n) = n / (1 + sigma (n - 1) + kappa n (n - 1)), with contention sigma and
coherency kappa; capacity peaks at n* = sqrt((1 - sigma) / kappa).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt


def usl_capacity(n: npt.ArrayLike, sigma: float, kappa: float) -> np.ndarray:
    """Effective capacity of ``n`` cores in single-core units (C(1) = 1)."""
    n = np.asarray(n, dtype=float)
    return n / (1.0 + sigma * (n - 1.0) + kappa * n * (n - 1.0))


def usl_peak_cores(sigma: float, kappa: float) -> float:
    """Core count of maximum capacity, sqrt((1 - sigma) / kappa); infinite when kappa = 0."""
    return float(np.sqrt((1.0 - sigma) / kappa)) if kappa > 0 else float("inf")
