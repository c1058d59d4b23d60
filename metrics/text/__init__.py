"""The one catalogue of user-facing text, in Chinese and English.

Every key has both languages (a test checks it). Pages, the CLI and the ingestion
problem list all read from here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from metrics.text.catalog_auth import AUTH
from metrics.text.catalog_brief import BRIEF
from metrics.text.catalog_data import DATA_PAGES
from metrics.text.catalog_problems import PROBLEMS
from metrics.text.catalog_status import STATUS_TEXT
from metrics.text.catalog_ui import UI

if TYPE_CHECKING:
    from metrics.errors import Problem

LANGS = ("zh", "en")
CATALOG: dict[str, dict[str, str]] = {**PROBLEMS, **UI, **DATA_PAGES, **BRIEF, **AUTH, **STATUS_TEXT}


def t(key: str, lang: str = "zh", **params: object) -> str:
    """Text for ``key`` in ``lang`` with ``{params}`` filled in."""
    entry = CATALOG[key]
    text = entry["zh" if lang == "zh" else "en"]
    return text.format(**params) if params else text


def problem_text(problem: Problem, lang: str = "zh") -> str:
    """One line saying where (row, column), what (value) and why."""
    reason = t(f"problem.{problem.code}", lang, **localized(problem.params, lang))
    where = []
    if problem.row is not None:
        where.append(t("where.row", lang, row=problem.row))
    if problem.column:
        where.append(t("where.column", lang, column=problem.column))
    if problem.value is not None:
        where.append(t("where.value", lang, value=_clip(problem.value)))
    sep = "，" if lang == "zh" else ", "
    colon = "：" if lang == "zh" else ": "
    return (sep.join(where) + colon + reason) if where else reason


def _clip(value: str, limit: int = 60) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


def localized(params: dict, lang: str) -> dict:
    """``name_zh``/``name_en`` params fill ``{name}`` in that language."""
    suffix = "_zh" if lang == "zh" else "_en"
    out = dict(params)
    for key, value in params.items():
        if key.endswith(suffix):
            out[key[: -len(suffix)]] = value
    return out
