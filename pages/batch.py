"""Batch what-if: upload a scenario CSV, see every option priced and every bad row explained."""

from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit as st

from pages._ui import page_menu
from planner.report.batch_files import write_outputs
from planner.running.batch import errors_frame, run_batch
from planner.running.batch_input import (
    MAX_BATCH_BYTES,
    MAX_BATCH_ROWS,
    BatchFileError,
    check_batch_size,
    read_batch_data,
)
from planner.cli.example import template_csv
from planner.report.escaping import markdown_literal, spreadsheet_safe
from planner.report.figures import batch_figure
from planner.report.tables import (
    DISPLAY_ROWS,
    batch_table,
    blanks_as_dashes,
    money_in_cents,
    rejection_reasons,
)
from planner.base.uploads import display_name, results_stem
from planner.workload.vocabulary import column_label

page_menu()
st.title("Batch what-if")
st.caption("One scenario per row, columns named as the workload fields (see the template). "
           f"Up to {MAX_BATCH_BYTES / 2**20:,.0f} MiB and {MAX_BATCH_ROWS:,} rows; the same engine, numbers and "
           "limits as `planner batch`.")
st.download_button("Template CSV", template_csv(), file_name="planner-template.csv", mime="text/csv", on_click="ignore")
upload = st.file_uploader("Scenario CSV", type=["csv"], key="batch_upload")
if upload is None:
    st.stop()
try:
    check_batch_size(upload.size, display_name(upload.name, "upload.csv"))
except BatchFileError as exc:
    st.error(markdown_literal(exc))
    st.stop()


@st.cache_data(max_entries=8, show_spinner=False)
def priced(data: bytes, name: str):  # noqa: ANN201
    inp = read_batch_data(data, name)  # from memory: the client's file name is never a path
    bar = st.progress(0.0, text="Pricing scenarios…")
    # in this process: forking a web server's threads is not safe
    result = run_batch(inp, chunk_rows=5_000, workers=1,
                       progress=lambda done, total: bar.progress(done / max(total, 1), text=f"{done:,} of {total:,}"))
    bar.empty()
    return result


try:
    result = priced(upload.getvalue(), display_name(upload.name, "upload.csv"))
except BatchFileError as exc:
    st.error(markdown_literal(exc))
    st.stop()

ok, bad = result.priced, len({e.row for e in result.errors})
if ok:
    st.success(f"{ok:,} scenario(s) priced.")
else:
    st.warning("No scenario could be priced.")
if result.errors:
    st.error(f"{bad:,} row(s) not priced:")
    errors = errors_frame(result.errors)
    if len(errors) <= 200:  # short enough to read in full, messages wrapped
        st.table(blanks_as_dashes(errors), hide_index=True)
    else:
        st.dataframe(errors.head(DISPLAY_ROWS), hide_index=True, width="stretch",
                     column_config={"message": st.column_config.TextColumn(width="large")})

st.subheader("Scenarios")
st.dataframe(batch_table(result.summary).rename(columns=column_label), hide_index=True, width="stretch")
if ok:
    st.plotly_chart(batch_figure(result.summary), width="stretch")

st.subheader("Options")
options = result.options
f1, f2, f3 = st.columns(3)
which = f1.multiselect("Option", sorted(options.option.unique()), key="batch_options")
only_feasible = f2.checkbox("Feasible only", key="batch_feasible")
only_recommended = f3.checkbox("Recommended only", key="batch_recommended")
shown = options[options.option.isin(which)] if which else options
if only_feasible:
    shown = shown[shown.feasible]
if only_recommended:
    shown = shown[shown.recommended]
st.dataframe(batch_table(shown).rename(columns=column_label), hide_index=True, width="stretch",
             column_config={"why not": st.column_config.TextColumn(width="large")})
rejected = shown[shown.reason != ""]
if len(rejected):
    with st.expander(f"Why options were rejected ({len(rejected):,} option rows)"):
        st.table(rejection_reasons(rejected), hide_index=True)
if len(shown) > DISPLAY_ROWS or len(result.summary) > DISPLAY_ROWS:
    st.caption(f"The tables show the first {DISPLAY_ROWS:,} rows; the downloads hold them all.")

stem = results_stem(upload.name)
cols = st.columns(4)
for col, suffix, mime in zip(cols, (".csv", ".parquet", ".json", ".md"),
                             ("text/csv", "application/octet-stream", "application/json", "text/markdown")):
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / f"{stem}{suffix}"
        write_outputs(result, out)
        col.download_button(f"Download {suffix[1:]}", out.read_bytes(), file_name=out.name, mime=mime,
                            key=f"dl{suffix}", on_click="ignore")  # a download does not rerun the page
if ok:
    st.download_button("Summary CSV", spreadsheet_safe(money_in_cents(result.summary)).to_csv(index=False),
                       file_name=f"{stem}.summary.csv", mime="text/csv", on_click="ignore")
