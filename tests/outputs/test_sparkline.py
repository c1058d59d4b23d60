"""metrics.outputs.sparkline: a card's trend as inline SVG."""

from __future__ import annotations

import base64
import math

from metrics.outputs.palette import MUTED, STATUS_COLORS
from metrics.outputs.sparkline import line_svg, points, sparkline_html


def test_points_span_the_box_oldest_left_highest_top() -> None:
    assert points([1, 2, 3]) == [(2.0, 90.0), (48.0, 50.0), (94.0, 10.0)]
    assert points([5, 3]) == [(2.0, 10.0), (94.0, 90.0)]  # falling: starts at the top
    assert points([7, 7, 7]) == [(2.0, 50.0), (48.0, 50.0), (94.0, 50.0)]  # flat: the middle
    assert points([4, math.nan, 6]) == [(2.0, 90.0), (94.0, 10.0)]  # a missing value is left out
    assert points([]) == []


def test_the_latest_point_is_the_status_icon_in_its_colour() -> None:
    line = line_svg([1, 2, 3])
    assert 'points="2.0,90.0 48.0,50.0 94.0,10.0"' in line and f'stroke="{MUTED}"' in line
    out = sparkline_html([1, 2, 3], "deterioration", height=44)
    data = out.split("data:image/svg+xml;base64,", 1)[1].split('"', 1)[0]
    assert base64.b64decode(data).decode() == line
    assert "left:94.0%;top:10.0%" in out
    assert f"color:{STATUS_COLORS['deterioration']}" in out and "▼" in out
    assert "height:44px" in out
    assert sparkline_html([], "on_track") == ""
