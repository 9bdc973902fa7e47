"""One vocabulary: what a person reads for each workload field, policy tunable and enumerated value, used by
the dashboard's form, its error messages and the tables and charts that name inputs (a name in code, such as
``peak_rps`` or ``policy.usl_sigma``, never reaches a reader where a label exists). DR tier names are
:func:`planner.workload.policy.tier_label`."""

from __future__ import annotations

# every numeric workload field, as the form labels it
FIELD_LABELS = {
    "daily_active_users": "Daily active users",
    "requests_per_user_per_day": "Requests per user per day",
    "peak_rps": "Peak requests/s",
    "peak_to_average": "Peak / average",
    "read_fraction": "Read share",
    "cpu_ms_per_request": "CPU ms per request",
    "response_kb": "Response KB",
    "latency_target_ms": "p99 latency target (ms)",
    "data_size_gb": "Database size (GB)",
    "hot_data_fraction": "Hot share of data",
    "object_storage_gb": "Object storage (GB)",
    "monthly_growth": "Monthly growth",
    "horizon_months": "Horizon (months)",
    "availability_target": "Availability target (%)",
    "rto_minutes": "RTO (minutes)",
    "rpo_minutes": "RPO (minutes)",
    "target_cpu_utilization": "CPU utilisation target",
    "object_cool_after_days": "Objects cool after (days)",
    "object_retention_days": "Objects deleted after (days)",
    "cacheable_fraction": "Cacheable share of responses",
    "cdn_hit_ratio": "CDN hit ratio",
    "async_jobs_per_second": "Background jobs/s at peak",
    "job_cpu_ms": "CPU ms per job",
    "job_message_kb": "Job message KB",
    "max_queue_delay_seconds": "Longest queue wait (s)",
}

# the policy tunables the uncertainty analysis varies, and others a reader meets in a driver list
POLICY_LABELS = {
    "usl_sigma": "USL contention (sigma)",
    "usl_kappa": "USL coherency (kappa)",
    "hot_read_share": "Reads that hit the hot data",
    "db_cpu_ms_per_read": "Database CPU ms per read",
    "db_cpu_ms_per_write": "Database CPU ms per write",
    "db_target_utilization": "Database CPU utilisation target",
    "burst_headroom": "Fleet headroom above the horizon peak",
    "storage_overhead": "Storage overhead",
    "backend_kb_per_request": "KB between app and data per request",
}

# what the form shows for an enumerated field's values (the value itself where none is given)
CHOICE_LABELS = {
    "purchase_option": {"on_demand": "on demand", "savings_1yr": "1-year savings plan",
                        "savings_3yr": "3-year savings plan", "spot_mix": "spot for the burst",
                        "optimise": "optimise (commit what pays)"},
    "data_model": {"key_value": "key-value"},
    "cdn": {"auto": "when it pays", "always": "always", "never": "never"},
}

# the purchase options a price table holds (planner.pricing.units.PURCHASE_OPTIONS), as a reader says them
PRICE_OPTION_LABELS = {"on_demand": "on demand", "reserved_1yr": "1-year reservation",
                       "reserved_3yr": "3-year reservation", "savings_1yr": "1-year savings plan",
                       "savings_3yr": "3-year savings plan", "spot": "spot", "sustained_use": "sustained use"}

# the columns of the price tables a reader browses
PRICE_COLUMN_LABELS = {"sku": "SKU", "vcpu": "vCPU", "memory_gib": "memory (GiB)", "arch": "architecture",
                       "gpu_count": "GPUs", "option": "purchase option", "prices_as_of": "price as of",
                       "source_id": "source", "upfront_usd": "upfront USD", "payment": "payment",
                       "interruption": "spot interruption", "engine": "engine", "deployment": "deployment"}

# the kinds of price table (the manifest's ``kind``), as the provenance table names them
TABLE_KIND_LABELS = {"instance_prices": "instance prices", "instance_specs": "instance specs",
                     "service_prices": "service prices", "regions": "regions", "sources": "sources"}

# the columns of a batch's results, as a reader's table heads them
COLUMN_LABELS = {
    "row": "row", "name": "name", "region": "region", "option": "option", "feasible": "feasible",
    "reason": "why not", "monthly_usd": "monthly", "annual_usd": "annual", "recommended": "recommended",
    "availability_pct": "designed-for availability", "sla_floor_pct": "SLA floor", "dr_tier": "DR tier",
    "instance_type": "instance type", "instances_min": "instances (min)", "instances_desired": "instances (peak)",
    "instances_max": "instances (max)", "azs": "AZs", "cache_node_type": "cache node", "cache_nodes": "cache nodes",
    "db_engine_variant": "database engine", "db_instance_class": "database class", "db_multi_az": "Multi-AZ",
    "db_shards": "database shards", "db_pooler": "connection pooler", "db_read_replicas": "read replicas",
    "db_storage_gb": "database storage (GB)", "db_provisioned_iops": "provisioned IOPS",
    "feasible_options": "feasible options", "peak_rps": "peak req/s", "vcpu_needed": "vCPU needed",
}


# decisions whose choice is a workload field's value (by topic): shown as that field's choice label
DECISION_FIELDS = {"purchase": "purchase_option"}


def choice_label(field: str, value: str) -> str:
    """What a reader sees for an enumerated workload field's ``value`` (:data:`CHOICE_LABELS`; else the value)."""
    return CHOICE_LABELS.get(field, {}).get(value, value)


def decision_label(topic: str, choice: str) -> str:
    """A decision's choice as a reader says it (the JSON contract keeps the value itself)."""
    field = DECISION_FIELDS.get(topic)
    return choice_label(field, choice) if field else choice


def column_label(name: str) -> str:
    """A result column's head (:data:`COLUMN_LABELS`; else its name in words, ``_usd`` as USD, ``_pct`` as %)."""
    if name in COLUMN_LABELS:
        return COLUMN_LABELS[name]
    words = name.removesuffix("_usd").removesuffix("_pct").replace("_", " ")
    return words + (" (USD)" if name.endswith("_usd") else " (%)" if name.endswith("_pct") else "")


def field_label(name: str) -> str:
    """The label of a workload field or a ``policy.<tunable>`` (the name in words where none is listed)."""
    if name in FIELD_LABELS:
        return FIELD_LABELS[name]
    bare = name.removeprefix("policy.")
    if bare in POLICY_LABELS:
        return f"{POLICY_LABELS[bare]} (policy)"
    words = bare.replace("_", " ").replace(".", ": ")
    return (words[:1].upper() + words[1:]) + (" (policy)" if name.startswith("policy.") else "")
