"""Roll-ups of the figures per measure, section and agency, and what changed between briefings.

Built on :mod:`metrics.progress.figures` (the per-figure rules), which never imports this
module. Only national figures describe an indicator; agencies' own figures appear in the
agency roll-up.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.plan import periods
from metrics.plan.registry import Registry
from metrics.progress.final import assessment_at
from metrics.progress.method import STATUS_SEVERITY, STATUSES
from metrics.progress.observations import Moment, current_table, period_index, prepare, timestamp

KINDS = ("kpi", "milestone")
ROLES = ("lead", "shared", "other")


# Roll-ups run on every page view: they count with numpy on integer group codes (registry
# order) rather than with crosstab/groupby/merge, which cost tens of milliseconds each.
_STATUS_INDEX = pd.Index(STATUSES)
_SEVERITIES = np.array([STATUS_SEVERITY[s] for s in STATUSES])
_BY_SEVERITY = np.full(max(STATUS_SEVERITY.values()) + 2, None, dtype=object)  # severity + 1 -> status
_BY_SEVERITY[0] = "no_data"  # severity -1: nothing in the group
for _status, _severity in STATUS_SEVERITY.items():
    _BY_SEVERITY[_severity + 1] = _status


def _status_counts(groups: np.ndarray, n: int, status: pd.Series) -> np.ndarray:
    """(n, len(STATUSES)) counts of every status per group code (rows with code -1 skipped)."""
    codes = _STATUS_INDEX.get_indexer(status)
    ok = (groups >= 0) & (codes >= 0)
    width = len(STATUSES)
    return np.bincount(groups[ok] * width + codes[ok], minlength=n * width).reshape(n, width)


def _progress_sums(groups: np.ndarray, n: int, progress: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Sum and number of the known progress shares per group code."""
    p = progress.to_numpy(dtype=float, na_value=np.nan)
    ok = (groups >= 0) & ~np.isnan(p)
    return np.bincount(groups[ok], weights=p[ok], minlength=n), np.bincount(groups[ok], minlength=n)


def _summary_columns(counts: np.ndarray, total: np.ndarray, n: np.ndarray, prefix: str = "") -> dict:
    """Columns <prefix><status> (counts), <prefix>worst_status (the worst assessed status,
    else the worst unassessed one, else no_data) and <prefix>mean_progress."""
    out: dict[str, object] = {f"{prefix}{s}": counts[:, k] for k, s in enumerate(STATUSES)}
    severity = np.where(counts > 0, _SEVERITIES, -1).max(axis=1, initial=-1)
    out[f"{prefix}worst_status"] = pd.Series(_BY_SEVERITY[severity + 1], dtype=object)
    with np.errstate(invalid="ignore", divide="ignore"):
        out[f"{prefix}mean_progress"] = np.where(n > 0, total / np.maximum(n, 1), np.nan)
    return out


def _national(figures_df: pd.DataFrame) -> pd.DataFrame:
    cols = ["measure", "kind", "status", "progress", "n_points"]
    return figures_df.loc[figures_df["figure"] == "national", cols]


def _missing(groups: np.ndarray, n: int, n_points: pd.Series) -> np.ndarray:
    """Figures with nothing reported per group code: shown beside every worst status and mean
    progress, which only speak for the figures that have data."""
    ok = (groups >= 0) & (n_points.to_numpy() == 0)
    return np.bincount(groups[ok], minlength=n)


def _by_group(nat: pd.DataFrame, codes: np.ndarray, groups: list[int], key: str) -> pd.DataFrame:
    """Per group (``codes``: each national figure's group position, -1 for none): n_kpi,
    n_milestone, tracked_by, <kind>_<status> counts, worst status, mean progress, missing."""
    n = len(groups)
    kind = pd.Index(KINDS).get_indexer(nat["kind"])
    columns: dict[str, object] = {}
    per_kind = []
    for k, name in enumerate(KINDS):
        in_kind = np.where(kind == k, codes, -1)
        per_kind.append(_status_counts(in_kind, n, nat["status"]))
        columns[f"n_{name}"] = np.bincount(in_kind[in_kind >= 0], minlength=n)
    n_kpi, n_milestone = columns["n_kpi"], columns["n_milestone"]
    columns["tracked_by"] = np.select(
        [(n_kpi > 0) & (n_milestone > 0), n_kpi > 0, n_milestone > 0],
        ["kpi+milestone", "kpi", "milestone"],
        default="none",
    )
    for name, counts in zip(KINDS, per_kind, strict=True):
        columns.update({f"{name}_{s}": counts[:, j] for j, s in enumerate(STATUSES)})
    total, has = _progress_sums(codes, n, nat["progress"])
    every = _summary_columns(per_kind[0] + per_kind[1], total, has)
    columns["worst_status"] = every["worst_status"].to_numpy()
    columns["mean_progress"] = every["mean_progress"]
    columns["missing"] = _missing(codes, n, nat["n_points"])
    out = pd.DataFrame(columns, index=pd.Index(groups, name=key))
    out["worst_status"] = out["worst_status"].astype(object)
    return out


def measure_rollup(registry: Registry, figures_df: pd.DataFrame) -> pd.DataFrame:
    """One row per measure in registry order (measures without KPIs are tracked by their milestones)."""
    nat = _national(figures_df)
    ids = [m.id for m in registry.measures]
    out = _by_group(nat, pd.Index(ids).get_indexer(nat["measure"]), ids, "measure").reset_index()
    out.insert(1, "section", [m.section for m in registry.measures])
    out.insert(2, "title_zh", [m.title_zh for m in registry.measures])
    out.insert(3, "title_en", [m.title_en for m in registry.measures])
    return out


def section_rollup(registry: Registry, figures_df: pd.DataFrame) -> pd.DataFrame:
    """One row per section: the same counts over all of its measures' indicators."""
    nat = _national(figures_df)
    ids = [s.id for s in registry.sections]
    section_of = np.r_[pd.Index(ids).get_indexer([m.section for m in registry.measures]), -1]
    codes = section_of[pd.Index([m.id for m in registry.measures]).get_indexer(nat["measure"])]
    out = _by_group(nat, codes, ids, "section").reset_index()
    n_measures = pd.Series([m.section for m in registry.measures]).value_counts()
    out.insert(1, "title_zh", [s.title_zh for s in registry.sections])
    out.insert(2, "title_en", [s.title_en for s in registry.sections])
    out.insert(3, "n_measures", out["section"].map(n_measures).fillna(0).astype(int))
    return out


def _roles(registry: Registry) -> np.ndarray:
    """(agency, measure) -> role code (0 lead, 1 shared, 2 other), registry order."""
    agency = {a.id: i for i, a in enumerate(registry.agencies)}
    roles = np.full((len(registry.agencies), len(registry.measures)), 2, dtype=np.int64)
    for j, m in enumerate(registry.measures):
        for role, ids in ((1, m.sharing), (0, m.leads)):
            for a in ids:
                if a in agency:
                    roles[agency[a], j] = role
    return roles


def agency_rollup(registry: Registry, figures_df: pd.DataFrame, late_df: pd.DataFrame) -> pd.DataFrame:
    """Per agency and role: its measures' indicator statuses, its own figures, its late reports.

    Rows ``lead`` and ``shared`` always exist (possibly with no measures); ``other`` only
    when the agency has own figures or late reports outside the measures it leads or shares.
    Own figures are the agency's reported figures plus the national figures it owns.
    Agencies not in the registry (figures or late reports only) come last, by id.

    A row's measure figures are the per-measure counts summed over the measures the agency
    leads (or shares): a membership matrix times the per-measure counts.
    """
    known = [a.id for a in registry.agencies]
    measure_ids = [m.id for m in registry.measures]
    n_roles, width, n_known, n_m = len(ROLES), len(STATUSES), len(known), len(measure_ids)
    roles = _roles(registry)
    measure_index, known_index = pd.Index(measure_ids), pd.Index(known, dtype=object)
    indicator_index = pd.Index([i.id for i in registry.indicators], dtype=object)
    owner_of = np.r_[known_index.get_indexer([i.owner for i in registry.indicators]), -1]
    measure_of = np.r_[measure_index.get_indexer([i.measure for i in registry.indicators]), -1]

    # Per measure: status counts, progress sums and the number of national figures.
    nat = _national(figures_df)
    m_codes = measure_index.get_indexer(nat["measure"])
    m_counts = _status_counts(m_codes, n_m, nat["status"])
    m_total, m_has = _progress_sums(m_codes, n_m, nat["progress"])
    m_size = np.bincount(m_codes[m_codes >= 0], minlength=n_m)
    m_missing = _missing(m_codes, n_m, nat["n_points"])

    # Whose row is each own figure and each late report: agency position (registry agencies
    # first, then the others by id) and the measure it belongs to.
    is_agency = (figures_df["figure"] == "agency").to_numpy(dtype=bool)
    fig_agency = figures_df["agency_id"].astype(object).where(is_agency)
    late_agency = late_df["agency_id"].astype(object)
    strangers = pd.concat([fig_agency, late_agency], ignore_index=True).dropna().unique()
    agencies = known + sorted(set(strangers) - set(known))
    a_index = pd.Index(agencies, dtype=object)
    own_a = np.where(
        is_agency,
        a_index.get_indexer(fig_agency),
        owner_of[indicator_index.get_indexer(figures_df["indicator_id"].astype(object))],
    )
    own_m = measure_index.get_indexer(figures_df["measure"])
    late_a = a_index.get_indexer(late_agency)
    late_m = measure_of[indicator_index.get_indexer(late_df["indicator_id"].astype(object))]

    def group_codes(a: np.ndarray, m: np.ndarray) -> np.ndarray:
        role = np.full(len(a), 2, dtype=np.int64)
        inside = (a >= 0) & (a < n_known) & (m >= 0)
        role[inside] = roles[a[inside], m[inside]]
        return np.where(a >= 0, a * n_roles + role, -1)

    n_groups = len(agencies) * n_roles
    own_codes, late_codes = group_codes(own_a, own_m), group_codes(late_a, late_m)
    own_counts = _status_counts(own_codes, n_groups, figures_df["status"])
    own_total, own_has = _progress_sums(own_codes, n_groups, figures_df["progress"])
    own_n = np.bincount(own_codes[own_codes >= 0], minlength=n_groups)
    own_missing = _missing(own_codes, n_groups, figures_df["n_points"])
    late_n = np.bincount(late_codes[late_codes >= 0], minlength=n_groups)

    counts = np.zeros((n_groups, width), dtype=np.int64)
    total = np.zeros(n_groups)
    has, size = np.zeros(n_groups, dtype=np.int64), np.zeros(n_groups, dtype=np.int64)
    missing = np.zeros(n_groups, dtype=np.int64)
    measures: list[list[int]] = [[] for _ in range(n_groups)]
    for r in (0, 1):  # lead, shared
        member = (roles == r).astype(np.int64)  # registry agencies x measures
        rows = np.arange(n_known) * n_roles + r
        counts[rows] = member @ m_counts
        total[rows] = member.astype(float) @ m_total
        has[rows] = member @ m_has
        size[rows] = member @ m_size
        missing[rows] = member @ m_missing
        for i, row in enumerate(rows):
            measures[row] = [measure_ids[j] for j in np.flatnonzero(member[i])]

    keep = (own_n > 0) | (late_n > 0)
    keep[: n_known * n_roles] |= np.tile([True, True, False], n_known)
    rows = np.flatnonzero(keep)  # agency order, then lead, shared, other
    agency_ids = [agencies[g // n_roles] for g in rows]
    names = {a.id: (a.name_zh, a.name_en) for a in registry.agencies}
    summary = _summary_columns(counts[rows], total[rows], has[rows])
    own = _summary_columns(own_counts[rows], own_total[rows], own_has[rows], "own_")
    out = pd.DataFrame(
        {
            "agency_id": agency_ids,
            "name_zh": [names.get(a, (a, a))[0] for a in agency_ids],
            "name_en": [names.get(a, (a, a))[1] for a in agency_ids],
            "role": [ROLES[g % n_roles] for g in rows],
            "measures": pd.Series([measures[g] for g in rows], dtype=object),
            "n_measures": np.array([len(measures[g]) for g in rows], dtype=np.int64),
            "n_indicators": size[rows],
            **summary,
            "missing": missing[rows],
            "own_figures": own_n[rows],
            **own,
            "own_missing": own_missing[rows],
            "late": late_n[rows],
        }
    )
    return out


def agency_parts(registry: Registry, figures_df: pd.DataFrame) -> pd.DataFrame:
    """Do the agencies' counts add up? One row per additive indicator (registry order).

    For the national figure's latest quarter: the national value, the number of agencies that
    reported their own count for that quarter and the sum of those counts, and ``unattributed``
    = national - sum. ``adds_up`` is False whenever the two differ: agencies that did not
    report (sum below the national figure) or counts that cannot all be part of it (above).
    """
    cols = ["indicator_id", "period", "national", "n_agencies", "agency_sum", "unattributed", "adds_up"]
    rows = []
    for ind in (i for i in registry.indicators if i.additive):
        mine = figures_df[figures_df["indicator_id"] == ind.id]
        nat = mine[mine["figure"] == "national"]
        if nat.empty or pd.isna(nat["latest_period"].iloc[0]):
            continue
        period, national = str(nat["latest_period"].iloc[0]), float(nat["latest_value"].iloc[0])
        parts = mine[(mine["figure"] == "agency") & (mine["latest_period"] == period)]
        total = float(parts["latest_value"].sum())
        diff = national - total
        rows.append((ind.id, period, national, len(parts), total, diff, bool(abs(diff) < 1e-9)))
    return pd.DataFrame(rows, columns=cols)


# ---------------------------------------------------------------- changes


def snapshot_time(obs: pd.DataFrame, period: str) -> pd.Timestamp | None:
    """When the figures "as of" a quarter were final: just before the first value for any
    later quarter was recorded (None when no later quarter has data yet)."""
    return _snapshot_time(obs, period, period_index(obs["period"]))


def _snapshot_time(obs: pd.DataFrame, period: str, q: np.ndarray) -> pd.Timestamp | None:
    later = obs.loc[q > periods.index(period), "recorded_at"]
    return None if later.empty else later.min() - pd.Timedelta(1, "ns")


def _earlier(snapshot: pd.Timestamp | None, known_at: Moment) -> pd.Timestamp | None:
    if known_at is None:
        return snapshot
    moment = timestamp(known_at)
    return moment if snapshot is None else min(snapshot, moment)


def changes(
    registry: Registry, obs: pd.DataFrame, from_period: str, to_period: str, known_at: Moment = None
) -> dict[str, pd.DataFrame]:
    """What changed between two briefings: status changes, new values and revisions.

    Each side is taken as it stood at its own briefing (see :func:`snapshot_time`), so
    the answer does not change when later quarters arrive. The rows' codes are worked out
    once for the four as-of views, and only the new and revised rows are copied out of ``obs``.
    A side past a figure's deadline shows its final assessment (``final vs. 2025Q3``).
    With ``known_at``, neither side sees a revision recorded after it (a past briefing's view).
    """
    if periods.index(from_period) > periods.index(to_period):
        raise ValueError(f"{from_period} is after {to_period}")
    prep = prepare(registry, obs)
    t_from = _earlier(_snapshot_time(obs, from_period, prep.q_all), known_at)
    t_to = _earlier(_snapshot_time(obs, to_period, prep.q_all), known_at)
    before = assessment_at(registry, obs, from_period, t_from, prep)
    after = assessment_at(registry, obs, to_period, t_to, prep)
    keys = ["indicator_id", "agency_id", "figure"]
    keep = [*keys, "status", "latest_period", "latest_value"]
    both = after[[*keep, "measure", "kind"]].merge(
        before[keep], on=keys, how="left", suffixes=("_to", "_from")
    )
    both["status_from"] = both["status_from"].fillna("no_data")
    moved = both[both["status_from"] != both["status_to"]]
    status_changes = pd.DataFrame(
        {
            "indicator_id": moved["indicator_id"],
            "measure": moved["measure"],
            "kind": moved["kind"],
            "figure": moved["figure"],
            "agency_id": moved["agency_id"],
            "from_status": moved["status_from"],
            "to_status": moved["status_to"],
            "from_period": moved["latest_period_from"],
            "to_period": moved["latest_period_to"],
            "from_value": moved["latest_value_from"],
            "to_value": moved["latest_value_to"],
        }
    ).reset_index(drop=True)

    # Each current value now against the one counting at the earlier briefing (same key).
    old = current_table(registry, obs, from_period, t_from, prep)
    new = current_table(registry, obs, to_period, t_to, prep)
    n_ag, qs = len(prep.agencies) + 1, np.r_[old["q"].to_numpy(), new["q"].to_numpy()]
    q_min, q_span = (int(qs.min()), int(qs.max() - qs.min()) + 1) if len(qs) else (0, 1)

    def key_of(cur: pd.DataFrame) -> np.ndarray:
        ind, ag, q = (cur[c].to_numpy(np.int64) for c in ("ind", "ag", "q"))
        return (ind * n_ag + ag + 1) * q_span + (q - q_min)

    old_keys, new_keys = key_of(old), key_of(new)  # ascending: both tables are sorted by ind, ag, q
    match = np.minimum(np.searchsorted(old_keys, new_keys), max(len(old_keys) - 1, 0))
    found = (old_keys[match] == new_keys) if len(old_keys) else np.zeros(len(new_keys), dtype=bool)
    match = np.where(found, match, -1)
    values = obs["value"].to_numpy(float)
    revision = obs["revision"].to_numpy()
    new_pos, old_pos = new["pos"].to_numpy(), old["pos"].to_numpy()[match[found]]
    value_old = np.full(len(new), np.nan)
    value_old[found] = values[old_pos]
    fresh = ~found
    is_revised = found & (values[new_pos] != value_old)
    owners = np.array([i.owner for i in registry.indicators], dtype=object)

    cols = [
        "indicator_id",
        "agency_id",
        "figure",
        "period",
        "value",
        "revision",
        "recorded_at",
        "uploaded_by",
    ]
    taken = obs[[c for c in cols if c != "figure"]]

    def rows(mask: np.ndarray) -> pd.DataFrame:  # only the columns shown: the notes and files stay
        out = taken.iloc[new_pos[mask]].reset_index(drop=True)
        figure = out["agency_id"].to_numpy(dtype=object) == owners[new["ind"].to_numpy()[mask]]
        out["figure"] = np.where(figure, "national", "agency")
        return out

    new_values = rows(fresh)[cols]
    revised = rows(is_revised).assign(
        value_old=value_old[is_revised], revision_old=revision[old_pos[is_revised[found]]]
    )
    revisions = pd.DataFrame(
        {
            "indicator_id": revised["indicator_id"],
            "agency_id": revised["agency_id"],
            "figure": revised["figure"],
            "period": revised["period"],
            "old_value": revised["value_old"],
            "new_value": revised["value"],
            "old_revision": revised["revision_old"].astype(int),
            "revision": revised["revision"],
            "recorded_at": revised["recorded_at"],
            "uploaded_by": revised["uploaded_by"],
        }
    ).reset_index(drop=True)
    return {"status_changes": status_changes, "new_values": new_values, "revisions": revisions}
