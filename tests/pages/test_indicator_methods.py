"""The indicator page's "three methods side by side" panel on the demo database.

Verification points as of 2025Q3 in the demo: baseline 12 (2023Q4), latest 43 (2025Q3), target
at least 50 by 2025Q4. By hand (docs/methodology.md section 13):
- Open SDG: CAGR_obs = (43/12)^(1/1.75) − 1 = 1.0737, CAGR_req = (50/12)^(1/2) − 1 = 1.0412, R = 1.03;
- UNSD: v_e = 43 × 2.0737^0.25 = 51.60, ratio (51.60 − 12) ÷ 38 = 1.04: met or on track;
- Destatis: mean change (43 − 12) ÷ 7 = 4.43 a quarter, projected 47.43, it leaves 2.57 of today's
  gap of 7 (37 %): off track. The methods disagree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from backend_support import copy_db
from test_pages import _env, all_text, run

from metrics.ingest.batch import ingest_file
from metrics.plan.registry import load_registry
from metrics.store.database import Store
from metrics.text import t

REPO = Path(__file__).resolve().parents[2]
TARGETS = REPO / "targets.yaml"
METHODS = ("open_sdg", "unsd", "destatis")
ITEMS = ("baseline", "latest", "rate", "projected", "score", "category", "level")


@pytest.fixture
def demo(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    _env(demo_db, monkeypatch)
    yield demo_db
    st.cache_resource.clear()
    st.cache_data.clear()


def _panel(at, lang: str) -> dict[str, dict[str, str]]:
    """{method: {item: cell}} of the panel's one table."""
    head = t("methods.col.item", lang)
    tables = [d.value for d in at.table if head in d.value.columns]
    assert len(tables) == 1
    table = tables[0]
    assert table[head].tolist() == [t(f"methods.col.{k}", lang) for k in ITEMS]
    names = [t(f"methods.name.{m}", lang) for m in METHODS]
    assert table.columns.tolist() == [head, *names]
    return {m: dict(zip(ITEMS, table[n].tolist(), strict=True)) for m, n in zip(METHODS, names, strict=True)}


EXPECTED = {
    "zh": {
        "open_sdg": ("实际增速 ÷ 所需增速", "—", "比值 R = 1.03", "◆ 进度正常", "进度正常"),
        "unsd": ("年均复合增速 +107.4%", "51.6个", "比值 1.04", "已实现或进度正常（≥ 0.95）", "进度正常"),
        "destatis": (
            "每季度平均变化 +4.43个（自2023年第四季度）",
            "47.43个",
            "留下缺口的 37%",
            "缺口 > 20%：偏离",
            "偏离目标",
        ),
    },
    "en": {
        "open_sdg": ("observed ÷ required growth", "—", "R = 1.03", "◆ On track", "On track"),
        "unsd": ("CAGR +107.4% a year", "51.6 points", "ratio 1.04", "Met or on track (≥ 0.95)", "On track"),
        "destatis": (
            "+4.43 points a quarter on average (since 2023 Q4)",
            "47.43 points",
            "leaves 37% of the gap",
            "Gap > 20 %: off",
            "Off track",
        ),
    },
}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_panel_shows_each_methods_inputs_and_the_disagreement(demo: Path, lang: str) -> None:
    at = run("indicator", lang=lang, indicator="verification_points", as_of="2025Q3")
    panel = _panel(at, lang)
    base, latest = ("12个（2023年第四季度）", "43个（2025年第三季度）")
    if lang == "en":
        base, latest = ("12 points (2023 Q4)", "43 points (2025 Q3)")
    for m in METHODS:
        assert (panel[m]["baseline"], panel[m]["latest"]) == (base, latest)
        got = tuple(panel[m][k] for k in ITEMS[2:])
        assert got[:3] + got[4:] == EXPECTED[lang][m][:3] + EXPECTED[lang][m][4:]
        assert got[3].endswith(EXPECTED[lang][m][3].split(" ", 1)[-1])  # the status icon aside
    names = [t(f"methods.name.{m}", lang) for m in METHODS]
    levels = [t(f"methods.level.{x}", lang) for x in ("on_track", "on_track", "off_track")]
    sep, colon = ("；", "：") if lang == "zh" else ("; ", ": ")
    parts = sep.join(f"{n}{colon}{x}" for n, x in zip(names, levels, strict=True))
    assert t("methods.disagree", lang, levels=parts) in [w.value for w in at.warning]
    deadline = "2025年第四季度" if lang == "zh" else "2025 Q4"
    period = "2025年第三季度" if lang == "zh" else "2025 Q3"
    assert t("methods.as_of", lang, period=period, deadline=deadline, years="0.25") in all_text(at)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_at_the_deadline_the_panel_is_the_assessment_as_at_the_deadline(demo: Path, lang: str) -> None:
    """As of 2025Q4 (the deadline quarter) no time is left: the projection is the latest value 46,
    UNSD ratio (46 − 12) ÷ 38 = 0.89 (fair progress), Destatis leaves the whole gap (100 %)."""
    at = run("indicator", lang=lang, indicator="verification_points", as_of="2025Q4")
    panel = _panel(at, lang)
    unit = "个" if lang == "zh" else " points"
    assert [panel[m]["projected"] for m in METHODS] == ["—", f"46{unit}", f"46{unit}"]
    assert panel["unsd"]["score"] == t("methods.score.unsd", lang, r="0.89")
    assert panel["unsd"]["category"] == t("methods.category.unsd.fair_progress", lang)
    assert panel["destatis"]["score"] == t("methods.score.destatis", lang, share="100%")
    assert {panel[m]["level"] for m in METHODS} == {t("methods.level.off_track", lang)}
    deadline = "2025年第四季度" if lang == "zh" else "2025 Q4"
    assert t("methods.at_deadline", lang, deadline=deadline) in all_text(at)
    off = t("methods.level.off_track", lang)
    assert t("methods.agree", lang, level=off) in [s.value for s in at.success]


@pytest.fixture
def after_deadline(demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The demo plus a 2026Q1 report of 55 verification points (after the 2025-12-31 deadline)."""
    path = tmp_path / "later.duckdb"
    copy_db(demo_db, path)
    store = Store(path)
    row = b"indicator_id,period,agency_id,value,note\nverification_points,2026Q1,samr,55,\n"
    result = ingest_file(
        store,
        load_registry(TARGETS),
        row,
        "late.csv",
        uploaded_by="t",
        source="test",
        today=dt.date(2026, 4, 2),
    )
    store.close()
    assert (result.change.stored, result.change.new) == (True, 1), result.summary()
    _env(path, monkeypatch)
    yield path
    st.cache_resource.clear()
    st.cache_data.clear()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_past_the_deadline_the_panel_keeps_the_assessment_as_at_the_deadline(after_deadline: Path, lang: str):
    """As of 2026Q1 the 55 (2026Q1) does not count for the methods: still 46 as at 2025Q4."""
    at = run("indicator", lang=lang, indicator="verification_points", as_of="2026Q1")
    panel = _panel(at, lang)
    unit = "个" if lang == "zh" else " points"
    period = "2025年第四季度" if lang == "zh" else "2025 Q4"
    latest = f"46{unit}（{period}）" if lang == "zh" else f"46{unit} ({period})"
    assert {panel[m]["latest"] for m in METHODS} == {latest}
    assert panel["unsd"]["score"] == t("methods.score.unsd", lang, r="0.89")
    assert t("methods.past_deadline", lang, deadline=period) in all_text(at)
