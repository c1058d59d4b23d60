"""Killing the ingest process mid-write leaves the upload either whole or absent.

A helper process ingests a generated 60,800-row file (160 generated indicators x 19 agencies
x 20 quarters) through ``metrics.ingest.batch.ingest_file``; it is killed with SIGKILL at several
moments. Reopening the database must show the big upload fully present (every row, one
uploads row) or fully absent, and a small file committed earlier must be intact.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from backend_support import copy_db, opened
from conftest import REPO, TARGETS

from metrics.ingest.batch import ingest_file
from metrics.plan import periods
from metrics.plan.registry import load_registry
from metrics.store.database import Store

TODAY = dt.date(2026, 12, 31)
N_GENERATED = 160
SMALL = (
    b"indicator_id,period,agency_id,value,note\n"
    b"tc_alignment_rate,2025Q1,samr,85.2,kept\n"
    b"ms_annual_report,2025Q2,samr,40,\n"
)

HELPER = """
import datetime as dt, sys
from pathlib import Path
from metrics.ingest.batch import ingest_file
from metrics.plan.registry import load_registry
from metrics.store.database import Store

db, targets, data_file = sys.argv[1:4]
registry = load_registry(targets)
data = Path(data_file).read_bytes()
store = Store.open(db)
real_store_batch = Store.store_batch

def announced(self, *args, **kwargs):
    print("storing", flush=True)
    return real_store_batch(self, *args, **kwargs)

Store.store_batch = announced
print("opened", flush=True)
result = ingest_file(store, registry, data, "big.csv", uploaded_by="crash", source="test",
                     today=dt.date(2026, 12, 31))
store.close()
print("done", result.change.new, flush=True)
"""


class World:
    """Files shared by every kill: registry, big file, helper script and a base database."""

    def __init__(self, root: Path):
        raw = yaml.safe_load(TARGETS.read_text(encoding="utf-8"))
        raw["indicators"] += [
            {
                "id": f"gen_{i:03d}",
                "measure": 23,  # all relevant departments: every agency may report
                "kind": "kpi",
                "name_zh": f"生成指标{i}",
                "name_en": f"Generated indicator {i}",
                "unit": "个",
                "unit_en": "items",
                "direction": "at_least",
                "target": 100,
                "deadline": dt.date(2025, 12, 31),
                "owner": "samr",
            }
            for i in range(N_GENERATED)
        ]
        self.targets = root / "targets.yaml"
        self.targets.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
        registry = load_registry(self.targets)
        rng = random.Random(20251115)
        lines = ["indicator_id,period,agency_id,value,note"]
        self.total = 0
        for ind in registry.indicators[-N_GENERATED:]:
            for agency in registry.agencies:
                for period in periods.span("2022Q1", "2026Q4"):
                    value = rng.randint(0, 1000)
                    self.total += value
                    lines.append(f"{ind.id},{period},{agency.id},{value},")
        self.n_rows = len(lines) - 1
        self.data = root / "big.csv"
        self.data.write_text("\n".join(lines) + "\n", encoding="utf-8")
        self.helper = root / "helper.py"
        self.helper.write_text(HELPER, encoding="utf-8")
        self.base = root / "base.duckdb"
        store = Store.open(self.base)
        try:
            ingest_file(store, registry, SMALL, "small.csv", uploaded_by="t", source="test", today=TODAY)
        finally:
            store.close()
        assert not Path(f"{self.base}.wal").exists()  # folded into the file (no file on a server)

    def start(self, db: Path) -> subprocess.Popen:
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        return subprocess.Popen(
            [sys.executable, str(self.helper), opened(db), str(self.targets), str(self.data)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=REPO,
        )


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> World:
    return World(tmp_path_factory.mktemp("crash"))


def wait_for(proc: subprocess.Popen, marker: str) -> None:
    line = proc.stdout.readline().strip()
    while line and line != marker:
        line = proc.stdout.readline().strip()
    assert line == marker, proc.stderr.read()


def outcome(world: World, db: Path) -> str:
    """'present' or 'absent'; fails on anything in between or on a damaged small upload."""
    store = Store.open(db)
    try:
        counts = store.counts()
        small = store.latest()
        small = small[small.upload_id == 1][["indicator_id", "period", "agency_id", "value", "note"]]
        assert small.fillna("").values.tolist() == [
            ["ms_annual_report", "2025Q2", "samr", 40.0, ""],
            ["tc_alignment_rate", "2025Q1", "samr", 85.2, "kept"],
        ]
        big = (
            store.cursor()
            .execute("SELECT count(*), coalesce(sum(value), 0) FROM observations WHERE upload_id = 2")
            .fetchone()
        )
        uploads = store.uploads()
        if counts == {"observations": 2, "uploads": 1}:
            assert big == (0, 0)
            assert store.data_version() == 1
            return "absent"
        assert counts == {"observations": 2 + world.n_rows, "uploads": 2}
        assert big == (world.n_rows, world.total)
        assert uploads["n_rows"].tolist() == [world.n_rows, 2]
        assert store.data_version() == 2
        return "present"
    finally:
        store.close()


def test_the_generated_file_is_large(world):
    assert world.n_rows == N_GENERATED * 19 * 20 == 60_800


def test_an_uninterrupted_run_stores_everything(world, tmp_path):
    db = tmp_path / "run.duckdb"
    copy_db(world.base, db)
    proc = world.start(db)
    out, err = proc.communicate(timeout=60)
    assert (proc.returncode, err) == (0, "")
    assert out.splitlines()[-1] == f"done {world.n_rows}"
    assert outcome(world, db) == "present"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("marker", "delay"),
    [
        ("start", 1.2),
        ("opened", 0.0),
        ("storing", 0.0),
        ("storing", 0.05),
        ("storing", 0.1),
        ("storing", 0.25),
        ("wal", 0.0),
    ],
)
def test_a_kill_leaves_the_upload_whole_or_absent(world, tmp_path, marker, delay, postgres_url):
    if marker == "wal" and postgres_url:
        pytest.skip("the moment DuckDB's .wal file appears; a server has no such file")
    db = tmp_path / "run.duckdb"
    copy_db(world.base, db)
    proc = world.start(db)
    try:
        if marker in ("opened", "storing"):
            wait_for(proc, marker)
        elif marker == "wal":
            wait_for(proc, "storing")
            wal = Path(f"{db}.wal")
            while not wal.exists() and proc.poll() is None:
                time.sleep(0.001)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        proc.kill()
        proc.communicate()
    assert outcome(world, db) in ("present", "absent")
