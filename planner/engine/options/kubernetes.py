"""Managed Kubernetes: a control plane and a node group autoscaled like the fleet, its nodes counted by the
pods they run after the system's share (:mod:`planner.sizing.kubernetes`)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from planner.engine.bom import BomBuilder
from planner.engine.options.context import Columns, Context, add_reason
from planner.engine.options.fleet import autoscaled_fleet
from planner.pricing.units import HOURS_PER_MONTH
from planner.sizing.kubernetes import pods_per_node
from planner.sizing.usl import usl_capacity


def kubernetes(ctx: Context, bom: BomBuilder) -> Columns:
    """EKS / GKE / AKS: the node type with the cheapest node-group bill for the pods the load needs, spread over
    the AZs with the fleet's static-stability rule, plus the managed control plane. A node serves its pods' vCPU
    at the node's USL efficiency C(n) / n: contention (shared caches, memory bandwidth, the kernel) is the
    machine's whether it runs one process or many, so a node never beats the same instance in a plain fleet."""
    p = ctx.policy

    def usable(c: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        # a pod's vCPU request is in the node's vCPUs; its work in reference vCPUs
        vcpu, speed = c.vcpu.to_numpy(), c.throughput.to_numpy()
        cores = pods_per_node(vcpu, c.memory_gib.to_numpy(), p) * p.pod_vcpu * speed
        return cores, cores * usl_capacity(vcpu, p.usl_sigma, p.usl_kappa) / vcpu

    frame = autoscaled_fleet(ctx, bom, "kubernetes", usable, "nodes")
    found = frame["instance_type"] != ""
    speed = np.nan_to_num(frame["throughput"].astype(float), nan=1.0)
    frame["pods_per_node"] = np.where(found, frame["usable_cores"] / p.pod_vcpu / speed, np.nan)
    frame["pods_desired"] = np.ceil(ctx.col("vcpu_needed") / p.pod_vcpu / speed)
    none_fit = ~found & (ctx.col("vcpu_needed") > 0)
    add_reason(frame, none_fit, f"no node type of the fleet's families holds a pod of {p.pod_vcpu:g} vCPU / "
                                f"{p.pod_memory_gb:g} GB after the system's share")
    cat = ctx.catalog
    bom.priced(ctx.rows[found], "kubernetes", f"{cat.product('kubernetes')} control plane",
               cat.price("k8s_control_plane"), ctx.region[found], HOURS_PER_MONTH)
    return frame
