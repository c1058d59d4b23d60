"""Spreadsheet formula guard: text cells a spreadsheet would evaluate get an apostrophe."""

from __future__ import annotations

import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralize(value: object) -> object:
    """Prefix text that a spreadsheet would evaluate as a formula with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def neutralize_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """:func:`neutralize` on every text cell of ``frame`` (a copy; numbers and missing cells untouched)."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].astype(object).map(neutralize, na_action="ignore")
    return out


def restore(text: str) -> str:
    """Undo :func:`neutralize` on a cell read back from a file: ``'=1+1`` is the text ``=1+1``.

    Excel treats the apostrophe the same way (a prefix, not content), and it makes an
    exported file re-ingest as unchanged.
    """
    if text.startswith("'") and text[1:].startswith(FORMULA_START):
        return text[1:]
    return text
