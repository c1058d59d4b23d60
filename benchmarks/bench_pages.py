"""Page speed: every dashboard page run with Streamlit's AppTest, on the demo database and at scale.

Baseline, measured in the same process: the run of an empty page (``st.write("x")``) in AppTest.
Each page is opened the way a user reaches it: ``dashboard.py`` runs once (the overview), then
the app switches to the page. Two figures per page:

* cold: the first run of the page right after ``st.cache_data`` was emptied, i.e. the first view
  after a commit bumped ``data_version`` (the registry and the DuckDB connection stay cached,
  as in a running server);
* warm: the best of the next runs (a user clicking around: cached queries are reused).

Goals (warm): at most 3x the empty page on the demo database, and at most 1.5 s at scale
(500 indicators x 20 agencies x 40 quarters = 400,000 values, plus 10 % revisions).
Run: ``.venv/bin/python benchmarks/bench_pages.py`` (``make bench`` runs every benchmark).
"""

from __future__ import annotations

import hashlib
import logging
import os
import statistics
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import streamlit as st  # noqa: E402
from bench_ingest import make_registry  # noqa: E402
from bench_progress import FIRST, N_QUARTERS, synthetic_observations  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from metrics import auth, periods  # noqa: E402
from metrics.demo import build_demo  # noqa: E402
from metrics.registry import load_registry  # noqa: E402
from metrics.store import Store  # noqa: E402

PAGES = ("overview", "indicator", "measures", "agencies", "upload", "data", "methodology")
GOAL_RATIO = 3.0  # demo database: warm run <= 3x the empty page
GOAL_SECONDS = 1.5  # at scale: warm run <= 1.5 s
WARM_RUNS = 3
EMPTY_RUNS = 10
TIMEOUT = 300.0  # seconds an AppTest run may take before it is reported as failed
ADMIN, ADMIN_PASSWORD = "bench-admin", "bench-admin-password-2025"


@dataclass
class Timing:
    page: str
    cold: float
    warm: float
    note: str = ""


# --------------------------------------------------------------------------- databases


def scale_registry(path: Path) -> None:
    """bench_ingest's registry (one all_relevant measure: every agency may report), with a plan
    long enough for bench_progress's 40 quarters from 2016Q1."""
    make_registry(path)
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    last = periods.from_index(periods.index(FIRST) + N_QUARTERS - 1)
    end = periods.quarter_end(last).isoformat()
    doc["plan"]["start"] = periods.quarter_start(FIRST).isoformat()
    doc["plan"]["end"] = end
    for ind in doc["indicators"]:
        ind["deadline"] = end
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")


def scale_db(db: Path, registry_path: Path) -> int:
    """400,000 values stored as one upload per quarter, then one upload of 10 % revisions,
    each through ``Store.store_batch`` (no per-row Python). Returns the number of rows stored."""
    obs = synthetic_observations()
    obs["row"] = np.arange(len(obs)) + 2
    store = Store(db)
    stored = 0
    try:
        first = obs[obs["revision"] == 1]
        batches = [part for _, part in first.groupby("period", sort=True)]
        batches.append(obs[obs["revision"] == 2])
        for k, batch in enumerate(batches):
            change = store.store_batch(
                batch,
                file_name=f"bench_{k:02d}.csv",
                sha256=hashlib.sha256(f"bench-{k}".encode()).hexdigest(),
                uploaded_by="bench",
                source="bench",
            )
            stored += change.new + change.revised
        add_admin(store, load_registry(registry_path))
    finally:
        store.close()
    return stored


def add_admin(store: Store, registry) -> None:
    if store.user(ADMIN) is None:
        auth.add_user(store, registry, ADMIN, "admin", (), ADMIN_PASSWORD, actor="bench")


def admin_session(db: Path) -> auth.Session:
    store = Store(db)
    try:
        return auth.authenticate(store, ADMIN, ADMIN_PASSWORD)
    finally:
        store.close()


# --------------------------------------------------------------------------- timing


def timed_run(at: AppTest) -> float:
    start = time.perf_counter()
    at.run(timeout=TIMEOUT)
    return time.perf_counter() - start


def empty_page() -> float:
    """Best warm run of a trivial script in AppTest (the first run, which imports, is dropped)."""
    at = AppTest.from_string('import streamlit as st\nst.write("x")', default_timeout=TIMEOUT)
    at.run()
    return min(timed_run(at) for _ in range(EMPTY_RUNS))


def use_database(db: Path, targets: Path) -> None:
    os.environ["METRICS_DB"] = str(db)
    os.environ["METRICS_TARGETS"] = str(targets)
    os.environ["METRICS_VIEW_LOGIN"] = "open"
    st.cache_data.clear()
    st.cache_resource.clear()


def time_page(page: str, session: auth.Session | None) -> Timing:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT)
    if session is not None:
        at.session_state["session"] = session  # where metrics.auth tells the pages to keep it
    at.run()  # the app opens on the overview; switching needs one run first
    if page != "overview":
        at.switch_page(f"pages/{page}.py")
    st.cache_data.clear()
    cold = timed_run(at)
    warm = min(timed_run(at) for _ in range(WARM_RUNS))
    return Timing(page, cold, warm, _note(at, page))


def _note(at: AppTest, page: str) -> str:
    if at.exception:
        return "ERROR: " + str(at.exception[0].value).splitlines()[0][:80]
    if page == "upload" and not at.get("file_uploader"):
        return "no file uploader (login form?)"
    return ""


def report(label: str, timings: list[Timing], empty: float, goal_ratio: float | None) -> int:
    """One line per page; returns the number of pages that missed their goal."""
    missed = 0
    for t in timings:
        ratio = t.warm / empty
        if goal_ratio is not None:
            ok, goal = ratio <= goal_ratio, f"goal <= {goal_ratio:.0f}x empty"
        else:
            ok, goal = t.warm <= GOAL_SECONDS, f"goal <= {GOAL_SECONDS} s"
        ok = ok and not t.note.startswith("ERROR")
        missed += not ok
        print(
            f"{label:5} {t.page:12} cold {t.cold:7.3f} s   warm {t.warm:7.3f} s   "
            f"ratio {ratio:7.1f}x empty   {goal:18} {'PASS' if ok else 'MISS'}"
            + (f"   [{t.note}]" if t.note else ""),
            flush=True,
        )
    return missed


def main() -> None:
    logging.getLogger("streamlit").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore")
    tmp = Path(tempfile.mkdtemp(prefix="bench_pages_"))
    os.chdir(ROOT)

    # Demo database, as `make demo` builds it.
    targets = ROOT / "targets.yaml"
    demo = tmp / "demo.duckdb"
    start = time.perf_counter()
    build_demo(load_registry(targets), demo, ROOT / "data" / "sample", force=True)
    store = Store(demo)
    try:
        add_admin(store, load_registry(targets))
        n_demo = store.counts()["observations"]
    finally:
        store.close()
    print(f"demo database: {n_demo:,} values ({time.perf_counter() - start:.1f} s to build)", flush=True)

    # Scale database.
    scale_targets, scale = tmp / "scale.yaml", tmp / "scale.duckdb"
    start = time.perf_counter()
    scale_registry(scale_targets)
    n_scale = scale_db(scale, scale_targets)
    print(
        f"scale database: {n_scale:,} values, 500 indicators x 20 agencies x {N_QUARTERS} quarters"
        f" ({time.perf_counter() - start:.1f} s to build)",
        flush=True,
    )

    empty = empty_page()
    print(
        f"baseline: empty page (st.write) warm run {empty * 1000:.1f} ms (best of {EMPTY_RUNS})", flush=True
    )
    print(f"cold = first run after st.cache_data was emptied; warm = best of {WARM_RUNS} further runs")

    missed = 0
    for label, db, registry_path, goal_ratio in (
        ("demo", demo, targets, GOAL_RATIO),
        ("scale", scale, scale_targets, None),
    ):
        session = admin_session(db)
        use_database(db, registry_path)
        timings = [time_page(page, session) for page in PAGES]
        missed += report(label, timings, empty, goal_ratio)
        warm = [t.warm for t in timings]
        print(f"{label:5} {'median':12} warm {statistics.median(warm):7.3f} s", flush=True)
    print(f"pages missing their goal: {missed} of {2 * len(PAGES)}")


if __name__ == "__main__":
    main()
