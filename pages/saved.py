"""Saved: keep the sidebar's scenario with its plan on the database, open a saved one, compare two."""

from __future__ import annotations

import streamlit as st

from pages._ui import page_menu, plan_or_error, price_book, sidebar_workload
from planner.base.errors import PlannerError
from planner.report.escaping import markdown_literal


@st.cache_resource(show_spinner=False)
def store(url: str):  # noqa: ANN201 - an open planner.store.db.Store, one per database and server process
    from planner.store import open_store

    return open_store(url)


page_menu()
st.title("Saved scenarios")
workload = sidebar_workload()
from planner.store import database_url  # noqa: E402

try:
    db = store(database_url())
except PlannerError as exc:
    st.error(markdown_literal(exc))
    st.stop()
st.caption(f"Database: `{db.label}` (another with the PLANNER_DB_URL environment variable).")

from planner.store import delete, get, list_saved, save  # noqa: E402 - after the page's guard
from planner.store.table import saved_frame  # noqa: E402

with st.form("save"):
    st.markdown("**Save the sidebar's scenario** with its plan and the price book it was priced with")
    c1, c2 = st.columns(2)
    name = c1.text_input("Save as", value=workload.name, max_chars=120, key="save_name")
    tags = c2.text_input("Tags", placeholder="q4, review", help="Comma-separated.")
    if st.form_submit_button("Save"):
        plan = plan_or_error(workload) if name.strip() else None
        if not name.strip():
            st.error("Give the scenario a name to save it under.")
        elif plan is not None:
            try:
                saved = save(db, workload, plan, price_book(workload.cloud), name=name,
                             tags=[t for t in tags.split(",")])
            except PlannerError as exc:
                st.error(markdown_literal(exc))
            else:
                st.success(f"Saved #{saved.id} {markdown_literal(saved.name)}.")
                st.session_state["select_saved"] = saved.id  # the new save becomes the selection

if st.session_state.get("deleted"):  # said before the list, which may now be empty
    st.success(st.session_state.pop("deleted"))
rows = list_saved(db)
if not rows:
    st.info("Nothing saved yet.")
    st.stop()
st.dataframe(saved_frame(rows), hide_index=True, width="stretch")
labels = {s.id: f"#{s.id} {s.name} — {s.created_at:%Y-%m-%d %H:%M} UTC" for s in rows}
# the choosers' keys follow the list: after a delete the browser showed the deleted one while the server had
# moved on to another (a keyed select box keeps its shown label when its options change)
listed = "-".join(str(i) for i in labels)
open_key, before_key, after_key = (f"{what}_{listed}" for what in ("open_id", "before_id", "after_id"))
if (wanted := st.session_state.pop("select_saved", None)) in labels:
    st.session_state[open_key] = st.session_state[after_key] = wanted

st.subheader("Open")
c1, c2 = st.columns([3, 1])
chosen = c1.selectbox("Saved scenario", list(labels), format_func=labels.get, key=open_key)
picked = get(db, chosen)
from planner.workload.model import workload_from_dict  # noqa: E402
from planner.workload.share import workload_to_query  # noqa: E402

try:
    query = workload_to_query(workload_from_dict(picked.workload, f"saved #{picked.id}"))
except PlannerError as exc:
    st.warning(f"Saved #{picked.id} no longer validates: {markdown_literal(exc)}")
else:
    c2.page_link("pages/plan.py", label="Open in Plan", icon=":material/open_in_new:", query_params=query)
if c2.button("Delete", key="delete", help="Delete this saved scenario (this revision only); asks first."):
    st.session_state["confirm_delete"] = picked.id
if st.session_state.get("confirm_delete") == picked.id:
    st.warning(f"Delete {markdown_literal(labels[picked.id])}? This cannot be undone.")
    y, n = st.columns(2)
    if y.button("Yes, delete it", key="delete_yes", type="primary"):
        delete(db, f"id:{picked.id}")  # by id: a scenario may be named like another's id
        st.session_state.pop("confirm_delete")
        st.session_state["deleted"] = f"Deleted {markdown_literal(labels[picked.id])}."
        st.rerun()
    if n.button("Cancel", key="delete_no"):
        st.session_state.pop("confirm_delete")
        st.rerun()

st.subheader("Compare two")
if len(rows) < 2:
    st.caption("Save a second scenario to compare.")
    st.stop()
c1, c2 = st.columns(2)
ids = list(labels)
before = c1.selectbox("Before", ids, index=1, format_func=labels.get, key=before_key)
after = c2.selectbox("After", ids, format_func=labels.get, key=after_key)
from planner.report.diff import headline as diff_headline  # noqa: E402
from planner.report.diff import moved_lines, options_frame  # noqa: E402
from planner.running.diff import diff_plans  # noqa: E402

d = diff_plans(get(db, before).plan, get(db, after).plan)
st.markdown(f"**{markdown_literal(diff_headline(d))}**")
st.dataframe(options_frame(d), hide_index=True, width="stretch")
rec = d.new_recommended[0] or d.old_recommended[0]
moved = moved_lines(d, rec) if rec else None
if moved is not None and len(moved):
    st.markdown(f"**Lines that moved** ({rec})")
    st.dataframe(moved, hide_index=True, width="stretch")
