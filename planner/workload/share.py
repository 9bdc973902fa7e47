"""A workload in a URL query string and back, so a dashboard link reproduces a scenario."""

from __future__ import annotations

from collections.abc import Mapping

from planner.workload.model import NUMERIC_FIELDS, TEXT_FIELDS, Workload, field_constraints, workload_from_dict


def workload_to_query(w: Workload) -> dict[str, str]:
    """The fields that differ from the defaults, as strings at full precision (the shortest text that reads
    back as the same number: 12345.67 stays 12345.67, 99.99999 is not rounded to 100); the policy is not
    shared."""
    data = w.model_dump(mode="json", exclude={"policy"}, exclude_defaults=True)
    return {k: _text(v) for k, v in data.items() if v is not None}


def _text(v: object) -> str:
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)
    return str(v)


def workload_from_query(params: Mapping[str, str | list[str]], source: str = "link") -> Workload:
    """Rebuild a workload from query parameters; unknown parameters are ignored, bad ones raise
    :class:`~planner.workload.model.WorkloadError` naming the field."""
    data: dict[str, object] = {}
    for key, value in params.items():
        if key not in NUMERIC_FIELDS and key not in TEXT_FIELDS:
            continue
        data[key] = value[-1] if isinstance(value, list) else value
    return workload_from_dict(data, source)


def field_bounds(name: str) -> tuple[float | None, float | None]:
    """(lowest, highest) value a numeric workload field accepts (strict bounds given as the bound itself)."""
    low = high = None
    for op, bound in field_constraints(name):
        if op in ("gt", "ge"):
            low = bound
        else:
            high = bound
    return low, high
