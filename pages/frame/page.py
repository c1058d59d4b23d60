"""What every page shares: the registry, the store, cached queries, the as-of quarter and agency
filter, formatting and charts.

Pages stay thin: they call these helpers and :mod:`metrics`, then lay out widgets and charts.
Sidebar choices (language, as-of quarter, agency, briefing mode) live in the URL query
parameters (:mod:`pages.frame.urlstate`), so every view is a link that reproduces it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from metrics import config
from metrics.errors import DatabaseLocked, MetricsError, RegistryError
from metrics.outputs.chart_frame import EXPORT_WIDTH, ChartContext
from metrics.outputs.palette import STATUS_COLORS, STATUS_ICONS, STATUS_INK
from metrics.plan import periods
from metrics.plan.registry import Registry
from metrics.plan.rounds import load_round, round_ref
from metrics.progress import figures as progress
from metrics.progress import rollups
from metrics.progress.final import assessment
from metrics.store import connection
from metrics.store.database import Store
from metrics.text.format import format_value, is_missing
from pages.frame import memo
from pages.frame.rounds import default_as_of, registry_error, round_id, today_quarter
from pages.frame.urlstate import ALL as ALL  # re-exported: pages say c.ALL, c.bound_select, c.is_briefing
from pages.frame.urlstate import (
    PARAM_AGENCY,
    PARAM_AS_OF,
    lang,
    moment,
    remembered,
    tr,
    url_value,
)
from pages.frame.urlstate import bound_select as bound_select
from pages.frame.urlstate import is_briefing as is_briefing
from pages.frame.urlstate import known_at as known_at
from pages.frame.urlstate import known_at_day as known_at_day


def ensure_entry_point() -> None:
    """Route every run through ``dashboard.py``.

    Streamlit treats an app with a ``pages/`` folder as a legacy multipage app until the
    entry script calls ``st.navigation``; if the first request after a start is a page URL
    (``/overview``) it would run that page alone, without the frame. Switch the legacy mode
    off and rerun: the rerun goes through ``dashboard.py``, which routes to the same page.
    """
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


ensure_entry_point()


# --------------------------------------------------------------------------- resources


@st.cache_resource(show_spinner=False)
def _load_registry(ref: str) -> Registry:
    return load_round(ref)  # ref: the registry file and the round (see targets())


def registry() -> Registry:
    """The validated plan; a broken registry file stops the page with its problem list."""
    ensure_entry_point()  # every page starts here: a page run on its own reruns via dashboard.py
    return memo.once("registry", _registry)


def _registry() -> Registry:
    ref = targets()
    try:
        return _load_registry(ref)
    except RegistryError as exc:
        registry_error(exc)
        raise  # unreachable; keeps type checkers content


@st.cache_resource(show_spinner=False)
def _open_store(path: str) -> Store:
    return Store.open(path)


def store() -> Store:
    """The one store of this process (a DuckDB connection, a PostgreSQL pool); a broken one stops the page."""
    return memo.once("store", _store)


def _store() -> Store:
    path = config.database()
    shown = connection.shown(path)  # a URL's password is never shown
    try:
        return _open_store(path)
    except DatabaseLocked:
        st.error(tr("error.db_locked", path=shown))
    except MetricsError:
        st.error(tr("error.db_unreadable", path=shown))
    except OSError:
        st.error(tr("error.db_unreadable", path=shown))
    st.stop()
    raise RuntimeError("unreachable")


def _version() -> tuple[str, int]:
    """(the database as opened, its data version): the key of every cached read.

    The database as opened, not as shown: the shown URL lacks its password."""
    return memo.once("version", lambda: (config.database(), store().data_version()))


def data_key() -> tuple[str, int]:
    """The database and its data version, read once per run: what cached results are keyed on."""
    return _version()


@st.cache_data(show_spinner=False, max_entries=16)
def _is_demo(path: str, version: int) -> bool:
    return _open_store(path).is_demo


def is_demo() -> bool:
    """Whether the demo database is open (a flag written with the data: cached per data version)."""
    return _is_demo(*_version())


# --------------------------------------------------------------------------- cached data


@st.cache_resource(show_spinner=False, max_entries=2)
def _observations(path: str, version: int) -> pd.DataFrame:
    # One shared frame, not a copy per reader (``cache_data`` unpickles one for every call): the
    # status engine codes it once (``progress.observations.prepare``) for all of a run's views.
    # Nobody changes it in place; the key is the data version, so a commit reads it anew.
    return _open_store(path).observations()


def observations() -> pd.DataFrame:
    """Every current revision (the status engine's input); read once per data version."""
    return _observations(*_version())


# for code outside a page run (a download built when pressed)
load_registry_cached, observations_of, open_store_cached = _load_registry, _observations, _open_store


@st.cache_data(show_spinner=False, max_entries=64)
def _figures(path: str, version: int, targets: str, as_of: str, day: str | None) -> pd.DataFrame:
    return assessment(_load_registry(targets), _observations(path, version), as_of, moment(day))


def figures(as_of: str) -> pd.DataFrame:  # past a deadline: the final assessment
    """Status of every figure as of a quarter (as known at ``?known_at=``); computed once per
    (data version, quarter, day)."""
    registry()  # surfaces a registry error as a sentence before the cached call
    return _figures(*_version(), targets(), as_of, known_at_day())


@st.cache_data(show_spinner=False, max_entries=64)
def _late(path: str, version: int, targets: str, as_of: str, day: str | None) -> pd.DataFrame:
    return progress.late_reports(_load_registry(targets), _observations(path, version), as_of, moment(day))


def late_reports(as_of: str) -> pd.DataFrame:
    """Owners that have not reported the as-of quarter."""
    registry()
    return _late(*_version(), targets(), as_of, known_at_day())


@st.cache_data(show_spinner=False, max_entries=32)
def _changes(
    path: str, version: int, targets: str, start: str, end: str, day: str | None
) -> dict[str, pd.DataFrame]:
    return rollups.changes(_load_registry(targets), _observations(path, version), start, end, moment(day))


def changes(from_period: str, to_period: str) -> dict[str, pd.DataFrame]:
    """Status changes, new values and revisions between two quarters."""
    registry()
    return _changes(*_version(), targets(), from_period, to_period, known_at_day())


@st.cache_data(show_spinner=False, max_entries=64)
def _current(
    path: str, version: int, targets: str, as_of: str, day: str | None, ids: tuple[str, ...]
) -> pd.DataFrame:
    obs = _observations(path, version)
    cur = progress.current_values(_load_registry(targets), obs, as_of, moment(day), indicators=ids)
    return cur.drop(columns=["ind", "ag", "q"], errors="ignore")


def current_values(as_of: str, indicator_ids: Collection[str]) -> pd.DataFrame:
    """The counting revision of every (indicator, agency, period) up to the quarter, for these
    indicators (a cached copy is read back on every run: only what the page shows)."""
    registry()
    return _current(*_version(), targets(), as_of, known_at_day(), tuple(sorted(indicator_ids)))


@st.cache_data(show_spinner=False, max_entries=16)
def _uploads(path: str, version: int) -> pd.DataFrame:
    return _open_store(path).uploads()


def uploads() -> pd.DataFrame:
    """The audit record of every upload, newest first."""
    return _uploads(*_version())


@st.cache_data(show_spinner=False, max_entries=64)
def _history(path: str, version: int, indicator_id: str) -> pd.DataFrame:
    return _open_store(path).history(indicator_id=indicator_id)


def history(indicator_id: str) -> pd.DataFrame:
    """Every revision of one indicator's values (withdrawn ones marked)."""
    return _history(*_version(), indicator_id)


@dataclass(frozen=True)
class View:
    """This run's settings a page body reads, gathered once (nothing is cached on it)."""

    db: str
    version: int
    targets: str
    lang: str
    as_of: str | None
    agency: str | None
    briefing: bool
    known_at: str | None  # the "as known at" day (?known_at=), None for the data as stored now


def view() -> View:
    """This run's database and data version, registry file, language, as-of quarter, agency
    filter, briefing mode and "as known at" day.

    Page bodies are drawn on every run from cached query results (keyed on the database, its data
    version and the query's own parameters); no drawn section is replayed, so no setting can be
    left out of a key."""
    path, version = _version()
    return View(path, version, targets(), lang(), as_of(), agency_filter(), is_briefing(), known_at_day())


def targets() -> str:
    """The registry file this run reads (``METRICS_TARGETS``) and its round shown: the key of every
    cached result that depends on the plan."""
    return memo.once("targets", lambda: round_ref(config.targets_path(), round_id()))


def after_write() -> None:
    """Forget cached query results after an upload or a withdrawal commits; an as-of quarter
    nobody chose follows the data to its new latest quarter."""
    st.cache_data.clear()
    memo.forget()
    if not st.session_state.get(f"_x_{PARAM_AS_OF}"):
        st.session_state.pop(f"_v_{PARAM_AS_OF}", None)
        if PARAM_AS_OF in st.query_params:
            del st.query_params[PARAM_AS_OF]


def as_of() -> str | None:
    """The chosen quarter (``2025Q4``); default the latest quarter with data; None when empty."""
    return memo.once("as_of", _as_of)


def _as_of() -> str | None:
    options = as_of_options()
    if not options:
        return None
    return url_value(PARAM_AS_OF, options) or remembered(PARAM_AS_OF, options) or default_as_of(options)


def as_of_options() -> list[str]:
    """Quarters one may look at: from the plan start (or earliest data) to today's last complete
    quarter or the latest data, whichever is later."""
    registry()
    return memo.once("as_of_options", lambda: _as_of_options(*_version(), targets(), today_quarter()))


@st.cache_data(show_spinner=False, max_entries=16)
def _as_of_options(path: str, version: int, targets: str, today: str) -> list[str]:
    stored = _open_store(path).stored_periods(include_withdrawn=False)  # one query, not every value
    return as_of_span(_load_registry(targets), stored, today)


def as_of_span(registry: Registry, stored: list[str], today: str) -> list[str]:
    """The as-of quarters offered, given the stored quarters: none without data."""
    if not stored:
        return []
    latest = max(stored, key=periods.index)
    first = min(registry.first_period, *stored, key=periods.index)
    return periods.span(first, max(latest, today, key=periods.index))


def agency_filter() -> str | None:
    """The agency chosen in the sidebar (``?agency=samr``), or None for every agency."""
    return memo.once("agency", _agency_filter)


def _agency_filter() -> str | None:
    options = list(registry().agency)
    return url_value(PARAM_AGENCY, options) or remembered(PARAM_AGENCY, options)


# --------------------------------------------------------------------------- formatting


def labels(values: pd.Series, name: Callable[[Any], str]) -> pd.Series:
    """Display names, computed once per distinct id (files have up to a million rows)."""
    return values.map({v: name(v) for v in values.dropna().unique()})


def period_label(period: str | None) -> str:
    """``2025年第四季度`` / ``2025 Q4``; a dash for no period."""
    if is_missing(period):
        return "—"
    return periods.label(str(period), lang())


def fmt_value(value: object, unit: str) -> str:
    """A number with its unit in the current language (``85.2%``, ``42 个`` / ``42 points``)."""
    return format_value(value, unit_text(unit), lang())


def unit_text(unit: str) -> str:
    """A registry unit (as written in Chinese) in the current language."""
    if lang() == "zh":
        return unit
    for ind in registry().indicators:
        if ind.unit == unit:
            return ind.unit_en
    return unit


def status_text(status: str) -> str:
    """Icon and word, e.g. ``▲ 需加快``: status is never shown by colour alone."""
    return f"{STATUS_ICONS.get(status, '')} {tr('status.' + status)}".strip()


def status_badge(status: str) -> str:
    """Escaped HTML chip with icon, word and the status colour (for st.markdown)."""
    fill, ink = STATUS_COLORS[status], STATUS_INK[status]
    return (
        f'<span class="status-chip" style="background:{fill};color:{ink}">'
        f"{html.escape(status_text(status))}</span>"
    )


def style_status(frame: pd.DataFrame, column: str) -> Any:
    """A Styler colouring a column of :func:`status_text` cells with the status palette."""
    by_text = {status_text(s): s for s in progress.STATUSES}

    def colour(cell: object) -> str:
        status = by_text.get(str(cell))
        if status is None:
            return ""
        return f"background-color: {STATUS_COLORS[status]}; color: {STATUS_INK[status]}"

    return frame.style.map(colour, subset=[column])


def esc(text: object) -> str:
    """User or registry text made safe for st.markdown (no HTML, no Markdown)."""
    escaped = html.escape(str(text))
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|~>$])", r"\\\1", escaped)


def esc_html(text: object) -> str:
    """User or registry text made safe inside st.html."""
    return html.escape(str(text))


def indicator_name(indicator_id: str) -> str:
    ind = registry().indicator.get(indicator_id)
    return ind.name(lang()) if ind else indicator_id


def agency_name(agency_id: object, short: bool = False) -> str:
    if is_missing(agency_id):
        return tr("figure.national")
    ag = registry().agency.get(str(agency_id))
    if ag is None:
        return str(agency_id)
    return ag.short(lang()) if short else ag.name(lang())


def chart_context(as_of_period: str) -> ChartContext:
    """Language, as-of quarter and source line every chart carries."""
    plan = registry().plan
    lg = lang()
    return ChartContext(lang=lg, as_of=as_of_period, source=plan.source_zh if lg == "zh" else plan.source_en)


# --------------------------------------------------------------------------- output


def show_chart(fig: Any, filename: str) -> None:
    """A Plotly chart whose camera button saves a 3x PNG named after what it shows, drawn at
    EXPORT_WIDTH px and the figure's own height whatever the screen (the frame is laid out for
    that); the key ``chart_*`` is what the phone styles in :mod:`pages.frame.layout` select."""
    safe = re.sub(r"[^\w.-]+", "_", filename).strip("_") or "chart"
    image = {"format": "png", "scale": 3, "filename": safe, "width": EXPORT_WIDTH}
    if fig.layout.height:
        image["height"] = fig.layout.height
    st.plotly_chart(
        fig,
        width="stretch",
        key=f"chart_{safe}",
        config={"toImageButtonOptions": image, "displaylogo": False},
    )


def empty_state() -> None:
    """What to do when the database has no values yet."""
    st.info(tr("empty.title"), icon=":material/info:")
    st.markdown(tr("empty.body"))
    st.code("make run        # " + tr("empty.demo_hint"), language="bash")
    upload = st.session_state.get("_auth_nav", {}).get("upload")  # see pages.frame.gate
    if upload is not None:
        st.page_link(upload, label=tr("empty.to_upload"), icon=":material/upload_file:")
