"""What one script run works out once: the store, the registry, the data version, the language.

A page asks for these dozens of times per run (every label, every cached query). Each answer is
kept for the rest of the run in a thread-local dict: every session runs its script in its own
thread, and every run starts in ``dashboard.py``, which calls :func:`new_run` first. A write in
the middle of a run (an upload, a withdrawal) calls :func:`forget`, so that the rest of the run
sees the new data version.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")
_local = threading.local()


def _values() -> dict[str, Any]:
    values = getattr(_local, "values", None)
    if values is None:
        values = _local.values = {}
    return values


def new_run() -> None:
    """Start a run with nothing remembered."""
    _local.values = {}


def forget() -> None:
    """Drop what this run remembered (after a commit in the middle of a run)."""
    _values().clear()


def once(name: str, make: Callable[[], T]) -> T:
    """``make()``, called at most once per run under ``name`` (an exception is not remembered)."""
    values = _values()
    if name not in values:
        values[name] = make()
    return values[name]
