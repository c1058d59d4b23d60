"""The frame around every page: styles, the sidebar (language, as-of quarter, agency,
briefing mode; all mirrored in the URL), the demo badge and the page header."""

from __future__ import annotations

import html

import streamlit as st

from metrics.outputs.chart_frame import MIN_WIDTH
from metrics.progress.final import final_deadline, is_final, passed
from pages.frame.page import (
    agency_filter,
    agency_name,
    as_of_options,
    esc,
    esc_html,
    is_demo,
    period_label,
    registry,
)
from pages.frame.rounds import default_as_of, round_id, rounds
from pages.frame.urlstate import (
    ALL,
    LANGS,
    PARAM_AGENCY,
    PARAM_AS_OF,
    PARAM_BRIEFING,
    PARAM_LANG,
    PARAM_ROUND,
    bad_known_at,
    bound_select,
    browser_lang,
    is_briefing,
    known_at_day,
    known_at_input,
    lang,
    link_params,
    tr,
)

GRID_MIN_WIDTH = 900  # px: the agency grid's 35 measure columns, each wide enough for its square

# On a phone (the server cannot know the width, the browser's media query can) charts keep the
# width their frame is laid out for and scroll sideways, rather than squeezing their labels.
_CSS = """
<style>
[data-testid="stMainBlockContainer"] {padding-top:3rem; padding-left:3rem; padding-right:3rem;}
.status-chip {display:inline-block; padding:1px 10px; border-radius:12px; font-weight:600;
  font-size:0.9rem; line-height:1.6; white-space:nowrap;}
.demo-badge {display:inline-block; padding:2px 12px; border-radius:4px; background:#E69F00;
  color:#000; font-weight:700; font-size:0.85rem; letter-spacing:0.02em;}
.demo-fixed {position:fixed; top:0.7rem; left:50%; transform:translateX(-50%); z-index:999991;}
.kpi-name {font-weight:600; font-size:0.98rem; line-height:1.35; min-height:2.7em;}
.kpi-value {font-size:2.0rem; font-weight:700; line-height:1.2; margin:0.2rem 0;}
.kpi-meta {color:#5F6B7A; font-size:0.85rem; line-height:1.5;}
.role-lead {display:inline-block; padding:0 8px; margin:2px 4px 2px 0; border-radius:4px;
  background:#1F2933; color:#fff; font-weight:600; font-size:0.85rem;}
.role-shared {display:inline-block; padding:0 8px; margin:2px 4px 2px 0; border-radius:4px;
  border:1px solid #5F6B7A; color:#1F2933; font-size:0.85rem;}
@media (max-width: 640px) {
  [data-testid="stMainBlockContainer"] {padding-left:1rem; padding-right:1rem;}
  [class*="st-key-chart_"] {overflow-x:auto; overflow-y:hidden;}
  [class*="st-key-chart_"] > div {min-width:MIN_WIDTHpx;}
  [class*="st-key-chart_agency_grid"] > div {min-width:GRID_MIN_WIDTHpx;}
}
</style>
""".replace("GRID_MIN_WIDTH", str(GRID_MIN_WIDTH)).replace("MIN_WIDTH", str(MIN_WIDTH))
_BRIEFING_CSS = """
<style>
[data-testid="stMainBlockContainer"] {padding-top:3rem; padding-left:3rem; padding-right:3rem;}
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stStatusWidget"],
[data-testid="stExpandSidebarButton"], footer {display:none !important;}
[data-testid="stMainBlockContainer"], .block-container {padding:0.5rem 1.6rem 0.4rem 1.6rem !important;
  max-width:100% !important;}
.st-key-briefing_exit {position:fixed; top:4px; right:14px; z-index:999990; opacity:0.45;
  width:auto !important;}
[class*="st-key-_w_"] {display:none !important;}
.briefing-head {display:flex; align-items:baseline; gap:1.2rem; margin:0 0 0.2rem 0;}
.briefing-title {font-size:1.6rem; font-weight:700;}
</style>
"""


def inject_css(briefing: bool = False) -> None:
    """Styles for chips, cards and badges; in briefing mode also hide the chrome."""
    st.html(_CSS + (_BRIEFING_CSS if briefing else ""))


def _lang_name(code: str) -> str:
    return {"zh": "中文", "en": "English"}[code]


def _period_options_label(period: str) -> str:
    return period_label(period)


def _agency_option(agency_id: str) -> str:
    return tr("sidebar.all_agencies") if agency_id == ALL else agency_name(agency_id)


def sidebar(full: bool = True) -> None:
    """Language, as-of quarter, agency filter and briefing toggle, all mirrored in the URL
    (only the language for a visitor who may not view the data yet)."""
    link_params()  # before the selectors below set the URL to what they show
    with st.sidebar:
        bound_select(
            PARAM_LANG, LANGS, browser_lang(), "语言 · Language", _lang_name, widget="radio", horizontal=True
        )
        if not full:
            return
        round_select()
        options = as_of_options()
        if options:
            bound_select(
                PARAM_AS_OF,
                options[::-1],
                default_as_of(options),
                tr("sidebar.as_of"),
                _period_options_label,
                help=tr("sidebar.as_of_help"),
            )
        else:
            st.caption(tr("sidebar.no_data"))
        known_at_input(tr("sidebar.known_at"), tr("sidebar.known_at_help"))
        bound_select(
            PARAM_AGENCY,
            [ALL, *registry().agency],
            ALL,
            tr("sidebar.agency"),
            _agency_option,
            help=tr("sidebar.agency_help"),
        )
        st.session_state["_w_briefing"] = is_briefing()
        st.toggle(
            tr("sidebar.briefing"),
            key="_w_briefing",
            on_change=_set_briefing,
            help=tr("sidebar.briefing_help"),
        )


def round_select() -> None:
    """The plan round, when the registry lists more than one (``?round=``)."""
    every = rounds()
    if len(every.rounds) < 2:
        return

    def title(round_id: str) -> str:
        plan = every.get(round_id).plan  # short: the full title heads the page
        text = tr("round.option", start=plan.start.year, end=plan.end.year)
        return text + (f" · {tr('round.example')}" if plan.example else "")

    bound_select(PARAM_ROUND, every.ids[::-1], round_id(), tr("round.label"), title, help=tr("round.help"))


def _set_briefing(on: bool | None = None) -> None:
    on = st.session_state.get("_w_briefing", False) if on is None else on
    if on:
        st.query_params[PARAM_BRIEFING] = "1"
    elif PARAM_BRIEFING in st.query_params:
        del st.query_params[PARAM_BRIEFING]


def briefing_exit() -> None:
    """The one control shown in briefing mode: small, faint, pinned to the bottom-right corner."""
    st.button(
        tr("briefing.exit"), on_click=_set_briefing, args=(False,), type="tertiary", key="briefing_exit"
    )


def demo_badge() -> None:
    """A visible "示例数据 / demo data" marker whenever the demo database is open."""
    if is_demo():
        badge = f'<span class="demo-badge">{html.escape(tr("demo.badge"))}</span>'
        st.html(f'<div class="demo-fixed">{badge}</div>')


def link_warnings() -> None:
    """Say so when a link names a quarter or an agency that does not exist (the page then shows
    the default), as the Indicator page does for an unknown indicator."""
    asked = link_params()[PARAM_AS_OF]
    options = as_of_options()
    if asked and options and asked not in options:
        first, last = period_label(options[0]), period_label(options[-1])
        st.warning(tr("link.bad_as_of", value=asked, first=first, last=last), icon=":material/warning:")
    asked = link_params()[PARAM_AGENCY]
    if asked and asked != ALL and asked not in registry().agency:
        st.warning(tr("link.bad_agency", value=asked), icon=":material/warning:")


def final_note(period: str | None) -> None:
    """Past a deadline the page shows the final assessment: say so, and that late reports count."""
    if not period:
        return
    reg = registry()
    done = passed(reg, period)
    if not done:
        return
    if len(done) == len(reg.indicators):
        deadline = period_label(final_deadline(reg))
        st.info(tr("final.caption", deadline=deadline), icon=":material/flag:")
    else:
        st.info(tr("final.partial_caption", n=len(done)), icon=":material/flag:")


def page_header(title_key: str, period: str | None = None) -> None:
    """Page title with the plan, the as-of quarter and the agency filter underneath
    (on one line in briefing mode, to leave the screen to the charts)."""
    plan = registry().plan
    link_warnings()
    bits = [plan.title_zh if lang() == "zh" else plan.title_en]
    if period:
        bits.append(tr("header.as_of", period=period_label(period)))
        if is_final(registry(), period):
            bits.append(tr("final.deck_title"))
    agency = agency_filter()
    if agency:
        bits.append(tr("header.agency", agency=agency_name(agency)))
    day = known_at_day()
    if day:
        bits.append(tr("header.known_at", date=day))
    if is_briefing():
        st.html(
            f"<div class='briefing-head'><span class='briefing-title'>{esc_html(tr(title_key))}</span>"
            f"<span class='kpi-meta'>{esc_html(' · '.join(bits))}</span></div>"
        )
        return
    st.title(tr(title_key), anchor=False)
    st.caption(" · ".join(esc(b) for b in bits))
    final_note(period)
    if bad_known_at() is not None:
        st.warning(tr("known_at.bad_link", value=bad_known_at()), icon=":material/warning:")
