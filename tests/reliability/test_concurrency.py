"""Uploads from several app sessions at once (threads sharing the process's one Store).

Streamlit runs each session in its own thread and shares the ``Store`` through
``st.cache_resource``; these tests start uploads together behind a barrier, round after round,
and check that every upload is stored once and every key's revisions are 1..n with no gap.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import threading
import time
from collections import defaultdict

import pytest
from backend_support import opened
from conftest import REPO

from metrics.ingest.batch import IngestResult, ingest_file
from metrics.plan.registry import Registry
from metrics.store.database import Store

TODAY = dt.date(2025, 11, 15)
HEADER = "indicator_id,period,agency_id,value,note\r\n"
THREADS = 4
ROUNDS = 6
# Touched by every upload.
SHARED = [
    ("verification_points", "2025Q1"),
    ("verification_points", "2025Q2"),
    ("std_dev_cycle_months", "2025Q1"),
    ("tc_alignment_rate", "2025Q3"),
]


def own_keys(thread: int) -> list[tuple[str, str]]:
    """Keys only this thread touches (overlap with the others through SHARED)."""
    return [("verification_points", f"2024Q{thread + 1}"), ("ms_annual_report", f"2023Q{thread + 1}")]


def value(rnd: int, thread: int, k: int) -> float:
    """Distinct per upload and key, so every upload revises every key it names (0..100 for % ones)."""
    return float(rnd * 16 + thread * 4 + k % 4) + k / 100


def file_for(rnd: int, thread: int) -> tuple[str, bytes, dict[tuple[str, str], float]]:
    keys = SHARED + own_keys(thread)
    values = {key: value(rnd, thread, k) for k, key in enumerate(keys)}
    rows = [f"{ind},{period},samr,{v},r{rnd} t{thread}\r\n" for (ind, period), v in values.items()]
    return f"round{rnd}_thread{thread}.csv", (HEADER + "".join(rows)).encode(), values


def run_together(jobs) -> list:
    """Start every job at the same barrier; return results in job order; re-raise the first error."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)
    errors: list[BaseException] = []

    def go(i, job):
        try:
            barrier.wait(timeout=30)
            results[i] = job()
        except BaseException as exc:  # reported below, with its traceback
            errors.append(exc)

    threads = [threading.Thread(target=go, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "an upload thread hung"
    if errors:
        raise errors[0]
    return results


@pytest.fixture
def shared_store(db_path):
    store = Store.open(db_path)
    yield store
    store.close()


def ingest(store: Store, registry: Registry, name: str, data: bytes) -> IngestResult:
    return ingest_file(store, registry, data, name, uploaded_by=name, source="test", today=TODAY)


def upload_rounds(store: Store, registry: Registry) -> tuple[dict, dict]:
    """ROUNDS rounds of THREADS uploads started together; (values sent, result) by file name."""
    sent: dict[str, dict[tuple[str, str], float]] = {}
    results: dict[str, IngestResult] = {}
    for rnd in range(ROUNDS):
        files = [file_for(rnd, t) for t in range(THREADS)]
        jobs = [lambda n=n, d=d: ingest(store, registry, n, d) for n, d, _ in files]
        for (name, _, values), result in zip(files, run_together(jobs), strict=True):
            sent[name] = values
            results[name] = result
    return sent, results


def test_simultaneous_uploads_lose_no_revision(shared_store, registry):
    sent, results = upload_rounds(shared_store, registry)
    check_every_revision_kept(shared_store, sent, results)


def check_every_revision_kept(shared_store: Store, sent: dict, results: dict) -> None:
    n_uploads = THREADS * ROUNDS
    # every upload stored once, under its own id
    ids = sorted(r.change.upload_id for r in results.values())
    assert ids == list(range(1, n_uploads + 1))
    uploads = shared_store.uploads()
    assert len(uploads) == n_uploads
    assert sorted(uploads["file_name"]) == sorted(sent)
    by_name = uploads.set_index("file_name")
    for name, result in results.items():
        row = by_name.loc[name]
        assert row["upload_id"] == result.change.upload_id
        assert row["n_rows"] == len(sent[name])
        assert row["n_new"] + row["n_revised"] == len(sent[name])
        assert row["n_unchanged"] == 0
    assert shared_store.data_version() == n_uploads
    # each key was new exactly once, whoever came first
    all_keys = {key for values in sent.values() for key in values}
    assert sum(r.change.new for r in results.values()) == len(all_keys)

    # revisions 1..n per key, in upload order, each carrying the value its upload sent
    upload_of = {r.change.upload_id: name for name, r in results.items()}
    touching: dict[tuple[str, str], list[int]] = defaultdict(list)
    for name, values in sent.items():
        for key in values:
            touching[key].append(results[name].change.upload_id)
    obs = shared_store.observations(include_withdrawn=True)
    assert len(obs) == sum(len(v) for v in sent.values())
    for (ind, period), group in obs.groupby(["indicator_id", "period"]):
        group = group.sort_values("revision")
        assert group["revision"].tolist() == list(range(1, len(touching[(ind, period)]) + 1))
        assert group["upload_id"].tolist() == sorted(touching[(ind, period)])
        for upload_id, stored in zip(group["upload_id"], group["value"], strict=True):
            assert stored == sent[upload_of[upload_id]][(ind, period)]
    assert set(obs.groupby(["indicator_id", "period"]).groups) == set(touching)
    for key in SHARED:
        assert len(touching[key]) == n_uploads

    # the latest value of every key is the one of the last upload that named it
    latest = shared_store.latest().set_index(["indicator_id", "period"])
    assert len(latest) == len(all_keys)
    for key, upload_ids in touching.items():
        last = max(upload_ids)
        assert latest.loc[key, "value"] == sent[upload_of[last]][key]
        assert latest.loc[key, "upload_id"] == last
        assert latest.loc[key, "revision"] == len(upload_ids)


def test_the_same_file_uploaded_twice_at_once_is_stored_once(shared_store, registry):
    """A double click, or two sessions sending the same file: one upload, the other changes nothing."""
    for rnd in range(ROUNDS):
        name, data, values = file_for(rnd, 0)
        a, b = run_together([lambda n=name, d=data: ingest(shared_store, registry, n, d)] * 2)
        stored = [r for r in (a, b) if r.change.stored]
        skipped = [r for r in (a, b) if not r.change.stored]
        assert len(stored) == 1 and len(skipped) == 1
        assert stored[0].change.upload_id == rnd + 1
        assert stored[0].change.new + stored[0].change.revised == len(values)
        assert skipped[0].change.unchanged == len(values)
        assert skipped[0].change.new == skipped[0].change.revised == 0
        assert skipped[0].change.identical_upload == stored[0].change.upload_id
    assert shared_store.counts() == {"uploads": ROUNDS, "observations": ROUNDS * len(file_for(0, 0)[2])}
    history = shared_store.history("verification_points", "samr", "2025Q1")
    assert history["revision"].tolist() == list(range(ROUNDS, 0, -1))


# --- uploads while pages read ----------------------------------------------------------------
# DuckDB refuses a CHECKPOINT while another transaction is open; the store must then still report
# the committed upload (the WAL holds it) instead of raising.


def test_an_upload_while_another_session_reads_is_stored_and_reported(shared_store, registry):
    page = shared_store.cursor()  # another session in the middle of a query
    page.execute("BEGIN TRANSACTION")
    assert page.execute("SELECT count(*) FROM observations").fetchone() == (0,)
    name, data, values = file_for(0, 0)
    result = ingest(shared_store, registry, name, data)
    assert result.change.stored and result.change.new == len(values)
    page.execute("COMMIT")
    assert shared_store.counts() == {"uploads": 1, "observations": len(values)}


def test_pages_keep_reading_while_uploads_land(shared_store, registry):
    """The same rounds with a page re-running all the time: no error on either side."""
    versions: list[int] = []
    stop = threading.Event()
    reader_errors: list[BaseException] = []

    def dashboard_reader():
        try:
            while not stop.is_set():
                latest = shared_store.latest()
                versions.append(shared_store.data_version())
                assert not latest.duplicated(["indicator_id", "period", "agency_id"]).any()
        except BaseException as exc:
            reader_errors.append(exc)

    reader = threading.Thread(target=dashboard_reader)
    reader.start()
    try:
        sent, results = upload_rounds(shared_store, registry)
    finally:
        stop.set()
        reader.join(timeout=60)
    if reader_errors:
        raise reader_errors[0]
    assert versions and versions == sorted(versions), "data_version went backwards or was never read"
    check_every_revision_kept(shared_store, sent, results)


SERVER = r"""
import datetime as dt, sys, time
from metrics.ingest.batch import ingest_file
from metrics.plan.registry import load_registry
from metrics.store.database import Store

db, name, start, n = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
registry = load_registry("targets.yaml")
store = Store.open(db)
time.sleep(max(0.0, start - time.time()))
for i in range(n):
    data = ("indicator_id,period,agency_id,value,note\n"
            f"verification_points,2025Q1,samr,{i}.{len(name)},{name} {i}\n").encode()
    ingest_file(store, registry, data, f"{name}-{i}.csv", uploaded_by=name, source="test",
                today=dt.date(2025, 11, 15))
store.close()
print("done", flush=True)
"""


@pytest.mark.postgres_only
def test_two_servers_revising_one_value_at_once_make_consecutive_revisions(db_path, tmp_path):
    """Two processes (two dashboard servers) revise the same value 25 times each, together: every
    upload succeeds, none sees a serialization error, and the revisions are 1..50 with no gap."""
    Store.open(db_path).close()
    start = time.time() + 3  # both are past their imports by then
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", SERVER, opened(db_path), name, str(start), "25"],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("server_a", "server_bb")
    ]
    outcomes = [p.communicate(timeout=120) for p in procs]
    assert [(p.returncode, out, err) for p, (out, err) in zip(procs, outcomes, strict=True)] == [
        (0, "done\n", ""),
        (0, "done\n", ""),
    ]
    store = Store.open(db_path, read_only=True)
    try:
        history = store.observations()
        assert sorted(history["revision"].tolist()) == list(range(1, 51))
        assert sorted(history["uploaded_by"].value_counts().items()) == [("server_a", 25), ("server_bb", 25)]
        assert store.data_version() == 50
        assert len(store.uploads()) == 50
    finally:
        store.close()


@pytest.mark.postgres_only
def test_a_value_stored_through_one_server_shows_on_the_other(db_path, registry):
    """Two stores on one database (as two servers have): B's data version and rows follow A's write."""
    a, b = Store.open(db_path), Store.open(db_path)
    try:
        version = b.data_version()
        ingest(a, registry, "a.csv", (HEADER + "verification_points,2025Q1,samr,12,via A\r\n").encode())
        assert b.data_version() == version + 1
        assert b.latest()[["indicator_id", "value", "note"]].values.tolist() == [
            ["verification_points", 12.0, "via A"]
        ]
    finally:
        a.close()
        b.close()
