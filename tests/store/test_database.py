"""metrics.store.database: append-only values, revisions, uploads, one transaction per write."""

from __future__ import annotations

import hashlib

import duckdb
import pandas as pd
import pytest

from metrics.errors import DatabaseError, DatabaseLocked, NotFound
from metrics.store import database as store_module
from metrics.store.database import SCHEMA_VERSION, Store, now_utc

HEADER = b"indicator_id,period,agency_id,value,note\n"
FIRST = HEADER + b"tc_alignment_rate,2025Q1,samr,85,\nverification_points,2025Q1,samr,10,ten\n"
SECOND = HEADER + b"tc_alignment_rate,2025Q1,samr,86,corrected\nverification_points,2025Q1,samr,10,ten\n"


def plain(frame: pd.DataFrame) -> list[tuple]:
    return [tuple(None if pd.isna(v) else v for v in r) for r in frame.itertuples(index=False)]


def table_names(path) -> list[str]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return sorted(
            r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
        )
    finally:
        con.close()


# --- schema ---------------------------------------------------------------------------------


def test_a_new_database_has_schema_2_and_nothing_in_it(store, db_path):
    assert SCHEMA_VERSION == 2
    assert store.schema_version() == 2
    assert store.data_version() == 0
    assert store.counts() == {"observations": 0, "uploads": 0}
    assert store.is_demo is False
    store.close()
    assert table_names(db_path) == ["audit_log", "meta", "observations", "uploads", "users"]


def test_reopening_does_not_migrate_again(store, db_path, ingest, monkeypatch):
    ingest(FIRST)
    store.close()
    monkeypatch.setattr(store_module, "MIGRATIONS", {})  # any migration attempt would fail
    again = Store.open(db_path)
    try:
        assert (again.schema_version(), again.data_version()) == (2, 1)
        assert again.counts() == {"observations": 2, "uploads": 1}
    finally:
        again.close()


def test_a_schema_1_database_is_migrated_keeping_its_data(db_path):
    con = duckdb.connect(str(db_path))
    for statement in store_module.MIGRATIONS[1]:
        con.execute(statement)
    con.execute(
        "INSERT INTO uploads VALUES (1, 'old.csv', 'abc', 'x', TIMESTAMP '2025-01-02 03:04:05', "
        "'cli', 'samr', 1, 1, 0, 0)"
    )
    con.execute("INSERT INTO observations VALUES ('tc_alignment_rate', '2024Q4', 'samr', 1, 80, NULL, 1, 2)")
    con.close()
    s = Store.open(db_path)
    try:
        assert s.schema_version() == 2
        assert plain(s.latest()[["indicator_id", "period", "value", "revision", "file_name"]]) == [
            ("tc_alignment_rate", "2024Q4", 80.0, 1, "old.csv")
        ]
        assert s.uploads()["withdrawn_at"].isna().tolist() == [True]
    finally:
        s.close()


def test_a_database_from_a_newer_version_is_refused(db_path):
    Store.open(db_path).close()
    con = duckdb.connect(str(db_path))
    con.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    con.close()
    with pytest.raises(DatabaseError, match=r"written by a newer version \(schema 3\); upgrade this program"):
        Store.open(db_path)


def test_a_file_that_is_not_a_database(tmp_path):
    path = tmp_path / "notes.duckdb"
    path.write_text("这不是数据库\n" * 100, encoding="utf-8")
    with pytest.raises(DatabaseError) as info:
        Store.open(path)
    assert str(info.value).startswith(f"{path} cannot be opened as a database: ")
    assert "Traceback" not in str(info.value)


def test_read_only_needs_an_existing_database_of_this_application(tmp_path):
    missing = tmp_path / "missing.duckdb"
    with pytest.raises(DatabaseError) as info:
        Store.open(missing, read_only=True)
    assert (
        str(info.value) == f"{missing} does not exist; run 'python -m metrics demo' or ingest a file first."
    )
    assert not missing.exists()

    foreign = tmp_path / "foreign.duckdb"
    duckdb.connect(str(foreign)).close()
    with pytest.raises(DatabaseError, match="has no tables of this application"):
        Store.open(foreign, read_only=True)


def test_a_second_process_holding_the_database(held_db, db_path):
    with pytest.raises(DatabaseLocked) as info:
        Store.open(db_path, wait_seconds=1)
    message = str(info.value)
    assert f"(PID {held_db.pid})" in message
    assert "usually the running dashboard" in message
    assert "通常是正在运行的仪表盘" in message
    with pytest.raises(DatabaseLocked):
        Store.open(db_path, read_only=True, wait_seconds=0)


# --- writes ---------------------------------------------------------------------------------


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


def test_uploads_record_file_hash_who_when_and_rows(store, ingest):
    before = now_utc()
    ingest(FIRST, "first.csv")
    ingest(SECOND, "second.csv")
    after = now_utc()
    uploads = store.uploads()
    assert plain(
        uploads[["upload_id", "file_name", "sha256", "uploaded_by", "source", "agencies", "n_rows", "n_new"]]
    ) == [
        (2, "second.csv", hashlib.sha256(SECOND).hexdigest(), "tester", "test", "samr", 2, 0),
        (1, "first.csv", hashlib.sha256(FIRST).hexdigest(), "tester", "test", "samr", 2, 2),
    ]
    assert plain(uploads[["n_revised", "n_unchanged"]]) == [(1, 1), (0, 0)]
    assert all(before <= t <= after for t in uploads["uploaded_at"])
    assert uploads["uploaded_at"].iloc[1] <= uploads["uploaded_at"].iloc[0]


def test_data_version_bumps_on_every_commit_only(store, ingest):
    assert store.data_version() == 0
    ingest(FIRST)
    assert store.data_version() == 1
    ingest(FIRST)  # identical: nothing committed
    ingest(SECOND, dry_run=True)
    assert store.data_version() == 1
    ingest(SECOND)
    assert store.data_version() == 2
    store.set_meta("demo", "true")
    assert (store.data_version(), store.is_demo) == (3, True)
    store.withdraw_upload(2, by="admin", reason="wrong file")
    assert store.data_version() == 4


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


def test_withdrawal_restores_the_previous_revision(store, ingest):
    ingest(FIRST, "first.csv")
    ingest(SECOND, "second.csv")
    store.withdraw_upload(2, by="admin", reason="wrong quarter")
    assert plain(store.latest()[["indicator_id", "value", "note", "revision", "upload_id"]]) == [
        ("tc_alignment_rate", 85.0, None, 1, 1),
        ("verification_points", 10.0, "ten", 1, 1),
    ]
    assert plain(store.history("tc_alignment_rate")[["revision", "upload_id", "withdrawn"]]) == [
        (2, 2, True),
        (1, 1, False),
    ]
    assert len(store.observations()) == 2
    assert len(store.observations(include_withdrawn=True)) == 3
    up = store.uploads().set_index("upload_id")
    assert (up.loc[2, "withdrawn_by"], up.loc[2, "withdraw_reason"]) == ("admin", "wrong quarter")
    assert pd.isna(up.loc[1, "withdrawn_at"])
    audit = store.cursor().execute("SELECT actor, action, detail FROM audit_log").fetchall()
    assert audit == [("admin", "withdraw_upload", "upload 2: wrong quarter")]
    # sending the withdrawn value again makes a third revision, which counts
    result = ingest(SECOND, "second-again.csv")
    assert (result.change.upload_id, result.change.revised, result.change.unchanged) == (3, 1, 1)
    assert plain(store.latest()[["value", "revision", "upload_id"]])[0] == (86.0, 3, 3)


def test_withdrawing_an_unknown_or_withdrawn_upload(store, ingest):
    ingest(FIRST)
    with pytest.raises(NotFound, match="upload 9 does not exist"):
        store.withdraw_upload(9, by="admin")
    store.withdraw_upload(1, by="admin")
    with pytest.raises(NotFound, match="upload 1 was already withdrawn"):
        store.withdraw_upload(1, by="admin")
    assert store.data_version() == 2
    assert store.latest().empty


def test_reupload_after_withdrawal_is_stored_again(store, ingest):
    ingest(FIRST)
    store.withdraw_upload(1, by="admin")
    result = ingest(FIRST)
    assert (result.change.upload_id, result.change.new, result.change.identical_upload) == (2, 2, None)
    assert plain(store.latest()[["indicator_id", "revision", "upload_id"]]) == [
        ("tc_alignment_rate", 2, 2),
        ("verification_points", 2, 2),
    ]
