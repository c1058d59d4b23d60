"""The command line's table rows: each status, agency, change and revision record as printed cells."""

from __future__ import annotations

import math

from metrics.plan import periods
from metrics.plan.registry import Registry
from metrics.text import t
from metrics.text.format import clip, is_missing

# column heads of each table: catalogue keys ``cli.col.<name>``
HEAD = {
    "status": ("indicator", "figure", "latest", "target", "gap", "progress", "status", "pace", "projection"),
    "agency": (
        "agency",
        "role",
        "measures",
        "indicators",
        "worst",
        "mean_progress",
        "missing",
        "own",
        "own_worst",
        "late",
    ),
    "late": ("agency", "indicator", "period"),
    "status_changes": ("indicator", "figure", "from", "to", "old_value", "new_value"),
    "new_values": ("indicator", "agency", "period", "value", "revision"),
    "revisions": ("indicator", "agency", "period", "old", "new", "revision"),
}


def head(table_name: str, lang: str) -> list[str]:
    return [t(f"cli.col.{name}", lang) for name in HEAD[table_name]]


def num(x) -> str:
    if is_missing(x) or (isinstance(x, float) and not math.isfinite(x)):
        return "—"
    return f"{x:,.2f}".rstrip("0").rstrip(".")


def pct(x) -> str:
    return "—" if x is None else f"{x * 100:.0f}%"


def indicator_name(registry: Registry, ind: str, lang: str) -> str:
    i = registry.indicator.get(ind)
    return clip(i.name(lang), 34) if i else ind


def agency_name(registry: Registry, agency: str | None, lang: str) -> str:
    if agency is None:
        return t("cli.national", lang)
    a = registry.agency.get(agency)
    return a.short(lang) if a else agency


def status_row(r: dict, registry: Registry, lang: str) -> list[str]:
    unit = registry.indicator[r["indicator_id"]].unit_label(lang)
    sign = "≥" if r["direction"] == "at_least" else "≤"
    target = f"{sign} {num(r['target'])} {unit} " + t("cli.by", lang, date=r["deadline"])
    if r["status"] == "contribution":  # a part of the national count has no target of its own
        target = "—"
    latest = "—" if r["latest_value"] is None else f"{num(r['latest_value'])} ({r['latest_period']})"
    if r["final"] and r["latest_value"] is not None and r["recorded_at"] is not None:
        value, period, day = num(r["latest_value"]), r["latest_period"], r["recorded_at"][:10]
        latest = t("final.cli_value", lang, value=value, period=period, date=day)
    if r["pace_ratio"] is not None:
        pace = t("cli.needs", lang, x=f"{r['pace_ratio']:.1f}")
    elif r["status"] not in ("achieved", "missed") and r["required_pace"] and r["observed_pace"] is not None:
        pace = t("cli.wrong_way", lang)
    else:
        pace = "—"
    progress = pct(r["progress"])
    if r["status"] == "contribution":
        progress = (
            "—" if r["contribution"] is None else t("contribution.of", lang, share=pct(r["contribution"]))
        )
    if r["final"]:
        projection = "—"
        if r["status"] == "missed" and r["n_points"]:
            later = r["reached_period"]
            projection = (
                t("final.reached_later", lang, period=periods.label(later, lang))
                if later
                else t("final.not_reached_later", lang)
            )
    elif r["status"] in ("achieved", "contribution") or r["n_points"] < 2:
        projection = "—"
    elif r["projected_attainment_period"]:
        projection = t("cli.reach", lang, period=periods.label(r["projected_attainment_period"], lang))
    else:
        projection = t("cli.no_reach", lang)
    return [
        indicator_name(registry, r["indicator_id"], lang),
        agency_name(registry, r["agency_id"], lang),
        latest,
        target,
        num(r["gap"]),
        progress,
        status(r["status"], lang),
        pace,
        projection,
    ]


def agency_row(r: dict, registry: Registry, lang: str) -> list[str]:
    return [
        agency_name(registry, r["agency_id"], lang),
        t(f"cli.role.{r['role']}", lang),
        ", ".join(str(m) for m in r["measures"]) or "—",
        str(r["n_indicators"]),
        status(r["worst_status"], lang),
        pct(r["mean_progress"]),
        str(r["missing"]),
        str(r["own_figures"]),
        status(r["own_worst_status"], lang),
        str(r["late"]),
    ]


def change_row(r: dict, registry: Registry, lang: str) -> list[str]:
    return [
        indicator_name(registry, r["indicator_id"], lang),
        agency_name(registry, r["agency_id"], lang),
        status(r["from_status"], lang),
        status(r["to_status"], lang),
        num(r["from_value"]),
        num(r["to_value"]),
    ]


def value_row(r: dict, registry: Registry, lang: str) -> list[str]:
    return [
        indicator_name(registry, r["indicator_id"], lang),
        agency_name(registry, r["agency_id"], lang),
        r["period"],
        num(r["value"]),
        str(r["revision"]),
    ]


def revision_row(r: dict, registry: Registry, lang: str) -> list[str]:
    return [
        indicator_name(registry, r["indicator_id"], lang),
        agency_name(registry, r["agency_id"], lang),
        r["period"],
        num(r["old_value"]),
        num(r["new_value"]),
        f"{r['old_revision']}→{r['revision']}",
    ]


def status(status: str, lang: str) -> str:
    return t(f"status.{status}", lang)
