"""metrics.actions: uploads and withdrawals as a signed-in user (who may, what is recorded)."""

from __future__ import annotations

import hashlib

import pytest
from accounts_support import PW, T0, csv, login
from conftest import TODAY

from metrics import actions
from metrics.access import auth
from metrics.access import users as accounts
from metrics.errors import IngestRefused, MetricsError, NotFound, PermissionDenied, RevertHeld
from metrics.text import problem_text

pytestmark = pytest.mark.usefixtures("fast_and_clean")


def test_viewer_and_anonymous_cannot_upload(store, registry, users):
    viewer = login(store, users["viewer"])
    data = csv("tc_alignment_rate,2025Q3,miit,80,")
    with pytest.raises(PermissionDenied) as info:
        actions.upload_as(store, registry, viewer, data, "q.csv", today=TODAY, now=T0)
    assert str(info.value) == "A viewer account may not upload; ask an administrator for an uploader account."
    with pytest.raises(PermissionDenied, match="Log in first"):
        actions.upload_as(store, registry, None, data, "q.csv", today=TODAY, now=T0)
    assert store.counts() == {"observations": 0, "uploads": 0}


def test_uploader_is_refused_a_whole_file_with_a_row_of_another_agency(store, registry, users):
    officer = login(store, users["uploader"])
    data = csv(
        "tc_alignment_rate,2025Q3,miit,80,",  # row 2
        "verification_points,2025Q3,miit,5,",  # row 3
        "tc_alignment_rate,2025Q3,samr,90,",  # row 4: another agency
        "std_dev_cycle_months,2025Q3,miit,18,",  # row 5
    )
    with pytest.raises(IngestRefused) as info:
        actions.upload_as(store, registry, officer, data, "q.csv", today=TODAY, now=T0)
    forbidden = [p for p in info.value.problems if p.code == "forbidden_agency"]
    assert forbidden == info.value.problems
    assert [(p.row, p.column, p.value) for p in forbidden] == [(4, "agency_id", "samr")]
    assert problem_text(forbidden[0], "en") == (
        "row 4, column 'agency_id', value 'samr': This account may report only for MIIT, not for SAMR."
    )
    assert store.counts() == {"observations": 0, "uploads": 0}
    assert store.latest().empty
    sha = hashlib.sha256(data).hexdigest()
    entry = store.audit_log(1).iloc[0]
    assert (entry["actor"], entry["action"]) == ("miit-officer", "upload_forbidden")
    assert entry["detail"] == f"file q.csv: refused, 1 problem, sha256 {sha}; rows 4 are for samr"
    # A dry run (the page's preview) is refused the same way, and recorded the same way.
    before = len(store.audit_log())
    with pytest.raises(IngestRefused):
        actions.upload_as(store, registry, officer, data, "q.csv", dry_run=True, today=TODAY, now=T0)
    assert len(store.audit_log()) == before + 1
    assert store.audit_log(1).iloc[0]["detail"] == entry["detail"]
    assert store.counts() == {"observations": 0, "uploads": 0}


def test_every_refused_file_is_recorded_with_its_hash_and_problem_count(store, registry, users):
    officer = login(store, users["uploader"])
    data = csv("tc_alignment_rate,2025Q3,miit,abc,", "tc_alignment_rat,2025Q3,miit,80,")
    for dry_run in (True, False):
        with pytest.raises(IngestRefused):
            actions.upload_as(store, registry, officer, data, "bad.csv", dry_run=dry_run, today=TODAY, now=T0)
    log = store.audit_log()
    log = log[log["action"].str.startswith("upload")]
    sha = hashlib.sha256(data).hexdigest()
    assert (
        log[["actor", "action", "detail"]].values.tolist()
        == [["miit-officer", "upload_refused", f"file bad.csv: refused, 2 problems, sha256 {sha}"]] * 2
    )
    assert store.counts() == {"observations": 0, "uploads": 0}


def test_uploader_uploads_own_agency_under_own_name(store, registry, users):
    officer = login(store, users["uploader"])
    data = csv("tc_alignment_rate,2025Q3,miit,80,", "verification_points,2025Q3,miit,5,")
    preview = actions.upload_as(store, registry, officer, data, "miit.csv", dry_run=True, today=TODAY, now=T0)
    assert not preview.change.stored and preview.change.new == 2
    result = actions.upload_as(store, registry, officer, data, "miit.csv", today=TODAY, now=T0)
    assert result.change.stored
    upload = store.uploads().iloc[0]
    assert (upload["uploaded_by"], upload["source"], upload["file_name"]) == (
        "miit-officer",
        "web",
        "miit.csv",
    )
    assert upload["sha256"] == result.batch.sha256 and upload["n_new"] == 2


def test_a_resent_original_is_held_until_confirmed_and_both_are_recorded(store, registry, users):
    """Issue 14: SAMR's 2024Q4 adoption rate corrected 82.4 -> 82.6; the original sent again."""
    admin = login(store, users["admin"])
    original = csv("intl_std_adoption_rate,2024Q4,samr,82.4,")
    upload = actions.upload_as
    upload(store, registry, admin, original, "samr.csv", today=TODAY, now=T0)
    upload(
        store,
        registry,
        admin,
        csv("intl_std_adoption_rate,2024Q4,samr,82.6,更正：口径调整"),
        "fix.csv",
        today=TODAY,
        now=T0,
    )
    preview = upload(store, registry, admin, original, "samr.csv", dry_run=True, today=TODAY, now=T0)
    assert [(r.row, r.old_value, r.current_value, r.corrected_note) for r in preview.change.reverts] == [
        (2, 82.4, 82.6, "更正：口径调整")
    ]
    with pytest.raises(RevertHeld):
        upload(store, registry, admin, original, "samr.csv", today=TODAY, now=T0)
    sha = hashlib.sha256(original).hexdigest()
    entry = store.audit_log(1).iloc[0]
    assert (entry["actor"], entry["action"], entry["detail"]) == (
        "boss",
        "upload_held",
        f"file samr.csv: held, 1 value(s) would undo a later correction, sha256 {sha}",
    )
    assert store.counts() == {"observations": 2, "uploads": 2}
    result = upload(store, registry, admin, original, "samr.csv", today=TODAY, now=T0, allow_revert=True)
    assert result.change.upload_id == 3
    assert store.latest()["value"].tolist() == [82.4]
    assert store.audit_log(1).iloc[0]["action"] == "upload_revert"


def test_admin_may_upload_for_any_agency(store, registry, users):
    admin = login(store, users["admin"])
    data = csv("tc_alignment_rate,2025Q3,miit,80,", "tc_alignment_rate,2025Q3,samr,90,")
    result = actions.upload_as(store, registry, admin, data, "all.csv", today=TODAY, now=T0)
    assert result.change.new == 2
    assert set(store.latest()["agency_id"]) == {"miit", "samr"}
    assert store.uploads()["uploaded_by"].tolist() == ["boss"]


def test_uploader_with_several_agencies(store, registry):
    accounts.add_user(store, registry, "both", "uploader", ["miit", "samr"], PW, actor="test")
    session = login(store, ("both", PW))
    data = csv("tc_alignment_rate,2025Q3,miit,80,", "tc_alignment_rate,2025Q3,samr,90,")
    assert actions.upload_as(store, registry, session, data, "two.csv", today=TODAY, now=T0).change.new == 2
    with pytest.raises(IngestRefused) as info:
        actions.upload_as(
            store, registry, session, csv("tc_alignment_rate,2025Q3,mfa,1,"), "x.csv", today=TODAY, now=T0
        )
    assert [(p.row, p.code) for p in info.value.problems] == [(2, "forbidden_agency")]


# --- withdrawal --------------------------------------------------------------------------------


def _two_revisions(store, registry, users) -> tuple[auth.Session, auth.Session]:
    admin, officer = login(store, users["admin"]), login(store, users["uploader"])
    actions.upload_as(
        store, registry, officer, csv("tc_alignment_rate,2025Q3,miit,80,"), "v1.csv", today=TODAY, now=T0
    )
    actions.upload_as(
        store, registry, officer, csv("tc_alignment_rate,2025Q3,miit,85,"), "v2.csv", today=TODAY, now=T0
    )
    latest = store.latest().iloc[0]
    assert (latest["value"], latest["revision"], latest["upload_id"]) == (85.0, 2, 2)
    return admin, officer


def test_withdrawal_restores_the_previous_revision_and_is_recorded(store, registry, users):
    admin, _ = _two_revisions(store, registry, users)
    actions.withdraw(store, admin, 2, "  wrong   quarter ", now=T0)
    latest = store.latest().iloc[0]
    assert (latest["value"], latest["revision"], latest["upload_id"]) == (80.0, 1, 1)
    assert len(store.observations(include_withdrawn=True)) == 2  # nothing deleted
    upload = store.uploads().set_index("upload_id").loc[2]
    assert (upload["withdrawn_by"], upload["withdraw_reason"]) == ("boss", "wrong quarter")
    assert upload["withdrawn_at"] is not None
    entry = store.audit_log(1).iloc[0]
    assert (entry["actor"], entry["action"], entry["detail"]) == (
        "boss",
        "withdraw_upload",
        "upload 2: wrong quarter",
    )
    with pytest.raises(NotFound, match="already withdrawn"):
        actions.withdraw(store, admin, "2", "again", now=T0)
    with pytest.raises(NotFound, match="upload 99 does not exist"):
        actions.withdraw(store, admin, 99, "typo", now=T0)


def test_only_an_admin_may_withdraw(store, registry, users):
    admin, officer = _two_revisions(store, registry, users)
    viewer = login(store, users["viewer"])
    for session in (officer, viewer):
        with pytest.raises(
            PermissionDenied, match=r"^Only an administrator may do this \(withdraw an upload\)\.$"
        ):
            actions.withdraw(store, session, 2, "mine", now=T0)
    with pytest.raises(PermissionDenied, match="Log in first"):
        actions.withdraw(store, None, 2, "anonymous", now=T0)
    with pytest.raises(MetricsError, match="reason"):
        actions.withdraw(store, admin, 2, "   ", now=T0)
    assert store.uploads()["withdrawn_at"].isna().all()
    assert store.latest().iloc[0]["value"] == 85.0


def test_operator_withdrawal_records_the_operator(store, registry, users):
    _two_revisions(store, registry, users)
    actions.operator_withdraw(store, "cli:ops", "#2", "duplicate")
    assert store.uploads().set_index("upload_id").loc[2, "withdrawn_by"] == "cli:ops"
    with pytest.raises(NotFound, match="is not an upload number"):
        actions.operator_withdraw(store, "cli:ops", "two", "duplicate")


# --- the demo ----------------------------------------------------------------------------------
