"""Chart builders: every figure states its title, unit, as-of quarter and source, and every
chart uses the same status palette and icons."""

from __future__ import annotations

import re

import pandas as pd
import plotly.graph_objects as go
import pytest

from metrics.outputs import charts
from metrics.outputs.charts import ChartContext, TrendSpec
from metrics.outputs.palette import (
    STATUS_COLORS,
    STATUS_ICONS,
    STATUS_INK,
    STATUS_ORDER,
    status_legend_name,
)
from metrics.progress.figures import STATUSES

SOURCE = {"zh": "数据来源：各部门季度报送", "en": "Source: quarterly submissions by the responsible agencies"}
AS_OF = {"zh": "2025年第四季度", "en": "2025 Q4"}


def ctx(lang: str) -> ChartContext:
    return ChartContext(lang=lang, as_of="2025Q4", source=SOURCE[lang])


def title(fig: go.Figure) -> str:
    return fig.layout.title.text


def annotations(fig: go.Figure) -> str:
    return " ".join(a.text for a in fig.layout.annotations)


def progress_rows() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "name": [
                "技术委员会与国际标准组织技术机构一致性程度",
                "国际标准转化率",
                "标准数字化试点",
                "全新里程碑",
            ],
            "progress": [1.0, 0.7, 0.35, float("nan")],
            "expected_progress": [0.75, 0.75, 0.75, 0.75],
            "status": ["achieved", "acceleration_needed", "limited_progress", "no_data"],
        }
    )


def trend_spec(unit: str = "个") -> TrendSpec:
    national = pd.DataFrame(
        {
            "period": ["2024Q4", "2025Q1", "2025Q2", "2025Q3"],
            "value": [12.0, 20.0, 26.0, 31.0],
            "revised": [False, False, True, False],
            "hover": ["a", "b", "c", "d"],
        }
    )
    agency = pd.DataFrame({"period": ["2025Q2", "2025Q3"], "value": [2.0, 3.0]})
    return TrendSpec(
        name="国家标准验证点",
        unit=unit,
        target=50.0,
        direction="at_least",
        deadline="2025Q4",
        status="acceleration_needed",
        national=national,
        agencies={"农业农村部": agency},
        baseline=("2024Q4", 12.0),
        projection=("2025Q3", 31.0, 37.0),
        attainment="2026Q3",
    )


def grid_cells() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "agency": ["SAMR", "SAMR", "MIIT"],
            "measure": ["21", "22", "21"],
            "role": ["lead", "lead", "shared"],
            "status": ["on_track", "deterioration", "on_track"],
        }
    )


def all_figures(lang: str) -> dict[str, go.Figure]:
    c = ctx(lang)
    return {
        "progress": charts.progress_bars(progress_rows(), c),
        "trend": charts.trend(trend_spec("个" if lang == "zh" else "points"), c),
        "grid": charts.agency_grid(grid_cells(), c, ["SAMR", "MIIT"], ["21", "22", "23"]),
    }


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_chart_carries_title_as_of_and_source(lang: str) -> None:
    for name, fig in all_figures(lang).items():
        assert re.search(r"<b>.+</b>", title(fig)), name
        assert AS_OF[lang] in title(fig), name
        assert SOURCE[lang] in annotations(fig), name
        assert AS_OF[lang] in annotations(fig), name
        assert "Noto Sans CJK SC" in fig.layout.font.family, name
        if name != "grid":  # the grid shows statuses, which have no unit
            assert ("单位：" if lang == "zh" else "Unit: ") in title(fig), name


def test_source_line_reads_as_one_sentence() -> None:
    assert "数据来源：各部门季度报送，截至2025年第四季度" in annotations(all_figures("zh")["trend"])
    assert "Source: quarterly submissions by the responsible agencies; as of 2025 Q4" in annotations(
        all_figures("en")["trend"]
    )


@pytest.mark.parametrize(("lang", "unit"), [("zh", "单位：个"), ("en", "Unit: points")])
def test_trend_states_its_unit_and_target_line(lang: str, unit: str) -> None:
    fig = all_figures(lang)["trend"]
    assert unit in title(fig)
    lines = [s for s in fig.layout.shapes if s.y0 == s.y1]
    assert [s.y0 for s in lines] == [50.0]
    deadline = [s for s in fig.layout.shapes if s.x0 == s.x1]
    assert len(deadline) == 1
    names = [t.name for t in fig.data]
    assert ("直线应达路径" if lang == "zh" else "Straight-line path to target") in names
    projection = next(t for t in fig.data if t.line and t.line.dash == "dash")
    assert list(projection.y) == [31.0, 37.0]
    assert ("2026年第三季度" if lang == "zh" else "2026 Q3") in annotations(fig)
    revised = next(t for t in fig.data if t.name == ("已修订" if lang == "zh" else "Revised"))
    assert list(revised.y) == [26.0]


def test_progress_bars_are_sorted_with_expected_marker() -> None:
    fig = all_figures("zh")["progress"]
    bars = [t for t in fig.data if isinstance(t, go.Bar)]
    order = list(fig.layout.yaxis.categoryarray)[::-1]
    assert order[0].startswith("技术委员会")  # highest progress first
    assert order[-1] == "全新里程碑"  # no data last
    marker = next(t for t in fig.data if isinstance(t, go.Scatter))
    assert set(marker.x) == {75.0}
    assert sum(len(b.y) for b in bars) == 4
    assert fig.layout.xaxis.range[1] > 100  # room for the labels beyond 100 %


def test_one_palette_across_charts() -> None:
    seen: dict[str, set[str]] = {}
    for lang in ("zh", "en"):
        for fig in all_figures(lang).values():
            for trace in fig.data:
                for status in STATUSES:
                    label = status_legend_name(status, lang)
                    if trace.name == label and trace.marker is not None and trace.marker.color:
                        seen.setdefault(status, set()).add(trace.marker.color)
    assert seen  # the charts do colour by status
    for status, colours in seen.items():
        assert colours == {STATUS_COLORS[status]}, status
    trend = all_figures("en")["trend"]
    projection = next(t for t in trend.data if t.line and t.line.dash == "dash")
    assert projection.line.color == STATUS_COLORS["acceleration_needed"]


def test_palette_covers_every_status_with_distinct_colour_and_icon() -> None:
    for table in (STATUS_COLORS, STATUS_ICONS, STATUS_INK):
        assert set(table) == set(STATUSES)
    assert len(set(STATUS_COLORS.values())) == len(STATUSES)
    assert len(set(STATUS_ICONS.values())) == len(STATUSES)
    assert tuple(STATUS_ORDER) == tuple(STATUSES)
