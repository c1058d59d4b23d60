"""The final assessment: once a figure's deadline has passed, its verdict at the deadline.

A figure whose deadline is before the as-of quarter is no longer "on track" or "acceleration
needed": it was achieved or not at its deadline. The value judged is the latest one reported for
a quarter up to the deadline quarter, with every report and correction recorded since (late
reports still count; ``known_at`` reproduces an earlier view). Beside it: when that revision was
recorded, the gap left, and the first later quarter whose value met the target.
:func:`assessment` is what the pages, the CLI and the deck show; figures before their deadline
are the status engine's unchanged.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.plan import periods
from metrics.plan.registry import Registry
from metrics.progress.figures import FIGURE_COLUMNS, figures_at
from metrics.progress.method import CONTRIBUTION, _sign
from metrics.progress.observations import (
    Moment,
    Prepared,
    _codes,
    _period_labels,
    as_of_view,
    current_table,
    period_index,
    prepare,
)

ASSESSMENT_COLUMNS: tuple[str, ...] = (*FIGURE_COLUMNS, "final", "recorded_at", "reached_period")
# Meaningless once the deadline has passed: the pace and projection towards it.
_BEFORE_DEADLINE_ONLY = (
    "expected_value",
    "cagr_ratio",
    "required_pace",
    "observed_pace",
    "projected_value",
    "projected_attainment_period",
    "expected_progress",
    "pace_ratio",
)


_Q = 1 << 16  # quarter indexes (year * 4) fit below this


def _key(ind, ag) -> np.ndarray:
    return np.asarray(ind, dtype=np.int64) * 65_536 + np.asarray(ag, dtype=np.int64)


def deadline_quarter(deadline) -> str:
    return periods.of_date(deadline)


def passed(registry: Registry, as_of: str) -> list[str]:
    """Indicators whose deadline quarter is before ``as_of`` (their final assessment is due)."""
    now = periods.index(as_of)
    return [i.id for i in registry.indicators if periods.index(deadline_quarter(i.deadline)) < now]


def is_final(registry: Registry, as_of: str) -> bool:
    """Whether every indicator's deadline has passed at ``as_of`` (the view is the final assessment)."""
    return len(passed(registry, as_of)) == len(registry.indicators)


def final_deadline(registry: Registry) -> str:
    """The latest deadline quarter of the plan (what "final" compares against)."""
    return max((deadline_quarter(i.deadline) for i in registry.indicators), key=periods.index)


def comparison_period(registry: Registry, as_of: str) -> str:
    """The quarter a "what changed" view compares ``as_of`` with: the previous quarter, or for
    the final assessment the quarter before the last deadline ("final vs. 2025Q3")."""
    if is_final(registry, as_of):
        return periods.shift(final_deadline(registry), -1)
    return periods.shift(as_of, -1)


def assessment(registry: Registry, obs: pd.DataFrame, as_of: str, known_at: Moment = None) -> pd.DataFrame:
    """:func:`~metrics.progress.figures.figures` with every figure past its deadline replaced by
    its final assessment (``final`` true; status achieved, missed or contribution)."""
    return assessment_at(registry, obs, as_of, known_at, prepare(registry, obs))


def assessment_at(
    registry: Registry, obs: pd.DataFrame, as_of: str, known_at: Moment, prep: Prepared
) -> pd.DataFrame:
    """:func:`assessment` on the codes ``prep`` of ``obs``; worked out once per frame, quarter and
    moment (the overview's status and its "final vs. 2025Q3" share the final side)."""
    return as_of_view(
        registry,
        obs,
        "assessment",
        as_of,
        known_at,
        lambda: _assessment_at(registry, obs, as_of, known_at, prep),
    )


def _assessment_at(
    registry: Registry, obs: pd.DataFrame, as_of: str, known_at: Moment, prep: Prepared
) -> pd.DataFrame:
    done = set(passed(registry, as_of))
    parts = []
    if len(done) < len(registry.indicators) or not registry.indicators:  # else no row of it is kept
        now = figures_at(registry, obs, as_of, known_at, prep)
        parts.append(
            now[~now["indicator_id"].isin(done)].assign(final=False, recorded_at=pd.NaT, reached_period=None)
        )
    by_quarter: dict[str, list[str]] = {}
    for ind in registry.indicators:
        if ind.id in done:
            by_quarter.setdefault(deadline_quarter(ind.deadline), []).append(ind.id)
    later = current_table(registry, obs, as_of, known_at, prep)
    for quarter, ids in by_quarter.items():
        at = figures_at(registry, obs, quarter, known_at, prep)
        parts.append(
            _final_rows(registry, obs, at[at["indicator_id"].isin(ids)], quarter, known_at, prep, later)
        )
    result = pd.concat([p for p in parts if len(p)], ignore_index=True) if len(parts) > 1 else parts[0]
    national = result["figure"] == "national"
    order = _codes(result["indicator_id"], [ind.id for ind in registry.indicators])  # registry order
    result = result.assign(_o=order, _n=~national)
    result = result.sort_values(["_o", "_n"], kind="stable").drop(columns=["_o", "_n"])
    result["reached_period"] = result["reached_period"].astype("string")
    result["recorded_at"] = pd.to_datetime(result["recorded_at"])
    return result.reset_index(drop=True)[list(ASSESSMENT_COLUMNS)]


def _final_rows(
    registry: Registry,
    obs: pd.DataFrame,
    at: pd.DataFrame,
    quarter: str,
    known_at: Moment,
    prep: Prepared,
    later: pd.DataFrame,
) -> pd.DataFrame:
    """The figures at their deadline quarter as verdicts: achieved or missed, when the counting
    revision was recorded, and the first later quarter (up to as-of) whose value met the target."""
    at = at.copy()
    contribution = (at["status"] == CONTRIBUTION).to_numpy()
    met = (at["status"] == "achieved").to_numpy()
    at["status"] = np.where(contribution, CONTRIBUTION, np.where(met, "achieved", "missed"))
    for col in _BEFORE_DEADLINE_ONLY:
        at[col] = None if col == "projected_attainment_period" else np.nan
    at["projected_attainment_period"] = at["projected_attainment_period"].astype("string")

    ind_code = pd.Index([i.id for i in registry.indicators]).get_indexer(at["indicator_id"])
    owner = np.array([prep.agencies.index(i.owner) for i in registry.indicators])[ind_code]
    agency = at["agency_id"].astype(object).to_numpy()
    ag_code = np.where(
        at["figure"].to_numpy() == "national",
        owner,
        pd.Index(prep.agencies).get_indexer(pd.Series(agency).fillna("")),
    )
    key = _key(ind_code, ag_code)

    # The revision counting for the value judged: the one for its latest_period.
    deadline_cur = current_table(registry, obs, quarter, known_at, prep)
    q_last = period_index(at["latest_period"])  # -1: no value
    # ascending and unique: the current table is sorted by indicator, agency and quarter
    cur_keys = _key(deadline_cur["ind"], deadline_cur["ag"]) * _Q + deadline_cur["q"].to_numpy(np.int64)
    wanted = key * _Q + q_last
    where = np.minimum(np.searchsorted(cur_keys, wanted), max(len(cur_keys) - 1, 0))
    found = (q_last >= 0) & (cur_keys[where] == wanted) if len(cur_keys) else np.zeros(len(at), bool)
    recorded = np.full(len(at), np.datetime64("NaT"), dtype="datetime64[ns]")
    recorded[found] = obs["recorded_at"].to_numpy()[deadline_cur["pos"].to_numpy()[where[found]]]
    at["recorded_at"] = recorded

    # The first quarter after the deadline whose value met the target.
    q_dead = periods.index(quarter)
    after = later[later["q"].to_numpy() > q_dead]
    values = obs["value"].to_numpy(float)[after["pos"].to_numpy()]
    targets = np.array([i.target for i in registry.indicators])[after["ind"].to_numpy()]
    signs = _sign(np.array([i.direction for i in registry.indicators]))[after["ind"].to_numpy()]
    hit = after[signs * (values - targets) >= 0]
    first = hit.groupby(_key(hit["ind"], hit["ag"]))["q"].min()
    reached = pd.Series(key).map(first).to_numpy(dtype=float)
    reached = np.where(met | contribution, np.nan, reached)
    at["reached_period"] = _period_labels(reached)
    at["final"] = True
    return at
