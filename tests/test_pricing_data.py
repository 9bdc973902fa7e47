"""Invariants over the bundled price tables."""

from __future__ import annotations

import pandas as pd
import pytest

from planner.pricing.coverage import coverage_gaps


def _on_demand_with_specs(book, service: str) -> pd.DataFrame:
    p = book.instance_prices
    specs = book.specs[book.specs.service == service][["sku", "family", "vcpu", "memory_gib", "gpu_count"]]
    return p[(p.service == service) & (p.option == "on_demand")].merge(specs, on="sku")


def _price_falls_with_size(df: pd.DataFrame, group: list[str]) -> pd.DataFrame:
    """Rows whose price is below that of a smaller (fewer vCPU) SKU of the same group."""
    df = df.sort_values([*group, "vcpu", "hourly_usd"])
    prev_max = df.groupby(group).hourly_usd.cummax().groupby([df[g] for g in group]).shift()
    smaller = df.groupby(group).vcpu.shift()
    return df[(df.hourly_usd < prev_max - 1e-9) & (smaller < df.vcpu)]


def test_ec2_price_rises_with_size_within_family_and_gpu_count(book):
    bad = _price_falls_with_size(_on_demand_with_specs(book, "ec2"), ["region", "family", "gpu_count"])
    assert bad.empty, bad[["region", "sku", "vcpu", "hourly_usd"]].head(10).to_string()


@pytest.mark.parametrize("service", ["rds", "elasticache"])
def test_database_price_rises_with_size_within_family(book, service):
    df = _on_demand_with_specs(book, service)
    bad = _price_falls_with_size(df, ["region", "engine", "deployment", "family"])
    assert bad.empty, bad[["region", "engine", "deployment", "sku", "hourly_usd"]].head(10).to_string()


def test_commitments_and_spot_are_cheaper_than_on_demand(book):
    p = book.instance_prices
    key = ["cloud", "region", "service", "sku", "engine", "deployment"]
    od = p[p.option == "on_demand"].set_index(key).hourly_usd.rename("on_demand")
    others = p[p.option != "on_demand"].join(od, on=key)
    assert others.on_demand.notna().all(), "every commitment or spot price has an on-demand twin"
    dearer = others[others.hourly_usd >= others.on_demand]
    assert dearer.empty, dearer[[*key, "option", "hourly_usd", "on_demand"]].head().to_string()
    assert (others.hourly_usd > 0).all()


def test_three_years_cheaper_than_one(book):
    p = book.instance_prices
    key = ["cloud", "region", "service", "sku", "engine", "deployment"]
    for one, three in [("reserved_1yr", "reserved_3yr"), ("savings_1yr", "savings_3yr")]:
        both = p[p.option == one].merge(p[p.option == three], on=key, suffixes=("_1", "_3"))
        assert len(both) > 1000
        assert (both.hourly_usd_3 < both.hourly_usd_1).all()


def test_multi_az_never_cheaper_than_single_az(book):
    p = book.instance_prices
    key = ["region", "sku", "engine", "option"]
    rds = p[p.service == "rds"]
    both = rds[rds.deployment == "single-az"].merge(rds[rds.deployment == "multi-az"], on=key, suffixes=("_s", "_m"))
    assert len(both) > 10_000
    assert (both.hourly_usd_m >= both.hourly_usd_s).all()
    # a Multi-AZ deployment runs a standby of the same class: the on-demand price is double, give or
    # take the rounding of sub-cent prices (db.t4g.micro 0.021 / 0.041)
    od = both[both.option == "on_demand"]
    ratio = od.hourly_usd_m / od.hourly_usd_s
    assert ratio.median() == pytest.approx(2.0)
    assert ratio.between(1.8, 2.2).mean() > 0.97


def test_spot_feed_faults_are_filtered(book):
    """The Spot Advisor feed has rows with zero or negative savings; none survive."""
    p = book.instance_prices
    spot = p[p.option == "spot"]
    assert len(spot) > 10_000
    assert not ((spot.region == "ca-central-1") & (spot.sku == "p5.48xlarge")).any()


def test_every_region_has_what_the_planner_needs(book):
    assert coverage_gaps(book, "aws") == []


def test_estimates_are_flagged_and_cover_only_gaps(book):
    s = book.service_prices
    est = s[s.source_id.str.startswith("estimate")]
    assert set(est.service) == {"nat_gateway", "data_transfer", "ebs", "dynamodb", "sqs", "sns", "kinesis", "waf"}
    # the calculator files of the services added for issue 14 leave out GovCloud (US-West) alone
    later = est[est.service.isin(["dynamodb", "sqs", "sns", "kinesis", "waf"])]
    assert set(later.region) == {"us-gov-west-1"}
    assert est.notes.str.startswith("ESTIMATE").all()
    real = s[~s.source_id.str.startswith("estimate")]
    overlap = est.merge(real, on=["region", "service", "item", "dimension"])
    assert overlap.empty, "an estimate never shadows a sourced price"


def test_manifest_names_source_date_and_checksum(book):
    m = book.manifest
    priced = m[m.kind.isin(["instance_prices", "service_prices"])]
    assert (priced.sources != "").all()
    assert (priced[priced.file != "aws/service_rules.csv"].prices_as_of != "").all()
    assert m.sha256.str.fullmatch(r"[0-9a-f]{64}").all()
    known = set(book.sources.source_id)
    cited = {s for row in m.sources for s in row.split(";") if s}
    assert cited <= known


def test_tables_stay_compact(bundled_dir):
    sizes = {p.name: p.stat().st_size for p in (bundled_dir / "aws").glob("*.csv")}
    assert max(sizes.values()) < 5 * 2**20, sizes
    assert sum(sizes.values()) < 40 * 2**20
