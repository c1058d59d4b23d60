"""The Data & history / 数据与修订 page: revisions with their uploads, filters, export, audit list."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from apptest_support import Deferred, add_role_users, app, log_in_as, open_page, opened, run, server_like
from streamlit.testing.v1 import AppTest

from metrics.ingest.batch import ingest_file
from metrics.plan.registry import load_registry
from metrics.store.database import Store
from metrics.text import t

REPO = Path(__file__).resolve().parents[2]
HEADER = "indicator_id,period,agency_id,value,note\n"
FILES = {
    "seed.csv": (
        "alice",
        "tc_alignment_rate,2025Q2,samr,80,\n"
        "tc_alignment_rate,2025Q3,samr,85,first\n"
        "verification_points,2025Q3,samr,10,\n"
        "tc_alignment_rate,2025Q3,miit,70,\n",
    ),
    "revision.csv": ("bob", "tc_alignment_rate,2025Q3,samr,86,corrected\n"),
    "mistake.csv": ("carol", "tc_alignment_rate,2025Q3,samr,99,typo\n"),
}


def download_bytes(at: AppTest, fmt: str) -> bytes:
    """The file behind the download button: built now, as when it is pressed (never on a page run)."""
    assert not at.download_button(key="data_download").proto.url  # deferred: a run builds no file
    return Deferred.made[f"data_{dt.date.today().isoformat()}.{fmt}"]()


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Three uploads: a seed, a revision, and a mistake that was withdrawn; one user per role;
    viewing open to everyone."""
    path = tmp_path / "progress.duckdb"
    server_like(monkeypatch)
    monkeypatch.setenv("METRICS_DB", str(path))
    monkeypatch.setenv("METRICS_TARGETS", str(REPO / "targets.yaml"))
    monkeypatch.setenv("METRICS_VIEW_LOGIN", "open")
    registry = load_registry(REPO / "targets.yaml")
    seed = Store(path)
    for name, (who, body) in FILES.items():
        ingest_file(seed, registry, (HEADER + body).encode(), name, uploaded_by=who, source="test")
    seed.withdraw_upload(3, by="admin", reason="typo")
    seed.close()
    add_role_users(path)
    yield path
    st.cache_resource.clear()
    st.cache_data.clear()


def open_data(lang: str = "zh", role: str | None = None) -> AppTest:
    at = app(lang)
    if role:
        log_in_as(at, role)
    return open_page(at, "data")


def choose(at: AppTest, indicator: str, agency: str, period: str) -> AppTest:
    at.selectbox(key="data_indicator").set_value(indicator)
    at.selectbox(key="data_agency").set_value(agency)
    at.selectbox(key="data_period").set_value(period).run()
    assert not at.exception, at.exception
    return at


def test_every_value_with_its_revisions(db: Path) -> None:
    at = open_data("zh")
    table = at.dataframe[0].value
    assert len(table) == 5  # four seeded values + one revision; the withdrawn one hidden
    assert "共 5 条记录（4 个值）。" in [c.value for c in at.caption]


def test_filters_narrow_to_exact_rows(db: Path) -> None:
    at = choose(open_data("zh"), "tc_alignment_rate", "samr", "2025Q3")
    table = at.dataframe[0].value
    assert list(table["修订版本"]) == [2, 1]
    assert list(table["数值"]) == [86.0, 85.0]
    assert list(table["填报人"]) == ["bob", "alice"]
    assert list(table["文件名"]) == ["revision.csv", "seed.csv"]
    assert list(table["当前值"]) == [True, False]
    assert set(table["报告期"]) == {"2025年第三季度"}

    at.checkbox(key="data_withdrawn").check().run()
    table = at.dataframe[0].value
    assert list(table["修订版本"]) == [3, 2, 1]
    assert list(table["已撤回"]) == [True, False, False]
    assert list(table["备注"]) == ["typo", "corrected", "first"]


def test_export_is_the_cli_export_of_the_filtered_rows(db: Path) -> None:
    at = choose(open_data("en"), "tc_alignment_rate", "__all__", "2025Q3")
    body = download_bytes(at, "csv")
    assert body.startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(io.BytesIO(body), encoding="utf-8-sig")
    assert list(frame["agency_id"]) == ["miit", "samr", "samr"]
    assert list(frame["value"]) == [70.0, 85.0, 86.0]
    assert set(frame["indicator_name"]) == {"技术委员会与国际标准组织技术机构一致性程度"}

    at.radio(key="data_fmt").set_value("xlsx").run()
    assert download_bytes(at, "xlsx").startswith(b"PK\x03\x04")


def test_sorting_and_paging_are_done_in_the_store(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A page of rows in the chosen order, the total shown, and a new filter back at page 1."""
    monkeypatch.setattr("pages.data_tables.PAGE_SIZES", [2, 3])
    at = open_data("en")
    at.checkbox(key="data_withdrawn").check().run()
    at.selectbox(key="data_order").set_value("value_desc").run()
    at.selectbox(key="data_page_size").set_value(2).run()
    table = at.dataframe[0].value
    assert list(table["Value"]) == [99.0, 86.0]
    captions = [c.value for c in at.caption]
    assert "6 records (4 values)." in captions
    assert t("data.page_rows", "en", first=1, last=2, rows=6, pages=3) in captions
    at.number_input(key="data_page").set_value(3).run()
    table = at.dataframe[0].value
    assert list(table["Value"]) == [70.0, 10.0]
    assert list(table["Indicator id"]) == ["tc_alignment_rate", "verification_points"]
    assert list(table["Current"]) == [True, True]
    assert t("data.page_rows", "en", first=5, last=6, rows=6, pages=3) in [c.value for c in at.caption]
    at.selectbox(key="data_order").set_value("value_asc").run()  # a new order starts at page 1
    assert at.number_input(key="data_page").value == 1
    assert list(at.dataframe[0].value["Value"]) == [10.0, 70.0]
    choose(at, "tc_alignment_rate", "samr", "2025Q3")
    assert list(at.dataframe[0].value["Value"]) == [85.0, 86.0]
    assert t("data.page_rows", "en", first=1, last=2, rows=3, pages=2) in [c.value for c in at.caption]
    at.number_input(key="data_page").set_value(2).run()
    table = at.dataframe[0].value
    assert (list(table["Value"]), list(table["Withdrawn"])) == ([99.0], [True])


def test_the_whole_export_is_offered_whatever_the_page(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("pages.data_tables.PAGE_SIZES", [2, 3])
    at = open_data("en")
    at.selectbox(key="data_page_size").set_value(2).run()
    assert len(at.dataframe[0].value) == 2
    frame = pd.read_csv(io.BytesIO(download_bytes(at, "csv")), encoding="utf-8-sig")
    assert len(frame) == 5
    assert list(frame["value"]) == [80.0, 70.0, 85.0, 86.0, 10.0]


def test_uploads_audit_list(db: Path) -> None:
    at = open_data("en")
    audit = at.dataframe[1].value
    assert list(audit["Upload"]) == [3, 2, 1]
    assert list(audit["Uploaded by"]) == ["carol", "bob", "alice"]
    assert list(audit["File"]) == ["mistake.csv", "revision.csv", "seed.csv"]
    assert list(audit["Withdrawn"]) == [True, False, False]
    assert list(audit["New"]) == [0, 0, 4]
    assert list(audit["Revised"]) == [1, 1, 0]
    assert audit["Withdrawn by"].iloc[0] == "admin"
    seed_sha = hashlib.sha256((HEADER + FILES["seed.csv"][1]).encode()).hexdigest()
    assert audit["SHA-256"].iloc[2] == seed_sha
    assert audit["Agencies"].iloc[2] == "MIIT, SAMR"
    assert "3 uploads, 1 withdrawn." in [c.value for c in at.caption]


def test_empty_database_explains_what_to_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    server_like(monkeypatch)
    monkeypatch.setenv("METRICS_DB", str(tmp_path / "empty.duckdb"))
    monkeypatch.setenv("METRICS_TARGETS", str(REPO / "targets.yaml"))
    monkeypatch.setenv("METRICS_VIEW_LOGIN", "open")
    at = open_data("en")
    assert not at.dataframe
    assert at.info
    st.cache_resource.clear()
    st.cache_data.clear()


# --------------------------------------------------------------------------- withdrawal, audit log


def withdraw(at: AppTest, upload: int, reason: str, sure: bool = True) -> AppTest:
    at.selectbox(key="data_withdraw_upload_0").set_value(upload)
    at.text_input(key="data_withdraw_reason_0").input(reason)
    if sure:
        at.checkbox(key="data_withdraw_sure_0").check()
    next(b for b in at.button if b.key.startswith("FormSubmitter:data_withdraw_0")).click()
    return run(at)


@pytest.mark.parametrize("role", [None, "viewer", "uploader"])
def test_only_an_admin_sees_the_withdraw_control_and_the_audit_log(db: Path, role: str | None) -> None:
    at = open_data("en", role)
    assert len(at.dataframe) == 2  # values and uploads: the uploads list is for everyone
    assert not [b for b in at.button if "withdraw" in b.key]
    assert not [s for s in at.subheader if s.value in (t("withdraw.title", "en"), t("audit.title", "en"))]


def test_admin_withdraws_an_upload_and_the_previous_revision_counts_again(db: Path) -> None:
    at = open_data("en", "admin")
    options = at.selectbox(key="data_withdraw_upload_0").options
    assert [o.split(" · ")[:3] for o in options] == [
        ["#2", "revision.csv", "bob"],
        ["#1", "seed.csv", "alice"],
    ]
    withdraw(at, 2, "sent twice by mistake")
    assert at.success[0].value == t("withdraw.done", "en", upload=2)
    with opened(db) as s:
        latest = s.latest().set_index(["indicator_id", "period", "agency_id"])
        row = latest.loc[("tc_alignment_rate", "2025Q3", "samr")]
        assert (row["value"], row["revision"]) == (85.0, 1)  # the seed's value counts again
        assert s.counts()["observations"] == 6  # nothing deleted
        entry = s.audit_log().iloc[0]
        assert (entry["actor"], entry["action"]) == ("boss", "withdraw_upload")
    audit = at.dataframe[1].value
    mine = audit[audit["Upload"] == 2].iloc[0]
    assert (mine["Withdrawn"], mine["Withdrawn by"], mine["Reason for withdrawal"]) == (
        True,
        "boss",
        "sent twice by mistake",
    )
    log = at.dataframe[2].value
    assert t("audit.action.withdraw_upload", "en") in set(log["Action"])
    assert "upload 2: sent twice by mistake" in set(log["Detail"])


def test_the_audit_log_shows_entries_that_change_no_data(db: Path) -> None:
    """A refused log-in elsewhere is recorded without a data-version bump; the next run shows it."""
    at = open_data("en", "admin")
    before = at.dataframe[2].value
    with opened(db) as s:
        s.add_audit("mallory", "login_failed", "from another tab")
    run(at)
    log = at.dataframe[2].value
    assert len(log) == len(before) + 1
    assert (log["Actor"].iloc[0], log["Detail"].iloc[0]) == ("mallory", "from another tab")


def test_withdrawal_needs_a_reason_and_a_confirmation(db: Path) -> None:
    at = open_data("zh", "admin")
    withdraw(at, 2, "because", sure=False)
    assert at.warning[0].value == t("withdraw.confirm_needed", "zh")
    withdraw(at, 2, "   ")
    assert t("auth.reason_needed", "zh") in at.error[0].value
    with opened(db) as s:
        assert s.uploads().set_index("upload_id").loc[2, "withdrawn_at"] is pd.NaT


def test_notes_that_look_like_code_are_shown_as_text(db: Path) -> None:
    script, link = "<script>alert(1)</script>", "[x](javascript:alert(1))"
    rows = f"verification_points,2025Q2,samr,7,{script}\nverification_points,2025Q1,samr,5,{link}\n"
    with opened(db) as s:
        registry = load_registry(REPO / "targets.yaml")
        ingest_file(s, registry, (HEADER + rows).encode(), "notes.csv", uploaded_by="alice", source="test")
    for role in (None, "admin"):
        at = choose(open_data("en", role), "verification_points", "samr", "__all__")
        notes = set(at.dataframe[0].value["Note"])
        assert {script, link} <= notes  # the exact text, in a table cell
        rendered = [m.value for m in at.markdown] + [c.value for c in at.caption]
        rendered += [h.proto.body for h in at.get("html")] + [x.value for x in at.get("info")]
        assert not any("](javascript:" in r or "<script>" in r for r in rendered)


def test_an_admin_sees_the_latest_reminders_sent(db: Path) -> None:
    with opened(db) as s:
        at = dt.datetime(2026, 1, 10, 9, 30)
        for agency, stage, when in (
            ("ndrc", "upcoming", at),
            ("ndrc", "overdue", at + dt.timedelta(days=26)),
        ):
            s.record_reminder(
                agency,
                "2025Q4",
                stage,
                due=dt.date(2026, 1, 30),
                recipients=("ndrc-standards@example.org",),
                n_indicators=1,
                by="ops",
                at=when,
            )
    at = open_data("zh", "admin")
    assert "最近的报送提醒" in [h.value for h in at.subheader]
    assert t("remind.caption", "zh", n=2) in [c.value for c in at.caption]
    table = next(d.value for d in at.dataframe if "截止日期" in d.value.columns)
    assert table.drop(columns=["发送时间（UTC）"]).to_dict("records") == [
        {
            "填报单位": "国家发展改革委",
            "报告期": "2025年第四季度",
            "阶段": "已逾期",
            "截止日期": "2026-01-30",
            "缺报指标数": 1,
            "收件人": "ndrc-standards@example.org",
            "发送人": "ops",
        },
        {
            "填报单位": "国家发展改革委",
            "报告期": "2025年第四季度",
            "阶段": "截止前",
            "截止日期": "2026-01-30",
            "缺报指标数": 1,
            "收件人": "ndrc-standards@example.org",
            "发送人": "ops",
        },
    ]
    assert list(table["发送时间（UTC）"].dt.strftime("%Y-%m-%d %H:%M")) == [
        "2026-02-05 09:30",
        "2026-01-10 09:30",
    ]
    log = at.dataframe[-1].value
    assert t("audit.action.reminder_sent", "zh") in set(log["操作"])
    for role in ("uploader", "viewer"):
        other = open_data("zh", role)
        assert "最近的报送提醒" not in [h.value for h in other.subheader]


def test_an_admin_is_told_when_no_reminder_was_sent(db: Path) -> None:
    at = open_data("en", "admin")
    assert t("remind.none_sent", "en") in [i.value for i in at.info]
