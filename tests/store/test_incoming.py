"""metrics.store.incoming: the checked rows the ingest path hands to the store, and their lifetime."""

from __future__ import annotations

import duckdb
import pytest
from conftest import TODAY
from store_support import FIRST, plain

from metrics.ingest.batch import parse_file, store_checked
from metrics.store.incoming import ACCEPTED, ROW_COLUMNS


def temp_tables(cur) -> list[str]:
    return sorted(
        r[0] for r in cur.execute("SELECT table_name FROM duckdb_tables() WHERE temporary").fetchall()
    ) + sorted(
        r[0]
        for r in cur.execute(
            "SELECT view_name FROM duckdb_views() WHERE temporary AND NOT internal"
        ).fetchall()
    )


def test_closing_a_batch_closes_its_cursor_and_drops_the_checks_tables(store, registry):
    with parse_file(registry, FIRST, "q.csv", store=store, today=TODAY) as batch:
        cur = batch.accepted.cursor
        assert ACCEPTED in temp_tables(cur) and "cells" in temp_tables(cur)
        assert temp_tables(store.cursor()) == []  # scratch of the batch's own cursor only
        assert list(batch.accepted.frame().columns) == list(ROW_COLUMNS)
        store_checked(store, batch, uploaded_by="tester", source="test")
    with pytest.raises(duckdb.ConnectionException):
        cur.execute("SELECT 1")
    assert store.counts() == {"observations": 2, "uploads": 1}


def test_rows_checked_without_the_store_are_copied_into_it(store, registry):
    with parse_file(registry, FIRST, "q.csv", today=TODAY) as batch:
        result = store_checked(store, batch, uploaded_by="tester", source="test")
    assert (result.change.upload_id, result.change.new) == (1, 2)
    assert plain(store.latest()[["indicator_id", "period", "agency_id", "value", "note"]]) == [
        ("tc_alignment_rate", "2025Q1", "samr", 85.0, None),
        ("verification_points", "2025Q1", "samr", 10.0, "ten"),
    ]
