"""Plotly figures, built once per distinct input and shared by every run that draws them.

Building a figure costs Plotly more than any cached query costs to read back (the overview's
charts were most of its warm run), and the chart
functions in :mod:`metrics.outputs.charts` are pure: the same data, context (language, as-of
quarter, source) and sizes give the same figure. So the figure is keyed on exactly its inputs;
``st.plotly_chart`` only reads it (it serialises a copy), and nobody changes it in place.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from metrics.outputs import charts


@st.cache_resource(show_spinner=False, max_entries=256)
def _built(name: str, args: tuple, kwargs: tuple) -> Any:
    return getattr(charts, name)(*args, **dict(kwargs))


def chart(name: str, *args: Any, **kwargs: Any) -> Any:
    """``metrics.outputs.charts.<name>(*args, **kwargs)``, built on the first run that asks."""
    return _built(name, args, tuple(sorted(kwargs.items())))
