"""A CLI import while the dashboard process holds the database.

DuckDB lets one process open a file read-write (the CLI waits, then says who holds it); a
PostgreSQL store takes both at once. The holder here is a separate process that
opens the database through ``Store.open`` as the dashboard does, keeps it open and takes
commands on stdin (read, write a file, quit), so the test can check that it keeps working.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from backend_support import opened

import metrics.store.duckdb_engine
from metrics.errors import DatabaseLocked
from metrics.store.database import Store

REPO = Path(__file__).resolve().parents[2]
CLI_WAIT_LIMIT = 30.0  # seconds: the CLI retries for its 5-second wait, then says why (not hangs)

HOLDER = r"""
import datetime as dt, json, sys
from pathlib import Path
from metrics.ingest.batch import ingest_file
from metrics.plan.registry import load_registry
from metrics.store.database import Store

store = Store.open(sys.argv[1])
registry = load_registry("targets.yaml")
print("ready", flush=True)
for line in sys.stdin:
    cmd, _, arg = line.strip().partition(" ")
    if cmd == "read":
        print(json.dumps({**store.counts(), "version": store.data_version()}), flush=True)
    elif cmd == "write":
        path = Path(arg)
        result = ingest_file(store, registry, path.read_bytes(), path.name, uploaded_by="dashboard",
                             source="upload_page", today=dt.date(2025, 11, 15))
        print(json.dumps({"upload_id": result.change.upload_id}), flush=True)
    elif cmd == "quit":
        break
store.close()
print("closed", flush=True)
"""

HEADER = "indicator_id,period,agency_id,value,note\n"


class Holder:
    """The dashboard stand-in: a process with the database open read-write."""

    def __init__(self, db: Path):
        self.proc = subprocess.Popen(
            [sys.executable, "-c", HOLDER, opened(db)],
            cwd=REPO,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        self.pid = self.proc.pid
        self._lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()
        assert self.line() == "ready"

    def _pump(self) -> None:
        for line in self.proc.stdout:
            self._lines.put(line.rstrip("\n"))
        self._lines.put("")  # EOF

    def line(self, timeout: float = 60) -> str:
        try:
            return self._lines.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"holder silent; stderr: {self.proc.stderr.read()}") from None

    def ask(self, command: str) -> dict:
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()
        answer = self.line()
        assert answer, f"holder died; stderr: {self.proc.stderr.read()}"
        return json.loads(answer)

    def quit(self) -> None:
        self.proc.stdin.write("quit\n")
        self.proc.stdin.flush()
        assert self.line() == "closed"
        assert self.proc.wait(timeout=30) == 0

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=30)


@pytest.fixture
def holder(db_path):
    h = Holder(db_path)
    yield h
    h.kill()


def cli(*args: str) -> tuple[subprocess.CompletedProcess, float]:
    env = {k: v for k, v in os.environ.items() if k not in ("METRICS_DB", "METRICS_TARGETS")}
    start = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "metrics", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    return proc, time.monotonic() - start


@pytest.mark.duckdb_only
def test_cli_ingest_while_the_dashboard_holds_the_database(holder, db_path, tmp_path):
    cli_file = tmp_path / "cli_q1.csv"
    cli_file.write_text(HEADER + "verification_points,2025Q1,samr,12,from the CLI\n", encoding="utf-8")
    page_file = tmp_path / "page_q2.csv"
    page_file.write_text(HEADER + "verification_points,2025Q2,samr,15,from the page\n", encoding="utf-8")

    proc, elapsed = cli("ingest", str(cli_file), "--db", str(db_path))
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith(f"The database {db_path} is held by another program (PID {holder.pid}),")
    assert "usually the running dashboard" in proc.stderr
    assert (
        "Upload the file on the dashboard's Upload page, or stop the dashboard and try again." in proc.stderr
    )
    assert "通常是正在运行的仪表盘" in proc.stderr
    assert elapsed < CLI_WAIT_LIMIT

    # the dashboard is unaffected: it reads, and it stores an upload of its own
    assert holder.ask("read") == {"observations": 0, "uploads": 0, "version": 0}
    assert holder.ask(f"write {page_file}") == {"upload_id": 1}
    assert holder.ask("read") == {"observations": 1, "uploads": 1, "version": 1}
    holder.quit()

    # once the dashboard is gone, the very same command goes through
    proc, _ = cli("ingest", str(cli_file), "--db", str(db_path))
    assert (proc.returncode, proc.stderr) == (0, "")
    assert proc.stdout == "cli_q1.csv: stored as upload #2; 1 new, 0 revised, 0 unchanged.\n"
    store = Store.open(db_path, read_only=True)
    try:
        latest = store.latest()
        assert latest[["period", "value", "note", "upload_id"]].values.tolist() == [
            ["2025Q1", 12.0, "from the CLI", 2],
            ["2025Q2", 15.0, "from the page", 1],
        ]
        assert store.uploads()["source"].tolist() == ["cli", "upload_page"]
    finally:
        store.close()


@pytest.mark.duckdb_only
def test_cli_export_while_held_says_so_too(holder, db_path, tmp_path):
    out = tmp_path / "out.csv"
    proc, elapsed = cli("export", str(out), "--db", str(db_path), "--lang", "zh")
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert f"(PID {holder.pid})" in proc.stderr and "通常是正在运行的仪表盘" in proc.stderr
    assert not out.exists()
    assert elapsed < CLI_WAIT_LIMIT
    assert holder.ask("read") == {"observations": 0, "uploads": 0, "version": 0}


@pytest.mark.duckdb_only
def test_store_open_retries_until_the_holder_lets_go(holder, db_path, monkeypatch):
    """The first attempt fails on the lock and makes the holder quit; a later attempt gets in."""
    attempts: list[str] = []
    real_connect = metrics.store.duckdb_engine.connect

    def connect(path, read_only):
        try:
            con = real_connect(path, read_only)
        except DatabaseLocked:
            attempts.append("locked")
            if len(attempts) == 1:
                holder.quit()
            raise
        attempts.append("open")
        return con

    monkeypatch.setattr(metrics.store.duckdb_engine, "connect", connect)
    store = Store.open(db_path, wait_seconds=30)
    try:
        assert attempts[0] == "locked" and attempts[-1] == "open"
        assert attempts.count("open") == 1
        assert store.counts() == {"observations": 0, "uploads": 0}
    finally:
        store.close()


@pytest.mark.postgres_only
def test_on_postgresql_the_cli_imports_while_the_dashboard_runs(holder, db_path, tmp_path):
    """No waiting: the CLI stores at once, and the running dashboard's next read shows it."""
    cli_file = tmp_path / "cli_q1.csv"
    cli_file.write_text(HEADER + "verification_points,2025Q1,samr,12,from the CLI\n", encoding="utf-8")
    page_file = tmp_path / "page_q2.csv"
    page_file.write_text(HEADER + "verification_points,2025Q2,samr,15,from the page\n", encoding="utf-8")
    assert holder.ask("read") == {"observations": 0, "uploads": 0, "version": 0}

    proc, elapsed = cli("ingest", str(cli_file), "--db", opened(db_path))
    assert (proc.returncode, proc.stderr) == (0, "")
    assert proc.stdout == "cli_q1.csv: stored as upload #1; 1 new, 0 revised, 0 unchanged.\n"
    assert elapsed < CLI_WAIT_LIMIT
    assert holder.ask("read") == {"observations": 1, "uploads": 1, "version": 1}
    assert holder.ask(f"write {page_file}") == {"upload_id": 2}
    holder.quit()
    store = Store.open(db_path, read_only=True)
    try:
        assert store.latest()[["period", "value", "note", "upload_id"]].values.tolist() == [
            ["2025Q1", 12.0, "from the CLI", 1],
            ["2025Q2", 15.0, "from the page", 2],
        ]
        assert store.uploads()["source"].tolist() == ["upload_page", "cli"]
    finally:
        store.close()
