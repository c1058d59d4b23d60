"""Numbers, units, shares, ranges and wrapped lines in both languages (metrics.text.format)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from metrics.text.format import (
    clip,
    cn_numeral,
    display_width,
    format_gap,
    format_number,
    format_ranges,
    format_share,
    format_target,
    format_value,
    is_missing,
    wrap,
)


def test_long_chinese_title_wraps_within_width() -> None:
    long = "各指标距目标完成程度（从基线到目标的距离已完成的比例）" * 2
    wrapped = wrap(long, 40)
    lines = wrapped.split("<br>")
    assert len(lines) > 1
    assert all(
        sum(2 if "\u3000" <= ch <= "\uffef" or "\u4e00" <= ch <= "\u9fff" else 1 for ch in line) <= 40
        for line in lines
    )
    assert "".join(lines) == long  # nothing dropped
    assert not any(line.startswith(("，", "）")) for line in lines)
    english = wrap("Progress toward target: share of the distance covered", 20)
    assert english.replace("<br>", " ") == "Progress toward target: share of the distance covered"


def test_wrap_can_clip_with_an_ellipsis() -> None:
    assert wrap("one two three four five six", 10, max_lines=1).endswith("…")


@pytest.mark.parametrize(
    ("value", "unit", "lang", "text"),
    [
        (85.2, "%", "zh", "85.2%"),
        (85.2, "%", "en", "85.2%"),
        (18.0, "月", "zh", "18个月"),
        (18.0, "months", "en", "18 months"),
        (1234567.891, "个", "zh", "1,234,567.89个"),
        (None, "%", "en", "—"),
        (float("nan"), "个", "zh", "—"),
    ],
)
def test_format_value(value, unit: str, lang: str, text: str) -> None:
    assert format_value(value, unit, lang) == text


def test_gap_target_share_formats() -> None:
    assert format_gap(4.8, "%", "zh") == "4.8 个百分点"
    assert format_gap(4.8, "%", "en") == "4.8 pp"
    assert format_target(18, "at_most", "months", "en") == "≤ 18 months"
    assert format_share(0.764) == "76%"


def test_numerals_and_ranges() -> None:
    assert [cn_numeral(n) for n in (5, 10, 21, 35)] == ["五", "十", "二十一", "三十五"]
    assert format_ranges([21, 22, 23, 25, 26, 30]) == "21–23, 25, 26, 30"
    assert format_ranges([]) == "—"


@pytest.mark.parametrize("value", [None, pd.NA, pd.NaT, float("nan"), math.nan])
def test_missing_values(value) -> None:
    assert is_missing(value)
    assert format_number(value) == "—"


@pytest.mark.parametrize("value", [0, 0.0, 12.5, "2025Q1", "", pd.Timestamp("2025-01-01")])
def test_present_values(value) -> None:
    assert not is_missing(value)


def test_display_width_counts_cjk_as_two_columns() -> None:
    assert display_width("指标ab") == 6
    assert display_width("≥ 18 — …") == 8
    assert clip("全国标准化指标一览表", 9) == "全国标准…"
    assert clip("short", 9) == "short"
