"""Reported values: append-only, one revision per change, and every way they are read back.

Every reported value is kept with the upload it came from; a different value (or note) for
an existing (indicator, period, agency) becomes a new revision, the same one changes nothing.
The current value of a key is its highest revision among uploads not withdrawn.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from metrics.errors import Revert, RevertHeld
from metrics.store import duckdb_engine as engine
from metrics.store.connection import Connection, bump_data_version, now_utc
from metrics.store.incoming import ACCEPTED, AcceptedRows

if TYPE_CHECKING:
    import pandas as pd

# The current value of every key: the highest revision among uploads not withdrawn.
LATEST = """
    SELECT * FROM (
        SELECT o.*, u.uploaded_at AS recorded_at, u.uploaded_by, u.file_name,
               row_number() OVER (PARTITION BY o.indicator_id, o.period, o.agency_id
                                  ORDER BY o.revision DESC) AS newest
        FROM observations o JOIN uploads u USING (upload_id)
        WHERE u.withdrawn_at IS NULL
    ) AS ranked
    WHERE newest = 1
"""
# The rows of ``incoming`` that set a value back to an earlier revision which a later revision
# replaced (among uploads not withdrawn): the newest such revision, and the one that replaced it.
REVERTS = """
    WITH live AS (
        SELECT o.indicator_id, o.period, o.agency_id, o.revision, o.value, o.note, o.upload_id,
               u.file_name, u.uploaded_by, u.uploaded_at,
               lead(o.revision) OVER (PARTITION BY o.indicator_id, o.period, o.agency_id
                                      ORDER BY o.revision) AS replaced_by
        FROM observations o JOIN uploads u USING (upload_id)
        WHERE u.withdrawn_at IS NULL
    ),
    matched AS (
        SELECT i."row", i.indicator_id, i.period, i.agency_id, i.value, i.previous_value,
               max(l.revision) AS old_revision
        FROM incoming i JOIN live l
          ON l.indicator_id = i.indicator_id AND l.period = i.period AND l.agency_id = i.agency_id
         AND l.value = i.value AND l.replaced_by IS NOT NULL
        WHERE i.change = 'revised' AND i.value <> i.previous_value
        GROUP BY i."row", i.indicator_id, i.period, i.agency_id, i.value, i.previous_value
    )
    SELECT m."row", m.indicator_id, m.period, m.agency_id, m.value, m.previous_value,
           c.upload_id, c.file_name, c.uploaded_by, c.uploaded_at, c.note
    FROM matched m
    JOIN live o ON o.indicator_id = m.indicator_id AND o.period = m.period AND o.agency_id = m.agency_id
               AND o.revision = m.old_revision
    JOIN live c ON c.indicator_id = m.indicator_id AND c.period = m.period AND c.agency_id = m.agency_id
               AND c.revision = o.replaced_by
    ORDER BY m."row", m.indicator_id, m.period, m.agency_id
"""
_SCANNED = "incoming_raw"  # rows given as a frame, scanned under this name for one write
_KEY = "o.indicator_id, o.period, o.agency_id"
# How a page of revisions may be ordered (a name, never SQL from the caller); ties end in the key
# and the newest revision first, so that every order is total and pages never overlap.
REVISION_ORDERS = {
    "key": f"{_KEY}, o.revision DESC",
    "period_desc": "o.period DESC, o.indicator_id, o.agency_id, o.revision DESC",
    "uploaded_desc": f"u.uploaded_at DESC, o.upload_id DESC, {_KEY}, o.revision DESC",
    "value_desc": f"o.value DESC, {_KEY}, o.revision DESC",
    "value_asc": f"o.value ASC, {_KEY}, o.revision DESC",
}


@dataclass(frozen=True)
class RevisionFilter:
    """Which revisions a page of the data table shows: None matches every indicator, agency, quarter."""

    indicator_id: str | None = None
    agency_id: str | None = None
    period: str | None = None
    include_withdrawn: bool = False

    def where(self) -> tuple[str, list]:
        """The WHERE clause over ``observations o JOIN uploads u`` and its parameters."""
        clauses, params = [], []
        for column in ("indicator_id", "agency_id", "period"):
            value = getattr(self, column)
            if value is not None:
                clauses.append(f"o.{column} = ?")
                params.append(value)
        if not self.include_withdrawn:
            clauses.append("u.withdrawn_at IS NULL")
        return ("WHERE " + " AND ".join(clauses)) if clauses else "", params


@dataclass(frozen=True)
class RevisionPage:
    """One page of matching revisions, and how many match in all (rows and distinct values)."""

    rows: pd.DataFrame
    total: int
    keys: int


@dataclass(frozen=True)
class Change:
    """What storing a batch did (or, on a dry run, would do)."""

    upload_id: int | None
    new: int
    revised: int
    unchanged: int
    identical_upload: int | None = None  # an earlier upload with the very same bytes
    rows: pd.DataFrame | None = None  # when nothing was stored: rows with ``change``, ``previous_value``
    reverts: tuple[Revert, ...] = ()  # values set back to what a later upload corrected

    @property
    def stored(self) -> bool:
        return self.upload_id is not None


_WITHDRAWN = "SELECT upload_id FROM uploads WHERE withdrawn_at IS NOT NULL"
_UPLOAD_COLUMNS = ("recorded_at", "uploaded_by", "file_name", "withdrawn")  # beside every revision


class Values(Connection):
    """The store's values: writing a batch as one upload, and reading values and revisions."""

    def store_batch(
        self,
        rows: AcceptedRows | object,
        *,
        file_name: str,
        sha256: str,
        uploaded_by: str,
        source: str,
        dry_run: bool = False,
        allow_revert: bool = False,
    ) -> Change:
        """Store a validated batch as one upload, entirely or not at all.

        A batch that would set a value back to one a later upload replaced is held (RevertHeld,
        nothing written) unless ``allow_revert``; a dry run lists those values in ``reverts``.
        ``rows`` has the columns ROW_COLUMNS: AcceptedRows whose cursor is a cursor of this store
        (stored from there, nothing copied), or anything DuckDB scans (an Arrow table, a DataFrame).
        """
        with self._write_lock:
            if isinstance(rows, AcceptedRows) and self.engine.CHECKED_IN_PLACE:
                cur, relation = rows.cursor, ACCEPTED
            else:
                if isinstance(rows, AcceptedRows):  # checked in DuckDB, stored elsewhere
                    rows = rows.arrow()
                cur, relation = self.cursor(), _SCANNED
                self.engine.scan(cur, _SCANNED, rows)
            same = cur.execute(
                "SELECT upload_id FROM uploads WHERE sha256 = ? AND withdrawn_at IS NULL "
                "ORDER BY upload_id LIMIT 1",
                [sha256],
            ).fetchone()
            self.engine.begin(cur)
            try:
                _classify(cur, relation)
                n_new, n_rev, n_same, agencies, n_rows = cur.execute(
                    "SELECT count(*) FILTER (WHERE change = 'new'),"
                    " count(*) FILTER (WHERE change = 'revised'),"
                    " count(*) FILTER (WHERE change = 'unchanged'),"
                    " coalesce(string_agg(DISTINCT agency_id, ',' ORDER BY agency_id), ''), count(*)"
                    " FROM incoming"
                ).fetchall()[0]
                reverts = _reverts(cur) if n_rev else ()
                if dry_run or n_new + n_rev == 0:
                    classified = self.engine.frame(
                        cur,
                        'SELECT indicator_id, period, agency_id, value, note, "row", change, previous_value, '
                        'previous_note FROM incoming ORDER BY "row"',
                    )
                    cur.execute("ROLLBACK")
                    earlier = same[0] if same else None
                    return Change(None, n_new, n_rev, n_same, earlier, classified, reverts)
                if reverts and not allow_revert:
                    raise RevertHeld(file_name, reverts)
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
                       SELECT indicator_id, period, agency_id, next_revision, value, note, ?, "row"
                       FROM incoming WHERE change <> 'unchanged'""",
                    [upload_id],
                )
                if reverts:
                    cur.execute(
                        "INSERT INTO audit_log VALUES (?, ?, 'upload_revert', ?)",
                        [now_utc(), uploaded_by, _revert_detail(upload_id, file_name, reverts)],
                    )
                bump_data_version(cur)
                cur.execute("COMMIT")
            except BaseException:
                cur.execute("ROLLBACK")
                raise
            finally:
                if relation == _SCANNED:
                    self.engine.unscan(cur, _SCANNED)
            self.engine.checkpoint(cur)
            self.engine.grown(cur, n_new + n_rev)
            return Change(upload_id, n_new, n_rev, n_same, None, None, reverts)

    def observations(self, include_withdrawn: bool = False) -> pd.DataFrame:
        """Every stored revision with its upload (the input of the status engine), in no set order.

        Read as two results joined here: the revisions, and their uploads (a few hundred rows) put
        beside them by position, so the upload's time, user and file are not sent once per row;
        no ORDER BY, since the engine codes and sorts the rows itself (a sort of 440,000 text keys
        was most of the query's time on PostgreSQL). The uploads are read second: every row read
        has its upload, and one withdrawn in between is dropped here too."""
        import pandas as pd  # here, not at the top: the ingest path never needs it

        where = "" if include_withdrawn else f"WHERE upload_id NOT IN ({_WITHDRAWN})"
        cur = self.cursor()
        rows = self.engine.frame(
            cur,
            "SELECT indicator_id, agency_id, period, value, note, revision, upload_id"
            f" FROM observations {where}",
        )
        ups = self.engine.frame(
            cur,
            """SELECT upload_id, uploaded_at AS recorded_at, uploaded_by, file_name,
                      withdrawn_at IS NOT NULL AS withdrawn FROM uploads""",
        )
        at = pd.Index(ups["upload_id"]).get_indexer(rows["upload_id"])
        joined = rows.assign(**{c: ups[c].array.take(at, allow_fill=True) for c in _UPLOAD_COLUMNS})
        keep = at >= 0 if include_withdrawn else (at >= 0) & ~joined["withdrawn"].fillna(True).to_numpy(bool)
        return joined if keep.all() else joined[keep].reset_index(drop=True)

    def latest(self) -> pd.DataFrame:
        """The current value of every (indicator, period, agency)."""
        return self.engine.frame(
            self.cursor(),
            f"""SELECT indicator_id, period, agency_id, value, note, revision, upload_id,
                   recorded_at, uploaded_by, file_name
            FROM ({LATEST}) AS latest ORDER BY indicator_id, period, agency_id""",
        )

    def history(
        self,
        indicator_id: str | None = None,
        agency_id: str | None = None,
        period: str | None = None,
    ) -> pd.DataFrame:
        """Every revision of the matching values, newest revision first, withdrawn ones marked."""
        return self.engine.frame(
            self.cursor(),
            """SELECT o.indicator_id, o.period, o.agency_id, o.revision, o.value, o.note, o.upload_id,
                  u.file_name, u.uploaded_by, u.uploaded_at, u.withdrawn_at IS NOT NULL AS withdrawn
           FROM observations o JOIN uploads u USING (upload_id)
           WHERE (CAST(? AS VARCHAR) IS NULL OR o.indicator_id = ?)
             AND (CAST(? AS VARCHAR) IS NULL OR o.agency_id = ?)
             AND (CAST(? AS VARCHAR) IS NULL OR o.period = ?)
           ORDER BY o.indicator_id, o.period, o.agency_id, o.revision DESC""",
            [indicator_id, indicator_id, agency_id, agency_id, period, period],
        )

    def revisions_page(
        self, chosen: RevisionFilter, order: str = "key", offset: int = 0, limit: int = 200
    ) -> RevisionPage:
        """``limit`` matching revisions from ``offset`` in the named order (:data:`REVISION_ORDERS`),
        each flagged ``current`` when it is the value that counts, and the number that match.

        Filtering, ordering and paging are done here, so a page of rows leaves the database."""
        where, params = chosen.where()
        cur = self.cursor()
        total, keys = cur.execute(
            "SELECT coalesce(sum(n), 0), count(*) FROM (SELECT count(*) AS n FROM observations o"
            f" JOIN uploads u USING (upload_id) {where} GROUP BY {_KEY}) AS k",
            params,
        ).fetchone()
        rows = self.engine.frame(
            cur,
            f"""SELECT o.indicator_id, o.period, o.agency_id, o.revision, o.value, o.note, o.upload_id,
                   u.file_name, u.uploaded_by, u.uploaded_at, u.withdrawn_at IS NOT NULL AS withdrawn,
                   coalesce(u.withdrawn_at IS NULL AND o.revision = max(CASE WHEN u.withdrawn_at IS NULL
                       THEN o.revision END) OVER (PARTITION BY {_KEY}), FALSE) AS current
            FROM observations o JOIN uploads u USING (upload_id) {where}
            ORDER BY {REVISION_ORDERS[order]} LIMIT ? OFFSET ?""",
            [*params, int(limit), int(offset)],
        )
        return RevisionPage(rows, int(total), int(keys))

    def stored_periods(self, include_withdrawn: bool = True) -> list[str]:
        """The quarters with a stored value (of an upload not withdrawn, unless asked), newest first."""
        where = "" if include_withdrawn else "WHERE u.withdrawn_at IS NULL"
        rows = self.cursor().execute(
            f"SELECT DISTINCT o.period FROM observations o JOIN uploads u USING (upload_id) {where}"
            " ORDER BY o.period DESC"
        )
        return [r[0] for r in rows.fetchall()]

    def counts(self) -> dict[str, int]:
        cur = self.cursor()
        return {
            "observations": cur.execute("SELECT count(*) FROM observations").fetchone()[0],
            "uploads": cur.execute("SELECT count(*) FROM uploads").fetchone()[0],
        }


def _classify(cur: engine.Connection, relation: str) -> None:
    """Fill the temp table ``incoming`` from ``relation``: each row marked new, revised or unchanged.

    ``relation`` is one of this package's fixed names (ACCEPTED or the scanned frame).
    """
    cur.execute("DROP TABLE IF EXISTS incoming")
    cur.execute(
        f"""CREATE TEMP TABLE incoming AS
        WITH latest AS ({LATEST}),
             top AS (SELECT indicator_id, period, agency_id, max(revision) AS max_rev
                     FROM observations GROUP BY indicator_id, period, agency_id)
        SELECT i.indicator_id, i.period, i.agency_id, i.value, i.note, i."row",
               l.value AS previous_value, l.note AS previous_note,
               CASE WHEN l.value IS NULL THEN 'new'
                    WHEN l.value = i.value AND l.note IS NOT DISTINCT FROM i.note THEN 'unchanged'
                    ELSE 'revised' END AS change,
               coalesce(t.max_rev, 0) + 1 AS next_revision
        FROM (SELECT CAST(indicator_id AS VARCHAR) AS indicator_id, CAST(period AS VARCHAR) AS period,
                     CAST(agency_id AS VARCHAR) AS agency_id, CAST(value AS DOUBLE PRECISION) AS value,
                     CAST(note AS VARCHAR) AS note, CAST("row" AS BIGINT) AS "row" FROM {relation}) AS i
        LEFT JOIN latest l USING (indicator_id, period, agency_id)
        LEFT JOIN top t USING (indicator_id, period, agency_id)"""
    )


def _reverts(cur: engine.Connection) -> tuple[Revert, ...]:
    """The rows of ``incoming`` that would undo a later correction (see REVERTS)."""
    return tuple(
        Revert(
            row=None if row is None else int(row),
            indicator_id=ind,
            period=period,
            agency_id=agency,
            old_value=float(value),
            current_value=float(current),
            corrected_upload=int(upload),
            corrected_file=file_name,
            corrected_by=who,
            corrected_at=when,
            corrected_note=note,
        )
        for row, ind, period, agency, value, current, upload, file_name, who, when, note in cur.execute(
            REVERTS
        ).fetchall()
    )


def _revert_detail(upload_id: int, file_name: str, reverts: tuple[Revert, ...]) -> str:
    """The audit entry of an upload stored although it set values back (confirmed by its sender)."""
    listed = "; ".join(
        f"row {r.row} {r.indicator_id} {r.period} {r.agency_id}: {r.current_value:g} -> {r.old_value:g}"
        f" (corrected by upload {r.corrected_upload})"
        for r in reverts[:20]
    )
    more = " …" if len(reverts) > 20 else ""
    head = f"upload {upload_id} ({file_name[:200]}): {len(reverts)} value(s) set back, confirmed"
    return f"{head}: {listed}{more}"
