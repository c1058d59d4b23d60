"""The Upload / 数据上报 page, driven in-process with AppTest.

Each test builds its own DuckDB in ``tmp_path`` with one user per role and logs in through
the form; the page must go through ``metrics.actions.upload_as`` (dry run for the preview, then
for real) and never show a traceback.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import streamlit as st
from apptest_support import ROLE_USERS, Deferred, add_role_users, app, log_in_as, open_page, run, server_like
from apptest_support import download as download
from streamlit.testing.v1 import AppTest

from metrics.ingest.batch import ingest_file
from metrics.plan.registry import load_registry
from metrics.store.database import Store
from metrics.text import t

REPO = Path(__file__).resolve().parents[2]
HEADER = "指标编号,报告期,填报单位,数值,备注\r\n"
ADMIN = ROLE_USERS["admin"][0]


def download_bytes(at: AppTest, key: str) -> bytes:
    return download(at, key).content


def gb18030(*lines: str) -> bytes:
    """A CSV as Chinese Windows Excel saves it: GB18030, CRLF, Chinese headers."""
    return (HEADER + "".join(line + "\r\n" for line in lines)).encode("gb18030")


@pytest.fixture
def empty_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "progress.duckdb"
    server_like(monkeypatch)
    monkeypatch.setenv("METRICS_DB", str(path))
    monkeypatch.setenv("METRICS_TARGETS", str(REPO / "targets.yaml"))
    add_role_users(path)
    yield path
    st.cache_resource.clear()
    st.cache_data.clear()


@pytest.fixture
def db(empty_db: Path) -> Path:
    """Two values from an earlier upload: tc_alignment_rate 80 and verification_points 10 (2025Q2)."""
    path = empty_db
    seed = Store(path)
    ingest_file(
        seed,
        load_registry(REPO / "targets.yaml"),
        gb18030("tc_alignment_rate,2025Q2,samr,80,", "verification_points,2025Q2,samr,10,"),
        "seed.csv",
        uploaded_by="seeder",
        source="test",
    )
    seed.close()
    return path


@contextmanager
def opened(path: Path) -> Iterator[Store]:
    s = Store(path)
    try:
        yield s
    finally:
        s.close()


def open_upload(lang: str = "zh", role: str = "admin") -> AppTest:
    """The Upload page, logged in as ``role`` (admin: every agency)."""
    at = log_in_as(app(lang), role)
    return open_page(at, "upload")


def upload(at: AppTest, data: bytes, name: str = "q3.csv") -> AppTest:
    at.file_uploader[0].set_value((name, data, "text/csv"))
    return run(at)


def texts(at: AppTest) -> str:
    """Every message, caption and text on the page, joined."""
    kinds = ("success", "info", "warning", "error", "caption", "text")
    parts = [e.value for kind in kinds for e in at.get(kind)]
    return "\n".join(str(p) for p in parts)


def metrics_shown(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


GOOD = gb18030(
    "tc_alignment_rate,2025年第三季度,市场监管总局,85.5,首次报送",  # new
    "verification_points,2025Q2,samr,12,上调",  # revised: 10 -> 12
    "tc_alignment_rate,2025-06-30,samr,80,",  # unchanged
)


def test_gb18030_preview_confirm_store(db: Path) -> None:
    at = upload(open_upload("zh"), GOOD)
    assert metrics_shown(at) == {"新增": "1", "修订": "1", "未变": "1"}
    table = at.dataframe[0].value
    assert list(table["变化"]) == ["新增", "修订", "未变"]
    assert list(table["行"]) == [2, 3, 4]
    revised = table[table["变化"] == "修订"].iloc[0]
    assert (revised["原值"], revised["新值"]) == (10.0, 12.0)
    assert revised["报告期"] == "2025年第二季度"
    assert revised["填报单位"] == "市场监管总局（国家标准委）"
    assert not at.button(key="upload_confirm_0").disabled
    with opened(db) as s:
        assert s.counts() == {"observations": 2, "uploads": 1}  # the dry run wrote nothing

    at.button(key="upload_confirm_0").click().run()
    assert not at.exception, at.exception
    assert "已保存为第 2 次上传（q3\\.csv）：新增 1 个值，修订 1 个，未变 1 个。" in at.success[0].value
    assert at.file_uploader[0].value is None  # uploader reset under a new key
    assert not at.metric
    with opened(db) as s:
        latest = s.latest().set_index(["indicator_id", "period", "agency_id"])
        assert latest.loc[("tc_alignment_rate", "2025Q3", "samr"), "value"] == 85.5
        assert latest.loc[("verification_points", "2025Q2", "samr"), "value"] == 12.0
        assert latest.loc[("verification_points", "2025Q2", "samr"), "revision"] == 2
        audit = s.uploads().iloc[0]
        assert (audit["uploaded_by"], audit["source"], audit["file_name"]) == (ADMIN, "web", "q3.csv")
        assert (audit["n_new"], audit["n_revised"], audit["n_unchanged"]) == (1, 1, 1)


BAD = gb18030(
    "tc_alignment_rate,2025Q3,samr,85,",
    "tc_alignment_rate,2025Q3,miit,abc,",  # row 3: not a number
    "verification_points,2025Q3,samr,3,",
    "no_such_indicator,2025Q3,samr,1,",  # row 5: unknown indicator
)


@pytest.mark.parametrize(
    ("lang", "columns", "headline"),
    [
        ("zh", ["行", "列", "值", "原因"], "文件“bad\\.csv”未通过检查，共 2 个问题，未写入任何数据。"),
        ("en", ["Row", "Column", "Value", "Reason"], "'bad\\.csv' was refused with 2 problem(s); nothing"),
    ],
)
def test_refused_file_lists_every_problem(db: Path, lang: str, columns: list[str], headline: str) -> None:
    at = upload(open_upload(lang), BAD, "bad.csv")
    assert headline in at.error[0].value
    table = at.dataframe[0].value
    assert list(table.columns) == columns
    assert list(table[columns[0]]) == [3, 5]
    assert list(table[columns[1]]) == ["数值", "指标编号"]  # the headers as written in the file
    assert list(table[columns[2]]) == ["abc", "no_such_indicator"]
    assert list(table[columns[3]]) == [t("problem.not_number", lang), t("problem.unknown_indicator", lang)]
    assert not [b for b in at.button if b.key.startswith("upload_")]  # nothing to confirm
    csv = download_bytes(at, "upload_problems_download")
    assert csv.startswith(b"\xef\xbb\xbf")
    assert "no_such_indicator" in csv.decode("utf-8-sig")
    with opened(db) as s:
        assert s.counts() == {"observations": 2, "uploads": 1}


def test_identical_reupload_says_nothing_changed(db: Path) -> None:
    at = open_upload("en")
    upload(at, GOOD, "q3.csv")
    at.button(key="upload_confirm_0").click().run()
    assert "Stored as upload #2" in at.success[0].value
    upload(at, GOOD, "q3-again.csv")
    assert metrics_shown(at) == {"New": "0", "Revised": "0", "Unchanged": "3"}
    message = at.info[0].value
    assert "Nothing changed" in message
    assert "identical to upload #2 (q3\\.csv, by boss," in message
    assert not [b for b in at.button if b.label == t("upload.confirm", "en")]
    with opened(db) as s:
        assert s.counts() == {"observations": 4, "uploads": 2}


def test_english_labels_and_names(db: Path) -> None:
    at = upload(open_upload("en"), GOOD)
    assert metrics_shown(at) == {"New": "1", "Revised": "1", "Unchanged": "1"}
    table = at.dataframe[0].value
    assert list(table["Change"]) == ["new", "revised", "unchanged"]
    assert table["Quarter"].iloc[0] == "2025 Q3"
    assert table["Agency"].iloc[0] == "SAMR"  # short names keep the numbers on screen
    assert table["Indicator"].iloc[1] == "National standard verification points"
    assert at.title[0].value == "Upload"


def test_notes_and_file_names_stay_text(db: Path) -> None:
    note = "<script>alert(1)</script>"
    data = gb18030(f"tc_alignment_rate,2025Q3,samr,85,{note}")
    at = open_upload("zh")
    upload(at, data, "**x**.csv")
    assert list(at.dataframe[0].value["备注"]) == [note]
    for md in at.markdown:
        assert "<script" not in md.value
    at.button(key="upload_confirm_0").click().run()
    message = at.success[0].value
    assert "\\*\\*x\\*\\*\\.csv" in message  # escaped: shown as typed, not bold
    with opened(db) as s:
        latest = s.latest()
        assert latest.loc[latest["period"] == "2025Q3", "note"].tolist() == [note]
        assert s.uploads().iloc[0]["uploaded_by"] == ADMIN


def test_unreadable_file_gets_a_sentence_not_a_traceback(db: Path) -> None:
    at = upload(open_upload("en"), b"PK\x03\x04 this is not really a workbook", "broken.xlsx")
    assert not at.exception
    assert "'broken\\.xlsx' was refused with 1 problem(s)" in at.error[0].value
    reason = at.dataframe[0].value["Reason"].iloc[0]
    assert reason.startswith("This Excel workbook cannot be opened")


def test_cancel_resets_the_uploader(db: Path) -> None:
    at = upload(open_upload("zh"), GOOD)
    at.button(key="upload_cancel_0").click().run()
    assert at.file_uploader[0].value is None
    assert not at.metric


@pytest.mark.parametrize(("fmt", "magic"), [("csv", b"\xef\xbb\xbf"), ("xlsx", b"PK\x03\x04")])
def test_template_download(db: Path, fmt: str, magic: bytes) -> None:
    at = open_upload("zh")
    at.selectbox(key="upload_tpl_agency").set_value("miit")
    at.selectbox(key="upload_tpl_period").set_value("2025Q3")
    Deferred.made.clear()
    at.radio(key="upload_tpl_fmt").set_value(fmt).run()
    assert not at.download_button(key="upload_tpl_download").proto.url  # deferred: a run builds no file
    body = Deferred.made[f"template_miit_2025Q3.{fmt}"]()
    assert body.startswith(magic)
    if fmt == "csv":
        text = body.decode("utf-8-sig")
        assert text.startswith("指标编号,指标名称,计量单位,目标值,报告期,填报单位,数值,备注")
        assert ",2025Q3,工业和信息化部,," in text


def test_first_upload_into_an_empty_database(empty_db: Path) -> None:
    at = open_upload("zh")
    upload(at, gb18030("verification_points,2025Q4,samr,3,"))
    assert metrics_shown(at) == {"新增": "1", "修订": "0", "未变": "0"}
    at.button(key="upload_confirm_0").click().run()
    assert "已保存为第 1 次上传" in at.success[0].value
    with opened(empty_db) as s:
        assert s.latest()["value"].tolist() == [3.0]


def test_values_changed_between_preview_and_confirm(db: Path) -> None:
    at = open_upload("en")
    upload(at, GOOD)
    assert metrics_shown(at) == {"New": "1", "Revised": "1", "Unchanged": "1"}
    with opened(db) as s:  # another user stores the same revision meanwhile
        ingest_file(
            s,
            load_registry(REPO / "targets.yaml"),
            gb18030("verification_points,2025Q2,samr,12,上调"),
            "other.csv",
            uploaded_by="someone else",
            source="test",
        )
    at.button(key="upload_confirm_0").click().run()
    assert "Stored as upload #3 (q3\\.csv): 1 new, 0 revised, 2 unchanged." in at.success[0].value
    assert at.info[0].value == t("upload.changed_meanwhile", "en")


def test_an_error_after_the_commit_is_a_sentence_that_does_not_deny_the_write(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_upload("en")
    upload(at, GOOD)
    real = Store.store_batch

    def commit_then_fail(self, rows, **kwargs):
        change = real(self, rows, **kwargs)
        if not kwargs.get("dry_run"):
            raise RuntimeError("checkpoint failed")  # e.g. DuckDB's CHECKPOINT after COMMIT
        return change

    monkeypatch.setattr(Store, "store_batch", commit_then_fail)
    at.button(key="upload_confirm_0").click().run()
    assert not at.exception
    assert at.error[0].value == t("upload.store_unexpected", "en")
    assert "checkpoint failed" not in texts(at)


# --------------------------------------------------------------------------- an uploader's agencies

MIXED = gb18030(
    "tc_alignment_rate,2025Q3,miit,81,",
    "tc_alignment_rate,2025Q3,samr,85,",  # row 3: SAMR, not this user's agency
    "tc_alignment_rate,2025Q2,市场监管总局,80,",  # row 4: SAMR by its Chinese name
)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_uploader_file_with_another_agency_is_refused_whole(db: Path, lang: str) -> None:
    at = upload(open_upload(lang, role="uploader"), MIXED, "mixed.csv")
    table = at.dataframe[0].value
    rows, reasons = table[t("data.col.row", lang)], table[t("data.col.reason", lang)]
    assert list(rows) == [3, 4]
    assert all(("SAMR" in r or "市场监管总局" in r) for r in reasons)
    assert t("upload.refused", lang, file="mixed\\.csv", n=2) == at.error[0].value
    assert not [b for b in at.button if b.key.startswith("upload_confirm")]
    with opened(db) as s:
        assert s.counts() == {"observations": 2, "uploads": 1}  # nothing stored


def test_uploader_may_store_its_own_agency_and_is_recorded(db: Path) -> None:
    at = open_upload("en", role="uploader")
    assert "You may report for: Ministry of Industry and Information Technology" in texts(at)
    assert "Uploading as miit-officer" in texts(at).replace("\\", "")
    assert at.selectbox(key="upload_tpl_agency").options == [
        "Ministry of Industry and Information Technology"
    ]
    upload(at, gb18030("tc_alignment_rate,2025Q3,miit,81,own committees"), "miit.csv")
    at.button(key="upload_confirm_0").click().run()
    assert "Stored as upload #2 (miit\\.csv)" in at.success[0].value
    with opened(db) as s:
        audit = s.uploads().iloc[0]
        assert (audit["uploaded_by"], audit["file_name"], audit["agencies"]) == (
            "miit-officer",
            "miit.csv",
            "miit",
        )


def test_a_refused_preview_stores_nothing_and_is_recorded(db: Path) -> None:
    at = upload(open_upload("en", role="uploader"), MIXED, "mixed.csv")
    assert at.error
    at.file_uploader[0].set_value(None)
    with opened(db) as s:  # the preview is a dry run: no upload, but the refusal is in the audit log
        log = s.audit_log()
        refused = log[log["action"] == "upload_forbidden"]
        assert refused["actor"].tolist() == ["miit-officer"]
        assert refused["detail"].iloc[0].startswith("file mixed.csv: refused, 2 problems, sha256 ")
        assert refused["detail"].iloc[0].endswith("; rows 3, 4 are for samr")
        assert s.counts()["uploads"] == 1


ORIGINAL = gb18030("intl_std_adoption_rate,2024Q4,samr,82.4,", "tc_alignment_rate,2024Q4,samr,85,")


@pytest.fixture
def corrected(empty_db: Path) -> Path:
    """SAMR's 2024Q4 adoption rate reported as 82.4 (upload 1), then corrected to 82.6 (upload 2)."""
    seed = Store(empty_db)
    registry = load_registry(REPO / "targets.yaml")
    ingest_file(seed, registry, ORIGINAL, "samr_2024Q4.csv", uploaded_by="samr-officer", source="test")
    fix = gb18030("intl_std_adoption_rate,2024Q4,samr,82.6,更正：口径调整")
    ingest_file(seed, registry, fix, "samr_fix.csv", uploaded_by="ops", source="test")
    seed.close()
    return empty_db


def test_a_resent_original_is_held_until_the_revert_is_confirmed(corrected: Path) -> None:
    with opened(corrected) as s:
        when = s.uploads().set_index("upload_id").loc[2, "uploaded_at"].strftime("%Y-%m-%d %H:%M UTC")
    at = upload(open_upload("zh"), ORIGINAL, "samr_2024Q4.csv")
    assert metrics_shown(at) == {"新增": "0", "修订": "1", "未变": "1"}
    assert at.warning[0].value == t("upload.held", "zh", n=1)
    held = at.dataframe[1].value
    assert held.to_dict("records") == [
        {
            "行": 2,
            "指标": "国际标准转化率",
            "报告期": "2024年第四季度",
            "填报单位": "市场监管总局（国家标准委）",
            "文件中的值": 82.4,
            "当前值": 82.6,
            "更正它的上传": 2,
            "文件名": "samr_fix.csv",
            "更正人": "ops",
            "更正时间（UTC）": when,
            "更正备注": "更正：口径调整",
        }
    ]
    box = at.checkbox(key="upload_revert_0")
    assert box.label == "确认改回这 1 个值"
    at.button(key="upload_confirm_0").click().run()  # not ticked: nothing is stored
    assert t("upload.revert_needed", "zh", n=1) in [w.value for w in at.warning]
    with opened(corrected) as s:
        assert s.counts() == {"observations": 3, "uploads": 2}
    at.checkbox(key="upload_revert_0").check().run()
    at.button(key="upload_confirm_0").click().run()
    assert not at.exception, at.exception
    assert "已保存为第 3 次上传" in at.success[0].value
    assert at.info[0].value == t("upload.reverted", "zh", n=1)
    with opened(corrected) as s:
        latest = s.latest().set_index(["indicator_id", "period", "agency_id"])
        assert latest.loc[("intl_std_adoption_rate", "2024Q4", "samr"), "value"] == 82.4
        assert s.audit_log(1).iloc[0]["action"] == "upload_revert"


def test_a_forward_file_shows_no_revert_confirmation(corrected: Path) -> None:
    at = upload(open_upload("en"), gb18030("intl_std_adoption_rate,2024Q4,samr,83,"), "later.csv")
    assert metrics_shown(at) == {"New": "0", "Revised": "1", "Unchanged": "0"}
    assert not at.warning and not at.checkbox
    at.button(key="upload_confirm_0").click().run()
    assert "Stored as upload #3" in at.success[0].value


def test_the_held_file_in_english(corrected: Path) -> None:
    at = upload(open_upload("en"), ORIGINAL, "samr_2024Q4.csv")
    assert at.warning[0].value == (
        "This file would set 1 value(s) back to older values that a later upload corrected. "
        "Nothing is stored unless you confirm."
    )
    held = at.dataframe[1].value
    assert list(held.columns[:7]) == [
        "Row",
        "Indicator",
        "Quarter",
        "Agency",
        "In this file",
        "Current value",
        "Corrected by upload",
    ]
    assert (held["In this file"].iloc[0], held["Current value"].iloc[0]) == (82.4, 82.6)
    assert at.checkbox(key="upload_revert_0").label == "Revert 1 value(s) to the older value"
