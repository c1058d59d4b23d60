"""Every ``METRICS_*`` setting and limit, read and checked in one place.

:func:`settings` reads the environment into a frozen :class:`Settings`; a command or a page
run reads it once at its start and passes the values on. A flag (``--db``, ``--targets``)
wins over the environment, which wins over the default. A value that cannot be used raises
:class:`~metrics.errors.ConfigError` naming every such variable at once.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from metrics.errors import ConfigError
from metrics.text import t

ViewMode = Literal["open", "required"]

DEFAULT_DB = "data/progress.duckdb"
DEFAULT_TARGETS = "targets.yaml"
DEMO_DB = "data/demo.duckdb"
DB_HELP = f"DuckDB file or postgresql:// URL (default: $METRICS_DB or {DEFAULT_DB})"  # every --db
SAMPLE_DIR = "data/sample"

DEFAULT_SESSION_HOURS = 8.0
SESSION_HOURS_RANGE = (0.1, 720.0)
DEFAULT_DB_WAIT = 5.0
DEFAULT_REPORT_DUE_DAYS = 30
DEFAULT_PUBLIC_URL = "http://localhost:8501"
DEFAULT_SMTP_PORT = 587
_YES, _NO = ("1", "true", "yes", "on"), ("0", "false", "no", "off")

# Limits that are not settings: the largest file a person could mean to upload.
MAX_ROWS = 1_000_000

# variable -> what it sets (the README's configuration table lists the same names; a test checks)
VARIABLES = {
    "METRICS_DB": "the database: a DuckDB file or a postgresql:// URL",
    "METRICS_TARGETS": "the registry",
    "METRICS_VIEW_LOGIN": "whether viewing needs a log-in",
    "METRICS_SESSION_HOURS": "how long a log-in lasts",
    "METRICS_DB_WAIT": "seconds a command waits for a database another process holds",
    "METRICS_REPORT_DUE_DAYS": "days after a quarter's end by which its figures are due",
    "METRICS_PUBLIC_URL": "the dashboard's address, for links in reminders",
    "METRICS_SMTP_HOST": "the mail server reminders are sent through",
    "METRICS_SMTP_PORT": "its port",
    "METRICS_SMTP_USER": "the user name to log in to it (none: no log-in)",
    "METRICS_SMTP_PASSWORD": "its password (never printed)",
    "METRICS_SMTP_FROM": "the sender address of reminders",
    "METRICS_SMTP_STARTTLS": "whether to switch the connection to TLS before logging in",
    "METRICS_TODAY": "the date the views take as today (default: the system date)",
}


@dataclass(frozen=True)
class Smtp:
    """The mail server reminders go through; the password is never shown (not even in repr)."""

    host: str = ""
    port: int = DEFAULT_SMTP_PORT
    user: str = ""
    password: str = field(default="", repr=False)
    sender: str = ""
    starttls: bool = True

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"


@dataclass(frozen=True)
class Settings:
    """The environment's settings, checked."""

    db: str = DEFAULT_DB
    targets: str = DEFAULT_TARGETS
    view_login: ViewMode | None = None  # None: open on the demo database, required elsewhere
    session_hours: float = DEFAULT_SESSION_HOURS
    db_wait: float = DEFAULT_DB_WAIT
    report_due_days: int = DEFAULT_REPORT_DUE_DAYS
    public_url: str = DEFAULT_PUBLIC_URL
    smtp: Smtp = field(default_factory=Smtp)
    today: dt.date | None = None  # None: the system date (METRICS_TODAY fixes it, e.g. in tests)

    @property
    def date(self) -> dt.date:
        """Today: ``METRICS_TODAY`` when set, else the system date (the one place reading the clock)."""
        return self.today or dt.date.today()

    @property
    def session_ttl(self) -> dt.timedelta:
        return dt.timedelta(hours=self.session_hours)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read ``env`` (default: ``os.environ``); every unusable value is named at once."""
        env = os.environ if env is None else env
        problems: list[tuple[str, dict]] = []

        def raw(name: str) -> str:
            return (env.get(name) or "").strip()

        view = raw("METRICS_VIEW_LOGIN")
        view_login = view.lower() or None
        if view_login not in (None, "open", "required"):
            problems.append(("bad_view_mode", {"value": view}))
        hours = _number(raw("METRICS_SESSION_HOURS"), DEFAULT_SESSION_HOURS)
        low, high = SESSION_HOURS_RANGE
        if not low <= hours <= high:
            problems.append(("bad_session_hours", {"value": raw("METRICS_SESSION_HOURS")}))
        wait = _number(raw("METRICS_DB_WAIT"), DEFAULT_DB_WAIT)
        if not 0 <= wait <= 3600:
            problems.append(("bad_db_wait", {"value": raw("METRICS_DB_WAIT")}))
        due_days = _number(raw("METRICS_REPORT_DUE_DAYS"), DEFAULT_REPORT_DUE_DAYS)
        if not (0 <= due_days <= 366 and float(due_days).is_integer()):
            problems.append(("bad_due_days", {"value": raw("METRICS_REPORT_DUE_DAYS")}))
        url = raw("METRICS_PUBLIC_URL") or DEFAULT_PUBLIC_URL
        if not url.startswith(("http://", "https://")):
            problems.append(("bad_public_url", {"value": url}))
        port = _number(raw("METRICS_SMTP_PORT"), DEFAULT_SMTP_PORT)
        if not (1 <= port <= 65535 and float(port).is_integer()):
            problems.append(("bad_smtp_port", {"value": raw("METRICS_SMTP_PORT")}))
        starttls = raw("METRICS_SMTP_STARTTLS").lower() or "true"
        if starttls not in _YES + _NO:
            problems.append(("bad_starttls", {"value": raw("METRICS_SMTP_STARTTLS")}))
        today = None
        if raw("METRICS_TODAY"):
            try:
                today = dt.date.fromisoformat(raw("METRICS_TODAY"))
            except ValueError:
                problems.append(("bad_today", {"value": raw("METRICS_TODAY")}))
        if problems:
            raise ConfigError(
                problems, " ".join(t(f"auth.{code}", "en", **params) for code, params in problems)
            )
        return cls(
            db=raw("METRICS_DB") or DEFAULT_DB,
            targets=raw("METRICS_TARGETS") or DEFAULT_TARGETS,
            view_login=view_login,  # type: ignore[arg-type]
            session_hours=hours,
            db_wait=wait,
            report_due_days=int(due_days),
            public_url=url.rstrip("/"),
            smtp=Smtp(
                host=raw("METRICS_SMTP_HOST"),
                port=int(port),
                user=raw("METRICS_SMTP_USER"),
                password=env.get("METRICS_SMTP_PASSWORD") or "",  # as given: spaces may belong to it
                sender=raw("METRICS_SMTP_FROM"),
                starttls=starttls in _YES,
            ),
            today=today,
        )


def _number(text: str, default: float) -> float:
    if not text:
        return default
    try:
        return float(text)
    except ValueError:
        return float("nan")


def settings() -> Settings:
    """The current environment's settings (cheap: read at the start of each command or page run)."""
    return Settings.from_env()


def database(flag: str | None = None) -> str:
    """The database a command or page uses: ``--db``, else ``METRICS_DB``, else the default.

    A DuckDB file path or a ``postgresql://`` URL (whose password, if any, is never shown).
    """
    return str(flag or settings().db)


def targets_path(flag: str | None = None) -> Path:
    """The registry a command or page uses: ``--targets``, else ``METRICS_TARGETS``, else the default."""
    return Path(flag or settings().targets)
