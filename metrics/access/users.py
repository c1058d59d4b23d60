"""Creating and changing users (the operator's CLI and the admin's Users page), and the demo users.

The checks on names, passwords and sessions are :mod:`metrics.access.auth`'s; this module only adds
the rules of managing accounts. The plain functions take the actor's name and leave the
question of *who may* to the caller (the CLI operator on the server acts as administrator);
the ``*_as`` functions take a :class:`~metrics.access.auth.Session` and refuse anyone but a valid
admin, recording the admin's name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from metrics.access.auth import (
    ROLES,
    Session,
    User,
    as_utc,
    check_name,
    check_password,
    check_session,
    hash_password,
    require_admin,
    user_from_record,
)
from metrics.errors import MetricsError, NotFound, PermissionDenied
from metrics.plan.registry import Registry
from metrics.store.database import Store
from metrics.text import coded_error

# The demo database only: fixed, documented passwords (there is no default password elsewhere).
DEMO_USERS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("demo-admin", "demo-admin-2025", "admin", ()),
    ("demo-miit", "demo-miit-2025", "uploader", ("miit",)),
)


# --- managing users (the caller checks who may) -------------------------------------------------


def add_user(
    store: Store,
    registry: Registry,
    name: str,
    role: str,
    agencies: Iterable[str],
    password: str,
    actor: str,
    now: dt.datetime | None = None,
) -> User:
    """Create a user; uploaders need at least one known agency, other roles none.

    The caller decides who may do this: the CLI operator; a page uses :func:`add_user_as`.
    """
    chosen = check_new_user(store, registry, name, role, agencies)
    check_password(password, name)
    user = User(name, role, chosen, False)
    if not store.insert_user(
        name, role, ",".join(chosen), hash_password(password), actor=actor, at=as_utc(now)
    ):
        raise coded_error(MetricsError, "auth.user_exists", name=name)
    return user


def check_new_user(
    store: Store, registry: Registry, name: str, role: str, agencies: Iterable[str]
) -> tuple[str, ...]:
    """Everything :func:`add_user` checks except the password; the agencies it would store."""
    check_name(name)
    if role not in ROLES:
        raise coded_error(MetricsError, "auth.bad_role", role=str(role))
    chosen = _agencies(registry, role, agencies)
    taken = {n.casefold(): n for n in store.users()["name"]}
    if name.casefold() in taken:  # 'Alice' beside 'alice' would invite mistakes
        raise coded_error(MetricsError, "auth.user_exists", name=taken[name.casefold()])
    return chosen


def set_password(store: Store, name: str, password: str, actor: str, now: dt.datetime | None = None) -> None:
    """Replace a user's password; this also lifts a lock-out and ends the user's sessions."""
    check_password(password, name)
    done = store.update_user(
        name,
        actor=actor,
        action="user_passwd",
        detail=f"user {name}: password changed",
        at=as_utc(now),
        password_hash=hash_password(password),
        failed_logins=0,
        locked_until=None,
    )
    if not done:
        raise coded_error(NotFound, "auth.no_user", name=name)


def disable_user(store: Store, name: str, actor: str, now: dt.datetime | None = None) -> None:
    """Disable a user: no more log-ins, and its sessions end (nothing is deleted)."""
    _set_disabled(store, name, True, actor, now)


def enable_user(store: Store, name: str, actor: str, now: dt.datetime | None = None) -> None:
    """Enable a disabled user again."""
    _set_disabled(store, name, False, actor, now)


def _set_disabled(store: Store, name: str, disabled: bool, actor: str, now: dt.datetime | None) -> None:
    action = "user_disable" if disabled else "user_enable"
    word = "disabled" if disabled else "enabled"
    if not store.update_user(
        name, actor=actor, action=action, detail=f"user {name}: {word}", at=as_utc(now), disabled=disabled
    ):
        raise coded_error(NotFound, "auth.no_user", name=name)


def get_user(store: Store, name: str) -> User:
    """One user; NotFound when there is none."""
    record = store.user(name)
    if record is None:
        raise coded_error(NotFound, "auth.no_user", name=name)
    return user_from_record(record)


def _agencies(registry: Registry, role: str, agencies: Iterable[str]) -> tuple[str, ...]:
    chosen = []
    for item in agencies or ():
        for part in str(item).split(","):
            agency = part.strip().lower()
            if agency and agency not in chosen:
                chosen.append(agency)
    if role != "uploader":
        if chosen:
            raise coded_error(MetricsError, "auth.no_agency_for_role", role=role)
        return ()
    if not chosen:
        raise coded_error(MetricsError, "auth.agency_needed")
    for agency in chosen:
        if agency not in registry.agency:
            known = ", ".join(registry.agency)
            raise coded_error(NotFound, "auth.unknown_agency", agency=agency, known=known)
    return tuple(sorted(chosen))


# --- the demo ----------------------------------------------------------------------------------


def seed_demo_users(store: Store, registry: Registry) -> list[tuple[str, str, str, tuple[str, ...]]]:
    """Create the demo users (:data:`DEMO_USERS`) in a demo database; their (name, password, role,
    agencies). Refuses (PermissionDenied) on any other database."""
    if not store.is_demo:
        raise coded_error(PermissionDenied, "auth.demo_only")
    for name, password, role, agencies in DEMO_USERS:
        if store.user(name) is None:
            add_user(store, registry, name, role, agencies, password, actor="demo")
        else:
            set_password(store, name, password, actor="demo")
    return list(DEMO_USERS)


def demo_login_lines(users: Iterable[tuple[str, str, str, tuple[str, ...]]] = DEMO_USERS) -> list[str]:
    """One line per demo user saying how to log in."""
    lines = []
    for name, password, role, agencies in users:
        scope = f" for {', '.join(agencies)}" if agencies else ""
        lines.append(f"  demo {role}{scope}: user {name}, password {password}")
    return lines


# --- the same, for a signed-in administrator ---------------------------------------------------


def _admin(store: Store, session: Session | None, action: str, now: dt.datetime | None) -> str:
    live = check_session(store, session, now)
    require_admin(live, action, now)
    return live.user.name


def add_user_as(
    store: Store,
    registry: Registry,
    session: Session | None,
    name: str,
    role: str,
    agencies: Iterable[str],
    password: str,
    repeated: str | None = None,
    now: dt.datetime | None = None,
) -> User:
    """:func:`add_user` by a signed-in admin; ``repeated`` (when given) must equal ``password``."""
    actor = _admin(store, session, "add a user", now)
    check_new_user(store, registry, name, role, agencies)
    if repeated is not None and repeated != password:
        raise coded_error(MetricsError, "auth.password_mismatch")
    return add_user(store, registry, name, role, agencies, password, actor=actor, now=now)


def set_password_as(
    store: Store,
    session: Session | None,
    name: str,
    password: str,
    repeated: str | None = None,
    now: dt.datetime | None = None,
) -> None:
    """:func:`set_password` by a signed-in admin (the user's sessions end)."""
    actor = _admin(store, session, "reset a password", now)
    get_user(store, name)
    if repeated is not None and repeated != password:
        raise coded_error(MetricsError, "auth.password_mismatch")
    set_password(store, name, password, actor=actor, now=now)


def set_disabled_as(
    store: Store, session: Session | None, name: str, disabled: bool, now: dt.datetime | None = None
) -> None:
    """Disable or enable a user, by a signed-in admin; an admin may not disable their own account."""
    actor = _admin(store, session, "disable or enable a user", now)
    if disabled and name == actor:
        raise coded_error(PermissionDenied, "auth.not_yourself")
    (disable_user if disabled else enable_user)(store, name, actor=actor, now=now)
