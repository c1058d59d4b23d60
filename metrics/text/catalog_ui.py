"""Page and chart text: ``key -> {"zh": ..., "en": ...}``."""

UI: dict[str, dict[str, str]] = {
    # --- frame ------------------------------------------------------------------------------
    "app.title": {"zh": "标准化行动计划目标监测", "en": "Standardization Action Plan Monitor"},
    "overview.cards_capped": {
        "zh": "显示前 {shown} 个数值指标（共 {total} 个）；全部指标见下方进度图和“指标”页。",
        "en": "Showing the first {shown} of {total} numeric indicators; all are on the progress chart "
        "and the Indicator page.",
    },
    "overview.tables_capped": {
        "zh": "下表最多显示 {rows} 行；完整记录见“数据与修订”页。",
        "en": "The tables show at most {rows} rows; the full record is on the Data & history page.",
    },
    "nav.overview": {"zh": "总览", "en": "Overview"},
    "nav.indicator": {"zh": "指标", "en": "Indicator"},
    "nav.measures": {"zh": "举措", "en": "Measures"},
    "nav.agencies": {"zh": "部门", "en": "Agencies"},
    "nav.upload": {"zh": "数据上报", "en": "Upload"},
    "nav.data": {"zh": "数据与修订", "en": "Data & history"},
    "nav.methodology": {"zh": "方法说明", "en": "Methodology"},
    "sidebar.as_of": {"zh": "截至季度", "en": "As of quarter"},
    "sidebar.as_of_help": {
        "zh": "只计入该季度及以前的数据；默认是有数据的最近一个季度。",
        "en": "Only data up to this quarter count; the default is the latest quarter with data.",
    },
    "sidebar.no_data": {"zh": "数据库中还没有数据。", "en": "The database holds no data yet."},
    "sidebar.agency": {"zh": "部门", "en": "Agency"},
    "sidebar.agency_help": {
        "zh": "只显示该部门牵头或参与的举措及其指标。",
        "en": "Show only the measures this agency leads or shares, and their indicators.",
    },
    "sidebar.all_agencies": {"zh": "全部部门", "en": "All agencies"},
    "sidebar.briefing": {"zh": "汇报模式", "en": "Briefing mode"},
    "sidebar.briefing_help": {
        "zh": "隐藏侧边栏和菜单，按 16:9 排版，便于截图放入汇报材料。",
        "en": "Hide the sidebar and menus and lay the page out 16:9 for a screenshot.",
    },
    "briefing.exit": {"zh": "退出汇报模式", "en": "Leave briefing mode"},
    "demo.badge": {"zh": "示例数据 · 虚构", "en": "Demo data · invented"},
    "header.as_of": {"zh": "截至{period}", "en": "as of {period}"},
    "header.agency": {"zh": "部门：{agency}", "en": "Agency: {agency}"},
    "error.db_locked": {
        "zh": "数据库 {path} 正被另一个程序占用（例如命令行导入）。请等它结束后刷新本页。",
        "en": "The database {path} is held by another program (for example a command-line import). "
        "Wait for it to finish, then reload this page.",
    },
    "error.db_unreadable": {
        "zh": "无法打开数据库 {path}：文件不是本系统的数据库或已损坏。请检查 METRICS_DB 设置。",
        "en": "The database {path} cannot be opened: it is not a database of this application or it is "
        "damaged. Check the METRICS_DB setting.",
    },
    "error.registry": {
        "zh": "指标目录文件 {path} 有 {count} 个问题，页面无法显示：",
        "en": "The registry file {path} has {count} problem(s), so the page cannot be shown:",
    },
    "empty.title": {"zh": "数据库中还没有任何数据。", "en": "The database holds no data yet."},
    "empty.body": {
        "zh": "加载数据有两种方式：\n\n"
        "1. 在“数据上报”页面上传各部门的季度报送文件（CSV 或 Excel）；\n"
        "2. 想先看看效果，可以运行 `make run`，它会用虚构的示例数据建立演示数据库并打开仪表盘。",
        "en": "There are two ways to load data:\n\n"
        "1. Upload the agencies' quarterly files (CSV or Excel) on the Upload page;\n"
        "2. To try the dashboard first, run `make run`: it builds a demo database from invented "
        "sample data and opens the dashboard on it.",
    },
    "empty.demo_hint": {"zh": "用示例数据启动", "en": "start with the demo data"},
    "empty.to_upload": {"zh": "前往数据上报", "en": "Go to Upload"},
    # --- status words, kinds, figures, roles, units ----------------------------------------
    "status.achieved": {"zh": "已实现", "en": "Achieved"},
    "status.on_track": {"zh": "进度正常", "en": "On track"},
    "status.acceleration_needed": {"zh": "需加快", "en": "Acceleration needed"},
    "status.limited_progress": {"zh": "进展有限", "en": "Limited progress"},
    "status.deterioration": {"zh": "退步", "en": "Deterioration"},
    "status.missed": {"zh": "逾期未实现", "en": "Missed"},
    "status.insufficient_data": {"zh": "数据不足", "en": "Insufficient data"},
    "status.no_data": {"zh": "无数据", "en": "No data"},
    "status_explain.achieved": {
        "zh": "已实现：最新数值已达到目标。",
        "en": "Achieved: the latest value meets the target.",
    },
    "status_explain.on_track": {
        "zh": "进度正常：按目前的速度，能在期限前达到目标（进度比 R ≥ 0.95）。",
        "en": "On track: at the current pace the target will be met by the deadline (ratio R ≥ 0.95).",
    },
    "status_explain.acceleration_needed": {
        "zh": "需加快：有进展，但速度只有所需速度的 60%–95%（0.6 ≤ R < 0.95）。",
        "en": "Acceleration needed: progress is being made, at 60–95% of the pace required (0.6 ≤ R < 0.95).",
    },
    "status_explain.limited_progress": {
        "zh": "进展有限：方向正确，但速度不到所需速度的 60%（0 ≤ R < 0.6）。",
        "en": "Limited progress: moving the right way at less than 60% of the pace required (0 ≤ R < 0.6).",
    },
    "status_explain.deterioration": {
        "zh": "退步：数值正朝远离目标的方向变化（R < 0）。",
        "en": "Deterioration: the value is moving away from the target (R < 0).",
    },
    "status_explain.missed": {
        "zh": "逾期未实现：期限已过，目标没有达到。",
        "en": "Missed: the deadline has passed and the target was not met.",
    },
    "status_explain.insufficient_data": {
        "zh": "数据不足：目前只有一个数据点，无法判断趋势；报送第二个季度的数据后即可评估。",
        "en": "Insufficient data: there is only one data point, so no trend can be judged yet; "
        "it will be assessed once a second quarter is reported.",
    },
    "status_explain.no_data": {
        "zh": "无数据：截至所选季度，还没有报送任何数值。",
        "en": "No data: no value has been reported up to the chosen quarter.",
    },
    "kind.kpi": {"zh": "数值指标", "en": "KPI"},
    "kind.milestone": {"zh": "里程碑", "en": "Milestone"},
    "kind.kpi_plural": {"zh": "数值指标", "en": "KPIs"},
    "kind.milestone_plural": {"zh": "里程碑", "en": "Milestones"},
    "figure.national": {"zh": "全国", "en": "National"},
    "figure.agency": {"zh": "部门自报", "en": "Agency's own"},
    "role.lead": {"zh": "牵头", "en": "Lead"},
    "role.shared": {"zh": "参与", "en": "Sharing"},
    "unit.pp": {"zh": "{value} 个百分点", "en": "{value} pp"},
    # --- charts ---------------------------------------------------------------------------
    "chart.source": {"zh": "{source}，截至{as_of}", "en": "{source}; as of {as_of}"},
    "chart.unit": {"zh": "单位：{unit}", "en": "Unit: {unit}"},
    "chart.as_of": {"zh": "截至{period}", "en": "As of {period}"},
    "chart.status_mix_title": {"zh": "指标状态分布", "en": "Status of indicators and milestones"},
    "chart.share_axis": {"zh": "占该类指标的比例", "en": "Share of the group"},
    "chart.mix_unit": {"zh": "%（条内数字为指标个数）", "en": "% of the group (numbers in bars are counts)"},
    "chart.progress_unit": {"zh": "从基线到目标距离的 %", "en": "% of the distance from baseline to target"},
    "chart.progress_title": {
        "zh": "各指标距目标完成程度（从基线到目标的距离已完成的比例）",
        "en": "Progress toward target (share of the distance covered)",
    },
    "chart.progress_axis": {"zh": "已完成距离", "en": "Distance covered"},
    "chart.expected_marker": {"zh": "按期应达进度", "en": "Expected by now"},
    "chart.national": {"zh": "全国", "en": "National"},
    "chart.target_line": {"zh": "目标 {target}", "en": "Target {target}"},
    "chart.deadline": {"zh": "期限 {period}", "en": "Deadline {period}"},
    "chart.expected_path": {"zh": "直线应达路径", "en": "Straight-line path to target"},
    "chart.projection": {"zh": "趋势外推", "en": "Projection at current trend"},
    "chart.revised": {"zh": "已修订", "en": "Revised"},
    "chart.revised_hover": {"zh": "已修订（第 {revision} 版）", "en": "revised (revision {revision})"},
    "chart.attainment": {
        "zh": "按当前趋势预计{period}达标",
        "en": "At the current trend: target reached {period}",
    },
    "chart.no_attainment": {
        "zh": "按当前趋势无法达标",
        "en": "At the current trend the target is not reached",
    },
    "chart.grid_title": {
        "zh": "部门 × 举措：各举措最差状态（实心＝牵头，空心＝参与）",
        "en": "Agency × measure: worst status (filled = lead, open = sharing)",
    },
    # --- overview -------------------------------------------------------------------------
    "overview.title": {"zh": "总览", "en": "Overview"},
    "card.latest": {"zh": "最新：{period}", "en": "Latest: {period}"},
    "card.target": {"zh": "目标 {target}（{deadline}）", "en": "Target {target} by {deadline}"},
    "card.gap": {"zh": "距目标还差 {gap}", "en": "Gap to target: {gap}"},
    "card.met": {"zh": "已达到目标", "en": "Target met"},
    "card.no_value": {"zh": "尚未报送数值", "en": "No value reported yet"},
    "card.one_point": {
        "zh": "只有一个数据点，尚不能判断趋势。",
        "en": "Only one data point: no trend can be judged yet.",
    },
    "overview.no_kpi_for_agency": {
        "zh": "该部门不负责任何数值指标。",
        "en": "This agency is responsible for no KPI.",
    },
    "overview.mix_note": {
        "zh": "每个指标和里程碑按全国口径计一次；状态规则见“方法说明”。",
        "en": "Each indicator and milestone counts once (national figure); see Methodology for the rules.",
    },
    "overview.late_title": {"zh": "{period}未报送", "en": "Not yet reported for {period}"},
    "overview.late_none": {"zh": "所有应报数据均已报送。", "en": "Every value due has been reported."},
    "overview.late_note": {
        "zh": "共 {n} 项：负责单位尚未报送本季度数值。",
        "en": "{n} item(s): the responsible agency has not reported this quarter's value.",
    },
    "overview.changes_title": {
        "zh": "与上季度相比的变化（{start} → {end}）",
        "en": "What changed ({start} → {end})",
    },
    "overview.changes_counts": {
        "zh": "状态变化 {moved} 项，新报送数值 {new} 个，修订 {revised} 个。",
        "en": "{moved} status change(s), {new} new value(s), {revised} revision(s).",
    },
    "overview.revisions_title": {"zh": "修订的数值", "en": "Revised values"},
    # --- indicator ------------------------------------------------------------------------
    "indicator.title": {"zh": "指标", "en": "Indicator"},
    "indicator.choose": {"zh": "选择指标", "en": "Choose an indicator"},
    "indicator.placeholder": {"zh": "请选择……", "en": "Choose…"},
    "link.bad_as_of": {
        "zh": "链接中的季度“{value}”无法使用（可选 {first} 至 {last}），下面显示最新季度。",
        "en": "The quarter '{value}' in the link cannot be shown (choose {first} to {last}); "
        "showing the latest quarter.",
    },
    "link.bad_agency": {
        "zh": "没有编号为“{value}”的部门，下面显示全部部门。",
        "en": "There is no agency with the id '{value}'; showing every agency.",
    },
    "indicator.unknown": {
        "zh": "没有编号为“{id}”的指标，请从下面的列表中选择。",
        "en": "There is no indicator with the id '{id}'; choose one from the list below.",
    },
    "indicator.context": {
        "zh": "第{measure}项举措：{title} · {kind} · 负责单位：{owner}",
        "en": "Measure {measure}: {title} · {kind} · reported by {owner}",
    },
    "metric.latest": {"zh": "最新值（{period}）", "en": "Latest ({period})"},
    "metric.target": {"zh": "目标（{deadline}）", "en": "Target (by {deadline})"},
    "metric.gap": {"zh": "距目标", "en": "Gap to target"},
    "metric.progress": {"zh": "已完成距离", "en": "Distance covered"},
    "indicator.method_title": {"zh": "怎么判断的", "en": "How the status is judged"},
    "method.values": {
        "zh": "基线：{base_period} 为 {base}；最新：{latest_period} 为 {latest}；"
        "目标：{target}，期限 {deadline}。",
        "en": "Baseline: {base} in {base_period}; latest: {latest} in {latest_period}; "
        "target: {target} by {deadline}.",
    },
    "method.progress": {
        "zh": "从基线到目标的距离已完成 {progress}；"
        "若按直线匀速推进，截至{as_of}应完成 {expected}（约 {expected_value}）。",
        "en": "{progress} of the distance from baseline to target is covered; on a straight line "
        "it would be {expected} by {as_of} (about {expected_value}).",
    },
    "method.ratio": {
        "zh": "进度比 R = {r}：实际年均增长率与按期达标所需年均增长率之比"
        "（R ≥ 0.95 进度正常；0.6–0.95 需加快；0–0.6 进展有限；小于 0 为退步）。",
        "en": "Progress ratio R = {r}: the observed yearly growth rate over the rate needed to reach "
        "the target on time (R ≥ 0.95 on track; 0.6–0.95 acceleration needed; 0–0.6 limited "
        "progress; below 0 deterioration).",
    },
    "method.pace": {
        "zh": "要在期限前达标，每季度需变化 {required}；最近四个季度平均每季度{direction} {observed}。",
        "en": "To meet the target on time it must move {required} per quarter; over the last four "
        "quarters it {direction} {observed} per quarter on average.",
    },
    "method.up": {"zh": "上升", "en": "rose"},
    "method.down": {"zh": "下降", "en": "fell"},
    "method.projection": {
        "zh": "按最近（最多 8 个季度）的直线趋势外推，期限时约为 {projected}；{attain}。",
        "en": "Extending the recent straight-line trend (up to 8 quarters) gives about {projected} "
        "at the deadline; {attain}.",
    },
    "method.attainment": {
        "zh": "按此趋势预计{period}达标",
        "en": "at this trend the target is reached in {period}",
    },
    "method.no_attainment": {
        "zh": "按此趋势无法达标",
        "en": "at this trend the target is not reached",
    },
    "method.see_methodology": {
        "zh": "完整规则和算例见“方法说明”页面。",
        "en": "The full rules, with worked examples, are on the Methodology page.",
    },
    "indicator.agencies_title": {"zh": "各部门自报数值", "en": "Agencies' own figures"},
    "indicator.agency_filter": {
        "zh": "已按单位筛选：显示全国数据（{owner}报送）和{agency}自身的数据。",
        "en": "Filtered by agency: the national figure (reported by {owner}) and {agency}'s own figures.",
    },
    "indicator.values_title": {"zh": "报送记录（含修订）", "en": "Reported values (with revisions)"},
    "indicator.values_note": {
        "zh": "“现行”是计入统计的版本；“已被修订”是被后来的报送替代的旧值；“已撤回”的上传不计入。",
        "en": "'Current' is the counting revision; 'superseded' values were replaced by a later report; "
        "withdrawn uploads do not count.",
    },
    "indicator.no_values": {
        "zh": "截至所选季度还没有报送数值。",
        "en": "No value reported up to the chosen quarter.",
    },
    "value.current": {"zh": "现行", "en": "Current"},
    "value.superseded": {"zh": "已被修订", "en": "Superseded"},
    "value.withdrawn": {"zh": "已撤回", "en": "Withdrawn"},
    # --- measures -------------------------------------------------------------------------
    "measures.title": {"zh": "举措", "en": "Measures"},
    "measures.summary_note": {
        "zh": "每项举措的状态取其指标和里程碑中最差的一个；平均进度是已完成距离的平均值。",
        "en": "A measure's status is the worst of its indicators and milestones; mean progress averages "
        "the distance covered.",
    },
    "measures.filtered": {
        "zh": "只显示{agency}牵头或参与的 {n} 项举措。",
        "en": "Showing the {n} measure(s) {agency} leads or shares.",
    },
    "measures.all_relevant": {"zh": "各有关部门和单位", "en": "All relevant departments and units"},
    "measures.roles_legend": {
        "zh": "责任单位（深色＝牵头，浅色框＝参与）",
        "en": "Responsible agencies (dark = lead, outlined = sharing)",
    },
    "measures.no_indicators": {"zh": "这项举措没有设定指标。", "en": "No indicator is set for this measure."},
    # --- agencies -------------------------------------------------------------------------
    "agencies.title": {"zh": "部门", "en": "Agencies"},
    "agencies.choose": {"zh": "查看部门", "en": "Show agency"},
    "agencies.grid_note": {
        "zh": "格子颜色和符号表示该举措所有指标中最差的状态；实心方块＝牵头，空心方块＝参与。",
        "en": "Colour and symbol give the worst status among the measure's indicators; "
        "filled square = lead, open square = sharing.",
    },
    "agencies.summary_title": {"zh": "各部门一览", "en": "All agencies"},
    "agencies.figures_title": {"zh": "{agency}：数值与目标", "en": "{agency}: figures against targets"},
    "agencies.no_figures": {
        "zh": "该部门没有负责的全国数值，也没有自报数值。",
        "en": "This agency owns no national figure and has reported no figure of its own.",
    },
    "agencies.late_title": {"zh": "{period}未报送", "en": "Not yet reported for {period}"},
    "agencies.uploads_title": {"zh": "上传记录", "en": "Uploads"},
    "agencies.no_uploads": {"zh": "该部门还没有上传过数据。", "en": "This agency has uploaded nothing yet."},
    # --- methodology ----------------------------------------------------------------------
    "methodology.title": {"zh": "方法说明", "en": "Methodology"},
    "methodology.missing": {
        "zh": "方法说明文档（docs/methodology.md）尚未提供。",
        "en": "The methodology document (docs/methodology.md) is not available yet.",
    },
    "methodology.missing_lang": {
        "zh": "方法说明暂无中文版，下面显示英文版。",
        "en": "The methodology has no English version yet; the Chinese version is shown below.",
    },
    # --- table columns --------------------------------------------------------------------
    "col.agency": {"zh": "部门", "en": "Agency"},
    "col.indicator": {"zh": "指标", "en": "Indicator"},
    "col.period": {"zh": "报告期", "en": "Period"},
    "col.figure": {"zh": "口径", "en": "Figure"},
    "col.from_status": {"zh": "原状态", "en": "From"},
    "col.to_status": {"zh": "现状态", "en": "To"},
    "col.from_value": {"zh": "原数值", "en": "Previous value"},
    "col.to_value": {"zh": "现数值", "en": "Value now"},
    "col.old_value": {"zh": "修订前", "en": "Before"},
    "col.new_value": {"zh": "修订后", "en": "After"},
    "col.uploaded_by": {"zh": "报送人", "en": "Reported by"},
    "col.uploaded_at": {"zh": "报送时间（UTC）", "en": "Recorded (UTC)"},
    "col.file": {"zh": "文件", "en": "File"},
    "col.status": {"zh": "状态", "en": "Status"},
    "col.latest": {"zh": "最新值", "en": "Latest"},
    "col.progress": {"zh": "已完成距离", "en": "Distance covered"},
    "col.expected": {"zh": "应达进度", "en": "Expected by now"},
    "col.value": {"zh": "数值", "en": "Value"},
    "col.revision": {"zh": "版本", "en": "Revision"},
    "col.state": {"zh": "是否计入", "en": "Counts?"},
    "col.note": {"zh": "备注", "en": "Note"},
    "col.measure": {"zh": "举措", "en": "Measure"},
    "col.lead": {"zh": "牵头单位", "en": "Lead"},
    "col.sharing": {"zh": "参与单位", "en": "Sharing"},
    "col.mean_progress": {"zh": "平均进度", "en": "Mean progress"},
    "col.n_indicators": {"zh": "指标数", "en": "Indicators"},
    "col.kind": {"zh": "类型", "en": "Kind"},
    "col.target": {"zh": "目标", "en": "Target"},
    "col.gap": {"zh": "距目标", "en": "Gap"},
    "col.lead_measures": {"zh": "牵头举措", "en": "Leads measures"},
    "col.shared_measures": {"zh": "参与举措", "en": "Shares measures"},
    "col.late": {"zh": "未报送", "en": "Late"},
    "col.upload_id": {"zh": "上传编号", "en": "Upload"},
    "col.rows": {"zh": "行数", "en": "Rows"},
    "col.new": {"zh": "新增", "en": "New"},
    "col.revised": {"zh": "修订", "en": "Revised"},
    "col.withdrawn": {"zh": "撤回", "en": "Withdrawn"},
}
