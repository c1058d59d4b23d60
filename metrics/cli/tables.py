"""Plain-text tables for the terminal: numbers, shares and column widths (Chinese takes two)."""

from __future__ import annotations

import math
import unicodedata


def num(x) -> str:
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "—"
    return f"{x:,.2f}".rstrip("0").rstrip(".")


def pct(x) -> str:
    return "—" if x is None else f"{x * 100:.0f}%"


def clip(text: str, limit: int = 34) -> str:
    if width(text) <= limit:
        return text
    out = ""
    for ch in text:
        if width(out + ch) > limit - 1:
            break
        out += ch
    return out + "…"


def width(text: str) -> int:
    """Terminal columns: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def table(head: list[str], rows: list[list[str]]) -> str:
    widths = [max(width(str(x)) for x in col) for col in zip(head, *rows, strict=False)]

    def line(cells) -> str:
        return "  ".join(
            str(c) + " " * (w - width(str(c))) for c, w in zip(cells, widths, strict=True)
        ).rstrip()

    return "\n".join([line(head), line("-" * w for w in widths), *(line(r) for r in rows)])
