"""Cold starts of functions from first principles, and the provisioned concurrency that removes them.

A function's execution environment, once idle, is kept warm for a keep-alive window ``W`` and then reclaimed
(AWS Lambda documents no figure; measured keep-alives are 5-15 minutes, Shilkov, "Cold starts in AWS Lambda",
2021-2024; Shahrad et al., "Serverless in the Wild", USENIX ATC 2020, Azure Functions: a fixed 10-20 minute
keep-alive). With Poisson arrivals at rate ``r`` a request finds no warm environment when the gap since the
last one exceeds ``W``: a share ``exp(-r W)`` of requests is cold. Scale-out adds one cold start per new
environment: when the mean concurrency (Little's law, ``r x duration``) rises from one hour to the next, each
new environment's first request is cold. Per hour of the load profile (a day's or a week's hours, the last
following round to the first)::

    cold_h = exp(-r_h W) + max(r_h d - r_{h-1} d, 0) / (r_h x 3,600)

The month's cold share is the request-weighted mean. Where it exceeds ``1 - 0.99`` the cold starts reach the
p99; provisioned concurrency (always-warm environments, billed per GB-second provisioned) is scheduled for the
hours with the most cold starts until the rest falls to the p99 (Application Auto Scaling scheduled actions
for provisioned concurrency), ``ceil(r_h d + 2.33 sqrt(r_h d))`` environments in each (the 99th percentile of
the Poisson concurrency of an M/G/inf queue, normal approximation), at least one. So the remedy grows by the
hour as traffic falls, with no cliff at a fixed rate.
"""

from __future__ import annotations

import numpy as np

SECONDS_PER_HOUR = 3600.0
P99_Z = 2.326  # standard normal 99th percentile


def hourly_rps(avg_rps: np.ndarray, hourly_fraction: np.ndarray) -> np.ndarray:
    """(scenarios, hours) average request rate of each hour: ``avg_rps`` shaped by the load profile
    (``hourly_fraction``: each hour's capacity share of the peak, proportional to its rate)."""
    mean = hourly_fraction.mean(axis=1, keepdims=True)
    return np.asarray(avg_rps, dtype=float)[:, None] * hourly_fraction / np.where(mean > 0, mean, 1.0)


def hourly_cold_share(rps_by_hour: np.ndarray, duration_ms: np.ndarray, keep_alive_s: float) -> np.ndarray:
    """(scenarios, hours) share of each hour's requests that start an environment (see the module docstring)."""
    concurrency = rps_by_hour * np.asarray(duration_ms, dtype=float)[:, None] / 1000
    rise = np.maximum(concurrency - np.roll(concurrency, 1, axis=1), 0.0)
    requests = rps_by_hour * SECONDS_PER_HOUR
    with np.errstate(divide="ignore", invalid="ignore"):
        scale_out = np.where(requests > 0, rise / requests, 0.0)
    return np.minimum(np.exp(-rps_by_hour * keep_alive_s) + scale_out, 1.0)


def cold_share(rps_by_hour: np.ndarray, cold_by_hour: np.ndarray, covered: np.ndarray | None = None) -> np.ndarray:
    """The month's share of cold requests (request-weighted), the ``covered`` hours (provisioned) warm."""
    cold = cold_by_hour if covered is None else np.where(covered, 0.0, cold_by_hour)
    total = rps_by_hour.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(total > 0, (rps_by_hour * cold).sum(axis=1) / total, 0.0)


def provisioned_hours(rps_by_hour: np.ndarray, cold_by_hour: np.ndarray, allowed_share: float) -> np.ndarray:
    """(scenarios, hours) hours given provisioned concurrency: those with the most cold requests first, until the
    rest is at most ``allowed_share`` of the requests (none where it already is)."""
    cold_requests = rps_by_hour * cold_by_hour
    order = np.argsort(-cold_requests, axis=1, kind="stable")
    ranked = np.take_along_axis(cold_requests, order, axis=1)
    allowed = allowed_share * rps_by_hour.sum(axis=1, keepdims=True)
    left_after = cold_requests.sum(axis=1, keepdims=True) - np.cumsum(ranked, axis=1)
    # the k-th ranked hour is covered when the cold requests left before covering it exceed the allowance
    left_before = left_after + ranked
    covered_ranked = left_before > allowed * (1 + 1e-12)
    covered = np.zeros_like(covered_ranked)
    np.put_along_axis(covered, order, covered_ranked, axis=1)
    return covered


def provisioned_environments(rps_by_hour: np.ndarray, duration_ms: np.ndarray) -> np.ndarray:
    """(scenarios, hours) environments to provision in an hour: the 99th percentile of its concurrency, at least
    one."""
    mean = rps_by_hour * np.asarray(duration_ms, dtype=float)[:, None] / 1000
    return np.maximum(np.ceil(mean + P99_Z * np.sqrt(mean)), 1.0)
