"""Plan: describe a workload, see the recommended architecture, every option and why."""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from pages._ui import (headline, initial_workload, negotiated_prices, nothing_meets, page_menu, plan_or_error,
                       price_book, results_first_on_phones, validated, wide_or_narrow, workload_form)
from planner.report.escaping import spreadsheet_safe
from planner.report.figures import cost_breakdown_figure
from planner.report.formatting import pct, usd
from planner.report.markdown import render_markdown
from planner.report.tables import (bom_table, decisions_table, dr_name, money_in_cents, options_card_table,
                                   options_table)
from planner.workload.model import COMMITTING

page_menu()
st.title("Plan a workload")
form, results = st.columns([1, 2], gap="large")
results_first_on_phones("plan_form")
with form, st.container(key="plan_form"):
    data = workload_form(initial_workload())
    overlay = negotiated_prices()
with results:
    workload = validated(data)
    if workload is None:
        st.stop()
    plan = plan_or_error(workload, overlay)
    if plan is None:
        st.stop()
    rec = plan.recommended
    if rec is None:
        nothing_meets(plan)
    else:
        st.subheader(f"Recommended: {rec.name}")
        m1, m2 = st.columns(2)
        headline(m1, "Monthly", usd(rec.monthly_usd), f"{usd(rec.annual_usd)} a year")
        headline(m2, "Designed-for availability", pct(rec.availability_pct),
                 f"target {pct(workload.availability_target)}",
                 help=f"From failure rates and recovery times; it decides the architecture. The SLA floor "
                       f"(published SLAs composed, the contractual minimum) is {pct(rec.row.sla_floor_pct)}.")
        m3, m4 = st.columns(2)
        headline(m3, "Disaster recovery", dr_name(rec.dr_tier), f"in {plan.sizing.dr_region}")
        headline(m4, "SLA floor", pct(rec.row.sla_floor_pct), "contractual minimum")
        st.caption(f"{plan.billing} Public list prices as of {plan.prices_as_of} to "
                   f"{plan.newest_price_as_of}; 730 hours a month.")

    st.markdown("#### Options compared")
    # the whole table on a wide screen, three columns on a phone (each container hidden by the other's width)
    with st.container(key="options_wide"):
        st.table(options_table(plan), hide_index=True)
    with st.container(key="options_narrow"):
        st.table(options_card_table(plan), hide_index=True)
    wide_or_narrow("options_wide", "options_narrow")
    if any(len(o.bom) for o in plan.options):  # no chart of nothing where no option could be sized
        st.plotly_chart(cost_breakdown_figure(plan), width="stretch")

    st.markdown("#### Decisions")
    st.table(decisions_table(plan), hide_index=True)

    if workload.purchase_option in COMMITTING:
        from planner.report.figures import commitment_figure
        from planner.running.commitment import commitment_curves, no_commitment_reason

        with st.expander("Commitment", expanded=True):
            curves = commitment_curves(plan, price_book(workload.cloud))
            if curves:
                st.plotly_chart(commitment_figure(curves), width="stretch")
                st.caption("A committed instance bills every hour; the lowest bill commits the instances that run "
                           "at least the commitment's break-even share of the day (its rate / the on-demand rate).")
            else:
                st.info(f"No commitment applies: {no_commitment_reason(plan)}.")

    names = [o.name for o in plan.options if len(o.bom)]
    if names:
        with st.expander("Bill of materials"):
            shown = (rec or plan.nearest or plan.option(names[0])).name
            choice = st.selectbox("Option", names, index=names.index(shown) if shown in names else 0,
                                  key="bom_option")
            st.dataframe(bom_table(plan.option(choice).bom), hide_index=True, width="stretch")

    stem = workload.name.replace(" ", "-")
    d1, d2, d3 = st.columns(3)
    d1.download_button("Markdown report", render_markdown(plan), file_name=f"{stem}.md", mime="text/markdown",
                       on_click="ignore")
    d2.download_button("JSON", json.dumps(plan.to_dict(), indent=2), file_name=f"{stem}.json",
                       mime="application/json", on_click="ignore")
    bom = pd.concat([o.bom.assign(option=o.name) for o in plan.options if len(o.bom)] or [pd.DataFrame()],
                    ignore_index=True)
    d3.download_button("Bill of materials (CSV)", spreadsheet_safe(money_in_cents(bom)).to_csv(index=False),
                       file_name=f"{stem}-bom.csv", mime="text/csv", on_click="ignore")
