"""The final assessment on the pages: the demo data viewed on 2026-12-03, a year after the
deadline, and the plan rounds of tests/data/rounds (an EXAMPLE second round)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from backend_support import copy_db
from test_pages import _env, all_text, run

from metrics.text import t

REPO = Path(__file__).resolve().parents[2]
ROUNDS = REPO / "tests" / "data" / "rounds" / "targets.yaml"


@pytest.fixture
def db(demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "demo.duckdb"
    copy_db(demo_db, path)
    _env(path, monkeypatch)
    monkeypatch.setenv("METRICS_TODAY", "2026-12-03")
    yield path
    st.cache_resource.clear()
    st.cache_data.clear()


def chip(status: str, lang: str) -> str:
    """The end of a status chip's HTML (after its icon)."""
    return f" {t('status.' + status, lang)}</span>"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_overview_opens_on_the_final_assessment(db: Path, lang: str) -> None:
    at = run("overview", lang=lang)
    assert at.query_params["as_of"] == "2026Q3"  # today's last complete quarter, not the plan's end
    box = next(s for s in at.sidebar.selectbox if s.label == t("sidebar.as_of", lang))
    assert box.value == "2026Q3" and box.options[0] == ("2026年第三季度" if lang == "zh" else "2026 Q3")
    text = all_text(at)
    assert t("final.caption", lang, deadline="2025年第四季度" if lang == "zh" else "2025 Q4") in text
    assert t("final.changes_title", lang, a="2025年第三季度" if lang == "zh" else "2025 Q3") in text
    for status in ("on_track", "acceleration_needed", "limited_progress", "deterioration"):
        assert chip(status, lang) not in text  # no chip says it
    assert chip("missed", lang) in text and chip("achieved", lang) in text
    recorded = t("final.recorded", lang, date="")
    assert recorded.strip() in text  # each card says when the value judged was recorded


INDICATOR_LINES = {
    "zh": [
        "逾期未实现：期限已过，目标没有达到。",
        r"- 期限时的数值：82%（2025年第四季度，\d{4}-\d{2}-\d{2}录入）",
        "- 距目标差 3 个百分点",
        "- 其后仍未达标",
    ],
    "en": [
        "Missed: the deadline has passed and the target was not met.",
        r"- Value at the deadline: 82% \(2025 Q4, recorded \d{4}-\d{2}-\d{2}\)",
        "- 3 pp short of the target",
        "- Not met since",
    ],
}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_indicator_page_gives_the_verdict_the_value_and_the_gap(db: Path, lang: str) -> None:
    at = run("indicator", lang=lang, indicator="intl_std_adoption_rate")
    lines = [m.value.replace("\\", "") for m in at.markdown]
    verdict, value, gap, later = INDICATOR_LINES[lang]
    assert lines[0] == verdict
    assert re.fullmatch(value, lines[3]) and lines[4:6] == [gap, later]
    metrics = [(m.label, m.value) for m in at.metric]
    assert metrics[0] == (
        ("最新值（2025年第四季度）", "82%") if lang == "zh" else ("Latest (2025 Q4)", "82%")
    )


@pytest.mark.parametrize("page", ["measures", "agencies"])
def test_measures_and_agencies_show_the_final_assessment(db: Path, page: str) -> None:
    at = run(page, lang="en")
    text = all_text(at)
    assert t("final.caption", "en", deadline="2025 Q4") in text
    assert chip("acceleration_needed", "en") not in text and chip("on_track", "en") not in text


def test_a_deadline_quarter_link_still_shows_the_running_status(db: Path) -> None:
    at = run("overview", lang="en", as_of="2025Q4")
    text = all_text(at)
    assert t("final.caption", "en", deadline="2025 Q4") not in text
    assert chip("acceleration_needed", "en") in text


def test_the_sidebar_chooses_the_round_and_the_example_is_not_the_default(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("METRICS_TARGETS", str(ROUNDS))
    at = run("overview", lang="en")
    box = next(s for s in at.sidebar.selectbox if s.label == t("round.label", "en"))
    assert box.value == "cn-std-action-2024-2025"
    assert box.options == ["2026–2027 · example, not official targets", "2024–2025"]
    assert "Final assessment" in all_text(at) or t("final.caption", "en", deadline="2025 Q4") in all_text(at)
    at = run("overview", lang="zh", round="example-round-2026-2027")
    text = all_text(at)
    assert "示例轮次：下一轮行动计划（2026—2027年，虚构示例，非正式目标）" in text
    assert t("final.caption", "zh", deadline="2027年第四季度") not in text
    assert at.query_params["round"] == "example-round-2026-2027"
