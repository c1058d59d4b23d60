"""The overview's status mix as an HTML chart rather than a Plotly figure.

The overview's first chart decides when a leader sees the page: a Plotly chart waits for the
browser to load and run Plotly's 4.7 MB script (about a second on a 2-core machine, more than
the rest of the page), where a few rows of stacked bars drawn in HTML show with the text around
them. The chart states what every chart states (title, unit, as-of quarter, colour key, source:
:mod:`metrics.outputs.chart_frame`); each segment names its status in icon, count and a tooltip,
so colour is never the only sign. Pure: no streamlit.
"""

from __future__ import annotations

import html

import pandas as pd

from metrics.outputs.chart_frame import ChartContext
from metrics.outputs.palette import (
    FONT_FAMILY,
    GRID,
    INK,
    MUTED,
    STATUS_COLORS,
    STATUS_ICONS,
    STATUS_INK,
    STATUS_ORDER,
    status_legend_name,
)
from metrics.text import t

TICKS = (0, 25, 50, 75, 100)  # % of the row's figures
LABEL_WIDTH = "5.5rem"  # the row labels' column (数值指标 / Milestones)


def rows(counts: pd.DataFrame) -> list[tuple[str, list[tuple[str, int]]]]:
    """(group, [(status, n), …]) per group in their order, statuses best to worst, zero counts left out.

    ``counts``: group (an already translated row label), status, n."""
    groups: dict[str, dict[str, int]] = {}
    for group, status, n in zip(counts["group"], counts["status"], counts["n"], strict=True):
        by = groups.setdefault(str(group), {})
        if n > 0:
            by[status] = by.get(status, 0) + int(n)
    return [(g, [(s, by[s]) for s in STATUS_ORDER if s in by]) for g, by in groups.items()]


def shares(parts: list[tuple[str, int]]) -> list[float]:
    """Each segment's width in % of its row (a row is normalised to 100 %, as the counts are printed)."""
    total = sum(n for _, n in parts)
    return [round(100.0 * n / total, 3) if total else 0.0 for _, n in parts]


def status_mix_html(counts: pd.DataFrame, ctx: ChartContext) -> str:
    """Stacked bars of how many indicators are in each status, one row per group, as HTML."""
    lang = ctx.lang
    data = rows(counts)
    present = [s for s in STATUS_ORDER if any(s == st for _, parts in data for st, _ in parts)]
    title = html.escape(t("chart.status_mix_title", lang))
    sub = " · ".join(
        html.escape(x)
        for x in (
            t("chart.unit", lang, unit=t("chart.mix_unit", lang)),
            t("chart.as_of", lang, period=ctx.as_of_label),
        )
    )
    key = "&nbsp;&nbsp;&nbsp;".join(
        f'<span style="white-space:nowrap"><span style="color:{STATUS_COLORS[s]}">■</span> '
        f"{html.escape(status_legend_name(s, lang))}</span>"
        for s in present
    )
    bars = "".join(_row(group, parts, lang) for group, parts in data)
    grid = "".join(
        f'<div style="position:absolute;left:{x}%;top:0;bottom:0;border-left:1px solid {GRID}"></div>'
        for x in TICKS
    )
    ticks = "".join(
        f'<span style="position:absolute;left:{x}%;transform:translateX(-50%)">{x}%</span>' for x in TICKS
    )
    axis_title = html.escape(t("chart.share_axis", lang))
    return (
        f'<figure class="status-mix-chart" role="figure" aria-label="{title}" '
        f'style="margin:0;padding:14px 24px 8px 12px;background:white;color:{INK};font-family:{FONT_FAMILY};'
        'font-size:13px;line-height:1.45">'
        f'<div style="font-size:18px;font-weight:700;line-height:1.3">{title}</div>'
        f'<div style="color:{MUTED};margin-top:2px">{sub}</div>'
        f'<div style="margin-top:2px">{key}</div>'
        f'<div style="display:grid;grid-template-columns:{LABEL_WIDTH} 1fr;column-gap:8px;margin-top:18px">'
        f'<div style="display:flex;flex-direction:column;gap:14px">'
        + "".join(
            f'<div style="height:34px;display:flex;align-items:center;justify-content:flex-end;'
            f'font-size:12px;text-align:right">{html.escape(group)}</div>'
            for group, _ in data
        )
        + "</div>"
        f'<div style="position:relative;display:flex;flex-direction:column;gap:14px">{grid}{bars}</div>'
        f'<div></div><div style="position:relative;height:18px;font-size:12px;margin-top:4px">{ticks}</div>'
        f'<div></div><div style="text-align:center;font-size:13px;margin-top:4px">{axis_title}</div>'
        "</div>"
        f'<figcaption style="text-align:right;font-size:12px;color:{MUTED};margin-top:10px">'
        f"{html.escape(ctx.footer)}</figcaption></figure>"
    )


def _row(group: str, parts: list[tuple[str, int]], lang: str) -> str:
    segments = "".join(
        f'<div title="{html.escape(group)}: {n} {html.escape(t("status." + status, lang))}" '
        f'style="width:{share}%;background:{STATUS_COLORS[status]};color:{STATUS_INK[status]};'
        "display:flex;align-items:center;justify-content:center;white-space:nowrap;overflow:visible;"
        'box-shadow:inset -1px 0 0 white;font-size:13px">'
        f"{html.escape(STATUS_ICONS[status])} {n}</div>"
        for (status, n), share in zip(parts, shares(parts), strict=True)
    )
    return f'<div style="position:relative;height:34px;display:flex">{segments}</div>'
