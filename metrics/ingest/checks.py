"""Check a file's cells against the registry, vectorised in DuckDB SQL.

Each distinct id, period, value or note spelling is interpreted once, in Python, by the one
rule for it (:mod:`metrics.plan.periods`, :func:`parse_value`); the answers and the registry's rules
(who reports what, bounds, units) are joined back to every row in SQL. The usual file is
answered by one pass over that join; only a file with problems has its problem rows listed,
each with the row as Excel shows it and the value as written.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

import duckdb

from metrics.config import MAX_ROWS
from metrics.errors import Problem
from metrics.ingest.formula_guard import restore
from metrics.ingest.reader import Table
from metrics.plan import periods
from metrics.plan.registry import Registry
from metrics.store.incoming import ACCEPTED, ROW_COLUMNS

MAX_ABS_VALUE = 1e15
NEAR_MISS = 0.8  # difflib ratio from which an unknown id or name gets "did you mean …"
# A plain number below MAX_ABS_VALUE: DuckDB's cast reads it as float() does (correctly rounded).
_PLAIN = r"regexp_full_match(k, '[+-]?[0-9]{1,15}(\.[0-9]{1,17})?')"
_VALUE_OUTPUTS = {"number": "DOUBLE", "pct": "BOOLEAN", "code": "VARCHAR"}
_INDICATOR_OUTPUTS = {
    "id": "VARCHAR",
    "lo": "DOUBLE",
    "hi": "DOUBLE",
    "no_pct": "BOOLEAN",
}


@dataclass(frozen=True)
class Checked:
    """What checking a table found; when ``problems`` is empty the view ACCEPTED has the rows."""

    problems: list[Problem]
    n_rows: int  # rows kept: one per (indicator, period, agency)
    duplicates_dropped: int


def period_bounds(registry: Registry, today: dt.date) -> tuple[str, str]:
    """Earliest and latest period a file may contain."""
    return periods.shift(registry.first_period, -8), periods.of_date(today)


def validate(
    registry: Registry,
    table: Table,
    *,
    today: dt.date | None = None,
    allowed_agencies: Iterable[str] | None = None,
) -> Checked:
    """Check every row of ``table.cells``; the temp view ACCEPTED of ``table.con`` then has the rows to store.

    ACCEPTED (:mod:`metrics.store.incoming`) is what the store reads; the other temp tables made
    here are scratch, gone with the connection.
    """
    con = table.con
    first, last = period_bounds(registry, today or dt.date.today())
    indicators, agencies = _indicator_lookup(registry), _agency_lookup(registry)
    map_distinct(
        con,
        "cells",
        {
            "indicator_id": (
                lambda v: _indicator_rules(registry, _lookup(indicators, v)),
                _INDICATOR_OUTPUTS,
            ),
            "agency_id": (lambda v: (_lookup(agencies, v),), {"id": "VARCHAR"}),
            "period": (lambda v: _period(v, first, last), {"period": "VARCHAR", "code": "VARCHAR"}),
            "note": (lambda v: (_note(v),), {"note": "VARCHAR"}),
        },
    )
    _value_map(con, "cells")
    _reporters(con, registry)
    con.execute(f"CREATE OR REPLACE TEMP VIEW checked_rows AS {_CHECKED_ROWS}")
    allowed = sorted(set(allowed_agencies)) if allowed_agencies is not None else None
    kinds = [k for k in WHERE if allowed is not None or k != "forbidden_agency"]
    flagged = " OR ".join(f"coalesce({WHERE[k]}, false)" for k in kinds)
    # One pass answers for the usual file: how many rows, any problem, any key twice.
    n_filled, n_flagged, n_keys = con.execute(
        f"""SELECT count(*), count(*) FILTER (NOT complete OR {flagged}),
                   count(DISTINCT hash(indicator_id, period, agency_id))
            FROM checked_rows""",
        {"allowed": allowed} if allowed is not None else {},
    ).fetchall()[0]
    if n_filled == 0:
        return Checked([Problem("header_only", row=table.header_row)], 0, 0)
    if n_filled > MAX_ROWS:
        return Checked([Problem("too_many_rows", params={"limit": MAX_ROWS})], 0, 0)
    if n_flagged == 0 and n_keys == n_filled:
        con.execute(f"CREATE OR REPLACE TEMP VIEW {ACCEPTED} AS {_ACCEPTED_ROWS}")
        return Checked([], n_filled, 0)
    con.execute("CREATE OR REPLACE TEMP TABLE checked AS SELECT * FROM checked_rows")
    problems = _problems(con, registry, first, last, allowed)
    dropped = _repeats(con)
    problems += [
        Problem("conflict", row, "value", text, {"rows": listed})
        for row, text, listed in con.execute(
            "SELECT row, value_text, listed FROM repeated_rows WHERE conflicting ORDER BY row"
        ).fetchall()
    ]
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW {ACCEPTED} AS SELECT {', '.join(ROW_COLUMNS)} FROM checked"
        " WHERE complete AND row NOT IN (SELECT row FROM repeated_rows WHERE NOT first)"
    )
    n_complete = con.execute("SELECT count(*) FROM checked WHERE complete").fetchall()[0][0]
    written = table.headers
    problems = [replace(p, column=written.get(p.column, p.column)) if p.column else p for p in problems]
    problems.sort(key=lambda p: (p.row if p.row is not None else 0, p.column or ""))
    return Checked(problems, n_complete - dropped, dropped)


Rule = tuple[Callable[[str], Sequence[object]], dict[str, str]]  # fn, its outputs' names and SQL types


def map_distinct(con: duckdb.DuckDBPyConnection, table: str, rules: dict[str, Rule]) -> None:
    """Per column, temp table ``map_<column>`` (``k``, *outputs*, ``blank``): its ``fn`` applied
    once per distinct value of the column. ``blank`` is true for text that str.strip() empties.
    """
    distinct = ", ".join(f"list(DISTINCT {column})" for column in rules)
    found = con.execute(f"SELECT {distinct} FROM {table}").fetchall()[0]
    for (column, (fn, outputs)), keys in zip(rules.items(), found, strict=True):
        _load_map(con, f"map_{column}", keys or [], fn, outputs)


def _load_map(
    con: duckdb.DuckDBPyConnection, name: str, keys: list[str], fn, outputs: dict[str, str]
) -> None:
    """Temp table ``name`` (``k``, *outputs*, ``blank``) with ``fn``'s answer for each key."""
    results = [(*fn(k), not k.strip()) for k in keys]
    outputs = {**outputs, "blank": "BOOLEAN"}
    lists = [list(col) for col in zip(*results, strict=True)] if results else [[] for _ in outputs]
    cols = ", ".join(f"unnest(?::{kind}[]) AS {out}" for out, kind in outputs.items())
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT unnest(?::VARCHAR[]) AS k, {cols}", [keys, *lists]
    )


def _values_sql(table: str) -> str:
    """``table`` with value_text, value, has_pct, value_code and value_blank, through ``map_value``.

    A cell Excel formatted as a percentage holds a fraction: 85.2 % is stored as 0.852.
    """
    return f"""
        SELECT t.* EXCLUDE (value), t.value AS value_text, m.code AS value_code, m.blank AS value_blank,
               CASE WHEN t.pct AND NOT m.pct THEN round(m.number * 100, 10) ELSE m.number END AS value,
               m.pct OR (t.pct AND m.number IS NOT NULL) AS has_pct
        FROM {table} t JOIN map_value m ON m.k = t.value"""


# Every non-blank row with what its cells mean (NULL where a cell means nothing known).
# Each cell joined to what its spelling means (the maps are filled by map_distinct and _value_map).
_MAPPED = f"""
    FROM ({_values_sql("cells")}) f
    JOIN map_indicator_id i ON i.k = f.indicator_id
    JOIN map_agency_id a ON a.k = f.agency_id
    JOIN map_period p ON p.k = f.period
    JOIN map_note n ON n.k = f.note"""
_CHECKED_ROWS = f"""
    SELECT f.row, f.indicator_id AS indicator_text, f.agency_id AS agency_text, f.period AS period_text,
           f.value_text, i.id AS indicator_id, a.id AS agency_id, p.period, p.code AS period_code,
           f.value, f.has_pct, f.value_code, n.note,
           r.indicator_id IS NOT NULL AS reports, i.lo, i.hi, i.no_pct,
           i.id IS NOT NULL AND a.id IS NOT NULL AND p.period IS NOT NULL AND f.value IS NOT NULL AS complete
    {_MAPPED}
    LEFT JOIN reporters r ON r.indicator_id = i.id AND r.agency_id = a.id
    WHERE NOT (i.blank AND a.blank AND p.blank AND f.value_blank AND n.blank)"""
# The rows of a file without problems: the same join without the checks' tables. Every non-blank
# row of such a file names a known indicator; a blank row names none.
_ACCEPTED_ROWS = f"""
    SELECT i.id AS indicator_id, p.period, a.id AS agency_id, f.value, n.note, f.row
    {_MAPPED}
    WHERE i.id IS NOT NULL"""


def _repeats(con: duckdb.DuckDBPyConnection) -> int:
    """Temp table ``repeated_rows``: rows whose key appears again; returns how many are dropped.

    A repeat with the same value and note is dropped (the first is kept); a different value
    or note for the same key is a conflict.
    """
    con.execute(
        """CREATE OR REPLACE TEMP TABLE repeated_rows AS
        WITH keys AS (
            SELECT indicator_id, period, agency_id FROM checked WHERE complete
            GROUP BY ALL HAVING count(*) > 1
        ), grouped AS (
            SELECT c.* FROM checked c SEMI JOIN keys k USING (indicator_id, period, agency_id)
            WHERE c.complete
        )
        SELECT row, value_text,
               row = min(row) OVER w AS first,
               string_agg(row::VARCHAR, ', ' ORDER BY row) OVER w AS listed,
               count(DISTINCT value) OVER w + count(DISTINCT note) OVER w
                   + max((note IS NULL)::INT) OVER w > 2 AS conflicting
        FROM grouped
        WINDOW w AS (PARTITION BY indicator_id, period, agency_id)"""
    )
    return con.execute("SELECT count(*) FROM repeated_rows WHERE NOT first").fetchall()[0][0]


def parse_values(texts: Sequence[str], percent_cells: Sequence[bool] | None = None) -> list[tuple]:
    """(value, had a % sign, problem code) per text, through the same SQL as :func:`validate`."""
    pct = list(percent_cells) if percent_cells is not None else [False] * len(texts)
    con = duckdb.connect()
    try:
        con.execute(
            "CREATE TEMP TABLE cells AS SELECT unnest(range(?)) AS row, unnest(?::VARCHAR[]) AS value,"
            " unnest(?::BOOLEAN[]) AS pct",
            [len(texts), list(texts), pct],
        )
        _value_map(con, "cells")
        return con.execute(
            f"SELECT value, has_pct, value_code FROM ({_values_sql('cells')}) ORDER BY row"
        ).fetchall()
    finally:
        con.close()


def _value_map(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """Temp table ``map_value`` (k, number, pct, code, blank) for every distinct value spelling.

    Plain numbers, nearly every cell, are read in SQL; every other spelling by :func:`parse_value`.
    """
    con.execute(f"CREATE OR REPLACE TEMP TABLE value_keys AS SELECT DISTINCT value AS k FROM {table}")
    others = [k for (k,) in con.execute(f"SELECT k FROM value_keys WHERE NOT {_PLAIN}").fetchall()]
    _load_map(con, "map_value", others, parse_value, _VALUE_OUTPUTS)
    con.execute(
        f"INSERT INTO map_value SELECT k, k::DOUBLE, false, NULL, false FROM value_keys WHERE {_PLAIN}"
    )


def _indicator_rules(registry: Registry, indicator_id: str | None) -> tuple:
    """(id, lowest, highest, refuses a % sign) for a known indicator."""
    if indicator_id is None:
        return None, None, None, None
    ind = registry.indicator[indicator_id]
    return indicator_id, *ind.bounds, not ind.is_percent and ind.kind != "milestone"


def _reporters(con: duckdb.DuckDBPyConnection, registry: Registry) -> None:
    """Temp table ``reporters``: who may report which indicator."""
    pairs = [(ind, ag) for ind, ags in registry.reporters.items() for ag in sorted(ags)]
    con.execute(
        "CREATE OR REPLACE TEMP TABLE reporters AS"
        " SELECT unnest(?::VARCHAR[]) AS indicator_id, unnest(?::VARCHAR[]) AS agency_id",
        [[p[0] for p in pairs], [p[1] for p in pairs]],
    )


# Where each kind of problem is, in the checked rows; ``$allowed`` is bound when uploads are limited.
WHERE = {
    "unknown_indicator": "indicator_id IS NULL",
    "unknown_agency": "agency_id IS NULL",
    "not_allowed": "indicator_id IS NOT NULL AND agency_id IS NOT NULL AND NOT reports",
    "forbidden_agency": "agency_id IS NOT NULL AND NOT list_contains($allowed, agency_id)",
    "period": "period_code IS NOT NULL",
    "value": "value_code IS NOT NULL",
    "percent_sign": "value IS NOT NULL AND no_pct AND has_pct",
    "range": "value IS NOT NULL AND (value < lo OR value > hi)",
}


def _problems(con, registry: Registry, first: str, last: str, allowed: list[str] | None) -> list[Problem]:
    """Every problem in ``checked``, in the order they are explained for one row."""

    def rows(columns: str, kind: str) -> list[tuple]:
        params = {"allowed": allowed} if "$allowed" in WHERE[kind] else {}
        return con.execute(
            f"SELECT {columns} FROM checked WHERE {WHERE[kind]} ORDER BY row", params
        ).fetchall()

    near_indicator = _near_miss(_indicator_names(registry))
    near_agency = _near_miss(_agency_names(registry))
    problems = [
        Problem("unknown_indicator", row, "indicator_id", text, near_indicator(text))
        for row, text in rows("row, indicator_text", "unknown_indicator")
    ]
    problems += [
        Problem("unknown_agency", row, "agency_id", text, near_agency(text))
        for row, text in rows("row, agency_text", "unknown_agency")
    ]
    for row, text, ag, ind in rows("row, agency_text, agency_id, indicator_id", "not_allowed"):
        params = {
            **_agency_params(registry, ag),
            "measure": registry.indicator[ind].measure,
            "indicator": ind,
        }
        problems.append(Problem("not_allowed", row, "agency_id", text, params))
    if allowed is not None:
        known = [registry.agency[a] for a in allowed if a in registry.agency]
        names = {"allowed_zh": "、".join(a.name_zh for a in known) or "—"}
        names["allowed_en"] = ", ".join(a.short("en") for a in known) or "-"
        for row, text, ag in rows("row, agency_text, agency_id", "forbidden_agency"):
            params = {**_agency_params(registry, ag), **names}
            problems.append(Problem("forbidden_agency", row, "agency_id", text, params))
    bounds = {"period_too_early": {"first": first}, "period_future": {"last": last}}
    problems += [
        Problem(code, row, "period", text, bounds.get(code, {}))
        for row, text, code in rows("row, period_text, period_code", "period")
    ]
    problems += [
        Problem(code, row, "value", text) for row, text, code in rows("row, value_text, value_code", "value")
    ]
    problems += [
        Problem("percent_sign", row, "value", text, {"unit": registry.indicator[ind].unit})
        for row, text, ind in rows("row, value_text, indicator_id", "percent_sign")
    ]
    for row, text, ind in rows("row, value_text, indicator_id", "range"):
        code, params = _range_rule(registry.indicator[ind])
        problems.append(Problem(code, row, "value", text, params))
    return problems


def _near_miss(names: list[str]) -> Callable[[str | None], dict]:
    """``{"suggestion": name}`` for a text close to one of ``names`` (a typo of an id or of a
    Chinese name), else ``{}``; asked once per distinct text."""
    by_key = {_norm(n).lower(): n for n in names}
    found: dict[str, dict] = {}

    def near(text: str | None) -> dict:
        key = _norm(text or "").lower()
        if key not in found:
            close = difflib.get_close_matches(key, list(by_key), n=1, cutoff=NEAR_MISS) if key else []
            found[key] = {"suggestion": by_key[close[0]]} if close else {}
        return found[key]

    return near


def _indicator_names(registry: Registry) -> list[str]:
    """What a file may write for an indicator: its id or its Chinese name."""
    return [name for ind in registry.indicators for name in (ind.id, ind.name_zh)]


def _agency_names(registry: Registry) -> list[str]:
    """What a file may write for an agency: its id or its Chinese name (with or without the bracket)."""
    out = []
    for ag in registry.agencies:
        out += [ag.id, ag.name_zh, re.sub(r"[（(].*?[）)]", "", ag.name_zh).strip()]
    return list(dict.fromkeys(out))


def _range_rule(ind) -> tuple[str, dict]:
    lo, hi = ind.bounds
    if ind.kind == "milestone":
        return "milestone_range", {}
    if ind.is_percent:
        return "percent_range", {}
    if lo == 0 and hi is None:
        return "negative", {"unit": ind.unit}
    return "out_of_range", {"low": lo, "high": hi}


def _agency_params(registry: Registry, agency_id: str) -> dict[str, str]:
    agency = registry.agency[agency_id]
    return {"agency": agency_id, "agency_zh": agency.name_zh, "agency_en": agency.short("en")}


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def _lookup(table: dict[str, str], text: str) -> str | None:
    return table.get(_norm(text)) or table.get(_norm(text).lower())


def _indicator_lookup(registry: Registry) -> dict[str, str]:
    out = {}
    for ind in registry.indicators:
        out[_norm(ind.name_zh)] = ind.id
        out[ind.id.lower()] = ind.id
    return out


def _agency_lookup(registry: Registry) -> dict[str, str]:
    out = {}
    for ag in registry.agencies:
        name = _norm(ag.name_zh)
        out[name] = ag.id
        out[re.sub(r"\(.*?\)", "", name).strip()] = ag.id  # 市场监管总局 for 市场监管总局（国家标准委）
        for inner in re.findall(r"\((.*?)\)", name):
            out.setdefault(inner.strip(), ag.id)  # 国家标准委
        out[ag.id.lower()] = ag.id
    return out


def _period(text: str, first: str, last: str) -> tuple[str | None, str | None]:
    """(canonical period, problem code) for one spelling."""
    period = periods.parse_period(text)
    if period is None:
        return None, "not_quarter_end" if periods.looks_like_date(text) else "bad_period"
    if periods.index(period) < periods.index(first):
        return period, "period_too_early"
    if periods.index(period) > periods.index(last):
        return period, "period_future"
    return period, None


def _note(text: str) -> str | None:
    """A note as given (a spreadsheet's formula-guard apostrophe removed); blank is no note."""
    text = restore(text)
    return text if text.strip() else None


_NUMBER_CLEAN = re.compile(r"[\s,_'’]")
# Separators are only thousands separators between groups of three digits: "1,234.5" is 1234.5,
# but "1,5" (a decimal comma) is not a number rather than fifteen.
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:[\s,_'’]\d{3})+(?:\.\d*)?")


def parse_value(text: str) -> tuple[float | None, bool, str | None]:
    """(number, had a % sign, problem code) for one cell's text."""
    s = unicodedata.normalize("NFKC", text).strip()
    if not s:
        return None, False, "empty_value"
    pct = s.endswith("%")
    if pct:
        s = s[:-1].strip()
    s = s.replace("−", "-")
    if _NUMBER_CLEAN.search(s):
        if not _GROUPED.fullmatch(s):
            return None, pct, "not_number"
        s = _NUMBER_CLEAN.sub("", s)
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|[+-]?(nan|inf|infinity)", s, re.IGNORECASE):
        return None, pct, "not_number"
    number = float(s)
    if math.isinf(number) and not s.lstrip("+-")[:1].isalpha():
        return None, pct, "too_large"  # a finite spelling beyond float's range, e.g. 1e400
    if not math.isfinite(number):
        return None, pct, "not_finite"
    if abs(number) >= MAX_ABS_VALUE:
        return None, pct, "too_large"
    return number, pct, None
