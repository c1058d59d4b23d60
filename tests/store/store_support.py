"""What the store tests share: two small files, and stored rows as plain tuples."""

from __future__ import annotations

import duckdb
import pandas as pd

HEADER = b"indicator_id,period,agency_id,value,note\n"
FIRST = HEADER + b"tc_alignment_rate,2025Q1,samr,85,\nverification_points,2025Q1,samr,10,ten\n"
SECOND = HEADER + b"tc_alignment_rate,2025Q1,samr,86,corrected\nverification_points,2025Q1,samr,10,ten\n"


def plain(frame: pd.DataFrame) -> list[tuple]:
    return [tuple(None if pd.isna(v) else v for v in r) for r in frame.itertuples(index=False)]


def table_names(path) -> list[str]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return sorted(
            r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
        )
    finally:
        con.close()
