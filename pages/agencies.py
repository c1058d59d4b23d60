"""Agencies / 部门: agency × measure grid, and one agency's figures, late reports and uploads."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from metrics.outputs.explain import recorded_day
from metrics.progress import figures as progress
from metrics.progress import rollups
from metrics.text.format import format_gap, format_ranges, format_share, format_target
from pages.frame import figures, page
from pages.frame.layout import page_header


def body(view: page.View, agency: str | None) -> None:
    """Everything under the selector for every agency (None) or one, for this run's view
    (:func:`pages.frame.page.view`)."""
    reg, period = page.registry(), view.as_of
    figs = page.figures(period)
    late = page.late_reports(period)
    grid(agency, rollups.measure_rollup(reg, figs).set_index("measure"), period)
    if page.is_briefing() and agency is None:
        return
    if agency is None:
        summary(figs, late)
        return
    own_figures(agency, figs)
    if page.is_briefing():
        return
    late_reports(agency, late, period)
    uploads(agency)


def grid(agency: str | None, rollup: pd.DataFrame, period: str) -> None:
    """Agency × measure, cell = the measure's worst status."""
    reg = page.registry()
    agency_ids = [agency] if agency else list(reg.agency)
    cells = pd.DataFrame(
        [
            {
                "agency": page.agency_name(a, short=True),
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
    fig = figures.chart(
        "agency_grid",
        cells,
        page.chart_context(period),
        agencies=[page.agency_name(a, short=True) for a in agency_ids],
        measures=[str(m.id) for m in reg.measures],
    )
    page.show_chart(fig, f"agency_grid_{agency + '_' if agency else ''}{period}")
    if not page.is_briefing():
        st.caption(page.tr("agencies.grid_note"))


def summary(figs: pd.DataFrame, late: pd.DataFrame) -> None:
    """Every agency: the measures it leads and shares, its worst status, its late reports."""
    reg = page.registry()
    rollup = rollups.agency_rollup(reg, figs, late)
    lead = rollup[rollup["role"] == "lead"].set_index("agency_id")
    shared = rollup[rollup["role"] == "shared"].set_index("agency_id")
    late_n = late.groupby("agency_id").size()
    table = pd.DataFrame(
        {
            page.tr("col.agency"): [page.agency_name(a) for a in reg.agency],
            page.tr("col.lead_measures"): [format_ranges(lead.loc[a, "measures"]) for a in reg.agency],
            page.tr("col.shared_measures"): [format_ranges(shared.loc[a, "measures"]) for a in reg.agency],
            page.tr("col.status"): [
                page.status_text(
                    progress.worst_status([lead.loc[a, "worst_status"], shared.loc[a, "worst_status"]])
                )
                for a in reg.agency
            ],
            page.tr("col.missing"): [
                int(lead.loc[a, "missing"] + shared.loc[a, "missing"]) for a in reg.agency
            ],
            page.tr("col.late"): [int(late_n.get(a, 0)) for a in reg.agency],
        }
    )
    st.subheader(page.tr("agencies.summary_title"), anchor=False)
    st.caption(page.tr("rollup.missing_note"))
    st.dataframe(
        page.style_status(table, page.tr("col.status")),
        hide_index=True,
        width="stretch",
        height="content",
        placeholder="—",
    )


def own_figures(agency: str, figs: pd.DataFrame) -> None:
    """The agency's own figures and the national figures of the indicators it owns."""
    lg = page.lang()
    owned = {i.id for i in page.registry().indicators if i.owner == agency}
    own = figs[
        ((figs["figure"] == "agency") & (figs["agency_id"] == agency))
        | ((figs["figure"] == "national") & figs["indicator_id"].isin(owned))
    ]
    st.subheader(page.tr("agencies.figures_title", agency=page.agency_name(agency)), anchor=False)
    if own.empty:
        st.info(page.tr("agencies.no_figures"))
        return
    table = pd.DataFrame(
        {
            page.tr("col.status"): [page.status_text(s) for s in own["status"]],
            page.tr("col.indicator"): [page.indicator_name(i) for i in own["indicator_id"]],
            page.tr("col.figure"): [page.tr("figure." + f) for f in own["figure"]],
            page.tr("col.latest"): [
                page.fmt_value(v, u) for v, u in zip(own["latest_value"], own["unit"], strict=True)
            ],
            page.tr("col.period"): [page.period_label(p) for p in own["latest_period"]],
            page.tr("col.target"): [
                "—" if status == "contribution" else format_target(t, d, page.unit_text(u), lg)
                for t, d, u, status in zip(
                    own["target"], own["direction"], own["unit"], own["status"], strict=True
                )
            ],
            page.tr("col.gap"): [
                format_gap(g, page.unit_text(u), lg) for g, u in zip(own["gap"], own["unit"], strict=True)
            ],
            page.tr("col.progress"): [None if pd.isna(p) else round(float(p) * 100) for p in own["progress"]],
            page.tr("col.contribution"): [
                format_share(s) if pd.notna(s) else "—" for s in own["contribution"]
            ],
        }
    )
    if own["final"].all():  # past the deadline: when the value judged was recorded, any later attainment
        table[page.tr("col.recorded")] = [recorded_day(r) for r in own["recorded_at"]]
        table[page.tr("cli.col.reached_later")] = [
            page.period_label(p) if s == "missed" else "—"
            for p, s in zip(own["reached_period"], own["status"], strict=True)
        ]
    if (own["status"] == "contribution").any():
        st.caption(page.tr("contribution.note_table"))
    st.dataframe(
        page.style_status(table, page.tr("col.status")),
        hide_index=True,
        width="stretch",
        column_config={
            page.tr("col.progress"): st.column_config.ProgressColumn(
                min_value=0, max_value=100, format="%d%%"
            )
        },
        placeholder="—",
    )


def late_reports(agency: str, late: pd.DataFrame, period: str) -> None:
    mine = late[late["agency_id"] == agency]
    st.subheader(page.tr("agencies.late_title", period=page.period_label(period)), anchor=False)
    if mine.empty:
        st.success(page.tr("overview.late_none"), icon=":material/check_circle:")
        return
    st.dataframe(
        pd.DataFrame(
            {
                page.tr("col.indicator"): [page.indicator_name(i) for i in mine["indicator_id"]],
                page.tr("col.period"): [page.period_label(p) for p in mine["period"]],
            }
        ),
        hide_index=True,
        width="stretch",
        placeholder="—",
    )


def uploads(agency: str) -> None:
    st.subheader(page.tr("agencies.uploads_title"), anchor=False)
    ups = page.uploads()
    ups = ups[ups["agencies"].fillna("").str.split(",").apply(lambda names: agency in names)]
    if ups.empty:
        st.info(page.tr("agencies.no_uploads"))
        return
    st.dataframe(
        pd.DataFrame(
            {
                page.tr("col.upload_id"): ups["upload_id"].astype(int).to_list(),
                page.tr("col.file"): ups["file_name"].astype(str).to_list(),
                page.tr("col.uploaded_by"): ups["uploaded_by"].astype(str).to_list(),
                page.tr("col.uploaded_at"): ups["uploaded_at"].to_list(),
                page.tr("col.rows"): ups["n_rows"].astype(int).to_list(),
                page.tr("col.new"): ups["n_new"].astype(int).to_list(),
                page.tr("col.revised"): ups["n_revised"].astype(int).to_list(),
                page.tr("col.withdrawn"): [
                    page.tr("value.withdrawn") if pd.notna(w) else "" for w in ups["withdrawn_at"]
                ],
            }
        ),
        hide_index=True,
        width="stretch",
        placeholder="—",
    )


# --------------------------------------------------------------------------- the page

reg = page.registry()
period = page.as_of()
page_header("agencies.title", period)
if period is None:
    page.empty_state()
    st.stop()
chosen = page.bound_select(
    page.PARAM_AGENCY,
    [page.ALL, *reg.agency],
    page.ALL,
    page.tr("agencies.choose"),
    lambda a: page.tr("sidebar.all_agencies") if a == page.ALL else page.agency_name(a),
    key_suffix="_page",
)
body(page.view(), None if chosen == page.ALL else chosen)
