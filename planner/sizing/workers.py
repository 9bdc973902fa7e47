"""Asynchronous work: a queue (or stream) and the worker pool that drains it within a delay target.

A queue lets workers fall behind a peak as long as no job waits longer than
``max_queue_delay_seconds`` (D). Fluid approximation of a peak of length T
(``policy.async_peak_seconds``) at rate lambda_p drained at rate mu < lambda_p:
the backlog grows by (lambda_p - mu) T, and the last job queued waits
backlog / mu (Little's law, L = lambda W). Keeping that under D needs
mu >= lambda_p T / (T + D); the pool must also keep up with the day,
mu >= the average rate. The pool is then the smallest M/M/c pool serving mu
with p99 wait <= D at ``policy.worker_target_utilization``
(:func:`planner.sizing.queueing.min_servers`). A short D gives mu ~ the peak
rate; a D of hours gives mu ~ the average.

Queue requests (SQS pricing page): each job is sent, received and deleted (3
requests per 64 KB chunk), and each idle poller long-polls every 20 s. A
stream (Kinesis Data Streams, provisioned) needs a shard per 1 MB/s or 1,000
records/s written, and bills PUT payload units of 25 KB.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

import pandas as pd

from planner.clouds.catalog import CloudCatalog
from planner.pricing.book import PriceBook
from planner.pricing.queries import instance_candidates
from planner.pricing.units import HOURS_PER_MONTH
from planner.sizing.queueing import min_servers
from planner.sizing.throughput import vcpu_throughput
from planner.workload.policy import SizingPolicy

SQS_CHUNK_KB = 64.0
SQS_REQUESTS_PER_JOB = 3.0  # send, receive, delete
LONG_POLL_SECONDS = 20.0
SHARD_WRITE_MB_S = 1.0
SHARD_WRITE_RECORDS_S = 1000.0
KINESIS_PAYLOAD_UNIT_KB = 25.0


def drain_rate(peak_per_s: np.ndarray, avg_per_s: np.ndarray, delay_s: np.ndarray, peak_s: float) -> np.ndarray:
    """The least drain rate [jobs/s] that keeps every job's wait within ``delay_s`` through a peak of
    ``peak_s`` seconds and keeps up with the day: max(average, peak x T / (T + D))."""
    return np.maximum(avg_per_s, peak_per_s * peak_s / (peak_s + delay_s))


def cheapest_per_vcpu(book: PriceBook, catalog: CloudCatalog, policy: SizingPolicy) -> pd.DataFrame:
    """Per region, the fleet instance type with the least on-demand price per reference vCPU-hour (``sku``,
    ``vcpu``, ``ref_vcpu``: its work in reference vCPUs, :mod:`planner.sizing.throughput`;
    ``usd_per_vcpu_hour`` per reference vCPU): what a worker pool runs on, and what offloaded compute is costed
    at."""
    def build() -> pd.DataFrame:
        c = instance_candidates(book, catalog.name, catalog.compute_service, policy.horizontal_family_pattern,
                                allow_arm64=policy.allow_arm64, min_vcpu=policy.fleet_min_vcpu,
                                max_vcpu=policy.fleet_max_vcpu)
        c = c.assign(ref_vcpu=c.vcpu.to_numpy(dtype=float) * vcpu_throughput(c.family, policy))
        c = c.assign(usd_per_vcpu_hour=c.hourly_usd / c.ref_vcpu).sort_values(["usd_per_vcpu_hour", "vcpu", "sku"])
        return c.drop_duplicates("region").set_index("region")[["sku", "vcpu", "ref_vcpu", "usd_per_vcpu_hour"]]

    return book.memo(("cheapest_per_vcpu", catalog.name, policy.horizontal_family_pattern, policy.allow_arm64,
                      policy.fleet_min_vcpu, policy.fleet_max_vcpu, tuple(sorted(policy.vcpu_throughput.items()))),
                     build)


def hourly_share(wf: Mapping[str, np.ndarray], hourly_fraction: np.ndarray, policy: SizingPolicy) -> np.ndarray:
    """(scenarios, hours of the load profile): the worker pool each hour needs, as a share of the peak pool
    (that hour's arrivals drained within the delay, at least the average); ``wf`` holds :func:`size_workers`'
    columns."""
    peak = np.asarray(wf["async_jobs_per_second"], dtype=float)
    avg = peak / np.asarray(wf["peak_to_average"], dtype=float)
    delay = np.asarray(wf["max_queue_delay_seconds"], dtype=float)
    mu = np.asarray(wf["drain_rate_per_s"], dtype=float)
    rate = drain_rate(peak[:, None] * hourly_fraction, avg[:, None], delay[:, None], policy.async_peak_seconds)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(peak[:, None] > 0, np.clip(rate / mu[:, None], 0, 1), 0.0)


def size_workers(wf: Mapping[str, np.ndarray], policy: SizingPolicy) -> dict[str, np.ndarray]:
    """Per scenario: jobs a month, the drain rate, the worker vCPU pool at the peak, queue requests and stream
    shards."""
    peak = np.asarray(wf["async_jobs_per_second"], dtype=float)
    avg = peak / np.asarray(wf["peak_to_average"], dtype=float)
    service_s = np.asarray(wf["job_cpu_ms"], dtype=float) / 1000
    delay = np.asarray(wf["max_queue_delay_seconds"], dtype=float)
    kb = np.asarray(wf["job_message_kb"], dtype=float)
    used = peak > 0
    mu = drain_rate(peak, avg, delay, policy.async_peak_seconds)
    servers = np.where(used, min_servers(mu * service_s, service_s, delay + service_s,
                                         policy.worker_target_utilization), 0.0)
    jobs = avg * 3600 * HOURS_PER_MONTH
    chunks = np.ceil(kb / SQS_CHUNK_KB)
    shards = np.where(used, np.maximum(np.ceil(peak * kb / 1024 / SHARD_WRITE_MB_S),
                                       np.ceil(peak / SHARD_WRITE_RECORDS_S)), 0.0)
    return {
        "async_used": used, "jobs_month": jobs, "drain_rate_per_s": np.where(used, mu, 0.0),
        "worker_vcpu_needed": servers,
        "queue_requests_month": jobs * SQS_REQUESTS_PER_JOB * chunks,
        "stream_shards": shards,
        "stream_payload_units_month": jobs * np.ceil(kb / KINESIS_PAYLOAD_UNIT_KB),
    }


def poll_requests_month(pollers: np.ndarray) -> np.ndarray:
    """Empty long-poll receives of idle pollers a month (an upper bound: a busy poller's receives are the jobs')."""
    return pollers * HOURS_PER_MONTH * 3600 / LONG_POLL_SECONDS
