"""Compare: every option against load, the vertical/horizontal crossover, the same workload per region and on
each cloud."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from pages._ui import nothing_meets, page_menu, plan_or_error, price_book, sidebar_workload, workload_cloud
from planner.base.errors import PlannerError
from planner.clouds import catalog_for, catalogs
from planner.clouds.regions import equivalent_region
from planner.pricing.book import remember
from planner.report.escaping import markdown_literal
from planner.report.figures import clouds_figure, cost_vs_load_figure, regions_figure
from planner.report.formatting import usd
from planner.report.tables import batch_table, clouds_display
from planner.running.explore import compare_regions, cost_vs_load, crossovers, pair_crossover
from planner.running.multicloud import clouds_table
from planner.workload.vocabulary import column_label

# regions spread over the world, per cloud, offered by default beside the workload's own
WORLD = ({"aws": "us-east-1", "gcp": "us-east4", "azure": "eastus"},
         {"aws": "eu-west-1", "gcp": "europe-west1", "azure": "northeurope"},
         {"aws": "ap-southeast-1", "gcp": "asia-southeast1", "azure": "southeastasia"},
         {"aws": "sa-east-1", "gcp": "southamerica-east1", "azure": "brazilsouth"})


@st.cache_data(max_entries=32, show_spinner="Sweeping load…")
def sweep(workload_json: str, low: float, high: float, points: int):  # noqa: ANN201
    from planner.workload.model import Workload

    return cost_vs_load(Workload.model_validate_json(workload_json), np.geomspace(low, high, points),
                        price_book(workload_cloud(workload_json)))


@st.cache_resource(max_entries=16, show_spinner="Planning on each cloud…")
def by_cloud(workload_json: str, clouds: tuple[str, ...], overrides: tuple[tuple[str, str], ...]):  # noqa: ANN201
    from planner.running.multicloud import plans_across_clouds
    from planner.workload.model import Workload

    plans = plans_across_clouds(Workload.model_validate_json(workload_json), list(clouds), dict(overrides), price_book)
    for cloud in clouds:
        remember(price_book(cloud))  # each cloud's derived candidate tables, for the next server start
    return plans


@st.cache_data(max_entries=32, show_spinner="Pricing each region…")
def by_region(workload_json: str, regions: tuple[str, ...]):  # noqa: ANN201
    from planner.workload.model import Workload

    return compare_regions(Workload.model_validate_json(workload_json), list(regions),
                           price_book(workload_cloud(workload_json)))


page_menu()
st.title("Compare options")
workload = sidebar_workload()

st.subheader("Cost vs load")
c1, c2, c3 = st.columns(3)
low = c1.number_input("From peak req/s", min_value=0.1, value=10.0, key="sweep_low", format="%.10g")
high = c2.number_input("To peak req/s", min_value=1.0, value=20_000.0, key="sweep_high", format="%.10g")
points = c3.slider("Points", 5, 60, 25, key="sweep_points")
if high <= low:
    st.error(f"'To' ({high:g}) must be above 'From' ({low:g}).")
    st.stop()
try:
    table = sweep(workload.model_dump_json(), low, high, points)
except PlannerError as exc:
    st.error(markdown_literal(exc))
    st.stop()
if not table.feasible.astype(bool).any():
    # no option meets every target at any load: the charts draw feasible options only, so they would be empty;
    # the nearest option and what it misses say more
    plan = plan_or_error(workload)
    if plan is not None:
        nothing_meets(plan, "the Plan page's table gives every option's reasons")
    st.stop()
cross = pair_crossover(table, "vertical", "horizontal")
st.plotly_chart(cost_vs_load_figure(table, cross), width="stretch")
changes = crossovers(table)
recommended = table[table.recommended].sort_values("peak_rps").option
if len(changes):
    where = "changes where the table below says"
elif len(recommended):
    where = f"stays **{recommended.iloc[0]}** over this whole range"
else:
    where = "is none anywhere in this range (no option meets every target)"
if cross is not None:
    st.info(f"Vertical → horizontal crossover at about **{cross:,.0f} req/s**: from there a fleet "
            f"({catalog_for(workload.cloud).product('fleet')}) is cheaper than (or the only option instead of) one "
            f"big instance. This compares those two options only; the recommendation, the cheapest of all "
            f"five, {where}.")
else:
    st.caption("In this range a single instance is never the cheaper of vertical and horizontal.")
if len(changes):
    st.dataframe(changes.rename(columns={"peak_rps": "from peak req/s", "from_option": "recommended before",
                                         "to_option": "recommended after"}), hide_index=True,
                 column_config={"from peak req/s": st.column_config.NumberColumn(format="%.0f")})

st.subheader("Options side by side")
wide = table.pivot_table(index="peak_rps", columns="option", values="monthly_usd", dropna=False)
wide.index = pd.Index(wide.index.map(lambda x: f"{x:,.0f} req/s"), name="peak load")
wide.columns.name = None
st.dataframe(wide.map(usd), width="stretch")

st.subheader("Regions")
cloud = workload.cloud
regions = list(price_book(cloud).regions(cloud).region)
# the workload's own region first, then a few across the world, each region once
default = list(dict.fromkeys(r for r in (workload.region, *(m.get(cloud) for m in WORLD)) if r in regions))
chosen = st.multiselect("Regions", regions, default=default, key=f"compare_regions_{cloud}")
if chosen:
    per_region = by_region(workload.model_dump_json(), tuple(dict.fromkeys(chosen)))
    st.plotly_chart(regions_figure(per_region), width="stretch")
    best = per_region[per_region.recommended].sort_values("monthly_usd")
    st.dataframe(batch_table(best[["region", "option", "monthly_usd", "availability_pct", "dr_tier"]]).rename(
        columns=column_label), hide_index=True)

st.subheader("Clouds")
st.caption("The same workload on each cloud, in the region nearest to the workload's (planner's equivalent-region "
           "table; pick another below). Each cloud's recommended option is its cheapest that meets every target.")
names = list(catalogs())
picked = st.multiselect("Clouds", names, default=names, format_func=lambda c: catalog_for(c).label,
                        key="compare_clouds")
overrides = {}
if picked:
    columns = st.columns(len(picked))
    for col, c in zip(columns, picked):
        try:
            near = equivalent_region(workload.cloud, workload.region, c)
        except PlannerError:
            near = catalog_for(c).default_region
        options = list(price_book(c).regions(c).region)
        overrides[c] = col.selectbox(f"{catalog_for(c).label} region", options, index=options.index(near),
                                     key=f"cloud_region_{c}_{workload.cloud}_{workload.region}")
    try:
        plans = by_cloud(workload.model_dump_json(), tuple(picked), tuple(sorted(overrides.items())))
    except PlannerError as exc:
        st.error(markdown_literal(exc))
        st.stop()
    table = clouds_table(plans)
    st.plotly_chart(clouds_figure(table), width="stretch")
    st.dataframe(clouds_display(table), hide_index=True, width="stretch")
    estimated = table[table.estimated_lines > 0]
    if len(estimated):
        st.caption("Estimated prices: " + "; ".join(
            f"{catalog_for(r.cloud).label} {r.region}: {r.estimated_lines} line(s) of the recommended bill scaled "
            "from a neighbouring region" for r in estimated.itertuples()) + ". The Plan page shows them.")
