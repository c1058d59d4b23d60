"""Access-control text: the sentences of :mod:`metrics.access.auth` / :mod:`metrics.access.users` errors
(``auth.<code>``) and the log-in, account, users, withdrawal and audit parts of the pages.
``key -> {"zh": ..., "en": ...}``; placeholders use ``{name}``."""

AUTH: dict[str, dict[str, str]] = {
    # --- errors raised by metrics.access.auth / metrics.access.users (``code`` -> ``auth.<code>``) ---
    "auth.login_failed": {"en": "Wrong user name or password.", "zh": "用户名或密码错误。"},
    "auth.locked": {
        "en": "Too many failed log-ins; try again in {seconds} seconds (after {until} UTC).",
        "zh": "登录失败次数过多，请在 {seconds} 秒后（UTC {until} 之后）再试。",
    },
    "auth.not_logged_in": {"en": "Log in first.", "zh": "请先登录。"},
    "auth.session_expired": {
        "en": "Your session has expired; log in again.",
        "zh": "登录已过期，请重新登录。",
    },
    "auth.session_ended": {
        "en": "Your session has ended (account disabled or changed, or password changed); log in again.",
        "zh": "登录已失效（账号被停用或变更，或密码已修改），请重新登录。",
    },
    "auth.cannot_upload": {
        "en": "A {role} account may not upload; ask an administrator for an uploader account.",
        "zh": "{role} 账号不能上传数据，请联系管理员开通上报账号。",
    },
    "auth.admin_only": {
        "en": "Only an administrator may do this ({action}).",
        "zh": "只有管理员可以执行此操作（{action}）。",
    },
    "auth.demo_only": {
        "en": "Demo users exist only in the demo database; "
        "create real users with 'python -m metrics user add'.",
        "zh": "演示账号只能在演示数据库中创建；正式账号请用 'python -m metrics user add' 创建。",
    },
    "auth.bad_name": {
        "en": "User name {name!r} is not allowed: use 2 to 64 letters, digits, '_', '.', '@' or '-'.",
        "zh": "用户名 {name!r} 不合规：请使用 2 至 64 个字母、数字或 '_'、'.'、'@'、'-'。",
    },
    "auth.bad_role": {
        "en": "Unknown role {role!r}; use viewer, uploader or admin.",
        "zh": "未知角色 {role!r}；请使用 viewer、uploader 或 admin。",
    },
    "auth.short_password": {
        "en": "The password is too short: use at least {min} characters.",
        "zh": "密码太短：至少需要 {min} 个字符。",
    },
    "auth.long_password": {
        "en": "The password is too long: use at most {max} characters.",
        "zh": "密码太长：最多 {max} 个字符。",
    },
    "auth.password_is_name": {
        "en": "The password must not be the user name.",
        "zh": "密码不能与用户名相同。",
    },
    "auth.password_mismatch": {
        "en": "The two passwords differ; type the same password twice.",
        "zh": "两次输入的密码不一致，请重新输入。",
    },
    "auth.agency_needed": {
        "en": "An uploader needs at least one agency (--agency ID).",
        "zh": "上报账号至少需要指定一个单位（--agency ID）。",
    },
    "auth.no_agency_for_role": {
        "en": "Role {role} takes no agency: only uploaders are limited to agencies.",
        "zh": "{role} 角色不指定单位：只有上报账号按单位限定。",
    },
    "auth.unknown_agency": {
        "en": "Unknown agency {agency!r}; known agencies: {known}.",
        "zh": "未知单位 {agency!r}；已有单位：{known}。",
    },
    "auth.user_exists": {"en": "User {name!r} already exists.", "zh": "用户 {name!r} 已存在。"},
    "auth.no_user": {"en": "There is no user {name!r}.", "zh": "不存在用户 {name!r}。"},
    "auth.not_yourself": {
        "en": "You cannot disable your own account; ask another administrator.",
        "zh": "不能停用自己的账号，请联系其他管理员。",
    },
    "auth.reason_needed": {
        "en": "Give a reason for the withdrawal (it is recorded).",
        "zh": "请填写撤回原因（将被记录）。",
    },
    "auth.bad_view_mode": {
        "en": "METRICS_VIEW_LOGIN must be 'open' or 'required', not {value!r}.",
        "zh": "METRICS_VIEW_LOGIN 只能是 'open' 或 'required'，而不是 {value!r}。",
    },
    "auth.bad_db_wait": {
        "en": "METRICS_DB_WAIT must be a number of seconds from 0 to 3600, not {value!r}.",
        "zh": "METRICS_DB_WAIT 须为 0 至 3600 之间的秒数，而不是 {value!r}。",
    },
    "auth.bad_session_hours": {
        "en": "METRICS_SESSION_HOURS must be a number of hours from 0.1 to 720, not {value!r}.",
        "zh": "METRICS_SESSION_HOURS 须为 0.1 至 720 之间的小时数，而不是 {value!r}。",
    },
    # --- roles ---------------------------------------------------------------------------------
    "user_role.viewer": {"zh": "查看", "en": "viewer"},
    "user_role.uploader": {"zh": "上报", "en": "uploader"},
    "user_role.admin": {"zh": "管理员", "en": "admin"},
    # --- navigation, log-in page, account block ------------------------------------------------
    "nav.login": {"zh": "登录", "en": "Log in"},
    "nav.users": {"zh": "用户管理", "en": "Users"},
    "login.title": {"zh": "登录", "en": "Log in"},
    "login.intro": {
        "zh": "上报数据需要登录。账号由管理员开通；忘记密码请联系管理员重置。",
        "en": "Uploading needs a log-in. An administrator creates accounts and resets forgotten passwords.",
    },
    "login.intro_required": {
        "zh": "本系统需要登录后才能查看。账号由管理员开通；忘记密码请联系管理员重置。",
        "en": "Log in to view this dashboard. An administrator creates accounts and resets forgotten "
        "passwords.",
    },
    "login.name": {"zh": "用户名", "en": "User name"},
    "login.password": {"zh": "密码", "en": "Password"},
    "login.submit": {"zh": "登录", "en": "Log in"},
    "login.demo_hint": {
        "zh": "这是演示数据库（数据均为虚构），可用以下演示账号登录：",
        "en": "This is the demo database (invented data); log in with one of these demo accounts:",
    },
    "login.demo_account": {
        "zh": "{role}{scope}：用户名 {name}，密码 {password}",
        "en": "{role}{scope}: user name {name}, password {password}",
    },
    "login.demo_scope": {"zh": "（{agencies}）", "en": " for {agencies}"},
    "login.already": {"zh": "您已登录为 {name}。", "en": "You are logged in as {name}."},
    "login.continue": {"zh": "前往总览", "en": "Go to the overview"},
    "login.needed_for_page": {
        "zh": "请先登录，登录后将打开您要访问的页面。",
        "en": "Log in first; the page you asked for opens after you log in.",
    },
    "login.logged_out": {"zh": "已退出登录。", "en": "You have logged out."},
    "account.signed_in": {"zh": "已登录：{name}", "en": "Signed in as {name}"},
    "account.scope": {"zh": "{role} · {agencies}", "en": "{role} · {agencies}"},
    "account.all_agencies": {"zh": "全部单位", "en": "all agencies"},
    "account.no_agencies": {"zh": "仅查看", "en": "view only"},
    "account.expires": {"zh": "登录有效至 {until} UTC", "en": "Session valid until {until} UTC"},
    "account.logout": {"zh": "退出登录", "en": "Log out"},
    "account.login_link": {"zh": "登录（上报数据）", "en": "Log in (to upload)"},
    "gate.forbidden": {
        "zh": "您的账号无权打开此页面。",
        "en": "Your account may not open this page.",
    },
    # --- upload page ---------------------------------------------------------------------------
    "upload.as_user": {
        "zh": "上报人：{name}（将记录在上传记录中）",
        "en": "Uploading as {name} (recorded with the upload)",
    },
    "upload.may_report": {"zh": "您可以为以下单位上报：{agencies}", "en": "You may report for: {agencies}"},
    "upload.may_report_all": {
        "zh": "您是管理员，可以为所有单位上报。",
        "en": "As an administrator you may report for every agency.",
    },
    # --- data page: withdrawal and the audit log -----------------------------------------------
    "withdraw.title": {"zh": "撤回一次上传（管理员）", "en": "Withdraw an upload (administrator)"},
    "withdraw.help": {
        "zh": "撤回后，该次上传的数值不再计入，之前的修订版本重新生效；"
        "不会删除任何数据，撤回本身也会被记录。",
        "en": "Its values stop counting and the previous revisions count again; nothing is deleted, "
        "and the withdrawal itself is recorded.",
    },
    "withdraw.upload": {"zh": "上传编号", "en": "Upload number"},
    "withdraw.option": {
        "zh": "第 {upload} 次 · {file} · {who} · {when}",
        "en": "#{upload} · {file} · {who} · {when}",
    },
    "withdraw.reason": {"zh": "撤回原因（必填）", "en": "Reason (required)"},
    "withdraw.confirm": {
        "zh": "我确认撤回这次上传",
        "en": "I confirm: withdraw this upload",
    },
    "withdraw.button": {"zh": "撤回上传", "en": "Withdraw upload"},
    "withdraw.confirm_needed": {
        "zh": "请勾选确认后再撤回。",
        "en": "Tick the confirmation box first.",
    },
    "withdraw.none": {"zh": "没有可以撤回的上传。", "en": "There is no upload that can be withdrawn."},
    "withdraw.done": {
        "zh": "已撤回第 {upload} 次上传；其数值不再计入。",
        "en": "Upload #{upload} withdrawn; its values no longer count.",
    },
    "audit.title": {"zh": "操作日志（管理员）", "en": "Audit log (administrator)"},
    "audit.caption": {
        "zh": "最近 {n} 条：登录、用户变更、撤回和被拒绝的上传。",
        "en": "The latest {n} entries: log-ins, user changes, withdrawals and refused uploads.",
    },
    "audit.col.when": {"zh": "时间（UTC）", "en": "When (UTC)"},
    "audit.col.actor": {"zh": "操作人", "en": "Actor"},
    "audit.col.action": {"zh": "操作", "en": "Action"},
    "audit.col.detail": {"zh": "详情", "en": "Detail"},
    "audit.action.login": {"zh": "登录", "en": "log-in"},
    "audit.action.login_failed": {"zh": "登录失败", "en": "failed log-in"},
    "audit.action.login_locked": {"zh": "登录被锁定", "en": "log-in while locked"},
    "audit.action.logout": {"zh": "退出登录", "en": "log-out"},
    "audit.action.user_add": {"zh": "新增用户", "en": "user added"},
    "audit.action.user_passwd": {"zh": "修改密码", "en": "password changed"},
    "audit.action.user_disable": {"zh": "停用用户", "en": "user disabled"},
    "audit.action.user_enable": {"zh": "启用用户", "en": "user enabled"},
    "audit.action.withdraw_upload": {"zh": "撤回上传", "en": "upload withdrawn"},
    "audit.action.upload_forbidden": {"zh": "拒收越权上传", "en": "upload refused (other agency)"},
    "audit.action.upload_refused": {"zh": "拒收上传文件", "en": "upload refused"},
    # --- users page ----------------------------------------------------------------------------
    "users.title": {"zh": "用户管理", "en": "Users"},
    "users.intro": {
        "zh": "新增账号、停用或启用账号、重置密码。每次变更都记入操作日志。",
        "en": "Add users, disable or enable them, reset passwords. "
        "Every change is recorded in the audit log.",
    },
    "users.col.name": {"zh": "用户名", "en": "User name"},
    "users.col.role": {"zh": "角色", "en": "Role"},
    "users.col.agencies": {"zh": "单位", "en": "Agencies"},
    "users.col.state": {"zh": "状态", "en": "State"},
    "users.col.created": {"zh": "创建时间（UTC）", "en": "Created (UTC)"},
    "users.state.active": {"zh": "正常", "en": "active"},
    "users.state.disabled": {"zh": "已停用", "en": "disabled"},
    "users.state.locked": {"zh": "锁定至 {until}", "en": "locked until {until}"},
    "users.add": {"zh": "新增用户", "en": "Add a user"},
    "users.choose": {"zh": "选择单位", "en": "Choose agencies"},
    "users.name": {"zh": "用户名", "en": "User name"},
    "users.role": {"zh": "角色", "en": "Role"},
    "users.agencies": {"zh": "可上报的单位（仅上报账号）", "en": "Agencies (uploaders only)"},
    "users.password": {
        "zh": "初始密码（至少 {min} 个字符）",
        "en": "Initial password (at least {min} characters)",
    },
    "users.password2": {"zh": "再次输入密码", "en": "Repeat the password"},
    "users.add_button": {"zh": "新增", "en": "Add user"},
    "users.added": {"zh": "已新增用户 {name}。", "en": "User {name} added."},
    "users.change": {"zh": "停用、启用或重置密码", "en": "Disable, enable or reset a password"},
    "users.which": {"zh": "用户", "en": "User"},
    "users.disable": {"zh": "停用", "en": "Disable"},
    "users.enable": {"zh": "启用", "en": "Enable"},
    "users.disabled": {"zh": "已停用用户 {name}。", "en": "User {name} disabled."},
    "users.enabled": {"zh": "已启用用户 {name}。", "en": "User {name} enabled."},
    "users.new_password": {"zh": "新密码", "en": "New password"},
    "users.reset": {"zh": "重置密码", "en": "Reset password"},
    "users.was_reset": {
        "zh": "已重置 {name} 的密码；其现有登录已失效。",
        "en": "Password of {name} reset; their sessions have ended.",
    },
    # --- overview: the briefing deck -----------------------------------------------------------
    "overview.brief_download": {
        "zh": "下载汇报PPT",
        "en": "Download briefing deck (.pptx)",
    },
    "overview.brief_help": {
        "zh": "按当前截至季度和语言生成 16:9 汇报幻灯片（图表可在 PowerPoint 中编辑）。",
        "en": "A 16:9 deck for the chosen quarter and language, with charts you can edit in PowerPoint.",
    },
}
