"""Text of the upload and data-history pages: ``key -> {"zh": ..., "en": ...}``."""

DATA_PAGES: dict[str, dict[str, str]] = {
    # --- upload page: frame ----------------------------------------------------------------
    "upload.title": {"zh": "数据上报", "en": "Upload"},
    "upload.intro": {
        "zh": "上传季度报送文件（CSV 或 Excel .xlsx）。系统先检查整个文件并预览将发生的变化，"
        "确认后才写入；有任何问题时整个文件都不会写入。",
        "en": "Upload a quarterly file (CSV or Excel .xlsx). The whole file is checked first and "
        "the changes are previewed; nothing is stored until you confirm, and a file with any "
        "problem is not stored at all.",
    },
    "upload.who": {"zh": "填报人", "en": "Your name"},
    "upload.who_help": {
        "zh": "与本次上传一起记录，用于审计。",
        "en": "Recorded with the upload for the audit trail.",
    },
    "upload.who_missing": {
        "zh": "请先填写“填报人”，然后才能确认保存。",
        "en": "Enter your name before you confirm.",
    },
    "upload.file": {"zh": "选择文件", "en": "Choose a file"},
    "upload.browse": {"zh": "浏览文件", "en": "Browse files"},
    "upload.dropzone": {
        "zh": "将文件拖放到此处或点击“浏览文件”；每个文件不超过 {limit}MB（{types}；.xls 请另存为 .xlsx）",
        "en": "Drag a file here or browse; up to {limit} MB per file ({types}; save old .xls files as .xlsx)",
    },
    "upload.file_help": {
        "zh": "支持 Excel 另存的 CSV（GB18030/GBK 或 UTF-8）和 .xlsx 工作簿。",
        "en": "CSV as Excel saves it (GB18030/GBK or UTF-8) and .xlsx workbooks.",
    },
    # --- template ---------------------------------------------------------------------------
    "upload.template": {"zh": "下载填报模板", "en": "Download a template"},
    "upload.template_help": {
        "zh": "模板已填好该单位可报送的全部指标和所选报告期，只需填写“数值”和“备注”。",
        "en": "The template lists every indicator the agency may report for the chosen quarter; "
        "fill in the value and note columns.",
    },
    "upload.template_agency": {"zh": "填报单位", "en": "Agency"},
    "upload.template_period": {"zh": "报告期", "en": "Quarter"},
    "upload.template_format": {"zh": "格式", "en": "Format"},
    "upload.template_button": {"zh": "下载模板", "en": "Download template"},
    "upload.template_none": {
        "zh": "该单位没有需要报送的指标。",
        "en": "This agency reports no indicator.",
    },
    # --- progress ----------------------------------------------------------------------------
    "upload.checking": {"zh": "正在检查文件 {file} …", "en": "Checking {file} …"},
    "upload.checked": {"zh": "检查完成：{file}", "en": "Checked: {file}"},
    "upload.check_failed": {"zh": "检查未通过：{file}", "en": "Check failed: {file}"},
    "upload.storing": {"zh": "正在保存 …", "en": "Storing …"},
    "upload.stored_status": {"zh": "已保存", "en": "Stored"},
    "upload.store_failed": {"zh": "保存失败", "en": "Storing failed"},
    "upload.step_read": {
        "zh": "已读取 {size}，正在逐行检查 …",
        "en": "Read {size}; checking every row …",
    },
    "upload.step_rows": {
        "zh": "{rows} 行通过检查，正在与库中数据比对 …",
        "en": "{rows} rows passed; comparing with the stored values …",
    },
    # --- preview ----------------------------------------------------------------------------
    "upload.preview": {"zh": "预览：将发生的变化", "en": "Preview: what will change"},
    "upload.rows_checked": {
        "zh": "文件共 {rows} 个数据行，全部通过检查。",
        "en": "All {rows} data rows of the file passed the checks.",
    },
    "upload.duplicates": {
        "zh": "其中 {n} 行与前面的行完全相同，已合并。",
        "en": "{n} rows repeated an earlier row exactly and were merged.",
    },
    "upload.count_new": {"zh": "新增", "en": "New"},
    "upload.count_revised": {"zh": "修订", "en": "Revised"},
    "upload.count_unchanged": {"zh": "未变", "en": "Unchanged"},
    "upload.confirm": {"zh": "确认保存", "en": "Confirm and store"},
    "upload.cancel": {"zh": "取消", "en": "Cancel"},
    "upload.confirm_hint": {
        "zh": "确认后将保存 {new} 个新增值和 {revised} 个修订值；未变的值不会重复保存。",
        "en": "Confirming stores {new} new and {revised} revised values; unchanged values are not "
        "stored again.",
    },
    "upload.nothing_changed": {
        "zh": "没有任何改动：文件中的每个值都已按原样保存在库中，无需再次上传。",
        "en": "Nothing changed: every value in this file is already stored exactly as it is.",
    },
    "upload.identical": {
        "zh": "这个文件与第 {upload} 次上传（{file}，{who}，{when}）完全相同。",
        "en": "This file is identical to upload #{upload} ({file}, by {who}, {when}).",
    },
    "upload.success": {
        "zh": "已保存为第 {upload} 次上传（{file}）：新增 {new} 个值，修订 {revised} 个，"
        "未变 {unchanged} 个。",
        "en": "Stored as upload #{upload} ({file}): {new} new, {revised} revised, {unchanged} unchanged.",
    },
    "upload.changed_meanwhile": {
        "zh": "在您确认之前，库中的数据已被他人更新；保存结果以上面的数字为准。",
        "en": "The stored data changed before you confirmed; the numbers above are what was stored.",
    },
    # --- refusal ----------------------------------------------------------------------------
    "upload.refused": {
        "zh": "文件“{file}”未通过检查，共 {n} 个问题，未写入任何数据。请修改后重新上传。",
        "en": "'{file}' was refused with {n} problem(s); nothing was written. Fix them and upload again.",
    },
    "upload.problems_download": {"zh": "下载问题清单（CSV）", "en": "Download the problem list (CSV)"},
    "upload.db_error": {
        "zh": "数据库暂时无法使用，未写入任何数据：",
        "en": "The database cannot be used right now; nothing was written:",
    },
    "upload.unexpected": {
        "zh": "处理文件时发生意外错误，未写入任何数据。请把文件发给管理员。",
        "en": "An unexpected error occurred while processing the file; nothing was written. "
        "Please send the file to the administrator.",
    },
    "upload.store_unexpected": {
        "zh": "保存时发生意外错误。请在“数据与修订”页面的上传记录中查看这个文件是否已保存，"
        "再决定是否重新上传。",
        "en": "An unexpected error occurred while storing. Check the uploads list on the Data & history "
        "page to see whether this file was stored before uploading it again.",
    },
    # --- table columns (shared by both pages) -----------------------------------------------
    "data.col.row": {"zh": "行", "en": "Row"},
    "data.col.column": {"zh": "列", "en": "Column"},
    "data.col.value": {"zh": "值", "en": "Value"},
    "data.col.reason": {"zh": "原因", "en": "Reason"},
    "data.col.change": {"zh": "变化", "en": "Change"},
    "data.col.indicator": {"zh": "指标", "en": "Indicator"},
    "data.col.indicator_id": {"zh": "指标编号", "en": "Indicator id"},
    "data.col.period": {"zh": "报告期", "en": "Quarter"},
    "data.col.agency": {"zh": "填报单位", "en": "Agency"},
    "data.col.unit": {"zh": "单位", "en": "Unit"},
    "data.col.previous": {"zh": "原值", "en": "Previous value"},
    "data.col.new_value": {"zh": "新值", "en": "New value"},
    "data.col.note": {"zh": "备注", "en": "Note"},
    "data.col.number": {"zh": "数值", "en": "Value"},
    "data.col.revision": {"zh": "修订版本", "en": "Revision"},
    "data.col.current": {"zh": "当前值", "en": "Current"},
    "data.col.upload": {"zh": "上传编号", "en": "Upload"},
    "data.col.file": {"zh": "文件名", "en": "File"},
    "data.col.who": {"zh": "填报人", "en": "Uploaded by"},
    "data.col.when": {"zh": "上传时间（UTC）", "en": "Uploaded at (UTC)"},
    "data.col.source": {"zh": "来源", "en": "Source"},
    "data.col.agencies": {"zh": "涉及单位", "en": "Agencies"},
    "data.col.sha256": {"zh": "SHA-256 校验值", "en": "SHA-256"},
    "data.col.rows": {"zh": "行数", "en": "Rows"},
    "data.col.withdrawn": {"zh": "已撤回", "en": "Withdrawn"},
    "data.col.withdrawn_at": {"zh": "撤回时间（UTC）", "en": "Withdrawn at (UTC)"},
    "data.col.withdrawn_by": {"zh": "撤回人", "en": "Withdrawn by"},
    "data.col.withdraw_reason": {"zh": "撤回原因", "en": "Reason for withdrawal"},
    "upload.change.new": {"zh": "新增", "en": "new"},
    "upload.change.revised": {"zh": "修订", "en": "revised"},
    "upload.change.unchanged": {"zh": "未变", "en": "unchanged"},
    "data.bool.yes": {"zh": "是", "en": "yes"},
    "data.bool.no": {"zh": "否", "en": "no"},
    # --- data & history page ----------------------------------------------------------------
    "data.title": {"zh": "数据与修订", "en": "Data & history"},
    "data.intro": {
        "zh": "库中每个值的全部修订记录，以及每次上传的审计信息（谁、何时、哪个文件）。",
        "en": "Every stored value with all its revisions, and the audit record of every upload "
        "(who, when, which file).",
    },
    "data.filter_indicator": {"zh": "指标", "en": "Indicator"},
    "data.filter_agency": {"zh": "填报单位", "en": "Agency"},
    "data.filter_period": {"zh": "报告期", "en": "Quarter"},
    "data.filter_withdrawn": {"zh": "包含已撤回的上传", "en": "Include withdrawn uploads"},
    "data.all": {"zh": "全部", "en": "All"},
    "data.values": {"zh": "数值与修订", "en": "Values and revisions"},
    "data.count": {
        "zh": "共 {rows} 条记录（{keys} 个值）。",
        "en": "{rows} records ({keys} values).",
    },
    "data.none": {"zh": "没有符合筛选条件的数据。", "en": "No data matches the filters."},
    "data.download": {"zh": "下载", "en": "Download"},
    "data.download_format": {"zh": "下载格式", "en": "Download format"},
    "data.download_button": {
        "zh": "下载筛选结果（{fmt}）",
        "en": "Download the filtered data ({fmt})",
    },
    "data.uploads": {"zh": "上传记录", "en": "Uploads"},
    "data.uploads_none": {"zh": "还没有任何上传。", "en": "Nothing has been uploaded yet."},
    "data.uploads_count": {
        "zh": "共 {n} 次上传，其中 {withdrawn} 次已撤回。",
        "en": "{n} uploads, {withdrawn} withdrawn.",
    },
    "data.db_error": {
        "zh": "数据库暂时无法读取：",
        "en": "The database cannot be read right now:",
    },
    # --- exports: column headers (a Chinese reader gets Chinese headers) ---
    "export.col.indicator_id": {"zh": "指标编号", "en": "indicator_id"},
    "export.col.period": {"zh": "报告期", "en": "period"},
    "export.col.agency_id": {"zh": "填报单位", "en": "agency_id"},
    "export.col.value": {"zh": "数值", "en": "value"},
    "export.col.note": {"zh": "备注", "en": "note"},
    "export.col.indicator_name": {"zh": "指标名称", "en": "indicator_name"},
    "export.col.agency_name": {"zh": "单位名称", "en": "agency_name"},
    "export.col.unit": {"zh": "计量单位", "en": "unit"},
    "export.col.revision": {"zh": "版本", "en": "revision"},
    "export.col.upload_id": {"zh": "上传编号", "en": "upload_id"},
    "export.col.file_name": {"zh": "文件名", "en": "file_name"},
    "export.col.uploaded_by": {"zh": "报送人", "en": "uploaded_by"},
    "export.col.recorded_at": {"zh": "记录时间（UTC）", "en": "recorded_at"},
    "export.col.withdrawn": {"zh": "已撤回", "en": "withdrawn"},
    # --- the upload template workbook ---
    "template.help_title": {"zh": "填报说明", "en": "How to fill in this template"},
    "template.help.1": {
        "zh": (
            "这是一份预填的季度报送模板：每行一个本单位负责报送的指标（共 {n} 行），只需"
            "在“数值”列填写本季度数值，必要时在“备注”列说明口径。"
        ),
        "en": (
            "A pre-filled quarterly template: one row per indicator your agency reports ({n} "
            "rows). Enter this quarter's figure in the value column and, where needed, a note."
        ),
    },
    "template.help.2": {
        "zh": "请勿修改“指标编号”“报告期”“填报单位”三列；下拉框列出了可选的值，填错时 Excel 会立即提示。",
        "en": (
            "Do not change the indicator_id, period or agency_id columns; their drop-down lists "
            "offer the valid entries and Excel warns at once about a wrong one."
        ),
    },
    "template.help.3": {
        "zh": (
            "数值只填数字：百分比填 85.2 或 85.2%，个数填整数，“个月”填月数；百"
            "分比和里程碑进度须在 0 至 100 之间，其他数值不得为负。"
        ),
        "en": (
            "Values are numbers only: a percentage as 85.2 or 85.2%, counts as whole numbers, "
            "months as a number of months; percentages and milestone progress lie between 0 and "
            "100, nothing is negative."
        ),
    },
    "template.help.4": {
        "zh": "“指标名称”“计量单位”“目标值”三列仅供参考，上传时会被忽略。",
        "en": "The indicator_name, unit and target columns are for reference and ignored on upload.",
    },
    "template.help.5": {
        "zh": "报告期可写作 2025Q4、2025年第四季度或 2025-12-31 等；一个文件可以包含多个季度。",
        "en": "Periods may be written 2025Q4, 2025 Q4 or 2025-12-31; one file may hold several quarters.",
    },
    "template.help.6": {
        "zh": "未填数值的行请整行删除；不要增加合并单元格或公式。",
        "en": "Delete rows you leave without a value; add no merged cells or formulas.",
    },
    "template.help.7": {
        "zh": (
            "保存为 .xlsx（或另存为 CSV）后，在“数据上报”页面上传：系统先检查整个"
            "文件并列出全部问题（行号与 Excel 一致），确认后才写入。"
        ),
        "en": (
            "Save as .xlsx (or CSV) and upload it on the Upload page: the whole file is checked "
            "first and every problem listed (row numbers as Excel shows them); nothing is stored "
            "until you confirm."
        ),
    },
    "template.help.8": {
        "zh": "修改已报送的数值时直接上传新文件：系统保留每个数值的全部修订记录，并在“数据与修订”页面显示。",
        "en": (
            "To correct a figure, upload a new file: every revision of every value is kept and "
            "shown on the Data & history page."
        ),
    },
    "template.help.9": {
        "zh": "有问题请联系本系统管理员；请不要通过邮件发送数据文件。",
        "en": "For help, contact the administrator of this dashboard; please do not e-mail data files.",
    },
    "template.check_title": {"zh": "输入有误", "en": "Check this entry"},
    "template.check_list": {"zh": "请从下拉列表中选择。", "en": "Choose a value from the list."},
    "template.check_share": {"zh": "请填写 0 至 100 之间的数字。", "en": "Enter a number from 0 to 100."},
    "template.check_number": {"zh": "请填写不小于 0 的数字。", "en": "Enter a number of 0 or more."},
}
