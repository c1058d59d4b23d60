"""Gap-to-target engine: how far each figure is from its target, and will it get there.

One pure module shared by the pages, the CLI and the briefing export, so that every
surface shows the same number. Rules and thresholds are explained, with worked
examples, in ``docs/methodology.md``; roll-ups live in :mod:`metrics.progress.rollups`.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd

from metrics.plan import periods
from metrics.plan.registry import Registry
from metrics.progress.method import (
    CONTRIBUTION,
    STATUS_SEVERITY,
    STATUSES,
    _sign,
    _status_codes,
    cagr_ratio,
    linear_ratio,
    status_from_ratio,
    worst_status,
)
from metrics.progress.observations import (
    Moment,
    Prepared,
    _period_labels,
    as_of_view,
    current_table,
    current_values,
    latest_period_with_data,
    prepare,
)
from metrics.progress.points import Points, from_baseline, per_figure, reported_points
from metrics.text.format import is_missing

_HORIZON = 400  # quarters; a crossing further away is reported as "not at the current trend"


FIGURE_COLUMNS: tuple[str, ...] = (
    "indicator_id",
    "measure",
    "kind",
    "agency_id",
    "latest_period",
    "latest_value",
    "baseline_period",
    "baseline_value",
    "target",
    "direction",
    "deadline",
    "gap",
    "progress",
    "expected_value",
    "cagr_ratio",
    "status",
    "required_pace",
    "observed_pace",
    "projected_value",
    "projected_attainment_period",
    "figure",
    "unit",
    "n_points",
    "expected_progress",
    "latest_note",
    "pace_ratio",
    "baseline_source",
    "contribution",
)
# ---------------------------------------------------------------- figures


def _indicator_table(registry: Registry, as_of: str) -> pd.DataFrame:
    """One row per indicator (registry order) with everything the formulas need."""
    as_of_q, as_of_end = periods.index(as_of), periods.quarter_end(as_of)
    agency_pos = {a.id: i for i, a in enumerate(registry.agencies)}
    default_base = periods.index(registry.first_period) - 1  # a baseline without period: plan start
    rows = []
    for i in registry.indicators:  # registry-sized loop, not per observation
        qb = periods.index(i.baseline_period) if i.baseline_period else default_base
        usable = i.baseline is not None and qb <= as_of_q
        rows.append(
            {
                "indicator_id": i.id,
                "measure": i.measure,
                "kind": i.kind,
                "owner": agency_pos[i.owner],
                "target": i.target,
                "direction": i.direction,
                "deadline": i.deadline,
                "past_deadline": as_of_end > i.deadline,
                "q_deadline": periods.index(periods.of_date(i.deadline)),
                "unit": i.unit,
                "additive": i.additive,
                "reg_baseline": i.baseline if usable else np.nan,
                "reg_q": qb if usable else np.nan,
            }
        )
    return pd.DataFrame(rows)


def figures(registry: Registry, obs: pd.DataFrame, as_of: str, known_at: Moment = None) -> pd.DataFrame:
    """Status, gap, pace and projection of every figure as of a quarter.

    One row per indicator's national figure (the owner's report; ``agency_id`` is null),
    always, plus one per (indicator, other agency) with data. Only periods up to ``as_of``
    count; with ``known_at``, only revisions recorded by then ("as the numbers looked at
    the briefing").
    """
    return figures_at(registry, obs, as_of, known_at, prepare(registry, obs))


def series_points(
    registry: Registry, obs: pd.DataFrame, as_of: str, known_at: Moment, prep: Prepared
) -> tuple[pd.DataFrame, pd.DataFrame, Points, np.ndarray]:
    """Every figure's points from its baseline on, as the status engine and the other methods read
    them: (the indicator table, the current values, the points, where each baseline comes from)."""
    reg = _indicator_table(registry, as_of)
    cur = current_table(registry, obs, as_of, known_at, prep)
    plan_q = periods.index(registry.first_period) - 1
    pts, source = from_baseline(reported_points(cur, obs["value"].to_numpy(float), reg), plan_q)
    return reg, cur, pts, source


def figures_at(
    registry: Registry, obs: pd.DataFrame, as_of: str, known_at: Moment, prep: Prepared
) -> pd.DataFrame:
    """:func:`figures` on the codes ``prep`` of ``obs``; worked out once per frame, quarter and
    moment (the final assessment and the "what changed" view ask for the same quarters)."""

    def make() -> pd.DataFrame:
        return _figures_at(registry, obs, as_of, known_at, prep)

    return as_of_view(registry, obs, "figures", as_of, known_at, make)


def _figures_at(
    registry: Registry, obs: pd.DataFrame, as_of: str, known_at: Moment, prep: Prepared
) -> pd.DataFrame:
    now = periods.index(as_of)
    agencies = prep.agencies
    reg, cur, pts, source = series_points(registry, obs, as_of, known_at, prep)
    per = per_figure(pts).assign(baseline_source=source)
    per["national"] = per["ag"].to_numpy() == reg["owner"].to_numpy()[per["ind"].to_numpy(np.int64)]
    nat = pd.DataFrame({"ind": reg.index, "ag": reg["owner"], "national": True})
    nat = nat.merge(per.drop(columns="national"), on=["ind", "ag"], how="left")
    f = pd.concat([nat, per[~per["national"]]], ignore_index=True).astype({"ind": np.int64, "ag": np.int64})
    f = f.sort_values(["ind", "national", "ag"], ascending=[True, False, True], kind="stable")
    f = f.reset_index(drop=True)
    r = reg.loc[f["ind"].to_numpy()].reset_index(drop=True)
    n_points = f["n_points"].fillna(0).to_numpy(np.int64)
    has = n_points > 0
    no_reg = r["reg_q"].isna().to_numpy() | ~f["national"].to_numpy(bool)
    q_base = np.where(has, f["q_first"], np.where(no_reg, np.nan, r["reg_q"])).astype(float)
    base = np.where(has, f["v_first"], np.where(no_reg, np.nan, r["reg_baseline"])).astype(float)
    latest = np.where(has, f["v_last"], np.nan).astype(float)
    q_last = np.where(has, f["q_last"], np.nan).astype(float)
    target = r["target"].to_numpy(float)
    part = r["additive"].to_numpy(bool) & ~f["national"].to_numpy(bool)  # an agency's part of a count
    d = _sign(r["direction"])
    q_dead = r["q_deadline"].to_numpy(float)

    with np.errstate(all="ignore"):
        met = d * (latest - target) >= 0
        gap = np.where(has, np.maximum(0.0, d * (target - latest)), np.nan)
        distance = d * (target - base)
        covered = np.where(distance > 0, d * (latest - base) / distance, np.nan)
        progress = np.where(met, 1.0, covered)  # below 1 whenever not met
        span = q_dead - q_base
        expected_share = np.where(span > 0, np.clip((now - q_base) / span, 0.0, 1.0), 1.0)
        expected_share = np.where(np.isnan(q_base), np.nan, expected_share)
        expected = base + (target - base) * expected_share
        elapsed, remaining = (q_last - q_base) / 4, (q_dead - q_last) / 4
        linear = (r["kind"].to_numpy() == "milestone") | ~(base != 0)
        ratio = cagr_ratio(base, latest, target, elapsed, remaining, r["direction"])
        ratio = np.where(
            linear | np.isnan(ratio),
            linear_ratio(base, latest, target, elapsed, remaining, r["direction"]),
            ratio,
        )
        missed = r["past_deadline"].to_numpy(bool)
        status = np.where(part, CONTRIBUTION, _status_codes(n_points, met, missed, ratio))
        left = q_dead - now
        required = np.where(met, 0.0, np.where(left > 0, (target - latest) / left, np.nan))
        observed = f["observed_pace"].to_numpy(float)
        pace_ratio = np.where(~met & (d * observed > 0), required / observed, np.nan)
        xm, ym, slope = (f[c].to_numpy(float) for c in ("fit_xm", "fit_ym", "slope"))
        projected = ym + slope * (q_dead - q_last - xm)
        cross = np.ceil(xm + (target - ym) / slope - 1e-9)
        ahead = np.maximum(cross, 1.0)
        reachable = ~met & (d * slope > 0) & (ahead <= _HORIZON)
        attain_q = np.where(met, q_last, np.where(reachable, q_last + ahead, np.nan))
        gap, progress, ratio, required, pace_ratio, projected, attain_q = (
            np.where(part, np.nan, x)
            for x in (gap, progress, ratio, required, pace_ratio, projected, attain_q)
        )
        expected = np.where(part, np.nan, expected)
        expected_share = np.where(part, np.nan, expected_share)
    reg_source = np.where(~no_reg, "registry", None)
    baseline_source = np.where(has, f["baseline_source"].to_numpy(dtype=object), reg_source)

    out = pd.DataFrame(
        {
            "indicator_id": r["indicator_id"],
            "measure": r["measure"],
            "kind": r["kind"],
            "agency_id": pd.Series(
                np.where(f["national"].to_numpy(bool), None, np.array(agencies, dtype=object)[f["ag"]]),
                dtype="string",
            ),
            "latest_period": _period_labels(q_last),
            "latest_value": latest,
            "baseline_period": _period_labels(q_base),
            "baseline_value": base,
            "target": target,
            "direction": r["direction"],
            "deadline": r["deadline"],
            "gap": gap,
            "progress": np.where(has, progress, np.nan),
            "expected_value": expected,
            "cagr_ratio": ratio,
            "status": status,
            "required_pace": np.where(has, required, np.nan),
            "observed_pace": observed,
            "projected_value": projected,
            "projected_attainment_period": _period_labels(attain_q),
            "figure": np.where(f["national"].to_numpy(bool), "national", "agency"),
            "unit": r["unit"],
            "n_points": n_points,
            "expected_progress": expected_share,
            "latest_note": _notes(obs, f["last_pos"]),
            "pace_ratio": pace_ratio,
            "baseline_source": baseline_source,
            "contribution": _contribution(cur, obs["value"].to_numpy(float), reg, f, latest, part),
        }
    )
    cols = (
        "latest_period",
        "baseline_period",
        "projected_attainment_period",
        "latest_note",
        "baseline_source",
    )
    for col in cols:
        out[col] = out[col].astype("string")
    return out[list(FIGURE_COLUMNS)]


def _contribution(
    cur: pd.DataFrame, values: np.ndarray, reg: pd.DataFrame, f: pd.DataFrame, latest: np.ndarray, part
) -> np.ndarray:
    """An agency's latest count as a share of the national figure for the same quarter (NaN when
    the owner did not report that quarter, and for every figure that is not such a part)."""
    ind, ag, q = (cur[c].to_numpy(np.int64) for c in ("ind", "ag", "q"))
    own = ag == reg["owner"].to_numpy()[ind]
    span = 1 << 20
    where = pd.Index(ind[own] * span + q[own]).get_indexer(
        f["ind"].to_numpy(np.int64) * span + f["q_last"].fillna(-1).to_numpy(np.int64)
    )
    national = np.full(len(where), np.nan)
    national[where >= 0] = values[cur["pos"].to_numpy()[own]][where[where >= 0]]
    with np.errstate(all="ignore"):
        return np.where(part & (national > 0), latest / national, np.nan)


def _notes(obs: pd.DataFrame, pos: pd.Series) -> np.ndarray:
    """The note of each figure's latest stored row (None for none or a registry baseline)."""
    pos = pos.fillna(-1).to_numpy(np.int64)
    out = np.full(len(pos), None, dtype=object)
    out[pos >= 0] = obs["note"].iloc[pos[pos >= 0]].to_numpy(dtype=object)
    return out


def status_records(df: pd.DataFrame) -> list[dict]:
    """Rows as JSON-safe dicts: NaN/NA/inf -> None, dates ISO, numpy scalars -> Python."""
    records = df.astype(object).where(df.notna(), None).to_dict("records")
    return [{k: _json_value(v) for k, v in rec.items()} for rec in records]


def _json_value(v):
    if is_missing(v):
        return None
    if isinstance(v, (list, tuple, np.ndarray)):
        return [_json_value(x) for x in v]
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float):
        return v if math.isfinite(v) else None
    if isinstance(v, (dt.date, pd.Timestamp)):
        return v.isoformat()
    return v


# ---------------------------------------------------------------- late reports and changes


def late_reports(registry: Registry, obs: pd.DataFrame, as_of: str, known_at: Moment = None) -> pd.DataFrame:
    """Owners that have not reported the as-of quarter (the quarter being collected).

    Only the owner must report (the national figure; a milestone's progress). Nothing is
    due outside the plan's quarters, nor for a milestone already completed earlier.
    """
    now = periods.index(as_of)
    columns = ["agency_id", "indicator_id", "period"]
    if not periods.index(registry.first_period) <= now <= periods.index(registry.last_period):
        return pd.DataFrame(columns=columns).astype("string")
    reg = _indicator_table(registry, as_of)
    cur = current_table(registry, obs, as_of, known_at)
    own = cur[cur["ag"].to_numpy() == reg["owner"].to_numpy()[cur["ind"]]]
    reported = np.zeros(len(reg), bool)
    reported[own.loc[own["q"] == now, "ind"].to_numpy()] = True
    earlier = own[own["q"] < now]
    done = obs["value"].to_numpy(float)[earlier["pos"]] >= reg["target"].to_numpy()[earlier["ind"]]
    completed = np.zeros(len(reg), bool)
    completed[earlier.loc[done, "ind"].to_numpy()] = True
    due = ~reported & ~((reg["kind"] == "milestone").to_numpy() & completed)
    agencies = np.array([a.id for a in registry.agencies], dtype=object)
    out = pd.DataFrame(
        {"agency_id": agencies[reg.loc[due, "owner"]], "indicator_id": reg.loc[due, "indicator_id"]}
    )
    return out.assign(period=as_of).reset_index(drop=True).astype("string")[columns]


__all__ = [
    "FIGURE_COLUMNS",
    "STATUSES",
    "STATUS_SEVERITY",
    "cagr_ratio",
    "current_values",
    "figures",
    "late_reports",
    "latest_period_with_data",
    "linear_ratio",
    "status_from_ratio",
    "status_records",
    "worst_status",
]
