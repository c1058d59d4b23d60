"""Roll-ups of the figures per measure, section and agency, and what changed between briefings.

Split from :mod:`metrics.progress` (which re-exports these functions) so that the
per-figure rules stay in one readable file. Only national figures describe an
indicator; agencies' own figures appear in the agency roll-up.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from metrics import periods
from metrics.method import STATUS_SEVERITY, STATUSES, severity_to_status
from metrics.progress import current_values, figures, period_index
from metrics.registry import Registry

KINDS = ("kpi", "milestone")
ROLES = ("lead", "shared", "other")


def _status_summary(df: pd.DataFrame, by: list[str], prefix: str = "") -> pd.DataFrame:
    """Counts per status, worst status and mean progress of ``df`` grouped by ``by``."""
    counts = pd.crosstab([df[c] for c in by], df["status"]).reindex(columns=list(STATUSES), fill_value=0)
    counts.columns = [f"{prefix}{s}" for s in STATUSES]
    grouped = df.assign(_sev=df["status"].map(STATUS_SEVERITY)).groupby(by)
    counts[f"{prefix}worst_status"] = severity_to_status(grouped["_sev"].max())
    counts[f"{prefix}mean_progress"] = grouped["progress"].mean()
    counts.columns.name = None
    return counts


def _national(registry: Registry, figures_df: pd.DataFrame) -> pd.DataFrame:
    nat = figures_df[figures_df["figure"] == "national"]
    section = {m.id: m.section for m in registry.measures}
    return nat.assign(section=nat["measure"].map(section))


def _by_group(nat: pd.DataFrame, key: str, groups: list[int]) -> pd.DataFrame:
    """Per group: n_kpi, n_milestone, tracked_by, <kind>_<status> counts, worst status, mean progress."""
    empty = pd.DataFrame(index=pd.Index(groups, name=key))
    kinds = pd.crosstab(nat[key], nat["kind"]).reindex(index=groups, columns=list(KINDS), fill_value=0)
    out = empty.assign(n_kpi=kinds["kpi"], n_milestone=kinds["milestone"])
    tracked = np.select(
        [(out["n_kpi"] > 0) & (out["n_milestone"] > 0), out["n_kpi"] > 0, out["n_milestone"] > 0],
        ["kpi+milestone", "kpi", "milestone"],
        default="none",
    )
    out["tracked_by"] = tracked
    for kind in KINDS:
        part = _status_summary(nat[nat["kind"] == kind], [key], f"{kind}_")
        out = out.join(part[[f"{kind}_{s}" for s in STATUSES]])
    out = out.join(_status_summary(nat, [key])[["worst_status", "mean_progress"]])
    counts = [f"{k}_{s}" for k in KINDS for s in STATUSES]
    out[counts] = out[counts].fillna(0).astype(int)
    out["worst_status"] = out["worst_status"].fillna("no_data")
    return out


def measure_rollup(registry: Registry, figures_df: pd.DataFrame) -> pd.DataFrame:
    """One row per measure in registry order (measures without KPIs are tracked by their milestones)."""
    nat = _national(registry, figures_df)
    out = _by_group(nat, "measure", [m.id for m in registry.measures]).reset_index()
    out.insert(1, "section", [m.section for m in registry.measures])
    out.insert(2, "title_zh", [m.title_zh for m in registry.measures])
    out.insert(3, "title_en", [m.title_en for m in registry.measures])
    return out


def section_rollup(registry: Registry, figures_df: pd.DataFrame) -> pd.DataFrame:
    """One row per section: the same counts over all of its measures' indicators."""
    nat = _national(registry, figures_df)
    out = _by_group(nat, "section", [s.id for s in registry.sections]).reset_index()
    n_measures = pd.Series([m.section for m in registry.measures]).value_counts()
    out.insert(1, "title_zh", [s.title_zh for s in registry.sections])
    out.insert(2, "title_en", [s.title_en for s in registry.sections])
    out.insert(3, "n_measures", out["section"].map(n_measures).fillna(0).astype(int))
    return out


def _memberships(registry: Registry) -> pd.DataFrame:
    """(agency_id, role, measure) for every measure an agency leads or shares."""
    rows = [
        (a.id, role, m)
        for a in registry.agencies
        for role, ms in registry.measures_of(a.id).items()
        for m in ms
    ]
    return pd.DataFrame(rows, columns=["agency_id", "role", "measure"])


def _with_role(df: pd.DataFrame, mem: pd.DataFrame) -> pd.DataFrame:
    """Attach the agency's role for the row's measure ('other' when it neither leads nor shares)."""
    out = df.merge(mem, on=["agency_id", "measure"], how="left")
    return out.assign(role=out["role"].fillna("other"))


def agency_rollup(registry: Registry, figures_df: pd.DataFrame, late_df: pd.DataFrame) -> pd.DataFrame:
    """Per agency and role: its measures' indicator statuses, its own figures, its late reports.

    Rows ``lead`` and ``shared`` always exist (possibly with no measures); ``other`` only
    when the agency has own figures or late reports outside the measures it leads or shares.
    Own figures are the agency's reported figures plus the national figures it owns.
    """
    mem = _memberships(registry)
    nat = _national(registry, figures_df)
    owner = {i.id: i.owner for i in registry.indicators}
    measure_of = {i.id: i.measure for i in registry.indicators}
    nat_roles = nat.drop(columns="agency_id").merge(mem, on="measure")
    base = pd.MultiIndex.from_product(
        [[a.id for a in registry.agencies], ROLES[:2]], names=["agency_id", "role"]
    )
    measures = mem.groupby(["agency_id", "role"])["measure"].agg(list)
    summary = _status_summary(nat_roles, ["agency_id", "role"])
    own = figures_df.assign(
        agency_id=figures_df["agency_id"]
        .astype(object)
        .where(figures_df["figure"] == "agency", figures_df["indicator_id"].map(owner))
    )
    own_summary = _status_summary(_with_role(own, mem), ["agency_id", "role"], "own_")
    own_n = _with_role(own, mem).groupby(["agency_id", "role"]).size()
    late = _with_role(late_df.assign(measure=late_df["indicator_id"].map(measure_of)), mem)
    late_n = late.groupby(["agency_id", "role"]).size()
    index = base.union(own_n.index).union(late_n.index)
    out = pd.DataFrame(index=index)
    out["measures"] = measures.reindex(index)
    out["measures"] = out["measures"].apply(lambda v: v if isinstance(v, list) else [])
    out["n_measures"] = out["measures"].str.len()
    out["n_indicators"] = nat_roles.groupby(["agency_id", "role"]).size().reindex(index, fill_value=0)
    out = out.join(summary)
    out["own_figures"] = own_n.reindex(index, fill_value=0)
    out = out.join(own_summary)
    out["late"] = late_n.reindex(index, fill_value=0)
    counts = [*STATUSES, *(f"own_{s}" for s in STATUSES)]
    out[counts] = out[counts].fillna(0).astype(int)
    for col in ("worst_status", "own_worst_status"):
        out[col] = out[col].fillna("no_data")
    out = out.reset_index()
    order = {a.id: i for i, a in enumerate(registry.agencies)}
    out = out.sort_values(
        ["agency_id", "role"],
        key=lambda s: s.map(order).fillna(len(order)) if s.name == "agency_id" else s.map(ROLES.index),
    )
    names = {a.id: (a.name_zh, a.name_en) for a in registry.agencies}
    out.insert(1, "name_zh", out["agency_id"].map(lambda a: names.get(a, (a, a))[0]))
    out.insert(2, "name_en", out["agency_id"].map(lambda a: names.get(a, (a, a))[1]))
    return out.reset_index(drop=True)


# ---------------------------------------------------------------- changes


def snapshot_time(obs: pd.DataFrame, period: str) -> pd.Timestamp | None:
    """When the figures "as of" a quarter were final: just before the first value for any
    later quarter was recorded (None when no later quarter has data yet)."""
    later = obs.loc[period_index(obs["period"]) > periods.index(period), "recorded_at"]
    return None if later.empty else later.min() - pd.Timedelta(1, "ns")


def changes(
    registry: Registry, obs: pd.DataFrame, from_period: str, to_period: str
) -> dict[str, pd.DataFrame]:
    """What changed between two briefings: status changes, new values and revisions.

    Each side is taken as it stood at its own briefing (see :func:`snapshot_time`), so
    the answer does not change when later quarters arrive.
    """
    if periods.index(from_period) > periods.index(to_period):
        raise ValueError(f"{from_period} is after {to_period}")
    t_from, t_to = snapshot_time(obs, from_period), snapshot_time(obs, to_period)
    before = figures(registry, obs, from_period, known_at=t_from)
    after = figures(registry, obs, to_period, known_at=t_to)
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

    old = current_values(registry, obs, from_period, t_from)
    new = current_values(registry, obs, to_period, t_to)
    owners = np.array([i.owner for i in registry.indicators], dtype=object)
    new["figure"] = np.where(
        new["agency_id"].to_numpy(dtype=object) == owners[new["ind"]], "national", "agency"
    )
    joined = new.merge(
        old[["ind", "ag", "q", "value", "revision"]], on=["ind", "ag", "q"], how="left", suffixes=("", "_old")
    )
    fresh = joined["revision_old"].isna()
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
    new_values = joined.loc[fresh, cols].reset_index(drop=True)
    revised = joined[~fresh & (joined["value"] != joined["value_old"])]
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
