"""The upload template as a workbook: the data sheet with drop-down lists and value checks that
Excel enforces while the officer types, and an instructions sheet in the template's language."""

from __future__ import annotations

import io

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from metrics.ingest.formula_guard import neutralize
from metrics.plan import periods
from metrics.plan.registry import Registry
from metrics.text import t

HEAD_FILL = PatternFill("solid", fgColor="E8EEF5")
HELP_LINES = 9  # template.help.1 … template.help.9


def template_workbook(registry: Registry, frame: pd.DataFrame, period: str, lang: str) -> bytes:
    """``frame`` (:func:`metrics.outputs.export.template_frame`) as ``.xlsx`` bytes."""
    zh = lang == "zh"
    wb = Workbook()
    ws = wb.active
    ws.title = "数据" if zh else "data"
    ws.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        ws.append([neutralize(v) for v in row])
    for cell in ws[1]:
        cell.font, cell.fill = Font(bold=True), HEAD_FILL
    ws.freeze_panes = "A2"
    widths = (26, 46, 10, 8, 12, 18, 12, 30)
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    n = len(frame)
    if n:
        _lists(wb, ws, frame, period, lang)
        _value_checks(ws, registry, frame, lang)
    _instructions(wb, lang, n)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _lists(wb: Workbook, ws, frame: pd.DataFrame, period: str, lang: str) -> None:
    """Drop-downs for the indicator, the quarter and the agency, fed from a hidden sheet."""
    lists = wb.create_sheet("lists")
    lists.sheet_state = "hidden"
    quarters = periods.span(periods.shift(period, -3), period)
    columns = {
        "A": list(frame.iloc[:, 0]),
        "E": quarters,
        "F": [frame.iloc[0, 5]],
    }
    last = len(frame) + 1
    for col, (letter, values) in enumerate(columns.items(), start=1):
        for r, value in enumerate(values, start=1):
            lists.cell(r, col, value)
        source = f"=lists!${get_column_letter(col)}$1:${get_column_letter(col)}${len(values)}"
        check = DataValidation(type="list", formula1=source, allow_blank=False, showErrorMessage=True)
        check.errorTitle = t("template.check_title", lang)
        check.error = t("template.check_list", lang)
        ws.add_data_validation(check)
        check.add(f"{letter}2:{letter}{last}")


def _value_checks(ws, registry: Registry, frame: pd.DataFrame, lang: str) -> None:
    """Numbers only: 0–100 for percentages and milestones, never negative otherwise."""
    share = DataValidation(type="decimal", operator="between", formula1="0", formula2="100", allow_blank=True)
    share.error = t("template.check_share", lang)
    plain = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
    plain.error = t("template.check_number", lang)
    for check in (share, plain):
        check.errorTitle, check.showErrorMessage = t("template.check_title", lang), True
        ws.add_data_validation(check)
    for r, indicator_id in enumerate(frame.iloc[:, 0], start=2):
        ind = registry.indicator[indicator_id]
        (share if ind.unit == "%" or ind.kind == "milestone" else plain).add(f"G{r}")


def _instructions(wb: Workbook, lang: str, n: int) -> None:
    ws = wb.create_sheet("填报说明" if lang == "zh" else "instructions", 1)
    ws.column_dimensions["A"].width = 110
    ws.append([t("template.help_title", lang)])
    ws["A1"].font = Font(bold=True, size=14)
    for i in range(1, HELP_LINES + 1):
        ws.append([t(f"template.help.{i}", lang, n=n)])
    for row in ws.iter_rows(min_row=2):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")
