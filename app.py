"""planner dashboard: ``streamlit run app.py``.

Thin: pages parse inputs, call ``planner`` and render. The price book is
loaded once per server process.
"""

from __future__ import annotations

import streamlit as st

st.set_page_config(page_title="planner", page_icon=":bar_chart:", layout="wide")

pages = [
    st.Page("pages/prices.py", title="Prices", icon=":material/price_check:", default=True),
]
st.navigation(pages).run()
