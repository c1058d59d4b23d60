"""``python -m metrics remind``: reminders printed, or sent to a real SMTP server on 127.0.0.1.

The database is the demo one (data/sample through ingest): for 2025Q4, NDRC and MOE each miss
one milestone report. The registry is targets.yaml with example contact addresses for them.
The server is aiosmtpd, started by the test; what it received is read back and asserted.
"""

from __future__ import annotations

import email
import email.policy
import shutil
import socket
import ssl
import subprocess
from pathlib import Path

import pytest
import yaml
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from backend_support import copy_db
from conftest import TARGETS

from metrics.cli.main import main
from metrics.outputs import mail
from metrics.store.database import Store

CONTACTS = {
    "ndrc": ["ndrc-standards@example.org"],
    "moe": ["moe-standards@example.org", "moe-office@example.org"],
}
SMTP_ENV = ("HOST", "PORT", "USER", "PASSWORD", "FROM", "STARTTLS")
UPCOMING = "2026-01-10"  # 2025Q4 ends 2025-12-31; due 30 days later, 2026-01-30
OVERDUE = "2026-02-05"
UPCOMING_EN = "Reminder: 2025 Q4 figures are due by 2026-01-30"


class Inbox:
    """An aiosmtpd handler keeping every message it accepts."""

    def __init__(self):
        self.messages: list[tuple[str, list[str], email.message.EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope):
        parsed = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(monkeypatch):
    """A plain SMTP server on 127.0.0.1 and the settings pointing at it."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    monkeypatch.setenv("METRICS_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("METRICS_SMTP_PORT", str(controller.port))
    monkeypatch.setenv("METRICS_SMTP_FROM", "monitor@example.org")
    monkeypatch.setenv("METRICS_SMTP_STARTTLS", "false")
    yield inbox
    controller.stop()


@pytest.fixture
def run(demo_db, tmp_path, capsys, monkeypatch):
    """The CLI on a copy of the demo database and a registry with contacts; (code, out, err)."""
    for name in ("METRICS_DB", "METRICS_TARGETS", "METRICS_PUBLIC_URL", "METRICS_REPORT_DUE_DAYS"):
        monkeypatch.delenv(name, raising=False)
    for name in SMTP_ENV:
        monkeypatch.delenv(f"METRICS_SMTP_{name}", raising=False)
    monkeypatch.setenv("METRICS_PUBLIC_URL", "https://monitor.example.org/")
    db = tmp_path / "progress.duckdb"
    copy_db(demo_db, db)
    raw = yaml.safe_load(TARGETS.read_text(encoding="utf-8"))
    for agency in raw["agencies"]:
        if agency["id"] in CONTACTS:
            agency["emails"] = CONTACTS[agency["id"]]
    targets = tmp_path / "targets.yaml"
    targets.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")

    def _run(*args: str, registry: Path | None = None) -> tuple[int, str, str]:
        code = main([*args, "--db", str(db), "--targets", str(registry or targets)])
        out, err = capsys.readouterr()
        return code, out, err

    _run.db = db
    return _run


def stored(db: Path):
    s = Store.open(db, read_only=True)
    try:
        return s.reminders(), s.audit_log()
    finally:
        s.close()


def body(message) -> list[str]:
    return message.get_body(("plain",)).get_content().splitlines()


def test_without_send_it_prints_and_sends_nothing(run, smtp):
    code, out, err = run("remind", "--as-of", "2025Q4", "--date", UPCOMING, "--lang", "zh")
    assert (code, err) == (0, "")
    blocks = out.split("=== ")
    assert blocks[1].splitlines()[:4] == [
        "国家发展改革委 · 2025年第四季度 · 截止前（截止 2026-01-30）===",
        "收件人：ndrc-standards@example.org",
        "主题：【报送提醒】请于 2026-01-30 前报送2025年第四季度数据 / " + UPCOMING_EN,
        "附件：template_ndrc_2025Q4.xlsx",
    ]
    assert "  1. 对标达标工作机制 (ms_benchmarking_mechanism)" in blocks[1].splitlines()
    assert blocks[2].splitlines()[1] == "收件人：moe-standards@example.org, moe-office@example.org"
    assert out.endswith("以上 2 条提醒仅显示，未发送；加上 --send 发送。\n")
    assert smtp.messages == []
    reminders, _ = stored(run.db)
    assert reminders.empty


def test_send_delivers_one_message_per_agency_records_it_and_never_twice(run, smtp):
    code, out, err = run("remind", "--as-of", "2025Q4", "--date", UPCOMING, "--send", "--as", "ops")
    assert (code, out, err) == (
        0,
        "ndrc 2025Q4 upcoming: sent to ndrc-standards@example.org\n"
        "moe 2025Q4 upcoming: sent to moe-standards@example.org, moe-office@example.org\n",
        "",
    )
    assert [(frm, to) for frm, to, _ in smtp.messages] == [
        ("monitor@example.org", ["ndrc-standards@example.org"]),
        ("monitor@example.org", ["moe-standards@example.org", "moe-office@example.org"]),
    ]
    ndrc = smtp.messages[0][2]
    assert ndrc["Subject"] == ("【报送提醒】请于 2026-01-30 前报送2025年第四季度数据 / " + UPCOMING_EN)
    assert ndrc["To"] == "ndrc-standards@example.org"
    lines = body(ndrc)
    assert lines[:3] == ["国家发展改革委：", "", lines[2]]
    assert lines[2].startswith("根据《贯彻实施〈国家标准化发展纲要〉行动计划（2024—2025年）》季度报送要求，")
    assert lines[2].endswith("贵单位以下 1 项指标尚未报送2025年第四季度数据，请于 2026-01-30 前报送：")
    assert lines[3:7] == [
        "  1. 对标达标工作机制 (ms_benchmarking_mechanism)",
        "",
        "报送页面：https://monitor.example.org/upload",
        "填报模板：见附件 template_ndrc_2025Q4.xlsx（也可在报送页面下载）",
    ]
    english = lines[lines.index("———— English ————") + 2 :]
    assert english[0] == "To the National Development and Reform Commission:"
    assert (
        english[3] == "  1. Mechanism for benchmarking against and meeting advanced standards"
        " (ms_benchmarking_mechanism)"
    )
    assert "Upload page: https://monitor.example.org/upload" in english
    (attachment,) = ndrc.iter_attachments()
    assert attachment.get_filename() == "template_ndrc_2025Q4.xlsx"
    assert attachment.get_content().startswith(b"PK\x03\x04")
    assert body(smtp.messages[1][2])[3] == "  1. 国家级标准化人才教育实习实训基地 (ms_talent_training_bases)"

    reminders, audit = stored(run.db)
    assert reminders[
        ["agency_id", "period", "stage", "recipients", "n_indicators", "sent_by"]
    ].values.tolist() == [
        ["moe", "2025Q4", "upcoming", "moe-standards@example.org, moe-office@example.org", 1, "ops"],
        ["ndrc", "2025Q4", "upcoming", "ndrc-standards@example.org", 1, "ops"],
    ]
    sent = audit[audit["action"] == "reminder_sent"]
    assert sorted(sent["detail"]) == [
        "moe 2025Q4 upcoming (due 2026-01-30): 1 indicator(s), "
        "to moe-standards@example.org, moe-office@example.org",
        "ndrc 2025Q4 upcoming (due 2026-01-30): 1 indicator(s), to ndrc-standards@example.org",
    ]
    assert set(sent["actor"]) == {"ops"}

    # the same stage again: nothing sent; printing says it was sent before
    assert run("remind", "--as-of", "2025Q4", "--date", UPCOMING, "--send")[:2] == (
        0,
        "ndrc 2025Q4 upcoming: sent before, not sent again\n"
        "moe 2025Q4 upcoming: sent before, not sent again\n",
    )
    assert len(smtp.messages) == 2
    out = run("remind", "--as-of", "2025Q4", "--date", UPCOMING)[1]
    assert "(already sent " in out and " by ops; not sent again)" in out

    # after the due date it is another stage: the overdue reminder goes out once
    code, out, _ = run("remind", "--as-of", "2025Q4", "--date", OVERDUE, "--send")
    assert (code, out.count(": sent to ")) == (0, 2)
    assert smtp.messages[2][2]["Subject"] == (
        "【逾期提醒】2025年第四季度数据已逾期（截止 2026-01-30） / "
        "Overdue: 2025 Q4 figures were due by 2026-01-30"
    )
    assert "已超过报送截止日期（2026-01-30）仍未报送，请尽快报送：" in body(smtp.messages[2][2])[2]
    assert len(stored(run.db)[0]) == 4


def test_agencies_without_an_address_are_named_and_nothing_is_recorded(run, smtp):
    code, out, _ = run("remind", "--as-of", "2025Q4", "--date", UPCOMING, "--send", registry=TARGETS)
    assert (code, out) == (
        1,
        "ndrc 2025Q4 upcoming: no contact address, not sent\n"
        "moe 2025Q4 upcoming: no contact address, not sent\n",
    )
    assert smtp.messages == []
    assert stored(run.db)[0].empty


def test_log_in_with_user_and_password_which_are_never_printed(run, smtp, monkeypatch):
    logins = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        login, password = (x.decode() if isinstance(x, bytes) else x for x in auth_data)
        logins.append((login, password))
        return AuthResult(success=password == "s3cret-pw", handled=False)

    controller = Controller(
        smtp, hostname="127.0.0.1", port=free_port(), authenticator=authenticator, auth_require_tls=False
    )
    controller.start()
    try:
        monkeypatch.setenv("METRICS_SMTP_PORT", str(controller.port))
        monkeypatch.setenv("METRICS_SMTP_USER", "mailer")
        monkeypatch.setenv("METRICS_SMTP_PASSWORD", "wrong-pw")
        code, out, err = run("remind", "--as-of", "2025Q4", "--date", UPCOMING, "--send")
        assert code == 1
        assert err == (
            f"The mail server 127.0.0.1:{controller.port} refused the log-in "
            "(check METRICS_SMTP_USER and METRICS_SMTP_PASSWORD).\n"
        )
        assert "wrong-pw" not in out + err
        monkeypatch.setenv("METRICS_SMTP_PASSWORD", "s3cret-pw")
        code, out, err = run("remind", "--as-of", "2025Q4", "--date", UPCOMING, "--send")
        assert (code, out.count(": sent to ")) == (0, 2)
        assert "s3cret-pw" not in out + err
        assert logins[-1] == ("mailer", "s3cret-pw")
        assert len(smtp.messages) == 2
    finally:
        controller.stop()


def test_starttls_is_required_by_default_and_nothing_goes_in_plain_text(run, smtp, monkeypatch):
    monkeypatch.delenv("METRICS_SMTP_STARTTLS")
    code, out, err = run("remind", "--as-of", "2025Q4", "--date", UPCOMING, "--send")
    assert (code, out) == (1, "")
    assert err.startswith("The mail server 127.0.0.1:") and "does not offer STARTTLS" in err
    assert smtp.messages == []
    assert stored(run.db)[0].empty


@pytest.mark.skipif(not shutil.which("openssl"), reason="needs the openssl command to make a certificate")
def test_starttls_with_a_certificate(run, smtp, monkeypatch, tmp_path):
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    server_tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_tls.load_cert_chain(cert, key)
    controller = Controller(
        smtp, hostname="127.0.0.1", port=free_port(), tls_context=server_tls, require_starttls=True
    )
    controller.start()
    real = ssl.create_default_context
    monkeypatch.setattr(mail.ssl, "create_default_context", lambda: real(cafile=str(cert)))  # trust it
    try:
        monkeypatch.setenv("METRICS_SMTP_PORT", str(controller.port))
        monkeypatch.setenv("METRICS_SMTP_STARTTLS", "true")
        code, out, _ = run("remind", "--as-of", "2025Q4", "--date", UPCOMING, "--send")
        assert (code, out.count(": sent to ")) == (0, 2)
        assert len(smtp.messages) == 2
    finally:
        controller.stop()


def test_send_needs_a_configured_server(run):
    code, out, err = run("remind", "--as-of", "2025Q4", "--date", UPCOMING, "--send")
    assert (code, out, err) == (1, "", "Cannot send: METRICS_SMTP_HOST is not set.\n")


def test_a_quarter_with_nothing_missing_and_bad_arguments(run):
    assert run("remind", "--as-of", "2025Q3", "--date", "2025-10-10") == (
        0,
        "2025 Q3: no agency has indicators missing; no reminder needed.\n",
        "",
    )
    assert run("remind", "--as-of", "2025Q9")[0:3:2] == (
        1,
        "unreadable period '2025Q9'; write it like 2025Q4\n",
    )
    assert run("remind", "--date", "tomorrow")[0:3:2] == (
        1,
        "--date must be a date such as 2025-10-15, not 'tomorrow'.\n",
    )
