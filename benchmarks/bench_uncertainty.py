"""Speed of a plan under uncertainty, beside service-capacity-modeling's simulated plan on the same intervals.

Run:  python benchmarks/bench_uncertainty.py [--samples 1000,10000] [--repeat 5]

Ours: ``make_uncertain_plan`` (the plan at the medians, every sample priced through the batch engine, the input
tornado and the policy tornado) for peak traffic 300-900 req/s (90 % interval), 90 % reads, 50-400 GB, after
start-up. The peer: ``planner.plan.model(..., simulations=128)`` for a stateless Java app and an RDS database on the
same intervals (reads and writes split 90/10, its intervals read at 90 % confidence). Medians of ``--repeat``
runs after one warm-up; machine noise is real, so compare ratios.
"""

from __future__ import annotations

import argparse
import statistics
import time

LOW_RPS, HIGH_RPS, LOW_GB, HIGH_GB = 300, 900, 50, 400
WORKLOAD = {"name": "bench", "peak_rps": {"low": LOW_RPS, "high": HIGH_RPS}, "read_fraction": 0.9,
            "data_size_gb": {"low": LOW_GB, "high": HIGH_GB}}


def _median_ms(fn, repeat: int) -> float:  # noqa: ANN001
    fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def bench_ours(samples: list[int], repeat: int) -> dict[int, float]:
    from planner.pricing import default_book
    from planner.running.uncertainty.plans import make_uncertain_plan
    from planner.running.uncertainty.ranges import uncertain_from_dict

    book, uw = default_book(), uncertain_from_dict(WORKLOAD)
    out = {}
    for n in samples:
        out[n] = _median_ms(lambda n=n: make_uncertain_plan(uw, n, 7, book), repeat)
        u = make_uncertain_plan(uw, n, 7, book).uncertainty
        print(f"  ours, {n:>6,} samples: {out[n]:8.1f} ms  -> recommended {u.recommended}, bill P10/P50/P90 "
              f"${u.bill_p10_usd:,.0f} / ${u.bill_p50_usd:,.0f} / ${u.bill_p90_usd:,.0f} a month", flush=True)
    return out


def bench_peer(repeat: int, simulations: int = 128) -> float | None:
    try:
        from service_capacity_modeling.capacity_planner import planner
        from service_capacity_modeling.interface import CapacityDesires, DataShape, Interval, QueryPattern, \
            certain_float
    except ImportError:
        print("  peer: service-capacity-modeling is not installed (pip install '.[bench]'); skipped")
        return None

    def interval(low: float, high: float) -> Interval:
        return Interval(low=low, mid=(low * high) ** 0.5, high=high, confidence=0.9)

    reads, writes = interval(LOW_RPS * 0.9, HIGH_RPS * 0.9), interval(LOW_RPS * 0.1, HIGH_RPS * 0.1)
    app = CapacityDesires(service_tier=1, query_pattern=QueryPattern(
        estimated_read_per_second=reads, estimated_write_per_second=writes,
        estimated_mean_read_latency_ms=certain_float(50), estimated_mean_write_latency_ms=certain_float(50)),
        data_shape=DataShape(estimated_state_size_gib=interval(1, 2)))
    db = CapacityDesires(service_tier=1, query_pattern=QueryPattern(estimated_read_per_second=reads,
                                                                     estimated_write_per_second=writes),
                         data_shape=DataShape(estimated_state_size_gib=interval(LOW_GB, HIGH_GB)))

    def both() -> None:
        planner.plan.model(model_name="org.netflix.stateless-java", region="us-east-1", desires=app,
                     simulations=simulations)
        planner.plan.model(model_name="org.netflix.rds", region="us-east-1", desires=db, simulations=simulations)

    ms = _median_ms(both, repeat)
    print(f"  peer, {simulations} simulations (app + RDS): {ms:8.1f} ms", flush=True)
    return ms


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", default="1000,10000")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    ours = bench_ours([int(s) for s in args.samples.split(",")], args.repeat)
    peer = bench_peer(args.repeat)
    if peer:
        for n, ms in ours.items():
            print(f"  ratio peer (128 simulations) / ours ({n:,} samples): {peer / ms:.1f}x")


if __name__ == "__main__":
    main()
