"""``planner sweep``: grids of scenarios from a base workload and a few axes."""

from __future__ import annotations

import pandas as pd
import pytest

from planner.cli import main
from planner.plan.model import make_plan
from planner.running.batch import run_batch
from planner.running.batch_input import read_batch
from planner.running.sweep import Axis, SweepError, grid_rows, grid_slices, parse_axis, write_grid
from planner.workload.model import Workload


def test_axes_parse_lists_and_ranges():
    assert parse_axis("peak_rps=100..100000:log:4").values == (100.0, 1000.0, 10000.0, 100000.0)
    assert parse_axis("peak_rps=0.5..2.5:3").values == (0.5, 1.5, 2.5)
    assert parse_axis("monthly_growth=0..0.1:lin:3").values == (0.0, 0.05, 0.1)
    assert parse_axis("region=us-east-1, eu-west-1").values == ("us-east-1", "eu-west-1")
    assert parse_axis("horizon_months=1..60:4").values == (1, 21, 40, 60)  # an integer field rounds
    assert parse_axis("policy.burst_headroom=0,0.5").values == (0.0, 0.5)
    assert parse_axis("policy.failures.az_outage_minutes=60..240:2").values == (60.0, 240.0)


@pytest.mark.parametrize(("spec", "message"), [
    ("peak_rps", "expected field=values"),
    ("peek_rps=1,2", "unknown field 'peek_rps'; did you mean peak_rps"),
    ("peak_rps=0..100:log:3", "a log range needs a low end above 0"),
    ("peak_rps=10..1:3", "runs from 10 down to 1"),
    ("peak_rps=1..10:0", "point count must be 1"),
    ("region=1..3:2", "region is not numeric"),
    ("queue_kind=kafka", "queue_kind takes standard, fifo, stream; not kafka"),
    ("availability_target=99,100", "availability_target must be < 100; 100 is not"),
    ("data_size_gb=1,x", "'x' is not a number"),
    ("data_size_gb=1,,2", "an empty value"),
    ("data_size_gb=1,1", "a value appears twice"),
    ("name=a,b", "unknown field 'name'"),
    ("cloud=aws,gpc", "unknown cloud 'gpc'; did you mean gcp"),
])
def test_bad_axes_say_what_is_wrong(spec, message):
    with pytest.raises(SweepError, match=message.replace("(", r"\(")):
        parse_axis(spec)


def test_the_grid_is_the_cartesian_product_last_axis_fastest():
    base = Workload(name="base", daily_active_users=1000, requests_per_user_per_day=50,
                    policy={"burst_headroom": 0.5})
    axes = [parse_axis("peak_rps=100,200,300"), parse_axis("region=us-east-1,eu-west-1")]
    assert grid_rows(axes) == 6
    parts = list(grid_slices(base, axes, rows=4))
    assert [len(p) for p in parts] == [4, 2]
    grid = pd.concat(parts, ignore_index=True)
    assert grid.name.tolist() == [f"base-{i}" for i in range(6)]
    assert grid.peak_rps.tolist() == [100, 100, 200, 200, 300, 300]
    assert grid.region.tolist() == ["us-east-1", "eu-west-1"] * 3
    assert (grid["policy.burst_headroom"] == 0.5).all()
    # traffic given by users in the base gives way to the swept peak
    assert "daily_active_users" not in grid and "requests_per_user_per_day" not in grid


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_a_written_grid_prices_as_its_plans(tmp_path, book, suffix):
    base = Workload(name="api", peak_rps=500, data_size_gb=100, cacheable_fraction=0.5)
    axes = [parse_axis("peak_rps=50..5000:log:3"), parse_axis("availability_target=99.9,99.99")]
    out = tmp_path / f"grid{suffix}"
    assert write_grid(base, axes, out) == 6
    result = run_batch(read_batch(out, book), book)
    assert len(result.summary) == 6 and not result.errors
    row = result.summary.iloc[5]
    want = make_plan(Workload(name="api-5", peak_rps=5000, data_size_gb=100, cacheable_fraction=0.5,
                              availability_target=99.99), book).recommended.monthly_usd
    assert row.monthly_usd == pytest.approx(want, rel=1e-9)


def test_cli_writes_or_runs_and_refuses_bad_input(tmp_path, capsys):
    (tmp_path / "w.yaml").write_text("name: api\npeak_rps: 500\n")
    assert main(["sweep", str(tmp_path / "w.yaml"), "-g", "peak_rps=100..1000:3", "-g", "cloud=aws,gcp",
                 "-o", str(tmp_path / "g.csv")]) == 0
    g = pd.read_csv(tmp_path / "g.csv")
    assert len(g) == 6 and "6 scenarios (3 x 2)" in capsys.readouterr().err
    # a cloud axis takes each cloud's equivalent of the base region (us-east-1: Google's us-east4)
    assert set(g[g.cloud == "gcp"].region) == {"us-east4"} and set(g[g.cloud == "aws"].region) == {"us-east-1"}
    assert main(["sweep", str(tmp_path / "w.yaml"), "-g", "purchase_option=on_demand,optimise", "--run", "-q",
                 "-o", str(tmp_path / "r.csv")]) == 0
    assert len(pd.read_csv(tmp_path / "r.summary.csv")) == 2
    for args, message in ((["-g", "peak_rps=1..2:2", "-g", "peak_rps=3,4"], "on more than one axis"),
                          (["-g", "peek=1"], "unknown field 'peek'"),
                          (["-g", "peak_rps=1,2", "-o", str(tmp_path / "g.xlsx")], "use .csv or .parquet")):
        out = ["-o", str(tmp_path / "bad.csv")] if "-o" not in args else []
        assert main(["sweep", str(tmp_path / "w.yaml"), *args, *out]) == 2
        assert message in capsys.readouterr().err
    assert not (tmp_path / "bad.csv").exists() and not (tmp_path / "g.xlsx").exists()


def test_a_grid_too_large_is_refused_before_writing(tmp_path):
    axes = [Axis("policy.burst_headroom", tuple(range(10_001))), Axis("data_size_gb", tuple(range(10_001)))]
    with pytest.raises(SweepError, match="at most 100,000,000"):
        write_grid(Workload(peak_rps=1), axes, tmp_path / "g.parquet")
    assert not list(tmp_path.iterdir())


def test_batch_reads_parquet_and_names_a_broken_file(tmp_path, capsys):
    (tmp_path / "bad.parquet").write_bytes(b"not parquet at all")
    assert main(["batch", str(tmp_path / "bad.parquet"), "-o", str(tmp_path / "out.csv"), "-q"]) == 2
    assert "bad.parquet: not a readable Parquet file" in capsys.readouterr().err
