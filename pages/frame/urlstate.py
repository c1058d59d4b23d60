"""The view's state kept in the URL: language, as-of quarter, agency, briefing mode and each page's
own choices (``?lang=en&as_of=2025Q3&agency=samr``), so that every view is a link that reproduces it.

A selector's value lives in the query parameter (the id, never the label); the session remembers the
last choice for a link that names none (see :func:`bound_select`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd
import streamlit as st

from metrics.progress.observations import parse_known_at
from metrics.text import t
from pages.frame import memo

LANGS = ("zh", "en")
PARAM_LANG, PARAM_AS_OF, PARAM_AGENCY, PARAM_BRIEFING = "lang", "as_of", "agency", "briefing"
PARAM_ROUND = "round"  # ?round=<plan id> when the registry lists several plan rounds
PARAM_KNOWN_AT = "known_at"  # ?known_at=2025-10-15: the numbers as recorded by the end of that day
ALL = "__all__"  # the agency filter's "every agency" option (never written to the URL)


def link_params() -> dict[str, str | None]:
    """The quarter and agency the URL named as this run began, before the selectors set the URL
    to what they show (the frame calls this first)."""
    return memo.once("link", lambda: {p: st.query_params.get(p) for p in (PARAM_AS_OF, PARAM_AGENCY)})


def url_value(param: str, options: Sequence[str]) -> str | None:
    """The URL's ``param`` when it is one of ``options``."""
    value = st.query_params.get(param)
    return value if value in options else None


def _resolve(param: str, options: Sequence[str], default: str) -> str:
    """URL first (a shared link wins), then this session's last choice, then the default."""
    value = url_value(param, options)
    if value is not None and f"_v_{param}" not in st.session_state:
        st.session_state[f"_x_{param}"] = True  # opened from a link that names it
    if value is None:
        value = remembered(param, options)
    if value is None:
        value = default
    st.session_state[f"_v_{param}"] = value
    if value == ALL or not value:
        if param in st.query_params:
            del st.query_params[param]
    elif st.query_params.get(param) != value:
        st.query_params[param] = value
    return value


def _on_change(param: str, widget_key: str) -> None:
    value = st.session_state[widget_key]
    st.session_state[f"_v_{param}"] = value
    st.session_state[f"_x_{param}"] = True  # chosen, not defaulted
    if value == ALL or value is None:
        if param in st.query_params:
            del st.query_params[param]
    else:
        st.query_params[param] = value


def bound_select(
    param: str,
    options: Sequence[str],
    default: str,
    label: str,
    format_func: Callable[[Any], str] = str,
    *,
    widget: str = "selectbox",
    key_suffix: str = "",
    container: Any = None,
    **kwargs: Any,
) -> str:
    """A selectbox (or radio/segmented control) whose value is the query parameter ``param``.

    The URL holds the id (``?lang=en``, ``?indicator=verification_points``), never the label.
    """
    options = list(options)
    value = _resolve(param, options, default)
    key = f"_w_{param}{key_suffix}"
    st.session_state[key] = value
    labels = {o: format_func(o) for o in options}  # fixed now: format_func may read the session

    def label_of(option: Any) -> str:
        return labels.get(option, str(option))

    box = container if container is not None else st
    make = getattr(box, widget)
    make(label, options, format_func=label_of, key=key, on_change=_on_change, args=(param, key), **kwargs)
    return value


def browser_lang() -> str:
    try:
        locale = st.context.locale or ""
    except Exception:  # no browser context (tests, scripts)
        locale = ""
    return "en" if locale and not locale.lower().startswith("zh") else "zh"


def lang() -> str:
    """'zh' or 'en': ``?lang=`` wins, then this session's choice, then the browser locale
    (fixed for a run: the language selector's callback runs before the script)."""
    return memo.once("lang", _lang)


def _lang() -> str:
    value = url_value(PARAM_LANG, LANGS) or st.session_state.get(f"_v_{PARAM_LANG}")
    return value if value in LANGS else browser_lang()


def tr(key: str, **params: object) -> str:
    """Catalogue text in the current language."""
    return t(key, lang(), **params)


def remembered(param: str, options: Sequence[str]) -> str | None:
    """This session's last choice for ``param`` when it is one of ``options``."""
    value = st.session_state.get(f"_v_{param}")
    return value if value in options else None


def is_briefing() -> bool:
    """Briefing mode (``?briefing=1``): no sidebar or chrome, laid out for a 16:9 screenshot."""
    return memo.once("briefing", lambda: st.query_params.get(PARAM_BRIEFING) in ("1", "true", "yes"))


# --------------------------------------------------------------------------- as known at a date


def _iso_day(value: object) -> str | None:
    try:
        return dt.date.fromisoformat(str(value)).isoformat()
    except ValueError:
        return None


def bad_known_at() -> str | None:
    """The URL's ``known_at`` when it is not a date (the page says so and shows today's data)."""
    raw = st.query_params.get(PARAM_KNOWN_AT)
    return raw if raw is not None and _iso_day(raw) is None else None


def known_at_day() -> str | None:
    """``2025-10-15`` when the view is "as known at" that day, else None (the data as stored now):
    the URL first, then this session's last choice (written back to the URL)."""
    return memo.once("known_at", _known_at_day)


def _known_at_day() -> str | None:
    raw = st.query_params.get(PARAM_KNOWN_AT)
    if raw is not None:
        day = _iso_day(raw)
        st.session_state[f"_v_{PARAM_KNOWN_AT}"] = day
        return day
    day = st.session_state.get(f"_v_{PARAM_KNOWN_AT}")
    if day:
        st.query_params[PARAM_KNOWN_AT] = day
    return day or None


def known_at_input(label: str, help_text: str) -> None:
    """A date picker bound to ``?known_at=``; cleared, the view shows the data as stored now."""
    key = f"_w_{PARAM_KNOWN_AT}"
    day = known_at_day()
    st.session_state[key] = dt.date.fromisoformat(day) if day else None
    st.date_input(label, key=key, on_change=_on_known_at, format="YYYY-MM-DD", help=help_text)


def known_at() -> pd.Timestamp | None:
    """The end of the "as known at" day, or None for the data as stored now."""
    return moment(known_at_day())


def moment(day: str | None) -> pd.Timestamp | None:
    """A known-at day (``2025-10-15``) as the end of that day."""
    return None if day is None else parse_known_at(day)


def _on_known_at() -> None:
    value = st.session_state.get(f"_w_{PARAM_KNOWN_AT}")
    day = value.isoformat() if isinstance(value, dt.date) else None
    st.session_state[f"_v_{PARAM_KNOWN_AT}"] = day
    if day:
        st.query_params[PARAM_KNOWN_AT] = day
    elif PARAM_KNOWN_AT in st.query_params:
        del st.query_params[PARAM_KNOWN_AT]
