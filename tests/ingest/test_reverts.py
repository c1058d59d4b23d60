"""A re-sent old file must not silently undo a correction (issue 14, part 2).

The worked example: SAMR's 2024Q4 adoption rate was reported as 82.4, then corrected to 82.6
with the note 更正：口径调整; re-sending the original file is held, nothing is stored.
"""

from __future__ import annotations

import pytest
from conftest import TODAY

from metrics.errors import Revert, RevertHeld
from metrics.ingest.batch import ingest_file, revert_text

HEADER = "indicator_id,period,agency_id,value,note\n"
ORIGINAL = (HEADER + "intl_std_adoption_rate,2024Q4,samr,82.4,\ntc_alignment_rate,2024Q4,samr,85,\n").encode()
CORRECTION = (HEADER + "intl_std_adoption_rate,2024Q4,samr,82.6,更正：口径调整\n").encode()


@pytest.fixture
def corrected(store, registry):
    """Upload 1 (the original, by samr-officer), upload 2 (the correction, by ops)."""

    def put(data: bytes, name: str, who: str, **kwargs):
        kwargs.setdefault("today", TODAY)
        return ingest_file(store, registry, data, name, uploaded_by=who, source="test", **kwargs)

    put(ORIGINAL, "samr_2024Q4.csv", "samr-officer")
    put(CORRECTION, "samr_2024Q4_fix.csv", "ops")
    return put


def _current(store) -> dict[tuple, tuple]:
    return {
        (r.indicator_id, r.period, r.agency_id): (r.value, r.revision)
        for r in store.latest().itertuples(index=False)
    }


def test_resending_the_original_is_held_with_the_rows_listed(store, corrected):
    corrected_at = store.uploads().set_index("upload_id").loc[2, "uploaded_at"]
    before = (store.counts(), store.data_version())
    with pytest.raises(RevertHeld) as info:
        corrected(ORIGINAL, "samr_2024Q4.csv", "samr-officer")
    assert info.value.file_name == "samr_2024Q4.csv"
    assert info.value.reverts == (
        Revert(
            row=2,
            indicator_id="intl_std_adoption_rate",
            period="2024Q4",
            agency_id="samr",
            old_value=82.4,
            current_value=82.6,
            corrected_upload=2,
            corrected_file="samr_2024Q4_fix.csv",
            corrected_by="ops",
            corrected_at=corrected_at,
            corrected_note="更正：口径调整",
        ),
    )
    assert (store.counts(), store.data_version()) == before  # nothing stored
    assert _current(store)[("intl_std_adoption_rate", "2024Q4", "samr")] == (82.6, 2)
    when = f"{corrected_at:%Y-%m-%d %H:%M} UTC"
    assert revert_text(info.value.reverts[0], "en") == (
        "row 2 intl_std_adoption_rate 2024Q4 samr: 82.4 in this file, now 82.6 "
        f"(corrected by upload #2 samr_2024Q4_fix.csv, ops, {when}, note: 更正：口径调整)"
    )
    assert revert_text(info.value.reverts[0], "zh") == (
        "第 2 行 intl_std_adoption_rate 2024Q4 samr：文件中为 82.4，当前为 82.6"
        f"（已由第 2 次上传 samr_2024Q4_fix.csv 更正，ops，{when}，备注：更正：口径调整）"
    )


def test_a_dry_run_lists_the_reverts_and_writes_nothing(store, corrected):
    result = corrected(ORIGINAL, "samr_2024Q4.csv", "samr-officer", dry_run=True)
    c = result.change
    assert (c.stored, c.new, c.revised, c.unchanged) == (False, 0, 1, 1)
    assert [(r.row, r.old_value, r.current_value, r.corrected_upload) for r in c.reverts] == [
        (2, 82.4, 82.6, 2)
    ]
    assert store.counts() == {"observations": 3, "uploads": 2}


def test_allow_revert_stores_it_and_records_the_confirmation(store, corrected):
    result = corrected(ORIGINAL, "samr_2024Q4.csv", "samr-officer", allow_revert=True)
    c = result.change
    assert (c.upload_id, c.new, c.revised, c.unchanged) == (3, 0, 1, 1)
    assert len(c.reverts) == 1
    assert _current(store)[("intl_std_adoption_rate", "2024Q4", "samr")] == (82.4, 3)
    entry = store.audit_log(1).iloc[0]
    assert (entry["actor"], entry["action"], entry["detail"]) == (
        "samr-officer",
        "upload_revert",
        "upload 3 (samr_2024Q4.csv): 1 value(s) set back, confirmed: "
        "row 2 intl_std_adoption_rate 2024Q4 samr: 82.6 -> 82.4 (corrected by upload 2)",
    )


def test_an_identical_resend_of_the_correction_still_changes_nothing(store, corrected):
    result = corrected(CORRECTION, "samr_2024Q4_fix.csv", "ops")
    c = result.change
    assert (c.stored, c.new, c.revised, c.unchanged, c.identical_upload, c.reverts) == (False, 0, 0, 1, 2, ())
    assert result.summary("en") == (
        "samr_2024Q4_fix.csv: nothing written; 0 new, 0 revised, 1 unchanged. "
        "Every value is already stored exactly as in this file: nothing changed."
    )


def test_forward_revisions_and_new_values_are_unaffected(store, corrected):
    forward = (
        HEADER + "intl_std_adoption_rate,2024Q4,samr,82.9,\ntc_alignment_rate,2025Q1,samr,86,\n"
    ).encode()
    c = corrected(forward, "later.csv", "ops").change
    assert (c.upload_id, c.new, c.revised, c.unchanged, c.reverts) == (3, 1, 1, 0, ())
    assert store.audit_log()["action"].tolist() == []  # nothing to confirm, nothing recorded


def test_a_value_back_after_the_correction_was_withdrawn_is_no_revert(store, corrected):
    store.withdraw_upload(2, by="admin", reason="wrong")
    c = corrected(ORIGINAL, "samr_2024Q4.csv", "samr-officer").change
    assert (c.stored, c.revised, c.unchanged, c.reverts) == (False, 0, 2, ())


def test_only_the_row_that_goes_back_is_listed_when_a_key_was_corrected_twice(store, corrected):
    corrected((HEADER + "intl_std_adoption_rate,2024Q4,samr,83,again\n").encode(), "third.csv", "ops")
    with pytest.raises(RevertHeld) as info:
        corrected(CORRECTION, "samr_2024Q4_fix.csv", "ops")  # 82.6 was replaced by 83 in upload 3
    (r,) = info.value.reverts
    assert (r.old_value, r.current_value, r.corrected_upload, r.corrected_file, r.corrected_note) == (
        82.6,
        83.0,
        3,
        "third.csv",
        "again",
    )
