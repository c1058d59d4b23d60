"""Access control in ``metrics.access.auth``: users, passwords, log-in, sessions, roles, audit trail."""

from __future__ import annotations

import datetime as dt

import pytest
from accounts_support import MICRO, PW, SECOND, T0, csv, login
from argon2 import PasswordHasher

from metrics import actions
from metrics.access import auth
from metrics.access import users as accounts
from metrics.errors import AuthenticationFailed, MetricsError, NotFound, PermissionDenied
from metrics.store.database import Store
from metrics.text import CATALOG, error_text

pytestmark = pytest.mark.usefixtures("fast_and_clean")


def failure(store: Store, name: str, password: str, now: dt.datetime) -> str:
    with pytest.raises(AuthenticationFailed) as info:
        auth.authenticate(store, name, password, now=now)
    return str(info.value)


# --- passwords ---------------------------------------------------------------------------------


@pytest.mark.duckdb_only  # reads the file's bytes; tests/store/test_postgres.py checks the server
def test_hash_is_argon2id_and_the_password_is_nowhere_in_the_database_file(
    store, registry, db_path, monkeypatch
):
    monkeypatch.setattr(auth, "HASHER", PasswordHasher())  # the production parameters
    accounts.add_user(store, registry, "alice", "uploader", ["miit"], PW, actor="test")
    login(store, ("alice", PW))
    failure(store, "alice", PW + "x", T0)
    stored = store.user("alice")["password_hash"]
    assert stored.startswith("$argon2id$")
    assert PW not in stored
    assert auth.verify_password(stored, PW)
    assert not auth.verify_password(stored, PW + "x")
    assert not auth.verify_password(stored, "")
    assert not auth.verify_password("not a hash", PW)
    assert "password_hash" not in store.users().columns
    store.cursor().execute("CHECKPOINT")
    files = [db_path, db_path.with_name(db_path.name + ".wal")]
    blob = b"".join(p.read_bytes() for p in files if p.exists())
    assert stored.encode() in blob  # the hash is there, so the file was really read
    for encoding in ("utf-8", "utf-16-le"):
        assert PW.encode(encoding) not in blob


def test_a_hash_made_with_older_parameters_is_upgraded_at_log_in(store, registry, monkeypatch):
    accounts.add_user(store, registry, "alice", "viewer", [], PW, actor="test")
    old = store.user("alice")["password_hash"]
    monkeypatch.setattr(auth, "HASHER", PasswordHasher(time_cost=2, memory_cost=16, parallelism=1))
    assert auth.needs_rehash(old)
    session = login(store, ("alice", PW))
    new = store.user("alice")["password_hash"]
    assert new != old and "t=2" in new and auth.verify_password(new, PW)
    assert auth.refresh(store, session, T0) is not None
    log = store.audit_log()
    assert log[log["action"] == "login"]["detail"].tolist() == ["logged in; password hash upgraded"]


@pytest.mark.parametrize(
    ("password", "expected"),
    [
        ("short", "The password is too short: use at least 10 characters."),
        ("123456789", "The password is too short: use at least 10 characters."),
        ("x" * 1025, "The password is too long: use at most 1024 characters."),
        ("Alice-2025", "The password must not be the user name."),
    ],
)
def test_password_policy(store, registry, password, expected):
    with pytest.raises(MetricsError) as info:
        accounts.add_user(store, registry, "alice-2025", "viewer", [], password, actor="test")
    assert str(info.value) == expected
    assert store.user("alice-2025") is None


# --- managing users ----------------------------------------------------------------------------


def test_add_list_disable_enable_and_every_change_is_audited(store, registry):
    accounts.add_user(store, registry, "alice", "uploader", ["SAMR", "miit", "miit,samr"], PW, actor="ops")
    accounts.add_user(store, registry, "bob", "admin", (), PW, actor="ops")
    assert [accounts.get_user(store, n) for n in store.users()["name"]] == [
        auth.User("alice", "uploader", ("miit", "samr"), False),
        auth.User("bob", "admin", (), False),
    ]
    accounts.disable_user(store, "alice", actor="ops")
    assert accounts.get_user(store, "alice").disabled
    accounts.enable_user(store, "alice", actor="ops")
    accounts.set_password(store, "alice", "another-password", actor="ops")
    log = store.audit_log()
    assert list(log["action"])[::-1] == ["user_add", "user_add", "user_disable", "user_enable", "user_passwd"]
    assert set(log["actor"]) == {"ops"}
    assert log["detail"].iloc[-1] == "user alice: role uploader, agencies miit,samr"
    assert not log["detail"].str.contains(PW).any()


@pytest.mark.parametrize(
    ("name", "role", "agencies", "error", "expected"),
    [
        (
            "x",
            "viewer",
            [],
            MetricsError,
            "User name 'x' is not allowed: use 2 to 64 letters, digits, '_', '.', '@' or '-'.",
        ),
        (
            "a b",
            "viewer",
            [],
            MetricsError,
            "User name 'a b' is not allowed: use 2 to 64 letters, digits, '_', '.', '@' or '-'.",
        ),
        ("alice", "root", [], MetricsError, "Unknown role 'root'; use viewer, uploader or admin."),
        ("alice", "uploader", [], MetricsError, "An uploader needs at least one agency (--agency ID)."),
        (
            "alice",
            "admin",
            ["miit"],
            MetricsError,
            "Role admin takes no agency: only uploaders are limited to agencies.",
        ),
        (
            "alice",
            "viewer",
            ["miit"],
            MetricsError,
            "Role viewer takes no agency: only uploaders are limited to agencies.",
        ),
    ],
)
def test_add_user_refuses_with_a_sentence(store, registry, name, role, agencies, error, expected):
    with pytest.raises(error) as info:
        accounts.add_user(store, registry, name, role, agencies, PW, actor="test")
    assert str(info.value) == expected
    assert store.users().empty and store.audit_log().empty


def test_unknown_agency_is_named(store, registry):
    with pytest.raises(NotFound) as info:
        accounts.add_user(store, registry, "alice", "uploader", ["miit", "mitt"], PW, actor="test")
    assert str(info.value).startswith("Unknown agency 'mitt'; known agencies: samr, cac, ")
    assert store.users().empty


def test_duplicate_and_missing_users(store, registry):
    accounts.add_user(store, registry, "alice", "viewer", [], PW, actor="test")
    with pytest.raises(MetricsError, match=r"^User 'alice' already exists\.$"):
        accounts.add_user(store, registry, "alice", "admin", [], PW, actor="test")
    with pytest.raises(MetricsError, match=r"^User 'alice' already exists\.$"):
        accounts.add_user(
            store, registry, "Alice", "admin", [], PW, actor="test"
        )  # names differ only in case
    assert accounts.get_user(store, "alice").role == "viewer"
    for change in (accounts.disable_user, accounts.enable_user):
        with pytest.raises(NotFound, match=r"^There is no user 'ghost'\.$"):
            change(store, "ghost", actor="test")
    with pytest.raises(NotFound, match="ghost"):
        accounts.set_password(store, "ghost", PW, actor="test")


def test_messages_come_in_both_languages(store, registry):
    with pytest.raises(MetricsError) as info:
        accounts.add_user(store, registry, "alice", "viewer", [], "short", actor="test")
    assert error_text(info.value, "en") == str(info.value)
    assert error_text(info.value, "zh") == "密码太短：至少需要 10 个字符。"
    texts = {k: v for k, v in CATALOG.items() if k.startswith("auth.")}
    assert texts and all(set(v) == {"en", "zh"} for v in texts.values())


# --- log-in ------------------------------------------------------------------------------------


def test_log_in_gives_a_session_that_expires_at_exactly_its_ttl(store, users):
    session = login(store, users["uploader"])
    assert session.user == auth.User("miit-officer", "uploader", ("miit",), False)
    assert session.issued_at == T0
    assert session.expires_at == T0 + auth.SESSION_TTL == T0 + dt.timedelta(hours=8)
    assert auth.session_valid(session, T0)
    assert auth.session_valid(session, session.expires_at - MICRO)
    assert not auth.session_valid(session, session.expires_at)
    assert not auth.session_valid(None, T0)
    assert auth.refresh(store, session, session.expires_at - MICRO) == session
    assert auth.refresh(store, session, session.expires_at) is None
    with pytest.raises(PermissionDenied, match="expired"):
        auth.require_upload(session, now=session.expires_at)


def test_session_length_from_the_environment(store, users, monkeypatch):
    monkeypatch.setenv("METRICS_SESSION_HOURS", "2")
    assert login(store, users["viewer"]).expires_at == T0 + dt.timedelta(hours=2)
    monkeypatch.setenv("METRICS_SESSION_HOURS", "forever")
    with pytest.raises(MetricsError, match="METRICS_SESSION_HOURS"):
        auth.session_ttl()


def test_one_generic_sentence_for_unknown_user_wrong_password_and_disabled_account(store, users):
    accounts.disable_user(store, "reader", actor="test")
    wrong = failure(store, "boss", "not-the-password", T0)
    unknown = failure(store, "nobody-here", "not-the-password", T0)
    disabled = failure(store, "reader", "reader-password-1", T0)  # the right password
    bad_name = failure(store, "<script>", "x", T0)
    huge = failure(store, "boss", "x" * 100_000, T0)
    assert wrong == unknown == disabled == bad_name == huge == "Wrong user name or password."
    log = store.audit_log()
    assert log[log["actor"] == "reader"]["detail"].tolist() == ["failed attempt 1 (account disabled)"]


def test_disabled_user_cannot_log_in_and_loses_live_sessions(store, users):
    session = login(store, users["uploader"])
    accounts.disable_user(store, "miit-officer", actor="boss")
    assert auth.refresh(store, session, T0) is None
    with pytest.raises(PermissionDenied, match="ended"):
        actions.upload_as(store, None, session, csv("x"), "q.csv", now=T0)
    failure(store, *users["uploader"], T0)
    accounts.enable_user(store, "miit-officer", actor="boss")
    assert login(store, users["uploader"]).user.name == "miit-officer"


def test_password_change_ends_sessions_and_the_old_password(store, users):
    session = login(store, users["viewer"])
    accounts.set_password(store, "reader", "a-new-password", actor="reader")
    assert auth.refresh(store, session, T0) is None
    failure(store, *users["viewer"], T0)
    assert login(store, ("reader", "a-new-password")).user.role == "viewer"


def test_lock_delay_doubles_from_30_seconds_up_to_15_minutes():
    assert [auth.lock_delay(n) for n in range(1, 5)] == [None] * 4
    seconds = [auth.lock_delay(n).total_seconds() for n in (5, 6, 7, 8, 9, 10, 11, 1000)]
    assert seconds == [30, 60, 120, 240, 480, 900, 900, 900]


def test_lockout_after_five_failures_with_exact_timing(store, users):
    name, password = users["admin"]
    for i in range(4):
        assert failure(store, name, "wrong-password", T0 + i * SECOND) == "Wrong user name or password."
    fifth = T0 + 4 * SECOND
    assert failure(store, name, "wrong-password", fifth) == (
        "Too many failed log-ins; try again in 30 seconds (after 2025-11-15 09:00:34 UTC)."
    )
    record = store.user(name)
    assert record["failed_logins"] == 5 and record["locked_until"] == fifth + 30 * SECOND
    # While locked even the right password is refused, and the wait is not extended.
    assert failure(store, name, password, fifth + 29 * SECOND) == (
        "Too many failed log-ins; try again in 1 seconds (after 2025-11-15 09:00:34 UTC)."
    )
    assert failure(store, name, password, fifth + 30 * SECOND - MICRO).startswith("Too many failed log-ins")
    assert store.user(name)["failed_logins"] == 5
    # The sixth failure locks for 60 s, the seventh for 120 s.
    sixth = fifth + 30 * SECOND
    assert "try again in 60 seconds" in failure(store, name, "wrong-password", sixth)
    seventh = sixth + 60 * SECOND
    assert "try again in 120 seconds" in failure(store, name, "wrong-password", seventh)
    # Once the lock has passed, the right password works and resets the count.
    session = login(store, users["admin"], now=seventh + 120 * SECOND)
    assert session.user.role == "admin"
    assert store.user(name)["failed_logins"] == 0 and store.user(name)["locked_until"] is None
    assert failure(store, name, "wrong-password", seventh + 121 * SECOND) == "Wrong user name or password."


def test_unknown_names_lock_exactly_like_real_accounts(store, users):
    real = [failure(store, "boss", "wrong-password", T0 + i * SECOND) for i in range(6)]
    ghost = [failure(store, "nobody-here", "wrong-password", T0 + i * SECOND) for i in range(6)]
    assert real == ghost
    assert real[4].startswith("Too many failed log-ins")


def test_set_password_lifts_a_lockout(store, users):
    for i in range(5):
        failure(store, "reader", "wrong-password", T0 + i * SECOND)
    accounts.set_password(store, "reader", "fresh-password", actor="boss")
    assert login(store, ("reader", "fresh-password"), now=T0 + 5 * SECOND).user.name == "reader"


def test_each_attempt_is_audited_without_the_password(store, users):
    login(store, users["uploader"])
    for i in range(5):
        failure(store, "miit-officer", "typed-wrong-secret", T0 + (i + 1) * SECOND)
    failure(store, "miit-officer", "miit-password-1", T0 + 6 * SECOND)  # locked
    failure(store, "my-secret-password", "whatever-it-is", T0)  # a password typed as the name
    log = store.audit_log()
    mine = log[log["actor"] == "miit-officer"]
    assert list(mine["action"])[::-1] == ["login"] + ["login_failed"] * 5 + ["login_locked"]
    assert mine["detail"].iloc[1] == "failed attempt 5; locked until 2025-11-15 09:00:35 UTC"
    unknown = log[log["actor"].str.startswith("unknown:")]
    assert list(unknown["actor"]) == ["unknown:my… (18 characters)"]
    text = " ".join(log.astype(str).to_numpy().ravel())
    for secret in ("miit-password-1", "typed-wrong-secret", "my-secret-password", "whatever-it-is"):
        assert secret not in text


def test_failed_log_in_sleeps_the_configured_delay(store, users, monkeypatch):
    slept = []
    monkeypatch.setattr(auth.time, "sleep", slept.append)
    monkeypatch.setattr(auth, "FAILED_LOGIN_DELAY", 0.75)
    failure(store, "boss", "wrong-password", T0)
    with pytest.raises(AuthenticationFailed):
        auth.authenticate(store, "boss", "wrong-password", now=T0, delay=0)
    login(store, users["admin"], now=T0 + SECOND)
    assert slept == [0.75]


# --- permissions -------------------------------------------------------------------------------


def test_view_mode_default_and_override(store, monkeypatch):
    assert auth.view_mode(store) == "required"
    store.set_meta("demo", "true")
    assert auth.view_mode(store) == "open"
    monkeypatch.setenv("METRICS_VIEW_LOGIN", "required")
    assert auth.view_mode(store) == "required"
    store.set_meta("demo", "false")
    monkeypatch.setenv("METRICS_VIEW_LOGIN", " Open ")
    assert auth.view_mode(store) == "open"
    monkeypatch.setenv("METRICS_VIEW_LOGIN", "yes")
    with pytest.raises(MetricsError, match="METRICS_VIEW_LOGIN must be 'open' or 'required'"):
        auth.view_mode(store)


def test_who_may_view_upload_and_administer(store, users):
    sessions = {role: login(store, who) for role, who in users.items()}
    assert auth.can_view(None, "open") and not auth.can_view(None, "required")
    for session in sessions.values():
        assert auth.can_view(session, "required", T0)
        assert not auth.can_view(session, "required", session.expires_at)
    assert auth.allowed_agencies(sessions["admin"]) is None
    assert auth.allowed_agencies(sessions["uploader"]) == frozenset({"miit"})
    assert auth.allowed_agencies(sessions["viewer"]) == frozenset()
    assert auth.allowed_agencies(None) == frozenset()
    assert [auth.can_upload(sessions[r], T0) for r in ("admin", "uploader", "viewer")] == [True, True, False]
    assert [auth.is_admin(sessions[r], T0) for r in ("admin", "uploader", "viewer")] == [True, False, False]
    assert not auth.can_upload(None) and not auth.is_admin(None)
    auth.require_admin(sessions["admin"], now=T0)
    with pytest.raises(PermissionDenied, match=r"^Only an administrator may do this \(administration\)\.$"):
        auth.require_admin(sessions["uploader"], now=T0)
    with pytest.raises(PermissionDenied, match=r"^Log in first\.$"):
        auth.require_upload(None)


def test_demo_users_only_in_the_demo_database(store, registry):
    with pytest.raises(PermissionDenied, match="only in the demo database"):
        accounts.seed_demo_users(store, registry)
    assert store.users().empty
    store.set_meta("demo", "true")
    seeded = accounts.seed_demo_users(store, registry)
    assert seeded == [
        ("demo-admin", "demo-admin-2025", "admin", ()),
        ("demo-miit", "demo-miit-2025", "uploader", ("miit",)),
    ]
    assert accounts.seed_demo_users(store, registry) == seeded  # again: same users, same passwords
    for name, password, role, agencies in seeded:
        session = auth.authenticate(store, name, password, now=T0)
        assert (session.user.role, session.user.agencies) == (role, agencies)
    lines = accounts.demo_login_lines(seeded)
    assert lines == [
        "  demo admin: user demo-admin, password demo-admin-2025",
        "  demo uploader for miit: user demo-miit, password demo-miit-2025",
    ]


@pytest.mark.postgres_only
def test_across_servers_lock_outs_count_together_and_a_session_follows_the_account(store, users, db_path):
    """Server A (``store``) and server B (a second store on the same database): failures on both
    add up to one lock-out; a session made on A, checked on B, ends when B disables the account."""
    other = Store.open(db_path)
    try:
        name = users["admin"][0]
        for i in range(4):
            failure(store if i % 2 else other, name, "wrong-password", T0 + i * SECOND)
        assert failure(other, name, "wrong-password", T0 + 4 * SECOND).startswith("Too many failed log-ins")
        assert store.user(name)["failed_logins"] == 5
        session = login(store, users["uploader"])
        assert auth.refresh(other, session, T0).user.name == "miit-officer"
        accounts.disable_user(other, "miit-officer", actor="boss")
        assert auth.refresh(store, session, T0) is None
    finally:
        other.close()
