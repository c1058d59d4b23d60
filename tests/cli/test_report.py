"""``status``, ``changes`` and ``late``: the handlers of :mod:`metrics.cli.report` on a fake store."""

from __future__ import annotations

import argparse
import json

import pandas as pd
import pytest

from metrics.cli import report as report_cli
from metrics.cli import rows as cli_rows
from metrics.text import CATALOG
from metrics.text.format import display_width
from tests.progress.test_figures import indicator, make_obs, make_registry


class FakeStore:
    def __init__(self, obs: pd.DataFrame):
        self.obs = obs

    def observations(self, include_withdrawn: bool = False) -> pd.DataFrame:
        return self.obs


def cli_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    report_cli.register(parser.add_subparsers(dest="command"))
    return parser.parse_args(argv)


@pytest.fixture
def cli_world(monkeypatch):
    monkeypatch.setenv("METRICS_TODAY", "2025-01-15")  # the default as-of: 2024Q4, the last complete quarter
    reg = make_registry(
        indicator("rate"),
        indicator("ms", kind="milestone", target=100, owner="moe", measure=22),
    )
    obs = make_obs(
        ("rate", "samr", "2024Q1", 60),
        ("rate", "samr", "2024Q4", 70),
        ("rate", "miit", "2024Q4", 55),
        ("ms", "moe", "2024Q1", 0),
    )
    return reg, FakeStore(obs)


def run(argv, world) -> int:
    args = cli_args(argv)
    return args.handler(args, *world)


def test_cli_status_json(cli_world, capsys):
    assert run(["status", "--json"], cli_world) == 0
    out = json.loads(capsys.readouterr().out)
    assert isinstance(out, list) and len(out) == 3
    required = {
        "indicator_id",
        "measure",
        "kind",
        "agency_id",
        "latest_period",
        "latest_value",
        "baseline_period",
        "baseline_value",
        "target",
        "direction",
        "deadline",
        "gap",
        "progress",
        "expected_value",
        "cagr_ratio",
        "status",
        "required_pace",
        "observed_pace",
        "projected_value",
        "projected_attainment_period",
    }
    assert required <= set(out[0])
    rate = next(r for r in out if r["indicator_id"] == "rate" and r["agency_id"] is None)
    assert (rate["latest_period"], rate["gap"], rate["status"]) == ("2024Q4", 20.0, "acceleration_needed")


def test_cli_status_table_and_agency_filter(cli_world, capsys):
    assert run(["status", "--as-of", "2024年第四季度", "--lang", "zh"], cli_world) == 0
    out = capsys.readouterr().out
    assert "截至2024年第四季度" in out and "指标rate" in out and "需加快" in out
    assert run(["status", "--agency", "miit", "--json"], cli_world) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["indicator_id"], r["agency_id"]) for r in rows] == [("rate", "miit")]
    assert run(["status", "--by-agency", "--agency", "moe", "--json"], cli_world) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["agency_id"], r["role"], r["late"]) for r in rows] == [
        ("moe", "lead", 1),
        ("moe", "shared", 0),
    ]


def test_cli_bad_arguments(cli_world, capsys):
    assert run(["status", "--as-of", "2024-13"], cli_world) == 2
    assert "2024-13" in capsys.readouterr().err
    assert run(["status", "--agency", "nobody"], cli_world) == 2
    assert run(["changes", "--from", "2024Q4", "--to", "2024Q1"], cli_world) == 2
    assert run(["late", "--as-of", "soon"], cli_world) == 2


def test_cli_late_and_changes(cli_world, capsys):
    assert run(["late", "--json"], cli_world) == 0  # default as-of: 2024Q4, the latest with data
    assert json.loads(capsys.readouterr().out) == [
        {"agency_id": "moe", "indicator_id": "ms", "period": "2024Q4"}
    ]
    assert run(["late", "--as-of", "2024Q1"], cli_world) == 0
    assert "No late reports" in capsys.readouterr().out
    assert run(["changes", "--from", "2024Q1", "--to", "2024Q4", "--json"], cli_world) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"status_changes", "new_values", "revisions"}
    assert {(r["indicator_id"], r["agency_id"], r["period"]) for r in out["new_values"]} == {
        ("rate", "samr", "2024Q4"),
        ("rate", "miit", "2024Q4"),
    }
    assert run(["changes", "--from", "2024Q1", "--to", "2024Q4"], cli_world) == 0
    assert "Status changes" in capsys.readouterr().out


def test_chinese_status_table_lines_up_by_display_width(cli_world, capsys):
    assert run(["status", "--as-of", "2024Q4", "--lang", "zh"], cli_world) == 0
    lines = capsys.readouterr().out.splitlines()
    head, rule, rows = lines[1], lines[2], lines[3:-1]
    assert set(rule) == {"-", " "} and len(rows) == 3
    assert any(display_width(line) != len(line) for line in rows)  # there is Chinese to align
    # the rule is ASCII: its dash runs are the columns, in display columns
    starts = [i for i, ch in enumerate(rule) if ch == "-" and (i == 0 or rule[i - 1] == " ")]
    for line in [head, *rows]:
        cells = "".join(ch + "\0" * (display_width(ch) - 1) for ch in line)  # one entry per column
        for start in starts:
            assert cells[start] != " " and (start == 0 or cells[start - 2 : start] == "  "), (start, line)
        assert display_width(line) <= len(rule)


@pytest.mark.parametrize("name", sorted({c for cols in cli_rows.HEAD.values() for c in cols}))
def test_every_column_head_is_in_the_catalogue(name: str) -> None:
    assert f"cli.col.{name}" in CATALOG


@pytest.mark.parametrize("role", ["lead", "shared", "other"])
def test_every_role_word_is_in_the_catalogue(role: str) -> None:
    assert f"cli.role.{role}" in CATALOG
