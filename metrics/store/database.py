"""The store: one ``Store`` over the parts of the package, the interface every caller uses.

The parts, each a mixin over :class:`~metrics.store.connection.Connection` (opening, write
lock, transactions, ``meta``, schema migration via :mod:`metrics.store.schema`):
:class:`~metrics.store.values.Values` (store_batch, observations, latest, history, counts),
:class:`~metrics.store.uploads.Uploads` (uploads, withdraw_upload),
:class:`~metrics.store.accounts.Accounts` (users, log-in counters, audit log) and
:class:`~metrics.store.reminders.Reminders` (reminders sent to agencies).
All SQL that touches stored data is in these modules, in one dialect both backends take; what only
DuckDB does is in :mod:`metrics.store.duckdb_engine`, what only PostgreSQL does in
:mod:`metrics.store.postgres_engine` (chosen by :func:`~metrics.store.connection.engine_for`),
copying a whole store in :mod:`metrics.store.transfer`, and the rows handed over by the ingest path are
:class:`~metrics.store.incoming.AcceptedRows`.
"""

from __future__ import annotations

from metrics.store.accounts import Accounts
from metrics.store.reminders import Reminders
from metrics.store.uploads import Uploads
from metrics.store.values import Values


class Store(Values, Uploads, Accounts, Reminders):
    """One connection per process (a DuckDB file, or a pool on a PostgreSQL database); a cursor per call."""
