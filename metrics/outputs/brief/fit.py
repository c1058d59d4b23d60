"""Briefing deck, text measuring: paragraphs, cells and series, and fitting them into boxes."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from metrics.outputs.palette import INK
from metrics.text.format import wrap

EM_PER_COLUMN = 0.55  # wrap counts a Latin character as 1 column, a CJK one as 2
CELL_MARGIN_X, CELL_MARGIN_Y = 0.06, 0.03  # inches


def line_height(lang: str) -> float:
    """Line pitch in em: Noto/YaHei CJK lines are taller than Arial's."""
    return 1.45 if lang == "zh" else 1.22


def count_lines(text: str, width_in: float, size_pt: float) -> int:
    """Lines ``text`` takes in a box ``width_in`` wide at ``size_pt`` (explicit newlines kept)."""
    columns = max(4, int(width_in * 72 / (size_pt * EM_PER_COLUMN)))
    return sum(wrap(part, columns).count("<br>") + 1 for part in text.split("\n"))


@dataclass(frozen=True)
class Para:
    """One paragraph of a text box; ``scale`` multiplies the box's font size."""

    text: str
    scale: float = 1.0
    bold: bool = False
    color: str = INK
    space_before: float = 0.0  # points
    fill: str | None = None  # for a whole box only (status chips)


@dataclass
class Cell:
    text: str
    bold: bool = False
    color: str = INK
    fill: str | None = None
    align: str = "left"
    wrap: bool = True  # False: the table's size shrinks until this cell takes one line


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]
    color: str
    number_format: str
    width: float = 2.0  # points
    dash: str | None = None  # None, "dash", "dot", "long_dash"
    markers: bool = False


# ---------------------------------------------------------------------- fitting


def paras_height(paras: Sequence[Para], width_in: float, size: float, lang: str) -> float:
    """Estimated height in inches of ``paras`` wrapped in ``width_in`` at ``size`` points."""
    total = 0.0
    for p in paras:
        s = size * p.scale
        total += (count_lines(p.text, width_in, s) * s * line_height(lang) + p.space_before) / 72
    return total


def fit_size(
    paras: Sequence[Para], width_in: float, height_in: float, max_pt: float, min_pt: float, lang: str
) -> float:
    """Largest size (half-point steps) from ``max_pt`` down to ``min_pt`` at which the text fits."""
    size = max_pt
    while size > min_pt and paras_height(paras, width_in, size, lang) > height_in:
        size -= 0.5
    return size


def row_heights(
    rows: list[list[Cell]],
    widths: Sequence[float],
    size: float,
    lang: str,
    merges: Sequence[tuple[int, int, int, int]] = (),
) -> list[float]:
    """Estimated height of every table row (the tallest wrapped cell plus the cell margins);
    a vertically merged cell makes the last row of its span tall enough for its text."""
    pitch = size * line_height(lang) / 72
    pad = 2 * CELL_MARGIN_Y + 0.015
    merged = {(r, c0) for r0, c0, r1, _ in merges for r in range(r0, r1 + 1)}
    out = []
    for i, row in enumerate(rows):
        lines = max(
            count_lines("" if (i, j) in merged else c.text, w - 2 * CELL_MARGIN_X, size)
            for j, (c, w) in enumerate(zip(row, widths, strict=True))
        )
        out.append(lines * pitch + pad)
    for r0, c0, r1, _ in merges:
        need = count_lines(rows[r0][c0].text, widths[c0] - 2 * CELL_MARGIN_X, size) * pitch + pad
        have = sum(out[r0 : r1 + 1])
        if need > have:
            out[r1] += need - have
    return out


def fit_table(
    rows: list[list[Cell]],
    widths: Sequence[float],
    height_in: float,
    max_pt: float,
    min_pt: float,
    lang: str,
    merges: Sequence[tuple[int, int, int, int]] = (),
) -> tuple[float, list[float], int]:
    """Font size, row heights and how many rows fit in ``height_in`` (all of them when possible).

    The size shrinks down to ``min_pt`` first; only then are trailing rows left off.
    ``merges`` are vertical spans (first row, column, last row, column).
    """
    size = max_pt
    while True:
        heights = row_heights(rows, widths, size, lang, merges)
        fits = sum(heights) <= height_in and all(
            count_lines(c.text, w - 2 * CELL_MARGIN_X, size) == c.text.count("\n") + 1
            for row in rows
            for c, w in zip(row, widths, strict=True)
            if not c.wrap
        )
        if fits or size <= min_pt:
            break
        size -= 0.5
    n = len(rows)
    while n > 1 and sum(heights[:n]) > height_in:
        n -= 1
    return size, heights[:n], n


def nice_axis(values: Sequence[float]) -> tuple[float, float, float]:
    """Axis minimum, maximum and step (1, 2 or 5 × 10ⁿ, about five steps) around ``values``."""
    lo, hi = min(values), max(values)
    if hi == lo:
        pad = abs(hi) * 0.1 or 1.0
        lo, hi = lo - pad, hi + pad
    raw = (hi - lo) / 5
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    low = math.floor(lo / step) * step
    high = math.ceil(hi / step) * step
    if low == lo and lo != 0 and lo - step >= 0:
        low -= step  # keep the lowest point off the axis line
    if high == hi:
        high += step
    return round(low, 10), round(high, 10), step
