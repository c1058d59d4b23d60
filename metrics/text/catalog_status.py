"""Text of the status definitions: baselines, "as known at", agencies' parts of a count, missing
figures in roll-ups. ``key -> {"zh": ..., "en": ...}``; pages, CLI and deck read the same keys."""

STATUS_TEXT: dict[str, dict[str, str]] = {
    # --- where a baseline comes from ---------------------------------------------------------
    "baseline.registry": {
        "zh": "基期取自登记表：{value}（{period}）。",
        "en": "Baseline from the registry: {value} ({period}).",
    },
    "baseline.pre_plan": {
        "zh": "基期为计划开始前最后一个季度（{period}）的报送值 {value}；更早的数据不参与计算。",
        "en": "Baseline: {value}, reported for {period}, the last quarter before the plan; "
        "older reports do not count.",
    },
    "baseline.first_report": {
        "zh": "计划开始前最后一个季度没有报送，基期为其后首次报送的 {value}（{period}）；"
        "更早的数据不参与计算。",
        "en": "Nothing was reported for the last quarter before the plan; the baseline is the "
        "first report after it: {value} ({period}); older reports do not count.",
    },
    "baseline.latest_report": {
        "zh": "截至季度早于计划开始，基期为最近一次报送的 {value}（{period}）。",
        "en": "The as-of quarter is before the plan starts; the baseline is the latest report: "
        "{value} ({period}).",
    },
    "baseline.short.registry": {"zh": "登记表给定", "en": "from the registry"},
    "baseline.short.pre_plan": {"zh": "计划开始前最后一季", "en": "last quarter before the plan"},
    "baseline.short.first_report": {"zh": "计划开始后首次报送", "en": "first report after the plan start"},
    "baseline.short.latest_report": {"zh": "最近一次报送", "en": "latest report"},
    "card.baseline": {
        "zh": "基期 {value}（{period}，{source}）",
        "en": "Baseline {value} ({period}, {source})",
    },
    # --- as known at a time --------------------------------------------------------------------
    "sidebar.known_at": {"zh": "按当时口径（录入截至）", "en": "As known at (recorded by)"},
    "sidebar.known_at_help": {
        "zh": "只使用在该日结束前录入的数据和修订，重现当天简报看到的数字。留空为当前数据。",
        "en": "Only values and revisions recorded by the end of that day count, so a past "
        "briefing shows the same numbers. Empty: the data as stored now.",
    },
    "header.known_at": {"zh": "按{date}前录入的数据", "en": "as known at {date}"},
    "known_at.bad_link": {
        "zh": "链接中的 known_at“{value}”无法识别（示例：2025-10-15），显示当前数据。",
        "en": "The link's known_at {value!r} is not a date (e.g. 2025-10-15); "
        "showing the data as stored now.",
    },
    "brief.known_at": {
        "zh": "数字按{date}前录入的数据重现",
        "en": "Numbers as known at {date}",
    },
    "cli.known_at_title": {"zh": "（按{date}前录入的数据）", "en": " (as known at {date})"},
    "cli.bad_known_at": {
        "zh": "--known-at：无法识别时间“{value}”（示例：2025-10-15 或 2025-10-15T09:30）。",
        "en": "--known-at: cannot read {value!r} as a date or time (e.g. 2025-10-15 or 2025-10-15T09:30).",
    },
    # --- an agency's part of an additive count -------------------------------------------------
    "status.contribution": {"zh": "计入全国", "en": "Part of national"},
    "col.contribution": {"zh": "占全国", "en": "Share of national"},
    "contribution.of": {"zh": "占全国 {share}", "en": "{share} of national"},
    "contribution.note": {
        "zh": "本指标为可加总的数量：各部门数值是全国数值的组成部分，显示其占全国的份额，不与全国目标比较。",
        "en": "This indicator is a count that adds up: an agency's figure is part of the national "
        "figure, shown as its share of it, not judged against the national target.",
    },
    "contribution.note_table": {
        "zh": "“计入全国”：可加总的数量（如国家标准验证点）中，本部门数值是全国数值的组成部分，"
        "显示其占全国的份额，不与全国目标比较。",
        "en": "Part of national: for a count that adds up (such as verification points), the agency's "
        "figure is part of the national figure, shown as its share, not judged against the target.",
    },
    "parts.partial": {
        "zh": "{period}各部门自报合计 {total}（{n} 个部门），全国 {national}：{diff}未归属到报送部门。",
        "en": "{period}: agencies' own counts ({n} reporting) add up to {total} of the national "
        "{national}; {diff} not attributed to a reporting agency.",
    },
    "parts.exceeds": {
        "zh": "{period}各部门自报合计 {total}（{n} 个部门）超过全国 {national}，多出{diff}，请核对。",
        "en": "{period}: agencies' own counts ({n} reporting) add up to {total}, more than the "
        "national {national} by {diff}; please check.",
    },
    "parts.adds_up": {
        "zh": "{period}各部门自报合计等于全国 {national}。",
        "en": "{period}: agencies' own counts add up to the national {national}.",
    },
    # --- missing figures in roll-ups ---------------------------------------------------------
    "col.missing": {"zh": "无数据", "en": "No data"},
    "rollup.missing": {"zh": "{n} 项中 {missing} 项无数据", "en": "{missing} of {n} without data"},
    "rollup.missing_note": {
        "zh": "最差状态和平均进度只反映有数据的指标；“无数据”列为尚未报送任何数值的指标个数。"
        "过了期限仍无数据的指标记为逾期未实现。",
        "en": "Worst status and mean progress speak only for figures with data; the No data column "
        "counts figures nobody has reported yet. A figure with no data at its deadline is missed.",
    },
    "brief.missing": {"zh": "无数据 {n}", "en": "no data {n}"},
}
