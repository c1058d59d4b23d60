"""Where the database and the registry live: flag, then environment, then default."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_DB = "data/progress.duckdb"
DEFAULT_TARGETS = "targets.yaml"
DEMO_DB = "data/demo.duckdb"
SAMPLE_DIR = "data/sample"


def db_path(flag: str | None = None) -> Path:
    return Path(flag or os.environ.get("METRICS_DB") or DEFAULT_DB)


def targets_path(flag: str | None = None) -> Path:
    return Path(flag or os.environ.get("METRICS_TARGETS") or DEFAULT_TARGETS)
