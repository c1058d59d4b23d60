"""The dashboard in a real browser: every page in both languages, deep links, briefing mode.

Served by ``streamlit run`` on a fresh demo database (see ``conftest.py``); expected values come
from ``data/sample`` (e.g. ``demo_2025Q4_samr.csv``: tc_alignment_rate 2025Q4 = 90.3).
"""

from __future__ import annotations

import re

import pytest

from metrics.plan.registry import load_registry
from metrics.text import t
from metrics.text.format import cn_numeral

from .conftest import TARGETS
from .ui import Page, act, assert_clean, cells, expect, metric, nav_link, sidebar, table, title, visit

pytestmark = pytest.mark.e2e

REG = load_registry(TARGETS)
LANGS = ("zh", "en")
TC = REG.indicator["tc_alignment_rate"]


def kpi_value(page: Page, name: str):
    """The big number on the overview card of the indicator called ``name``."""
    return page.locator(".kpi-name", has_text=name).locator("xpath=following-sibling::div[1]")


def measure_21(lang: str) -> str:
    m = REG.measure[21]
    return f"（{cn_numeral(21)}）{m.title_zh}" if lang == "zh" else f"21. {m.title_en}"


# What each page must show besides its title ------------------------------------------------------


def overview_content(page: Page, lang: str) -> None:
    expect(kpi_value(page, TC.name(lang))).to_have_text("90.3%")


def indicator_content(page: Page, lang: str) -> None:  # no ?indicator=: the first one
    expect(page.get_by_role("heading", name=REG.indicators[0].name(lang))).to_be_visible()


def measures_content(page: Page, lang: str) -> None:  # in the summary table and as a card
    assert measure_21(lang) in cells(table(page, t("col.measure", lang), t("col.mean_progress", lang)))
    expect(page.get_by_text(measure_21(lang)).last).to_be_visible()


def agencies_content(page: Page, lang: str) -> None:
    expect(page.get_by_role("heading", name=t("agencies.summary_title", lang))).to_be_visible()
    assert REG.agency["miit"].name(lang) in cells(table(page, t("col.lead_measures", lang)))


def data_content(page: Page, lang: str) -> None:
    expect(page.get_by_role("heading", name=t("data.uploads", lang))).to_be_visible()
    expect(page.get_by_text(re.compile(r"^(共 \d+ 次上传|\d+ uploads)"))).to_be_visible()


def methodology_content(page: Page, lang: str) -> None:
    heading = {
        "zh": "方法说明：离目标还有多远，能否按期实现",
        "en": "Methodology: how far from the target, and will we get there?",
    }[lang]
    expect(page.get_by_role("heading", name=heading)).to_be_visible()


def login_content(page: Page, lang: str) -> None:  # the form and, on the demo database, the accounts
    expect(page.get_by_label(t("login.name", lang), exact=True)).to_be_visible()
    expect(page.get_by_label(t("login.password", lang), exact=True)).to_be_visible()
    expect(page.get_by_text(t("login.demo_hint", lang))).to_be_visible()
    expect(page.get_by_text("demo-miit-2025")).to_be_visible()


PAGES = {  # url path: (title key, has charts, content check)
    "overview": ("nav.overview", True, overview_content),
    "indicator": ("nav.indicator", True, indicator_content),
    "measures": ("nav.measures", False, measures_content),
    "agencies": ("nav.agencies", True, agencies_content),
    "data": ("nav.data", False, data_content),
    "methodology": ("nav.methodology", False, methodology_content),
    "login": ("login.title", False, login_content),
}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("path", list(PAGES))
def test_page_renders(page: Page, shot, path: str, lang: str) -> None:
    key, has_charts, check = PAGES[path]
    url = "" if path == "overview" else path  # the default page is served at the root URL
    visit(page, f"/{url}?lang={lang}", charts=has_charts)
    expect(title(page)).to_have_text(t(key, lang))
    check(page, lang)
    shot(page, "page")
    assert_clean(page)


def test_language_switch_keeps_the_page(page: Page, shot) -> None:
    visit(page, "/measures?lang=zh")
    expect(title(page)).to_have_text("举措")
    act(page, sidebar(page).get_by_text("English", exact=True).click)
    expect(title(page)).to_have_text("Measures")
    measures_content(page, "en")
    expect(page).to_have_url(re.compile(r"/measures\?.*lang=en"))
    expect(nav_link(page, "Overview")).to_be_visible()
    shot(page, "english")
    assert_clean(page)


def test_deep_link_to_indicator_as_of_quarter(page: Page, shot) -> None:
    """A shared link reproduces the view: verification points as of 2025 Q2 (38 in the sample data)."""
    visit(page, "/indicator?indicator=verification_points&as_of=2025Q2&lang=en", charts=True)
    expect(title(page)).to_have_text("Indicator")
    expect(page.get_by_role("heading", name="National standard verification points")).to_be_visible()
    expect(metric(page, "Latest (2025 Q2)")).to_have_text("38 points")
    expect(page.get_by_test_id("stCaptionContainer").filter(has_text="as of 2025 Q2").first).to_be_visible()
    as_of = sidebar(page).get_by_role("combobox", name=t("sidebar.as_of", "en"))
    expect(as_of).to_have_value("2025 Q2")
    expect(page).to_have_url(re.compile(r"indicator=verification_points"))
    expect(page).to_have_url(re.compile(r"as_of=2025Q2"))
    shot(page, "2025Q2")
    assert_clean(page)


def test_briefing_mode_from_link_and_toggle(page: Page, shot) -> None:
    """``?briefing=1`` hides the sidebar and chrome; the toggle and the exit button switch it."""
    visit(page, "/?lang=zh&briefing=1", charts=True)
    expect(kpi_value(page, TC.name("zh"))).to_have_text("90.3%")
    expect(sidebar(page)).to_be_hidden()
    expect(page.get_by_test_id("stHeader")).to_be_hidden()
    leave = page.get_by_role("button", name=t("briefing.exit", "zh"))
    expect(leave).to_be_visible()
    shot(page, "from-link")
    assert_clean(page)

    act(page, leave.click, charts=True)
    expect(sidebar(page)).to_be_visible()
    expect(page).not_to_have_url(re.compile(r"briefing="))
    shot(page, "left")

    act(page, sidebar(page).get_by_text(t("sidebar.briefing", "zh"), exact=True).click, charts=True)
    expect(page).to_have_url(re.compile(r"briefing=1"))
    expect(sidebar(page)).to_be_hidden()
    expect(kpi_value(page, TC.name("zh"))).to_have_text("90.3%")
    shot(page, "from-toggle")
    assert_clean(page)


def test_briefing_mode_indicator_page(page: Page, shot) -> None:
    visit(page, "/indicator?indicator=tc_alignment_rate&lang=en&briefing=1", charts=True)
    expect(sidebar(page)).to_be_hidden()
    expect(page.get_by_role("heading", name=TC.name("en"))).to_be_visible()
    go_back = page.get_by_role("button", name=t("briefing.exit", "en"))
    expect(go_back).to_be_visible()
    shot(page, "briefing")
    assert_clean(page)


def test_overview_url_path_is_a_page(page: Page, shot) -> None:
    visit(page, "/overview?lang=en")
    expect(title(page)).to_have_text("Overview")
    page.wait_for_timeout(500)
    shot(page, "overview-by-its-path")
    assert_clean(page)
