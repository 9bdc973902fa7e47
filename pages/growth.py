"""Growth: monthly cost and instance counts over the horizon, and when the recommendation changes."""

from __future__ import annotations

import streamlit as st

from pages._ui import headline, nothing_meets, page_menu, plan_or_error, price_book, sidebar_workload, workload_cloud
from planner.base.errors import PlannerError
from planner.report.escaping import markdown_literal
from planner.report.figures import growth_figure
from planner.report.formatting import usd
from planner.running.explore import crossovers, growth


@st.cache_data(max_entries=32, show_spinner="Planning each month…")
def monthly(workload_json: str):  # noqa: ANN201
    from planner.workload.model import Workload

    return growth(Workload.model_validate_json(workload_json), price_book(workload_cloud(workload_json)))


page_menu()
st.title("Growth over the horizon")
workload = sidebar_workload()
try:
    table = monthly(workload.model_dump_json())
except PlannerError as exc:
    st.error(markdown_literal(exc))
    st.stop()
st.caption("Each month bills that month's traffic and usage with the database, cache and storage provisioned for "
           f"month {workload.horizon_months}, the end of the horizon: month 0 is the Plan page's monthly figure.")
rec = table[table.recommended].sort_values("month")
if rec.empty:
    plan = plan_or_error(workload)
    if plan is not None:
        nothing_meets(plan, "the Plan page's table gives every option's reasons")
    st.stop()  # the chart draws the recommendation only: it would be empty
if len(rec) < table.month.nunique():
    lacking = sorted(set(table.month.astype(int)) - set(rec.month.astype(int)))
    st.warning(f"No option meets every target in month(s) {', '.join(map(str, lacking))}: the headline figures are "
               "of the months that have a recommendation.")
first, last = rec.iloc[0], rec.iloc[-1]
c1, c2, c3 = st.columns(3)
headline(c1, "Month 0", usd(first.monthly_usd), f"a month, {first.option}")
headline(c2, f"Month {int(last.month)}", usd(last.monthly_usd), f"a month, {last.option}")
headline(c3, "Growth of the bill", f"x{last.monthly_usd / first.monthly_usd:,.2f}",
         f"traffic and data x{(1 + workload.monthly_growth) ** workload.horizon_months:,.2f}")
st.plotly_chart(growth_figure(table), width="stretch")
changes = crossovers(table, key="month")
if len(changes):
    for r in changes.itertuples():
        st.info(f"From month {int(r.month)} the recommendation changes from **{r.from_option}** to "
                f"**{r.to_option}**.")
else:
    st.caption(f"The recommendation stays **{first.option}** for the whole horizon.")
st.dataframe(table.pivot_table(index="month", columns="option", values="monthly_usd", dropna=False).map(usd),
             width="stretch")
