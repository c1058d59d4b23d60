"""Ingest speed: 500 indicators × 20 agencies × 20 quarters = 200,000 rows.

Baseline, measured in the same run on the same file: DuckDB's own ``read_csv`` into a table.
Goal: our full ingest (decode, validate every row, classify against the store, commit) ≤ 3×, with
margin: ≤ 2.5× as the median of 5 runs, each alternating with a baseline run (so that a busy moment
of the machine hits both alike). Two comparisons are printed: whole processes (``python -m metrics
ingest`` against a Python process that only runs DuckDB's ``read_csv``; the goal) and in-process
(the ingest function against ``read_csv`` on an open connection, without interpreter and import
start-up; for information).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # the synthetic registry the page tests use too

from synthetic import write_wide_plan  # noqa: E402

from metrics.ingest.batch import ingest_file  # noqa: E402
from metrics.plan import periods  # noqa: E402
from metrics.plan.registry import load_registry  # noqa: E402
from metrics.store.database import Store  # noqa: E402

N_IND, N_AG, QUARTERS = 500, 20, periods.span("2022Q1", "2026Q4")
GOAL = 2.5  # median ratio; the hard limit is 3x
RUNS = 5  # each process is timed this many times (each into a new database), alternating; the median counts


def make_registry(path: Path) -> None:
    write_wide_plan(path, N_IND, N_AG, digits=3)


def make_csv(path: Path) -> int:
    rng = np.random.default_rng(7)
    ind = np.repeat([f"ind{i:03d}" for i in range(N_IND)], N_AG * len(QUARTERS))
    ag = np.tile(np.repeat([f"ag{i:02d}" for i in range(N_AG)], len(QUARTERS)), N_IND)
    per = np.tile(QUARTERS, N_IND * N_AG)
    val = np.round(rng.uniform(0, 100, len(ind)), 2)
    lines = ["indicator_id,period,agency_id,value,note"]
    lines += [f"{a},{b},{c},{d},note" for a, b, c, d in zip(ind, per, ag, val, strict=True)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(ind)


def timed(fn, *args, **kwargs) -> float:
    start = time.perf_counter()
    fn(*args, **kwargs)
    return time.perf_counter() - start


def run(cmd: list[str]) -> None:
    subprocess.run(cmd, check=True, cwd=ROOT, capture_output=True)


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="bench_ingest_"))
    targets, csv_path = tmp / "targets.yaml", tmp / "rows.csv"
    make_registry(targets)
    n = make_csv(csv_path)
    py = sys.executable
    baseline_code = (
        "import duckdb,sys; con=duckdb.connect(sys.argv[1]);"
        'con.execute("CREATE TABLE t AS SELECT * FROM read_csv(?, header=true)", [sys.argv[2]]); con.close()'
    )
    base_runs, ours_runs = [], []
    for k in range(RUNS):  # alternate, so that a busy moment of the machine hits both alike
        base_runs.append(timed(run, [py, "-c", baseline_code, str(tmp / f"base{k}.duckdb"), str(csv_path)]))
        ours = ["-m", "metrics", "ingest", str(csv_path), "--db", str(tmp / f"ours{k}.duckdb")]
        ours_runs.append(timed(run, [py, *ours, "--targets", str(targets)]))
    base_proc, ours_proc = statistics.median(base_runs), statistics.median(ours_runs)

    import duckdb

    registry = load_registry(targets)
    data = csv_path.read_bytes()
    base_in_runs, ours_in_runs = [], []
    for k in range(RUNS):
        con = duckdb.connect(str(tmp / f"base_in{k}.duckdb"))
        base_in_runs.append(
            timed(con.execute, "CREATE TABLE t AS SELECT * FROM read_csv(?, header=true)", [str(csv_path)])
        )
        con.close()
        store = Store(tmp / f"ours_in{k}.duckdb")
        ours_in_runs.append(
            timed(ingest_file, store, registry, data, "rows.csv", uploaded_by="bench", source="cli")
        )
        assert store.counts()["observations"] == n
        store.close()
    base_in, ours_in = statistics.median(base_in_runs), statistics.median(ours_in_runs)
    pair = statistics.median(o / b for o, b in zip(ours_runs, base_runs, strict=True))

    print(f"rows: {n:,}; median of {RUNS} runs each, alternating")
    ratio = ours_proc / base_proc
    print(
        f"process    duckdb read_csv {base_proc:6.2f} s   ours (python -m metrics ingest) {ours_proc:6.2f} s"
        f"   ratio {ratio:4.2f}x (median of pairs {pair:4.2f}x)   goal <= {GOAL}x"
        f"   {'PASS' if ratio <= GOAL else 'MISS'}"
    )
    print(
        f"in-process duckdb read_csv {base_in:6.2f} s   ours (ingest_file)              {ours_in:6.2f} s"
        f"   ratio {ours_in / base_in:4.2f}x"
    )


if __name__ == "__main__":
    main()
