"""Page speed: every dashboard page run with Streamlit's AppTest, on the demo database and at scale.

Per database one session (signed in as an admin, ``METRICS_VIEW_LOGIN=open``) opens
``dashboard.py`` and visits the empty page and every page in turn, as a user clicks around,
twice; then the empty page once more. Printed side by side for every page:

* **cold** (judged): the first run of the page right after a commit, i.e. the first view after
  an upload: :func:`commit` stores one upload that revises one value through the app's own store,
  which bumps ``data_version``, so every cached result keyed on it is worked out anew (the
  registry and the connection stay cached, modules are imported, as in a running server). Each
  page's cold run is measured 3 times (the first visit, then after each round), the median counts;
* **floor**: the store queries that page needs (:data:`FLOOR`), run on the same store in the same
  process right after each cold run; the median of those runs. This is what no cache can save on
  a cold run;
* **warm** (for information): the best of 10 further runs (5 right after the cold run, 5 on a
  second visit); cached query results are reused, the page is drawn anew. Printed next to the
  app's empty page (``benchmarks/empty_page.py``: registered in the navigation in this process
  only, it runs the frame every page pays and draws nothing).

Goals (cold, at scale: 500 indicators x 20 agencies x 40 quarters = 400,000 values plus 10 %
revisions): at most 1.5 s, and at most 4x the page's floor. On the demo database the figures are
printed without a verdict. AppTest is made to run a page once per click, as the server does (see
:func:`server_like_apptest`; ``BENCH_RAW_APPTEST=1`` measures plain AppTest, which runs every page
twice). With ``METRICS_DB=postgresql://…`` the scale database is stored there (a schema of its own,
dropped afterwards) and the floor's queries run there too.
Run: ``.venv/bin/python benchmarks/bench_pages.py`` (``make bench`` runs every benchmark).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import logging
import os
import shutil
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import numpy as np
import pandas as pd
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import streamlit as st  # noqa: E402
from bench_ingest import make_registry  # noqa: E402
from bench_progress import FIRST, N_QUARTERS, synthetic_observations  # noqa: E402
from streamlit import logger as streamlit_logger  # noqa: E402
from streamlit.runtime.pages_manager import PagesManager  # noqa: E402
from streamlit.runtime.scriptrunner.script_cache import ScriptCache  # noqa: E402
from streamlit.testing.v1 import AppTest, local_script_runner  # noqa: E402
from streamlit.testing.v1 import app_test as app_test_module  # noqa: E402

from metrics import text as i18n  # noqa: E402
from metrics.access import auth, users  # noqa: E402
from metrics.actions import build_demo  # noqa: E402
from metrics.plan import periods  # noqa: E402
from metrics.plan.registry import load_registry  # noqa: E402
from metrics.store import postgres_engine  # noqa: E402
from metrics.store.database import Store  # noqa: E402
from metrics.store.values import RevisionFilter  # noqa: E402

PAGES = ("overview", "indicator", "measures", "agencies", "upload", "data", "methodology")
EMPTY = "benchmarks/empty_page.py"  # the app's empty page (registered by register_empty_page)
GOAL_SECONDS = 1.5  # at scale: cold run <= 1.5 s
GOAL_FLOOR = 4.0  # at scale: cold run <= 4x the page's own store queries
COLD_RUNS = 3  # cold runs (and floor runs) per page; the median counts
PG_URL = os.environ.get("METRICS_DB", "") if postgres_engine.is_url(os.environ.get("METRICS_DB", "")) else ""
WARM_RUNS = 9  # best of this many warm runs, for the pages and both baselines alike
WARM_BUDGET = 10.0  # seconds: stop repeating a slow page's warm runs after this much
TIMEOUT = 300.0  # seconds an AppTest run may take before it is reported as failed
ADMIN, ADMIN_PASSWORD = "bench-admin", "bench-admin-password-2025"


@dataclass
class Timing:
    page: str
    cold: float
    floor: float
    warm: float
    note: str = ""


def _frame_floor(store: Store) -> None:
    """What every page's frame reads: the data version, the quarters for the sidebar."""
    store.data_version()
    store.stored_periods(include_withdrawn=False)


def _status_floor(store: Store) -> None:
    """The status pages: the frame, and every current revision (the status engine's input)."""
    _frame_floor(store)
    store.observations()


def _indicator_floor(store: Store) -> None:
    """The status pages' reads, and the history of the indicator the page opens on (the plan's first)."""
    _status_floor(store)
    store.history(indicator_id=_FIRST_INDICATOR[0])


def _data_floor(store: Store) -> None:
    """The data page: its quarters, one page of revisions, the uploads, the admin's lists."""
    _frame_floor(store)
    store.stored_periods()
    store.revisions_page(RevisionFilter(), "key", 0, 200)
    store.uploads()
    store.reminders(limit=50)
    store.audit_log(limit=500)


FLOOR: dict[str, Callable[[Store], None]] = {  # the store queries each page needs
    "overview": _status_floor,
    "indicator": _indicator_floor,
    "measures": _status_floor,
    "agencies": _status_floor,
    "upload": lambda store: (_frame_floor(store), store.uploads()),
    "data": _data_floor,
    "methodology": _frame_floor,
}


_COMMITS = [0]
_FIRST_INDICATOR = [""]  # the Indicator page's default: the plan's first indicator (set by use_database)


def commit(db: str) -> None:
    """One upload that revises one stored value, through the app's own store: the commit after
    which a leader opens a page (every result keyed on the data version is worked out anew; the
    registry, the connection and the imported modules stay, as in a running server)."""
    from pages.frame.page import open_store_cached

    store = open_store_cached(db)
    key = store.revisions_page(RevisionFilter(), limit=1).rows.iloc[0]
    _COMMITS[0] += 1
    n = _COMMITS[0]
    row = {"indicator_id": key["indicator_id"], "period": key["period"], "agency_id": key["agency_id"]}
    value = float(time.time_ns() // 1000 % 10**9)  # never one it had before: no revert to hold
    rows = pd.DataFrame([{**row, "value": value, "note": f"bench commit {n}", "row": 2}])
    store.store_batch(
        rows,
        file_name=f"commit_{n}.csv",
        sha256=hashlib.sha256(f"commit-{n}-{time.time()}".encode()).hexdigest(),
        uploaded_by="bench",
        source="bench",
    )


def floor_time(db: str, page: str) -> float:
    """One run of the page's store queries on the app's own store (the cached resource its runs
    use: same connection, same warm buffers)."""
    from pages.frame.page import open_store_cached

    store = open_store_cached(db)
    start = time.perf_counter()
    FLOOR[page](store)
    return time.perf_counter() - start


@contextlib.contextmanager
def use_postgres(path: Path) -> Iterator[str]:
    """``path`` itself, or with ``METRICS_DB=postgresql://…`` a new schema there (dropped afterwards)."""
    if not PG_URL:
        yield str(path)
        return
    name = f"bench_{os.getpid()}_{path.stem}"
    admin = postgres_engine.connect(PG_URL, read_only=False)
    cur = admin.cursor()
    cur.execute(f"DROP SCHEMA IF EXISTS {name} CASCADE")
    cur.execute(f"CREATE SCHEMA {name}")
    sep = "&" if "?" in PG_URL else "?"
    try:
        yield f"{PG_URL}{sep}options={quote(f'-csearch_path={name}')}"
    finally:
        cur.execute(f"DROP SCHEMA IF EXISTS {name} CASCADE")
        cur.close()
        admin.close()


@dataclass
class Baselines:
    bare: float  # warm run of a bare st.write script
    app: float  # warm run of the app's empty page, same database and session as the pages


# --------------------------------------------------------------------------- databases


def scale_registry(path: Path) -> None:
    """bench_ingest's registry (one all_relevant measure: every agency may report), with a plan
    long enough for bench_progress's 40 quarters from 2016Q1."""
    make_registry(path)
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    last = periods.from_index(periods.index(FIRST) + N_QUARTERS - 1)
    end = periods.quarter_end(last).isoformat()
    doc["plan"]["start"] = (periods.quarter_end(periods.shift(FIRST, -1)) + dt.timedelta(days=1)).isoformat()
    doc["plan"]["end"] = end
    for ind in doc["indicators"]:
        ind["deadline"] = end
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")


def scale_db(db: Path | str, registry_path: Path) -> int:
    """400,000 values stored as one upload per quarter, then one upload of 10 % revisions,
    each through ``Store.store_batch`` (no per-row Python). Returns the number of rows stored."""
    obs = synthetic_observations()
    obs["row"] = np.arange(len(obs)) + 2
    store = Store.open(str(db))
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
        add_user = getattr(users, "add_user", None) or auth.add_user
        add_user(store, registry, ADMIN, "admin", (), ADMIN_PASSWORD, actor="bench")


def session_key() -> str:
    """Where the pages keep the :class:`metrics.access.auth.Session` (``pages.frame.gate.SESSION``)."""
    try:
        from pages.frame import gate
    except ImportError:
        return "session"  # the key metrics.access.auth's docstring suggests
    return getattr(gate, "SESSION", "session")


def admin_session(db: Path | str) -> auth.Session:
    store = Store.open(str(db))
    try:
        return auth.authenticate(store, ADMIN, ADMIN_PASSWORD)
    finally:
        store.close()


# --------------------------------------------------------------------------- timing


def server_like_apptest() -> None:
    """Make AppTest runs cost what a click costs on the running server.

    Before every run AppTest resets ``PagesManager.uses_pages_directory`` and starts two new
    script caches (one for the pages, one in its script runner for ``dashboard.py``). With a
    ``pages/`` folder next to ``dashboard.py`` the reset makes ``pages.frame.page.ensure_entry_point``
    rerun the script, so every AppTest run executes the page twice, and the fresh caches
    recompile every script. The server does each only once, at its first request. Both are
    undone here (for the baselines too).
    """
    original_init = PagesManager.__init__

    def init(self, *args, **kwargs) -> None:
        original_init(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False  # as after the server's first run

    PagesManager.__init__ = init
    shared = ScriptCache()
    app_test_module.ScriptCache = lambda: shared
    local_script_runner.ScriptCache = lambda: shared


def timed_run(at: AppTest) -> float:
    start = time.perf_counter()
    at.run(timeout=TIMEOUT)
    return time.perf_counter() - start


def bare_page() -> float:
    """Best warm run of a trivial script in AppTest (the first run, which imports, is dropped)."""
    at = AppTest.from_string('import streamlit as st\nst.write("x")', default_timeout=TIMEOUT)
    at.run()
    return min(timed_run(at) for _ in range(WARM_RUNS))


def register_empty_page() -> None:
    """Put the empty page into the app's navigation, open to anyone, in this process only.

    ``pages.frame.gate.PAGES`` lists the navigation's pages; ``dashboard.py`` reads it on every run.
    The menu then has one more entry for the real pages too, so they run the same frame."""
    from pages.frame import gate

    i18n.CATALOG.setdefault("nav.bench_empty", {"zh": "空白页", "en": "Empty page"})
    entry = (EMPTY, "bench-empty", "nav.bench_empty", ":material/check_box_outline_blank:", "anyone")
    if entry not in gate.PAGES:
        gate.PAGES = (*gate.PAGES, entry)


def app_empty_page(at: AppTest, runs: int) -> list[float]:
    """Warm runs of the app's empty page in this session (after one untimed run)."""
    at.switch_page(EMPTY)
    at.run(timeout=TIMEOUT)
    if at.exception:
        raise RuntimeError(f"the empty page failed: {at.exception[0].value}")
    return [timed_run(at) for _ in range(runs)]


def use_database(db: Path | str, targets: Path) -> None:
    os.environ["METRICS_DB"] = str(db)
    os.environ["METRICS_TARGETS"] = str(targets)
    os.environ["METRICS_VIEW_LOGIN"] = "open"
    _FIRST_INDICATOR[0] = load_registry(targets).indicators[0].id
    st.cache_data.clear()
    st.cache_resource.clear()


def warm_up(session: auth.Session | None) -> None:
    """Run every page once, untimed, so that module imports (plotly, python-pptx…) are not
    counted in the first cold figure: a running server has imported them long before."""
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT)
    if session is not None:
        at.session_state[session_key()] = session
    at.run()
    for page in PAGES[1:]:
        at.switch_page(f"pages/{page}.py")
        at.run()


def time_pages(session: auth.Session | None, label: str, db: str, bare: float, judged: bool) -> int:
    """Open the app, then visit the empty page and every page in turn as a user would (one
    session), COLD_RUNS times.

    Every visit of a page: empty ``st.cache_data``, one cold run, the page's store queries once
    (its floor), then warm runs. On a shared machine a burst of load lasts long enough to slow
    every run of one visit; spreading the runs over the visits and taking medians (cold, floor)
    or the best (warm) keeps it from moving one page's figure or the baseline alone.
    Prints a line per page; returns the misses (only when ``judged``)."""
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT)
    if session is not None:
        at.session_state[session_key()] = session
    at.run()  # lands on the overview; switching needs a run first
    per_visit = max(1, WARM_RUNS // COLD_RUNS)
    empty: list[float] = []
    cold: dict[str, list[float]] = {page: [] for page in PAGES}
    floor: dict[str, list[float]] = {page: [] for page in PAGES}
    warm: dict[str, list[float]] = {page: [] for page in PAGES}
    notes: dict[str, str] = {}
    for _ in range(COLD_RUNS):
        empty += app_empty_page(at, per_visit)
        for page in PAGES:
            at.switch_page(f"pages/{page}.py")
            commit(db)
            cold[page].append(timed_run(at))
            floor[page].append(floor_time(db, page))
            runs = warm[page]
            budget = sum(runs) + WARM_BUDGET / COLD_RUNS
            for _ in range(per_visit):
                if runs and sum(runs) >= budget:
                    break
                runs.append(timed_run(at))
            notes[page] = notes.get(page) or _note(at, page)
    empty += app_empty_page(at, per_visit)
    base = Baselines(bare, min(empty))
    print(
        f"{label:5} baseline for warm runs: the app's empty page {base.app * 1000:.1f} ms (best of"
        f" {len(empty)} runs in {COLD_RUNS + 1} visits), {base.app / bare:.1f}x the bare st.write page",
        flush=True,
    )
    timings = [
        Timing(
            page, statistics.median(cold[page]), statistics.median(floor[page]), min(warm[page]), notes[page]
        )
        for page in PAGES
    ]
    return sum(report(label, t, base, judged) for t in timings)


def _note(at: AppTest, page: str) -> str:
    if at.exception:
        return "ERROR: " + str(at.exception[0].value).splitlines()[0][:80]
    if page == "upload" and not at.get("file_uploader"):
        return "no file uploader (login form?)"
    return ""


def report(label: str, t: Timing, base: Baselines, judged: bool) -> int:
    """One line for a page: cold (judged), its floor, warm (information); 1 when it missed a goal."""
    ratio = t.cold / t.floor if t.floor > 0 else float("inf")
    ok = t.cold <= GOAL_SECONDS and ratio <= GOAL_FLOOR and not t.note.startswith("ERROR")
    verdict = (
        f"goal cold <= {GOAL_SECONDS} s and <= {GOAL_FLOOR:.0f}x floor   {'PASS' if ok else 'MISS'}"
        if judged
        else "(no goal on the demo database)"
    )
    print(
        f"{label:5} {t.page:12} cold {t.cold:7.3f} s   floor {t.floor * 1000:7.1f} ms"
        f"   cold/floor {ratio:5.1f}x"
        f"   | warm {t.warm * 1000:7.1f} ms ({t.warm / base.app:5.1f}x app empty)   {verdict}"
        + (f"   [{t.note}]" if t.note else ""),
        flush=True,
    )
    return int(judged and not ok)


def main() -> None:
    for name in (
        "streamlit.runtime.caching.cache_data_api",
        "streamlit.runtime.scriptrunner_utils.script_run_context",
    ):
        # "No runtime found" / "missing ScriptRunContext": clearing caches and filling session state
        # from outside a script run is what a benchmark does
        streamlit_logger.get_logger(name).addFilter(lambda record: record.levelno >= logging.ERROR)
    if os.environ.get("BENCH_RAW_APPTEST") != "1":
        server_like_apptest()
    register_empty_page()
    warnings.filterwarnings("ignore")
    tmp = Path(tempfile.mkdtemp(prefix="bench_pages_"))
    os.chdir(ROOT)
    try:
        run(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run(tmp: Path) -> None:
    """Build both databases in ``tmp``, measure the bare page, then the empty page and every page on each."""
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

    # Scale database (on PostgreSQL with METRICS_DB=postgresql://…).
    scale_targets = tmp / "scale.yaml"
    with use_postgres(tmp / "scale.duckdb") as scale:
        start = time.perf_counter()
        scale_registry(scale_targets)
        n_scale = scale_db(scale, scale_targets)
        where = "PostgreSQL" if PG_URL else "DuckDB"
        print(
            f"scale database ({where}): {n_scale:,} values, 500 indicators x 20 agencies x {N_QUARTERS}"
            f" quarters ({time.perf_counter() - start:.1f} s to build)",
            flush=True,
        )

        bare = bare_page()
        print(f"bare AppTest page (st.write) warm run {bare * 1000:.1f} ms (best of {WARM_RUNS})", flush=True)
        print(
            f"cold = first run after a commit (one upload revising one value; median of {COLD_RUNS});"
            f" floor = the page's store queries (median of {COLD_RUNS});"
            f" warm = best of {WARM_RUNS} further runs"
        )

        missed = 0
        for label, db, registry_path, judged in (
            ("demo", str(demo), targets, False),
            ("scale", scale, scale_targets, True),
        ):
            session = admin_session(db)
            use_database(db, registry_path)
            if label == "demo":
                warm_up(session)
            missed += time_pages(session, label, db, bare, judged)
    print(f"pages missing their goal (cold, at scale): {missed} of {len(PAGES)}")


if __name__ == "__main__":
    main()
