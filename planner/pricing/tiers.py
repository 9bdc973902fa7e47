"""Tiered (graduated) prices: internet egress, S3 storage, CloudWatch metrics, Lambda duration.

A graduated schedule charges each unit at the price of the tier it falls in:
the first 10,240 GB of egress at 0.09, the next 40,960 GB at 0.085, and so on,
as AWS's price list defines its "First 10 TB / Next 40 TB" items.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd


def tiered_cost_usd(
    quantity: npt.ArrayLike,
    tier_start: npt.ArrayLike,
    tier_end: npt.ArrayLike,
    usd_per_unit: npt.ArrayLike,
    *,
    extend_last: bool = False,
) -> np.ndarray:
    """Cost [USD] of ``quantity`` units under a graduated tier schedule.

    cost(q) = sum_i price_i * clip(q - start_i, 0, end_i - start_i)

    ``tier_end`` may be ``inf`` (or NaN) for the open last tier. A quantity
    beyond a closed last tier has no price (NaN): the list stops there ("over
    500 TB: contact us"), and zero would under-bill; with ``extend_last`` it is
    billed at the last published rate (an estimate: volume beyond the list is
    negotiated, at no more than that rate, so the bill errs high). Vectorised over
    ``quantity``; tiers must be sorted and contiguous. Reference: AWS price
    list tier semantics ("First 10 TB / Next 40 TB / ...").
    """
    q = np.asarray(quantity, dtype=float)
    start = np.asarray(tier_start, dtype=float)
    end = np.nan_to_num(np.asarray(tier_end, dtype=float), nan=np.inf)
    price = np.asarray(usd_per_unit, dtype=float)
    if np.any(end <= start):
        raise ValueError("each tier must end after it starts")
    if np.any(start[1:] != end[:-1]):
        raise ValueError("tiers must be contiguous: each tier starts where the previous one ends")
    in_tier = np.clip(q[..., None] - start, 0.0, end - start)
    cost = in_tier @ price
    if not len(end):
        return cost
    if extend_last:
        return cost + np.maximum(q - end[-1], 0.0) * price[-1]
    return np.where(q > end[-1], np.nan, cost)


@dataclass(frozen=True)
class Tiers:
    """A tier schedule of one priced item, with the provenance of its rows."""

    unit: str
    tier_start: np.ndarray
    tier_end: np.ndarray
    usd_per_unit: np.ndarray
    prices_as_of: str
    source_id: str
    overlay_note: str = ""  # set when negotiated prices replaced the list prices (planner.pricing.overlay)

    @classmethod
    def from_rows(cls, rows: pd.DataFrame) -> Tiers:
        start = rows.tier_start.fillna(0.0).to_numpy(dtype=float)
        end = rows.tier_end.fillna(np.inf).to_numpy(dtype=float)
        return cls(
            unit=str(rows.unit.iloc[0]),
            tier_start=start,
            tier_end=end,
            usd_per_unit=rows.usd_per_unit.to_numpy(dtype=float),
            prices_as_of=max(rows.prices_as_of.fillna("")),
            source_id=";".join(sorted(set(rows.source_id))),
            overlay_note=str(rows.overlay_note.iloc[0]) if "overlay_note" in rows else "",
        )

    def cost_usd(self, quantity: npt.ArrayLike) -> np.ndarray:
        """Cost [USD] of ``quantity`` units of this item; beyond a closed last tier at the last published rate
        (see :func:`tiered_cost_usd`; :meth:`beyond_list` says where)."""
        return tiered_cost_usd(quantity, self.tier_start, self.tier_end, self.usd_per_unit, extend_last=True)

    def beyond_list(self, quantity: npt.ArrayLike) -> np.ndarray:
        """Where ``quantity`` runs past the price list's last (closed) tier."""
        end = np.nan_to_num(self.tier_end, nan=np.inf)
        return np.asarray(quantity, dtype=float) > (end[-1] if len(end) else np.inf)
