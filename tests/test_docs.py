"""The README and the code agree: every setting, command and option is documented, and every one
the README names exists (in the manner of datasette's and sqlite-utils' documentation tests)."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from metrics import config
from metrics.cli.main import build_parser

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")
# a command line as the README writes it: `python -m metrics COMMAND [SUB] ...` up to the line's end
COMMAND_LINE = re.compile(
    r"python -m metrics ([a-z][a-z-]*)(?: ((?:add|list|passwd|disable|enable)\b))?([^\n`]*)"
)


def commands() -> dict[str, argparse.ArgumentParser]:
    """``name`` and ``name sub`` for every command and sub-command of the CLI."""
    out: dict[str, argparse.ArgumentParser] = {}

    def walk(parser: argparse.ArgumentParser, prefix: str) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    out[f"{prefix}{name}"] = sub
                    walk(sub, f"{prefix}{name} ")

    walk(build_parser(), "")
    return out


def options(parser: argparse.ArgumentParser) -> set[str]:
    return {o for a in parser._actions for o in a.option_strings if o.startswith("--") and o != "--help"}


def readme_lines() -> list[tuple[str, str]]:
    """(command, rest of the line) for every ``python -m metrics …`` the README shows."""
    return [(" ".join(filter(None, m.group(1, 2))), m.group(3)) for m in COMMAND_LINE.finditer(README)]


@pytest.mark.parametrize("name", sorted(config.VARIABLES))
def test_every_setting_is_in_the_readme(name: str) -> None:
    assert f"`{name}`" in README


def test_every_setting_the_readme_names_exists() -> None:
    assert set(re.findall(r"METRICS_[A-Z_]+", README)) <= set(config.VARIABLES)


@pytest.mark.parametrize("name", sorted(commands()))
def test_every_command_is_in_the_readme(name: str) -> None:
    shown = {command for command, _ in readme_lines()}
    assert name in shown or any(c.startswith(name + " ") for c in shown), f"python -m metrics {name}"


@pytest.mark.parametrize("name", sorted(commands()))
def test_every_option_is_in_the_readme(name: str) -> None:
    """Each option appears on a README line of its command (``--db``/``--targets``/``--lang``,
    which every command takes, and ``--round``, which every command reading the plan takes, are
    documented once for all)."""
    common = {"--db", "--targets", "--lang", "--round"}
    written = " ".join(rest for command, rest in readme_lines() if command == name)
    missing = sorted(o for o in options(commands()[name]) - common if o not in written)
    assert not missing, f"python -m metrics {name}: {missing}"


def test_every_command_and_option_the_readme_names_exists() -> None:
    known = commands()
    problems = []
    for command, rest in readme_lines():
        if command not in known:
            problems.append(command)
            continue
        for option in re.findall(r"(--[a-z][a-z-]*)", rest):
            if option not in options(known[command]):
                problems.append(f"{command} {option}")
    assert not problems


def test_the_common_options_are_documented_once() -> None:
    assert "Every command takes `--db` and `--targets`, and `--lang zh|en`" in README
