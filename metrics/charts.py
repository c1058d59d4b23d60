"""Briefing-ready Plotly figures and the one status palette (pure: no streamlit).

Every figure carries its own title, unit, as-of quarter and source line, so that a
screenshot or an exported PNG stands alone. Status is never shown by colour alone: each
status has an Okabe–Ito colour, an icon and (in the legend) its word.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from metrics import periods
from metrics.i18n import t

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
    title_width: int = 88  # columns (a CJK character counts two) before a title wraps

    @property
    def as_of_label(self) -> str:
        return periods.label(self.as_of, self.lang)

    @property
    def footer(self) -> str:
        return t("chart.source", self.lang, source=self.source, as_of=self.as_of_label)

    def status_word(self, status: str) -> str:
        return t(f"status.{status}", self.lang)


# --------------------------------------------------------------------------- formatting


def _missing(value: object) -> bool:
    if value is None or value is pd.NA:
        return True
    try:
        return math.isnan(float(value))
    except (TypeError, ValueError):
        return True


def format_number(value: object) -> str:
    """Thousands separators, at most two decimals, no trailing zeros; a dash when missing."""
    if _missing(value):
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
    if unit.strip() == "%" and not _missing(value):
        return t("unit.pp", lang, value=format_number(value))
    return format_value(value, unit, lang)


def format_target(target: float, direction: str, unit: str, lang: str) -> str:
    sign = "≥" if direction == "at_least" else "≤"
    return f"{sign} {format_value(target, unit, lang)}"


def format_share(share: object) -> str:
    """0.764 -> ``76%``."""
    return "—" if _missing(share) else f"{round(float(share) * 100):d}%"


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


def _frame(
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
    """Title (wrapped) with unit and as-of underneath, an optional colour key under that
    (``key``: (colour, text) pairs, wrapped like the title), the source line below the plot.

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
    top = 26 * lines + 44 + 21 * len(key_lines) + (36 if legend else 0)
    fig.update_layout(
        title={
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
        font={"family": FONT_FAMILY, "size": 13, "color": INK},
        height=height + 21 * len(key_lines),
        margin={"l": 10, "r": 24, "t": top, "b": bottom},
        paper_bgcolor="white",
        plot_bgcolor="white",
        showlegend=legend,
        legend={
            "orientation": "h",
            "x": 0,
            "xanchor": "left",
            "y": 1.0,
            "yanchor": "bottom",
            "font": {"size": 12},
            "traceorder": "normal",
        },
        hoverlabel={"font": {"family": FONT_FAMILY}},
    )
    fig.add_annotation(
        text=ctx.footer,
        xref="paper",
        yref="paper",
        x=0,
        y=0,
        xanchor="left",
        yanchor="top",
        yshift=-(bottom - 16) if bottom < 60 else -(bottom - 22),
        showarrow=False,
        font={"size": 12, "color": MUTED},
    )
    fig.update_xaxes(gridcolor=GRID, zeroline=False, automargin=True, tickfont={"size": 12})
    fig.update_yaxes(gridcolor=GRID, zeroline=False, automargin=True, tickfont={"size": 12})
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


# --------------------------------------------------------------------------- charts


def sparkline(values: Sequence[float], status: str, height: int = 64) -> go.Figure:
    """A tiny trend for a card: the line in ink, the latest point in the status colour."""
    ys = [float(v) for v in values]
    xs = list(range(len(ys)))
    fig = go.Figure(go.Scatter(x=xs, y=ys, mode="lines", line={"color": MUTED, "width": 2}, hoverinfo="skip"))
    if ys:
        fig.add_trace(
            go.Scatter(
                x=[xs[-1]],
                y=[ys[-1]],
                mode="markers",
                marker={"color": STATUS_COLORS[status], "size": 9, "symbol": STATUS_SYMBOLS[status]},
                hoverinfo="skip",
            )
        )
    fig.update_layout(
        height=height,
        margin={"l": 4, "r": 8, "t": 6, "b": 6},
        showlegend=False,
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        xaxis={"visible": False},
        yaxis={"visible": False},
    )
    return fig


def status_mix(counts: pd.DataFrame, ctx: ChartContext, height: int = 260) -> go.Figure:
    """Stacked bars of how many indicators are in each status; ``counts``: group, status, n.

    ``group`` is an already translated row label (e.g. 数值指标 / 里程碑).
    """
    groups = list(dict.fromkeys(counts["group"]))
    fig = go.Figure()
    for status in STATUS_ORDER:
        sub = counts[counts["status"] == status].set_index("group")["n"].reindex(groups).fillna(0)
        if sub.sum() == 0:
            continue
        fig.add_trace(
            go.Bar(
                y=groups,
                x=sub.to_list(),
                orientation="h",
                name=status_legend_name(status, ctx.lang),
                marker={"color": STATUS_COLORS[status], "line": {"color": "white", "width": 1}},
                text=[f"{STATUS_ICONS[status]} {int(n)}" if n else "" for n in sub],
                textposition="inside",
                insidetextanchor="middle",
                textfont={"color": STATUS_INK[status], "size": 13},
                hovertemplate="%{y}: %{x}<extra>" + status_legend_name(status, ctx.lang) + "</extra>",
            )
        )
    fig.update_layout(barmode="stack", bargap=0.35)
    fig.update_xaxes(title_text=t("chart.count_axis", ctx.lang), dtick=5 if counts["n"].sum() > 12 else 1)
    fig.update_yaxes(autorange="reversed")
    key = status_key(counts.loc[counts["n"] > 0, "status"], ctx.lang)
    return _frame(fig, ctx, t("chart.status_mix_title", ctx.lang), None, height, legend=False, key=key)


def progress_bars(
    rows: pd.DataFrame,
    ctx: ChartContext,
    label_width: int = 40,
    max_lines: int = 2,
    row_height: int | None = None,
    label_size: float = 12,
    compact: bool = False,
) -> go.Figure:
    """Share of the distance to target covered by every indicator, sorted, with the share
    expected by now marked. ``rows``: name, progress, expected_progress, status (shares 0–1)."""
    data = rows.assign(_p=rows["progress"].astype(float)).sort_values(
        "_p", ascending=False, na_position="last"
    )
    labels = [wrap(str(n), label_width, max_lines=max_lines) for n in data["name"]]
    pct = (data["_p"].clip(lower=0, upper=1) * 100).round(1)
    fig = go.Figure()
    for status in STATUS_ORDER:
        mask = (data["status"] == status).to_numpy()
        if not mask.any():
            continue
        shown = pct[mask].fillna(0)
        text = [
            f"{STATUS_ICONS[status]} {format_share(p)}"
            if not _missing(p)
            else status_legend_name(status, ctx.lang)
            for p in data["_p"][mask]
        ]
        fig.add_trace(
            go.Bar(
                y=[lab for lab, m in zip(labels, mask, strict=True) if m],
                x=shown.to_list(),
                orientation="h",
                name=status_legend_name(status, ctx.lang),
                marker={"color": STATUS_COLORS[status]},
                text=text,
                textposition="auto",
                insidetextanchor="end",
                insidetextfont={"size": 12, "color": STATUS_INK[status]},
                outsidetextfont={"size": 12, "color": INK},
                cliponaxis=False,
                customdata=list(data["name"][mask]),
                hovertemplate="%{customdata}<br>%{x:.0f}%<extra>"
                + status_legend_name(status, ctx.lang)
                + "</extra>",
            )
        )
    expected = data["expected_progress"].astype(float) * 100
    has = expected.notna().to_numpy()
    fig.add_trace(
        go.Scatter(
            y=[lab for lab, m in zip(labels, has, strict=True) if m],
            x=expected[has].to_list(),
            mode="markers",
            name=t("chart.expected_marker", ctx.lang),
            marker={"symbol": "line-ns", "size": 20, "line": {"width": 3, "color": INK}, "color": INK},
            hovertemplate="%{x:.0f}%<extra>" + t("chart.expected_marker", ctx.lang) + "</extra>",
        )
    )
    n = len(data)
    fig.update_layout(barmode="overlay", bargap=0.3, uniformtext={"minsize": 11, "mode": "show"})
    fig.update_xaxes(
        range=[0, 118],
        tickvals=[0, 25, 50, 75, 100],
        ticktext=["0%", "25%", "50%", "75%", "100%"],
        title_text=None if compact else t("chart.progress_axis", ctx.lang),
    )
    fig.update_yaxes(
        categoryorder="array",
        categoryarray=labels[::-1],
        gridcolor="rgba(0,0,0,0)",
        tickfont={"size": label_size},
    )
    lines = max((lab.count("<br>") + 1 for lab in labels), default=1)
    title_lines = wrap(t("chart.progress_title", ctx.lang), ctx.title_width).count("<br>") + 1
    per_row = row_height or (30 if lines == 1 else 16 * lines + 10)
    bottom = 40 if compact else 70
    height = 26 * title_lines + 44 + bottom + 16 + max(n, 3) * per_row
    key = [*status_key(data["status"], ctx.lang), ("", f"<b>｜</b> {t('chart.expected_marker', ctx.lang)}")]
    title = t("chart.progress_title", ctx.lang)
    return _frame(fig, ctx, title, None, height, legend=False, key=key, bottom=bottom)


@dataclass(frozen=True)
class TrendSpec:
    """Everything the trend chart of one indicator shows (values already as of the quarter)."""

    name: str
    unit: str  # in the chart's language
    target: float
    direction: str
    deadline: str  # canonical period of the deadline
    status: str
    national: pd.DataFrame  # period, value, revised (bool), hover (text)
    agencies: Mapping[str, pd.DataFrame]  # translated agency name -> period, value
    baseline: tuple[str, float] | None = None
    projection: tuple[str, float, float] | None = None  # latest period, latest value, value at deadline
    attainment: str | None = None  # canonical period the projection reaches the target


def trend(spec: TrendSpec, ctx: ChartContext, height: int = 480) -> go.Figure:
    """National figure and each agency's, target line, deadline, expected path, projection."""
    lang = ctx.lang
    fig = go.Figure()
    all_periods = list(spec.national["period"]) + [p for df in spec.agencies.values() for p in df["period"]]
    if spec.baseline:
        all_periods.append(spec.baseline[0])
    first = min([*all_periods, ctx.as_of], key=periods.index)
    last = max([*all_periods, spec.deadline, ctx.as_of], key=periods.index)
    x = periods.index
    for i, (label, df) in enumerate(spec.agencies.items()):
        fig.add_trace(
            go.Scatter(
                x=[x(p) for p in df["period"]],
                y=df["value"].to_list(),
                mode="lines+markers",
                name=label,
                line={"color": SERIES_COLORS[i % len(SERIES_COLORS)], "width": 1.8},
                marker={"symbol": SERIES_SYMBOLS[i % len(SERIES_SYMBOLS)], "size": 7},
                hovertemplate=label + "<br>%{text}: %{y}<extra></extra>",
                text=[periods.label(p, lang) for p in df["period"]],
            )
        )
    if spec.baseline and len(spec.national):
        bp, bv = spec.baseline
        fig.add_trace(
            go.Scatter(
                x=[x(bp), x(spec.deadline)],
                y=[bv, spec.target],
                mode="lines",
                name=t("chart.expected_path", lang),
                line={"color": MUTED, "width": 1.5, "dash": "dot"},
                hoverinfo="skip",
            )
        )
    if spec.projection:
        lp, lv, pv = spec.projection
        if not _missing(pv) and x(lp) < x(spec.deadline):
            fig.add_trace(
                go.Scatter(
                    x=[x(lp), x(spec.deadline)],
                    y=[lv, pv],
                    mode="lines+markers",
                    name=t("chart.projection", lang),
                    line={"color": STATUS_COLORS[spec.status], "width": 2.5, "dash": "dash"},
                    marker={"size": [0, 9], "symbol": "circle-open", "color": STATUS_COLORS[spec.status]},
                    hovertemplate=t("chart.projection", lang) + ": %{y:.4g}<extra></extra>",
                )
            )
    nat = spec.national
    fig.add_trace(
        go.Scatter(
            x=[x(p) for p in nat["period"]],
            y=nat["value"].to_list(),
            mode="lines+markers",
            name=t("chart.national", lang),
            line={"color": NATIONAL_COLOR, "width": 3},
            marker={"size": 9, "color": NATIONAL_COLOR},
            text=nat.get("hover", pd.Series([""] * len(nat))).to_list(),
            hovertemplate="%{text}<extra></extra>",
        )
    )
    revised = nat[nat["revised"].astype(bool)] if "revised" in nat else nat.iloc[0:0]
    if len(revised):
        fig.add_trace(
            go.Scatter(
                x=[x(p) for p in revised["period"]],
                y=revised["value"].to_list(),
                mode="markers",
                name=t("chart.revised", lang),
                marker={"size": 18, "symbol": "circle-open", "line": {"width": 2, "color": "#E69F00"}},
                hoverinfo="skip",
            )
        )
    fig.add_hline(
        y=spec.target,
        line={"color": INK, "width": 1.5, "dash": "longdash"},
        annotation_text=t(
            "chart.target_line", lang, target=format_target(spec.target, spec.direction, spec.unit, lang)
        ),
        annotation_position="top left",
        annotation_font={"size": 12, "color": INK},
    )
    fig.add_vline(
        x=x(spec.deadline),
        line={"color": MUTED, "width": 1.2, "dash": "dot"},
        annotation_text=t("chart.deadline", lang, period=periods.label(spec.deadline, lang)),
        annotation_position="top left",
        annotation_font={"size": 12, "color": MUTED},
    )
    span = periods.span(first, last)
    step = 1 if len(span) <= 12 else 2
    fig.update_xaxes(
        tickvals=[x(p) for p in span[::step]],
        ticktext=[wrap(periods.label(p, lang), 10) for p in span[::step]],
        range=[x(first) - 0.4, x(last) + 0.6],
        showgrid=False,
    )
    fig.update_yaxes(rangemode="normal")
    if spec.attainment:
        note = t("chart.attainment", lang, period=periods.label(spec.attainment, lang))
    elif spec.projection:
        note = t("chart.no_attainment", lang)
    else:
        note = ""
    if note:
        fig.add_annotation(
            text=note,
            xref="paper",
            yref="paper",
            x=1,
            y=0,
            xanchor="right",
            yanchor="top",
            yshift=-48,
            showarrow=False,
            font={"size": 12, "color": INK},
        )
    return _frame(fig, ctx, spec.name, spec.unit, height, bottom=96)


def agency_grid(
    cells: pd.DataFrame, ctx: ChartContext, agencies: Sequence[str], measures: Sequence[str]
) -> go.Figure:
    """Agency × measure: filled square where the agency leads, open square where it shares;
    colour and icon give the measure's worst status. ``cells``: agency, measure, role, status
    (agency and measure already translated labels, in the order given)."""
    fig = go.Figure()
    for role, symbol, size in (("lead", "square", 30), ("shared", "square-open", 24)):
        for status in STATUS_ORDER:
            sub = cells[(cells["role"] == role) & (cells["status"] == status)]
            if sub.empty:
                continue
            fig.add_trace(
                go.Scatter(
                    x=sub["measure"].to_list(),
                    y=sub["agency"].to_list(),
                    mode="markers+text",
                    marker={
                        "symbol": symbol,
                        "size": size,
                        "color": STATUS_COLORS[status],
                        "line": {"width": 3 if role == "shared" else 0, "color": STATUS_COLORS[status]},
                    },
                    text=[STATUS_ICONS[status]] * len(sub),
                    textfont={"color": STATUS_INK[status] if role == "lead" else INK, "size": 12},
                    name=status_legend_name(status, ctx.lang),
                    legendgroup=status,
                    showlegend=False,
                    hovertemplate="%{y} · %{x}<br>"
                    + t(f"role.{role}", ctx.lang)
                    + "<extra>"
                    + status_legend_name(status, ctx.lang)
                    + "</extra>",
                )
            )
    fig.update_xaxes(
        categoryorder="array",
        categoryarray=list(measures),
        range=[-0.5, len(measures) - 0.5],
        side="top",
        showgrid=False,
        type="category",
    )
    fig.update_yaxes(
        categoryorder="array",
        categoryarray=list(agencies)[::-1],
        range=[-0.6, len(agencies) - 0.4],
        showgrid=False,
        type="category",
    )
    height = 190 + 34 * len(agencies)
    key = [
        *status_key(cells["status"], ctx.lang),
        (MUTED, t("role.lead", ctx.lang)),
        ("", f"<span style='color:{MUTED}'>□</span> {t('role.shared', ctx.lang)}"),
    ]
    fig = _frame(fig, ctx, t("chart.grid_title", ctx.lang), None, height, legend=False, bottom=40, key=key)
    fig.update_xaxes(title_text=t("chart.grid_measure_axis", ctx.lang))
    return fig


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
