"""Turn the bytes of an uploaded file into a table of text cells with Excel row numbers.

Handles what Chinese Windows Excel produces: UTF-8 (with or without BOM), GB18030/GBK,
UTF-16 "Unicode text", comma/semicolon/tab separators, ``.xlsx`` workbooks with a title
row above the header, and percent-formatted cells that Excel stores as fractions.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import itertools
import os
import re
import tempfile
import unicodedata
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

import duckdb

from metrics.config import MAX_ROWS
from metrics.errors import Problem

# Canonical column -> accepted header spellings (compared after _norm_header).
COLUMNS: dict[str, tuple[str, ...]] = {
    "indicator_id": ("indicator_id", "indicator", "indicatorid", "指标编号", "指标代码", "指标id", "指标"),
    "indicator_name": ("indicator_name", "指标名称"),
    "period": ("period", "报告期", "统计期", "季度", "报告期间"),
    "agency_id": ("agency_id", "agency", "agencyid", "填报单位", "报送单位", "单位编号", "填报单位编号"),
    "value": ("value", "数值", "数据", "值", "完成值", "本期数值"),
    "note": ("note", "notes", "备注", "说明"),
}
REQUIRED = ("indicator_id", "period", "agency_id", "value")
HEADER_SCAN_ROWS = 10
_HEADER_LOOKUP = {alias: col for col, aliases in COLUMNS.items() for alias in aliases}
_CONTENT = re.compile(rb"[^\x00\r\n\t \xef\xbb\xbf]")
_DELIMS = (",", ";", "\t", "，")
# A header cell is short: cut lines before sniffing, so a huge note never trips csv's field limit.
_SNIFF_CHARS = 10_000
# What a damaged workbook makes openpyxl (zipfile, zlib, the XML parser) raise, on open or while reading.
_WORKBOOK_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    KeyError,
    OSError,
    ValueError,
    TypeError,
    IndexError,
    AttributeError,
    SyntaxError,
    EOFError,
    RuntimeError,  # openpyxl's "not supported" errors
)


CELL_COLUMNS = ("row", "indicator_id", "period", "agency_id", "value", "note", "pct")


@dataclass(frozen=True)
class Table:
    """A file's data rows in the DuckDB view ``cells`` of ``con``, a connection of its own.

    ``cells`` has CELL_COLUMNS: ``row`` as Excel numbers it, the text of each canonical column
    ('' when blank) and ``pct``, true where Excel formatted the value as a percentage.
    """

    con: duckdb.DuckDBPyConnection
    header_row: int
    headers: dict[str, str]  # canonical name -> header as written in the file

    def rows(self, columns: Sequence[str] = CELL_COLUMNS[:-1]) -> list[tuple]:
        """The cells, in file order (for inspection and tests)."""
        wanted = [c for c in columns if c in CELL_COLUMNS]
        return self.con.execute(f"SELECT {', '.join(wanted)} FROM cells ORDER BY row").fetchall()


class Unreadable(Exception):
    """Internal: the file cannot be read at all; carries the problem to report."""

    def __init__(self, problem: Problem, more: list[Problem] | None = None):
        self.problem = problem
        self.problems = [problem, *(more or [])]


def _norm_header(text: object) -> str:
    s = unicodedata.normalize("NFKC", str(text or "")).strip().lstrip("\ufeff").lower()
    return re.sub(r"[\s\-*]+", "", s).replace("（", "(")


def _canonical(header: object) -> str | None:
    key = _norm_header(header)
    if key in _HEADER_LOOKUP:
        return _HEADER_LOOKUP[key]
    # "指标编号 indicator_id" or "数值(%)": match on the leading word.
    head = re.split(r"[(/|]", key)[0]
    return _HEADER_LOOKUP.get(head)


def read_table(data: bytes, con: duckdb.DuckDBPyConnection | None = None, *, file_name: str = "") -> Table:
    """Decode and split a CSV or XLSX file into ``con`` (default: a new in-memory connection).

    The content decides how a file is read; the name only catches a file that claims to be a
    workbook and is not (a text file renamed to ``.xlsx``). Raise Unreadable with the reason;
    the caller closes a connection it passed in.
    """
    if file_name.lower().endswith(".xlsx") and data[:4] != b"PK\x03\x04" and _CONTENT.search(data):
        raise Unreadable(Problem("not_a_workbook"))
    own = con is None
    if con is None:
        con = duckdb.connect()
    try:
        return _read(data, con)
    except BaseException:
        if own:
            con.close()
        raise


def _read(data: bytes, con: duckdb.DuckDBPyConnection) -> Table:
    if not _CONTENT.search(data):  # nothing but blanks, line ends and byte-order marks
        raise Unreadable(Problem("file_empty"))
    if data[:4] == b"PK\x03\x04":
        return _read_xlsx(data, con)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise Unreadable(Problem("old_xls"))
    return _read_csv(decode(data), con)


def decode(data: bytes) -> str:
    """Text of a CSV file in any encoding Excel on Chinese Windows writes."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise Unreadable(Problem("bad_encoding")) from None
    if b"\x00" in data[:4096]:
        raise Unreadable(Problem("not_text"))
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_binary(text):
            raise Unreadable(Problem("not_text"))
        return text
    raise Unreadable(Problem("bad_encoding"))


def _looks_binary(text: str) -> bool:
    sample = text[:4096]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\r\n\t")
    return controls > max(2, len(sample) // 100)


def _find_header(rows: list[list[str]]) -> int | None:
    for i, cells in enumerate(rows[:HEADER_SCAN_ROWS]):
        found = {_canonical(c) for c in cells} - {None}
        if len(found & {*REQUIRED, "indicator_name"}) >= 2:
            return i
    return None


def _read_csv(text: str, con: duckdb.DuckDBPyConnection) -> Table:
    # Only \r and \n end a line, as for pandas below (str.splitlines also splits at \v, \x85, \u2028…).
    head = re.split(r"\r\n|\r|\n", text, maxsplit=HEADER_SCAN_ROWS)[:HEADER_SCAN_ROWS]
    lines = [line[:_SNIFF_CHARS] for line in head]
    best: tuple[int, str, int] | None = None
    for delim in _DELIMS:
        rows = list(csv.reader(lines, delimiter=delim))
        idx = _find_header(rows)
        if idx is not None:
            score = len({_canonical(c) for c in rows[idx]} - {None})
            if best is None or score > best[0]:
                best = (score, delim, idx)
    if best is None:
        raise Unreadable(Problem("no_header", params={"columns": ", ".join(REQUIRED)}))
    _, delim, header_idx = best
    if delim == "，":
        text = text.replace("，", ",")
        delim = ","
    header = _load_simple_csv(con, text, delim, header_idx)
    if header is not None:  # DuckDB keeps the file's order: rowid counts the records
        _cells(con, header, header_idx + 1, source="raw_csv", row=f"rowid + {header_idx + 2}")
    else:
        header = _load_frame(con, _pandas_csv(text, delim, header_idx), header_idx + 2)
        _cells(con, header, header_idx + 1)
    return Table(con, header_idx + 1, _written(header))


def _load_simple_csv(
    con: duckdb.DuckDBPyConnection, text: str, delim: str, header_idx: int
) -> list[str] | None:
    """DuckDB's own reader for the usual file, into ``raw_csv``; None when it needs the careful path.

    A record's Excel row is its position after the header. DuckDB skips blank lines, which Excel
    counts, and lets some broken quoting pass (``1","``) that pandas names: files with blank lines
    or quote characters, and any DuckDB refuses, go to :func:`_pandas_csv`; the rest has no quote
    character, so DuckDB reads it with quoting off.
    """
    breaks = list(itertools.islice(re.finditer(r"\r\n|\r|\n", text), header_idx + 1))
    if len(breaks) <= header_idx:
        return None  # nothing after the header line
    start = breaks[header_idx - 1].end() if header_idx else 0
    header_line = text[start : breaks[header_idx].start()]
    body = text[breaks[header_idx].end() :].rstrip("\r\n")
    if text.find('"', start) >= 0 or not body or body[0] in "\r\n" or "\x00" in body:
        return None
    if "\r" in body and not body.count("\r") == body.count("\r\n") == body.count("\n"):
        return None  # mixed or old-Mac line ends
    if "\n\n" in body or "\n\r\n" in body:
        return None  # a blank line: Excel counts it as a row
    header = next(csv.reader([header_line], delimiter=delim))
    columns = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(header)))
    try:
        fd, path = tempfile.mkstemp(suffix=".csv", prefix="metrics_")
    except OSError:  # no room for a scratch file: the careful path needs none
        return None
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(body.encode("utf-8"))
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE raw_csv AS SELECT * FROM read_csv(?, header = false,
                auto_detect = false, delim = '{delim}', quote = '', escape = '', columns = {{{columns}}},
                null_padding = true, parallel = true)""",
            [path],
        )
    except (duckdb.Error, OSError):
        con.execute("DROP TABLE IF EXISTS raw_csv")
        return None
    finally:
        with contextlib.suppress(OSError):
            os.unlink(path)
    return header


def _pandas_csv(text: str, delim: str, header_idx: int):
    """The careful path: pandas' parser, every malformed row named. Returns (header, body frame)."""
    import pandas as pd

    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=delim,
            header=None,
            skiprows=header_idx,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
            engine="c",
        )
    except pd.errors.ParserError as exc:
        first = _parser_problem(str(exc))
        ragged = _ragged_rows(text, delim, header_idx) if first.row is not None else []
        raise Unreadable(first, [p for p in ragged if p.row != first.row]) from None
    except pd.errors.EmptyDataError:
        raise Unreadable(Problem("file_empty")) from None
    header = [str(h) for h in frame.iloc[0].tolist()]
    body = frame.iloc[1:].reset_index(drop=True)
    body.columns = [f"c{i}" for i in range(len(header))]
    return header, body


def _load_frame(con: duckdb.DuckDBPyConnection, parsed, first_row: int) -> list[str]:
    """A (header, frame) pair from :func:`_pandas_csv` into ``raw``."""
    header, body = parsed
    body.insert(0, "row", range(first_row, first_row + len(body)))
    con.register("raw_frame", body)
    con.execute("CREATE OR REPLACE TEMP TABLE raw AS SELECT * FROM raw_frame")
    con.unregister("raw_frame")
    return header


def _ragged_rows(text: str, delim: str, header_idx: int) -> list[Problem]:
    """Every row with more fields than the header (pandas stops at the first one)."""
    try:
        records = list(csv.reader(io.StringIO(text), delimiter=delim))
    except csv.Error:
        return []
    if len(records) <= header_idx:
        return []
    width = len(records[header_idx])
    return [
        Problem("bad_csv", row=i + 1, params={"detail": f"{len(rec)} / {width}"})
        for i, rec in enumerate(records[header_idx + 1 :], start=header_idx + 1)
        if len(rec) > width
    ]


def _parser_problem(message: str) -> Problem:
    eof = re.search(r"EOF inside string starting at row (\d+)", message)
    if eof:  # a quote opened and never closed: pandas counts records from 0, Excel from 1
        return Problem("bad_csv", row=int(eof.group(1)) + 1, params={"detail": 'unclosed " / 引号未闭合'})
    m = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", message)
    if not m:
        return Problem("bad_csv", params={"detail": message.strip().splitlines()[-1][:120]})
    expected, line, saw = (int(g) for g in m.groups())
    # pandas counts records from the top of the file, skipped title rows included: Excel's row.
    return Problem("bad_csv", row=line, params={"detail": f"{saw} / {expected}"})


def _columns(header: list[str], header_row: int) -> dict[str, int]:
    """Canonical column -> position in the file; raise Unreadable for a repeated or missing one."""
    seen: dict[str, int] = {}
    for pos, name in enumerate(header):
        col = _canonical(name)
        if col is None:
            continue
        if col in seen:
            raise Unreadable(Problem("duplicate_column", row=header_row, column=str(name).strip()))
        seen[col] = pos
    if "indicator_id" not in seen and "indicator_name" in seen:
        seen["indicator_id"] = seen.pop("indicator_name")
    seen.pop("indicator_name", None)
    missing = [c for c in REQUIRED if c not in seen]
    if missing:
        raise Unreadable(Problem("missing_columns", row=header_row, params={"columns": ", ".join(missing)}))
    return seen


def _written(header: list[str]) -> dict[str, str]:
    """Canonical column -> its header as written in the file."""
    return {col: str(header[pos]).strip().lstrip("\ufeff") for col, pos in _columns(header, 0).items()}


def _cells(
    con: duckdb.DuckDBPyConnection,
    header: list[str],
    header_row: int,
    *,
    source: str = "raw",
    row: str = "row",
    percent: bool = False,
) -> None:
    """The view ``cells`` (CELL_COLUMNS) over ``source`` (``c0``… and, for workbooks, ``p0``…)."""
    pos = _columns(header, header_row)
    text = [
        f"coalesce(c{pos[c]}::VARCHAR, '') AS {c}" if c in pos else f"'' AS {c}" for c in CELL_COLUMNS[1:-1]
    ]
    pct = f"coalesce(p{pos['value']}, false)" if percent else "false"
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW cells AS SELECT ({row})::BIGINT AS row, {', '.join(text)}, {pct} AS pct"
        f" FROM {source}"
    )


def _read_xlsx(data: bytes, con: duckdb.DuckDBPyConnection) -> Table:
    from openpyxl import load_workbook

    cells: list[list[str]] = []
    percent: list[list[bool]] = []
    rownums: list[int] = []
    try:  # a damaged part may only show while the sheet is read, not when the workbook opens
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            names = {name.strip().lower(): name for name in wb.sheetnames}
            chosen = names.get("数据") or names.get("data") or (wb.sheetnames[0] if wb.sheetnames else None)
            if chosen is None:
                raise Unreadable(Problem("sheet_missing"))
            ws = wb[chosen]
            for excel_row, row in enumerate(ws.iter_rows(), start=1):
                if excel_row > MAX_ROWS:
                    raise Unreadable(Problem("too_many_rows", params={"limit": MAX_ROWS}))
                cells.append([_cell_text(c.value) for c in row])
                percent.append(["%" in str(getattr(c, "number_format", "") or "") for c in row])
                rownums.append(excel_row)
        finally:
            wb.close()
    except _WORKBOOK_ERRORS as exc:
        raise Unreadable(Problem("bad_workbook", params={"detail": type(exc).__name__})) from None
    if not cells:
        raise Unreadable(Problem("file_empty"))
    header_idx = _find_header(cells)
    if header_idx is None:
        raise Unreadable(Problem("no_header", params={"columns": ", ".join(REQUIRED)}))
    width = max(len(r) for r in cells)
    body = [r + [""] * (width - len(r)) for r in cells[header_idx + 1 :]]
    pct = [p + [False] * (width - len(p)) for p in percent[header_idx + 1 :]]
    header = cells[header_idx] + [""] * (width - len(cells[header_idx]))
    columns = (
        [list(col) for col in (*zip(*body, strict=True), *zip(*pct, strict=True))]
        if body
        else [[]] * (2 * width)
    )
    selects = ["unnest(?::BIGINT[]) AS row"]
    selects += [f"unnest(?::VARCHAR[]) AS c{i}" for i in range(width)]
    selects += [f"unnest(?::BOOLEAN[]) AS p{i}" for i in range(width)]
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE raw AS SELECT {', '.join(selects)}",
        [rownums[header_idx + 1 :], *columns],
    )
    _cells(con, header, rownums[header_idx], percent=True)
    return Table(con, rownums[header_idx], _written(header))


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return str(value)
