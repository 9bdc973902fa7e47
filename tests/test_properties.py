"""Properties that hold for any workload (hypothesis): more load never costs less, tighter recovery
targets never pick a cheaper DR tier, the same input gives the same output."""

from __future__ import annotations

import numpy as np
import pytest
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.engine.chain import run, workloads_frame
from planner.plan.model import OPTION_ORDER
from planner.pricing import default_book
from planner.workload.model import Workload
from planner.workload.policy import SizingPolicy

SETTINGS = settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
POLICY = SizingPolicy()

workloads = st.fixed_dictionaries({
    "peak_rps": st.floats(0.5, 20_000),
    "cpu_ms_per_request": st.floats(1, 200),
    "read_fraction": st.floats(0, 1),
    "response_kb": st.floats(0, 200),
    "data_size_gb": st.floats(0, 5_000),
    "hot_data_fraction": st.floats(0.01, 1),
    "availability_target": st.sampled_from([99.0, 99.5, 99.9, 99.95, 99.99]),
    "rto_minutes": st.sampled_from([5, 15, 60, 240, 1440]),
    "rpo_minutes": st.sampled_from([1, 10, 60, 240, 1440]),
    "purchase_option": st.sampled_from(["on_demand", "savings_1yr", "savings_3yr", "spot_mix"]),
    "region": st.sampled_from(["us-east-1", "eu-west-1", "ap-southeast-2", "sa-east-1"]),
    # the outer parts: a CDN share of the reads, objects cooling, background jobs, a key-value store, a WAF
    "cacheable_share_of_reads": st.sampled_from([0.0, 0.5, 0.9]),
    "object_storage_gb": st.sampled_from([0.0, 500.0, 50_000.0]),
    "object_storage_access": st.sampled_from(["hot", "warm", "archive"]),
    "async_jobs_per_second": st.sampled_from([0.0, 5.0, 200.0]),
    "queue_kind": st.sampled_from(["standard", "fifo", "stream"]),
    "data_model": st.sampled_from(["relational", "key_value"]),
    "public": st.booleans(),
})


def _workload(base: dict) -> Workload:
    """The drawn fields as a workload: the cacheable share is drawn as a share of the reads (only reads cache)."""
    data = dict(base)
    data["cacheable_fraction"] = data.pop("cacheable_share_of_reads") * data["read_fraction"]
    return Workload(**{**data, "latency_target_ms": data["cpu_ms_per_request"] * 2 + 50})


def _pair(base: dict, **changes) -> pd.DataFrame:
    """Run the base workload and a changed copy in one engine call; options indexed by (row, option)."""
    w0 = _workload(base)
    w1 = w0.model_copy(update=changes)
    result = run(workloads_frame([w0, Workload.model_validate(w1.model_dump())]), POLICY, default_book())
    return result.options.set_index(["option", "row"])


@SETTINGS
@given(workloads, st.floats(1.01, 5))
def test_more_load_never_lowers_cost_or_capacity(base, factor):
    opts = _pair(base, peak_rps=base["peak_rps"] * factor)
    for option in OPTION_ORDER:
        lo, hi = opts.loc[(option, 0)], opts.loc[(option, 1)]
        if not (np.isfinite(lo.monthly_usd) and np.isfinite(hi.monthly_usd)):
            continue
        if lo.dr_tier != hi.dr_tier:
            continue  # availability composition does not depend on load: tiers differ only where unsized
        # instance granularity: a larger, better-priced type may replace several small ones (the 2 % of the spec)
        assert hi.monthly_usd >= lo.monthly_usd * (1 - 0.02), option
        if option in ("horizontal", "containers") and hi.instance_type == lo.instance_type:
            for col in ("instances_min", "instances_desired", "instances_max", "instance_hours"):
                assert hi[col] >= lo[col], (option, col)


@SETTINGS
@given(workloads, st.sampled_from([0.5, 0.2, 0.05]))
def test_tighter_recovery_targets_never_pick_a_cheaper_dr_tier(base, shrink):
    opts = _pair(base, rto_minutes=base["rto_minutes"] * shrink, rpo_minutes=base["rpo_minutes"] * shrink)
    names = [t.name for t in POLICY.dr_tiers]
    for option in ("horizontal", "containers"):
        lo, hi = opts.loc[(option, 0)], opts.loc[(option, 1)]
        assert names.index(hi.dr_tier) >= names.index(lo.dr_tier)
        if np.isfinite(lo.monthly_usd) and np.isfinite(hi.monthly_usd):  # unsized options have no bill
            assert hi.monthly_usd >= lo.monthly_usd * (1 - 1e-9)


@settings(max_examples=10, deadline=None, derandomize=True)
@given(workloads)
def test_same_input_same_output(base):
    w = _workload(base)
    a = run(workloads_frame([w]), POLICY, default_book())
    b = run(workloads_frame([w]), POLICY, default_book())
    pd.testing.assert_frame_equal(a.options, b.options)
    pd.testing.assert_frame_equal(a.bom, b.bom)


def _varied_workloads(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return workloads_frame([Workload(
        name=f"w{i}", peak_rps=float(rng.lognormal(5, 1.8)), data_size_gb=float(rng.lognormal(4, 2)),
        read_fraction=float(rng.uniform(0.3, 1)), hot_data_fraction=float(rng.uniform(0.02, 1)),
        availability_target=float(rng.choice([99.0, 99.5, 99.9, 99.95])), rto_minutes=float(rng.choice([15, 240, 1440])),
        region=str(rng.choice(["us-east-1", "eu-west-1", "ap-southeast-2"]))) for i in range(n)])


def test_database_floor_bounds_every_cached_database():
    # the bound that spares sizing the database behind caches never exceeds what any cache leaves it to cost
    from planner.clouds import catalog_for
    from planner.engine.chain import shared_sizing
    from planner.sizing.database import database_candidates, database_floor, size_database, unit_prices
    book, wf, aws = default_book(), _varied_workloads(300, 1), catalog_for("aws")
    cols = {c: wf[c].to_numpy() for c in wf.columns}
    sz = shared_sizing(cols, POLICY, book, aws)
    cols.update(sz)
    prices = unit_prices(book, aws, cols["region"], POLICY)
    cands = database_candidates(book, aws, POLICY)
    app_vcpu, multi = sz["vcpu_needed_horizon"], sz["db_multi_az"]
    floor = database_floor(cols, multi, app_vcpu, cands, POLICY, prices, aws)
    rng = np.random.default_rng(2)
    for held in (np.zeros(300), rng.uniform(0, 1, 300)):
        hit = np.where(held > 0, rng.uniform(0, 1, 300), 0.0)
        db = size_database(cols, held, hit, multi, app_vcpu, cands, POLICY, prices, aws)
        fits = np.isfinite(db["db_hourly_usd"])
        assert fits.sum() > 250
        assert (floor[fits] <= db["db_hourly_usd"][fits] + 1e-9).all()


def test_sparing_hopeless_cache_sizings_changes_no_decision(monkeypatch):
    # with the bound switched off every scenario is sized behind every cache: the same choices come out
    import planner.engine.chain as engine

    book, wf = default_book(), _varied_workloads(400, 3)
    spared = run(wf, POLICY, book, detail=False).sizing
    monkeypatch.setattr(engine, "database_floor", lambda cols, *a, **k: np.full(len(cols["region"]), -np.inf))
    full = run(wf, POLICY, book, detail=False).sizing
    assert 0 < full.cache_used.sum() < len(wf)  # both outcomes occur
    for col in ("cache_used", "cache_node_type", "cache_nodes", "db_instance_class", "db_engine_variant",
                "db_read_replicas", "db_hourly_usd"):
        pd.testing.assert_series_equal(spared[col], full[col], check_exact=False, rtol=1e-12)
    assert (spared.cache_bill_is_bound.to_numpy() <= ~spared.cache_used.to_numpy()).all()
    assert spared.cache_bill_is_bound.sum() > 0


cells = st.one_of(st.sampled_from(["us-east-1", "eu-west-1", "multi-az", ""]), st.text(max_size=3), st.none(),
                  st.just(float("nan")), st.integers(-2, 2))


@settings(max_examples=60, deadline=None, derandomize=True)
@given(st.lists(cells, min_size=1, max_size=12), st.integers(1_000, 3_000), st.integers(0, 2**32 - 1),
       st.booleans())
def test_factorizing_by_identity_gives_pandas_codes(values, n, seed, copies):
    """A long column factorized through its objects' addresses has pandas' codes and values, whether equal values
    are one object each (:func:`shared_objects`), fresh objects per row (text read from a table), NaN and None
    among them, or mostly distinct objects."""
    from planner.base.codes import factorized, shared_objects

    rng = np.random.default_rng(seed)
    picked = np.array(values + [None], dtype=object)[:-1][rng.integers(0, len(values), n)]
    fresh = np.array([(v + "x")[:-1] if isinstance(v, str) else v for v in picked.tolist()] + [None],
                     dtype=object)[:-1]  # a new object per row, equal in value
    some = np.where(rng.random(n) < 0.1, fresh, picked)  # mostly shared, a tenth fresh: equal values, two objects
    for array in (picked, shared_objects(picked), some, picked[::-1], fresh if copies else some[::2]):
        codes, uniques = factorized(array)
        expected_codes, expected = pd.factorize(array, use_na_sentinel=False)
        assert codes.tolist() == expected_codes.tolist()
        assert [repr(u) for u in uniques] == [repr(u) for u in expected]


def test_factorizing_by_identity_is_safe_and_keeps_pandas_rules():
    """Another thread replacing the column's elements meanwhile never crashes the process nor yields an object
    that was never in it (a subprocess: a freed address read would be a segmentation fault); a 2-D array is
    refused as pandas refuses it; a column mixing text with None, NaN or numbers is not merged into shared
    objects (pandas counts 1 and True, None and NaN alike)."""
    import subprocess
    import sys
    import textwrap

    from planner.base.codes import factorized, shared_objects

    race = textwrap.dedent("""
        import threading, time
        import numpy as np
        from planner.base.codes import factorized
        column = np.empty(100_000, dtype=object)
        def refill():
            fresh = [f"v{i}-{time.perf_counter_ns()}" for i in range(1_000)]  # referenced by the column alone
            column[:] = [fresh[i % 1_000] for i in range(len(column))]
        refill()
        stop = []
        threading.Thread(target=lambda: [refill() for _ in iter(lambda: bool(stop), True)], daemon=True).start()
        end = time.time() + 3
        while time.time() < end:
            _, uniques = factorized(column)
            assert all(type(u) is str and u.startswith("v") for u in uniques[:50]), uniques[:3]
        stop.append(1)
    """)
    done = subprocess.run([sys.executable, "-c", race], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2_000:]
    for two_d in (np.array([["a", "b"]] * 1_000, dtype=object), [("a", "b")] * 1_500):
        with pytest.raises(ValueError):
            factorized(two_d)
    mixed = np.array([None, np.nan, "x", True, 1, 1.0, -0.0, 0.0] * 200, dtype=object)
    assert shared_objects(mixed) is mixed or all(a is b for a, b in zip(shared_objects(mixed), mixed))
    text = np.array([("a" + "x")[:-1], ("b" + "x")[:-1]] * 1_000, dtype=object)
    shared = shared_objects(text)
    assert shared.tolist() == text.tolist() and len({id(v) for v in shared}) == 2
