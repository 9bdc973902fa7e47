"""Lookups return the published prices, vectorised lookups agree with scalar ones,
unknown names fail with close matches."""

from __future__ import annotations

import numpy as np
import pytest

from planner.base.errors import PlannerError, UnknownNameError
from planner.pricing import HOURS_PER_MONTH, tiered_cost_usd

# (region, service, sku, engine, deployment, hourly USD): the sanity checks of
# the source's SOURCES.md, which match AWS's public price pages.
PUBLISHED = [
    ("us-east-1", "ec2", "m5.large", None, None, 0.096),
    ("us-east-1", "ec2", "t3.micro", None, None, 0.0104),
    ("us-east-2", "ec2", "m5.large", None, None, 0.096),
    ("us-west-2", "ec2", "m5.large", None, None, 0.096),
    ("eu-west-1", "ec2", "m5.large", None, None, 0.107),
    ("eu-central-1", "ec2", "m5.large", None, None, 0.115),
    ("ap-south-1", "ec2", "m5.large", None, None, 0.101),
    ("ap-southeast-1", "ec2", "m5.large", None, None, 0.12),
    ("ap-northeast-1", "ec2", "m5.large", None, None, 0.124),
    ("sa-east-1", "ec2", "m5.large", None, None, 0.153),
    ("us-east-1", "rds", "db.t3.micro", "postgresql", "single-az", 0.018),
    ("us-east-1", "rds", "db.t3.micro", "postgresql", "multi-az", 0.036),
    ("us-east-1", "rds", "db.t3.micro", "mysql", "single-az", 0.017),
    ("us-east-1", "elasticache", "cache.t3.micro", "redis", None, 0.017),
    ("us-east-1", "elasticache", "cache.t3.micro", "memcached", None, 0.017),
    ("us-east-1", "elasticache", "cache.t3.micro", "valkey", None, 0.0136),
]


@pytest.mark.parametrize(("region", "service", "sku", "engine", "deployment", "hourly_usd"), PUBLISHED)
def test_published_on_demand_prices(book, region, service, sku, engine, deployment, hourly_usd):
    price = book.instance_price("aws", region, service, sku, engine=engine, deployment=deployment)
    assert price.hourly_usd == pytest.approx(hourly_usd)
    assert price.monthly_usd == pytest.approx(hourly_usd * 730)
    assert price.prices_as_of.startswith("20")
    assert price.source_id


def test_database_defaults_are_postgresql_single_az_and_redis(book):
    assert book.instance_price("aws", "us-east-1", "rds", "db.t3.micro").engine == "postgresql"
    assert book.instance_price("aws", "us-east-1", "rds", "db.t3.micro").deployment == "single-az"
    assert book.instance_price("aws", "us-east-1", "elasticache", "cache.t3.micro").engine == "redis"


def test_purchase_options(book):
    on_demand = book.instance_price("aws", "us-east-1", "ec2", "m5.large")
    spot = book.instance_price("aws", "us-east-1", "ec2", "m5.large", "spot")
    # Spot Advisor: 66 % savings for m5.large in us-east-1 (feed of 2025-06-28)
    assert spot.hourly_usd == pytest.approx(0.096 * (1 - 0.66))
    assert spot.interruption == "15-20%"
    r1 = book.instance_price("aws", "us-east-1", "ec2", "m5.large", "reserved_1yr")
    r3 = book.instance_price("aws", "us-east-1", "ec2", "m5.large", "reserved_3yr")
    s3 = book.instance_price("aws", "us-east-1", "ec2", "m5.large", "savings_3yr")
    assert r3.hourly_usd < r1.hourly_usd < on_demand.hourly_usd
    assert r3.hourly_usd < s3.hourly_usd < on_demand.hourly_usd  # convertible costs more than standard
    assert r1.payment == "no-upfront" and r1.upfront_usd == 0


def test_rds_three_year_reservation_folds_upfront_into_the_hourly_rate(book):
    r3 = book.instance_price("aws", "us-east-1", "rds", "db.r6g.large", "reserved_3yr", deployment="multi-az")
    assert r3.payment == "partial-upfront"
    assert r3.upfront_usd > 0
    recurring_usd_per_hour = r3.hourly_usd - r3.upfront_usd / 26_280
    assert 0 < recurring_usd_per_hour < r3.hourly_usd


def test_monthly_is_730_hours(book):
    assert HOURS_PER_MONTH == 730
    assert book.instance_price("aws", "us-east-1", "ec2", "m5.large").as_dict()["monthly_usd"] == pytest.approx(70.08)


def test_vectorised_lookup_matches_scalar(book):
    regions = ["us-east-1", "eu-west-1", "us-east-1", "us-east-1", "ap-south-1"]
    services = ["ec2", "ec2", "rds", "elasticache", "ec2"]
    skus = ["m5.large", "c6g.xlarge", "db.m6g.large", "cache.r6g.large", "no.such"]
    got = book.instance_hourly_usd("aws", regions, services, skus)
    for value, region, service, sku in zip(got[:4], regions, services, skus):
        assert value == book.instance_price("aws", region, service, sku).hourly_usd
    assert np.isnan(got[4])


def test_vectorised_lookup_broadcasts_scalars(book):
    got = book.instance_hourly_usd("aws", "us-east-1", "ec2", ["m5.large", "m5.xlarge"], option=["on_demand", "spot"])
    assert got[0] == 0.096
    assert got[1] == book.instance_price("aws", "us-east-1", "ec2", "m5.xlarge", "spot").hourly_usd


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("aws", "us-east-1", "ec2", "m5.larg"), "unknown ec2 SKU 'm5.larg' in aws us-east-1; did you mean m5.large"),
        (("aws", "us-eest-1", "ec2", "m5.large"), "unknown region 'us-eest-1' for aws; did you mean"),
        (("awz", "us-east-1", "ec2", "m5.large"), "unknown cloud 'awz'; did you mean aws?"),
        (("aws", "us-east-1", "ec3", "m5.large"), "unknown service 'ec3' for aws instances; did you mean ec2?"),
        (("aws", "us-east-1", "ec2", "m5.large", "spt"), "unknown purchase option 'spt'; did you mean spot?"),
    ],
)
def test_unknown_names_list_close_matches(book, args, fragment):
    with pytest.raises(UnknownNameError) as info:
        book.instance_price(*args)
    assert fragment in str(info.value)


def test_sku_missing_in_a_region_says_where_it_exists(book):
    with pytest.raises(PlannerError, match=r"'m7i.48xlarge' is not offered in ap-southeast-4 \(priced in \d+ other"):
        book.instance_price("aws", "ap-southeast-4", "ec2", "m7i.48xlarge")


def test_missing_purchase_option_lists_the_available_ones(book):
    # the source has no RDS reservations for ap-southeast-4
    with pytest.raises(PlannerError, match="no reserved_1yr price .* in ap-southeast-4; available: on_demand"):
        book.instance_price("aws", "ap-southeast-4", "rds", "db.t3.micro", "reserved_1yr")


def test_available_options(book):
    assert book.available_options("aws", "us-east-1", "ec2") == [
        "on_demand", "reserved_1yr", "reserved_3yr", "savings_1yr", "savings_3yr", "spot"]
    assert book.available_options("aws", "us-east-1", "rds", deployment="multi-az") == [
        "on_demand", "reserved_1yr", "reserved_3yr"]
    assert book.available_options("aws", "ap-southeast-4", "rds") == ["on_demand"]


def test_unknown_engine_lists_variants(book):
    with pytest.raises(PlannerError, match="no engine/deployment 'oracle/single-az'; available: mariadb/multi-az"):
        book.instance_price("aws", "us-east-1", "rds", "db.t3.micro", engine="oracle")


def test_flat_service_prices(book):
    assert book.service_price("aws", "us-east-1", "nat_gateway", "gateway_hour").usd_per_unit == 0.045
    assert book.service_price("aws", "us-east-1", "elb", "alb_hour", "application").usd_per_unit == 0.0225
    assert book.service_price("aws", "us-east-1", "elb", "alb_lcu_hour", "application").usd_per_unit == 0.008
    assert book.service_price("aws", "us-east-1", "fargate", "vcpu_hour", "linux/x86_64").usd_per_unit == 0.04048
    assert book.service_price("aws", "us-east-1", "fargate", "memory_gb_hour", "linux/x86_64").usd_per_unit == 0.004445
    assert book.service_price("aws", "us-east-1", "lambda", "requests", "x86_64").usd_per_unit == 0.2


def test_estimated_price_is_flagged(book):
    nat = book.service_price("aws", "eu-west-1", "nat_gateway", "gateway_hour")
    assert nat.source_id == "estimate-scaled-by-alb"
    # us-east-1 NAT 0.045 x (eu-west-1 ALB 0.0252 / us-east-1 ALB 0.0225)
    assert nat.usd_per_unit == pytest.approx(0.045 * 0.0252 / 0.0225)


def test_global_rules_apply_in_every_region(book):
    allowance = book.tiers("aws", "ap-south-1", "data_transfer", "out_to_internet_free_allowance")
    assert allowance.tier_end[0] == 100 and allowance.source_id == "manual-unverified"


def test_tiered_service_item_needs_tiers(book):
    with pytest.raises(PlannerError, match="is tiered"):
        book.service_price("aws", "us-east-1", "s3", "storage_standard", "STANDARD")


def test_unknown_service_item_lists_close_matches(book):
    with pytest.raises(UnknownNameError, match="unknown nat_gateway item 'gateway_hours'.*did you mean gateway_hour"):
        book.service_price("aws", "us-east-1", "nat_gateway", "gateway_hours")


def test_egress_tiers_by_hand(book):
    egress = book.tiers("aws", "us-east-1", "data_transfer", "out_to_internet")
    assert list(egress.usd_per_unit) == [0.09, 0.085, 0.07, 0.05]
    # 20,000 GB = 10,240 x 0.09 + 9,760 x 0.085
    # 200,000 GB = 10,240 x 0.09 + 40,960 x 0.085 + 102,400 x 0.07 + 46,400 x 0.05
    got = egress.cost_usd([0, 100, 20_000, 200_000])
    assert got == pytest.approx([0, 9.0, 921.6 + 829.6, 921.6 + 3481.6 + 7168 + 2320])


def test_s3_standard_tiers(book):
    s3 = book.tiers("aws", "us-east-1", "s3", "storage_standard", "STANDARD")
    assert list(s3.usd_per_unit) == [0.023, 0.022, 0.021]
    assert s3.cost_usd(51_200 + 1000)[()] == pytest.approx(51_200 * 0.023 + 1000 * 0.022)


def test_tiered_cost_is_continuous_and_monotone():
    start, end, price = [0, 10, 50], [10, 50, np.inf], [3.0, 2.0, 1.0]
    q = np.linspace(0, 100, 1001)
    cost = tiered_cost_usd(q, start, end, price)
    assert np.all(np.diff(cost) >= 0)
    assert tiered_cost_usd(10, start, end, price) == pytest.approx(30)
    assert tiered_cost_usd(60, start, end, price) == pytest.approx(30 + 80 + 10)


def test_tiered_cost_rejects_gaps():
    with pytest.raises(ValueError, match="contiguous"):
        tiered_cost_usd(5, [0, 20], [10, np.inf], [1, 1])


def test_key_index_finds_rows_by_composite_key():
    from planner.pricing.book import KeyIndex

    a = np.array(["x", "x", "y", "y", "x"], dtype=object)
    b = np.array(["1", "2", "1", "2", "1"], dtype=object)  # ("x", "1") twice: the first row wins
    index = KeyIndex([a, b])
    q_a = np.array(["y", "x", "z", None, "x"], dtype=object)
    q_b = np.array(["2", "1", "1", "1", float("nan")], dtype=object)
    assert index.positions([q_a, q_b], 5).tolist() == [3, 0, -1, -1, -1]
    assert index.positions(["x", np.array(["2", "1", "9"], dtype=object)], 3).tolist() == [1, 0, -1]
    assert index.positions(["y", "1"]).tolist() == [2]
    assert index.all_positions(["x", "1"]).tolist() == [0, 4] and index.all_positions(["z", "1"]).tolist() == []
