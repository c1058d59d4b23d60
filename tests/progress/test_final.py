"""metrics.progress.final: past its deadline a figure is judged on the deadline quarter's value."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from metrics.progress.final import (
    ASSESSMENT_COLUMNS,
    assessment,
    comparison_period,
    final_deadline,
    is_final,
    passed,
)
from metrics.progress.rollups import changes, measure_rollup
from tests.progress.test_figures import indicator, make_obs, make_registry, one


@pytest.fixture
def world():
    """a: 80 at the deadline (2025Q4, reported late on 2026-02-20), 91 in 2026Q2; b: 91 in 2025Q3;
    c: never reported; d (deadline 2027): still running; e: an at_most target met only in 2026Q1."""
    reg = make_registry(
        indicator("a"),
        indicator("b"),
        indicator("c"),
        indicator("e", direction="at_most", target=18, unit="月", unit_en="months"),
        indicator("m", kind="milestone", target=100, owner="moe", measure=22),
    )
    obs = make_obs(
        ("a", "samr", "2024Q1", 60),
        ("a", "samr", "2025Q3", 78),
        ("a", "samr", "2025Q4", 80, 1, "2026-02-20"),
        ("a", "samr", "2026Q2", 91),
        ("a", "miit", "2025Q4", 95),
        ("b", "samr", "2024Q1", 60),
        ("b", "samr", "2025Q3", 91),
        ("b", "samr", "2026Q1", 85),
        ("e", "samr", "2024Q1", 24),
        ("e", "samr", "2025Q4", 19),
        ("e", "samr", "2026Q1", 17.5),
        ("m", "moe", "2024Q2", 40),
        ("m", "moe", "2025Q2", 100),
    )
    return reg, obs


def test_past_the_deadline_each_figure_is_achieved_or_missed_on_the_deadline_value(world):
    reg, obs = world
    f = assessment(reg, obs, "2026Q3")
    assert list(f.columns) == list(ASSESSMENT_COLUMNS)
    assert f["final"].all()
    a = one(f, "a")
    assert (a["status"], a["latest_period"], a["latest_value"], a["gap"]) == ("missed", "2025Q4", 80.0, 10.0)
    assert a["recorded_at"] == pd.Timestamp("2026-02-20")  # the late report counts, and says when
    assert a["reached_period"] == "2026Q2"  # the target was met later
    assert (one(f, "a", "miit")["status"], one(f, "a", "miit")["latest_value"]) == ("achieved", 95.0)
    b = one(f, "b")  # achieved at the deadline: a later fall does not undo it
    assert (b["status"], b["latest_period"], b["latest_value"], b["gap"]) == ("achieved", "2025Q3", 91.0, 0.0)
    assert pd.isna(b["reached_period"])
    c = one(f, "c")  # nothing at the deadline is not achieved
    assert (c["status"], c["n_points"], pd.isna(c["recorded_at"])) == ("missed", 0, True)
    e = one(f, "e")
    assert (e["status"], e["latest_value"], e["gap"], e["reached_period"]) == ("missed", 19.0, 1.0, "2026Q1")
    assert one(f, "m")["status"] == "achieved"
    # no pace or projection towards a deadline that has passed
    assert f[["required_pace", "pace_ratio", "projected_value", "cagr_ratio"]].isna().all().all()
    assert set(f["status"]) <= {"achieved", "missed"}


def test_before_and_in_the_deadline_quarter_the_status_engine_is_unchanged(world):
    reg, obs = world
    f = assessment(reg, obs, "2025Q4")
    assert not f["final"].any()
    assert one(f, "a")["status"] == "acceleration_needed"
    assert not math.isnan(one(f, "a")["projected_value"])
    assert passed(reg, "2025Q4") == [] and not is_final(reg, "2025Q4")
    assert passed(reg, "2026Q1") == ["a", "b", "c", "e", "m"] and is_final(reg, "2026Q1")


def test_only_the_figures_past_their_own_deadline_are_final():
    reg = make_registry(indicator("a"), indicator("early", deadline="2024-12-31"))
    obs = make_obs(
        ("a", "samr", "2024Q1", 60),
        ("a", "samr", "2025Q2", 70),
        ("early", "samr", "2024Q1", 60),
        ("early", "samr", "2024Q4", 88),
        ("early", "samr", "2025Q2", 92),
    )
    f = assessment(reg, obs, "2025Q3")
    assert f["indicator_id"].tolist() == ["a", "early"]  # registry order kept
    assert (one(f, "a")["final"], one(f, "a")["status"]) == (False, "limited_progress")
    early = one(f, "early")
    assert (early["final"], early["status"], early["latest_value"], early["reached_period"]) == (
        True,
        "missed",
        88.0,
        "2025Q2",
    )
    assert passed(reg, "2025Q3") == ["early"] and not is_final(reg, "2025Q3")


def test_known_at_reproduces_the_assessment_before_the_late_report(world):
    reg, obs = world
    a = one(assessment(reg, obs, "2026Q1", known_at="2026-02-01"), "a")
    assert (a["status"], a["latest_period"], a["latest_value"]) == ("missed", "2025Q3", 78.0)
    assert pd.isna(a["reached_period"])


def test_roll_ups_and_changes_of_the_final_assessment(world):
    reg, obs = world
    f = assessment(reg, obs, "2026Q3")
    roll = measure_rollup(reg, f).set_index("measure")
    assert (roll.loc[21, "kpi_achieved"], roll.loc[21, "kpi_missed"], roll.loc[21, "worst_status"]) == (
        1,
        3,
        "missed",
    )
    assert final_deadline(reg) == "2025Q4"
    assert comparison_period(reg, "2026Q3") == "2025Q3"  # final vs. the quarter before the deadline
    assert comparison_period(reg, "2025Q3") == "2025Q2"
    moved = changes(reg, obs, "2025Q3", "2026Q3")["status_changes"].set_index(["indicator_id", "figure"])
    assert moved.loc[("a", "national"), ["from_status", "to_status"]].tolist() == [
        "acceleration_needed",
        "missed",
    ]
    assert ("m", "national") not in moved.index  # achieved before, achieved in the final assessment


def test_a_final_view_works_out_only_the_deadline_quarters_figures(world, monkeypatch):
    """Past every deadline the as-of quarter's own figures would all be replaced: they are not
    worked out (the deadline quarter's are); before that, both are."""
    import metrics.progress.final as final_module

    reg, obs = world
    asked: list[str] = []
    real = final_module.figures_at

    def counted(registry, frame, as_of, known_at, prep):
        asked.append(as_of)
        return real(registry, frame, as_of, known_at, prep)

    monkeypatch.setattr(final_module, "figures_at", counted)
    f = assessment(reg, obs.copy(), "2026Q3")
    assert asked == ["2025Q4"] and f["final"].all()
    asked.clear()
    assessment(reg, obs.copy(), "2025Q4")
    assert asked == ["2025Q4"]  # in the deadline quarter: the engine's own figures, not final
