"""metrics.store.connection: opening (in words when it cannot), the lock of another process, data_version."""

from __future__ import annotations

import duckdb
import pytest
from store_support import FIRST, SECOND

from metrics.errors import DatabaseError, DatabaseLocked
from metrics.store.database import Store
from metrics.text import error_text


@pytest.mark.duckdb_only
def test_a_file_that_is_not_a_database(tmp_path):
    path = tmp_path / "notes.duckdb"
    path.write_text("这不是数据库\n" * 100, encoding="utf-8")
    with pytest.raises(DatabaseError) as info:
        Store.open(path)
    assert str(info.value).startswith(f"{path} cannot be opened as a database: ")
    assert "Traceback" not in str(info.value)


@pytest.mark.duckdb_only
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


@pytest.mark.duckdb_only
def test_a_second_process_holding_the_database(held_db, db_path):
    with pytest.raises(DatabaseLocked) as info:
        Store.open(db_path, wait_seconds=1)
    message = str(info.value)
    assert f"(PID {held_db.pid})" in message
    assert "usually the running dashboard" in message
    assert "通常是正在运行的仪表盘" in error_text(info.value, "zh")  # the CLI prints it in --lang
    with pytest.raises(DatabaseLocked):
        Store.open(db_path, read_only=True, wait_seconds=0)


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
