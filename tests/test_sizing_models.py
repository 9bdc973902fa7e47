"""The sizing formulas against published values and hand arithmetic."""

from __future__ import annotations

import numpy as np
import pytest

from planner.policy import SizingPolicy
from planner.sizing.availability import redundant_pct, serial_pct
from planner.sizing.cache import hit_ratio
from planner.sizing.compute import az_plan, fleet_units, spread_over_azs
from planner.sizing.database import multi_az_needed
from planner.sizing.dr import dr_targets_met, dr_tier_index
from planner.sizing.profile import hourly_fraction_of_peak
from planner.sizing.queueing import erlang_b, erlang_c, min_servers, square_root_staffing, wait_quantile_s
from planner.sizing.usl import usl_capacity, usl_peak_cores

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
    az = az_plan([99.0, 99.5, 99.9, 99.99], [3, 3, 3, 2], POLICY)
    assert az.azs.tolist() == [2, 2, 3, 2]
    assert az.survive_az_loss.tolist() == [False, False, True, True]


def test_fleet_units_min_desired_max():
    frac = hourly_fraction_of_peak(POLICY.diurnal_profile, [3.0])
    u = fleet_units(np.array([20.0]), np.array([30.0]), frac, np.array([2.0]), np.array([2]), np.array([False]), 0.3)
    assert u["instances_desired"][0] == 10  # 20 vCPU / 2 per instance, 5 per AZ
    assert u["instances_max"][0] == 20  # 30 x 1.3 = 39 -> 20 instances -> 10 per AZ
    assert 2 <= u["instances_min"][0] < 10
    assert u["instances_min"][0] * 730 < u["instance_hours"][0] < 10 * 730


def test_load_profile_matches_peak_to_average():
    frac = hourly_fraction_of_peak(POLICY.diurnal_profile, [1.0, 1.2, 3.0])
    assert frac.max(axis=1) == pytest.approx([1, 1, 1])
    assert 1 / frac.mean(axis=1)[:2] == pytest.approx([1.0, 1.2], rel=1e-6)
    # above the curve's own ratio, the rest is intra-hour burst: the curve stays as given
    assert frac[2] == pytest.approx(np.array(POLICY.diurnal_profile) / max(POLICY.diurnal_profile))


def test_hit_ratio_locality_model():
    # hot 20 % of data draws 90 % of reads
    assert hit_ratio(0.2, 0.2, 0.9) == pytest.approx(0.9)
    assert hit_ratio(0.1, 0.2, 0.9) == pytest.approx(0.45)
    assert hit_ratio(0.6, 0.2, 0.9) == pytest.approx(0.9 + 0.1 * 0.4 / 0.8)
    assert hit_ratio(1.0, 0.2, 0.9) == pytest.approx(1.0)


def test_multi_az_switching():
    got = multi_az_needed(np.array([99.0, 99.49, 99.5, 99.9, 99.0]), np.array([240, 240, 240, 240, 60]), POLICY)
    # from 99.5 %: a single-AZ database (99.5 % SLA) behind anything else would fall below the target;
    # the last by RTO 60 < 120 min single-AZ restore
    assert got.tolist() == [False, False, True, True, True]


@pytest.mark.parametrize(
    ("rto", "rpo", "tier"),
    [
        (480, 240, "backup_restore"), (10_000, 10_000, "backup_restore"),
        (479, 240, "pilot_light"), (480, 239, "pilot_light"), (60, 10, "pilot_light"),
        (59, 10, "warm_standby"), (60, 9, "warm_standby"), (15, 1, "warm_standby"),
        (14, 1, "multi_site"), (15, 0.5, "multi_site"), (1, 0.1, "multi_site"),
    ],
)
def test_dr_tier_at_and_around_each_threshold(rto, rpo, tier):
    i = dr_tier_index([rto], [rpo], POLICY)
    assert POLICY.dr_tiers[i[0]].name == tier
    assert dr_targets_met(i, [rto], [rpo], POLICY)[0]


def test_dr_target_beyond_every_tier_is_flagged():
    i = dr_tier_index([0.5], [0.0], POLICY)
    assert POLICY.dr_tiers[i[0]].name == "multi_site"
    assert not dr_targets_met(i, [0.5], [0.0], POLICY)[0]


def test_availability_composition_by_hand():
    assert serial_pct(99.99, 99.99, 99.95) == pytest.approx(100 * 0.9999 * 0.9999 * 0.9995)
    assert redundant_pct(99.9, 2) == pytest.approx(100 * (1 - 0.001**2))
