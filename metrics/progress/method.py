"""The status method: Open SDG / Statistics Canada ratio of observed to required growth.

Pure formulas on numbers (scalars or arrays), no data frames: the thresholds, the
ratio, the status it implies, and the "worst status" of a group. ``docs/methodology.md``
explains each rule with a worked example.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import numpy.typing as npt
import pandas as pd

# Best to worst. The two "cannot assess" statuses sort last, but worst_status() only
# falls back to them when nothing in the group could be assessed (a missing report
# must not hide a missed target).
STATUSES: tuple[str, ...] = (
    "achieved",
    "on_track",
    "acceleration_needed",
    "limited_progress",
    "deterioration",
    "missed",
    "insufficient_data",
    "no_data",
)
ON_TRACK_RATIO = 0.95  # Open SDG / Statistics Canada thresholds
ACCELERATION_RATIO = 0.6
ZERO_SUBSTITUTE = 0.001  # sdg-build replaces a zero target by 0.001; here every zero (see cagr_ratio)
# An agency's part of an additive national count (``additive: true`` in the registry): it is
# shown as a share of the national figure, not judged against the national target.
CONTRIBUTION = "contribution"

# ---------------------------------------------------------------- pure formulas


def _sign(direction: str | npt.ArrayLike) -> np.ndarray:
    return np.where(np.asarray(direction) == "at_most", -1.0, 1.0)


def cagr_ratio(
    baseline: npt.ArrayLike,
    latest: npt.ArrayLike,
    target: npt.ArrayLike,
    years_elapsed: npt.ArrayLike,
    years_remaining: npt.ArrayLike,
    direction: str | npt.ArrayLike,
) -> float | np.ndarray:
    """Open SDG ratio R = CAGR_obs / |CAGR_req|, sign flipped for at_most targets.

    CAGR_obs runs from the baseline to the latest value over ``years_elapsed``;
    CAGR_req from the baseline to the target over ``years_elapsed + years_remaining``
    (baseline to deadline). Zeros become 0.001 and a negative baseline flips the sign (sdg-build
    replaces only a zero target and divides by the signed required rate). NaN when a span is
    not positive or the values change sign (use :func:`linear_ratio` then). Scalars in, float
    out; arrays in, array out.
    """
    b, lat, t = (np.asarray(x, dtype=float) for x in (baseline, latest, target))
    b, lat, t = (np.where(x == 0, ZERO_SUBSTITUTE, x) for x in (b, lat, t))
    te = np.asarray(years_elapsed, dtype=float)
    tt = te + np.asarray(years_remaining, dtype=float)
    ok = (te > 0) & (tt > 0) & (np.sign(b) == np.sign(lat)) & (np.sign(b) == np.sign(t))
    with np.errstate(all="ignore"):
        observed = np.expm1(np.log(lat / b) / te)  # (lat/b)^(1/te) - 1 without rounding to 0
        required = np.expm1(np.log(t / b) / tt)
        r = np.sign(b) * _sign(direction) * observed / np.abs(required)
    return _out(np.where(ok, r, np.nan))


def linear_ratio(
    baseline: npt.ArrayLike,
    latest: npt.ArrayLike,
    target: npt.ArrayLike,
    years_elapsed: npt.ArrayLike,
    years_remaining: npt.ArrayLike,
    direction: str | npt.ArrayLike,
) -> float | np.ndarray:
    """Same ratio with straight-line rates: observed change per year over required change per year.

    Used where compound growth has no meaning: milestones (percent complete, which starts
    at 0) and zero or sign-changing baselines, where CAGR would depend on the 0.001
    substitute rather than on the data.
    """
    b, lat, t = (np.asarray(x, dtype=float) for x in (baseline, latest, target))
    te = np.asarray(years_elapsed, dtype=float)
    tt = te + np.asarray(years_remaining, dtype=float)
    with np.errstate(all="ignore"):
        r = _sign(direction) * ((lat - b) / te) / np.abs((t - b) / tt)
    return _out(np.where((te > 0) & (tt > 0), r, np.nan))


def _out(a: np.ndarray) -> float | np.ndarray:
    return float(a) if a.ndim == 0 else a


def _status_codes(n_points, met, missed, ratio) -> np.ndarray:
    n = np.asarray(n_points)
    r = np.asarray(ratio, dtype=float)
    conditions = [
        np.asarray(met, dtype=bool),
        np.asarray(missed, dtype=bool),  # also with nothing reported: no data at the deadline is missed
        n == 0,
        (n < 2) | np.isnan(r),
        r >= ON_TRACK_RATIO,
        r >= ACCELERATION_RATIO,
        r >= 0,
    ]
    choices = [
        "achieved",
        "missed",
        "no_data",
        "insufficient_data",
        "on_track",
        "acceleration_needed",
        "limited_progress",
    ]
    return np.select(conditions, choices, default="deterioration")


def status_from_ratio(ratio: float, met: bool = False, missed: bool = False, n_points: int = 2) -> str:
    """Status for one figure; precedence: achieved, missed (data or not), no data, insufficient data, R."""
    return str(_status_codes(np.array([n_points]), [met], [missed], [ratio])[0])


# Severity for "worst status": every assessed status outranks the two unassessed ones.
STATUS_SEVERITY: dict[str, int] = {s: 10 + i for i, s in enumerate(STATUSES[:6])} | {
    "insufficient_data": 1,
    "no_data": 0,
}
_BY_SEVERITY = {v: k for k, v in STATUS_SEVERITY.items()}


def worst_status(statuses: Iterable[str]) -> str:
    """Worst assessed status; ``insufficient_data``/``no_data`` only if nothing was assessed
    (an agency's contribution to an additive count is no status and is left out)."""
    keys = pd.Series(list(statuses), dtype=object).map(STATUS_SEVERITY).dropna()
    return _BY_SEVERITY[int(keys.max())] if len(keys) else "no_data"
