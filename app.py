"""planner dashboard: ``streamlit run app.py``.

Thin: pages parse inputs, call ``planner`` and render. The price book is
loaded once per server process and plans are cached by workload. Each page
draws the page menu itself (see ``pages/_ui.page_menu``).
"""

from __future__ import annotations

import streamlit as st

from pages._ui import PAGES

st.set_page_config(page_title="planner", page_icon=":bar_chart:", layout="wide")
pages = [st.Page(script, title=title, icon=icon, default=i == 0) for i, (script, title, icon) in enumerate(PAGES)]
st.navigation(pages, position="hidden").run()
