"""Uploads: the audit record of every stored file, and withdrawing one.

A withdrawn upload stays, with who withdrew it, when and why; its values stop counting
(:data:`metrics.store.values.LATEST` skips them) and nothing is deleted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from metrics.errors import NotFound
from metrics.store.connection import Connection, bump_data_version, now_utc
from metrics.text import coded_error

if TYPE_CHECKING:
    import pandas as pd


class Uploads(Connection):
    """The store's uploads: listing them and withdrawing one."""

    def withdraw_upload(self, upload_id: int, by: str, reason: str = "") -> None:
        """Stop counting an upload's values; nothing is deleted and the act is recorded."""
        with self._write_lock, self._transaction() as cur:
            row = cur.execute("SELECT withdrawn_at FROM uploads WHERE upload_id = ?", [upload_id]).fetchone()
            if row is None:
                raise coded_error(NotFound, "store.no_upload", upload=upload_id)
            if row[0] is not None:
                raise coded_error(NotFound, "store.already_withdrawn", upload=upload_id)
            cur.execute(
                "UPDATE uploads SET withdrawn_at = ?, withdrawn_by = ?, withdraw_reason = ? "
                "WHERE upload_id = ?",
                [now_utc(), by, reason, upload_id],
            )
            cur.execute(
                "INSERT INTO audit_log VALUES (?, ?, 'withdraw_upload', ?)",
                [now_utc(), by, f"upload {upload_id}: {reason}"],
            )
            bump_data_version(cur)

    def uploads(self) -> pd.DataFrame:
        """The audit record of every upload, newest first."""
        return self.engine.frame(
            self.cursor(),
            """SELECT upload_id, file_name, sha256, uploaded_by, uploaded_at, source, agencies, n_rows,
                  n_new, n_revised, n_unchanged, withdrawn_at, withdrawn_by, withdraw_reason
           FROM uploads ORDER BY upload_id DESC""",
        )
