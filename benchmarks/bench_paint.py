"""First meaningful paint of the overview in headless Chromium, against a one-line Streamlit app.

From navigation start (``performance.now()`` counts from it) until the overview's first KPI card
and first chart are visible, measured in the page itself on every animation frame. The first chart
is the status mix, drawn in HTML (``metrics.outputs.status_mix``); when the first Plotly chart (the
progress bars) shows is printed beside it, for information. The
baseline is a one-line app (``st.write("x")``) served by the same Streamlit binary, until its
``x`` is visible. Both servers run side by side (ports 8641 and 8642), each round started afresh:

* cold server: the first page load after the server started, in a new browser profile (nothing
  cached: the browser fetches Streamlit's scripts and the Plotly bundle too). The dashboard is
  started as ``make run`` starts it (``scripts/serve.py``: a thread imports the app and reads the
  plan and the stored revisions while the server starts), last of the two, and loaded the moment
  its health check answers, so its warm-up has no head start; the page's queries and charts are
  still done for the first time;
* warm server: the median of further page loads on the running server, each in a new tab (a new
  Streamlit session) of one browser profile per round, so the browser's HTTP cache is kept, as for
  a person who opened the dashboard before.

Goal: each ≤ 2× the one-line app's figure of the same kind, measured in the same run (medians over
the rounds). Databases: the demo database, and the scale database of ``bench_pages.py`` (500
indicators × 20 agencies × 40 quarters). With ``METRICS_DB=postgresql://…`` the scale database is
stored there (a schema of its own, dropped afterwards) instead of a DuckDB file.
Needs ``/usr/bin/chromium`` and the Playwright package (as ``tests/e2e``); without them it says
so and exits 0. Run: ``.venv/bin/python benchmarks/bench_paint.py``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
DASHBOARD = ROOT / "dashboard.py"
PORTS = (8641, 8642)  # the dashboard, the one-line app
ROUNDS = 3  # servers started afresh this many times; medians count
WARM_LOADS = 3  # page loads on a running server per round
GOAL = 2.0
VIEWPORT = {"width": 1440, "height": 1000}
TIMEOUT_MS = 180_000
KPI = ".kpi-value"
PLOTLY = "[data-testid='stPlotlyChart'] .js-plotly-plot .main-svg"
CHART = f".status-mix-chart, {PLOTLY}"  # the first chart: the HTML status mix (or any Plotly chart)
ONE_LINE = "[data-testid='stMarkdownContainer'] p"
# When each group of selectors is first all visible (ms since navigation start), checked on every
# animation frame; done when every group has been seen.
PAINTED = """([groups, text]) => {
    const visible = (sel) => [...document.querySelectorAll(sel)].some(
        (el) => el.getClientRects().length > 0 && (!text || el.textContent.trim() === text));
    const seen = (window.__painted = window.__painted || {});
    for (const [name, selectors] of Object.entries(groups)) {
        if (!(name in seen) && selectors.every(visible)) seen[name] = performance.now();
    }
    return Object.keys(groups).every((name) => name in seen) ? seen : false;
}"""
DASHBOARD_MARKS = {"first": [KPI, CHART], "plotly": [PLOTLY]}
ONE_LINE_MARKS = {"first": [ONE_LINE]}


def healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@contextlib.contextmanager
def server(script: Path, port: int, env: dict[str, str], log: Path):
    """``script`` served on ``port`` until the block ends (its own process group): the dashboard
    as ``make run`` starts it (``scripts/serve.py``), any other script with ``streamlit run``."""
    start = (
        [str(ROOT / "scripts" / "serve.py")]
        if script == DASHBOARD
        else ["-m", "streamlit", "run", str(script)]
    )
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [sys.executable, *start, "--server.headless", "true",
             "--server.port", str(port), "--server.address", "127.0.0.1",
             "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 90
        while not healthy(port):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the server on port {port} did not start; see {log}")
            time.sleep(0.2)
        yield
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


def paint(context, port: int, marks: dict[str, list[str]], text: str = "") -> dict[str, float]:
    """Seconds from navigation start until each mark's selectors are all visible, in a new tab (a
    new session): ``first`` (the first KPI card and the first chart), and for the dashboard also
    ``plotly`` (its first Plotly chart, for information)."""
    page = context.new_page()
    try:
        page.goto(f"http://127.0.0.1:{port}/", wait_until="commit")
        handle = page.wait_for_function(PAINTED, arg=[marks, text], polling="raf", timeout=TIMEOUT_MS)
        return {name: float(ms) / 1000 for name, ms in handle.json_value().items()}
    finally:
        page.close()


def measure(browser, label: str, env: dict[str, str], one_line: Path, log: Path) -> int:
    """Rounds of (dashboard, one-line app) side by side; prints two lines, returns the misses."""
    cold: dict[str, list[dict[str, float]]] = {"app": [], "base": []}
    warm: dict[str, list[dict[str, float]]] = {"app": [], "base": []}
    for _ in range(ROUNDS):
        # the dashboard starts last and is loaded the moment it answers: its warm-up gets no head start
        with server(one_line, PORTS[1], env, log), server(DASHBOARD, PORTS[0], env, log):
            profiles = {
                "base": browser.new_context(viewport=VIEWPORT),
                "app": browser.new_context(viewport=VIEWPORT),
            }
            try:
                cold["app"].append(paint(profiles["app"], PORTS[0], DASHBOARD_MARKS))
                cold["base"].append(paint(profiles["base"], PORTS[1], ONE_LINE_MARKS, "x"))
                for _ in range(WARM_LOADS):
                    warm["base"].append(paint(profiles["base"], PORTS[1], ONE_LINE_MARKS, "x"))
                    warm["app"].append(paint(profiles["app"], PORTS[0], DASHBOARD_MARKS))
            finally:
                for context in profiles.values():
                    context.close()
    misses = 0
    for kind, runs in (("cold server", cold), ("warm server", warm)):
        base = statistics.median(r["first"] for r in runs["base"])
        app = statistics.median(r["first"] for r in runs["app"])
        plotly = statistics.median(r["plotly"] for r in runs["app"])
        ok = app <= GOAL * base
        misses += not ok
        print(
            f"{label:5} {kind}  one-line app {base:6.2f} s   overview (first KPI card and chart) {app:6.2f} s"
            f"   ratio {app / base:5.2f}x   goal <= {GOAL:.0f}x   {'PASS' if ok else 'MISS'}"
            f"   (median of {len(runs['app'])})"
            f"   | first Plotly chart {plotly:5.2f} s ({plotly / base:4.2f}x)",
            flush=True,
        )
    return misses


def main() -> int:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("skipped: the Playwright package is not installed (requirements-dev.txt)")
        return 0
    if not os.access(CHROMIUM, os.X_OK):
        print(f"skipped: {CHROMIUM} not found")
        return 0
    from bench_pages import scale_db, scale_registry, use_postgres

    from metrics.actions import build_demo
    from metrics.plan.registry import load_registry

    tmp = Path(tempfile.mkdtemp(prefix="bench_paint_"))
    try:
        one_line = tmp / "one_line.py"
        one_line.write_text('import streamlit as st\nst.write("x")\n', encoding="utf-8")
        demo = tmp / "demo.duckdb"
        build_demo(load_registry(ROOT / "targets.yaml"), demo, ROOT / "data" / "sample", force=True)
        scale_targets = tmp / "scale.yaml"
        scale_registry(scale_targets)
        base_env = {k: v for k, v in os.environ.items() if not k.startswith("METRICS_")}
        base_env["METRICS_VIEW_LOGIN"] = "open"
        log = tmp / "servers.log"
        misses = 0
        with use_postgres(tmp / "scale.duckdb") as scale, sync_playwright() as pw:
            scale_db(scale, scale_targets)
            print(f"{ROUNDS} rounds of fresh servers; {WARM_LOADS} warm page loads each; ports {PORTS}")
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
            try:
                for label, db, targets in (
                    ("demo", demo, ROOT / "targets.yaml"),
                    ("scale", scale, scale_targets),
                ):
                    env = {**base_env, "METRICS_DB": str(db), "METRICS_TARGETS": str(targets)}
                    misses += measure(browser, label, env, one_line, log)
            finally:
                browser.close()
        print(f"paint goals missed: {misses} of 4")
        return 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
