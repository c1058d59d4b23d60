"""The administrator's pages in a real browser: a link to the users page asks for a log-in first
and opens the page after it; the Data & history page then offers withdrawal and the audit log."""

from __future__ import annotations

import re

import pytest

from metrics.text import t

from .ui import Page, assert_clean, cells, expect, go, log_in, nav_link, table, title, visit

pytestmark = pytest.mark.e2e

ADMIN, PASSWORD = "demo-admin", "demo-admin-2025"  # metrics.access.users.DEMO_USERS (demo database only)


def test_admin_sees_users_withdrawal_and_audit(page: Page, shot) -> None:
    visit(page, "/users?lang=zh")
    expect(page).to_have_url(re.compile(r"/login\?"))
    expect(page.get_by_text(t("login.needed_for_page", "zh"))).to_be_visible()
    log_in(page, ADMIN, PASSWORD, "zh")

    expect(page).to_have_url(re.compile(r"/users\?"))
    expect(title(page)).to_have_text(t("users.title", "zh"))
    accounts = cells(table(page, t("users.col.name", "zh"), t("users.col.role", "zh")))
    assert {ADMIN, "demo-miit"} <= set(accounts), accounts
    expect(nav_link(page, t("nav.users", "zh"))).to_be_visible()
    expect(nav_link(page, t("nav.upload", "zh"))).to_be_visible()
    shot(page, "users")
    assert_clean(page)

    go(page, t("nav.data", "zh"))
    expect(page.get_by_role("heading", name=t("withdraw.title", "zh"))).to_be_visible()
    expect(page.get_by_role("heading", name=t("audit.title", "zh"))).to_be_visible()
    log = cells(table(page, t("audit.col.actor", "zh"), t("audit.col.action", "zh")))
    assert ADMIN in log, log  # the log-in just now is recorded
    page.get_by_role("heading", name=t("withdraw.title", "zh")).scroll_into_view_if_needed()
    shot(page, "withdraw-and-audit")
    assert_clean(page)
