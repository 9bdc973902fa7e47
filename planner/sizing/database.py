"""Database tier: storage at the horizon, instance class, Multi-AZ, read replicas, backups.

Query load at the horizon peak: reads = peak x read_fraction x (1 - cache hit
ratio), writes = peak x (1 - read_fraction); vCPU need = rate x CPU ms per
query / 1000 / target utilisation (utilisation law, U = X S; Denning & Buzen,
"The operational analysis of queueing network models", 1978). The primary
carries all writes and reads up to ``db_max_primary_vcpu``; read replicas of the
same class carry the rest. Memory holds the hot data (a quarter of it when a
cache serves the hot reads). Storage = data at the horizon x (1 + overhead), at
least the smallest gp3 volume. Backups beyond the free allowance (100 % of
provisioned storage) are billed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from planner.policy import SizingPolicy
from planner.sizing.cache import GIB_PER_GB
from planner.sizing.choose import cheapest


def effective_vcpu(cands: pd.DataFrame, policy: SizingPolicy) -> np.ndarray:
    """vCPUs a class can sustain: burstable classes (db.t*) only their baseline share (AWS burstable
    performance docs: 10-40 % per vCPU; ``policy.burstable_baseline``)."""
    burstable = cands.sku.str.match(r"^db\.t").to_numpy()
    return cands.vcpu.to_numpy() * np.where(burstable, policy.burstable_baseline, 1.0)


def multi_az_needed(availability_pct: np.ndarray, rto_minutes: np.ndarray, policy: SizingPolicy) -> np.ndarray:
    """Multi-AZ when the availability target exceeds what single-AZ promises, or the RTO is shorter than a
    single-AZ restore."""
    return (availability_pct >= policy.multi_az_min_availability) | (rto_minutes < policy.single_az_restore_minutes)


def size_database(wf: pd.DataFrame, tr: pd.DataFrame, hit_ratio: np.ndarray, multi_az: np.ndarray,
                  candidates: pd.DataFrame, policy: SizingPolicy) -> pd.DataFrame:
    """Database decision per scenario behind a cache of ``hit_ratio`` (0: no cache).

    ``candidates`` holds both deployments with ``hourly_single_usd``."""
    peak = tr["peak_rps_horizon"].to_numpy()
    read_fraction = wf["read_fraction"].to_numpy()
    cached = hit_ratio > 0
    reads = peak * read_fraction * (1 - hit_ratio)
    writes = peak * (1 - read_fraction)
    read_vcpu = reads * policy.db_cpu_ms_per_read / 1000 / policy.db_target_utilization
    write_vcpu = writes * policy.db_cpu_ms_per_write / 1000 / policy.db_target_utilization
    primary_vcpu = write_vcpu + np.minimum(read_vcpu, policy.db_max_primary_vcpu)
    hot_gb = wf["hot_data_fraction"].to_numpy() * tr["data_size_gb_horizon"].to_numpy()
    memory_gib = hot_gb * np.where(cached, policy.db_memory_for_hot_data_with_cache,
                                   policy.db_memory_for_hot_data) * GIB_PER_GB
    deployment = np.where(multi_az, "multi-az", "single-az")

    def evaluate(rows: np.ndarray, cands: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        vcpu = cands.effective_vcpu.to_numpy()[None, :]
        spare = np.maximum(vcpu - write_vcpu[rows, None], 0)
        extra_reads = np.maximum(read_vcpu[rows, None] - spare, 0)
        replicas = np.maximum(np.ceil(extra_reads / vcpu - 1e-9), 0.0)
        fits = ((vcpu >= primary_vcpu[rows, None]) & (cands.memory_gib.to_numpy()[None, :] >= memory_gib[rows, None])
                & (cands.deployment.to_numpy()[None, :] == deployment[rows, None]))
        cost = cands.hourly_usd.to_numpy()[None, :] + replicas * cands.hourly_single_usd.to_numpy()[None, :]
        return replicas, np.where(fits, cost, np.inf)

    pick = cheapest(wf["region"].to_numpy(), candidates, evaluate)
    fits = pick.candidate.to_numpy() >= 0
    storage_gb = np.maximum(tr["data_size_gb_horizon"].to_numpy() * (1 + policy.storage_overhead),
                            policy.min_storage_gb)
    backup_gb = storage_gb * (1 + policy.daily_change_fraction * policy.backup_retention_days)
    return pd.DataFrame(
        {
            "db_instance_class": pick.sku.to_numpy(),
            "db_multi_az": multi_az,
            "db_deployment": deployment,
            "db_read_replicas": pick.units.to_numpy(),
            "db_read_rps": reads,
            "db_write_rps": writes,
            "db_read_vcpu": read_vcpu,
            "db_write_vcpu": write_vcpu,
            "db_memory_gib_needed": memory_gib,
            "db_storage_gb": storage_gb,
            "db_backup_billed_gb": backup_gb - storage_gb,
            "db_fits": fits,
            "db_hourly_usd": pick.hourly_usd.to_numpy(),
        },
        index=wf.index,
    )
