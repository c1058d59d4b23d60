"""metrics.store.values: append-only values, revisions, one transaction per write."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest
from store_support import FIRST, SECOND, plain


def test_a_different_value_becomes_revision_2_and_history_keeps_both(store, ingest):
    ingest(FIRST, "first.csv")
    result = ingest(SECOND, "second.csv")
    assert (result.change.upload_id, result.change.new, result.change.revised, result.change.unchanged) == (
        2,
        0,
        1,
        1,
    )
    assert plain(
        store.latest()[["indicator_id", "period", "agency_id", "value", "note", "revision", "upload_id"]]
    ) == [
        ("tc_alignment_rate", "2025Q1", "samr", 86.0, "corrected", 2, 2),
        ("verification_points", "2025Q1", "samr", 10.0, "ten", 1, 1),
    ]
    history = store.history("tc_alignment_rate", "samr", "2025Q1")
    assert plain(history[["revision", "value", "note", "upload_id", "file_name", "withdrawn"]]) == [
        (2, 86.0, "corrected", 2, "second.csv", False),
        (1, 85.0, None, 1, "first.csv", False),
    ]
    assert store.counts() == {"observations": 3, "uploads": 2}


def test_a_failed_write_is_rolled_back_entirely(store, ingest):
    ingest(FIRST)
    rows = pd.DataFrame(
        {
            "indicator_id": ["ms_annual_report", "ms_annual_report"],
            "period": ["2025Q1", "2025Q2"],
            "agency_id": ["samr", "samr"],
            "value": [50.0, float("nan")],  # NOT NULL fails on the second row, after the upload row
            "note": [None, None],
            "row": [2, 3],
        }
    )
    with pytest.raises(duckdb.ConstraintException):
        store.store_batch(rows, file_name="x.csv", sha256="0" * 64, uploaded_by="t", source="test")
    assert store.counts() == {"observations": 2, "uploads": 1}
    assert store.data_version() == 1
    assert store.latest()["upload_id"].tolist() == [1, 1]
