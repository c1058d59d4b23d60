"""metrics.progress.points: each figure's series from its baseline on, and its per-figure summary."""

from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.progress.points import Points, from_baseline, per_figure, reported_points


def _points(pos, ind, ag, q, value) -> Points:
    n = len(pos)
    ind, ag, q = (np.broadcast_to(np.asarray(a, dtype=np.int64), n).copy() for a in (ind, ag, q))
    return Points(np.asarray(pos, dtype=np.int64), ind, ag, q, np.asarray(list(value), dtype=float))


def _assert_points(got: Points, want: Points) -> None:
    for name in ("pos", "ind", "ag", "q", "value"):
        np.testing.assert_array_equal(getattr(got, name), getattr(want, name), err_msg=name)


def test_a_registry_baseline_replaces_the_national_figures_reports_up_to_its_quarter() -> None:
    reg = pd.DataFrame({"owner": [0], "reg_q": [10.0], "reg_baseline": [50.0]})
    cur = pd.DataFrame({"pos": [0, 1, 2, 3, 4], "ind": 0, "ag": [0, 0, 0, 1, 1], "q": [9, 10, 11, 10, 11]})
    got = reported_points(cur, np.array([1.0, 2.0, 3.0, 4.0, 5.0]), reg)
    # the owner's (national) reports for quarters 9 and 10 give way to the baseline; agency 1 keeps its own
    _assert_points(got, _points([-1, 2, 3, 4], [0, 0, 0, 0], [0, 0, 1, 1], [10, 11, 10, 11], [50, 3, 4, 5]))


def test_each_figure_starts_at_its_baseline_and_says_where_it_came_from() -> None:
    pts = _points(
        pos=[-1, 0, 1, 2, 3, 4, 5, 6, 7, 8],
        ind=[0, 0, 0, 0, 0, 1, 1, 1, 1, 1],
        ag=[0, 0, 1, 1, 1, 0, 0, 0, 1, 1],
        q=[19, 21, 18, 20, 22, 18, 21, 23, 15, 17],
        value=range(10),
    )
    kept, source = from_baseline(pts, plan_q=20)
    assert source.tolist() == ["registry", "pre_plan", "first_report", "latest_report"]
    _assert_points(
        kept,
        _points(
            pos=[-1, 0, 2, 3, 5, 6, 8],
            ind=[0, 0, 0, 0, 1, 1, 1],
            ag=[0, 0, 1, 1, 0, 0, 1],
            q=[19, 21, 20, 22, 21, 23, 17],
            value=[0, 1, 3, 4, 6, 7, 9],
        ),
    )
    assert not kept.empty and pts.where(np.zeros(10, bool)).empty


def test_per_figure_first_and_last_point_pace_and_trend() -> None:
    q = np.r_[np.arange(10), 4]
    pts = _points(pos=np.arange(11), ind=[0] * 10 + [1], ag=0, q=q, value=np.r_[2 * np.arange(10) + 1, 7.5])
    per = per_figure(pts)
    assert per[["ind", "ag", "n_points", "q_first", "v_first", "q_last", "v_last", "last_pos"]].to_dict(
        "records"
    ) == [
        {
            "ind": 0,
            "ag": 0,
            "n_points": 10,
            "q_first": 0,
            "v_first": 1.0,
            "q_last": 9,
            "v_last": 19.0,
            "last_pos": 9,
        },
        {
            "ind": 1,
            "ag": 0,
            "n_points": 1,
            "q_first": 4,
            "v_first": 7.5,
            "q_last": 4,
            "v_last": 7.5,
            "last_pos": 10,
        },
    ]
    # pace: from the first point of the 4 quarters before the last (q 5: 11) to the last (q 9: 19)
    assert per["observed_pace"].iloc[0] == (19 - 11) / 4
    # trend: the last 8 points (q 2..9, x = q - 9): mean x -3.5, mean value 12, slope 2
    assert per[["fit_xm", "fit_ym", "slope"]].iloc[0].tolist() == [-3.5, 12.0, 2.0]
    assert np.isnan(per["observed_pace"].iloc[1]) and np.isnan(per["slope"].iloc[1])  # one point
