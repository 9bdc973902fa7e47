"""End-to-end plans: the JSON contract, bills that add up, decisions that follow the inputs."""

from __future__ import annotations

import json

import numpy as np
import pytest

from planner.plan.model import make_plan
from planner.report.json_contract import SCHEMA_VERSION
from planner.workload.model import Workload

BASE = {"name": "t", "peak_rps": 500}


def plan(**kw):
    return make_plan(Workload(**{**BASE, **kw}))


@pytest.fixture(scope="module")
def default_plan():
    return plan()


def test_json_contract_has_every_field(default_plan):
    d = json.loads(json.dumps(default_plan.to_dict()))
    assert d["schema_version"] == SCHEMA_VERSION
    assert d["prices_as_of"] and d["recommended"] == "horizontal"
    assert [o["name"] for o in d["options"]] == ["vertical", "horizontal", "containers", "kubernetes", "serverless"]
    for o in d["options"]:
        assert set(o) >= {"name", "feasible", "reasons", "monthly_usd", "availability_pct", "bom", "sizing"}
        assert set(o["sizing"]) == {"compute", "cache", "database", "key_value", "cdn", "object_storage",
                                    "background_jobs", "dr"}
        assert o["sizing"]["background_jobs"] is None and o["sizing"]["cdn"]["used"] is False
        assert set(o["sizing"]["compute"]) >= {"instance_type", "instances_min", "instances_desired",
                                               "instances_max", "azs"}
        assert set(o["sizing"]["cache"]) >= {"node_type", "nodes"}
        assert set(o["sizing"]["database"]) >= {"instance_class", "multi_az", "read_replicas", "storage_gb"}
        assert set(o["sizing"]["dr"]) >= {"tier", "rto_minutes", "rpo_minutes"}
        for line in o["bom"]:
            assert set(line) >= {"component", "service", "sku", "quantity", "unit", "unit_usd", "monthly_usd"}


def test_bom_lines_sum_to_the_option_total(default_plan):
    for o in default_plan.to_dict()["options"]:
        if o["monthly_usd"] is None:
            assert o["bom"] == [] and not o["feasible"]
            continue
        assert sum(b["monthly_usd"] for b in o["bom"]) == pytest.approx(o["monthly_usd"], rel=1e-12)
        for b in o["bom"]:
            assert b["monthly_usd"] == pytest.approx(b["quantity"] * b["unit_usd"])


def test_fields_that_do_not_apply_are_null(default_plan):
    d = default_plan.to_dict()
    serverless = next(o for o in d["options"] if o["name"] == "serverless")
    assert serverless["sizing"]["compute"]["instances_min"] is None
    assert serverless["sizing"]["compute"]["azs"] is None
    vertical = next(o for o in d["options"] if o["name"] == "vertical")
    assert vertical["monthly_usd"] is None and vertical["sizing"]["compute"]["instance_type"] is None
    uncached = make_plan(Workload(**BASE, policy={"cache_mode": "never"})).to_dict()
    assert uncached["options"][1]["sizing"]["cache"] == {"node_type": None, "nodes": None, "shards": None,
                                                         "hit_ratio": None, "share_of_hot_set": None}


def test_every_line_names_its_price_source(default_plan):
    known = set(default_plan.sources.source_id)
    for o in default_plan.options:
        assert set(o.bom.source_id) <= known
        assert (o.bom.prices_as_of != "").all() or set(o.bom.source_id[o.bom.prices_as_of == ""]) == {"manual-unverified"}


def test_recommendation_is_the_cheapest_feasible(default_plan):
    feasible = [o for o in default_plan.options if o.feasible]
    assert default_plan.recommended is min(feasible, key=lambda o: o.monthly_usd)


def test_every_decision_has_a_rationale(default_plan):
    topics = {d.topic for d in default_plan.decisions}
    assert {"traffic", "compute need", "availability zones", "cache", "database Multi-AZ", "database class",
            "disaster recovery", "availability estimate", "recommendation"} <= topics
    assert all(d.rationale for d in default_plan.decisions)


def test_multi_az_follows_the_availability_target():
    low = plan(availability_target=99.0, rto_minutes=1440, rpo_minutes=1440)
    high = plan(availability_target=99.9)
    assert not low.sizing.db_multi_az and high.sizing.db_multi_az
    assert "99.9% >= 99.5%" in next(d.rationale for d in high.decisions if d.topic == "database Multi-AZ")
    lo, hi = low.option("horizontal"), high.option("horizontal")
    assert hi.monthly_usd > lo.monthly_usd
    db = {o.name: o.bom[o.bom.component == "database"].monthly_usd.sum() for o in (lo, hi)}
    assert db["horizontal"] > 0


def test_multi_az_database_costs_at_least_single_az():
    single = plan(availability_target=99.4, rto_minutes=1440, rpo_minutes=1440)
    multi = plan(availability_target=99.4, rto_minutes=60, rpo_minutes=1440)  # RTO alone forces Multi-AZ
    assert multi.sizing.db_multi_az and not single.sizing.db_multi_az
    for name in ("horizontal", "containers"):
        assert multi.option(name).monthly_usd >= single.option(name).monthly_usd


def test_dr_tier_follows_rto_and_rpo():
    tiers = [plan(availability_target=99.0, rto_minutes=r, rpo_minutes=p).option("horizontal").dr_tier
             for r, p in [(1440, 1440), (60, 30), (15, 1)]]
    assert tiers == ["backup_restore", "pilot_light", "warm_standby"]


def test_one_region_meets_four_nines():
    # WA 4 9s scenario: three AZs, statically stable, Multi-AZ database, one region, backups
    p = plan(availability_target=99.99, rto_minutes=240, rpo_minutes=60)
    o = p.option("horizontal")
    assert (p.sizing.azs, p.sizing.survive_az_loss, p.sizing.db_multi_az) == (3, True, True)
    assert o.dr_tier == "backup_restore" and o.availability_pct >= 99.99
    assert o.row.sla_floor_pct < 99.99  # the contractual floor is lower and shown beside it


def test_dr_lifted_to_the_cheapest_tier_that_reaches_the_target():
    p = plan(availability_target=99.998, rto_minutes=240, rpo_minutes=60)
    o = p.option("horizontal")
    assert o.region_availability_pct < 99.998 <= o.availability_pct
    assert o.dr_tier == "warm_standby"  # pilot light's 30-minute recovery is not enough, active/active not needed
    assert "cheapest DR tier that lifts it" in next(d.rationale for d in p.decisions
                                                   if d.topic == "availability estimate")
    five = plan(availability_target=99.999, rto_minutes=240, rpo_minutes=60).option("horizontal")
    assert five.dr_tier == "multi_site" and five.availability_pct >= 99.999


def test_vertical_rejected_past_usl_capacity_with_reason():
    o = plan(peak_rps=5000).option("vertical")
    assert not o.feasible
    assert "after USL contention" in o.reasons[0]


def test_vertical_pair_when_target_exceeds_one_instance():
    small = plan(peak_rps=5, availability_target=99.5, rto_minutes=1440, rpo_minutes=1440).option("vertical")
    pair = plan(peak_rps=5, availability_target=99.9).option("vertical")
    assert small.row.instances_desired == 1 and small.row.front == "public_ip"
    assert pair.row.instances_desired == 2 and pair.row.front == "alb"


def test_vertical_buys_the_cores_the_p99_needs_not_one_size_up():
    # 4 req/s x 75 ms = 0.3 busy vCPU (0.43 at the horizon); one core would put the p99 wait past 250 ms, so
    # two servers. A 2-vCPU Graviton3 box carries that although its USL capacity is 1.96; t4g.large's 30 %
    # baseline sustains 0.6 x 0.8 (a Graviton2 vCPU's work, policy.vcpu_throughput) < 0.43 / 0.6 = 0.72, and
    # c6g.large's two Graviton2 vCPUs are 1.6 reference cores < 2, so the cheapest fit is the cheapest 2-vCPU type
    # of reference speed: c7g.large at $0.0725/h in us-east-1 (pricing_data: ec2shop on-demand), not a 4-vCPU box
    p = plan(peak_rps=4, cpu_ms_per_request=75, availability_target=99.5)
    assert p.sizing.vcpu_needed_horizon == 2
    o = p.option("vertical")
    assert o.row.instance_type == "c7g.large" and o.row.instance_vcpu == 2
    line = o.bom[o.bom.component == "compute"].iloc[0]
    assert line.unit_usd == pytest.approx(0.0725) and line.monthly_usd == pytest.approx(0.0725 * 730)


def test_serverless_past_the_concurrency_quota_names_the_quota_to_raise():
    # a soft quota (AWS default 1,000 concurrent executions): the plan stands and says what to ask for
    o = plan(peak_rps=30_000).option("serverless")
    assert o.feasible
    assert o.row.concurrency_quota_to_raise == np.ceil(o.row.instances_max)
    assert (f"quota to raise: the account's Lambda concurrency quota is 1,000 by default, a soft quota; ask for "
            f"{o.row.concurrency_quota_to_raise:,.0f} before launch") in o.row.option_why
    assert plan(peak_rps=300).option("serverless").row.concurrency_quota_to_raise == 0


def test_instance_hours_follow_the_load_profile():
    o = plan().option("horizontal")
    assert o.row.instances_min * 730 <= o.row.instance_hours < o.row.instances_desired * 730


def test_commitments_and_spot_lower_the_bill():
    on_demand = plan().option("horizontal").monthly_usd
    assert plan(purchase_option="savings_1yr").option("horizontal").monthly_usd < on_demand
    assert plan(purchase_option="savings_3yr").option("horizontal").monthly_usd < \
        plan(purchase_option="savings_1yr").option("horizontal").monthly_usd
    assert plan(purchase_option="spot_mix").option("horizontal").monthly_usd < on_demand


def test_regions_are_priced_at_their_own_rates():
    us = plan(region="us-east-1").option("horizontal").monthly_usd
    sa = plan(region="sa-east-1").option("horizontal").monthly_usd
    assert sa > us


def test_estimated_prices_are_marked():
    o = plan(region="eu-west-1").option("horizontal")
    nat = o.bom[o.bom.component == "NAT gateways"].iloc[0]
    assert nat.source_id == "estimate-scaled-by-alb" and nat.note == "estimated price"


def test_unknown_region_lists_close_matches():
    from planner.base.errors import UnknownNameError

    with pytest.raises(UnknownNameError, match="unknown region 'us-east-9' for aws; did you mean"):
        plan(region="us-east-9")


def test_policy_overrides_change_the_plan():
    base = plan().option("horizontal")
    wider = make_plan(Workload(**BASE, policy={"burst_headroom": 1.0})).option("horizontal")
    assert wider.row.instances_max > base.row.instances_max
    x86 = make_plan(Workload(**BASE, policy={"allow_arm64": False})).option("horizontal")
    assert not x86.row.instance_type.startswith(("c6g", "c7g", "m6g", "m7g", "c8g", "m8g"))


def test_growth_month_zero_is_the_plans_monthly_figure():
    from planner.running.explore import growth

    w = Workload(**BASE)
    p = make_plan(w)
    table = growth(w)
    for o in p.options:
        if not o.feasible:
            continue
        row = table[(table.month == 0) & (table.option == o.name)].iloc[0]
        assert row.monthly_usd == pytest.approx(o.monthly_usd, rel=1e-9)
    last = table[(table.month == w.horizon_months) & (table.option == "horizontal")].iloc[0]
    assert last.monthly_usd > p.option("horizontal").monthly_usd
    assert "bills the first month" in p.billing and "its month 0" in p.billing and p.to_dict()["billing"]["fixed_capacity_sized_for_month"] == 12


@pytest.mark.parametrize(
    ("target", "rto", "option", "azs", "static", "multi_az", "dr_tier"),
    [
        (99.0, 1440, "vertical", 2, False, False, "backup_restore"),       # WA 2 9s: one instance, backups
        (99.9, 240, "horizontal", 2, False, True, "backup_restore"),      # WA 3 9s: two AZs, Multi-AZ
        (99.95, 30, "horizontal", 3, True, True, "pilot_light"),          # WA 3½ 9s: second region for RTO 30
        (99.99, 240, "horizontal", 3, True, True, "backup_restore"),      # WA 4 9s: three AZs, one region
        (99.999, 240, "horizontal", 3, True, True, "multi_site"),         # WA 5 9s: active/active
    ],
)
def test_well_architected_scenarios_end_to_end(target, rto, option, azs, static, multi_az, dr_tier):
    p = plan(peak_rps=100, data_size_gb=50, availability_target=target, rto_minutes=rto, rpo_minutes=60,
             policy={"cache_mode": "never"})
    o = p.option(option)
    assert o.feasible and o.availability_pct >= target
    assert (int(p.sizing.azs), bool(p.sizing.survive_az_loss), bool(p.sizing.db_multi_az), o.dr_tier) == \
        (azs, static, multi_az, dr_tier)
    if option == "vertical":
        assert o.row.instances_desired == 1  # one instance, no standby


def test_a_cache_that_cannot_be_built_is_a_reason_not_a_silent_omission():
    p = plan(data_size_gb=1_000_000, hot_data_fraction=1.0, monthly_growth=0.0,
             policy={"cache_mode": "always", "cache_sizes_tried": [1.0]})
    o = p.option("horizontal")
    assert not p.sizing.cache_used and not o.feasible
    assert any(r.startswith("cache: policy.cache_mode is always, but no redis node type holds") for r in o.reasons)


def test_database_engines_are_billed_as_chosen():
    # a quiet, large database: Aurora's shared volume beats RDS Multi-AZ's doubled gp3
    quiet = plan(peak_rps=5, data_size_gb=5000, monthly_growth=0.0, availability_target=99.9)
    o = quiet.option("horizontal")
    assert quiet.sizing.db_engine_variant.startswith("aurora") and o.feasible
    db = o.bom[o.bom.component.str.startswith("database")]
    assert set(db.source_id) != {"missing"} and db.monthly_usd.notna().all()
    # Aurora I/O-Optimized only: no I/O line, still priced
    opt = make_plan(Workload(**{**BASE, "peak_rps": 5, "data_size_gb": 5000, "monthly_growth": 0.0},
                             policy={"database_family_pattern": r"^db\.r6g$"}))
    assert opt.option("horizontal").feasible
    # RDS keeps gp3 and bills IOPS above the included baseline when the read path needs them
    # (one cluster: seven smaller shards would carry it cheaper)
    busy = plan(peak_rps=20_000, read_fraction=0.99, data_size_gb=3000, hot_data_fraction=0.9,
                policy={"cache_mode": "never", "consider_aurora": False, "db_max_shards": 1})
    s = busy.sizing
    assert s.db_engine_variant == "rds" and s.db_peak_iops > s.db_baseline_iops
    lines = busy.option("horizontal").bom
    iops = lines[lines.component == "database IOPS"]
    assert len(iops) == 1 and iops.quantity.iloc[0] == pytest.approx(s.db_provisioned_iops)


def test_decisions_and_reasons_use_words_not_field_names():
    """A reader of the dashboard, the report or the terminal meets labels, not ``cacheable_fraction 0`` or
    ``public: false`` (assumptions may name ``policy.<tunable>``: that is where to change it)."""
    import re

    from planner.workload.model import Workload
    from planner.workload.vocabulary import decision_label

    workloads = [Workload(peak_rps=300), Workload(peak_rps=3, data_size_gb=1),
                 Workload(peak_rps=50_000, data_size_gb=5_000, availability_target=99.99, rto_minutes=15,
                          rpo_minutes=1, purchase_option="optimise"),
                 Workload(peak_rps=1_000, public=True, cacheable_fraction=0.6, cdn="always"),
                 Workload(peak_rps=200, data_model="key_value", purchase_option="savings_1yr"),
                 Workload(peak_rps=500, async_jobs_per_second=50, cloud="gcp", region="us-central1"),
                 Workload(peak_rps=500, cloud="azure", region="eastus", purchase_option="spot_mix"),
                 Workload(peak_rps=500, availability_target=99.99999)]
    for w in workloads:
        plan = make_plan(w)
        texts = ([d.rationale for d in plan.decisions] + [decision_label(d.topic, d.choice) for d in plan.decisions]
                 + [r for o in plan.options for r in o.reasons])
        for text in texts:
            assert not re.findall(r"\b[a-z]+(?:_[a-z0-9]+)+\b", text), text
            assert not [f for f in Workload.model_fields  # a YAML setting such as "cdn: always"
                        if re.search(rf"\b{f}: (true|false|always|never|auto|[0-9])", text)], text


def test_each_decision_is_data_with_its_rule_and_numbers():
    # the JSON contract carries what decided each choice, so no reader re-derives a number from the sentence
    p = make_plan(Workload(peak_rps=1000, cacheable_fraction=0.6, data_size_gb=500))
    by_topic = {d["topic"]: d for d in p.to_dict()["decisions"]}
    db = by_topic["database class"]
    assert db["rule"] == "planner.sizing.database.size_database"
    assert db["numbers"]["db_hourly_usd"] == pytest.approx(p.sizing.db_hourly_usd)
    assert db["numbers"]["db_instance_class"] == p.sizing.db_instance_class
    cdn = by_topic["CDN"]["numbers"]
    assert cdn["cdn_used"] is True and cdn["cdn_with_usd"] == pytest.approx(p.recommended.monthly_usd)
    assert cdn["cdn_without_usd"] > cdn["cdn_with_usd"]  # both planned, the cheaper kept
    rec = by_topic["recommendation"]["numbers"]
    assert rec[f"{p.recommended.name}_monthly_usd"] == pytest.approx(p.recommended.monthly_usd)
    assert all(isinstance(d["numbers"], dict) for d in by_topic.values())
    json.dumps(p.to_dict(), allow_nan=False)  # no NaN leaks into the numbers
