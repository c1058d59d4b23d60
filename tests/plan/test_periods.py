"""metrics.plan.periods: one canonical spelling, many accepted ones."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from metrics.plan import periods


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025Q1", "2025Q1"),
        ("2025-Q1", "2025Q1"),
        ("2025 Q1", "2025Q1"),
        ("2025q1", "2025Q1"),
        ("2025/Q2", "2025Q2"),
        (" 2025Q3 ", "2025Q3"),
        ("２０２５Ｑ４", "2025Q4"),
        ("2025年第一季度", "2025Q1"),
        ("2025年一季度", "2025Q1"),
        ("2025年1季度", "2025Q1"),
        ("2025年第四季度", "2025Q4"),
        ("2025年第3季度", "2025Q3"),
        ("2025-03-31", "2025Q1"),
        ("2025/6/30", "2025Q2"),
        ("2025.09.30", "2025Q3"),
        ("2025年12月31日", "2025Q4"),
        ("2025-03-31 00:00:00", "2025Q1"),
    ],
)
def test_accepted_spellings_become_canonical(text, expected):
    assert periods.parse_period(text) == expected


@pytest.mark.parametrize(
    "text",
    ["", "   ", "2025Q5", "2025Q0", "Q1 2025", "2025年第五季度", "25Q1", "2025-02-03", "2025-02-30", "abc"],
)
def test_unreadable_spellings_give_none(text):
    assert periods.parse_period(text) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (dt.date(2025, 3, 31), "2025Q1"),
        (dt.datetime(2024, 12, 31, 0, 0), "2024Q4"),
        (pd.Timestamp("2025-06-30"), "2025Q2"),
        (dt.date(2025, 3, 30), None),
        (None, None),
    ],
)
def test_date_objects(value, expected):
    assert periods.parse_period(value) == expected


def test_looks_like_date_separates_dates_from_other_text():
    assert periods.looks_like_date("2025-02-03") is True
    assert periods.looks_like_date("2025年2月3日") is True
    assert periods.looks_like_date(dt.date(2025, 2, 3)) is True
    assert periods.looks_like_date("2025Q5") is False
    assert periods.looks_like_date("soon") is False


def test_arithmetic():
    assert periods.index("2025Q1") == 8100
    assert periods.from_index(8103) == "2025Q4"
    assert periods.shift("2024Q1", -8) == "2022Q1"
    assert periods.shift("2025Q4", 1) == "2026Q1"
    assert periods.span("2024Q3", "2025Q2") == ["2024Q3", "2024Q4", "2025Q1", "2025Q2"]
    assert periods.span("2025Q2", "2025Q1") == []
    assert periods.quarter_end("2025Q2") == dt.date(2025, 6, 30)
    assert periods.quarter_end("2025Q4") == dt.date(2025, 12, 31)
    assert periods.of_date(dt.date(2025, 11, 15)) == "2025Q4"
    assert periods.label("2025Q4", "zh") == "2025年第四季度"
    assert periods.label("2025Q4", "en") == "2025 Q4"


def test_index_refuses_a_non_canonical_period():
    with pytest.raises(ValueError, match="not a canonical period: '2025-Q1'"):
        periods.index("2025-Q1")


quarters = st.builds(lambda y, q: f"{y}Q{q}", st.integers(1100, 9899), st.integers(1, 4))


@given(quarters)
def test_every_spelling_we_produce_reads_back(period):
    assert periods.from_index(periods.index(period)) == period
    assert periods.parse_period(periods.label(period, "zh")) == period
    assert periods.parse_period(periods.label(period, "en")) == period
    assert periods.parse_period(periods.quarter_end(period)) == period
    assert periods.parse_period(periods.quarter_end(period).isoformat()) == period
    assert periods.of_date(periods.quarter_end(period)) == period


@given(quarters, st.integers(-400, 400))
def test_shift_moves_by_whole_quarters(period, n):
    moved = periods.shift(period, n)
    assert periods.index(moved) - periods.index(period) == n
    assert len(periods.span(period, moved)) == (n + 1 if n >= 0 else 0)
