"""Turn the bytes of an uploaded file into a table of text cells with Excel row numbers.

Handles what Chinese Windows Excel produces: UTF-8 (with or without BOM), GB18030/GBK,
UTF-16 "Unicode text", comma/semicolon/tab separators, ``.xlsx`` workbooks with a title
row above the header, and percent-formatted cells that Excel stores as fractions.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass

import pandas as pd

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
MAX_ROWS = 1_000_000
_HEADER_LOOKUP = {alias: col for col, aliases in COLUMNS.items() for alias in aliases}
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
    NotImplementedError,
)


@dataclass(frozen=True)
class Table:
    """Cells as text, one column per canonical name, plus ``row`` as Excel numbers it."""

    frame: pd.DataFrame
    header_row: int
    percent_cells: pd.Series | None = None
    headers: dict[str, str] | None = None  # canonical name -> header as written in the file


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


def read_table(data: bytes, file_name: str) -> Table:
    """Decode and split a CSV or XLSX file; raise Unreadable with the reason."""
    if not data or not data.strip(b"\x00\r\n\t \xef\xbb\xbf"):
        raise Unreadable(Problem("file_empty"))
    if data[:4] == b"PK\x03\x04":
        return _read_xlsx(data)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise Unreadable(Problem("old_xls"))
    return _read_csv(decode(data))


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


def _read_csv(text: str) -> Table:
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
    frame = frame.iloc[1:].reset_index(drop=True)
    frame.columns = range(len(header))
    frame["row"] = pd.RangeIndex(header_idx + 2, header_idx + 2 + len(frame))
    return _canonical_frame(frame, header, header_idx + 1)


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


def _canonical_frame(frame: pd.DataFrame, header: list[str], header_row: int, percent=None) -> Table:
    seen: dict[str, int] = {}
    keep: dict[int, str] = {}
    problems: list[Problem] = []
    for pos, name in enumerate(header):
        col = _canonical(name)
        if col is None:
            continue
        if col in seen:
            problems.append(Problem("duplicate_column", row=header_row, column=str(name).strip()))
            continue
        seen[col] = pos
        keep[pos] = col
    if problems:
        raise Unreadable(problems[0])
    if "indicator_id" not in seen and "indicator_name" in seen:
        keep[seen["indicator_name"]] = "indicator_id"
        seen["indicator_id"] = seen.pop("indicator_name")
    missing = [c for c in REQUIRED if c not in seen]
    if missing:
        raise Unreadable(Problem("missing_columns", row=header_row, params={"columns": ", ".join(missing)}))
    out = pd.DataFrame({col: frame[pos] for pos, col in keep.items() if col != "indicator_name"})
    if "note" not in out:
        out["note"] = ""
    out = out.fillna("")
    out["row"] = frame["row"].to_numpy()
    pct = None
    if percent is not None:
        pct = pd.Series(percent[seen["value"]], index=out.index)
    written = {col: str(header[pos]).strip().lstrip("\ufeff") for pos, col in keep.items()}
    return Table(out, header_row, pct, written)


def _read_xlsx(data: bytes) -> Table:
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
    frame = pd.DataFrame(body, columns=range(width), dtype=object)
    frame["row"] = rownums[header_idx + 1 :]
    pct_cols = {i: [p[i] for p in pct] for i in range(width)}
    header = cells[header_idx] + [""] * (width - len(cells[header_idx]))
    table = _canonical_frame(frame, header, rownums[header_idx], percent=pct_cols)
    return table


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
