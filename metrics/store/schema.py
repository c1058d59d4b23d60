"""The tables of the store and the forward migrations that build them, one version at a time.

A database records its ``schema_version`` in ``meta`` (a database of version 1 predates the key).
Opening one for writing runs every missing step in one transaction (:mod:`metrics.store.connection`);
a database newer than this program is refused. The DDL is written once (DuckDB's ``DOUBLE``, which
:func:`metrics.store.postgres_engine.ddl` spells ``DOUBLE PRECISION``); both backends keep the
same tables and versions.
"""

from __future__ import annotations

from types import ModuleType

from metrics.errors import DatabaseError
from metrics.store import duckdb_engine as engine
from metrics.text import coded_error

SCHEMA_VERSION = 3
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
    3: [
        # one row per reminder sent: never the same (agency, quarter, stage) twice
        """CREATE TABLE reminders (
            agency_id VARCHAR NOT NULL,
            period VARCHAR NOT NULL,
            stage VARCHAR NOT NULL,
            due DATE NOT NULL,
            sent_at TIMESTAMP NOT NULL,
            sent_by VARCHAR NOT NULL,
            recipients VARCHAR NOT NULL,
            n_indicators INTEGER NOT NULL,
            PRIMARY KEY (agency_id, period, stage)
        )""",
    ],
}


def schema_version(cur: engine.Connection, backend: ModuleType = engine) -> int:
    """The version of the tables in the database; 0 for a database of another application or none."""
    if not backend.has_table(cur, "meta"):
        return 0
    row = cur.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row else 1


def pending(current: int, path: str, backend: ModuleType = engine) -> list[str]:
    """The statements that bring a database of version ``current`` up to SCHEMA_VERSION, in order.

    Each shared step in the backend's words (``backend.ddl``), then the backend's own additions
    to it (``backend.AFTER_STEP``: PostgreSQL's indexes, the audit log's sequence column).
    Empty when nothing is missing; the caller runs them in one transaction and records the version.
    """
    if current > SCHEMA_VERSION:
        raise coded_error(DatabaseError, "store.newer_schema", path=path, version=current)
    return [
        sql
        for version in range(current + 1, SCHEMA_VERSION + 1)
        for sql in [*map(backend.ddl, MIGRATIONS[version]), *backend.AFTER_STEP.get(version, [])]
    ]
