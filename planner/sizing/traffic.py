"""Traffic: average and peak request rates now and at the horizon, monthly volumes.

Little's law and rate arithmetic only:
avg_rps = daily_active_users x requests_per_user_per_day / 86,400 (or peak_rps / peak_to_average);
monthly_requests = avg_rps x 3,600 x 730; growth compounds monthly,
(1 + monthly_growth)^horizon_months (traffic and data grow alike).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from planner.pricing.units import HOURS_PER_MONTH

SECONDS_PER_DAY = 86_400
KB_PER_GB = 1024 * 1024  # AWS bills transfer in GB of 1,024^3 bytes


def traffic(wf: pd.DataFrame) -> pd.DataFrame:
    """Derived traffic columns for each workload row of ``wf``."""
    by_users = wf["daily_active_users"] * wf["requests_per_user_per_day"] / SECONDS_PER_DAY
    peak_given = wf["peak_rps"].notna()
    avg_rps = np.where(peak_given, wf["peak_rps"] / wf["peak_to_average"], by_users)
    peak_rps = np.where(peak_given, wf["peak_rps"], by_users * wf["peak_to_average"])
    growth = (1.0 + wf["monthly_growth"].to_numpy()) ** wf["horizon_months"].to_numpy()
    monthly_requests = avg_rps * 3600 * HOURS_PER_MONTH
    return pd.DataFrame(
        {
            "avg_rps": avg_rps,
            "peak_rps": peak_rps,
            "growth_factor": growth,
            "avg_rps_horizon": avg_rps * growth,
            "peak_rps_horizon": peak_rps * growth,
            "monthly_requests": monthly_requests,
            "monthly_requests_horizon": monthly_requests * growth,
            "egress_gb_month": monthly_requests * wf["response_kb"].to_numpy() / KB_PER_GB,
            "data_size_gb_horizon": wf["data_size_gb"].to_numpy() * growth,
            "object_storage_gb_horizon": wf["object_storage_gb"].to_numpy() * growth,
        },
        index=wf.index,
    )
