"""Traffic with known parameters, and the monitoring exports a system serving it would give: what the fit is
tested on (its parameters must come back inside the fitted intervals).

The rate at hour ``t`` (days ``d``): ``base x (1 + amplitude x sin(2 pi (h - 9) / 24)) x weekly x growth^(d /
30.44) x noise``, with ``weekly`` the weekend's share on Saturdays and Sundays; the busy vCPUs are ``idle +
rate x cpu_ms / 1000`` (a fleet scaled to keep its CPU at most ``target_cpu``), reads and writes and response
bytes in proportion to the requests, storage growing with the data.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Traffic:
    """The true parameters of a synthetic system."""

    mean_rps: float = 400.0  # on the first day, weekdays
    amplitude: float = 0.6  # daily swing: the weekday peak-to-average is 1 + amplitude
    weekend: float = 0.8  # a weekend day's rate as a share of a weekday's
    monthly_growth: float = 0.05
    cpu_ms_per_request: float = 40.0
    idle_vcpu: float = 1.5  # the fleet's background load, whatever the requests
    vcpu_per_instance: float = 2.0
    target_cpu: float = 0.5
    read_fraction: float = 0.8
    response_kb: float = 24.0
    data_gb: float = 500.0
    noise: float = 0.05  # lognormal sigma of each hour's rate
    days: int = 42
    step_minutes: int = 5
    gaps: int = 0  # hours with no point
    seed: int = 1


def series(t: Traffic, start: str = "2026-09-01") -> pd.DataFrame:
    """One row per sample: ``time`` and the columns a monitoring system would record (requests per period,
    CPU %, instances, reads, writes, response bytes, storage bytes)."""
    rng = np.random.default_rng(t.seed)
    steps = t.days * 24 * 60 // t.step_minutes
    time = pd.date_range(start, periods=steps, freq=f"{t.step_minutes}min", tz="UTC")
    hours = time.hour + time.minute / 60
    day = (time - time[0]).total_seconds() / 86_400
    weekly = np.where(time.day_of_week >= 5, t.weekend, 1.0)
    growth = (1 + t.monthly_growth) ** (day / (365.25 / 12))
    hourly_noise = np.exp(rng.normal(0, t.noise, t.days * 24))[(day * 24).astype(int)]
    rps = t.mean_rps * (1 + t.amplitude * np.sin(2 * math.pi * (hours - 9) / 24)) * weekly * growth * hourly_noise
    busy_app = rps * t.cpu_ms_per_request / 1000
    busy = (busy_app + t.idle_vcpu) * np.exp(rng.normal(0, t.noise / 2, steps))  # measured with some noise
    instances = np.maximum(np.ceil(busy / (t.vcpu_per_instance * t.target_cpu)), 2)
    period = t.step_minutes * 60
    out = pd.DataFrame({
        "time": time,
        "requests": rps * period,
        "cpu_pct": 100 * busy / (instances * t.vcpu_per_instance),
        "instances": instances,
        "db_reads": rps * t.read_fraction * period,
        "db_writes": rps * (1 - t.read_fraction) * period,
        "response_bytes": rps * t.response_kb * 1024 * period,
        "storage_bytes": t.data_gb * 1024**3 * growth,
    })
    if t.gaps:
        lost = rng.choice(t.days * 24, size=t.gaps, replace=False)
        out = out[~np.isin((day * 24).astype(int), lost)]
    return out.reset_index(drop=True)


def as_csv(frame: pd.DataFrame) -> str:
    """A CSV export: ISO timestamps, then the metrics."""
    f = frame.copy()
    f["time"] = f.time.dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    return f.to_csv(index=False, lineterminator="\n")


def as_cloudwatch(frame: pd.DataFrame) -> str:
    """The JSON ``aws cloudwatch get-metric-data`` prints (newest first, as it does by default)."""
    back = frame.iloc[::-1]
    stamps = back.time.dt.strftime("%Y-%m-%dT%H:%M:%S+00:00").tolist()
    return json.dumps({"MetricDataResults": [
        {"Id": c, "Label": c, "Timestamps": stamps, "Values": back[c].round(6).tolist(), "StatusCode": "Complete"}
        for c in frame.columns if c != "time"], "Messages": []})


def as_prometheus(frame: pd.DataFrame) -> str:
    """A Prometheus HTTP API ``query_range`` answer (a matrix), one result per metric."""
    seconds = (frame.time - pd.Timestamp(0, tz="UTC")).dt.total_seconds().round().astype(int).tolist()
    return json.dumps({"status": "success", "data": {"resultType": "matrix", "result": [
        {"metric": {"__name__": c, "job": "api"}, "values": [[s, f"{v:.6g}"] for s, v in zip(seconds, frame[c])]}
        for c in frame.columns if c != "time"]}})
