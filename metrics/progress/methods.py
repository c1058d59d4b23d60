"""Three progress methods side by side, so "by whose method?" has an answer on every figure.

- ``open_sdg``: today's status (:mod:`metrics.progress.method`, Open SDG / Statistics Canada ratio);
- ``unsd``: UNSD SDG Progress Chart 2023, the latest value projected to the deadline at the observed
  CAGR, as a share of the baseline-to-target distance;
- ``destatis``: Destatis-style straight line of the mean change over the last 20 quarters, by the
  share of today's gap it would leave at the deadline.

Each maps to one of three levels (on track, off track, moving away); a figure whose assessed
levels differ is flagged. The methods speak about reaching the target *by the deadline*, so they
are assessed as of the deadline quarter at the latest: values for later quarters never count.
Rules and worked examples: ``docs/methodology.md`` section 13.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass

import numpy as np
import pandas as pd

from metrics.plan import periods
from metrics.plan.registry import Registry
from metrics.progress.figures import figures_at, series_points, status_records
from metrics.progress.method import CONTRIBUTION
from metrics.progress.observations import Moment, prepare

METHODS: tuple[str, ...] = ("open_sdg", "unsd", "destatis")
LEVELS: tuple[str, ...] = ("on_track", "off_track", "moving_away")
UNSD_ON_TRACK = 0.95  # UNSD Progress Chart 2023 thresholds on the projected share of the distance
UNSD_FAIR = 0.10
DESTATIS_WINDOW = 20  # quarters: Destatis uses the last five years
DESTATIS_ON_TRACK = 0.05  # share of today's gap left at the deadline
DESTATIS_SLIGHTLY_OFF = 0.20
OPEN_SDG_LEVEL = {
    "achieved": "on_track",
    "on_track": "on_track",
    "acceleration_needed": "off_track",
    "limited_progress": "off_track",
    "deterioration": "moving_away",
}


@dataclass(frozen=True)
class Unsd:
    """UNSD result: ``note`` says why it could not be assessed (then ``level`` is None)."""

    cagr: float
    projected: float
    ratio: float
    category: str | None  # met_or_on_track, fair_progress, stagnation_or_regression
    level: str | None
    note: str | None  # cagr_undefined, no_distance, insufficient_data


@dataclass(frozen=True)
class Destatis:
    """Destatis-style result: mean change per quarter, projection and the gap share it leaves."""

    mean_change: float
    projected: float
    gap_share: float
    category: str | None  # on_track, slightly_off, off, wrong_direction
    level: str | None
    note: str | None  # insufficient_data


def _met(latest: float, target: float, direction: str) -> bool:
    d = -1.0 if direction == "at_most" else 1.0
    return bool(d * (latest - target) >= 0)


def unsd(
    baseline: float,
    latest: float,
    target: float,
    years_elapsed: float,
    years_left: float,
    direction: str,
) -> Unsd:
    """v_e = v_t·(1+CAGR)^(T−t), CAGR from baseline to latest; ratio = (v_e − v_b) ÷ (target − v_b).

    The ratio is a share of the distance, so it reads the same way for ``at_most`` targets. CAGR
    needs a positive baseline and latest value and some time between them (else ``cagr_undefined``);
    a baseline already at or past the target leaves no distance (``no_distance``). A latest value
    that meets the target is ``met_or_on_track`` whatever the ratio.
    """
    nan = math.nan
    if any(map(_missing, (baseline, latest, target, years_elapsed, years_left))):
        return Unsd(nan, nan, nan, None, None, "insufficient_data")
    met = _met(latest, target, direction)
    defined = baseline > 0 and latest > 0 and years_elapsed > 0
    cagr = (latest / baseline) ** (1 / years_elapsed) - 1 if defined else nan
    projected = latest * (1 + cagr) ** max(years_left, 0.0) if defined else nan
    d = -1.0 if direction == "at_most" else 1.0
    distance = d * (target - baseline) > 0
    ratio = (projected - baseline) / (target - baseline) if defined and distance else nan
    if met:
        return Unsd(cagr, projected, ratio, "met_or_on_track", "on_track", None)
    if not defined:
        return Unsd(cagr, projected, ratio, None, None, "cagr_undefined")
    if not distance:
        return Unsd(cagr, projected, ratio, None, None, "no_distance")
    if ratio >= UNSD_ON_TRACK:
        return Unsd(cagr, projected, ratio, "met_or_on_track", "on_track", None)
    category = "fair_progress" if ratio >= UNSD_FAIR else "stagnation_or_regression"
    return Unsd(cagr, projected, ratio, category, "moving_away" if ratio < 0 else "off_track", None)


def destatis(
    latest: float, mean_change: float, quarters_left: float, target: float, direction: str
) -> Destatis:
    """v_p = v_t + mean change per quarter × quarters left; classified by the gap share it leaves:
    max(0, gap at the deadline) ÷ today's gap (Destatis: "missed by less than 5 % of the difference
    between the target value and the current value"). No change, or change away from the
    target, is ``wrong_direction``."""
    nan = math.nan
    if any(map(_missing, (latest, mean_change, quarters_left, target))):
        return Destatis(nan, nan, nan, None, None, "insufficient_data")
    d = -1.0 if direction == "at_most" else 1.0
    projected = latest + mean_change * max(quarters_left, 0.0)
    gap_now = d * (target - latest)
    if gap_now <= 0:  # met now
        return Destatis(mean_change, projected, 0.0, "on_track", "on_track", None)
    share = max(0.0, d * (target - projected)) / gap_now
    if d * mean_change <= 0:
        return Destatis(mean_change, projected, share, "wrong_direction", "moving_away", None)
    if share < DESTATIS_ON_TRACK:
        return Destatis(mean_change, projected, share, "on_track", "on_track", None)
    category = "slightly_off" if share <= DESTATIS_SLIGHTLY_OFF else "off"
    return Destatis(mean_change, projected, share, category, "off_track", None)


def open_sdg_level(status: str) -> str | None:
    """Today's status as a level; None for statuses that assess nothing (no data, missed, a part)."""
    return OPEN_SDG_LEVEL.get(status)


def disagree(levels: list[str | None]) -> bool:
    """True when at least two methods could assess the figure and their levels differ."""
    assessed = {x for x in levels if x is not None}
    return len(assessed) > 1


def _missing(x: object) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


# ---------------------------------------------------------------- per figure


def assessed_quarter(as_of: str, deadline_quarter: str) -> str:
    """The quarter the methods are assessed at: the as-of quarter, at the latest the deadline's."""
    return as_of if periods.index(as_of) <= periods.index(deadline_quarter) else deadline_quarter


def _mean_changes(registry: Registry, obs: pd.DataFrame, as_of: str, known_at: Moment, prep) -> pd.DataFrame:
    """Per figure (ind, ag): first point of the last 20 quarters (from the baseline on) and the
    mean change per quarter from it to the latest point (points come sorted by ind, ag, q)."""
    _, _, pts, _ = series_points(registry, obs, as_of, known_at, prep)
    if pts.empty:
        return pd.DataFrame(columns=["ind", "ag", "window_start", "mean"])
    ind, ag, q, v = pts.ind, pts.ag, pts.q, pts.value
    starts = pts.starts()
    lasts = np.r_[starts[1:] - 1, len(q) - 1]
    group = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(q)]))
    inside = q >= q[lasts][group] - DESTATIS_WINDOW
    first = np.minimum.reduceat(np.where(inside, np.arange(len(q)), len(q)), starts)
    span = q[lasts] - q[first]
    mean = np.where(span > 0, (v[lasts] - v[first]) / np.where(span > 0, span, 1), math.nan)
    return pd.DataFrame(
        {
            "ind": ind[starts],
            "ag": ag[starts],
            "window_start": [periods.from_index(int(x)) for x in q[first]],
            "mean": mean,
        }
    )


COLUMNS: tuple[str, ...] = (
    "indicator_id",
    "agency_id",
    "figure",
    "assessed_as_of",
    "deadline_passed",
    "deadline_quarter",
    "baseline_period",
    "baseline_value",
    "latest_period",
    "latest_value",
    "target",
    "direction",
    "years_left",
    "open_sdg_ratio",
    "open_sdg_status",
    "open_sdg_level",
    "unsd_cagr",
    "unsd_projected",
    "unsd_ratio",
    "unsd_category",
    "unsd_level",
    "unsd_note",
    "destatis_window_start",
    "destatis_mean_change",
    "destatis_projected",
    "destatis_gap_share",
    "destatis_category",
    "destatis_level",
    "destatis_note",
    "disagree",
)


def compare(
    registry: Registry,
    obs: pd.DataFrame,
    as_of: str,
    known_at: Moment = None,
    indicators: Collection[str] | None = None,
) -> pd.DataFrame:
    """The three methods for every figure (national and agency; not an agency's part of a count),
    each indicator assessed as of :func:`assessed_quarter`; one row per figure, registry order.
    ``indicators``: only these (the indicator page shows one)."""
    prep = prepare(registry, obs)
    rows = []
    by_quarter: dict[str, list] = {}
    for i in registry.indicators:
        if indicators is not None and i.id not in indicators:
            continue
        by_quarter.setdefault(assessed_quarter(as_of, periods.of_date(i.deadline)), []).append(i)
    order = {i.id: n for n, i in enumerate(registry.indicators)}
    agencies = prep.agencies
    owner = {i.id: i.owner for i in registry.indicators}
    for quarter, inds in by_quarter.items():
        figs = figures_at(registry, obs, quarter, known_at, prep)
        figs = figs[figs["indicator_id"].isin({i.id for i in inds}) & (figs["status"] != CONTRIBUTION)]
        means = _mean_changes(registry, obs, quarter, known_at, prep)
        mean_of = {
            (registry.indicators[r.ind].id, agencies[r.ag]): (r.window_start, r.mean)
            for r in means.itertuples()
        }
        for f in figs.to_dict("records"):
            ag = owner[f["indicator_id"]] if f["figure"] == "national" else f["agency_id"]
            rows.append(_row(f, quarter, as_of, mean_of.get((f["indicator_id"], ag), (None, math.nan))))
    out = pd.DataFrame(rows, columns=list(COLUMNS))
    out["_o"] = out["indicator_id"].map(order)
    out["_n"] = out["figure"] != "national"
    out = out.sort_values(["_o", "_n"], kind="stable").drop(columns=["_o", "_n"])
    return out.reset_index(drop=True)


def _row(f: dict, quarter: str, as_of: str, mean: tuple[str | None, float]) -> dict:
    deadline_q = periods.of_date(f["deadline"])
    has = f["n_points"] >= 2
    latest_q = None if _missing_label(f["latest_period"]) else periods.index(str(f["latest_period"]))
    base_q = None if _missing_label(f["baseline_period"]) else periods.index(str(f["baseline_period"]))
    quarters_left = periods.index(deadline_q) - latest_q if latest_q is not None else math.nan
    elapsed = (latest_q - base_q) / 4 if has and base_q is not None else math.nan
    u = unsd(
        f["baseline_value"] if has else math.nan,
        f["latest_value"],
        f["target"],
        elapsed,
        quarters_left / 4,
        f["direction"],
    )
    window_start, mean_change = mean
    s = destatis(
        f["latest_value"], mean_change if has else math.nan, quarters_left, f["target"], f["direction"]
    )
    status = str(f["status"])
    levels = [open_sdg_level(status), u.level, s.level]
    return {
        "indicator_id": f["indicator_id"],
        "agency_id": None if _missing_label(f["agency_id"]) else str(f["agency_id"]),
        "figure": f["figure"],
        "assessed_as_of": quarter,
        "deadline_passed": periods.index(as_of) > periods.index(deadline_q),
        "deadline_quarter": deadline_q,
        "baseline_period": None if _missing_label(f["baseline_period"]) else str(f["baseline_period"]),
        "baseline_value": f["baseline_value"],
        "latest_period": None if latest_q is None else str(f["latest_period"]),
        "latest_value": f["latest_value"],
        "target": f["target"],
        "direction": f["direction"],
        "years_left": quarters_left / 4,
        "open_sdg_ratio": f["cagr_ratio"],
        "open_sdg_status": status,
        "open_sdg_level": levels[0],
        "unsd_cagr": u.cagr,
        "unsd_projected": u.projected,
        "unsd_ratio": u.ratio,
        "unsd_category": u.category,
        "unsd_level": u.level,
        "unsd_note": u.note,
        "destatis_window_start": window_start if has else None,
        "destatis_mean_change": s.mean_change,
        "destatis_projected": s.projected,
        "destatis_gap_share": s.gap_share,
        "destatis_category": s.category,
        "destatis_level": s.level,
        "destatis_note": s.note,
        "disagree": disagree(levels),
    }


def _missing_label(x: object) -> bool:
    return x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x))


def method_record(row: dict) -> dict:
    """One figure's comparison as the nested ``methods`` field of ``status --json``."""

    def pick(prefix: str) -> dict:
        return {k[len(prefix) :]: v for k, v in row.items() if k.startswith(prefix)}

    return {
        "assessed_as_of": row["assessed_as_of"],
        "deadline_passed": row["deadline_passed"],
        "years_left": row["years_left"],
        **{k: row[k] for k in ("baseline_period", "baseline_value", "latest_period", "latest_value")},
        "open_sdg": pick("open_sdg_"),
        "unsd": pick("unsd_"),
        "destatis": pick("destatis_"),
        "disagree": row["disagree"],
    }


def with_methods(records: list[dict], comparison: pd.DataFrame) -> list[dict]:
    """``status --json`` records with a ``methods`` field each (None for an agency's part of a
    count, or an agency figure with no report up to the deadline quarter); other fields unchanged."""
    by_key = {(r["indicator_id"], r["agency_id"]): method_record(r) for r in status_records(comparison)}
    return [rec | {"methods": by_key.get((rec["indicator_id"], rec["agency_id"]))} for rec in records]
