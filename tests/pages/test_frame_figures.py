"""pages.frame.figures: a Plotly figure built once per distinct input."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from metrics.outputs import charts
from pages.frame import figures


def test_a_figure_is_built_once_per_input_and_anew_for_another(monkeypatch) -> None:
    st.cache_resource.clear()
    built: list[tuple] = []

    def line(values, colour, height=64):
        built.append((tuple(values), colour, height))
        return go.Figure(go.Scatter(y=list(values), line={"color": colour}), layout={"height": height})

    monkeypatch.setattr(charts, "line_for_test", line, raising=False)
    first = figures.chart("line_for_test", [1.0, 2.0], "#000000", height=64)
    assert figures.chart("line_for_test", [1.0, 2.0], "#000000", height=64) is first
    other = figures.chart("line_for_test", [1.0, 2.5], "#000000", height=64)
    smaller = figures.chart("line_for_test", [1.0, 2.0], "#000000", height=44)
    assert other is not first and smaller is not first
    assert built == [((1.0, 2.0), "#000000", 64), ((1.0, 2.5), "#000000", 64), ((1.0, 2.0), "#000000", 44)]
    assert list(first.data[0].y) == [1.0, 2.0] and first.layout.height == 64
    st.cache_resource.clear()
