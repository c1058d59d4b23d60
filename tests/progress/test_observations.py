"""metrics.progress.observations: which revision counts, and the codes worked out once per frame."""

from __future__ import annotations

import threading

import numpy as np
import pandas as pd
import pytest

from metrics.progress import final, methods
from metrics.progress.observations import (
    _last_of_group,
    _order,
    current_table,
    current_values,
    derived,
    prepare,
)


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


@pytest.mark.parametrize("high", [9, 2**40])  # a combined key; one too wide for 63 bits (lexsort)
def test_the_sort_of_the_codes_is_lexsort_first_key_first(high: int) -> None:
    rng = np.random.default_rng(3)
    keys = [rng.integers(0, 5, 400), rng.integers(-3, 4, 400), rng.integers(0, high, 400), np.arange(400) % 7]
    assert (_order(*keys) == np.lexsort(tuple(reversed(keys)))).all()
    assert _order(np.array([], dtype=np.int64), np.array([], dtype=np.int64)).tolist() == []


def test_the_last_row_of_each_run_is_flagged() -> None:
    ind, ag, q = np.array([0, 0, 0, 0, 1]), np.array([0, 0, 1, 1, 1]), np.array([4, 4, 4, 5, 5])
    assert _last_of_group(ind, ag, q).tolist() == [False, True, True, True, True]


def test_the_current_table_as_of_a_quarter_keeps_each_highest_revision(registry, demo_obs) -> None:
    """The fast path (no known_at) and the filtered one agree, and both keep the highest revision."""
    cur = current_table(registry, demo_obs, "2025Q2")
    later = demo_obs["recorded_at"].max() + pd.Timedelta(days=1)
    assert cur.equals(current_table(registry, demo_obs, "2025Q2", known_at=later))
    rows = demo_obs.iloc[cur["pos"].to_numpy()]
    top = demo_obs.groupby(["indicator_id", "agency_id", "period"])["revision"].max()
    keys = list(zip(rows["indicator_id"], rows["agency_id"], rows["period"], strict=True))
    assert rows["revision"].tolist() == [top[k] for k in keys]
    assert max(rows["period"]) <= "2025Q2" and len(cur) == len(set(keys))


def test_a_view_another_thread_is_working_out_is_waited_for_not_worked_out_twice(registry, demo_obs) -> None:
    """The server's warm-up and its first visitor (or two leaders after an upload) ask for the
    same view of one frame at once: it is worked out once, and both get that one result."""
    obs = demo_obs.copy(deep=False)  # a frame object of its own: nothing memoised on it yet
    started, release, calls = threading.Event(), threading.Event(), []

    def make() -> pd.DataFrame:
        calls.append(threading.current_thread().name)
        started.set()
        assert release.wait(10)
        return pd.DataFrame({"n": [len(calls)]})

    got: dict[str, object] = {}

    def ask(name: str) -> None:
        got[name] = derived(registry, obs, ("slow view",), make)

    first = threading.Thread(target=ask, args=("first",), name="first")
    first.start()
    assert started.wait(10)
    second = threading.Thread(target=ask, args=("second",), name="second")
    second.start()
    second.join(0.2)
    assert second.is_alive()  # waiting for the first, not working it out beside it
    release.set()
    first.join(10)
    second.join(10)
    assert calls == ["first"]
    assert got["first"] is got["second"]
    assert got["first"]["n"].tolist() == [1]


def test_when_the_thread_working_out_a_view_fails_the_waiting_one_works_it_out(registry, demo_obs) -> None:
    obs = demo_obs.copy(deep=False)
    started, release, calls = threading.Event(), threading.Event(), []

    def make() -> str:
        calls.append(threading.current_thread().name)
        if len(calls) == 1:
            started.set()
            assert release.wait(10)
            raise RuntimeError("the store went away")
        return "worked out by the second"

    errors: list[BaseException] = []
    got: list[str] = []

    def ask() -> None:
        try:
            got.append(derived(registry, obs, ("failing view",), make))
        except RuntimeError as exc:
            errors.append(exc)

    first = threading.Thread(target=ask, name="first")
    first.start()
    assert started.wait(10)
    second = threading.Thread(target=ask, name="second")
    second.start()
    second.join(0.2)
    release.set()
    first.join(10)
    second.join(10)
    assert [str(e) for e in errors] == ["the store went away"]
    assert calls == ["first", "second"]
    assert got == ["worked out by the second"]
    assert derived(registry, obs, ("failing view",), make) == "worked out by the second"  # kept
