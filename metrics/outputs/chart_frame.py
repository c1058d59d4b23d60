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

# Every chart is laid out for at least this width: the page keeps charts this wide on a phone
# (scrolling sideways, see pages/frame/layout.py) and the PNG export renders at EXPORT_WIDTH.
MIN_WIDTH = 560
EXPORT_WIDTH = 960
MODEBAR_BAND = 36  # px of blank band above the title, where Plotly's toolbar appears on hover
LINE = 24  # px per line of the title block after the first two (Plotly spaces them by the 18 px font)


@dataclass(frozen=True)
class ChartContext:
    """What every chart states about itself: language, as-of quarter, data source."""

    lang: str
    as_of: str  # canonical period, e.g. 2025Q4
    source: str  # the plan's source line in ``lang``
    title_width: int = 36  # columns (a CJK character counts two) before a title wraps: fits a phone

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
    lead: str | None = None,
    note: str | None = None,
) -> dict:
    """The frame as a layout dict: title (wrapped) with unit, as-of quarter and (``lead``) the
    lead agency underneath, an optional colour key under that (``key``: (colour, text) pairs)
    and a ``note`` explaining it, the source line below the plot (the one annotation), and the
    axes' grid and tick style.

    Everything in the title block wraps at ``ctx.title_width`` (the 13 px lines at a
    proportionally wider width), so that it fits the part of a chart a phone shows without
    scrolling (about 360 px); the key lives there rather than in a Plotly legend so that it
    never overlaps the plot."""
    wrapped = wrap(title, ctx.title_width)
    lines = wrapped.count("<br>") + 1
    small = ctx.title_width * 18 // 13  # columns of a 13 px line as wide as the 18 px title
    parts = [t("chart.as_of", ctx.lang, period=ctx.as_of_label)]
    if unit:
        parts.insert(0, t("chart.unit", ctx.lang, unit=unit))
    if lead:
        parts.append(t("chart.lead", ctx.lang, agency=lead))
    sub_lines = _packed(parts, small, " · ")
    key_lines = _key_lines(key, small)
    note_lines = wrap(note, small).split("<br>") if note else []
    text = f"<b>{wrapped}</b>"
    for line in sub_lines:
        text += f"<br><span style='font-size:13px;color:{MUTED}'>{line}</span>"
    for line in key_lines:
        text += f"<br><span style='font-size:13px;color:{INK}'>{line}</span>"
    for line in note_lines:
        text += f"<br><span style='font-size:13px;color:{MUTED}'>{line}</span>"
    extra = len(key_lines) + len(note_lines) + len(sub_lines) - 1
    top = MODEBAR_BAND + 26 * lines + 34 + LINE * extra + (40 if legend else 0)
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
            "pad": {"t": 14 + MODEBAR_BAND, "l": 12},
            "font": {"size": 18, "color": INK},
        },
        "font": {"family": FONT_FAMILY, "size": 13, "color": INK},
        "height": height + LINE * extra + MODEBAR_BAND,
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
                "x": 1,  # from the right edge: the plot's left edge moves with the axis labels
                "y": 0,
                "xanchor": "right",
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


def _packed(parts: Sequence[str], width: int, sep: str) -> list[str]:
    """Short phrases joined by ``sep`` into lines of at most ``width`` columns (a phrase is never split)."""
    lines: list[str] = []
    for part in parts:
        if lines and display_width(lines[-1] + sep + part) <= width:
            lines[-1] += sep + part
        else:
            lines.append(part)
    return lines


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
