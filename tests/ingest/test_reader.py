"""metrics.ingest.reader: bytes of a CSV or XLSX file to text cells with Excel's row numbers."""

from __future__ import annotations

import datetime as dt
import io
import random
from unittest import mock

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from metrics.ingest import reader
from metrics.ingest.reader import Table, Unreadable, read_table

ZH_HEADER = "指标编号,报告期,填报单位,数值,备注"


def cells(table: Table) -> list[tuple]:
    """(row, indicator_id, period, agency_id, value, note) for every line the reader kept."""
    cols = ["row", "indicator_id", "period", "agency_id", "value", "note"]
    return table.rows(cols)


def unreadable(data: bytes, name: str = "q.csv"):
    with pytest.raises(Unreadable) as info:
        read_table(data, file_name=name)
    p = info.value.problem
    return (p.code, p.row, p.params)


def xlsx(build) -> bytes:
    wb = Workbook()
    build(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# --- CSV: encodings -------------------------------------------------------------------------


def test_gb18030_with_chinese_headers_and_names():
    text = f"{ZH_HEADER}\r\n国际标准转化率,2025年第一季度,市场监管总局,85.2,季度数\r\n"
    table = read_table(text.encode("gb18030"))
    assert cells(table) == [(2, "国际标准转化率", "2025年第一季度", "市场监管总局", "85.2", "季度数")]
    assert table.header_row == 1
    assert table.headers == {
        "indicator_id": "指标编号",
        "period": "报告期",
        "agency_id": "填报单位",
        "value": "数值",
        "note": "备注",
    }


def test_utf8_with_bom():
    data = "\ufeffindicator_id,period,agency_id,value,note\ntc_alignment_rate,2025Q1,samr,85,备注\n"
    table = read_table(data.encode("utf-8"))
    assert table.headers["indicator_id"] == "indicator_id"
    assert cells(table) == [(2, "tc_alignment_rate", "2025Q1", "samr", "85", "备注")]


def test_utf16_unicode_text_tab_separated():
    text = "指标编号\t报告期\t填报单位\t数值\t备注\r\ntc_alignment_rate\t2025Q1\tsamr\t85\t统一文本\r\n"
    data = text.encode("utf-16")
    assert data[:2] == b"\xff\xfe"
    assert cells(read_table(data)) == [(2, "tc_alignment_rate", "2025Q1", "samr", "85", "统一文本")]


@pytest.mark.parametrize("sep", [";", "\t", ",", "，"])
def test_separators(sep):
    text = sep.join(["indicator_id", "period", "agency_id", "value", "note"]) + "\n"
    text += sep.join(["verification_points", "2025Q1", "samr", "12", "x"]) + "\n"
    assert cells(read_table(text.encode())) == [(2, "verification_points", "2025Q1", "samr", "12", "x")]


def test_semicolon_file_keeps_commas_inside_values():
    data = b"indicator_id;period;agency_id;value;note\nverification_points;2025Q1;samr;1,234;a, b\n"
    assert cells(read_table(data)) == [(2, "verification_points", "2025Q1", "samr", "1,234", "a, b")]


def test_crlf_blank_middle_and_trailing_lines_keep_excel_row_numbers():
    data = (
        b"indicator_id,period,agency_id,value,note\r\n"
        b"tc_alignment_rate,2025Q1,samr,85,\r\n"
        b"\r\n"
        b"tc_alignment_rate,2025Q2,samr,86,\r\n"
        b"\r\n\r\n\r\n"
    )
    kept = [c for c in cells(read_table(data)) if c[1]]
    assert kept == [
        (2, "tc_alignment_rate", "2025Q1", "samr", "85", ""),
        (4, "tc_alignment_rate", "2025Q2", "samr", "86", ""),
    ]


def test_quoted_field_with_comma_quotes_and_newline_is_one_cell_on_one_row():
    data = (
        b"indicator_id,period,agency_id,value,note\n"
        b'tc_alignment_rate,2025Q1,samr,85,"a, ""b""\nc"\n'
        b"tc_alignment_rate,2025Q2,samr,86,=1+1\n"
    )
    assert cells(read_table(data)) == [
        (2, "tc_alignment_rate", "2025Q1", "samr", "85", 'a, "b"\nc'),
        (3, "tc_alignment_rate", "2025Q2", "samr", "86", "=1+1"),
    ]


def test_title_rows_above_the_header_keep_excel_row_numbers():
    data = "2025年第一季度报送表\n\n" + ZH_HEADER + "\ntc_alignment_rate,2025Q1,samr,85,\n"
    table = read_table(data.encode())
    assert table.header_row == 3
    assert cells(table) == [(4, "tc_alignment_rate", "2025Q1", "samr", "85", "")]


def test_optional_note_column_and_header_aliases():
    data = "指标名称,季度,报送单位,本期数值\n国际标准转化率,2025Q1,samr,85\n".encode()
    table = read_table(data)
    assert cells(table) == [(2, "国际标准转化率", "2025Q1", "samr", "85", "")]
    assert table.headers == {
        "indicator_id": "指标名称",
        "period": "季度",
        "agency_id": "报送单位",
        "value": "本期数值",
    }


# --- CSV: refusals --------------------------------------------------------------------------


def test_row_with_too_many_fields_is_named():
    data = (
        b"indicator_id,period,agency_id,value,note\n"
        b"tc_alignment_rate,2025Q1,samr,85,\n"
        b"tc_alignment_rate,2025Q2,samr,85,a,b\n"
    )
    assert unreadable(data) == ("bad_csv", 3, {"detail": "6 / 5"})


def test_row_with_too_many_fields_below_a_title_row_is_named_as_excel_shows_it():
    data = (
        b"Title\nindicator_id,period,agency_id,value,note\ntc_alignment_rate,2025Q1,samr,85,\nx,y,z,1,a,b\n"
    )
    assert unreadable(data) == ("bad_csv", 4, {"detail": "6 / 5"})


def test_row_with_too_many_fields_after_a_multiline_note():
    data = b'indicator_id,period,agency_id,value,note\nx,2025Q1,samr,1,"two\nlines"\nx,y,z,1,a,b\n'
    assert unreadable(data) == ("bad_csv", 3, {"detail": "6 / 5"})


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"\r\n\r\n  \n"])
def test_empty_file(data):
    assert unreadable(data) == ("file_empty", None, {})


def test_no_header():
    data = b"a,b,c\n1,2,3\n"
    assert unreadable(data) == ("no_header", None, {"columns": "indicator_id, period, agency_id, value"})


def test_missing_required_columns():
    data = b"indicator_id,period,note\ntc_alignment_rate,2025Q1,x\n"
    assert unreadable(data) == ("missing_columns", 1, {"columns": "agency_id, value"})


def test_duplicate_column():
    with pytest.raises(Unreadable) as info:
        read_table("指标编号,报告期,填报单位,数值,数据\nx,2025Q1,samr,1,2\n".encode())
    p = info.value.problem
    assert (p.code, p.row, p.column) == ("duplicate_column", 1, "数据")


def test_undecodable_encoding():
    # invalid in UTF-8 and in GB18030, but text-like (no NUL bytes)
    assert unreadable(b"indicator_id,period\n\x81\x20\xff abc\n") == ("bad_encoding", None, {})
    assert unreadable(b"\xff\xfe\x00") == ("bad_encoding", None, {})


def test_binary_is_not_text():
    data = random.Random(1234).randbytes(4096)
    assert unreadable(data, "upload.csv") == ("not_text", None, {})
    assert unreadable(b"\x01\x02\x03\x04\x05\x06" * 50, "upload.csv") == ("not_text", None, {})


# --- XLSX -----------------------------------------------------------------------------------


def test_xlsx_title_row_percent_format_and_date_cells():
    def build(wb):
        ws = wb.active
        ws.append(["2025年一季度指标报送表"])
        ws.append(["指标编号", "报告期", "填报单位", "数值", "备注"])
        ws.append(["tc_alignment_rate", dt.date(2025, 3, 31), "samr", 0.852, None])
        ws["D3"].number_format = "0.0%"
        ws.append(["verification_points", dt.datetime(2025, 6, 30), "samr", 12, "n"])
        ws.append(["std_dev_cycle_months", "2025Q3", "samr", 17.5, None])

    table = read_table(xlsx(build))
    assert table.header_row == 2
    assert cells(table) == [
        (3, "tc_alignment_rate", "2025-03-31", "samr", "0.852", ""),
        (4, "verification_points", "2025-06-30", "samr", "12", "n"),
        (5, "std_dev_cycle_months", "2025Q3", "samr", "17.5", ""),
    ]
    assert [p for (p,) in table.rows(["pct"])] == [True, False, False]


def test_xlsx_sheet_named_shuju_is_chosen_over_the_first_sheet():
    def build(wb):
        wb.active.title = "说明"
        wb.active.append(["填表说明：请在“数据”表中填写"])
        ws = wb.create_sheet("数据")
        ws.append(["indicator_id", "period", "agency_id", "value"])
        ws.append(["tc_alignment_rate", "2025Q1", "samr", 85])

    assert cells(read_table(xlsx(build))) == [(2, "tc_alignment_rate", "2025Q1", "samr", "85", "")]


def test_xlsx_sheet_named_data_in_any_case_is_chosen():
    def build(wb):
        wb.active.append(["indicator_id", "period", "agency_id", "value"])
        wb.active.append(["wrong", "2025Q1", "samr", 1])
        ws = wb.create_sheet(" Data ")
        ws.append(["indicator_id", "period", "agency_id", "value"])
        ws.append(["right", "2025Q1", "samr", 2])

    assert cells(read_table(xlsx(build))) == [(2, "right", "2025Q1", "samr", "2", "")]


def test_xlsx_gaps_keep_excel_row_numbers():
    def build(wb):
        ws = wb.active
        ws["B2"], ws["C2"], ws["D2"], ws["E2"] = "indicator_id", "period", "agency_id", "value"
        ws["B3"], ws["C3"], ws["D3"], ws["E3"] = "a", "2025Q1", "samr", 1
        ws["B5"], ws["C5"], ws["D5"], ws["E5"] = "b", "2025Q2", "samr", 2

    table = read_table(xlsx(build))
    assert table.header_row == 2
    assert [c for c in cells(table) if c[1]] == [
        (3, "a", "2025Q1", "samr", "1", ""),
        (5, "b", "2025Q2", "samr", "2", ""),
    ]


def test_old_xls_is_refused_with_its_own_message():
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    assert unreadable(data, "q.xls") == ("old_xls", None, {})


def test_random_bytes_named_xlsx_are_refused():
    assert unreadable(random.Random(7).randbytes(2048), "q.xlsx") == ("not_a_workbook", None, {})
    assert unreadable(random.Random(7).randbytes(2048), "q.bin") == ("not_text", None, {})


def test_a_text_file_renamed_to_xlsx_is_not_a_workbook():
    data = "指标编号,报告期,填报单位,数值\ntc_alignment_rate,2025Q1,samr,85\n".encode("gb18030")
    assert unreadable(data, "季度报送.XLSX") == ("not_a_workbook", None, {})
    assert cells(read_table(data, file_name="季度报送.csv")) == [
        (2, "tc_alignment_rate", "2025Q1", "samr", "85", "")
    ]


def test_damaged_workbook():
    assert unreadable(b"PK\x03\x04" + random.Random(7).randbytes(200), "q.xlsx") == (
        "bad_workbook",
        None,
        {"detail": "BadZipFile"},
    )


def test_workbook_without_a_header():
    def build(wb):
        wb.active.append(["just", "some", "cells"])

    assert unreadable(xlsx(build), "q.xlsx") == (
        "no_header",
        None,
        {"columns": "indicator_id, period, agency_id, value"},
    )


def test_every_row_with_too_many_fields_is_named_not_only_the_first():
    data = (
        b"Title\n"
        b"indicator_id,period,agency_id,value,note\n"
        b"tc_alignment_rate,2025Q1,samr,85,a,b\n"
        b"tc_alignment_rate,2025Q2,samr,86,\n"
        b"tc_alignment_rate,2025Q3,samr,87,a,b,c\n"
    )
    with pytest.raises(Unreadable) as info:
        read_table(data)
    assert [(p.code, p.row, p.params) for p in info.value.problems] == [
        ("bad_csv", 3, {"detail": "6 / 5"}),
        ("bad_csv", 5, {"detail": "7 / 5"}),
    ]


# --- DuckDB's reader and the careful (pandas) reader agree ------------------------------------

CSV_CHARS = 'ab1 ,;"\n\r\t\u3000'


def outcome(text: str) -> tuple:
    try:
        table = read_table(text.encode("utf-8"))
    except Unreadable as exc:
        return ("refused", [(p.code, p.row, p.params) for p in exc.problems])
    try:
        # Trailing empty lines are rows only for pandas; an empty row is never checked anyway.
        kept = [r for r in table.rows() if any(r[1:])]
        return ("read", table.header_row, table.headers, kept)
    finally:
        table.con.close()


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=CSV_CHARS, max_size=60), st.sampled_from(["\n", "\r\n"]))
@example('x,2025Q1,samr,1,"a\n\nb"\ny,2025Q2,samr,2,', "\n")
@example('x,2025Q1,samr,1,"open\ny,2025Q2,samr,2,', "\n")
@example('x,2025Q1,samr,1,a"b"\ny,2025Q2,samr,2,"c"d', "\n")
@example("x,2025Q1,samr,1\r\ny,2025Q2\nz", "\n")
def test_the_fast_reader_reads_exactly_what_the_careful_reader_reads(body, newline):
    text = "indicator_id,period,agency_id,value,note" + newline + body
    fast = outcome(text)
    with mock.patch.object(reader, "_load_simple_csv", return_value=None):
        careful = outcome(text)
    assert fast == careful


def test_without_room_for_a_scratch_file_the_careful_path_reads_the_file(monkeypatch):
    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(reader.tempfile, "mkstemp", full)
    data = b"indicator_id,period,agency_id,value\ntc_alignment_rate,2025Q1,samr,85\n"
    assert cells(read_table(data)) == [(2, "tc_alignment_rate", "2025Q1", "samr", "85", "")]


def test_a_plain_file_is_read_by_duckdb_and_a_blank_line_sends_it_to_pandas(monkeypatch):
    calls = []
    careful = reader._pandas_csv
    monkeypatch.setattr(reader, "_pandas_csv", lambda *a: calls.append(a) or careful(*a))
    plain = b"indicator_id,period,agency_id,value\r\ntc_alignment_rate,2025Q1,samr,85\r\nx,2025Q2,samr,86\r\n"
    assert cells(read_table(plain))[1] == (3, "x", "2025Q2", "samr", "86", "")
    assert calls == []
    assert cells(read_table(plain.replace(b"\r\nx", b"\r\n\r\nx")))[2] == (
        4,
        "x",
        "2025Q2",
        "samr",
        "86",
        "",
    )
    assert len(calls) == 1
