"""Briefing deck: a 16:9 PowerPoint with native, editable charts, in Chinese or English.

:func:`build_brief` is pure (no streamlit, no files): the ``brief`` command writes its
bytes to ``OUT.pptx`` and the overview page can hand the same bytes to a download
button, e.g. ``st.download_button(..., data=build_brief(reg, obs, period, lang,
demo=store.is_demo), file_name=f"brief_{period}_{lang}.pptx", mime=PPTX_MIME)``. It costs
three passes of the status engine (the figures of the quarter and the two snapshots of
"what changed") plus building nine slides: under a second on the demo data (most of it
python-pptx building table cells), so it can run when the button is pressed; cache it on
``(data_version, period, lang)`` if the button is drawn on every rerun.

Slides, in order (:func:`slide_kinds`): title; summary of the numeric indicators
(kind ``kpi``); one slide per numeric indicator with a native line chart; measures 21–35
by section; agencies (worst status, late reports); what changed since the previous
quarter. Every number comes from :mod:`metrics.progress.figures` and is formatted by
:mod:`metrics.outputs.charts` as on the pages; every word comes from the catalogue.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from pptx.enum.text import MSO_ANCHOR

from metrics.outputs.brief.context import STATUS_FILL, Brief
from metrics.outputs.brief.fit import Cell, Para, Series, fit_size, fit_table, nice_axis
from metrics.outputs.brief.slides import (
    BOTTOM,
    CONTENT_TOP,
    DEMO_FILL,
    FOOTER_TOP,
    MARGIN,
    WIDTH,
)
from metrics.outputs.brief.tables import agencies_slide, changes_slide, measures_slide
from metrics.outputs.explain import method_lines
from metrics.outputs.palette import INK, MUTED, NATIONAL_COLOR, STATUS_INK
from metrics.plan import periods
from metrics.plan.registry import Indicator, Registry
from metrics.progress.final import final_deadline, is_final
from metrics.text import t
from metrics.text.format import format_gap, format_number, format_share, is_missing

PPTX_MIME = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


def slide_kinds(registry: Registry) -> list[str]:
    """The deck's slides in order: ``title``, ``summary``, ``kpi:<id>`` per KPI, ``measures``,
    ``agencies``, ``changes``."""
    kpis = [f"kpi:{i.id}" for i in registry.indicators if i.kind == "kpi"]
    return ["title", "summary", *kpis, "measures", "agencies", "changes"]


def build_brief(
    registry: Registry,
    obs: pd.DataFrame,
    as_of: str,
    lang: str,
    *,
    demo: bool,
    generated: dt.date | None = None,
    known_at: pd.Timestamp | None = None,
) -> bytes:
    """The briefing deck (``.pptx`` bytes) as of quarter ``as_of`` in ``lang`` (``zh``/``en``).

    ``obs`` is ``Store.observations()``; ``demo`` marks the deck as demo data (title slide
    and every footer); ``generated`` is the date printed on the title slide (default:
    today); ``known_at`` reproduces a past briefing (only values recorded by then count, and
    the title slide says so). Raises ValueError for an unknown language or an unreadable quarter.
    """
    if lang not in ("zh", "en"):
        raise ValueError(f"language must be 'zh' or 'en', not {lang!r}")
    period = periods.parse_period(as_of)
    if period is None:
        raise ValueError(f"not a quarter: {as_of!r}")
    brief = Brief(registry, obs, period, lang, demo, known_at)
    generated = generated or dt.date.today()
    _title_slide(brief, generated)
    _summary_slide(brief)
    for ind in registry.indicators:
        if ind.kind == "kpi":
            _kpi_slide(brief, ind)
    measures_slide(brief)
    agencies_slide(brief)
    changes_slide(brief)
    _footers(brief)
    title = registry.plan.title_zh if lang == "zh" else registry.plan.title_en
    return brief.deck.save(title, t("brief.subtitle", lang, period=brief.period(period)), generated)


# ---------------------------------------------------------------------------- slides


def _title_slide(b: Brief, generated: dt.date) -> None:
    deck = b.deck
    slide = deck.title_slide()
    plan = b.reg.plan
    title = plan.title_zh if b.lang == "zh" else plan.title_en
    width = 13.333 - 2 * 0.8
    size = fit_size([Para(title)], width - 0.1, 2.1, 36, 24, b.lang)
    deck.fill_placeholder(slide.shapes.title, 0.8, 1.3, width, 2.2, [Para(title, bold=True)], size)
    subtitle = b.tr("brief.subtitle", period=b.period(b.as_of))
    if is_final(b.reg, b.as_of):
        subtitle = b.tr("final.deck_title") + " · " + subtitle
    deck.fill_placeholder(slide.placeholders[1], 0.8, 3.6, width, 0.7, [Para(subtitle)], 24)
    if b.lang == "zh":
        date = f"{generated.year}年{generated.month}月{generated.day}日"
    else:
        date = f"{generated.day} {generated:%B %Y}"
    lines = [
        Para(b.tr("brief.generated", date=date), color=MUTED),
        Para(b.source(), scale=0.85, color=MUTED, space_before=4),
    ]
    if b.known_at is not None:
        lines.insert(1, Para(b.tr("brief.known_at", date=b.known_label()), color=MUTED, space_before=4))
    if is_final(b.reg, b.as_of):
        note = b.tr("final.deck_note", deadline=b.period(final_deadline(b.reg)))
        lines.insert(1, Para(note, color=MUTED, space_before=4))
    deck.text(slide, 0.8, 4.35, width, 0.9, lines, 16)
    if b.demo:
        deck.badge(slide, 0.8, 5.55, 3.0, 0.55, b.tr("demo.badge"), DEMO_FILL, "#000000", 16)
        note = [Para(b.tr("brief.demo_note"))]
        deck.text(slide, 4.0, 5.55, width - 3.2, 0.55, note, 14, min_size=11, anchor=MSO_ANCHOR.MIDDLE)


def _summary_slide(b: Brief) -> None:
    title = b.tr("brief.summary_title")
    if is_final(b.reg, b.as_of):
        title = b.tr("final.title", deadline=b.period(final_deadline(b.reg)))
    slide = b.deck.slide(title)
    head = [
        "col.indicator",
        "col.latest",
        "col.period",
        "col.target",
        "brief.col_deadline",
        "col.gap",
        "col.status",
    ]
    rows = [[Cell(b.tr(k)) for k in head]]
    for ind in b.reg.indicators:
        if ind.kind != "kpi":
            continue
        r = b.national.loc[ind.id]
        rows.append(
            [
                Cell(ind.name(b.lang), bold=True),
                Cell(b.value(r["latest_value"], ind), align="right", wrap=False),
                Cell(b.period(r["latest_period"]), wrap=False),
                Cell(b.target(ind), align="right", wrap=False),
                Cell(b.deadline(ind), wrap=False),
                Cell(format_gap(r["gap"], b.unit(ind), b.lang), align="right", wrap=False),
                b.status_cell(str(r["status"]), wrap=True),
            ]
        )
    if b.lang == "zh":
        widths = [3.45, 1.25, 1.85, 1.2, 1.85, 1.38, 1.45]
    else:
        widths = [3.7, 1.45, 1.1, 1.35, 1.2, 1.3, 2.33]
    size, heights, n = fit_table(rows, widths, 4.6, 16, 10, b.lang)
    heights = heights[:1] + [max(h, 0.62) for h in heights[1:]]  # a few rows: give them air
    b.deck.table(slide, MARGIN, CONTENT_TOP + 0.1, widths, rows[:n], size, heights)
    top = CONTENT_TOP + 0.1 + sum(heights) + 0.35
    note = b.tr("brief.summary_counts", n=len(b.national), counts=b.counts(b.national["status"]))
    b.deck.text(slide, MARGIN, top, WIDTH, BOTTOM - top, [Para(note)], 14, min_size=10)


def kpi_chart_data(b: Brief, ind: Indicator) -> tuple[list[str], list[float | None], list[float | None]]:
    """Quarters shown (canonical), the national values (None where not reported) and the
    straight-line path from the baseline to the target at the deadline (None outside it)."""
    nat = b.national.loc[ind.id]
    own = b.values[(b.values["indicator_id"] == ind.id) & (b.values["agency_id"] == ind.owner)]
    reported = dict(zip(own["period"].astype(str), own["value"].astype(float), strict=True))
    deadline = periods.of_date(ind.deadline)
    known = list(reported)
    if not is_missing(nat["baseline_period"]):
        known.append(str(nat["baseline_period"]))
    first = min(known or [b.reg.first_period], key=periods.index)
    last = max([*known, deadline, b.as_of], key=periods.index)
    quarters = periods.span(first, last)
    national = [reported.get(q) for q in quarters]
    path: list[float | None] = [None] * len(quarters)
    if not is_missing(nat["baseline_period"]) and not is_missing(nat["baseline_value"]):
        qb, qd, vb = (
            periods.index(str(nat["baseline_period"])),
            periods.index(deadline),
            float(nat["baseline_value"]),
        )
        for k, q in enumerate(quarters):
            qi = periods.index(q)
            if qb <= qi <= qd:
                share = 1.0 if qd == qb else (qi - qb) / (qd - qb)
                path[k] = round(vb + (ind.target - vb) * share, 4)  # a drawn line: no float noise
    return quarters, national, path


def _kpi_slide(b: Brief, ind: Indicator) -> None:
    deck = b.deck
    nat = b.national.loc[ind.id]
    status = str(nat["status"])
    slide = deck.slide(ind.name(b.lang), size=24)
    measure = b.reg.measure[ind.measure]
    context = b.tr(
        "indicator.context",
        measure=measure.id,
        title=measure.title(b.lang),
        kind=b.tr("kind." + ind.kind),
        owner=b.agency(ind.owner),
    )
    deck.text(slide, MARGIN, 1.0, WIDTH, 0.4, [Para(context, color=MUTED)], 13, min_size=10)
    quarters, national, path = kpi_chart_data(b, ind)
    targets = [ind.target] * len(quarters)
    series = [
        Series(
            b.tr("chart.national"),
            national,
            NATIONAL_COLOR,
            _number_format(national),
            2.75,
            markers=True,
        ),
        Series(
            b.tr("chart.target_line", target=b.target(ind)),
            targets,
            INK,
            _number_format(targets),
            1.5,
            "long_dash",
        ),
        Series(b.tr("chart.expected_path"), path, MUTED, _number_format(path), 1.75, "dot"),
    ]
    shown = [v for s in series for v in s.values if v is not None]
    deck.line_chart(
        slide,
        MARGIN,
        1.45,
        7.75,
        BOTTOM - 1.5,
        categories=[b.period(q) for q in quarters],
        series=series,
        title=b.tr("brief.chart_title"),
        axis_title=b.tr("chart.unit", unit=b.unit(ind)),
        axis=nice_axis(shown),
    )
    x = MARGIN + 7.95
    w = 13.333 - MARGIN - x
    deck.badge(slide, x, 1.5, w, 0.5, b.status(status), STATUS_FILL[status], STATUS_INK[status], 16)
    deck.text(slide, x, 2.1, w, BOTTOM - 2.1, _kpi_text(b, ind, nat, status), 13, min_size=10)


def _kpi_text(b: Brief, ind: Indicator, nat: pd.Series, status: str) -> list[Para]:
    lg = b.lang
    unit = b.unit(ind)
    out = [
        Para(
            b.labelled(
                b.tr("metric.latest", period=b.period(nat["latest_period"])),
                b.value(nat["latest_value"], ind),
            ),
            bold=True,
        ),
        Para(b.labelled(b.tr("metric.target", deadline=b.deadline(ind)), b.target(ind))),
        Para(b.labelled(b.tr("metric.gap"), format_gap(nat["gap"], unit, lg))),
        Para(b.labelled(b.tr("metric.progress"), format_share(nat["progress"]))),
        Para(b.tr("indicator.method_title"), bold=True, space_before=8),
        Para(b.tr("status_explain." + status), scale=0.9),
    ]
    out += [Para("• " + line, scale=0.9, space_before=2) for line in _method_lines(b, ind, nat)]
    note = nat["latest_note"]
    if not is_missing(note) and str(note).strip():
        out.append(
            Para(b.tr("brief.latest_note", note=str(note).strip()), scale=0.9, color=MUTED, space_before=6)
        )
    return out


def _method_lines(b: Brief, ind: Indicator, nat: pd.Series) -> list[str]:
    """The method numbers in plain words, as the indicator page states them."""
    return method_lines(ind, nat, b.as_of, b.lang)


def _number_format(values: list[float | None]) -> str:
    """A series' format: thousands separators and the decimals its data have (at most 2, as the pages)."""
    decimals = max((len(format_number(v).partition(".")[2]) for v in values if v is not None), default=0)
    return "#,##0" + ("." + "0" * decimals if decimals else "")


def _footers(b: Brief) -> None:
    """Source and as-of line, demo marker and page number on every slide after the title."""
    slides = list(b.deck.prs.slides)
    for k, slide in enumerate(slides[1:], start=2):
        right = 1.0
        if b.demo:
            b.deck.badge(
                slide,
                13.333 - MARGIN - 1.0 - 2.3,
                FOOTER_TOP + 0.04,
                2.2,
                0.32,
                b.tr("demo.badge"),
                DEMO_FILL,
                "#000000",
                10,
            )
        b.deck.text(
            slide,
            MARGIN,
            FOOTER_TOP,
            WIDTH - right - 2.4,
            0.4,
            [Para(b.source(), color=MUTED)],
            10,
            min_size=9,
        )
        b.deck.text(
            slide,
            13.333 - MARGIN - right,
            FOOTER_TOP,
            right,
            0.4,
            [Para(f"{k} / {len(slides)}", color=MUTED)],
            10,
            align="right",
        )
