"""Named example workloads: used by the tests (cost ranges, baseline snapshot), the docs and the dashboard."""

from __future__ import annotations

from planner.workload.model import Workload

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
    # the architecture's outer parts: a CDN in front, objects cooling to an infrequent-access class, a WAF
    "media-site": {
        "name": "media-site", "peak_rps": 3_000, "read_fraction": 0.95, "cpu_ms_per_request": 30,
        "response_kb": 150, "cacheable_fraction": 0.6, "data_size_gb": 200, "object_storage_gb": 50_000,
        "object_storage_access": "warm", "object_cool_after_days": 30, "public": True,
        "availability_target": 99.9, "rto_minutes": 240, "rpo_minutes": 60,
    },
    # background jobs through a queue to a worker pool; uploads archived after 90 days, deleted after a year
    "event-driven-service": {
        "name": "event-driven-service", "peak_rps": 200, "cpu_ms_per_request": 30, "data_size_gb": 100,
        "async_jobs_per_second": 100, "job_cpu_ms": 300, "max_queue_delay_seconds": 120,
        "object_storage_gb": 5_000, "object_storage_access": "archive", "object_cool_after_days": 90,
        "object_retention_days": 365, "availability_target": 99.9, "rto_minutes": 240, "rpo_minutes": 60,
    },
    # sessions and carts read and written by key: a key-value store weighed against the relational database
    "key-value-sessions": {
        "name": "key-value-sessions", "peak_rps": 2_000, "read_fraction": 0.8, "data_size_gb": 50,
        "data_model": "key_value", "availability_target": 99.95, "rto_minutes": 30, "rpo_minutes": 5,
    },
}
# scenarios in order of size (the first three); the others show the architecture's optional parts
SIZED_SCENARIOS = ("small-internal-tool", "mid-size-saas", "high-traffic-consumer-app")
GOLDEN_REPORTS = ("mid-size-saas", "media-site", "event-driven-service", "key-value-sessions")


def scenario(name: str) -> Workload:
    """The named workload; an unknown name lists the known ones."""
    from planner.base.errors import unknown_name

    if name not in SCENARIOS:
        raise unknown_name("scenario", name, SCENARIOS)
    return Workload.model_validate(SCENARIOS[name])
