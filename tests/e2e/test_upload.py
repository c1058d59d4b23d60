"""Uploading in a real browser: log in as the demo uploader for MIIT, send a GB18030 CSV saved
as Excel would, confirm, and find the new value on the overview and the indicator page; a file
with bad rows is refused whole, row by row, and nothing is stored.

The server holds the database, so "nothing stored" is read from the app itself (the counts on
the Data & history page and the overview's numbers), never from the file.
"""

from __future__ import annotations

import re

import pytest

from metrics.plan.registry import load_registry
from metrics.text import t

from .conftest import TARGETS
from .ui import (
    Page,
    act,
    assert_clean,
    expect,
    go,
    log_in,
    metric,
    nav_link,
    rows,
    sidebar,
    table,
    title,
    upload,
    visit,
)

pytestmark = pytest.mark.e2e

REG = load_registry(TARGETS)
TC = REG.indicator["tc_alignment_rate"]
MIIT = REG.agency["miit"]
SAMR = REG.agency["samr"]
USER, PASSWORD = "demo-miit", "demo-miit-2025"  # metrics.access.users.DEMO_USERS (demo database only)
HEADER = "指标编号,报告期,填报单位,数值,备注\r\n"

# A revision of the demo's 2025Q4 MIIT value (89 in data/sample/demo_2025Q4_miit_gb18030.csv).
GOOD = (HEADER + "tc_alignment_rate,2025年第四季度,工业和信息化部,95.5,浏览器测试\r\n").encode("gb18030")
BAD = (
    HEADER
    + "tc_alignment_rate,2024年第一季度,工业和信息化部,79.9,这一行本身没有问题\r\n"  # row 2: fine
    + "tc_alignment_rate,2025年第五季度,工业和信息化部,90,\r\n"  # row 3: no such quarter
    + "tc_alignment_rate,2025年第四季度,工业和信息化部,abc,\r\n"  # row 4: not a number
    + "no_such_indicator,2025年第四季度,工业和信息化部,1,\r\n"  # row 5: unknown indicator
    + f"tc_alignment_rate,2025年第四季度,{SAMR.name('zh')},91,\r\n"  # row 6: not MIIT's to report
).encode("gb18030")


def sign_in_to_upload(page: Page, lang: str, shot) -> None:
    """Follow a link to the upload page while signed out: log in first, then land there."""
    visit(page, f"/upload?lang={lang}")
    expect(page).to_have_url(re.compile(r"/login\?"))
    expect(page.get_by_text(t("login.needed_for_page", lang))).to_be_visible()
    shot(page, "1-login-first")
    log_in(page, USER, PASSWORD, lang)
    expect(page).to_have_url(re.compile(r"/upload\?"))
    expect(title(page)).to_have_text(t("upload.title", lang))
    expect(page.get_by_text(t("upload.as_user", lang, name=USER))).to_be_visible()
    expect(sidebar(page).get_by_text(t("account.signed_in", lang, name=USER))).to_be_visible()
    assert_clean(page)


def counts(page: Page, lang: str) -> tuple[str, str]:
    """The Data & history page's two count sentences (values stored, uploads)."""
    values = page.get_by_text(re.compile(r"^(共 \d+ 条记录|\d+ records)"))
    uploads = page.get_by_text(re.compile(r"^(共 \d+ 次上传|\d+ uploads)"))
    expect(values).to_be_visible()
    expect(uploads).to_be_visible()
    return values.inner_text(), uploads.inner_text()


def test_bad_file_is_refused_whole(page: Page, shot) -> None:
    visit(page, "/data?lang=en")
    before = counts(page, "en")

    sign_in_to_upload(page, "en", shot)
    upload(page, "bad-miit.csv", BAD)
    refused = page.get_by_test_id("stAlertContentError")
    expect(refused).to_contain_text("'bad-miit.csv' was refused with")
    expect(refused).to_contain_text("nothing was written")
    problems = rows(table(page, t("data.col.row", "en"), t("data.col.reason", "en")))
    assert sorted({int(r[0]) for r in problems}) == [3, 4, 5, 6], problems  # row 2 is fine
    expect(page.get_by_role("button", name=t("upload.problems_download", "en"))).to_be_visible()
    expect(page.get_by_role("button", name=t("upload.confirm", "en"))).to_have_count(0)
    shot(page, "2-refused")
    assert not page.get_by_test_id("stException").count()

    go(page, t("nav.data", "en"))  # same session, still signed in
    expect(title(page)).to_have_text(t("data.title", "en"))
    assert counts(page, "en") == before, "the refused file changed the stored data"
    shot(page, "3-data-unchanged")
    assert_clean(page)

    go(page, t("nav.overview", "en"), charts=True)
    kpi = page.locator(".kpi-name", has_text=TC.name("en")).locator("xpath=following-sibling::div[1]")
    expect(kpi).to_have_text("90.3%")
    assert_clean(page)


def test_uploader_revises_a_value(page: Page, shot) -> None:
    sign_in_to_upload(page, "zh", shot)
    shot(page, "2-upload-page")

    upload(page, "工信部_2025Q4.csv", GOOD)
    expect(page.get_by_role("heading", name=t("upload.preview", "zh"))).to_be_visible()
    expect(metric(page, t("upload.count_revised", "zh"))).to_have_text("1")
    expect(metric(page, t("upload.count_new", "zh"))).to_have_text("0")
    preview = rows(table(page, t("data.col.change", "zh"), t("data.col.new_value", "zh")))
    assert preview == [
        ["2", "修订", TC.name("zh"), "2025年第四季度", MIIT.short("zh"), "89", "95.5", "浏览器测试"]
    ], preview
    shot(page, "3-preview")
    assert_clean(page)

    act(page, page.get_by_role("button", name=t("upload.confirm", "zh")).click)
    stored = page.get_by_test_id("stAlertContentSuccess")
    success = r"已保存为第 \d+ 次上传（工信部_2025Q4\.csv）：新增 0 个值，修订 1 个"
    expect(stored).to_contain_text(re.compile(success))
    expect(page.get_by_role("button", name=t("upload.confirm", "zh"))).to_have_count(0)
    shot(page, "4-stored")
    assert_clean(page)

    go(page, t("nav.overview", "zh"), charts=True)  # in-app navigation keeps the log-in
    expect(sidebar(page).get_by_text(t("account.signed_in", "zh", name=USER))).to_be_visible()
    # Today (2026-12-03) the overview is the final assessment; "what changed" compares it with the
    # 2025Q3 briefing (the revised MIIT figure is checked on the indicator page below: the status
    # changes list 30 rows, more than the grid draws)
    changes = page.get_by_role("heading", name=t("final.changes_title", "zh", a="2025年第三季度"))
    expect(changes).to_be_visible()
    changes.scroll_into_view_if_needed()
    moved = rows(table(page, t("col.from_status", "zh"), t("col.to_value", "zh")))
    national = [r for r in moved if r[:2] == [TC.name("zh"), t("cli.national", "zh")]]
    assert national and national[0][2:] == ["● 进度正常", "✓ 已实现", "88.8%", "90.3%"], moved
    shot(page, "5-overview")
    assert_clean(page)

    go(page, t("nav.indicator", "zh"), charts=True)  # the first indicator is tc_alignment_rate
    expect(page.get_by_role("heading", name=TC.name("zh"))).to_be_visible()
    expect(page.get_by_role("heading", name=t("indicator.agencies_title", "zh"))).to_be_visible()
    own = rows(table(page, t("col.agency", "zh"), t("col.status", "zh"), t("col.latest", "zh")))
    miit = [r for r in own if r[0] == MIIT.name("zh")]
    assert miit and "95.5%" in miit[0], own
    history = rows(table(page, t("col.revision", "zh"), t("col.state", "zh")))  # newest first
    newest = ["2025年第四季度", MIIT.short("zh"), "95.5%", "2", t("value.current", "zh")]
    assert history[0][:5] == newest, history
    assert USER in history[0] and "工信部_2025Q4.csv" in history[0], history
    shot(page, "6-indicator")
    assert_clean(page)

    act(page, sidebar(page).get_by_role("button", name=t("account.logout", "zh")).click)
    expect(page.get_by_text(t("login.logged_out", "zh"))).to_be_visible()
    expect(sidebar(page).get_by_role("link", name=t("account.login_link", "zh"))).to_be_visible()
    expect(nav_link(page, t("nav.upload", "zh"))).to_have_count(0)
    shot(page, "7-logged-out")
    assert_clean(page)
