"""Who may view, upload and administer: passwords, log-ins, sessions and permissions.

No Streamlit here. The pages and the CLI call these functions, and every permission rule
lives in this module (creating and changing users is :mod:`metrics.access.users`; the SQL stays in
:mod:`metrics.store.accounts`; the sentences are the ``auth.*`` keys of :mod:`metrics.text`).
Times are naive UTC ``datetime`` values, like the rest of the store; every function that depends on the clock
takes ``now=None`` so tests can pin it.

Roles
    ``viewer`` may view; ``uploader`` may also upload for its own agencies (one or more);
    ``admin`` may upload for every agency, manage users and withdraw uploads.
    Viewing needs a log-in only when :func:`view_mode` is ``"required"``
    (``METRICS_VIEW_LOGIN=open|required``; default ``open`` on the demo database, else
    ``required``). Uploading always needs a log-in. The CLI is run by an operator on the
    server: it acts for every agency and records the operator's name (``--as NAME``).

Passwords
    Hashed with argon2id (argon2-cffi); the plain text is never stored or logged. At least
    :data:`MIN_PASSWORD` characters. A hash made with older parameters is upgraded at the
    next successful log-in.

Log-in
    :func:`authenticate` raises :class:`~metrics.errors.AuthenticationFailed` with the same
    sentence for an unknown name, a wrong password and a disabled account. After
    :data:`LOCK_AFTER` failures in a row the account is locked for 30 s, doubling with every
    further failure up to 15 min; the message then says when to try again. Unknown names get
    the same treatment (counted in memory), so the replies never tell which names exist.
    Each failure also sleeps :data:`FAILED_LOGIN_DELAY` seconds (tests set it to 0, and may
    make :data:`HASHER` cheap: the real parameters take about half a second per hash). Every
    attempt is written to ``audit_log`` (an unknown name only abbreviated, in case it was a
    password typed into the wrong field).

Sessions
    A :class:`Session` lasts :func:`session_ttl` (8 h, or ``METRICS_SESSION_HOURS``) from the
    log-in; it does not slide. :func:`refresh` re-reads the user, so a disabled account, a
    changed role or a new password ends existing sessions at their next page run.

For the pages (keep the :class:`Session` in ``st.session_state``)::

    mode = auth.view_mode(store)
    session = auth.refresh(store, st.session_state.get("session"))  # None when logged out/ended
    # or auth.check_session(...): the same, but PermissionDenied says why it ended
    if not auth.can_view(session, mode):
        ...  # show the log-in form; on submit:
        try:
            st.session_state["session"] = auth.authenticate(store, name, password)
        except AuthenticationFailed as exc:
            st.error(text.error_text(exc, lang))  # metrics.text: plain text, in the page's language
    auth.can_upload(session), auth.is_admin(session)           # to show or hide controls
    # uploads and withdrawals as that session: metrics.actions.upload_as / withdraw
    # PermissionDenied / AuthenticationFailed: show text.error_text(exc, lang)

Every exception raised here is a :func:`metrics.text.coded_error` (catalogue key ``auth.<code>``);
:func:`metrics.text.error_text` renders it in Chinese or English (``str(exc)`` is English).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from typing import Literal, NoReturn, get_args

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from metrics import config
from metrics.errors import AuthenticationFailed, MetricsError, PermissionDenied
from metrics.store.connection import now_utc
from metrics.store.database import Store
from metrics.text import coded_error

Role = Literal["viewer", "uploader", "admin"]
ROLES: tuple[str, ...] = get_args(Role)
ViewMode = config.ViewMode

NAME_RE = re.compile(r"^[A-Za-z0-9_.@-]{2,64}$")
MIN_PASSWORD = 10
MAX_PASSWORD = 1024
SESSION_TTL = dt.timedelta(hours=config.DEFAULT_SESSION_HOURS)
LOCK_AFTER = 5
LOCK_BASE = dt.timedelta(seconds=30)
LOCK_MAX = dt.timedelta(minutes=15)
FAILED_LOGIN_DELAY = 0.75  # seconds slept after each failed log-in; tests set 0

# argon2id with the library's (RFC 9106) defaults. Tests may swap in cheap parameters, e.g.
# ``monkeypatch.setattr(auth, "HASHER", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))``.
HASHER = PasswordHasher()


# --- users and sessions ------------------------------------------------------------------------


@dataclass(frozen=True)
class User:
    """A user as the permission checks see it (never the password hash)."""

    name: str
    role: Role
    agencies: tuple[str, ...] = ()
    disabled: bool = False


@dataclass(frozen=True)
class Session:
    """A log-in: valid from ``issued_at`` until (not including) ``expires_at``."""

    user: User
    issued_at: dt.datetime
    expires_at: dt.datetime
    stamp: str = field(default="", repr=False)  # fingerprint of the password hash at log-in


def session_ttl() -> dt.timedelta:
    """How long a session lasts: ``METRICS_SESSION_HOURS`` if set, else :data:`SESSION_TTL`."""
    return config.settings().session_ttl


def session_valid(session: Session | None, now: dt.datetime | None = None) -> bool:
    """True while the session has not expired (it ends exactly at ``expires_at``)."""
    return isinstance(session, Session) and as_utc(now) < session.expires_at


def refresh(store: Store, session: Session | None, now: dt.datetime | None = None) -> Session | None:
    """The session with its user re-read from the database; None when expired or ended.

    It ends when the account was disabled or removed, or its password changed since the
    log-in. Call it at the top of every page run.
    """
    try:
        return check_session(store, session, now)
    except PermissionDenied:
        return None


def check_session(store: Store, session: Session | None, now: dt.datetime | None = None) -> Session:
    """Like :func:`refresh`, but PermissionDenied says why there is no session (``not_logged_in``,
    ``session_expired`` or ``session_ended``), for a page to tell the user."""
    if not isinstance(session, Session):
        raise coded_error(PermissionDenied, "auth.not_logged_in")
    if not session_valid(session, now):
        raise coded_error(PermissionDenied, "auth.session_expired")
    record = store.user(session.user.name)
    if record is None or record["disabled"] or _stamp(record["password_hash"]) != session.stamp:
        raise coded_error(PermissionDenied, "auth.session_ended")
    return replace(session, user=user_from_record(record))


def logout(store: Store, session: Session | None, now: dt.datetime | None = None) -> None:
    """Record that the user logged out (the page then forgets the session)."""
    if isinstance(session, Session):
        store.add_audit(session.user.name, "logout", "logged out", at=as_utc(now))


# --- passwords ---------------------------------------------------------------------------------


def hash_password(password: str) -> str:
    """An argon2id hash (``$argon2id$...``) of ``password``."""
    return HASHER.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``password_hash``; False for a malformed hash."""
    try:
        return HASHER.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with other parameters than the current ones."""
    try:
        return HASHER.check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


def check_password(password: str, name: str | None = None) -> None:
    """Raise MetricsError with a sentence when the password may not be used."""
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise coded_error(MetricsError, "auth.short_password", min=MIN_PASSWORD)
    if len(password) > MAX_PASSWORD:
        raise coded_error(MetricsError, "auth.long_password", max=MAX_PASSWORD)
    if name is not None and password.strip().casefold() == name.casefold():
        raise coded_error(MetricsError, "auth.password_is_name")


def check_name(name: str) -> str:
    """The name if it matches :data:`NAME_RE`; else MetricsError."""
    if not isinstance(name, str) or not NAME_RE.fullmatch(name):
        raise coded_error(MetricsError, "auth.bad_name", name=str(name)[:80])
    return name


@functools.cache
def _dummy_hash() -> str:
    return hash_password("not a password of anyone: equalises the time of unknown names")


def _stamp(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


def split_agencies(agencies: str | None) -> tuple[str, ...]:
    """The agencies of a ``users.agencies`` cell (comma-separated ids)."""
    return tuple(a for a in (agencies or "").split(",") if a)


def user_from_record(record: dict) -> User:
    """A :class:`User` from a row of :meth:`Store.user` (the password hash left behind)."""
    return User(record["name"], record["role"], split_agencies(record["agencies"]), bool(record["disabled"]))


# --- log-in ------------------------------------------------------------------------------------


def lock_delay(failures: int) -> dt.timedelta | None:
    """How long the account is locked after ``failures`` failures in a row (None: not locked)."""
    if failures < LOCK_AFTER:
        return None
    return min(LOCK_BASE * 2 ** min(failures - LOCK_AFTER, 20), LOCK_MAX)


# Unknown names are counted here, per database, so that they lock exactly like real accounts.
_GHOSTS: OrderedDict[tuple[str, str], tuple[int, dt.datetime | None]] = OrderedDict()
_GHOSTS_LOCK = threading.Lock()
_GHOSTS_MAX = 10_000


def authenticate(
    store: Store,
    name: str,
    password: str,
    now: dt.datetime | None = None,
    delay: float | None = None,
) -> Session:
    """Log in: a :class:`Session`, or AuthenticationFailed (one sentence for every failure).

    ``delay`` overrides :data:`FAILED_LOGIN_DELAY` (seconds slept after a failure).
    """
    now = as_utc(now)
    name = name.strip() if isinstance(name, str) else ""
    password = password if isinstance(password, str) else ""
    record = store.user(name) if NAME_RE.fullmatch(name) else None
    if record is None:
        _unknown_name(store, name, password, now, delay)
    locked = record["locked_until"]
    if locked is not None and now < locked:
        store.add_audit(name, "login_locked", "refused: account locked", at=now)
        raise _locked(locked, now)
    # Checked even for a disabled account, so that the reply takes the same time.
    good = len(password) <= MAX_PASSWORD and verify_password(record["password_hash"], password)
    if not good or record["disabled"]:
        note = " (account disabled)" if record["disabled"] else ""
        _, until = store.record_login_failure(name, now, lock_delay, note)
        _pause(delay)
        raise _locked(until, now) if until else coded_error(AuthenticationFailed, "auth.login_failed")
    new_hash = hash_password(password) if needs_rehash(record["password_hash"]) else None
    store.record_login_success(name, now, new_hash)
    return Session(
        user=user_from_record(record),
        issued_at=now,
        expires_at=now + session_ttl(),
        stamp=_stamp(new_hash or record["password_hash"]),
    )


def _unknown_name(store: Store, name: str, password: str, now: dt.datetime, delay: float | None) -> NoReturn:
    verify_password(_dummy_hash(), password[:MAX_PASSWORD])  # the same work as for a real account
    key = (store.path, name)
    shown = f"{name[:2]}… ({len(name)} characters)" if name else "(empty)"
    with _GHOSTS_LOCK:
        failures, until = _GHOSTS.get(key, (0, None))
        if until is not None and now < until:
            locked = True
        else:
            locked = False
            failures += 1
            wait = lock_delay(failures)
            until = now + wait if wait else None
            _GHOSTS[key] = (failures, until)
            _GHOSTS.move_to_end(key)
            while len(_GHOSTS) > _GHOSTS_MAX:
                _GHOSTS.popitem(last=False)
    if locked:
        store.add_audit(f"unknown:{shown}", "login_locked", "refused: name locked", at=now)
        raise _locked(until, now)
    store.add_audit(f"unknown:{shown}", "login_failed", f"unknown user; failed attempt {failures}", at=now)
    _pause(delay)
    raise _locked(until, now) if until else coded_error(AuthenticationFailed, "auth.login_failed")


def _locked(until: dt.datetime, now: dt.datetime) -> MetricsError:
    seconds = max(1, int(-(-(until - now).total_seconds() // 1)))  # rounded up
    until_text = f"{until:%Y-%m-%d %H:%M:%S}"
    return coded_error(AuthenticationFailed, "auth.locked", seconds=seconds, until=until_text)


def _pause(delay: float | None) -> None:
    seconds = FAILED_LOGIN_DELAY if delay is None else delay
    if seconds > 0:
        time.sleep(seconds)


# --- permissions -------------------------------------------------------------------------------


def view_mode(store: Store, demo: bool | None = None) -> ViewMode:
    """``METRICS_VIEW_LOGIN`` if set, else ``open`` on the demo database and ``required`` otherwise.

    ``demo`` says whether ``store`` is the demo database when the caller knows already.
    """
    mode = config.settings().view_login
    if mode is None:
        return "open" if (store.is_demo if demo is None else demo) else "required"
    return mode


def can_view(session: Session | None, mode: str, now: dt.datetime | None = None) -> bool:
    """Whether the pages may be shown: always when open, else with a valid session."""
    return mode == "open" or session_valid(session, now)


def can_upload(session: Session | None, now: dt.datetime | None = None) -> bool:
    """Whether to offer uploading (an uploader or admin with a valid session)."""
    try:
        require_upload(session, now)
    except PermissionDenied:
        return False
    return True


def is_admin(session: Session | None, now: dt.datetime | None = None) -> bool:
    """Whether to offer administration (an admin with a valid session)."""
    try:
        require_admin(session, now=now)
    except PermissionDenied:
        return False
    return True


def allowed_agencies(session: Session | None) -> frozenset[str] | None:
    """The agencies this session may upload for: None means all (admin); empty means none."""
    if not isinstance(session, Session):
        return frozenset()
    if session.user.role == "admin":
        return None
    if session.user.role == "uploader":
        return frozenset(session.user.agencies)
    return frozenset()


def require_upload(session: Session | None, now: dt.datetime | None = None) -> None:
    """PermissionDenied unless the session is valid and may upload for some agency."""
    _require_valid(session, now)
    role = session.user.role
    if role == "admin" or (role == "uploader" and session.user.agencies):
        return
    raise coded_error(PermissionDenied, "auth.cannot_upload", role=role)


def require_admin(session: Session | None, action: str = "administration", now: dt.datetime | None = None):
    """PermissionDenied unless the session is a valid admin session."""
    _require_valid(session, now)
    if session.user.role != "admin":
        raise coded_error(PermissionDenied, "auth.admin_only", action=action)


def _require_valid(session: Session | None, now: dt.datetime | None) -> None:
    if not isinstance(session, Session):
        raise coded_error(PermissionDenied, "auth.not_logged_in")
    if not session_valid(session, now):
        raise coded_error(PermissionDenied, "auth.session_expired")


def as_utc(now: dt.datetime | None) -> dt.datetime:
    """``now`` as naive UTC; the current time when None."""
    if now is None:
        return now_utc()
    if now.tzinfo is not None:
        return now.astimezone(dt.UTC).replace(tzinfo=None)
    return now
