"""Disaster-recovery tier: the cheapest strategy whose achievable RTO and RPO meet the targets.

Reference: AWS whitepaper "Disaster Recovery of Workloads on AWS: Recovery in
the Cloud" (2021/2022): backup & restore, pilot light, warm standby,
multi-site active/active, in rising cost and falling RTO/RPO. The tier table is
``SizingPolicy.dr_tiers`` (ordered cheapest first). A tier that restores the
database from backups (backup & restore) takes its fixed ``rto_minutes`` plus
the database storage / ``restore_gb_per_minute``: its RTO grows with the data.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from planner.workload.policy import SizingPolicy


def tier_rto_minutes(storage_gb: npt.ArrayLike, policy: SizingPolicy) -> np.ndarray:
    """(..., tiers) RTO each tier achieves for a database of ``storage_gb`` (any shape: scenarios, or scenarios
    x candidate volumes)."""
    gb = np.asarray(storage_gb, dtype=float)[..., None]
    base = np.array([t.rto_minutes for t in policy.dr_tiers])
    rate = np.array([t.restore_gb_per_minute for t in policy.dr_tiers])
    with np.errstate(divide="ignore"):
        return base + np.where(rate > 0, gb / np.where(rate > 0, rate, 1.0), 0.0)


def tiers_meeting(rto_minutes: npt.ArrayLike, rpo_minutes: npt.ArrayLike, storage_gb: npt.ArrayLike,
                  policy: SizingPolicy) -> np.ndarray:
    """(..., tiers): whether each tier meets the RTO and RPO targets (arguments broadcast together)."""
    tier_rpo = np.array([t.rpo_minutes for t in policy.dr_tiers])
    return ((tier_rto_minutes(storage_gb, policy) <= np.asarray(rto_minutes, dtype=float)[..., None])
            & (tier_rpo <= np.asarray(rpo_minutes, dtype=float)[..., None]))


def dr_tier_index(rto_minutes: npt.ArrayLike, rpo_minutes: npt.ArrayLike, storage_gb: npt.ArrayLike,
                  policy: SizingPolicy) -> np.ndarray:
    """Index into ``policy.dr_tiers`` of the first (cheapest) tier meeting both targets.

    Where no tier meets them, the last (most capable) tier, flagged by :func:`dr_targets_met`.
    """
    meets = tiers_meeting(rto_minutes, rpo_minutes, storage_gb, policy)
    return np.where(meets.any(axis=-1), meets.argmax(axis=-1), len(policy.dr_tiers) - 1)


def dr_targets_met(index: np.ndarray, rto_minutes: npt.ArrayLike, rpo_minutes: npt.ArrayLike,
                   storage_gb: npt.ArrayLike, policy: SizingPolicy) -> np.ndarray:
    meets = tiers_meeting(rto_minutes, rpo_minutes, storage_gb, policy)
    return meets[np.arange(len(meets)), np.asarray(index)]


def dr_region(region: str, regions: pd.DataFrame, policy: SizingPolicy) -> str:
    """The DR region paired with ``region``: the policy's pair, else the first other region of its geography."""
    if region in policy.dr_regions:
        return policy.dr_regions[region]
    geo = regions.set_index("region").geography
    same = [r for r in regions.region if r != region and geo[r] == geo.get(region)]
    return same[0] if same else next(r for r in regions.region if r != region)
