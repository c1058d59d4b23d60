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
    assert config.db_path() == Path("env.duckdb")
    assert config.db_path("flag.duckdb") == Path("flag.duckdb")
    assert config.targets_path() == Path("env.yaml")
    assert config.targets_path("flag.yaml") == Path("flag.yaml")


def test_the_variables_table_names_each_setting() -> None:
    assert sorted(config.VARIABLES) == [
        "METRICS_DB",
        "METRICS_DB_WAIT",
        "METRICS_SESSION_HOURS",
        "METRICS_TARGETS",
        "METRICS_TODAY",
        "METRICS_VIEW_LOGIN",
    ]


def test_today_is_fixed_by_the_setting_and_checked() -> None:
    fixed = config.Settings.from_env({"METRICS_TODAY": "2026-12-03"})
    assert fixed.date == dt.date(2026, 12, 3)
    assert config.Settings.from_env({}).date == dt.date.today()
    with pytest.raises(ConfigError) as info:
        config.Settings.from_env({"METRICS_TODAY": "tomorrow"})
    assert str(info.value) == "METRICS_TODAY must be a date such as 2026-12-03, not 'tomorrow'."
