"""metrics.outputs.reminders: which quarter, which stage, and one message per agency."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from pydantic import ValidationError

from metrics.config import Settings
from metrics.outputs.reminders import collected_quarter, due_date, due_reminders, stage_on
from metrics.plan.registry import Agency, Registry
from tests.progress.test_figures import OBS_COLUMNS


@pytest.mark.parametrize(
    ("today", "quarter"),
    [(dt.date(2026, 12, 3), "2026Q3"), (dt.date(2026, 1, 1), "2025Q4"), (dt.date(2025, 10, 31), "2025Q3")],
)
def test_the_quarter_being_collected_is_the_last_that_ended(today: dt.date, quarter: str) -> None:
    assert collected_quarter(today) == quarter


def test_upcoming_up_to_and_on_the_due_date_then_overdue() -> None:
    assert due_date("2025Q3", 30) == dt.date(2025, 10, 30)
    assert due_date("2025Q4", 0) == dt.date(2025, 12, 31)
    assert stage_on("2025Q3", dt.date(2025, 10, 30), 30) == "upcoming"
    assert stage_on("2025Q3", dt.date(2025, 10, 31), 30) == "overdue"


def _with_emails(registry: Registry, emails: dict[str, tuple[str, ...]]) -> Registry:
    agencies = tuple(Agency(**{**a.model_dump(), "emails": emails.get(a.id, ())}) for a in registry.agencies)
    return registry.model_copy(update={"agencies": agencies})


def test_one_reminder_per_agency_missing_indicators_in_registry_order(registry: Registry) -> None:
    reg = _with_emails(registry, {"moe": ("moe@example.org",)})
    obs = pd.DataFrame(columns=OBS_COLUMNS)
    found = due_reminders(reg, obs, "2025Q3", dt.date(2025, 10, 5), Settings(report_due_days=20))
    assert [(r.agency_id, len(r.indicators)) for r in found] == [("samr", 24), ("ndrc", 3), ("moe", 2)]
    moe = next(r for r in found if r.agency_id == "moe")
    assert moe.indicators == ("ms_talent_database", "ms_talent_training_bases")
    assert (moe.stage, moe.due, moe.recipients, moe.sent) == (
        "upcoming",
        dt.date(2025, 10, 20),
        ("moe@example.org",),
        None,
    )
    assert moe.subject == (
        "【报送提醒】请于 2025-10-20 前报送2025年第三季度数据 / "
        "Reminder: 2025 Q3 figures are due by 2025-10-20"
    )


def test_a_registry_refuses_an_address_that_is_not_one() -> None:
    with pytest.raises(ValidationError):
        Agency(id="x", name_zh="某", name_en="X", emails=("not an address",))
