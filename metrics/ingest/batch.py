"""Check a quarterly file against the registry; one path for the CLI and the upload page.

A file is either accepted whole (every row valid) or refused with every problem listed:
row as Excel shows it, column, value and reason. Nothing is written on refusal.
Reading is :mod:`metrics.ingest.reader`, the checks are :mod:`metrics.ingest.checks` (DuckDB SQL).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Self

import duckdb

from metrics.errors import IngestRefused, Revert
from metrics.ingest.checks import (
    MAX_ABS_VALUE,
    parse_value,
    parse_values,
    period_bounds,
    validate,
)
from metrics.ingest.reader import Unreadable, read_table
from metrics.plan.registry import Registry
from metrics.store.database import Store
from metrics.store.incoming import AcceptedRows
from metrics.store.values import Change
from metrics.text import t

__all__ = [
    "MAX_ABS_VALUE",
    "Batch",
    "IngestResult",
    "parse_file",
    "parse_value",
    "parse_values",
    "period_bounds",
    "revert_text",
]


@dataclass(frozen=True, eq=False)
class Batch:
    """A file that passed every check; its rows wait in ``accepted``, which the batch owns.

    ``accepted`` was checked in ``store.check_cursor()`` (on DuckDB a cursor of the store, so
    storing copies nothing between connections) or, without a store, in a private in-memory
    connection. Close the batch
    (``close()`` or ``with``) once its rows are stored: that frees them and the checks' tables.
    """

    file_name: str
    sha256: str
    accepted: AcceptedRows
    n_file_rows: int
    duplicates_dropped: int = 0
    agencies: tuple[str, ...] = field(default=())
    store: Store | None = None

    @cached_property
    def rows(self):
        """The rows (ROW_COLUMNS) as a pandas DataFrame, for display and tests; no note is None."""
        frame = self.accepted.frame()
        frame["note"] = frame["note"].astype(object).where(frame["note"].notna(), None)
        return frame

    def close(self) -> None:
        """Free the checked rows (after storing them)."""
        self.accepted.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def parse_file(
    registry: Registry,
    data: bytes,
    file_name: str,
    *,
    store: Store | None = None,
    today: dt.date | None = None,
    allowed_agencies: Iterable[str] | None = None,
) -> Batch:
    """Read and validate a file; raise IngestRefused listing every problem.

    With ``store`` the file is checked where that store wants it, ready for :func:`store_checked`.
    """
    con = store.check_cursor() if store is not None else duckdb.connect()
    try:
        table = read_table(data, con, file_name=file_name)
        checked = validate(registry, table, today=today, allowed_agencies=allowed_agencies)
        if checked.problems:
            raise IngestRefused(file_name, checked.problems)
        # every row is accepted, so these are the agencies of the file (blank rows have none)
        agencies = con.execute(
            "SELECT DISTINCT id FROM map_agency_id WHERE id IS NOT NULL ORDER BY 1"
        ).fetchall()
    except Unreadable as exc:
        con.close()
        raise IngestRefused(file_name, exc.problems) from None
    except BaseException:
        con.close()
        raise
    return Batch(
        file_name=file_name,
        sha256=hashlib.sha256(data).hexdigest(),
        accepted=AcceptedRows(con),
        n_file_rows=checked.n_rows + checked.duplicates_dropped,
        duplicates_dropped=checked.duplicates_dropped,
        agencies=tuple(a for (a,) in agencies),
        store=store,
    )


@dataclass(frozen=True)
class IngestResult:
    """A checked file and what storing it did (or would do, on a dry run)."""

    batch: Batch
    change: Change

    def summary(self, lang: str = "en") -> str:
        """One sentence: where the file went and how many values are new, revised, unchanged."""
        c = self.change
        if c.stored:
            head = t("ingest.stored_as", lang, upload=c.upload_id)
        else:
            head = t("ingest.nothing_written", lang)
        counts = {"new": c.new, "revised": c.revised, "unchanged": c.unchanged}
        text = t("ingest.summary", lang, file=self.batch.file_name, head=head, **counts)
        if not c.stored and c.new + c.revised == 0:
            text += ("" if lang == "zh" else " ") + t("ingest.identical", lang)
        return text


def ingest_file(
    store: Store,
    registry: Registry,
    data: bytes,
    file_name: str,
    *,
    uploaded_by: str,
    source: str,
    dry_run: bool = False,
    allowed_agencies: Iterable[str] | None = None,
    today: dt.date | None = None,
    allow_revert: bool = False,
) -> IngestResult:
    """The one ingestion path: check the whole file, then store it in one transaction.

    A file that would undo a later correction raises RevertHeld unless ``allow_revert``.
    """
    allowed = allowed_agencies
    with parse_file(registry, data, file_name, store=store, today=today, allowed_agencies=allowed) as batch:
        return store_checked(
            store, batch, uploaded_by=uploaded_by, source=source, dry_run=dry_run, allow_revert=allow_revert
        )


def store_checked(
    store: Store,
    batch: Batch,
    *,
    uploaded_by: str,
    source: str,
    dry_run: bool = False,
    allow_revert: bool = False,
) -> IngestResult:
    """Store a batch that :func:`parse_file` accepted, as one transaction (RevertHeld: see ingest_file)."""
    # checked in a cursor of this store: stored from there; else copied over as an Arrow table
    rows = batch.accepted if batch.store is store else batch.accepted.arrow()
    change = store.store_batch(
        rows,
        file_name=batch.file_name,
        sha256=batch.sha256,
        uploaded_by=uploaded_by,
        source=source,
        dry_run=dry_run,
        allow_revert=allow_revert,
    )
    return IngestResult(batch, change)


def revert_text(revert: Revert, lang: str = "en") -> str:
    """One held row: where, the file's (old) value, the current one, and which upload corrected it."""
    when = f"{revert.corrected_at:%Y-%m-%d %H:%M} UTC" if revert.corrected_at is not None else ""
    note = t("ingest.revert_note", lang, note=revert.corrected_note) if revert.corrected_note else ""
    return t(
        "ingest.revert_row",
        lang,
        row=revert.row,
        indicator=revert.indicator_id,
        period=revert.period,
        agency=revert.agency_id,
        old=_plain(revert.old_value),
        current=_plain(revert.current_value),
        upload=revert.corrected_upload,
        file=revert.corrected_file,
        who=revert.corrected_by,
        when=when,
        note=note,
    )


def _plain(value: float) -> str:
    """A stored value as written in a file (82.4, 12), without pandas on the ingest path."""
    return str(int(value)) if float(value).is_integer() else f"{value:.10g}"
