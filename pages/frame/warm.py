"""Warming a server before its first visitor: imports, the plan, the store, every stored revision,
and the status engine's views of the overview a visitor lands on.

:func:`warm_up` runs once in a thread of the server process (``scripts/serve.py``, which
``make run`` starts), outside any page run. Everything it touches is cached for the whole
process with ``st.cache_resource`` (or memoised per frame in :mod:`metrics.progress`), so the
first visitor's run finds it done instead of doing it; nothing here is per session.
"""

from __future__ import annotations

import logging

import plotly.graph_objects as go

from metrics import config
from metrics.plan.registry import Registry
from metrics.plan.rounds import round_ref
from metrics.progress import rollups
from metrics.progress.final import assessment, comparison_period
from metrics.progress.observations import prepare
from pages.frame import page
from pages.frame.rounds import default_as_of, load_rounds_cached, today_quarter

log = logging.getLogger(__name__)


def warm_up() -> None:
    """Open the store, load the current round's plan, read and code every stored revision, work
    out the default overview's views (:func:`landing_views`), and draw one chart (Plotly builds
    its figure classes on first use). A failure is only logged: the first page run meets it
    again and explains it to the user."""
    try:
        go.Figure(go.Bar(x=[0], y=[1]), layout={"height": 40}).to_json()
        path, targets = config.database(), config.targets_path()
        current = load_rounds_cached(str(targets)).default(config.settings().date).plan.id
        registry = page.load_registry_cached(round_ref(targets, current))
        store = page.open_store_cached(path)
        obs = page.observations_of(path, store.data_version())
        prepare(registry, obs)
        options = page.as_of_span(registry, store.stored_periods(include_withdrawn=False), today_quarter())
        if options:
            landing_views(registry, obs, default_as_of(options))
    except Exception:  # the page shows the problem in words; the log keeps the details
        log.warning("warming the server up failed; the first page run will try again", exc_info=True)


def landing_views(registry: Registry, obs, as_of: str) -> None:
    """The status engine's views the overview shows at ``as_of`` for everyone: the status (the
    final assessment after the deadline) and both sides of what changed. They are memoised on the
    shared frame (:func:`metrics.progress.observations.derived`), so the first run's cached
    reads find the costly part worked out."""
    assessment(registry, obs, as_of)
    rollups.changes(registry, obs, comparison_period(registry, as_of), as_of)
