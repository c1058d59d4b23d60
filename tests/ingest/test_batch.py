"""metrics.ingest.batch: a file is accepted whole or refused with every problem listed."""

from __future__ import annotations

import datetime as dt
import hashlib
import io

import pandas as pd
import pytest
from conftest import TODAY
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from metrics.errors import IngestRefused
from metrics.ingest.batch import parse_file, parse_value, parse_values, period_bounds
from metrics.outputs import export
from metrics.text import problem_text

HEADER = b"indicator_id,period,agency_id,value,note\n"
ZH_HEADER = "指标编号,报告期,填报单位,数值,备注\n"


def plain(frame: pd.DataFrame) -> list[tuple]:
    """Rows as tuples of plain Python values, missing values as None."""
    return [tuple(None if pd.isna(v) else v for v in r) for r in frame.itertuples(index=False)]


def accepted(registry, data: bytes, name: str = "q.csv") -> list[tuple]:
    batch = parse_file(registry, data, name, today=TODAY)
    return plain(batch.rows[["indicator_id", "period", "agency_id", "value", "note", "row"]])


def xlsx(rows: list[list], formats: dict[str, str] | None = None, title: str | None = None) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "数据"
    if title:
        ws.append([title])
    for row in rows:
        ws.append(row)
    for ref, fmt in (formats or {}).items():
        ws[ref].number_format = fmt
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# --- what is accepted -----------------------------------------------------------------------


def test_every_accepted_spelling_is_made_canonical(registry):
    data = (
        HEADER
        + (
            "tc_alignment_rate,2025Q1,samr,85.2,\n"
            "tc_alignment_rate,2025-Q2,SAMR,85.2%,\n"
            "tc_alignment_rate,2025 Q3,市场监管总局,８６．５,\n"
            "国际标准转化率,2025q1,市场监管总局（国家标准委）,80,\n"
            "intl_std_adoption_rate,2025年第二季度,国家标准委,81 %,\n"
            "intl_std_adoption_rate,2025年三季度,工业和信息化部,70,\n"
            'verification_points,2025年1季度,samr,"1,234",\n'
            "verification_points,2025-06-30,samr,１，２３５,\n"
            "verification_points,2025/9/30,samr,1236.0,\n"
            "std_dev_cycle_months,2022Q1,samr,24,\n"
            "ms_annual_report,2025Q4,samr,0,\n"
            "ms_annual_report,2025Q3,samr,100,\n"
        ).encode()
    )
    assert accepted(registry, data) == [
        ("tc_alignment_rate", "2025Q1", "samr", 85.2, None, 2),
        ("tc_alignment_rate", "2025Q2", "samr", 85.2, None, 3),
        ("tc_alignment_rate", "2025Q3", "samr", 86.5, None, 4),
        ("intl_std_adoption_rate", "2025Q1", "samr", 80.0, None, 5),
        ("intl_std_adoption_rate", "2025Q2", "samr", 81.0, None, 6),
        ("intl_std_adoption_rate", "2025Q3", "miit", 70.0, None, 7),
        ("verification_points", "2025Q1", "samr", 1234.0, None, 8),
        ("verification_points", "2025Q2", "samr", 1235.0, None, 9),
        ("verification_points", "2025Q3", "samr", 1236.0, None, 10),
        ("std_dev_cycle_months", "2022Q1", "samr", 24.0, None, 11),
        ("ms_annual_report", "2025Q4", "samr", 0.0, None, 12),
        ("ms_annual_report", "2025Q3", "samr", 100.0, None, 13),
    ]


def test_gb18030_file_with_chinese_headers_and_names(registry):
    text = (
        ZH_HEADER
        + "国家标准验证点,2025年第一季度,市场监管总局,42,已建成\n"
        + "新立项国家标准平均制定周期,2025Q1,国家标准委,19.5,\n"
    )
    batch = parse_file(registry, text.encode("gb18030"), "一季度.csv", today=TODAY)
    assert plain(batch.rows[["indicator_id", "period", "agency_id", "value", "note", "row"]]) == [
        ("verification_points", "2025Q1", "samr", 42.0, "已建成", 2),
        ("std_dev_cycle_months", "2025Q1", "samr", 19.5, None, 3),
    ]
    assert batch.sha256 == hashlib.sha256(text.encode("gb18030")).hexdigest()
    assert (batch.n_file_rows, batch.duplicates_dropped, batch.agencies) == (2, 0, ("samr",))


def test_exact_repeats_are_dropped_once(registry):
    data = HEADER + b"tc_alignment_rate,2025Q1,samr,85,\ntc_alignment_rate,2025-Q1,samr,85.0,\n"
    batch = parse_file(registry, data, "q.csv", today=TODAY)
    assert (len(batch.rows), batch.n_file_rows, batch.duplicates_dropped) == (1, 2, 1)
    assert batch.rows["row"].tolist() == [2]


def test_xlsx_title_row_percent_format_and_date_cells(registry):
    data = xlsx(
        [
            ["指标编号", "报告期", "填报单位", "数值", "备注"],
            ["tc_alignment_rate", dt.date(2025, 3, 31), "samr", 0.852, None],
            ["ms_annual_report", dt.datetime(2025, 6, 30), "samr", 0.5, "过半"],
            ["verification_points", "2025Q3", "samr", 12, None],
        ],
        formats={"D3": "0.0%", "D4": "0%"},
        title="2025 年报送表",
    )
    assert accepted(registry, data, "q.xlsx") == [
        ("tc_alignment_rate", "2025Q1", "samr", 85.2, None, 3),
        ("ms_annual_report", "2025Q2", "samr", 50.0, "过半", 4),
        ("verification_points", "2025Q3", "samr", 12.0, None, 5),
    ]


def test_xlsx_problems_use_excel_rows_and_the_written_header(refusal):
    data = xlsx(
        [
            ["指标编号", "报告期", "填报单位", "数值"],
            ["tc_alignment_rate", "2025Q1", "samr", "abc"],
            ["verification_points", "2025Q1", "samr", 1.5],
        ],
        formats={"D4": "0%"},
        title="报送表",
    )
    assert refusal(data, "q.xlsx") == [(3, "数值", "not_number"), (4, "数值", "percent_sign")]


def test_allowed_agencies_limit_what_an_account_may_report(registry, refusal):
    data = HEADER + b"tc_alignment_rate,2025Q1,samr,85,\ntc_alignment_rate,2025Q1,miit,80,\n"
    assert refusal(data, allowed_agencies=["miit"]) == [(2, "agency_id", "forbidden_agency")]
    assert len(parse_file(registry, data, "q.csv", today=TODAY, allowed_agencies=["miit", "samr"]).rows) == 2


# --- what is refused ------------------------------------------------------------------------


def test_every_problem_is_listed_at_once(refusal):
    data = HEADER + (
        b"tc_alignment_rate,2025Q1,samr,abc,\n"  # 2
        b"tc_alignment_rate,2021Q4,mitt,101,\n"  # 3
        b"verification_points,2026Q1,samr,-1,\n"  # 4
        b"verification_points,2025-02-03,samr,nan,\n"  # 5
        b"ms_annual_report,soon,samr,inf,\n"  # 6
        b"ms_annual_report,2025Q2,samr,120,\n"  # 7
        b"ms_annual_report,2025Q3,samr,,\n"  # 8
        b"no_such_indicator,2025Q1,samr,1,\n"  # 9
        b"tc_alignment_rate,2025Q2,cac,50,\n"  # 10
        b"verification_points,2025Q1,samr,5%,\n"  # 11
        b"tc_alignment_rate,2025Q3,samr,-0.5,\n"  # 12
        b"ms_annual_report,2025Q1,samr,-1,\n"  # 13
        b"verification_points,2025Q2,samr,1e15,\n"  # 14
        b'verification_points,2025Q3,samr,"1,5",\n'  # 15
    )
    assert refusal(data) == [
        (2, "value", "not_number"),
        (3, "agency_id", "unknown_agency"),
        (3, "period", "period_too_early"),
        (3, "value", "percent_range"),
        (4, "period", "period_future"),
        (4, "value", "negative"),
        (5, "period", "not_quarter_end"),
        (5, "value", "not_finite"),
        (6, "period", "bad_period"),
        (6, "value", "not_finite"),
        (7, "value", "milestone_range"),
        (8, "value", "empty_value"),
        (9, "indicator_id", "unknown_indicator"),
        (10, "agency_id", "not_allowed"),
        (11, "value", "percent_sign"),
        (12, "value", "percent_range"),
        (13, "value", "milestone_range"),
        (14, "value", "too_large"),
        (15, "value", "not_number"),
    ]


def test_period_bounds_are_eight_quarters_before_the_plan_and_the_current_quarter(registry, refusal):
    assert period_bounds(registry, TODAY) == ("2022Q1", "2025Q4")
    ok = HEADER + b"verification_points,2022Q1,samr,1,\nverification_points,2025Q4,samr,2,\n"
    assert len(parse_file(registry, ok, "q.csv", today=TODAY).rows) == 2
    bad = HEADER + b"verification_points,2021Q4,samr,1,\nverification_points,2026Q1,samr,2,\n"
    assert refusal(bad) == [(2, "period", "period_too_early"), (3, "period", "period_future")]
    # the same file is fine once 2026Q1 has begun
    assert refusal(bad, today=dt.date(2026, 1, 1)) == [(2, "period", "period_too_early")]


def test_conflicting_repeats_name_every_row(refusal, registry):
    data = HEADER + (
        b"tc_alignment_rate,2025Q1,samr,85,\n"
        b"verification_points,2025Q1,samr,3,\n"
        b"tc_alignment_rate,2025-Q1,samr,86,\n"
        b"tc_alignment_rate,2025Q1,samr,85,\n"
    )
    assert refusal(data) == [(2, "value", "conflict"), (4, "value", "conflict"), (5, "value", "conflict")]
    with pytest.raises(IngestRefused) as info:
        parse_file(registry, data, "q.csv", today=TODAY)
    assert problem_text(info.value.problems[1], "en") == (
        "row 4, column 'value', value '86': "
        "The same indicator, period and agency appear in rows 2, 4, 5 with different values or notes."
    )


def test_conflicting_values_are_shown_as_written(registry):
    data = (
        HEADER + b'verification_points,2025Q1,samr,1234567,\nverification_points,2025Q1,samr,"1,234,568",\n'
    )
    with pytest.raises(IngestRefused) as info:
        parse_file(registry, data, "q.csv", today=TODAY)
    assert [(p.row, p.value) for p in info.value.problems] == [(2, "1234567"), (3, "1,234,568")]


def test_messages_in_chinese_and_english_name_the_column_as_written(registry):
    data = (ZH_HEADER + "tc_alignment_rate,2025Q1,samr,85,\ntc_alignment_rate,2025Q2,samr,abc,\n").encode(
        "gb18030"
    )
    with pytest.raises(IngestRefused) as info:
        parse_file(registry, data, "q.csv", today=TODAY)
    (problem,) = info.value.problems
    assert problem_text(problem, "zh") == "第 3 行，“数值”列，值“abc”：数值不是数字。"
    assert problem_text(problem, "en") == "row 3, column '数值', value 'abc': The value is not a number."
    assert info.value.file_name == "q.csv"
    assert str(info.value) == "q.csv: refused, 1 problem(s)"


def test_near_miss_ids_and_names_get_did_you_mean(registry):
    data = (
        ZH_HEADER
        + "tc_alignment_rat,2025Q1,samr,85,\n"  # row 2: a typo of an indicator id
        + "国家标准验证点位,2025Q1,samr,3,\n"  # row 3: a typo of a Chinese indicator name
        + "tc_alignment_rate,2025Q1,工业和信息化,85,\n"  # row 4: an agency name cut short
        + "no_such_indicator,2025Q1,miitt,85,\n"  # row 5: nothing close; a typo of an agency id
    ).encode("gb18030")
    with pytest.raises(IngestRefused) as info:
        parse_file(registry, data, "q.csv", today=TODAY)
    texts = {(p.row, p.column): (problem_text(p, "zh"), problem_text(p, "en")) for p in info.value.problems}
    assert texts == {
        (2, "指标编号"): (
            "第 2 行，“指标编号”列，值“tc_alignment_rat”："
            "未知指标：既不是指标编号，也不是指标的中文全称。是否应为“tc_alignment_rate”？",
            "row 2, column '指标编号', value 'tc_alignment_rat': Unknown indicator: neither an indicator id"
            ' nor an indicator\'s exact Chinese name. Did you mean "tc_alignment_rate"?',
        ),
        (3, "指标编号"): (
            "第 3 行，“指标编号”列，值“国家标准验证点位”："
            "未知指标：既不是指标编号，也不是指标的中文全称。是否应为“国家标准验证点”？",
            "row 3, column '指标编号', value '国家标准验证点位': Unknown indicator: neither an indicator id"
            ' nor an indicator\'s exact Chinese name. Did you mean "国家标准验证点"?',
        ),
        (4, "填报单位"): (
            "第 4 行，“填报单位”列，值“工业和信息化”："
            "未知填报单位：既不是单位编号，也不是单位中文名称。是否应为“工业和信息化部”？",
            "row 4, column '填报单位', value '工业和信息化': Unknown agency: neither an agency id"
            ' nor an agency\'s Chinese name. Did you mean "工业和信息化部"?',
        ),
        (5, "指标编号"): (
            "第 5 行，“指标编号”列，值“no_such_indicator”：未知指标：既不是指标编号，也不是指标的中文全称。",
            "row 5, column '指标编号', value 'no_such_indicator': Unknown indicator: neither an indicator id"
            " nor an indicator's exact Chinese name.",
        ),
        (5, "填报单位"): (
            "第 5 行，“填报单位”列，值“miitt”："
            "未知填报单位：既不是单位编号，也不是单位中文名称。是否应为“miit”？",
            "row 5, column '填报单位', value 'miitt': Unknown agency: neither an agency id"
            ' nor an agency\'s Chinese name. Did you mean "miit"?',
        ),
    }


def test_not_allowed_message_names_agency_measure_and_indicator(registry):
    data = HEADER + b"tc_alignment_rate,2025Q1,cac,85,\n"
    with pytest.raises(IngestRefused) as info:
        parse_file(registry, data, "q.csv", today=TODAY)
    (problem,) = info.value.problems
    assert problem_text(problem, "zh") == (
        "第 2 行，“agency_id”列，值“cac”："
        "中央网信办不是第25项举措的责任单位，不能报送该指标（tc_alignment_rate）。"
    )
    assert problem_text(problem, "en") == (
        "row 2, column 'agency_id', value 'cac': "
        "CAC is not responsible for measure 25 and may not report tc_alignment_rate."
    )


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", [(None, None, "file_empty")]),
        (HEADER, [(1, None, "header_only")]),
        (HEADER + b",,,,\n\n", [(1, None, "header_only")]),
        (b"indicator_id,period,value\ntc_alignment_rate,2025Q1,85\n", [(1, None, "missing_columns")]),
        (b"\x00\x01\x02binary\x00" * 30, [(None, None, "not_text")]),
        (b"indicator_id,period\n\x81\x20\xff\n", [(None, None, "bad_encoding")]),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), [(None, None, "old_xls")]),
        (HEADER + b"tc_alignment_rate,2025Q1,samr,85,,extra\n", [(2, None, "bad_csv")]),
    ],
    ids=["empty", "header-only", "blank-rows-only", "missing-column", "binary", "encoding", "xls", "fields"],
)
def test_files_that_cannot_be_read(refusal, data, expected):
    assert refusal(data) == expected


def test_old_xls_message(registry):
    with pytest.raises(IngestRefused) as info:
        parse_file(registry, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "old.xls", today=TODAY)
    assert problem_text(info.value.problems[0], "en") == (
        "This is an old Excel 97-2003 file (.xls); save it as .xlsx or CSV in Excel and upload again."
    )


# --- values ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("85.2", (85.2, False, None)),
        ("85.2%", (85.2, True, None)),
        (" 85.2 % ", (85.2, True, None)),
        ("８５．２％", (85.2, True, None)),
        ("1,234", (1234.0, False, None)),
        ("1,234,567.25", (1234567.25, False, None)),
        ("1 234", (1234.0, False, None)),
        ("１，２３４", (1234.0, False, None)),
        ("−5", (-5.0, False, None)),
        ("+3", (3.0, False, None)),
        (".5", (0.5, False, None)),
        ("1e3", (1000.0, False, None)),
        ("", (None, False, "empty_value")),
        ("  ", (None, False, "empty_value")),
        ("abc", (None, False, "not_number")),
        ("1,5", (None, False, "not_number")),
        ("12,34", (None, False, "not_number")),
        ("1.2.3", (None, False, "not_number")),
        ("nan", (None, False, "not_finite")),
        ("-Infinity", (None, False, "not_finite")),
        ("1e15", (None, False, "too_large")),
    ],
)
def test_parse_value(text, expected):
    assert parse_value(text) == expected


@given(st.integers(0, 10**14 - 1))
def test_thousands_separators_read_back(n):
    assert parse_value(f"{n:,}") == (float(n), False, None)


@given(st.decimals(0, 100, places=1))
def test_percentages_read_back(x):
    assert parse_value(f"{x}%") == (float(x), True, None)


# --- storing --------------------------------------------------------------------------------


def test_notes_are_stored_exactly_as_given(store, ingest):
    data = HEADER + (
        b"tc_alignment_rate,2025Q1,samr,85,<script>alert(1)</script>\n"
        b"tc_alignment_rate,2025Q2,samr,86,=1+1\n"
        b'tc_alignment_rate,2025Q3,samr,87,"comma, ""quotes"" and\na newline"\n'
        b"tc_alignment_rate,2025Q4,samr,88,  padded  \n"
        b"verification_points,2025Q1,samr,3,\n"
    )
    result = ingest(data)
    assert (result.change.new, result.change.revised, result.change.unchanged) == (5, 0, 0)
    assert plain(store.latest()[["period", "note"]]) == [
        ("2025Q1", "<script>alert(1)</script>"),
        ("2025Q2", "=1+1"),
        ("2025Q3", 'comma, "quotes" and\na newline'),
        ("2025Q4", "  padded  "),
        ("2025Q1", None),
    ]


def test_a_refused_file_writes_nothing(store, ingest, registry):
    ingest(HEADER + b"tc_alignment_rate,2025Q1,samr,85,first\n", "first.csv")
    before = (export.to_bytes(export.export_frame(store, registry, True), "csv"), store.counts())
    version = store.data_version()
    bad = HEADER + b"tc_alignment_rate,2025Q1,samr,90,\ntc_alignment_rate,2025Q2,samr,200,\n"
    with pytest.raises(IngestRefused):
        ingest(bad, "bad.csv")
    after = (export.to_bytes(export.export_frame(store, registry, True), "csv"), store.counts())
    assert after == before
    assert before[1] == {"observations": 1, "uploads": 1}
    assert store.data_version() == version == 1


def test_identical_reupload_changes_nothing_and_says_so(store, ingest):
    data = HEADER + b"tc_alignment_rate,2025Q1,samr,85,\nverification_points,2025Q1,samr,3,n\n"
    first = ingest(data, "a.csv")
    assert first.summary("en") == "a.csv: stored as upload #1; 2 new, 0 revised, 0 unchanged."
    again = ingest(data, "a.csv")
    assert not again.change.stored
    assert again.change.identical_upload == 1
    assert again.summary("en") == (
        "a.csv: nothing written; 0 new, 0 revised, 2 unchanged. "
        "Every value is already stored exactly as in this file: nothing changed."
    )
    assert again.summary("zh") == (
        "a.csv：未写入任何数据；新增 0 个值，修订 0 个，未变 2 个。文件内容与库中数据完全相同，没有任何改动。"
    )
    assert store.counts() == {"observations": 2, "uploads": 1}
    assert store.data_version() == 1


def test_a_changed_value_is_a_revision_and_a_changed_note_too(store, ingest):
    ingest(HEADER + b"tc_alignment_rate,2025Q1,samr,85,\nverification_points,2025Q1,samr,3,n\n", "a.csv")
    data = HEADER + b"tc_alignment_rate,2025Q1,samr,86,\nverification_points,2025Q1,samr,3,m\n"
    preview = ingest(data, "b.csv", dry_run=True)
    assert plain(preview.change.rows[["row", "change", "previous_value", "previous_note"]]) == [
        (2, "revised", 85.0, None),
        (3, "revised", 3.0, "n"),
    ]
    result = ingest(data, "b.csv")
    assert result.summary("en") == "b.csv: stored as upload #2; 0 new, 2 revised, 0 unchanged."
    assert plain(store.latest()[["indicator_id", "value", "note", "revision", "upload_id"]]) == [
        ("tc_alignment_rate", 86.0, None, 2, 2),
        ("verification_points", 3.0, "m", 2, 2),
    ]


def test_dry_run_reports_the_change_and_writes_nothing(store, ingest):
    ingest(HEADER + b"tc_alignment_rate,2025Q1,samr,85,\n", "a.csv")
    data = HEADER + b"tc_alignment_rate,2025Q1,samr,86,\ntc_alignment_rate,2025Q2,samr,87,\n"
    result = ingest(data, "b.csv", dry_run=True)
    assert (result.change.upload_id, result.change.new, result.change.revised) == (None, 1, 1)
    assert result.summary("en") == "b.csv: nothing written; 1 new, 1 revised, 0 unchanged."
    assert store.counts() == {"observations": 1, "uploads": 1}
    assert store.data_version() == 1


@given(st.lists(st.text(alphabet="0123456789+-.,e% _xn", max_size=8), min_size=1, max_size=20))
def test_the_vectorised_parser_agrees_with_the_one_cell_parser(texts):
    for text, (value, had_pct, code) in zip(texts, parse_values(texts), strict=True):
        number, pct, expected = parse_value(text)
        assert code == expected, text
        if expected is None:
            assert (value, had_pct) == (number, pct), text


def test_excel_percent_cells_are_scaled_unless_the_text_has_a_percent_sign():
    parsed = parse_values(["0.852", "85.2%", "0.5", "abc"], [True, True, False, True])
    assert parsed == [(85.2, True, None), (85.2, True, None), (0.5, False, None), (None, False, "not_number")]


def test_same_key_and_value_with_different_notes_is_a_conflict_not_a_silent_drop(registry):
    data = HEADER + b"tc_alignment_rate,2025Q1,samr,85,first\ntc_alignment_rate,2025Q1,samr,85,second\n"
    with pytest.raises(IngestRefused) as info:
        parse_file(registry, data, "q.csv", today=TODAY)
    assert [(p.row, p.code, p.params) for p in info.value.problems] == [
        (2, "conflict", {"rows": "2, 3"}),
        (3, "conflict", {"rows": "2, 3"}),
    ]


def test_exact_repeats_are_dropped_and_counted(registry):
    data = HEADER + b"tc_alignment_rate,2025Q1,samr,85,same\ntc_alignment_rate,2025Q1,samr,85,same\n"
    batch = parse_file(registry, data, "q.csv", today=TODAY)
    assert (len(batch.rows), batch.duplicates_dropped, batch.n_file_rows) == (1, 1, 2)
