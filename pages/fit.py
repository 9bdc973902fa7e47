"""Fit: monitoring exports in, a workload with fitted ranges out (the same fit as ``planner fit``)."""

from __future__ import annotations

import hashlib

import streamlit as st

from pages._ui import page_menu
from planner.base.uploads import display_name
from planner.clouds import catalogs
from planner.report.escaping import markdown_literal
from planner.report.fit_figures import cpu_figure, rate_figure, shape_figure
from planner.report.fit_report import fit_report
from planner.running.fit.estimate import MEANINGS
from planner.running.fit.run import fit_workload
from planner.running.fit.sources import MAX_FIT_BYTES, FitError, joined, read_source_data

# what a series is often called, to start the mapping from (CloudWatch, Prometheus, a CSV of our own names)
# a raw Prometheus *_total is a counter, refused as requests: its rate() comes named by its labels, not guessed
GUESSES = {"requests": ("requests", "RequestCount"), "cpu_pct": ("cpu_pct", "CPUUtilization"),
           "instances": ("instances", "GroupInServiceInstances"), "db_reads": ("db_reads", "ReadIOPS"),
           "db_writes": ("db_writes", "WriteIOPS"), "response_bytes": ("response_bytes", "BytesDownloaded"),
           "storage_bytes": ("storage_bytes",)}
SHOWN = ("requests", "requests_per_s", "cpu_pct", "instances", "db_reads", "db_writes", "response_bytes",
         "storage_bytes")

page_menu()
st.title("Fit a workload from monitoring")
# the browser refuses a larger file before the fit's own limit is reached: say the one that applies here
upload_mb = min(float(st.get_option("server.maxUploadSize")), MAX_FIT_BYTES / 1e6)
st.caption("Upload the exports of a running system (the JSON of `aws cloudwatch get-metric-data`, a Prometheus "
           "`query_range` answer, or a CSV of a time column and metric columns), say which series is which, and "
           f"get a workload whose fitted inputs are 90 % ranges. Up to {upload_mb:,.0f} MB a file here (the "
           f"dashboard's upload limit; `planner fit` reads up to {MAX_FIT_BYTES / 2**20:,.0f} MiB); the same fit as "
           "`planner fit`.")
uploads = st.file_uploader("Monitoring exports", type=["json", "csv"], accept_multiple_files=True, key="fit_upload")
if not uploads:
    st.stop()


@st.cache_data(max_entries=8, show_spinner="Reading the exports…")
def series_of(files: tuple[tuple[bytes, str], ...]):  # noqa: ANN201
    return joined([read_source_data(data, name) for data, name in files])


names = [display_name(u.name, f"export-{i}") for i, u in enumerate(uploads)]
files = tuple((u.getvalue(), n) for u, n in zip(uploads, names))
# a fit belongs to the exports it was made from: another upload must not show the last one's inputs and charts
uploaded = tuple((n, hashlib.sha256(data).hexdigest()) for data, n in files)
if st.session_state.get("fit_sources") != uploaded:
    st.session_state.pop("fit_result", None)
try:
    series = series_of(files)
except FitError as exc:
    st.error(markdown_literal(exc))
    st.stop()
known = sorted(series.series.unique())
st.write(f"{len(known)} series, {len(series):,} points.")
none = "(none)"
with st.form("fit_form"):
    cols = st.columns(4)
    chosen = {}
    for i, meaning in enumerate(m for m in SHOWN if m in MEANINGS):
        guess = next((g for g in GUESSES.get(meaning, ()) if g in known), none)
        chosen[meaning] = cols[i % 4].selectbox(meaning, [none, *known], index=([none, *known]).index(guess),
                                                key=f"fit_{meaning}")
    a, b, c, d = st.columns(4)
    cloud = a.selectbox("Cloud", sorted(catalogs()), index=sorted(catalogs()).index("aws"), key="fit_cloud")
    region = b.text_input("Region (blank: the cloud's default)", key="fit_region").strip() or None
    instance_type = c.text_input("Instance type the CPU measures", key="fit_type").strip() or None
    name = d.text_input("Workload name", "fitted", key="fit_name")
    submitted = st.form_submit_button("Fit", type="primary")
if not submitted and "fit_result" not in st.session_state:
    st.stop()
if submitted:
    items = [f"{series_name}={meaning}" for meaning, series_name in chosen.items() if series_name != none]
    try:
        with st.spinner("Fitting…"):
            st.session_state["fit_result"] = fit_workload(series, items, sources=names, instance_type=instance_type,
                                                          cloud=cloud, region=region, name=name)
            st.session_state["fit_sources"] = uploaded
    except Exception as exc:  # noqa: BLE001 - a planner error or a bad name: shown as one message, never a traceback
        st.session_state.pop("fit_result", None)
        st.error(markdown_literal(exc))
        st.stop()
result = st.session_state["fit_result"]
fit = result.fit
st.subheader("Fitted inputs")
st.dataframe([{"input": f.field, "low": f.low, "mid (planned for)": f.mid, "high": f.high, "points": f.points,
               "how": f.method} for f in fit.inputs.values()], hide_index=True, width="stretch")
for warning in fit.warnings:
    st.info(markdown_literal(warning))
st.plotly_chart(rate_figure(fit), width="stretch")
shape = shape_figure(fit)
if shape is not None:
    st.plotly_chart(shape, width="stretch")
cpu = cpu_figure(fit)
if cpu is not None:
    st.plotly_chart(cpu, width="stretch")
if result.back is not None:
    b = result.back
    st.write(f"Back-test: at the busiest hour ({b.peak_rps:,.0f} req/s) the system ran {b.observed_at_peak:,.0f} "
             f"instances (at most {b.observed_max:,.0f}); the plan with {b.instance_type} runs "
             f"{b.planned_desired:,.0f} (at most {b.planned_max:,.0f} with burst headroom).")
d1, d2 = st.columns(2)
d1.download_button("Workload YAML (plan it on the Uncertainty page or with planner plan)", result.workload_yaml,
                   file_name="fitted-workload.yaml", mime="text/yaml", on_click="ignore")
d2.download_button("Fit report (Markdown)", fit_report(result), file_name="fit-report.md", mime="text/markdown",
                   on_click="ignore")
with st.expander("The workload file"):
    st.code(result.workload_yaml, language="yaml")
