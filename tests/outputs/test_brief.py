"""metrics.outputs.brief.deck: the briefing deck, opened again with python-pptx and checked against engine."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import pandas as pd
import pytest
from conftest import TARGETS
from pptx import Presentation
from pptx.chart.plot import LinePlot
from pptx.enum.chart import XL_CHART_TYPE
from pptx.util import Emu

from metrics.cli.main import main
from metrics.outputs.brief.context import Brief
from metrics.outputs.brief.deck import PPTX_MIME, build_brief, kpi_chart_data, slide_kinds
from metrics.outputs.brief.fit import nice_axis
from metrics.outputs.brief.slides import EA_FONT, FOOTER_TOP
from metrics.outputs.palette import STATUS_COLORS, STATUS_ICONS
from metrics.plan import periods
from metrics.progress import figures as progress
from metrics.progress import rollups
from metrics.text import CATALOG, t
from metrics.text.format import format_gap, format_target, format_value

AS_OF = "2025Q4"
GENERATED = dt.date(2026, 1, 5)
CJK = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]")
LANGS = ("zh", "en")


# ----------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def decks(registry, demo_obs) -> dict[str, Presentation]:
    return {
        lang: Presentation(
            io.BytesIO(build_brief(registry, demo_obs, AS_OF, lang, demo=True, generated=GENERATED))
        )
        for lang in LANGS
    }


@pytest.fixture(scope="module")
def figs(registry, demo_obs) -> pd.DataFrame:
    nat = progress.figures(registry, demo_obs, AS_OF)
    return nat[nat["figure"] == "national"].set_index("indicator_id")


def texts(slide) -> list[str]:
    """Every piece of text on a slide: text boxes, table cells, chart titles, series, categories."""
    out = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            out.append(shape.text_frame.text)
        if shape.has_table:
            out += [cell.text for row in shape.table.rows for cell in row.cells]
        if shape.has_chart:
            chart = shape.chart
            out.append(chart.chart_title.text_frame.text)
            out.append(chart.value_axis.axis_title.text_frame.text)
            out += [s.name for s in chart.plots[0].series]
            out += [str(c) for c in chart.plots[0].categories]
    return out


def slide_text(slide) -> str:
    return "\n".join(texts(slide))


def table(slide):
    return next(s.table for s in slide.shapes if s.has_table)


def rows(tbl) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in tbl.rows]


def chart(slide):
    frames = [s for s in slide.shapes if s.has_chart]
    assert len(frames) == 1, "one native chart per indicator slide"
    return frames[0].chart


def kpis(registry):
    return [i for i in registry.indicators if i.kind == "kpi"]


# ----------------------------------------------------------------------------- structure


@pytest.mark.parametrize("lang", LANGS)
def test_slides_in_order(decks, registry, lang):
    deck = decks[lang]
    slides = list(deck.slides)
    assert len(slides) == len(slide_kinds(registry)) == 4 + len(kpis(registry)) + 1 == 9
    assert deck.slide_width * 9 == deck.slide_height * 16  # 16:9
    titles = [s.shapes.title.text_frame.text for s in slides]
    plan = registry.plan
    assert titles[0] == (plan.title_zh if lang == "zh" else plan.title_en)
    assert titles[1] == t("brief.summary_title", lang)
    assert titles[2:6] == [i.name(lang) for i in kpis(registry)]
    assert titles[6] == t("brief.measures_title", lang)
    assert titles[7] == t("brief.agencies_title", lang)
    previous, now = periods.label("2025Q3", lang), periods.label(AS_OF, lang)
    assert titles[8] == t("overview.changes_title", lang, start=previous, end=now)


@pytest.mark.parametrize("lang", LANGS)
def test_title_slide_names_plan_quarter_date_and_demo(decks, registry, lang):
    text = slide_text(decks[lang].slides[0])
    assert (registry.plan.title_zh if lang == "zh" else registry.plan.title_en) in text
    assert ("2025年第四季度" if lang == "zh" else "2025 Q4") in text
    assert ("2026年1月5日" if lang == "zh" else "5 January 2026") in text
    assert ("示例数据" if lang == "zh" else "Demo data") in text
    for slide in list(decks[lang].slides)[1:]:  # a slide copied into another deck still says so
        assert t("demo.badge", lang) in slide_text(slide)


@pytest.fixture
def small(ingest, store, registry):
    """A real (not demo) store: one KPI with a missing quarter, one with a single value."""
    csv = (
        "indicator_id,period,agency_id,value,note\n"
        "tc_alignment_rate,2024Q1,samr,80,\n"
        "tc_alignment_rate,2024Q2,samr,81.5,\n"
        "tc_alignment_rate,2024Q4,samr,84.25,第三季度未统计\n"
        "verification_points,2024Q4,samr,30,\n"
    )
    ingest(csv.encode(), "q.csv")
    assert not store.is_demo
    return store.observations()


@pytest.mark.parametrize("lang", LANGS)
def test_no_demo_marker_on_real_data(registry, small, lang):
    deck = Presentation(io.BytesIO(build_brief(registry, small, "2024Q4", lang, demo=False)))
    title = slide_text(deck.slides[0]).lower()
    assert "示例数据" not in title and "demo data" not in title
    assert ("2024年第四季度" if lang == "zh" else "2024 q4") in title
    assert all(t("demo.badge", lang) not in slide_text(s) for s in deck.slides)


# ----------------------------------------------------------------------------- numbers


@pytest.mark.parametrize("lang", LANGS)
def test_summary_rows_are_the_engines_national_kpis(decks, registry, figs, lang):
    got = rows(table(decks[lang].slides[1]))
    assert len(got) == 1 + len(kpis(registry))
    for row, ind in zip(got[1:], kpis(registry), strict=True):
        f = figs.loc[ind.id]
        unit = ind.unit_label(lang)
        assert row == [
            ind.name(lang),
            format_value(f["latest_value"], unit, lang),
            periods.label(f["latest_period"], lang),
            format_target(ind.target, ind.direction, unit, lang),
            periods.label(periods.of_date(ind.deadline), lang),
            format_gap(f["gap"], unit, lang),
            f"{STATUS_ICONS[f['status']]} {t('status.' + f['status'], lang)}",
        ]
    # the demo's numbers, spelled out once, so a formatting change is seen here
    if lang == "en":
        assert got[1][1:3] == ["90.3%", "2025 Q4"] and got[3][1] == "18.6 months"


def stored_national(obs: pd.DataFrame, ind, as_of: str) -> dict[str, float]:
    """The counting revision of the owner's value per quarter, straight from the observations."""
    rows_ = obs[(obs["indicator_id"] == ind.id) & (obs["agency_id"] == ind.owner)]
    rows_ = rows_[[periods.index(p) <= periods.index(as_of) for p in rows_["period"]]]
    last = rows_.sort_values("revision").groupby("period").tail(1)
    return dict(zip(last["period"], last["value"].astype(float), strict=True))


@pytest.mark.parametrize("lang", LANGS)
def test_kpi_charts_are_native_line_charts_of_the_stored_values(decks, registry, demo_obs, figs, lang):
    for slide, ind in zip(list(decks[lang].slides)[2:6], kpis(registry), strict=True):
        c = chart(slide)
        plot = c.plots[0]
        assert isinstance(plot, LinePlot) and len(c.plots) == 1  # a native line chart, not a picture
        assert c.chart_type in (XL_CHART_TYPE.LINE, XL_CHART_TYPE.LINE_MARKERS)
        stored = stored_national(demo_obs, ind, AS_OF)
        quarters = periods.span(min(stored, key=periods.index), AS_OF)
        assert list(plot.categories) == [periods.label(q, lang) for q in quarters]
        national, target, path = plot.series
        assert list(national.values) == [stored.get(q) for q in quarters]  # exact, no rounding
        assert national.values[-1] == figs.loc[ind.id, "latest_value"]
        assert set(target.values) == {ind.target}
        assert path.values[0] == figs.loc[ind.id, "baseline_value"] and path.values[-1] == ind.target
        assert (
            t(
                "chart.target_line",
                lang,
                target=format_target(ind.target, ind.direction, ind.unit_label(lang), lang),
            )
            == target.name
        )
        assert c.has_legend and c.chart_title.text_frame.text == t("brief.chart_title", lang)
        assert c.value_axis.axis_title.text_frame.text == t("chart.unit", lang, unit=ind.unit_label(lang))
        lo, hi = c.value_axis.minimum_scale, c.value_axis.maximum_scale
        assert lo <= min(v for v in national.values if v is not None) and hi >= ind.target


def test_missing_quarters_are_gaps_and_the_path_is_straight(registry, small):
    data = build_brief(registry, small, "2024Q4", "en", demo=False)
    deck = Presentation(io.BytesIO(data))
    c = chart(deck.slides[2])
    national, target, path = c.plots[0].series
    assert list(c.plots[0].categories) == [
        "2024 Q1",
        "2024 Q2",
        "2024 Q3",
        "2024 Q4",
        "2025 Q1",
        "2025 Q2",
        "2025 Q3",
        "2025 Q4",
    ]
    assert list(national.values) == [80.0, 81.5, None, 84.25, None, None, None, None]
    assert list(target.values) == [90.0] * 8
    assert list(path.values) == pytest.approx([80 + 10 * k / 7 for k in range(8)], abs=1e-4)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        xml = z.read("ppt/charts/chart1.xml").decode()
    assert '<c:dispBlanksAs val="gap"/>' in xml
    assert "第三季度未统计" in slide_text(deck.slides[2])  # the latest note, verbatim
    single = chart(deck.slides[5])  # verification points: one value, no trend yet
    assert [v for v in single.plots[0].series[0].values if v is not None] == [30.0]


def test_chart_data_helper_matches_the_slide(registry, demo_obs, decks):
    b = Brief(registry, demo_obs, AS_OF, "zh", True)
    ind = kpis(registry)[2]
    quarters, national, path = kpi_chart_data(b, ind)
    series = chart(decks["zh"].slides[4]).plots[0].series
    assert list(series[0].values) == national and list(series[2].values) == path
    assert quarters[0] == "2023Q4" and quarters[-1] == AS_OF


# ----------------------------------------------------------------------------- other slides


@pytest.mark.parametrize("lang", LANGS)
def test_measures_slide_lists_every_measure_with_counts_and_leads(decks, registry, demo_obs, lang):
    got = rows(table(decks[lang].slides[6]))
    roll = rollups.measure_rollup(registry, progress.figures(registry, demo_obs, AS_OF)).set_index("measure")
    body = got[1:]
    assert len(body) == len(registry.measures) == 15
    for row, m in zip(body, registry.measures, strict=True):
        assert m.title(lang) in row[1]
        for agency in m.leads:
            assert registry.agency[agency].short(lang) in row[2]
        total = sum(int(n) for n in re.findall(r"\d+", row[3]))
        assert total == roll.loc[m.id, "n_kpi"] + roll.loc[m.id, "n_milestone"]
        worst = roll.loc[m.id, "worst_status"]
        assert row[4] == f"{STATUS_ICONS[worst]} {t('status.' + worst, lang)}"
    sections = [row[0] for row in body if row[0]]
    assert len(sections) == len(registry.sections)


@pytest.mark.parametrize("lang", LANGS)
def test_agencies_slide_has_late_reports_and_every_agency(decks, registry, demo_obs, lang):
    slide = decks[lang].slides[7]
    tables = [s.table for s in slide.shapes if s.has_table]
    agencies, late_table = rows(tables[0]), rows(tables[1])
    assert [r[0] for r in agencies[1:]] == [a.short(lang) for a in registry.agencies]
    late = progress.late_reports(registry, demo_obs, AS_OF)
    assert late_table[1:] == [
        [registry.agency[a].short(lang), registry.indicator[i].name(lang)]
        for a, i in zip(late["agency_id"], late["indicator_id"], strict=True)
    ]
    late_n = {r[0]: int(r[4]) for r in agencies[1:]}
    assert sum(late_n.values()) == len(late)


@pytest.mark.parametrize("lang", LANGS)
def test_changes_slide_counts_and_rows(decks, registry, demo_obs, lang):
    slide = decks[lang].slides[8]
    delta = rollups.changes(registry, demo_obs, "2025Q3", AS_OF)
    counts = t(
        "overview.changes_counts",
        lang,
        moved=len(delta["status_changes"]),
        new=len(delta["new_values"]),
        revised=len(delta["revisions"]),
    )
    assert counts in texts(slide)
    moved, revised = (rows(s.table) for s in slide.shapes if s.has_table)
    assert len(moved) - 1 == len(delta["status_changes"]) == 12
    assert len(revised) - 1 == len(delta["revisions"]) == 1
    assert revised[1][3:5] == (["42个", "43个"] if lang == "zh" else ["42 points", "43 points"])


# ----------------------------------------------------------------------------- presentation rules


@pytest.mark.parametrize("lang", LANGS)
def test_status_is_never_colour_alone(decks, lang):
    fills = {v.lstrip("#").upper(): s for s, v in STATUS_COLORS.items()}
    seen = 0
    for slide in decks[lang].slides:
        for shape in slide.shapes:
            if not shape.has_table:
                continue
            for row in list(shape.table.rows)[1:]:
                for cell in row.cells:
                    if cell.fill.type == 1 and str(cell.fill.fore_color.rgb) in fills:
                        status = fills[str(cell.fill.fore_color.rgb)]
                        assert cell.text == f"{STATUS_ICONS[status]} {t('status.' + status, lang)}"
                        seen += 1
    assert seen > 30


def package_parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {name: z.read(name) for name in z.namelist()}


@pytest.mark.parametrize("lang", LANGS)
def test_every_run_names_the_east_asian_font_and_noto_is_nowhere(registry, demo_obs, lang):
    parts = package_parts(build_brief(registry, demo_obs, AS_OF, lang, demo=True))
    for name, blob in parts.items():
        assert b"Noto" not in blob, name
    xml_parts = {
        n: b.decode() for n, b in parts.items() if re.match(r"ppt/(slides/slide|charts/chart)\d+\.xml$", n)
    }
    assert len([n for n in xml_parts if "chart" in n]) == 4
    for name, xml in xml_parts.items():
        props = re.findall(r"<a:(?:rPr|defRPr)\b[^>]*>.*?</a:(?:rPr|defRPr)>", xml, flags=re.S)
        assert props, name
        for p in props:
            if "<a:latin" in p:
                assert f'<a:ea typeface="{EA_FONT}"/>' in p, (name, p)
                assert p.index("<a:latin") < p.index("<a:ea"), "schema order: latin before ea"
    theme = parts["ppt/theme/theme1.xml"].decode()
    assert theme.count(f'<a:ea typeface="{EA_FONT}"/>') == 2
    assert f'script="Hans" typeface="{EA_FONT}"' in theme


def test_english_deck_has_no_chinese_except_quoted_notes(decks, demo_obs):
    notes = {str(n) for n in demo_obs["note"].dropna()}
    for slide in decks["en"].slides:
        for text in texts(slide):
            for note in notes:
                text = text.replace(note, "")
            assert not CJK.search(text), text
    assert CJK.search(slide_text(decks["zh"].slides[6]))


@pytest.mark.parametrize("lang", LANGS)
def test_everything_stays_on_the_slide(decks, lang):
    deck = decks[lang]
    for k, slide in enumerate(deck.slides, start=1):
        for shape in slide.shapes:
            assert shape.left >= 0 and shape.top >= 0, (k, shape.name)
            assert shape.left + shape.width <= deck.slide_width, (k, shape.name)
            assert shape.top + shape.height <= deck.slide_height, (k, shape.name)
            if shape.has_table:  # rows only grow: their estimated heights must end above the footer
                bottom = shape.top + sum(r.height for r in shape.table.rows)
                assert bottom <= Emu(int(FOOTER_TOP * 914400)), (k, shape.name)
                sizes = {
                    r.font.size.pt
                    for row in shape.table.rows
                    for c in row.cells
                    for p in c.text_frame.paragraphs
                    for r in p.runs
                }
                assert min(sizes) >= 10, (k, "readable table text")


def test_rejects_unknown_language_and_unreadable_quarter(registry, demo_obs):
    with pytest.raises(ValueError, match="language"):
        build_brief(registry, demo_obs, AS_OF, "fr", demo=False)
    with pytest.raises(ValueError, match="quarter"):
        build_brief(registry, demo_obs, "soon", "zh", demo=False)


def test_accepts_any_spelling_of_the_quarter(registry, demo_obs):
    deck = Presentation(io.BytesIO(build_brief(registry, demo_obs, "2025年第四季度", "en", demo=True)))
    assert "2025 Q4" in slide_text(deck.slides[0])


def test_empty_store_still_gives_a_deck(registry, store):
    deck = Presentation(io.BytesIO(build_brief(registry, store.observations(), "2024Q1", "zh", demo=False)))
    assert len(deck.slides) == 9
    assert all(v is None for v in chart(deck.slides[2]).plots[0].series[0].values)


def test_nice_axis_brackets_the_values():
    assert nice_axis([80, 90.3]) == (75, 95, 5)
    assert nice_axis([18, 24.5]) == (16, 26, 2)  # the lowest point is not on the axis line
    assert nice_axis([30, 30]) == (26, 34, 2)
    lo, hi, step = nice_axis([0.0, 0.42])
    assert lo == 0 and hi >= 0.42 and step == 0.1


BRIEF = {key: entry for key, entry in CATALOG.items() if key.startswith("brief.")}


def test_catalogue_has_both_languages():
    assert set(BRIEF) <= set(CATALOG)
    for key, entry in BRIEF.items():
        assert entry["zh"] and entry["en"], key
        assert not CJK.search(entry["en"]), key


def test_mime_type():
    assert PPTX_MIME.endswith("presentationml.presentation")


# ----------------------------------------------------------------------------- command line


def test_cli_writes_the_deck(demo_db, tmp_path, capsys):
    out = tmp_path / "brief.pptx"
    code = main(
        ["brief", "--db", str(demo_db), "--targets", str(TARGETS), "--as-of", AS_OF, "--lang", "zh", str(out)]
    )
    assert code == 0
    assert "9" in capsys.readouterr().out
    deck = Presentation(str(out))
    assert len(deck.slides) == 9 and "2025年第四季度" in slide_text(deck.slides[0])


def test_cli_defaults_to_the_latest_quarter_with_data(demo_db, tmp_path, capsys):
    out = tmp_path / "en.PPTX"
    assert main(["brief", "--db", str(demo_db), "--targets", str(TARGETS), "--lang", "en", str(out)]) == 0
    assert "2025 Q4" in slide_text(Presentation(str(out)).slides[0])


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--as-of", "2025Q5"], "2025Q5"), (["--as-of", "next quarter"], "next quarter")],
)
def test_cli_refuses_an_unreadable_quarter(demo_db, tmp_path, capsys, args, message):
    out = tmp_path / "x.pptx"
    code = main(["brief", "--db", str(demo_db), "--targets", str(TARGETS), "--lang", "en", *args, str(out)])
    err = capsys.readouterr().err.strip()
    assert code == 2 and not out.exists()
    assert message in err and len(err.splitlines()) == 1


def test_cli_refuses_another_suffix(demo_db, tmp_path, capsys):
    out = tmp_path / "x.pdf"
    assert main(["brief", "--db", str(demo_db), "--targets", str(TARGETS), str(out)]) == 2
    assert ".pptx" in capsys.readouterr().err and not out.exists()
