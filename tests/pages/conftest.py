"""The page tests' clock: their data run to 2025Q3, so "today" is during 2025Q4 (the default
as-of quarter is the last complete one); a test of the final assessment sets its own."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("METRICS_TODAY", "2025-10-15")
