"""Everything the store asks of PostgreSQL in particular: the seam's second side (psycopg 3).

The rest of :mod:`metrics.store` writes one SQL dialect both engines accept, with ``?``
parameters; a :class:`Cursor` here turns them into client-side bound literals (so ``? IS NULL``
needs no type) and behaves like a DuckDB cursor: ``execute`` returns the cursor, results are
read whole. A cursor holds one pooled connection of its own until it is closed or dropped.

Writes from every server and every CLI run one after another: :func:`begin` opens a transaction
and takes the store's one write lock (a transaction-level advisory lock on the schema), so two
uploads revising the same key become consecutive revisions instead of a serialization error,
exactly as DuckDB's one writer per file does in a process. Reads never wait for it.

Results become pandas DataFrames through an in-memory DuckDB, so the status engine gets the same
dtypes from both backends. Passwords never leave this module: :func:`redact` is how a URL is shown.
"""

from __future__ import annotations

import contextlib
import io
import re
import threading
from typing import TYPE_CHECKING, Any

import duckdb
import psycopg
import pyarrow as pa
import pyarrow.csv as pa_csv
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from metrics.errors import DatabaseError
from metrics.store.urls import URL_SCHEMES as URL_SCHEMES  # re-exported with is_url and redact
from metrics.store.urls import is_url as is_url
from metrics.store.urls import redact
from metrics.text import coded_error

if TYPE_CHECKING:
    import pandas as pd

INSERTION_ORDER = "seq"  # audit_log's identity column (DuckDB has rowid)
CHECKED_IN_PLACE = False  # files are checked in DuckDB, then their rows are copied in (COPY)
MAX_IDLE = 16  # pooled connections kept open per database
# PostgreSQL-only statements run after the shared step of that schema version (same tables, same versions)
AFTER_STEP: dict[int, list[str]] = {
    1: [
        "CREATE UNIQUE INDEX observations_key ON observations (indicator_id, period, agency_id, revision)",
        "CREATE INDEX observations_upload ON observations (upload_id)",
        "CREATE INDEX uploads_sha256 ON uploads (sha256)",
    ],
    2: ["ALTER TABLE audit_log ADD COLUMN seq BIGINT GENERATED ALWAYS AS IDENTITY"],
}
_TYPES = {  # PostgreSQL type OID -> the Arrow type DuckDB would give the same column
    16: pa.bool_(),
    20: pa.int64(),
    21: pa.int16(),
    23: pa.int32(),
    25: pa.string(),
    700: pa.float32(),
    701: pa.float64(),
    1043: pa.string(),
    1114: pa.timestamp("us"),
    1700: pa.float64(),
}
_CSV_TYPES = {**_TYPES, 1082: pa.date32()}  # what COPY's CSV is read back as, by type OID
_ARROW_DDL = (  # Arrow type test -> column type of a scanned frame's temp table
    (pa.types.is_boolean, "BOOLEAN"),
    (pa.types.is_integer, "BIGINT"),
    (pa.types.is_floating, "DOUBLE PRECISION"),
    (pa.types.is_timestamp, "TIMESTAMP"),
    (pa.types.is_date, "DATE"),
)
_DUCK = threading.local()


class Database:
    """A pool of autocommit connections to one database; ``cursor()`` lends one out."""

    def __init__(self, url: str, read_only: bool):
        self.url = url
        self.read_only = read_only
        self._idle: list[psycopg.Connection] = []
        self._guard = threading.Lock()
        self._closed = False
        self.shapes: dict[str, tuple[list[str], list]] = {}  # statement -> its columns' names and types
        self._give(self._new())  # fail now, in words, rather than at the first query

    def _new(self) -> psycopg.Connection:
        try:
            params = conninfo_to_dict(self.url)
            if self.read_only:  # added to the URL's own options (a search_path, say), not instead
                params["options"] = f"{params.get('options') or ''} -c default_transaction_read_only=on"
            con = psycopg.connect(
                make_conninfo(**params),
                autocommit=True,
                cursor_factory=psycopg.ClientCursor,
                application_name="metrics",
                connect_timeout=10,
            )
        except psycopg.Error as exc:
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            path = redact(self.url)
            raise coded_error(DatabaseError, "store.not_a_database", path=path, detail=first) from None
        return con

    def _take(self) -> psycopg.Connection:
        with self._guard:
            while self._idle:
                con = self._idle.pop()
                if not con.closed and not con.broken:
                    return con
        return self._new()

    def _give(self, con: psycopg.Connection) -> None:
        if con.closed or con.broken:
            return
        try:
            if con.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
                con.rollback()
        except psycopg.Error:
            con.close()
            return
        with self._guard:
            if not self._closed and len(self._idle) < MAX_IDLE:
                self._idle.append(con)
                return
        con.close()

    def cursor(self) -> Cursor:
        return Cursor(self)

    def close(self) -> None:
        with self._guard:
            self._closed = True
            idle, self._idle = self._idle, []
        for con in idle:
            con.close()


class Cursor:
    """A DuckDB-like cursor on one pooled connection: ``execute`` returns it, results are read whole."""

    def __init__(self, db: Database):
        self._db = db
        self._con: psycopg.Connection | None = db._take()
        self._rows: list[tuple] = []
        self._at = 0
        self.description: list[tuple] | None = None
        self._types: list[int] = []

    def execute(self, sql: str, params: list | tuple | None = None) -> Cursor:
        if self._con is None:
            raise DatabaseError("this cursor is closed")
        try:
            if params is None:
                cur = self._con.execute(sql)
            else:
                cur = self._con.execute(_placeholders(sql), list(params))
        except psycopg.OperationalError as exc:
            if self._con.broken:
                raise coded_error(
                    DatabaseError, "store.connection_lost", path=redact(self._db.url), detail=exc
                ) from None
            raise
        if cur.description is None:
            self.description, self._types, self._rows = None, [], []
        else:
            self.description = [tuple(col) for col in cur.description]
            self._types = [col.type_code for col in cur.description]
            self._rows = cur.fetchall()
        self._at = 0
        return self

    def fetchone(self) -> tuple | None:
        if self._at >= len(self._rows):
            return None
        self._at += 1
        return self._rows[self._at - 1]

    def fetchall(self) -> list[tuple]:
        rows, self._at = self._rows[self._at :], len(self._rows)
        return rows

    def arrow(self) -> pa.Table:
        """The last result as an Arrow table, typed as DuckDB would type the same columns."""
        names = [d[0] for d in self.description or []]
        columns = list(zip(*self._rows, strict=True)) if self._rows else [() for _ in names]
        arrays = [
            pa.array(list(values), type=_TYPES.get(oid, pa.string() if not values else None))
            for values, oid in zip(columns, self._types, strict=True)
        ]
        return pa.table(arrays, names=names) if names else pa.table({})

    def df(self) -> pd.DataFrame:
        """The last result as DuckDB's ``.df()`` would give it (dtypes included)."""
        return _duck().from_arrow(self.arrow()).df()

    def copy_frame(self, sql: str, params: list | None = None) -> pd.DataFrame | None:
        """The result of ``sql`` read with ``COPY … TO STDOUT`` as CSV and parsed by Arrow, typed
        as DuckDB would type it; None when a column's type has no CSV reading here.

        Every stored revision (440,000 rows) takes a fraction of a second this way, against
        seconds as Python tuples."""
        if self._con is None:
            raise DatabaseError("this cursor is closed")
        query = sql if not params else self._con.cursor().mogrify(_placeholders(sql), list(params))
        shape = self._db.shapes.get(sql)
        if shape is None:  # the result's columns, asked once per statement (its parameters change no type)
            probe = self._con.execute(f"SELECT * FROM ({query}) AS q LIMIT 0").description or []
            shape = ([c.name for c in probe], [_CSV_TYPES.get(c.type_code) for c in probe])
            self._db.shapes[sql] = shape
        names, types = shape
        if not names or None in types or len(set(names)) != len(names):
            return None
        data = bytearray()
        with self._con.cursor().copy(f"COPY ({query}) TO STDOUT (FORMAT csv)") as copy:
            for block in copy:
                data += block
        if not data:
            return pa.table({n: pa.array([], t) for n, t in zip(names, types, strict=True)}).to_pandas()
        table = pa_csv.read_csv(
            io.BytesIO(data),
            read_options=pa_csv.ReadOptions(column_names=names),
            parse_options=pa_csv.ParseOptions(newlines_in_values=True),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict(zip(names, types, strict=True)),
                null_values=[""],  # COPY writes NULL unquoted and an empty text as ""
                strings_can_be_null=True,
                quoted_strings_can_be_null=False,
                true_values=["t"],
                false_values=["f"],
            ),
        )
        return table.to_pandas()

    def copy_rows(self, table: str, columns: list[str], rows: list[tuple] | Any) -> None:
        """Load ``rows`` into ``table`` (a fixed name of this package) with COPY."""
        if self._con is None:
            raise DatabaseError("this cursor is closed")
        cols = ", ".join(f'"{c}"' for c in columns)
        with self._con.cursor().copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    def cursor(self) -> Cursor:
        return Cursor(self._db)

    def close(self) -> None:
        con, self._con = self._con, None
        if con is not None:
            self._db._give(con)

    def __del__(self) -> None:
        # an interpreter shutting down, a server gone: the connection is dropped
        with contextlib.suppress(Exception):
            self.close()


Connection = Cursor  # what the store's modules call a cursor's type


def connect(url: str, read_only: bool) -> Database:
    """Open a pool on the database ``url``; DatabaseError, without the password, when it cannot be reached."""
    return Database(url, read_only)


def begin(cur: Cursor) -> None:
    """Open a write transaction holding the store's write lock, so writes from every process queue."""
    cur.execute("BEGIN")
    cur.execute("SELECT pg_advisory_xact_lock(hashtext(current_schema()))")


def check_cursor(db: Database) -> duckdb.DuckDBPyConnection:
    """Where a file bound for this store is checked: a cursor of a private in-memory DuckDB."""
    return _shared_duck().cursor()


def checkpoint(cur: Cursor) -> None:
    """PostgreSQL needs no checkpoint after a commit."""


def grown(cur: Cursor, rows: int) -> None:
    """After a commit that stored ``rows`` values: refresh the planner's statistics when that is
    more than a tenth of the rows they last counted, as autovacuum would within a minute.

    Until then the first upload into an empty database is planned as if the table were still
    empty: hash joins and sorts that spill to disk instead of an index scan (at 440,000 values the
    data page's first page of revisions took 0.9 s instead of 1 ms)."""
    (counted,) = cur.execute(
        "SELECT reltuples FROM pg_catalog.pg_class WHERE oid = 'observations'::regclass"
    ).fetchone()
    if rows > 0.1 * max(float(counted), 0.0):  # -1: never counted
        cur.execute("ANALYZE observations, uploads")


def has_table(cur: Cursor, name: str) -> bool:
    """Whether the current schema has a table ``name``."""
    row = cur.execute(
        "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = current_schema() AND tablename = ?",
        [name],
    ).fetchone()
    return bool(row[0])


def ddl(statement: str) -> str:
    """A shared schema statement in PostgreSQL's words (``DOUBLE`` is ``DOUBLE PRECISION`` there)."""
    return re.sub(r"\bDOUBLE\b(?! PRECISION)", "DOUBLE PRECISION", statement)


def scan(cur: Cursor, name: str, rows: object) -> None:
    """Make ``rows`` (an Arrow table, a pandas DataFrame) readable as the temp table ``name`` of ``cur``."""
    table = rows if isinstance(rows, pa.Table) else pa.Table.from_pandas(rows, preserve_index=False)
    columns = []
    for field in table.schema:
        kind = next((sql for test, sql in _ARROW_DDL if test(field.type)), "VARCHAR")
        columns.append(f'"{field.name}" {kind}')
    cur.execute(f"DROP TABLE IF EXISTS {name}")
    cur.execute(f"CREATE TEMP TABLE {name} ({', '.join(columns)})")
    names = table.column_names
    cur.copy_rows(name, names, (tuple(r[c] for c in names) for r in table.to_pylist()))


def unscan(cur: Cursor, name: str) -> None:
    cur.execute(f"DROP TABLE IF EXISTS {name}")


def frame(cur: Cursor, sql: str, params: list | None = None) -> pd.DataFrame:
    """The result of ``sql`` as a pandas DataFrame with DuckDB's dtypes (read with COPY)."""
    read = cur.copy_frame(sql, params)
    return read if read is not None else cur.execute(sql, params).df()


def arrow(cur: Cursor, sql: str) -> pa.Table:
    """The result of ``sql`` as an Arrow table."""
    return cur.execute(sql).arrow()


def _duck() -> duckdb.DuckDBPyConnection:
    """This thread's cursor of a private in-memory DuckDB, for turning results into DataFrames."""
    con = getattr(_DUCK, "con", None)
    if con is None:
        con = _DUCK.con = _shared_duck().cursor()
    return con


_SHARED: list[duckdb.DuckDBPyConnection] = []
_SHARED_GUARD = threading.Lock()


def _shared_duck() -> duckdb.DuckDBPyConnection:
    with _SHARED_GUARD:
        if not _SHARED:
            _SHARED.append(duckdb.connect())
        return _SHARED[0]


def _placeholders(sql: str) -> str:
    """``?`` parameters as psycopg's ``%s`` (the store's SQL has no ``?`` or ``%`` in literals)."""
    return sql.replace("%", "%%").replace("?", "%s")
