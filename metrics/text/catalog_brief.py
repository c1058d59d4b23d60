"""Text of the briefing deck and the ``brief`` command: ``key -> {"zh": ..., "en": ...}``.

The deck also reuses the pages' keys (status words, ``method.*``, ``chart.*``, ``col.*``)
so that a slide says exactly what the page says.
"""

BRIEF: dict[str, dict[str, str]] = {
    # --- title slide ------------------------------------------------------------------------
    "brief.subtitle": {
        "zh": "目标进展汇报 · 截至{period}",
        "en": "Progress towards targets · as of {period}",
    },
    "brief.generated": {"zh": "生成日期：{date}", "en": "Generated on {date}"},
    "brief.demo_note": {
        "zh": "本文件中的数值均为虚构的示例数据，不反映真实进展。",
        "en": "Every figure in this deck is invented demo data; none reflects real progress.",
    },
    # --- summary ----------------------------------------------------------------------------
    "brief.summary_title": {
        "zh": "数值指标一览（全国口径）",
        "en": "Numeric indicators at a glance (national figures)",
    },
    "brief.summary_counts": {
        "zh": "全部 {n} 个指标和里程碑（全国口径）：{counts}",
        "en": "All {n} indicators and milestones (national figures): {counts}",
    },
    "brief.col_deadline": {"zh": "期限", "en": "Deadline"},
    # --- one slide per numeric indicator ------------------------------------------------------
    "brief.chart_title": {
        "zh": "全国数值、目标与直线应达路径",
        "en": "National figure, target and straight-line path to target",
    },
    "brief.latest_note": {"zh": "最新备注：{note}", "en": "Latest note (as reported): {note}"},
    # --- measures ---------------------------------------------------------------------------
    "brief.measures_title": {
        "zh": "各项举措进展（第二十一至三十五项）",
        "en": "Measures 21–35: status and lead agencies",
    },
    "brief.col_section": {"zh": "部分", "en": "Section"},
    "brief.col_counts": {"zh": "指标状态（个）", "en": "Indicators by status"},
    "brief.col_worst": {"zh": "最差状态", "en": "Worst status"},
    "brief.jointly": {"zh": "{names}（共同负责）", "en": "{names} (jointly)"},
    "brief.legend": {"zh": "符号：{items}", "en": "Symbols: {items}"},
    # --- agencies ---------------------------------------------------------------------------
    "brief.agencies_title": {
        "zh": "各部门：负责举措的最差状态与未报送情况",
        "en": "Agencies: worst status of their measures, and late reports",
    },
    "brief.late_count": {"zh": "{title}（{n} 项）", "en": "{title} ({n})"},
    # --- changes ----------------------------------------------------------------------------
    "brief.status_changes": {"zh": "状态变化", "en": "Status changes"},
    "brief.no_status_changes": {"zh": "没有指标的状态发生变化。", "en": "No status changed."},
    "brief.more_rows": {
        "zh": "另有 {n} 项未列出，详见仪表盘。",
        "en": "{n} more not listed here; see the dashboard.",
    },
    # --- the brief command ------------------------------------------------------------------
    "brief.cli_written": {
        "zh": "{path}：已生成 {n} 页幻灯片（截至{period}）。",
        "en": "{path}: {n} slides written (as of {period}).",
    },
    "brief.cli_bad_period": {
        "zh": "--as-of：无法识别季度“{value}”（示例：2025Q4）。",
        "en": "--as-of: cannot read '{value}' as a quarter (e.g. 2025Q4).",
    },
    "brief.cli_bad_suffix": {
        "zh": "{path}：输出文件名必须以 .pptx 结尾。",
        "en": "{path}: the output file name must end in .pptx.",
    },
    "brief.cli_cannot_write": {
        "zh": "{path}：无法写入（{reason}）。",
        "en": "{path}: cannot write the file ({reason}).",
    },
}
