"""Fuzzing the library's boundaries: random workload dicts and malformed scenario CSVs never raise anything
but the planner's own errors, every bad row is named by row and column, and the good rows are still priced.

Example counts are fixed and the runs derandomised, so the suite's time stays bounded and repeatable.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.engine.chain import run, workloads_frame
from planner.pricing import default_book
from planner.running.batch import run_batch
from planner.running.batch_input import POLICY_COLUMNS, BatchFileError, BatchInput, read_batch
from planner.workload.policy import SizingPolicy
from planner.workload.model import (
    NUMERIC_FIELDS,
    TEXT_FIELDS,
    Workload,
    WorkloadError,
    workload_from_dict,
)

BAD = Path(__file__).parent / "data" / "bad"
FIELDS = [*TEXT_FIELDS, *NUMERIC_FIELDS, "policy"]
def fuzz(examples: int) -> settings:
    return settings(max_examples=examples, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.large_base_example])

# --- the corpus of named bad files --------------------------------------------------------------------------

# file -> ("refused", message fragment) or ("rows", {bad row: column}, rows priced)
EXPECTED = {
    "bom_header.csv": ("rows", {}, 1),
    "duplicate_header.csv": ("refused", "column(s) peak_rps appear more than once in the header"),
    "empty.csv": ("refused", "empty file"),
    "formula_names.csv": ("rows", {}, 2),
    "header_only.csv": ("refused", "header only, no scenario rows"),
    "huge_numbers.csv": ("rows", {2: "peak_rps", 3: "peak_rps", 4: "peak_rps"}, 1),
    "latin1.csv": ("refused", "not UTF-8 text (byte 17); save the file as UTF-8 CSV"),
    "nan_inf.csv": ("rows", {2: "peak_rps", 3: "peak_rps", 4: "data_size_gb"}, 0),
    "out_of_range.csv": ("rows", {2: "availability_target", 3: "peak_rps", 4: "peak_rps"}, 1),
    "quoted_newline.csv": ("rows", {}, 2),
    "ragged_rows.csv": ("rows", {3: ""}, 2),
    "semicolon.csv": ("refused", "looks semicolon-separated"),
    "tab_separated.csv": ("refused", "looks tab-separated"),
    "unclosed_quote.csv": ("refused", "not a valid CSV (line 3: unexpected end of data)"),
    "unknown_column.csv": ("refused", "unknown column 'peak_rpss'; did you mean peak_rps?"),
    "zip_renamed.csv": ("refused", "not a CSV file (binary content)"),
}


def test_every_corpus_file_has_an_expectation():
    assert sorted(p.name for p in BAD.glob("*.csv")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file(name, book):
    expected = EXPECTED[name]
    path = BAD / name
    if expected[0] == "refused":
        with pytest.raises(BatchFileError) as err:
            read_batch(path, book)
        assert str(err.value).startswith(f"{path}: ") and expected[1] in str(err.value)
        return
    inp = read_batch(path, book)
    assert {e.row: e.column for e in inp.errors} == expected[1]
    result = run_batch(inp, book)
    assert len(result.summary) == expected[2]
    assert not set(result.summary.row) & set(expected[1])


def test_a_quoted_newline_keeps_the_spreadsheet_row_numbers(tmp_path, book):
    path = tmp_path / "in.csv"
    path.write_text('name,peak_rps\n"two\nlines",10\n\n# a comment\nbad,-1\n')
    inp = read_batch(path, book)
    # rows: header 1, the two-line record 2, blank 3, comment 4, bad 5
    assert [(e.row, e.column) for e in inp.errors] == [(5, "peak_rps")]
    assert inp.frame.row.tolist() == [2]


# --- random workload dicts through the library boundary -------------------------------------------------------

junk = st.one_of(
    st.none(), st.booleans(), st.integers(-10**30, 10**30), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30), st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=5), st.integers(),
                                                                               max_size=2),
    st.sampled_from(["nan", "inf", "-inf", "1e400", "=1+1", "", " ", "99.9", "aws", "us-east-1", "on_demand"]))
policy_junk = st.dictionaries(
    st.sampled_from([c.removeprefix("policy.") for c in POLICY_COLUMNS[:40]] + ["failures", "nonsense"]),
    junk, max_size=3)
workload_dicts = st.dictionaries(st.sampled_from([*FIELDS, "unknown_field"]),
                                 st.one_of(junk, policy_junk), max_size=8)


@fuzz(5_000)
@given(workload_dicts)
def test_random_workload_dicts_fail_only_with_named_fields(data):
    try:
        w = workload_from_dict(data, "fuzz.yaml")
    except WorkloadError as exc:
        assert exc.problems, data
        for field, message in exc.problems:
            assert message, (field, data)
            assert field == "" or field.split(".")[0] in FIELDS or field.split(".")[0] == "unknown_field", field
    else:
        assert isinstance(w, Workload)


valid_workloads = st.fixed_dictionaries({
    "peak_rps": st.floats(0.01, 1e6), "peak_to_average": st.floats(1, 20), "read_fraction": st.floats(0, 1),
    "cpu_ms_per_request": st.floats(0.1, 500), "response_kb": st.floats(0, 10_000),
    "data_size_gb": st.floats(0, 1e6), "monthly_growth": st.floats(0, 0.3), "horizon_months": st.integers(1, 60),
    "object_storage_gb": st.floats(0, 1e7), "hot_data_fraction": st.floats(0.001, 1),
    "availability_target": st.floats(90, 99.999), "rto_minutes": st.floats(0, 100_000),
    "rpo_minutes": st.floats(0, 100_000),
    "purchase_option": st.sampled_from(["on_demand", "savings_1yr", "savings_3yr", "spot_mix"]),
    "region": st.sampled_from(["us-east-1", "eu-west-1", "ap-southeast-1", "sa-east-1", "us-west-1", "me-south-1"]),
})


@fuzz(20)
@given(st.lists(valid_workloads, min_size=50, max_size=50))
def test_any_valid_workload_is_priced_or_says_why(dicts):
    ws = [Workload(**{**d, "latency_target_ms": d["cpu_ms_per_request"] * 3 + 10}) for d in dicts]
    options = run(workloads_frame(ws), SizingPolicy(), default_book(), detail=False).options
    cost = options.monthly_usd.to_numpy()
    feasible = options.feasible.to_numpy()
    assert np.isfinite(cost[feasible]).all() and (cost[feasible] > 0).all()
    assert (options.reasons[~feasible] != "").all()  # every rejected option says why
    assert options.groupby("row").recommended.sum().le(1).all()


# --- malformed CSVs through the batch reader -------------------------------------------------------------------

cells = st.one_of(st.sampled_from(["10", "0", "-5", "1e400", "nan", "inf", "abc", "", " 7 ", "99.9", "us-east-1",
                                   "=SUM(1)", '"quoted, comma"', "x\ny", "1,5", "﻿", "100000000000000000000"]),
                  st.floats(allow_nan=True, allow_infinity=True).map(repr), st.text(max_size=12))
headers = st.lists(st.sampled_from(["name", "peak_rps", "data_size_gb", "availability_target", "region",
                                    "read_fraction", "policy.burst_headroom", "peak_rps ", "junk"]),
                   min_size=1, max_size=5)


@st.composite
def csv_files(draw) -> bytes:
    header = draw(headers)
    rows = draw(st.lists(st.lists(cells, min_size=0, max_size=len(header) + 2), max_size=12))
    sep = draw(st.sampled_from([",", ",", ",", ";", "\t"]))

    def line(values: list[str]) -> str:
        out = []
        for v in values:
            needs = any(ch in v for ch in (sep, '"', "\n", "\r"))
            out.append('"' + v.replace('"', '""') + '"' if needs and draw(st.booleans()) else v)
        return sep.join(out)

    text = "\n".join([line(header), *(line(r) for r in rows)])
    if draw(st.booleans()):
        text += "\n"
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "latin-1", "utf-16"]))
    return text.encode(encoding, errors="replace")


def _read(data: bytes) -> BatchInput | None:
    """``data`` read as a scenario file; None when refused as a whole (with a message naming the file)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzz.csv"
        path.write_bytes(data)
        try:
            return read_batch(path, default_book())
        except BatchFileError as exc:
            assert str(exc).startswith(f"{path}: "), str(exc)
            return None


@fuzz(1_000)
@given(csv_files())
def test_malformed_csvs_are_refused_or_named_row_by_row(data):
    inp = _read(data)
    if inp is None:
        return
    assert inp.rows_read >= 1
    named = {e.row for e in inp.errors}
    for e in inp.errors:
        assert e.row >= 2 and e.message
        assert e.column == "" or e.column in [c.strip() for c in inp.frame.columns] or e.column.startswith(
            ("policy.", *TEXT_FIELDS, *NUMERIC_FIELDS)), e
    # every row is either priced or named, never both, never lost
    assert not named & set(inp.frame.row)
    assert len(named) + len(inp.frame) == inp.rows_read


@fuzz(40)
@given(csv_files())
def test_good_rows_of_malformed_csvs_are_still_priced(data):
    inp = _read(data)
    if inp is None:
        return
    result = run_batch(inp, default_book())
    assert sorted(result.summary.row) == sorted(inp.frame.row)
