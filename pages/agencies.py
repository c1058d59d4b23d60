"""Agencies / 部门: agency × measure grid, and one agency's figures, late reports and uploads."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from metrics.outputs import charts
from metrics.progress import figures as progress
from metrics.progress import rollups
from metrics.text.format import format_gap, format_ranges, format_target
from pages.frame import common as c
from pages.frame.layout import page_header


@c.section(max_entries=64)
def body(view: c.View, agency: str | None) -> None:
    """Everything under the selector for every agency (None) or one, drawn once per view
    (:func:`pages.frame.common.view`) and agency, then replayed."""
    reg, period = c.registry(), view.as_of
    figs = c.figures(period)
    late = c.late_reports(period)
    grid(agency, rollups.measure_rollup(reg, figs).set_index("measure"), period)
    if c.is_briefing() and agency is None:
        return
    if agency is None:
        summary(figs, late)
        return
    own_figures(agency, figs)
    if c.is_briefing():
        return
    late_reports(agency, late, period)
    uploads(agency)


def grid(agency: str | None, rollup: pd.DataFrame, period: str) -> None:
    """Agency × measure, cell = the measure's worst status."""
    reg = c.registry()
    agency_ids = [agency] if agency else list(reg.agency)
    cells = pd.DataFrame(
        [
            {
                "agency": c.agency_name(a, short=True),
                "measure": str(m),
                "role": role,
                "status": rollup.loc[m, "worst_status"],
            }
            for a in agency_ids
            for role, ms in reg.measures_of(a).items()
            for m in ms
        ],
        columns=["agency", "measure", "role", "status"],
    )
    fig = charts.agency_grid(
        cells,
        c.chart_context(period),
        agencies=[c.agency_name(a, short=True) for a in agency_ids],
        measures=[str(m.id) for m in reg.measures],
    )
    c.show_chart(fig, f"agency_grid_{agency + '_' if agency else ''}{period}")
    if not c.is_briefing():
        st.caption(c.tr("agencies.grid_note"))


def summary(figs: pd.DataFrame, late: pd.DataFrame) -> None:
    """Every agency: the measures it leads and shares, its worst status, its late reports."""
    reg = c.registry()
    rollup = rollups.agency_rollup(reg, figs, late)
    lead = rollup[rollup["role"] == "lead"].set_index("agency_id")
    shared = rollup[rollup["role"] == "shared"].set_index("agency_id")
    late_n = late.groupby("agency_id").size()
    table = pd.DataFrame(
        {
            c.tr("col.agency"): [c.agency_name(a) for a in reg.agency],
            c.tr("col.lead_measures"): [format_ranges(lead.loc[a, "measures"]) for a in reg.agency],
            c.tr("col.shared_measures"): [format_ranges(shared.loc[a, "measures"]) for a in reg.agency],
            c.tr("col.status"): [
                c.status_text(
                    progress.worst_status([lead.loc[a, "worst_status"], shared.loc[a, "worst_status"]])
                )
                for a in reg.agency
            ],
            c.tr("col.late"): [int(late_n.get(a, 0)) for a in reg.agency],
        }
    )
    st.subheader(c.tr("agencies.summary_title"), anchor=False)
    st.dataframe(
        c.style_status(table, c.tr("col.status")), hide_index=True, width="stretch", height="content"
    )


def own_figures(agency: str, figs: pd.DataFrame) -> None:
    """The agency's own figures and the national figures of the indicators it owns."""
    lg = c.lang()
    owned = {i.id for i in c.registry().indicators if i.owner == agency}
    own = figs[
        ((figs["figure"] == "agency") & (figs["agency_id"] == agency))
        | ((figs["figure"] == "national") & figs["indicator_id"].isin(owned))
    ]
    st.subheader(c.tr("agencies.figures_title", agency=c.agency_name(agency)), anchor=False)
    if own.empty:
        st.info(c.tr("agencies.no_figures"))
        return
    table = pd.DataFrame(
        {
            c.tr("col.status"): [c.status_text(s) for s in own["status"]],
            c.tr("col.indicator"): [c.indicator_name(i) for i in own["indicator_id"]],
            c.tr("col.figure"): [c.tr("figure." + f) for f in own["figure"]],
            c.tr("col.latest"): [
                c.fmt_value(v, u) for v, u in zip(own["latest_value"], own["unit"], strict=True)
            ],
            c.tr("col.period"): [c.period_label(p) for p in own["latest_period"]],
            c.tr("col.target"): [
                format_target(t, d, c.unit_text(u), lg)
                for t, d, u in zip(own["target"], own["direction"], own["unit"], strict=True)
            ],
            c.tr("col.gap"): [
                format_gap(g, c.unit_text(u), lg) for g, u in zip(own["gap"], own["unit"], strict=True)
            ],
            c.tr("col.progress"): [None if pd.isna(p) else round(float(p) * 100) for p in own["progress"]],
        }
    )
    st.dataframe(
        c.style_status(table, c.tr("col.status")),
        hide_index=True,
        width="stretch",
        column_config={
            c.tr("col.progress"): st.column_config.ProgressColumn(min_value=0, max_value=100, format="%d%%")
        },
    )


def late_reports(agency: str, late: pd.DataFrame, period: str) -> None:
    mine = late[late["agency_id"] == agency]
    st.subheader(c.tr("agencies.late_title", period=c.period_label(period)), anchor=False)
    if mine.empty:
        st.success(c.tr("overview.late_none"), icon=":material/check_circle:")
        return
    st.dataframe(
        pd.DataFrame(
            {
                c.tr("col.indicator"): [c.indicator_name(i) for i in mine["indicator_id"]],
                c.tr("col.period"): [c.period_label(p) for p in mine["period"]],
            }
        ),
        hide_index=True,
        width="stretch",
    )


def uploads(agency: str) -> None:
    st.subheader(c.tr("agencies.uploads_title"), anchor=False)
    ups = c.uploads()
    ups = ups[ups["agencies"].fillna("").str.split(",").apply(lambda names: agency in names)]
    if ups.empty:
        st.info(c.tr("agencies.no_uploads"))
        return
    st.dataframe(
        pd.DataFrame(
            {
                c.tr("col.upload_id"): ups["upload_id"].astype(int).to_list(),
                c.tr("col.file"): ups["file_name"].astype(str).to_list(),
                c.tr("col.uploaded_by"): ups["uploaded_by"].astype(str).to_list(),
                c.tr("col.uploaded_at"): ups["uploaded_at"].to_list(),
                c.tr("col.rows"): ups["n_rows"].astype(int).to_list(),
                c.tr("col.new"): ups["n_new"].astype(int).to_list(),
                c.tr("col.revised"): ups["n_revised"].astype(int).to_list(),
                c.tr("col.withdrawn"): [
                    c.tr("value.withdrawn") if pd.notna(w) else "" for w in ups["withdrawn_at"]
                ],
            }
        ),
        hide_index=True,
        width="stretch",
    )


# --------------------------------------------------------------------------- the page

reg = c.registry()
period = c.as_of()
page_header("agencies.title", period)
if period is None:
    c.empty_state()
    st.stop()
chosen = c.bound_select(
    c.PARAM_AGENCY,
    [c.ALL, *reg.agency],
    c.ALL,
    c.tr("agencies.choose"),
    lambda a: c.tr("sidebar.all_agencies") if a == c.ALL else c.agency_name(a),
    key_suffix="_page",
)
body(c.view(), None if chosen == c.ALL else chosen)
