"""Logging in through the app: the form, the role-filtered navigation, sessions that end,
the Users page, and the briefing deck on the overview. Driven in-process with AppTest."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from apptest_support import (
    ROLE_USERS,
    TARGETS,
    Deferred,
    add_role_users,
    app,
    log_in,
    log_in_as,
    menu,
    open_page,
    opened,
    page_titles,
    run,
    server_like,
)
from streamlit.testing.v1 import AppTest

from metrics.access import auth
from metrics.access.users import DEMO_USERS, disable_user
from metrics.ingest.batch import ingest_file
from metrics.outputs.brief.deck import PPTX_MIME
from metrics.plan.registry import load_registry
from metrics.store.database import Store
from metrics.text import t

VIEW_PAGES = ["overview", "indicator", "measures", "agencies", "data", "methodology"]


def _csv(*rows: str) -> bytes:
    return ("indicator_id,period,agency_id,value,note\n" + "".join(r + "\n" for r in rows)).encode()


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A little data (SAMR and MIIT, 2025Q2–Q3) and one user per role."""
    path = tmp_path / "login.duckdb"
    server_like(monkeypatch)
    monkeypatch.setenv("METRICS_DB", str(path))
    monkeypatch.setenv("METRICS_TARGETS", str(TARGETS))
    seed = Store(path)
    rows: list[str] = []
    for q, samr, miit in (("2025Q2", 83.6, 80), ("2025Q3", 85.2, 81)):
        rows += [f"tc_alignment_rate,{q},samr,{samr},", f"tc_alignment_rate,{q},miit,{miit},"]
        rows += [f"verification_points,{q},samr,{26 if q == '2025Q2' else 31},"]
    ingest_file(seed, load_registry(TARGETS), _csv(*rows), "seed.csv", uploaded_by="seeder", source="test")
    seed.close()
    add_role_users(path)
    yield path
    st.cache_resource.clear()
    st.cache_data.clear()


def plain(markdown: str) -> str:
    """Text escaped with pages.frame.page.esc, as the reader sees it."""
    return html.unescape(markdown.replace("\\", ""))


def sidebar_text(at: AppTest) -> str:
    parts = [m.value for m in at.sidebar.markdown] + [c.value for c in at.sidebar.caption]
    return "\n".join(parts).replace("\\", "")


def later(monkeypatch: pytest.MonkeyPatch, hours: float) -> None:
    """Move metrics.access.auth's clock forward."""
    real = auth.now_utc
    monkeypatch.setattr(auth, "now_utc", lambda: real() + dt.timedelta(hours=hours))


# --------------------------------------------------------------------------- viewing needs a log-in


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_required_view_and_no_session_offers_only_the_log_in_page(
    db: Path, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    monkeypatch.setenv("METRICS_VIEW_LOGIN", "required")
    at = app(lang)
    assert page_titles(at) == [t("login.title", lang)]
    assert menu(at) == ["methodology", "login"]
    assert not at.get("plotly_chart") and not at.dataframe and not at.metric  # no overview content
    assert "85.2" not in "".join(h.proto.body for h in at.get("html"))
    assert [s.key for s in at.sidebar.selectbox] == []  # no quarter or agency choice either
    assert [tx.label for tx in at.text_input] == [t("login.name", lang), t("login.password", lang)]
    assert (
        at.text_input(key="login_password").proto.type == at.text_input(key="login_password").proto.PASSWORD
    )
    for page in ("overview", "data", "upload", "users"):
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(f"pages/{page}.py")


def test_a_link_to_a_hidden_page_leads_to_log_in_and_back(db: Path, monkeypatch) -> None:
    monkeypatch.setenv("METRICS_VIEW_LOGIN", "required")
    at = app("en", page="data")  # as if following a link to /data
    assert page_titles(at) == ["Log in"]
    assert t("login.needed_for_page", "en") in [i.value for i in at.info]
    log_in_as(at, "viewer")
    assert page_titles(at) == [t("data.title", "en")]
    assert at.dataframe  # the data are shown now
    assert menu(at) == VIEW_PAGES
    assert at.query_params["lang"] == "en"  # the language survived both page switches


def test_open_view_shows_the_pages_and_a_log_in_link(db: Path, monkeypatch) -> None:
    monkeypatch.setenv("METRICS_VIEW_LOGIN", "open")
    at = app("zh")
    assert page_titles(at) == [t("overview.title", "zh")]
    assert menu(at) == [*VIEW_PAGES, "login"]
    links = [link.proto.label for link in at.sidebar.get("page_link")]
    assert t("account.login_link", "zh") in links


def test_a_non_demo_database_requires_a_log_in_by_default(db: Path) -> None:
    assert menu(app("en")) == ["methodology", "login"]


# --------------------------------------------------------------------------- the form


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_wrong_password_and_unknown_name_get_the_same_generic_message(db: Path, lang: str) -> None:
    at = app(lang)
    expected = t("auth.login_failed", lang)
    log_in(at, "reader", "not-the-password")
    assert [e.value for e in at.error] == [expected]
    log_in(at, "nobody-here", "not-the-password")
    assert [e.value for e in at.error] == [expected]
    assert "auth_session" not in at.session_state
    assert page_titles(at) == [t("login.title", lang)]
    with opened(db) as s:
        actions = list(s.audit_log()["action"])
    assert actions.count("login_failed") == 2


def test_repeated_failures_lock_the_account_and_say_until_when(db: Path) -> None:
    at = app("en")
    for _ in range(auth.LOCK_AFTER):
        log_in(at, "reader", "not-the-password")
    message = at.error[0].value
    assert message.startswith("Too many failed log-ins; try again in 30 seconds")
    log_in_as(at, "viewer")  # even the right password waits for the lock
    assert at.error[0].value.startswith("Too many failed log-ins")
    assert "auth_session" not in at.session_state


def test_log_in_shows_who_and_log_out_ends_it(db: Path) -> None:
    at = log_in_as(app("en"), "uploader")
    assert page_titles(at) == ["Overview"]
    text = sidebar_text(at)
    assert "Signed in as miit-officer" in text and "uploader · MIIT" in text
    at.button(key="auth_logout").click()
    run(at)
    assert "auth_session" not in at.session_state
    assert page_titles(at) == ["Log in"]  # viewing needs a log-in here
    assert t("login.logged_out", "en") in [i.value for i in at.info]
    with opened(db) as s:
        assert s.audit_log()["action"].iloc[0] == "logout"


def test_chinese_sidebar_names_role_and_agency(db: Path) -> None:
    at = log_in_as(app("zh"), "uploader")
    text = sidebar_text(at)
    assert "已登录：miit-officer" in text
    assert "上报 · " + load_registry(TARGETS).agency["miit"].short("zh") in text
    assert t("account.logout", "zh") in [b.label for b in at.sidebar.button]


# --------------------------------------------------------------------------- sessions end


@pytest.mark.parametrize("view", ["required", "open"])
def test_an_expired_session_signs_out_with_a_message(db: Path, monkeypatch, view: str) -> None:
    monkeypatch.setenv("METRICS_VIEW_LOGIN", view)
    at = log_in_as(app("en"), "uploader")
    at = open_page(at, "upload")
    assert page_titles(at) == ["Upload"]
    later(monkeypatch, 9)  # sessions last 8 hours
    run(at)
    assert "auth_session" not in at.session_state
    assert t("auth.session_expired", "en") in [w.value for w in at.warning]
    assert page_titles(at) == ["Log in"]  # the upload page needs a log-in again
    assert not at.file_uploader


def test_a_disabled_account_loses_its_session(db: Path) -> None:
    at = log_in_as(app("en"), "uploader")
    with opened(db) as s:
        disable_user(s, "miit-officer", actor="boss")
    run(at)
    assert "auth_session" not in at.session_state
    assert t("auth.session_ended", "en") in [w.value for w in at.warning]


# --------------------------------------------------------------------------- roles and pages


def test_viewer_can_view_but_not_upload(db: Path) -> None:
    at = log_in_as(app("en"), "viewer")
    assert menu(at) == VIEW_PAGES  # no Upload, no Users
    assert page_titles(at) == ["Overview"]
    with pytest.raises(ValueError):
        at.switch_page("pages/upload.py")  # not a page of this navigation
    at = log_in_as(app("en", page="upload"), "viewer")  # a link to /upload: log in, come back
    assert page_titles(at) == ["Upload"]
    assert [w.value for w in at.warning] == [t("auth.cannot_upload", "en", role="viewer")]
    assert not at.file_uploader


def test_uploader_sees_upload_but_not_users(db: Path) -> None:
    at = log_in_as(app("en"), "uploader")
    assert menu(at) == [*VIEW_PAGES[:4], "upload", *VIEW_PAGES[4:]]
    at = log_in_as(app("en", page="users"), "uploader")
    assert page_titles(at) == ["Users"]
    assert [w.value for w in at.warning] == [t("auth.admin_only", "en", action="Users")]
    assert not at.text_input


def test_admin_sees_every_page(db: Path) -> None:
    at = log_in_as(app("en"), "admin")
    assert menu(at) == [*VIEW_PAGES[:4], "upload", *VIEW_PAGES[4:5], "users", "methodology"]


# --------------------------------------------------------------------------- users page


def test_admin_adds_resets_disables_and_enables_users(db: Path) -> None:
    at = open_page(log_in_as(app("en"), "admin"), "users")
    table = at.dataframe[0].value
    assert sorted(table["User name"]) == sorted(name for name, _, _ in ROLE_USERS.values())
    at.text_input(key="users_add_name").input("new-uploader")
    at.selectbox(key="users_add_role").set_value("uploader")
    at.multiselect(key="users_add_agencies").select("samr")
    at.text_input(key="users_add_password").input("a-long-password")
    at.text_input(key="users_add_password2").input("a-long-password")
    next(b for b in at.button if b.key.startswith("FormSubmitter:users_add")).click()
    run(at)
    assert plain(at.success[0].value) == "User new-uploader added."
    with opened(db) as s:
        record = s.user("new-uploader")
        assert (record["role"], record["agencies"]) == ("uploader", "samr")
        assert auth.verify_password(record["password_hash"], "a-long-password")
        assert s.audit_log()["actor"].iloc[0] == "boss"

    def change(button: str, name: str, password: str = "") -> None:
        at.selectbox(key="users_change_name").set_value(name)
        at.text_input(key="users_change_password").input(password)
        at.text_input(key="users_change_password2").input(password)
        next(b for b in at.button if b.label == t(button, "en")).click()
        run(at)

    change("users.reset", "new-uploader", "another-password")
    with opened(db) as s:
        assert auth.verify_password(s.user("new-uploader")["password_hash"], "another-password")
    change("users.disable", "new-uploader")
    with opened(db) as s:
        assert s.user("new-uploader")["disabled"]
    change("users.disable", "boss")  # not oneself
    assert plain(at.error[0].value).startswith("You cannot disable your own account")
    change("users.enable", "new-uploader")
    with opened(db) as s:
        assert not s.user("new-uploader")["disabled"]
        assert not s.user("boss")["disabled"]


def test_users_page_refuses_bad_input_with_a_sentence(db: Path) -> None:
    at = open_page(log_in_as(app("zh"), "admin"), "users")
    at.text_input(key="users_add_name").input("x y")
    at.text_input(key="users_add_password").input("short")
    next(b for b in at.button if b.key.startswith("FormSubmitter:users_add")).click()
    run(at)
    assert plain(at.error[0].value).startswith("用户名 'x y' 不合规")
    with opened(db) as s:
        assert s.user("x y") is None


# --------------------------------------------------------------------------- demo, deck


@pytest.mark.duckdb_only  # the demo is built as a file; on PostgreSQL it is copied in (copy-db)
def test_demo_database_is_open_and_lists_the_demo_accounts(tmp_path: Path, monkeypatch) -> None:
    from metrics.actions import build_demo

    server_like(monkeypatch)
    path = tmp_path / "demo.duckdb"
    build_demo(load_registry(TARGETS), path, Path(__file__).resolve().parents[2] / "data" / "sample")
    monkeypatch.setenv("METRICS_DB", str(path))
    monkeypatch.setenv("METRICS_TARGETS", str(TARGETS))
    at = app("en")
    assert page_titles(at) == ["Overview"]  # open by default on the demo
    at = open_page(at, "login")
    shown = at.code[0].value
    for name, password, _, _ in DEMO_USERS:
        assert name in shown and password in shown
    log_in(at, "demo-miit", "demo-miit-2025")
    assert "uploader · MIIT" in sidebar_text(at)
    st.cache_resource.clear()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_overview_offers_the_briefing_deck(db: Path, monkeypatch, lang: str) -> None:
    monkeypatch.setenv("METRICS_VIEW_LOGIN", "open")
    Deferred.made.clear()
    at = app(lang)
    button = at.get("download_button")[0]
    assert button.proto.label == t("overview.brief_download", lang)
    name = f"briefing_2025Q3_{lang}.pptx"
    assert button.proto.deferred_file_id  # built only when pressed
    deck = Deferred.made[name]()
    assert deck[:4] == b"PK\x03\x04" and b"ppt/slides/slide1.xml" in deck
    assert deck == Deferred.made[name]()  # the second press comes from the cache
    assert PPTX_MIME.endswith("presentation")
    briefing = app(lang, briefing="1")
    assert not briefing.get("download_button")
