"""Managed compute options: containers (ECS on Fargate, Cloud Run) and functions (Lambda behind API Gateway,
Cloud Run functions), as the cloud's catalog names them."""

from __future__ import annotations

import numpy as np

from planner.clouds.catalog import PriceRef
from planner.engine.bom import BomBuilder
from planner.engine.options.context import Columns, Context, add_reason, option_frame
from planner.sizing.cold_starts import (cold_share, hourly_cold_share, hourly_rps, provisioned_environments,
                                        provisioned_hours)
from planner.sizing.profile import days_per_profile, repeats_per_month
from planner.sizing.usl import usl_capacity

MS_PER_S = 1000


def containers(ctx: Context, bom: BomBuilder) -> Columns:
    """Containers of a fixed size (ECS on Fargate, Cloud Run with CPU always allocated), autoscaled like a
    fleet, spread over the AZs.

    The price books hold no committed-use or spot rates for containers, so they are billed on demand.
    """
    p, av = ctx.policy, ctx.policy.availability
    cap = np.full(ctx.n, float(usl_capacity(p.fargate_task_vcpu, p.usl_sigma, p.usl_kappa)))
    units = ctx.elastic_units(np.full(ctx.n, float(p.fargate_task_vcpu)), cap)
    arch = "arm64" if p.allow_arm64 else "x86_64"
    sku = (f"{p.fargate_task_vcpu:g} vCPU / {p.fargate_task_memory_gb:g} GB task"
           + _arch_label(ctx.catalog.price("container_vcpu"), arch))
    frame = option_frame(ctx, "containers", instance_type=sku, azs=ctx.col("azs"), front="alb",
                         compute_availability_pct=av.fargate, **units)
    task_hours = units["instance_hours"]
    cat = ctx.catalog
    bom.priced(ctx.rows, "containers", "tasks (vCPU)", cat.price("container_vcpu"), ctx.region,
               task_hours * p.fargate_task_vcpu, fill={"arch": arch}, sku=sku)
    bom.priced(ctx.rows, "containers", "tasks (memory)", cat.price("container_memory"), ctx.region,
               task_hours * p.fargate_task_memory_gb, fill={"arch": arch}, sku=sku)
    return frame


COLD_START_PERCENTILE = 0.99  # the latency target is a p99: cold starts may touch at most 1 % of requests


def serverless(ctx: Context, bom: BomBuilder) -> Columns:
    """Functions (Lambda behind an API Gateway HTTP API; Cloud Run functions on their own endpoint).

    Duration = CPU time / vCPU share + time waiting on the database; GB-seconds =
    requests x duration x memory. Past the account's concurrency quota (Little's law:
    concurrency = peak rate x duration) the plan names the quota to raise; infeasible when
    the duration exceeds the p99 target; where cold starts reach the p99 (:mod:`planner.sizing.cold_starts`),
    provisioned concurrency is billed for the hours that need it (infeasible where the
    cloud's price book has none).
    """
    p, av = ctx.policy, ctx.policy.availability
    vcpu_share = min(1.0, p.lambda_memory_mb / ctx.catalog.function_mb_per_vcpu)
    duration_ms = ctx.col("cpu_ms_per_request") / vcpu_share + p.backend_wait_ms
    memory_gb = p.lambda_memory_mb / 1024
    concurrency_peak = ctx.col("peak_rps_horizon") * duration_ms / MS_PER_S
    arch = "arm64" if p.allow_arm64 else "x86_64"
    label = f"{ctx.catalog.product('function')} {p.lambda_memory_mb} MB"
    frame = option_frame(ctx, "serverless", instance_type=label + _arch_label(ctx.catalog.price("function_duration"),
                                                                              arch),
                         instances_desired=np.ceil(ctx.col("peak_rps") * duration_ms / MS_PER_S),
                         instances_max=np.ceil(concurrency_peak), front="api_gateway", compute_kind="managed",
                         compute_availability_pct=av.lambda_)
    target = ctx.col("latency_target_ms")
    # the account's concurrency is a soft quota (AWS default 1,000; raised on request to tens of thousands):
    # a plan past it says which quota to raise and to what, it is not refused
    frame["concurrency_quota_to_raise"] = np.where(concurrency_peak > p.lambda_concurrency_limit,
                                                   np.ceil(concurrency_peak), 0.0)
    slow = duration_ms > target
    add_reason(frame, slow, [f"duration {d:,.0f} ms exceeds the p99 target {t:,.0f} ms"
                             for d, t in zip(duration_ms[slow], target[slow])])
    # cold starts from the keep-alive window and scale-out (sizing/cold_starts.py); where they reach the p99,
    # provisioned concurrency for the hours with the most of them, or no option where the cloud prices none
    rps_by_hour = hourly_rps(ctx.col("avg_rps"), ctx.hourly_fraction)
    cold_by_hour = hourly_cold_share(rps_by_hour, duration_ms, p.lambda_keep_alive_s)
    share = cold_share(rps_by_hour, cold_by_hour)
    allowed = 1 - COLD_START_PERCENTILE
    remedy = ~slow & (share > allowed) & (duration_ms + p.lambda_cold_start_ms > target)
    covered = provisioned_hours(rps_by_hour, cold_by_hour, allowed) & remedy[:, None]
    environments = np.where(covered, provisioned_environments(rps_by_hour, duration_ms), 0.0)
    frame["cold_start_share"] = share
    hours = ctx.hourly_fraction.shape[1]  # the profile's day or week
    frame["provisioned_hours_per_day"] = covered.sum(axis=1) / days_per_profile(hours)
    frame["provisioned_environments"] = environments.max(axis=1)
    cat = ctx.catalog
    provisioned_ref = cat.price("function_provisioned")
    if provisioned_ref is None:
        add_reason(frame, remedy, [f"cold starts ({p.lambda_cold_start_ms:g} ms) reach the p99: {c:.1%} of requests "
                                   f"at {r:.2g} req/s on average find no warm environment ({p.lambda_keep_alive_s:g} s "
                                   f"keep-alive), {d + p.lambda_cold_start_ms:,.0f} ms > {t:,.0f} ms target, and "
                                   f"{cat.label}'s price book has no provisioned concurrency"
                                   for c, r, d, t in zip(share[remedy], ctx.col("avg_rps")[remedy],
                                                         duration_ms[remedy], target[remedy])])
    else:
        gb_seconds = environments.sum(axis=1) * 3600 * repeats_per_month(hours) * memory_gb
        has = gb_seconds > 0
        bom.priced(ctx.rows[has], "serverless", "provisioned concurrency", provisioned_ref, ctx.region[has],
                   gb_seconds[has], fill={"arch": arch},
                   note="scheduled for the hours whose cold starts would reach the p99")
    requests = ctx.col("monthly_requests")
    free_requests = ctx.allowance("function_requests")
    bom.priced(ctx.rows, "serverless", "function requests", cat.price("function_requests"), ctx.region,
               np.maximum(requests - free_requests, 0) / 1e6, fill={"arch": arch},
               note=f"after the free {free_requests / 1e6:g}M requests a month")
    bom.priced(ctx.rows, "serverless", "function duration", cat.price("function_duration"), ctx.region,
               requests * duration_ms / MS_PER_S * memory_gb, fill={"arch": arch},
               free_units=ctx.allowance("function_duration"))
    # where CPU is billed apart from memory (Cloud Run functions)
    bom.priced(ctx.rows, "serverless", "function CPU", cat.price("function_cpu"), ctx.region,
               requests * duration_ms / MS_PER_S * vcpu_share, free_units=ctx.allowance("function_cpu"))
    bom.priced(ctx.rows, "serverless", cat.product("api_gateway"), cat.price("api_requests"),
               ctx.region, requests / 1e6)
    return frame


def _arch_label(ref: PriceRef | None, arch: str) -> str:
    """" (arm64)" where the cloud prices the architecture apart, else nothing."""
    return f" ({arch})" if ref is not None and "{arch}" in ref.dimension else ""
