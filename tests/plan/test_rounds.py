"""metrics.plan.rounds: a registry with several plan rounds (tests/data/rounds: an EXAMPLE second round)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from conftest import REPO, TARGETS
from pydantic import ValidationError

from metrics.errors import RegistryError
from metrics.plan.rounds import load_round, load_rounds, round_ref
from metrics.progress.final import assessment
from tests.progress.test_figures import make_obs

ROUNDS = REPO / "tests" / "data" / "rounds" / "targets.yaml"
REAL, EXAMPLE = "cn-std-action-2024-2025", "example-round-2026-2027"


def test_a_file_without_rounds_is_one_round():
    rounds = load_rounds(TARGETS)
    assert rounds.ids == [REAL]
    assert rounds.default(dt.date(2026, 12, 3)).plan.id == REAL
    assert load_round(str(TARGETS)).plan.id == REAL


def test_the_entry_file_lists_rounds_each_with_its_own_plan():
    rounds = load_rounds(ROUNDS)
    assert rounds.ids == [REAL, EXAMPLE]
    real, example = rounds.rounds
    assert (len(real.indicators), len(example.indicators), len(example.agencies)) == (29, 2, 2)
    assert example.plan.example and not real.plan.example
    # the same indicator, each round's own target and deadline
    assert (real.indicator["tc_alignment_rate"].target, example.indicator["tc_alignment_rate"].target) == (
        90,
        95,
    )
    assert example.indicator["tc_alignment_rate"].deadline == dt.date(2027, 12, 31)
    assert example.first_period == "2026Q1"
    with pytest.raises(ValidationError):
        example.plan.example = False  # frozen  # type: ignore[misc]


def test_an_example_round_is_never_the_default():
    rounds = load_rounds(ROUNDS)
    assert rounds.default(dt.date(2026, 12, 3)).plan.id == REAL
    assert load_round(round_ref(ROUNDS, None)).plan.id == REAL
    assert load_round(round_ref(ROUNDS, EXAMPLE)).plan.id == EXAMPLE
    with pytest.raises(RegistryError) as info:
        load_round(round_ref(ROUNDS, "nope"))
    assert info.value.problems == [f"no round 'nope' (known: {REAL}, {EXAMPLE})"]


def test_the_current_round_is_the_latest_started_one(tmp_path: Path):
    doc = yaml.safe_load((ROUNDS.parent / "example-round-2026-2027.yaml").read_text(encoding="utf-8"))
    doc["plan"] = {**doc["plan"], "id": "next", "example": False}
    (tmp_path / "next.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    entry = tmp_path / "targets.yaml"
    entry.write_text(f"rounds:\n  - file: {TARGETS}\n  - file: next.yaml\n", encoding="utf-8")
    rounds = load_rounds(entry)
    assert rounds.default(dt.date(2025, 6, 1)).plan.id == REAL  # the next round has not started
    assert rounds.default(dt.date(2026, 12, 3)).plan.id == "next"


def test_every_problem_of_every_round_is_reported_with_its_place(tmp_path: Path):
    example = yaml.safe_load((ROUNDS.parent / "example-round-2026-2027.yaml").read_text(encoding="utf-8"))
    example["measures"][0]["responsibilities"][0]["lead"] = ["mitt"]
    example["indicators"][1]["owner"] = "nobody"
    inline = {**example, "plan": {**example["plan"], "id": REAL}}
    entry = tmp_path / "targets.yaml"
    entry.write_text(
        yaml.safe_dump(
            {"rounds": [{"file": str(TARGETS)}, example, {"file": "missing.yaml"}, inline], "extra": 1},
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    with pytest.raises(RegistryError) as info:
        load_rounds(entry)
    assert info.value.problems == [
        "extra: unknown key",
        "rounds[1].measures[0].responsibilities[0].lead[0]: unknown agency 'mitt'",
        "rounds[1].indicators[1].owner: unknown agency 'nobody'",
        f"rounds[2].file: file not found: {tmp_path / 'missing.yaml'}",
        "rounds[3].measures[0].responsibilities[0].lead[0]: unknown agency 'mitt'",
        "rounds[3].indicators[1].owner: unknown agency 'nobody'",
    ]


def test_two_rounds_with_one_id_are_refused(tmp_path: Path):
    entry = tmp_path / "targets.yaml"
    entry.write_text(f"rounds:\n  - file: {TARGETS}\n  - file: {TARGETS}\n", encoding="utf-8")
    with pytest.raises(RegistryError) as info:
        load_rounds(entry)
    assert info.value.problems == [f"rounds[1].plan.id: duplicate round '{REAL}' (first at rounds[0])"]


def test_a_continuing_indicator_keeps_one_series_judged_by_each_rounds_target():
    rounds = load_rounds(ROUNDS)
    real, example = rounds.get(REAL), rounds.get(EXAMPLE)
    obs = make_obs(
        ("tc_alignment_rate", "samr", "2023Q4", 80),
        ("tc_alignment_rate", "samr", "2025Q4", 91),
        ("tc_alignment_rate", "samr", "2026Q2", 92),
        ("tc_alignment_rate", "samr", "2026Q3", 93),
    )
    first = assessment(real, obs, "2026Q3").set_index("indicator_id").loc["tc_alignment_rate"]
    assert (first["status"], first["latest_value"], first["final"]) == ("achieved", 91.0, True)
    second = assessment(example, obs, "2026Q3")
    second = second[second["figure"] == "national"].set_index("indicator_id").loc["tc_alignment_rate"]
    # the new round's baseline is the quarter before it starts (2025Q4), its target 95 by 2027
    assert (second["baseline_period"], second["baseline_value"], second["latest_value"]) == (
        "2025Q4",
        91.0,
        93.0,
    )
    assert (second["target"], second["gap"], second["final"]) == (95.0, 2.0, False)
    assert second["status"] == "on_track"
