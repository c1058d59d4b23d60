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
}
