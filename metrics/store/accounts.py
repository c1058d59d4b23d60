"""Accounts: users, their log-in failure and success counters, and the audit log.

Only reads and writes: who may do what, hashing and the lock-out policy live in
:mod:`metrics.access.auth`. Every change to a user is written together with its audit_log row,
in one transaction. Users are not data: these writes do not bump ``data_version``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from metrics.store import duckdb_engine as engine
from metrics.store.connection import Connection, now_utc

if TYPE_CHECKING:
    import pandas as pd


class Accounts(Connection):
    """The store's users and audit log."""

    _USER_FIELDS = ("password_hash", "disabled", "failed_logins", "locked_until")

    def user(self, name: str) -> dict | None:
        """One user's row with its password hash and lock-out state, or None when unknown."""
        cur = self.cursor()
        row = cur.execute(
            "SELECT name, role, agencies, password_hash, disabled, created_at, failed_logins, locked_until "
            "FROM users WHERE name = ?",
            [name],
        ).fetchone()
        return dict(zip([d[0] for d in cur.description], row, strict=True)) if row else None

    def users(self) -> pd.DataFrame:
        """Every user by name, without password hashes."""
        return engine.frame(
            self.cursor(),
            "SELECT name, role, agencies, disabled, created_at, failed_logins, locked_until "
            "FROM users ORDER BY name",
        )

    def insert_user(
        self, name: str, role: str, agencies: str, password_hash: str, *, actor: str, at: dt.datetime
    ) -> bool:
        """Add a user and its audit row; False (nothing written) when the name is taken."""
        with self._write_lock, self._transaction() as cur:
            if cur.execute("SELECT count(*) FROM users WHERE name = ?", [name]).fetchone()[0]:
                return False
            cur.execute(
                "INSERT INTO users (name, role, agencies, password_hash, disabled, created_at, failed_logins,"
                " locked_until) VALUES (?, ?, ?, ?, false, ?, 0, NULL)",
                [name, role, agencies, password_hash, at],
            )
            detail = f"user {name}: role {role}" + (f", agencies {agencies}" if agencies else "")
            cur.execute("INSERT INTO audit_log VALUES (?, ?, 'user_add', ?)", [at, actor, detail])
        return True

    def update_user(
        self, name: str, *, actor: str, action: str, detail: str, at: dt.datetime, **fields
    ) -> bool:
        """Set some of password_hash, disabled, failed_logins, locked_until and record ``action``.

        False (nothing written) when there is no such user.
        """
        unknown = set(fields) - set(self._USER_FIELDS)
        if unknown or not fields:
            raise ValueError(f"update_user: cannot set {sorted(unknown) or 'nothing'}")
        columns = [c for c in self._USER_FIELDS if c in fields]  # fixed names only, never caller text
        with self._write_lock, self._transaction() as cur:
            if not cur.execute("SELECT count(*) FROM users WHERE name = ?", [name]).fetchone()[0]:
                return False
            cur.execute(
                f"UPDATE users SET {', '.join(f'{c} = ?' for c in columns)} WHERE name = ?",
                [*(fields[c] for c in columns), name],
            )
            cur.execute("INSERT INTO audit_log VALUES (?, ?, ?, ?)", [at, actor, action, detail])
        return True

    def record_login_failure(
        self, name: str, at: dt.datetime, lock_for: Callable[[int], dt.timedelta | None], note: str = ""
    ) -> tuple[int, dt.datetime | None]:
        """Count one failed log-in of an existing user: (failures so far, locked until or None).

        ``lock_for(failures)`` gives how long to lock the account (a timedelta) or None;
        ``note`` is added to the audit entry.
        """
        with self._write_lock, self._transaction() as cur:
            row = cur.execute("SELECT failed_logins FROM users WHERE name = ?", [name]).fetchone()
            if row is None:
                return 0, None
            failures = int(row[0]) + 1
            wait = lock_for(failures)
            until = at + wait if wait else None
            cur.execute(
                "UPDATE users SET failed_logins = ?, locked_until = ? WHERE name = ?", [failures, until, name]
            )
            detail = f"failed attempt {failures}{note}"
            if until is not None:
                detail += f"; locked until {until:%Y-%m-%d %H:%M:%S} UTC"
            cur.execute("INSERT INTO audit_log VALUES (?, ?, 'login_failed', ?)", [at, name, detail])
        return failures, until

    def record_login_success(self, name: str, at: dt.datetime, new_hash: str | None = None) -> None:
        """Reset the failure count and lock; store ``new_hash`` when the hash was upgraded."""
        with self._write_lock, self._transaction() as cur:
            cur.execute(
                "UPDATE users SET failed_logins = 0, locked_until = NULL,"
                " password_hash = coalesce(?, password_hash) WHERE name = ?",
                [new_hash, name],
            )
            detail = "logged in" + ("; password hash upgraded" if new_hash else "")
            cur.execute("INSERT INTO audit_log VALUES (?, ?, 'login', ?)", [at, name, detail])

    def add_audit(self, actor: str, action: str, detail: str, at: dt.datetime | None = None) -> None:
        """Record one event that changes nothing else (a refused log-in or upload)."""
        with self._write_lock, self._transaction() as cur:
            cur.execute("INSERT INTO audit_log VALUES (?, ?, ?, ?)", [at or now_utc(), actor, action, detail])

    def audit_log(self, limit: int | None = None) -> pd.DataFrame:
        """Who did what (users, log-ins, withdrawals, refused uploads), newest first."""
        return engine.frame(
            self.cursor(),
            "SELECT logged_at, actor, action, detail FROM audit_log "
            f"ORDER BY logged_at DESC, {engine.INSERTION_ORDER} DESC LIMIT ?",
            [limit],
        )
