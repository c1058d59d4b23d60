"""The DuckDB store: append-only reported values, their uploads, and all the SQL.

Every reported value is kept with the upload it came from; a different value for an
existing (indicator, period, agency) becomes a new revision. Each write is one explicit
transaction followed by a checkpoint, and bumps ``data_version`` so caches can expire.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from metrics.errors import DatabaseError, DatabaseLocked, NotFound
from metrics.text import coded_error

if TYPE_CHECKING:  # pandas is imported by DuckDB when a result is asked for as a DataFrame
    import pandas as pd

SCHEMA_VERSION = 2
MIGRATIONS: dict[int, list[str]] = {
    1: [
        "CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)",
        """CREATE TABLE uploads (
            upload_id BIGINT PRIMARY KEY,
            file_name VARCHAR NOT NULL,
            sha256 VARCHAR NOT NULL,
            uploaded_by VARCHAR NOT NULL,
            uploaded_at TIMESTAMP NOT NULL,
            source VARCHAR NOT NULL,
            agencies VARCHAR NOT NULL,
            n_rows INTEGER NOT NULL,
            n_new INTEGER NOT NULL,
            n_revised INTEGER NOT NULL,
            n_unchanged INTEGER NOT NULL
        )""",
        """CREATE TABLE observations (
            indicator_id VARCHAR NOT NULL,
            period VARCHAR NOT NULL,
            agency_id VARCHAR NOT NULL,
            revision INTEGER NOT NULL,
            value DOUBLE NOT NULL,
            note VARCHAR,
            upload_id BIGINT NOT NULL,
            source_row INTEGER
        )""",
        "INSERT INTO meta VALUES ('data_version', '0'), ('demo', 'false')",
    ],
    2: [
        "ALTER TABLE uploads ADD COLUMN withdrawn_at TIMESTAMP",
        "ALTER TABLE uploads ADD COLUMN withdrawn_by VARCHAR",
        "ALTER TABLE uploads ADD COLUMN withdraw_reason VARCHAR",
        """CREATE TABLE users (
            name VARCHAR PRIMARY KEY,
            role VARCHAR NOT NULL,
            agencies VARCHAR NOT NULL,
            password_hash VARCHAR NOT NULL,
            disabled BOOLEAN NOT NULL DEFAULT false,
            created_at TIMESTAMP NOT NULL,
            failed_logins INTEGER NOT NULL DEFAULT 0,
            locked_until TIMESTAMP
        )""",
        """CREATE TABLE audit_log (
            logged_at TIMESTAMP NOT NULL, actor VARCHAR NOT NULL, action VARCHAR NOT NULL, detail VARCHAR
        )""",
    ],
}

# The current value of every key: the highest revision among uploads not withdrawn.
_LATEST = """
    SELECT o.*, u.uploaded_at AS recorded_at, u.uploaded_by, u.file_name
    FROM observations o JOIN uploads u USING (upload_id)
    WHERE u.withdrawn_at IS NULL
    QUALIFY row_number() OVER (PARTITION BY o.indicator_id, o.period, o.agency_id
                               ORDER BY o.revision DESC) = 1
"""
_LOCK_RE = re.compile(r"lock", re.IGNORECASE)


@dataclass(frozen=True)
class Change:
    """What storing a batch did (or, on a dry run, would do)."""

    upload_id: int | None
    new: int
    revised: int
    unchanged: int
    identical_upload: int | None = None  # an earlier upload with the very same bytes
    rows: pd.DataFrame | None = None  # when nothing was stored: rows with ``change``, ``previous_value``

    @property
    def stored(self) -> bool:
        return self.upload_id is not None


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Store:
    """One DuckDB connection per process; a cursor per call, so threads never share one."""

    def __init__(self, path: str | Path, read_only: bool = False):
        self.path = str(path)
        self.read_only = read_only
        self._con = _connect(self.path, read_only)
        self._write_lock = _process_lock(self.path)
        if not read_only:
            self._migrate()
        elif self.schema_version() == 0:
            raise coded_error(DatabaseError, "store.no_tables", path=self.path)

    @classmethod
    def open(cls, path: str | Path, read_only: bool = False, wait_seconds: float | None = None) -> Store:
        """Open, retrying while another process holds the file, then say so in words.

        ``wait_seconds`` defaults to ``$METRICS_DB_WAIT`` or 5 seconds.
        """
        if wait_seconds is None:
            wait_seconds = float(os.environ.get("METRICS_DB_WAIT") or 5.0)
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                return cls(path, read_only)
            except DatabaseLocked:
                if time.monotonic() >= deadline:
                    raise
                time.sleep(0.25)

    def cursor(self) -> duckdb.DuckDBPyConnection:
        return self._con.cursor()

    def close(self) -> None:
        self._con.close()

    # --- schema ---------------------------------------------------------------------------
    def schema_version(self) -> int:
        cur = self.cursor()
        exists = cur.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'meta' AND NOT temporary"
        ).fetchone()[0]
        if not exists:
            return 0
        row = cur.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        return int(row[0]) if row else 1

    def _migrate(self) -> None:
        with self._write_lock:
            current = self.schema_version()
            if current > SCHEMA_VERSION:
                raise coded_error(DatabaseError, "store.newer_schema", path=self.path, version=current)
            if current == SCHEMA_VERSION:
                return
            # every step or none; the first write's checkpoint folds it into the file
            with self._transaction(checkpoint=False) as cur:
                for version in range(current + 1, SCHEMA_VERSION + 1):
                    for statement in MIGRATIONS[version]:
                        cur.execute(statement)
                cur.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])

    class _Tx:
        def __init__(self, con, checkpoint: bool):
            self.cur = con.cursor()
            self.checkpoint = checkpoint

        def __enter__(self):
            self.cur.execute("BEGIN TRANSACTION")
            return self.cur

        def __exit__(self, exc_type, exc, tb):
            if exc_type is None:
                self.cur.execute("COMMIT")
                if self.checkpoint:
                    _checkpoint(self.cur)
            else:
                self.cur.execute("ROLLBACK")
            return False

    def _transaction(self, checkpoint: bool = True) -> Store._Tx:
        return Store._Tx(self._con, checkpoint)

    # --- meta -----------------------------------------------------------------------------
    def meta(self, key: str, default: str | None = None) -> str | None:
        row = self.cursor().execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return row[0] if row else default

    def set_meta(self, key: str, value: str) -> None:
        with self._write_lock, self._transaction() as cur:
            cur.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, value])
            _bump(cur)

    def data_version(self) -> int:
        """Bumped by every commit; pages key their caches on it."""
        return int(self.meta("data_version", "0"))

    @property
    def is_demo(self) -> bool:
        return self.meta("demo") == "true"

    # --- writes ---------------------------------------------------------------------------
    def store_batch(
        self,
        rows: object,
        *,
        file_name: str,
        sha256: str,
        uploaded_by: str,
        source: str,
        dry_run: bool = False,
        cursor: duckdb.DuckDBPyConnection | None = None,
    ) -> Change:
        """Store a validated batch as one upload, entirely or not at all.

        ``rows`` has the columns indicator_id, period, agency_id, value, note, row: anything DuckDB
        scans (an Arrow table, a pandas DataFrame), or the name of a table or view in ``cursor``,
        a cursor of this store.
        """
        with self._write_lock:
            cur = cursor or self.cursor()
            same = cur.execute(
                "SELECT upload_id FROM uploads WHERE sha256 = ? AND withdrawn_at IS NULL "
                "ORDER BY upload_id LIMIT 1",
                [sha256],
            ).fetchone()
            cur.execute("BEGIN TRANSACTION")
            try:
                self._classify(cur, rows)
                n_new, n_rev, n_same, agencies, n_rows = cur.execute(
                    "SELECT count(*) FILTER (change = 'new'), count(*) FILTER (change = 'revised'),"
                    " count(*) FILTER (change = 'unchanged'),"
                    " coalesce(string_agg(DISTINCT agency_id, ',' ORDER BY agency_id), ''), count(*)"
                    " FROM incoming"
                ).fetchall()[0]
                if dry_run or n_new + n_rev == 0:
                    classified = cur.execute(
                        "SELECT indicator_id, period, agency_id, value, note, row, change, previous_value, "
                        "previous_note FROM incoming ORDER BY row"
                    ).df()
                    cur.execute("ROLLBACK")
                    return Change(None, n_new, n_rev, n_same, same[0] if same else None, classified)
                upload_id = cur.execute("SELECT coalesce(max(upload_id), 0) + 1 FROM uploads").fetchone()[0]
                cur.execute(
                    "INSERT INTO uploads (upload_id, file_name, sha256, uploaded_by, uploaded_at, source,"
                    " agencies, n_rows, n_new, n_revised, n_unchanged) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                    [
                        upload_id,
                        file_name,
                        sha256,
                        uploaded_by,
                        now_utc(),
                        source,
                        agencies,
                        n_rows,
                        n_new,
                        n_rev,
                        n_same,
                    ],
                )
                cur.execute(
                    """INSERT INTO observations
                       SELECT indicator_id, period, agency_id, next_revision, value, note, ?, row
                       FROM incoming WHERE change <> 'unchanged'""",
                    [upload_id],
                )
                _bump(cur)
                cur.execute("COMMIT")
            except BaseException:
                cur.execute("ROLLBACK")
                raise
            finally:
                if isinstance(rows, str):
                    cur.execute("DROP VIEW IF EXISTS incoming_raw")
                else:
                    cur.unregister("incoming_raw")
            _checkpoint(cur)
            return Change(upload_id, n_new, n_rev, n_same, None, None)

    def _classify(self, cur, rows: object) -> None:
        """Fill the temp table ``incoming``: each row marked new, revised or unchanged."""
        if isinstance(rows, str):
            cur.execute(f"CREATE OR REPLACE TEMP VIEW incoming_raw AS SELECT * FROM {rows}")
        else:
            cur.register("incoming_raw", rows)
        cur.execute(
            f"""CREATE OR REPLACE TEMP TABLE incoming AS
            WITH latest AS ({_LATEST}),
                 top AS (SELECT indicator_id, period, agency_id, max(revision) AS max_rev
                         FROM observations GROUP BY ALL)
            SELECT i.indicator_id, i.period, i.agency_id, i.value, i.note, i.row,
                   l.value AS previous_value, l.note AS previous_note,
                   CASE WHEN l.value IS NULL THEN 'new'
                        WHEN l.value = i.value AND l.note IS NOT DISTINCT FROM i.note THEN 'unchanged'
                        ELSE 'revised' END AS change,
                   coalesce(t.max_rev, 0) + 1 AS next_revision
            FROM (SELECT indicator_id::VARCHAR AS indicator_id, period::VARCHAR AS period,
                         agency_id::VARCHAR AS agency_id, value::DOUBLE AS value, note::VARCHAR AS note,
                         row::BIGINT AS row FROM incoming_raw) i
            LEFT JOIN latest l USING (indicator_id, period, agency_id)
            LEFT JOIN top t USING (indicator_id, period, agency_id)"""
        )

    def withdraw_upload(self, upload_id: int, by: str, reason: str = "") -> None:
        """Stop counting an upload's values; nothing is deleted and the act is recorded."""
        with self._write_lock, self._transaction() as cur:
            row = cur.execute("SELECT withdrawn_at FROM uploads WHERE upload_id = ?", [upload_id]).fetchone()
            if row is None:
                raise coded_error(NotFound, "store.no_upload", upload=upload_id)
            if row[0] is not None:
                raise coded_error(NotFound, "store.already_withdrawn", upload=upload_id)
            cur.execute(
                "UPDATE uploads SET withdrawn_at = ?, withdrawn_by = ?, withdraw_reason = ? "
                "WHERE upload_id = ?",
                [now_utc(), by, reason, upload_id],
            )
            cur.execute(
                "INSERT INTO audit_log VALUES (?, ?, 'withdraw_upload', ?)",
                [now_utc(), by, f"upload {upload_id}: {reason}"],
            )
            _bump(cur)

    # --- reads ----------------------------------------------------------------------------
    def observations(self, include_withdrawn: bool = False) -> pd.DataFrame:
        """Every stored revision with its upload (the input of the status engine)."""
        where = "" if include_withdrawn else "WHERE u.withdrawn_at IS NULL"
        return (
            self.cursor()
            .execute(
                f"""SELECT o.indicator_id, o.agency_id, o.period, o.value, o.note, o.revision, o.upload_id,
                       u.uploaded_at AS recorded_at, u.uploaded_by, u.file_name,
                       u.withdrawn_at IS NOT NULL AS withdrawn
                FROM observations o JOIN uploads u USING (upload_id) {where}
                ORDER BY o.indicator_id, o.agency_id, o.period, o.revision"""
            )
            .df()
        )

    def latest(self) -> pd.DataFrame:
        """The current value of every (indicator, period, agency)."""
        return (
            self.cursor()
            .execute(
                f"""SELECT indicator_id, period, agency_id, value, note, revision, upload_id,
                       recorded_at, uploaded_by, file_name
                FROM ({_LATEST}) ORDER BY indicator_id, period, agency_id"""
            )
            .df()
        )

    def history(
        self,
        indicator_id: str | None = None,
        agency_id: str | None = None,
        period: str | None = None,
    ) -> pd.DataFrame:
        """Every revision of the matching values, newest revision first, withdrawn ones marked."""
        return (
            self.cursor()
            .execute(
                """SELECT o.indicator_id, o.period, o.agency_id, o.revision, o.value, o.note, o.upload_id,
                      u.file_name, u.uploaded_by, u.uploaded_at, u.withdrawn_at IS NOT NULL AS withdrawn
               FROM observations o JOIN uploads u USING (upload_id)
               WHERE (? IS NULL OR o.indicator_id = ?) AND (? IS NULL OR o.agency_id = ?)
                 AND (? IS NULL OR o.period = ?)
               ORDER BY o.indicator_id, o.period, o.agency_id, o.revision DESC""",
                [indicator_id, indicator_id, agency_id, agency_id, period, period],
            )
            .df()
        )

    def uploads(self) -> pd.DataFrame:
        """The audit record of every upload, newest first."""
        return (
            self.cursor()
            .execute(
                """SELECT upload_id, file_name, sha256, uploaded_by, uploaded_at, source, agencies, n_rows,
                      n_new, n_revised, n_unchanged, withdrawn_at, withdrawn_by, withdraw_reason
               FROM uploads ORDER BY upload_id DESC"""
            )
            .df()
        )

    def counts(self) -> dict[str, int]:
        cur = self.cursor()
        return {
            "observations": cur.execute("SELECT count(*) FROM observations").fetchone()[0],
            "uploads": cur.execute("SELECT count(*) FROM uploads").fetchone()[0],
        }

    # --- users and audit ---
    # Only reads and writes: who may do what, hashing and the lock-out policy live in metrics.access.auth.
    # Every change to a user is written together with its audit_log row, in one transaction.
    # Users are not data: these writes do not bump ``data_version``.
    _USER_FIELDS = ("password_hash", "disabled", "failed_logins", "locked_until")

    def user(self, name: str) -> dict | None:
        """One user's row with its password hash and lock-out state, or None when unknown."""
        cur = self.cursor()
        row = cur.execute(
            "SELECT name, role, agencies, password_hash, disabled, created_at, failed_logins, locked_until "
            "FROM users WHERE name = ?",
            [name],
        ).fetchone()
        return dict(zip([d[0] for d in cur.description], row, strict=True)) if row else None

    def users(self) -> pd.DataFrame:
        """Every user by name, without password hashes."""
        return (
            self.cursor()
            .execute(
                "SELECT name, role, agencies, disabled, created_at, failed_logins, locked_until "
                "FROM users ORDER BY name"
            )
            .df()
        )

    def insert_user(
        self, name: str, role: str, agencies: str, password_hash: str, *, actor: str, at: dt.datetime
    ) -> bool:
        """Add a user and its audit row; False (nothing written) when the name is taken."""
        with self._write_lock, self._transaction() as cur:
            if cur.execute("SELECT count(*) FROM users WHERE name = ?", [name]).fetchone()[0]:
                return False
            cur.execute(
                "INSERT INTO users (name, role, agencies, password_hash, disabled, created_at, failed_logins,"
                " locked_until) VALUES (?, ?, ?, ?, false, ?, 0, NULL)",
                [name, role, agencies, password_hash, at],
            )
            detail = f"user {name}: role {role}" + (f", agencies {agencies}" if agencies else "")
            cur.execute("INSERT INTO audit_log VALUES (?, ?, 'user_add', ?)", [at, actor, detail])
        return True

    def update_user(
        self, name: str, *, actor: str, action: str, detail: str, at: dt.datetime, **fields
    ) -> bool:
        """Set some of password_hash, disabled, failed_logins, locked_until and record ``action``.

        False (nothing written) when there is no such user.
        """
        unknown = set(fields) - set(self._USER_FIELDS)
        if unknown or not fields:
            raise ValueError(f"update_user: cannot set {sorted(unknown) or 'nothing'}")
        columns = [c for c in self._USER_FIELDS if c in fields]  # fixed names only, never caller text
        with self._write_lock, self._transaction() as cur:
            if not cur.execute("SELECT count(*) FROM users WHERE name = ?", [name]).fetchone()[0]:
                return False
            cur.execute(
                f"UPDATE users SET {', '.join(f'{c} = ?' for c in columns)} WHERE name = ?",
                [*(fields[c] for c in columns), name],
            )
            cur.execute("INSERT INTO audit_log VALUES (?, ?, ?, ?)", [at, actor, action, detail])
        return True

    def record_login_failure(
        self, name: str, at: dt.datetime, lock_for, note: str = ""
    ) -> tuple[int, dt.datetime | None]:
        """Count one failed log-in of an existing user: (failures so far, locked until or None).

        ``lock_for(failures)`` gives how long to lock the account (a timedelta) or None;
        ``note`` is added to the audit entry.
        """
        with self._write_lock, self._transaction() as cur:
            row = cur.execute("SELECT failed_logins FROM users WHERE name = ?", [name]).fetchone()
            if row is None:
                return 0, None
            failures = int(row[0]) + 1
            wait = lock_for(failures)
            until = at + wait if wait else None
            cur.execute(
                "UPDATE users SET failed_logins = ?, locked_until = ? WHERE name = ?", [failures, until, name]
            )
            detail = f"failed attempt {failures}{note}"
            if until is not None:
                detail += f"; locked until {until:%Y-%m-%d %H:%M:%S} UTC"
            cur.execute("INSERT INTO audit_log VALUES (?, ?, 'login_failed', ?)", [at, name, detail])
        return failures, until

    def record_login_success(self, name: str, at: dt.datetime, new_hash: str | None = None) -> None:
        """Reset the failure count and lock; store ``new_hash`` when the hash was upgraded."""
        with self._write_lock, self._transaction() as cur:
            cur.execute(
                "UPDATE users SET failed_logins = 0, locked_until = NULL,"
                " password_hash = coalesce(?, password_hash) WHERE name = ?",
                [new_hash, name],
            )
            detail = "logged in" + ("; password hash upgraded" if new_hash else "")
            cur.execute("INSERT INTO audit_log VALUES (?, ?, 'login', ?)", [at, name, detail])

    def add_audit(self, actor: str, action: str, detail: str, at: dt.datetime | None = None) -> None:
        """Record one event that changes nothing else (a refused log-in or upload)."""
        with self._write_lock, self._transaction() as cur:
            cur.execute("INSERT INTO audit_log VALUES (?, ?, ?, ?)", [at or now_utc(), actor, action, detail])

    def audit_log(self, limit: int | None = None) -> pd.DataFrame:
        """Who did what (users, log-ins, withdrawals, refused uploads), newest first."""
        return (
            self.cursor()
            .execute(
                "SELECT logged_at, actor, action, detail FROM audit_log "
                "ORDER BY logged_at DESC, rowid DESC LIMIT ?",
                [limit],
            )
            .df()
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


def _checkpoint(cur) -> None:
    """Fold the WAL into the database file after a commit.

    The commit is already durable in the WAL; DuckDB refuses a checkpoint while another
    session has a transaction open, and then the next checkpoint does the work.
    """
    with contextlib.suppress(duckdb.TransactionException):
        cur.execute("CHECKPOINT")


def _bump(cur) -> None:
    cur.execute(
        "UPDATE meta SET value = CAST(CAST(value AS BIGINT) + 1 AS VARCHAR) WHERE key = 'data_version'"
    )


def _connect(path: str, read_only: bool) -> duckdb.DuckDBPyConnection:
    if path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        if read_only and not os.path.exists(path):
            raise coded_error(DatabaseError, "store.missing", path=path)
    try:
        return duckdb.connect(path, read_only=read_only)
    except duckdb.IOException as exc:
        text = str(exc)
        if _LOCK_RE.search(text):
            pid = re.search(r"PID (\d+)", text)
            holder = f" (PID {pid.group(1)})" if pid else ""
            locked = coded_error(DatabaseLocked, "store.locked", bilingual=True, path=path, holder=holder)
            raise locked from None
        detail = text.splitlines()[0]
        raise coded_error(DatabaseError, "store.not_a_database", path=path, detail=detail) from None
    except duckdb.Error as exc:
        detail = str(exc).splitlines()[0]
        raise coded_error(DatabaseError, "store.not_a_database", path=path, detail=detail) from None
