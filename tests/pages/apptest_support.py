"""What the AppTest page tests share: a server-like navigation mode, kept download files,
cheap password hashing, users per role and logging in through the form.

AppTest resets ``PagesManager.uses_pages_directory`` before every run, so each run would
start in the legacy ``pages/``-directory mode that a real server leaves after its first run
(``pages.frame.page.ensure_entry_point`` then reruns, and a rerun drops button clicks).
:func:`server_like` keeps it off, as on a running server.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import ClassVar

import pytest
import streamlit as st
from argon2 import PasswordHasher
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1 import app_test as app_test_module

from metrics.access import auth, users
from metrics.plan.registry import load_registry
from metrics.store.database import Store

REPO = Path(__file__).resolve().parents[2]
TARGETS = REPO / "targets.yaml"
ROLE_USERS = {  # role -> (name, password, agencies)
    "admin": ("boss", "boss-password-1", ()),
    "uploader": ("miit-officer", "miit-password-1", ("miit",)),
    "viewer": ("reader", "reader-password-1", ()),
}


class _ServerPages(PagesManager):
    def __init__(self, *args, **kwargs):
        PagesManager.uses_pages_directory = False  # as after a real server's first run
        super().__init__(*args, **kwargs)


class KeptMedia(MemoryMediaFileStorage):
    """AppTest's media storage, kept after the run so download bytes can be read."""

    last: MemoryMediaFileStorage | None = None

    def __init__(self, endpoint: str):
        super().__init__(endpoint)
        KeptMedia.last = self


class Deferred:
    """Callables handed to ``st.download_button(data=callable)``, by file name."""

    made: ClassVar[dict[str, object]] = {}


def server_like(monkeypatch: pytest.MonkeyPatch) -> None:
    """Navigation as on a running server, download files kept, fast log-ins, no env overrides, fixed today."""
    monkeypatch.setattr(app_test_module, "PagesManager", _ServerPages)
    monkeypatch.setattr(app_test_module, "MemoryMediaFileStorage", KeptMedia)
    real_add = MediaFileManager.add_deferred

    def add_deferred(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        Deferred.made[file_name] = data_callable
        return real_add(self, data_callable, mimetype, coordinates, file_name=file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", add_deferred)
    monkeypatch.setattr(auth, "FAILED_LOGIN_DELAY", 0)
    monkeypatch.setattr(auth, "HASHER", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    for var in ("METRICS_VIEW_LOGIN", "METRICS_SESSION_HOURS"):
        monkeypatch.delenv(var, raising=False)
    # The page tests' data run to 2025Q3, so "today" is in 2025Q4 (the default as-of quarter is the
    # last complete one); a test of the final assessment sets its own.
    monkeypatch.setenv("METRICS_TODAY", "2025-10-15")
    st.cache_resource.clear()
    st.cache_data.clear()


def add_role_users(path: Path) -> None:
    """One user per role (see :data:`ROLE_USERS`) in the database at ``path``."""
    registry = load_registry(TARGETS)
    store = Store(path)
    try:
        for role, (name, password, agencies) in ROLE_USERS.items():
            users.add_user(store, registry, name, role, agencies, password, actor="test")
    finally:
        store.close()


def download(at: AppTest, key: str):
    """The file behind a download button (``.content`` bytes, ``.filename``)."""
    url = at.download_button(key=key).proto.url
    return KeptMedia.last.get_file(url.rsplit("/", 1)[-1])


def settle(at: AppTest) -> AppTest:
    """After a run in which the app may have switched pages itself (``st.switch_page``): the
    next run stays where it ended, as a browser's address bar follows. (AppTest would go on
    requesting the page of the last ``AppTest.switch_page``.)"""
    assert not at.exception, [e.value for e in at.exception]
    at._page_hash = ""
    return at


def app(lang: str = "zh", page: str | None = None, **params: str) -> AppTest:
    """The dashboard, run once (``page``: open that file first, like following a link to it)."""
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=30)
    at.query_params["lang"] = lang
    for key, value in params.items():
        at.query_params[key] = value
    if page:
        at.switch_page(f"pages/{page}.py")
    return settle(at.run())


def open_page(at: AppTest, page: str) -> AppTest:
    """Go to ``pages/<page>.py`` (it must be in this run's navigation as a file)."""
    return settle(at.switch_page(f"pages/{page}.py").run())


def run(at: AppTest) -> AppTest:
    return settle(at.run())


def log_in(at: AppTest, name: str, password: str) -> AppTest:
    """Fill in and submit the log-in form (opening the log-in page first if needed)."""
    if not [t for t in at.text_input if t.key == "login_name"]:
        open_page(at, "login")
    at.text_input(key="login_name").input(name)
    at.text_input(key="login_password").input(password)
    submit = [b for b in at.button if b.key.startswith("FormSubmitter:login")]
    submit[0].click()
    return run(at)


def log_in_as(at: AppTest, role: str) -> AppTest:
    name, password, _ = ROLE_USERS[role]
    return log_in(at, name, password)


def menu(at: AppTest) -> list[str]:
    """URL paths of the pages the sidebar menu offers in the last run."""
    return list(at.session_state["auth_menu"])


def page_titles(at: AppTest) -> list[str]:
    return [t.value for t in at.title]


@contextmanager
def opened(path: Path) -> Iterator[Store]:
    """A store on ``path`` for the length of a ``with`` block (reads and seeding in tests)."""
    s = Store(path)
    try:
        yield s
    finally:
        s.close()
