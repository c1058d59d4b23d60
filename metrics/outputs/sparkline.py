"""A card's sparkline as a small SVG image rather than a Plotly chart.

Twelve KPI cards each drawing a Plotly figure kept the browser busy for most of the overview's
first paint (every chart of a run is plotted before the page is painted); an SVG line and the
status icon cost the browser next to nothing, draw at once and look the same in a screenshot.
"""

from __future__ import annotations

import base64
import html
import math
from collections.abc import Sequence

from metrics.outputs.palette import MUTED, STATUS_COLORS, STATUS_ICONS

LEFT, RIGHT, TOP, BOTTOM = 2.0, 94.0, 10.0, 90.0  # the line's box, in % of the sparkline


def points(values: Sequence[float]) -> list[tuple[float, float]]:
    """Each value's (x, y) in % of the box, oldest at the left, the highest at the top; a flat
    series lies in the middle. Missing values are left out."""
    ys = [float(v) for v in values if v is not None and not math.isnan(float(v))]
    if not ys:
        return []
    low, high = min(ys), max(ys)
    step = (RIGHT - LEFT) / (len(ys) - 1) if len(ys) > 1 else 0.0
    span = high - low
    return [
        (
            round(LEFT + step * k if len(ys) > 1 else RIGHT, 2),
            round(BOTTOM - (BOTTOM - TOP) * (y - low) / span if span else (TOP + BOTTOM) / 2, 2),
        )
        for k, y in enumerate(ys)
    ]


def line_svg(values: Sequence[float]) -> str:
    """The line alone, as an SVG document stretched to its box (the stroke keeps its width)."""
    line = " ".join(f"{x},{y}" for x, y in points(values))
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100" preserveAspectRatio="none">'
        f'<polyline points="{line}" fill="none" stroke="{MUTED}" stroke-width="2" '
        'vector-effect="non-scaling-stroke" stroke-linejoin="round"/></svg>'
    )


def sparkline_html(values: Sequence[float], status: str, height: int = 64) -> str:
    """The trend in ink with the latest point as the status icon in its colour. The line is an
    image (``st.html`` keeps no inline SVG; an image's data URI it keeps), the icon is text."""
    pts = points(values)
    if not pts:
        return ""
    x, y = pts[-1]
    data = base64.b64encode(line_svg(values).encode()).decode()
    icon = html.escape(STATUS_ICONS[status])
    return (
        f'<div class="kpi-spark" aria-hidden="true" style="position:relative;height:{int(height)}px;'
        'margin-top:0.3rem">'
        f'<img alt="" src="data:image/svg+xml;base64,{data}" style="display:block;width:100%;height:100%">'
        f'<span style="position:absolute;left:{x}%;top:{y}%;transform:translate(-50%,-50%);'
        f'color:{STATUS_COLORS[status]};font-size:15px;line-height:1">{icon}</span></div>'
    )
