"""The overview's status mix in HTML: rows and widths from the counts, and the frame every chart
states (title, unit, as-of quarter, colour key with icon and word, source), in both languages."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from metrics.outputs.chart_frame import ChartContext
from metrics.outputs.palette import STATUS_COLORS, STATUS_ICONS, STATUS_INK, status_legend_name
from metrics.outputs.status_mix import rows, shares, status_mix_html

SOURCE = {"zh": "数据来源：各部门季度报送", "en": "Source: quarterly submissions by the responsible agencies"}


def ctx(lang: str) -> ChartContext:
    return ChartContext(lang=lang, as_of="2025Q4", source=SOURCE[lang])


def mix_counts() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "group": ["数值指标", "数值指标", "里程碑", "里程碑", "里程碑"],
            "status": ["acceleration_needed", "achieved", "on_track", "missed", "no_data"],
            "n": [3, 1, 20, 6, 0],
        }
    )


def test_rows_keep_the_groups_order_put_statuses_best_first_and_drop_zero_counts() -> None:
    assert rows(mix_counts()) == [
        ("数值指标", [("achieved", 1), ("acceleration_needed", 3)]),
        ("里程碑", [("on_track", 20), ("missed", 6)]),
    ]


def test_each_row_is_normalised_to_100_percent() -> None:
    assert shares([("achieved", 1), ("acceleration_needed", 3)]) == [25.0, 75.0]
    assert shares([("on_track", 20), ("missed", 6)]) == [76.923, 23.077]
    assert shares([]) == []


def segments(page: str) -> list[tuple[str, str, str, str]]:
    """(width, colour, text colour, text) of every bar segment, in order."""
    return re.findall(r'style="width:([\d.]+)%;background:(#\w+);color:(#\w+);[^"]*">([^<]*)</div>', page)


def test_segments_carry_width_colour_icon_and_count() -> None:
    page = status_mix_html(mix_counts(), ctx("zh"))
    assert segments(page) == [
        ("25.0", STATUS_COLORS["achieved"], STATUS_INK["achieved"], "✓ 1"),
        ("75.0", STATUS_COLORS["acceleration_needed"], STATUS_INK["acceleration_needed"], "▲ 3"),
        ("76.923", STATUS_COLORS["on_track"], STATUS_INK["on_track"], "● 20"),
        ("23.077", STATUS_COLORS["missed"], STATUS_INK["missed"], "✕ 6"),
    ]
    assert 'title="里程碑: 6 逾期未实现"' in page  # the tooltip names the status in words


@pytest.mark.parametrize(
    ("lang", "texts"),
    [
        ("zh", ["指标状态分布", "单位：%（条内数字为指标个数）", "截至2025年第四季度", "占该类指标的比例",
                "数据来源：各部门季度报送，截至2025年第四季度"]),
        ("en", ["Status of indicators and milestones", "Unit: % of the group (numbers in bars are counts)",
                "As of 2025 Q4", "Share of the group",
                "Source: quarterly submissions by the responsible agencies; as of 2025 Q4"]),
    ],
)  # fmt: skip
def test_the_chart_states_title_unit_as_of_and_source(lang: str, texts: list[str]) -> None:
    page = status_mix_html(mix_counts(), ctx(lang))
    for text in texts:
        assert text in page, text
    assert page.index(texts[0]) < page.index(texts[-1])  # the title above, the source at the foot
    assert "0%" in page and "100%" in page


def test_status_key_has_icon_and_word_not_colour_alone() -> None:
    page = status_mix_html(mix_counts(), ctx("en"))
    for status in ("achieved", "acceleration_needed", "on_track", "missed"):
        assert (
            f'<span style="color:{STATUS_COLORS[status]}">■</span> {status_legend_name(status, "en")}' in page
        )
    assert status_legend_name("no_data", "en") not in page  # a status with no figure has no key entry
    assert all(text[0] in STATUS_ICONS.values() for *_, text in segments(page))


def test_labels_are_escaped() -> None:
    counts = pd.DataFrame({"group": ["<b>KPIs</b>"], "status": ["achieved"], "n": [2]})
    page = status_mix_html(counts, ctx("en"))
    assert "&lt;b&gt;KPIs&lt;/b&gt;" in page and "<b>KPIs" not in page
