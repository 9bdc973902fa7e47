"""Uncertainty: give inputs as ranges, see each option's cost band, how sure the recommendation is and which
input drives the bill."""

from __future__ import annotations

import json

import streamlit as st

from pages._ui import headline, nothing_meets, page_menu, price_book, sidebar_workload, workload_cloud
from planner.base.errors import PlannerError
from planner.plan.model import Plan
from planner.report.escaping import markdown_literal
from planner.running.uncertainty.plans import make_uncertain_plan
from planner.report.figures import (
    cheapest_figure,
    cost_distribution_figure,
    titled,
    tornado_figure,
)
from planner.report.formatting import quantity, share, usd
from planner.report.markdown import render_markdown
from planner.report.tables import swings_table, uncertainty_table
from planner.workload.vocabulary import FIELD_LABELS
from planner.running.uncertainty.ranges import (
    RANGED_FIELDS,
    default_interval,
    uncertain_from_dict,
)
from planner.workload.model import Workload, WorkloadError

FIRST_RANGED = ("peak_rps", "daily_active_users", "data_size_gb")  # on by default: what is least known


@st.cache_data(max_entries=32, show_spinner="Sampling and pricing…")
def uncertain_plan(data_json: str, samples: int, seed: int) -> Plan:
    return make_uncertain_plan(uncertain_from_dict(json.loads(data_json), "form"), samples, seed,
                               price_book(workload_cloud(data_json)))


def range_inputs(w: Workload) -> dict[str, dict[str, float]]:
    """A toggle and a 90 % interval for every field that takes a range; the sidebar value is the median."""
    ranges: dict[str, dict[str, float]] = {}
    fields = [f for f in RANGED_FIELDS if getattr(w, f) is not None and (getattr(w, f) > 0 or f == "monthly_growth")]
    for field in fields:
        value = float(getattr(w, field))
        on = st.toggle(FIELD_LABELS[field], value=field in FIRST_RANGED, key=f"range_{field}",
                       help=f"Give {field} as a 90 % interval around the sidebar's value ({quantity(value)}), its "
                            "median.")
        if not on:
            continue
        st.caption(f"median {quantity(value)} (the sidebar's value)")
        low, high = default_interval(field, value)
        c1, c2 = st.columns(2)
        lo = c1.number_input("low (5th percentile)", value=low, key=f"low_{field}", format="%.4g")
        hi = c2.number_input("high (95th percentile)", value=high, key=f"high_{field}", format="%.4g")
        ranges[field] = {"low": lo, "mid": value, "high": hi}
    return ranges


def downloads(plan: Plan) -> None:
    """The report and JSON of the plan with its uncertainty (offered whether or not an option is feasible)."""
    stem = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in plan.workload.name) or "plan"
    d1, d2 = st.columns(2)
    d1.download_button("Markdown report (with the uncertainty section)", render_markdown(plan),
                       file_name=f"{stem}-uncertainty.md", mime="text/markdown", on_click="ignore")
    d2.download_button("JSON (with the uncertainty block)", json.dumps(plan.to_dict(), indent=2),
                       file_name=f"{stem}-uncertainty.json", mime="application/json", on_click="ignore")


page_menu()
st.title("Uncertainty")
workload = sidebar_workload()
st.caption("Inputs nobody knows exactly, given as 90 % intervals (switch a field to a range on the left): each is "
           "sampled from a distribution through the interval (lognormal for traffic and sizes, logit-normal for "
           "shares, normal for growth) around the sidebar's value as its median, and every sample is priced through "
           "the same engine as a batch.")
settings, results = st.columns([1, 2], gap="large")
with settings:
    ranges = range_inputs(workload)
    samples = st.select_slider("Samples", options=[100, 300, 1_000, 3_000, 10_000], value=1_000, key="samples")
    seed = int(st.number_input("Seed", min_value=0, max_value=2**31 - 1, value=0, step=1, key="seed",
                               help="The same seed gives the same samples and numbers."))
data = {**workload.model_dump(mode="json"), **ranges}
try:
    plan = uncertain_plan(json.dumps(data, sort_keys=True), samples, seed)
except WorkloadError as exc:
    with results:
        for field, msg in exc.problems:
            st.error(f"**{markdown_literal(field)}**: {markdown_literal(msg)}" if field else markdown_literal(msg))
    st.stop()
except PlannerError as exc:
    results.error(markdown_literal(exc))
    st.stop()
u = plan.uncertainty
assert u is not None
with results:
    if not u.recommended:
        st.subheader("No option is feasible in any sample")
        nothing_meets(plan, "the Plan page's table gives every option's reasons")
        st.dataframe(uncertainty_table(u), hide_index=True, width="stretch")
        downloads(plan)
        st.stop()
    st.subheader(f"Under uncertainty: {u.recommended}")
    c1, c2, c3 = st.columns(3)
    # each sample's cheapest feasible bill, not one option's: the table below gives each option's own P50
    headline(c1, "Median cheapest bill", usd(u.bill_p50_usd),
             f"P10 {usd(u.bill_p10_usd)} – P90 {usd(u.bill_p90_usd)}",
             help="In each sample the cheapest option that meets every target; the table gives each option's own "
                  "P10/P50/P90, so the recommended option's P50 can be higher.")
    headline(c2, "Recommendation holds in", share(u.p_recommendation_holds), "of samples")
    headline(c3, "At the medians", usd(u.bill_at_medians_usd), plan.recommended.name if plan.recommended else "—")
    st.caption(f"Rule: {u.rule}. {u.samples:,} samples, seed {u.seed}.")
    st.plotly_chart(cost_distribution_figure(u), width="stretch")
    st.dataframe(uncertainty_table(u), hide_index=True, width="stretch")
    st.plotly_chart(cheapest_figure(u), width="stretch")
    if u.sensitivity:
        st.plotly_chart(tornado_figure(u.sensitivity, u.bill_at_medians_usd,
                                       titled("What moves the bill", "each range at its low and high, the others "
                                              "at their medians")), width="stretch")
        st.dataframe(swings_table(u.sensitivity), hide_index=True, width="stretch")
    else:
        st.info("Turn on a range to see which input drives the bill.")
    if u.policy_sensitivity:
        st.plotly_chart(tornado_figure(u.policy_sensitivity, u.bill_at_medians_usd,
                                       titled("The policy defaults that move it most", "halved and raised by half")),
                        width="stretch")
    downloads(plan)
