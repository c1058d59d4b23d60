"""Overview / 总览: the KPI cards, the status mix, progress toward every target, late reports,
what changed since the previous quarter, and the briefing deck to download."""

from __future__ import annotations

import html
from dataclasses import replace

import pandas as pd
import streamlit as st

from metrics.outputs.brief.deck import PPTX_MIME, build_brief
from metrics.outputs.chart_frame import ChartContext
from metrics.outputs.explain import baseline_short, recorded_day
from metrics.outputs.sparkline import sparkline_html
from metrics.outputs.status_mix import status_mix_html
from metrics.plan import periods
from metrics.progress.final import comparison_period, final_deadline, is_final
from metrics.progress.observations import parse_known_at
from metrics.text.format import format_gap, format_target
from pages.frame import figures, page
from pages.frame.layout import page_header

CARD_LIMIT = 12  # cards beyond this are on the progress chart and the Indicator page
TABLE_ROWS = 200  # a briefing table longer than this belongs on the Data & history page


def _in_units(frame, column: str) -> list[str]:
    """A value column formatted in each row's indicator unit."""
    reg = page.registry()
    return [
        page.fmt_value(v, reg.indicator[i].unit)
        for v, i in zip(frame[column], frame["indicator_id"], strict=True)
    ]


@st.cache_data(show_spinner=False, max_entries=8)
def brief_bytes(
    path: str, version: int, targets: str, as_of: str, lang: str, demo: bool, day: str | None = None
) -> bytes:
    """The briefing deck, built once per (database, data version, quarter, language, known-at day)."""
    obs = page.observations_of(path, version)
    known_at = None if day is None else parse_known_at(day)
    return build_brief(page.load_registry_cached(targets), obs, as_of, lang, demo=demo, known_at=known_at)


def deck_button(as_of: str) -> None:
    """Download the .pptx for this quarter and language; built only when pressed, then cached."""
    (path, version), lang = page.data_key(), page.lang()
    day = page.known_at_day()
    args = (path, version, page.targets(), as_of, lang, page.is_demo(), day)
    st.download_button(
        page.tr("overview.brief_download"),
        data=lambda: brief_bytes(*args),
        file_name=f"briefing_{as_of}_{lang}{'_' + day if day else ''}.pptx",
        mime=PPTX_MIME,
        on_click="ignore",
        icon=":material/slideshow:",
        help=page.tr("overview.brief_help"),
        key="overview_brief",
    )


# --------------------------------------------------------------------------- the body


def body(view: page.View) -> None:
    """Everything under the header and the deck button (:func:`pages.frame.page.view`: the run's settings)."""
    reg, period, agency, briefing = page.registry(), view.as_of, view.agency, view.briefing
    figs = page.figures(period)
    national = figs[figs["figure"] == "national"]
    if agency:
        mine = {i.id for i in reg.indicators_for(agency)}
        national = national[national["indicator_id"].isin(mine)]
    ctx = page.chart_context(period)
    kpis = national[national["kind"] == "kpi"]
    values = page.current_values(period, kpis["indicator_id"].head(CARD_LIMIT))
    suffix = f"{agency}_" if agency else ""
    due = final_deadline(reg) if is_final(reg, period) else period  # after the plan: its last quarter
    late = page.late_reports(due)
    if agency:
        late = late[late["agency_id"] == agency]

    if briefing:  # 16:9: progress of everything on the left, the KPIs and the mix on the right
        left, right = st.columns([11, 9], gap="medium")
        with left:
            progress_chart(national, replace(ctx, title_width=60), f"progress_{suffix}{period}", compact=True)
        with right:
            cards(kpis, values, 2)
            status_mix(national, ctx)
            late_list(late, due)
        return

    cards(kpis, values, min(max(len(kpis), 1), 4))
    left, right = st.columns(2, gap="medium")
    with left:
        status_mix(national, ctx)
        st.caption(page.tr("overview.mix_note"))
        late_list(late, due)
    with right:
        progress_chart(national, replace(ctx, title_width=36), f"progress_{suffix}{period}", compact=False)
    changes(period, agency)


def owner_series(values: pd.DataFrame) -> dict[str, list[float]]:
    """Each indicator's values reported by its owner (the national series), in period order: one
    pass over the rows rather than a filter of every row per card."""
    owner = {i.id: i.owner for i in page.registry().indicators}
    series: dict[str, list[float]] = {}
    for ind, agency, value in zip(
        values["indicator_id"].to_numpy(dtype=object),
        values["agency_id"].to_numpy(dtype=object),
        values["value"].to_numpy(dtype=float),
        strict=True,
    ):
        if owner.get(ind) == agency:
            series.setdefault(ind, []).append(float(value))
    return series


def kpi_card(row: pd.Series, owner_values: list[float]) -> None:
    ind = page.registry().indicator[row["indicator_id"]]
    status = str(row["status"])
    unit = ind.unit
    target = format_target(ind.target, ind.direction, page.unit_text(unit), page.lang())
    deadline = page.period_label(periods.of_date(ind.deadline))
    meta = [
        page.tr("card.latest", period=page.period_label(row["latest_period"])),
        page.tr("card.target", target=target, deadline=deadline),
        _gap_text(row, unit),
    ]
    if row["final"]:  # past the deadline: when the value judged was recorded, and any later attainment
        meta[0] += " · " + page.tr("final.recorded", date=recorded_day(row["recorded_at"]))
        if row["status"] == "missed" and not pd.isna(row["latest_value"]):
            later = row["reached_period"]
            meta.append(
                page.tr("final.reached_later", period=page.period_label(later))
                if not pd.isna(later)
                else page.tr("final.not_reached_later")
            )
    source = baseline_short(row, page.lang())
    if source is not None:
        value = page.fmt_value(row["baseline_value"], unit)
        meta.append(
            page.tr(
                "card.baseline", value=value, period=page.period_label(row["baseline_period"]), source=source
            )
        )
    spark = ""
    if len(owner_values) > 1:  # inline SVG: twelve Plotly charts would hold up the page's first paint
        spark = sparkline_html(owner_values, status, 44 if page.is_briefing() else 64)
    with st.container(border=True):
        st.html(
            f'<div class="kpi-name">{html.escape(ind.name(page.lang()))}</div>'
            f'<div class="kpi-value">{html.escape(page.fmt_value(row["latest_value"], unit))}</div>'
            f'<div class="kpi-meta">{"<br>".join(html.escape(m) for m in meta)}</div>'
            f'<div style="margin-top:0.4rem">{page.status_badge(status)}</div>{spark}'
        )
        if status == "insufficient_data" and not spark:
            st.caption(page.tr("card.one_point"))


def _gap_text(row: pd.Series, unit: str) -> str:
    if pd.isna(row["latest_value"]):
        return page.tr("card.no_value")
    if row["gap"] == 0:
        return page.tr("card.met")
    return page.tr("card.gap", gap=format_gap(row["gap"], page.unit_text(unit), page.lang()))


def cards(kpis: pd.DataFrame, values: pd.DataFrame, per_row: int) -> None:
    if kpis.empty:
        if page.agency_filter():
            st.caption(page.tr("overview.no_kpi_for_agency"))
        return
    shown = kpis.head(CARD_LIMIT)
    if len(kpis) > CARD_LIMIT:
        st.caption(page.tr("overview.cards_capped", shown=CARD_LIMIT, total=len(kpis)))
    series = owner_series(values)
    rows = [shown.iloc[i : i + per_row] for i in range(0, len(shown), per_row)]
    for chunk in rows:
        cols = st.columns(per_row)
        for col, (_, row) in zip(cols, chunk.iterrows(), strict=False):
            with col:
                kpi_card(row, series.get(row["indicator_id"], []))


def status_mix(national: pd.DataFrame, ctx: ChartContext) -> None:
    """Drawn in HTML (:mod:`metrics.outputs.status_mix`): the first chart shows with the page."""
    kind_label = {"kpi": page.tr("kind.kpi_plural"), "milestone": page.tr("kind.milestone_plural")}
    mix = national.groupby(["kind", "status"]).size().rename("n").reset_index()
    mix["group"] = mix["kind"].map(kind_label)
    mix = mix.sort_values("kind", key=lambda s: s.map({"kpi": 0, "milestone": 1}))
    st.html(status_mix_html(mix, ctx))


def late_list(late: pd.DataFrame, period: str) -> None:
    st.subheader(page.tr("overview.late_title", period=page.period_label(period)), anchor=False)
    if late.empty:
        st.success(page.tr("overview.late_none"), icon=":material/check_circle:")
        return
    if not page.is_briefing():
        st.caption(page.tr("overview.late_note", n=len(late)))
    st.dataframe(
        pd.DataFrame(
            {
                page.tr("col.agency"): [page.agency_name(a, short=True) for a in late["agency_id"]],
                page.tr("col.indicator"): [page.indicator_name(i) for i in late["indicator_id"]],
            }
        ),
        hide_index=True,
        width="stretch",
        placeholder="—",
    )


def progress_chart(national: pd.DataFrame, ctx: ChartContext, filename: str, compact: bool) -> None:
    bars = pd.DataFrame(
        {
            "name": [page.indicator_name(i) for i in national["indicator_id"]],
            "progress": national["progress"].to_numpy(),
            "expected_progress": national["expected_progress"].to_numpy(),
            "status": national["status"].to_numpy(),
        }
    )
    en = page.lang() == "en"
    if compact:  # the whole left half of a 16:9 screenshot
        size = {"label_width": 110, "row_height": 28, "label_size": 11, "labels_above": True}
        if not en:
            size = {"label_width": 44, "max_lines": 1, "row_height": 27}
        size["compact"] = True
    else:
        size = {"label_width": 46, "max_lines": 3} if en else {"label_width": 34, "max_lines": 2}
    page.show_chart(figures.chart("progress_bars", bars, ctx, **size), filename)


def changes(period: str, agency: str | None) -> None:
    """Changes since the previous quarter: status changes and revisions, each table capped."""
    reg = page.registry()
    previous = comparison_period(reg, period)
    if is_final(reg, period):
        title = page.tr("final.changes_title", a=page.period_label(previous))
    else:
        title = page.tr(
            "overview.changes_title", start=page.period_label(previous), end=page.period_label(period)
        )
    st.subheader(title, anchor=False)
    delta = page.changes(previous, period)
    moved, fresh, revised = delta["status_changes"], delta["new_values"], delta["revisions"]
    if agency:
        mine = {i.id for i in reg.indicators_for(agency)}
        moved = moved[moved["indicator_id"].isin(mine)]
        fresh = fresh[fresh["agency_id"] == agency]
        revised = revised[revised["agency_id"] == agency]
    st.caption(page.tr("overview.changes_counts", moved=len(moved), new=len(fresh), revised=len(revised)))
    if len(moved) > TABLE_ROWS or len(revised) > TABLE_ROWS:
        st.caption(page.tr("overview.tables_capped", rows=TABLE_ROWS))
    revised = revised.head(TABLE_ROWS)
    if not moved.empty:
        moved = moved.sort_values("figure", key=lambda s: s.map({"national": 0, "agency": 1}), kind="stable")
        moved = moved.head(TABLE_ROWS)
        st.dataframe(
            pd.DataFrame(
                {
                    page.tr("col.indicator"): [page.indicator_name(i) for i in moved["indicator_id"]],
                    page.tr("col.figure"): [page.agency_name(a, short=True) for a in moved["agency_id"]],
                    page.tr("col.from_status"): [page.status_text(s) for s in moved["from_status"]],
                    page.tr("col.to_status"): [page.status_text(s) for s in moved["to_status"]],
                    page.tr("col.from_value"): _in_units(moved, "from_value"),
                    page.tr("col.to_value"): _in_units(moved, "to_value"),
                }
            ),
            hide_index=True,
            width="stretch",
            height="content",  # every row on the page (and in a screenshot), not a box that scrolls
            placeholder="—",
        )
    if not revised.empty:
        st.markdown(f"**{page.tr('overview.revisions_title')}**")
        st.dataframe(
            pd.DataFrame(
                {
                    page.tr("col.indicator"): [page.indicator_name(i) for i in revised["indicator_id"]],
                    page.tr("col.agency"): [page.agency_name(a, short=True) for a in revised["agency_id"]],
                    page.tr("col.period"): [page.period_label(p) for p in revised["period"]],
                    page.tr("col.old_value"): _in_units(revised, "old_value"),
                    page.tr("col.new_value"): _in_units(revised, "new_value"),
                    page.tr("col.uploaded_by"): revised["uploaded_by"].astype(str).to_list(),
                }
            ),
            hide_index=True,
            width="stretch",
            height="content",  # every row on the page (and in a screenshot), not a box that scrolls
            placeholder="—",
        )


# --------------------------------------------------------------------------- the page

period = page.as_of()
page_header("overview.title", period)
if period is None:
    page.empty_state()
    st.stop()
if not page.is_briefing():
    deck_button(period)
body(page.view())
