"""Hostile names come out inert: CSV cells a spreadsheet would run, Markdown that would break or inject."""

from __future__ import annotations

import pandas as pd
import pytest

from planner.cli import main
from planner.plan.model import make_plan
from planner.report.batch_files import write_outputs
from planner.report.escaping import markdown_cell, markdown_literal, spreadsheet_cell, spreadsheet_safe
from planner.report.markdown import render_markdown
from planner.running.batch import run_batch
from planner.running.batch_input import read_batch
from planner.workload.model import Workload

ATTACKS = ['=HYPERLINK("http://x.example","y")', "+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3+cmd|' /C calc'!A0",
           "\t=1+1", "\r=1+1"]


@pytest.mark.parametrize("cell", ATTACKS)
def test_formula_cells_get_an_apostrophe(cell):
    assert spreadsheet_cell(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["-4", "+1.5", "-1e-3", ".5", "plain", "a=b", ""])
def test_numbers_and_plain_text_are_untouched(cell):
    assert spreadsheet_cell(cell) == cell


def test_numeric_columns_are_never_changed():
    df = pd.DataFrame({"n": [-1.0, 2.0], "s": ["=1", "-1"], "b": [True, False]})
    out = spreadsheet_safe(df)
    assert out.n.tolist() == [-1.0, 2.0] and out.b.tolist() == [True, False]
    assert out.s.tolist() == ["'=1", "-1"] and df.s.tolist() == ["=1", "-1"]


def test_batch_outputs_are_inert(tmp_path, book):
    names = ATTACKS[:3] + ["ok"]
    rows = pd.DataFrame({"name": names, "peak_rps": [10, 20, 30, 40], "peak_to_average": [3, 3, 3, "=1+1"]})
    src = tmp_path / "in.csv"
    rows.to_csv(src, index=False)
    result = run_batch(read_batch(src, book), book)
    for written in write_outputs(result, tmp_path / "out.csv"):
        text = pd.read_csv(written, keep_default_na=False, dtype=str)
        for col in text.columns:
            assert not text[col].str.match(r"^[=+@\t\r]").any(), (written.name, col)
    summary = pd.read_csv(tmp_path / "out.summary.csv", keep_default_na=False)
    assert summary.name.tolist() == ["'" + n for n in ATTACKS[:3]]
    errors = pd.read_csv(tmp_path / "out.errors.csv", keep_default_na=False)
    assert errors.value.tolist() == ["'=1+1"]


def test_cli_csv_output_is_inert(tmp_path):
    out = tmp_path / "b.csv"
    pd.DataFrame({"name": [ATTACKS[1]], "peak_rps": [5]}).to_csv(out, index=False)
    assert main(["batch", str(out), "-o", str(tmp_path / "r.csv"), "--quiet"]) == 0
    assert pd.read_csv(tmp_path / "r.csv").name.iloc[0] == "'" + ATTACKS[1]


def test_markdown_escapes_pipes_html_and_newlines():
    assert markdown_cell("a|b\n<script>alert(1)</script>&") == "a\\|b &lt;script&gt;alert(1)&lt;/script&gt;&amp;"
    assert markdown_literal("[x](http://e.example) *b*") == "\\[x\\]\\(http://e\\.example\\) \\*b\\*"


def test_report_of_a_hostile_name_keeps_its_structure(book):
    name = "evil | name\n# injected <script>alert(1)</script>"
    md = render_markdown(make_plan(Workload(name=name, peak_rps=50), book))
    first = md.splitlines()[0]
    assert first == "# Capacity plan: evil \\| name # injected &lt;script&gt;alert(1)&lt;/script&gt;"
    assert "<script>" not in md
    assert not any(line.startswith("# injected") for line in md.splitlines())


def test_a_device_or_a_link_is_written_through_not_replaced(tmp_path):
    # a review: `-o /dev/full` as root replaced the device with a regular file (the rename over it); `-o link`
    # replaced the link with a file instead of writing the file it names
    import os
    import stat

    from planner.base.atomic import write_text_atomic

    target = tmp_path / "target.yaml"
    target.write_text("old\n")
    link = tmp_path / "link.yaml"
    link.symlink_to(target)
    write_text_atomic(link, "new\n")
    assert link.is_symlink() and target.read_text() == "new\n"
    write_text_atomic("/dev/null", "into the device\n")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]
