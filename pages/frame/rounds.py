"""The plan round shown (``?round=``) and today's quarter: what the frame needs before it can
load the registry, and the default as-of quarter (the last complete quarter before today)."""

from __future__ import annotations

import streamlit as st

from metrics import config
from metrics.errors import RegistryError
from metrics.plan import periods
from metrics.plan.rounds import Rounds, load_rounds
from pages.frame import memo
from pages.frame.urlstate import PARAM_ROUND, remembered, tr, url_value


@st.cache_resource(show_spinner=False)
def _load_rounds(path: str) -> Rounds:
    return load_rounds(path)


load_rounds_cached = _load_rounds  # for code outside a page run (the server's warm-up)


def registry_error(exc: RegistryError) -> None:
    """Stop the page with the registry's problem list."""
    st.error(tr("error.registry", path=exc.path, count=len(exc.problems)))
    st.text("\n".join(exc.problems[:50]))
    st.stop()


def rounds() -> Rounds:
    """Every plan round of the registry file (one for a file without ``rounds:``)."""
    return memo.once("rounds", _rounds)


def _rounds() -> Rounds:
    try:
        return _load_rounds(str(config.targets_path()))
    except RegistryError as exc:
        registry_error(exc)
        raise


def round_id() -> str:
    """The plan round shown (``?round=``), else the registry's current round (never an example)."""
    return memo.once("round", _round_id)


def _round_id() -> str:
    ids = rounds().ids
    chosen = url_value(PARAM_ROUND, ids) or remembered(PARAM_ROUND, ids)
    return chosen or rounds().default(config.settings().date).plan.id


def today_quarter() -> str:
    """The last complete quarter before today (``METRICS_TODAY``): the default as-of quarter."""
    return periods.last_complete(config.settings().date)


def default_as_of(options: list[str]) -> str:
    """Today's last complete quarter (after a deadline: the final assessment), else the latest option."""
    return today_quarter() if today_quarter() in options else options[-1]
