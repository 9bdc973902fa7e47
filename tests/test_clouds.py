"""Google Cloud and Azure: published prices, hand-checked bills, the same invariants as AWS, and the comparison.

Published figures: e2-standard-2 us-central1 $0.0670114/h and n2-standard-2 $0.097118/h (Compute Engine price
list, as in the source's sanity checks), Standard_D2s_v5 eastus $0.096/h (Azure Linux pay-as-you-go), Cloud SQL
Enterprise us-central1 $0.0413 per vCPU-hour and $0.007 per GiB-hour zonal, twice that regional (HA).
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from planner.base.errors import PlannerError
from planner.cli import main
from planner.clouds import catalog_for
from planner.engine.chain import run, workloads_frame
from planner.plan.model import OPTION_ORDER
from planner.plan.model import make_plan
from planner.pricing import default_book
from planner.running.multicloud import clouds_table, plans_across_clouds, retarget
from planner.workload.model import Workload

SOURCES = Path(__file__).resolve().parents[2] / "shared" / "pricing-sources"
HERE = {"gcp": "us-central1", "azure": "eastus"}


def workload(cloud: str, **changes: object) -> Workload:
    base = {"name": "svc", "cloud": cloud, "region": HERE[cloud], "peak_rps": 300, "data_size_gb": 80,
            "object_storage_gb": 200, "availability_target": 99.9, "rto_minutes": 240, "rpo_minutes": 60}
    return Workload.model_validate({**base, **changes})


@pytest.mark.parametrize(("cloud", "region", "service", "sku", "usd"), [
    ("gcp", "us-central1", "compute", "e2-standard-2", 0.0670114),
    ("gcp", "us-central1", "compute", "n2-standard-2", 0.097118),
    ("azure", "eastus", "vm", "Standard_D2s_v5", 0.096),
])
def test_published_vm_prices(cloud, region, service, sku, usd):
    price = default_book(cloud).instance_price(cloud, region, service, sku)
    assert price.hourly_usd == pytest.approx(usd, abs=1e-6)
    assert not price.source_id.startswith("estimate")


def test_cloud_sql_classes_are_built_from_the_unit_prices():
    book = default_book("gcp")
    # 2 vCPU x $0.0413 + 7.5 GiB x $0.007 zonal; regional (HA) bills both twice
    zonal = book.instance_price("gcp", "us-central1", "cloudsql", "db-custom-2-7680", deployment="single-az")
    regional = book.instance_price("gcp", "us-central1", "cloudsql", "db-custom-2-7680", deployment="multi-az")
    assert zonal.hourly_usd == pytest.approx(2 * 0.0413 + 7.5 * 0.007)
    assert regional.hourly_usd == pytest.approx(2 * zonal.hourly_usd)
    # elsewhere a flagged estimate, scaled by the region's Compute Engine price level
    away = book.instance_price("gcp", "europe-west3", "cloudsql", "db-custom-2-7680", deployment="single-az")
    assert away.source_id.startswith("estimate") and "ESTIMATE" in away.notes
    assert away.hourly_usd > zonal.hourly_usd  # Frankfurt costs more than Iowa


def test_flexible_server_zone_redundant_ha_bills_a_standby():
    book = default_book("azure")
    with pytest.raises(PlannerError, match="available: postgresql/single-az"):  # no HA in the Burstable tier
        book.instance_price("azure", "westus", "postgresql_flexible", "B_Standard_B1ms", deployment="multi-az")
    one = book.instance_price("azure", "westus", "postgresql_flexible", "GP_Standard_D2ds_v5", deployment="single-az")
    ha = book.instance_price("azure", "westus", "postgresql_flexible", "GP_Standard_D2ds_v5", deployment="multi-az")
    assert one.hourly_usd == pytest.approx(0.203) and ha.hourly_usd == pytest.approx(0.406)
    assert not one.source_id.startswith("estimate")


@pytest.mark.skipif(not (SOURCES / "gcp" / "compute.csv").exists(), reason="price sources not beside the checkout")
def test_gcp_and_azure_vm_prices_equal_their_sources():
    gcp = pd.read_csv(SOURCES / "gcp" / "compute.csv").sample(300, random_state=3)
    got = default_book("gcp").instance_hourly_usd("gcp", gcp.region, "compute", gcp.machine_type)
    np.testing.assert_allclose(got, gcp.on_demand_usd_per_hour, atol=5e-7)
    az = pd.read_csv(SOURCES / "azure" / "vm.csv").dropna(subset=["vcpu"]).sample(300, random_state=3)
    got = default_book("azure").instance_hourly_usd("azure", az.region, "vm", az.vm_size)
    np.testing.assert_allclose(got, az.on_demand_usd_per_hour)


@pytest.mark.parametrize("cloud", ["gcp", "azure"])
def test_plans_end_to_end_with_every_line_priced(cloud):
    plan = make_plan(workload(cloud))
    rec = plan.recommended
    assert rec is not None and rec.feasible
    for o in plan.options:
        if o.feasible:
            assert len(o.bom) > 5 and o.bom.monthly_usd.sum() == pytest.approx(o.monthly_usd)
            assert (o.bom.source_id != "missing").all()
    services = set(rec.bom.service)
    assert {"cloudsql", "network"} <= services if cloud == "gcp" else {"postgresql_flexible", "bandwidth"} <= services
    assert plan.sources.source_id.isin(rec.bom.source_id).any()
    assert json.dumps(plan.to_dict())  # the JSON contract serialises


def test_gcp_database_bill_is_the_hand_computed_one():
    plan = make_plan(workload("gcp"))
    s, bom = plan.sizing, plan.recommended.bom
    db = bom[bom.component == "database"].iloc[0]
    vcpu, memory_mib = (int(x) for x in db.sku.split("-")[2:])
    # regional (HA) Cloud SQL in us-central1: 2 x ($0.0413 per vCPU + $0.007 per GiB) an hour, 730 hours
    assert s.db_multi_az
    assert db.monthly_usd == pytest.approx(730 * 2 * (vcpu * 0.0413 + memory_mib / 1024 * 0.007))
    storage = bom[bom.component == "database storage"].iloc[0]
    assert storage.unit_usd == pytest.approx(0.34) and storage.quantity == pytest.approx(s.db_storage_gb)
    backups = bom[bom.component == "database backups"].iloc[0]  # Cloud SQL bills every backup GB
    assert backups.quantity == pytest.approx(s.db_storage_gb * (1 + 0.05 * 7))


def test_azure_caches_always_run_a_replica_and_no_inter_zone_transfer_is_billed():
    plan = make_plan(workload("azure", peak_rps=3000, data_size_gb=400, availability_target=99.0,
                              policy={"cache_mode": "always"}))
    s = plan.sizing
    assert s.cache_used and not s.cache_multi_az
    assert s.cache_nodes == 2 * s.cache_shards  # Premium: primary + replica even in one zone
    assert not any(o.bom.component.eq("inter-AZ transfer").any() for o in plan.options)


@pytest.mark.parametrize("cloud", ["gcp", "azure"])
def test_more_load_never_costs_less(cloud):
    wf = workloads_frame([workload(cloud, peak_rps=rps) for rps in (20, 100, 500, 2000, 8000)])
    result = run(wf, Workload(peak_rps=1).policy, default_book(cloud), detail=False)
    cost = np.where(result.per_scenario("recommended"), result.per_scenario("monthly_usd"), np.inf).min(axis=1)
    assert np.isfinite(cost).all()
    assert (np.diff(cost) >= -1e-6).all(), cost


@pytest.mark.parametrize(("cloud", "service"), [("gcp", "cloudsql"), ("azure", "postgresql_flexible")])
def test_zone_redundant_database_never_cheaper_than_single_zone(cloud, service):
    p = default_book(cloud).instance_prices
    p = p[(p.service == service) & (p.option == "on_demand")]
    pair = p.pivot_table(index=["region", "sku", "engine"], columns="deployment", values="hourly_usd").dropna()
    assert len(pair) > 100 and (pair["multi-az"] >= pair["single-az"]).all()
    # and whole plans: a target that needs a standby never costs less
    low = make_plan(workload(cloud, availability_target=99.0, rto_minutes=1440)).recommended
    high = make_plan(workload(cloud, availability_target=99.9, rto_minutes=1440)).recommended
    assert high.monthly_usd >= low.monthly_usd


@pytest.mark.parametrize("cloud", ["gcp", "azure"])
def test_dr_tiers_are_ordered(cloud):
    costs = [make_plan(workload(cloud, rto_minutes=rto, rpo_minutes=rpo)).recommended
             for rto, rpo in ((1440, 240), (45, 10), (20, 2), (2, 0.5))]
    tiers = [c.dr_tier for c in costs]
    assert tiers == ["backup_restore", "pilot_light", "warm_standby", "multi_site"]
    monthly = [c.monthly_usd for c in costs]
    assert monthly == sorted(monthly)


def test_azure_commitments_fall_back_to_pay_as_you_go_and_say_so():
    plan = make_plan(workload("azure", purchase_option="savings_1yr"))
    base = make_plan(workload("azure"))
    assert plan.option("horizontal").monthly_usd == pytest.approx(base.option("horizontal").monthly_usd)
    notes = plan.option("horizontal").bom.note
    assert notes.str.contains("no savings_1yr price; on_demand used").any()


def test_three_clouds_side_by_side():
    w = workload("gcp").model_copy(update={"cloud": "aws", "region": "us-east-1"})
    plans = plans_across_clouds(w, ["aws", "gcp", "azure"], {"gcp": "us-central1"})
    table = clouds_table(plans)
    assert list(table.cloud) == ["aws", "gcp", "azure"]
    assert list(table.region) == ["us-east-1", "us-central1", "eastus"]  # override, then the equivalent region
    assert table.cheapest.sum() == 1
    assert table.monthly_usd[table.cheapest].iloc[0] == table.monthly_usd.min()
    assert table.vs_cheapest_pct.min() == 0 and (table.vs_cheapest_pct >= 0).all()
    for p, row in zip(plans, table.itertuples()):
        assert row.monthly_usd == pytest.approx(p.recommended.monthly_usd)


def test_retarget_resets_what_names_another_clouds_things():
    w = workload("gcp", policy={"horizontal_family_pattern": "^e2$", "burst_headroom": 0.5})
    moved = retarget(w, "azure", "eastus")
    assert moved.policy.burst_headroom == 0.5  # cloud-neutral: kept
    assert "horizontal_family_pattern" not in moved.policy.model_fields_set  # GCP names: dropped
    plan = make_plan(moved)
    assert plan.workload.policy.horizontal_family_pattern == catalog_for("azure").policy_defaults[
        "horizontal_family_pattern"]


def test_unknown_cloud_and_a_region_of_another_cloud_are_named():
    with pytest.raises(PlannerError, match="unknown cloud 'gpc'; did you mean gcp"):
        make_plan(workload("gcp").model_copy(update={"cloud": "gpc"}))
    with pytest.raises(PlannerError, match="region 'us-east-1' belongs to aws, not gcp"):
        make_plan(workload("gcp", region="us-east-1"))
    with pytest.raises(PlannerError, match="unknown region 'us-centrl1' for gcp; did you mean us-central1"):
        make_plan(workload("gcp", region="us-centrl1"))


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_cli_clouds_table_markdown_and_json(tmp_path, capsys):
    path = tmp_path / "w.yaml"
    path.write_text("name: api\nregion: eu-west-1\npeak_rps: 200\ndata_size_gb: 50\n")
    code, out, err = run_cli(capsys, "plan", str(path), "--clouds", "aws,gcp,azure")
    assert code == 0, err
    assert "AWS" in out and "Google Cloud" in out and "Azure" in out and "(cheapest)" in out
    assert "europe-west1" in out and "northeurope" in out
    code, out, _ = run_cli(capsys, "plan", str(path), "--clouds", "aws,azure", "-f", "md")
    assert code == 0 and out.startswith("# Cloud comparison: api") and out.count("# Capacity plan: api") == 2
    code, out, _ = run_cli(capsys, "plan", str(path), "--clouds", "gcp", "--cloud-region", "gcp=europe-west4",
                           "-f", "json")
    data = json.loads(out)
    assert data["comparison"][0]["region"] == "europe-west4" and data["plans"][0]["workload"]["cloud"] == "gcp"


@pytest.mark.parametrize(("argv", "message"), [
    (["--clouds", "aws,gcq"], "unknown cloud 'gcq'; did you mean gcp"),
    (["--clouds", "aws,gcp", "--cloud-region", "gcp"], "expected CLOUD=REGION"),
    (["--clouds", "gcp", "--cloud-region", "gcp=us-east-1"], "belongs to aws, not gcp"),
    (["--cloud-region", "gcp=us-central1"], "--cloud-region applies with --clouds"),
])
def test_cli_clouds_bad_input(tmp_path, capsys, argv, message):
    path = tmp_path / "w.yaml"
    path.write_text("name: api\nregion: us-east-1\npeak_rps: 200\n")
    code, out, err = run_cli(capsys, "plan", str(path), *argv)
    assert code == 2 and out == ""
    assert message in err and len(err.strip().splitlines()) == 1


def test_batch_rows_may_mix_clouds(tmp_path):
    from planner.running.batch import run_batch
    from planner.running.batch_input import read_batch

    path = tmp_path / "mix.csv"
    path.write_text("name,cloud,region,peak_rps\na,aws,us-east-1,100\nb,gcp,us-central1,100\n"
                    "c,azure,eastus,100\nd,gcp,eastus,100\n")
    inp = read_batch(path)
    assert [(e.row, e.column) for e in inp.errors] == [(5, "region")]
    assert "belongs to azure, not gcp" in inp.errors[0].message
    result = run_batch(inp, workers=1)
    summary = pd.DataFrame(result.summary_columns)
    assert list(summary.row) == [2, 3, 4]
    # each row priced with its own cloud's book: the same bill as a single plan of it
    for (cloud, region), got in zip([("aws", "us-east-1"), ("gcp", "us-central1"), ("azure", "eastus")],
                                    summary.monthly_usd):
        alone = make_plan(Workload(name="x", cloud=cloud, region=region, peak_rps=100)).recommended
        assert got == pytest.approx(alone.monthly_usd)


def test_coverage_reports_listed_and_estimated_per_cloud(capsys):
    code, out, _ = run_cli(capsys, "prices", "coverage", "--cloud", "gcp", "-f", "csv")
    table = pd.read_csv(io.StringIO(out))
    db = table[table.role == "database"].set_index("region").status
    assert db["us-central1"] == "listed" and db["europe-west3"] == "estimated"
    assert (table.status != "missing").all()
    code, out, _ = run_cli(capsys, "prices", "coverage", "--cloud", "azure", "--region", "westus", "-f", "csv")
    table = pd.read_csv(io.StringIO(out))
    assert table.set_index("role").status["database"] == "listed"


def test_a_policy_read_back_from_json_still_takes_the_clouds_defaults():
    # JSON carries every policy field, so "set" cannot mean "chosen": fields at the planner-wide default follow
    # the cloud (the dashboard caches plans by their workload's JSON)
    w = workload("gcp")
    again = Workload.model_validate_json(w.model_dump_json())
    assert "horizontal_family_pattern" in again.policy.model_fields_set
    assert make_plan(again).recommended.monthly_usd == pytest.approx(make_plan(w).recommended.monthly_usd)


def test_a_family_pattern_no_type_matches_is_named():
    plan = make_plan(workload("azure", policy={"vertical_family_pattern": "^Nope$"}))
    reasons = " ".join(plan.option("vertical").reasons)
    assert "no instance type of the families ^Nope$ is priced in eastus" in reasons


def test_clouds_figure_draws_every_option_and_names_the_cheapest():
    from planner.report.figures import clouds_figure

    w = Workload(name="x", region="us-east-1", peak_rps=300)
    table = clouds_table(plans_across_clouds(w, ["aws", "gcp", "azure"]))
    fig = clouds_figure(table)
    assert [t.name for t in fig.data] == list(OPTION_ORDER)
    labels = list(fig.data[1].x)
    cheapest = table.cloud[table.cheapest].iloc[0]
    assert sum("<b>cheapest:" in x for x in labels) == 1
    assert catalog_for(cheapest).label in next(x for x in labels if "<b>cheapest:" in x)
    np.testing.assert_allclose(np.asarray(fig.data[1].y, dtype=float), table.horizontal_usd)


def test_egress_beyond_azures_last_priced_tier_is_the_last_rate_said_as_an_estimate():
    from planner.pricing.tiers import tiered_cost_usd

    # Microsoft's bandwidth list stops at 500 TB a month ("contact us"): never free; the bill takes the last
    # published rate beyond it and the line says it is an estimate
    cost = tiered_cost_usd([50, 600_000], [0, 100], [100, 512_000], [0.0, 0.087])
    assert cost[0] == 0 and np.isnan(cost[1])
    extended = tiered_cost_usd([600_000], [0, 100], [100, 512_000], [0.0, 0.087], extend_last=True)
    assert extended[0] == pytest.approx((512_000 - 100) * 0.087 + 88_000 * 0.087)
    plan = make_plan(workload("azure", peak_rps=20_000, response_kb=40))
    assert plan.recommended is not None
    egress = plan.recommended.bom[plan.recommended.bom.component == "internet egress"].iloc[0]
    assert "beyond the list's last tier (512,000 GB) at its rate, an estimate" in egress.sku
    assert egress.quantity > 512_000
    # what the list bills up to its end, plus the rest at the last tier's rate
    book = default_book("azure")
    tiers = book.tiers("azure", "eastus", egress.service, *_egress_item())
    listed = tiers.cost_usd(np.array([tiers.tier_end[-1]]))[0]
    assert egress.monthly_usd == pytest.approx(listed + (egress.quantity - tiers.tier_end[-1]) * tiers.usd_per_unit[-1])


def _egress_item() -> tuple[str, str]:
    ref = catalog_for("azure").price("egress")
    return ref.item, ref.dimension


def test_an_engine_a_cloud_does_not_price_is_named():
    plan = make_plan(workload("azure", policy={"database_engine": "mysql"}))
    assert plan.recommended is None
    assert "database: Azure's price book has no mysql database (priced: postgresql)" in " ".join(
        plan.option("horizontal").reasons)


def test_always_on_gcp_vms_get_the_sustained_use_discount():
    book = default_book("gcp")
    # N2 running a whole month: 20 % off the list rate (Compute Engine sustained-use discounts); E2 has none
    n2 = book.instance_price("gcp", "us-central1", "compute", "n2-standard-2", "sustained_use").hourly_usd
    assert n2 == pytest.approx(0.097118 * 0.8, rel=1e-3)
    e2 = book.instance_price("gcp", "us-central1", "compute", "e2-standard-2", "sustained_use").hourly_usd
    assert e2 == pytest.approx(0.067011)
    plan = make_plan(workload("gcp", policy={"vertical_family_pattern": "^n2$"}, peak_rps=20,
                              availability_target=99.0, rto_minutes=1440))
    line = plan.option("vertical").bom.iloc[0]
    assert line.component == "compute" and line.note == "sustained use rate"
    listed = book.instance_price("gcp", "us-central1", "compute", line.sku).hourly_usd
    assert line.unit_usd == pytest.approx(listed * 0.8, rel=1e-3)


def test_the_cloud_comparison_table_renders_as_a_table():
    # its alignment row had 12 cells for 13 columns (sized for four options before Kubernetes), so Markdown showed
    # the table as plain text
    from planner.report.markdown import render_clouds_markdown
    from planner.running.multicloud import plans_across_clouds

    md = render_clouds_markdown(plans_across_clouds(Workload(peak_rps=300), ["aws", "gcp", "azure"]))
    head, sep = [line for line in md.splitlines() if line.startswith("|")][:2]
    assert head.count("|") == sep.count("|") and set(sep.replace("|", "").split()) <= {"---", "---:"}
