"""Sweeps: the cartesian product of a base workload and a few axes, written as a scenario file for
``planner batch`` (``planner sweep``).

An axis is ``field=spec``: a list (``region=us-east-1,eu-west-1``, ``availability_target=99,99.9,99.99``) or a
range of a numeric field, ``low..high:n`` (evenly spaced) or ``low..high:log:n`` (evenly spaced in log, e.g.
``peak_rps=100..100000:log:20``). ``field`` is a workload field or a ``policy.<field>`` column, as in a batch
CSV. Every value is checked against the field's range before anything is written; the grid is generated in
slices, so a million rows never sit in memory as Python objects.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from planner.base.errors import PlannerError, unknown_name
from planner.clouds.regions import equivalent_region
from planner.running.batch_input import POLICY_COLUMNS
from planner.workload.model import ENUM_FIELDS, NUMERIC_FIELDS, TEXT_FIELDS, Workload, field_constraints

MAX_AXIS_POINTS = 100_000
MAX_GRID_ROWS = 100_000_000
SLICE_ROWS = 250_000
_RANGE = re.compile(r"^\s*([^.:]*(?:\.[^.:]+)?)\s*\.\.\s*([^:]+?)\s*(?::\s*(lin|log))?\s*:\s*(\d+)\s*$")
_USERS = ("daily_active_users", "requests_per_user_per_day")


class SweepError(PlannerError):
    """An axis or the grid cannot be used; the message names the axis and what is wrong."""


@dataclass(frozen=True)
class Axis:
    """One swept column and its values, in order."""

    column: str
    values: tuple[Any, ...]


def parse_axis(spec: str) -> Axis:
    """An axis from ``field=values`` (see the module docstring); a clear :class:`SweepError` otherwise."""
    column, sep, body = spec.partition("=")
    column, body = column.strip(), body.strip()
    if not sep or not column or not body:
        raise SweepError(f"--grid {spec!r}: expected field=values, e.g. peak_rps=100..10000:log:5 or "
                         "region=us-east-1,eu-west-1")
    known = [*TEXT_FIELDS, *NUMERIC_FIELDS, *POLICY_COLUMNS]
    if column not in known or column == "name":
        raise SweepError(f"--grid {spec!r}: " + str(unknown_name("field", column, [k for k in known if k != "name"])))
    numeric = column in NUMERIC_FIELDS or (column.startswith("policy.") and _policy_numeric(column))
    match = _RANGE.match(body)
    if match:
        if not numeric:
            raise SweepError(f"--grid {spec!r}: {column} is not numeric; list its values: {column}=a,b,c")
        values = _range(spec, *match.groups())
    else:
        parts = [p.strip() for p in body.split(",")]
        if any(not p for p in parts):
            raise SweepError(f"--grid {spec!r}: an empty value in the list")
        values = tuple(_number(spec, p) for p in parts) if numeric else tuple(parts)
    if column in ENUM_FIELDS:
        bad = [v for v in values if v not in ENUM_FIELDS[column]]
        if bad:
            raise SweepError(f"--grid {spec!r}: {column} takes {', '.join(ENUM_FIELDS[column])}; not "
                             f"{', '.join(map(str, bad))}")
    if column == "cloud":
        from planner.clouds import catalogs

        bad = [v for v in values if v not in catalogs()]
        if bad:
            raise SweepError(f"--grid {spec!r}: " + str(unknown_name("cloud", str(bad[0]), list(catalogs()))))
    if column in NUMERIC_FIELDS:
        if Workload.model_fields[column].annotation is int:
            values = tuple(dict.fromkeys(int(round(v)) for v in values))
        _check_bounds(spec, column, values)
    if len(values) > MAX_AXIS_POINTS:
        raise SweepError(f"--grid {spec!r}: {len(values):,} points; at most {MAX_AXIS_POINTS:,} on one axis")
    if len(set(values)) != len(values):
        raise SweepError(f"--grid {spec!r}: a value appears twice")
    return Axis(column, values)


def _policy_numeric(column: str) -> bool:
    from planner.running.batch_input import policy_column_is_numeric

    return policy_column_is_numeric(column)


def _number(spec: str, text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise SweepError(f"--grid {spec!r}: {text!r} is not a number") from None
    if not math.isfinite(value):
        raise SweepError(f"--grid {spec!r}: {text!r} is not a finite number")
    return value


def _range(spec: str, low: str, high: str, scale: str | None, count: str) -> tuple[float, ...]:
    lo, hi, n = _number(spec, low), _number(spec, high), int(count)
    if n < 1 or n > MAX_AXIS_POINTS:
        raise SweepError(f"--grid {spec!r}: the point count must be 1 to {MAX_AXIS_POINTS:,}, not {n:,}")
    if lo > hi:
        raise SweepError(f"--grid {spec!r}: the range runs from {lo:g} down to {hi:g}; give low..high")
    if n == 1:
        return (lo,)
    if scale == "log":
        if lo <= 0:
            raise SweepError(f"--grid {spec!r}: a log range needs a low end above 0, not {lo:g}")
        points = np.geomspace(lo, hi, n)
    else:
        points = np.linspace(lo, hi, n)
    return tuple(float(f"{p:.6g}") for p in points)  # readable cells: 6 significant digits


def _check_bounds(spec: str, column: str, values: Sequence[float]) -> None:
    ops = {"gt": (lambda v, b: v > b, ">"), "ge": (lambda v, b: v >= b, ">="), "lt": (lambda v, b: v < b, "<"),
           "le": (lambda v, b: v <= b, "<=")}
    for op, bound in field_constraints(column):
        test, sign = ops[op]
        bad = [v for v in values if not test(v, bound)]
        if bad:
            raise SweepError(f"--grid {spec!r}: {column} must be {sign} {bound:g}; {bad[0]:g} is not "
                             f"({Workload.model_fields[column].description})")


def grid_rows(axes: Sequence[Axis]) -> int:
    return math.prod(len(a.values) for a in axes)


def base_columns(base: Workload, axes: Sequence[Axis]) -> dict[str, Any]:
    """The base workload's fields set away from their defaults (and its policy overrides, as ``policy.*``
    columns), less the swept ones; traffic given one way in the base gives way to the other on an axis."""
    data = base.model_dump(mode="json", exclude_defaults=True, exclude={"policy", "name"})
    swept = {a.column for a in axes}
    if "peak_rps" in swept:
        for f in _USERS:
            data.pop(f, None)
    if swept & set(_USERS):
        data.pop("peak_rps", None)
    policy = base.policy.model_dump(mode="json", exclude_defaults=True)
    for column in POLICY_COLUMNS:
        node: Any = policy
        for part in column.removeprefix("policy.").split("."):
            node = node.get(part) if isinstance(node, dict) else None
        if node is not None and not isinstance(node, (dict, list)):
            data[column] = node
    if "cloud" in swept:
        data.pop("region", None)  # each cloud's equivalent (see grid_slices), unless region is swept too
    return {k: v for k, v in data.items() if k not in swept and v is not None}


def grid_slices(base: Workload, axes: Sequence[Axis], rows: int = SLICE_ROWS) -> Iterator[pd.DataFrame]:
    """The grid, ``rows`` scenarios at a time: a name (``<base>-<n>``), the base columns, then one column per
    axis (the last axis varies fastest)."""
    total = grid_rows(axes)
    if total > MAX_GRID_ROWS:
        raise SweepError(f"the grid has {total:,} scenarios; at most {MAX_GRID_ROWS:,} (fewer points per axis)")
    fixed = base_columns(base, axes)
    shape = [len(a.values) for a in axes]
    values = [np.asarray(a.values, dtype=object if isinstance(a.values[0], str) else float) for a in axes]
    width = len(str(max(total - 1, 0)))
    clouds = next((a.values for a in axes if a.column == "cloud"), ())
    regions = {c: equivalent_region(base.cloud, base.region, c) for c in clouds}
    for start in range(0, total, rows):
        index = np.arange(start, min(start + rows, total))
        coords = np.unravel_index(index, shape) if axes else ()
        frame = pd.DataFrame({"name": [f"{base.name}-{i:0{width}d}" for i in index.tolist()]})
        for column, value in fixed.items():
            frame[column] = value
        for axis, vals, coord in zip(axes, values, coords):
            frame[axis.column] = vals[coord]
        if "cloud" in frame and "region" not in {a.column for a in axes}:
            # a cloud axis over the base's region: each cloud's equivalent region, as plan --clouds takes it
            frame["region"] = frame["cloud"].map(regions)
        yield frame


def write_grid(base: Workload, axes: Sequence[Axis], out: Path) -> int:
    """Write the grid to ``out`` (.csv or .parquet) atomically; return the row count."""
    from planner.base.atomic import write_atomic

    suffix = out.suffix.lower()
    if suffix not in (".csv", ".parquet"):
        raise SweepError(f"{out}: unknown scenario file format '{out.suffix or '(none)'}'; use .csv or .parquet")

    def csv(fh: Any) -> None:
        for i, part in enumerate(grid_slices(base, axes)):
            fh.write(part.to_csv(index=False, header=i == 0, lineterminator="\n").encode("utf-8"))

    def parquet(fh: Any) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        writer = None
        try:
            for part in grid_slices(base, axes):
                table = pa.Table.from_pandas(part, preserve_index=False)
                writer = writer or pq.ParquetWriter(fh, table.schema)
                writer.write_table(table)
        finally:
            if writer is not None:
                writer.close()

    write_atomic(out, csv if suffix == ".csv" else parquet)
    return grid_rows(axes)


def write_grid_parts(base: Workload, axes: Sequence[Axis], folder: Path, rows: int = SLICE_ROWS) -> int:
    """Write the grid as a new folder of Parquet files of ``rows`` scenarios each (a partition each for the Dask
    engine); return the row count."""
    folder.mkdir(parents=True, exist_ok=False)
    for i, part in enumerate(grid_slices(base, axes, rows)):
        part.to_parquet(folder / f"part-{i:05d}.parquet", index=False)
    return grid_rows(axes)
