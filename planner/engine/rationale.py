"""One-line reasons for each option's availability and sizing, written where the option is finished
(:func:`planner.engine.chain._finish_option`), from the option's columns and the run's context: what only the
engine holds. The shared decisions' reasons are written from the sizing columns by :mod:`planner.plan.rationale`.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from planner.base.formats import pct
from planner.pricing.units import HOURS_PER_MONTH
from planner.sizing.kubernetes import reserved_memory_gib, reserved_vcpu
from planner.sizing.profile import profile_period
from planner.sizing.usl import usl_capacity

if TYPE_CHECKING:
    from planner.engine.options.context import Columns, Context


def records(frame: pd.DataFrame | Columns) -> list[SimpleNamespace]:
    """One attribute bag per row: a frame of a hundred columns is read column by column, once."""
    columns = {c: frame[c].tolist() for c in frame}
    n = len(next(iter(columns.values()), []))
    return [SimpleNamespace(**{c: v[i] for c, v in columns.items()}) for i in range(n)]


def availability(ctx: Context, opt: Columns, by_tier: np.ndarray, base: np.ndarray, tier: np.ndarray) -> list[str]:
    """Per option row: the designed-for estimate, the DR lift where one region falls short, the SLA floor."""
    p = ctx.policy
    out = []
    for i in range(ctx.n):
        target = ctx.col("availability_target")[i]
        a, b, t = by_tier[i, tier[i]], int(base[i]), int(tier[i])
        why = (f"designed-for {pct(a)} from failure rates and recovery times ({opt['compute_kind'][i]} compute, "
               f"{'Multi-AZ' if ctx.col('db_multi_az')[i] else 'single-AZ'} database, {p.dr_tiers[t].label})")
        if t != b:
            why += (f"; one region with {p.dr_tiers[b].label} gives {pct(by_tier[i, b])} < target {pct(target)}, "
                    f"so {p.dr_tiers[t].label} is the cheapest DR tier that lifts it")
        verdict = ">=" if a >= target else "<"
        out.append(f"{why}; {verdict} target {pct(target)}; SLA floor {pct(opt['sla_floor_pct'][i])} "
                   "(published SLAs composed: the contractual minimum)")
    return out


def option(ctx: Context, opt: Columns) -> list[str]:
    """Per option row: why the compute was sized as it was (rejected rows keep their reasons instead)."""
    p, cat = ctx.policy, ctx.catalog
    name = str(opt["option"][0])
    out = []
    for i, r in enumerate(records(opt)):
        if not r.instance_type:
            out.append("")
        elif name == "vertical":
            cap = float(usl_capacity(r.instance_vcpu, p.usl_sigma, p.usl_kappa))
            target = ctx.col("availability_target")[i]
            single = f"one instance is designed for {pct(r.single_instance_pct)}"
            out.append(f"cheapest instance with the {ctx.col('vcpu_needed_horizon')[i]:,.0f} cores the p99 target "
                       f"needs at the horizon and whose USL capacity {cap:,.2f} ({r.instance_vcpu:g} vCPU, sigma "
                       f"{p.usl_sigma:g}, kappa {p.usl_kappa:g}) and baseline sustain the "
                       f"{ctx.col('capacity_needed_horizon')[i]:,.2f} busy-vCPU throughput at target utilisation; "
                       + (f"a standby pair since {single} < target {pct(target)}" if r.instances_desired > 1 else
                          f"no standby: {single} >= target {pct(target)}"))
        elif name == "horizontal":
            cap = float(usl_capacity(r.instance_vcpu, p.usl_sigma, p.usl_kappa)) * r.throughput
            out.append(f"cheapest fleet bill among current-generation general-purpose and compute families, x86 and "
                       f"{cat.product('arm')}, {p.fleet_min_vcpu}-{p.fleet_max_vcpu} vCPU, each vCPU counted at its "
                       f"family's work ({r.throughput:.2f} reference vCPU here; "
                       f"${r.instance_hourly_usd / cap:.4f} per usable reference vCPU-hour on demand); min = "
                       f"quietest hour of the load profile, max = horizon peak x "
                       f"{1 + p.burst_headroom:g}; {r.instance_hours:,.0f} instance-hours a month (not "
                       f"{r.instances_desired * HOURS_PER_MONTH:,.0f} at peak x {HOURS_PER_MONTH})")
        elif name == "containers":
            out.append(f"{cat.product('tasks')} autoscaled like the fleet; {r.instance_hours:,.0f} task-hours a month")
        elif name == "kubernetes":
            v = r.instance_vcpu
            out.append(f"pods of {p.pod_vcpu:g} vCPU / {p.pod_memory_gb:g} GB; a {v:g}-vCPU node keeps "
                       f"{reserved_vcpu(v):.2f} vCPU and {reserved_memory_gib(p.k8s_max_pods_per_node):.2f} GiB for "
                       f"the kubelet (EKS AMI reservations, up to {p.k8s_max_pods_per_node} pods) and "
                       f"{p.k8s_daemonset_vcpu:g} vCPU / {p.k8s_daemonset_memory_gb:g} GB for DaemonSets, so "
                       f"{r.pods_per_node:.0f} pods fit ({r.pods_per_node * p.pod_vcpu / v:.0%} of its vCPU serves "
                       f"the application); the cheapest node-group bill for {r.pods_desired:,.0f} pods at today's "
                       f"peak, autoscaled like the fleet ({r.instance_hours:,.0f} node-hours a month), plus the "
                       f"{cat.product('kubernetes')} control plane")
        else:
            quota = (f"within {cat.product('concurrency_limit')} {p.lambda_concurrency_limit:,}"
                     if not r.concurrency_quota_to_raise else
                     f"quota to raise: {cat.product('concurrency_limit')} is {p.lambda_concurrency_limit:,} by "
                     f"default, a soft quota; ask for {r.concurrency_quota_to_raise:,.0f} before launch")
            over_week = "" if profile_period(len(p.diurnal_profile)) == "day" else " on average over the week"
            cold = (f"; cold starts would touch {r.cold_start_share:.1%} of requests, so provisioned concurrency "
                    f"({r.provisioned_environments:,.0f} environment(s)) runs {r.provisioned_hours_per_day:.0f} "
                    f"hours a day{over_week}" if r.provisioned_hours_per_day > 0 else
                    f"; {r.cold_start_share:.2%} of requests start cold ({p.lambda_keep_alive_s:g} s keep-alive)")
            out.append(f"Little's law: concurrency = rate x duration; {quota}{cold}")
        if r.instance_type:
            out[-1] += _quotas(ctx, r, name, i)
    return out


LARGE_FLEET_VCPU = 1_000  # above this many vCPU at its maximum a fleet's plan names the vCPU quota to check


def _quotas(ctx: Context, r: object, name: str, i: int) -> str:
    """The soft quotas an option at its maximum needs raised, with what to ask for (nothing where none)."""
    p, cat = ctx.policy, ctx.catalog
    out = []
    if r.front == "alb" and r.instances_max > p.lb_targets_per_load_balancer:
        count = np.ceil(r.instances_max / p.lb_targets_per_load_balancer)
        out.append(f"{count:,.0f} load balancers at the maximum, one per {p.lb_targets_per_load_balancer:,} targets "
                   "(a soft quota: raise the targets per load balancer, or spread traffic over them by DNS weights)")
    if name in ("horizontal", "kubernetes") and r.instances_max * r.instance_vcpu > LARGE_FLEET_VCPU:
        out.append(f"the region's on-demand vCPU quota must allow {r.instances_max * r.instance_vcpu:,.0f} vCPU at "
                   "the maximum (a soft quota; its default depends on the account)")
    gateway = cat.quotas.get("api_requests_per_s")
    if name == "serverless" and gateway and ctx.col("peak_rps_horizon")[i] > gateway[1]:
        out.append(f"{gateway[0]} is {gateway[1]:,.0f} req/s by default: ask for "
                   f"{ctx.col('peak_rps_horizon')[i]:,.0f}")
    return "; quotas: " + "; ".join(out) if out else ""
