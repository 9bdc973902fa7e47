"""Ranges in a workload: an uncertain input given as a 90 % interval, and the distribution it stands for.

A numeric workload field may be ``{low, high}`` or ``{low, mid, high}`` instead of a number: ``low`` and
``high`` are the 5th and 95th percentiles (a 90 % interval, as in Hubbard, *How to Measure Anything*, 2014,
ch. 5: calibrated estimates are 90 % intervals), ``mid`` the median. The distribution depends on the kind
of field:

* **positive, skewed** (traffic, sizes, CPU time): lognormal. ln x is normal with median ln(mid) (default
  the geometric mean of low and high) and a standard deviation on each side of (ln mid - ln low) / 1.645 and
  (ln high - ln mid) / 1.645 (a two-piece lognormal when mid is off-centre; 1.645 = the standard normal's
  95th percentile). Traffic and data are products of many factors, which is what makes them lognormal.
* **fractions** (read share, hot share): logit-normal, the same construction on ln(x / (1 - x)): bounded
  in (0, 1), skewed away from the near bound, and exact at the three given points.
* **rates that may be zero** (monthly growth): normal, two-piece around mid, clipped to the field's bounds.

Fields that are targets or decisions (latency, availability, RTO, RPO, utilisation, horizon, purchase
option) take no range: they are chosen, not uncertain.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from planner.workload.model import Workload, WorkloadError, field_constraints, workload_from_dict

Kind = Literal["positive", "fraction", "rate"]
Z90 = 1.6448536269514722  # standard normal 95th percentile: low and high bound a 90 % interval

RANGED_FIELDS: dict[str, Kind] = {
    "peak_rps": "positive",
    "daily_active_users": "positive",
    "requests_per_user_per_day": "positive",
    "peak_to_average": "positive",
    "cpu_ms_per_request": "positive",
    "response_kb": "positive",
    "data_size_gb": "positive",
    "object_storage_gb": "positive",
    "read_fraction": "fraction",
    "hot_data_fraction": "fraction",
    "monthly_growth": "rate",
}


@dataclass(frozen=True)
class Range:
    """A 90 % interval of one field (``low`` and ``high`` the 5th and 95th percentiles, ``mid`` the median)."""

    field: str
    low: float
    mid: float
    high: float

    @property
    def kind(self) -> Kind:
        return RANGED_FIELDS[self.field]

    def quantile(self, p: np.ndarray | float) -> np.ndarray:
        """The value at probability ``p`` (see :func:`quantile`)."""
        return quantile(self.field, self.low, self.mid, self.high, p)

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return self.quantile(rng.random(n))


def _to_normal(kind: Kind, x: np.ndarray) -> np.ndarray:
    if kind == "positive":
        return np.log(x)
    if kind == "fraction":
        return np.log(x / (1 - x))
    return x


def _from_normal(kind: Kind, y: np.ndarray) -> np.ndarray:
    if kind == "positive":
        return np.exp(y)
    if kind == "fraction":
        return 1 / (1 + np.exp(-y))
    return y


def quantile(field: str, low: npt.ArrayLike, mid: npt.ArrayLike, high: npt.ArrayLike,
             p: npt.ArrayLike) -> np.ndarray:
    """The value of ``field`` at probability ``p`` for ranges (low, mid, high), all broadcast together: a
    two-piece normal in the field's transformed scale through the three points, within the field's bounds."""
    kind = RANGED_FIELDS[field]
    z = np.asarray(_normal_ppf(np.asarray(p, dtype=float)))
    lo, md, hi = (_to_normal(kind, np.asarray(v, dtype=float)) for v in (low, mid, high))
    y = np.where(z < 0, md + z * (md - lo) / Z90, md + z * (hi - md) / Z90)
    return _clip_to_field(field, _from_normal(kind, y))


def _normal_ppf(p: np.ndarray) -> np.ndarray:
    from scipy.special import ndtri

    return ndtri(p)


def _clip_to_field(field: str, x: np.ndarray) -> np.ndarray:
    """Samples kept inside the field's allowed range (a lognormal tail can pass a hard upper bound)."""
    lo, hi = -np.inf, np.inf
    for op, bound in field_constraints(field):
        if op in ("gt", "ge"):
            lo = max(lo, bound if op == "ge" else np.nextafter(bound, np.inf))
        else:
            hi = min(hi, bound if op == "le" else np.nextafter(bound, -np.inf))
    return np.clip(x, lo, hi)


def _median(field: str, low: float, high: float) -> float:
    """The default median: the midpoint in the field's transformed scale."""
    kind = RANGED_FIELDS[field]
    return float(_from_normal(kind, (_to_normal(kind, np.float64(low)) + _to_normal(kind, np.float64(high))) / 2))


# half the width of a form's starting interval, in each kind's transformed scale: /1.5 to x1.5, one logit
# unit, 0.02 a month
DEFAULT_HALF_WIDTH: dict[Kind, float] = {"positive": math.log(1.5), "fraction": 1.0, "rate": 0.02}


def default_interval(field: str, value: float) -> tuple[float, float]:
    """A starting 90 % interval around ``value`` for a form (:data:`DEFAULT_HALF_WIDTH` either side in the field's
    transformed scale), inside the field's bounds."""
    kind = RANGED_FIELDS[field]
    # a share of exactly 0 or 1 has no logit: start from an even share
    y = _to_normal(kind, np.float64(value)) if kind != "fraction" or 0 < value < 1 else np.float64(0.0)
    half = DEFAULT_HALF_WIDTH[kind]
    ends = _from_normal(kind, np.array([y - half, y + half]))
    lo, hi = (float(v) for v in _clip_to_field(field, ends))
    return min(lo, value), max(hi, value)


def parse_range(field: str, value: dict[str, Any]) -> tuple[Range | None, list[tuple[str, str]]]:
    """A validated range, or the problems with it (each naming the field)."""
    problems: list[tuple[str, str]] = []
    unknown = sorted(set(value) - {"low", "mid", "high"})
    if unknown:
        problems.append((field, f"a range takes low, high and optionally mid; unknown key(s) {', '.join(unknown)}"))
    if "low" not in value or "high" not in value:
        problems.append((field, "a range needs both low and high (the 5th and 95th percentiles)"))
    if problems:
        return None, problems
    numbers = {}
    for key in ("low", "mid", "high"):
        if key not in value:
            continue
        v = value[key]
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
            problems.append((f"{field}.{key}", f"value {v!r}: must be a finite number"))
            continue
        numbers[key] = float(v)
    if problems:
        return None, problems
    low, high = numbers["low"], numbers["high"]
    kind = RANGED_FIELDS[field]
    for key, v in numbers.items():
        for op, bound in field_constraints(field):
            ok = {"gt": v > bound, "ge": v >= bound, "lt": v < bound, "le": v <= bound}[op]
            if not ok:
                sign = {"gt": ">", "ge": ">=", "lt": "<", "le": "<="}[op]
                problems.append((f"{field}.{key}", f"value {v:g}: must be {sign} {bound:g}"))
    if kind == "positive" and low <= 0 < high and not problems:
        problems.append((f"{field}.low", f"value {low:g}: a range on {field} is lognormal; low must be above 0"))
    if kind == "fraction" and not (0 < low and high < 1):
        problems.append((field, f"a range on {field} is a share strictly between 0 and 1; got {low:g} to {high:g}"))
    if low > high:
        problems.append((field, f"low {low:g} is above high {high:g}"))
    mid = numbers.get("mid")
    if mid is not None and low <= high and not low <= mid <= high:  # low above high is the one problem then
        problems.append((f"{field}.mid", f"value {mid:g}: must lie between low {low:g} and high {high:g}"))
    if problems:
        return None, problems
    if mid is None:
        mid = _median(field, low, high)
    return Range(field, low, mid, high), []


@dataclass(frozen=True)
class UncertainWorkload:
    """A workload at the medians of its ranges, and the ranges (empty when every input is a number)."""

    workload: Workload
    ranges: tuple[Range, ...] = ()

    def range(self, field: str) -> Range | None:
        return next((r for r in self.ranges if r.field == field), None)


def uncertain_from_dict(data: Any, source: str = "") -> UncertainWorkload:
    """Validate a mapping whose numeric fields may be ranges; raise :class:`WorkloadError` naming every bad
    field (and every field that takes no range)."""
    if not isinstance(data, dict):
        return UncertainWorkload(workload_from_dict(data, source))
    point, ranges, problems = dict(data), [], []
    for field, value in data.items():
        if not isinstance(value, dict) or field == "policy":
            continue
        if field not in RANGED_FIELDS:
            takes = ", ".join(RANGED_FIELDS)
            problems.append((field, f"takes no range (it is a target or a choice, or not a number); ranges are "
                                    f"allowed on {takes}"))
            continue
        r, bad = parse_range(field, value)
        problems += bad
        if r is not None:
            ranges.append(r)
            point[field] = r.mid
    if problems:
        raise WorkloadError(problems, source)
    return UncertainWorkload(workload_from_dict(point, source), tuple(ranges))


def parse_uncertain_text(text: str, source: str = "<input>") -> UncertainWorkload:
    """Parse YAML or JSON text whose numeric fields may be ranges."""
    from planner.workload.model import read_workload_data

    return uncertain_from_dict(read_workload_data(text, source), source)


def load_uncertain(path: str) -> UncertainWorkload:
    """Read a workload file whose numeric fields may be ranges."""
    from planner.workload.model import read_workload_file

    return parse_uncertain_text(*read_workload_file(path))
