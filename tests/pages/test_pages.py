"""The dashboard frame and the Overview, Indicator, Measures, Agencies and Methodology pages,
driven in-process with AppTest against small DuckDB files built through ``ingest_file``."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from apptest_support import server_like
from backend_support import opened
from streamlit.testing.v1 import AppTest
from synthetic import write_wide_plan

from metrics.ingest.batch import ingest_file
from metrics.plan.registry import load_registry
from metrics.progress import figures as progress
from metrics.store.database import Store
from metrics.text import t

REPO = Path(__file__).resolve().parents[2]
TARGETS = REPO / "targets.yaml"
TODAY = dt.date(2025, 11, 15)
PAGES = ("overview", "indicator", "measures", "agencies", "methodology")
TITLES = {
    "overview": "overview.title",
    "indicator": "indicator.title",
    "measures": "measures.title",
    "agencies": "agencies.title",
    "methodology": "methodology.title",
}
QUARTERS = ("2025Q1", "2025Q2", "2025Q3")
SAMR_KPIS = {  # three quarters of the four KPIs for SAMR, the owner
    "tc_alignment_rate": (82.0, 83.6, 85.2),
    "intl_std_adoption_rate": (78.0, 79.5, 80.1),
    "std_dev_cycle_months": (22.0, 21.0, 20.4),
    "verification_points": (20.0, 26.0, 31.0),
}


def _csv(rows: list[tuple]) -> bytes:
    lines = ["indicator_id,period,agency_id,value,note"]
    lines += [",".join(str(x) for x in row) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _ingest(store: Store, rows: list[tuple], name: str) -> None:
    ingest_file(
        store, load_registry(TARGETS), _csv(rows), name, uploaded_by="tester", source="test", today=TODAY
    )


def _env(path: Path, monkeypatch: pytest.MonkeyPatch, view: str = "open") -> None:
    server_like(monkeypatch)  # also clears the caches
    monkeypatch.setenv("METRICS_DB", str(path))
    monkeypatch.setenv("METRICS_TARGETS", str(TARGETS))
    monkeypatch.setenv("METRICS_VIEW_LOGIN", view)


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """SAMR's four KPIs for 2025Q1–Q3 (tc_alignment_rate ends at 85.2), a MIIT figure,
    one milestone, and a revision of verification_points 2025Q2 (26 -> 27)."""
    path = tmp_path / "pages.duckdb"
    seed = Store(path)
    for i, quarter in enumerate(QUARTERS):
        rows = [(ind, quarter, "samr", values[i], "") for ind, values in SAMR_KPIS.items()]
        rows.append(("tc_alignment_rate", quarter, "miit", 80 + i, "MIIT's own committees"))
        rows.append(("ms_cooperation_mechanisms", quarter, "samr", 30 * (i + 1), ""))
        _ingest(seed, rows, f"{quarter}.csv")
    _ingest(seed, [("verification_points", "2025Q2", "samr", 27, "<b>corrected</b> count")], "fix.csv")
    seed.close()
    _env(path, monkeypatch)
    yield path
    st.cache_resource.clear()
    st.cache_data.clear()


@pytest.fixture
def empty_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "empty.duckdb"
    _env(path, monkeypatch)
    yield path
    st.cache_resource.clear()
    st.cache_data.clear()


def run(page: str = "overview", **params: str) -> AppTest:
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=30)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page != "overview":
        at.switch_page(f"pages/{page}.py")
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def html_text(at: AppTest) -> str:
    return "\n".join(h.proto.body for h in at.get("html"))


def all_text(at: AppTest) -> str:
    parts = (
        [m.value for m in at.markdown]
        + [c.value for c in at.caption]
        + [h.proto.body for h in at.get("html")]
    )
    parts += [x.value for x in at.title] + [x.value for x in at.subheader] + [x.value for x in at.text]
    parts += [x.value for kind in ("info", "warning", "error", "success") for x in at.get(kind)]
    return html.unescape("\n".join(str(p) for p in parts).replace("\\", ""))  # undo esc()


def charts(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def expected_status(db_path: Path, indicator_id: str, as_of: str = "2025Q3") -> str:
    """What the status engine says, so these tests follow the engine rather than copy it."""
    store = Store(db_path)  # same settings as the app's connection in this process
    try:
        figs = progress.figures(load_registry(TARGETS), store.observations(), as_of)
    finally:
        store.close()
    row = figs[(figs["indicator_id"] == indicator_id) & (figs["figure"] == "national")]
    return str(row["status"].iloc[0])


# --------------------------------------------------------------------------- overview


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_overview_cards_show_the_stored_value_and_status_word(db: Path, lang: str) -> None:
    status = expected_status(db, "tc_alignment_rate")
    at = run("overview", lang=lang)
    assert at.title[0].value == t("overview.title", lang)
    body = html_text(at)
    assert "85.2%" in body
    assert t(f"status.{status}", lang) in body
    names = [ind.name_zh if lang == "zh" else ind.name_en for ind in load_registry(TARGETS).indicators[:4]]
    for name in names:
        assert name.replace("'", "&#x27;") in body
    specs = charts(at)
    titles = " ".join(spec["layout"]["title"]["text"] for spec in specs if "title" in spec["layout"])
    assert t("chart.progress_title", lang)[:16] in titles  # (the rest may wrap)
    as_of = "2025年第三季度" if lang == "zh" else "2025 Q3"
    assert as_of in titles
    assert at.query_params["lang"] == lang and at.query_params["as_of"] == "2025Q3"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_overview_status_mix_counts_the_national_figures(db: Path, lang: str) -> None:
    """The status mix (drawn in HTML) counts each national figure once, per kind, as the engine says."""
    store = Store(db)
    try:
        figs = progress.figures(load_registry(TARGETS), store.observations(), "2025Q3")
    finally:
        store.close()
    national = figs[figs["figure"] == "national"]
    at = run("overview", lang=lang)
    [mix] = [h.proto.body for h in at.get("html") if "status-mix-chart" in h.proto.body]
    assert (
        t("chart.status_mix_title", lang) in mix
        and ("截至2025年第三季度" if lang == "zh" else "As of 2025 Q3") in mix
    )
    shown = re.findall(r'title="([^":]+): (\d+) ([^"]+)"', mix)
    expected = [
        (t(f"kind.{kind}_plural", lang), str(n), t(f"status.{status}", lang))
        for (kind, status), n in national.groupby(["kind", "status"]).size().items()
    ]
    assert sorted(shown) == sorted(expected)
    assert sum(int(n) for _, n, _ in shown) == len(national)


@pytest.mark.postgres_only
def test_a_server_url_with_options_and_a_password_file_serves_the_pages(db: Path, monkeypatch) -> None:
    """METRICS_DB as an operator writes it (a URL with an escaped ``options=``): every cached read
    opens the database as given, not as shown (the shown URL is unescaped and has no password)."""
    url = opened(db)
    assert "options=" in url and "%3D" in url
    monkeypatch.setenv("METRICS_DB", url)
    at = run("overview", lang="en")
    assert not at.error, [e.value for e in at.error]
    assert "85.2%" in html_text(at)


def test_overview_lists_late_reports_and_changes(db: Path) -> None:
    at = run("overview", lang="en")
    subheads = [s.value for s in at.subheader]
    assert t("overview.late_title", "en", period="2025 Q3") in subheads
    assert t("overview.changes_title", "en", start="2025 Q2", end="2025 Q3") in subheads
    assert any("revision" in c.value for c in at.caption)


def test_demo_badge_only_on_the_demo_database(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = run("overview", lang="zh")
    assert t("demo.badge", "zh") not in html_text(at)
    demo = db.with_name("demo.duckdb")
    seed = Store(demo)
    _ingest(seed, [("tc_alignment_rate", "2025Q3", "samr", 85.2, "")], "demo.csv")
    seed.set_meta("demo", "true")
    seed.close()
    _env(demo, monkeypatch)
    for lang in ("zh", "en"):
        assert t("demo.badge", lang) in html_text(run("overview", lang=lang))


def test_empty_database_shows_how_to_load_data(empty_db: Path) -> None:
    for page in PAGES[:4]:
        for lang in ("zh", "en"):
            at = run(page, lang=lang)
            assert t("empty.title", lang) in [i.value for i in at.info], (page, lang)
            assert any("make run" in c.value for c in at.code)


@pytest.mark.duckdb_only
def test_unreadable_database_is_a_sentence_not_a_traceback(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "broken.duckdb"
    path.write_bytes(b"this is not a database" * 100)
    _env(path, monkeypatch)
    at = run("overview", lang="en")
    assert at.error and "cannot be opened" in at.error[0].value


@pytest.mark.duckdb_only
def test_locked_database_is_a_sentence_not_a_traceback(db_path: Path, held_db, monkeypatch) -> None:
    _env(db_path, monkeypatch)  # another process (a CLI import, say) holds the file
    at = run("overview", lang="zh")
    assert at.error and at.error[0].value == t("error.db_locked", "zh", path=str(db_path))
    st.cache_resource.clear()


# --------------------------------------------------------------------------- indicator


def test_unknown_indicator_is_a_message(db: Path) -> None:
    for lang in ("zh", "en"):
        at = run("indicator", lang=lang, indicator="nope")
        assert at.warning and t("indicator.unknown", lang, id="nope") == at.warning[0].value
        assert not charts(at)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_indicator_page_shows_trend_target_revision_and_values(db: Path, lang: str) -> None:
    at = run("indicator", lang=lang, indicator="verification_points")
    ind = load_registry(TARGETS).indicator["verification_points"]
    assert at.subheader[0].value == ind.name(lang)
    [spec] = charts(at)
    assert ind.name(lang) in spec["layout"]["title"]["text"].replace("<br>", " ")  # (a long name wraps)
    assert any(s.get("y0") == 50 and s.get("y1") == 50 for s in spec["layout"]["shapes"])
    names = [trace.get("name") for trace in spec["data"]]
    assert t("chart.revised", lang) in names and t("chart.national", lang) in names
    miit_free = [n for n in names if n == "MIIT"]
    assert not miit_free  # MIIT does not report this indicator
    frames = [df.value for df in at.dataframe]
    values = frames[-1]
    assert t("value.superseded", lang) in set(values[t("col.state", lang)])
    assert "<b>corrected</b> count" in set(values[t("col.note", lang)])  # shown as text
    text = all_text(at)
    assert t(f"status_explain.{expected_status(db, 'verification_points')}", lang) in text


def test_indicator_with_agency_figures_lists_them(db: Path) -> None:
    at = run("indicator", lang="en", indicator="tc_alignment_rate")
    [spec] = charts(at)
    assert "MIIT" in [trace.get("name") for trace in spec["data"]]
    agencies = at.dataframe[0].value
    assert "Ministry of Industry and Information Technology" in set(agencies["Agency"])


def test_one_point_is_shown_and_explained(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "one.duckdb"
    seed = Store(path)
    _ingest(seed, [("verification_points", "2025Q3", "samr", 31, "")], "one.csv")
    seed.close()
    _env(path, monkeypatch)
    for lang in ("zh", "en"):
        at = run("indicator", lang=lang, indicator="verification_points")
        text = all_text(at)
        assert t("status_explain.insufficient_data", lang) in text
        assert t("status.insufficient_data", lang) in text
        [metric] = [m for m in at.metric if m.label.startswith(t("metric.latest", lang, period="")[:2])]
        assert metric.value == ("31个" if lang == "zh" else "31 points")


def test_a_rerun_shows_the_same_page_and_a_commit_redraws_it(db: Path) -> None:
    """Query results are cached per data version: a rerun shows the page unchanged, and a value
    stored meanwhile (here by another connection, as by an upload) shows on the next run without
    any cache being cleared."""
    at = run("indicator", lang="en", indicator="verification_points")

    def shown() -> tuple:
        return charts(at), html_text(at), [m.value for m in at.metric], at.dataframe[-1].value.to_dict()

    first = shown()
    assert first[2][0] == "31 points"
    at.run()
    assert shown() == first
    seed = Store(db)
    _ingest(seed, [("verification_points", "2025Q3", "samr", 35, "recount")], "late.csv")
    seed.close()
    at.run()
    assert at.metric[0].value == "35 points"
    assert "recount" in set(at.dataframe[-1].value[t("col.note", "en")])


# --------------------------------------------------------------------------- measures, agencies


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_measures_page_lists_sections_measures_and_agencies(db: Path, lang: str) -> None:
    at = run("measures", lang=lang)
    reg = load_registry(TARGETS)
    headers = [h.value for h in at.header]
    assert len(headers) == 4 and reg.section[5].title(lang) in headers[0]
    summary = at.dataframe[0].value
    assert len(summary) == len(reg.measures)
    body = html_text(at)
    assert "role-lead" in body and "role-shared" in body
    assert t("measures.all_relevant", lang) in body


def test_agency_filter_narrows_the_measures(db: Path) -> None:
    at = run("measures", lang="en", agency="mara")
    reg = load_registry(TARGETS)
    roles = reg.measures_of("mara")
    assert len(at.dataframe[0].value) == len(roles["lead"]) + len(roles["shared"])


def test_agencies_page_grid_and_one_agency(db: Path) -> None:
    at = run("agencies", lang="zh")
    [grid] = charts(at)
    assert "部门 × 举措" in grid["layout"]["title"]["text"]
    at = run("agencies", lang="en", agency="miit")
    figures = at.dataframe[0].value
    assert list(figures["Figure"]) == ["Agency's own"]
    uploads = at.dataframe[-1].value
    assert len(uploads) == len(QUARTERS)


# --------------------------------------------------------------------------- frame


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_runs_in_both_languages(db: Path, lang: str) -> None:
    for page in PAGES:
        at = run(page, lang=lang)
        assert at.title[0].value == t(TITLES[page], lang), page
        assert at.query_params["lang"] == lang


def test_language_switch_and_query_params(db: Path) -> None:
    at = run("overview", lang="zh", as_of="2025Q2")
    assert at.query_params["as_of"] == "2025Q2"
    assert "2025年第二季度" in at.caption[0].value
    at.radio(key="_w_lang").set_value("en").run()
    assert at.query_params["lang"] == "en"
    assert at.title[0].value == "Overview"


def test_briefing_mode_hides_the_frame_but_keeps_the_charts(db: Path) -> None:
    at = run("overview", lang="en", briefing="1")
    assert any(b.label == t("briefing.exit", "en") for b in at.button)
    assert "stSidebar" in html_text(at)  # the hiding rules are in place
    [progress_chart] = charts(at)  # the progress bars (Plotly), beside the status mix (HTML)
    assert t("chart.progress_title", "en")[:16] in progress_chart["layout"]["title"]["text"]
    assert "status-mix-chart" in html_text(at)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_methodology_shows_the_chosen_language(db: Path, lang: str) -> None:
    at = run("methodology", lang=lang)
    doc = REPO / "docs" / "methodology.md"
    if doc.exists():
        body = "\n".join(m.value for m in at.markdown)
        other = "English" if lang == "zh" else "中文"
        assert body and not body.lstrip().startswith(f"# {other}")
    else:
        assert at.info[0].value == t("methodology.missing", lang)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_notes_that_look_like_code_are_text_on_the_indicator_page(db: Path, lang: str) -> None:
    script, link = "<script>alert(1)</script>", "[x](javascript:alert(1))"
    seed = Store(db)
    _ingest(
        seed,
        [
            ("verification_points", "2025Q3", "samr", 32, script),
            ("verification_points", "2025Q1", "samr", 21, link),
        ],
        "notes.csv",
    )
    seed.close()
    st.cache_data.clear()
    at = run("indicator", lang=lang, indicator="verification_points")
    notes = set(at.dataframe[-1].value[t("col.note", lang)])
    assert {script, link} <= notes
    rendered = (
        [m.value for m in at.markdown]
        + [c.value for c in at.caption]
        + [h.proto.body for h in at.get("html")]
    )
    assert not any("](javascript:" in r or "<script>" in r for r in rendered)


def test_overview_caps_the_cards_and_the_change_tables(tmp_path: Path, monkeypatch) -> None:
    """15 KPIs × 14 agencies, first reported in 2025Q2 and again in Q3: 15 cards' worth, and 210
    figures that leave 'insufficient data' in Q3, over the 12-card and 200-row caps."""
    targets, path = tmp_path / "wide.yaml", tmp_path / "wide.duckdb"
    write_wide_plan(targets, n_kpis=15, n_agencies=14)
    rows = [
        (f"ind{i:02d}", quarter, f"ag{a:02d}", 50 + 5 * q + a, "")
        for i in range(15)
        for a in range(14)
        for q, quarter in enumerate(("2025Q2", "2025Q3"))
    ]
    seed = Store(path)
    ingest_file(
        seed, load_registry(targets), _csv(rows), "wide.csv", uploaded_by="tester", source="test", today=TODAY
    )
    seed.close()
    _env(path, monkeypatch)
    monkeypatch.setenv("METRICS_TARGETS", str(targets))
    at = run("overview", lang="en")
    assert html_text(at).count('class="kpi-name"') == 12  # CARD_LIMIT
    captions = [x.value for x in at.caption]
    assert t("overview.cards_capped", "en", shown=12, total=15) in captions
    assert t("overview.tables_capped", "en", rows=200) in captions
    [moved] = [df.value for df in at.dataframe if t("col.from_status", "en") in df.value.columns]
    assert len(moved) == 200  # TABLE_ROWS
    st.cache_resource.clear()
    st.cache_data.clear()


@pytest.mark.parametrize("page", ["overview", "indicator", "measures", "agencies"])
def test_a_link_with_an_unknown_quarter_or_agency_says_so(db: Path, page: str) -> None:
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=30)
    for key, value in {"lang": "en", "as_of": "2031Q9", "agency": "mitt"}.items():
        at.query_params[key] = value
    if page != "overview":
        at.switch_page(f"pages/{page}.py")  # a deep link opens the page in its first run
    at.run()
    assert not at.exception
    warnings = [w.value for w in at.warning]
    assert (
        "The quarter '2031Q9' in the link cannot be shown (choose 2024 Q1 to 2025 Q3); "
        "showing the latest quarter." in warnings
    )
    assert "There is no agency with the id 'mitt'; showing every agency." in warnings
    assert "as of 2025 Q3" in all_text(at)
    quiet = run(page, lang="zh", as_of="2025Q2", agency="samr")
    assert not quiet.warning


@pytest.mark.parametrize("page", ["overview", "indicator", "measures", "agencies"])
def test_a_missing_value_shows_as_a_dash_never_none(db: Path, page: str) -> None:
    at = run(page, lang="en")
    assert at.dataframe
    assert {d.proto.placeholder for d in at.dataframe} == {"—"}


def test_overview_sparklines_draw_each_owners_series(db: Path) -> None:
    """Each KPI card's line is its owner's reported values up to the quarter, in period order."""
    import base64

    from metrics.outputs.sparkline import line_svg
    from metrics.progress.observations import current_values

    registry = load_registry(TARGETS)
    store = Store(db)
    try:
        cur = current_values(registry, store.observations(), "2025Q3")
    finally:
        store.close()
    at = run("overview", lang="zh")
    drawn = re.findall(
        r'<div class="kpi-name">([^<]+)</div>.*?data:image/svg\+xml;base64,([^"]+)"', html_text(at)
    )
    assert len(drawn) == len([i for i in registry.indicators if i.kind == "kpi"][:12])
    by_name = {i.name_zh: i for i in registry.indicators}
    for name, data in drawn:
        ind = by_name[html.unescape(name)]
        own = cur[(cur["indicator_id"] == ind.id) & (cur["agency_id"] == ind.owner)]
        assert base64.b64decode(data).decode() == line_svg(own["value"].to_list()), ind.id
