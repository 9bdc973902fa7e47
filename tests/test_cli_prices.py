"""``planner prices ...`` and ``planner --version``: output and error behaviour."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest

from planner import __version__
from planner.cli import main
from tests.conftest import edit_table


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_version(capsys):
    code, out, _ = run(capsys, "--version")
    assert code == 0
    assert out.strip() == f"planner {__version__}"


def test_lookup_json(capsys):
    code, out, err = run(capsys, "prices", "lookup", "aws", "us-east-1", "ec2", "m5.large", "--format", "json")
    assert code == 0, err
    record = json.loads(out)
    assert record["hourly_usd"] == 0.096
    assert record["monthly_usd"] == pytest.approx(70.08)
    assert record["hours_per_month"] == 730
    assert record["prices_as_of"] == "2025-04-04"
    assert record["source"][0]["repo"] == "yeo/ec2.shop"


def test_lookup_reserved_database(capsys):
    code, out, _ = run(capsys, "prices", "lookup", "aws", "us-east-1", "rds", "db.r6g.large",
                       "--deployment", "multi-az", "--option", "reserved_1yr", "-f", "json")
    record = json.loads(out)
    assert code == 0
    assert (record["engine"], record["deployment"], record["option"]) == ("postgresql", "multi-az", "reserved_1yr")


def test_lookup_service_item(capsys):
    code, out, _ = run(capsys, "prices", "lookup", "aws", "us-east-1", "nat_gateway", "gateway_hour", "-f", "json")
    record = json.loads(out)
    assert code == 0
    assert record["hourly_usd"] == 0.045 and record["monthly_usd"] == pytest.approx(32.85)


def test_lookup_tiered_item_lists_tiers(capsys):
    _, out, _ = run(capsys, "prices", "lookup", "aws", "us-east-1", "data_transfer", "out_to_internet", "-f", "json")
    tiers = json.loads(out)["tiers"]
    assert [t["usd_per_unit"] for t in tiers] == [0.09, 0.085, 0.07, 0.05]
    assert tiers[-1]["tier_end"] is None


def test_lookup_table_output(capsys):
    code, out, _ = run(capsys, "prices", "lookup", "aws", "us-east-1", "ec2", "m5.large")
    assert code == 0
    assert "hourly_usd" in out and "0.096" in out and "70.08" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["prices", "lookup", "aws", "us-east-1", "ec2", "m5.larg"], "did you mean m5.large"),
        (["prices", "lookup", "aws", "us-east-1", "ec2"], "Missing argument 'SKU'"),
        (["prices", "lookup", "aws", "us-east-1", "ec2", "m5.large", "--option", "forever"], "unknown purchase option"),
        (["prices", "list", "--limit", "-3"], "--limit"),
        (["prices", "list", "--family", "m9z"], "unknown instance family 'm9z'"),
        (["prices", "list", "--region", "mars-1"], "unknown region 'mars-1'"),
        (["prices", "regions", "--cloud", "azur"], "unknown cloud 'azur'; did you mean azure"),
        (["prices", "validate", "/no/such/folder"], "is not a folder"),
        (["no-such-command"], "No such command"),
    ],
)
def test_bad_arguments_give_one_line_and_exit_2(capsys, argv, message):
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith("planner: error: ")
    assert message.lower() in err.lower()
    assert "Traceback" not in err


def test_list_filters_and_csv(capsys):
    code, out, _ = run(capsys, "prices", "list", "--family", "m7g,c7g", "--min-vcpu", "4", "--min-memory", "16",
                       "--format", "csv")
    assert code == 0
    df = pd.read_csv(io.StringIO(out))
    assert set(df.family) == {"m7g", "c7g"}
    assert (df.vcpu >= 4).all() and (df.memory_gib >= 16).all()
    assert df.hourly_usd.is_monotonic_increasing
    assert (df.monthly_usd - df.hourly_usd * 730).abs().max() < 1e-9


def test_list_table_is_limited_with_a_note(capsys):
    code, out, _ = run(capsys, "prices", "list", "--limit", "3")
    assert code == 0
    assert "showing the 3 cheapest of" in out


def test_list_database_engine(capsys):
    code, out, _ = run(capsys, "prices", "list", "--service", "elasticache", "--engine", "valkey", "-f", "json")
    rows = json.loads(out)
    assert code == 0 and rows
    assert all(r["sku"].startswith("cache.") for r in rows)


def test_regions(capsys):
    code, out, _ = run(capsys, "prices", "regions", "-f", "json")
    rows = {r["region"]: r for r in json.loads(out)}
    assert code == 0
    assert len(rows) == 34
    assert rows["us-east-1"]["name"] == "US East (N. Virginia)"
    assert rows["us-east-1"]["ec2_skus"] > 1000
    assert rows["eu-west-1"]["estimated_prices"] == 2  # NAT gateway hour + GB


def test_sources(capsys):
    code, out, _ = run(capsys, "prices", "sources", "-f", "json")
    rows = json.loads(out)
    assert code == 0
    assert {r["file"] for r in rows} >= {"aws/ec2_on_demand.csv", "aws/service_prices.csv"}
    assert all(r["oldest_age_days"] is None or r["oldest_age_days"] > 0 for r in rows)


def test_validate_bundled(capsys):
    code, out, err = run(capsys, "prices", "validate")
    assert code == 0, err
    assert out.startswith("OK: pricing_data: 31 tables")
    assert err == ""


def test_validate_good_and_bad_folder(capsys, mini_tables):
    folder = mini_tables()
    code, out, err = run(capsys, "prices", "validate", str(folder))
    assert code == 0 and out.startswith("OK:")
    assert "warning: aws" in err  # a two-region folder lacks the other regions' prices

    def negate(df):
        df.loc[0, "hourly_usd"] = "-1"
        return df

    edit_table(folder, "aws/ec2_on_demand.csv", negate)
    code, out, err = run(capsys, "prices", "validate", str(folder))
    assert code == 2
    assert "ec2_on_demand.csv, line 2, column hourly_usd: negative value" in err
    assert "Traceback" not in err


def test_rds_service_items_are_reachable(capsys):
    import json

    from planner.cli import main

    assert main(["prices", "lookup", "aws", "eu-west-1", "rds", "storage", "--dimension", "rds/multi-az/gp3",
                 "--format", "json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["usd_per_unit"] == 0.254 and record["unit"] == "GB-month"
    assert main(["prices", "lookup", "aws", "us-east-1", "rds", "storage"]) == 2
    assert "dimension ''" in capsys.readouterr().err


def test_coverage_by_role(capsys):
    import copy

    from planner.pricing import default_book
    from planner.pricing.coverage import ROLES, coverage, coverage_by_role

    book = default_book()
    table = coverage(book).set_index(["region", "role"])
    assert len(table) == book.regions("aws").shape[0] * len(ROLES) and (table.status != "missing").all()
    assert table.loc[("us-east-1", "NAT"), "status"] == "listed"
    nat = table.loc[("ap-south-1", "NAT")]  # NAT priced by an estimate scaled from a listed region
    assert nat.status == "estimated" and "nat_gateway gateway_hour" in nat.detail
    by_role = coverage_by_role(coverage(book)).set_index("role")
    n_estimated = int((table.xs("NAT", level="role").status == "estimated").sum())
    assert by_role.loc["NAT", "listed in"] == len(book.regions("aws")) - n_estimated
    assert by_role.loc["NAT", "estimated in"].startswith(f"{n_estimated}: ") and "ap-south-1" in by_role.loc[
        "NAT", "estimated in"]
    assert by_role.loc["VM fleet", "estimated in"] == "—" and (by_role["missing in"] == "—").all()
    assert coverage(book, region="ap-south-1").role.tolist() == list(ROLES)
    # without its load-balancer prices a region says so, role by role
    doctored = copy.copy(book)
    s = book.service_prices
    doctored.service_prices = s[~((s.region == "eu-west-1") & (s.service == "elb"))]
    gaps = coverage(doctored).set_index(["region", "role"])
    lb = gaps.loc[("eu-west-1", "load balancer")]
    assert lb.status == "missing" and "elb alb_hour" in lb.detail
    assert gaps.loc[("eu-west-2", "load balancer"), "status"] == "listed"
    assert main(["prices", "coverage", "--region", "us-east-1", "-f", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["role"] for r in rows] == list(ROLES) and {r["status"] for r in rows} == {"listed"}
    assert main(["prices", "coverage"]) == 0
    assert "price coverage by role" in capsys.readouterr().out
    assert main(["prices", "coverage", "--region", "mars-1"]) == 2
    assert "unknown region 'mars-1'" in capsys.readouterr().err
