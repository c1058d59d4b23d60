"""The frame every chart has (pure: no streamlit): title (wrapped) with unit and as-of quarter,
an optional colour key, the source line, the axes' style. The figure builders are in
:mod:`metrics.outputs.charts`; colours in :mod:`metrics.outputs.palette`."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import plotly.graph_objects as go

from metrics.outputs.palette import FONT_FAMILY, GRID, INK, MUTED
from metrics.plan import periods
from metrics.text import t
from metrics.text.format import display_width, wrap


@dataclass(frozen=True)
class ChartContext:
    """What every chart states about itself: language, as-of quarter, data source."""

    lang: str
    as_of: str  # canonical period, e.g. 2025Q4
    source: str  # the plan's source line in ``lang``
    title_width: int = 76  # columns (a CJK character counts two) before a title wraps

    @property
    def as_of_label(self) -> str:
        return periods.label(self.as_of, self.lang)

    @property
    def footer(self) -> str:
        return t("chart.source", self.lang, source=self.source, as_of=self.as_of_label)

    def status_word(self, status: str) -> str:
        return t(f"status.{status}", self.lang)


def frame_layout(
    ctx: ChartContext,
    title: str,
    unit: str | None,
    height: int,
    *,
    legend: bool = True,
    bottom: int = 70,
    key: Sequence[tuple[str, str]] = (),
) -> dict:
    """The frame as a layout dict: title (wrapped) with unit and as-of underneath, an optional
    colour key under that (``key``: (colour, text) pairs, wrapped like the title), the source
    line below the plot (the one annotation), and the axes' grid and tick style.

    The key lives in the title block rather than in a Plotly legend so that it wraps
    predictably at any width and never overlaps the plot."""
    wrapped = wrap(title, ctx.title_width)
    lines = wrapped.count("<br>") + 1
    parts = [t("chart.as_of", ctx.lang, period=ctx.as_of_label)]
    if unit:
        parts.insert(0, t("chart.unit", ctx.lang, unit=unit))
    subtitle = " · ".join(parts)
    key_lines = _key_lines(key, ctx.title_width)
    text = f"<b>{wrapped}</b><br><span style='font-size:13px;color:{MUTED}'>{subtitle}</span>"
    for line in key_lines:
        text += f"<br><span style='font-size:13px;color:{INK}'>{line}</span>"
    top = 26 * lines + 34 + 21 * len(key_lines) + (40 if legend else 0)
    axis = {"gridcolor": GRID, "zeroline": False, "automargin": True, "tickfont": {"size": 12}}
    return {
        "title": {
            "text": text,
            "x": 0.0,
            "xanchor": "left",
            "xref": "container",
            "y": 1.0,
            "yref": "container",
            "yanchor": "top",
            "pad": {"t": 14, "l": 12},
            "font": {"size": 18, "color": INK},
        },
        "font": {"family": FONT_FAMILY, "size": 13, "color": INK},
        "height": height + 21 * len(key_lines),
        "margin": {"l": 10, "r": 24, "t": top, "b": bottom},
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "showlegend": legend,
        "legend": {
            "orientation": "h",
            "x": 0,
            "xanchor": "left",
            "y": 1.0,
            "yanchor": "bottom",
            "font": {"size": 12},
            "traceorder": "normal",
        },
        "hoverlabel": {"font": {"family": FONT_FAMILY}},
        "annotations": [
            {
                "text": ctx.footer,
                "xref": "paper",
                "yref": "paper",
                "x": 0,
                "y": 0,
                "xanchor": "left",
                "yanchor": "top",
                "yshift": -(bottom - 20),
                "showarrow": False,
                "font": {"size": 12, "color": MUTED},
            }
        ],
        "xaxis": dict(axis),
        "yaxis": dict(axis),
    }


def merge_layout(base: dict, extra: dict) -> dict:
    """``base`` updated by ``extra`` as ``Figure.update_layout`` would (nested dicts merged,
    ``extra`` winning), except that annotations and shapes are appended."""
    out = dict(base)
    for name, value in extra.items():
        if name in ("annotations", "shapes"):
            out[name] = [*out.get(name, ()), *value]
        elif isinstance(value, dict) and isinstance(out.get(name), dict):
            out[name] = merge_layout(out[name], value)
        else:
            out[name] = value
    return out


def framed(
    data: Sequence[dict],
    layout: dict,
    ctx: ChartContext,
    title: str,
    unit: str | None,
    height: int,
    **frame: object,
) -> go.Figure:
    """A figure from trace dicts and a layout dict, with the frame (:func:`frame_layout`).

    Built in one constructor call: Plotly validates every property once, where a chain of
    ``update_layout``/``add_annotation`` calls costs several times more (quadratically so
    for many annotations)."""
    return go.Figure(
        data=list(data), layout=merge_layout(layout, frame_layout(ctx, title, unit, height, **frame))
    )


def _key_lines(items: Sequence[tuple[str, str]], width: int) -> list[str]:
    """Colour-key items (a coloured square and the words) packed into lines of ``width`` columns."""
    lines: list[str] = []
    line, used = "", 0
    for colour, words in items:
        w = display_width(re.sub(r"<[^>]+>", "", words)) + 5
        item = f"<span style='color:{colour}'>■</span> {words}" if colour else words
        if line and used + w > width:
            lines.append(line)
            line, used = "", 0
        line += ("&nbsp;&nbsp;&nbsp;" if line else "") + item
        used += w
    if line:
        lines.append(line)
    return lines
