"""Compute need: busy vCPUs, the vCPU count that meets the p99 target, AZ spread.

Offered load a = peak_rps x cpu_ms_per_request / 1000 [busy vCPUs, Erlangs];
the smallest c meeting utilisation and p99 comes from :func:`min_servers`
(M/M/c). Two needs follow, checked separately against a unit (instance or
task) of n vCPUs: its n cores must add up to the c servers of the queue (an
integer, a statement about latency), and its Universal Scalability Law
capacity C(n) must add up to the throughput a / target utilisation (a
statement about contention). Comparing C(n) with the integer c would let the
rounding of c plus a few percent of contention buy a whole extra unit: a
2-vCPU box (C = 1.96) would not "carry" c = 2 for 0.3 busy vCPUs.

Fleets spread over k AZs; surviving the loss of one means each AZ
holds capacity / (k - 1), i.e. k x ceil(n / (k - 1)) in all (AWS
Well-Architected Reliability pillar, REL10-BP01 "static stability").
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from planner.pricing.units import HOURS_PER_MONTH
from planner.sizing.queueing import min_servers, square_root_staffing
from planner.workload.policy import SizingPolicy


def compute_need(wf: Mapping[str, np.ndarray], tr: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """vCPU needed now and at the horizon peak: M/M/c servers (``vcpu_needed*``, cores) and the throughput at
    target utilisation (``capacity_needed*``, single-core units after contention), with the square-root check."""
    s = wf["cpu_ms_per_request"] / 1000
    target = wf["latency_target_ms"] / 1000
    util = wf["target_cpu_utilization"]
    a_now = tr["peak_rps"] * s
    a_hz = tr["peak_rps_horizon"] * s
    return {
        "offered_vcpu": a_now,
        "offered_vcpu_horizon": a_hz,
        "vcpu_needed": min_servers(a_now, s, target, util),
        "vcpu_needed_horizon": min_servers(a_hz, s, target, util),
        "capacity_needed": a_now / util,
        "capacity_needed_horizon": a_hz / util,
        "vcpu_sqrt_staffing": square_root_staffing(a_now),
    }


def az_plan(availability_pct: npt.ArrayLike, region_az_count: npt.ArrayLike, policy: SizingPolicy) -> dict[str, np.ndarray]:
    """AZ count and whether capacity must survive losing one AZ, per availability target."""
    avail = np.asarray(availability_pct, dtype=float)
    survive = avail >= policy.survive_az_loss_min_availability
    wanted = np.where(survive, policy.azs_when_surviving, policy.azs_default)
    azs = np.minimum(wanted, np.asarray(region_az_count, dtype=int))
    return {"azs": azs, "survive_az_loss": survive & (azs >= 2)}


def az_divisor(azs: npt.ArrayLike, survive: npt.ArrayLike) -> np.ndarray:
    """What each AZ must carry a share of: k - 1 AZs' worth when surviving the loss of one, else k."""
    k = np.asarray(azs, dtype=float)
    return np.where(np.asarray(survive, dtype=bool) & (k >= 2), np.maximum(k - 1, 1), k)


def spread_over_azs(units: npt.ArrayLike, azs: npt.ArrayLike, survive: npt.ArrayLike) -> np.ndarray:
    """Units (instances or tasks) after spreading evenly over ``azs``, with one-AZ-loss headroom where asked.

    survive: k x ceil(n / (k - 1)); otherwise k x ceil(n / k) (at least one per AZ).
    """
    n = np.maximum(np.asarray(units, dtype=float), 1.0)
    return np.ceil(n / az_divisor(azs, survive)) * np.asarray(azs, dtype=float)


class FleetNeed(NamedTuple):
    """Per scenario: M/M/c servers (cores) and throughput (single-core units) needed now and at the horizon."""

    servers: np.ndarray
    servers_horizon: np.ndarray
    capacity: np.ndarray
    capacity_horizon: np.ndarray

    def take(self, rows: np.ndarray) -> FleetNeed:
        return FleetNeed(*(v[rows] for v in self))


def units_for(servers: np.ndarray, capacity: np.ndarray, cores_per_unit: np.ndarray,
              capacity_per_unit: np.ndarray) -> np.ndarray:
    """Whole units whose cores cover ``servers`` and whose USL capacity covers ``capacity`` (see module doc).

    The 1e-9 keeps an exact fit (20 cores on 10 two-core units) from rounding up on float noise."""
    return np.maximum(np.ceil(servers / cores_per_unit - 1e-9), np.ceil(capacity / capacity_per_unit - 1e-9))


def _per_az_at_peak(need: FleetNeed, cores: np.ndarray, cap: np.ndarray, azs: np.ndarray,
                    survive: np.ndarray) -> np.ndarray:
    """(scenarios, candidates) units each AZ holds at today's peak (before rounding up)."""
    per_peak = np.maximum(need.servers[:, None] / cores, need.capacity[:, None] / cap)
    return per_peak / az_divisor(azs, survive)[:, None]


def hourly_units(need: FleetNeed, hourly_fraction: np.ndarray, cores: float, capacity: float, azs: float,
                 survive: bool) -> np.ndarray:
    """The fleet's units in each hour of the load profile (its day's or week's hours) for one scenario (``need``
    of one element) and one unit size, as :func:`fleet_units` counts them."""
    per_az = _per_az_at_peak(need, np.array([[cores]]), np.array([[capacity]]), np.array([azs]),
                             np.array([survive]))[0, 0]
    return np.maximum(np.ceil(per_az * np.asarray(hourly_fraction) - 1e-9), 1.0) * azs


HOUR_BLOCK_ROWS = 256  # scenarios whose (candidates, hours) counts are worked at once: a few MB, kept in cache


def _hourly_means(per_az: np.ndarray, hourly_fraction: np.ndarray, committed: np.ndarray,
                  partial: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per (scenario, candidate): the mean over the H hours of each AZ's units, max(1, ceil(``per_az`` x the
    hour's share)), and where ``partial`` the mean of what each hour runs above ``committed`` (NaN elsewhere).

    The (scenarios, candidates, H) counts are the largest array of a plan (7x larger for a week's profile):
    worked :data:`HOUR_BLOCK_ROWS` scenarios at a time, in place, so they stay in the CPU's cache and no
    fresh memory is faulted in for each block."""
    n = len(per_az)
    hourly_fraction = np.broadcast_to(hourly_fraction, (n, hourly_fraction.shape[-1]))
    mean, burst = np.empty(per_az.shape), np.full(per_az.shape, np.nan)
    for start in range(0, n, HOUR_BLOCK_ROWS):
        rows = slice(start, start + HOUR_BLOCK_ROWS)
        units = per_az[rows, :, None] * hourly_fraction[rows, None, :]
        units -= 1e-9
        np.ceil(units, out=units)
        np.maximum(units, 1.0, out=units)
        mean[rows] = units.mean(axis=2)
        mine = partial[rows]
        if mine.any():
            units -= committed[rows, :, None]
            np.maximum(units, 0, out=units)
            burst[rows][mine] = units.mean(axis=2)[mine]
    return mean, burst


def fleet_units(
    need: FleetNeed,
    hourly_fraction: np.ndarray,
    cores_per_unit: np.ndarray,
    capacity_per_unit: np.ndarray,
    azs: np.ndarray,
    survive: np.ndarray,
    burst_headroom: float,
    commit_ratio: npt.ArrayLike = 1.0,
) -> dict[str, np.ndarray]:
    """Units (instances or tasks) of an autoscaled fleet per scenario (and per candidate SKU).

    ``cores_per_unit`` and ``capacity_per_unit`` are (scenarios,) or (scenarios, candidates). Each hour
    holds the units (:func:`units_for`) of the need x hour's share of peak, spread over the AZs; the hours are
    ``hourly_fraction``'s H (the profile's day or week, :mod:`planner.sizing.profile`). ``instances_min`` is the
    quietest hour, ``instances_desired`` the peak now, ``instances_max`` the horizon peak x (1 + burst headroom),
    and ``instance_hours`` the month's total (mean hourly count x 730, each of the H hours standing for 730 / H).

    Commitments: ``instances_committed`` run on a commitment whose rate is ``commit_ratio`` x the burst rate
    (broadcast like the candidates), the rest (``burst_hours``) at the burst rate. Committing one more unit
    costs ratio x H burst-hours a profile's day or week and saves the hours it would run, so the cheapest count
    is the largest k that runs in at least ratio x H of its hours: the ceil(H ratio)-th busiest hour's count
    (the newsvendor rule; ratio 1 commits only what runs every hour, the quietest hour's count).
    """
    two_d = np.ndim(capacity_per_unit) == 2
    cap = capacity_per_unit if two_d else np.asarray(capacity_per_unit)[:, None]
    cores = cores_per_unit if two_d else np.asarray(cores_per_unit)[:, None]
    k, sv = azs[:, None], survive[:, None]
    # units = max(ceil(servers / cores), ceil(capacity / cap)) = ceil(max(...)); every hour's need is the peak's
    # times the hour's share; and ceil(ceil(y) / d) = ceil(y / d) for a whole d, so each AZ's units in an hour
    # are max(1, ceil(peak units per AZ x share)): one pass over the hours, and the quietest hour is the
    # smallest share
    per_az = _per_az_at_peak(need, cores, cap, azs, survive)
    quietest = np.maximum(np.ceil(per_az * hourly_fraction.min(axis=1)[:, None] - 1e-9), 1.0)
    peak = spread_over_azs(units_for(need.servers[:, None], need.capacity[:, None], cores, cap), k, sv)
    grow = 1 + burst_headroom
    horizon = units_for(need.servers_horizon[:, None] * grow, need.capacity_horizon[:, None] * grow, cores, cap)
    ratio = np.asarray(commit_ratio, dtype=float)
    ratio = np.broadcast_to(ratio if two_d or ratio.ndim == 0 else ratio[:, None], per_az.shape)
    # ratio 1 commits the quietest hour's count, which every hour reaches: the burst is the mean above it
    committed = quietest.copy()
    partial = ratio < 1
    if partial.any():  # the busiest-hour ranking only where a commitment is cheaper than every hour's burst
        hours = hourly_fraction.shape[1]
        rank = np.clip(np.ceil(ratio[partial] * hours - 1e-9).astype(int) - 1, 0, hours - 1)  # ceil(H r)-th busiest
        # an hour's count grows with its share of the peak, so the ceil(H r)-th busiest hour is the one with the
        # ceil(H r)-th largest share: rank the scenario's H shares once, not each candidate's H counts
        busiest_share = -np.sort(-hourly_fraction, axis=1)
        count = per_az[partial] * busiest_share[np.nonzero(partial)[0], rank] - 1e-9
        committed[partial] = np.maximum(np.ceil(count), 1.0)
    mean_per_az, burst_per_az = _hourly_means(per_az, hourly_fraction, committed, partial)
    burst_per_az = np.where(partial, burst_per_az, mean_per_az - quietest)
    burst_hours = burst_per_az * k * HOURS_PER_MONTH
    out = {
        "instances_min": quietest * k,
        "instances_desired": peak,
        "instances_max": np.maximum(spread_over_azs(horizon, k, sv), peak),
        "instance_hours": mean_per_az * k * HOURS_PER_MONTH,
        "instances_committed": committed * k,
        "burst_hours": burst_hours,
    }
    return out if two_d else {key: v[:, 0] for key, v in out.items()}
