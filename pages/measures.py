"""Measures / 举措: sections 五–八 and measures 21–35 with their agencies, indicators and status."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from metrics.progress import rollups
from metrics.text.format import cn_numeral, format_target
from pages.frame import common as c
from pages.frame.layout import page_header


def measure_label(m_id: int) -> str:
    m = c.registry().measure[m_id]
    if c.lang() == "zh":
        return f"（{cn_numeral(m.id)}）{m.title_zh}"
    return f"{m.id}. {m.title_en}"


def section_label(s_id: int) -> str:
    s = c.registry().section[s_id]
    return f"{cn_numeral(s.id)}、{s.title_zh}" if c.lang() == "zh" else f"{s.id}. {s.title_en}"


def agencies_text(m_id: int, role: str) -> str:
    m = c.registry().measure[m_id]
    names = [c.agency_name(a, short=True) for a in (m.leads if role == "lead" else m.sharing)]
    if role == "shared" and m.all_relevant:
        names.append(c.tr("measures.all_relevant"))
    return "、".join(names) if c.lang() == "zh" else ", ".join(names)


@c.section(max_entries=32)
def body(view: c.View) -> None:
    """Everything under the header, drawn once per view (:func:`pages.frame.common.view`), then replayed."""
    reg, period, agency = c.registry(), view.as_of, view.agency
    figs = c.figures(period)
    rollup = rollups.measure_rollup(reg, figs).set_index("measure")
    measures = list(reg.measures)
    if agency:
        roles = reg.measures_of(agency)
        keep = set(roles["lead"]) | set(roles["shared"])
        measures = [m for m in measures if m.id in keep]
        st.caption(c.tr("measures.filtered", agency=c.agency_name(agency), n=len(measures)))
    summary(measures, rollup, period)
    if not c.is_briefing():
        details(measures, rollup, figs[figs["figure"] == "national"])


def summary(measures: list, rollup: pd.DataFrame, period: str) -> None:
    """One row per measure, then the source line."""
    lg = c.lang()
    table = pd.DataFrame(
        {
            c.tr("col.measure"): [measure_label(m.id) for m in measures],
            c.tr("col.status"): [c.status_text(rollup.loc[m.id, "worst_status"]) for m in measures],
            c.tr("col.mean_progress"): [
                None if pd.isna(v) else round(float(v) * 100)
                for v in (rollup.loc[m.id, "mean_progress"] for m in measures)
            ],
            c.tr("col.n_indicators"): [
                int(rollup.loc[m.id, "n_kpi"] + rollup.loc[m.id, "n_milestone"]) for m in measures
            ],
            c.tr("col.lead"): [agencies_text(m.id, "lead") or "—" for m in measures],
            c.tr("col.sharing"): [agencies_text(m.id, "shared") or "—" for m in measures],
        }
    )
    st.caption(c.tr("measures.summary_note"))
    st.dataframe(
        c.style_status(table, c.tr("col.status")),
        hide_index=True,
        width="stretch",
        height="content",
        column_config={
            c.tr("col.mean_progress"): st.column_config.ProgressColumn(
                min_value=0, max_value=100, format="%d%%"
            ),
        },
    )
    plan = c.registry().plan
    source = plan.source_zh if lg == "zh" else plan.source_en
    st.caption(c.tr("chart.source", source=source, as_of=c.period_label(period)))


def details(measures: list, rollup: pd.DataFrame, national: pd.DataFrame) -> None:
    """Sections → measures (roles, worst status) → their indicators."""
    for section in c.registry().sections:
        in_section = [m for m in measures if m.section == section.id]
        if not in_section:
            continue
        st.header(section_label(section.id), anchor=False, divider="gray")
        for m in in_section:
            with st.container(border=True):
                measure_card(m, rollup.loc[m.id, "worst_status"], national[national["measure"] == m.id])


def measure_card(m, worst: str, rows: pd.DataFrame) -> None:
    """A measure's title and worst status, its lead and sharing agencies, its indicators."""
    lg = c.lang()
    st.html(
        "<div style='font-size:1.15rem;font-weight:700;margin-bottom:0.3rem'>"
        f"{c.esc_html(measure_label(m.id))}&nbsp; {c.status_badge(worst)}</div>"
    )
    leads = [c.agency_name(a, short=True) for a in m.leads]
    sharing = [c.agency_name(a, short=True) for a in m.sharing]
    chips = "".join(f"<span class='role-lead'>{c.esc_html(n)}</span>" for n in leads)
    chips += "".join(f"<span class='role-shared'>{c.esc_html(n)}</span>" for n in sharing)
    if m.all_relevant:
        chips += f"<span class='role-shared'>{c.esc_html(c.tr('measures.all_relevant'))}</span>"
    st.html(f"<div class='kpi-meta'>{c.esc_html(c.tr('measures.roles_legend'))}</div><div>{chips}</div>")
    if rows.empty:
        st.caption(c.tr("measures.no_indicators"))
        return
    table = pd.DataFrame(
        {
            c.tr("col.status"): [c.status_text(s) for s in rows["status"]],
            c.tr("col.kind"): [c.tr("kind." + k) for k in rows["kind"]],
            c.tr("col.indicator"): [c.indicator_name(i) for i in rows["indicator_id"]],
            c.tr("col.latest"): [
                c.fmt_value(v, u) for v, u in zip(rows["latest_value"], rows["unit"], strict=True)
            ],
            c.tr("col.target"): [
                format_target(t, d, c.unit_text(u), lg)
                for t, d, u in zip(rows["target"], rows["direction"], rows["unit"], strict=True)
            ],
            c.tr("col.progress"): [None if pd.isna(p) else round(float(p) * 100) for p in rows["progress"]],
            c.tr("col.expected"): [
                None if pd.isna(p) else round(float(p) * 100) for p in rows["expected_progress"]
            ],
        }
    )
    st.dataframe(
        c.style_status(table, c.tr("col.status")),
        hide_index=True,
        width="stretch",
        column_config={
            c.tr("col.progress"): st.column_config.ProgressColumn(min_value=0, max_value=100, format="%d%%"),
            c.tr("col.expected"): st.column_config.NumberColumn(format="%d%%"),
        },
    )


period = c.as_of()
page_header("measures.title", period)
if period is None:
    c.empty_state()
    st.stop()
body(c.view())
