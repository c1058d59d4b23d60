"""Real-browser fixtures: a Streamlit server on a demo database, Debian's Chromium via Playwright.

* ``app`` (session): builds the demo database (with the demo users) into a temporary folder,
  starts the dashboard as ``make run`` does (``scripts/serve.py``) on a free port against it, waits for
  ``/_stcore/health`` and stops the server afterwards. Its log is attached to every failing
  test's report.
* ``browser`` (session): Chromium from ``/usr/bin/chromium`` (or ``$E2E_CHROMIUM``). Where it,
  or the Playwright package, is missing every e2e test is *skipped with a sentence that says
  how to enable it*, and the sentence is repeated in the terminal summary.
* ``page`` (per test): a new tab in one shared browser context (which keeps the HTTP cache),
  i.e. a new Streamlit session: every test starts signed out.
* ``shot(page, name)``: a screenshot into ``artifacts/e2e/`` (named in the terminal summary).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
TARGETS = REPO / "targets.yaml"
ARTIFACTS = REPO / "artifacts" / "e2e"
CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
VIEWPORT = {"width": 1440, "height": 1000}
START_TIMEOUT = 90  # seconds for the server to answer /_stcore/health
LOG_TAIL = 60  # lines of the server log attached to a failing test


def _skip_reason() -> str | None:
    """Why the e2e tests cannot run here (None when they can)."""
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return (
            f"e2e: {CHROMIUM} not found; install it with `apt-get install chromium fonts-noto-cjk` "
            "(CI does this in .ci/run)"
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return (
            "e2e: the Playwright package is not installed; install it with "
            "`.venv/bin/pip install -r requirements-dev.txt` (no `playwright install` needed: "
            "the tests drive Debian's /usr/bin/chromium)"
        )
    return None


SKIP_REASON = _skip_reason()
_state: dict[str, object] = {"skipped": 0, "shots": 0}


# --------------------------------------------------------------------------- reporting


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    """Say loudly why the browser tests were skipped, and where the screenshots are."""
    if SKIP_REASON and _state["skipped"]:
        terminalreporter.write_sep("=", "real-browser tests skipped", yellow=True, bold=True)
        n = int(_state["skipped"])
        terminalreporter.write_line(f"{SKIP_REASON} [{n} test{'s' if n != 1 else ''} skipped]", yellow=True)
    if _state["shots"]:
        terminalreporter.write_line(f"e2e screenshots: {ARTIFACTS}")


def pytest_collection_modifyitems(config, items) -> None:
    """Without a browser, skip every e2e test at collection time, with the sentence to fix it."""
    if not SKIP_REASON:
        return
    for item in items:
        if _is_e2e(item):
            item.add_marker(pytest.mark.skip(reason=SKIP_REASON))


def _is_e2e(item) -> bool:
    return Path(__file__).parent in Path(str(item.path)).parents


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Count the e2e tests skipped for want of a browser; attach the tail of the Streamlit
    server log to a failing e2e test."""
    report = yield
    if SKIP_REASON and report.skipped and report.when == "setup" and _is_e2e(item):
        _state["skipped"] = int(_state["skipped"]) + 1
    if report.failed and "app" in getattr(item, "fixturenames", ()):
        server = _state.get("server")
        if isinstance(server, Server):
            report.sections.append(("streamlit server log (tail)", server.log_tail()))
    return report


# --------------------------------------------------------------------------- the server


@dataclass
class Server:
    url: str
    db: Path
    log: Path
    proc: subprocess.Popen

    def log_tail(self, lines: int = LOG_TAIL) -> str:
        try:
            text = self.log.read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            return f"(no server log: {exc})"
        return "\n".join(text.splitlines()[-lines:])


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200 and response.read().strip() == b"ok"
    except OSError:
        return False


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=15)


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The dashboard (``scripts/serve.py``) on a fresh demo database (demo users included)."""
    if SKIP_REASON:  # (already skipped at collection; kept for direct fixture use)
        pytest.skip(SKIP_REASON)
    folder = tmp_path_factory.mktemp("e2e")
    db = folder / "demo.duckdb"
    # today fixed a year after the plan's deadline: the overview is its final assessment
    env = {
        **os.environ,
        "METRICS_DB": str(db),
        "METRICS_TARGETS": str(TARGETS),
        "METRICS_TODAY": "2026-12-03",
    }
    for name in ("METRICS_VIEW_LOGIN", "METRICS_SESSION_HOURS"):  # the defaults, whatever the shell says
        env.pop(name, None)
    built = subprocess.run(
        [sys.executable, "-m", "metrics", "demo", "--db", str(db), "--force"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if built.returncode != 0:
        pytest.fail(f"building the demo database failed:\n{built.stdout}\n{built.stderr}")
    port = _free_port()
    log = folder / "streamlit.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "scripts/serve.py",  # as `make run` starts it: streamlit run dashboard.py, warmed up
                "--server.headless",
                "true",
                "--server.fileWatcherType",
                "none",
                "--server.port",
                str(port),
                "--server.address",
                "127.0.0.1",
                "--browser.gatherUsageStats",
                "false",
            ],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopped as a whole
        )
    server = Server(url=f"http://127.0.0.1:{port}", db=db, log=log, proc=proc)
    _state["server"] = server
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not _healthy(server.url):
            if proc.poll() is not None:
                pytest.fail(f"streamlit exited with {proc.returncode}:\n{server.log_tail()}")
            if time.monotonic() > deadline:
                pytest.fail(
                    f"streamlit did not answer /_stcore/health in {START_TIMEOUT}s:\n{server.log_tail()}"
                )
            time.sleep(0.25)
        yield server
    finally:
        _stop(proc)


# --------------------------------------------------------------------------- the browser


@pytest.fixture(scope="session")
def browser(app: Server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            _warm_up(chromium, app)
            yield chromium
        finally:
            chromium.close()


def _warm_up(chromium, app: Server) -> None:
    """One first visit, so every test meets a warm server (the first run imports and caches,
    and switches Streamlit out of its legacy ``pages/`` mode)."""
    from .ui import COUNT_RUNS, settle

    context = chromium.new_context(viewport=VIEWPORT, base_url=app.url)
    context.add_init_script(COUNT_RUNS)
    context.set_default_timeout(60_000)
    try:
        tab = context.new_page()
        tab.goto("/")
        settle(tab, 0, charts=True)
    finally:
        context.close()


@pytest.fixture(scope="session")
def context(browser, app: Server):
    """One browser context for the run: its HTTP cache keeps the app's scripts between tests."""
    from .ui import COUNT_RUNS

    shared = browser.new_context(viewport=VIEWPORT, locale="zh-CN", base_url=app.url)
    shared.add_init_script(COUNT_RUNS)
    shared.set_default_timeout(20_000)
    try:
        yield shared
    finally:
        shared.close()


@pytest.fixture
def page(context):
    """A new tab per test: a new Streamlit session (the log-in lives in the session, not in a
    cookie), so every test starts signed out."""
    tab = context.new_page()
    try:
        yield tab
    finally:
        tab.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """``artifacts/e2e/``, emptied once per run."""
    if ARTIFACTS.exists():
        shutil.rmtree(ARTIFACTS)
    ARTIFACTS.mkdir(parents=True)
    return ARTIFACTS


@pytest.fixture
def shot(artifacts: Path, request: pytest.FixtureRequest) -> Callable[..., Path]:
    """``shot(page, "step")`` writes ``artifacts/e2e/<test>--<step>.png`` and returns the path."""
    stem = request.node.name.replace("[", "-").replace("]", "").replace("/", "_")

    def _shot(tab, step: str, **kwargs) -> Path:
        path = artifacts / f"{stem}--{step}.png"
        tab.screenshot(path=str(path), **kwargs)
        _state["shots"] = int(_state["shots"]) + 1
        return path

    return _shot
