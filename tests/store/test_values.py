"""metrics.store.values: append-only values, revisions, one transaction per write."""

from __future__ import annotations

import pandas as pd
import pytest
from backend_support import CONSTRAINT_ERRORS
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
    with pytest.raises(CONSTRAINT_ERRORS):
        store.store_batch(rows, file_name="x.csv", sha256="0" * 64, uploaded_by="t", source="test")
    assert store.counts() == {"observations": 2, "uploads": 1}
    assert store.data_version() == 1
    assert store.latest()["upload_id"].tolist() == [1, 1]


def test_every_revision_is_read_back_as_stored_text_included(store):
    """observations() on either engine (PostgreSQL reads it with COPY as CSV): commas, quotes and a
    line break inside a note, an empty note apart from a missing one, Chinese text, in no set order."""
    notes = ['口径调整, "修订"\n第二行', "", None]
    rows = pd.DataFrame(
        {
            "indicator_id": ["tc_alignment_rate", "verification_points", "ms_annual_report"],
            "period": ["2025Q1", "2025Q2", "2025Q3"],
            "agency_id": ["samr", "samr", "miit"],
            "value": [85.5, 12.0, 1.0],
            "note": notes,
            "row": [2, 3, 4],
        }
    )
    store.store_batch(rows, file_name="甲,乙.csv", sha256="1" * 64, uploaded_by="张三", source="test")
    obs = store.observations().sort_values("indicator_id", ignore_index=True)
    assert list(obs.columns) == [
        "indicator_id", "agency_id", "period", "value", "note", "revision", "upload_id",
        "recorded_at", "uploaded_by", "file_name", "withdrawn",
    ]  # fmt: skip
    assert [None if pd.isna(n) else n for n in obs["note"]] == [None, '口径调整, "修订"\n第二行', ""]
    assert plain(obs[["indicator_id", "value", "revision", "upload_id", "uploaded_by", "file_name"]]) == [
        ("ms_annual_report", 1.0, 1, 1, "张三", "甲,乙.csv"),
        ("tc_alignment_rate", 85.5, 1, 1, "张三", "甲,乙.csv"),
        ("verification_points", 12.0, 1, 1, "张三", "甲,乙.csv"),
    ]
    assert obs["withdrawn"].tolist() == [False, False, False]
    assert str(obs["recorded_at"].dtype).startswith("datetime64")
    assert str(obs["revision"].dtype) == "int32" and str(obs["value"].dtype) == "float64"


def _values(n: int, first: int) -> pd.DataFrame:
    quarters = [f"{2000 + (first + k) // 4}Q{(first + k) % 4 + 1}" for k in range(n)]
    return pd.DataFrame(
        {
            "indicator_id": "tc_alignment_rate",
            "period": quarters,
            "agency_id": "samr",
            "value": 1.0,
            "note": None,
        }
    ).assign(row=range(2, n + 2))


@pytest.mark.postgres_only
def test_a_write_of_more_than_a_tenth_of_the_rows_refreshes_the_planners_statistics(store):
    """Else the first upload into an empty database is planned as if the table were still empty."""
    cur = store.cursor()

    def counted() -> float:
        sql = "SELECT reltuples FROM pg_catalog.pg_class WHERE oid = 'observations'::regclass"
        return float(cur.execute(sql).fetchone()[0])

    assert counted() <= 0  # never counted
    store.store_batch(_values(30, 0), file_name="a.csv", sha256="a" * 64, uploaded_by="t", source="test")
    assert counted() == 30
    store.store_batch(_values(3, 30), file_name="b.csv", sha256="b" * 64, uploaded_by="t", source="test")
    assert counted() == 30  # a tenth or less: left to autovacuum
    store.store_batch(_values(4, 33), file_name="c.csv", sha256="c" * 64, uploaded_by="t", source="test")
    assert counted() == 37
    cur.close()
