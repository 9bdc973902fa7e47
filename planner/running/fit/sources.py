"""Monitoring exports read into one table of series: ``series`` (its name), ``time`` (UTC), ``value``.

Three formats, told apart by their content:

* the JSON ``aws cloudwatch get-metric-data`` prints: ``MetricDataResults[]`` with ``Id``, ``Label``,
  ``Timestamps`` and ``Values`` (each series named by its ``Id``);
* a Prometheus HTTP API ``query_range`` answer: ``data.result[]`` with ``metric`` labels and ``values`` as
  ``[unix seconds, "value"]`` pairs (each series named by ``__name__``, else by its labels);
* a CSV whose first column is the time (ISO 8601, or Unix seconds) and whose other columns are metrics.

Each file is read within :data:`MAX_FIT_BYTES` and all files together within :data:`MAX_FIT_POINTS` points, their
times between :data:`EARLIEST` and :data:`LATEST` and spanning at most :data:`MAX_SPAN_DAYS` (the fit works on an
hourly clock from the first point to the last: two points decades apart would be hundreds of thousands of hours).
"""

from __future__ import annotations

import io
import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from planner.base.errors import PlannerError
from planner.base.input_files import read_limited

MAX_FIT_BYTES = 64 * 1024 * 1024  # one export
MAX_FIT_POINTS = 5_000_000  # all series of all exports: a year of minutes for nine metrics
EARLIEST, LATEST = pd.Timestamp("1990-01-01", tz="UTC"), pd.Timestamp("2100-01-01", tz="UTC")
MAX_SPAN_DAYS = 3 * 366  # three years of hours: 26,000 rows of the hourly clock


class FitError(PlannerError):
    """A monitoring export or a mapping planner cannot fit from: one line naming the file and series."""


def read_sources(paths: list[Path]) -> pd.DataFrame:
    """Every series of every file, as rows of ``source``, ``series``, ``time`` and ``value`` (sorted by series
    and time). A series name met in two files is an error (say which), and so is a file given twice."""
    seen: set[Path] = set()
    for p in paths:
        key = Path(p).resolve()
        if key in seen:
            raise FitError(f"{p}: given twice")
        seen.add(key)
    return joined([read_source(Path(p)) for p in paths])


def joined(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Several exports' series as one table (see :func:`read_sources`)."""
    out = pd.concat(frames, ignore_index=True) if frames else _empty()
    seen: dict[str, str] = {}
    for source, series in out[["source", "series"]].drop_duplicates().itertuples(index=False):
        if series in seen and seen[series] != source:
            raise FitError(f"{source}: series '{series}' is also in {seen[series]}; rename one of them")
        seen[series] = source
    if len(out) > MAX_FIT_POINTS:
        raise FitError(f"{len(out):,} points in all; planner fit reads at most {MAX_FIT_POINTS:,} (export a "
                       "coarser period, e.g. 5 minutes or an hour)")
    if len(out) and out.time.max() - out.time.min() > pd.Timedelta(days=MAX_SPAN_DAYS):
        first, last = out.loc[out.time.idxmin()], out.loc[out.time.idxmax()]
        raise FitError(f"the exports span {first.time:%Y-%m-%d} ({first.source}, series '{first.series}') to "
                       f"{last.time:%Y-%m-%d} ({last.source}, series '{last.series}'); planner fit reads at most "
                       f"{MAX_SPAN_DAYS:,} days (export a shorter window)")
    return out.sort_values(["series", "time"], kind="stable").reset_index(drop=True)


def read_source(path: Path) -> pd.DataFrame:
    """One export's series (see the module docstring)."""
    return read_source_data(read_limited(path, MAX_FIT_BYTES, what="monitoring export"), str(path))


def read_source_data(data: bytes, name: str) -> pd.DataFrame:
    """One export's series from its bytes (an upload: ``name`` is only shown)."""
    if len(data) > MAX_FIT_BYTES:
        raise FitError(f"{name}: is {len(data):,} bytes; a monitoring export is at most {MAX_FIT_BYTES:,} bytes")
    text = data.decode("utf-8-sig", errors="replace")
    stripped = text.lstrip()
    with warnings.catch_warnings():  # pandas' guesses about date formats are not the user's business
        warnings.simplefilter("ignore")
        if stripped.startswith(("{", "[")):
            try:
                doc = json.loads(text)
            except ValueError as exc:
                raise FitError(f"{name}: not valid JSON ({exc})") from None
            if isinstance(doc, dict) and "MetricDataResults" in doc:
                frame = _cloudwatch(doc, name)
            elif isinstance(doc, dict) and isinstance(doc.get("data"), dict) and "result" in doc["data"]:
                frame = _prometheus(doc, name)
            else:
                raise FitError(f"{name}: JSON that is neither a CloudWatch get-metric-data answer "
                               "(MetricDataResults) nor a Prometheus query_range answer (data.result)")
        else:
            frame = _csv(text, name)
    if not len(frame):
        raise FitError(f"{name}: no data points")
    _check_times(frame, name)
    return frame.assign(source=name)


def _check_times(frame: pd.DataFrame, name: str) -> None:
    """Times between :data:`EARLIEST` and :data:`LATEST` (epoch milliseconds read as seconds land in year 50,000)."""
    for series, times in frame.groupby("series", sort=False).time:
        outside = (times < EARLIEST) | (times > LATEST)
        if outside.any():
            bad = times[outside].iloc[0]
            raise FitError(f"{name}: series '{series}': a time of {bad:%Y-%m-%d}, outside {EARLIEST:%Y} to "
                           f"{LATEST:%Y}")


def _empty() -> pd.DataFrame:
    return pd.DataFrame({"source": pd.Series(dtype=object), "series": pd.Series(dtype=object),
                         "time": pd.Series(dtype="datetime64[ns, UTC]"), "value": pd.Series(dtype=float)})


def _frame(name: str, series: str, times: object, values: object) -> pd.DataFrame:
    try:
        time = pd.to_datetime(pd.Series(times), utc=True)
    except (ValueError, TypeError, OverflowError) as exc:  # incl. pandas' OutOfBoundsDatetime
        why = str(exc).splitlines()[0].removesuffix(" You might want to try:").rstrip(".")
        raise FitError(f"{name}: series '{series}': a timestamp is not a date and time ({why})") from None
    try:
        value = pd.to_numeric(pd.Series(values), errors="raise").astype(float)
    except (ValueError, TypeError):
        raise FitError(f"{name}: series '{series}': a value is not a number") from None
    if len(time) != len(value):
        raise FitError(f"{name}: series '{series}' has {len(time)} timestamps and {len(value)} values")
    return pd.DataFrame({"series": series, "time": time.to_numpy(), "value": value.to_numpy()})


def _cloudwatch(doc: dict, name: str) -> pd.DataFrame:
    results = doc["MetricDataResults"]
    if not isinstance(results, list):
        raise FitError(f"{name}: MetricDataResults is not a list")
    frames = []
    for i, r in enumerate(results):
        if not isinstance(r, dict) or "Timestamps" not in r or "Values" not in r:
            raise FitError(f"{name}: MetricDataResults[{i}] has no Timestamps and Values")
        series = str(r.get("Id") or r.get("Label") or f"series{i}")
        frames.append(_frame(name, series, r["Timestamps"], r["Values"]))
    return pd.concat(frames, ignore_index=True) if frames else _empty().drop(columns="source")


def _prometheus(doc: dict, name: str) -> pd.DataFrame:
    if doc.get("status", "success") != "success":
        raise FitError(f"{name}: the Prometheus answer's status is {doc.get('status')!r}, not 'success'")
    frames = []
    result = doc["data"]["result"]
    if not isinstance(result, list):
        raise FitError(f"{name}: data.result is not a list (a query_range answer is a matrix)")
    for i, r in enumerate(result):
        if not isinstance(r, dict) or not isinstance(r.get("values"), list):
            raise FitError(f"{name}: data.result[{i}] has no values (a query_range answer is a matrix)")
        labels = r.get("metric") or {}
        if not isinstance(labels, dict):
            raise FitError(f"{name}: data.result[{i}].metric is not a set of labels")
        series = str(labels.get("__name__") or ",".join(f"{k}={v}" for k, v in sorted(labels.items()))
                     or f"series{i}")
        pairs = r["values"]
        if any(not isinstance(p, list) or len(p) != 2 for p in pairs):
            raise FitError(f"{name}: series '{series}': values are not [time, value] pairs")
        frames.append(_frame(name, series, _unix_seconds(name, series, [p[0] for p in pairs]), [p[1] for p in pairs]))
    return pd.concat(frames, ignore_index=True) if frames else _empty().drop(columns="source")


def _unix_seconds(name: str, series: str, stamps: list[object]) -> pd.DatetimeIndex:
    """Unix times in seconds (numbers, or numbers as text) as UTC times; anything else is an error naming the
    series."""
    try:
        seconds = np.array([float(s) for s in stamps], dtype=float)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise FitError(f"{name}: series '{series}': a time is not a Unix time in seconds") from None
    if not np.isfinite(seconds).all() or (np.abs(seconds) > 1e11).any():  # 1e11 s: the year 5138
        raise FitError(f"{name}: series '{series}': a time is not a Unix time in seconds (give seconds, not "
                       "milliseconds)")
    return pd.to_datetime(seconds, unit="s", utc=True)


def _csv(text: str, name: str) -> pd.DataFrame:
    try:
        raw = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (ValueError, pd.errors.ParserError) as exc:
        raise FitError(f"{name}: not a CSV ({str(exc).splitlines()[0]})") from None
    if raw.shape[1] < 2:
        raise FitError(f"{name}: a CSV export needs a time column and at least one metric column")
    first = raw.columns[0]
    stamps = raw[first].str.strip()
    numeric = pd.to_numeric(stamps, errors="coerce")
    times = _unix_seconds(name, str(first), stamps.tolist()) if numeric.notna().all() else stamps
    frames = []
    for column in raw.columns[1:]:
        values = raw[column].str.strip().replace("", None)  # an empty cell: a missing point
        frames.append(_frame(name, str(column), times, values))
    return pd.concat(frames, ignore_index=True)
