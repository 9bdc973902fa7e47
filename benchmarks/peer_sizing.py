"""Compute and database sizing of the calibration workloads, ours beside Netflix's service-capacity-modeling.

Usage: python benchmarks/peer_sizing.py   (needs the ``bench`` extra: pip install '.[bench]')

Prints the Markdown table kept in ``docs/calibration.md`` ("Beside service-capacity-modeling"). The peer
plans one stateless Java app (org.netflix.stateless-java) and one RDS database (org.netflix.rds) from read
and write rates, the mean latency and the state size; it knows us-east-1 only, so every workload is sized
there (the region changes prices, not sizes). Both sizes are at today's peak: the peer has no growth.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def main() -> None:
    warnings.filterwarnings("ignore")
    try:
        from service_capacity_modeling.capacity_planner import planner as peer
    except ImportError:
        sys.exit("service-capacity-modeling is not installed: pip install '.[bench]'")
    from bench_planner import peer_desires

    from planner.plan.model import make_plan
    from planner.workload.model import Workload

    workloads = yaml.safe_load((REPO / "tests" / "calibration" / "workloads.yaml").read_text())
    print("| workload | peak req/s | peer app | ours (horizontal, today's peak) | app ratio | peer database | "
          "ours database | memory ratio |")
    print("|---|---:|---|---|---:|---|---|---:|")
    for name, fields in workloads.items():
        # no growth, so both size today's peak; us-east-1, the peer's one region
        w = Workload(name=name, **{**fields, "region": "us-east-1", "monthly_growth": 0.0})
        reads = max(int(w.peak_rps * w.read_fraction), 1)
        writes = max(int(w.peak_rps * (1 - w.read_fraction)), 1)
        app, db = peer_desires(reads, writes, w.cpu_ms_per_request, int(w.data_size_gb))
        a = peer.plan_certain(model_name="org.netflix.stateless-java", region="us-east-1", desires=app)[0]
        a = a.candidate_clusters.regional[0]
        d_plans = peer.plan_certain(model_name="org.netflix.rds", region="us-east-1", desires=db)
        d = d_plans[0].candidate_clusters.regional[0] if d_plans else None
        p = make_plan(w)
        h, s = p.option("horizontal").row, p.sizing
        ours_vcpu = h.instances_desired * h.instance_vcpu
        peer_vcpu = a.count * a.instance.cpu
        peer_db = f"{d.instance.name} ({d.instance.cpu} vCPU, {d.instance.ram_gib:.0f} GiB)" if d else "none (beyond its RDS model)"
        engine = {"rds": "RDS", "aurora-standard": "Aurora", "aurora-io-optimized": "Aurora I/O-Opt."}[s.db_engine_variant]
        cache = " + cache" if s.cache_used else ""
        ours_db = f"{s.db_instance_class} {engine} ({s.db_memory_gib:.0f} GiB){cache}"
        mem_ratio = f"{d.instance.ram_gib / s.db_memory_gib:.1f}" if d else "—"
        print(f"| {name} | {w.peak_rps:,.0f} | {a.count} x {a.instance.name} ({peer_vcpu:.0f} vCPU) | "
              f"{h.instances_desired:.0f} x {h.instance_type} ({ours_vcpu:.0f} vCPU) | {ours_vcpu / peer_vcpu:.1f} | "
              f"{peer_db} | {ours_db} | {mem_ratio} |")


if __name__ == "__main__":
    main()
