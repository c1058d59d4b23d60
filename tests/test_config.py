"""metrics.config: every METRICS_* setting read and checked in one place."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from metrics import config
from metrics.errors import ConfigError, MetricsError


def test_defaults_when_nothing_is_set() -> None:
    s = config.Settings.from_env({})
    assert s == config.Settings("data/progress.duckdb", "targets.yaml", None, 8.0, 5.0)
    assert s.session_ttl == dt.timedelta(hours=8)


def test_values_are_read_and_trimmed() -> None:
    s = config.Settings.from_env(
        {
            "METRICS_DB": " /srv/m.duckdb ",
            "METRICS_TARGETS": "t.yaml",
            "METRICS_VIEW_LOGIN": " Required ",
            "METRICS_SESSION_HOURS": "0.5",
            "METRICS_DB_WAIT": "0",
        }
    )
    assert s == config.Settings("/srv/m.duckdb", "t.yaml", "required", 0.5, 0.0)


def test_every_unusable_value_is_named_at_once() -> None:
    env = {"METRICS_VIEW_LOGIN": "yes", "METRICS_SESSION_HOURS": "forever", "METRICS_DB_WAIT": "-1"}
    with pytest.raises(ConfigError) as info:
        config.Settings.from_env(env)
    assert isinstance(info.value, MetricsError)
    assert [code for code, _ in info.value.problems] == ["bad_view_mode", "bad_session_hours", "bad_db_wait"]
    assert str(info.value) == (
        "METRICS_VIEW_LOGIN must be 'open' or 'required', not 'yes'. "
        "METRICS_SESSION_HOURS must be a number of hours from 0.1 to 720, not 'forever'. "
        "METRICS_DB_WAIT must be a number of seconds from 0 to 3600, not '-1'."
    )


def test_a_flag_wins_over_the_environment(monkeypatch) -> None:
    monkeypatch.setenv("METRICS_DB", "env.duckdb")
    monkeypatch.setenv("METRICS_TARGETS", "env.yaml")
    assert config.database() == "env.duckdb"
    assert config.database("flag.duckdb") == "flag.duckdb"
    assert config.targets_path() == Path("env.yaml")
    assert config.targets_path("flag.yaml") == Path("flag.yaml")


def test_the_variables_table_names_each_setting() -> None:
    assert sorted(config.VARIABLES) == [
        "METRICS_DB",
        "METRICS_DB_WAIT",
        "METRICS_PUBLIC_URL",
        "METRICS_REPORT_DUE_DAYS",
        "METRICS_SESSION_HOURS",
        "METRICS_SMTP_FROM",
        "METRICS_SMTP_HOST",
        "METRICS_SMTP_PASSWORD",
        "METRICS_SMTP_PORT",
        "METRICS_SMTP_STARTTLS",
        "METRICS_SMTP_USER",
        "METRICS_TARGETS",
        "METRICS_TODAY",
        "METRICS_VIEW_LOGIN",
    ]


def test_reminder_and_mail_settings() -> None:
    s = config.Settings.from_env({})
    assert (s.report_due_days, s.public_url) == (30, "http://localhost:8501")
    assert s.smtp == config.Smtp("", 587, "", "", "", True)
    s = config.Settings.from_env(
        {
            "METRICS_REPORT_DUE_DAYS": "15",
            "METRICS_PUBLIC_URL": "https://monitor.example.org/",
            "METRICS_SMTP_HOST": " mail.example.org ",
            "METRICS_SMTP_PORT": "25",
            "METRICS_SMTP_USER": "mailer",
            "METRICS_SMTP_PASSWORD": " pass word ",
            "METRICS_SMTP_FROM": "monitor@example.org",
            "METRICS_SMTP_STARTTLS": "False",
        }
    )
    assert (s.report_due_days, s.public_url) == (15, "https://monitor.example.org")
    assert s.smtp == config.Smtp(
        "mail.example.org", 25, "mailer", " pass word ", "monitor@example.org", False
    )
    assert "pass word" not in repr(s) and "pass word" not in str(s.smtp)


def test_unusable_reminder_and_mail_settings_are_named() -> None:
    env = {
        "METRICS_REPORT_DUE_DAYS": "1.5",
        "METRICS_PUBLIC_URL": "monitor.example.org",
        "METRICS_SMTP_PORT": "0",
        "METRICS_SMTP_STARTTLS": "maybe",
    }
    with pytest.raises(ConfigError) as info:
        config.Settings.from_env(env)
    assert [code for code, _ in info.value.problems] == [
        "bad_due_days",
        "bad_public_url",
        "bad_smtp_port",
        "bad_starttls",
    ]
    assert str(info.value) == (
        "METRICS_REPORT_DUE_DAYS must be a whole number of days from 0 to 366, not '1.5'. "
        "METRICS_PUBLIC_URL must start with http:// or https://, not 'monitor.example.org'. "
        "METRICS_SMTP_PORT must be a port number from 1 to 65535, not '0'. "
        "METRICS_SMTP_STARTTLS must be true or false, not 'maybe'."
    )


def test_today_is_fixed_by_the_setting_and_checked() -> None:
    fixed = config.Settings.from_env({"METRICS_TODAY": "2026-12-03"})
    assert fixed.date == dt.date(2026, 12, 3)
    assert config.Settings.from_env({}).date == dt.date.today()
    with pytest.raises(ConfigError) as info:
        config.Settings.from_env({"METRICS_TODAY": "tomorrow"})
    assert str(info.value) == "METRICS_TODAY must be a date such as 2026-12-03, not 'tomorrow'."
