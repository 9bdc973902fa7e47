"""Choose, per scenario, the cheapest SKU that fits: one mechanism for fleets, single
instances, cache nodes and database classes.

Each caller supplies the candidate SKUs (a price-book catalog, one row per
region and SKU) and an ``evaluate`` function giving, for the scenarios of one
region and every candidate, the number of units needed and their cost per hour
(``inf`` where the SKU cannot serve). Scenarios are grouped by region, so the
work is one (scenarios x candidates) matrix per region.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

Evaluate = Callable[[np.ndarray, pd.DataFrame], tuple[np.ndarray, np.ndarray]]


def cheapest(regions: np.ndarray, candidates: pd.DataFrame, evaluate: Evaluate) -> pd.DataFrame:
    """Per scenario: ``sku`` ('' when none fits), ``units``, ``hourly_usd`` (cost of all units) and
    ``candidate`` (row label in ``candidates``, -1 when none fits)."""
    n = len(regions)
    out = pd.DataFrame({"sku": np.full(n, "", dtype=object), "units": np.zeros(n), "hourly_usd": np.full(n, np.inf),
                        "candidate": np.full(n, -1)})
    by_region = _split_by_region(candidates)
    for region in pd.unique(regions):
        rows = np.flatnonzero(regions == region)
        cands = by_region.get(region)
        if cands is None:
            continue
        units, cost = evaluate(rows, cands)
        cost = np.where(np.isfinite(cost), cost, np.inf)
        best = np.argmin(cost, axis=1)
        best_cost = cost[np.arange(len(rows)), best]
        ok = np.isfinite(best_cost)
        sel = rows[ok]
        out.loc[sel, "sku"] = cands.sku.to_numpy()[best[ok]]
        out.loc[sel, "units"] = units[np.arange(len(rows)), best][ok]
        out.loc[sel, "hourly_usd"] = best_cost[ok]
        out.loc[sel, "candidate"] = cands.index.to_numpy()[best[ok]]
    return out


def pareto_prune(candidates: pd.DataFrame, group: list[str], higher: list[str], lower: list[str]) -> pd.DataFrame:
    """Drop candidates that another of the same group beats or equals on every criterion.

    A candidate with no more of every ``higher`` column and no less of every
    ``lower`` column than another (e.g. the same vCPU and memory for more
    money) can never be the cheapest fit, so choosing among the rest gives the
    same answer with less work. Ties keep the first row.
    """
    keep = []
    for _, g in candidates.groupby(group, sort=False):
        hi = g[higher].to_numpy(dtype=float)
        lo = g[lower].to_numpy(dtype=float)
        n = len(g)
        # j dominates i: hi_j >= hi_i and lo_j <= lo_i everywhere (and j comes first when equal)
        ge = (hi[:, None, :] >= hi[None, :, :]).all(axis=2) & (lo[:, None, :] <= lo[None, :, :]).all(axis=2)
        equal = (hi[:, None, :] == hi[None, :, :]).all(axis=2) & (lo[:, None, :] == lo[None, :, :]).all(axis=2)
        earlier = np.arange(n)[:, None] < np.arange(n)[None, :]
        dominated = (ge & (~equal | earlier)).any(axis=0)
        keep.append(g.index.to_numpy()[~dominated])
    return candidates.loc[np.sort(np.concatenate(keep))] if keep else candidates


_SPLITS: dict[int, tuple[pd.DataFrame, dict[str, pd.DataFrame]]] = {}


def _split_by_region(candidates: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Candidates per region, split once per candidate table (they are built once per price book)."""
    hit = _SPLITS.get(id(candidates))
    if hit is None or hit[0] is not candidates:
        hit = (candidates, {r: candidates.iloc[pos] for r, pos in candidates.groupby("region").indices.items()})
        _SPLITS[id(candidates)] = hit
    return hit[1]
