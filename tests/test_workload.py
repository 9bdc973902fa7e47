"""Workload validation: every bad field named with its value and allowed range."""

from __future__ import annotations

import pytest

from planner.cli.example import example_yaml
from planner.workload.model import Workload, WorkloadError, parse_workload_text, workload_from_dict


def problems(data) -> str:
    with pytest.raises(WorkloadError) as info:
        workload_from_dict(data, "w.yaml")
    return str(info.value)


def test_example_is_valid_and_round_trips():
    w = parse_workload_text(example_yaml())
    assert w.peak_rps == 500 and w.region == "us-east-1"
    again = Workload.model_validate(w.model_dump())
    assert again == w


def test_out_of_range_names_field_value_and_range():
    msg = problems({"peak_rps": -5, "availability_target": 100.5})
    assert "w.yaml: peak_rps: value -5: Input should be greater than 0." in msg
    assert "0 < x <= 10,000,000" in msg
    assert "w.yaml: availability_target: value 100.5" in msg and "90 <= x < 100" in msg


def test_every_bad_field_is_reported():
    msg = problems({"peak_rps": "lots", "read_fraction": 2, "horizon_months": 0})
    assert msg.count("\n") == 2
    for field in ("peak_rps", "read_fraction", "horizon_months"):
        assert f"w.yaml: {field}: value" in msg


def test_unknown_field_lists_known_ones():
    msg = problems({"peak_rps": 5, "peak_qps": 9})
    assert "peak_qps: unknown field (value 9); known fields: name, cloud, region" in msg


def test_traffic_must_be_given_one_way():
    assert "give peak_rps, or daily_active_users and requests_per_user_per_day" in problems({})
    assert "not both" in problems({"peak_rps": 5, "daily_active_users": 10, "requests_per_user_per_day": 5})
    assert "go together" in problems({"daily_active_users": 10})


def test_cpu_time_must_fit_the_latency_target():
    msg = problems({"peak_rps": 5, "cpu_ms_per_request": 300, "latency_target_ms": 250})
    assert "cpu_ms_per_request (300 ms) must be below latency_target_ms (250 ms)" in msg


def test_bad_policy_override_is_named():
    msg = problems({"peak_rps": 5, "policy": {"burst_headroom": -1, "no_such_knob": 1}})
    assert "policy.burst_headroom" in msg and "policy.no_such_knob: unknown field" in msg


def test_bad_yaml_names_line():
    with pytest.raises(WorkloadError, match=r"w.yaml: not valid YAML or JSON at line 2"):
        parse_workload_text("peak_rps: 5\n  bad: [", "w.yaml")
    with pytest.raises(WorkloadError, match="expected a mapping of workload fields, found list"):
        parse_workload_text("- 1\n- 2", "w.yaml")
    with pytest.raises(WorkloadError, match="empty workload file"):
        parse_workload_text("  \n", "w.yaml")


def test_json_is_accepted():
    assert parse_workload_text('{"peak_rps": 12, "region": "eu-west-1"}').region == "eu-west-1"


@pytest.mark.parametrize(
    ("policy", "message"),
    [
        ({"db_pages_per_read": -1}, "policy.db_pages_per_read: value -1: Input should be greater than 0"),
        ({"failures": {"az_failures_per_year": -0.1}},
         "policy.failures.az_failures_per_year: value -0.1: Input should be greater than or equal to 0"),
        ({"cache_sizes_tried": [0.5, 2]}, "cache_sizes_tried values must be in (0, 1], got [0.5, 2.0]"),
        ({"rds_gp3_baseline_iops": [5000, 1000]}, "rds_gp3_baseline_iops must be 0 <= small <= large"),
        ({"burstable_baselines": {"small": 1.5}}, "burstable_baselines values must be in (0, 1], got {'small': 1.5}"),
        ({"db_min_buffer_fraction": 2}, "policy.db_min_buffer_fraction: value 2: Input should be less than or equal"),
    ],
)
def test_new_policy_fields_are_validated_with_the_field_named(policy, message):
    with pytest.raises(WorkloadError) as err:
        workload_from_dict({"peak_rps": 10, "policy": policy}, "w.yaml")
    assert message in str(err.value) and str(err.value).startswith("w.yaml: policy")


@pytest.mark.parametrize(("profile", "message"), [
    ([1.0] * 25, "diurnal_profile has 25 values; give 24 (the hours of a day) or 168 (the hours of a week)"),
    ([1.0] * 100, "diurnal_profile has 100 values; give 24 (the hours of a day) or 168 (the hours of a week)"),
    ([], "diurnal_profile has 0 values"),
    ([1.0] * 23 + [0.0], "diurnal_profile values must all be > 0; hour 23 (counting from 0) is 0"),
    ([1.0] * 167 + [-2.0], "diurnal_profile values must all be > 0; hour 167 (counting from 0) is -2"),
    ([float("nan")] + [1.0] * 23, "policy.diurnal_profile.0: value nan: must be a finite number"),
    ([1.0] * 100 + [float("inf")] + [1.0] * 67, "policy.diurnal_profile.100: value inf: must be a finite number"),
    ("flat", "policy.diurnal_profile"),
])
def test_the_load_profile_is_a_day_or_a_week_of_positive_numbers(profile, message):
    with pytest.raises(WorkloadError) as err:
        workload_from_dict({"peak_rps": 10, "policy": {"diurnal_profile": profile}}, "w.yaml")
    assert message in str(err.value) and str(err.value).startswith("w.yaml: policy.diurnal_profile")


def test_a_week_of_hours_is_read_from_a_workload_file():
    week = ", ".join(["0.5"] * 120 + ["0.3"] * 48)  # weekdays, then the weekend
    w = parse_workload_text(f"peak_rps: 10\npolicy:\n  diurnal_profile: [{week}]\n", "w.yaml")
    assert len(w.policy.diurnal_profile) == 168 and w.policy.diurnal_profile[-1] == 0.3
    # YAML's own infinity and NaN are numbers to YAML, not to the profile
    for bad in (".inf", ".nan", "-.inf"):
        with pytest.raises(WorkloadError, match="must be a finite number"):
            parse_workload_text(f"peak_rps: 10\npolicy:\n  diurnal_profile: [{bad}{', 1' * 23}]\n", "w.yaml")
