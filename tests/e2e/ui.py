"""Helpers for driving the dashboard in Chromium: waiting for Streamlit, reading widgets and tables.

Selectors are the ``data-testid`` attributes Streamlit renders, ARIA roles, and visible text taken
from the catalogue (:func:`metrics.text.t`), so a reworded sentence does not break the tests.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from metrics.text import t

try:
    from playwright.sync_api import Locator, Page, expect
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
except ImportError:  # conftest.py skips every e2e test and says how to install it
    Locator = Page = object  # type: ignore[misc,assignment]
    expect = None  # type: ignore[assignment]
    PlaywrightTimeout = TimeoutError  # type: ignore[misc,assignment]

APP = "[data-testid='stApp']"
CHART = "[data-testid='stPlotlyChart'] .js-plotly-plot .main-svg"

# Counts what shows a script run happened, installed into every page before it loads
# (``BrowserContext.add_init_script``): "notRunning" alone also holds *before* a run starts.
# Two signs, because neither is enough alone: the app's state turning "running" (read from the
# next record's old value, since by the time the observer is called a short run may be over),
# and every message the server sends on the websocket (React renders a run of a few ms without
# ever putting "running" into the page, so for such a run only its messages show it).
COUNT_RUNS = """
window.__stRuns = 0;
new MutationObserver((changes) => {
  const app = changes.filter((c) => c.target.getAttribute("data-testid") === "stApp");
  app.forEach((c, i) => {
    const now = i + 1 < app.length ? app[i + 1].oldValue : c.target.getAttribute("data-test-script-state");
    if (now === "running") window.__stRuns += 1;
  });
}).observe(document, {
  attributes: true, attributeOldValue: true, subtree: true, attributeFilter: ["data-test-script-state"],
});
const NativeWebSocket = window.WebSocket;
window.WebSocket = class extends NativeWebSocket {
  constructor(...args) {
    super(...args);
    this.addEventListener("message", () => { window.__stRuns += 1; });
  }
};
"""
_DONE = """(since) => {
  const app = document.querySelector("[data-testid='stApp']");
  return window.__stRuns > since && app && app.getAttribute("data-test-script-state") === "notRunning"
    && app.getAttribute("data-test-connection-state") === "CONNECTED";
}"""
_IDLE = """() => document.querySelector("[data-testid='stApp']")
  .getAttribute("data-test-script-state") === "notRunning" """

if expect is not None:
    expect.set_options(timeout=20_000)


def runs(page: Page) -> int:
    """A count that grows with every script run of this document (runs seen start, messages)."""
    return int(page.evaluate("window.__stRuns || 0"))


_STATE = """() => {
  const app = document.querySelector("[data-testid='stApp']");
  return {runs: window.__stRuns, script: app && app.getAttribute("data-test-script-state"),
          connection: app && app.getAttribute("data-test-connection-state"),
          title: (document.querySelector("[data-testid='stMain'] h1") || {}).textContent || null};
}"""


def settle(page: Page, since: int, charts: bool = False) -> None:
    """Wait for a script run started after ``since`` (a :func:`runs` count) to finish, and for any
    run it chains (``st.rerun``, ``st.switch_page``); then, if asked, for the charts to be drawn.

    A first message of a run may arrive while the page still says "notRunning"; the pause and
    the wait for idle after it cover the run that message starts."""
    try:
        page.wait_for_function(_DONE, arg=since)
    except PlaywrightTimeout as exc:  # say what the page was doing, not only that it timed out
        state = page.evaluate(_STATE)
        raise AssertionError(f"no finished run after {since} runs at {page.url}: {state}") from exc
    page.wait_for_timeout(200)
    page.wait_for_function(_IDLE)
    if charts:
        expect(page.locator(CHART).first).to_be_attached()
        page.wait_for_timeout(400)  # Plotly draws after the element appears


def act(page: Page, action: Callable[[], object], charts: bool = False) -> None:
    """Do something that makes the app rerun (click, upload, choose) and wait for the result."""
    before = runs(page)
    action()
    settle(page, before, charts)


def visit(page: Page, path: str, charts: bool = False) -> None:
    """Open ``path`` (a new Streamlit session: signed out) and wait for its first run."""
    page.goto(path)
    settle(page, 0, charts)


def assert_clean(page: Page) -> None:
    """No exception box, no error alert and no dialog (the app opens none; Streamlit's
    "Page not found" is one) anywhere on the page."""
    errors = page.get_by_test_id("stException").all_inner_texts()
    errors += page.get_by_test_id("stAlertContentError").all_inner_texts()
    errors += page.get_by_role("dialog").all_inner_texts()
    assert not errors, f"{page.url} shows errors:\n" + "\n---\n".join(errors)


def title(page: Page) -> Locator:
    return page.locator("[data-testid='stMain'] h1").first


def sidebar(page: Page) -> Locator:
    return page.get_by_test_id("stSidebar")


def nav_link(page: Page, label: str) -> Locator:
    """The sidebar menu entry whose text ends with ``label`` (the icon's ligature comes first)."""
    return page.get_by_test_id("stSidebarNav").get_by_role("link", name=re.compile(f"{re.escape(label)}$"))


def go(page: Page, label: str, charts: bool = False) -> None:
    """Follow a sidebar menu entry: navigation inside the session, which keeps the log-in."""
    act(page, nav_link(page, label).click, charts)


GRIDCELL = "td[role='gridcell']"  # inside the canvas (fallback content), so not "visible"
HEADER = "th[role='columnheader']"


def table(page: Page, *columns: str) -> Locator:
    """The ``st.dataframe`` whose header has all these columns (tables mount one by one, in no
    fixed order, so their position on the page is no way to find them)."""
    found = page.get_by_test_id("stDataFrame")
    for column in columns:
        found = found.filter(has=page.locator(HEADER, has_text=re.compile(f"^{re.escape(column)}$")))
    expect(found.first).to_be_attached()
    return found.first


def _drawn(table: Locator) -> None:
    """A ``st.dataframe`` is a canvas; its accessible grid mirrors the rows it draws."""
    table.scroll_into_view_if_needed()
    expect(table.locator(GRIDCELL).first).to_be_attached()


def cells(table: Locator) -> list[str]:
    """Texts of the cells a ``st.dataframe`` draws (visible rows only: the grid is virtual)."""
    _drawn(table)
    return [text.strip() for text in table.locator(GRIDCELL).all_text_contents()]


def rows(table: Locator) -> list[list[str]]:
    """The dataframe's drawn rows as lists of cell texts (the header row has none)."""
    _drawn(table)
    out = []
    for row in table.locator("tr").all():
        texts = [text.strip() for text in row.locator(GRIDCELL).all_text_contents()]
        if texts:
            out.append(texts)
    return out


def metric(page: Page, label: str) -> Locator:
    """The value of the ``st.metric`` labelled ``label``."""
    box = page.get_by_test_id("stMetric").filter(
        has=page.get_by_test_id("stMetricLabel").filter(has_text=re.compile(f"^{re.escape(label)}$"))
    )
    return box.get_by_test_id("stMetricValue")


def log_in(page: Page, name: str, password: str, lang: str) -> None:
    """Fill in and send the log-in form (the page must show it)."""
    expect(title(page)).to_have_text(t("login.title", lang))
    page.get_by_label(t("login.name", lang), exact=True).fill(name)
    page.get_by_label(t("login.password", lang), exact=True).fill(password)
    act(page, page.get_by_role("button", name=t("login.submit", lang)).click)


def upload(page: Page, name: str, data: bytes, mime: str = "text/csv") -> None:
    """Hand a file to the page's file uploader, as a user picking it would."""
    files = [{"name": name, "mimeType": mime, "buffer": data}]
    act(page, lambda: page.set_input_files("input[type=file]", files=files))
