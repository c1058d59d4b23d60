"""``python -m metrics user|withdraw|audit`` and ``ingest --as``: the operator's side of access control."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from conftest import REPO, TARGETS

from metrics.access import auth
from metrics.cli import admin as admin_cli
from metrics.cli.main import main
from metrics.errors import AuthenticationFailed
from metrics.store.database import Store

PW = "secretpassword1"
T0 = dt.datetime(2025, 11, 15, 9, 0, 0)


@pytest.fixture(autouse=True)
def fast_and_clean(monkeypatch):
    monkeypatch.setattr(auth, "FAILED_LOGIN_DELAY", 0)
    monkeypatch.setattr(auth, "HASHER", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    monkeypatch.setattr(admin_cli.getpass, "getuser", lambda: "opsuser")
    for var in ("METRICS_DB", "METRICS_TARGETS", "METRICS_VIEW_LOGIN", "METRICS_SESSION_HOURS"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture
def cli(db_path: Path, capsys, monkeypatch):
    """Run ``python -m metrics ARGS`` on the test database: (exit code, stdout, stderr)."""

    def _run(*args: str, stdin: str = "") -> tuple[int, str, str]:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        code = main([*args, "--db", str(db_path), "--targets", str(TARGETS)])
        out, err = capsys.readouterr()
        return code, out, err

    return _run


def check(db_path: Path, fn):
    store = Store.open(db_path)
    try:
        return fn(store)
    finally:
        store.close()


class FakeTTY(io.StringIO):
    def isatty(self) -> bool:
        return True


# --- user ------------------------------------------------------------------------------------


def test_user_add_reads_the_password_from_stdin(cli, db_path):
    code, out, err = cli("user", "add", "alice", "--role", "uploader", "--agency", "miit", stdin=f"{PW}\n")
    assert (code, out, err) == (0, "user alice added: uploader for miit\n", "")
    record = check(db_path, lambda s: s.user("alice"))
    assert record["role"] == "uploader" and record["agencies"] == "miit"
    assert record["password_hash"].startswith("$argon2id$")
    assert auth.verify_password(record["password_hash"], PW)
    log = check(db_path, lambda s: s.audit_log())
    assert (log["actor"].iloc[0], log["action"].iloc[0]) == ("cli:opsuser", "user_add")


def test_user_add_on_a_terminal_asks_twice(cli, db_path, monkeypatch):
    answers = iter([PW, PW, PW, "something-else"])
    monkeypatch.setattr(admin_cli.getpass, "getpass", lambda prompt: next(answers))
    monkeypatch.setattr(admin_cli.sys, "stdin", FakeTTY())
    assert (
        main(
            [
                "user",
                "add",
                "bob",
                "--role",
                "admin",
                "--as",
                "ops-eve",
                "--db",
                str(db_path),
                "--targets",
                str(TARGETS),
            ]
        )
        == 0
    )
    assert check(db_path, lambda s: s.audit_log()["actor"].iloc[0]) == "ops-eve"
    assert (
        main(["user", "add", "carol", "--role", "viewer", "--db", str(db_path), "--targets", str(TARGETS)])
        == 1
    )
    assert check(db_path, lambda s: s.user("carol")) is None


def test_user_list_never_shows_hashes(cli, db_path):
    cli("user", "add", "alice", "--role", "uploader", "--agency", "miit,samr", stdin=f"{PW}\n")
    cli("user", "add", "bob", "--role", "admin", stdin=f"{PW}\n")
    cli("user", "add", "carol", "--role", "viewer", stdin=f"{PW}\n")
    cli("user", "disable", "bob")
    store = Store.open(db_path)
    for _ in range(5):
        with pytest.raises(AuthenticationFailed):
            auth.authenticate(store, "carol", "wrong-password")
    store.close()
    code, out, _ = cli("user", "list")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["name", "role", "agencies", "state", "failed", "created", "(UTC)"]
    assert lines[1].split()[:5] == ["alice", "uploader", "miit,samr", "active", "0"]
    assert lines[2].split()[:5] == ["bob", "admin", "-", "disabled", "0"]
    assert lines[3].split()[:4] == ["carol", "viewer", "-", "locked"]
    assert lines[3].split()[-3] == "5"
    code, out, _ = cli("user", "list", "--json")
    rows = json.loads(out)
    assert [(r["name"], r["role"], r["agencies"], r["disabled"]) for r in rows] == [
        ("alice", "uploader", "miit,samr", False),
        ("bob", "admin", "", True),
        ("carol", "viewer", "", False),
    ]
    assert "argon2" not in out and "password" not in out


def test_user_list_when_empty(cli, db_path):
    Store.open(db_path).close()
    assert cli("user", "list")[1].startswith("no users yet")


def test_user_passwd_disable_and_enable(cli, db_path):
    cli("user", "add", "alice", "--role", "viewer", stdin=f"{PW}\n")
    code, out, _ = cli("user", "passwd", "alice", "--as", "ops-eve", stdin="a-new-password\n")
    assert (code, out) == (0, "user alice: password changed\n")

    def log_in(password: str):
        return check(db_path, lambda s: auth.authenticate(s, "alice", password, now=T0))

    with pytest.raises(AuthenticationFailed):
        log_in(PW)
    assert log_in("a-new-password").user.name == "alice"
    assert cli("user", "disable", "alice") == (0, "user alice: disabled\n", "")
    with pytest.raises(AuthenticationFailed):
        log_in("a-new-password")
    assert cli("user", "enable", "alice") == (0, "user alice: enabled\n", "")
    assert log_in("a-new-password").user.name == "alice"
    actions = check(db_path, lambda s: s.audit_log())
    changes = actions[actions["action"].str.startswith("user_")]
    assert list(changes["action"])[::-1] == ["user_add", "user_passwd", "user_disable", "user_enable"]
    assert changes["actor"].iloc[-2] == "ops-eve"


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (
            ["user", "add", "alice", "--role", "uploader", "--agency", "mitt"],
            f"{PW}\n",
            "Unknown agency 'mitt'; known agencies: samr, cac,",
        ),
        (["user", "add", "alice", "--role", "uploader"], f"{PW}\n", "An uploader needs at least one agency"),
        (
            ["user", "add", "alice", "--role", "admin", "--agency", "miit"],
            f"{PW}\n",
            "Role admin takes no agency",
        ),
        (["user", "add", "alice", "--role", "viewer"], "short\n", "The password is too short"),
        (["user", "add", "alice", "--role", "viewer"], "", "No password on standard input"),
        (["user", "add", "a b", "--role", "viewer"], f"{PW}\n", "User name 'a b' is not allowed"),
        (["user", "passwd", "ghost"], f"{PW}\n", "There is no user 'ghost'."),
        (["user", "disable", "ghost"], "", "There is no user 'ghost'."),
        (["withdraw", "7", "--reason", "typo"], "", "upload 7 does not exist"),
        (["withdraw", "seven", "--reason", "typo"], "", "'seven' is not an upload number"),
        (["withdraw", "7", "--reason", "  "], "", "Give a reason for the withdrawal"),
        (["withdraw", "7", "--reason", "x", "--as", " "], "", "--as needs a name"),
    ],
)
def test_errors_are_one_sentence_and_exit_1(cli, db_path, args, stdin, message):
    code, out, err = cli(*args, stdin=stdin)
    assert code == 1 and out == ""
    assert err.startswith(message) and err.count("\n") == 1 and "Traceback" not in err
    assert check(db_path, lambda s: s.users().empty)


def test_duplicate_user_is_refused_before_the_password_is_read(cli):
    cli("user", "add", "alice", "--role", "viewer", stdin=f"{PW}\n")
    assert cli("user", "add", "alice", "--role", "admin") == (1, "", "User 'alice' already exists.\n")


def test_messages_in_chinese(cli):
    code, _, err = cli("user", "add", "alice", "--role", "uploader", "--agency", "mitt", "--lang", "zh")
    assert code == 1 and err.startswith("未知单位 'mitt'；已有单位：samr, cac,")


# --- ingest --as, withdraw, audit ------------------------------------------------------------


def _files(tmp_path: Path) -> tuple[Path, Path]:
    header = "indicator_id,period,agency_id,value,note\n"
    v1, v2 = tmp_path / "v1.csv", tmp_path / "v2.csv"
    v1.write_text(header + "tc_alignment_rate,2025Q3,miit,80,\n")
    v2.write_text(header + "tc_alignment_rate,2025Q3,miit,85,\n")
    return v1, v2


def test_ingest_records_the_operator_and_withdraw_restores_the_previous_value(cli, db_path, tmp_path):
    v1, v2 = _files(tmp_path)
    assert cli("ingest", str(v1), "--as", "ops-alice")[0] == 0
    assert cli("ingest", str(v2))[0] == 0
    uploads = check(db_path, lambda s: s.uploads())
    assert list(uploads["uploaded_by"]) == ["cli:opsuser", "ops-alice"]
    assert set(uploads["source"]) == {"cli"}
    assert check(db_path, lambda s: s.latest()["value"].tolist()) == [85.0]

    code, out, err = cli("withdraw", "2", "--reason", "sent the wrong quarter", "--as", "ops-bob")
    assert (code, err) == (0, "")
    assert out == "upload 2 withdrawn; its values no longer count (earlier revisions count again)\n"
    latest = check(db_path, lambda s: s.latest())
    assert (latest["value"].tolist(), latest["revision"].tolist()) == ([80.0], [1])
    upload = check(db_path, lambda s: s.uploads().set_index("upload_id").loc[2])
    assert (upload["withdrawn_by"], upload["withdraw_reason"]) == ("ops-bob", "sent the wrong quarter")
    entry = check(db_path, lambda s: s.audit_log(1).iloc[0])
    assert (entry["actor"], entry["action"], entry["detail"]) == (
        "ops-bob",
        "withdraw_upload",
        "upload 2: sent the wrong quarter",
    )
    assert cli("withdraw", "2", "--reason", "again") == (1, "", "upload 2 was already withdrawn\n")


def test_withdraw_defaults_to_the_os_user(cli, db_path, tmp_path):
    v1, _ = _files(tmp_path)
    cli("ingest", str(v1))
    assert cli("withdraw", "#1", "--reason", "test")[0] == 0
    assert check(db_path, lambda s: s.uploads()["withdrawn_by"].tolist()) == ["cli:opsuser"]


def test_audit_shows_the_log_and_uploads_as_plain_text(cli, tmp_path):
    v1, v2 = _files(tmp_path)
    cli("ingest", str(v1), str(v2), "--as", "ops-alice")
    cli("user", "add", "alice", "--role", "viewer", stdin=f"{PW}\n")
    cli("withdraw", "2", "--reason", "bad \x1b[31mred\x1b[0m value")
    code, out, _ = cli("audit")
    assert code == 0
    assert "Audit log (newest first, UTC):" in out and "Uploads (newest first, UTC):" in out
    assert "withdraw_upload" in out and "user_add" in out and "v1.csv" in out and "ops-alice" in out
    assert "withdrawn" in out and "by cli:opsuser: bad \\x1b[31mred\\x1b[0m value" in out
    assert "\x1b" not in out  # control characters are shown, never sent to the terminal
    assert PW not in out

    code, out, _ = cli("audit", "--json")
    data = json.loads(out)
    assert [u["upload_id"] for u in data["uploads"]] == [2, 1]
    assert data["uploads"][0]["withdrawn_by"] == "cli:opsuser"
    assert data["uploads"][1]["withdrawn_at"] is None
    assert {e["action"] for e in data["audit_log"]} == {"user_add", "withdraw_upload"}
    assert len(json.loads(cli("audit", "--json", "--limit", "1")[1])["audit_log"]) == 1


def test_audit_on_an_empty_database(cli, db_path):
    Store.open(db_path).close()
    code, out, _ = cli("audit")
    assert code == 0 and "(empty)" in out and "(none)" in out


# --- the demo ----------------------------------------------------------------------------------


@pytest.mark.slow
def test_demo_prints_how_to_log_in_and_its_users_work(tmp_path, capsys):
    demo = tmp_path / "demo.duckdb"
    args = [
        "demo",
        "--db",
        str(demo),
        "--targets",
        str(TARGETS),
        "--sample-dir",
        str(REPO / "data" / "sample"),
    ]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "  demo admin: user demo-admin, password demo-admin-2025\n" in out
    assert "  demo uploader for miit: user demo-miit, password demo-miit-2025\n" in out
    store = Store.open(demo)
    try:
        assert auth.view_mode(store) == "open"
        assert auth.authenticate(store, "demo-admin", "demo-admin-2025").user.role == "admin"
        assert auth.authenticate(store, "demo-miit", "demo-miit-2025").user.agencies == ("miit",)
    finally:
        store.close()
