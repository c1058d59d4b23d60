"""The store's one connection per process: opening, the write lock, transactions, ``meta``.

Every write takes the process's lock for its database file, runs as one explicit
``BEGIN ... COMMIT`` (DuckDB commits each statement of a ;-batch on its own otherwise),
checkpoints, and bumps ``data_version`` when it changed data, so caches keyed on it expire.
Reads take a cursor of their own, so threads never share one.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
from pathlib import Path
from typing import Self

from metrics import config
from metrics.errors import DatabaseError, DatabaseLocked
from metrics.store import duckdb_engine as engine
from metrics.store import schema
from metrics.text import coded_error

_SET_META = "INSERT INTO meta VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value"


def now_utc() -> dt.datetime:
    """Now, as the store keeps times: naive UTC."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Connection:
    """One connection to a database file, its tables brought up to date when opened for writing."""

    def __init__(self, path: str | Path, read_only: bool = False):
        self.path = str(path)
        self.read_only = read_only
        self._con = engine.connect(self.path, read_only)
        self._write_lock = _process_lock(self.path)
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

    def close(self) -> None:
        self._con.close()

    # --- schema ---------------------------------------------------------------------------
    def schema_version(self) -> int:
        return schema.schema_version(self.cursor())

    def _migrate(self) -> None:
        with self._write_lock:
            steps = schema.pending(self.schema_version(), self.path)
            if not steps:
                return
            # every step or none; the first write's checkpoint folds it into the file
            with self._transaction(checkpoint=False) as cur:
                for statement in steps:
                    cur.execute(statement)
                cur.execute(_SET_META, ["schema_version", str(schema.SCHEMA_VERSION)])

    # --- transactions ---------------------------------------------------------------------
    class _Tx:
        """``with``: a cursor inside BEGIN; COMMIT (then CHECKPOINT) on success, ROLLBACK on error."""

        def __init__(self, con: engine.Connection, checkpoint: bool):
            self.cur = con.cursor()
            self.checkpoint = checkpoint

        def __enter__(self) -> engine.Connection:
            self.cur.execute("BEGIN TRANSACTION")
            return self.cur

        def __exit__(self, exc_type, exc, tb) -> bool:
            if exc_type is None:
                self.cur.execute("COMMIT")
                if self.checkpoint:
                    engine.checkpoint(self.cur)
            else:
                self.cur.execute("ROLLBACK")
            return False

    def _transaction(self, checkpoint: bool = True) -> Connection._Tx:
        """One transaction in a new cursor; hold ``self._write_lock`` around it."""
        return Connection._Tx(self._con, checkpoint)

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
