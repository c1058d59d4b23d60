"""Spreadsheet formula guard: text cells a spreadsheet would evaluate get an apostrophe."""

from __future__ import annotations

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralize(value: object) -> object:
    """Prefix text that a spreadsheet would evaluate as a formula with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def restore(text: str) -> str:
    """Undo :func:`neutralize` on a cell read back from a file: ``'=1+1`` is the text ``=1+1``.

    Excel treats the apostrophe the same way (a prefix, not content), and it makes an
    exported file re-ingest as unchanged.
    """
    if text.startswith("'") and text[1:].startswith(FORMULA_START):
        return text[1:]
    return text
