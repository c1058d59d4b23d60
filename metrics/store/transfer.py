"""Copying a whole store to another (DuckDB file to PostgreSQL and back), verified by checksums.

Every upload (with its withdrawal), every revision, every user and every audit row is copied in
one transaction of the target, keeping upload numbers and the order of the audit log. A copy
into an empty store, or onto a store that already holds exactly the source's rows, is safe to
repeat: the second run finds the checksums equal and writes nothing. A target that holds other
rows is refused unless ``replace`` empties it first (in the same transaction).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

import pyarrow as pa

from metrics.errors import DatabaseError
from metrics.store.connection import Connection, bump_data_version
from metrics.text import coded_error

# table -> (columns with the Arrow type both engines read them as, order of the rows)
TABLES: dict[str, tuple[tuple[tuple[str, pa.DataType], ...], str]] = {
    "uploads": (
        (
            ("upload_id", pa.int64()),
            ("file_name", pa.string()),
            ("sha256", pa.string()),
            ("uploaded_by", pa.string()),
            ("uploaded_at", pa.timestamp("us")),
            ("source", pa.string()),
            ("agencies", pa.string()),
            ("n_rows", pa.int32()),
            ("n_new", pa.int32()),
            ("n_revised", pa.int32()),
            ("n_unchanged", pa.int32()),
            ("withdrawn_at", pa.timestamp("us")),
            ("withdrawn_by", pa.string()),
            ("withdraw_reason", pa.string()),
        ),
        "upload_id",
    ),
    "observations": (
        (
            ("indicator_id", pa.string()),
            ("period", pa.string()),
            ("agency_id", pa.string()),
            ("revision", pa.int32()),
            ("value", pa.float64()),
            ("note", pa.string()),
            ("upload_id", pa.int64()),
            ("source_row", pa.int32()),
        ),
        "upload_id, indicator_id, period, agency_id, revision",
    ),
    "users": (
        (
            ("name", pa.string()),
            ("role", pa.string()),
            ("agencies", pa.string()),
            ("password_hash", pa.string()),
            ("disabled", pa.bool_()),
            ("created_at", pa.timestamp("us")),
            ("failed_logins", pa.int32()),
            ("locked_until", pa.timestamp("us")),
        ),
        "name",
    ),
    "audit_log": (
        (
            ("logged_at", pa.timestamp("us")),
            ("actor", pa.string()),
            ("action", pa.string()),
            ("detail", pa.string()),
        ),
        "",  # insertion order: the engine's own (rowid, seq)
    ),
    "reminders": (
        (
            ("agency_id", pa.string()),
            ("period", pa.string()),
            ("stage", pa.string()),
            ("due", pa.date32()),
            ("sent_at", pa.timestamp("us")),
            ("sent_by", pa.string()),
            ("recipients", pa.string()),
            ("n_indicators", pa.int32()),
        ),
        "agency_id, period, stage",
    ),
}
_COPYING = "copy_in"  # the scanned rows of one table while it is copied; a fixed name
_ORDINAL = "ordinal"  # its column numbering the rows in the source's order
_META_COPIED = ("demo",)


@dataclass(frozen=True)
class TableCheck:
    """One table's rows on both sides after a copy."""

    table: str
    source_rows: int
    target_rows: int
    source_sum: str
    target_sum: str

    @property
    def ok(self) -> bool:
        return self.source_rows == self.target_rows and self.source_sum == self.target_sum


@dataclass(frozen=True)
class CopyReport:
    """What a copy did: ``copied`` False when the target already held exactly the source's rows."""

    copied: bool
    checks: tuple[TableCheck, ...]

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)


def read_table(store: Connection, table: str) -> pa.Table:
    """Every row of one of TABLES, in its fixed order, typed the same on both engines."""
    columns, order = TABLES[table]
    order = order or store.engine.INSERTION_ORDER
    names = ", ".join(name for name, _ in columns)
    cur = store.cursor()
    try:
        raw = store.engine.arrow(cur, f"SELECT {names} FROM {table} ORDER BY {order}")
    finally:
        cur.close()
    return raw.cast(pa.schema(list(columns)))


def checksum(rows: pa.Table) -> str:
    """A SHA-256 over the rows in order, each value written the same way whatever engine read it."""
    digest = hashlib.sha256()
    for row in rows.to_pylist():
        digest.update("\x1f".join(_text(v) for v in row.values()).encode())
        digest.update(b"\x1e")
    return digest.hexdigest()


def _text(value: object) -> str:
    if value is None:
        return "\x00"
    if isinstance(value, float):
        return value.hex()
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="microseconds")
    return str(value)


def fingerprint(store: Connection) -> dict[str, tuple[int, str]]:
    """table -> (rows, checksum) for every table a copy moves."""
    out = {}
    for table in TABLES:
        rows = read_table(store, table)
        out[table] = (rows.num_rows, checksum(rows))
    return out


def copy_store(source: Connection, target: Connection, replace: bool = False) -> CopyReport:
    """Copy every row of ``source`` into ``target`` in one transaction, then compare both sides."""
    before = fingerprint(source)
    there = fingerprint(target)
    copied = False
    if there != before:
        if any(rows for rows, _ in there.values()) and not replace:
            held = ", ".join(f"{rows} {table}" for table, (rows, _) in there.items() if rows)
            raise coded_error(DatabaseError, "store.target_holds_data", path=target.path, held=held)
        tables = {table: read_table(source, table) for table in TABLES}
        meta = {key: source.meta(key) for key in _META_COPIED}
        _write_all(target, tables, meta)
        copied = True
    after = fingerprint(target)
    checks = tuple(
        TableCheck(table, before[table][0], after[table][0], before[table][1], after[table][1])
        for table in TABLES
    )
    return CopyReport(copied, checks)


def _write_all(target: Connection, tables: dict[str, pa.Table], meta: dict[str, str | None]) -> None:
    engine = target.engine
    with target._write_lock, target._transaction() as cur:
        for table in reversed(list(TABLES)):
            cur.execute(f"DELETE FROM {table}")
        for table, rows in tables.items():
            names = ", ".join(name for name, _ in TABLES[table][0])
            numbered = rows.append_column(_ORDINAL, pa.array(range(rows.num_rows), pa.int64()))
            engine.scan(cur, _COPYING, numbered)
            try:  # in the source's order: the audit log's order is its insertion order
                cur.execute(
                    f"INSERT INTO {table} ({names}) SELECT {names} FROM {_COPYING} ORDER BY {_ORDINAL}"
                )
            finally:
                engine.unscan(cur, _COPYING)
        for key, value in meta.items():
            if value is not None:
                cur.execute(
                    "INSERT INTO meta VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    [key, value],
                )
        bump_data_version(cur)
    engine.grown(cur, tables["observations"].num_rows)  # a database filled at once: plan on its rows
