"""Reported values: append-only, one revision per change, and every way they are read back.

Every reported value is kept with the upload it came from; a different value (or note) for
an existing (indicator, period, agency) becomes a new revision, the same one changes nothing.
The current value of a key is its highest revision among uploads not withdrawn.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

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
_SCANNED = "incoming_raw"  # rows given as a frame, scanned under this name for one write


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
    ) -> Change:
        """Store a validated batch as one upload, entirely or not at all.

        ``rows`` has the columns ROW_COLUMNS: AcceptedRows whose cursor is a cursor of this store
        (stored from there, nothing copied), or anything DuckDB scans (an Arrow table, a DataFrame).
        """
        with self._write_lock:
            if isinstance(rows, AcceptedRows):
                cur, relation = rows.cursor, ACCEPTED
            else:
                cur, relation = self.cursor(), _SCANNED
                engine.scan(cur, _SCANNED, rows)
            same = cur.execute(
                "SELECT upload_id FROM uploads WHERE sha256 = ? AND withdrawn_at IS NULL "
                "ORDER BY upload_id LIMIT 1",
                [sha256],
            ).fetchone()
            cur.execute("BEGIN TRANSACTION")
            try:
                _classify(cur, relation)
                n_new, n_rev, n_same, agencies, n_rows = cur.execute(
                    "SELECT count(*) FILTER (WHERE change = 'new'),"
                    " count(*) FILTER (WHERE change = 'revised'),"
                    " count(*) FILTER (WHERE change = 'unchanged'),"
                    " coalesce(string_agg(DISTINCT agency_id, ',' ORDER BY agency_id), ''), count(*)"
                    " FROM incoming"
                ).fetchall()[0]
                if dry_run or n_new + n_rev == 0:
                    classified = engine.frame(
                        cur,
                        'SELECT indicator_id, period, agency_id, value, note, "row", change, previous_value, '
                        'previous_note FROM incoming ORDER BY "row"',
                    )
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
                       SELECT indicator_id, period, agency_id, next_revision, value, note, ?, "row"
                       FROM incoming WHERE change <> 'unchanged'""",
                    [upload_id],
                )
                bump_data_version(cur)
                cur.execute("COMMIT")
            except BaseException:
                cur.execute("ROLLBACK")
                raise
            finally:
                if relation == _SCANNED:
                    engine.unscan(cur, _SCANNED)
            engine.checkpoint(cur)
            return Change(upload_id, n_new, n_rev, n_same, None, None)

    def observations(self, include_withdrawn: bool = False) -> pd.DataFrame:
        """Every stored revision with its upload (the input of the status engine)."""
        where = "" if include_withdrawn else "WHERE u.withdrawn_at IS NULL"
        return engine.frame(
            self.cursor(),
            f"""SELECT o.indicator_id, o.agency_id, o.period, o.value, o.note, o.revision, o.upload_id,
                   u.uploaded_at AS recorded_at, u.uploaded_by, u.file_name,
                   u.withdrawn_at IS NOT NULL AS withdrawn
            FROM observations o JOIN uploads u USING (upload_id) {where}
            ORDER BY o.indicator_id, o.agency_id, o.period, o.revision""",
        )

    def latest(self) -> pd.DataFrame:
        """The current value of every (indicator, period, agency)."""
        return engine.frame(
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
        return engine.frame(
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
