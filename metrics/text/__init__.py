"""The one catalogue of user-facing text, in Chinese and English.

The sentences are data: ``catalog/*.yaml`` beside this file, one file per subject, each
``key: {zh: ..., en: ...}`` with ``{name}`` placeholders. Every key has both languages (a test
checks it) and lives in exactly one file. Pages, the CLI, errors and the ingestion problem
list all read from here, and render through :func:`t`.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from metrics.errors import CatalogError
from metrics.yaml_cache import read_yaml

if TYPE_CHECKING:
    from metrics.errors import Problem

LANGS = ("zh", "en")
CATALOG_DIR = Path(__file__).resolve().parent / "catalog"
E = TypeVar("E", bound=Exception)


@functools.cache
def load_catalog(folder: Path = CATALOG_DIR) -> dict[str, dict[str, str]]:
    """Every ``*.yaml`` of ``folder`` merged; a key defined in two files is an error naming both."""
    catalog: dict[str, dict[str, str]] = {}
    source: dict[str, str] = {}
    for path in sorted(Path(folder).glob("*.yaml")):
        entries = read_yaml(path) or {}
        if not isinstance(entries, dict):
            raise CatalogError(f"{path}: expected 'key: {{zh: ..., en: ...}}' entries")
        for key, entry in entries.items():
            if key in source:
                raise CatalogError(f"catalogue key {key!r} is defined in both {source[key]} and {path.name}")
            source[key] = path.name
            catalog[key] = entry
    return catalog


CATALOG: dict[str, dict[str, str]] = load_catalog()


def t(key: str, lang: str = "zh", **params: object) -> str:
    """Text for ``key`` in ``lang`` with ``{params}`` filled in."""
    entry = CATALOG[key]
    text = entry["zh" if lang == "zh" else "en"]
    return text.format(**params) if params else text


def coded_error(cls: type[E], key: str, bilingual: bool = False, **params: object) -> E:
    """An exception of ``cls`` whose sentence is catalogue entry ``key``; ``str()`` is the English one.

    :func:`error_text` renders it in either language. A ``bilingual`` error (raised before anyone
    chose a language, e.g. the database lock) always says both: ``English / 中文``.
    """
    text = t(key, "en", **params)
    exc = cls(f"{text} / {t(key, 'zh', **params)}" if bilingual else text)
    exc.key = key
    exc.params = params
    exc.bilingual = bilingual
    return exc


def error_text(exc: BaseException, lang: str = "zh") -> str:
    """The sentence of an exception in ``lang``: its catalogue entry if it has one, else ``str(exc)``."""
    key = getattr(exc, "key", None)
    if key in CATALOG and not getattr(exc, "bilingual", False):
        return t(key, lang, **getattr(exc, "params", {}))
    return str(exc)


def problem_text(problem: Problem, lang: str = "zh") -> str:
    """One line saying where (row, column), what (value) and why."""
    reason = problem_reason(problem, lang)
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


def problem_reason(problem: Problem, lang: str = "zh") -> str:
    """Why, without where; "did you mean …" when the value is close to a known id or name."""
    reason = t(f"problem.{problem.code}", lang, **localized(problem.params, lang))
    if problem.params.get("suggestion"):
        reason += t("problem_hint.did_you_mean", lang, suggestion=problem.params["suggestion"])
    return reason


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
