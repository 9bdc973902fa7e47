"""The Dask engine: the same numbers as the local engine, rows numbered as in the whole input, clear failures."""

from __future__ import annotations

import builtins

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("distributed")

from planner.base.errors import PlannerError  # noqa: E402
from planner.cli import main  # noqa: E402
from planner.running.batch import run_batch  # noqa: E402
from planner.running.batch_dask import input_paths, run_dask  # noqa: E402
from planner.running.batch_input import read_batch  # noqa: E402
from planner.running.sweep import parse_axis, write_grid  # noqa: E402
from planner.workload.model import Workload  # noqa: E402


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    """One grid as a single CSV (with two bad rows) and as a folder of three Parquet files."""
    tmp = tmp_path_factory.mktemp("dask")
    base = Workload(name="g", peak_rps=100, data_size_gb=50, cacheable_fraction=0.3)
    write_grid(base, [parse_axis("peak_rps=5..50000:log:12"), parse_axis("region=us-east-1,eu-west-1"),
                      parse_axis("purchase_option=on_demand,optimise")], tmp / "grid.csv")
    grid = pd.read_csv(tmp / "grid.csv", dtype=str, keep_default_na=False)
    bad = pd.DataFrame([{**grid.iloc[0].to_dict(), "name": "bad-1", "peak_rps": "-5"},
                        {**grid.iloc[1].to_dict(), "name": "bad-2", "region": "us-eest-1"}])
    whole = pd.concat([grid.iloc[:20], bad, grid.iloc[20:]], ignore_index=True)
    whole.to_csv(tmp / "whole.csv", index=False)
    folder = tmp / "parts"
    folder.mkdir()
    for i, start in enumerate(range(0, len(whole), 17)):
        whole.iloc[start:start + 17].to_parquet(folder / f"part-{i}.parquet", index=False)
    return tmp


def _local(path):
    inp = read_batch(path)
    return run_batch(inp, None)


def test_same_numbers_as_the_local_engine(inputs, tmp_path):
    local = _local(inputs / "whole.csv")
    run = run_dask(inputs / "parts", tmp_path / "out.parquet", workers=2)
    assert run.partitions == 3 and run.rows_read == 50 and run.priced == 48
    summary = pd.read_parquet(tmp_path / "out.parquet" / "summary").sort_values("row").reset_index(drop=True)
    options = pd.read_parquet(tmp_path / "out.parquet" / "options").sort_values(["row", "option"])
    want = local.summary.sort_values("row").reset_index(drop=True)
    assert summary.row.tolist() == want.row.tolist() and summary.name.tolist() == want.name.tolist()
    assert summary.recommended.tolist() == want.recommended.tolist()
    np.testing.assert_allclose(summary.monthly_usd.to_numpy(float), want.monthly_usd.to_numpy(float), rtol=1e-12)
    local_options = local.options.sort_values(["row", "option"])
    np.testing.assert_allclose(options.monthly_usd.to_numpy(float), local_options.monthly_usd.to_numpy(float),
                               rtol=1e-12, equal_nan=True)
    # the bad rows are numbered as in the whole input (header = row 1), by both engines
    assert run.errors.row.tolist() == [22, 23] == sorted({e.row for e in local.errors})
    assert "us-eest-1" in " ".join(run.errors.message) or "us-eest-1" in " ".join(run.errors.value)


def test_inputs_folders_globs_and_formats(inputs):
    assert len(input_paths(inputs / "parts")) == 3
    assert len(input_paths(str(inputs / "parts" / "part-*.parquet"))) == 3
    with pytest.raises(PlannerError, match="no such file, folder or matching files"):
        input_paths(inputs / "nothing-*.parquet")
    (inputs / "mixed").mkdir(exist_ok=True)
    pd.DataFrame({"peak_rps": [1]}).to_parquet(inputs / "mixed" / "a.parquet")
    pd.DataFrame({"peak_rps": [1]}).to_csv(inputs / "mixed" / "b.csv")
    with pytest.raises(PlannerError, match="mixes CSV and Parquet"):
        input_paths(inputs / "mixed")


def test_output_replaced_whole_and_kept_on_failure(inputs, tmp_path, monkeypatch):
    out = tmp_path / "res.parquet"
    out.mkdir()
    (out / "old-marker").write_text("previous results")
    import planner.running.batch_dask as bd

    monkeypatch.setattr(bd, "CONNECT_TIMEOUT", "2s")
    with pytest.raises(PlannerError, match="cannot reach the Dask scheduler tcp://127.0.0.1:9"):
        run_dask(inputs / "whole.csv", out, scheduler="tcp://127.0.0.1:9")
    assert (out / "old-marker").exists() and [p.name for p in tmp_path.iterdir()] == ["res.parquet"]
    run_dask(inputs / "whole.csv", out, workers=1)
    assert not (out / "old-marker").exists() and (out / "summary").is_dir() and (out / "errors.csv").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["res.parquet"]  # no temporary folder left behind


def test_missing_extra_is_one_line(monkeypatch):
    real = builtins.__import__

    def no_dask(name, *args, **kwargs):
        if name.startswith(("dask", "distributed")):
            raise ImportError(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_dask)
    from planner.running.batch_dask import MISSING, _dask

    with pytest.raises(PlannerError, match=r"pip install 'planner\[dask\]'"):
        _dask()
    assert "optional extra" in MISSING


def test_cli_engine_dask(inputs, tmp_path, capsys):
    code = main(["batch", str(inputs / "parts"), "-o", str(tmp_path / "r.parquet"), "--engine", "dask", "-q",
                 "--workers", "1"])
    assert code == 1  # two rows could not be priced; the others were
    err = capsys.readouterr().err
    assert "priced 48 of 50 scenarios" in err and "r.parquet/errors.csv" in err
    assert main(["batch", str(inputs / "whole.csv"), "-o", str(tmp_path / "r.csv"), "--engine", "dask"]) == 2
    assert "partitioned Parquet" in capsys.readouterr().err
    assert main(["batch", str(inputs / "whole.csv"), "-o", str(tmp_path / "r.csv"), "--engine", "spark"]) == 2
    assert "use local or dask" in capsys.readouterr().err


def test_one_command_sweeps_on_dask(tmp_path, capsys):
    (tmp_path / "w.yaml").write_text("name: api\npeak_rps: 300\n")
    code = main(["sweep", str(tmp_path / "w.yaml"), "-g", "peak_rps=10..10000:log:6", "-g", "cloud=aws,gcp",
                 "--run", "--engine", "dask", "--workers", "1", "-q", "-o", str(tmp_path / "r.parquet")])
    assert code == 0, capsys.readouterr().err
    summary = pd.read_parquet(tmp_path / "r.parquet" / "summary")
    assert len(summary) == 12 and summary.monthly_usd.notna().all()
