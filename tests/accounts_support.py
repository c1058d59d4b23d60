"""Accounts for the access and action tests: one user per role, cheap hashes, pinned times.

Loaded as a plugin by ``conftest.py``; a module opts in with
``pytestmark = pytest.mark.usefixtures("fast_and_clean")``.
"""

from __future__ import annotations

import datetime as dt

import pytest
from argon2 import PasswordHasher

from metrics.access import auth
from metrics.access import users as accounts
from metrics.store.database import Store

T0 = dt.datetime(2025, 11, 15, 9, 0, 0)
EARLIER = T0 - dt.timedelta(hours=1)
SECOND = dt.timedelta(seconds=1)
MICRO = dt.timedelta(microseconds=1)
PW = "secretpassword1"
HEADER = "indicator_id,period,agency_id,value,note\n"


def csv(*lines: str) -> bytes:
    return (HEADER + "".join(f"{line}\n" for line in lines)).encode()


@pytest.fixture
def fast_and_clean(monkeypatch):
    """No sleeping after failures, cheap hashes, and no environment overrides."""
    monkeypatch.setattr(auth, "FAILED_LOGIN_DELAY", 0)
    monkeypatch.setattr(auth, "HASHER", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    for var in ("METRICS_VIEW_LOGIN", "METRICS_SESSION_HOURS"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture
def users(store, registry):
    """One user per role: admin ``boss``, uploader ``miit-officer`` (miit), viewer ``reader``."""
    accounts.add_user(store, registry, "boss", "admin", [], "boss-password-1", actor="test", now=EARLIER)
    accounts.add_user(
        store, registry, "miit-officer", "uploader", ["miit"], "miit-password-1", actor="test", now=EARLIER
    )
    accounts.add_user(store, registry, "reader", "viewer", [], "reader-password-1", actor="test", now=EARLIER)
    return {
        "admin": ("boss", "boss-password-1"),
        "uploader": ("miit-officer", "miit-password-1"),
        "viewer": ("reader", "reader-password-1"),
    }


def login(store: Store, who: tuple[str, str], now: dt.datetime = T0) -> auth.Session:
    return auth.authenticate(store, who[0], who[1], now=now)
