"""Pods on nodes: what a Kubernetes node can run after the system's share, and how many pods fit.

Allocatable = capacity - kube-reserved - eviction threshold (Kubernetes "Reserve
Compute Resources for System Daemons"); the reservations are those of the
Amazon EKS optimized AMI's bootstrap (the same CPU steps as GKE's documented
ones): CPU 6 % of the first core, 1 % of the second, 0.5 % of the third and
fourth, 0.25 % of every further core; memory 255 MiB + 11 MiB per pod the node
may run, and a 100 MiB hard-eviction threshold. DaemonSets (CNI, kube-proxy,
log and metrics agents) take ``policy.k8s_daemonset_vcpu`` and
``policy.k8s_daemonset_memory_gb`` of every node. Pods of
``policy.pod_vcpu`` / ``policy.pod_memory_gb`` (requests) then fit
min(CPU left / pod CPU, memory left / pod memory, max pods) times; what is left
over is the bin-packing loss.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from planner.workload.policy import SizingPolicy

MIB_PER_GIB = 1024.0
EVICTION_MIB = 100.0


def reserved_vcpu(vcpu: npt.ArrayLike) -> np.ndarray:
    """kube-reserved CPU [vCPU] of a node with ``vcpu`` cores (EKS AMI / GKE steps)."""
    v = np.asarray(vcpu, dtype=float)
    return (0.06 * np.minimum(v, 1) + 0.01 * np.clip(v - 1, 0, 1) + 0.005 * np.clip(v - 2, 0, 2)
            + 0.0025 * np.maximum(v - 4, 0))


def reserved_memory_gib(max_pods: npt.ArrayLike) -> np.ndarray:
    """kube-reserved memory and the eviction threshold [GiB] of a node that may run ``max_pods`` pods."""
    return (255.0 + 11.0 * np.asarray(max_pods, dtype=float) + EVICTION_MIB) / MIB_PER_GIB


def pods_per_node(vcpu: npt.ArrayLike, memory_gib: npt.ArrayLike, policy: SizingPolicy) -> np.ndarray:
    """Pods of the policy's size that fit on nodes of ``vcpu`` cores and ``memory_gib`` (0 where none does)."""
    v, m = np.asarray(vcpu, dtype=float), np.asarray(memory_gib, dtype=float)
    cap = float(policy.k8s_max_pods_per_node)
    cpu_left = v - reserved_vcpu(v) - policy.k8s_daemonset_vcpu
    mem_left = m - reserved_memory_gib(cap) - policy.k8s_daemonset_memory_gb
    fit = np.minimum(np.floor(cpu_left / policy.pod_vcpu + 1e-9), np.floor(mem_left / policy.pod_memory_gb + 1e-9))
    return np.clip(fit, 0, cap)
