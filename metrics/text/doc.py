"""The methodology as leaders read it (pure): docs/methodology.md names code and data fields in
backticks for developers; the page shows statuses by their display names and fields in words."""

from __future__ import annotations

import functools
import re

from metrics.text import CATALOG, t

# Parentheses that only point developers at code (modules, functions, registry keys) are dropped.
_CODE_ASIDE = re.compile(r"\s?[（(][^（）()]*`[^`]*(?:\.py|measures_of|tracked_by)`[^（）()]*[）)]")
_TOKEN_ASIDE = re.compile(r"\s?[（(]\s*`([^`]+)`\s*[）)]")  # （`known_at`）: a field after its words
_TOKEN = re.compile(r"(\S*?)(\s?)`([^`]+)`")
TERMS = (  # backticked field names said in words (catalogue doc_term.<name>)
    "metrics/progress/",
    "owner",
    "additive: true",
    "known_at",
    "baseline_source",
    "baseline_period",
    "n_points",
    "missing",
    "own_missing",
    "at_least",
    "at_most",
)
_CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")


def term_key(term: str) -> str:
    return "doc_term." + re.sub(r"[^a-z_]+", "_", term).strip("_")


@functools.lru_cache(maxsize=8)  # the page asks on every run for the same document
def for_readers(markdown: str, lang: str) -> str:
    """``markdown`` without code paths or internal field names: asides naming code go, a status
    code becomes its display name (or goes, right after it), a field becomes its words."""
    statuses = [key.removeprefix("status.") for key in CATALOG if re.fullmatch(r"status\.[a-z_]+", key)]
    words = {s: t(f"status.{s}", lang) for s in statuses}
    words.update({term: t(term_key(term), lang) for term in TERMS})
    text = _CODE_ASIDE.sub("", markdown)
    text = _TOKEN_ASIDE.sub(lambda m: "" if m.group(1) in words else m.group(0), text)

    def token(m: re.Match) -> str:
        before, space, name = m.group(1), m.group(2), m.group(3)
        said = words.get(name)
        if said is None:
            return m.group(0)
        if before.strip("*_").lower().endswith(said.lower()):  # 已实现 `achieved`: said already
            return before
        if lang == "zh" and (not before or _CJK.search(before[-1:]) or before.endswith(("*", "“"))):
            space = ""
        return f"{before}{space}{said}"

    return _TOKEN.sub(token, text)
