"""Each figure's points: the reported values with the registry baselines, from the baseline on.

The status engine's series (:mod:`metrics.progress.figures` computes every formula from them,
:mod:`metrics.progress.methods` the other methods' changes): built from a current table
(:func:`metrics.progress.observations.current_table`) as plain sorted arrays, then reduced to
one row of first and last point, pace and trend per figure.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

PACE_WINDOW = 4  # quarters of observed pace
TREND_POINTS = 8  # points in the least-squares projection

# Where a figure's baseline comes from (see from_baseline): the registry, the report for the
# quarter before the plan starts, the first report after it, or (only before the plan) the
# latest report.
BASELINE_SOURCES: tuple[str, ...] = ("registry", "pre_plan", "first_report", "latest_report")


@dataclass(frozen=True)
class Points:
    """Every figure's points, sorted by indicator, agency and quarter: row position in the
    observations (-1 for a registry baseline), codes, quarter index and value. Plain arrays, not a
    DataFrame: at 400,000 points building and filtering a frame was a fifth of a figure table."""

    pos: np.ndarray
    ind: np.ndarray
    ag: np.ndarray
    q: np.ndarray
    value: np.ndarray

    @property
    def empty(self) -> bool:
        return len(self.q) == 0

    def where(self, mask: np.ndarray) -> Points:
        return Points(self.pos[mask], self.ind[mask], self.ag[mask], self.q[mask], self.value[mask])

    def starts(self) -> np.ndarray:
        """Where each figure's points begin (they are sorted by figure); at least one point."""
        key = self.ind.astype(np.int64) * 1_000_000 + self.ag
        return np.flatnonzero(np.r_[True, key[1:] != key[:-1]])


def reported_points(cur: pd.DataFrame, values: np.ndarray, reg: pd.DataFrame) -> Points:
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
    return Points(pos, ind, ag, q, value)


def from_baseline(pts: Points, plan_q: int) -> tuple[Points, np.ndarray]:
    """Each figure's points from its baseline on, and where the baseline came from (per figure).

    The baseline is the registry's (its synthetic point), else the report for the quarter before
    the plan (``plan_q``), else the first report after it; only a figure with nothing from then
    on (an as-of quarter before the plan) falls back to its latest report. Older reports never
    count, so loading more history cannot move a baseline."""
    if pts.empty:
        return pts, np.array([], dtype=object)
    q = pts.q
    starts = pts.starts()
    size = np.diff(np.r_[starts, len(q)])
    none = np.iinfo(np.int64).max
    reg_q = np.minimum.reduceat(np.where(pts.pos < 0, q, none), starts)
    after = np.minimum.reduceat(np.where(q >= plan_q, q, none), starts)
    last = np.maximum.reduceat(q, starts)
    q_base = np.where(reg_q < none, reg_q, np.where(after < none, after, last))
    source = np.select(
        [reg_q < none, after == plan_q, after < none],
        ["registry", "pre_plan", "first_report"],
        default="latest_report",
    ).astype(object)
    return pts.where(q >= np.repeat(q_base, size)), source


def per_figure(pts: Points) -> pd.DataFrame:
    """First/last point, 4-quarter pace reference and 8-point least-squares fit per figure."""
    q, v = pts.q, pts.value
    n = len(q)
    if n == 0:
        cols = ["ind", "ag", "n_points", "q_first", "v_first", "q_last", "v_last", "last_pos"]
        cols += ["observed_pace", "fit_xm", "fit_ym", "slope"]
        return pd.DataFrame({c: pd.Series(dtype=float) for c in cols})
    starts = pts.starts()
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
            "ind": pts.ind[starts],
            "ag": pts.ag[starts],
            "n_points": size,
            "q_first": q[starts],
            "v_first": v[starts],
            "q_last": q[ends],
            "v_last": v[ends],
            "last_pos": pts.pos[ends],
            "observed_pace": pace,
            "fit_xm": xm,
            "fit_ym": ym,
            "slope": slope,
        }
    )
