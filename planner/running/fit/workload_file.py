"""A fit as a commented workload YAML: fitted fields as ``{low, mid, high}`` ranges (``planner plan`` prices them
into P10/P50/P90 bills), each with a comment saying how it was fitted and from how much; what could not be
fitted is left to the defaults, and says why."""

from __future__ import annotations

import json

from planner.base.controls import CONTROL
from planner.running.fit.estimate import WEEKDAYS, Fit
from planner.workload.model import Workload

# the workload's bounds (planner.workload.model; a share strictly inside 0-1 and a size above 0, as a range must
# be): a fitted value is kept inside them, and says so
BOUNDS = {"peak_rps": (1e-6, 10_000_000), "peak_to_average": (1.0, 20.0), "monthly_growth": (0.0, 1.0),
          "cpu_ms_per_request": (1e-6, 60_000), "read_fraction": (1e-4, 1 - 1e-4), "response_kb": (1e-6, 1e6),
          "data_size_gb": (0.0, 1_000_000)}
DEFAULT_LATENCY_TARGET_MS = float(Workload.model_fields["latency_target_ms"].default)
ORDER = ("peak_rps", "peak_to_average", "monthly_growth", "cpu_ms_per_request", "read_fraction", "response_kb",
         "data_size_gb")


def workload_yaml(fit: Fit, *, name: str, cloud: str | None, region: str | None, sources: list[str]) -> str:
    """The workload text (see the module docstring)."""
    lines = [_comment(f"fitted by planner fit from {', '.join(sources)}"),
             f"# {fit.hours:,} hours of requests, {fit.first:%Y-%m-%d %H:%M} to {fit.last:%Y-%m-%d %H:%M} UTC; "
             "ranges are 90 % intervals (low, high: 5th and 95th percentiles; mid: the value planned for)",
             f"name: {_quoted(name)}"]
    if cloud:
        lines.append(f"cloud: {_quoted(cloud)}")
    if region:
        lines.append(f"region: {_quoted(region)}")
    for field in ORDER:
        f = fit.inputs.get(field)
        if f is None:
            continue
        lo, hi = BOUNDS[field]
        low, mid, high = (min(max(v, lo), hi) for v in (f.low, f.mid, f.high))
        clipped = (low, mid, high) != (f.low, f.mid, f.high)
        lines.append(f"# {field}: {f.method}; {f.points:,} point(s)" + (
            f"; fitted {f.low:.4g} / {f.mid:.4g} / {f.high:.4g}, kept inside the workload's bounds {lo:g} to {hi:g}"
            if clipped else ""))
        if high - low <= 1e-6 * max(abs(mid), 1e-9):  # the same at the precision written: one value
            lines.append(f"{field}: {_number(mid)}")
        else:
            lines.append(f"{field}: {{low: {_number(low)}, mid: {_number(mid)}, high: {_number(high)}}}")
    if fit.week_shape is not None:
        lines += [_comment("the observed shape of a week, Monday 00:00 UTC first (each hour's share of the week's "
                           "mean: docs/model.md, 'Fitted inputs'): the hourly profile Auto Scaling and commitments "
                           "are sized on, in place of the default day"),
                  "policy:", "  diurnal_profile: ["]
        days = fit.week_shape.reshape(len(WEEKDAYS), 24)
        lines += [f"    {', '.join(f'{v:.4g}' for v in day)}{',' if i < len(days) - 1 else ''}  # {WEEKDAYS[i]}"
                  for i, day in enumerate(days)]
        lines.append("  ]")
    elif fit.daily_shape is not None:
        lines += [_comment("the observed shape of a day (each UTC hour's median share of its day's mean): the hourly "
                           "profile Auto Scaling and commitments are sized on, in place of the default one"),
                  "policy:",
                  "  diurnal_profile: [" + ", ".join(f"{v:.4g}" for v in fit.daily_shape) + "]"]
    target = latency_target_ms(fit)
    if target is not None:
        lines += [_comment(f"the default p99 latency target ({DEFAULT_LATENCY_TARGET_MS:g} ms) is below the fitted "
                           "CPU time of a request: raised to twice its high end; set your own"),
                  f"latency_target_ms: {_number(target)}"]
    left = [f for f in ORDER if f not in fit.inputs]
    if left:
        lines.append(_comment(f"not fitted, the defaults apply (planner example describes them): {', '.join(left)}"))
    for warning in fit.warnings:  # they name series, whose names come from the files
        lines.append(_comment(f"note: {warning}"))
    return "\n".join(lines) + "\n"


def latency_target_ms(fit: Fit) -> float | None:
    """The latency target a fitted workload needs where the default is at or below the fitted CPU time of a
    request (no server answers faster than its CPU time; the workload would be invalid): twice the CPU time's
    high end, two significant digits. None where the default serves."""
    cpu = fit.inputs.get("cpu_ms_per_request")
    if cpu is None or cpu.high < DEFAULT_LATENCY_TARGET_MS:
        return None
    return float(f"{2 * min(cpu.high, BOUNDS['cpu_ms_per_request'][1]):.2g}")


def _number(x: float) -> str:
    return f"{x:.6g}"


def _quoted(text: str) -> str:
    """A YAML double-quoted scalar of ``text``: nothing in it can end the value or start another key."""
    return json.dumps(CONTROL.sub(" ", text), ensure_ascii=False)


def _comment(text: str) -> str:
    """A YAML comment line: a line break or control character in a file or series name (chosen by whoever wrote
    the export) would end the comment and start a key of the workload, so each becomes a space."""
    return "# " + CONTROL.sub(" ", text)
