"""Stored observations as integer codes: which revision counts, as of a quarter and as known at a time.

The one place that decides which revision counts; :mod:`metrics.progress.figures` computes
every figure from these tables, :mod:`metrics.progress.rollups` compares two of them.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
import weakref
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import pandas as pd

from metrics.plan import periods
from metrics.plan.registry import Registry

Moment = pd.Timestamp | dt.datetime | str | None  # a known_at time (naive = UTC)
T = TypeVar("T")


def period_index(values: pd.Series) -> np.ndarray:
    """Quarter index of every row, parsing each distinct period once."""
    codes, uniques = pd.factorize(values)
    lookup = np.array([periods.index(str(u)) for u in uniques] + [-1], dtype=np.int64)
    return lookup[codes]


def _period_labels(q) -> np.ndarray:
    """Canonical period strings for an array of quarter indexes (NaN -> None)."""
    q = np.asarray(q, dtype=float)
    out = np.full(q.shape, None, dtype=object)
    ok = ~np.isnan(q)
    quarters, at = np.unique(q[ok].astype(np.int64), return_inverse=True)  # a few dozen quarters
    out[ok] = np.array([f"{k // 4}Q{k % 4 + 1}" for k in quarters.tolist()], dtype=object)[at]
    return out


def timestamp(value: Moment) -> pd.Timestamp:
    """A known_at moment as a naive UTC timestamp (how ``recorded_at`` is stored)."""
    ts = pd.Timestamp(value)
    return ts.tz_convert("UTC").tz_localize(None) if ts.tzinfo is not None else ts


def _agency_ids(registry: Registry, obs: pd.DataFrame) -> list[str]:
    known = [a.id for a in registry.agencies]
    extra = sorted(set(pd.unique(obs["agency_id"].dropna())) - set(known))
    return known + extra


def _codes(values: pd.Series, categories: list[str]) -> np.ndarray:
    """Position of each value in ``categories`` (-1 when absent), hashing each distinct value once."""
    codes, uniques = pd.factorize(values)
    lookup = np.r_[pd.Index(categories).get_indexer(pd.Index(uniques, dtype=object)), -1]
    return lookup[codes]


@dataclass(frozen=True)
class Prepared:
    """Integer codes of the stored rows of registry indicators, sorted by indicator (registry
    order), agency, quarter and revision: worked out once per observations frame, then shared
    by every as-of view of it (``changes`` needs four)."""

    agencies: list[str]  # registry agencies first, then the others by id
    pos: np.ndarray  # row positions in obs
    ind: np.ndarray
    ag: np.ndarray
    q: np.ndarray
    q_all: np.ndarray  # quarter index of every row of obs, in obs order
    last: np.ndarray  # the row is its (indicator, agency, quarter)'s highest revision


_DERIVED: list[tuple[weakref.ref, weakref.ref, tuple, object]] = []  # newest last
_DERIVED_KEEP = 16
_DERIVED_LOCK = threading.Lock()
_MAKING: dict[tuple[int, int, tuple], threading.Event] = {}  # worked out right now, by another thread


def derived(registry: Registry, obs: pd.DataFrame, key: tuple, make: Callable[[], T]) -> T:
    """What ``make`` works out from ``registry`` and ``obs``, once per pair of objects and ``key``.

    A page run asks for several views of one cached frame (the status, the changes, the late
    reports), and coding 440,000 rows costs more than any one of them. Nothing changes a stored
    frame in place (every read makes a new one; what is taken from it is a copy under pandas'
    copy-on-write), so the same live object means the same result. The last 16 results are kept
    (at scale a few of them are 13 MB of codes); a dead frame's are dropped at the next store.

    A thread asking for a result another thread is working out waits for it rather than working
    it out again beside it (the server's warm-up and its first visitor; several leaders opening
    the overview after an upload): two such runs under one interpreter lock take twice as long.
    Views depend on views in one direction only (an assessment on figures, figures on codes), so
    a wait never closes a circle."""
    token = (id(registry), id(obs), key)  # both objects stay alive while ``make`` runs
    while True:
        with _DERIVED_LOCK:
            for reg_ref, obs_ref, k, value in _DERIVED:
                if k == key and reg_ref() is registry and obs_ref() is obs:
                    return value  # type: ignore[return-value]
            busy = _MAKING.get(token)
            if busy is None:
                _MAKING[token] = done = threading.Event()
                break
        busy.wait()  # then look again: stored, or (its ``make`` failed) worked out here
    try:
        value = make()
        with _DERIVED_LOCK:
            alive = [e for e in _DERIVED if e[0]() is not None and e[1]() is not None]
            entry = (weakref.ref(registry), weakref.ref(obs), key, value)
            _DERIVED[:] = [*alive[-(_DERIVED_KEEP - 1) :], entry]
        return value
    finally:
        with _DERIVED_LOCK:
            del _MAKING[token]
        done.set()


def as_of_view(
    registry: Registry,
    obs: pd.DataFrame,
    name: str,
    as_of: str,
    known_at: Moment,
    make: Callable[[], pd.DataFrame],
) -> pd.DataFrame:
    """:func:`derived` for a view ``name`` as of a quarter and a moment, handed out as a shallow
    copy: a caller adding a column changes its copy only (copy-on-write)."""
    key = (name, as_of, None if known_at is None else timestamp(known_at))
    return derived(registry, obs, key, make).copy(deep=False)


def prepare(registry: Registry, obs: pd.DataFrame) -> Prepared:
    """The codes of ``obs`` under ``registry`` (see :func:`derived`)."""
    return derived(registry, obs, ("prepare",), lambda: _prepare(registry, obs))


def _prepare(registry: Registry, obs: pd.DataFrame) -> Prepared:
    q_all = period_index(obs["period"])
    ind = _codes(obs["indicator_id"], [i.id for i in registry.indicators])
    agencies = _agency_ids(registry, obs)
    pos = np.flatnonzero(ind >= 0)
    ag = _codes(obs["agency_id"], agencies)[pos]
    ind, q = ind[pos], q_all[pos]
    order = _order(ind, ag, q, obs["revision"].to_numpy()[pos])
    ind, ag, q = ind[order], ag[order], q[order]
    return Prepared(agencies, pos[order], ind, ag, q, q_all, _last_of_group(ind, ag, q))


def _order(*keys: np.ndarray) -> np.ndarray:
    """``np.lexsort`` of the keys, first key most significant; one stable sort of a combined
    integer key when it fits in 63 bits (three times faster at 440,000 rows)."""
    if len(keys[0]) == 0:
        return np.arange(0)
    parts = [np.asarray(k, dtype=np.int64) for k in keys]
    lows = [int(k.min()) for k in parts]
    spans = [int(k.max()) - low + 1 for k, low in zip(parts, lows, strict=True)]
    if float(np.prod(np.array(spans, dtype=float))) >= 2.0**62:
        return np.lexsort(tuple(reversed(parts)))
    combined = np.zeros(len(parts[0]), dtype=np.int64)
    for k, low, span in zip(parts, lows, spans, strict=True):
        combined = combined * span + (k - low)
    return np.argsort(combined, kind="stable")


def _last_of_group(ind: np.ndarray, ag: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Whether each row (sorted by indicator, agency, quarter) is the last of its (ind, ag, q) run."""
    return np.r_[(ind[1:] != ind[:-1]) | (ag[1:] != ag[:-1]) | (q[1:] != q[:-1]), True][: len(ind)]


def current_table(
    registry: Registry,
    obs: pd.DataFrame,
    as_of: str,
    known_at: Moment = None,
    prep: Prepared | None = None,
) -> pd.DataFrame:
    """Row positions (``pos``) of the counting revisions plus codes ``ind``, ``ag`` and quarter ``q``,
    sorted by indicator, agency, period; numeric only, so it stays fast on large stores. Worked out
    once per frame, quarter and moment (see :func:`derived`)."""
    return as_of_view(
        registry,
        obs,
        "current",
        as_of,
        known_at,
        lambda: _current_table(registry, obs, as_of, known_at, prep),
    )


def _current_table(
    registry: Registry, obs: pd.DataFrame, as_of: str, known_at: Moment, prep: Prepared | None
) -> pd.DataFrame:
    p = prep if prep is not None else prepare(registry, obs)
    keep = p.q <= periods.index(as_of)
    if known_at is None:  # a whole quarter is in or out: each run's last row stays its last
        last = np.flatnonzero(keep & p.last)
        return pd.DataFrame({"pos": p.pos[last], "ind": p.ind[last], "ag": p.ag[last], "q": p.q[last]})
    keep &= (obs["recorded_at"] <= timestamp(known_at)).to_numpy()[p.pos]
    pos, ind, ag, q = p.pos[keep], p.ind[keep], p.ag[keep], p.q[keep]
    last = _last_of_group(ind, ag, q)
    return pd.DataFrame({"pos": pos[last], "ind": ind[last], "ag": ag[last], "q": q[last]})


def current_values(
    registry: Registry,
    obs: pd.DataFrame,
    as_of: str,
    known_at: Moment = None,
    indicators: Collection[str] | None = None,
) -> pd.DataFrame:
    """Current revision of every (indicator, agency, period) up to ``as_of``, as known at ``known_at``.

    The one place that decides which revision counts (the highest revision recorded by
    ``known_at``). Returns the stored rows plus integer codes ``ind`` (registry order),
    ``ag`` (registry agencies first) and the quarter index ``q``, sorted by indicator,
    agency, period. Indicators not in the registry are ignored; with ``indicators``, only those
    are returned (a page shows a few of 500).
    """
    cur = current_table(registry, obs, as_of, known_at)
    if indicators is not None:
        wanted = [k for k, ind in enumerate(registry.indicators) if ind.id in set(indicators)]
        cur = cur[cur["ind"].isin(wanted)].reset_index(drop=True)
    rows = obs.iloc[cur["pos"].to_numpy()].reset_index(drop=True)
    return rows.assign(ind=cur["ind"], ag=cur["ag"], q=cur["q"])


def latest_period_with_data(obs: pd.DataFrame) -> str | None:
    """Most recent period anyone reported: the CLI's default as-of quarter."""
    if obs.empty:
        return None
    return periods.from_index(int(period_index(obs["period"]).max()))


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_known_at(text: str) -> pd.Timestamp | None:
    """``2025-10-15`` (everything recorded by the end of that day) or an ISO time
    (``2025-10-15T09:30``, UTC); None when unreadable."""
    text = str(text).strip()
    try:
        moment = pd.Timestamp(text)
    except (ValueError, TypeError):
        return None
    if pd.isna(moment):
        return None
    moment = timestamp(moment)
    return moment + pd.Timedelta(days=1) - pd.Timedelta(1, "ns") if _DATE.match(text) else moment
