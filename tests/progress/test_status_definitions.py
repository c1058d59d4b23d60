"""The status definitions a leader relies on: a fixed baseline, "as known then", agencies' parts
of a count, missing figures in roll-ups. Each case is the issue's own, with its numbers."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest

from metrics.errors import RegistryError
from metrics.ingest.batch import ingest_file
from metrics.plan.registry import parse_registry
from metrics.progress.figures import cagr_ratio, figures, late_reports, linear_ratio
from metrics.progress.observations import parse_known_at
from metrics.progress.rollups import agency_parts, agency_rollup, changes, measure_rollup, section_rollup
from metrics.store.database import Store
from metrics.store.transfer import copy_store
from tests.cli.test_report import FakeStore, cli_args
from tests.progress.test_figures import indicator, make_obs, make_registry, one

REPO = Path(__file__).resolve().parents[2]
TODAY = dt.date(2025, 11, 15)
OLDER = (
    b"indicator_id,period,agency_id,value,note\n"
    b"verification_points,2022Q1,samr,5,\nintl_std_adoption_rate,2022Q1,samr,60,\n"
)


def demo_figures(registry, db: Path, extra: bytes | None = None) -> pd.DataFrame:
    store = Store.open(db)
    try:
        if extra is not None:
            ingest_file(store, registry, extra, "older.csv", uploaded_by="t", source="test", today=TODAY)
        return figures(registry, store.observations(), "2025Q4")
    finally:
        store.close()


# ---------------------------------------------------------------- 1. a fixed baseline


def test_older_history_does_not_move_the_demo_baseline(registry, demo_db, tmp_path):
    before = demo_figures(registry, demo_db)
    copy = tmp_path / "copy.duckdb"
    source, target = Store.open(demo_db, read_only=True), Store.open(copy)
    copy_store(source, target)
    source.close(), target.close()
    after = demo_figures(registry, copy, OLDER)
    for f in (before, after):
        vp, rate = one(f, "verification_points"), one(f, "intl_std_adoption_rate")
        # baseline 12 points reported for 2023Q4, the quarter before the plan; 46 in 2025Q4, target 50:
        # CAGR_obs = (46/12)^(1/2) - 1 = 0.957890, CAGR_req = (50/12)^(1/2) - 1 = 1.041241, R = 0.919950
        assert (vp["baseline_period"], vp["baseline_value"], vp["baseline_source"]) == (
            "2023Q4",
            12.0,
            "pre_plan",
        )
        assert vp["cagr_ratio"] == pytest.approx(0.919950, abs=1e-6)
        assert vp["status"] == "acceleration_needed"
        assert vp["progress"] == pytest.approx(34 / 38)  # 89 %
        # adoption rate: 75 (2023Q4) -> 82 against 85: 7 of 10 = 70 %
        assert (rate["baseline_period"], rate["baseline_value"]) == ("2023Q4", 75.0)
        assert rate["progress"] == pytest.approx(0.70)
        assert vp["n_points"] == 9  # 2023Q4..2025Q4: the 2022Q1 row does not count
    # what "the earliest stored value is the baseline" made of the same rows (the numbers),
    # i.e. a baseline dated 2022Q1: 5 -> 46 over 3.75 years against 50 is R 0.952, "on track";
    # 60 -> 82 against 85 is 22 of 25 = 88 %
    old = make_registry(
        indicator("vp", unit="个", unit_en="points", target=50, baseline=5, baseline_period="2022Q1"),
        indicator("rate", target=85, baseline=60, baseline_period="2022Q1"),
    )
    f = figures(old, make_obs(("vp", "samr", "2025Q4", 46), ("rate", "samr", "2025Q4", 82)), "2025Q4")
    assert one(f, "vp")["cagr_ratio"] == pytest.approx(0.952, abs=5e-4)
    assert one(f, "vp")["status"] == "on_track"
    assert one(f, "rate")["progress"] == pytest.approx(0.88)


def test_baseline_rule_cases():
    reg = make_registry(indicator("a"))
    # the report for 2023Q4 (the quarter before the plan) is the baseline; 2023Q2 is ignored
    pre = one(
        figures(
            reg,
            make_obs(("a", "samr", "2023Q2", 40), ("a", "samr", "2023Q4", 50), ("a", "samr", "2024Q4", 60)),
            "2024Q4",
        ),
        "a",
    )
    assert (pre["baseline_period"], pre["baseline_value"], pre["baseline_source"], pre["n_points"]) == (
        "2023Q4",
        50.0,
        "pre_plan",
        2,
    )
    assert pre["progress"] == pytest.approx(0.25)  # 10 of 40
    # no 2023Q4 report: the first report after it (2024Q2); 2023Q2 still ignored
    first = one(
        figures(
            reg,
            make_obs(("a", "samr", "2023Q2", 40), ("a", "samr", "2024Q2", 50), ("a", "samr", "2024Q4", 60)),
            "2024Q4",
        ),
        "a",
    )
    assert (first["baseline_period"], first["baseline_value"], first["baseline_source"]) == (
        "2024Q2",
        50.0,
        "first_report",
    )
    # before the plan, only older reports exist: the latest one, one point
    early = one(
        figures(reg, make_obs(("a", "samr", "2023Q1", 30), ("a", "samr", "2023Q2", 40)), "2023Q3"), "a"
    )
    assert (early["baseline_period"], early["baseline_source"], early["n_points"]) == (
        "2023Q2",
        "latest_report",
        1,
    )
    # a registry baseline still wins, with or without older reports
    reg_b = make_registry(indicator("a", baseline=45))
    r = one(figures(reg_b, make_obs(("a", "samr", "2022Q1", 10), ("a", "samr", "2024Q4", 60)), "2024Q4"), "a")
    assert (r["baseline_period"], r["baseline_value"], r["baseline_source"], r["n_points"]) == (
        "2023Q4",
        45.0,
        "registry",
        2,
    )


# ---------------------------------------------------------------- 2. as known then


OBS_KNOWN = (
    ("a", "samr", "2024Q1", 60, 1, "2024-04-05"),
    ("a", "samr", "2024Q2", 66, 1, "2024-07-05"),
    ("a", "samr", "2024Q2", 64, 2, "2024-10-20"),  # revised after the 2024-10-15 briefing
)


def test_parse_known_at():
    assert parse_known_at("2024-10-15") == pd.Timestamp("2024-10-15 23:59:59.999999999")
    assert parse_known_at("2024-10-15T09:30") == pd.Timestamp("2024-10-15 09:30")
    assert parse_known_at("2024-10-15T09:30+08:00") == pd.Timestamp("2024-10-15 01:30")
    assert parse_known_at("soon") is None and parse_known_at("2024-13-01") is None


def test_status_late_and_changes_take_known_at(capsys):
    reg = make_registry(indicator("a"))
    world = (reg, FakeStore(make_obs(*OBS_KNOWN)))

    def status(*extra: str) -> dict:
        args = cli_args(["status", "--as-of", "2024Q2", "--json", *extra])
        assert args.handler(args, *world) == 0
        return next(r for r in json.loads(capsys.readouterr().out) if r["agency_id"] is None)

    now, then = status(), status("--known-at", "2024-10-15")
    assert (now["latest_value"], now["progress"]) == (64.0, pytest.approx(4 / 30))
    assert (then["latest_value"], then["progress"]) == (66.0, pytest.approx(0.2))  # (66 - 60) / 30
    args = cli_args(["status", "--as-of", "2024Q2", "--known-at", "2024-10-15"])
    assert args.handler(args, *world) == 0
    assert "Progress towards targets as of 2024 Q2 (as known at 2024-10-15)" in capsys.readouterr().out
    args = cli_args(["status", "--known-at", "yesterday"])
    assert args.handler(args, *world) == 2
    assert "--known-at: cannot read 'yesterday'" in capsys.readouterr().err
    # changes 2024Q1 -> 2024Q2: today the 2024Q2 value is 64 (revision 2); as known then, 66
    obs = make_obs(*OBS_KNOWN)
    assert changes(reg, obs, "2024Q1", "2024Q2")["new_values"]["value"].tolist() == [64.0]
    assert changes(reg, obs, "2024Q1", "2024Q2", "2024-10-15")["new_values"]["value"].tolist() == [66.0]
    # nothing recorded for 2024Q2 yet on 2024-07-01: SAMR is late for it
    assert late_reports(reg, obs, "2024Q2", "2024-07-01")["indicator_id"].tolist() == ["a"]
    assert late_reports(reg, obs, "2024Q2").empty


# ---------------------------------------------------------------- 3. agencies' parts of a count


def test_an_agency_count_is_its_part_of_the_national_figure(registry, demo_db):
    f = demo_figures(registry, demo_db)
    mara = one(f, "verification_points", "mara")
    # 7 of the national 46 in 2025Q4: 15 %, not "limited progress, reached 2041Q4" against >= 50
    assert (mara["status"], mara["latest_value"]) == ("contribution", 7.0)
    assert mara["contribution"] == pytest.approx(7 / 46)
    assert pd.isna(mara["progress"]) and pd.isna(mara["projected_attainment_period"]) and pd.isna(mara["gap"])
    # a rate is not additive: MOST's own adoption rate is still judged against the target
    assert one(f, "intl_std_adoption_rate", "most")["status"] == "deterioration"
    parts = agency_parts(registry, f)
    assert parts.to_dict("records") == [
        {
            "indicator_id": "verification_points",
            "period": "2025Q4",
            "national": 46.0,
            "n_agencies": 1,
            "agency_sum": 7.0,
            "unattributed": 39.0,
            "adds_up": False,
        }
    ]


def test_parts_that_add_up_and_parts_that_exceed():
    reg = make_registry(indicator("pts", unit="个", unit_en="points", target=50, additive=True))
    obs = make_obs(
        ("pts", "samr", "2024Q4", 30),
        ("pts", "miit", "2024Q4", 18),
        ("pts", "moe", "2024Q4", 12),
    )
    f = figures(reg, obs, "2024Q4")
    assert one(f, "pts", "miit")["contribution"] == pytest.approx(0.6)
    assert agency_parts(reg, f)[["agency_sum", "unattributed", "adds_up"]].values.tolist() == [
        [30.0, 0.0, True]
    ]
    f = figures(reg, make_obs(("pts", "samr", "2024Q4", 30), ("pts", "miit", "2024Q4", 40)), "2024Q4")
    assert agency_parts(reg, f)[["agency_sum", "unattributed", "adds_up"]].values.tolist() == [
        [40.0, -10.0, False]
    ]


def test_additive_is_validated():
    raw = {
        "plan": {
            "id": "p",
            "title_zh": "计划",
            "title_en": "Plan",
            "start": "2024-01-01",
            "end": "2025-12-31",
        },
        "agencies": [{"id": "samr", "name_zh": "市场监管总局", "name_en": "Market Regulation"}],
        "sections": [{"id": 5, "title_zh": "第五部分", "title_en": "Five"}],
        "measures": [
            {
                "id": 21,
                "section": 5,
                "title_zh": "措施",
                "title_en": "Measure",
                "responsibilities": [{"lead": ["samr"]}],
            }
        ],
        "indicators": [indicator("rate", additive=True)],
    }
    with pytest.raises(RegistryError) as info:
        parse_registry(raw)
    assert info.value.problems == [
        "indicators[0].additive: only a count adds up across agencies (a kpi not in %, got kpi in %)"
    ]


# ---------------------------------------------------------------- 4. missing data in roll-ups


def test_a_never_reported_figure_is_counted_and_missed_at_its_deadline():
    reg = make_registry(indicator("done", target=50), indicator("silent", target=50))
    obs = make_obs(("done", "samr", "2024Q1", 40), ("done", "samr", "2024Q4", 55))
    f = figures(reg, obs, "2024Q4")
    m = measure_rollup(reg, f).set_index("measure")
    # measure 21: one KPI achieved, one never reported: "achieved" at 100 % says only half
    assert m.loc[21, ["worst_status", "mean_progress", "n_kpi", "missing"]].tolist() == [
        "achieved",
        1.0,
        2,
        1,
    ]
    assert section_rollup(reg, f).set_index("section").loc[5, "missing"] == 1
    roll = agency_rollup(reg, f, late_reports(reg, obs, "2024Q4")).set_index(["agency_id", "role"])
    assert roll.loc[("samr", "lead"), ["missing", "own_figures", "own_missing"]].tolist() == [1, 2, 1]
    assert roll.loc[("miit", "shared"), "missing"] == 1
    # after the deadline (2025Q4) the figure nobody reported is missed, and still counted as missing
    later = figures(reg, obs, "2026Q1")
    assert one(later, "silent")["status"] == "missed"
    m = measure_rollup(reg, later).set_index("measure")
    assert m.loc[21, ["worst_status", "kpi_missed", "missing"]].tolist() == ["missed", 1, 1]


# ---------------------------------------------------------------- 5. what the docs now say


def test_near_zero_baseline_and_single_point_as_documented():
    # baseline 0.5 -> 5 after one year, target 50 one year later: compound growth says on track
    # (CAGR_obs = 9.0 = CAGR_req = 100^(1/2) - 1); the straight line says 4.5 a year of 24.75 needed
    assert cagr_ratio(0.5, 5, 50, 1, 1, "at_least") == pytest.approx(1.0)
    assert linear_ratio(0.5, 5, 50, 1, 1, "at_least") == pytest.approx(4.5 / 24.75)
    # one report: it is the baseline and the latest value, progress 0 %, status insufficient data
    reg = make_registry(indicator("a"))
    r = one(figures(reg, make_obs(("a", "samr", "2024Q2", 50)), "2024Q3"), "a")
    assert (r["progress"], r["status"], r["baseline_source"]) == (0.0, "insufficient_data", "first_report")


def test_where_the_ratio_differs_from_sdg_builds_signed_division():
    # "at least 90", baseline 95, latest 85 a year on, deadline a year later. sdg-build divides by
    # the signed required rate: (85/95 - 1) / ((90/95)^(1/2) - 1) = +3.946657 ("on track");
    # |CAGR_req| and the direction factor make it -3.946657 here: deterioration
    signed = (85 / 95 - 1) / ((90 / 95) ** 0.5 - 1)
    assert signed == pytest.approx(3.946657, abs=1e-6)
    assert cagr_ratio(95, 85, 90, 1, 1, "at_least") == pytest.approx(-signed)
    # all-negative values the usual way round: the same R as the signed division (0.731238)
    assert cagr_ratio(-10, -5, -1, 1, 1, "at_least") == pytest.approx((0.5 - 1) / (0.1**0.5 - 1))
