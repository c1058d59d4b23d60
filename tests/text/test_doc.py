"""metrics.text.doc: the methodology page reads as a document, without code paths or field names."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from metrics.text.doc import TERMS, for_readers

DOC = (Path(__file__).resolve().parents[2] / "docs" / "methodology.md").read_text(encoding="utf-8")
INTERNAL = re.compile(r"\.py\b|metrics/|`(owner|n_points|no_data|known_at|missing|achieved|contribution)`")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_rendered_methodology_names_no_code_and_no_field(lang: str) -> None:
    text = for_readers(DOC, lang)
    assert not INTERNAL.findall(text)
    left = set(re.findall(r"`([^`]+)`", text))
    assert not left & set(TERMS)


def test_status_codes_become_their_names_and_asides_go() -> None:
    row = "| 1 | 最新值达到目标 | 已实现 `achieved` |"
    assert for_readers(row, "zh") == "| 1 | 最新值达到目标 | 已实现 |"
    assert for_readers("| 1 | latest value meets the target | `achieved` |", "en") == (
        "| 1 | latest value meets the target | Achieved |"
    )
    assert for_readers("状态为“计入全国”（`contribution`），显示", "zh") == "状态为“计入全国”，显示"
    owner = "指标责任单位（登记表中的 `owner`）报送"
    assert for_readers(owner, "zh") == "指标责任单位（登记表中的责任单位）报送"
    assert for_readers("in `metrics/progress/` (`method.py` formulas, `figures.py`), so", "en") == (
        "in one module, so"
    )


def test_commands_and_other_code_stay() -> None:
    assert for_readers("take `--known-at 2025-10-15`", "en") == "take `--known-at 2025-10-15`"
