"""Warming a server before its first visitor: imports, the plan, the store, every stored revision.

:func:`warm_up` runs once in a thread of the server process (``scripts/serve.py``, which
``make run`` starts), outside any page run. Everything it touches is cached for the whole
process with ``st.cache_resource`` (or memoised per frame in :mod:`metrics.progress`), so the
first visitor's run finds it done instead of doing it; nothing here is per session.
"""

from __future__ import annotations

import logging

import plotly.graph_objects as go

from metrics import config
from metrics.plan.rounds import round_ref
from metrics.progress.observations import prepare
from pages.frame import page
from pages.frame.rounds import load_rounds_cached

log = logging.getLogger(__name__)


def warm_up() -> None:
    """Open the store, load the current round's plan, read and code every stored revision, and
    draw one chart (Plotly builds its figure classes on first use). A failure is only logged: the
    first page run meets it again and explains it to the user."""
    try:
        go.Figure(go.Bar(x=[0], y=[1]), layout={"height": 40}).to_json()
        path, targets = config.database(), config.targets_path()
        current = load_rounds_cached(str(targets)).default(config.settings().date).plan.id
        registry = page.load_registry_cached(round_ref(targets, current))
        store = page.open_store_cached(path)
        prepare(registry, page.observations_of(path, store.data_version()))
    except Exception:  # the page shows the problem in words; the log keeps the details
        log.warning("warming the server up failed; the first page run will try again", exc_info=True)
