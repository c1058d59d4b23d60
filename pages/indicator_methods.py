"""The indicator page's "three methods side by side" panel (:mod:`metrics.progress.methods`)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from metrics.plan import periods
from metrics.plan.registry import Indicator
from metrics.progress import methods
from metrics.text.format import format_gap, format_number, format_share, is_missing
from pages.frame import page
from pages.frame.urlstate import moment


@st.cache_data(show_spinner=False, max_entries=64)
def _compare(
    path: str, version: int, targets: str, as_of: str, day: str | None, indicator_id: str
) -> pd.DataFrame:
    obs = page.observations_of(path, version)
    reg = page.load_registry_cached(targets)
    return methods.compare(reg, obs, as_of, moment(day), indicators={indicator_id})


def comparison(indicator_id: str, as_of: str) -> pd.DataFrame:
    """The three methods for one indicator's figures as of a quarter (as known at ``?known_at=``)."""
    page.registry()
    return _compare(*page.data_key(), page.targets(), as_of, page.known_at_day(), indicator_id)


def _level(level: object) -> str:
    return page.tr("methods.level." + ("none" if is_missing(level) else str(level)))


def _num(x: object, digits: int = 2) -> str:
    return "—" if is_missing(x) else f"{float(x):.{digits}f}"


def _signed(x: object, unit: str) -> str:
    if is_missing(x):
        return "—"
    return ("−" if x < 0 else "+") + format_gap(abs(float(x)), page.unit_text(unit), page.lang())


def _with_period(text: str, period: object) -> str:
    if text == "—" or is_missing(period):
        return text
    label = page.period_label(str(period))
    return f"{text}（{label}）" if page.lang() == "zh" else f"{text} ({label})"


def method_table(ind: Indicator, row: dict) -> pd.DataFrame:
    """One column per method (rows: baseline, latest, rate, projection, ratio or gap share, the
    method's own verdict, level), narrow enough for the page without scrolling sideways."""
    unit = ind.unit
    base = _with_period(page.fmt_value(row["baseline_value"], unit), row["baseline_period"])
    latest = _with_period(page.fmt_value(row["latest_value"], unit), row["latest_period"])

    def verdict(name: str) -> str:
        note, category = row[f"{name}_note"], row[f"{name}_category"]
        if not is_missing(note):
            return page.tr(f"methods.note.{note}")
        return "—" if is_missing(category) else page.tr(f"methods.category.{name}.{category}")

    cagr = row["unsd_cagr"]
    rate_unsd = (
        "—"
        if is_missing(cagr)
        else page.tr("methods.rate.cagr", value=f"{cagr * 100:+.1f}%".replace("-", "−"))
    )
    mean = row["destatis_mean_change"]
    rate_destatis = (
        "—"
        if is_missing(mean)
        else page.tr(
            "methods.rate.mean",
            value=_signed(mean, unit),
            start=page.period_label(row["destatis_window_start"]),
        )
    )
    r = row["open_sdg_ratio"]
    status = str(row["open_sdg_status"])
    share = row["destatis_gap_share"]
    lines = {
        "open_sdg": (
            page.tr("methods.rate.open_sdg"),
            "—",
            "—" if is_missing(r) else page.tr("methods.score.open_sdg", r=_num(r)),
            page.status_text(status),
        ),
        "unsd": (
            rate_unsd,
            page.fmt_value(row["unsd_projected"], unit),
            "—"
            if is_missing(row["unsd_ratio"])
            else page.tr("methods.score.unsd", r=_num(row["unsd_ratio"])),
            verdict("unsd"),
        ),
        "destatis": (
            rate_destatis,
            page.fmt_value(row["destatis_projected"], unit),
            "—" if is_missing(share) else page.tr("methods.score.destatis", share=format_share(share)),
            verdict("destatis"),
        ),
    }
    items = ("baseline", "latest", "rate", "projected", "score", "category", "level")
    table = {page.tr("methods.col.item"): [page.tr(f"methods.col.{k}") for k in items]}
    for m, (rate, projected, score, category) in lines.items():
        table[page.tr(f"methods.name.{m}")] = [
            base,
            latest,
            rate,
            projected,
            score,
            category,
            _level(row[f"{m}_level"]),
        ]
    return pd.DataFrame(table)


def verdict_line(row: dict) -> tuple[str, str]:
    """(kind, sentence): ``warning`` when the methods disagree, ``success`` when they agree,
    ``info`` when none could assess the figure."""
    levels = [row[f"{m}_level"] for m in methods.METHODS]
    assessed = [x for x in levels if not is_missing(x)]
    if row["disagree"]:
        sep, colon = ("；", "：") if page.lang() == "zh" else ("; ", ": ")
        parts = [
            f"{page.tr('methods.name.' + m)}{colon}{_level(x)}"
            for m, x in zip(methods.METHODS, levels, strict=True)
        ]
        return "warning", page.tr("methods.disagree", levels=sep.join(parts))
    if not assessed:
        return "info", page.tr("methods.none")
    key = "methods.agree" if len(assessed) == len(levels) else "methods.agree_some"
    return "success", page.tr(key, level=_level(assessed[0]))


def as_of_line(row: dict) -> str:
    """Which data the methods use, and what "to the deadline" means once it has come or passed."""
    deadline = page.period_label(row["deadline_quarter"])
    if row["deadline_passed"]:
        return page.tr("methods.past_deadline", deadline=deadline)
    if row["assessed_as_of"] == row["deadline_quarter"]:
        return page.tr("methods.at_deadline", deadline=deadline)
    years = format_number((periods.index(row["deadline_quarter"]) - periods.index(row["assessed_as_of"])) / 4)
    return page.tr(
        "methods.as_of", period=page.period_label(row["assessed_as_of"]), deadline=deadline, years=years
    )


def panel(ind: Indicator, as_of: str) -> None:
    """Heading, the assessment quarter, the three-line table and the agree/disagree flag."""
    comp = comparison(ind.id, as_of)
    rows = comp[(comp["indicator_id"] == ind.id) & (comp["figure"] == "national")]
    st.subheader(page.tr("methods.title"), anchor=False)
    if rows.empty:
        st.info(page.tr("methods.none"), icon=":material/info:")
        return
    row = rows.iloc[0].to_dict()
    st.caption(page.esc(as_of_line(row)))
    st.table(method_table(ind, row), hide_index=True)  # a static table wraps long cells
    kind, text = verdict_line(row)
    icons = {"warning": ":material/warning:", "success": ":material/check_circle:", "info": ":material/info:"}
    getattr(st, kind)(text, icon=icons[kind])
    st.caption(page.tr("methods.see"))
