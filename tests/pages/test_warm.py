"""pages.frame.warm: what a server does before its first visitor (``scripts/serve.py``)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
import streamlit as st
from apptest_support import server_like
from streamlit.testing.v1 import AppTest

from metrics.progress import observations
from metrics.store.values import Values
from pages.frame import warm

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def env(demo_db: Path, monkeypatch: pytest.MonkeyPatch):
    server_like(monkeypatch)  # also clears the caches
    monkeypatch.setenv("METRICS_DB", str(demo_db))
    monkeypatch.setenv("METRICS_TARGETS", str(REPO / "targets.yaml"))
    monkeypatch.setenv("METRICS_VIEW_LOGIN", "open")
    yield demo_db
    st.cache_resource.clear()
    st.cache_data.clear()


def test_the_first_page_run_after_warming_up_reads_no_revision(env: Path, monkeypatch) -> None:
    warm.warm_up()
    reads: list[int] = []
    real = Values.observations

    def counted(self, *args, **kwargs):
        reads.append(1)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Values, "observations", counted)
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=30).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.get("plotly_chart")  # the overview, drawn
    assert reads == []  # every stored revision was read by the warm-up, not by the visitor's run
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=30).run()
    assert reads == [1]  # and without it, the first run reads them itself


@pytest.mark.duckdb_only  # a file that is not a database (the PostgreSQL pass maps every file to a schema)
def test_a_database_that_cannot_be_opened_is_only_logged(tmp_path: Path, monkeypatch, caplog) -> None:
    server_like(monkeypatch)
    broken = tmp_path / "broken.duckdb"
    broken.write_text("not a database", encoding="utf-8")
    monkeypatch.setenv("METRICS_DB", str(broken))
    monkeypatch.setenv("METRICS_TARGETS", str(REPO / "targets.yaml"))
    with caplog.at_level(logging.WARNING, logger="pages.frame.warm"):
        warm.warm_up()  # no exception: the first page run explains the problem to the user
    assert "warming the server up failed" in caplog.text
    st.cache_resource.clear()


def test_the_warm_up_works_out_the_default_overview_views(env: Path, monkeypatch) -> None:
    """The status engine's views the landing overview needs are memoised on the shared frame:
    the visitor's first run codes no revision and works out no figures itself."""
    warm.warm_up()
    made: list[str] = []
    real = observations.derived

    def counted(registry, obs, key, make):
        return real(registry, obs, key, lambda: (made.append(key[0]), make())[1])

    monkeypatch.setattr(observations, "derived", counted)
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=30).run()
    assert not at.exception, [e.value for e in at.exception]
    assert "prepare" not in made and "figures" not in made and "assessment" not in made, made
