"""The queue (or stream) and the workers that drain it, billed per option in the option's own kind of
compute: an Auto Scaling worker group beside instance fleets, tasks beside containers, function invocations
beside functions (sizing: :mod:`planner.sizing.workers`)."""

from __future__ import annotations

import numpy as np

from planner.engine.bom import BomBuilder
from planner.engine.options.context import Columns, Context
from planner.pricing.units import HOURS_PER_MONTH
from planner.sizing.workers import cheapest_per_vcpu, poll_requests_month

MS_PER_S = 1000.0
LAMBDA_SQS_POLLERS = 5  # Lambda's event source mapping starts with five long-polling pollers (Lambda docs)


def worker_units(ctx: Context, unit_vcpu: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Workers of ``unit_vcpu`` each at the peak, and worker-hours a month: each hour of the load profile runs
    what that hour needs (queue-depth scaling), at least one worker while jobs arrive."""
    peak_units = np.where(ctx.col("async_used"), np.ceil(ctx.col("worker_vcpu_needed") / unit_vcpu - 1e-9), 0.0)
    per_hour = np.maximum(np.ceil(peak_units[:, None] * ctx.worker_share - 1e-9), np.where(peak_units > 0, 1.0, 0.0)[:, None])
    return peak_units, per_hour.mean(axis=1) * HOURS_PER_MONTH


def bill_async(ctx: Context, opt: Columns, bom: BomBuilder) -> None:
    """Workers in the option's kind of compute and the queue or stream they read; sets ``workers`` (peak
    count), ``worker_hours`` (a month) and ``worker_type`` on the option."""
    used = ctx.col("async_used")
    opt["workers"] = np.zeros(ctx.n)
    opt["worker_type"] = np.full(ctx.n, "", dtype=object)
    opt["worker_hours"] = np.zeros(ctx.n)
    if not used.any():
        return
    option, p, cat = str(opt["option"][0]), ctx.policy, ctx.catalog
    rows, region = ctx.rows[used], ctx.region[used]
    if option == "serverless":
        vcpu_share = min(1.0, p.lambda_memory_mb / cat.function_mb_per_vcpu)
        seconds = ctx.col("job_cpu_ms")[used] / MS_PER_S / vcpu_share
        jobs = ctx.col("jobs_month")[used]
        arch = "arm64" if p.allow_arm64 else "x86_64"
        bom.priced(rows, option, "workers: function requests", cat.price("function_requests"), region, jobs / 1e6,
                   fill={"arch": arch}, note="one invocation per job; the free tier is taken by the API")
        bom.priced(rows, option, "workers: function duration", cat.price("function_duration"), region,
                   jobs * seconds * p.lambda_memory_mb / 1024, fill={"arch": arch})
        bom.priced(rows, option, "workers: function CPU", cat.price("function_cpu"), region,
                   jobs * seconds * vcpu_share)
        opt["workers"][used] = np.ceil(ctx.col("drain_rate_per_s")[used] * seconds)
        opt["worker_type"][used] = f"{cat.product('function')} {p.lambda_memory_mb} MB"
        pollers = np.full(len(rows), float(LAMBDA_SQS_POLLERS))
    elif option == "containers":
        units, hours = worker_units(ctx, np.full(ctx.n, p.fargate_task_vcpu))
        arch = "arm64" if p.allow_arm64 else "x86_64"
        sku = f"{p.fargate_task_vcpu:g} vCPU / {p.fargate_task_memory_gb:g} GB worker task"
        bom.priced(rows, option, "workers: tasks (vCPU)", cat.price("container_vcpu"), region,
                   hours[used] * p.fargate_task_vcpu, fill={"arch": arch}, sku=sku)
        bom.priced(rows, option, "workers: tasks (memory)", cat.price("container_memory"), region,
                   hours[used] * p.fargate_task_memory_gb, fill={"arch": arch}, sku=sku)
        opt["workers"][used] = units[used]
        opt["worker_hours"][used] = hours[used]
        opt["worker_type"][used] = sku
        pollers = units[used]
    else:
        best = cheapest_per_vcpu(ctx.book, cat, p).reindex(ctx.region)
        sku = best.sku.fillna("").to_numpy(dtype=object)
        vcpu = best.ref_vcpu.to_numpy(dtype=float)  # the pool is sized in reference vCPUs
        units, hours = worker_units(ctx, np.nan_to_num(vcpu, nan=1.0))
        has = used & (sku != "")
        bom.instance_hours(ctx.rows[has], option, "workers", cat.compute_service, ctx.region[has], sku[has],
                           hours[has], extra_note="worker group scaled on queue depth, on demand")
        opt["workers"][has] = units[has]
        opt["worker_hours"][has] = hours[has]
        opt["worker_type"][has] = sku[has]
        pollers = units[used]
    kind = ctx.col("queue_kind")[used]
    queue = kind != "stream"
    for k in ("standard", "fifo"):
        sel = kind == k
        bom.priced(rows[sel], option, f"queue ({k})", cat.price("queue_requests"), region[sel],
                   (ctx.col("queue_requests_month")[used] + poll_requests_month(pollers))[sel], fill={"queue": k},
                   free_units=ctx.allowance("queue_requests"))
    stream = ~queue
    bom.priced(rows[stream], option, "stream shards", cat.price("stream_shard"), region[stream],
               (ctx.col("stream_shards")[used] * HOURS_PER_MONTH)[stream])
    bom.priced(rows[stream], option, "stream PUT payload units", cat.price("stream_payload"), region[stream],
               ctx.col("stream_payload_units_month")[used][stream])
