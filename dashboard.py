"""Entry point: ``streamlit run dashboard.py``.

Sets the page up, draws the sidebar (language, as-of quarter, agency, briefing mode; all
kept in the URL), then runs the chosen page from ``pages/``.
"""

from __future__ import annotations

import streamlit as st

from pages import common as c
from pages import frame

PAGES = (  # file, url_path, catalogue key, icon
    ("pages/overview.py", "overview", "nav.overview", ":material/dashboard:"),
    ("pages/indicator.py", "indicator", "nav.indicator", ":material/show_chart:"),
    ("pages/measures.py", "measures", "nav.measures", ":material/checklist:"),
    ("pages/agencies.py", "agencies", "nav.agencies", ":material/account_balance:"),
    ("pages/upload.py", "upload", "nav.upload", ":material/upload_file:"),
    ("pages/data.py", "data", "nav.data", ":material/history:"),
    ("pages/methodology.py", "methodology", "nav.methodology", ":material/menu_book:"),
)

c.ensure_entry_point()
briefing = c.is_briefing()
st.set_page_config(
    page_title=c.tr("app.title"),
    page_icon=":material/monitoring:",
    layout="wide",
    initial_sidebar_state="collapsed" if briefing else "auto",
)
frame.inject_css(briefing)

pages = [
    st.Page(path, title=c.tr(key), icon=icon, url_path=url, default=(url == "overview"))
    for path, url, key, icon in PAGES
]
nav = st.navigation(pages, position="hidden" if briefing else "sidebar")

frame.sidebar()
frame.demo_badge()
if briefing:
    frame.briefing_exit()
nav.run()
