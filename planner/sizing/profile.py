"""The daily load profile: the share of peak capacity needed in each hour.

The policy's ``diurnal_profile`` is a typical 24-hour curve of request rate
(its own peak-to-average ratio is about 1.5). A workload's ``peak_to_average``
(peak second over the daily mean) is usually larger: the rest is burstiness
within the hour, which autoscaling cannot follow, so each hour keeps
``peak capacity x (hour's rate / busiest hour's rate)``. When the workload's
ratio is below the curve's, the curve is flattened as f^gamma (0 <= gamma < 1)
until its ratio matches.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

HOURS_PER_DAY = 24


def hourly_fraction_of_peak(shape: npt.ArrayLike, peak_to_average: npt.ArrayLike, iterations: int = 50) -> np.ndarray:
    """Capacity needed per hour as a fraction of peak capacity, shape (scenarios, 24), max 1.

    Reference: autoscaling on a utilisation target keeps capacity proportional
    to the hourly load (AWS Well-Architected, Cost Optimization pillar,
    "match supply and demand").
    """
    f = np.asarray(shape, dtype=float)
    logf = np.log(f / f.max())
    # a batch has few distinct ratios: solve each once
    p2a_all, inverse = np.unique(np.atleast_1d(np.asarray(peak_to_average, dtype=float)), return_inverse=True)
    p2a = p2a_all[:, None]
    lo = np.zeros_like(p2a)
    hi = np.ones_like(p2a)
    for _ in range(iterations):
        mid = (lo + hi) / 2
        w = np.exp(mid * logf)
        low = 1.0 / w.mean(axis=1, keepdims=True) < p2a
        lo = np.where(low, mid, lo)
        hi = np.where(low, hi, mid)
    return np.exp(lo * logf)[inverse.ravel()]
