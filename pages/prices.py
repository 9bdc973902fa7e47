"""Prices: browse the price book plans use (bundled, or the refreshed cache), with each table's source and age."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from pages._ui import page_menu, price_book, price_book_choice
from planner.base.errors import PlannerError
from planner.clouds import catalog_for, catalogs
from planner.pricing import PURCHASE_OPTIONS
from planner.pricing.book_status import freshness
from planner.pricing.queries import select_instances, table_ages
from planner.report.escaping import markdown_literal, spreadsheet_safe
from planner.report.figures import freshness_figure
from planner.report.tables import blanks_as_dashes
from planner.workload.vocabulary import PRICE_COLUMN_LABELS, PRICE_OPTION_LABELS, TABLE_KIND_LABELS

STALE_AFTER_DAYS = 365


page_menu()
st.title("Price book")
price_book_choice()
clouds = list(catalogs())
cloud = st.selectbox("Cloud", clouds, format_func=lambda c: catalog_for(c).label, key="prices_cloud")
book = price_book(cloud)
which = "Bundled public list prices" if book.label == "pricing_data" else f"Public list prices ({book.label})"
st.caption(f"{which}, {book.oldest_prices_as_of} to {book.prices_as_of}. Every price names its source; see the "
           "provenance table below. `planner prices update` refreshes them into your price cache; `planner prices "
           "status` shows which book plans use.")

ages = table_ages(book, dt.date.today())
stale = ages[ages.oldest_age_days.fillna(0) > STALE_AFTER_DAYS]
if not stale.empty:
    st.warning(f"{len(stale):,} of {len(ages):,} tables hold prices older than a year "
               f"(oldest {int(stale.oldest_age_days.max()):,} days). Check current list prices before committing.")

regions = book.regions(cloud)
cat = catalog_for(cloud)
services = book.instance_services(cloud)
left, mid, right = st.columns(3)
service = left.selectbox("Service", services, index=services.index(cat.compute_service), key=f"service_{cloud}")
region = mid.selectbox("Region", list(regions.region), index=list(regions.region).index(cat.default_region),
                       format_func=lambda r: f"{r} — {regions.set_index('region').name[r]}", key=f"region_{cloud}")
option = right.selectbox("Purchase option", list(PURCHASE_OPTIONS), key="option",
                         format_func=lambda o: PRICE_OPTION_LABELS.get(o, o), help="\n".join(
                             f"- **{PRICE_OPTION_LABELS.get(k, k)}**: {v}" for k, v in PURCHASE_OPTIONS.items()))
engine = deployment = None
if service == "rds":
    engine = left.selectbox("Engine", ["postgresql", "mysql", "mariadb", "aurora-postgresql", "aurora-mysql"])
    deployment = mid.selectbox("Deployment", ["aurora-standard", "aurora-io-optimized"] if engine.startswith("aurora")
                               else ["single-az", "multi-az", "multi-az-cluster"])
elif service == "elasticache":
    engine = left.selectbox("Engine", ["redis", "valkey", "memcached"])
elif service != cat.compute_service:  # another cloud's database or cache: the engines and deployments it prices
    mine = book.instance_rows(cloud, service)
    engine = left.selectbox("Engine", sorted(set(mine.engine)))
    deployment = mid.selectbox("Deployment", sorted(set(mine.deployment[mine.engine == engine])))

a, b, c = st.columns(3)
min_vcpu = a.number_input("Minimum vCPU", min_value=0.0, value=0.0, step=1.0, key="min_vcpu", format="%.10g")
min_memory_gib = b.number_input("Minimum memory [GiB]", min_value=0.0, value=0.0, step=1.0, format="%.10g")
arch = c.selectbox("Architecture", ["any", "x86_64", "arm64"])

try:
    catalog = book.catalog(cloud, region, service, option, engine=engine, deployment=deployment)
    families = st.multiselect("Families", sorted(set(catalog.family)))
    rows = select_instances(catalog, families=families, min_vcpu=min_vcpu, min_memory_gib=min_memory_gib,
                            arch=None if arch == "any" else arch)
except PlannerError as exc:
    st.error(markdown_literal(exc))
    st.stop()

if catalog.empty:
    available = book.available_options(cloud, region, service, engine=engine, deployment=deployment)
    variant = f" ({engine}, {deployment})" if deployment else f" ({engine})" if engine else ""
    st.warning(f"The price book has no {PRICE_OPTION_LABELS.get(option, option)} prices for {service}{variant} in "
               f"{region}; "
               f"options priced there: {', '.join(available) or 'none'}.")
st.subheader(f"{len(rows):,} {service} SKUs, cheapest first")
st.dataframe(rows.assign(option=rows.option.map(lambda o: PRICE_OPTION_LABELS.get(o, o))) if "option" in rows
             else rows, hide_index=True, width="stretch",
             column_config={**PRICE_COLUMN_LABELS,
                            "hourly_usd": st.column_config.NumberColumn("hourly USD", format="$%.4f"),
                            "monthly_usd": st.column_config.NumberColumn("monthly USD", format="$%,.2f")})
st.download_button("Download CSV", spreadsheet_safe(rows).to_csv(index=False),
                   file_name=f"{service}-{region}-{option}.csv", mime="text/csv", on_click="ignore")

st.subheader("How fresh, by role")
fresh = freshness(book, cloud)
st.caption("The prices plans use for each part of the architecture: the age of the oldest, and the share "
           "refreshed by `planner prices update` (0 % where the bundled tables still price it).")
st.plotly_chart(freshness_figure(fresh), width="stretch")
st.dataframe(fresh.drop(columns="cloud"), hide_index=True, width="stretch",
             column_config={"refreshed_pct": st.column_config.ProgressColumn("refreshed", format="%.0f%%",
                                                                             min_value=0, max_value=100),
                            "prices": st.column_config.NumberColumn("prices", format="localized"),
                            "oldest_age_days": st.column_config.NumberColumn("age of the oldest (days)",
                                                                             format="localized")})

st.subheader("Provenance")
st.dataframe(blanks_as_dashes(ages.assign(kind=ages.kind.map(lambda k: TABLE_KIND_LABELS.get(k, k)))),
             hide_index=True, width="stretch",
             column_config={"rows": st.column_config.NumberColumn("rows", format="localized"),
                            "prices_as_of": "newest price", "oldest_prices_as_of": "oldest price",
                            "oldest_age_days": st.column_config.NumberColumn("age of the oldest (days)",
                                                                             format="localized")})
st.dataframe(blanks_as_dashes(book.sources.drop(columns="cloud")), hide_index=True, width="stretch",
             column_config={"source_id": "source", "data_date_min": "data from", "data_date_max": "data to"})
