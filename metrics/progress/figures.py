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
from metrics.text.format import is_missing

PACE_WINDOW = 4  # quarters of observed pace
TREND_POINTS = 8  # points in the least-squares projection
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
# Where a figure's baseline comes from (see _from_baseline): the registry, the report for the
# quarter before the plan starts, the first report after it, or (only before the plan) the
# latest report.
BASELINE_SOURCES: tuple[str, ...] = ("registry", "pre_plan", "first_report", "latest_report")


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


def _series(cur: pd.DataFrame, values: np.ndarray, reg: pd.DataFrame) -> pd.DataFrame:
    """Points (ind, ag, q, value, pos) of every figure: the reported values, with a registry
    baseline replacing the national figure's reports for its period and earlier (pos -1)."""
    ind, ag, q, pos = (cur[c].to_numpy(np.int64) for c in ("ind", "ag", "q", "pos"))
    owner = reg["owner"].to_numpy(np.int64)
    national = ag == owner[ind]
    keep = ~(national & (q <= reg["reg_q"].to_numpy()[ind]))
    base = reg.loc[np.intersect1d(reg.index[reg["reg_q"].notna()], np.unique(ind[national]))]
    ind, ag, q, pos = ind[keep], ag[keep], q[keep], pos[keep]
    value = values[pos]
    if len(base):
        # ``cur`` is sorted by (ind, ag, q) and the baseline point comes before the figure's
        # remaining reports (those up to its quarter were dropped): insert, rather than sort again.
        b_ind = base.index.to_numpy(np.int64)
        b_ag = base["owner"].to_numpy(np.int64)
        b_q = base["reg_q"].to_numpy().astype(np.int64)
        lo = int(min(q.min(initial=b_q.min()), b_q.min()))
        span = int(max(q.max(initial=lo), b_q.max())) - lo + 1
        n_ag = int(max(ag.max(initial=0), b_ag.max())) + 1
        at = np.searchsorted((ind * n_ag + ag) * span + (q - lo), (b_ind * n_ag + b_ag) * span + (b_q - lo))
        ind, ag, q = np.insert(ind, at, b_ind), np.insert(ag, at, b_ag), np.insert(q, at, b_q)
        pos = np.insert(pos, at, -1)
        value = np.insert(value, at, base["reg_baseline"].to_numpy(dtype=float))
    return pd.DataFrame({"pos": pos, "ind": ind, "ag": ag, "q": q, "value": value})


def _from_baseline(pts: pd.DataFrame, plan_q: int) -> tuple[pd.DataFrame, np.ndarray]:
    """Each figure's points from its baseline on, and where the baseline came from (per figure).

    The baseline is the registry's (its synthetic point), else the report for the quarter before
    the plan (``plan_q``), else the first report after it; only a figure with nothing from then
    on (an as-of quarter before the plan) falls back to its latest report. Older reports never
    count, so loading more history cannot move a baseline."""
    key = pts["ind"].to_numpy(np.int64) * 1_000_000 + pts["ag"].to_numpy(np.int64)
    if len(key) == 0:
        return pts, np.array([], dtype=object)
    q = pts["q"].to_numpy(np.int64)
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    size = np.diff(np.r_[starts, len(key)])
    none = np.iinfo(np.int64).max
    reg_q = np.minimum.reduceat(np.where(pts["pos"].to_numpy() < 0, q, none), starts)
    after = np.minimum.reduceat(np.where(q >= plan_q, q, none), starts)
    last = np.maximum.reduceat(q, starts)
    q_base = np.where(reg_q < none, reg_q, np.where(after < none, after, last))
    source = np.select(
        [reg_q < none, after == plan_q, after < none],
        ["registry", "pre_plan", "first_report"],
        default="latest_report",
    ).astype(object)
    return pts.loc[q >= np.repeat(q_base, size)].reset_index(drop=True), source


def _per_figure(pts: pd.DataFrame) -> pd.DataFrame:
    """First/last point, 4-quarter pace reference and 8-point least-squares fit per figure."""
    key = pts["ind"].to_numpy(np.int64) * 1_000_000 + pts["ag"].to_numpy(np.int64)
    q = pts["q"].to_numpy(np.int64)
    v = pts["value"].to_numpy(float)
    n = len(key)
    if n == 0:
        cols = ["ind", "ag", "n_points", "q_first", "v_first", "q_last", "v_last", "last_pos"]
        cols += ["observed_pace", "fit_xm", "fit_ym", "slope"]
        return pd.DataFrame({c: pd.Series(dtype=float) for c in cols})
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    ends = np.r_[starts[1:], n] - 1
    size = ends - starts + 1
    idx = np.arange(n)
    q_last_row = np.repeat(q[ends], size)
    in_window = (q >= q_last_row - PACE_WINDOW) & (q < q_last_row)
    ref = np.minimum.reduceat(np.where(in_window, idx, n), starts)
    has_ref = ref < n
    ref = np.where(has_ref, ref, ends)
    fit = (np.repeat(ends, size) - idx) < TREND_POINTS
    x = (q - q_last_row).astype(float)
    m = np.add.reduceat(fit.astype(float), starts)
    xm = np.add.reduceat(np.where(fit, x, 0.0), starts) / m
    ym = np.add.reduceat(np.where(fit, v, 0.0), starts) / m
    dx = np.where(fit, x - np.repeat(xm, size), 0.0)
    dy = np.where(fit, v - np.repeat(ym, size), 0.0)
    sxx = np.add.reduceat(dx * dx, starts)
    with np.errstate(all="ignore"):
        slope = np.where(sxx > 0, np.add.reduceat(dx * dy, starts) / sxx, np.nan)
        pace = np.where(has_ref, (v[ends] - v[ref]) / (q[ends] - q[ref]), np.nan)
    return pd.DataFrame(
        {
            "ind": pts["ind"].to_numpy()[starts],
            "ag": pts["ag"].to_numpy()[starts],
            "n_points": size,
            "q_first": q[starts],
            "v_first": v[starts],
            "q_last": q[ends],
            "v_last": v[ends],
            "last_pos": pts["pos"].to_numpy()[ends],
            "observed_pace": pace,
            "fit_xm": xm,
            "fit_ym": ym,
            "slope": slope,
        }
    )


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
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, np.ndarray]:
    """Every figure's points from its baseline on, as the status engine and the other methods read
    them: (the indicator table, the current values, the points (ind, ag, q, value), where each
    baseline comes from)."""
    reg = _indicator_table(registry, as_of)
    cur = current_table(registry, obs, as_of, known_at, prep)
    plan_q = periods.index(registry.first_period) - 1
    pts, source = _from_baseline(_series(cur, obs["value"].to_numpy(float), reg), plan_q)
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
    per = _per_figure(pts).assign(baseline_source=source)
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
