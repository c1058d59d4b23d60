"""The rows a write stores, and where the checks of a file leave them for the store.

The columns are ROW_COLUMNS. The checks (:func:`metrics.ingest.checks.validate`) leave the
rows of an accepted file in the temp view ACCEPTED of the cursor they ran in;
:class:`AcceptedRows` is that view with its cursor, the one thing passed from ingest to store.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Self

from metrics.store import duckdb_engine as engine

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

ROW_COLUMNS = ("indicator_id", "period", "agency_id", "value", "note", "row")  # what is stored
ACCEPTED = "accepted"  # the temp view of the checked rows; a fixed name, never caller text
_QUOTED = ", ".join(f'"{c}"' for c in ROW_COLUMNS)  # PostgreSQL reserves the word row
_SELECT = f"SELECT {_QUOTED} FROM {ACCEPTED}"


@dataclass(frozen=True, eq=False)
class AcceptedRows:
    """The rows of a file that passed every check, in the temp view ACCEPTED of ``cursor``.

    Owner and lifecycle: :func:`metrics.ingest.batch.parse_file` runs the checks in ``cursor``
    (a cursor of the store the file goes to, so storing copies nothing, or a private in-memory
    connection) and hands this over inside its Batch, which owns it. Closing it (``close()`` or
    leaving ``with``) closes the cursor, and with it the view and every scratch table the
    reading and the checks made: temp objects live and die with their cursor.
    """

    cursor: engine.Connection

    def frame(self) -> pd.DataFrame:
        """The rows in file order, as a pandas DataFrame."""
        return engine.frame(self.cursor, f'{_SELECT} ORDER BY "row"')

    def arrow(self) -> pa.Table:
        """The rows as an Arrow table, to store them through another connection."""
        return engine.arrow(self.cursor, _SELECT)

    def close(self) -> None:
        self.cursor.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
