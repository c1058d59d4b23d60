"""Entry point: ``streamlit run dashboard.py``.

Sets the page up, checks who is signed in (:mod:`pages.frame.gate`), draws the sidebar (language,
as-of quarter, agency, briefing mode; all kept in the URL; then the account), and runs the
chosen page from ``pages/``: only the pages the user's role may open are in the menu.
"""

from __future__ import annotations

import streamlit as st

from pages.frame import gate, layout, memo, page

memo.new_run()  # what the previous run worked out (data version, language…) is not this run's
page.ensure_entry_point()
briefing = page.is_briefing()
st.set_page_config(
    page_title=page.tr("app.title"),
    page_icon=":material/monitoring:",
    layout="wide",
    initial_sidebar_state="collapsed" if briefing else "auto",
)
layout.inject_css(briefing)

session = gate.current_session()
pages, gates = gate.navigation_pages(session)
nav = st.navigation(pages, position="hidden" if briefing else "sidebar")

layout.sidebar(full=gate.can_view(session))
gate.account_block(session)
layout.demo_badge()
if briefing:
    layout.briefing_exit()
if not any(nav is locked for locked in gates):  # a gate passes the message on to the log-in page
    gate.show_flash()
nav.run()
