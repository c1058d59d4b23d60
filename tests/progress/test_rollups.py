"""Roll-ups per measure, section and agency, and changes between two briefings.

One small world, its statuses worked out by hand first (see the comments), then every
roll-up checked against those hand-made numbers.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest
from test_figures import indicator, make_obs  # the same fixtures build both modules' worlds

from metrics.plan.registry import Registry, parse_registry
from metrics.progress.figures import figures, late_reports
from metrics.progress.rollups import agency_rollup, changes, measure_rollup, section_rollup, snapshot_time


def milestone(id_: str) -> dict:
    return indicator(id_, kind="milestone", target=100, owner="moe", measure=22)


def make_registry() -> Registry:
    """Measure 21 (section 5): KPIs a, b; measure 22 (section 5): milestones ms, ms2;
    measure 23 (section 6): nothing to measure."""
    measures = [
        (21, 5, {"lead": ["samr"], "shared": ["miit"]}),
        (22, 5, {"lead": ["moe"], "shared": ["samr"]}),
        (23, 6, {"lead": ["miit"]}),
    ]
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
                {"id": "samr", "name_zh": "市场监管总局", "name_en": "Market Regulation"},
                {"id": "miit", "name_zh": "工业和信息化部", "name_en": "Industry and IT"},
                {"id": "moe", "name_zh": "教育部", "name_en": "Education"},
            ],
            "sections": [
                {"id": 5, "title_zh": "第五部分", "title_en": "Section five"},
                {"id": 6, "title_zh": "第六部分", "title_en": "Section six"},
            ],
            "measures": [
                {
                    "id": m,
                    "section": s,
                    "title_zh": f"措施{m}号",
                    "title_en": f"Measure {m}",
                    "responsibilities": [r],
                }
                for m, s, r in measures
            ],
            "indicators": [indicator("a"), indicator("b"), milestone("ms"), milestone("ms2")],
        }
    )


# As of 2024Q4 (all by hand, rules in docs/methodology.md):
#   a   national 60 -> 70: R = 0.875 acceleration needed, progress 1/3
#   b   national 95 (one point, meets 90): achieved, progress 1
#   a   miit     50 -> 55: R = 0.438 limited progress, progress 0.125
#   a   moe      80 (one point; moe neither leads nor shares measure 21): insufficient data
#   ms  national 0 -> 40: straight-line R = 0.933 acceleration needed, progress 0.4
#   ms2 national: no data
# Late for 2024Q4: b (samr reported only 2024Q1) and ms2 (moe).
WORLD = make_obs(
    ("a", "samr", "2024Q1", 60, 1, "2024-04-05"),
    ("a", "samr", "2024Q4", 70, 1, "2025-01-05"),
    ("b", "samr", "2024Q1", 95, 1, "2024-04-05"),
    ("a", "miit", "2024Q2", 50, 1, "2024-07-05"),
    ("a", "miit", "2024Q4", 55, 1, "2025-01-05"),
    ("a", "moe", "2024Q4", 80, 1, "2025-01-05"),
    ("ms", "moe", "2024Q1", 0, 1, "2024-04-05"),
    ("ms", "moe", "2024Q4", 40, 1, "2025-01-05"),
)


@pytest.fixture(scope="module")
def world():
    reg = make_registry()
    figs = figures(reg, WORLD, "2024Q4")
    return reg, figs, late_reports(reg, WORLD, "2024Q4")


def test_world_statuses_are_as_worked_out(world):
    _, figs, late = world
    got = {
        (r.indicator_id, r.agency_id if isinstance(r.agency_id, str) else None): r.status
        for r in figs.itertuples()
    }
    assert got == {
        ("a", None): "acceleration_needed",
        ("a", "miit"): "limited_progress",
        ("a", "moe"): "insufficient_data",
        ("b", None): "achieved",
        ("ms", None): "acceleration_needed",
        ("ms2", None): "no_data",
    }
    assert late[["agency_id", "indicator_id"]].values.tolist() == [["samr", "b"], ["moe", "ms2"]]


def test_measure_rollup(world):
    reg, figs, _ = world
    m = measure_rollup(reg, figs).set_index("measure")
    assert list(m.index) == [21, 22, 23]
    assert m.loc[21, ["section", "n_kpi", "n_milestone", "tracked_by"]].tolist() == [5, 2, 0, "kpi"]
    assert m.loc[21, ["kpi_achieved", "kpi_acceleration_needed", "kpi_limited_progress"]].tolist() == [
        1,
        1,
        0,
    ]
    assert m.loc[21, "worst_status"] == "acceleration_needed"
    assert m.loc[21, "mean_progress"] == pytest.approx((1 / 3 + 1) / 2)
    # a measure without KPIs is tracked through its milestones; the missing one does not hide the other
    assert m.loc[22, ["n_kpi", "n_milestone", "tracked_by"]].tolist() == [0, 2, "milestone"]
    assert m.loc[22, ["milestone_acceleration_needed", "milestone_no_data"]].tolist() == [1, 1]
    assert m.loc[22, "worst_status"] == "acceleration_needed"
    assert m.loc[22, "mean_progress"] == pytest.approx(0.4)
    assert m.loc[23, ["n_kpi", "n_milestone", "tracked_by", "worst_status"]].tolist() == [
        0,
        0,
        "none",
        "no_data",
    ]
    assert math.isnan(m.loc[23, "mean_progress"])
    # agency figures never count in the measure's indicator counts
    status_cols = [c for c in m.columns if c.startswith(("kpi_", "milestone_"))]
    assert m[status_cols].to_numpy().sum() == 4


def test_section_rollup(world):
    reg, figs, _ = world
    s = section_rollup(reg, figs).set_index("section")
    assert s.loc[5, ["n_measures", "n_kpi", "n_milestone", "tracked_by"]].tolist() == [
        2,
        2,
        2,
        "kpi+milestone",
    ]
    assert s.loc[5, "worst_status"] == "acceleration_needed"
    assert s.loc[5, "mean_progress"] == pytest.approx((1 / 3 + 1 + 0.4) / 3)
    assert s.loc[6, ["n_measures", "n_kpi", "worst_status"]].tolist() == [1, 0, "no_data"]


def test_agency_rollup(world):
    reg, figs, late = world
    a = agency_rollup(reg, figs, late).set_index(["agency_id", "role"])
    assert list(a.index) == [
        ("samr", "lead"),
        ("samr", "shared"),
        ("miit", "lead"),
        ("miit", "shared"),
        ("moe", "lead"),
        ("moe", "shared"),
        ("moe", "other"),
    ]
    samr = a.loc[("samr", "lead")]
    assert (samr["measures"], samr["n_indicators"], samr["achieved"], samr["acceleration_needed"]) == (
        [21],
        2,
        1,
        1,
    )
    assert (samr["own_figures"], samr["own_worst_status"], samr["late"]) == (2, "acceleration_needed", 1)
    assert samr["own_mean_progress"] == pytest.approx(2 / 3)
    shared = a.loc[("samr", "shared")]
    assert (shared["measures"], shared["n_indicators"], shared["no_data"], shared["own_figures"]) == (
        [22],
        2,
        1,
        0,
    )
    miit = a.loc[("miit", "shared")]
    assert (miit["own_figures"], miit["own_limited_progress"], miit["own_worst_status"]) == (
        1,
        1,
        "limited_progress",
    )
    assert miit["own_mean_progress"] == pytest.approx(0.125)
    assert a.loc[("miit", "lead"), "n_indicators"] == 0
    moe = a.loc[("moe", "lead")]
    assert (moe["own_figures"], moe["own_no_data"], moe["own_worst_status"], moe["late"]) == (
        2,
        1,
        "acceleration_needed",
        1,
    )
    # moe's own figure of an indicator outside its measures
    other = a.loc[("moe", "other")]
    assert (other["measures"], other["own_figures"], other["own_insufficient_data"]) == ([], 1, 1)
    assert a.loc[("moe", "shared"), "measures"] == []


# Changes between the 2024Q2 and 2024Q3 briefings. The 2024Q2 briefing is everything
# recorded before the first 2024Q3 value (2024-10-10).
HISTORY = [
    ("a", "samr", "2024Q1", 60, 1, "2024-04-05"),
    ("a", "samr", "2024Q2", 62, 1, "2024-07-05"),
    ("b", "samr", "2024Q2", 95, 1, "2024-07-06"),
    ("ms", "moe", "2024Q1", 0, 1, "2024-04-05"),
    ("a", "samr", "2024Q3", 66, 1, "2024-10-10"),
    ("b", "samr", "2024Q3", 85, 1, "2024-10-11"),
    ("a", "miit", "2024Q3", 50, 1, "2024-10-12"),
    ("ms", "moe", "2024Q2", 10, 1, "2024-10-15"),  # 2024Q2 reported late
    ("ms", "moe", "2024Q3", 30, 1, "2024-10-16"),
    ("a", "samr", "2024Q2", 64, 2, "2024-10-20"),  # 2024Q2 revised after its briefing
]


def test_snapshot_time():
    obs = make_obs(*HISTORY)
    assert snapshot_time(obs, "2024Q2") == pd.Timestamp("2024-10-10") - pd.Timedelta(1, "ns")
    assert snapshot_time(obs, "2024Q3") is None


def _changes_by_key(result):
    sc = {
        (r.indicator_id, r.agency_id if isinstance(r.agency_id, str) else None): (r.from_status, r.to_status)
        for r in result["status_changes"].itertuples()
    }
    new = {(r.indicator_id, r.agency_id, r.period, r.value) for r in result["new_values"].itertuples()}
    rev = [tuple(x) for x in result["revisions"][["indicator_id", "period", "old_value", "new_value"]].values]
    return sc, new, rev


def test_changes_between_briefings():
    reg = make_registry()
    sc, new, rev = _changes_by_key(changes(reg, make_obs(*HISTORY), "2024Q2", "2024Q3"))
    # a: 60 -> 62 in 0.25 y: (62/60)^4 - 1 = 0.1403 vs 0.2607 required, R = 0.538 (limited);
    #    then 60 -> 66 in 0.5 y: 1.1^2 - 1 = 0.21, R = 0.805 (acceleration needed)
    # b: 95 met the target, then fell to 85: deterioration
    # ms: one point at the 2024Q2 briefing; then 0 -> 30 in 0.5 y = 60/y vs 100/1.75 = 57.1/y: on track
    assert sc == {  # ms2 stays without data: not a change
        ("a", None): ("limited_progress", "acceleration_needed"),
        ("b", None): ("achieved", "deterioration"),
        ("a", "miit"): ("no_data", "insufficient_data"),
        ("ms", None): ("insufficient_data", "on_track"),
    }
    assert new == {
        ("a", "samr", "2024Q3", 66.0),
        ("b", "samr", "2024Q3", 85.0),
        ("a", "miit", "2024Q3", 50.0),
        ("ms", "moe", "2024Q2", 10.0),
        ("ms", "moe", "2024Q3", 30.0),
    }
    assert rev == [("a", "2024Q2", 62.0, 64.0)]


def test_changes_do_not_move_when_later_quarters_arrive():
    reg = make_registry()
    before = _changes_by_key(changes(reg, make_obs(*HISTORY), "2024Q2", "2024Q3"))
    later = [
        ("a", "samr", "2024Q4", 70, 1, "2025-01-05"),
        ("b", "samr", "2024Q3", 95, 2, "2025-01-10"),  # revised after the 2024Q3 briefing
    ]
    after = _changes_by_key(changes(reg, make_obs(*HISTORY, *later), "2024Q2", "2024Q3"))
    assert after == before
    # ...but a briefing from 2024Q3 to 2024Q4 sees that revision
    _, _, rev = _changes_by_key(changes(reg, make_obs(*HISTORY, *later), "2024Q3", "2024Q4"))
    assert ("b", "2024Q3", 85.0, 95.0) in rev


def test_changes_refuses_reversed_periods():
    with pytest.raises(ValueError):
        changes(make_registry(), make_obs(*HISTORY), "2024Q3", "2024Q2")
