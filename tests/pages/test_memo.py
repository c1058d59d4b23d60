"""pages.frame.memo: what one script run works out once (store, registry, data version, language)."""

from __future__ import annotations

import threading

import pytest

from pages.frame import memo


def counter():
    calls = []

    def make() -> int:
        calls.append(1)
        return len(calls)

    return make


def test_once_per_run_then_afresh() -> None:
    make = counter()
    memo.new_run()
    assert memo.once("x", make) == memo.once("x", make) == 1
    memo.new_run()
    assert memo.once("x", make) == 2
    memo.forget()  # a commit in the middle of a run
    assert memo.once("x", make) == 3


def test_an_exception_is_not_remembered() -> None:
    memo.new_run()

    def fail() -> int:
        raise RuntimeError("database locked")

    with pytest.raises(RuntimeError):
        memo.once("store", fail)
    assert memo.once("store", lambda: 7) == 7


def test_each_thread_remembers_its_own() -> None:
    memo.new_run()
    memo.once("lang", lambda: "zh")
    seen = []
    thread = threading.Thread(target=lambda: seen.append(memo.once("lang", lambda: "en")))
    thread.start()
    thread.join()
    assert seen == ["en"] and memo.once("lang", lambda: "en") == "zh"
