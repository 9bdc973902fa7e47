"""``planner example``: a commented example workload, generated from the model so it never drifts."""

from __future__ import annotations

import textwrap
from enum import Enum

from planner.workload.model import Workload

EXAMPLE_VALUES: dict[str, object] = {
    "name": "checkout-api",
    "region": "us-east-1",
    "peak_rps": 500,
    "data_size_gb": 100,
    "object_storage_gb": 500,
}

SECTIONS = {
    "identity": ("name", "cloud", "region"),
    "traffic": ("peak_rps", "daily_active_users", "requests_per_user_per_day", "peak_to_average", "read_fraction",
                "cpu_ms_per_request", "response_kb", "latency_target_ms"),
    "data": ("data_size_gb", "data_model", "monthly_growth", "horizon_months", "object_storage_gb", "hot_data_fraction",
             "object_storage_access", "object_cool_after_days", "object_retention_days"),
    "edge": ("cacheable_fraction", "cdn_hit_ratio", "cdn", "public"),
    "asynchronous work": ("async_jobs_per_second", "job_cpu_ms", "job_message_kb", "max_queue_delay_seconds",
                          "queue_kind"),
    "reliability": ("availability_target", "rto_minutes", "rpo_minutes"),
    "money": ("purchase_option", "target_cpu_utilization"),
}


def _yaml_value(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, str):
        return value
    return f"{value:g}" if isinstance(value, float) else str(value)


def example_yaml() -> str:
    """YAML text of a valid workload: every field with its description; unused ones commented out."""
    fields = Workload.model_fields
    out = ["# planner workload: every field is optional except the traffic (peak_rps, or daily_active_users",
           "# with requests_per_user_per_day). Plan it with:  planner plan workload.yaml --format md", ""]
    for section, names in SECTIONS.items():
        out.append(f"# --- {section} ---")
        for name in names:
            desc = textwrap.wrap(fields[name].description or "", 100)
            out += [f"# {line}" for line in desc]
            if name in EXAMPLE_VALUES:
                out.append(f"{name}: {_yaml_value(EXAMPLE_VALUES[name])}")
            else:
                out.append(f"# {name}: {_yaml_value(fields[name].default)}")
        out.append("")
    out += ["# --- sizing policy: override any tunable (see docs/model.md), e.g. ---",
            "# policy:",
            "#   burst_headroom: 0.5",
            "#   allow_arm64: false",
            "#   database_engine: mysql", ""]
    return "\n".join(out)


def template_csv() -> str:
    """A documented template for ``planner batch``: '#' lines describe every column, then three scenarios."""
    from planner.running.batch_input import POLICY_COLUMNS
    from planner.workload.scenarios import SCENARIOS

    fields = Workload.model_fields
    columns = [name for names in SECTIONS.values() for name in names]
    out = ["# planner batch template: one scenario per row; columns are the workload fields (any order, any",
           "# subset: a missing column or an empty cell takes the default). Lines starting with # are ignored.",
           "# Give traffic as peak_rps, or as daily_active_users with requests_per_user_per_day.",
           f"# Sizing policy overrides: add columns named policy.<field>, e.g. {', '.join(POLICY_COLUMNS[:3])}.",
           "# Uncertain inputs: instead of a field, give <field>.low and <field>.high (a 90 % interval) and optionally",
           "# <field>.mid (the median), e.g. peak_rps.low,peak_rps.high; ranged rows gain P10/P50/P90 columns.",
           "#"]
    out += [f"# {name}: {fields[name].description}" for name in columns]
    policy_fields = sorted({k for v in SCENARIOS.values() for k in v.get("policy", {})})  # type: ignore[union-attr]
    out.append(",".join(columns + [f"policy.{k}" for k in policy_fields]))
    for values in SCENARIOS.values():
        policy = values.get("policy", {})
        cells = [_csv_cell(values.get(name, "")) for name in columns]
        cells += [_csv_cell(policy.get(k, "")) for k in policy_fields]  # type: ignore[union-attr]
        out.append(",".join(cells))
    return "\n".join(out) + "\n"


def _csv_cell(value: object) -> str:
    text = "" if value == "" else _yaml_value(value)
    return f'"{text}"' if "," in text else text
