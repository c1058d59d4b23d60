"""What a person does through the product: upload or withdraw as a signed-in user, build the demo.

The one module that joins :mod:`metrics.access` (who may), :mod:`metrics.ingest` (is the file
right) and :mod:`metrics.store` (keep it); the pages and the CLI call these functions.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import tempfile
from pathlib import Path

from metrics.access import auth
from metrics.access.auth import Session
from metrics.access.users import demo_login_lines, seed_demo_users
from metrics.errors import IngestRefused, MetricsError, NotFound, RevertHeld
from metrics.ingest.batch import IngestResult, ingest_file
from metrics.plan.registry import Registry
from metrics.store import connection
from metrics.store.database import Store
from metrics.store.transfer import copy_store
from metrics.text import coded_error, problem_text

DEMO_ACTOR = "demo"
SAMPLE_SUFFIXES = (".csv", ".xlsx")


def sample_files(sample_dir: Path) -> list[Path]:
    """Sample files in name order (names start with the quarter, so revisions come last)."""
    return sorted(p for p in sample_dir.iterdir() if p.suffix.lower() in SAMPLE_SUFFIXES)


def build_demo(registry: Registry, db: Path | str, sample_dir: Path, force: bool = False) -> str:
    """Create the demo database unless it exists; every file goes through ``ingest_file``.

    It is built aside, so a half-built demo never shows: a DuckDB file next to ``db`` that then
    replaces it, or, for a server, a DuckDB file in a temporary folder copied in by ``copy_store``.
    """
    if connection.exists(db) and not force:
        return f"{connection.shown(db)}: demo database already exists (use --force to rebuild)"
    files = sample_files(sample_dir) if sample_dir.is_dir() else []
    if not files:
        raise MetricsError(f"{sample_dir}: no sample files (.csv, .xlsx) found")
    with tempfile.TemporaryDirectory(prefix="metrics-demo-") as aside:
        server = connection.on_server(db)
        tmp = Path(aside, "demo.duckdb") if server else Path(str(db) + ".building")
        for leftover in (tmp, Path(str(tmp) + ".wal")):
            leftover.unlink(missing_ok=True)
        store = Store(tmp)
        try:
            demo_users = _fill_demo(store, registry, files)
            counts = store.counts()
            if server:
                target = Store(db)
                try:
                    copy_store(store, target, replace=True)
                finally:
                    target.close()
        finally:
            store.close()
        if not server:
            for old in (Path(db), Path(str(db) + ".wal")):
                old.unlink(missing_ok=True)
            os.replace(tmp, db)
    n = counts["observations"]
    summary = f"{connection.shown(db)}: demo database built from {len(files)} files, {n} values"
    return "\n".join([summary, "Log in to the demo (demo database only):", *demo_login_lines(demo_users)])


def _fill_demo(store: Store, registry: Registry, files: list[Path]) -> list:
    for path in files:
        try:
            ingest_file(store, registry, path.read_bytes(), path.name, uploaded_by=DEMO_ACTOR, source="demo")
        except IngestRefused as exc:
            lines = "\n".join(problem_text(p, "en") for p in exc.problems[:20])
            raise MetricsError(f"sample file {path.name} was refused:\n{lines}") from None
    store.set_meta("demo", "true")
    return seed_demo_users(store, registry)


def upload_as(
    store: Store,
    registry: Registry,
    session: Session | None,
    data: bytes,
    file_name: str,
    dry_run: bool = False,
    *,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
    allow_revert: bool = False,
) -> IngestResult:
    """The upload page's ingestion: only for the session's agencies, recorded under its name.

    Raises PermissionDenied (not logged in, expired, viewer) or IngestRefused; a file with a
    row for an agency the user may not report for is refused whole, each such row named
    (problem code ``forbidden_agency``). Every refusal, the page's preview (``dry_run``)
    included, is written to ``audit_log``: who, the file, its SHA-256 and the problem count.
    A file that would undo later corrections raises RevertHeld (recorded too) unless the user
    confirmed it (``allow_revert``); the preview lists those values in ``change.reverts``.
    """
    session = auth.check_session(store, session, now)
    auth.require_upload(session, now)
    try:
        return ingest_file(
            store,
            registry,
            data,
            file_name,
            uploaded_by=session.user.name,
            source="web",
            dry_run=dry_run,
            allowed_agencies=auth.allowed_agencies(session),
            today=today,
            allow_revert=allow_revert,
        )
    except IngestRefused as exc:
        store.add_audit(session.user.name, *_refusal(exc, file_name, data), at=auth.as_utc(now))
        raise
    except RevertHeld as exc:
        n = len(exc.reverts)
        detail = f"file {file_name[:200]}: held, {n} value(s) would undo a later correction"
        detail += f", sha256 {_sha256(data)}"
        store.add_audit(session.user.name, "upload_held", detail, at=auth.as_utc(now))
        raise


def _refusal(exc: IngestRefused, file_name: str, data: bytes) -> tuple[str, str]:
    """The audit action and detail of a refused file."""
    n = len(exc.problems)
    detail = f"file {file_name[:200]}: refused, {n} problem{'s' if n != 1 else ''}, sha256 {_sha256(data)}"
    rows = [p for p in exc.problems if p.code == "forbidden_agency"]
    if not rows:
        return "upload_refused", detail
    listed = ", ".join(str(p.row) for p in rows[:50]) + (" …" if len(rows) > 50 else "")
    agencies = ", ".join(sorted({str(p.params.get("agency") or p.value) for p in rows}))
    return "upload_forbidden", f"{detail}; rows {listed} are for {agencies}"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def withdraw(
    store: Store, session: Session | None, upload_id: int, reason: str, now: dt.datetime | None = None
) -> None:
    """Admin only: stop counting an upload (previous revisions count again); recorded."""
    session = auth.check_session(store, session, now)
    auth.require_admin(session, "withdraw an upload", now)
    store.withdraw_upload(upload_number(upload_id), by=session.user.name, reason=_reason(reason))


def operator_withdraw(store: Store, operator: str, upload_id: int, reason: str) -> None:
    """The CLI's withdrawal: the operator on the server acts as admin, recorded by name."""
    store.withdraw_upload(upload_number(upload_id), by=operator, reason=_reason(reason))


def upload_number(upload_id: int | str) -> int:
    """An upload id given as text or number; NotFound when it is not a whole number."""
    try:
        return int(str(upload_id).strip().lstrip("#"))
    except ValueError:
        raise NotFound(f"{str(upload_id)[:40]!r} is not an upload number") from None


def _reason(reason: str) -> str:
    text = " ".join(str(reason or "").split())
    if not text:
        raise coded_error(MetricsError, "auth.reason_needed")
    return text[:500]
