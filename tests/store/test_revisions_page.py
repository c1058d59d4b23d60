"""Values.revisions_page: the data page's filtering, ordering and paging, done in SQL."""

from __future__ import annotations

import pytest
from store_support import HEADER, plain

from metrics.store.values import REVISION_ORDERS, RevisionFilter

COLUMNS = ["indicator_id", "period", "agency_id", "revision", "value", "upload_id", "withdrawn", "current"]
SEED = HEADER + (
    b"tc_alignment_rate,2025Q2,samr,80,\n"
    b"tc_alignment_rate,2025Q3,samr,85,first\n"
    b"verification_points,2025Q3,samr,10,\n"
    b"tc_alignment_rate,2025Q3,miit,70,\n"
)
REVISION = HEADER + b"tc_alignment_rate,2025Q3,samr,86,corrected\n"
MISTAKE = HEADER + b"tc_alignment_rate,2025Q3,samr,99,typo\n"


@pytest.fixture
def filled(store, ingest):
    """Three uploads: a seed, a revision, and a mistake that was withdrawn."""
    ingest(SEED, "seed.csv")
    ingest(REVISION, "revision.csv")
    ingest(MISTAKE, "mistake.csv")
    store.withdraw_upload(3, by="admin", reason="typo")
    return store


def rows(page) -> list[tuple]:
    return plain(page.rows[COLUMNS])


def test_every_counting_revision_in_key_order(filled):
    page = filled.revisions_page(RevisionFilter())
    assert (page.total, page.keys) == (5, 4)
    assert rows(page) == [
        ("tc_alignment_rate", "2025Q2", "samr", 1, 80.0, 1, False, True),
        ("tc_alignment_rate", "2025Q3", "miit", 1, 70.0, 1, False, True),
        ("tc_alignment_rate", "2025Q3", "samr", 2, 86.0, 2, False, True),
        ("tc_alignment_rate", "2025Q3", "samr", 1, 85.0, 1, False, False),
        ("verification_points", "2025Q3", "samr", 1, 10.0, 1, False, True),
    ]
    assert list(page.rows["file_name"]) == ["seed.csv", "seed.csv", "revision.csv", "seed.csv", "seed.csv"]
    assert list(page.rows["note"].fillna("")) == ["", "", "corrected", "first", ""]


def test_filters_and_withdrawn_rows(filled):
    chosen = RevisionFilter(indicator_id="tc_alignment_rate", agency_id="samr", period="2025Q3")
    page = filled.revisions_page(chosen)
    assert (page.total, page.keys) == (2, 1)
    assert [r[3:] for r in rows(page)] == [(2, 86.0, 2, False, True), (1, 85.0, 1, False, False)]
    withdrawn = RevisionFilter("tc_alignment_rate", "samr", "2025Q3", include_withdrawn=True)
    page = filled.revisions_page(withdrawn)
    assert (page.total, page.keys) == (3, 1)
    # the withdrawn revision 3 is shown but never current: revision 2 still counts
    assert [r[3:] for r in rows(page)] == [
        (3, 99.0, 3, True, False),
        (2, 86.0, 2, False, True),
        (1, 85.0, 1, False, False),
    ]
    assert filled.revisions_page(RevisionFilter(agency_id="ndrc")).total == 0
    assert filled.revisions_page(RevisionFilter(agency_id="ndrc")).rows.empty
    assert filled.revisions_page(RevisionFilter(period="2025Q2")).keys == 1


def test_pages_follow_the_order_without_overlap(filled):
    every = RevisionFilter(include_withdrawn=True)
    by_value = [r[4] for r in rows(filled.revisions_page(every, "value_desc"))]
    assert by_value == [99.0, 86.0, 85.0, 80.0, 70.0, 10.0]
    pages = [filled.revisions_page(every, "value_asc", offset, 2) for offset in (0, 2, 4, 6)]
    assert [[r[4] for r in rows(p)] for p in pages] == [[10.0, 70.0], [80.0, 85.0], [86.0, 99.0], []]
    assert {p.total for p in pages} == {6}
    newest = rows(filled.revisions_page(every, "uploaded_desc"))
    assert [r[5] for r in newest] == [3, 2, 1, 1, 1, 1]
    assert [r[1] for r in rows(filled.revisions_page(every, "period_desc"))] == [
        "2025Q3",
        "2025Q3",
        "2025Q3",
        "2025Q3",
        "2025Q3",
        "2025Q2",
    ]


def test_an_unknown_order_is_refused_not_run(filled):
    assert "key" in REVISION_ORDERS
    with pytest.raises(KeyError):
        filled.revisions_page(RevisionFilter(), "value; DROP TABLE observations")


def test_stored_periods_newest_first(filled, store, ingest):
    assert filled.stored_periods() == ["2025Q3", "2025Q2"]
    ingest(HEADER + b"tc_alignment_rate,2025Q4,samr,90,\n", "late.csv")
    store.withdraw_upload(4, by="admin", reason="too early")
    assert filled.stored_periods() == ["2025Q4", "2025Q3", "2025Q2"]
    assert filled.stored_periods(include_withdrawn=False) == ["2025Q3", "2025Q2"]


def test_an_empty_store_has_no_page(store):
    page = store.revisions_page(RevisionFilter())
    assert (page.total, page.keys, len(page.rows)) == (0, 0, 0)
    assert store.stored_periods() == []
