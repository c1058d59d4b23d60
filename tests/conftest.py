"""Shared fixtures: the real registry, small DuckDB stores in tmp_path, a pinned 'today'.

``TODAY`` is 2025-11-15, so the current quarter is 2025Q4 and the earliest accepted
period is 2022Q1 (eight quarters before the plan starts in 2024Q1).
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # `pytest` (not `python -m pytest`) does not put the checkout on the path
    sys.path.insert(0, str(REPO))

from metrics.errors import IngestRefused  # noqa: E402
from metrics.ingest.batch import ingest_file, parse_file  # noqa: E402
from metrics.plan.registry import Registry, load_registry  # noqa: E402
from metrics.store.database import Store  # noqa: E402

pytest_plugins = ["accounts_support", "backend_support"]  # users; which store backend (DuckDB or --postgres)

TARGETS = REPO / "targets.yaml"
TODAY = dt.date(2025, 11, 15)


@pytest.fixture(scope="session")
def registry() -> Registry:
    return load_registry(TARGETS)


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory, registry: Registry) -> Path:
    """The demo database (data/sample through ingest), built once per run: read it, or copy it
    (``backend_support.copy_db``) to write."""
    from metrics.actions import build_demo

    db = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    build_demo(registry, db, REPO / "data" / "sample")
    return db


@pytest.fixture(scope="session")
def demo_obs(demo_db: Path):
    """Every stored revision of the demo database (the status engine's input)."""
    store = Store.open(demo_db, read_only=True)
    try:
        assert store.is_demo
        return store.observations()
    finally:
        store.close()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "progress.duckdb"


@pytest.fixture
def store(db_path: Path):
    s = Store.open(db_path)
    yield s
    s.close()


@pytest.fixture
def ingest(store: Store, registry: Registry):
    """Ingest bytes into the ``store`` fixture, as the CLI would, with ``today`` pinned."""

    def _ingest(data: bytes, name: str = "q.csv", **kwargs):
        kwargs.setdefault("today", TODAY)
        return ingest_file(store, registry, data, name, uploaded_by="tester", source="test", **kwargs)

    return _ingest


@pytest.fixture
def refusal(registry: Registry):
    """The refusal of a file as ``[(row, column, code), ...]``; fails when the file is accepted."""

    def _refusal(data: bytes, name: str = "q.csv", **kwargs) -> list[tuple]:
        kwargs.setdefault("today", TODAY)
        with pytest.raises(IngestRefused) as info:
            parse_file(registry, data, name, **kwargs)
        return [(p.row, p.column, p.code) for p in info.value.problems]

    return _refusal


@pytest.fixture
def held_db(db_path: Path):
    """A second process that opens ``db_path`` read-write and keeps it open (like the dashboard)."""
    Store.open(db_path).close()
    code = (
        "import sys, time, duckdb\n"
        "con = duckdb.connect(sys.argv[1])\n"
        "print('holding', flush=True)\n"
        "time.sleep(60)\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(db_path)], stdout=subprocess.PIPE, text=True, cwd=REPO
    )
    try:
        assert proc.stdout.readline().strip() == "holding"
        yield proc
    finally:
        proc.kill()
        proc.wait()


# A shared 2-core machine makes the first example of a property test slow now and then:
# judge properties on their results, not on hypothesis' 200 ms per-example deadline.
from hypothesis import settings as _hypothesis_settings  # noqa: E402

_hypothesis_settings.register_profile("project", deadline=None)
_hypothesis_settings.load_profile("project")
