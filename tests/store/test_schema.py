"""metrics.store.schema: a new database gets every table, an old one is migrated, a newer one refused."""

from __future__ import annotations

import duckdb
import pytest
from store_support import FIRST, plain, table_names

from metrics.errors import DatabaseError
from metrics.store import schema
from metrics.store.database import Store
from metrics.store.schema import SCHEMA_VERSION


@pytest.mark.duckdb_only
def test_a_new_database_has_schema_3_and_nothing_in_it(store, db_path):
    assert SCHEMA_VERSION == 3
    assert store.schema_version() == 3
    assert store.data_version() == 0
    assert store.counts() == {"observations": 0, "uploads": 0}
    assert store.is_demo is False
    store.close()
    assert table_names(db_path) == ["audit_log", "meta", "observations", "reminders", "uploads", "users"]


def test_reopening_does_not_migrate_again(store, db_path, ingest, monkeypatch):
    ingest(FIRST)
    store.close()
    monkeypatch.setattr(schema, "MIGRATIONS", {})  # any migration attempt would fail
    again = Store.open(db_path)
    try:
        assert (again.schema_version(), again.data_version()) == (3, 1)
        assert again.counts() == {"observations": 2, "uploads": 1}
    finally:
        again.close()


@pytest.mark.duckdb_only
def test_a_schema_1_database_is_migrated_keeping_its_data(db_path):
    con = duckdb.connect(str(db_path))
    for statement in schema.MIGRATIONS[1]:
        con.execute(statement)
    con.execute(
        "INSERT INTO uploads VALUES (1, 'old.csv', 'abc', 'x', TIMESTAMP '2025-01-02 03:04:05', "
        "'cli', 'samr', 1, 1, 0, 0)"
    )
    con.execute("INSERT INTO observations VALUES ('tc_alignment_rate', '2024Q4', 'samr', 1, 80, NULL, 1, 2)")
    con.close()
    s = Store.open(db_path)
    try:
        assert s.schema_version() == 3
        assert plain(s.latest()[["indicator_id", "period", "value", "revision", "file_name"]]) == [
            ("tc_alignment_rate", "2024Q4", 80.0, 1, "old.csv")
        ]
        assert s.uploads()["withdrawn_at"].isna().tolist() == [True]
    finally:
        s.close()


@pytest.mark.duckdb_only
def test_a_database_from_a_newer_version_is_refused(db_path):
    Store.open(db_path).close()
    con = duckdb.connect(str(db_path))
    con.execute("UPDATE meta SET value = '4' WHERE key = 'schema_version'")
    con.close()
    with pytest.raises(DatabaseError, match=r"written by a newer version \(schema 4\); upgrade this program"):
        Store.open(db_path)


def test_a_schema_2_database_gets_the_reminders_table(db_path):
    con = duckdb.connect(str(db_path))
    for version in (1, 2):
        for statement in schema.MIGRATIONS[version]:
            con.execute(statement)
    con.execute("INSERT INTO meta VALUES ('schema_version', '2')")
    con.close()
    s = Store.open(db_path)
    try:
        assert s.schema_version() == 3
        assert s.reminders().empty
    finally:
        s.close()
