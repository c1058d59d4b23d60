"""Which store backend the tests run on: DuckDB files (the default) or a real PostgreSQL server.

``pytest --postgres URL`` (or ``PG_TEST_URL=URL``) runs the same tests on PostgreSQL:
every database a test names by a path under pytest's temporary folder (``tmp_path / "x.duckdb"``,
given to ``Store.open``, ``--db`` or ``METRICS_DB``) is opened as a schema of its own in that
database instead, created empty for the test and dropped after the session. Nothing else
changes: the tests, their fixtures and their assertions are the ones that run on DuckDB.
Tests about the DuckDB file itself (locks, the .wal, a file that is not a database) are marked
``duckdb_only`` and skipped there; ``postgres_only`` tests are skipped on DuckDB.
Pass the password the usual way (``PGPASSWORD``, ``PGPASSFILE``), never in the URL.
``.ci/run`` starts a throw-away server (scripts/pg_cluster.sh) and runs the Postgres pass.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from urllib.parse import quote

import duckdb
import psycopg
import pytest

from metrics.store import connection, postgres_engine

ENV = "PG_TEST_URL"
_PREFIX = "pytest_"
CONSTRAINT_ERRORS = (duckdb.ConstraintException, psycopg.errors.IntegrityError)  # a NOT NULL or key broken


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--postgres",
        metavar="URL",
        default=os.environ.get(ENV) or None,
        help=f"run the store tests on this PostgreSQL database (a schema per test); default ${ENV}",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "duckdb_only: a test of the DuckDB file itself")
    config.addinivalue_line("markers", "postgres_only: needs the PostgreSQL server of --postgres")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    url = config.getoption("--postgres")
    for item in items:
        if url and item.get_closest_marker("duckdb_only"):
            item.add_marker(pytest.mark.skip(reason="a test of the DuckDB file; this run is on PostgreSQL"))
        if not url and item.get_closest_marker("postgres_only"):
            item.add_marker(pytest.mark.skip(reason=f"needs PostgreSQL: pass --postgres URL or set ${ENV}"))


def pytest_report_header(config: pytest.Config) -> str:
    url = config.getoption("--postgres")
    return f"store backend: PostgreSQL {postgres_engine.redact(url)}" if url else "store backend: DuckDB"


@pytest.fixture(scope="session")
def postgres_url(request: pytest.FixtureRequest) -> str | None:
    """The server of this run (None on DuckDB)."""
    return request.config.getoption("--postgres")


class Schemas:
    """Maps a test's database path to a schema of its own on the server, made on first use."""

    def __init__(self, url: str, root: Path):
        self.url = url
        self.root = root.resolve()
        self.admin = postgres_engine.connect(url, read_only=False)
        self.made: set[str] = set()

    def owns(self, target: str) -> bool:
        if postgres_engine.is_url(target) or target == ":memory:":
            return False
        return self.root in Path(target).resolve().parents

    def url_for(self, target: str) -> str:
        name = _PREFIX + hashlib.sha1(str(Path(target).resolve()).encode()).hexdigest()[:20]
        if name not in self.made:
            cur = self.admin.cursor()
            cur.execute(f"DROP SCHEMA IF EXISTS {name} CASCADE")
            cur.execute(f"CREATE SCHEMA {name}")
            cur.close()
            self.made.add(name)
        sep = "&" if "?" in self.url else "?"
        return f"{self.url}{sep}options={quote(f'-csearch_path={name}')}"

    def drop_all(self) -> None:
        cur = self.admin.cursor()
        for name in sorted(self.made):
            cur.execute(f"DROP SCHEMA IF EXISTS {name} CASCADE")
        cur.close()
        self.admin.close()


@pytest.fixture(scope="session")
def _schemas(postgres_url, tmp_path_factory):
    if not postgres_url:
        yield None
        return
    schemas = Schemas(postgres_url, tmp_path_factory.getbasetemp())
    yield schemas
    schemas.drop_all()


@pytest.fixture(scope="session", autouse=True)
def _store_backend(_schemas):
    """On a PostgreSQL run, open every database under the temporary folder as a schema on the server.

    Session-wide, so module-scoped fixtures (a demo built once per module) are redirected too.
    """
    if _schemas is None:
        yield
        return
    plain = connection.engine_for

    def redirected(target: str):
        if _schemas.owns(target):
            return postgres_engine, _schemas.url_for(target)
        return plain(target)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(connection, "engine_for", redirected)
        yield


def execute(db: Path | str, sql: str, params: list | None = None) -> None:
    """Run one statement of a test's own on a store, whichever backend, in a transaction of its own."""
    from metrics.store.database import Store

    store = Store.open(db)
    try:
        with store._write_lock, store._transaction() as cur:
            cur.execute(sql, params)
    finally:
        store.close()


def copy_db(source: Path, target: Path) -> None:
    """``shutil.copy`` of a store, on either backend: every row through ``copy_store``."""
    from metrics.store.database import Store
    from metrics.store.transfer import copy_store

    src, dst = Store.open(source, read_only=True), Store.open(target)
    try:
        copy_store(src, dst)
    finally:
        src.close()
        dst.close()


def opened(db: Path | str) -> str:
    """What another process must be given to open the store this test knows as ``db``."""
    return connection.engine_for(str(db))[1]
