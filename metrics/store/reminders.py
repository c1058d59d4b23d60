"""Reminders sent to agencies: which (agency, quarter, stage) already had one, and recording one.

Recording a reminder and its audit_log row is one transaction; a reminder is never recorded
twice for the same agency, quarter and stage. Reminders are not data: no ``data_version`` bump.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from metrics.store.connection import Connection

if TYPE_CHECKING:
    import pandas as pd

_COLUMNS = "agency_id, period, stage, due, sent_at, sent_by, recipients, n_indicators"


class Reminders(Connection):
    """The store's record of reminders sent."""

    def sent_reminders(self, period: str) -> dict[tuple[str, str], tuple[dt.datetime, str]]:
        """(agency, stage) -> (when, by whom) of every reminder already sent for ``period``."""
        rows = self.cursor().execute(
            "SELECT agency_id, stage, sent_at, sent_by FROM reminders WHERE period = ?", [period]
        )
        return {(agency, stage): (at, by) for agency, stage, at, by in rows.fetchall()}

    def record_reminder(
        self,
        agency_id: str,
        period: str,
        stage: str,
        *,
        due: dt.date,
        recipients: tuple[str, ...],
        n_indicators: int,
        by: str,
        at: dt.datetime,
    ) -> bool:
        """Record a sent reminder with its audit entry; False (nothing written) when one was already."""
        with self._write_lock, self._transaction() as cur:
            taken = cur.execute(
                "SELECT count(*) FROM reminders WHERE agency_id = ? AND period = ? AND stage = ?",
                [agency_id, period, stage],
            ).fetchone()[0]
            if taken:
                return False
            to = ", ".join(recipients)
            cur.execute(
                f"INSERT INTO reminders ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [agency_id, period, stage, due, at, by, to, n_indicators],
            )
            detail = f"{agency_id} {period} {stage} (due {due:%Y-%m-%d}): {n_indicators} indicator(s)"
            detail += f", to {to}"
            cur.execute("INSERT INTO audit_log VALUES (?, ?, 'reminder_sent', ?)", [at, by, detail[:2000]])
        return True

    def reminders(self, limit: int | None = None) -> pd.DataFrame:
        """The reminders sent, newest first."""
        return self.engine.frame(
            self.cursor(),
            f"SELECT {_COLUMNS} FROM reminders ORDER BY sent_at DESC, agency_id, stage LIMIT ?",
            [limit],
        )
