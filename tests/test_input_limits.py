"""Hostile or oversized input is refused at once with a message naming what is wrong."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pandas as pd
import pytest

from planner.base import batch_limits
from planner.cli import main
from planner.running.batch_input import MAX_BATCH_BYTES, BatchFileError, check_batch_size, read_batch
from planner.workload.model import MAX_WORKLOAD_BYTES, WorkloadError, load_workload, parse_workload_text

BILLION_LAUGHS = "\n".join(
    ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]" for i in range(8)]
    + ["peak_rps: 5"])


def test_yaml_aliases_are_refused_before_they_expand():
    with pytest.raises(WorkloadError, match=r"aliases \(\*a\) are not allowed in a workload file"):
        parse_workload_text(BILLION_LAUGHS, "laughs.yaml")


def test_cli_refuses_the_billion_laughs_with_exit_2(tmp_path, capsys):
    path = tmp_path / "laughs.yaml"
    path.write_text(BILLION_LAUGHS)
    assert main(["plan", str(path)]) == 2
    err = capsys.readouterr().err
    assert "aliases (*a) are not allowed" in err and "Traceback" not in err


def test_directory_missing_and_oversized_files_are_named(tmp_path):
    with pytest.raises(WorkloadError, match="is a directory, not a workload file"):
        load_workload(tmp_path)
    with pytest.raises(WorkloadError, match="no such file"):
        load_workload(tmp_path / "none.yaml")
    big = tmp_path / "big.yaml"
    big.write_text("peak_rps: 5\n" + "#" * MAX_WORKLOAD_BYTES)
    with pytest.raises(WorkloadError, match=f"workload files are limited to {MAX_WORKLOAD_BYTES:,} bytes"):
        load_workload(big)
    with pytest.raises(WorkloadError, match="larger than"):
        parse_workload_text("peak_rps: 5\n" + "#" * MAX_WORKLOAD_BYTES)


def test_deep_nesting_is_refused():
    with pytest.raises(WorkloadError, match="nested too deeply|not valid YAML"):
        parse_workload_text("a: " + "[" * 20_000 + "]" * 20_000 + "\npeak_rps: 5")


@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf", "NaN"])
def test_nan_and_infinity_must_be_finite(value):
    with pytest.raises(WorkloadError) as err:
        parse_workload_text(f"peak_rps: 10\ndata_size_gb: {value}\n", "w.yaml")
    assert "data_size_gb: value" in str(err.value) and "must be a finite number" in str(err.value)


def test_nan_in_the_policy_is_refused_too():
    with pytest.raises(WorkloadError, match="policy.burst_headroom: .*must be a finite number"):
        parse_workload_text("peak_rps: 10\npolicy: {burst_headroom: .nan}\n", "w.yaml")


def test_batch_cells_must_be_finite(tmp_path, book):
    path = tmp_path / "in.csv"
    pd.DataFrame({"peak_rps": ["nan", "inf", "10"], "data_size_gb": ["1", "1", "-inf"]}).to_csv(path, index=False)
    inp = read_batch(path, book)
    assert [(e.row, e.column) for e in inp.errors] == [(2, "peak_rps"), (3, "peak_rps"), (4, "data_size_gb")]
    assert all("must be a finite number" in e.message for e in inp.errors)


def test_batch_size_and_row_limits(tmp_path, book, monkeypatch):
    with pytest.raises(BatchFileError, match="scenario files are limited to 50 MiB and 500,000 rows"):
        check_batch_size(MAX_BATCH_BYTES + 1, "big.csv")
    path = tmp_path / "in.csv"
    pd.DataFrame({"peak_rps": [10] * 30}).to_csv(path, index=False)
    monkeypatch.setattr(batch_limits, "MAX_BATCH_BYTES", 50)
    with pytest.raises(BatchFileError, match=r"in.csv: 0.0 MiB; scenario files are limited"):
        read_batch(path, book)
    monkeypatch.setattr(batch_limits, "MAX_BATCH_BYTES", 2**20)
    monkeypatch.setattr(batch_limits, "MAX_BATCH_ROWS", 20)
    with pytest.raises(BatchFileError, match="30 rows; scenario files are limited to 1 MiB and 20 rows"):
        read_batch(path, book)


def test_batch_directory_is_named(tmp_path, book):
    with pytest.raises(BatchFileError, match="is a directory, not a CSV file"):
        read_batch(tmp_path, book)


def test_dashboard_upload_limit_matches_the_library():
    config = tomllib.loads((Path(__file__).parents[1] / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] * 2**20 == MAX_BATCH_BYTES
