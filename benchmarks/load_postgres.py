"""Load test on PostgreSQL: 20 agencies upload at once while 3 dashboard servers are viewed.

Bounded and on localhost only. It needs a PostgreSQL database it may create a schema in
(``--url``, or ``$PG_LOAD_URL``; pass the password with PGPASSWORD or a .pgpass file) and
Debian's Chromium for the viewer (without it the servers are polled over HTTP only)::

    scripts/pg_cluster.sh start /tmp/pg 54329        # prints the URL; the password is in /tmp/pg/pgpass
    PGPASSFILE=/tmp/pg/pgpass .venv/bin/python benchmarks/load_postgres.py --url postgresql://metrics@127.0.0.1:54329/metrics

What runs: a wide registry (40 KPIs, 20 agencies); one process per agency, each uploading 8
quarterly files (2024Q1..2025Q4) through ``ingest_file``, the upload page's path, every file
after the first also revising half of the previous quarter's values; all 20 start together
behind a barrier. Meanwhile 3 ``streamlit run`` servers on different ports, on the same
database, are viewed in turn by a browser loop (page runs, any exception or error box counted).
Afterwards it checks that every value of every file is stored exactly once per revision (each
key's revisions 1..n with no gap or duplicate), that the uploads table (the audit record of
uploads) has every upload, and that no server showed an error. It prints uploads/s, p50/p95
upload time, and the page time while uploading and afterwards.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from synthetic import write_wide_plan  # noqa: E402

from metrics.plan import periods  # noqa: E402
from metrics.store import postgres_engine  # noqa: E402

N_AGENCIES, N_QUARTERS, N_SERVERS, N_INDICATORS = 20, 8, 3, 40
QUARTERS = periods.span("2024Q1", "2025Q4")[:N_QUARTERS]
TODAY = dt.date(2026, 1, 15)
CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
DEADLINE = 900  # seconds for the whole run: bounded, whatever happens


def value(agency: int, quarter: int, ind: int, revised: bool) -> float:
    """Distinct per key; a revision differs from the first report."""
    base = (agency * 7 + quarter * 11 + ind * 3) % 90
    return round(base + (5.5 if revised else 0.25), 2)


def file_rows(agency: int, q: int) -> list[tuple[str, str, str, float, str]]:
    """Agency ``agency``'s file for quarter ``q``: that quarter, and half of the one before revised."""
    ag = f"ag{agency:02d}"
    rows = [
        (f"ind{i:02d}", QUARTERS[q], ag, value(agency, q, i, False), f"q{q}") for i in range(N_INDICATORS)
    ]
    if q > 0:
        rows += [
            (f"ind{i:02d}", QUARTERS[q - 1], ag, value(agency, q - 1, i, True), f"rev q{q}")
            for i in range(0, N_INDICATORS, 2)
        ]
    return rows


def file_bytes(rows) -> bytes:
    lines = ["indicator_id,period,agency_id,value,note"] + [",".join(map(str, r)) for r in rows]
    return ("\n".join(lines) + "\n").encode()


# ------------------------------------------------------------------------------ one uploader process


def worker(url: str, targets: str, agency: int) -> None:
    """Upload this agency's files one after another; print one JSON line per upload."""
    from metrics.ingest.batch import ingest_file
    from metrics.plan.registry import load_registry
    from metrics.store.database import Store

    registry = load_registry(targets)
    store = Store.open(url)
    print("ready", flush=True)
    sys.stdin.readline()  # the barrier: every uploader starts at once
    for q in range(N_QUARTERS):
        name = f"ag{agency:02d}_{QUARTERS[q]}.csv"
        start = time.perf_counter()
        result = ingest_file(
            store,
            registry,
            file_bytes(file_rows(agency, q)),
            name,
            uploaded_by=f"uploader_ag{agency:02d}",
            source="upload",
            today=TODAY,
        )
        took = time.perf_counter() - start
        c = result.change
        print(
            json.dumps(
                {
                    "file": name,
                    "upload_id": c.upload_id,
                    "seconds": took,
                    "new": c.new,
                    "revised": c.revised,
                    "at": time.time(),
                }
            ),
            flush=True,
        )
    store.close()


# ------------------------------------------------------------------------------ servers and the viewer


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def healthy(base: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
            return r.read().strip() == b"ok"
    except OSError:
        return False


def start_server(url: str, targets: str, port: int, log: Path) -> subprocess.Popen:
    env = {**os.environ, "METRICS_DB": url, "METRICS_TARGETS": targets, "METRICS_VIEW_LOGIN": "open"}
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "dashboard.py",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--server.fileWatcherType",
        "none",
        "--browser.gatherUsageStats",
        "false",
    ]
    return subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True
    )


class Viewer(threading.Thread):
    """Views the servers' overview page in turn until stopped; records each page run."""

    def __init__(self, bases: list[str]):
        super().__init__(daemon=True)
        self.bases = bases
        self.runs: list[tuple[float, str, float, str]] = []  # (finished at, server, seconds, problem)
        self.stop = threading.Event()
        self.mode = "browser"

    def run(self) -> None:
        try:
            from playwright.sync_api import sync_playwright
        except ImportError:
            sync_playwright = None
        if sync_playwright is None or not os.access(CHROMIUM, os.X_OK):
            self.mode = "http"
            return self._http()
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            pages = [browser.new_page() for _ in self.bases]
            k = 0
            while not self.stop.is_set():
                base, page = self.bases[k % len(self.bases)], pages[k % len(pages)]
                k += 1
                start = time.perf_counter()
                problem = ""
                try:
                    page.goto(f"{base}/", wait_until="domcontentloaded", timeout=60_000)
                    page.wait_for_selector(
                        "[data-testid='stApp'][data-test-script-state='notRunning']", timeout=60_000
                    )
                    page.wait_for_selector("[data-testid='stMain']", timeout=60_000)
                    if page.locator("[data-testid='stException']").count():
                        problem = (
                            "exception: "
                            + page.locator("[data-testid='stException']").first.inner_text()[:200]
                        )
                    elif page.locator("[data-testid='stAlertContentError']").count():
                        problem = (
                            "error: "
                            + page.locator("[data-testid='stAlertContentError']").first.inner_text()[:200]
                        )
                except Exception as exc:  # a timeout or a dead server: counted, the loop goes on
                    problem = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
                self.runs.append((time.time(), base, time.perf_counter() - start, problem))
            browser.close()

    def _http(self) -> None:
        k = 0
        while not self.stop.is_set():
            base = self.bases[k % len(self.bases)]
            k += 1
            start = time.perf_counter()
            problem = "" if healthy(base) else "health check failed"
            self.runs.append((time.time(), base, time.perf_counter() - start, problem))
            time.sleep(0.2)


# ------------------------------------------------------------------------------ checks


def verify(url: str, uploads: list[dict]) -> list[str]:
    """Every value of every file stored exactly once per revision; every upload in the uploads table."""
    from metrics.store.database import Store

    problems = []
    store = Store.open(url, read_only=True)
    try:
        obs = store.observations(include_withdrawn=True)
        record = store.uploads()
    finally:
        store.close()
    by_file = {u["file"]: u["upload_id"] for u in uploads}
    expected_files = {f"ag{a:02d}_{QUARTERS[q]}.csv" for a in range(N_AGENCIES) for q in range(N_QUARTERS)}
    if set(by_file) != expected_files or None in by_file.values():
        problems.append(f"{len(expected_files - set(by_file))} files were not stored")
    if sorted(record["file_name"]) != sorted(expected_files) or record["upload_id"].nunique() != len(record):
        problems.append(f"uploads table: {len(record)} rows for {len(expected_files)} files")
    stored = {(r.upload_id, r.indicator_id, r.period, r.agency_id): r.value for r in obs.itertuples()}
    expected_rows = 0
    for a in range(N_AGENCIES):
        for q in range(N_QUARTERS):
            upload_id = by_file.get(f"ag{a:02d}_{QUARTERS[q]}.csv")
            for ind, period, ag, v, _ in file_rows(a, q):
                expected_rows += 1
                key = (upload_id, ind, period, ag)
                if stored.get(key) != v:
                    problems.append(f"{ind} {period} {ag} of upload {upload_id}: {stored.get(key)} != {v}")
    if len(obs) != expected_rows:
        problems.append(f"{len(obs)} stored values for {expected_rows} reported")
    revs = obs.groupby(["indicator_id", "period", "agency_id"])["revision"].apply(sorted)
    gaps = [key for key, r in revs.items() if r != list(range(1, len(r) + 1))]
    if gaps:
        problems.append(f"{len(gaps)} keys whose revisions are not 1..n, e.g. {gaps[0]}: {revs[gaps[0]]}")
    return problems[:20]


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=os.environ.get("PG_LOAD_URL"), help="postgresql:// URL")
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--targets", help=argparse.SUPPRESS)
    parser.add_argument("--keep", action="store_true", help="keep the schema afterwards")
    args = parser.parse_args()
    if args.worker is not None:
        worker(args.url, args.targets, args.worker)
        return 0
    if not args.url or not postgres_engine.is_url(args.url):
        parser.error("--url postgresql://... (or $PG_LOAD_URL) is required")
    signal.alarm(DEADLINE)  # bounded: the whole run is killed after DEADLINE seconds

    tmp = Path(tempfile.mkdtemp(prefix="load_pg_"))
    targets = tmp / "wide.yaml"
    write_wide_plan(targets, N_INDICATORS, N_AGENCIES)
    schema = f"load_{os.getpid()}"
    admin = postgres_engine.connect(args.url, read_only=False)
    admin.cursor().execute(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in args.url else "?"
    url = f"{args.url}{sep}options={quote(f'-csearch_path={schema}')}"
    servers: list[subprocess.Popen] = []
    workers: list[subprocess.Popen] = []
    viewer = None
    try:
        subprocess.run([sys.executable, "-m", "metrics", "migrate", "--db", url], cwd=ROOT, check=True)
        ports = [free_port() for _ in range(N_SERVERS)]
        bases = [f"http://127.0.0.1:{p}" for p in ports]
        servers = [start_server(url, str(targets), p, tmp / f"server{p}.log") for p in ports]
        started = time.monotonic()
        while not all(healthy(b) for b in bases):
            if time.monotonic() - started > 120 or any(s.poll() is not None for s in servers):
                raise SystemExit("a dashboard server did not start; see " + str(tmp))
            time.sleep(0.5)
        workers = [
            subprocess.Popen(
                [sys.executable, __file__, "--worker", str(a), "--url", url, "--targets", str(targets)],
                cwd=ROOT,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
            for a in range(N_AGENCIES)
        ]
        for w in workers:
            if w.stdout.readline().strip() != "ready":
                raise SystemExit("an uploader did not start")
        viewer = Viewer(bases)
        viewer.start()
        time.sleep(3)  # a few page runs before the uploads: the idle page time
        upload_start = time.time()
        for w in workers:  # the barrier
            w.stdin.write("go\n")
            w.stdin.flush()
        uploads = []
        for w in workers:
            out, _ = w.communicate(timeout=DEADLINE)
            uploads += [json.loads(line) for line in out.splitlines() if line.startswith("{")]
            if w.returncode:
                print(f"an uploader failed with exit code {w.returncode}")
        upload_end = max((u["at"] for u in uploads), default=time.time())
        time.sleep(3)  # page runs after the uploads
        viewer.stop.set()
        viewer.join(timeout=120)
        problems = verify(url, uploads)
    finally:
        if viewer is not None:
            viewer.stop.set()
        for p in workers + servers:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(p.pid, signal.SIGTERM) if p in servers else p.kill()
        for p in servers:
            with contextlib.suppress(subprocess.TimeoutExpired):
                p.wait(timeout=20)
        if not args.keep:
            admin.cursor().execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        admin.close()

    seconds = [u["seconds"] for u in uploads]
    during = [s for at, _, s, _ in viewer.runs if upload_start <= at <= upload_end]
    idle = [s for at, _, s, _ in viewer.runs if not upload_start <= at <= upload_end]
    errors = [(b, p) for _, b, _, p in viewer.runs if p]
    wall = upload_end - upload_start
    print(
        f"{len(uploads)} uploads by {N_AGENCIES} processes in {wall:.1f} s: "
        f"{len(uploads) / wall:.1f} uploads/s"
    )
    print(
        f"upload time: p50 {pct(seconds, 50):.3f} s, p95 {pct(seconds, 95):.3f} s, max {max(seconds):.3f} s"
    )
    print(
        f"page runs ({viewer.mode}, {N_SERVERS} servers) while uploading: {len(during)}, "
        f"p50 {pct(during, 50):.2f} s, p95 {pct(during, 95):.2f} s; "
        f"otherwise: {len(idle)}, p50 {pct(idle, 50):.2f} s"
    )
    print(f"server errors: {len(errors)}" + "".join(f"\n  {b}: {p}" for b, p in errors[:10]))
    print("stored exactly once per revision, every upload recorded: " + ("yes" if not problems else "NO"))
    for p in problems:
        print(f"  {p}")
    return 0 if not problems and not errors and len(uploads) == N_AGENCIES * N_QUARTERS else 1


if __name__ == "__main__":
    sys.exit(main())
