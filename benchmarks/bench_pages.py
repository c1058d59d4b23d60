"""Page speed: every dashboard page run with Streamlit's AppTest, on the demo database and at scale.

Two baselines, measured in the same process:

* **the app's empty page** (the goal's baseline): ``benchmarks/empty_page.py``, a page that
  draws nothing, registered in the navigation next to the real pages (in this process only) and
  opened in the same session, so its run goes through ``dashboard.py`` like theirs: sign-in
  check against the database, navigation, sidebar with the URL-bound selectors, demo badge.
  Every page of the app pays this frame, so "3x the empty page" leaves what a page draws at most
  twice the frame.
* a bare AppTest script (``st.write("x")``), printed for comparison only: it pays no frame at
  all, so against it a page that drew nothing would already be 3-5x.

Per database one session (signed in as an admin, ``METRICS_VIEW_LOGIN=open``) opens
``dashboard.py`` and visits the empty page and every page in turn, as a user clicks around,
twice; then the empty page once more. Two figures per page:

* cold: the first run of the page right after ``st.cache_data`` was emptied, i.e. the first view
  after a commit bumped ``data_version`` (the registry and the DuckDB connection stay cached,
  modules are imported, as in a running server);
* warm: the best of 10 further runs (fewer when a page takes seconds), 5 right after the cold run
  and 5 on a second visit after every other page; cached query results and cached sections are
  reused. The empty page is timed the same way (5 runs at the start of each round, 5 at the end).

AppTest is made to run a page once per click, as the server does (see :func:`server_like_apptest`;
``BENCH_RAW_APPTEST=1`` measures plain AppTest, which runs every page twice).

Goals (warm): at most 3x the app's empty page on the demo database, and at most 1.5 s at scale
(500 indicators x 20 agencies x 40 quarters = 400,000 values, plus 10 % revisions).
Run: ``.venv/bin/python benchmarks/bench_pages.py`` (``make bench`` runs every benchmark).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import shutil
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
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
from metrics.store.database import Store  # noqa: E402

PAGES = ("overview", "indicator", "measures", "agencies", "upload", "data", "methodology")
EMPTY = "benchmarks/empty_page.py"  # the app's empty page (registered by register_empty_page)
GOAL_RATIO = 3.0  # demo database: warm run <= 3x the app's empty page
GOAL_SECONDS = 1.5  # at scale: warm run <= 1.5 s
WARM_RUNS = 10  # best of this many warm runs, for the pages and both baselines alike
ROUNDS = 2  # the warm runs of a page are taken in this many visits, spread over the session
WARM_BUDGET = 10.0  # seconds: stop repeating a slow page's warm runs after this much
TIMEOUT = 300.0  # seconds an AppTest run may take before it is reported as failed
ADMIN, ADMIN_PASSWORD = "bench-admin", "bench-admin-password-2025"


@dataclass
class Timing:
    page: str
    cold: float
    warm: float
    note: str = ""


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
        add_user = getattr(users, "add_user", None) or auth.add_user
        add_user(store, registry, ADMIN, "admin", (), ADMIN_PASSWORD, actor="bench")


def session_key() -> str:
    """Where the pages keep the :class:`metrics.access.auth.Session` (``pages.frame.gate.SESSION``)."""
    try:
        from pages.frame import gate
    except ImportError:
        return "session"  # the key metrics.access.auth's docstring suggests
    return getattr(gate, "SESSION", "session")


def admin_session(db: Path) -> auth.Session:
    store = Store(db)
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


def use_database(db: Path, targets: Path) -> None:
    os.environ["METRICS_DB"] = str(db)
    os.environ["METRICS_TARGETS"] = str(targets)
    os.environ["METRICS_VIEW_LOGIN"] = "open"
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


def time_pages(session: auth.Session | None, label: str, bare: float, goal_ratio: float | None) -> int:
    """Open the app, then visit the empty page and every page in turn as a user would (one
    session), ROUNDS times.

    First visit of a page: empty ``st.cache_data``, one cold run, then warm runs; later visits:
    one untimed run, then warm runs. A page's warm figure is its best warm run over all visits
    (up to WARM_RUNS in all, fewer when a page takes seconds). The empty page is timed the same
    way at the start of every round and once more at the end. On a shared machine a burst of
    load lasts long enough to slow every run of one visit; spreading the runs keeps it from
    moving one page's figure or the baseline alone. Prints a line per page; returns the misses."""
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT)
    if session is not None:
        at.session_state[session_key()] = session
    at.run()  # lands on the overview; switching needs a run first
    per_visit = WARM_RUNS // ROUNDS
    empty: list[float] = []
    cold: dict[str, float] = {}
    warm: dict[str, list[float]] = {page: [] for page in PAGES}
    notes: dict[str, str] = {}
    for round_ in range(ROUNDS):
        empty += app_empty_page(at, per_visit)
        for page in PAGES:
            at.switch_page(f"pages/{page}.py")
            if round_ == 0:
                st.cache_data.clear()
                cold[page] = timed_run(at)
            else:
                at.run(timeout=TIMEOUT)
            runs = warm[page]
            budget = sum(runs) + WARM_BUDGET / ROUNDS
            for _ in range(per_visit):
                if runs and sum(runs) >= budget:
                    break
                runs.append(timed_run(at))
            notes[page] = notes.get(page) or _note(at, page)
    empty += app_empty_page(at, per_visit)
    base = Baselines(bare, min(empty))
    print(
        f"{label:5} baseline: the app's empty page warm {base.app * 1000:.1f} ms (best of {len(empty)} runs"
        f" in {ROUNDS + 1} visits), {base.app / bare:.1f}x the bare st.write page",
        flush=True,
    )
    return sum(
        report(label, Timing(page, cold[page], min(warm[page]), notes[page]), base, goal_ratio)
        for page in PAGES
    )


def _note(at: AppTest, page: str) -> str:
    if at.exception:
        return "ERROR: " + str(at.exception[0].value).splitlines()[0][:80]
    if page == "upload" and not at.get("file_uploader"):
        return "no file uploader (login form?)"
    return ""


def report(label: str, t: Timing, base: Baselines, goal_ratio: float | None) -> int:
    """One line for a page, with its warm run against both baselines; 1 when it missed its goal."""
    ratio = t.warm / base.app
    if goal_ratio is not None:
        ok, goal = ratio <= goal_ratio, f"goal <= {goal_ratio:.0f}x app empty"
    else:
        ok, goal = t.warm <= GOAL_SECONDS, f"goal <= {GOAL_SECONDS} s"
    ok = ok and not t.note.startswith("ERROR")
    print(
        f"{label:5} {t.page:12} cold {t.cold:7.3f} s   warm {t.warm * 1000:7.1f} ms   "
        f"{ratio:6.1f}x app empty {t.warm / base.bare:7.1f}x st.write   {goal:22} {'PASS' if ok else 'MISS'}"
        + (f"   [{t.note}]" if t.note else ""),
        flush=True,
    )
    return int(not ok)


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

    bare = bare_page()
    print(f"bare AppTest page (st.write) warm run {bare * 1000:.1f} ms (best of {WARM_RUNS})", flush=True)
    print(
        f"cold = first run after st.cache_data was emptied; warm = best of {WARM_RUNS} further runs"
        f" in {ROUNDS} visits"
    )

    missed = 0
    for label, db, registry_path, goal_ratio in (
        ("demo", demo, targets, GOAL_RATIO),
        ("scale", scale, scale_targets, None),
    ):
        session = admin_session(db)
        use_database(db, registry_path)
        if label == "demo":
            warm_up(session)
        missed += time_pages(session, label, bare, goal_ratio)
    print(f"pages missing their goal: {missed} of {2 * len(PAGES)}")


if __name__ == "__main__":
    main()
