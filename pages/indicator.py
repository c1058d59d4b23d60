"""Indicator / 指标: one indicator's trend, target, projection, values table and method numbers."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from metrics.outputs import charts
from metrics.outputs.explain import method_lines
from metrics.plan import periods
from metrics.text.format import format_gap, format_share, format_target, is_missing
from pages.frame import common as c
from pages.frame.layout import page_header


def _option(indicator_id: str) -> str:
    ind = c.registry().indicator[indicator_id]
    return f"{c.tr('kind.' + ind.kind)} · {ind.name(c.lang())}"


@c.section(max_entries=64)
def body(view: c.View, chosen: str) -> None:
    """Everything under the selector for one indicator, drawn once per view
    (:func:`pages.frame.common.view`) and indicator, then replayed."""
    reg, period, agency = c.registry(), view.as_of, view.agency
    ind = reg.indicator[chosen]
    figs = c.figures(period)
    rows = figs[figs["indicator_id"] == ind.id]
    nat = rows[rows["figure"] == "national"].iloc[0]
    values = c.current_values(period)
    values = values[values["indicator_id"] == ind.id]
    own = rows[rows["figure"] == "agency"]
    if agency:  # the national figure and the chosen agency's own, nobody else's
        values = values[values["agency_id"].isin({ind.owner, agency})]
        own = own[own["agency_id"] == agency]
    headline(ind, nat)
    if agency:
        st.caption(
            c.tr("indicator.agency_filter", agency=c.agency_name(agency), owner=c.agency_name(ind.owner))
        )
    trend(ind, nat, values, period)
    method(ind, nat, period)
    if view.briefing:
        return
    agency_figures(ind, own)
    values_table(ind, values, period, agency)


def headline(ind, nat: pd.Series) -> None:
    """Name, status, measure and owner, description, and the four numbers."""
    lg, status = c.lang(), str(nat["status"])
    unit = c.unit_text(ind.unit)
    measure = c.registry().measure[ind.measure]
    st.subheader(ind.name(lg), anchor=False)
    st.html(
        f"{c.status_badge(status)} <span class='kpi-meta'>&nbsp;"
        + c.esc_html(
            c.tr(
                "indicator.context",
                measure=measure.id,
                title=measure.title(lg),
                kind=c.tr("kind." + ind.kind),
                owner=c.agency_name(ind.owner),
            )
        )
        + "</span>"
    )
    description = ind.description_zh if lg == "zh" else ind.description_en
    if description:
        st.text(description)

    m1, m2, m3, m4 = st.columns(4)
    m1.metric(
        c.tr("metric.latest", period=c.period_label(nat["latest_period"])),
        c.fmt_value(nat["latest_value"], ind.unit),
    )
    m2.metric(
        c.tr("metric.target", deadline=c.period_label(periods.of_date(ind.deadline))),
        format_target(ind.target, ind.direction, unit, lg),
    )
    m3.metric(c.tr("metric.gap"), format_gap(nat["gap"], unit, lg))
    m4.metric(c.tr("metric.progress"), format_share(nat["progress"]))


def _series(frame: pd.DataFrame, unit: str) -> pd.DataFrame:
    hover = [
        f"{c.period_label(p)}: {c.fmt_value(v, unit)}"
        + (f"<br>{c.tr('chart.revised_hover', revision=int(r))}" if r > 1 else "")
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
    lg = c.lang()
    owner_values = values[values["agency_id"] == ind.owner]
    others = {
        c.agency_name(a, short=True): _series(values[values["agency_id"] == a], ind.unit)
        for a in pd.unique(values.loc[values["agency_id"] != ind.owner, "agency_id"])
    }
    has_trend = nat["n_points"] >= 2
    spec = charts.TrendSpec(
        name=ind.name(lg),
        unit=c.unit_text(ind.unit),
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
    )
    ctx = c.chart_context(period)
    c.show_chart(charts.trend(spec, ctx, height=470 if c.is_briefing() else 500), f"{ind.id}_{period}")


def method(ind, nat: pd.Series, period: str) -> None:
    """The method numbers in plain words."""
    lg = c.lang()
    st.subheader(c.tr("indicator.method_title"), anchor=False)
    st.markdown(c.esc(c.tr("status_explain." + str(nat["status"]))))
    for line in method_lines(ind, nat, period, lg):
        st.markdown("- " + c.esc(line))
    if nat["n_points"] >= 1:
        st.caption(c.tr("method.see_methodology"))


def agency_figures(ind, agency_rows: pd.DataFrame) -> None:
    """The agencies' own figures, when any agency reports its own."""
    if not len(agency_rows):
        return
    st.subheader(c.tr("indicator.agencies_title"), anchor=False)
    st.dataframe(
        pd.DataFrame(
            {
                c.tr("col.agency"): [c.agency_name(a) for a in agency_rows["agency_id"]],
                c.tr("col.status"): [c.status_text(s) for s in agency_rows["status"]],
                c.tr("col.latest"): [c.fmt_value(v, ind.unit) for v in agency_rows["latest_value"]],
                c.tr("col.period"): [c.period_label(p) for p in agency_rows["latest_period"]],
                c.tr("col.progress"): (agency_rows["progress"].clip(0, 1) * 100).round(0).to_list(),
            }
        ),
        hide_index=True,
        width="stretch",
        column_config={
            c.tr("col.progress"): st.column_config.ProgressColumn(min_value=0, max_value=100, format="%d%%")
        },
    )


def values_table(ind, values: pd.DataFrame, period: str, agency: str | None) -> None:
    """Every revision up to the quarter, with notes and who reported them."""
    st.subheader(c.tr("indicator.values_title"), anchor=False)
    hist = c.history(ind.id)
    if agency:
        hist = hist[hist["agency_id"].isin({ind.owner, agency})]
    hist = hist[[periods.index(p) <= periods.index(period) for p in hist["period"]]].sort_values(
        ["period", "agency_id", "revision"], ascending=[False, True, False]
    )
    if hist.empty:
        st.info(c.tr("indicator.no_values"))
        return
    current = set(zip(values["period"], values["agency_id"], values["revision"], strict=True))
    state = [
        c.tr("value.withdrawn")
        if w
        else (c.tr("value.current") if (p, a, r) in current else c.tr("value.superseded"))
        for p, a, r, w in zip(
            hist["period"], hist["agency_id"], hist["revision"], hist["withdrawn"], strict=True
        )
    ]
    table = pd.DataFrame(
        {
            c.tr("col.period"): [c.period_label(p) for p in hist["period"]],
            c.tr("col.agency"): [c.agency_name(a, short=True) for a in hist["agency_id"]],
            c.tr("col.value"): [c.fmt_value(v, ind.unit) for v in hist["value"]],
            c.tr("col.revision"): hist["revision"].astype(int).to_list(),
            c.tr("col.state"): state,
            c.tr("col.note"): hist["note"].fillna("").astype(str).to_list(),
            c.tr("col.uploaded_by"): hist["uploaded_by"].astype(str).to_list(),
            c.tr("col.uploaded_at"): hist["uploaded_at"].to_list(),
            c.tr("col.file"): hist["file_name"].astype(str).to_list(),
        }
    )
    st.dataframe(table, hide_index=True, width="stretch")
    st.caption(c.tr("indicator.values_note"))


# --------------------------------------------------------------------------- the page

reg = c.registry()
period = c.as_of()
page_header("indicator.title", period)
if period is None:
    c.empty_state()
    st.stop()

ids = [i.id for i in reg.indicators]
asked = st.query_params.get("indicator")
unknown = asked is not None and asked not in reg.indicator
if unknown:
    st.warning(c.tr("indicator.unknown", id=asked), icon=":material/warning:")
chosen = c.bound_select(
    "indicator",
    ids,
    None if unknown else ids[0],
    c.tr("indicator.choose"),
    _option,
    placeholder=c.tr("indicator.placeholder"),
)
if chosen is None:
    st.stop()
body(c.view(), chosen)
