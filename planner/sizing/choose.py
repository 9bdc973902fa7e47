"""Choose, per scenario, the cheapest SKU that fits: one mechanism for fleets, single
instances, cache nodes and database classes.

Each caller supplies the candidate SKUs (a price-book catalog, one row per
region and SKU) and an ``evaluate`` function giving, for the scenarios of one
region and every candidate, the number of units needed and their cost per hour
(``inf`` where the SKU cannot serve). Scenarios are grouped by region, so the
work is one (scenarios x candidates) matrix per region.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import pandas as pd

from planner.base.codes import factorized, grouped

Evaluate = Callable[[np.ndarray, pd.DataFrame], tuple[np.ndarray, np.ndarray]]


@dataclass(frozen=True)
class Pick:
    """Each scenario's choice: ``sku`` ('' when none fits), ``units``, ``hourly_usd`` (cost of all units) and
    ``candidate`` (row label in the candidate table, -1 when none fits)."""

    sku: np.ndarray
    units: np.ndarray
    hourly_usd: np.ndarray
    candidate: np.ndarray

    @property
    def found(self) -> np.ndarray:
        return self.candidate >= 0

    def of(self, candidates: pd.DataFrame, column: str) -> np.ndarray:
        """``column`` of each scenario's chosen candidate (NaN where none fits)."""
        if column_array(candidates, column).dtype.kind not in "biufO":
            return candidates[column].reindex(self.candidate).to_numpy()
        return self.gathered(candidates, column_array(candidates, column))

    def gathered(self, candidates: pd.DataFrame, values: np.ndarray) -> np.ndarray:
        """Each scenario's element of ``values`` (one per row of ``candidates``, in its order), NaN where none
        fits; whole numbers become float and flags objects, as a pandas reindex makes them. Candidate labels
        are positions in every table built with reset_index: a gather, not a pandas reindex."""
        index = candidates.index
        at = (self.candidate if isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1
              else index.get_indexer(self.candidate))
        found = at >= 0
        if found.all():
            return values[at]
        if values.dtype.kind in "biu":
            values = values.astype(object if values.dtype.kind == "b" else float)
        out = values[np.where(found, at, 0)] if len(values) else np.empty(len(found), values.dtype)
        out[~found] = np.nan
        return out

    def rate(self, candidates: pd.DataFrame, option: np.ndarray, prefix: str = "hourly") -> np.ndarray:
        """The chosen candidate's hourly rate at each scenario's purchase ``option`` (see
        :func:`purchase_rates`; NaN where none fits)."""
        out = np.full(len(option), np.nan)
        for opt in pd.unique(option):
            col = rate_column(candidates, opt, prefix)
            sel = option == opt
            out[sel] = self.of(candidates, col)[sel]
        return out


def cheapest(regions: np.ndarray, candidates: pd.DataFrame, evaluate: Evaluate, key: str = "region") -> Pick:
    """Each scenario's cheapest candidate (see :class:`Pick`). Scenarios choose among the candidates whose
    ``key`` column equals their entry in ``regions`` (the region, or a finer group such as region/deployment)."""
    n = len(regions)
    sku = np.full(n, "", dtype=object)
    units = np.zeros(n)
    hourly = np.full(n, np.inf)
    candidate = np.full(n, -1)
    by_region = split_by_group(candidates, key)
    codes, groups = factorized(regions)
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(groups) + 1))
    for g, region in enumerate(groups):
        rows = order[bounds[g]:bounds[g + 1]]
        cands = by_region.get(region)
        if cands is None:
            continue
        u, cost = evaluate(rows, cands)
        cost = np.where(np.isfinite(cost), cost, np.inf)
        best = np.argmin(cost, axis=1)
        picked = np.arange(len(rows))
        best_cost = cost[picked, best]
        ok = np.isfinite(best_cost)
        sel = rows[ok]
        sku[sel] = cands.sku.to_numpy()[best[ok]]
        units[sel] = np.broadcast_to(u, cost.shape)[picked, best][ok]
        hourly[sel] = best_cost[ok]
        candidate[sel] = cands.index.to_numpy()[best[ok]]
    return Pick(sku=sku, units=units, hourly_usd=hourly, candidate=candidate)


def purchase_rates(cands: pd.DataFrame, option: np.ndarray, prefix: str = "hourly") -> np.ndarray:
    """(scenarios, candidates) hourly rate of each candidate at each scenario's purchase option (column
    ``{prefix}_{option}_usd``; ``{prefix}_usd`` on demand, and for a candidate table without that commitment):
    the rate the bill uses, so the choice is made at the price paid."""
    out = np.empty((len(option), len(cands)))
    for opt in pd.unique(option):
        out[option == opt] = cands[rate_column(cands, opt, prefix)].to_numpy(dtype=float)[None, :]
    return out


def rate_column(cands: pd.DataFrame | Mapping[str, object], option: str, prefix: str = "hourly") -> str:
    """The rate column of ``option`` among a candidate table's columns (or a mapping's keys): ``{prefix}_usd`` on
    demand, ``{prefix}_{option}_usd`` for a commitment, on demand where the table has none."""
    col = f"{prefix}_usd" if option == "on_demand" else f"{prefix}_{option}_usd"
    return col if col in cands else f"{prefix}_usd"


def rate_columns(cands: pd.DataFrame) -> list[str]:
    """Every hourly rate column a candidate table carries (``hourly_usd`` on demand, one per commitment, and
    any derived one such as a database's one-more-reader rates): pruning on all of them keeps every candidate
    that is the cheapest at some purchase option."""
    return [c for c in cands.columns if c.startswith("hourly_") and c.endswith("_usd")]


def pareto_prune(candidates: pd.DataFrame, group: list[str], higher: list[str], lower: list[str]) -> pd.DataFrame:
    """Drop candidates that another of the same group beats or equals on every criterion.

    A candidate with no more of every ``higher`` column and no less of every
    ``lower`` column than another (e.g. the same vCPU and memory for more
    money) can never be the cheapest fit, so choosing among the rest gives the
    same answer with less work. Of exact equals the first row is kept; a NaN
    criterion neither beats nor is beaten. Each group's pairs are compared as
    one array (in blocks of :data:`PRUNE_BLOCK` candidates), not as a joined table.
    """
    c = candidates.reset_index(drop=True)
    hi = c[higher].to_numpy(dtype=float).reshape(len(c), len(higher))
    lo = c[lower].to_numpy(dtype=float).reshape(len(c), len(lower))
    codes = grouped([c[g].to_numpy() for g in group])[0] if len(c) else np.zeros(0, dtype=np.int64)
    order = np.argsort(codes, kind="stable")  # each group's rows in table order
    bounds = np.searchsorted(codes[order], np.arange(codes.max() + 2 if len(codes) else 1))
    dominated = np.zeros(len(c), dtype=bool)
    for g in range(len(bounds) - 1):
        rows = order[bounds[g]:bounds[g + 1]]
        h, low = hi[rows], lo[rows]
        a = np.arange(len(rows))[:, None]
        for start in range(0, len(rows), PRUNE_BLOCK):
            b = slice(start, start + PRUNE_BLOCK)
            # (a, b): a has at least b's every higher and at most b's every lower
            at_least = ((h[:, None, :] >= h[None, b, :]).all(axis=2) & (low[:, None, :] <= low[None, b, :]).all(axis=2))
            equal = (h[:, None, :] == h[None, b, :]).all(axis=2) & (low[:, None, :] == low[None, b, :]).all(axis=2)
            at = np.arange(len(rows))[b][None, :]
            beats = at_least & (~equal | (a < at)) & (a != at)
            dominated[rows[b]] |= beats.any(axis=0)
    return _text_as_objects(c[~dominated])


PRUNE_BLOCK = 256  # candidates compared with a whole group at a time: at most group x 256 x criteria booleans


def _text_as_objects(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns as numpy objects: what :func:`cheapest` slices and compares fastest (converted once, when
    a candidate table is built and cached, not on every run)."""
    text = {c: object for c in frame.columns if frame[c].dtype == "str"}
    return frame.astype(text) if text else frame


class _Split:
    """One candidate table's rows per region (or ``key`` group), each slice made on first use: a plan needs its
    own region's, not all of them."""

    def __init__(self, candidates: pd.DataFrame, key: str) -> None:
        self.candidates = candidates
        self.objects = _text_as_objects(candidates)  # a no-op for tables from pareto_prune
        self.positions = candidates.groupby(key).indices
        self.slices: dict[str, pd.DataFrame] = {}

    def get(self, group: str) -> pd.DataFrame | None:
        if group not in self.slices:
            pos = self.positions.get(group)
            if pos is None:
                return None
            self.slices[group] = self.objects.iloc[pos]
        return self.slices[group]


T = TypeVar("T")


class ByIdentity:
    """What is derived from objects (a candidate table, its slices, a run's DR prices) remembered for the same
    objects, the last ``limit`` of them: each entry keeps its objects, so an id is never reused while remembered.
    ``values`` (hashable) tell apart entries of the same objects. A sizing run evaluates the same slices often."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._entries: dict[tuple[object, ...], tuple[tuple[object, ...], object]] = {}

    def get(self, objects: tuple[object, ...], build: Callable[[], T], values: tuple[object, ...] = ()) -> T:
        key = (*(id(o) for o in objects), *values)
        known = self._entries.get(key)
        if known is not None and all(a is b for a, b in zip(known[0], objects)):
            return known[1]  # type: ignore[return-value]
        if len(self._entries) >= self.limit:
            self._entries.pop(next(iter(self._entries), None), None)  # another session may evict at once
        value = build()
        self._entries[key] = (objects, value)
        return value


_SPLITS = ByIdentity(limit=64)
_COLUMNS = ByIdentity(limit=64)


def column_array(candidates: pd.DataFrame, column: str) -> np.ndarray:
    """``candidates[column].to_numpy()``, taken out of the table once: a plan reads the chosen candidates' columns
    a few dozen times, and each pandas column access builds a Series. The table is never changed after it is
    built (candidate tables are derived once per price book and policy)."""
    columns = _COLUMNS.get((candidates,), dict)
    if column not in columns:
        columns[column] = candidates[column].to_numpy()
    return columns[column]


def split_by_group(candidates: pd.DataFrame, key: str = "region") -> _Split:
    """Candidates per region (or ``key`` group), split once per candidate table (built once per price book)."""
    return _SPLITS.get((candidates,), lambda: _Split(candidates, key), (key,))
