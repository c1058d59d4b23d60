"""Indicator / 指标: one indicator's trend, target, projection, values table and method numbers."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from metrics.outputs import charts
from metrics.outputs.explain import method_lines
from metrics.plan import periods
from metrics.progress import rollups
from metrics.text.format import format_gap, format_share, format_target, format_value, is_missing
from pages import indicator_methods
from pages.frame import figures, page
from pages.frame.layout import page_header


def _option(indicator_id: str) -> str:
    ind = page.registry().indicator[indicator_id]
    return f"{page.tr('kind.' + ind.kind)} · {ind.name(page.lang())}"


def body(view: page.View, chosen: str) -> None:
    """Everything under the selector for one indicator (:func:`pages.frame.page.view`: the settings)."""
    reg, period, agency = page.registry(), view.as_of, view.agency
    ind = reg.indicator[chosen]
    figs = page.figures(period)
    rows = figs[figs["indicator_id"] == ind.id]
    nat = rows[rows["figure"] == "national"].iloc[0]
    values = page.current_values(period, [ind.id])
    own = rows[rows["figure"] == "agency"]
    if agency:  # the national figure and the chosen agency's own, nobody else's
        values = values[values["agency_id"].isin({ind.owner, agency})]
        own = own[own["agency_id"] == agency]
    headline(ind, nat)
    if agency:
        st.caption(
            page.tr(
                "indicator.agency_filter", agency=page.agency_name(agency), owner=page.agency_name(ind.owner)
            )
        )
    trend(ind, nat, values, period)
    method(ind, nat, period)
    indicator_methods.panel(ind, period)  # three methods side by side (docs/methodology.md section 13)
    if view.briefing:
        return
    agency_figures(ind, own, rows)
    values_table(ind, values, period, agency)


def headline(ind, nat: pd.Series) -> None:
    """Name, status, measure and owner, description, and the four numbers."""
    lg, status = page.lang(), str(nat["status"])
    unit = page.unit_text(ind.unit)
    measure = page.registry().measure[ind.measure]
    st.subheader(ind.name(lg), anchor=False)
    st.html(
        f"{page.status_badge(status)} <span class='kpi-meta'>&nbsp;"
        + page.esc_html(
            page.tr(
                "indicator.context",
                measure=measure.id,
                title=measure.title(lg),
                kind=page.tr("kind." + ind.kind),
                owner=page.agency_name(ind.owner),
            )
        )
        + "</span>"
    )
    description = ind.description_zh if lg == "zh" else ind.description_en
    if description:
        st.text(description)

    m1, m2, m3, m4 = st.columns(4)
    m1.metric(
        page.tr("metric.latest", period=page.period_label(nat["latest_period"])),
        page.fmt_value(nat["latest_value"], ind.unit),
    )
    m2.metric(
        page.tr("metric.target", deadline=page.period_label(periods.of_date(ind.deadline))),
        format_target(ind.target, ind.direction, unit, lg),
    )
    m3.metric(page.tr("metric.gap"), format_gap(nat["gap"], unit, lg))
    m4.metric(page.tr("metric.progress"), format_share(nat["progress"]))


def _series(frame: pd.DataFrame, unit: str) -> pd.DataFrame:
    hover = [
        f"{page.period_label(p)}: {page.fmt_value(v, unit)}"
        + (f"<br>{page.tr('chart.revised_hover', revision=int(r))}" if r > 1 else "")
        for p, v, r in zip(frame["period"], frame["value"], frame["revision"], strict=True)
    ]
    return pd.DataFrame(
        {
            "period": frame["period"].to_list(),
            "value": frame["value"].to_list(),
            "revised": (frame["revision"] > 1).to_list(),
            "hover": hover,
        }
    )


def trend(ind, nat: pd.Series, values: pd.DataFrame, period: str) -> None:
    """The owner's series, the agencies' own, baseline, projection and target, in one chart."""
    lg = page.lang()
    owner_values = values[values["agency_id"] == ind.owner]
    others = {
        page.agency_name(a, short=True): _series(values[values["agency_id"] == a], ind.unit)
        for a in pd.unique(values.loc[values["agency_id"] != ind.owner, "agency_id"])
    }
    has_trend = nat["n_points"] >= 2
    spec = charts.TrendSpec(
        name=ind.name(lg),
        unit=page.unit_text(ind.unit),
        target=ind.target,
        direction=ind.direction,
        deadline=periods.of_date(ind.deadline),
        status=str(nat["status"]),
        national=_series(owner_values, ind.unit),
        agencies=others,
        baseline=(str(nat["baseline_period"]), float(nat["baseline_value"])) if has_trend else None,
        projection=(str(nat["latest_period"]), float(nat["latest_value"]), float(nat["projected_value"]))
        if has_trend and not is_missing(nat["projected_value"])
        else None,
        attainment=None
        if pd.isna(nat["projected_attainment_period"])
        else str(nat["projected_attainment_period"]),
        lead=page.agency_name(ind.owner, short=True),
    )
    ctx = page.chart_context(period)
    fig = figures.chart("trend", spec, ctx, height=470 if page.is_briefing() else 500)
    page.show_chart(fig, f"{ind.id}_{period}")


def method(ind, nat: pd.Series, period: str) -> None:
    """The method numbers in plain words."""
    lg = page.lang()
    st.subheader(page.tr("indicator.method_title"), anchor=False)
    st.markdown(page.esc(page.tr("status_explain." + str(nat["status"]))))
    for line in method_lines(ind, nat, period, lg):
        st.markdown("- " + page.esc(line))
    if nat["n_points"] >= 1:
        st.caption(page.tr("method.see_methodology"))


def agency_figures(ind, agency_rows: pd.DataFrame, rows: pd.DataFrame) -> None:
    """The agencies' own figures, when any agency reports its own; for a count that adds up,
    each agency's share of the national figure and whether the parts add up."""
    if not len(agency_rows):
        return
    st.subheader(page.tr("indicator.agencies_title"), anchor=False)
    columns = {page.tr("col.progress"): (agency_rows["progress"].clip(0, 1) * 100).round(0).to_list()}
    if ind.additive:  # a part of the national count: its share, not progress towards the target
        st.caption(page.tr("contribution.note"))
        for p in rollups.agency_parts(page.registry(), rows).itertuples():
            unit = page.unit_text(ind.unit)
            params = {
                "period": page.period_label(p.period),
                "total": format_value(p.agency_sum, unit, page.lang()),
                "n": p.n_agencies,
                "national": format_value(p.national, unit, page.lang()),
                "diff": format_value(abs(p.unattributed), unit, page.lang()),
            }
            if p.adds_up:
                st.success(page.tr("parts.adds_up", **params), icon=":material/check_circle:")
            elif p.unattributed > 0:
                st.info(page.tr("parts.partial", **params), icon=":material/info:")
            else:
                st.warning(page.tr("parts.exceeds", **params), icon=":material/warning:")
        columns = {
            page.tr("col.contribution"): [
                format_share(s) if pd.notna(s) else "—" for s in agency_rows["contribution"]
            ]
        }
    st.dataframe(
        pd.DataFrame(
            {
                page.tr("col.agency"): [page.agency_name(a) for a in agency_rows["agency_id"]],
                page.tr("col.status"): [page.status_text(s) for s in agency_rows["status"]],
                page.tr("col.latest"): [page.fmt_value(v, ind.unit) for v in agency_rows["latest_value"]],
                page.tr("col.period"): [page.period_label(p) for p in agency_rows["latest_period"]],
                **columns,
            }
        ),
        hide_index=True,
        width="stretch",
        column_config={
            page.tr("col.progress"): st.column_config.ProgressColumn(
                min_value=0, max_value=100, format="%d%%"
            )
        },
        placeholder="—",
    )


def values_table(ind, values: pd.DataFrame, period: str, agency: str | None) -> None:
    """Every revision up to the quarter, with notes and who reported them."""
    st.subheader(page.tr("indicator.values_title"), anchor=False)
    hist = page.history(ind.id)
    known_at = page.known_at()
    if known_at is not None:  # as known then: nothing uploaded later
        hist = hist[hist["uploaded_at"] <= known_at]
    if agency:
        hist = hist[hist["agency_id"].isin({ind.owner, agency})]
    upto = pd.Series([periods.index(p) <= periods.index(period) for p in hist["period"]], hist.index, bool)
    hist = hist[upto].sort_values(  # a Series: an empty list would select no columns
        ["period", "agency_id", "revision"], ascending=[False, True, False]
    )
    if hist.empty:
        st.info(page.tr("indicator.no_values"))
        return
    current = set(zip(values["period"], values["agency_id"], values["revision"], strict=True))
    state = [
        page.tr("value.withdrawn")
        if w
        else (page.tr("value.current") if (p, a, r) in current else page.tr("value.superseded"))
        for p, a, r, w in zip(
            hist["period"], hist["agency_id"], hist["revision"], hist["withdrawn"], strict=True
        )
    ]
    table = pd.DataFrame(
        {
            page.tr("col.period"): [page.period_label(p) for p in hist["period"]],
            page.tr("col.agency"): [page.agency_name(a, short=True) for a in hist["agency_id"]],
            page.tr("col.value"): [page.fmt_value(v, ind.unit) for v in hist["value"]],
            page.tr("col.revision"): hist["revision"].astype(int).to_list(),
            page.tr("col.state"): state,
            page.tr("col.note"): hist["note"].fillna("").astype(str).to_list(),
            page.tr("col.uploaded_by"): hist["uploaded_by"].astype(str).to_list(),
            page.tr("col.uploaded_at"): hist["uploaded_at"].to_list(),
            page.tr("col.file"): hist["file_name"].astype(str).to_list(),
        }
    )
    st.dataframe(table, hide_index=True, width="stretch", placeholder="—")
    st.caption(page.tr("indicator.values_note"))


# --------------------------------------------------------------------------- the page

reg = page.registry()
period = page.as_of()
page_header("indicator.title", period)
if period is None:
    page.empty_state()
    st.stop()

ids = [i.id for i in reg.indicators]
asked = st.query_params.get("indicator")
unknown = asked is not None and asked not in reg.indicator
if unknown:
    st.warning(page.tr("indicator.unknown", id=asked), icon=":material/warning:")
chosen = page.bound_select(
    "indicator",
    ids,
    None if unknown else ids[0],
    page.tr("indicator.choose"),
    _option,
    placeholder=page.tr("indicator.placeholder"),
)
if chosen is None:
    st.stop()
body(page.view(), chosen)
