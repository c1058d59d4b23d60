"""The trend chart of one indicator (pure: no streamlit): national figure and agencies' own,
target, deadline, expected path and projection, with its own title, unit, as-of quarter and source."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from metrics.outputs.chart_frame import ChartContext, framed
from metrics.outputs.palette import (
    INK,
    MUTED,
    NATIONAL_COLOR,
    SERIES_COLORS,
    SERIES_SYMBOLS,
    STATUS_COLORS,
)
from metrics.plan import periods
from metrics.text import t
from metrics.text.format import format_target, is_missing, wrap

MAX_TICKS = 8  # quarter labels on the time axis (two lines each in Chinese)


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
    lead: str | None = None  # the lead (reporting) agency's name, stated under the title


def trend(spec: TrendSpec, ctx: ChartContext, height: int = 480) -> go.Figure:
    """National figure and each agency's, target line, deadline, expected path, projection."""
    lang = ctx.lang
    data: list[dict] = []
    all_periods = list(spec.national["period"]) + [p for df in spec.agencies.values() for p in df["period"]]
    if spec.baseline:
        all_periods.append(spec.baseline[0])
    first = min([*all_periods, ctx.as_of], key=periods.index)
    last = max([*all_periods, spec.deadline, ctx.as_of], key=periods.index)
    x = periods.index
    for i, (label, df) in enumerate(spec.agencies.items()):
        data.append(
            {
                "type": "scatter",
                "x": [x(p) for p in df["period"]],
                "y": df["value"].to_list(),
                "mode": "lines+markers",
                "name": label,
                "line": {"color": SERIES_COLORS[i % len(SERIES_COLORS)], "width": 1.8},
                "marker": {"symbol": SERIES_SYMBOLS[i % len(SERIES_SYMBOLS)], "size": 7},
                "hovertemplate": label + "<br>%{text}: %{y}<extra></extra>",
                "text": [periods.label(p, lang) for p in df["period"]],
            }
        )
    if spec.baseline and len(spec.national):
        bp, bv = spec.baseline
        data.append(
            {
                "type": "scatter",
                "x": [x(bp), x(spec.deadline)],
                "y": [bv, spec.target],
                "mode": "lines",
                "name": t("chart.expected_path", lang),
                "line": {"color": MUTED, "width": 1.5, "dash": "dot"},
                "hoverinfo": "skip",
            }
        )
    if spec.projection:
        lp, lv, pv = spec.projection
        if not is_missing(pv) and x(lp) < x(spec.deadline):
            data.append(
                {
                    "type": "scatter",
                    "x": [x(lp), x(spec.deadline)],
                    "y": [lv, pv],
                    "mode": "lines+markers",
                    "name": t("chart.projection", lang),
                    "line": {"color": STATUS_COLORS[spec.status], "width": 2.5, "dash": "dash"},
                    "marker": {"size": [0, 9], "symbol": "circle-open", "color": STATUS_COLORS[spec.status]},
                    "hovertemplate": t("chart.projection", lang) + ": %{y:.4g}<extra></extra>",
                }
            )
    nat = spec.national
    data.append(
        {
            "type": "scatter",
            "x": [x(p) for p in nat["period"]],
            "y": nat["value"].to_list(),
            "mode": "lines+markers",
            "name": t("chart.national", lang),
            "line": {"color": NATIONAL_COLOR, "width": 3},
            "marker": {"size": 9, "color": NATIONAL_COLOR},
            "text": nat.get("hover", pd.Series([""] * len(nat))).to_list(),
            "hovertemplate": "%{text}<extra></extra>",
        }
    )
    revised = nat[nat["revised"].astype(bool)] if "revised" in nat else nat.iloc[0:0]
    if len(revised):
        data.append(
            {
                "type": "scatter",
                "x": [x(p) for p in revised["period"]],
                "y": revised["value"].to_list(),
                "mode": "markers",
                "name": t("chart.revised", lang),
                "marker": {"size": 18, "symbol": "circle-open", "line": {"width": 2, "color": "#E69F00"}},
                "hoverinfo": "skip",
            }
        )
    deadline_x = x(spec.deadline)
    # The target line and the deadline, as Figure.add_hline / add_vline would draw them.
    shapes = [
        {
            "type": "line",
            "x0": 0,
            "x1": 1,
            "xref": "x domain",
            "y0": spec.target,
            "y1": spec.target,
            "yref": "y",
            "line": {"color": INK, "width": 1.5, "dash": "longdash"},
        },
        {
            "type": "line",
            "x0": deadline_x,
            "x1": deadline_x,
            "xref": "x",
            "y0": 0,
            "y1": 1,
            "yref": "y domain",
            "line": {"color": MUTED, "width": 1.2, "dash": "dot"},
        },
    ]
    annotations = [
        {
            "text": t(
                "chart.target_line", lang, target=format_target(spec.target, spec.direction, spec.unit, lang)
            ),
            "showarrow": False,
            "x": 0,
            "xanchor": "left",
            "xref": "x domain",
            "y": spec.target,
            "yanchor": "bottom",
            "yref": "y",
            "font": {"size": 12, "color": INK},
        },
        {
            "text": t("chart.deadline", lang, period=periods.label(spec.deadline, lang)),
            "showarrow": False,
            "x": deadline_x,
            "xanchor": "right",
            "xref": "x",
            "y": 1,
            "yanchor": "top",
            "yref": "y domain",
            "font": {"size": 12, "color": MUTED},
        },
    ]
    span = periods.span(first, last)
    step = -(-len(span) // MAX_TICKS)  # at most MAX_TICKS labels: flat even at MIN_WIDTH px
    ys = [float(v) for trace in data for v in trace["y"] if not is_missing(v)] + [spec.target]
    lo, hi = min(ys), max(ys)
    pad = (hi - lo) or max(abs(hi), 1.0)
    if spec.attainment:
        note = t("chart.attainment", lang, period=periods.label(spec.attainment, lang))
    elif spec.projection:
        note = t("chart.no_attainment", lang)
    else:
        note = ""
    if note:
        annotations.append(
            {
                "text": note,
                "xref": "paper",
                "yref": "paper",
                "x": 1,
                "y": 0,
                "xanchor": "right",
                "yanchor": "top",
                "yshift": -48,
                "showarrow": False,
                "font": {"size": 12, "color": INK},
            }
        )
    layout = {
        "shapes": shapes,
        "annotations": annotations,
        "xaxis": {
            "tickvals": [x(p) for p in span[::step]],
            "ticktext": [wrap(periods.label(p, lang), 10) for p in span[::step]],
            "range": [x(first) - 0.4, x(last) + 0.6],
            "showgrid": False,
        },
        "yaxis": {"range": [lo - 0.08 * pad, hi + 0.16 * pad]},  # room above the target for the labels
    }
    return framed(data, layout, ctx, spec.name, spec.unit, height, bottom=96, lead=spec.lead)
