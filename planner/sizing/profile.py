"""The load profile: the share of peak capacity needed in each hour of a typical day or week.

The policy's ``diurnal_profile`` is a curve of request rate over the hours of a day (24 values; by default a
business-hours curve whose own peak-to-average ratio is about 1.5) or of a week (168, Monday 00:00 UTC first,
as ``planner fit`` writes it where the data hold two weeks). Every rule that works hour by hour takes the
profile's length as it comes (the last axis of :func:`hourly_fraction_of_peak`'s array): the month runs through
the profile 730 / hours times (:func:`repeats_per_month`), so each hour of it stands for that many hours of the
month, and a month's total is the profile's mean hour x 730 whatever its length.

A workload's ``peak_to_average`` (peak second over the mean of the profile's day or week) is usually larger than
the curve's own: the rest is burstiness within the hour, which autoscaling cannot follow, so each hour keeps
``peak capacity x (hour's rate / busiest hour's rate)``. When the workload's ratio is below the curve's, the
curve is flattened as f^gamma (0 <= gamma < 1) until its ratio matches.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from planner.pricing.units import HOURS_PER_MONTH
from planner.workload.policy import HOURS_PER_DAY, HOURS_PER_WEEK, PROFILE_PERIODS

__all__ = ["HOURS_PER_DAY", "HOURS_PER_WEEK", "days_per_profile", "hourly_fraction_of_peak", "profile_period",
           "repeats_per_month"]


def hourly_fraction_of_peak(shape: npt.ArrayLike, peak_to_average: npt.ArrayLike, iterations: int = 50) -> np.ndarray:
    """Capacity needed per hour as a fraction of peak capacity, shape (scenarios, hours of ``shape``), max 1.

    Reference: autoscaling on a utilisation target keeps capacity proportional
    to the hourly load (AWS Well-Architected, Cost Optimization pillar,
    "match supply and demand").
    """
    f = np.asarray(shape, dtype=float)
    logf = np.log(f / f.max())
    # a batch has few distinct ratios, and a run asks for the same ones again: solve each once per profile
    p2a_all, inverse = np.unique(np.atleast_1d(np.asarray(peak_to_average, dtype=float)), return_inverse=True)
    profile = tuple(f.tolist())
    lo = np.array([_EXPONENTS.get((profile, r, iterations), np.nan) for r in p2a_all.tolist()])[:, None]
    todo = np.isnan(lo[:, 0])
    if todo.any():
        lo[todo] = _exponents(logf, p2a_all[todo][:, None], iterations)
        if len(_EXPONENTS) > MAX_REMEMBERED:
            _EXPONENTS.clear()
        _EXPONENTS.update({(profile, r, iterations): e for r, e in zip(p2a_all[todo].tolist(), lo[todo, 0].tolist())})
    return np.exp(lo * logf)[inverse.ravel()]


_EXPONENTS: dict[tuple[tuple[float, ...], float, int], float] = {}  # (profile, ratio, iterations) -> gamma
MAX_REMEMBERED = 4096


def _exponents(logf: np.ndarray, p2a: np.ndarray, iterations: int) -> np.ndarray:
    """The flattening exponent gamma of each ratio (a column), by bisection in [0, 1]: where ``f^gamma``'s
    peak-to-average reaches the ratio (1 where the curve's own stays below it); each row solved on its own."""
    lo = np.zeros_like(p2a)
    hi = np.ones_like(p2a)
    for _ in range(iterations):
        mid = (lo + hi) / 2
        w = np.exp(mid * logf)
        low = 1.0 / w.mean(axis=1, keepdims=True) < p2a
        lo = np.where(low, mid, lo)
        hi = np.where(low, hi, mid)
    return lo


def repeats_per_month(hours: int) -> float:
    """How many times a 730-hour month runs through a profile of ``hours`` hours (730 / 24 days, 730 / 168
    weeks): what one pass over the profile's hours is multiplied by for the month."""
    return HOURS_PER_MONTH / hours


def days_per_profile(hours: int) -> float:
    """The days a profile of ``hours`` hours spans (1 or 7): a count over its hours / this is a count a day."""
    return hours / HOURS_PER_DAY


def profile_period(hours: int) -> str:
    """The period a profile of ``hours`` hours spans, in words ("day", "week")."""
    return PROFILE_PERIODS[hours]
