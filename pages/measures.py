"""Measures / 举措: sections 五–八 and measures 21–35 with their agencies, indicators and status."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from metrics.outputs.explain import recorded_day
from metrics.progress import rollups
from metrics.text.format import cn_numeral, format_target
from pages.frame import page
from pages.frame.layout import page_header


def measure_label(m_id: int) -> str:
    m = page.registry().measure[m_id]
    if page.lang() == "zh":
        return f"（{cn_numeral(m.id)}）{m.title_zh}"
    return f"{m.id}. {m.title_en}"


def section_label(s_id: int) -> str:
    s = page.registry().section[s_id]
    return f"{cn_numeral(s.id)}、{s.title_zh}" if page.lang() == "zh" else f"{s.id}. {s.title_en}"


def agencies_text(m_id: int, role: str) -> str:
    m = page.registry().measure[m_id]
    names = [page.agency_name(a, short=True) for a in (m.leads if role == "lead" else m.sharing)]
    if role == "shared" and m.all_relevant:
        names.append(page.tr("measures.all_relevant"))
    return "、".join(names) if page.lang() == "zh" else ", ".join(names)


def body(view: page.View) -> None:
    """Everything under the header, for this run's view (:func:`pages.frame.page.view`)."""
    reg, period, agency = page.registry(), view.as_of, view.agency
    figs = page.figures(period)
    rollup = rollups.measure_rollup(reg, figs).set_index("measure")
    measures = list(reg.measures)
    if agency:
        roles = reg.measures_of(agency)
        keep = set(roles["lead"]) | set(roles["shared"])
        measures = [m for m in measures if m.id in keep]
        st.caption(page.tr("measures.filtered", agency=page.agency_name(agency), n=len(measures)))
    summary(measures, rollup, period)
    if not page.is_briefing():
        details(measures, rollup, figs[figs["figure"] == "national"])


def summary(measures: list, rollup: pd.DataFrame, period: str) -> None:
    """One row per measure, then the source line."""
    lg = page.lang()
    table = pd.DataFrame(
        {
            page.tr("col.measure"): [measure_label(m.id) for m in measures],
            page.tr("col.status"): [page.status_text(rollup.loc[m.id, "worst_status"]) for m in measures],
            page.tr("col.mean_progress"): [
                None if pd.isna(v) else round(float(v) * 100)
                for v in (rollup.loc[m.id, "mean_progress"] for m in measures)
            ],
            page.tr("col.n_indicators"): [
                int(rollup.loc[m.id, "n_kpi"] + rollup.loc[m.id, "n_milestone"]) for m in measures
            ],
            page.tr("col.missing"): [int(rollup.loc[m.id, "missing"]) for m in measures],
            page.tr("col.lead"): [agencies_text(m.id, "lead") or "—" for m in measures],
            page.tr("col.sharing"): [agencies_text(m.id, "shared") or "—" for m in measures],
        }
    )
    st.caption(page.tr("measures.summary_note") + " " + page.tr("rollup.missing_note"))
    st.dataframe(
        page.style_status(table, page.tr("col.status")),
        hide_index=True,
        width="stretch",
        height="content",
        row_height=66,  # above 4 rem the grid wraps long text (titles, lists of agencies)
        column_config={
            page.tr("col.measure"): st.column_config.TextColumn(width=300),
            page.tr("col.status"): st.column_config.TextColumn(width=150),
            page.tr("col.mean_progress"): st.column_config.ProgressColumn(
                min_value=0, max_value=100, format="%d%%", width=110
            ),
            page.tr("col.n_indicators"): st.column_config.NumberColumn(width=80),
            page.tr("col.missing"): st.column_config.NumberColumn(width=70),
            page.tr("col.lead"): st.column_config.TextColumn(width=150),
            page.tr("col.sharing"): st.column_config.TextColumn(width=200),
        },
        placeholder="—",
    )
    plan = page.registry().plan
    source = plan.source_zh if lg == "zh" else plan.source_en
    st.caption(page.tr("chart.source", source=source, as_of=page.period_label(period)))


def details(measures: list, rollup: pd.DataFrame, national: pd.DataFrame) -> None:
    """Sections → measures (roles, worst status) → their indicators."""
    for section in page.registry().sections:
        in_section = [m for m in measures if m.section == section.id]
        if not in_section:
            continue
        st.header(section_label(section.id), anchor=False, divider="gray")
        for m in in_section:
            with st.container(border=True):
                measure_card(m, rollup.loc[m.id], national[national["measure"] == m.id])


def measure_card(m, roll: pd.Series, rows: pd.DataFrame) -> None:
    """A measure's title and worst status (with its figures without data), its lead and sharing
    agencies, its indicators."""
    lg = page.lang()
    worst = roll["worst_status"]
    n, missing = int(roll["n_kpi"] + roll["n_milestone"]), int(roll["missing"])
    gaps = ""
    if 0 < missing < n:
        text = page.esc_html(page.tr("rollup.missing", n=n, missing=missing))
        gaps = f"&nbsp; <span class='kpi-meta'>{text}</span>"
    st.html(
        "<div style='font-size:1.15rem;font-weight:700;margin-bottom:0.3rem'>"
        f"{page.esc_html(measure_label(m.id))}&nbsp; {page.status_badge(worst)}{gaps}</div>"
    )
    leads = [page.agency_name(a, short=True) for a in m.leads]
    sharing = [page.agency_name(a, short=True) for a in m.sharing]
    chips = "".join(f"<span class='role-lead'>{page.esc_html(n)}</span>" for n in leads)
    chips += "".join(f"<span class='role-shared'>{page.esc_html(n)}</span>" for n in sharing)
    if m.all_relevant:
        chips += f"<span class='role-shared'>{page.esc_html(page.tr('measures.all_relevant'))}</span>"
    st.html(
        f"<div class='kpi-meta'>{page.esc_html(page.tr('measures.roles_legend'))}</div><div>{chips}</div>"
    )
    if rows.empty:
        st.caption(page.tr("measures.no_indicators"))
        return
    table = pd.DataFrame(
        {
            page.tr("col.status"): [page.status_text(s) for s in rows["status"]],
            page.tr("col.kind"): [page.tr("kind." + k) for k in rows["kind"]],
            page.tr("col.indicator"): [page.indicator_name(i) for i in rows["indicator_id"]],
            page.tr("col.latest"): [
                page.fmt_value(v, u) for v, u in zip(rows["latest_value"], rows["unit"], strict=True)
            ],
            page.tr("col.target"): [
                format_target(t, d, page.unit_text(u), lg)
                for t, d, u in zip(rows["target"], rows["direction"], rows["unit"], strict=True)
            ],
            page.tr("col.progress"): [_percent(p) for p in rows["progress"]],
            page.tr("col.expected"): [_percent(p) for p in rows["expected_progress"]],
        }
    )
    if rows["final"].all():  # past the deadline: when the value judged was recorded, not "expected by now"
        table = table.drop(columns=page.tr("col.expected"))
        table[page.tr("col.period")] = [page.period_label(p) for p in rows["latest_period"]]
        table[page.tr("col.recorded")] = [recorded_day(r) for r in rows["recorded_at"]]
        table[page.tr("cli.col.reached_later")] = [
            page.period_label(p) if s == "missed" else "—"
            for p, s in zip(rows["reached_period"], rows["status"], strict=True)
        ]
    # A static table: a card holds a few rows, and every row and every long name must show in
    # full (wrapped), on screen and in a screenshot, as a scrolling grid would not.
    st.table(page.style_status(table, page.tr("col.status")).hide(axis="index"))


def _percent(share: object) -> str:
    return "—" if pd.isna(share) else f"{round(float(share) * 100)}%"


period = page.as_of()
page_header("measures.title", period)
if period is None:
    page.empty_state()
    st.stop()
body(page.view())
