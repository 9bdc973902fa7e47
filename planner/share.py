"""A workload in a URL query string and back, so a dashboard link reproduces a scenario."""

from __future__ import annotations

from collections.abc import Mapping

import annotated_types as at

from planner.workload import NUMERIC_FIELDS, TEXT_FIELDS, Workload, workload_from_dict


def workload_to_query(w: Workload) -> dict[str, str]:
    """The fields that differ from the defaults, as strings (the policy is not shared)."""
    data = w.model_dump(mode="json", exclude={"policy"}, exclude_defaults=True)
    return {k: f"{v:g}" if isinstance(v, float) else str(v) for k, v in data.items() if v is not None}


def workload_from_query(params: Mapping[str, str | list[str]], source: str = "link") -> Workload:
    """Rebuild a workload from query parameters; unknown parameters are ignored, bad ones raise
    :class:`~planner.workload.WorkloadError` naming the field."""
    data: dict[str, object] = {}
    for key, value in params.items():
        if key not in NUMERIC_FIELDS and key not in TEXT_FIELDS:
            continue
        data[key] = value[-1] if isinstance(value, list) else value
    return workload_from_dict(data, source)


def field_bounds(name: str) -> tuple[float | None, float | None]:
    """(lowest, highest) value a numeric workload field accepts (strict bounds given as the bound itself)."""
    low = high = None
    for m in Workload.model_fields[name].metadata:
        if isinstance(m, at.Ge | at.Gt):
            low = float(m.ge if isinstance(m, at.Ge) else m.gt)
        if isinstance(m, at.Le | at.Lt):
            high = float(m.le if isinstance(m, at.Le) else m.lt)
    return low, high
