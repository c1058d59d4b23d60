"""Gap-to-target engine: hand-computed worked examples, edge cases and properties.

Every expected number below is worked out by hand in the comment next to it, from the
rules in docs/methodology.md; none is copied from the engine's output.
"""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from metrics.plan.registry import Registry, parse_registry
from metrics.progress.figures import (
    FIGURE_COLUMNS,
    STATUSES,
    cagr_ratio,
    figures,
    late_reports,
    latest_period_with_data,
    linear_ratio,
    status_from_ratio,
    status_records,
    worst_status,
)

OBS_COLUMNS = [
    "indicator_id",
    "agency_id",
    "period",
    "value",
    "note",
    "revision",
    "upload_id",
    "recorded_at",
    "uploaded_by",
    "file_name",
]


def indicator(id_: str, **kw) -> dict:
    base = {
        "id": id_,
        "measure": 21,
        "kind": "kpi",
        "name_zh": f"指标{id_}",
        "name_en": f"Indicator {id_}",
        "unit": "%",
        "unit_en": "%",
        "direction": "at_least",
        "target": 90,
        "deadline": "2025-12-31",
        "owner": "samr",
    }
    return base | kw


def make_registry(*indicators: dict) -> Registry:
    """Three agencies, two sections, three measures; plan 2024Q1-2025Q4."""
    return parse_registry(
        {
            "plan": {
                "id": "p",
                "title_zh": "计划",
                "title_en": "Plan",
                "start": "2024-01-01",
                "end": "2025-12-31",
            },
            "agencies": [
                {"id": "samr", "name_zh": "市场监管总局", "name_en": "Market Regulation", "short_en": "SAMR"},
                {"id": "miit", "name_zh": "工业和信息化部", "name_en": "Industry and IT", "short_en": "MIIT"},
                {"id": "moe", "name_zh": "教育部", "name_en": "Education", "short_en": "MOE"},
            ],
            "sections": [
                {"id": 5, "title_zh": "第五部分", "title_en": "Section five"},
                {"id": 6, "title_zh": "第六部分", "title_en": "Section six"},
            ],
            "measures": [
                {
                    "id": 21,
                    "section": 5,
                    "title_zh": "措施二十一",
                    "title_en": "Measure 21",
                    "responsibilities": [{"lead": ["samr"], "shared": ["miit"]}],
                },
                {
                    "id": 22,
                    "section": 5,
                    "title_zh": "措施二十二",
                    "title_en": "Measure 22",
                    "responsibilities": [{"lead": ["moe"], "shared": ["samr"]}],
                },
                {
                    "id": 23,
                    "section": 6,
                    "title_zh": "措施二十三",
                    "title_en": "Measure 23",
                    "responsibilities": [{"lead": ["miit"]}],
                },
            ],
            "indicators": list(indicators) or [indicator("a")],
        }
    )


def make_obs(*rows) -> pd.DataFrame:
    """rows: (indicator, agency, period, value[, revision[, recorded_at[, note]]]).

    Without recorded_at, revision r of period YYYYQn is recorded r days after the quarter ends.
    """
    out = []
    for row in rows:
        ind, agency, period, value = row[:4]
        revision = row[4] if len(row) > 4 else 1
        if len(row) > 5 and row[5] is not None:
            recorded = pd.Timestamp(row[5])
        else:
            end = pd.Period(period.replace("Q", "-Q"), freq="Q").end_time.normalize()
            recorded = end + pd.Timedelta(days=revision)
        note = row[6] if len(row) > 6 else None
        out.append((ind, agency, period, float(value), note, revision, 1, recorded, "tester", "q.csv"))
    return pd.DataFrame(out, columns=OBS_COLUMNS).astype(
        {"indicator_id": "string", "agency_id": "string", "period": "string", "note": "string"}
    )


def one(df: pd.DataFrame, indicator_id: str, agency_id: str | None = None) -> pd.Series:
    """The figure row of an indicator (national when agency_id is None)."""
    mask = df["indicator_id"] == indicator_id
    mask &= df["agency_id"].isna() if agency_id is None else (df["agency_id"] == agency_id).fillna(False)
    assert mask.sum() == 1
    return df[mask].iloc[0]


# ---------------------------------------------------------------- the pure CAGR rule


def test_sdg_build_fixture_lower_is_better():
    # sdg-build: 1.55 in 2015, 1.82 in 2019, lower is better, target 0 (-> 0.001) in 2030.
    # CAGR_obs = (1.82/1.55)^(1/4) - 1 = 0.040962;  CAGR_req = (0.001/1.55)^(1/15) - 1 = -0.387211
    # R = -1 * 0.040962 / 0.387211 = -0.105788 -> deterioration
    r = cagr_ratio(1.55, 1.82, 0, 4, 11, "at_most")
    assert r == pytest.approx(-0.105788, abs=1e-6)
    assert status_from_ratio(r) == "deterioration"


def test_cagr_higher_is_better_by_hand():
    # 60 -> 70 in 0.75 years, target 90 one year later: CAGR_obs = (70/60)^(1/0.75) - 1 = 0.228181,
    # CAGR_req = (90/60)^(1/1.75) - 1 = 0.260734, R = 0.875148 -> acceleration needed
    r = cagr_ratio(60, 70, 90, 0.75, 1.0, "at_least")
    assert r == pytest.approx(0.875148, abs=1e-6)
    assert status_from_ratio(r) == "acceleration_needed"


def test_cagr_negative_values_and_sign_changes():
    # all negative, higher is better: -10 -> -5 in 1 year, target -1 in 2 years.
    # CAGR_obs = 0.5 - 1 = -0.5, CAGR_req = 0.1^(1/2) - 1 = -0.683772; sign(baseline) = -1
    # R = -1 * +1 * -0.5 / 0.683772 = 0.731238
    assert cagr_ratio(-10, -5, -1, 1, 1, "at_least") == pytest.approx(0.731238, abs=1e-6)
    # a change of sign has no compound growth rate; the linear ratio answers instead
    assert math.isnan(cagr_ratio(-5, 1, 5, 1, 1, "at_least"))
    # linear: +6 per year observed, +10 over 2 years = 5 per year required -> 1.2
    assert linear_ratio(-5, 1, 5, 1, 1, "at_least") == pytest.approx(1.2)


def test_cagr_vectorised_matches_scalars():
    got = cagr_ratio([1.55, 60], [1.82, 70], [0, 90], [4, 0.75], [11, 1.0], ["at_most", "at_least"])
    assert got == pytest.approx([-0.105788, 0.875148], abs=1e-6)


@pytest.mark.parametrize(
    ("ratio", "expected"),
    [
        (0.95, "on_track"),
        (0.9499, "acceleration_needed"),
        (0.6, "acceleration_needed"),
        (0.5999, "limited_progress"),
        (0.0, "limited_progress"),
        (-0.0001, "deterioration"),
        (float("nan"), "insufficient_data"),
    ],
)
def test_thresholds(ratio, expected):
    assert status_from_ratio(ratio) == expected


def test_status_precedence():
    assert status_from_ratio(-3.0, met=True) == "achieved"
    assert status_from_ratio(2.0, missed=True) == "missed"
    assert status_from_ratio(2.0, met=True, missed=True) == "achieved"
    assert status_from_ratio(2.0, n_points=1) == "insufficient_data"
    assert status_from_ratio(2.0, n_points=0) == "no_data"


def test_statuses_order_and_worst():
    assert STATUSES == (
        "achieved",
        "on_track",
        "acceleration_needed",
        "limited_progress",
        "deterioration",
        "missed",
        "insufficient_data",
        "no_data",
    )
    # a missing report does not hide an assessed problem
    assert worst_status(["no_data", "limited_progress", "on_track"]) == "limited_progress"
    assert worst_status(["missed", "deterioration", "insufficient_data"]) == "missed"
    assert worst_status(["no_data", "insufficient_data"]) == "insufficient_data"
    assert worst_status([]) == "no_data"


# ---------------------------------------------------------------- figures: worked examples


def test_higher_is_better_worked_example():
    reg = make_registry(indicator("rate"))
    obs = make_obs(
        ("rate", "samr", "2024Q1", 60),
        ("rate", "samr", "2024Q2", 63),
        ("rate", "samr", "2024Q3", 66),
        ("rate", "samr", "2024Q4", 69),
        ("rate", "samr", "2024Q4", 70, 2, None, "corrected"),
    )
    f = figures(reg, obs, "2024Q4")
    assert list(f.columns) == list(FIGURE_COLUMNS)
    r = one(f, "rate")
    assert (r["figure"], r["latest_period"], r["latest_value"], r["latest_note"]) == (
        "national",
        "2024Q4",
        70.0,
        "corrected",
    )
    assert (r["baseline_period"], r["baseline_value"], r["n_points"]) == ("2024Q1", 60.0, 4)
    assert r["gap"] == pytest.approx(20.0)  # 90 - 70
    assert r["progress"] == pytest.approx(1 / 3)  # (70 - 60) / (90 - 60)
    # straight line 2024Q1 -> 2025Q4 is 7 quarters; 3 have passed: 60 + 30 * 3/7
    assert r["expected_progress"] == pytest.approx(3 / 7)
    assert r["expected_value"] == pytest.approx(72.857143, abs=1e-6)
    assert r["cagr_ratio"] == pytest.approx(0.875148, abs=1e-6)
    assert r["status"] == "acceleration_needed"
    assert r["required_pace"] == pytest.approx(5.0)  # 20 to go in 4 quarters
    assert r["observed_pace"] == pytest.approx(10 / 3)  # 60 -> 70 over the last 3 quarters
    assert r["pace_ratio"] == pytest.approx(1.5)
    # least squares on x = -3..0, y = 60, 63, 66, 70: slope 16.5/5 = 3.3, mean (-1.5, 64.75)
    # at the deadline (x = 4): 64.75 + 3.3 * 5.5 = 82.9; crosses 90 at x = 6.15 -> 7 quarters on
    assert r["projected_value"] == pytest.approx(82.9)
    assert r["projected_attainment_period"] == "2026Q3"


def test_lower_is_better_worked_example():
    reg = make_registry(indicator("cycle", unit="月", unit_en="months", direction="at_most", target=18))
    obs = make_obs(("cycle", "samr", "2024Q1", 24), ("cycle", "samr", "2024Q4", 23))
    r = one(figures(reg, obs, "2024Q4"), "cycle")
    # CAGR_obs = (23/24)^(1/0.75) - 1 = -0.055166; CAGR_req = (18/24)^(1/1.75) - 1 = -0.151589
    # R = -1 * -0.055166 / 0.151589 = 0.363920 -> limited progress
    assert r["cagr_ratio"] == pytest.approx(0.363920, abs=1e-6)
    assert r["status"] == "limited_progress"
    assert r["gap"] == pytest.approx(5.0)
    assert r["progress"] == pytest.approx(1 / 6)  # 1 of the 6 months to cut
    assert r["expected_value"] == pytest.approx(24 - 6 * 3 / 7)
    assert r["required_pace"] == pytest.approx(-1.25)  # -5 in 4 quarters
    assert r["observed_pace"] == pytest.approx(-1 / 3)
    assert r["pace_ratio"] == pytest.approx(3.75)
    # two points: slope -1/3 per quarter; 23 - 4/3 at the deadline; 18 is 15 quarters on
    assert r["projected_value"] == pytest.approx(23 - 4 / 3)
    assert r["projected_attainment_period"] == "2028Q3"


def test_lower_is_better_on_track():
    reg = make_registry(indicator("cycle", direction="at_most", target=18))
    obs = make_obs(("cycle", "samr", "2024Q1", 30), ("cycle", "samr", "2024Q3", 24))
    r = one(figures(reg, obs, "2024Q3"), "cycle")
    # CAGR_obs = 0.8^2 - 1 = -0.36; CAGR_req = 0.6^(1/1.75) - 1 = -0.253157; R = 1.422042
    assert r["cagr_ratio"] == pytest.approx(1.422042, abs=1e-6)
    assert r["status"] == "on_track"


def test_milestone_uses_straight_line_rates():
    reg = make_registry(indicator("ms", kind="milestone", target=100, owner="moe", measure=22))
    obs = make_obs(("ms", "moe", "2024Q1", 0), ("ms", "moe", "2024Q4", 40))
    r = one(figures(reg, obs, "2024Q4"), "ms")
    # observed 40 / 0.75 = 53.33 per year, required 100 / 1.75 = 57.14 per year -> 0.933333
    assert r["cagr_ratio"] == pytest.approx(0.933333, abs=1e-6)
    assert r["status"] == "acceleration_needed"


def test_zero_baseline_kpi_uses_straight_line_rates():
    reg = make_registry(indicator("points", unit="个", unit_en="points", target=50))
    obs = make_obs(("points", "samr", "2024Q1", 0), ("points", "samr", "2024Q2", 5))
    r = one(figures(reg, obs, "2024Q2"), "points")
    # CAGR from 0.001 would say on track; straight line: 5 / 0.25 = 20 per year vs 50 / 1.75 = 28.57
    assert r["cagr_ratio"] == pytest.approx(0.7)
    assert r["status"] == "acceleration_needed"


def test_zero_target_lower_is_better():
    reg = make_registry(indicator("defects", unit="个", unit_en="defects", direction="at_most", target=0))
    obs = make_obs(("defects", "samr", "2024Q1", 2), ("defects", "samr", "2024Q3", 1))
    r = one(figures(reg, obs, "2024Q3"), "defects")
    # CAGR_obs = 0.5^2 - 1 = -0.75; CAGR_req = (0.001/2)^(1/1.75) - 1 = -0.987007; R = 0.759873
    assert r["cagr_ratio"] == pytest.approx(0.759873, abs=1e-6)
    assert r["status"] == "acceleration_needed"
    # reaching zero meets an at_most 0 target
    obs0 = make_obs(("defects", "samr", "2024Q1", 2), ("defects", "samr", "2024Q3", 0))
    r0 = one(figures(reg, obs0, "2024Q3"), "defects")
    assert (r0["status"], r0["gap"], r0["progress"]) == ("achieved", 0.0, 1.0)


# ---------------------------------------------------------------- edge cases


def test_no_data_rows_exist_for_every_national_figure():
    reg = make_registry(indicator("a"), indicator("b", baseline=40, baseline_period="2023Q4"))
    f = figures(reg, make_obs(("a", "miit", "2024Q1", 50)), "2024Q2")
    a, b = one(f, "a"), one(f, "b")
    assert a["status"] == "no_data" and pd.isna(a["latest_value"]) and a["n_points"] == 0
    # the registry baseline still gives the expected value: 40 + 50 * 2/8
    assert b["status"] == "no_data"
    assert (b["baseline_period"], b["baseline_value"]) == ("2023Q4", 40.0)
    assert b["expected_value"] == pytest.approx(52.5)
    assert one(f, "a", "miit")["status"] == "insufficient_data"
    assert len(f) == 3


def test_one_point():
    reg = make_registry(indicator("a"))
    r = one(figures(reg, make_obs(("a", "samr", "2024Q2", 50)), "2024Q3"), "a")
    assert r["status"] == "insufficient_data"
    assert math.isnan(r["cagr_ratio"]) and math.isnan(r["projected_value"])
    assert pd.isna(r["projected_attainment_period"])
    assert r["gap"] == pytest.approx(40.0)
    assert r["required_pace"] == pytest.approx(40 / 5)  # 2024Q3 -> 2025Q4: 5 quarters
    met = one(figures(reg, make_obs(("a", "samr", "2024Q2", 95)), "2024Q3"), "a")
    assert met["status"] == "achieved"


def test_target_met_at_baseline():
    reg = make_registry(indicator("a"))
    kept = one(
        figures(reg, make_obs(("a", "samr", "2024Q1", 95), ("a", "samr", "2024Q2", 96)), "2024Q2"), "a"
    )
    assert (kept["status"], kept["gap"], kept["progress"], kept["required_pace"]) == (
        "achieved",
        0.0,
        1.0,
        0.0,
    )
    assert math.isnan(kept["pace_ratio"])
    assert kept["projected_attainment_period"] == "2024Q2"  # already reached: its latest period
    lost = one(
        figures(reg, make_obs(("a", "samr", "2024Q1", 95), ("a", "samr", "2024Q4", 85)), "2024Q4"), "a"
    )
    # no distance to cover, so no share; CAGR_obs = (85/95)^(1/0.75) - 1 < 0 -> deterioration
    assert lost["status"] == "deterioration"
    assert lost["gap"] == pytest.approx(5.0)
    assert math.isnan(lost["progress"])
    assert lost["cagr_ratio"] == pytest.approx(-4.530374, abs=1e-6)


def test_after_the_deadline():
    reg = make_registry(indicator("a"), indicator("b"), indicator("c"))
    obs = make_obs(
        ("a", "samr", "2024Q1", 60),
        ("a", "samr", "2025Q4", 80),
        ("b", "samr", "2024Q1", 60),
        ("b", "samr", "2025Q3", 91),
    )
    f = figures(reg, obs, "2026Q1")
    assert one(f, "a")["status"] == "missed"
    assert one(f, "b")["status"] == "achieved"
    assert one(f, "c")["status"] == "missed"  # never reported: no data at the deadline is missed
    assert math.isnan(one(f, "a")["required_pace"])  # no quarter left
    assert one(f, "a")["expected_value"] == pytest.approx(90.0)  # the line has reached the target
    # in the deadline quarter itself the target can still be met
    assert one(figures(reg, obs, "2025Q4"), "a")["status"] != "missed"


def test_later_periods_and_revisions_after_as_of():
    reg = make_registry(indicator("a"))
    obs = make_obs(
        ("a", "samr", "2024Q1", 60),
        ("a", "samr", "2024Q2", 66, 1, "2024-07-05"),
        ("a", "samr", "2024Q2", 64, 2, "2024-10-20"),
        ("a", "samr", "2024Q3", 95, 1, "2024-10-10"),
    )
    # periods after as_of never count; revisions of earlier periods do (without known_at)
    r = one(figures(reg, obs, "2024Q2"), "a")
    assert (r["latest_period"], r["latest_value"]) == ("2024Q2", 64.0)
    # as the numbers looked on 2024-10-15: the revision of 2024Q2 was not yet recorded
    r = one(figures(reg, obs, "2024Q2", known_at=pd.Timestamp("2024-10-15")), "a")
    assert r["latest_value"] == 66.0
    assert r["progress"] == pytest.approx(0.2)  # (66 - 60) / 30
    r = one(figures(reg, obs, "2024Q3", known_at="2024-10-15"), "a")
    assert (r["latest_value"], r["status"]) == (95.0, "achieved")
    # known_at before anything was recorded: no data at all
    assert one(figures(reg, obs, "2024Q3", known_at="2024-01-01"), "a")["status"] == "no_data"


def test_registry_baseline_for_national_figure_only():
    reg = make_registry(indicator("a", baseline=50, baseline_period="2023Q4"))
    obs = make_obs(
        ("a", "samr", "2023Q4", 52),  # superseded by the registry baseline
        ("a", "samr", "2024Q4", 60),
        ("a", "miit", "2024Q2", 30),
        ("a", "miit", "2024Q4", 33),
    )
    f = figures(reg, obs, "2024Q4")
    nat, miit = one(f, "a"), one(f, "a", "miit")
    assert (nat["baseline_period"], nat["baseline_value"], nat["n_points"]) == ("2023Q4", 50.0, 2)
    assert nat["progress"] == pytest.approx(0.25)  # 10 of 40
    # CAGR_obs = 60/50 - 1 = 0.2 over 1 year; CAGR_req = 1.8^(1/2) - 1 = 0.341641; R = 0.585410
    assert nat["cagr_ratio"] == pytest.approx(0.585410, abs=1e-6)
    assert nat["status"] == "limited_progress"
    assert (miit["baseline_period"], miit["baseline_value"]) == ("2024Q2", 30.0)
    assert miit["figure"] == "agency"


def test_registry_baseline_without_period_is_the_quarter_before_the_plan():
    reg = make_registry(indicator("a", baseline=50))
    r = one(figures(reg, make_obs(("a", "samr", "2024Q2", 55)), "2024Q2"), "a")
    assert (r["baseline_period"], r["n_points"]) == ("2023Q4", 2)


def test_pace_window_and_trend_use_recent_points_only():
    reg = make_registry(indicator("a", target=100))
    rows = [("a", "samr", p, v) for p, v in zip(["2024Q1", "2024Q2", "2024Q3"], [10, 10, 10], strict=True)]
    rows += [("a", "samr", p, v) for p, v in [("2025Q1", 20), ("2025Q2", 30)]]
    r = one(figures(reg, make_obs(*rows), "2025Q2"), "a")
    # window 2024Q2..2025Q1: earliest point 2024Q2 (10) -> (30 - 10) / 4 quarters = 5 per quarter
    assert r["observed_pace"] == pytest.approx(5.0)
    assert r["required_pace"] == pytest.approx(70 / 2)
    assert r["pace_ratio"] == pytest.approx(7.0)


def test_wrong_direction_has_no_pace_ratio_and_no_attainment():
    reg = make_registry(indicator("a"))
    r = one(figures(reg, make_obs(("a", "samr", "2024Q1", 60), ("a", "samr", "2024Q2", 58)), "2024Q2"), "a")
    assert r["observed_pace"] == pytest.approx(-2.0)
    assert math.isnan(r["pace_ratio"])
    assert pd.isna(r["projected_attainment_period"])
    assert r["status"] == "deterioration"


def test_status_records_are_json_safe():
    reg = make_registry(indicator("a"), indicator("b"))
    recs = status_records(figures(reg, make_obs(("a", "samr", "2024Q1", 60)), "2024Q1"))
    text = json.dumps(recs, allow_nan=False)
    assert json.loads(text)[1]["agency_id"] is None
    assert recs[0]["deadline"] == "2025-12-31"
    assert recs[1]["latest_value"] is None and recs[1]["status"] == "no_data"
    assert isinstance(recs[0]["n_points"], int)


def test_latest_period_with_data():
    assert (
        latest_period_with_data(make_obs(("a", "samr", "2024Q4", 1), ("a", "samr", "2025Q1", 1))) == "2025Q1"
    )
    assert latest_period_with_data(make_obs()) is None


def test_unknown_indicators_are_ignored():
    reg = make_registry(indicator("a"))
    f = figures(reg, make_obs(("gone", "samr", "2024Q1", 1), ("a", "samr", "2024Q1", 1)), "2024Q1")
    assert list(f["indicator_id"]) == ["a"]


# ---------------------------------------------------------------- late reports


def test_late_reports():
    reg = make_registry(
        indicator("a"),
        indicator("b"),
        indicator("ms", kind="milestone", target=100, owner="moe", measure=22),
        indicator("done", kind="milestone", target=100, owner="moe", measure=22),
    )
    obs = make_obs(
        ("a", "samr", "2024Q3", 60),  # reported
        ("b", "miit", "2024Q3", 60),  # not the owner: does not count
        ("ms", "moe", "2024Q2", 40),
        ("done", "moe", "2024Q2", 100),  # completed earlier: nothing more due
    )
    late = late_reports(reg, obs, "2024Q3")
    assert list(late.columns) == ["agency_id", "indicator_id", "period"]
    assert late.values.tolist() == [["samr", "b", "2024Q3"], ["moe", "ms", "2024Q3"]]
    assert late_reports(reg, obs, "2023Q4").empty  # before the plan
    assert late_reports(reg, obs, "2026Q1").empty  # after the plan


# ---------------------------------------------------------------- properties

values = st.floats(min_value=0, max_value=200, allow_nan=False).map(lambda v: round(v, 2))


@settings(max_examples=60, deadline=None)
@given(
    series=st.lists(values, min_size=1, max_size=6),
    target=values,
    direction=st.sampled_from(["at_least", "at_most"]),
    as_of=st.sampled_from(["2024Q2", "2025Q1", "2025Q4", "2026Q2"]),
)
def test_status_never_contradicts_the_gap(series, target, direction, as_of):
    reg = make_registry(indicator("a", unit="个", unit_en="items", target=target, direction=direction))
    quarters = ["2024Q1", "2024Q2", "2024Q3", "2024Q4", "2025Q1", "2025Q2"]
    obs = make_obs(*(("a", "samr", p, v) for p, v in zip(quarters, series, strict=False)))
    r = one(figures(reg, obs, as_of), "a")
    assert r["status"] in STATUSES
    met = r["gap"] == 0
    assert (r["status"] == "achieved") == met  # met <=> achieved, never deterioration
    if met:
        assert r["progress"] == 1.0 and r["status"] != "deterioration"
    else:
        assert r["gap"] > 0 and r["status"] != "achieved"
        assert not r["progress"] >= 1.0  # NaN or below 1
    if r["status"] == "missed":
        assert as_of == "2026Q2"


@settings(max_examples=200, deadline=None)
@given(
    b=st.floats(min_value=0.01, max_value=1e4),
    lat=st.floats(min_value=0.01, max_value=1e4),
    t=st.floats(min_value=0.01, max_value=1e4),
    elapsed=st.integers(min_value=1, max_value=40),
    remaining=st.integers(min_value=0, max_value=40),
    direction=st.sampled_from(["at_least", "at_most"]),
)
def test_moving_towards_the_target_is_never_deterioration(b, lat, t, elapsed, remaining, direction):
    r = cagr_ratio(b, lat, t, elapsed / 4, remaining / 4, direction)
    sign = 1 if direction == "at_least" else -1
    if sign * (lat - b) > 0:
        assert r > 0
    elif sign * (lat - b) < 0:
        assert r < 0
