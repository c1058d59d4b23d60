"""The final assessment on the command line: the demo data on 2026-12-03, a year after the deadline."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from backend_support import copy_db
from pptx import Presentation

from metrics.cli.main import main
from metrics.text import t

REPO = Path(__file__).resolve().parents[2]
ROUNDS = REPO / "tests" / "data" / "rounds" / "targets.yaml"


@pytest.fixture
def db(demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the demo, MIIT's 2026Q2 alignment rate 90.5 reported after the deadline, today 2026-12-03."""
    copy = tmp_path / "demo.duckdb"
    copy_db(demo_db, copy)
    late = tmp_path / "miit_2026Q2.csv"
    late.write_text("indicator_id,period,agency_id,value,note\ntc_alignment_rate,2026Q2,miit,90.5,\n")
    assert main(["ingest", "--db", str(copy), str(late)]) == 0
    monkeypatch.setenv("METRICS_TODAY", "2026-12-03")
    monkeypatch.delenv("METRICS_TARGETS", raising=False)
    return copy


def cells(line: str) -> list[str]:
    return re.split(r"\s{2,}", line.strip())


def rows_of(out: str, start: str) -> list[list[str]]:
    return [cells(line) for line in out.splitlines() if line.startswith(start)]


def test_status_defaults_to_the_final_assessment(db: Path, capsys) -> None:
    capsys.readouterr()
    assert main(["status", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == "Final assessment: targets at the deadline (2025 Q4), data as of 2026 Q3"
    assert cells(lines[1])[-1] == "Met later"
    national, miit = rows_of(out, "Alignment of national technical")[:2]
    assert national[1:3] == ["national", national[2]] and national[2].startswith("90.3 (2025Q4, rec. 20")
    assert national[3:] == ["≥ 90 % by 2025-12-31", "0", "100%", "Achieved", "—", "—"]
    assert miit[1] == "MIIT" and miit[2].startswith("89 (2025Q4, rec. 20")
    assert miit[3:] == ["≥ 90 % by 2025-12-31", "1", "92%", "Missed", "—", "Met in 2026 Q2"]
    adoption = rows_of(out, "Adoption rate of international")[0]
    assert adoption[3:] == ["≥ 85 % by 2025-12-31", "3", "70%", "Missed", "—", "Not met since"]
    assert "National figures: Achieved 5, Missed 24" in lines
    assert lines[-1] == t("final.caption", "en", deadline="2025 Q4")
    for word in ("Acceleration needed", "On track", "Limited progress", "Deterioration"):
        assert word not in out


def test_status_json_gives_the_verdict_and_when_the_value_was_recorded(db: Path, capsys) -> None:
    capsys.readouterr()
    assert main(["status", "--db", str(db), "--agency", "miit", "--json"]) == 0
    miit = json.loads(capsys.readouterr().out)[0]
    assert (miit["agency_id"], miit["status"], miit["latest_period"], miit["latest_value"]) == (
        "miit",
        "missed",
        "2025Q4",
        89.0,
    )
    assert (miit["final"], miit["gap"], miit["reached_period"]) == (True, 1.0, "2026Q2")
    assert re.match(r"^\d{4}-\d{2}-\d{2}T", miit["recorded_at"])
    assert miit["pace_ratio"] is None and miit["projected_attainment_period"] is None


def test_status_in_chinese_and_the_deadline_quarter_itself(db: Path, capsys) -> None:
    capsys.readouterr()
    assert main(["status", "--db", str(db), "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    title = "最终评估：截至期限（2025年第四季度）的目标实现情况（数据截至2026年第三季度）"
    assert out.splitlines()[0] == title
    assert "全国口径：已实现 5, 逾期未实现 24" in out
    table = "\n".join(out.splitlines()[:-1])  # the caption names the statuses no longer shown
    assert "2026年第二季度达标" in table and "需加快" not in table and "进度正常" not in table
    # at the deadline quarter itself the plan was still running
    assert main(["status", "--db", str(db), "--as-of", "2025Q4", "--agency", "miit"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "Progress towards targets as of 2025 Q4"
    assert "Acceleration needed" in out


def test_changes_defaults_to_final_vs_the_quarter_before_the_deadline(db: Path, capsys) -> None:
    capsys.readouterr()
    assert main(["changes", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "Final assessment vs. 2025 Q3"
    national, miit = rows_of(out, "Alignment of national technical")[:2]
    assert national[1:] == ["national", "On track", "Achieved", "88.8", "90.3"]
    assert miit[1:] == ["MIIT", "On track", "Missed", "88", "89"]


def test_late_after_the_plan_lists_what_is_missing_for_the_deadline_quarter(db: Path, capsys) -> None:
    capsys.readouterr()
    assert main(["late", "--db", str(db)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Late reports for 2025 Q4"
    assert [cells(line)[0] for line in out[3:]] == ["NDRC", "MOE"]


def test_brief_defaults_to_the_final_assessment(db: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "final.pptx"
    assert main(["brief", "--db", str(db), "--lang", "en", str(out)]) == 0
    assert capsys.readouterr().out.strip() == f"{out}: 9 slides written (as of 2026 Q3)."
    deck = Presentation(str(out))
    titles = [s.shapes.title.text_frame.text if s.shapes.title else "" for s in deck.slides]
    texts = [" ".join(sh.text_frame.text for sh in s.shapes if sh.has_text_frame) for s in deck.slides]
    assert "Final assessment · " in texts[0]
    assert t("final.deck_note", "en", deadline="2025 Q4") in texts[0]
    assert t("final.title", "en", deadline="2025 Q4") in titles
    assert t("final.changes_title", "en", a="2025 Q3") in titles
    assert not any("Acceleration needed" in text for text in texts)  # the legend neither
    assert "▲" not in texts[1]  # the summary slide: only ✓ and ✕


def test_a_round_is_chosen_with_round(db: Path, capsys) -> None:
    capsys.readouterr()
    args = ["status", "--db", str(db), "--targets", str(ROUNDS)]
    assert main(args) == 0
    assert capsys.readouterr().out.startswith("Final assessment: targets at the deadline (2025 Q4)")
    assert main([*args, "--round", "example-round-2026-2027", "--json"]) == 0
    national = [r for r in json.loads(capsys.readouterr().out) if r["agency_id"] is None]
    assert [(r["indicator_id"], r["target"], r["status"], r["final"]) for r in national] == [
        ("tc_alignment_rate", 95.0, "insufficient_data", False),
        ("example_digital_standards", 100.0, "no_data", False),
    ]
    assert main([*args, "--round", "nope"]) == 1
    assert "no round 'nope'" in capsys.readouterr().err
    assert main(["validate", "--targets", str(ROUNDS)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"{ROUNDS} [cn-std-action-2024-2025]: OK (19 agencies, 4 sections, 15 measures, 29 indicators)",
        f"{ROUNDS} [example-round-2026-2027]: OK (2 agencies, 1 sections, 1 measures, 2 indicators)",
    ]
