"""Ingestion messages: ``key -> {"zh": ..., "en": ...}``. Placeholders use ``{name}``."""

PROBLEMS: dict[str, dict[str, str]] = {
    # --- where a problem is -------------------------------------------------------------
    "where.row": {"zh": "第 {row} 行", "en": "row {row}"},
    "where.column": {"zh": "“{column}”列", "en": "column '{column}'"},
    "where.value": {"zh": "值“{value}”", "en": "value '{value}'"},
    # --- why a file is refused (ingestion) ----------------------------------------------
    "problem.file_empty": {"zh": "文件是空的。", "en": "The file is empty."},
    "problem.header_only": {
        "zh": "文件只有表头，没有数据行。",
        "en": "The file has a header row but no data rows.",
    },
    "problem.not_text": {
        "zh": "这不是 CSV 文本文件，也不是 Excel 工作簿（.xlsx）。",
        "en": "This is neither a CSV text file nor an Excel workbook (.xlsx).",
    },
    "problem.not_a_workbook": {
        "zh": "文件名以 .xlsx 结尾，但内容不是 Excel 工作簿（可能是改了扩展名的文本文件）；"
        "请在 Excel 中另存为 .xlsx 或 CSV。",
        "en": "The file is named .xlsx but is not an Excel workbook (perhaps a renamed text file); "
        "save it as .xlsx or CSV in Excel.",
    },
    "problem.old_xls": {
        "zh": "这是旧版 Excel 97-2003 文件（.xls）；请在 Excel 中“另存为” .xlsx 或 CSV 后再上传。",
        "en": "This is an old Excel 97-2003 file (.xls); save it as .xlsx or CSV in Excel and upload again.",
    },
    "problem.bad_encoding": {
        "zh": "无法识别文件的文字编码；请保存为“CSV UTF-8”或 Excel 默认的 CSV（GB18030/GBK）。",
        "en": "The text encoding cannot be read; save as 'CSV UTF-8' or Excel's default CSV (GB18030/GBK).",
    },
    "problem.bad_workbook": {
        "zh": "无法打开这个 Excel 工作簿（{detail}）；文件可能已损坏或被加密。",
        "en": "This Excel workbook cannot be opened ({detail}); it may be damaged or password-protected.",
    },
    "problem.bad_csv": {
        "zh": "这一行的字段数与表头不一致（{detail}）；请检查多余的分隔符或引号。",
        "en": "This row has a different number of fields than the header ({detail}); "
        "check for extra separators or quotes.",
    },
    "problem.no_header": {
        "zh": "前 10 行中找不到表头；需要的列：{columns}。",
        "en": "No header row found in the first 10 rows; the required columns are: {columns}.",
    },
    "problem.missing_columns": {
        "zh": "缺少必需的列：{columns}。表头可以用英文（indicator_id, period, agency_id, value, note）"
        "或中文（指标编号、报告期、填报单位、数值、备注）。",
        "en": "Required column(s) missing: {columns}. Headers may be English (indicator_id, period, "
        "agency_id, value, note) or Chinese (指标编号, 报告期, 填报单位, 数值, 备注).",
    },
    "problem.duplicate_column": {
        "zh": "表头中这一列出现了两次。",
        "en": "This column appears twice in the header.",
    },
    "problem.unknown_indicator": {
        "zh": "未知指标：既不是指标编号，也不是指标的中文全称。",
        "en": "Unknown indicator: neither an indicator id nor an indicator's exact Chinese name.",
    },
    "problem.unknown_agency": {
        "zh": "未知填报单位：既不是单位编号，也不是单位中文名称。",
        "en": "Unknown agency: neither an agency id nor an agency's Chinese name.",
    },
    "problem.not_allowed": {
        "zh": "{agency}不是第{measure}项举措的责任单位，不能报送该指标（{indicator}）。",
        "en": "{agency} is not responsible for measure {measure} and may not report {indicator}.",
    },
    "problem.forbidden_agency": {
        "zh": "当前账号只能报送{allowed}的数据，不能报送{agency}的数据。",
        "en": "This account may report only for {allowed}, not for {agency}.",
    },
    "problem.bad_period": {
        "zh": "无法识别的报告期；请写成 2025Q1、2025年第一季度 或季度末日期 2025-03-31。",
        "en": "Unreadable period; write it as 2025Q1, 2025年第一季度 "
        "or a quarter-end date such as 2025-03-31.",
    },
    "problem.not_quarter_end": {
        "zh": "日期不是季度末（3月31日、6月30日、9月30日或12月31日）。",
        "en": "The date is not a quarter end (31 March, 30 June, 30 September or 31 December).",
    },
    "problem.period_too_early": {
        "zh": "报告期早于 {first}（行动计划开始前最多八个季度）。",
        "en": "The period is before {first} (at most eight quarters before the plan starts).",
    },
    "problem.period_future": {
        "zh": "报告期晚于当前季度 {last}。",
        "en": "The period is after the current quarter, {last}.",
    },
    "problem.empty_value": {
        "zh": "数值为空；请填写数值，或删除这一行。",
        "en": "The value is empty; fill it in or delete the row.",
    },
    "problem.not_number": {"zh": "数值不是数字。", "en": "The value is not a number."},
    "problem.not_finite": {
        "zh": "数值不是有限数字（NaN 或无穷大）。",
        "en": "The value is not a finite number (NaN or infinity).",
    },
    "problem.too_large": {
        "zh": "数值大得不合理（绝对值不能超过 10¹⁵）。",
        "en": "The value is implausibly large (its magnitude must stay below 10^15).",
    },
    "problem.percent_range": {
        "zh": "百分比必须在 0 到 100 之间。",
        "en": "A percentage must be between 0 and 100.",
    },
    "problem.milestone_range": {
        "zh": "里程碑完成度必须在 0 到 100 之间（100 = 已完成）。",
        "en": "A milestone's completion must be between 0 and 100 (100 = complete).",
    },
    "problem.negative": {
        "zh": "该指标不能为负数（单位：{unit}）。",
        "en": "This indicator cannot be negative (unit: {unit}).",
    },
    "problem.out_of_range": {
        "zh": "数值超出允许范围 {low} 至 {high}。",
        "en": "The value is outside the allowed range {low} to {high}.",
    },
    "problem.percent_sign": {
        "zh": "该指标的单位是“{unit}”，不是百分比，数值不能带 %。",
        "en": "This indicator is measured in '{unit}', not a percentage; the value cannot carry %.",
    },
    "problem.conflict": {
        "zh": "同一指标、报告期、填报单位在第 {rows} 行出现多次，数值或备注不同。",
        "en": "The same indicator, period and agency appear in rows {rows} with different values or notes.",
    },
    "problem.sheet_missing": {
        "zh": "工作簿中没有可读的工作表。",
        "en": "The workbook has no readable sheet.",
    },
    "problem.too_many_rows": {
        "zh": "文件超过 {limit} 行；请拆分后上传。",
        "en": "The file has more than {limit} rows; split it and upload the parts.",
    },
}
