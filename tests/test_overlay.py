"""Negotiated prices laid over the list prices: discounts, contract rates, the BOM saying so, bad overlays."""

from __future__ import annotations

import pytest

from planner.base.errors import PlannerError
from planner.cli import main
from planner.plan.model import make_plan
from planner.pricing import default_book
from planner.pricing.overlay import apply_overlay, load_overlay, overlaid_book, read_overlay
from planner.workload.model import Workload

W = Workload(name="api", peak_rps=500, data_size_gb=100)


def overlay(tmp_path, text: str, name: str = "deal.csv"):
    path = tmp_path / name
    path.write_text(text)
    return load_overlay(path)


def test_ten_percent_off_everything_takes_ten_percent_off_every_bill(tmp_path):
    deal = overlay(tmp_path, "cloud,service,discount_pct\naws,*,10\n")
    base, cheaper = make_plan(W), make_plan(W, overlaid_book("aws", deal))
    for a, b in zip(base.options, cheaper.options):
        if a.feasible:
            assert b.monthly_usd == pytest.approx(0.9 * a.monthly_usd, rel=1e-9), a.name
            assert b.bom.note.str.contains(r"negotiated -10% \(deal.csv line 2\)").all(), a.name
    assert default_book("aws").instance_price("aws", "us-east-1", "ec2", "m5.large").hourly_usd == 0.096  # intact


def test_a_contract_rate_for_one_sku_beats_the_blanket_discount(tmp_path):
    deal = overlay(tmp_path, "cloud,service,sku,discount_pct,hourly_usd\naws,*,,10,\naws,ec2,c6g.large,,0.05\n")
    book = overlaid_book("aws", deal)
    assert book.instance_price("aws", "us-east-1", "ec2", "c6g.large").hourly_usd == 0.05  # most specific row
    listed = default_book("aws").instance_price("aws", "us-east-1", "ec2", "c6g.large", "savings_1yr").hourly_usd
    # the contract rate replaces on demand only; commitments keep their (undiscounted: the row is specific) rate
    assert book.instance_price("aws", "us-east-1", "ec2", "c6g.large", "savings_1yr").hourly_usd == listed
    m5 = book.instance_price("aws", "us-east-1", "ec2", "m5.large").hourly_usd
    assert m5 == pytest.approx(0.096 * 0.9)
    plan = make_plan(W.model_copy(update={"policy": W.policy.model_copy(update={"horizontal_family_pattern": "^c6g$"})}),
                     book)
    line = plan.option("horizontal").bom.iloc[0]  # the baseline: on demand
    assert line.sku == "c6g.large"
    assert line.unit_usd == 0.05 and "negotiated $0.05/h (deal.csv line 3)" in line.note


def test_a_family_discount_touches_that_family_only(tmp_path):
    deal = overlay(tmp_path, "cloud,service,family,discount_pct\naws,ec2,m5,30\n")
    book = overlaid_book("aws", deal)
    assert book.instance_price("aws", "us-east-1", "ec2", "m5.large").hourly_usd == pytest.approx(0.096 * 0.7)
    assert book.instance_price("aws", "us-east-1", "ec2", "c5.large").hourly_usd == \
        default_book("aws").instance_price("aws", "us-east-1", "ec2", "c5.large").hourly_usd
    nat = book.service_price("aws", "us-east-1", "nat_gateway", "gateway_hour")
    assert nat.usd_per_unit == default_book("aws").service_price("aws", "us-east-1", "nat_gateway",
                                                                   "gateway_hour").usd_per_unit


def test_every_bad_row_is_named_with_line_and_column(tmp_path):
    text = ("cloud,service,sku,discount_pct,hourly_usd\n"
            "aws,ec2,m5.larg,10,\n"
            "gcp,computer,,5,\n"
            "aws,*,,120,\n"
            "aws,ec2,m5.large,,-1\n"
            "azure,,,,\n")
    with pytest.raises(PlannerError) as err:
        overlay(tmp_path, text)
    message = str(err.value)
    assert message.startswith("5 problem(s) in the price overlay:")
    assert "deal.csv, line 2, column sku: unknown aws SKU 'm5.larg'; did you mean m5.large" in message
    assert "deal.csv, line 3, column service: unknown gcp service 'computer'; did you mean compute?" in message
    assert "deal.csv, line 4, column discount_pct: 120 is outside 0-90 %" in message
    assert "deal.csv, line 5, column hourly_usd: -1 is a negative price" in message
    assert "deal.csv, line 6: neither discount_pct nor hourly_usd is given" in message


@pytest.mark.parametrize(("text", "message"), [
    ("cloud,discount\naws,10\n", "unknown overlay column 'discount'"),
    ("cloud,service\naws,ec2\n", "needs a discount_pct or an hourly_usd column"),
    ("", "empty"),
    ("cloud,discount_pct\naws,ten\n", "line 2, column discount_pct: 'ten' is not a number"),
])
def test_bad_overlay_files(tmp_path, text, message):
    with pytest.raises(PlannerError, match=message):
        overlay(tmp_path, text)


def test_cli_plan_batch_and_diff_take_the_overlay(tmp_path, capsys):
    (tmp_path / "deal.csv").write_text("cloud,discount_pct\naws,20\n")
    (tmp_path / "w.yaml").write_text("name: api\npeak_rps: 500\ndata_size_gb: 100\n")
    assert main(["plan", str(tmp_path / "w.yaml"), "-f", "json", "-o", str(tmp_path / "list.json")]) == 0
    assert main(["diff", str(tmp_path / "list.json"), str(tmp_path / "w.yaml"), "--prices",
                 str(tmp_path / "deal.csv"), "-f", "json", "-o", str(tmp_path / "d.json")]) == 0
    import json

    d = json.loads((tmp_path / "d.json").read_text())
    assert d["delta_pct"] == pytest.approx(-20, abs=1e-6)
    (tmp_path / "s.csv").write_text("name,peak_rps,data_size_gb\napi,500,100\n")
    assert main(["batch", str(tmp_path / "s.csv"), "-o", str(tmp_path / "out.csv"), "--prices",
                 str(tmp_path / "deal.csv"), "-q"]) == 0
    import pandas as pd

    summary = pd.read_csv(tmp_path / "out.summary.csv")
    assert summary.monthly_usd.iloc[0] == pytest.approx(0.8 * make_plan(W).recommended.monthly_usd, abs=0.005)
    code = main(["plan", str(tmp_path / "w.yaml"), "--prices", str(tmp_path / "missing.csv")])
    assert code == 2 and "missing.csv: no such file" in capsys.readouterr().err


def test_the_overlaid_book_is_a_copy(tmp_path):
    deal = read_overlay(tmp_path / "d.csv", b"cloud,discount_pct\naws,50\n")
    book = default_book("aws")
    before = book.instance_prices.hourly_usd.sum()
    half = apply_overlay(book, deal)
    assert half.instance_prices.hourly_usd.sum() == pytest.approx(before / 2)
    assert book.instance_prices.hourly_usd.sum() == before and "overlay_note" not in book.instance_prices
    assert half.cache_key is None  # never written to the on-disk cache


def test_an_uploaded_overlay_is_checked_like_a_file():
    # the dashboard's upload: a name and bytes, the same checks
    assert load_overlay("upload.csv", b"cloud,discount_pct\ngcp,15\n").rows[0].discount_pct == 15
    with pytest.raises(PlannerError, match="upload.csv, line 2, column cloud: unknown cloud 'gpc'"):
        load_overlay("upload.csv", b"cloud,discount_pct\ngpc,15\n")


def test_a_row_for_any_cloud_names_things_some_cloud_has(tmp_path):
    # a typo in a row that applies to every cloud used to match nothing, silently
    with pytest.raises(PlannerError, match="line 2, column service: unknown any cloud's service 'ec3'; did you mean"):
        overlay(tmp_path, "cloud,service,discount_pct\n*,ec3,10\n")
    assert overlay(tmp_path, "cloud,service,discount_pct\n*,ec2,10\n*,compute,5\n").rows[1].service == "compute"
