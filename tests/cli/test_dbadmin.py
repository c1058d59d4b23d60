"""``python -m metrics migrate`` and ``copy-db``: set up a database, move a whole store between engines.

On a ``--postgres`` run the databases under ``tmp_path`` are schemas on the server, so the same
tests copy DuckDB-shaped names between PostgreSQL schemas; the postgres_only test copies a real
DuckDB file into the server and back and compares the figures computed on both.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import pytest
from conftest import REPO, TODAY

from metrics.actions import build_demo
from metrics.cli.main import main
from metrics.ingest.batch import ingest_file
from metrics.progress.figures import figures
from metrics.store.database import Store

FILE = b"indicator_id,period,agency_id,value,note\ntc_alignment_rate,2025Q1,samr,85,\n"


@pytest.fixture
def cli(capsys):
    def _run(*args: str) -> tuple[int, str, str]:
        code = main([*args])
        out, err = capsys.readouterr()
        return code, out, err

    return _run


def small_store(path: Path, registry) -> None:
    store = Store.open(path)
    try:
        ingest_file(store, registry, FILE, "q1.csv", uploaded_by="t", source="test", today=TODAY)
        store.add_audit("ops", "note", "a line of the audit log")
        store.record_reminder(
            "samr",
            "2025Q4",
            "overdue",
            due=dt.date(2026, 1, 30),
            recipients=("a@example.org",),
            n_indicators=2,
            by="ops",
            at=dt.datetime(2026, 2, 1, 9, 0),
        )
    finally:
        store.close()


def table_lines(out: str) -> dict[str, list[str]]:
    """The copy report's table rows by table name: [source rows, target rows, checksum, verdict]."""
    return {line.split()[0]: line.split()[1:] for line in out.splitlines()[3:8]}


def test_migrate_creates_the_tables_once(cli, db_path):
    assert cli("migrate", "--db", str(db_path)) == (0, f"{db_path}: schema version 3 (was empty)\n", "")
    assert cli("migrate", "--db", str(db_path), "--lang", "zh") == (
        0,
        f"{db_path}：数据表版本 3，已是最新，无需改动\n",
        "",
    )


def test_copy_db_copies_every_table_and_a_second_run_writes_nothing(cli, tmp_path, registry):
    source, target = tmp_path / "source.duckdb", tmp_path / "target.duckdb"
    small_store(source, registry)
    code, out, err = cli("copy-db", str(source), str(target))
    assert (code, err) == (0, "")
    assert out.splitlines()[0] == f"{source} -> {target}"
    assert out.splitlines()[1].split() == [
        "table",
        "source",
        "rows",
        "target",
        "rows",
        "checksum",
        "(SHA-256,",
        "first",
        "16)",
    ]
    rows = table_lines(out)
    assert {t: r[:2] + r[3:] for t, r in rows.items()} == {
        "uploads": ["1", "1", "same"],
        "observations": ["1", "1", "same"],
        "users": ["0", "0", "same"],
        "audit_log": ["2", "2", "same"],
        "reminders": ["1", "1", "same"],
    }
    assert out.splitlines()[-1] == "copied; every row matches"
    code, again, _ = cli("copy-db", str(source), str(target), "--lang", "zh")
    assert code == 0 and again.splitlines()[-1] == "目标中已经恰好是这些数据；未写入任何数据"
    assert {t: r[2] for t, r in table_lines(again).items()} == {t: r[2] for t, r in rows.items()}
    copied = Store.open(target, read_only=True)
    try:
        assert copied.latest()[["indicator_id", "value", "upload_id"]].values.tolist() == [
            ["tc_alignment_rate", 85.0, 1]
        ]
        assert copied.audit_log()["action"].tolist() == ["note", "reminder_sent"]  # newest first
        reminders = copied.reminders()
        assert reminders[["agency_id", "stage", "n_indicators"]].values.tolist() == [["samr", "overdue", 2]]
        assert str(reminders["due"].iloc[0])[:10] == "2026-01-30"
    finally:
        copied.close()


def test_copy_db_refuses_a_target_with_other_data_unless_replace(cli, tmp_path, registry):
    source, target = tmp_path / "source.duckdb", tmp_path / "target.duckdb"
    small_store(source, registry)
    store = Store.open(target)
    try:
        ingest_file(
            store, registry, FILE.replace(b"85", b"70"), "other.csv", uploaded_by="x", source="t", today=TODAY
        )
    finally:
        store.close()
    code, out, err = cli("copy-db", str(source), str(target))
    assert (code, out) == (1, "")
    assert err == (
        f"{target} already holds other data (1 uploads, 1 observations); nothing was copied. "
        "Copy into an empty database, or pass --replace to empty it first.\n"
    )
    code, out, _ = cli("copy-db", str(source), str(target), "--replace")
    assert code == 0 and out.splitlines()[-1] == "copied; every row matches"
    assert cli("copy-db", str(source), str(source))[2] == "SOURCE and TARGET are the same database\n"


def test_a_password_in_a_url_is_never_printed(cli, tmp_path):
    code, out, err = cli(
        "copy-db", "postgresql://metrics:s3cret-pw@127.0.0.1:1/metrics", str(tmp_path / "x.duckdb")
    )
    assert (code, out) == (1, "")
    assert err.startswith("postgresql://metrics:***@127.0.0.1:1/metrics cannot be opened as a database: ")
    assert "s3cret-pw" not in err
    code, _, err = cli("migrate", "--db", "postgresql://metrics@127.0.0.1:1/metrics?password=s3cret-pw")
    assert code == 1 and "s3cret-pw" not in err and "password=***" in err


@pytest.mark.postgres_only
def test_a_duckdb_file_into_postgresql_and_back_gives_the_same_figures(cli, tmp_path, registry):
    with tempfile.TemporaryDirectory() as outside:  # real DuckDB files, outside the redirected folder
        demo, back = Path(outside, "demo.duckdb"), Path(outside, "back.duckdb")
        build_demo(registry, demo, REPO / "data" / "sample")
        server = tmp_path / "server.duckdb"  # a schema on the server
        assert cli("copy-db", str(demo), str(server))[0] == 0
        assert cli("copy-db", str(server), str(back))[0] == 0
        frames = []
        for db in (demo, server, back):
            store = Store.open(db, read_only=True)
            try:
                frames.append(figures(registry, store.observations(), "2025Q4"))
                assert store.counts()["observations"] == 296
                if db == server:  # filled at once: the planner counts its rows right away
                    sql = "SELECT reltuples FROM pg_catalog.pg_class WHERE oid = 'observations'::regclass"
                    assert store.cursor().execute(sql).fetchone()[0] == 296
            finally:
                store.close()
    assert frames[0].equals(frames[1]) and frames[0].equals(frames[2])
    assert len(frames[0]) > 30
