"""``planner batch``: the same numbers as ``planner plan``, bad rows explained, files written whole."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from planner.cli import main
from planner.cli.example import template_csv
from planner.engine.chain import OPTIONS
from planner.plan.model import make_plan
from planner.report.batch_files import price_and_write, write_outputs
from planner.running.batch import run_batch, stream_batch, streamable
from planner.running.batch_input import read_batch
from planner.workload.model import Workload

def _random_rows(n: int, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    by_users = rng.random(n) < 0.3
    return pd.DataFrame({
        "name": [f"s{i}" for i in range(n)],
        "region": rng.choice(["us-east-1", "eu-west-1", "ap-south-1", "sa-east-1"], n),
        "peak_rps": np.where(by_users, np.nan, np.round(rng.uniform(0.5, 20_000, n), 2)),
        "daily_active_users": np.where(by_users, rng.integers(100, 1_000_000, n), np.nan),
        "requests_per_user_per_day": np.where(by_users, rng.integers(10, 500, n), np.nan),
        "data_size_gb": np.round(rng.uniform(0, 3000, n), 1),
        "availability_target": rng.choice([99.0, 99.5, 99.9, 99.95], n),
        "rto_minutes": rng.choice([15, 60, 240, 1440], n),
        "rpo_minutes": rng.choice([1, 15, 60, 1440], n),
        "purchase_option": rng.choice(["on_demand", "savings_1yr", "savings_3yr", "spot_mix"], n),
        "policy.burst_headroom": rng.choice(["", "0.5"], n),
    })


def _write(tmp_path, df: pd.DataFrame, name: str = "in.csv"):
    path = tmp_path / name
    df.to_csv(path, index=False)
    return path


def _as_workload(row: pd.Series) -> Workload:
    data = {k: v for k, v in row.items() if not (isinstance(v, float) and math.isnan(v)) and v != ""
            and not k.startswith("policy.")}
    if row.get("policy.burst_headroom", ""):
        data["policy"] = {"burst_headroom": float(row["policy.burst_headroom"])}
    return Workload.model_validate(data)


def test_batch_equals_plan_row_by_row(tmp_path, book):
    rows = _random_rows(24)
    inp = read_batch(_write(tmp_path, rows), book)
    assert inp.errors == []
    result = run_batch(inp, book, chunk_rows=7)  # several chunks and two policies
    assert len(result.options) == len(OPTIONS) * len(rows)
    for i, row in rows.iterrows():
        plan = make_plan(_as_workload(row), book)
        got = result.options[result.options.row == i + 2].set_index("option")
        for o in plan.options:
            g = got.loc[o.name]
            assert bool(g.feasible) == o.feasible, (i, o.name)
            assert bool(g.recommended) == o.recommended, (i, o.name)
            if math.isnan(o.monthly_usd):
                assert math.isnan(g.monthly_usd)
            else:
                assert g.monthly_usd == pytest.approx(o.monthly_usd, rel=1e-9), (i, o.name)
            assert g.instance_type == (o.row.instance_type if o.row.sized else "")
            assert g.dr_tier == o.dr_tier
        assert got.db_instance_class.iloc[0] == plan.sizing.db_instance_class
        assert got.db_shards.iloc[0] == plan.sizing.db_shards and got.db_pooler.iloc[0] == plan.sizing.db_pooler


def test_worker_processes_give_the_same_result(tmp_path, book):
    # 24 scenarios in chunks of 5 over two policies: the forked workers' result is the one-process result
    inp = read_batch(_write(tmp_path, _random_rows(24)), book)
    seen: list[tuple[int, int]] = []
    one = run_batch(inp, book, chunk_rows=5, workers=1)
    two = run_batch(inp, book, chunk_rows=5, workers=2, progress=lambda d, t: seen.append((d, t)))
    pd.testing.assert_frame_equal(one.options, two.options)
    pd.testing.assert_frame_equal(one.summary, two.summary)
    assert one.options.row.is_monotonic_increasing and len(one.options) == 24 * len(OPTIONS)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen) and seen[-1] == (24, 24) and len(seen) >= 5


def test_mixed_good_and_bad_rows(tmp_path, book, capsys):
    rows = _random_rows(6).astype(object)
    rows.loc[1, "peak_rps"] = "-4"
    rows.loc[3, "region"] = "us-eest-1"
    rows.loc[4, "availability_target"] = "abc"
    rows.loc[5, "policy.burst_headroom"] = "-2"
    path = _write(tmp_path, rows)
    out = tmp_path / "out.csv"
    code = main(["batch", str(path), "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 1
    priced = pd.read_csv(out)
    assert sorted(priced.row.unique()) == [2, 4]  # rows 0 and 2 of the frame are file rows 2 and 4
    errors = pd.read_csv(tmp_path / "out.errors.csv", keep_default_na=False)
    by_row = {r.row: r for r in errors.itertuples()}
    assert by_row[3].column == "peak_rps" and by_row[3].value == "-4" and "greater than 0" in by_row[3].message
    assert "0 < x <= 10,000,000" in by_row[3].message
    assert by_row[5].column == "region" and "did you mean" in by_row[5].message
    assert by_row[6].column == "availability_target" and by_row[6].value == "abc"
    assert by_row[7].column == "policy.burst_headroom" and by_row[7].value == "-2"
    assert f"{path}: row 3, column peak_rps (value '-4')" in err
    assert "4 problem(s) in 4 row(s)" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty file"),
        (b"# only a comment\n\n", "empty file"),
        (b"name,peak_rps\n", "header only, no scenario rows"),
        (b"name;peak_rps\na;5\n", "looks semicolon-separated"),
        (b"name\tpeak_rps\na\t5\n", "looks tab-separated"),
        (b"name,peak_qps\na,5\n", "unknown column 'peak_qps'; did you mean peak_rps?"),
        (b"name,peak_rps,peak_rps\na,5,6\n", "appear more than once"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a CSV file (binary content)"),
        (b"name,peak_rps\n\xff\xfe,5\n", "not UTF-8"),
        (b'name,peak_rps\n"a,5\n', "not a valid CSV"),
    ],
)
def test_unusable_files_get_a_clear_message(tmp_path, capsys, content, message):
    path = tmp_path / "in.csv"
    path.write_bytes(content)
    code = main(["batch", str(path), "-o", str(tmp_path / "out.csv")])
    err = capsys.readouterr().err
    assert code == 2
    assert message in err and "Traceback" not in err
    assert not (tmp_path / "out.csv").exists()


def test_non_numeric_and_huge_values_are_row_errors(tmp_path, book):
    path = tmp_path / "in.csv"
    path.write_text("name,peak_rps,data_size_gb,horizon_months\n"
                    "ok,100,10,12\nword,lots,10,12\nhuge,1e300,10,12\ninf,100,inf,12\nfrac,100,10,12.5\n")
    inp = read_batch(path, book)
    assert list(inp.frame.name) == ["ok"]
    cols = {(e.row, e.column) for e in inp.errors}
    assert cols == {(3, "peak_rps"), (4, "peak_rps"), (5, "data_size_gb"), (6, "horizon_months")}


def test_cross_field_errors(tmp_path, book):
    path = tmp_path / "in.csv"
    path.write_text("name,peak_rps,daily_active_users,requests_per_user_per_day,cpu_ms_per_request,read_fraction,"
                    "cacheable_fraction\n"
                    "both,100,10,10,,,\nneither,,,,,,\nhalf,,10,,,,\nslow,100,,,400,,\nuncacheable,100,,,,0.5,0.9\n")
    inp = read_batch(path, book)
    assert inp.frame.empty  # a plan would refuse each of them: so does the batch (it priced "uncacheable")
    msgs = {e.row: e.message for e in inp.errors}
    assert "not both" in msgs[2] and "give peak_rps, or" in msgs[3] and "go together" in msgs[4]
    assert "must be below latency_target_ms" in msgs[5] and "cannot exceed read_fraction" in msgs[6]


def test_missing_columns_and_empty_cells_take_defaults(tmp_path, book):
    path = tmp_path / "in.csv"
    path.write_text("peak_rps,region\n500,\n")
    result = run_batch(read_batch(path, book), book)
    plan = make_plan(Workload(peak_rps=500), book)
    assert result.summary.monthly_usd.iloc[0] == pytest.approx(plan.recommended.monthly_usd, rel=1e-9)


def test_template_round_trip(tmp_path, book):
    path = tmp_path / "t.csv"
    path.write_text(template_csv())
    result = run_batch(read_batch(path, book), book)
    from planner.workload.scenarios import SCENARIOS, scenario

    assert list(result.summary.name) == list(SCENARIOS)
    for name, cost in zip(result.summary.name, result.summary.monthly_usd):
        assert cost == pytest.approx(make_plan(scenario(name), book).recommended.monthly_usd, rel=1e-9)


@pytest.mark.parametrize("text", [
    "name,region,peak_rps\na,us-east-1 ,100\n",   # a space before the delimiter
    "name,region,peak_rps\na, us-east-1,100\n",   # after it
    'name,region,peak_rps\na,"us-east-1 ",100\n',  # inside quotes
    "name,region,peak_rps\na,us-east-1\t,100\n",  # a tab
    "name,region,peak_rps\na,us-east-1\u00a0,100\n",  # a no-break space
])
def test_cells_are_read_without_surrounding_whitespace(tmp_path, book, text):
    path = tmp_path / "in.csv"
    path.write_text(text, encoding="utf-8")
    inp = read_batch(path, book)
    assert not inp.errors and inp.frame.region.tolist() == ["us-east-1"] and inp.frame.peak_rps.tolist() == [100]


def test_csv_cells_without_a_value_are_empty(tmp_path, book):
    # a rejected option has no bill: its cost cells are empty in the CSV (and missing in Parquet), never "nan"
    path = _write(tmp_path, pd.DataFrame({"name": ["big"], "peak_rps": [20_000]}))
    result = run_batch(read_batch(path, book), book)
    write_outputs(result, tmp_path / "out.csv")
    written = pd.read_csv(tmp_path / "out.csv", keep_default_na=False, dtype=str)
    vertical = written[written.option == "vertical"].iloc[0]
    assert vertical.feasible == "false" and vertical.monthly_usd == "" and vertical.instances_min == ""
    assert not written.isin(["nan", "NaN", "None"]).any().any()
    write_outputs(result, tmp_path / "out.parquet")
    assert pd.read_parquet(tmp_path / "out.parquet").monthly_usd.isna().sum() == 1


def test_csv_written_in_slices_is_the_same_file(tmp_path, book, monkeypatch):
    import planner.report.batch_files as batch_files

    result = run_batch(read_batch(_write(tmp_path, _random_rows(12)), book), book)
    write_outputs(result, tmp_path / "whole.csv")
    monkeypatch.setattr(batch_files, "CSV_SLICE_ROWS", 5)  # 60 option rows in 12 slices, 12 summary rows in 3
    for threads in (1, 3):  # formatted one after the other, or several at once: written in order either way
        monkeypatch.setattr(batch_files, "CSV_THREADS", threads)
        write_outputs(result, tmp_path / f"sliced{threads}.csv")
        for kind in ("", ".summary"):
            whole, sliced = (tmp_path / f"{stem}{kind}.csv" for stem in ("whole", f"sliced{threads}"))
            assert sliced.read_bytes() == whole.read_bytes()
    assert len(pd.read_csv(tmp_path / "sliced3.csv")) == 12 * len(OPTIONS)


def test_a_slice_that_fails_leaves_no_file(tmp_path, book, monkeypatch):
    import planner.report.batch_files as batch_files

    result = run_batch(read_batch(_write(tmp_path, _random_rows(12)), book), book)
    out = tmp_path / "out.csv"
    out.write_bytes(b"previous results")
    monkeypatch.setattr(batch_files, "CSV_SLICE_ROWS", 5)
    real = batch_files.spreadsheet_safe_table
    calls = []

    def failing_later(table):
        calls.append(1)
        if len(calls) == 7:  # a slice in the middle, formatted in a worker thread
            raise OSError("disk full")
        return real(table)

    monkeypatch.setattr(batch_files, "spreadsheet_safe_table", failing_later)
    with pytest.raises(OSError, match="disk full"):
        write_outputs(result, out)
    assert out.read_bytes() == b"previous results"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "out.csv"]


@pytest.mark.parametrize("suffix", [".parquet", ".json", ".md"])
def test_other_output_formats(tmp_path, book, suffix):
    path = _write(tmp_path, _random_rows(5))
    result = run_batch(read_batch(path, book), book)
    out = tmp_path / f"out{suffix}"
    write_outputs(result, out)
    if suffix == ".parquet":
        back = pd.read_parquet(out)
        assert len(back) == 5 * len(OPTIONS) and pd.read_parquet(tmp_path / "out.summary.parquet").shape[0] == 5
        assert back.monthly_usd.to_numpy() == pytest.approx(result.options.monthly_usd.to_numpy(), nan_ok=True)
    elif suffix == ".json":
        doc = json.loads(out.read_text())
        assert len(doc["scenarios"]) == 5 and len(doc["options"]) == 5 * len(OPTIONS) and doc["errors"] == []
    else:
        text = out.read_text()
        assert text.startswith("# Batch what-if results") and text.count("\n| ") >= 25
        # headed in words, as the dashboard heads them, never by column name
        heads = [line for line in text.splitlines() if line.startswith("| row |")]
        assert len(heads) == 2 and all("monthly" in h and "DR tier" in h for h in heads)
        assert not any(code in h for h in heads for code in ("_usd", "_pct", "db_", "feasible_options"))


@pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")  # the writer closed, no traceback
def test_output_is_never_half_written(tmp_path, book, monkeypatch):
    path = _write(tmp_path, _random_rows(3))
    out = tmp_path / "out.parquet"
    out.write_bytes(b"previous results")
    result = run_batch(read_batch(path, book), book)

    def broken(writer, table, **kwargs):
        writer.where.write(b"PAR1 partial")
        raise OSError("disk full")

    import pyarrow.parquet

    monkeypatch.setattr(pyarrow.parquet.ParquetWriter, "write_table", broken)
    with pytest.raises(OSError, match="disk full"):
        write_outputs(result, out)
    assert out.read_bytes() == b"previous results"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "out.parquet"]


def _streamable_rows(n: int) -> pd.DataFrame:
    """``n`` scenarios of two policies, each policy's rows together (their chunks come back in row order), one row
    invalid and one (peak_rps 666) failing inside the engine where a test makes it fail."""
    rows = _random_rows(n).astype(object)
    rows["policy.burst_headroom"] = np.where(np.arange(n) < n // 2, "", "0.5")
    rows.loc[3, "peak_rps"] = "-4"
    rows.loc[n - 5, "peak_rps"], rows.loc[n - 5, "daily_active_users"] = 666, ""
    return rows


def _fails_on_666(monkeypatch) -> None:
    import planner.running.batch as batch

    real = batch.run

    def run(inputs, *args, **kwargs):
        if (inputs.peak_rps == 666).any():
            raise RuntimeError("server search did not converge")
        return real(inputs, *args, **kwargs)

    monkeypatch.setattr(batch, "run", run)  # forked workers inherit it


@pytest.mark.parametrize("workers", [1, 2])
@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_files_written_as_they_are_priced_are_the_whole_batchs_files(tmp_path, book, monkeypatch, suffix, workers):
    import planner.report.batch_files as batch_files

    _fails_on_666(monkeypatch)
    monkeypatch.setattr(batch_files, "PARQUET_GROUP_ROWS", 50)  # chunks of 20 option rows gathered in threes
    inp = read_batch(_write(tmp_path, _streamable_rows(30)), book)
    assert streamable(inp)
    whole = run_batch(inp, book, chunk_rows=4, workers=workers)
    write_outputs(whole, tmp_path / f"whole{suffix}")
    seen: list[tuple[int, int]] = []
    streamed = price_and_write(inp, book, tmp_path / f"streamed{suffix}", chunk_rows=4, workers=workers,
                               progress=lambda d, t: seen.append((d, t)))
    assert streamed.priced == whole.priced == 28 and streamed.errors == whole.errors
    assert [(e.row, e.column) for e in streamed.errors] == [(5, "peak_rps"), (27, "")]
    assert [p.name for p in streamed.paths] == [f"streamed{suffix}", f"streamed.summary{suffix}",
                                                "streamed.errors.csv"]
    for kind in ("", ".summary"):
        a, b = tmp_path / f"whole{kind}{suffix}", tmp_path / f"streamed{kind}{suffix}"
        if suffix == ".csv":
            assert a.read_bytes() == b.read_bytes()
        else:
            pd.testing.assert_frame_equal(pd.read_parquet(a), pd.read_parquet(b))
    if suffix == ".parquet":
        import pyarrow.parquet as pq

        groups = pq.ParquetFile(tmp_path / "streamed.parquet").metadata
        sizes = [groups.row_group(i).num_rows for i in range(groups.num_row_groups)]
        assert sum(sizes) == 28 * len(OPTIONS) and len(sizes) > 1 and min(sizes[:-1]) >= 50  # no tiny groups
    assert (tmp_path / "whole.errors.csv").read_bytes() == (tmp_path / "streamed.errors.csv").read_bytes()
    assert seen[-1] == (29, 29) and len(seen) >= 8  # every chunk said, the rows that failed inside included


def test_a_shaped_stream_yields_what_its_shape_makes_of_each_chunk_and_the_same_summary(tmp_path, book,
                                                                                        monkeypatch):
    from planner.running.batch import OPTION_COLUMNS

    _fails_on_666(monkeypatch)
    inp = read_batch(_write(tmp_path, _streamable_rows(30)), book)
    plain = stream_batch(inp, book, chunk_rows=1, workers=1)
    columns = list(plain.parts())
    seen: list[int] = []
    # one scenario a chunk: the failing one is a chunk of no priced scenario, which yields nothing
    shaped = stream_batch(inp, book, chunk_rows=1, workers=2, progress=lambda done, total: seen.append(done),
                          shape=lambda c: (list(c), c["row"][0], float(np.nansum(c["monthly_usd"]))))
    parts = list(shaped.parts())
    assert len(parts) == len(columns) == 28 and seen == list(range(1, 30))  # 30 rows, one invalid
    assert parts == [(OPTION_COLUMNS, c["row"][0], float(np.nansum(c["monthly_usd"]))) for c in columns]
    for c in ("row", "recommended", "monthly_usd", "feasible_options"):
        np.testing.assert_array_equal(shaped.summary_columns[c], plain.summary_columns[c])
    assert shaped.errors == plain.errors
    assert [(e.row, e.column) for e in shaped.errors] == [(5, "peak_rps"), (27, "")]
    unread = stream_batch(inp, book, chunk_rows=4, workers=1, shape=len)
    with pytest.raises(RuntimeError, match="not columns"):
        unread.collected()


class _Unpicklable(Exception):
    """An error the main process could not rebuild from its message (its own two arguments)."""

    def __init__(self, what: str, where: int) -> None:
        super().__init__(f"{what} at {where}")


def test_an_error_a_worker_cannot_send_back_stops_the_batch_instead_of_hanging(tmp_path, book):
    import multiprocessing
    import signal

    from planner.base.errors import PlannerError

    def shape(columns):
        raise _Unpicklable("no formatter", 3)

    def hung(*args):
        raise AssertionError("the batch hung on a worker's error")

    inp = read_batch(_write(tmp_path, _random_rows(12).drop(columns="policy.burst_headroom")), book)
    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(120)
    try:
        with pytest.raises(PlannerError, match=r"a chunk of the batch failed \(_Unpicklable: no formatter at 3"):
            list(stream_batch(inp, book, chunk_rows=4, workers=2, shape=shape).parts())
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert multiprocessing.active_children() == []


def test_a_batch_is_streamed_only_where_its_chunks_come_in_row_order(tmp_path, book):
    interleaved = read_batch(_write(tmp_path, _random_rows(12)), book)  # two policies row by row
    ranged = read_batch(_write(tmp_path, pd.DataFrame({"peak_rps.low": [10], "peak_rps.high": [30]}), "r.csv"), book)
    assert not streamable(interleaved) and not streamable(ranged)
    with pytest.raises(ValueError, match="cannot be streamed"):
        stream_batch(ranged, book)
    # written as a whole then, the same files as ever
    written = price_and_write(interleaved, book, tmp_path / "out.csv", samples=20)
    write_outputs(run_batch(interleaved, book, samples=20), tmp_path / "whole.csv")
    assert (tmp_path / "out.csv").read_bytes() == (tmp_path / "whole.csv").read_bytes() and written.priced == 12
    price_and_write(ranged, book, tmp_path / "ranged.csv", samples=20)
    assert "p50_usd" in pd.read_csv(tmp_path / "ranged.csv").columns


def test_a_streamed_batch_holds_no_chunk_it_has_written(tmp_path, book):
    import weakref

    stream = stream_batch(read_batch(_write(tmp_path, _random_rows(20).drop(columns="policy.burst_headroom")),
                                     book), book, chunk_rows=4, workers=1)
    alive = []
    for part in stream.parts():
        alive.append(weakref.ref(part["name"]))
        del part
        assert sum(ref() is not None for ref in alive) <= 1  # the chunk just written, at most
    assert len(alive) == 5 and stream.priced == 20 and list(stream.summary_columns["row"]) == list(range(2, 22))
    with pytest.raises(RuntimeError, match="read once"):  # its options are gone: a second read would be empty
        stream.parts()


def test_the_workers_run_at_most_a_few_chunks_ahead_of_a_slow_writer():
    from planner.running import batch

    given: list[int] = []

    class Result:
        def __init__(self, job):
            self.job = job

        def ready(self):
            return True

        def get(self):
            return self.job

    class Pool:  # the pool's side: what was given out, and each result when asked
        def apply_async(self, func, args):
            given.append(args[0])
            return Result(args[0])

    read = []
    for part in batch._bounded_imap(Pool(), list(range(20)), ahead=3):
        read.append(part)
        assert len(given) <= len(read) + 3  # no more than three given out beyond what was read
    assert read == list(range(20)) == given


def test_a_worker_that_dies_stops_the_batch_with_a_message_not_a_hang(tmp_path, monkeypatch, capsys):
    import multiprocessing
    import os

    import planner.running.batch as batch

    real = batch.run

    def run(inputs, *args, **kwargs):
        if (inputs.peak_rps == 666).any():
            os._exit(9)  # as the kernel's out-of-memory killer ends a process: no exception, no result
        return real(inputs, *args, **kwargs)

    monkeypatch.setattr(batch, "run", run)
    rows = _random_rows(400).drop(columns="policy.burst_headroom")
    rows.loc[250, "peak_rps"], rows.loc[250, "daily_active_users"] = 666, np.nan
    path, out = _write(tmp_path, rows), tmp_path / "out.csv"
    out.write_text("previous")
    assert main(["batch", str(path), "-o", str(out), "--quiet", "--workers", "2", "--chunk-rows", "100"]) == 2
    err = capsys.readouterr().err
    assert "a process pricing the batch died (exit code 9" in err and "Traceback" not in err
    assert multiprocessing.active_children() == [] and out.read_text() == "previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "out.csv"]


def test_a_batch_refuses_a_bad_sample_count_whatever_its_format(tmp_path, book):
    from planner.base.errors import PlannerError

    inp = read_batch(_write(tmp_path, _random_rows(2).drop(columns="policy.burst_headroom")), book)
    for suffix in (".csv", ".json"):
        with pytest.raises(PlannerError, match="samples"):
            price_and_write(inp, book, tmp_path / f"out{suffix}", samples=0)
    assert not list(tmp_path.glob("out*"))


def test_a_chunk_of_other_column_types_is_an_error_not_a_cast(tmp_path):
    from planner.base.atomic import output_set
    from planner.base.errors import PlannerError
    from planner.report import batch_files

    parts = [{"x": np.array([1, 2])}, {"x": np.array([2.5])}]  # a cast to the first's integers would truncate
    with pytest.raises(PlannerError, match="other column types"), output_set() as files:
        batch_files._parquet_parts(files, tmp_path / "out.parquet", parts)
    assert not list(tmp_path.iterdir())


def test_a_write_failing_mid_batch_stops_the_workers_and_leaves_the_previous_files(tmp_path, book, monkeypatch):
    import multiprocessing

    import planner.report.batch_files as batch_files

    out = tmp_path / "out.csv"
    for name in ("out.csv", "out.summary.csv"):
        (tmp_path / name).write_text(f"previous {name}")
    inp = read_batch(_write(tmp_path, _random_rows(40).drop(columns="policy.burst_headroom")), book)
    real = batch_files._csv_parts

    def disk_full_on_the_third_chunk(files, path, parts, threads):
        def written():
            for i, part in enumerate(parts):
                if i == 2:
                    raise OSError(28, "No space left on device")
                yield part

        return real(files, path, written(), threads)

    monkeypatch.setattr(batch_files, "_csv_parts", disk_full_on_the_third_chunk)
    with pytest.raises(OSError, match="No space left") as failed:
        price_and_write(inp, book, out, chunk_rows=4, workers=2)
    # the pool went with the failure, while the caller still holds it (the CLI reporting it), not when it is freed
    assert failed.value.__traceback__ is not None and multiprocessing.active_children() == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "out.csv", "out.summary.csv"]
    assert out.read_text() == "previous out.csv"


def test_progress_is_reported(tmp_path, book):
    path = _write(tmp_path, _random_rows(250))
    seen = []
    run_batch(read_batch(path, book), book, chunk_rows=100, progress=lambda d, t: seen.append((d, t)))
    assert seen[-1] == (250, 250) and [d for d, _ in seen] == sorted(d for d, _ in seen) and len(seen) >= 3


def test_stale_errors_file_is_removed(tmp_path, capsys):
    path = _write(tmp_path, _random_rows(2))
    (tmp_path / "out.errors.csv").write_text("row,column,value,message\n9,x,y,old\n")
    assert main(["batch", str(path), "-o", str(tmp_path / "out.csv"), "--quiet"]) == 0
    assert not (tmp_path / "out.errors.csv").exists()


def test_cli_workers_option(tmp_path, capsys):
    path = _write(tmp_path, _random_rows(250))
    for n in ("1", "2"):
        assert main(["batch", str(path), "-o", str(tmp_path / f"w{n}.csv"), "--quiet", "--chunk-rows", "100",
                     "--workers", n]) == 0
    assert (tmp_path / "w1.csv").read_bytes() == (tmp_path / "w2.csv").read_bytes()
    assert main(["batch", str(path), "-o", str(tmp_path / "x.csv"), "--workers", "-1"]) == 2


def test_usage_errors(tmp_path, capsys):
    assert main(["batch", str(tmp_path / "none.csv"), "-o", str(tmp_path / "o.csv")]) == 2
    assert "no such file" in capsys.readouterr().err
    assert main(["batch", str(tmp_path / "none.csv"), "-o", str(tmp_path / "o.xlsx")]) == 2
    assert "unknown output format '.xlsx'" in capsys.readouterr().err
    assert main(["batch"]) == 2
    assert "give the scenario CSV and -o OUTPUT" in capsys.readouterr().err
    assert main(["batch", "--template"]) == 0
    assert capsys.readouterr().out.startswith("# planner batch template")


def test_nested_policy_columns(tmp_path, book):
    rows = pd.DataFrame({"name": ["a", "b", "c"], "peak_rps": [200, 200, 200], "availability_target": [99.99] * 3,
                         "policy.failures.region_failures_per_year": ["", "2", "-1"]})
    inp = read_batch(_write(tmp_path, rows), book)
    # row 4 (file numbering) carries a negative rate: named by its full column
    assert [(e.row, e.column) for e in inp.errors] == [(4, "policy.failures.region_failures_per_year")]
    result = run_batch(inp, book)
    h = result.options[result.options.option == "horizontal"].set_index("row")
    # two region-wide events a year no longer fit 99.99 % in one region: the DR tier is lifted
    assert h.loc[2, "dr_tier"] == "backup_restore" and h.loc[3, "dr_tier"] != "backup_restore"
    assert h.loc[3, "monthly_usd"] > h.loc[2, "monthly_usd"]


def test_cells_parse_as_numbers_one_way():
    # the batch's column parser and the row check's (parse_number, through the workload model) are one grammar
    from planner.base.numbers import NotANumber, parse_number, parse_numbers

    text = np.array(["1", "1.5", "-2", "+3", "1e3", ".5", "5.", " 7 ", "1_000", "", "inf", "nan", "1e400", "0x10",
                     "1,5", "1__0", "_1", "12%"], dtype=object)
    values, bad = parse_numbers(text, text == "")
    assert values[:9].tolist() == [1, 1.5, -2, 3, 1000, 0.5, 5, 7, 1000] and np.isnan(values[9:]).all()
    assert bad.tolist() == [False] * 10 + [True] * 8
    cells = text[:9].tolist() + text[10:].tolist()
    for cell, value, no in zip(cells, [*values[:9], *values[10:]], [*bad[:9], *bad[10:]]):
        if no:
            with pytest.raises(NotANumber):
                parse_number(cell)
        else:
            assert parse_number(cell) == value


def test_a_row_reads_in_a_batch_as_it_reads_alone(book):
    # the batch checks each column once per distinct cell and spreads the results back to the rows: on a hostile
    # file whose cells repeat (padded, quoted over lines, short and wide rows, bad numbers, flags and names,
    # ranges and policies, blank and comment lines between rows), every row reads exactly as it does on its own
    from planner.running.batch_input import read_batch_data

    pools = {  # column: (cells a valid row may hold, hostile cells)
        "name": (["a", "b c", '"multi\nline"', '"x, y"', ""], ["x" * 121]),
        "cloud": (["aws", "", " aws"], ["gcp", "AWS"]),
        "region": (["us-east-1", "", "eu-west-1 "], ["mars-1"]),
        "peak_rps": (["100", " 100", "1_000", "12.5", ""], ['"1,000"', "abc", "nan", "1e400", "1e-400", "0", "-5"]),
        "daily_active_users": ([""], ["1000", "x"]),
        "requests_per_user_per_day": ([""], ["20"]),
        "horizon_months": (["", "12", " 6 "], ["12.5", "0", "61"]),
        "public": (["", "true", " Y ", "no", "1"], ["maybe"]),
        "cdn": (["", "auto", "never"], ["sometimes"]),
        "cpu_ms_per_request": (["", "50"], ["300"]),
        "latency_target_ms": (["", "250"], ["10"]),
        "data_size_gb.low": ([""], ["10", "x", "50"]),
        "data_size_gb.high": ([""], ["100", "5"]),
        "policy.burst_headroom": (["", "0.5"], ["x", "-1"]),
        "policy.allow_arm64": (["", "true"], ["maybe"]),
    }
    rng = np.random.default_rng(7)
    lines = [", ".join(pools)]  # the spaces make every file below, the batch and each row alone, strip its cells
    rows = []  # (spreadsheet row, its line): every line is one row, a blank or comment one too
    for _ in range(150):
        if rng.random() < 0.05:
            lines.append(str(rng.choice(["", "# a comment, with a comma", ",,"])))
            continue
        cells = [str(rng.choice(hostile if rng.random() < 0.06 else valid)) for valid, hostile in pools.values()]
        shape = rng.random()
        cells = cells[:rng.integers(1, len(cells))] if shape < 0.05 else cells + ["extra"] if shape < 0.08 else cells
        lines.append(",".join(cells))
        rows.append((len(lines), lines[-1]))
    batch = read_batch_data(("\n".join(lines) + "\n").encode(), "in.csv", book)
    assert len(batch.frame) and len(batch.errors)
    for row, line in rows:
        alone = read_batch_data(f"{lines[0]}\n{line}\n".encode(), "in.csv", book, row_offset=row - 2)
        assert [e for e in batch.errors if e.row == row] == alone.errors
        priced = batch.frame[batch.frame.row == row].reset_index(drop=True)
        if len(alone.frame):  # (an empty frame's policy_key column has no values to give it a text dtype)
            pd.testing.assert_frame_equal(priced, alone.frame)
        assert len(priced) == len(alone.frame)
        assert all(batch.policies[key] == alone.policies[key] for key in alone.frame.policy_key)


def test_a_policy_cell_may_hold_any_character(tmp_path, book):
    # policies are told apart by their cells, whatever characters they hold: a unit separator in one cell once
    # shifted the text after it into the next policy column (here: a headroom of 0.9 nobody gave), or made a
    # number of a pattern's tail
    text = ('name,peak_rps,policy.horizontal_family_pattern,policy.burst_headroom\n'
            'a,10,"m5\x1f0.9",\n'
            'b,10,m5,\n'
            'c,10,"m5\x1fabc",0.5\n'
            'd,10,m5,"0.\x1f5"\n')
    path = tmp_path / "in.csv"
    path.write_text(text)
    batch = read_batch(path, book)
    policy = {row.name: batch.policies[row.policy_key] for row in batch.frame.itertuples()}
    assert policy["a"].horizontal_family_pattern == "m5\x1f0.9" and policy["a"].burst_headroom == 0.3
    assert policy["b"].horizontal_family_pattern == "m5" and policy["b"].burst_headroom == 0.3
    assert policy["c"].horizontal_family_pattern == "m5\x1fabc" and policy["c"].burst_headroom == 0.5
    assert "d" not in policy and [(e.row, e.column) for e in batch.errors] == [(5, "policy.burst_headroom")]
