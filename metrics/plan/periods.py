"""Quarterly periods: one canonical spelling (``2025Q1``), many accepted ones.

Offices write quarters as ``2025-Q1``, ``2025年第一季度`` or the quarter-end date
``2025/3/31``; everything past ingestion sees only the canonical form.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata

_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_QUARTER_RE = re.compile(r"^(\d{4})\s*[-/_.]?\s*[Qq]\s*([1-4])$")
_CN_QUARTER_RE = re.compile(r"^(\d{4})\s*年\s*第?\s*([一二三四1-4])\s*季度?$")
_DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+0{1,2}:00(?::00)?)?$")
_QUARTER_END = {(3, 31): 1, (6, 30): 2, (9, 30): 3, (12, 31): 4}
_CANONICAL_RE = re.compile(r"^([0-9]{4})Q([1-4])$")


def normalize_text(text: str) -> str:
    """Full-width letters, digits and spaces to ASCII; trimmed."""
    return unicodedata.normalize("NFKC", text).strip()


def parse_period(value: object) -> str | None:
    """Canonical ``YYYYQn`` for any accepted spelling, or None when unreadable."""
    if value is None:
        return None
    if isinstance(value, dt.date):
        return _from_date(value.year, value.month, value.day)
    text = normalize_text(str(value))
    if not text:
        return None
    for pattern in (_QUARTER_RE, _CN_QUARTER_RE):
        m = pattern.match(text)
        if m:
            return f"{int(m.group(1)):04d}Q{_CN_DIGITS[m.group(2)]}"  # ASCII even from ٢٠٢٥
    m = _DATE_RE.match(text)
    if m:
        return _from_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    return None


def _from_date(year: int, month: int, day: int) -> str | None:
    quarter = _QUARTER_END.get((month, day))
    return f"{year:04d}Q{quarter}" if quarter else None  # 0999-03-31 is 0999Q1, not 999Q1


def looks_like_date(value: object) -> bool:
    """True for a calendar date that is not a quarter end (to explain the refusal)."""
    if isinstance(value, dt.date):
        return True
    return bool(_DATE_RE.match(normalize_text(str(value))))


@functools.lru_cache(maxsize=4096)  # the engine asks for the same few quarters per figure
def index(period: str) -> int:
    """Quarters since year 0, so that consecutive quarters differ by one."""
    m = _CANONICAL_RE.match(period)
    if not m:
        raise ValueError(f"not a canonical period: {period!r}")
    return int(m.group(1)) * 4 + int(m.group(2)) - 1


def from_index(i: int) -> str:
    """Inverse of :func:`index`."""
    return f"{i // 4:04d}Q{i % 4 + 1}"


def shift(period: str, quarters: int) -> str:
    """The period ``quarters`` later (earlier when negative)."""
    return from_index(index(period) + quarters)


def quarter_end(period: str) -> dt.date:
    """Last day of the quarter."""
    i = index(period)
    year, q = i // 4, i % 4 + 1
    month = q * 3
    return dt.date(year, month, 31 if month in (3, 12) else 30)


def of_date(day: dt.date) -> str:
    """The quarter a date falls in."""
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def last_complete(today: dt.date) -> str:
    """The latest quarter that has ended by ``today`` (the default as-of quarter)."""
    return shift(of_date(today), -1)


def span(first: str, last: str) -> list[str]:
    """Every period from ``first`` to ``last`` inclusive."""
    return [from_index(i) for i in range(index(first), index(last) + 1)]


def label(period: str, lang: str) -> str:
    """Human label: ``2025年第四季度`` or ``2025 Q4``."""
    i = index(period)
    year, q = i // 4, i % 4 + 1
    if lang == "zh":
        return f"{year}年第{'一二三四'[q - 1]}季度"
    return f"{year} Q{q}"
