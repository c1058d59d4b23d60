"""The store's one connection per process: opening, the write lock, transactions, ``meta``.

A store is a DuckDB file or a PostgreSQL database (a ``postgresql://`` URL): :func:`engine_for`
picks the backend module (:mod:`~metrics.store.duckdb_engine` or
:mod:`~metrics.store.postgres_engine`); everything else here and in the other modules is the same.
Every write takes the process's lock for its database, runs as one explicit transaction
(``engine.begin``: on PostgreSQL it also takes the database's write lock, shared by every
process), checkpoints, and bumps ``data_version`` when it changed data, so caches keyed on it
expire, on every server of the same database. Reads take a cursor of their own.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
from pathlib import Path
from types import ModuleType
from typing import Self

from metrics import config
from metrics.errors import DatabaseError, DatabaseLocked
from metrics.store import duckdb_engine, schema
from metrics.store import duckdb_engine as engine  # the cursor type, for type hints
from metrics.store.urls import is_url, redact
from metrics.text import coded_error

_SET_META = "INSERT INTO meta VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value"


def now_utc() -> dt.datetime:
    """Now, as the store keeps times: naive UTC."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def engine_for(target: str) -> tuple[ModuleType, str]:
    """The backend of a ``--db``/``METRICS_DB`` value and what it opens: a URL, or a DuckDB file."""
    if is_url(target):
        from metrics.store import postgres_engine  # psycopg only for a server

        return postgres_engine, target
    return duckdb_engine, target


def on_server(target: str | Path) -> bool:
    """Whether ``target`` opens a database server's store rather than a DuckDB file."""
    return engine_for(str(target))[0] is not duckdb_engine


def shown(target: str | Path) -> str:
    """A database as it may be printed or logged: a URL without its password."""
    target = str(target)
    return redact(target) if is_url(target) else target


def exists(target: str | Path) -> bool:
    """Whether a store is there: the DuckDB file, or this application's tables on the server."""
    if not on_server(target):
        return Path(target).exists()
    try:
        Connection(target, read_only=True).close()
    except DatabaseError:
        return False
    return True


class Connection:
    """One connection to a database (a pool on PostgreSQL), its tables made current when opened to write.

    ``path`` is the database as it may be shown: a URL without its password.
    """

    def __init__(self, path: str | Path, read_only: bool = False):
        target = str(path)
        self.engine, where = engine_for(target)
        self.path = shown(target)
        self.read_only = read_only
        self.migrated_from: int | None = None  # the schema version a migration on opening started from
        self._con = self.engine.connect(where, read_only)
        self._write_lock = _process_lock(where)
        if not read_only:
            self._migrate()
        elif self.schema_version() == 0:
            raise coded_error(DatabaseError, "store.no_tables", path=self.path)

    @classmethod
    def open(cls, path: str | Path, read_only: bool = False, wait_seconds: float | None = None) -> Self:
        """Open, retrying while another process holds the file, then say so in words.

        ``wait_seconds`` defaults to the setting ``METRICS_DB_WAIT`` (5 seconds).
        """
        if wait_seconds is None:
            wait_seconds = config.settings().db_wait
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                return cls(path, read_only)
            except DatabaseLocked:
                if time.monotonic() >= deadline:
                    raise
                time.sleep(0.25)

    def cursor(self) -> engine.Connection:
        return self._con.cursor()

    def check_cursor(self) -> duckdb_engine.Connection:
        """A DuckDB cursor to check a file bound for this store in: the store's own on DuckDB
        (storing then copies nothing), a private in-memory DuckDB's on PostgreSQL."""
        return self.engine.check_cursor(self._con)

    def close(self) -> None:
        self._con.close()

    # --- schema ---------------------------------------------------------------------------
    def schema_version(self) -> int:
        return schema.schema_version(self.cursor(), self.engine)

    def _migrate(self) -> None:
        with self._write_lock:
            current = self.schema_version()
            if not schema.pending(current, self.path, self.engine):
                return
            # every step or none; the first write's checkpoint folds it into the file
            with self._transaction(checkpoint=False) as cur:
                current = schema.schema_version(cur, self.engine)  # another server may have migrated
                steps = schema.pending(current, self.path, self.engine)
                self.migrated_from = current
                for statement in steps:
                    cur.execute(statement)
                cur.execute(_SET_META, ["schema_version", str(schema.SCHEMA_VERSION)])

    # --- transactions ---------------------------------------------------------------------
    class _Tx:
        """``with``: a cursor inside BEGIN; COMMIT (then CHECKPOINT) on success, ROLLBACK on error."""

        def __init__(self, owner: Connection, checkpoint: bool):
            self.engine = owner.engine
            self.cur = owner.cursor()
            self.checkpoint = checkpoint

        def __enter__(self) -> engine.Connection:
            self.engine.begin(self.cur)
            return self.cur

        def __exit__(self, exc_type, exc, tb) -> bool:
            if exc_type is None:
                self.cur.execute("COMMIT")
                if self.checkpoint:
                    self.engine.checkpoint(self.cur)
            else:
                self.cur.execute("ROLLBACK")
            return False

    def _transaction(self, checkpoint: bool = True) -> Connection._Tx:
        """One transaction in a new cursor; hold ``self._write_lock`` around it."""
        return Connection._Tx(self, checkpoint)

    # --- meta -----------------------------------------------------------------------------
    def meta(self, key: str, default: str | None = None) -> str | None:
        row = self.cursor().execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return row[0] if row else default

    def set_meta(self, key: str, value: str) -> None:
        with self._write_lock, self._transaction() as cur:
            cur.execute(_SET_META, [key, value])
            bump_data_version(cur)

    def data_version(self) -> int:
        """Bumped by every commit; pages key their caches on it."""
        return int(self.meta("data_version", "0"))

    @property
    def is_demo(self) -> bool:
        return self.meta("demo") == "true"


def bump_data_version(cur: engine.Connection) -> None:
    """Mark a change of data, inside the transaction that makes it."""
    cur.execute(
        "UPDATE meta SET value = CAST(CAST(value AS BIGINT) + 1 AS VARCHAR) WHERE key = 'data_version'"
    )


_LOCKS: dict[str, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


def _process_lock(path: str) -> threading.Lock:
    """One write lock per database file in this process, shared by every Store on it."""
    key = path if path == ":memory:" else os.path.realpath(path)
    if key == ":memory:":
        return threading.Lock()
    with _LOCKS_GUARD:
        return _LOCKS.setdefault(key, threading.Lock())
