"""Entry point: ``streamlit run dashboard.py``.

Sets the page up, checks who is signed in (:mod:`pages.frame.gate`), draws the sidebar (language,
as-of quarter, agency, briefing mode; all kept in the URL; then the account), and runs the
chosen page from ``pages/``: only the pages the user's role may open are in the menu.
"""

from __future__ import annotations

import streamlit as st

from pages.frame import common as c
from pages.frame import gate as access
from pages.frame import layout as frame
from pages.frame import memo

memo.new_run()  # what the previous run worked out (data version, language…) is not this run's
c.ensure_entry_point()
briefing = c.is_briefing()
st.set_page_config(
    page_title=c.tr("app.title"),
    page_icon=":material/monitoring:",
    layout="wide",
    initial_sidebar_state="collapsed" if briefing else "auto",
)
frame.inject_css(briefing)

session = access.current_session()
pages, gates = access.navigation_pages(session)
nav = st.navigation(pages, position="hidden" if briefing else "sidebar")

frame.sidebar(full=access.can_view(session))
access.account_block(session)
frame.demo_badge()
if briefing:
    frame.briefing_exit()
if not any(nav is gate for gate in gates):  # a gate passes the message on to the log-in page
    access.show_flash()
nav.run()
