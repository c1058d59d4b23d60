"""What every chart shares (pure: no streamlit): the status palette and icons, number and
period formatting in both languages, title wrapping, and the frame (title, unit, as-of,
colour key, source line). The figure builders are in :mod:`metrics.outputs.charts`."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from metrics.plan import periods
from metrics.text import t

FONT_FAMILY = '"Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", "Noto Sans SC", sans-serif'
INK = "#1F2933"
MUTED = "#5F6B7A"
GRID = "#E4E7EB"
NATIONAL_COLOR = "#1F2933"
# Series that are not statuses (agencies' own figures): neutral, distinct from the status colours.
SERIES_COLORS = ("#7F7F7F", "#8C6D31", "#5B5EA6", "#3F7F7F", "#A0522D", "#6B8E23")
SERIES_SYMBOLS = ("square", "diamond", "triangle-up", "cross", "pentagon", "star-triangle-up")

# Okabe–Ito based, best to worst; greys for "cannot assess".
STATUS_COLORS: dict[str, str] = {
    "achieved": "#009E73",
    "on_track": "#0072B2",
    "acceleration_needed": "#E69F00",
    "limited_progress": "#D55E00",
    "deterioration": "#CC79A7",
    "missed": "#000000",
    "insufficient_data": "#999999",
    "no_data": "#D9D9D9",
}
STATUS_INK: dict[str, str] = {  # text colour readable on the status colour
    "achieved": "#FFFFFF",
    "on_track": "#FFFFFF",
    "acceleration_needed": "#000000",
    "limited_progress": "#FFFFFF",
    "deterioration": "#000000",
    "missed": "#FFFFFF",
    "insufficient_data": "#000000",
    "no_data": "#000000",
}
STATUS_ICONS: dict[str, str] = {
    "achieved": "✓",
    "on_track": "●",
    "acceleration_needed": "▲",
    "limited_progress": "◆",
    "deterioration": "▼",
    "missed": "✕",
    "insufficient_data": "◐",
    "no_data": "○",
}
STATUS_SYMBOLS: dict[str, str] = {  # Plotly marker symbols matching the icons
    "achieved": "star",
    "on_track": "circle",
    "acceleration_needed": "triangle-up",
    "limited_progress": "diamond",
    "deterioration": "triangle-down",
    "missed": "x",
    "insufficient_data": "circle-open-dot",
    "no_data": "circle-open",
}
STATUS_ORDER: tuple[str, ...] = tuple(STATUS_COLORS)
_ZH_UNIT_DISPLAY = {"月": "个月"}  # 18个月, not 18月


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


# --------------------------------------------------------------------------- formatting


def is_missing(value: object) -> bool:
    if value is None or value is pd.NA:
        return True
    try:
        return math.isnan(float(value))
    except (TypeError, ValueError):
        return True


def format_number(value: object) -> str:
    """Thousands separators, at most two decimals, no trailing zeros; a dash when missing."""
    if is_missing(value):
        return "—"
    number = round(float(value), 2)
    if number == int(number):
        return f"{int(number):,}"
    return f"{number:,.2f}".rstrip("0").rstrip(".")


def format_value(value: object, unit: str, lang: str) -> str:
    """``85.2%``, ``18个月`` / ``18 months``, ``42 个`` / ``42 points``."""
    number = format_number(value)
    if number == "—":
        return number
    if unit.strip() == "%":
        return f"{number}%"
    if lang == "zh":
        return f"{number}{_ZH_UNIT_DISPLAY.get(unit, unit)}"
    return f"{number} {unit}"


def format_gap(value: object, unit: str, lang: str) -> str:
    """A distance to target; percentages in percentage points."""
    if unit.strip() == "%" and not is_missing(value):
        return t("unit.pp", lang, value=format_number(value))
    return format_value(value, unit, lang)


def format_target(target: float, direction: str, unit: str, lang: str) -> str:
    sign = "≥" if direction == "at_least" else "≤"
    return f"{sign} {format_value(target, unit, lang)}"


def format_share(share: object) -> str:
    """0.764 -> ``76%``."""
    return "—" if is_missing(share) else f"{round(float(share) * 100):d}%"


def _width(ch: str) -> int:
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def wrap(text: str, width: int = 60, max_lines: int | None = None) -> str:
    """Break text into lines of at most ``width`` columns (a CJK character counts two)
    joined by ``<br>``; Latin text breaks at spaces. Beyond ``max_lines`` the last line ends in …"""
    lines: list[str] = []
    line, used = "", 0
    for token in _tokens(text):
        w = sum(_width(c) for c in token)
        if used + w > width and line.strip():
            lines.append(line.rstrip())
            line, used = token.lstrip(), sum(_width(c) for c in token.lstrip())
        else:
            line, used = line + token, used + w
    if line.strip():
        lines.append(line.rstrip())
    if max_lines and len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: max(1, len(lines[-1]) - 1)] + "…"
    return "<br>".join(lines)


def _tokens(text: str) -> list[str]:
    """Words (with their trailing space) and single CJK characters; closing punctuation
    sticks to the character before it so that no line starts with it."""
    out: list[str] = []
    word = ""
    for ch in text:
        if _width(ch) == 2:
            if word:
                out.append(word)
                word = ""
            if ch in "，。、；：）》」』”！？" and out:
                out[-1] += ch
            else:
                out.append(ch)
        elif ch == " ":
            out.append(word + " ")
            word = ""
        else:
            word += ch
    if word:
        out.append(word)
    return out


# --------------------------------------------------------------------------- frame


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


def frame_figure(
    fig: go.Figure,
    ctx: ChartContext,
    title: str,
    unit: str | None,
    height: int,
    *,
    legend: bool = True,
    bottom: int = 70,
    key: Sequence[tuple[str, str]] = (),
) -> go.Figure:
    """Put the frame (:func:`frame_layout`) around an existing figure, in place.

    The charts in :mod:`metrics.outputs.charts` use the cheaper :func:`framed` instead."""
    layout = frame_layout(ctx, title, unit, height, legend=legend, bottom=bottom, key=key)
    annotations = layout.pop("annotations")
    fig.update_layout(layout)
    for note in annotations:
        fig.add_annotation(note)
    return fig


def _key_lines(items: Sequence[tuple[str, str]], width: int) -> list[str]:
    """Colour-key items (a coloured square and the words) packed into lines of ``width`` columns."""
    lines: list[str] = []
    line, used = "", 0
    for colour, words in items:
        w = sum(_width(ch) for ch in re.sub(r"<[^>]+>", "", words)) + 5
        item = f"<span style='color:{colour}'>■</span> {words}" if colour else words
        if line and used + w > width:
            lines.append(line)
            line, used = "", 0
        line += ("&nbsp;&nbsp;&nbsp;" if line else "") + item
        used += w
    if line:
        lines.append(line)
    return lines


def status_key(statuses: Sequence[str], lang: str) -> list[tuple[str, str]]:
    """Key items for the statuses present, best to worst."""
    present = set(statuses)
    return [(STATUS_COLORS[s], status_legend_name(s, lang)) for s in STATUS_ORDER if s in present]


def status_legend_name(status: str, lang: str) -> str:
    return f"{STATUS_ICONS[status]} {t('status.' + status, lang)}"


def format_ranges(numbers: Sequence[int]) -> str:
    """``[21, 22, 23, 25]`` -> ``21–23, 25``; a dash when empty."""
    ordered = sorted(set(numbers))
    if not ordered:
        return "—"
    runs: list[list[int]] = [[ordered[0], ordered[0]]]
    for n in ordered[1:]:
        if n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    return ", ".join(str(a) if a == b else f"{a}–{b}" if b > a + 1 else f"{a}, {b}" for a, b in runs)


_CN_DIGITS = "零一二三四五六七八九"


def cn_numeral(n: int) -> str:
    """1–99 in Chinese numerals, as the plan numbers its sections and measures (五, 二十一)."""
    if n < 10:
        return _CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[ones] if ones else "")
