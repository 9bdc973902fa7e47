"""How much work a vCPU of each instance family does, in the reference vCPUs the workload's CPU time is
measured on (``SizingPolicy.vcpu_throughput``; the sources are beside ``DEFAULT_VCPU_THROUGHPUT`` in
:mod:`planner.workload.policy`). A family's instance of ``n`` vCPUs offers ``n x factor`` reference vCPUs: more cores
for the M/M/c latency bound and more capacity for the throughput, so a newer, dearer generation is chosen
where its work costs less (Netflix's service-capacity-modeling normalises cores the same way)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from planner.workload.policy import SizingPolicy


def vcpu_throughput(families: pd.Series, policy: SizingPolicy) -> np.ndarray:
    """Each family's work per vCPU in reference vCPUs; 1 where the table does not list it."""
    return pd.Series(families).map(policy.vcpu_throughput).fillna(1.0).to_numpy(dtype=float)
