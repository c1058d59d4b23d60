"""Numbers, units, shares, ranges and lines of text as every output shows them, in both languages.

Pure functions, shared by the pages, the charts, the briefing deck and the command line.
A missing value (:func:`is_missing`) is always shown as a dash; widths count display columns
(a CJK character takes two), as a terminal or a chart title shows them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd
from wcwidth import wcwidth

from metrics.text import t

DASH = "—"
_ZH_UNIT_DISPLAY = {"月": "个月"}  # 18个月, not 18月
_CN_DIGITS = "零一二三四五六七八九"
_CLOSING = "，。、；：）》」』”！？"  # never at the start of a wrapped line


def is_missing(value: object) -> bool:
    """None, pandas' NA or NaT, or a NaN: a cell shown as a dash."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    try:
        return math.isnan(value)
    except TypeError:  # text, dates: present
        return False


def format_number(value: object) -> str:
    """Thousands separators, at most two decimals, no trailing zeros; a dash when missing."""
    if is_missing(value):
        return DASH
    number = round(float(value), 2)
    if number == int(number):
        return f"{int(number):,}"
    return f"{number:,.2f}".rstrip("0").rstrip(".")


def format_value(value: object, unit: str, lang: str) -> str:
    """``85.2%``, ``18个月`` / ``18 months``, ``42 个`` / ``42 points``."""
    number = format_number(value)
    if number == DASH:
        return number
    if unit.strip() == "%":
        return f"{number}%"
    if lang == "zh":
        return f"{number}{_ZH_UNIT_DISPLAY.get(unit, unit)}"
    return f"{number} {unit}"


def format_gap(value: object, unit: str, lang: str) -> str:
    """A distance to target; percentages in percentage points."""
    if unit.strip() == "%" and not is_missing(value):
        return t("unit.pp", lang, value=format_number(value))
    return format_value(value, unit, lang)


def format_target(target: float, direction: str, unit: str, lang: str) -> str:
    sign = "≥" if direction == "at_least" else "≤"
    return f"{sign} {format_value(target, unit, lang)}"


def format_share(share: object) -> str:
    """0.764 -> ``76%``."""
    return DASH if is_missing(share) else f"{round(float(share) * 100):d}%"


def format_ranges(numbers: Sequence[int]) -> str:
    """``[21, 22, 23, 25]`` -> ``21–23, 25``; a dash when empty."""
    ordered = sorted(set(numbers))
    if not ordered:
        return DASH
    runs: list[list[int]] = [[ordered[0], ordered[0]]]
    for n in ordered[1:]:
        if n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    return ", ".join(str(a) if a == b else f"{a}–{b}" if b > a + 1 else f"{a}, {b}" for a, b in runs)


def cn_numeral(n: int) -> str:
    """1–99 in Chinese numerals, as the plan numbers its sections and measures (五, 二十一)."""
    if n < 10:
        return _CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[ones] if ones else "")


# --------------------------------------------------------------------------- display width


def char_width(ch: str) -> int:
    """Columns one character takes: 2 for CJK (East Asian wide or full-width), 0 for a combining
    mark; a control character counts 1 (callers escape those before showing them)."""
    width = wcwidth(ch)
    return 1 if width < 0 else width


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal or a chart title."""
    return sum(char_width(ch) for ch in text)


def clip(text: str, width: int) -> str:
    """``text`` cut to ``width`` columns, ending in … when cut."""
    if display_width(text) <= width:
        return text
    out, used = "", 0
    for ch in text:
        used += char_width(ch)
        if used > width - 1:
            break
        out += ch
    return out + "…"


def wrap(text: str, width: int = 60, max_lines: int | None = None) -> str:
    """Break text into lines of at most ``width`` columns (a CJK character counts two)
    joined by ``<br>``; Latin text breaks at spaces. Beyond ``max_lines`` the last line ends in …"""
    lines: list[str] = []
    line, used = "", 0
    for token in _tokens(text):
        w = display_width(token)
        if used + w > width and line.strip():
            lines.append(line.rstrip())
            line, used = token.lstrip(), display_width(token.lstrip())
        else:
            line, used = line + token, used + w
    if line.strip():
        lines.append(line.rstrip())
    if max_lines and len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: max(1, len(lines[-1]) - 1)] + "…"
    return "<br>".join(lines)


def _tokens(text: str) -> list[str]:
    """Words (with their trailing space) and single CJK characters; closing punctuation
    sticks to the character before it so that no line starts with it."""
    out: list[str] = []
    word = ""
    for ch in text:
        if char_width(ch) == 2:
            if word:
                out.append(word)
                word = ""
            if ch in _CLOSING and out:
                out[-1] += ch
            else:
                out.append(ch)
        elif ch == " ":
            out.append(word + " ")
            word = ""
        else:
            word += ch
    if word:
        out.append(word)
    return out
