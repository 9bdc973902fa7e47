"""Availability: a designed-for estimate from failure rates and recovery times, and the SLA floor.

**Designed-for** (decides the architecture): downtime a year is the sum, over
the kinds of failure a deployment meets, of events a year x minutes each (AWS
Well-Architected Reliability Pillar, "Availability" and the worked availability
scenarios, which add up failures, recovery decisions and updates the same way):

* compute: one instance is down for a manual recovery on each failure or AZ
  loss and offline for each in-place update; an active/standby pair or a fleet
  behind a load balancer fails over; a fleet that is not statically stable
  also runs short while Auto Scaling replaces the lost AZ's capacity; managed
  regional services (Lambda, API Gateway) add nothing beyond the region;
* cache and database: single-AZ waits for the host to be replaced (and for a
  restore elsewhere when its AZ is lost); Multi-AZ fails over;
* region: each region-wide event lasts the shorter of the event and the DR
  tier's recovery time; in active/active every event, in either region, lasts
  at most the DNS failover, for the half of the traffic that region serves.

A = 1 - downtime / 525,600 minutes. Figures live in ``SizingPolicy.failures``.

**SLA floor** (contractual, shown beside it): serial components multiply,
A = prod(A_i); two active regions fail together only, A = 1 - (1 - A_region)^2
(Reliability Pillar appendix "Calculating availability with hard
dependencies" and "redundant components").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from planner.workload.policy import FailureModel

MINUTES_PER_YEAR = 525_600


def serial_pct(*components_pct: npt.ArrayLike) -> np.ndarray:
    """Availability [%] of components that must all be up."""
    out = np.ones(1)
    for a in components_pct:
        out = out * (np.asarray(a, dtype=float) / 100.0)
    return out * 100.0


def redundant_pct(availability_pct: npt.ArrayLike, copies: npt.ArrayLike) -> np.ndarray:
    """Availability [%] of ``copies`` independent copies of which one suffices."""
    down = 1.0 - np.asarray(availability_pct, dtype=float) / 100.0
    return (1.0 - down ** np.asarray(copies, dtype=float)) * 100.0


@dataclass(frozen=True)
class Outages:
    """Failure events of one region's deployment: parallel lists of events a year and minutes each."""

    events_per_year: list[np.ndarray]
    minutes: list[np.ndarray]

    def downtime_minutes(self, cap_minutes: float | None = None) -> np.ndarray:
        """Minutes down a year; with ``cap_minutes`` every event ends by then (traffic moved elsewhere)."""
        total = np.zeros(1)
        for e, m in zip(self.events_per_year, self.minutes):
            total = total + e * (m if cap_minutes is None else np.minimum(m, cap_minutes))
        return total


def region_outages(f: FailureModel, compute: np.ndarray, survive_az_loss: npt.ArrayLike, cache_used: npt.ArrayLike,
                   cache_multi_az: npt.ArrayLike, db_multi_az: npt.ArrayLike,
                   single_az_restore_minutes: float) -> Outages:
    """The failure events of one region's stack (no region-wide events), per scenario.

    ``compute`` is one of ``single`` (one instance), ``pair`` (active/standby in two AZs), ``fleet`` (instances
    or tasks behind a load balancer across AZs) or ``managed`` (a regional serverless service)."""
    compute = np.asarray(compute)
    static = np.asarray(survive_az_loss, dtype=bool)
    zero = np.zeros(len(compute))
    single, pair, fleet = compute == "single", compute == "pair", compute == "fleet"
    e: list[np.ndarray] = []
    m: list[np.ndarray] = []

    def add(events: npt.ArrayLike, minutes: npt.ArrayLike) -> None:
        e.append(np.broadcast_to(np.asarray(events, dtype=float), zero.shape))
        m.append(np.broadcast_to(np.asarray(minutes, dtype=float), zero.shape))

    # compute: failures and AZ losses, then updates
    add(np.where(single | pair, f.instance_failures_per_year, 0.0),
        np.where(single, f.manual_recovery_minutes, f.failover_minutes))
    add(np.where(single | pair | fleet, f.az_failures_per_year, 0.0),
        np.where(single, np.minimum(f.az_outage_minutes, f.manual_recovery_minutes),
                 np.where(fleet & ~static, f.failover_minutes + f.scale_out_minutes, f.failover_minutes)))
    add(np.where(single, f.in_place_changes_per_year, 0.0), f.in_place_change_minutes)
    # cache: a lost node is replaced by ElastiCache (single) or its replica takes over (Multi-AZ)
    cache = np.asarray(cache_used, dtype=bool)
    cache_maz = np.asarray(cache_multi_az, dtype=bool)
    add(np.where(cache, f.instance_failures_per_year + f.az_failures_per_year, 0.0),
        np.where(cache_maz, f.failover_minutes, f.scale_out_minutes))
    # database
    maz = np.asarray(db_multi_az, dtype=bool)
    add(f.db_failures_per_year + f.db_maintenance_events_per_year,
        np.where(maz, f.failover_minutes, f.single_az_db_recovery_minutes))
    add(f.az_failures_per_year,
        np.where(maz, f.failover_minutes, min(f.az_outage_minutes, single_az_restore_minutes)))
    return Outages(e, m)


def designed_for_pct(outages: Outages, f: FailureModel, region_recovery_minutes: npt.ArrayLike,
                     active_active: npt.ArrayLike) -> np.ndarray:
    """Designed-for availability [%] of a deployment with the given DR recovery time per region-wide event
    [minutes] (a tier's RTO; the event's length without DR), or two active regions where ``active_active``."""
    aa = np.asarray(active_active, dtype=bool)
    one = outages.downtime_minutes() + f.region_failures_per_year * np.minimum(
        f.region_outage_minutes, np.asarray(region_recovery_minutes, dtype=float))
    # active/active: each region serves half the traffic; both regions' events count, each cut to the DNS failover
    two = outages.downtime_minutes(f.dns_failover_minutes) + f.region_failures_per_year * f.dns_failover_minutes
    return 100.0 * (1.0 - np.where(aa, two, one) / MINUTES_PER_YEAR)
