"""planner dashboard: ``streamlit run app.py``.

Thin: pages parse inputs, call ``planner`` and render. The price book is
loaded once per server process and plans are cached by workload.
"""

from __future__ import annotations

import streamlit as st

st.set_page_config(page_title="planner", page_icon=":bar_chart:", layout="wide")

pages = [
    st.Page("pages/plan.py", title="Plan", icon=":material/calculate:", default=True),
    st.Page("pages/compare.py", title="Compare", icon=":material/compare_arrows:"),
    st.Page("pages/batch.py", title="Batch what-if", icon=":material/table_view:"),
    st.Page("pages/growth.py", title="Growth", icon=":material/trending_up:"),
    st.Page("pages/prices.py", title="Prices", icon=":material/price_check:"),
]
st.navigation(pages).run()
