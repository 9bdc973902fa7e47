"""What-if explorations of one workload, each one engine run over many variants of it.

* :func:`cost_vs_load`: every option's cost across a range of peak request rates, and where the
  cheapest option changes (e.g. the vertical/horizontal crossover);
* :func:`compare_regions`: the same workload priced in several regions;
* :func:`growth`: month by month over the horizon, as traffic and data grow.

All three build a frame of workload variants and call :func:`planner.engine.chain.run` once, so they
cost one batch, not one plan per point.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from planner.engine.chain import run, workloads_frame
from planner.pricing.book import PriceBook, default_book
from planner.workload.model import Workload

COLUMNS = ["option", "feasible", "monthly_usd", "recommended", "instance_type", "instances_desired",
           "availability_pct", "dr_tier"]


def _variants(workload: Workload, changes: dict[str, Sequence[object]]) -> pd.DataFrame:
    n = len(next(iter(changes.values())))
    wf = pd.concat([workloads_frame([workload])] * n, ignore_index=True)
    for col, values in changes.items():
        wf[col] = list(values)
    return wf


def _options(wf: pd.DataFrame, workload: Workload, book: PriceBook) -> pd.DataFrame:
    result = run(wf, workload.policy, book, detail=False)
    o = result.options
    out = o[["row", *COLUMNS]].copy()
    out.loc[~o.sized, "instances_desired"] = np.nan
    return out


def cost_vs_load(workload: Workload, peak_rps: Sequence[float], book: PriceBook | None = None) -> pd.DataFrame:
    """Monthly cost of every option at each peak rate (other inputs as given); NaN where an option
    cannot be sized. Traffic given as users is replaced by the equivalent peak rate."""
    book = book or default_book(workload.cloud)
    wf = _variants(workload, {"peak_rps": [float(x) for x in peak_rps],
                              "daily_active_users": [np.nan] * len(peak_rps),
                              "requests_per_user_per_day": [np.nan] * len(peak_rps)})
    out = _options(wf, workload, book)
    out.insert(0, "peak_rps", wf["peak_rps"].to_numpy()[out.row.to_numpy()])
    return out.drop(columns="row").reset_index(drop=True)


def crossovers(table: pd.DataFrame, key: str = "peak_rps") -> pd.DataFrame:
    """Where the recommended option changes along ``key``: one row per change (from, to, at)."""
    rec = table[table.recommended].sort_values(key)
    changes = rec.option.ne(rec.option.shift()) & rec.option.shift().notna()
    prev = rec.option.shift()
    return pd.DataFrame({key: rec[key][changes].to_numpy(), "from_option": prev[changes].to_numpy(),
                         "to_option": rec.option[changes].to_numpy()})


def pair_crossover(table: pd.DataFrame, a: str, b: str, key: str = "peak_rps") -> float | None:
    """The first ``key`` value at which option ``b`` becomes cheaper than ``a`` (or ``a`` infeasible)
    after being dearer; None when it never happens in the range."""
    wide = table.pivot_table(index=key, columns="option", values="monthly_usd", dropna=False)
    if a not in wide or b not in wide:
        return None
    feasible = table.pivot_table(index=key, columns="option", values="feasible", aggfunc="first")
    a_ok = feasible[a].fillna(False).astype(bool) & wide[a].notna()
    b_cheaper = (~a_ok) | (wide[b] < wide[a])
    b_cheaper &= feasible[b].fillna(False).astype(bool)
    switched = b_cheaper & ~b_cheaper.shift(fill_value=True)
    return float(switched[switched].index[0]) if switched.any() else None


def compare_regions(workload: Workload, regions: Sequence[str], book: PriceBook | None = None) -> pd.DataFrame:
    """Every option's monthly cost for the same workload in each region."""
    book = book or default_book(workload.cloud)
    wf = _variants(workload, {"region": list(regions)})
    out = _options(wf, workload, book)
    out.insert(0, "region", wf["region"].to_numpy()[out.row.to_numpy()])
    return out.drop(columns="row").reset_index(drop=True)


def growth(workload: Workload, book: PriceBook | None = None) -> pd.DataFrame:
    """Month by month (0 .. horizon): traffic, usage and autoscaled capacity grown by (1 + monthly_growth)^month,
    fixed capacity as provisioned for the end of the horizon (the plan's billing rule, so month 0 is the plan's
    monthly figure); cost, instances and the recommended option."""
    book = book or default_book(workload.cloud)
    months = np.arange(workload.horizon_months + 1)
    factor = (1 + workload.monthly_growth) ** months
    changes: dict[str, Sequence[object]] = {
        "data_size_gb": workload.data_size_gb * factor,
        "object_storage_gb": workload.object_storage_gb * factor,
        # what is left of the horizon: fixed capacity stays sized for its end
        "horizon_months": (workload.horizon_months - months).astype(float),
    }
    if workload.peak_rps is not None:
        changes["peak_rps"] = workload.peak_rps * factor
    else:
        changes["daily_active_users"] = workload.daily_active_users * factor  # type: ignore[operator]
    wf = _variants(workload, changes)
    out = _options(wf, workload, book)
    out.insert(0, "month", months[out.row.to_numpy()])
    return out.drop(columns="row").reset_index(drop=True)


def sweep_grid(workload: Workload, book: PriceBook | None = None, **axes: Sequence[object]) -> pd.DataFrame:
    """Every combination of the given field values (e.g. ``peak_rps=[...]``, ``availability_target=[...]``),
    priced in one engine run; one row per combination x option, the axes as columns."""
    book = book or default_book(workload.cloud)
    grids = np.meshgrid(*[np.asarray(v, dtype=object) for v in axes.values()], indexing="ij")
    changes = {name: list(g.ravel()) for name, g in zip(axes, grids)}
    if "peak_rps" in changes:
        n = len(changes["peak_rps"])
        changes.update(daily_active_users=[np.nan] * n, requests_per_user_per_day=[np.nan] * n)
    wf = _variants(workload, changes)
    for name in axes:
        if name in wf and name not in ("name", "cloud", "region", "purchase_option"):
            wf[name] = wf[name].astype(float)
    out = _options(wf, workload, book)
    for i, name in enumerate(axes):
        out.insert(i, name, wf[name].to_numpy()[out.row.to_numpy()])
    return out.drop(columns="row").reset_index(drop=True)
