"""The YAML parse cache: the same data as a parse, a changed file parsed anew, a bad cache passed by."""

from __future__ import annotations

import datetime as dt
import pickle
from collections import OrderedDict
from pathlib import Path

import pytest
import yaml

from metrics import yaml_cache
from metrics.errors import RegistryError, YamlSyntaxError
from metrics.plan.registry import load_registry
from metrics.yaml_cache import read_yaml

DOC = "plan:\n  start: 2024-01-01\n  title_zh: 标准化行动\nitems: [1, 2.5, null, true]\n"
PARSED = {"plan": {"start": dt.date(2024, 1, 1), "title_zh": "标准化行动"}, "items": [1, 2.5, None, True]}


@pytest.fixture
def cache(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "metrics" / "yaml"


def _no_parse(monkeypatch) -> None:
    def refuse(text: str) -> object:
        raise AssertionError("parsed although the cache holds the file")

    monkeypatch.setattr(yaml_cache, "_parse", refuse)


def test_a_second_read_comes_from_the_cache_with_the_same_data(tmp_path, cache, monkeypatch) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text(DOC, encoding="utf-8")
    assert read_yaml(path) == PARSED == yaml.safe_load(DOC)
    assert len(list(cache.glob("*.pickle"))) == 1
    _no_parse(monkeypatch)
    again = read_yaml(path)
    assert again == PARSED
    assert type(again["plan"]["start"]) is dt.date
    assert read_yaml(path) is not again  # a new object each time: a caller may change its copy


def test_a_changed_file_is_parsed_anew(tmp_path, cache) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text(DOC, encoding="utf-8")
    read_yaml(path)
    path.write_text(DOC.replace("2024-01-01", "2026-01-01"), encoding="utf-8")
    assert read_yaml(path)["plan"]["start"] == dt.date(2026, 1, 1)
    assert len(list(cache.glob("*.pickle"))) == 2


@pytest.mark.parametrize(
    "stored",
    [b"not a pickle", pickle.dumps(OrderedDict(a=1)), pickle.dumps(Path("/etc/passwd"))],
    ids=["garbage", "a class yaml never makes", "another class"],
)
def test_a_cache_entry_that_is_not_yaml_data_is_passed_by_and_replaced(tmp_path, cache, stored) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text(DOC, encoding="utf-8")
    read_yaml(path)
    (entry,) = cache.glob("*.pickle")
    entry.write_bytes(stored)
    assert read_yaml(path) == PARSED
    assert pickle.loads(entry.read_bytes()) == PARSED


def test_an_unwritable_cache_still_reads_the_file(tmp_path, monkeypatch) -> None:
    blocker = tmp_path / "a file, not a folder"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    path = tmp_path / "plan.yaml"
    path.write_text(DOC, encoding="utf-8")
    assert read_yaml(path) == PARSED
    assert blocker.read_text(encoding="utf-8") == "x"


def test_a_file_that_does_not_parse_is_named_and_not_cached(tmp_path, cache) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text("plan: [unclosed\n", encoding="utf-8")
    with pytest.raises(YamlSyntaxError, match="line 2"):
        read_yaml(path)
    assert not list(cache.glob("*.pickle"))
    with pytest.raises(RegistryError) as caught:
        load_registry(path)
    assert caught.value.problems[0].startswith("not valid YAML: ")


def test_the_registry_read_from_the_cache_is_validated_again(tmp_path, cache) -> None:
    """Only the parse is kept: a registry problem is reported on every load, cached or not."""
    path = tmp_path / "targets.yaml"
    text = (Path(__file__).resolve().parents[1] / "targets.yaml").read_text(encoding="utf-8")
    path.write_text(text.replace("lead: [samr]", "lead: [mitt]", 1), encoding="utf-8")
    for _ in range(2):
        with pytest.raises(RegistryError) as caught:
            load_registry(path)
        assert any("unknown agency 'mitt'" in p for p in caught.value.problems)
    assert len(list(cache.glob("*.pickle"))) == 1
