"""metrics.store.uploads: the record of every upload, and withdrawing one."""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest
from store_support import FIRST, SECOND, plain

from metrics.errors import NotFound
from metrics.store.connection import now_utc


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
