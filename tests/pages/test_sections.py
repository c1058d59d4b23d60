"""No page shows a stale state.

For every page and every input a person changes (the sidebar's language, as-of quarter, "as known
at" day, agency filter and briefing toggle, and the page's own choices), the page after the change
shows exactly what a fresh session opened on that state shows, drawn with empty caches, and not
what it showed before the change. This is the test that catches a cached result keyed on less
than what it shows.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest
from test_pages import charts, db, run  # noqa: F401 - db is the fixture the page tests use

# with MIIT the Indicator page's first indicator would look the same: only SAMR (its owner) and
# MIIT report it; with SAMR, MIIT's own series leaves the chart
YESTERDAY = dt.date.today() - dt.timedelta(days=1)  # before every upload of the test database
AGENCY = {"overview": "miit", "indicator": "samr", "measures": "miit", "agencies": "miit"}
PAGE_INPUTS = [
    # page, widget kind, widget key, new value, the same state as URL parameters
    *(
        (page, kind, key, value, params)
        for page in ("overview", "indicator", "measures", "agencies")
        for kind, key, value, params in (
            ("radio", "_w_lang", "en", {"lang": "en"}),
            ("selectbox", "_w_as_of", "2025Q2", {"as_of": "2025Q2"}),
            ("selectbox", "_w_agency", AGENCY[page], {"agency": AGENCY[page]}),
            ("toggle", "_w_briefing", True, {"briefing": "1"}),
            ("date_input", "_w_known_at", YESTERDAY, {"known_at": YESTERDAY.isoformat()}),
        )
    ),
    *(
        ("data", kind, key, value, params)
        for kind, key, value, params in (
            ("radio", "_w_lang", "en", {"lang": "en"}),
            ("selectbox", "_w_agency", "miit", {"agency": "miit"}),  # the data filter's default
        )
    ),
    ("indicator", "selectbox", "_w_indicator", "verification_points", {"indicator": "verification_points"}),
    ("agencies", "selectbox", "_w_agency_page", "samr", {"agency": "samr"}),
]


def opened(page: str, params: dict[str, str]) -> AppTest:
    return run(page, **{"lang": "zh", **params})


def shown(at: AppTest) -> str:
    """What the page shows: its text, tables and charts (titles, data, source lines)."""
    parts = [x.value for kind in ("title", "subheader", "markdown", "caption") for x in at.get(kind)]
    parts += [h.proto.body for h in at.get("html")]
    parts += [d.value.to_csv() for d in at.dataframe] + [d.value.to_csv() for d in at.table]
    parts += [json.dumps(c, sort_keys=True) for c in charts(at)]
    return "\n".join(str(p) for p in parts)


def section(at: AppTest) -> str:
    """The sections under the page header: tables and charts."""
    parts = [d.value.to_csv() for d in [*at.dataframe, *at.table]]  # grids and static tables
    parts += [json.dumps(c, sort_keys=True) for c in charts(at)]
    return "\n".join(parts)


def change(at: AppTest, kind: str, key: str, value: object) -> None:
    widget = getattr(at, kind)(key=key)
    widget.set_value(value)
    at.run()
    assert not at.exception, [e.value for e in at.exception]


@pytest.mark.parametrize(("page", "kind", "key", "value", "params"), PAGE_INPUTS)
def test_a_changed_input_shows_the_new_state(db, page, kind, key, value, params) -> None:  # noqa: F811
    at = opened(page, {})
    before = section(at)
    change(at, kind, key, value)
    after = shown(at)
    st.cache_data.clear()  # the fresh session draws every section anew
    fresh = opened(page, params)
    assert after == shown(fresh)
    assert section(fresh) != before


DATA_CHOICES = [  # the data page's own choices: widget kind, key, new value
    ("selectbox", "data_indicator", "verification_points"),
    ("selectbox", "data_agency", "miit"),
    ("selectbox", "data_period", "2025Q1"),
    ("selectbox", "data_order", "value_desc"),
    ("radio", "data_fmt", "xlsx"),
]


@pytest.mark.parametrize(("kind", "key", "value"), DATA_CHOICES)
def test_a_changed_data_page_choice_shows_the_new_state(db, kind, key, value) -> None:  # noqa: F811
    at = opened("data", {})
    before = shown(at) + download_label(at)
    change(at, kind, key, value)
    after = shown(at) + download_label(at)
    st.cache_data.clear()
    fresh = opened("data", {})
    change(fresh, kind, key, value)
    assert after == shown(fresh) + download_label(fresh)
    assert after != before


def download_label(at: AppTest) -> str:
    return at.download_button(key="data_download").label


def test_the_as_of_quarter_reaches_every_chart_of_a_section(db) -> None:  # noqa: F811
    at = opened("overview", {"lang": "en"})
    change(at, "selectbox", "_w_as_of", "2025Q2")
    titled = [c["layout"]["title"]["text"] for c in charts(at) if c["layout"].get("title", {}).get("text")]
    assert titled and all("As of 2025 Q2" in text for text in titled)
    [mix] = [h.proto.body for h in at.get("html") if "status-mix-chart" in h.proto.body]  # drawn in HTML
    assert "As of 2025 Q2" in mix and "as of 2025 Q4" not in mix
