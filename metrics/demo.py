"""The demo database: built from ``data/sample`` through the same ingestion path as real files."""

from __future__ import annotations

import os
from pathlib import Path

from metrics.errors import IngestRefused, MetricsError
from metrics.i18n import problem_text
from metrics.ingest import ingest_file
from metrics.registry import Registry
from metrics.store import Store
from metrics.users import demo_login_lines, seed_demo_users

DEMO_ACTOR = "demo"
SAMPLE_SUFFIXES = (".csv", ".xlsx")


def sample_files(sample_dir: Path) -> list[Path]:
    """Sample files in name order (names start with the quarter, so revisions come last)."""
    return sorted(p for p in sample_dir.iterdir() if p.suffix.lower() in SAMPLE_SUFFIXES)


def build_demo(registry: Registry, db: Path, sample_dir: Path, force: bool = False) -> str:
    """Create the demo database unless it exists; every file goes through ``ingest_file``."""
    if db.exists() and not force:
        return f"{db}: demo database already exists (use --force to rebuild)"
    files = sample_files(sample_dir) if sample_dir.is_dir() else []
    if not files:
        raise MetricsError(f"{sample_dir}: no sample files (.csv, .xlsx) found")
    tmp = db.with_name(db.name + ".building")
    for leftover in (tmp, Path(str(tmp) + ".wal")):
        leftover.unlink(missing_ok=True)
    store = Store(tmp)
    try:
        for path in files:
            try:
                ingest_file(
                    store, registry, path.read_bytes(), path.name, uploaded_by=DEMO_ACTOR, source="demo"
                )
            except IngestRefused as exc:
                lines = "\n".join(problem_text(p, "en") for p in exc.problems[:20])
                raise MetricsError(f"sample file {path.name} was refused:\n{lines}") from None
        store.set_meta("demo", "true")
        demo_users = seed_demo_users(store, registry)
        counts = store.counts()
    finally:
        store.close()
    for old in (db, Path(str(db) + ".wal")):
        old.unlink(missing_ok=True)
    os.replace(tmp, db)
    summary = f"{db}: demo database built from {len(files)} files, {counts['observations']} values"
    return "\n".join([summary, "Log in to the demo (demo database only):", *demo_login_lines(demo_users)])
