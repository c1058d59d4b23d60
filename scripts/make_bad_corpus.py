"""Write the malformed-file corpus in ``tests/data/bad/`` and its README (deterministic).

Every file is one way an upload goes wrong: broken encodings, the wrong delimiter, damaged or
empty workbooks, binary data, bad periods and values, a few bad rows among good ones. Each must
be refused with a clear message and nothing stored; ``tests/reliability/test_bad_corpus.py``
holds the exact problem codes expected for each file.

Run ``python scripts/make_bad_corpus.py`` (or pass another output folder) to rewrite them;
the bytes are identical on every run, so the output can be committed.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import re
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

from openpyxl import Workbook

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "tests" / "data" / "bad"

HEADER = "indicator_id,period,agency_id,value,note"
ZH_HEADER = "指标编号,报告期,填报单位,数值,备注"
FIXED_TIME = dt.datetime(2025, 1, 1)


def csv_text(*rows: str, header: str = HEADER) -> str:
    return "\r\n".join([header, *rows]) + "\r\n"


def csv_bytes(*rows: str, header: str = HEADER, encoding: str = "utf-8") -> bytes:
    return csv_text(*rows, header=header).encode(encoding)


def stable_zip(data: bytes, compression: int = zipfile.ZIP_STORED) -> bytes:
    """The same archive with fixed timestamps, so a workbook's bytes depend on neither clock nor zlib."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for name in sorted(src.namelist()):
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME.timetuple()[:6])
            info.compress_type = compression
            info.external_attr = 0o600 << 16
            content = src.read(name)
            if name == "docProps/core.xml":  # openpyxl stamps the save time here
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2025-01-01T00:00:00Z", content)
            dst.writestr(info, content)
    return out.getvalue()


def workbook(build: Callable[[Workbook], None], compression: int = zipfile.ZIP_STORED) -> bytes:
    wb = Workbook()
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    wb.properties.creator = "make_bad_corpus"
    build(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return stable_zip(buf.getvalue(), compression)


def _data_sheet(ws, rows: list[list]) -> None:
    ws.append(HEADER.split(","))
    for row in rows:
        ws.append(row)


def good_workbook(compression: int = zipfile.ZIP_STORED) -> bytes:
    def build(wb: Workbook) -> None:
        ws = wb.active
        ws.title = "数据"
        _data_sheet(ws, [["verification_points", f"2025Q{q}", "samr", 10 + q, "ok"] for q in (1, 2, 3)])

    return workbook(build, compression)


def replace_member(archive: bytes, name: str, content: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(archive)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, content if info.filename == name else src.read(info.filename))
    return out.getvalue()


def corrupt_member_data(archive: bytes, name: str) -> bytes:
    """Overwrite the middle of one member's compressed bytes; the zip directory stays intact."""
    with zipfile.ZipFile(io.BytesIO(archive)) as z:
        info = z.getinfo(name)
    data = bytearray(archive)
    local = info.header_offset
    name_len = int.from_bytes(data[local + 26 : local + 28], "little")
    extra_len = int.from_bytes(data[local + 28 : local + 30], "little")
    start = local + 30 + name_len + extra_len
    middle = start + info.compress_size // 3
    data[middle : middle + 16] = b"\xff" * 16
    return bytes(data)


def empty_sheet(wb: Workbook) -> None:
    wb.active.title = "Sheet1"


def data_on_sheet2(wb: Workbook) -> None:
    wb.active.title = "Sheet1"
    _data_sheet(wb.create_sheet("Sheet2"), [["verification_points", "2025Q1", "samr", 12, None]])


def instructions_first(wb: Workbook) -> None:
    ws = wb.active
    ws.title = "说明"
    ws.append(["填报说明：请在第二个工作表填写本季度数据。"])
    ws.append(["Instructions: fill in the second sheet."])
    _data_sheet(wb.create_sheet("Sheet2"), [["verification_points", "2025Q1", "samr", 12, None]])


def formula_without_cached_value(wb: Workbook) -> None:
    ws = wb.active
    ws.title = "数据"
    _data_sheet(ws, [["verification_points", "2025Q1", "samr", "=SUM(A1:A2)", None]])


def excel_error_cells(wb: Workbook) -> None:
    ws = wb.active
    ws.title = "数据"
    _data_sheet(
        ws,
        [
            ["verification_points", "2025Q1", "samr", "#DIV/0!", None],
            ["verification_points", "2025Q2", "samr", "#N/A", None],
            ["verification_points", "2025Q3", "samr", 12, None],
        ],
    )


def png_bytes() -> bytes:
    # A real 1x1 transparent PNG.
    return bytes.fromhex(
        "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
        "0000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
    )


def random_bytes() -> bytes:
    rng = random.Random(20251115)
    return bytes(rng.randrange(256) for _ in range(4096))


def zip_not_xlsx() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        info = zipfile.ZipInfo("readme.txt", date_time=FIXED_TIME.timetuple()[:6])
        z.writestr(info, "not a workbook\n")
    return buf.getvalue()


def old_xls() -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)


def mixed_good_and_bad() -> bytes:
    indicators = ("verification_points", "std_dev_cycle_months", "tc_alignment_rate", "ms_annual_report")
    quarters = [f"{year}Q{q}" for year in range(2022, 2026) for q in range(1, 5)]
    rows = [  # 50 good rows, each key once
        f"{indicators[i // 16]},{quarters[i % 16]},samr,{10 + i % 40},good row {i + 2}" for i in range(50)
    ]
    rows.insert(10, "verification_points,2025Q7,samr,5,bad period")  # row 12
    rows.insert(30, "intl_std_adoption_rate,2024Q3,samr,abc,bad value")  # row 32
    rows.append("no_such_indicator,2024Q1,samr,1,bad indicator")  # row 54
    return csv_bytes(*rows)


def huge_note() -> bytes:
    # A note longer than the csv module's 131072-character field limit, in the first rows.
    return csv_bytes("verification_points,2025Q1,samr,abc," + "n" * 140_000)


def nul_after_4k() -> bytes:
    good = [f"verification_points,2024Q{q},samr,{q},row {q + 1}" for q in (1, 2, 3, 4)]  # rows 2-5
    padding = [f"std_dev_cycle_months,2025Q{q},samr,20,{'x' * 1200}" for q in (1, 2, 3, 4)]  # rows 6-9
    return csv_bytes(*good, *padding, "verification_points,2023Q1,samr,1\x002,NUL inside the value")


# name -> (what is wrong, expected problem codes as written in the README, builder)
CORPUS: dict[str, tuple[str, str, Callable[[], bytes]]] = {
    "empty.csv": ("zero bytes", "file_empty", lambda: b""),
    "bom_only.csv": ("only a UTF-8 byte-order mark", "file_empty", lambda: b"\xef\xbb\xbf"),
    "whitespace_only.csv": ("only blank lines and spaces", "file_empty", lambda: b"\r\n  \t\r\n\r\n"),
    "header_only.csv": ("a header and no data rows", "header_only (row 1)", lambda: csv_bytes()),
    "header_blank_rows.csv": (
        "a header followed by empty rows (,,,, and blank lines)",
        "header_only (row 1)",
        lambda: csv_bytes(",,,,", "", ",,,,", ""),
    ),
    "image.png": ("PNG image bytes", "not_text", png_bytes),
    "random_bytes.bin": ("4096 random bytes (seeded)", "not_text", random_bytes),
    "archive_not_xlsx.xlsx": ("a zip archive holding a text file, named .xlsx", "bad_workbook", zip_not_xlsx),
    "old_excel.xls": ("an Excel 97-2003 OLE header", "old_xls", old_xls),
    "truncated.xlsx": (
        "a valid workbook cut in half",
        "bad_workbook",
        lambda: good_workbook()[: len(good_workbook()) // 2],
    ),
    "corrupt_sheet_xml.xlsx": (
        "a workbook whose worksheet part is not XML",
        "bad_workbook",
        lambda: replace_member(good_workbook(), "xl/worksheets/sheet1.xml", b"this is not xml"),
    ),
    "corrupt_deflate.xlsx": (
        "a workbook whose worksheet's compressed bytes are overwritten (zip directory intact)",
        "bad_workbook",
        lambda: corrupt_member_data(good_workbook(zipfile.ZIP_DEFLATED), "xl/worksheets/sheet1.xml"),
    ),
    "empty_sheet.xlsx": ("a workbook whose only sheet is empty", "file_empty", lambda: workbook(empty_sheet)),
    "data_on_sheet2.xlsx": (
        "first sheet empty, data on 'Sheet2'; the reader reads the sheet named 数据/data, else the first",
        "file_empty",
        lambda: workbook(data_on_sheet2),
    ),
    "instructions_first_sheet.xlsx": (
        "first sheet '说明' holds instructions, data on 'Sheet2'",
        "no_header",
        lambda: workbook(instructions_first),
    ),
    "formula_no_cached_value.xlsx": (
        "value cell is a formula never calculated by Excel (no cached result)",
        "empty_value (row 2)",
        lambda: workbook(formula_without_cached_value),
    ),
    "excel_error_cells.xlsx": (
        "value cells holding Excel errors #DIV/0! and #N/A",
        "not_number (rows 2, 3)",
        lambda: workbook(excel_error_cells),
    ),
    "utf16le_no_bom.csv": (
        "UTF-16LE text without a byte-order mark (NUL bytes)",
        "not_text",
        lambda: csv_bytes("verification_points,2025Q1,samr,12,", encoding="utf-16-le"),
    ),
    "shift_jis.csv": (
        "Japanese headers in Shift-JIS; GB18030 decodes the bytes into other characters",
        "no_header",
        lambda: csv_bytes(
            "verification_points,2025Q1,samr,12,", header="指標番号,期間,機関,値,備考", encoding="shift_jis"
        ),
    ),
    "big5.csv": (
        "Traditional-Chinese indicator and agency names in Big5; GB18030 decodes them into other characters",
        "unknown_agency, unknown_indicator (row 2)",
        lambda: csv_bytes("國際標準轉化率,2025Q1,市場監管總局,85,", encoding="big5"),
    ),
    "latin1.csv": (
        "Latin-1 text ('café' before a comma): neither UTF-8 nor GB18030",
        "bad_encoding",
        lambda: csv_bytes("verification_points,2025Q1,samr,12,café", encoding="latin-1"),
    ),
    "mixed_utf8_gb18030.csv": (
        "one row UTF-8 Chinese, one row GB18030: decoded as GB18030, the UTF-8 agency name is garbled",
        "unknown_agency (row 2)",
        lambda: (
            (HEADER + "\r\n").encode()
            + "verification_points,2025Q1,市场监管总局,3,\r\n".encode()
            + "verification_points,2025Q2,samr,4,备注\r\n".encode("gb18030")
        ),
    ),
    "missing_value_column.csv": (
        "no value column",
        "missing_columns (row 1)",
        lambda: csv_bytes("verification_points,2025Q1,samr,", header="indicator_id,period,agency_id,note"),
    ),
    "duplicate_columns.csv": (
        "the value column twice",
        "duplicate_column (row 1)",
        lambda: csv_bytes(
            "verification_points,2025Q1,samr,12,13", header="indicator_id,period,agency_id,value,数值"
        ),
    ),
    "pipe_delimiter.csv": (
        "fields separated by '|'",
        "no_header",
        lambda: csv_bytes("verification_points|2025Q1|samr|12|", header=HEADER.replace(",", "|")),
    ),
    "ragged_rows.csv": (
        "row 3 has two fields more than the header",
        "bad_csv (row 3)",
        lambda: csv_bytes("verification_points,2025Q1,samr,12,", "verification_points,2025Q2,samr,13,a,b,c"),
    ),
    "unterminated_quote.csv": (
        "a quote opened in row 3's note and never closed",
        "bad_csv (row 3)",
        lambda: csv_bytes(
            "verification_points,2025Q1,samr,12,",
            'verification_points,2025Q2,samr,13,"open quote',
            "verification_points,2025Q3,samr,14,",
        ),
    ),
    "header_in_row_12.csv": (
        "eleven title lines, the header in row 12 (the header is searched in the first 10 rows)",
        "no_header",
        lambda: (
            ("\r\n".join(f"标题 {i}" for i in range(1, 12)) + "\r\n").encode()
            + csv_bytes("verification_points,2025Q1,samr,12,")
        ),
    ),
    "html_table.xls": (
        "an HTML table saved with an .xls name (what some web systems export)",
        "no_header",
        lambda: (
            b"<html><body><table>\r\n<tr><td>indicator_id</td><td>period</td><td>agency_id</td>"
            b"<td>value</td></tr>\r\n<tr><td>verification_points</td><td>2025Q1</td><td>samr</td>"
            b"<td>12</td></tr>\r\n</table></body></html>\r\n"
        ),
    ),
    "unknown_indicator_agency.csv": (
        "an indicator and an agency that are not in targets.yaml",
        "unknown_indicator (row 2), unknown_agency (row 3)",
        lambda: csv_bytes("no_such_indicator,2025Q1,samr,1,", "verification_points,2025Q1,mitt,1,"),
    ),
    "agency_not_allowed.csv": (
        "CAC reporting tc_alignment_rate (measure 25, which CAC is not responsible for)",
        "not_allowed (row 2)",
        lambda: csv_bytes("tc_alignment_rate,2025Q1,cac,85,"),
    ),
    "bad_periods.csv": (
        "periods 2025Q5, 2025-02-30, 2019Q1 (too early) and 2031Q1 (future)",
        "bad_period (2), not_quarter_end (3), period_too_early (4), period_future (5)",
        lambda: csv_bytes(
            "verification_points,2025Q5,samr,1,",
            "verification_points,2025-02-30,samr,1,",
            "verification_points,2019Q1,samr,1,",
            "verification_points,2031Q1,samr,1,",
        ),
    ),
    "year_0999_date.csv": (
        "a quarter-end date in the year 999 (0999-03-31)",
        "period_too_early (row 2)",
        lambda: csv_bytes("verification_points,0999-03-31,samr,1,"),
    ),
    "value_1e400.csv": (
        "value 1e400 (beyond a double)",
        "too_large (row 2)",
        lambda: csv_bytes("verification_points,2025Q1,samr,1e400,"),
    ),
    "value_huge_integer.csv": (
        "value 99999999999999999999",
        "too_large (row 2)",
        lambda: csv_bytes("verification_points,2025Q1,samr,99999999999999999999,"),
    ),
    "value_nan.csv": (
        "value NaN",
        "not_finite (row 2)",
        lambda: csv_bytes("verification_points,2025Q1,samr,NaN,"),
    ),
    "value_inf.csv": (
        "values inf and -Infinity",
        "not_finite (rows 2, 3)",
        lambda: csv_bytes(
            "verification_points,2025Q1,samr,inf,", "verification_points,2025Q2,samr,-Infinity,"
        ),
    ),
    "negative_count.csv": (
        "-5 verification points",
        "negative (row 2)",
        lambda: csv_bytes("verification_points,2025Q1,samr,-5,"),
    ),
    "percent_over_100.csv": (
        "120% for a percentage indicator",
        "percent_range (row 2)",
        lambda: csv_bytes("tc_alignment_rate,2025Q1,samr,120%,"),
    ),
    "percent_sign_on_count.csv": (
        "5% for a count of verification points",
        "percent_sign (row 2)",
        lambda: csv_bytes("verification_points,2025Q1,samr,5%,"),
    ),
    "formula_text.csv": (
        "a formula =SUM(A1:A2) as the value",
        "not_number (row 2)",
        lambda: csv_bytes("verification_points,2025Q1,samr,=SUM(A1:A2),"),
    ),
    "decimal_comma.csv": (
        "decimal commas: 1,5 in a semicolon file",
        "not_number (rows 2, 3)",
        lambda: csv_bytes(
            "verification_points;2025Q1;samr;1,5;",
            "tc_alignment_rate;2025Q1;samr;85,25;",
            header=HEADER.replace(",", ";"),
        ),
    ),
    "value_12abc.csv": (
        "value 12abc",
        "not_number (row 2)",
        lambda: csv_bytes("verification_points,2025Q1,samr,12abc,"),
    ),
    "value_empty.csv": (
        "the value left blank in a row that has everything else",
        "empty_value (row 3)",
        lambda: csv_bytes("verification_points,2025Q1,samr,12,", "verification_points,2025Q2,samr,,note"),
    ),
    "milestone_101.csv": (
        "milestone completion 101",
        "milestone_range (row 2)",
        lambda: csv_bytes("ms_annual_report,2025Q1,samr,101,"),
    ),
    "conflicting_duplicates.csv": (
        "the same key twice (2025Q1 and 2025-Q1) with different values",
        "conflict (rows 2, 4)",
        lambda: csv_bytes(
            "verification_points,2025Q1,samr,12,",
            "verification_points,2025Q2,samr,13,",
            "verification_points,2025-Q1,samr,14,",
        ),
    ),
    "mixed_good_and_bad.csv": (
        "50 good rows and 3 bad ones (period 2025Q7, value abc, unknown indicator)",
        "bad_period (12), not_number (32), unknown_indicator (54)",
        mixed_good_and_bad,
    ),
    "huge_note_first_rows.csv": (
        "a 140000-character note in row 2 (beyond csv's field limit) and the value abc",
        "not_number (row 2)",
        huge_note,
    ),
    "vertical_tab_in_title.csv": (
        "a title row containing a vertical tab above the header; row 4's value is abc",
        "not_number (row 4)",
        lambda: (
            ("年报\x0b2025\r\n").encode()
            + csv_bytes("verification_points,2025Q1,samr,12,", "verification_points,2025Q2,samr,abc,")
        ),
    ),
    "nul_byte_after_4k.csv": (
        "a NUL byte inside a value after the first 4096 bytes (past the binary check)",
        "not_number (row 10)",
        nul_after_4k,
    ),
    "concatenated_with_bom.csv": (
        "two UTF-8-BOM exports pasted together: the second header (with its BOM) is row 4",
        "unknown_agency, unknown_indicator, bad_period, not_number (row 4)",
        lambda: (
            csv_bytes(
                "verification_points,2025Q1,samr,12,",
                "verification_points,2025Q2,samr,13,",
                encoding="utf-8-sig",
            )
            + csv_bytes("verification_points,2025Q3,samr,14,", encoding="utf-8-sig")
        ),
    ),
    "total_row.csv": (
        "a 合计 (total) row under the data, with no period or agency",
        "unknown_agency, unknown_indicator, bad_period (row 4)",
        lambda: csv_bytes(
            "verification_points,2025Q1,samr,12,", "verification_points,2025Q2,samr,13,", "合计,,,25,"
        ),
    ),
    "gb18030_unknown_headers.csv": (
        "GB18030 text whose headers are not column names (a pasted report)",
        "no_header",
        lambda: csv_bytes(
            "市场监管总局,2025年,85,说明", header="单位名称,年度,完成情况,说明", encoding="gb18030"
        ),
    ),
}


def main(out: Path = OUT) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, (_, _, build) in CORPUS.items():
        path = out / name
        path.write_bytes(build())
        written.append(path)
    lines = [
        "# Malformed upload corpus",
        "",
        "Written by `scripts/make_bad_corpus.py` (deterministic); checked by",
        "`tests/reliability/test_bad_corpus.py`, which holds the exact (row, code) list per file.",
        "Every file must be refused with a clear message and must leave the database unchanged.",
        "",
    ]
    lines += [f"- `{name}`: {what} → {codes}" for name, (what, codes, _) in CORPUS.items()]
    (out / "README.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    for path in main(target):
        print(path)
