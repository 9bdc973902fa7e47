"""Shared Streamlit plumbing for the pages: cached price book and plans, the workload form."""

from __future__ import annotations

import json

from typing import TYPE_CHECKING

import streamlit as st

from planner.base.errors import PlannerError
from planner.base.uploads import display_name
from planner.clouds import catalog_for, catalogs
from planner.plan.model import Plan, make_plan
from planner.pricing import PriceBook, default_book
from planner.pricing.book import remember
from planner.report.escaping import markdown_literal
from planner.report.formatting import usd
from planner.workload.model import ENUM_FIELDS, Workload, WorkloadError, workload_from_dict
from planner.workload.share import field_bounds, workload_from_query, workload_to_query
from planner.workload.vocabulary import FIELD_LABELS, choice_label, field_label

if TYPE_CHECKING:
    from streamlit.delta_generator import DeltaGenerator

DEFAULT = Workload(peak_rps=500)  # named as a workload file or link without a name is ("workload")


# (script, title, icon) of every page, in menu order; app.py builds the navigation from it
PAGES = (
    ("pages/plan.py", "Plan", ":material/calculate:"),
    ("pages/compare.py", "Compare", ":material/compare_arrows:"),
    ("pages/uncertainty.py", "Uncertainty", ":material/stacked_line_chart:"),
    ("pages/batch.py", "Batch what-if", ":material/table_view:"),
    ("pages/growth.py", "Growth", ":material/trending_up:"),
    ("pages/prices.py", "Prices", ":material/price_check:"),
    ("pages/saved.py", "Saved", ":material/bookmark:"),
    ("pages/fit.py", "Fit", ":material/query_stats:"),
)


def headline(container: DeltaGenerator, label: str, value: str, note: str, **kwargs: object) -> None:
    """A headline number with a grey note under it. Streamlit's metric shows the note as its delta; the note
    is not a change, so it gets neither colour nor arrow."""
    container.metric(label, value, delta=note, delta_color="off", delta_arrow="off", **kwargs)


def page_menu() -> None:
    """The page list at the top of the sidebar, drawn by each page itself.

    Streamlit's own menu is off (.streamlit/config.toml): opened through a deep link such as /compare it
    first lists every file of pages/, and the entrypoint's elements are dropped when a page reruns itself,
    its wide layout too: each page sets it again.
    """
    st.set_page_config(page_title="planner", page_icon=":bar_chart:", layout="wide")
    with st.sidebar:
        st.session_state[MENU] = st.empty()
        st.divider()
    _draw_menu()


MENU = "_page_menu"  # the sidebar placeholder of this run's page links
WORKLOAD = "_workload"  # the last valid workload of the visit (JSON), shared by every page


def _draw_menu() -> None:
    """The page links, each carrying the visit's workload in its query string: a page opened from the menu (or
    in a new tab) shows the workload the user last entered, on any page."""
    query = workload_to_query(Workload.model_validate_json(st.session_state[WORKLOAD])) \
        if WORKLOAD in st.session_state else {}
    with st.session_state[MENU].container():
        for script, title, icon in PAGES:
            st.page_link(script, label=title, icon=icon, query_params=query)


def remember_workload(w: Workload) -> None:
    """Keep ``w`` as the visit's workload: in the session (for every page), the URL and the menu's links."""
    st.session_state[WORKLOAD] = w.model_dump_json()
    st.query_params.from_dict(workload_to_query(w))
    if MENU in st.session_state:
        _draw_menu()


@st.cache_resource(show_spinner="Loading the price book…")
def price_book(cloud: str = "aws") -> PriceBook:
    return default_book(cloud)


def price_book_choice() -> None:
    """Where a refreshed price cache exists: a choice between it and the bundled book, for this dashboard server
    (plans and the price pages reload with the book chosen)."""
    import os

    from planner.pricing.user_cache import ENV_CHOICE, choice, current_folder

    if current_folder() is None:
        return
    labels = {"auto": "refreshed cache (when valid)", "bundled": "bundled"}
    now = choice() if choice() in labels else "auto"
    picked = st.radio("Price book", list(labels), index=list(labels).index(now), format_func=labels.get,
                      horizontal=True, key="price_book_choice",
                      help="planner prices update refreshes the cache; the choice holds for this dashboard server "
                           "(planner --price-book does it on the command line).")
    if picked != now:
        os.environ[ENV_CHOICE] = picked
        default_book.cache_clear()
        price_book.clear()
        cached_plan.clear()
        st.rerun()


def workload_cloud(workload_json: str) -> str:
    """The cloud of a workload given as JSON (the cache key the pages pass around)."""
    return str(json.loads(workload_json).get("cloud") or "aws")


@st.cache_resource(max_entries=128, show_spinner="Sizing and pricing…")
def cached_plan(workload_json: str, overlay_name: str = "", overlay_csv: bytes = b"") -> Plan:
    """The plan of a workload, at list prices or at the negotiated prices of an uploaded overlay."""
    w = Workload.model_validate_json(workload_json)
    if overlay_csv:
        from planner.pricing.overlay import load_overlay, overlaid_book

        return make_plan(w, overlaid_book(w.cloud, load_overlay(overlay_name, overlay_csv)))
    plan = make_plan(w, price_book(w.cloud))
    remember(price_book(w.cloud))  # the derived candidate tables, for the next server start
    return plan


def negotiated_prices() -> tuple[str, bytes]:
    """An uploaded overlay of negotiated prices (name and bytes; empty without one), checked: its problems are
    shown and it is left out until fixed."""
    upload = st.file_uploader("Negotiated prices (CSV)", type=["csv"], key="overlay",
                              help="Discounts and contract rates laid over the list prices: columns cloud, service, "
                                   "family, sku, discount_pct, hourly_usd (any may be left out; * matches all), "
                                   "e.g. a row `aws,*,10` under the header `cloud,service,discount_pct`.")
    if upload is None:
        return "", b""
    name = display_name(upload.name, "overlay.csv")
    problem = _overlay_problem(name, upload.getvalue())
    if problem:
        st.error(markdown_literal(problem))
        return "", b""
    st.caption(f"Prices: list prices with the discounts of {markdown_literal(name)}.")
    return name, upload.getvalue()


@st.cache_data(max_entries=16, show_spinner="Checking the negotiated prices…")
def _overlay_problem(name: str, data: bytes) -> str:
    """Why an uploaded overlay cannot be used ('' when it can): checked once per upload, not on every rerun,
    within the same size limit as ``--prices``."""
    from planner.pricing.overlay import MAX_OVERLAY_BYTES, load_overlay

    if len(data) > MAX_OVERLAY_BYTES:
        return f"{name}: {len(data):,} bytes; a price overlay is at most {MAX_OVERLAY_BYTES:,} bytes"
    try:
        load_overlay(name, data)
    except PlannerError as exc:
        return str(exc)
    return ""


def problems_shown(exc: WorkloadError) -> list[str]:
    """A workload's problems as Markdown, each field named by the label the form shows."""
    return [f"**{markdown_literal(field_label(field))}**: {markdown_literal(msg)}" if field else markdown_literal(msg)
            for field, msg in exc.problems]


def initial_workload() -> Workload:
    """The workload in the URL; else the visit's last valid one (:func:`remember_workload`), else the default
    (with a warning when the URL's is invalid)."""
    if not any(k in st.query_params for k in Workload.model_fields):
        return Workload.model_validate_json(st.session_state[WORKLOAD]) if WORKLOAD in st.session_state else DEFAULT
    try:
        w = workload_from_query(st.query_params.to_dict())
        price_book(w.cloud).check_region(w.cloud, w.region)  # region=../../etc was shown as the default
        return w
    except PlannerError as exc:  # a bad field (named by its label), or a region the cloud's book does not price
        why = "\n\n".join(problems_shown(exc)) if isinstance(exc, WorkloadError) else markdown_literal(exc)
        st.warning("The link's scenario is invalid, showing defaults instead:\n\n" + why)
        return DEFAULT


def _number(field: str, value: float | None, *, step: float | None = None, fmt: str | None = None,
            container=st) -> float:  # noqa: ANN001 - a streamlit container
    low, high = field_bounds(field)
    desc = Workload.model_fields[field].description
    default = Workload.model_fields[field].default
    v = value if value is not None else (default if default is not None else low or 0.0)
    # %.10g: the value as typed (99.99999 is not shown as 100.000, 500 not as 500.00), stepping noise rounded away
    return container.number_input(FIELD_LABELS[field], min_value=low, max_value=high, value=float(v), step=step,
                                  format=fmt or "%.10g", help=desc, key=field)




def _choice(field: str, value: str, label: str) -> str:
    """A select box of an enumerated workload field's values, shown in words."""
    options = list(ENUM_FIELDS[field])
    return st.selectbox(label, options, index=options.index(value), key=field,
                        format_func=lambda v: choice_label(field, v),
                        help=Workload.model_fields[field].description)


def workload_form(w: Workload) -> dict[str, object]:
    """The grouped input form; returns the raw values (validated by the caller)."""
    data: dict[str, object] = {}
    data["name"] = st.text_input("Name", value=w.name, key="name", help=Workload.model_fields["name"].description)
    clouds = list(catalogs())
    cloud = st.selectbox("Cloud", clouds, index=clouds.index(w.cloud) if w.cloud in clouds else 0,
                         format_func=lambda c: catalog_for(c).label, key="cloud",
                         help=Workload.model_fields["cloud"].description)
    data["cloud"] = cloud
    table = price_book(cloud).regions(cloud)
    regions, names = list(table.region), table.set_index("region").name
    start = w.region if w.cloud == cloud and w.region in regions else catalog_for(cloud).default_region
    # one region widget per cloud: a region of one cloud is never offered to another
    data["region"] = st.selectbox("Region", regions, index=regions.index(start),
                                  format_func=lambda r: f"{r} — {names[r]}", key=f"region_{cloud}")
    with st.expander("Traffic", expanded=True):
        by_users = st.radio("Traffic given as", ["peak requests/s", "daily active users"], horizontal=True,
                            index=1 if w.peak_rps is None else 0, key="traffic_mode") == "daily active users"
        if by_users:
            data["daily_active_users"] = _number("daily_active_users", w.daily_active_users or 10_000, step=1000.0)
            data["requests_per_user_per_day"] = _number("requests_per_user_per_day", w.requests_per_user_per_day or 100,
                                                        step=10.0)
        else:
            data["peak_rps"] = _number("peak_rps", w.peak_rps or 500, step=50.0)
        data["peak_to_average"] = _number("peak_to_average", w.peak_to_average, step=0.5)
        data["read_fraction"] = _number("read_fraction", w.read_fraction, step=0.05)
        data["cpu_ms_per_request"] = _number("cpu_ms_per_request", w.cpu_ms_per_request,
                                             step=5.0)
        data["response_kb"] = _number("response_kb", w.response_kb, step=5.0)
        data["latency_target_ms"] = _number("latency_target_ms", w.latency_target_ms,
                                            step=10.0)
    with st.expander("Data", expanded=True):
        data["data_size_gb"] = _number("data_size_gb", w.data_size_gb, step=10.0)
        data["data_model"] = _choice("data_model", w.data_model, "Data model")
        data["hot_data_fraction"] = _number("hot_data_fraction", w.hot_data_fraction, step=0.05)
        data["object_storage_gb"] = _number("object_storage_gb", w.object_storage_gb,
                                            step=100.0)
        data["object_storage_access"] = _choice("object_storage_access", w.object_storage_access,
                                                "Objects once they cool")
        if data["object_storage_access"] != "hot":
            data["object_cool_after_days"] = _number("object_cool_after_days", w.object_cool_after_days, step=15.0)
        if st.checkbox("Delete objects after a while", value=w.object_retention_days is not None,
                       key="object_retention_on", help=Workload.model_fields["object_retention_days"].description):
            data["object_retention_days"] = _number("object_retention_days", w.object_retention_days or 365.0,
                                                    step=30.0)
        data["monthly_growth"] = _number("monthly_growth", w.monthly_growth, step=0.01)
        data["horizon_months"] = int(_number("horizon_months", w.horizon_months, step=1.0,
                                             fmt="%.0f"))
    with st.expander("Edge", expanded=False):
        data["cacheable_fraction"] = _number("cacheable_fraction", w.cacheable_fraction, step=0.05)
        data["cdn_hit_ratio"] = _number("cdn_hit_ratio", w.cdn_hit_ratio, step=0.05)
        data["cdn"] = _choice("cdn", w.cdn, "CDN in front")
        data["public"] = st.checkbox("Public (web application firewall)", value=w.public, key="public",
                                     help=Workload.model_fields["public"].description)
    with st.expander("Background jobs", expanded=False):
        data["async_jobs_per_second"] = _number("async_jobs_per_second", w.async_jobs_per_second, step=10.0)
        if data["async_jobs_per_second"]:
            data["job_cpu_ms"] = _number("job_cpu_ms", w.job_cpu_ms, step=50.0)
            data["job_message_kb"] = _number("job_message_kb", w.job_message_kb, step=1.0)
            data["max_queue_delay_seconds"] = _number("max_queue_delay_seconds", w.max_queue_delay_seconds,
                                                      step=30.0)
            data["queue_kind"] = _choice("queue_kind", w.queue_kind, "Queue")
    with st.expander("Reliability", expanded=True):
        data["availability_target"] = _number("availability_target", w.availability_target, step=0.05)
        data["rto_minutes"] = _number("rto_minutes", w.rto_minutes, step=15.0)
        data["rpo_minutes"] = _number("rpo_minutes", w.rpo_minutes, step=5.0)
    with st.expander("Money", expanded=True):
        data["purchase_option"] = _choice("purchase_option", w.purchase_option, "Purchase option")
        data["target_cpu_utilization"] = _number("target_cpu_utilization", w.target_cpu_utilization, step=0.05)
    return data


def validated(data: dict[str, object]) -> Workload | None:
    """The workload, or None after showing every problem (never a traceback)."""
    try:
        w = workload_from_dict(data, "form")
    except WorkloadError as exc:
        for problem in problems_shown(exc):
            st.error(problem)
        return None
    remember_workload(w)
    return w


def sidebar_workload() -> Workload:
    """The workload form in the sidebar; stops the page (after showing why) while the input is invalid."""
    with st.sidebar:
        st.markdown("**Workload**")
        workload = validated(workload_form(initial_workload()))
    if workload is None:
        st.stop()
    return workload


PHONE_WIDTH_PX = 640  # Streamlit stacks columns below this width


def results_first_on_phones(form_key: str) -> None:
    """On a narrow screen, where the columns stack, the column holding the keyed container ``form_key`` comes
    after the results instead of before them (the recommendation was 2,670 px down, below the whole form)."""
    st.html(f"<style>@media (max-width: {PHONE_WIDTH_PX}px) {{ [data-testid='stColumn']:has(.st-key-{form_key}) "
            "{ order: 2; } }</style>")


def wide_or_narrow(wide_key: str, narrow_key: str) -> None:
    """Show the keyed container ``wide_key`` on wide screens and ``narrow_key`` on phones (one content laid out
    twice: a table of eight columns scrolls sideways at 390 px)."""
    st.html(f"<style>.st-key-{narrow_key} {{ display: none; }} @media (max-width: {PHONE_WIDTH_PX}px) "
            f"{{ .st-key-{wide_key} {{ display: none; }} .st-key-{narrow_key} {{ display: block; }} }}</style>")


def nothing_meets(plan: Plan, reasons_at: str = "the table below gives every option's reasons") -> None:
    """The panel of a plan no option meets: the nearest option, what it misses, and how to get a plan
    (``reasons_at``: where the page shows every option's reasons)."""
    nearest = plan.nearest
    st.error("**No option meets every target.**")
    if nearest is None:
        st.markdown(f"No option could be sized at all; {reasons_at}.")
        return
    misses = "\n".join(f"- {markdown_literal(r)}" for r in nearest.reasons)
    st.markdown(f"The nearest is **{markdown_literal(nearest.name)}** at **{usd(nearest.monthly_usd)}/month**, "
                f"which misses only:\n\n{misses}\n\n"
                + ("Loosen that target (or change the input it names)" if len(nearest.reasons) == 1 else
                   "Loosen those targets (or change the inputs they name)")
                + f" to get a recommendation; {reasons_at}.")


def plan_or_error(w: Workload, overlay: tuple[str, bytes] = ("", b"")) -> Plan | None:
    try:
        return cached_plan(w.model_dump_json(), *overlay)
    except PlannerError as exc:
        st.error(markdown_literal(exc))
        return None
