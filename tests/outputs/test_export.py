"""metrics.outputs.export: formula-safe CSV/XLSX exports that re-ingest unchanged, and upload templates."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest
from openpyxl import load_workbook

from metrics.outputs import export

HEADER = b"indicator_id,period,agency_id,value,note\n"
DATA = (
    HEADER
    + (
        "tc_alignment_rate,2025-Q1,samr,85.2,=1+1\n"
        'verification_points,2025年第一季度,samr,"1,234",-3 dropped\n'
        "ms_annual_report,2025-06-30,samr,50,+half\n"
        "ms_annual_report,2025Q1,miit,100,@SUM(A1)\n"
        'std_dev_cycle_months,2025Q1,samr,19.5,"a, ""quoted""\nnote"\n'
        "intl_std_adoption_rate,2025Q1,samr,80,<script>alert(1)</script>\n"
    ).encode()
)
# (indicator_id, period, agency_id, value, note) of every exported row, sorted as exported
EXPORTED = [
    ("intl_std_adoption_rate", "2025Q1", "samr", "80.0", "<script>alert(1)</script>"),
    ("ms_annual_report", "2025Q1", "miit", "100.0", "'@SUM(A1)"),
    ("ms_annual_report", "2025Q2", "samr", "50.0", "'+half"),
    ("std_dev_cycle_months", "2025Q1", "samr", "19.5", 'a, "quoted"\nnote'),
    ("tc_alignment_rate", "2025Q1", "samr", "85.2", "'=1+1"),
    ("verification_points", "2025Q1", "samr", "1234.0", "'-3 dropped"),
]


def csv_rows(data: bytes) -> list[dict]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(data[3:].decode("utf-8"), newline="")))


@pytest.fixture
def filled(store, ingest):
    ingest(DATA, "=evil.csv")
    return store


def test_neutralize_and_restore():
    for text in ["=1+1", "+1", "-1", "@A1", "\tx", "\rx"]:
        assert export.neutralize(text) == "'" + text
        assert export.restore(export.neutralize(text)) == text
    for text in ["plain", "'quoted", "1-2", "<script>", ""]:
        assert export.neutralize(text) == text
        assert export.restore(text) == text
    assert export.neutralize(-1.5) == -1.5


def test_csv_export_has_a_bom_canonical_periods_and_neutralised_text(filled, registry):
    frame = export.export_frame(filled, registry)
    data = export.to_bytes(frame, "csv")
    rows = csv_rows(data)
    assert list(rows[0]) == export.EXPORT_COLUMNS
    assert [(r["indicator_id"], r["period"], r["agency_id"], r["value"], r["note"]) for r in rows] == EXPORTED
    assert {r["file_name"] for r in rows} == {"'=evil.csv"}
    assert {r["uploaded_by"] for r in rows} == {"tester"}
    assert rows[0]["indicator_name"] == "国际标准转化率"
    assert rows[0]["agency_name"] == "市场监管总局（国家标准委）"
    assert [r["unit"] for r in rows] == ["%", "%", "%", "月", "%", "个"]
    assert [r["revision"] for r in rows] == ["1"] * 6


def test_xlsx_export_cells_are_text_not_formulas(filled, registry):
    data = export.to_bytes(export.export_frame(filled, registry), "xlsx")
    ws = load_workbook(io.BytesIO(data)).active
    assert ws.title == "data"
    assert ws.freeze_panes == "A2"
    values = list(ws.iter_rows(min_row=2, max_col=5, values_only=True))
    assert values == [(i, p, a, float(v), n) for i, p, a, v, n in EXPORTED]
    assert {c.data_type for row in ws.iter_rows(min_row=2) for c in row if isinstance(c.value, str)} == {"s"}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_reingesting_an_export_changes_nothing(filled, registry, ingest, fmt):
    data = export.to_bytes(export.export_frame(filled, registry), fmt)
    result = ingest(data, f"export.{fmt}")
    assert (result.change.new, result.change.revised, result.change.unchanged) == (0, 0, 6)
    assert not result.change.stored
    assert filled.counts() == {"observations": 6, "uploads": 1}


def test_all_revisions_include_withdrawn_ones(filled, registry, ingest):
    ingest(HEADER + b"tc_alignment_rate,2025Q1,samr,86,\n", "fix.csv")
    ingest(HEADER + b"tc_alignment_rate,2025Q1,samr,87,\n", "fix2.csv")
    filled.withdraw_upload(3, by="admin")
    latest = export.export_frame(filled, registry)
    assert latest.loc[latest.indicator_id == "tc_alignment_rate", ["value", "revision"]].values.tolist() == [
        [86.0, 2]
    ]
    every = export.export_frame(filled, registry, all_revisions=True)
    assert list(every.columns) == [*export.EXPORT_COLUMNS, "withdrawn"]
    mine = every[every.indicator_id == "tc_alignment_rate"]
    assert mine[["value", "revision", "upload_id", "withdrawn"]].values.tolist() == [
        [85.2, 1, 1, False],
        [86.0, 2, 2, False],
        [87.0, 3, 3, True],
    ]
    assert len(every) == 8


def test_empty_export_has_just_the_header(store, registry):
    rows = csv_rows(export.to_bytes(export.export_frame(store, registry), "csv"))
    assert rows == []


def test_unknown_format():
    with pytest.raises(ValueError, match="unknown format 'ods'"):
        export.to_bytes(pd.DataFrame({"a": [1]}), "ods")


# --- templates ------------------------------------------------------------------------------


def test_template_lists_exactly_the_indicators_the_agency_may_report(registry):
    frame = export.template_frame(registry, "miit", "2025Q4")
    expected = registry.indicators_for("miit")
    assert list(frame.columns) == [
        "指标编号",
        "指标名称",
        "计量单位",
        "目标值",
        "报告期",
        "填报单位",
        "数值",
        "备注",
    ]
    assert frame["指标编号"].tolist() == [i.id for i in expected]
    assert frame["指标名称"].tolist() == [i.name_zh for i in expected]
    assert len(frame) == 25
    assert "ms_outline_evaluation" not in frame["指标编号"].tolist()
    assert frame.iloc[0].tolist() == [
        "tc_alignment_rate",
        "技术委员会与国际标准组织技术机构一致性程度",
        "%",
        "90",
        "2025Q4",
        "工业和信息化部",
        "",
        "",
    ]
    english = export.template_frame(registry, "miit", "2025Q4", lang="en")
    assert english.iloc[2].tolist()[:4] == [
        "std_dev_cycle_months",
        "Average development cycle of newly approved national standards",
        "months",
        "18",
    ]


def _fill_value(unit: str) -> str:
    return {"%": "55.5", "月": "17", "个": "12"}[unit]


def test_a_filled_csv_template_is_accepted(registry, ingest, store):
    data = export.template_bytes(registry, "miit", "2025Q4", "csv")
    rows = csv_rows(data)
    for row in rows:
        row["数值"] = _fill_value(row["计量单位"])
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    result = ingest(out.getvalue().encode("gb18030"), "miit.csv")
    assert (result.change.new, result.change.revised) == (25, 0)
    latest = store.latest()
    assert set(latest["agency_id"]) == {"miit"}
    assert set(latest["period"]) == {"2025Q4"}
    assert latest.set_index("indicator_id").loc["verification_points", "value"] == 12.0


def test_a_filled_xlsx_template_is_accepted(registry, ingest, store):
    data = export.template_bytes(registry, "miit", "2025Q4", "xlsx")
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["数据", "填报说明", "lists"]
    ws = wb["数据"]
    header = [c.value for c in ws[1]]
    unit_col, value_col = header.index("计量单位") + 1, header.index("数值") + 1
    for r in range(2, ws.max_row + 1):
        ws.cell(r, value_col).value = float(_fill_value(ws.cell(r, unit_col).value))
    buf = io.BytesIO()
    wb.save(buf)
    result = ingest(buf.getvalue(), "miit.xlsx")
    assert (result.change.new, result.change.revised) == (25, 0)
    assert store.latest().set_index("indicator_id").loc["tc_alignment_rate", "value"] == 55.5


def test_the_xlsx_template_has_drop_downs_value_checks_and_instructions(registry):
    wb = load_workbook(io.BytesIO(export.template_bytes(registry, "miit", "2025Q4", "xlsx")))
    ws = wb["数据"]
    checks = {str(dv.sqref): (dv.type, dv.formula1, dv.formula2) for dv in ws.data_validations.dataValidation}
    assert checks["A2:A26"] == ("list", "=lists!$A$1:$A$25", None)
    assert checks["E2:E26"] == ("list", "=lists!$B$1:$B$4", None)
    assert checks["F2:F26"] == ("list", "=lists!$C$1:$C$1", None)
    lists = wb["lists"]
    assert lists.sheet_state == "hidden"
    assert [lists.cell(r, 2).value for r in range(1, 5)] == ["2025Q1", "2025Q2", "2025Q3", "2025Q4"]
    assert lists.cell(1, 3).value == "工业和信息化部"
    units = {ws.cell(r, 1).value: ws.cell(r, 3).value for r in range(2, 27)}
    share = next(dv for dv in ws.data_validations.dataValidation if dv.operator == "between")
    plain = next(dv for dv in ws.data_validations.dataValidation if dv.operator == "greaterThanOrEqual")
    assert (share.formula1, share.formula2, plain.formula1) == ("0", "100", "0")
    row = {ws.cell(r, 1).value: r for r in range(2, 27)}
    assert f"G{row['verification_points']}" in str(plain.sqref) and units["verification_points"] == "个"
    assert f"G{row['tc_alignment_rate']}" in str(share.sqref)
    assert share.error == "请填写 0 至 100 之间的数字。"
    help_sheet = wb["填报说明"]
    assert help_sheet["A1"].value == "填报说明"
    assert help_sheet["A2"].value.startswith(
        "这是一份预填的季度报送模板：每行一个本单位负责报送的指标（共 25 行）"
    )
    english = load_workbook(io.BytesIO(export.template_bytes(registry, "miit", "2025Q4", "xlsx", lang="en")))
    assert english.sheetnames == ["data", "instructions", "lists"]
    assert english["data"]["F2"].value == "miit"
    assert english["instructions"]["A1"].value == "How to fill in this template"


def test_a_chinese_export_has_chinese_headers_and_re_ingests_unchanged(registry, ingest, filled):
    frame = export.localized_headers(export.export_frame(filled, registry), "zh")
    assert list(frame.columns)[:7] == [
        "指标编号",
        "报告期",
        "填报单位",
        "数值",
        "备注",
        "指标名称",
        "单位名称",
    ]
    assert export.localized_headers(export.export_frame(filled, registry), "en").columns[0] == "indicator_id"
    result = ingest(export.to_bytes(frame, "csv"), "export.csv")
    assert (result.change.new, result.change.revised) == (0, 0)
