"""How long does one as-of status of every figure take at a realistic worst-case size?

500 indicators x 20 agencies x 40 quarters (400,000 stored values, plus 10 % revisions).
Baseline, measured in the same run (alternating with ours, medians of 5): the engine's own floor,
a plain DuckDB ``GROUP BY … arg_max(value, revision)`` over the same rows stored in a DuckDB
table, into a DataFrame (the latest revision of every key up to the quarter). Goal:
``figures(as_of)`` ≤ 2× that; the other lines are for information. A pandas sort + groupby-last
over the same frame is printed too (the earlier baseline). For information as well: four threads
asking for the same ``figures(as_of)`` of one new frame at once (four leaders opening the
overview after an upload), against one thread: the engine works a view out once and the others
wait for it (``progress.observations.derived``), instead of four runs sharing one interpreter lock.
Run: ``.venv/bin/python benchmarks/bench_progress.py``.
"""

from __future__ import annotations

import statistics
import sys
import threading
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from metrics.plan import periods
from metrics.plan.registry import Registry, parse_registry
from metrics.progress.figures import figures, late_reports

N_INDICATORS, N_AGENCIES, N_QUARTERS, N_MEASURES = 500, 20, 40, 15
FIRST = "2016Q1"


def synthetic_registry() -> Registry:
    """A valid registry of the benchmark's size (names carry Chinese text as required)."""
    agencies = [
        {"id": f"ag{a:02d}", "name_zh": f"部门{a:02d}", "name_en": f"Agency {a:02d}"}
        for a in range(N_AGENCIES)
    ]
    measures = [
        {
            "id": 21 + m,
            "section": 5 + m % 4,
            "title_zh": f"措施{m}",
            "title_en": f"Measure {m}",
            "responsibilities": [
                {"lead": [f"ag{m % N_AGENCIES:02d}"], "shared": [f"ag{(m + 1) % N_AGENCIES:02d}"]}
            ],
        }
        for m in range(N_MEASURES)
    ]
    indicators = []
    for i in range(N_INDICATORS):
        milestone = i % 5 == 0
        indicators.append(
            {
                "id": f"ind{i:03d}",
                "measure": 21 + i % N_MEASURES,
                "kind": "milestone" if milestone else "kpi",
                "name_zh": f"指标{i:03d}",
                "name_en": f"Indicator {i:03d}",
                "unit": "%",
                "unit_en": "%",
                "direction": "at_least" if milestone or i % 2 else "at_most",
                "target": 100 if milestone else 80,
                "deadline": "2025-12-31",
                "owner": f"ag{i % N_AGENCIES:02d}",
            }
        )
    return parse_registry(
        {
            "plan": {
                "id": "bench",
                "title_zh": "基准",
                "title_en": "Bench",
                "start": "2016-01-01",
                "end": "2025-12-31",
            },
            "agencies": agencies,
            "sections": [{"id": s, "title_zh": f"部分{s}", "title_en": f"Section {s}"} for s in range(5, 9)],
            "measures": measures,
            "indicators": indicators,
        }
    )


def synthetic_observations(seed: int = 1) -> pd.DataFrame:
    """Every agency reports every indicator every quarter; 10 % of values are revised once."""
    rng = np.random.default_rng(seed)
    ind, ag, q = np.meshgrid(
        np.arange(N_INDICATORS), np.arange(N_AGENCIES), np.arange(N_QUARTERS), indexing="ij"
    )
    ind, ag, q = ind.ravel(), ag.ravel(), q.ravel()
    value = np.clip(20 + 1.5 * q + rng.normal(0, 3, q.size), 0, 100)
    rev = rng.random(q.size) < 0.1
    ind, ag, q = np.r_[ind, ind[rev]], np.r_[ag, ag[rev]], np.r_[q, q[rev]]
    value = np.r_[value, value[rev] + 1]
    revision = np.r_[np.ones(rev.size, int), np.full(rev.sum(), 2)]
    first = periods.index(FIRST)
    labels = np.array([periods.from_index(first + k) for k in range(N_QUARTERS)], dtype=object)
    recorded = pd.Timestamp("2016-04-01") + pd.to_timedelta(q * 91 + revision * 7, unit="D")
    return pd.DataFrame(
        {
            "indicator_id": pd.Series(np.char.add("ind", np.char.zfill(ind.astype(str), 3)), dtype="string"),
            "agency_id": pd.Series(np.char.add("ag", np.char.zfill(ag.astype(str), 2)), dtype="string"),
            "period": pd.Series(labels[q], dtype="string"),
            "value": value,
            "note": pd.Series([None] * q.size, dtype="string"),
            "revision": revision,
            "upload_id": 1,
            "recorded_at": recorded,
            "uploaded_by": "bench",
            "file_name": "bench.xlsx",
        }
    )


def median_of(fn, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


GOAL = 2.0  # figures(as_of) <= 2x DuckDB's GROUP BY arg_max over the same rows
LATEST_SQL = """
    SELECT indicator_id, agency_id, period, arg_max(value, revision) AS value, max(revision) AS revision
    FROM obs WHERE period <= ? GROUP BY indicator_id, agency_id, period
"""


def main() -> None:
    registry, obs = synthetic_registry(), synthetic_observations()
    as_of = periods.from_index(periods.index(FIRST) + N_QUARTERS - 1)
    con = duckdb.connect()
    con.execute("CREATE TABLE obs AS SELECT * FROM obs")  # the same rows, stored in DuckDB
    runs: dict[str, list[float]] = {"baseline": [], "figures": [], "known": [], "late": [], "pandas": []}
    # The engine works out its codes and views once per frame object (progress.observations.derived,
    # for a page run's several views of one cached frame); each timed call gets a frame object of
    # its own (a shallow copy, made before the clock starts), so every figure here is the cold one.
    frame = [obs]
    calls = {
        "baseline": lambda: con.execute(LATEST_SQL, [as_of]).df(),
        "figures": lambda: figures(registry, frame[0], as_of),
        "known": lambda: figures(registry, frame[0], as_of, known_at=pd.Timestamp("2024-01-01")),
        "late": lambda: late_reports(registry, frame[0], as_of),
        "pandas": lambda: obs.sort_values("revision").groupby(["indicator_id", "agency_id", "period"]).last(),
    }
    for _ in range(5):  # alternate, so that a busy moment of the machine hits every one alike
        for name, call in calls.items():
            frame[0] = obs.copy(deep=False)
            runs[name].append(median_of(call, 1))
    med = {name: statistics.median(times) for name, times in runs.items()}
    base = med["baseline"]
    n = len(figures(registry, obs, as_of))
    print(f"{len(obs):,} stored values, {n:,} figures, as of {as_of}; medians of 5 alternating runs")
    print(f"baseline: DuckDB GROUP BY arg_max     {base * 1000:8.1f} ms")
    pandas = med["pandas"]
    print(f"(pandas sort + groupby-last           {pandas * 1000:8.1f} ms, {pandas / base:.2f}x baseline)")
    ratio = med["figures"] / base
    print(
        f"figures(as_of)                        {med['figures'] * 1000:8.1f} ms  ({ratio:.2f}x baseline)"
        f"   goal <= {GOAL:.0f}x   {'PASS' if ratio <= GOAL else 'MISS'}"
    )
    for label, name in (("figures(as_of, known_at)", "known"), ("late_reports(as_of)", "late")):
        print(f"{label:<37} {med[name] * 1000:8.1f} ms  ({med[name] / base:.2f}x baseline)")
    one, four = at_once(registry, obs, as_of, 1), at_once(registry, obs, as_of, 4)
    print(
        f"figures(as_of), 4 threads at once      {four * 1000:8.1f} ms  ({four / one:.2f}x one thread's"
        f" {one * 1000:.1f} ms; worked out once, the others wait)"
    )


def at_once(registry: Registry, obs: pd.DataFrame, as_of: str, threads: int) -> float:
    """Median of 5: seconds until ``threads`` threads asking at once for ``figures(as_of)`` of one
    new frame object all have it."""
    times = []
    for _ in range(5):
        frame = obs.copy(deep=False)
        workers = [threading.Thread(target=figures, args=(registry, frame, as_of)) for _ in range(threads)]
        start = time.perf_counter()
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


if __name__ == "__main__":
    main()
