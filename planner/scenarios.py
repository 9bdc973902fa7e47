"""Named example workloads: used by the tests (cost ranges, baseline snapshot), the docs and the dashboard."""

from __future__ import annotations

from planner.workload import Workload

SCENARIOS: dict[str, dict[str, object]] = {
    "small-internal-tool": {
        "name": "small-internal-tool", "daily_active_users": 200, "requests_per_user_per_day": 300,
        "peak_to_average": 4, "response_kb": 10, "data_size_gb": 5, "monthly_growth": 0.02,
        "availability_target": 99.0, "rto_minutes": 1440, "rpo_minutes": 1440,
    },
    "mid-size-saas": {
        "name": "mid-size-saas", "daily_active_users": 50_000, "requests_per_user_per_day": 300,
        "peak_to_average": 3, "cpu_ms_per_request": 40, "response_kb": 15, "data_size_gb": 300,
        "object_storage_gb": 2_000, "availability_target": 99.9, "rto_minutes": 60, "rpo_minutes": 15,
        "purchase_option": "savings_1yr",
    },
    "high-traffic-consumer-app": {
        "name": "high-traffic-consumer-app", "peak_rps": 20_000, "peak_to_average": 2.5, "read_fraction": 0.95,
        "cpu_ms_per_request": 20, "response_kb": 30, "latency_target_ms": 200, "data_size_gb": 2_000,
        "hot_data_fraction": 0.05, "object_storage_gb": 50_000, "monthly_growth": 0.04,
        "availability_target": 99.95, "rto_minutes": 15, "rpo_minutes": 1, "purchase_option": "spot_mix",
        "policy": {"db_cpu_ms_per_read": 5.0},
    },
}


def scenario(name: str) -> Workload:
    """The named workload; an unknown name lists the known ones."""
    from planner.errors import unknown_name

    if name not in SCENARIOS:
        raise unknown_name("scenario", name, SCENARIOS)
    return Workload.model_validate(SCENARIOS[name])
