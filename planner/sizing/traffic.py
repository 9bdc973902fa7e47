"""Traffic: average and peak request rates now and at the horizon, monthly volumes.

Little's law and rate arithmetic only:
avg_rps = daily_active_users x requests_per_user_per_day / 86,400 (or peak_rps / peak_to_average);
monthly_requests = avg_rps x 3,600 x 730; growth compounds monthly,
(1 + monthly_growth)^horizon_months (traffic and data grow alike).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from planner.pricing.units import HOURS_PER_MONTH

SECONDS_PER_DAY = 86_400
KB_PER_GB = 1024 * 1024  # AWS bills transfer in GB of 1,024^3 bytes


def traffic(wf: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Derived traffic columns for the workload columns ``wf`` (one element per scenario)."""
    peak_to_average = wf["peak_to_average"].astype(float)
    by_users = wf["daily_active_users"].astype(float) * wf["requests_per_user_per_day"] / SECONDS_PER_DAY
    given = wf["peak_rps"].astype(float)
    peak_given = ~np.isnan(given)
    avg_rps = np.where(peak_given, given / peak_to_average, by_users)
    peak_rps = np.where(peak_given, given, by_users * peak_to_average)
    growth = (1.0 + wf["monthly_growth"].astype(float)) ** wf["horizon_months"].astype(float)
    monthly_requests = avg_rps * 3600 * HOURS_PER_MONTH
    return {
        "avg_rps": avg_rps,
        "peak_rps": peak_rps,
        "growth_factor": growth,
        "avg_rps_horizon": avg_rps * growth,
        "peak_rps_horizon": peak_rps * growth,
        "monthly_requests": monthly_requests,
        "monthly_requests_horizon": monthly_requests * growth,
        "egress_gb_month": monthly_requests * wf["response_kb"] / KB_PER_GB,
        "data_size_gb_horizon": wf["data_size_gb"] * growth,
        "object_storage_gb_horizon": wf["object_storage_gb"] * growth,
    }
