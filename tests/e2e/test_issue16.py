"""Issue 16 in a real browser, in both languages at 1440 and 390 px: charts keep their layout on a
phone (labels, titles, source line, toolbar), describe themselves (lead agency, the grid's key,
the PNG export), tables show every row, the agency filter filters, the Methodology page reads as
a document, links with a bad quarter warn, and the upload page speaks the page's language, says
"did you mean …", refuses a text file named .xlsx and records every refusal in the audit log.

Every step leaves a full-page screenshot in ``artifacts/e2e/``.
"""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook
from PIL import Image

from metrics.outputs.chart_frame import EXPORT_WIDTH, MIN_WIDTH
from metrics.plan.registry import load_registry
from metrics.text import t

from .conftest import ARTIFACTS, TARGETS
from .ui import CHART, Page, assert_clean, expect, go, log_in, rows, table, title, upload, visit

pytestmark = pytest.mark.e2e

REG = load_registry(TARGETS)
VP = REG.indicator["verification_points"]
WIDTHS = (1440, 390)
CASES = [(lang, width) for lang in ("zh", "en") for width in WIDTHS]
IDS = [f"{lang}-{width}" for lang, width in CASES]

# Per chart drawn by pages.frame.page.show_chart: how it sits in its box and what overflows.
CHART_FACTS = """() => [...document.querySelectorAll("[class*='st-key-chart_']")].map((box) => {
  const svg = box.querySelector(".main-svg");
  const r = svg.getBoundingClientRect();
  const inside = (el) => { const b = el.getBoundingClientRect();
    return b.left >= r.left - 1 && b.right <= r.right + 1 && b.top >= r.top - 1; };
  const texts = (sel) => [...box.querySelectorAll(sel)];
  const title = box.querySelector(".gtitle");
  return {
    key: [...box.classList].find((c) => c.startsWith("st-key-")),
    width: r.width,
    scrolls: box.scrollWidth > box.clientWidth + 1,
    rotated: texts(".xtick text").filter((e) => /rotate/.test(e.getAttribute("transform") || "")).length,
    cut: texts(".ytick text, .annotation-text, .gtitle, .xtitle").filter((e) => !inside(e))
      .map((e) => e.textContent),
    titleTop: title ? title.getBoundingClientRect().top - r.top : null,
    toolbarBottom: (() => { const m = box.querySelector(".modebar");
      return m ? m.getBoundingClientRect().bottom - r.top : 0; })(),
    toolbarLeft: (() => { const m = box.querySelector(".modebar");
      return m ? m.getBoundingClientRect().left - r.left : r.width; })(),
    titleRight: title ? title.getBoundingClientRect().right - r.left : 0,
    title: title ? title.textContent : "",
    annotations: texts(".annotation-text").map((e) => e.textContent),
    legend: texts(".legendtext").map((e) => e.textContent),
  };
})"""
# A st.dataframe sized to its content has nothing to scroll up and down.
GRID_SCROLLS = """(el) => { const s = el.querySelector(".dvn-scroller");
  return s ? s.scrollHeight > s.clientHeight + 2 : null; }"""


def full_shot(page: Page, shot, step: str) -> None:
    """A screenshot of the whole page: the app scrolls inside its own box, so the window is made
    as tall as the content for the shot."""
    size = page.viewport_size
    height = page.evaluate(
        """() => Math.max(...[...document.querySelectorAll("[data-testid='stMain'], section, .main")]
        .map((e) => e.scrollHeight), document.body.scrollHeight)"""
    )
    page.set_viewport_size({"width": size["width"], "height": min(max(height, 600), 9000)})
    page.wait_for_timeout(500)
    shot(page, step)
    page.set_viewport_size(size)


def charts(page: Page) -> list[dict]:
    expect(page.locator(CHART).first).to_be_attached()
    return page.evaluate(CHART_FACTS)


def assert_charts_fit(facts: list[dict], width: int) -> None:
    """Nothing rotated or outside the figure, the title below the toolbar's band; on a phone the
    chart keeps MIN_WIDTH px (what its frame is laid out for) and scrolls sideways."""
    assert facts
    for chart in facts:
        if width < MIN_WIDTH:
            assert chart["width"] >= MIN_WIDTH - 1, chart
        assert chart["rotated"] == 0, chart
        assert chart["cut"] == [], chart
        # the toolbar (shown on hover) sits in the band above the title, or beside it
        assert chart["titleTop"] >= chart["toolbarBottom"] or chart["titleRight"] <= chart["toolbarLeft"], (
            chart
        )
        assert chart["scrolls"] == (width < MIN_WIDTH), chart


def source_line(lang: str) -> str:
    return REG.plan.source_zh if lang == "zh" else REG.plan.source_en


def grid_scrolls(locator) -> bool | None:
    locator.scroll_into_view_if_needed()
    return locator.evaluate(GRID_SCROLLS)


@pytest.mark.parametrize(("lang", "width"), CASES, ids=IDS)
def test_every_page_at_both_widths(page: Page, shot, lang: str, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 1000})

    # Overview from a link with a quarter that does not exist: a warning, the latest quarter (7);
    # both charts fit; the "what changed" table shows every row (3, 5)
    visit(page, f"/?as_of=2031Q1&lang={lang}", charts=True)
    expect(page.get_by_test_id("stAlertContentWarning")).to_contain_text("2031Q1")
    page.wait_for_timeout(600)
    facts = charts(page)
    assert_charts_fit(facts, width)
    assert all(any(source_line(lang) in a for a in chart["annotations"]) for chart in facts)
    heading = page.get_by_role(
        "heading", name=re.compile("^(与上季度相比的变化|What changed|最终评估与|Final assessment vs)")
    )
    heading.scroll_into_view_if_needed()  # a grid far down a phone's page mounts when scrolled to
    page.wait_for_timeout(300)
    moved = page.get_by_test_id("stDataFrame").nth(1)  # after the late list (off-screen headers: not drawn)
    expect(moved.locator("th[role='columnheader']").first).to_have_text(t("col.indicator", lang))
    assert grid_scrolls(moved) is False
    full_shot(page, shot, "1-overview")
    assert_clean(page)

    # Indicator with the agency filter on MARA: the national series and MARA's own, not MIIT's (1);
    # the chart names its lead agency (4)
    mara, miit, lead = (REG.agency[a].short(lang) for a in ("mara", "miit", VP.owner))
    visit(page, f"/indicator?indicator=verification_points&agency=mara&lang={lang}", charts=True)
    page.wait_for_timeout(600)
    (trend,) = charts(page)
    assert_charts_fit([trend], width)
    assert mara in trend["legend"] and miit not in trend["legend"], trend["legend"]
    assert t("chart.lead", lang, agency=lead) in trend["title"]
    expect(page.get_by_text(t("header.agency", lang, agency=REG.agency["mara"].name(lang)))).to_be_visible()
    full_shot(page, shot, "2-indicator-mara")
    assert_clean(page)

    # The camera button's PNG: its own width and height, whatever the screen; the title's top clear
    page.locator(CHART).first.hover()
    with page.expect_download() as done:
        page.locator(".modebar-btn[data-title='Download plot as a PNG']").first.click()
    png = ARTIFACTS / f"png-export-{lang}-{width}.png"
    done.value.save_as(png)
    image = Image.open(png)
    assert image.width == EXPORT_WIDTH * 3
    ink = Image.eval(image.convert("L"), lambda v: 255 - v).getbbox()
    assert ink[1] >= 20 * 3  # the title starts well below the top edge: nothing clipped

    # Agencies: the grid's key says what the colours and squares mean (4)
    visit(page, f"/agencies?as_of=2025Q3&lang={lang}", charts=True)  # while the plan ran: several statuses
    page.wait_for_timeout(600)
    (grid,) = charts(page)
    assert grid["cut"] == [] and grid["rotated"] == 0, grid
    for word in (t("role.lead", lang), t("role.shared", lang), t("status.acceleration_needed", lang)):
        assert word in grid["title"], grid["title"]
    assert t("chart.grid_note", lang, first="21", last="35")[:12] in grid["title"]  # (lines join unspaced)
    full_shot(page, shot, "3-agencies")
    assert_clean(page)

    # Measures: the summary grows with its rows; a card's table is static, every name in full (5)
    visit(page, f"/measures?lang={lang}")
    summary = table(page, t("col.measure", lang), t("col.status", lang))
    assert grid_scrolls(summary) is False
    expect(page.get_by_test_id("stTable").first).to_be_visible()
    names = page.get_by_test_id("stTable").all_inner_texts()
    for ind in REG.indicators:
        assert any(ind.name(lang) in text for text in names), ind.id
    full_shot(page, shot, "4-measures")
    assert_clean(page)

    # Methodology: a document, no code paths or field names; statuses by their names (8)
    visit(page, f"/methodology?lang={lang}")
    text = page.get_by_test_id("stMain").inner_text()
    for internal in (".py", "metrics/", "n_points", "no_data", "known_at`", "acceleration_needed"):
        assert internal not in text, internal
    assert t("status.acceleration_needed", lang) in text
    full_shot(page, shot, "5-methodology")
    assert_clean(page)


# --------------------------------------------------------------------------- uploads

HEADER = "指标编号,报告期,填报单位,数值,备注\r\n"
NEAR = (HEADER + "tc_alignment_rat,2025年第四季度,工业和信息化部,90,\r\n").encode("gb18030")
NOT_A_BOOK = "这不是工作簿\n".encode()


def admin_audit(page: Page, lang: str) -> list[str]:
    """The audit log's rows as the admin sees them on the Data & history page."""
    visit(page, f"/login?lang={lang}")
    log_in(page, "demo-admin", "demo-admin-2025", lang)
    go(page, t("nav.data", lang))
    log = table(page, t("audit.col.actor", lang), t("audit.col.detail", lang))
    log.scroll_into_view_if_needed()
    return [" ".join(row) for row in rows(log)]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_upload_page_language_near_misses_and_refusals_audited(page: Page, context, shot, lang: str) -> None:
    visit(page, f"/login?lang={lang}")
    log_in(page, "demo-miit", "demo-miit-2025", lang)
    go(page, t("nav.upload", lang))
    expect(title(page)).to_have_text(t("upload.title", lang))
    page.get_by_text(t("upload.template", lang)).click()  # the template's expander

    # The box speaks the page's language and offers no .xls (6)
    drop = page.get_by_test_id("stFileUploaderDropzoneInstructions").locator("span").first
    words = drop.evaluate("(e) => getComputedStyle(e, '::after').content")
    button = page.get_by_test_id("stFileUploaderDropzone").get_by_test_id("stBaseButton-secondary")
    assert t("upload.browse", lang) in button.locator("p").evaluate(
        "(e) => getComputedStyle(e, '::after').content"
    )
    assert ("将文件拖放到此处" if lang == "zh" else "Drag a file here") in words
    accept = page.locator("input[type=file]").get_attribute("accept") or ""
    assert ".xlsx" in accept and ".xls" not in accept.replace(".xlsx", ""), accept
    page.set_viewport_size({"width": 390, "height": 1000})
    full_shot(page, shot, "1-upload-390")
    page.set_viewport_size({"width": 1440, "height": 1000})

    # The template: the agency by name (in Chinese), drop-down lists and an instructions sheet (8)
    with page.expect_download() as done:
        page.get_by_role("button", name=t("upload.template_button", lang)).click()
    book = load_workbook(io.BytesIO(done.value.path().read_bytes()))
    assert len(book.sheetnames) >= 2
    data = book.worksheets[0]
    assert data.data_validations.dataValidation
    cells = {str(c.value) for row in data.iter_rows() for c in row if c.value is not None}
    assert (REG.agency["miit"].name_zh if lang == "zh" else "miit") in cells  # the English one: the id

    # A near-miss id: "did you mean …" (7)
    upload(page, f"near-{lang}.csv", NEAR)
    expect(page.get_by_test_id("stAlertContentError")).to_be_visible()
    hint = t("problem_hint.did_you_mean", lang, suggestion="tc_alignment_rate").strip()
    problems = table(page, t("data.col.row", lang), t("data.col.reason", lang))
    expect(problems).to_contain_text(re.compile(re.escape(hint[:8])))
    full_shot(page, shot, "2-near-miss")

    # A text file named .xlsx: "not a workbook" (7)
    upload(page, f"text-{lang}.xlsx", NOT_A_BOOK, mime="application/octet-stream")
    expect(page.get_by_test_id("stAlertContentError").first).to_be_visible()
    expect(page.get_by_test_id("stMain")).to_contain_text(
        re.compile(re.escape(t("problem.not_a_workbook", lang)[:10]))
    )
    full_shot(page, shot, "3-not-a-workbook")

    # Both refusals are in the audit log: who, file, sha256, problem count (2)
    admin = context.new_page()
    admin.set_default_timeout(60_000)  # the Data & history page reads every revision: slow on a busy machine
    try:
        log = admin_audit(admin, lang)
        for name in (f"near-{lang}.csv", f"text-{lang}.xlsx"):
            mine = [row for row in log if name in row]
            assert mine and "demo-miit" in mine[0] and "sha256" in mine[0], log[:5]
        full_shot(admin, shot, "4-audit")
        # The export from this page has headers in its language (8)
        with admin.expect_download() as done:
            admin.get_by_role("button", name=t("data.download_button", lang, fmt="CSV")).click()
        header = done.value.path().read_bytes().decode("utf-8-sig").splitlines()[0]
        assert t("export.col.indicator_id", lang) in header, header
        assert_clean(admin)
    finally:
        admin.close()
