"""The sizing formulas against published values and hand arithmetic."""

from __future__ import annotations

import numpy as np
import pytest

from planner.sizing.availability import redundant_pct, serial_pct
from planner.sizing.cache import hit_ratio, residual_hit_ratio
from planner.sizing.compute import FleetNeed, az_plan, fleet_units, spread_over_azs, units_for
from planner.sizing.database import multi_az_needed
from planner.sizing.dr import dr_targets_met, dr_tier_index, tier_rto_minutes
from planner.sizing.profile import hourly_fraction_of_peak
from planner.sizing.queueing import erlang_b, erlang_c, min_servers, square_root_staffing, wait_quantile_s
from planner.sizing.usl import usl_capacity, usl_peak_cores
from planner.workload.policy import SizingPolicy

POLICY = SizingPolicy()


def test_erlang_c_published_values():
    # offered load 10 Erlangs: 14 servers P(wait) = 0.1741319, 11 servers 0.6821182 (standard Erlang C tables)
    assert erlang_c([14, 11], [10, 10]) == pytest.approx([0.1741319, 0.6821182], abs=1e-7)


def test_erlang_b_recursion():
    # B(0) = 1; B(c) = a B(c-1) / (c + a B(c-1)), computed by hand for a = 2
    b = 1.0
    for c in range(1, 6):
        b = 2 * b / (c + 2 * b)
        assert erlang_b(c, 2.0) == pytest.approx(b)


def test_erlang_c_unstable_queue_always_waits():
    assert erlang_c([5, 4], [5, 5]).tolist() == [1.0, 1.0]
    assert np.isinf(wait_quantile_s(5, 5, 0.05))


def test_wait_quantile_by_hand():
    # c = 11, a = 10, S = 0.05 s: t99 = S ln(C / 0.01) / (c - a)
    c = 0.6821182
    assert wait_quantile_s(11, 10, 0.05) == pytest.approx(0.05 * np.log(c / 0.01) / 1, rel=1e-6)
    # P(wait) below 1 %: no p99 wait at all
    assert wait_quantile_s(40, 10, 0.05) == 0


def test_min_servers_utilisation_and_latency_bounds():
    # 25 busy vCPU at <= 60 %: at least 42; latency is already met there
    assert min_servers(25, 0.05, 0.25, 0.6)[0] == 42
    # one busy vCPU with a tight latency budget needs more than the utilisation bound
    tight = min_servers(1.0, 0.05, 0.06, 0.95)[0]
    assert tight > 2
    assert 0.05 + wait_quantile_s(tight, 1.0, 0.05) <= 0.06
    assert 0.05 + wait_quantile_s(tight - 1, 1.0, 0.05) > 0.06


def test_square_root_staffing_is_close_to_erlang():
    a = np.array([10.0, 100.0, 1000.0])
    staffing = square_root_staffing(a, wait_probability=0.2)
    pw = erlang_c(staffing, a)
    assert np.all(np.abs(pw - 0.2) < 0.06)


def test_usl_by_hand():
    # C(n) = n / (1 + sigma (n - 1) + kappa n (n - 1)); sigma 0.02, kappa 0.0001
    assert usl_capacity(1, 0.02, 0.0001) == pytest.approx(1.0)
    assert usl_capacity(16, 0.02, 0.0001) == pytest.approx(16 / (1 + 0.3 + 0.024))
    assert usl_capacity(96, 0.02, 0.0001) == pytest.approx(96 / (1 + 1.9 + 0.912))
    assert usl_peak_cores(0.02, 0.0001) == pytest.approx(np.sqrt(0.98 / 0.0001))
    n = np.arange(1, 400)
    cap = usl_capacity(n, 0.02, 0.0001)
    assert n[np.argmax(cap)] in (98, 99)  # capacity peaks at n* and falls after


def test_survive_one_az_arithmetic():
    # 10 units over 3 AZs surviving one: each AZ holds 10 / 2 -> 5 per AZ, 15 in all
    assert spread_over_azs(10, 3, True) == 15
    # over 2 AZs surviving one: each AZ holds all 10
    assert spread_over_azs(10, 2, True) == 20
    # no survival: evenly, rounded up per AZ, at least one per AZ
    assert spread_over_azs(10, 3, False) == 12
    assert spread_over_azs(1, 2, False) == 2


def test_az_plan_follows_availability_target():
    # WA 3 9s: two AZs; WA 4 9s: three, statically stable (from 99.95 %); a two-AZ region keeps two
    az = az_plan([99.0, 99.9, 99.95, 99.99, 99.99], [3, 3, 3, 3, 2], POLICY)
    assert az["azs"].tolist() == [2, 2, 3, 3, 2]
    assert az["survive_az_loss"].tolist() == [False, False, True, True, True]


def test_fleet_units_min_desired_max():
    frac = hourly_fraction_of_peak(POLICY.diurnal_profile, [3.0])
    need = FleetNeed(np.array([20.0]), np.array([30.0]), np.array([20.0]), np.array([30.0]))
    u = fleet_units(need, frac, np.array([2.0]), np.array([2.0]), np.array([2]), np.array([False]), 0.3)
    assert u["instances_desired"][0] == 10  # 20 vCPU / 2 per instance, 5 per AZ
    assert u["instances_max"][0] == 20  # 30 x 1.3 = 39 -> 20 instances -> 10 per AZ
    assert 2 <= u["instances_min"][0] < 10
    assert u["instances_min"][0] * 730 < u["instance_hours"][0] < 10 * 730


def test_units_count_cores_for_servers_and_usl_capacity_for_throughput():
    cap2 = float(usl_capacity(2, POLICY.usl_sigma, POLICY.usl_kappa))  # 1.96
    # 0.3 busy vCPU whose p99 needs 2 servers: one 2-vCPU box, though its USL capacity is 1.96 < 2
    assert units_for(np.array(2.0), np.array(0.3 / 0.6), np.array(2.0), np.array(cap2)) == 1
    # throughput-bound: 99 single-core units of load at target utilisation take ceil(99 / 1.96) = 51 boxes,
    # more than the 50 the 100 servers alone ask
    assert units_for(np.array(100.0), np.array(99.0), np.array(2.0), np.array(cap2)) == 51
    # an exact fit does not round up on float noise
    assert units_for(np.array(20.0), np.array(0.1 * 3 * 20), np.array(2.0), np.array(0.6)) == 10  # 6.000000000000001 / 0.6


def test_load_profile_matches_peak_to_average():
    frac = hourly_fraction_of_peak(POLICY.diurnal_profile, [1.0, 1.2, 3.0])
    assert frac.max(axis=1) == pytest.approx([1, 1, 1])
    assert 1 / frac.mean(axis=1)[:2] == pytest.approx([1.0, 1.2], rel=1e-6)
    # above the curve's own ratio, the rest is intra-hour burst: the curve stays as given
    assert frac[2] == pytest.approx(np.array(POLICY.diurnal_profile) / max(POLICY.diurnal_profile))


# the default business day on weekdays, 0.6 of it at the weekend (Monday 00:00 first)
QUIET_WEEKEND = np.array([v * (0.6 if day >= 5 else 1.0) for day in range(7) for v in POLICY.diurnal_profile])


def test_a_week_profile_is_reshaped_to_the_peak_to_average_like_a_day():
    own = QUIET_WEEKEND.max() / QUIET_WEEKEND.mean()  # 1.55 x 7 / 6.2 = 1.75: a weekday's peak over the week's mean
    frac = hourly_fraction_of_peak(QUIET_WEEKEND, [1.0, 1.2, 1.6, own + 1])
    assert frac.shape == (4, 168) and frac.max(axis=1) == pytest.approx([1, 1, 1, 1])
    # below the week's own ratio it is flattened (f^gamma) until peak / average over the week is the workload's
    assert 1 / frac.mean(axis=1)[:3] == pytest.approx([1.0, 1.2, 1.6], rel=1e-6)
    assert frac[0] == pytest.approx(np.ones(168))
    # flattening keeps the weekend below the weekdays: a Saturday hour is 0.6^gamma of the Monday hour before it
    gamma = np.log(frac[2, 5 * 24 + 12] / frac[2, 12]) / np.log(0.6)
    assert 0 < gamma < 1
    assert frac[2, 5 * 24:] == pytest.approx(np.tile(frac[2, :24], 2) * 0.6 ** gamma)
    # above it, the rest is intra-hour burst: the week stays as given
    assert frac[3] == pytest.approx(QUIET_WEEKEND / QUIET_WEEKEND.max())


def test_fleet_units_read_the_profiles_hours():
    # a day repeated seven times is the same load: the same fleet, hours and commitments (the commitment's
    # ceil(H r)-th busiest hour of 168 is the ceil(24 r)-th of 24)
    need = FleetNeed(np.array([20.0, 90.0, 300.0]), np.array([30.0, 120.0, 500.0]), np.array([20.0, 90.0, 300.0]),
                     np.array([30.0, 120.0, 500.0]))
    day = hourly_fraction_of_peak(POLICY.diurnal_profile, [1.2, 2.0, 3.0])
    args = (np.array([2.0, 4.0, 8.0]), np.array([1.9, 3.7, 7.1]), np.array([2, 3, 3]), np.array([False, True, True]),
            0.3)
    for ratio in (1.0, np.array([0.62, 0.4, 0.9]), np.array([0.05, 0.5, 0.999])):
        a = fleet_units(need, day, *args, ratio)
        b = fleet_units(need, np.tile(day, 7), *args, ratio)
        for key in a:
            assert b[key] == pytest.approx(a[key], rel=1e-12), key
    # a quiet weekend: the same peak, the same weekday minimum, fewer instance-hours; a commitment that must
    # run most hours of the week commits no more than the day's
    ratio = np.array([0.6, 0.6, 0.6])
    p2a = QUIET_WEEKEND.max() / QUIET_WEEKEND.mean()
    week = fleet_units(need, hourly_fraction_of_peak(QUIET_WEEKEND, [p2a] * 3), *args, ratio)
    same = fleet_units(need, hourly_fraction_of_peak(np.tile(POLICY.diurnal_profile, 7), [p2a] * 3), *args, ratio)
    assert (week["instances_desired"] == same["instances_desired"]).all()
    assert (week["instances_max"] == same["instances_max"]).all()
    assert (week["instance_hours"] < same["instance_hours"]).all()
    assert (week["instances_committed"] <= same["instances_committed"]).all()
    assert (week["instances_min"] <= same["instances_min"]).all()


def test_fleet_units_are_their_definition_hour_by_hour_over_many_blocks_of_scenarios():
    # 700 scenarios x 9 candidates (several blocks of HOUR_BLOCK_ROWS), commitments above and below break-even
    from planner.sizing import compute

    rng = np.random.default_rng(7)
    n, c = 700, 9
    assert n > 2 * compute.HOUR_BLOCK_ROWS
    servers, capacity = rng.uniform(0.5, 400, n), rng.uniform(0.5, 600, n)
    need = FleetNeed(servers, servers * 1.4, capacity, capacity * 1.4)
    frac = hourly_fraction_of_peak(POLICY.diurnal_profile, rng.uniform(1, 4, n))
    cores, cap = rng.choice([2.0, 4.0, 8.0, 16.0], (n, c)), rng.uniform(1.5, 15, (n, c))
    azs, survive = rng.choice([2, 3], n), rng.random(n) < 0.5
    ratio = np.where(rng.random((n, c)) < 0.5, 1.0, rng.uniform(0.05, 0.99, (n, c)))
    u = fleet_units(need, frac, cores, cap, azs, survive, 0.3, ratio)
    # each AZ's units hour by hour, max(1, ceil(peak units per AZ x the hour's share)); the commitment is the
    # ceil(24 r)-th busiest hour's count (the quietest's where r = 1), the burst what runs above it
    per_az = np.maximum(servers[:, None] / cores, capacity[:, None] / cap) / np.where(survive, azs - 1, azs)[:, None]
    hourly = np.maximum(np.ceil(per_az[:, :, None] * frac[:, None, :] - 1e-9), 1.0)
    ranked = -np.sort(-hourly, axis=2)
    rank = np.clip(np.ceil(ratio * 24 - 1e-9).astype(int) - 1, 0, 23)
    committed = np.where(ratio < 1, np.take_along_axis(ranked, rank[:, :, None], 2)[:, :, 0], ranked[:, :, -1])
    k = azs[:, None]
    assert u["instance_hours"] == pytest.approx(hourly.mean(axis=2) * k * 730, rel=1e-12)
    assert u["instances_min"] == pytest.approx(ranked[:, :, -1] * k)
    assert u["instances_committed"] == pytest.approx(committed * k)
    burst = np.maximum(hourly - committed[:, :, None], 0).mean(axis=2) * k * 730
    assert u["burst_hours"] == pytest.approx(burst, rel=1e-9, abs=1e-9)
    assert (ratio < 1).any() and (ratio == 1).any() and (u["burst_hours"] > 0).any()


def test_hit_ratio_locality_model():
    # self-similar curve through (hot 20 %, 90 % of reads): theta = ln 0.9 / ln 0.2 = 0.06546
    theta = np.log(0.9) / np.log(0.2)
    assert hit_ratio(0.2, 0.2, 0.9) == pytest.approx(0.9)
    assert hit_ratio(1.0, 0.2, 0.9) == pytest.approx(1.0)
    assert hit_ratio(0.01, 0.2, 0.9) == pytest.approx(0.01 ** theta)  # 0.7397
    assert hit_ratio(0.01, 0.2, 0.9) == pytest.approx(0.7397, abs=1e-4)
    # Knuth's 80-20 rule: the hottest 4 % draw 64 %
    assert hit_ratio(0.04, 0.2, 0.8) == pytest.approx(0.64)
    # all data hot: uniform access
    assert hit_ratio(0.3, 1.0, 0.9) == pytest.approx(0.3)


def test_buffer_behind_a_cache_sees_the_residual_stream():
    # cache holds the hottest 1 %, buffer the next 4 %: (H(0.05) - H(0.01)) / (1 - H(0.01))
    h1, h5 = hit_ratio(0.01, 0.2, 0.9), hit_ratio(0.05, 0.2, 0.9)
    assert residual_hit_ratio(0.01, 0.04, 0.2, 0.9) == pytest.approx((h5 - h1) / (1 - h1))
    assert residual_hit_ratio(0.0, 0.04, 0.2, 0.9) == pytest.approx(hit_ratio(0.04, 0.2, 0.9))


def test_multi_az_switching():
    got = multi_az_needed(np.array([99.0, 99.49, 99.5, 99.9, 99.0]), np.array([240, 240, 240, 240, 60]), POLICY)
    # from 99.5 %: a single-AZ database (99.5 % SLA) behind anything else would fall below the target;
    # the last by RTO 60 < 120 min single-AZ restore
    assert got.tolist() == [False, False, True, True, True]


@pytest.mark.parametrize(
    ("rto", "rpo", "storage_gb", "tier"),
    [
        # backup & restore: 60 min + storage / 5 GB/min, RPO 30 min (cross-region automated backups)
        (80, 30, 100, "backup_restore"), (79.9, 30, 100, "pilot_light"), (80, 29, 100, "pilot_light"),
        (260, 60, 1000, "backup_restore"), (259, 60, 1000, "pilot_light"), (10_000, 10_000, 20_000, "backup_restore"),
        (30, 5, 100, "pilot_light"), (29, 5, 100, "warm_standby"), (30, 4, 100, "warm_standby"),
        (15, 1, 100, "warm_standby"), (14, 1, 100, "multi_site"), (15, 0.5, 100, "multi_site"),
        (1, 0.1, 100, "multi_site"),
    ],
)
def test_dr_tier_at_and_around_each_threshold(rto, rpo, storage_gb, tier):
    i = dr_tier_index([rto], [rpo], [storage_gb], POLICY)
    assert POLICY.dr_tiers[i[0]].name == tier
    assert dr_targets_met(i, [rto], [rpo], [storage_gb], POLICY)[0]


def test_backup_restore_rto_grows_with_data():
    rto = tier_rto_minutes([20, 1000, 5000], POLICY)[:, 0]
    assert rto.tolist() == pytest.approx([64, 260, 1060])
    assert (tier_rto_minutes([20, 5000], POLICY)[:, 1:] == [30, 15, 1]).all()


def test_dr_target_beyond_every_tier_is_flagged():
    i = dr_tier_index([0.5], [0.0], [100], POLICY)
    assert POLICY.dr_tiers[i[0]].name == "multi_site"
    assert not dr_targets_met(i, [0.5], [0.0], [100], POLICY)[0]


def test_availability_composition_by_hand():
    assert serial_pct(99.99, 99.99, 99.95) == pytest.approx(100 * 0.9999 * 0.9999 * 0.9995)
    assert redundant_pct(99.9, 2) == pytest.approx(100 * (1 - 0.001**2))


def _designed_for(compute: str, static: bool, db_multi_az: bool, recovery_minutes: float,
                  active_active: bool = False, cache: bool = False) -> float:
    from planner.sizing.availability import designed_for_pct, region_outages

    f = POLICY.failures
    out = region_outages(f, np.array([compute]), [static], [cache], [cache], [db_multi_az],
                         POLICY.single_az_restore_minutes)
    return float(designed_for_pct(out, f, [recovery_minutes], [active_active])[0])


def test_designed_for_availability_by_hand():
    # WA 3 9s: fleet in 2 AZs (not statically stable), Multi-AZ database, backups restoring in 80 min.
    # AZ losses 0.2 x (2 failover + 10 scale-out) = 2.4; database 2.5 events x 2 = 5 and 0.2 AZ x 2 = 0.4;
    # region 0.1 x min(240, 80) = 8  ->  15.8 min a year
    assert _designed_for("fleet", False, True, 80) == pytest.approx(100 * (1 - 15.8 / 525_600))
    # WA 4 9s: statically stable -> AZ losses cost only the failover: 0.4 + 5 + 0.4 + 8 = 13.8 min
    assert _designed_for("fleet", True, True, 80) == pytest.approx(100 * (1 - 13.8 / 525_600))
    # WA 2 9s: one instance (1 x 70 manual recovery, 0.2 x 70 AZ, 6 x 240 updates) and a single-AZ
    # database (2.5 x 30 + 0.2 x min(240, 120)) and the region: 70 + 14 + 1440 + 75 + 24 + 8 = 1631 min
    assert _designed_for("single", False, False, 80) == pytest.approx(100 * (1 - 1631 / 525_600))
    # WA 5 9s: active/active, every event cut to the 1-minute DNS failover: 0.2 + 2.5 + 0.2 + 0.1 = 3.0 min
    assert _designed_for("fleet", True, True, 80, active_active=True) == pytest.approx(100 * (1 - 3.0 / 525_600))


@pytest.mark.parametrize(
    ("target", "compute", "static", "db_multi_az", "meets"),
    [
        (99.0, "single", False, False, True),     # WA 2 9s: one instance, single-AZ database
        (99.9, "single", False, False, False),    # ... is not enough for three nines
        (99.9, "fleet", False, True, True),       # WA 3 9s: two AZs, Multi-AZ database
        (99.99, "fleet", True, True, True),       # WA 4 9s: three AZs statically stable, one region
        (99.999, "fleet", True, True, False),     # WA 5 9s needs a second active region ...
    ],
)
def test_well_architected_scenarios(target, compute, static, db_multi_az, meets):
    assert (_designed_for(compute, static, db_multi_az, 80) >= target) == meets


def test_five_nines_with_two_active_regions():
    assert _designed_for("fleet", True, True, 80, active_active=True) >= 99.999
