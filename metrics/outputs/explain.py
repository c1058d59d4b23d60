"""The status method's numbers for one figure, in plain words (indicator page and briefing deck)."""

from __future__ import annotations

from collections.abc import Mapping

from metrics.plan import periods
from metrics.plan.registry import Indicator
from metrics.text import t
from metrics.text.format import format_gap, format_share, format_target, format_value, is_missing


def _period(period: object, lang: str) -> str:
    if is_missing(period):
        return "—"
    return periods.label(str(period), lang)


def method_lines(ind: Indicator, fig: Mapping, as_of: str, lang: str) -> list[str]:
    """Baseline and latest, progress vs expected, R, paces and projection, one sentence each."""
    if fig["n_points"] < 1:
        return []
    unit = ind.unit_label(lang)

    def value(v: object) -> str:
        return format_value(v, unit, lang)

    lines = [
        t(
            "method.values",
            lang,
            base_period=_period(fig["baseline_period"], lang),
            base=value(fig["baseline_value"]),
            latest_period=_period(fig["latest_period"], lang),
            latest=value(fig["latest_value"]),
            target=format_target(ind.target, ind.direction, unit, lang),
            deadline=_period(periods.of_date(ind.deadline), lang),
        )
    ]
    line = baseline_line(fig, lang, value)
    if line:
        lines.append(line)
    if fig.get("final"):
        return lines + final_lines(fig, unit, lang)
    if fig["n_points"] < 2:
        return lines
    lines.append(
        t(
            "method.progress",
            lang,
            progress=format_share(fig["progress"]),
            as_of=_period(as_of, lang),
            expected=format_share(fig["expected_progress"]),
            expected_value=value(fig["expected_value"]),
        )
    )
    if not is_missing(fig["cagr_ratio"]):
        lines.append(t("method.ratio", lang, r=f"{fig['cagr_ratio']:.2f}"))
    if not is_missing(fig["required_pace"]) and fig["gap"] > 0:
        lines.append(
            t(
                "method.pace",
                lang,
                required=format_gap(abs(fig["required_pace"]), unit, lang),
                observed=format_gap(abs(fig["observed_pace"]), unit, lang),
                direction=t("method.up" if fig["observed_pace"] >= 0 else "method.down", lang),
            )
        )
    if not is_missing(fig["projected_value"]):
        attain = fig["projected_attainment_period"]
        attain_text = (
            t("method.no_attainment", lang)
            if _period(attain, lang) == "—"
            else t("method.attainment", lang, period=_period(attain, lang))
        )
        lines.append(
            t("method.projection", lang, projected=value(fig["projected_value"]), attain=attain_text)
        )
    return lines


def final_lines(fig: Mapping, unit: str, lang: str) -> list[str]:
    """A figure past its deadline: the value judged, when it was recorded, the gap left and
    whether a later quarter met the target."""
    if fig.get("status") == "contribution":
        return []
    lines = [
        t(
            "final.value",
            lang,
            value=format_value(fig["latest_value"], unit, lang),
            period=_period(fig["latest_period"], lang),
            date=recorded_day(fig.get("recorded_at")),
        )
    ]
    if fig["status"] == "missed":
        lines.append(t("final.gap_left", lang, gap=format_gap(fig["gap"], unit, lang)))
        later = fig.get("reached_period")
        lines.append(
            t("final.reached_later", lang, period=_period(later, lang))
            if not is_missing(later)
            else t("final.not_reached_later", lang)
        )
    return lines


def recorded_day(moment: object) -> str:
    """``2026-01-20`` for a recorded_at time (a timestamp or its ISO text); a dash for none."""
    return "—" if is_missing(moment) else str(moment)[:10]


def baseline_line(fig: Mapping, lang: str, value) -> str | None:
    """Where the baseline comes from (registry, the quarter before the plan, the first report after it)."""
    source = fig.get("baseline_source")
    if is_missing(source):
        return None
    return t(
        f"baseline.{source}",
        lang,
        value=value(fig["baseline_value"]),
        period=_period(fig["baseline_period"], lang),
    )


def baseline_short(fig: Mapping, lang: str) -> str | None:
    """The baseline's source in a few words (cards, tables)."""
    source = fig.get("baseline_source")
    if is_missing(source):
        return None
    return t(f"baseline.short.{source}", lang)
