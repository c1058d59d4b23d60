"""The status definitions on the pages: the baseline's source on the cards, "as known at" in the URL,
each agency's share of an additive count, and the figures without data in every roll-up."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from backend_support import execute
from test_pages import _csv, _env, all_text, html_text, run

from metrics.ingest.batch import ingest_file
from metrics.plan.registry import load_registry
from metrics.store.database import Store
from metrics.text import t
from metrics.text.format import format_share, format_value

REPO = Path(__file__).resolve().parents[2]
TARGETS = REPO / "targets.yaml"
TODAY = dt.date(2025, 11, 15)


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Verification points 12 (2023Q4), 40, 46, 52 (2025Q1-Q3, target 50 met) and MARA's own 7 in
    2025Q3, each quarter uploaded early in the next (2025Q3 on 2025-10-05); a revision of 2025Q2
    (46 -> 47) uploaded on 2025-10-20. Measure 31's milestone is never reported."""
    path = tmp_path / "status.duckdb"
    reg = load_registry(TARGETS)
    store = Store(path)
    files = {
        "q1.csv": [
            ("verification_points", "2023Q4", "samr", 12, ""),
            ("tc_alignment_rate", "2023Q4", "samr", 80, ""),
            ("verification_points", "2025Q1", "samr", 40, ""),
        ],
        "q2.csv": [("verification_points", "2025Q2", "samr", 46, "")],
        "q3.csv": [
            ("verification_points", "2025Q3", "samr", 52, ""),
            ("tc_alignment_rate", "2025Q3", "samr", 85.2, ""),
            ("verification_points", "2025Q3", "mara", 7, ""),
        ],
        "fix.csv": [("verification_points", "2025Q2", "samr", 47, "")],
    }
    for name, data in files.items():
        ingest_file(store, reg, _csv(data), name, uploaded_by="tester", source="test", today=TODAY)
    store.close()
    times = ("2025-04-05", "2025-07-05", "2025-10-05", "2025-10-20")
    for name, when in zip(files, times, strict=True):
        sql = "UPDATE uploads SET uploaded_at = CAST(? AS TIMESTAMP) WHERE file_name = ?"
        execute(path, sql, [when, name])
    _env(path, monkeypatch)
    yield path
    st.cache_resource.clear()
    st.cache_data.clear()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_cards_say_where_the_baseline_comes_from(db: Path, lang: str) -> None:
    at = run("overview", lang=lang)
    body = html_text(at)
    value = format_value(12, "个" if lang == "zh" else "points", lang)
    source = t("baseline.short.pre_plan", lang)
    period = "2023年第四季度" if lang == "zh" else "2023 Q4"
    assert t("card.baseline", lang, value=value, period=period, source=source) in body
    if lang == "zh":
        assert "基期 12个（2023年第四季度，计划开始前最后一季）" in body
    at = run("indicator", lang=lang, indicator="verification_points")
    assert t("baseline.pre_plan", lang, value=value, period=period) in all_text(at)


def test_known_at_in_the_url_reproduces_a_past_briefing(db: Path) -> None:
    revised = t("overview.revisions_title", "en")
    now = run("overview", lang="en")
    assert revised in all_text(now)  # 2025Q2 was revised 46 -> 47 on 2025-10-20
    assert now.date_input(key="_w_known_at").value is None
    then = run("overview", lang="en", known_at="2025-10-15")
    assert "as known at 2025-10-15" in then.caption[0].value.replace("\\", "")
    assert then.date_input(key="_w_known_at").value == dt.date(2025, 10, 15)
    assert revised not in all_text(then)
    # the picker writes the URL; clearing it goes back to the data as stored now
    now.date_input(key="_w_known_at").set_value(dt.date(2025, 10, 15)).run()
    assert now.query_params["known_at"] == "2025-10-15"
    assert "as known at 2025-10-15" in now.caption[0].value.replace("\\", "")
    now.date_input(key="_w_known_at").set_value(None).run()
    assert "known_at" not in now.query_params
    # the indicator page's values table lists only what was uploaded by then
    ind = run("indicator", lang="en", indicator="verification_points", known_at="2025-10-15")
    values = ind.dataframe[-1].value
    assert sorted(values["Revision"].tolist()) == [1, 1, 1, 1, 1]  # four of SAMR's, MARA's 7
    bad = run("overview", lang="en", known_at="soon")
    assert t("known_at.bad_link", "en", value="soon") in all_text(bad)


def test_an_agency_count_is_shown_as_its_share_of_the_national_figure(db: Path) -> None:
    share = format_share(7 / 52)  # MARA's 7 of the national 52 in 2025Q3
    at = run("agencies", lang="en", agency="mara")
    own = at.dataframe[0].value
    row = own[own["Indicator"] == "National standard verification points"].iloc[0]
    assert (row["Status"], row["Share of national"]) == ("Part of national", share)
    assert t("contribution.note_table", "en") in all_text(at)
    assert row["Target"] == "—"  # the national target is not the agency's
    at = run("indicator", lang="en", indicator="verification_points")
    table = at.dataframe[0].value
    assert table["Share of national"].tolist() == [share]
    text = all_text(at)
    assert "2025 Q3: agencies' own counts (1 reporting) add up to 7 points of the national 52 points" in text
    assert "45 points not attributed to a reporting agency" in text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_roll_ups_count_the_figures_without_data(db: Path, lang: str) -> None:
    at = run("measures", lang=lang)
    summary = at.dataframe[0].value
    missing = summary[t("col.missing", lang)].tolist()
    reg = load_registry(TARGETS)
    m31 = [m.id for m in reg.measures].index(31)
    # measure 31: verification points achieved (52 >= 50), its milestone never reported
    assert missing[m31] == 1
    assert summary[t("col.status", lang)].iloc[m31].endswith(t("status.achieved", lang))
    assert t("rollup.missing", lang, n=2, missing=1) in html_text(at)
    assert t("rollup.missing_note", lang) in all_text(at)
    at = run("agencies", lang=lang)
    table = at.dataframe[0].value
    samr = table[table[t("col.agency", lang)] == reg.agency["samr"].name(lang)].iloc[0]
    assert samr[t("col.missing", lang)] == 27  # 29 indicators in SAMR's measures, 2 reported
