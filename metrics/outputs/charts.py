"""Briefing-ready Plotly figures (pure: no streamlit).

Every figure carries its own title, unit, as-of quarter and source line, so that a
screenshot or an exported PNG stands alone. Status is never shown by colour alone: each
status has an Okabe–Ito colour, an icon and (in the legend) its word.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from metrics.outputs.chart_frame import ChartContext, frame_layout, framed, merge_layout
from metrics.outputs.palette import (
    INK,
    MUTED,
    STATUS_COLORS,
    STATUS_ICONS,
    STATUS_INK,
    STATUS_ORDER,
    status_key,
    status_legend_name,
)
from metrics.outputs.trend import TrendSpec, trend  # noqa: F401 - the trend chart, offered here too
from metrics.text import t
from metrics.text.format import format_share, is_missing, wrap

# --------------------------------------------------------------------------- charts


def progress_bars(
    rows: pd.DataFrame,
    ctx: ChartContext,
    label_width: int = 40,
    max_lines: int = 2,
    row_height: int | None = None,
    label_size: float = 12,
    compact: bool = False,
    labels_above: bool = False,
) -> go.Figure:
    """Share of the distance to target covered by every indicator, sorted, with the share
    expected by now marked. ``rows``: name, progress, expected_progress, status (shares 0–1).

    Names go left of the bars (wrapped to ``max_lines``), or with ``labels_above`` on one
    line above each bar, using the whole width (for long English names in little height)."""
    data_rows = rows.assign(_p=rows["progress"].astype(float)).sort_values(
        "_p", ascending=False, na_position="last"
    )
    n = len(data_rows)
    names = [str(name) for name in data_rows["name"]]
    if labels_above:
        labels = [wrap(name, label_width, max_lines=1) for name in names]
        slots: list = [n - 1 - i - 0.22 for i in range(n)]  # the bar in the lower half of its row
    else:
        labels = [wrap(name, label_width, max_lines=max_lines) for name in names]
        slots = labels
    share = data_rows["_p"].to_numpy(dtype=float)
    pct = (data_rows["_p"].clip(lower=0, upper=1) * 100).round(1)
    statuses = data_rows["status"]
    data = []
    for status in STATUS_ORDER:
        mask = (statuses == status).to_numpy(dtype=bool, na_value=False)
        if not mask.any():
            continue
        legend_name = status_legend_name(status, ctx.lang)
        text = [
            f"{STATUS_ICONS[status]} {format_share(p)}" if not is_missing(p) else legend_name
            for p in share[mask]
        ]
        bar = {
            "type": "bar",
            "y": [slot for slot, m in zip(slots, mask, strict=True) if m],
            "x": pct[mask].fillna(0).to_list(),
            "orientation": "h",
            "name": legend_name,
            "marker": {"color": STATUS_COLORS[status]},
            "text": text,
            "textposition": "auto",
            "insidetextanchor": "end",
            "insidetextfont": {"size": 12, "color": STATUS_INK[status]},
            "outsidetextfont": {"size": 12, "color": INK},
            "cliponaxis": False,
            "customdata": [name for name, m in zip(data_rows["name"], mask, strict=True) if m],
            "hovertemplate": "%{customdata}<br>%{x:.0f}%<extra>" + legend_name + "</extra>",
        }
        if labels_above:
            bar["width"] = 0.42
        data.append(bar)
    expected = data_rows["expected_progress"].astype(float) * 100
    has = expected.notna().to_numpy()
    data.append(
        {
            "type": "scatter",
            "y": [slot for slot, m in zip(slots, has, strict=True) if m],
            "x": expected[has].to_list(),
            "mode": "markers",
            "name": t("chart.expected_marker", ctx.lang),
            "marker": {
                "symbol": "line-ns",
                "size": 14 if labels_above else 20,
                "line": {"width": 3, "color": INK},
                "color": INK,
            },
            "hovertemplate": "%{x:.0f}%<extra>" + t("chart.expected_marker", ctx.lang) + "</extra>",
        }
    )
    xaxis: dict = {
        "range": [0, 118],
        "tickvals": [0, 25, 50, 75, 100],
        "ticktext": ["0%", "25%", "50%", "75%", "100%"],
    }
    if not compact:
        xaxis["title"] = {"text": t("chart.progress_axis", ctx.lang)}
    layout: dict = {
        "barmode": "overlay",
        "bargap": 0.3,
        "uniformtext": {"minsize": 11, "mode": "show"},
        "xaxis": xaxis,
    }
    if labels_above:
        layout["yaxis"] = {"showticklabels": False, "range": [-0.55, n - 0.4], "showgrid": False}
        layout["annotations"] = [
            {
                "x": 0,
                "y": n - 1 - i,
                "xref": "x",
                "yref": "y",
                "text": label,
                "xanchor": "left",
                "yanchor": "bottom",
                "showarrow": False,
                "font": {"size": label_size, "color": INK},
            }
            for i, label in enumerate(labels)
        ]
    else:
        layout["yaxis"] = {
            "categoryorder": "array",
            "categoryarray": labels[::-1],
            "gridcolor": "rgba(0,0,0,0)",
            "tickfont": {"size": label_size},
        }
    lines = 1 if labels_above else max((lab.count("<br>") + 1 for lab in labels), default=1)
    title_lines = wrap(t("chart.progress_title", ctx.lang), ctx.title_width).count("<br>") + 1
    per_row = row_height or (30 if lines == 1 else 16 * lines + 10)
    bottom = 44 if compact else 70
    height = 26 * title_lines + 34 + bottom + 16 + max(n, 3) * per_row
    key = [*status_key(statuses, ctx.lang), ("", f"<b>｜</b> {t('chart.expected_marker', ctx.lang)}")]
    title = t("chart.progress_title", ctx.lang)
    return framed(
        data,
        layout,
        ctx,
        title,
        t("chart.progress_unit", ctx.lang),
        height,
        legend=False,
        key=key,
        bottom=bottom,
    )


def agency_grid(
    cells: pd.DataFrame, ctx: ChartContext, agencies: Sequence[str], measures: Sequence[str]
) -> go.Figure:
    """Agency × measure: filled square where the agency leads, open square where it shares;
    colour and icon give the measure's worst status. ``cells``: agency, measure, role, status
    (agency and measure already translated labels, in the order given)."""
    cell_groups: dict[tuple[str, str], tuple[list, list]] = {}  # (role, status) -> measures, agencies
    for agency, measure, role, status in zip(
        cells["agency"], cells["measure"], cells["role"], cells["status"], strict=True
    ):
        xs, ys = cell_groups.setdefault((role, status), ([], []))
        xs.append(measure)
        ys.append(agency)
    data = []
    for role, symbol, size in (("lead", "square", 30), ("shared", "square-open", 24)):
        for status in STATUS_ORDER:
            if (role, status) not in cell_groups:
                continue
            xs, ys = cell_groups[(role, status)]
            data.append(
                {
                    "type": "scatter",
                    "x": xs,
                    "y": ys,
                    "mode": "markers+text",
                    "marker": {
                        "symbol": symbol,
                        "size": size,
                        "color": STATUS_COLORS[status],
                        "line": {"width": 3 if role == "shared" else 0, "color": STATUS_COLORS[status]},
                    },
                    "text": [STATUS_ICONS[status]] * len(xs),
                    "textfont": {"color": STATUS_INK[status] if role == "lead" else INK, "size": 12},
                    "name": status_legend_name(status, ctx.lang),
                    "legendgroup": status,
                    "showlegend": False,
                    "hovertemplate": "%{y} · %{x}<br>"
                    + t(f"role.{role}", ctx.lang)
                    + "<extra>"
                    + status_legend_name(status, ctx.lang)
                    + "</extra>",
                }
            )
    layout = {
        "xaxis": {
            "categoryorder": "array",
            "categoryarray": list(measures),
            "range": [-0.5, len(measures) - 0.5],
            "side": "top",
            "showgrid": False,
            "type": "category",
        },
        "yaxis": {
            "categoryorder": "array",
            "categoryarray": list(agencies)[::-1],
            "range": [-0.6, len(agencies) - 0.4],
            "showgrid": False,
            "type": "category",
        },
    }
    height = 190 + 34 * len(agencies)
    key = [
        *status_key(cells["status"], ctx.lang),
        ("", f"<span style='color:{MUTED}'>■</span> {t('role.lead', ctx.lang)}"),
        ("", f"<span style='color:{MUTED}'>□</span> {t('role.shared', ctx.lang)}"),
    ]
    note = t("chart.grid_note", ctx.lang, first=measures[0], last=measures[-1]) if measures else None
    frame = {"legend": False, "bottom": 40, "key": key, "note": note}
    layout = merge_layout(layout, frame_layout(ctx, t("chart.grid_title", ctx.lang), None, height, **frame))
    layout["margin"] = {**layout["margin"], "t": layout["margin"]["t"] + 22}  # the measure numbers on top
    return go.Figure(data=data, layout=layout)
