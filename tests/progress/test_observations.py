"""metrics.progress.observations: which revision counts, and the codes worked out once per frame."""

from __future__ import annotations

import pandas as pd

from metrics.progress import final, methods
from metrics.progress.observations import current_values, prepare


def test_the_codes_are_worked_out_once_per_frame_object(registry, demo_obs) -> None:
    assert prepare(registry, demo_obs) is prepare(registry, demo_obs)
    again = demo_obs.copy()  # equal rows, another frame: coded anew, to the same codes
    other = prepare(registry, again)
    assert other is not prepare(registry, demo_obs)
    assert (other.pos == prepare(registry, demo_obs).pos).all()


def test_an_assessment_is_shared_but_a_caller_changes_only_its_copy(registry, demo_obs) -> None:
    first = final.assessment(registry, demo_obs, "2025Q3")
    first["status"] = "changed by a caller"
    first.loc[0, "gap"] = -1.0
    second = final.assessment(registry, demo_obs, "2025Q3")
    assert "changed by a caller" not in set(second["status"])
    fresh = final._assessment_at(registry, demo_obs, "2025Q3", None, prepare(registry, demo_obs))
    pd.testing.assert_frame_equal(second, fresh)


def test_current_values_of_some_indicators_are_those_rows_of_all(registry, demo_obs) -> None:
    wanted = {"verification_points", "tc_alignment_rate"}
    every = current_values(registry, demo_obs, "2025Q3")
    some = current_values(registry, demo_obs, "2025Q3", indicators=wanted)
    expected = every[every["indicator_id"].isin(wanted)].reset_index(drop=True)
    pd.testing.assert_frame_equal(some.reset_index(drop=True), expected)
    assert set(some["indicator_id"]) == wanted


def test_the_methods_of_one_indicator_are_its_rows_of_all(registry, demo_obs) -> None:
    every = methods.compare(registry, demo_obs, "2025Q3")
    one = methods.compare(registry, demo_obs, "2025Q3", indicators={"verification_points"})
    expected = every[every["indicator_id"] == "verification_points"]
    assert len(one) == len(expected) >= 1
    assert _plain(one) == _plain(expected)


def _plain(frame: pd.DataFrame) -> list[tuple]:
    return [tuple(None if pd.isna(v) else v for v in row) for row in frame.itertuples(index=False)]
