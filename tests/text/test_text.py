"""One catalogue, two languages: every key complete, every literal key in the code present."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from metrics.errors import CatalogError, Problem, ProblemCode
from metrics.progress.figures import STATUSES
from metrics.text import CATALOG, CATALOG_DIR, LANGS, load_catalog, t

REPO = Path(__file__).resolve().parents[2]
SOURCES = sorted([*(REPO / "pages").rglob("*.py"), *(REPO / "metrics").rglob("*.py"), REPO / "dashboard.py"])
# tr("key"), t("key"), c.tr('key', ...) with a plain string literal (f-strings are skipped)
LITERAL_KEY = re.compile(r"""\b(?:tr|t)\(\s*(["'])([A-Za-z0-9_.]+)\1""")
# keys built at run time from these families
DYNAMIC = [
    *(f"status.{s}" for s in STATUSES),
    *(f"status_explain.{s}" for s in STATUSES),
    "kind.kpi",
    "kind.milestone",
    "figure.national",
    "figure.agency",
    "role.lead",
    "role.shared",
    *(f"nav.{p}" for p in ("overview", "indicator", "measures", "agencies", "upload", "data", "methodology")),
    *(f"{p}.title" for p in ("overview", "indicator", "measures", "agencies", "methodology")),
]


def test_the_catalogue_is_the_yaml_files_beside_the_package() -> None:
    files = sorted(p.name for p in CATALOG_DIR.glob("*.yaml"))
    assert files == [
        "access.yaml",
        "brief.yaml",
        "cli.yaml",
        "data.yaml",
        "final.yaml",
        "pages.yaml",
        "problems.yaml",
        "reminders.yaml",
        "status.yaml",
    ]
    assert load_catalog() is load_catalog()  # read once
    title = {"zh": "标准化行动计划目标监测", "en": "Standardization Action Plan Monitor"}
    assert CATALOG["app.title"] == title


def test_a_key_in_two_files_is_an_error_naming_both(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("x.one: {zh: 一, en: one}\nx.two: {zh: 二, en: two}\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text("x.two: {zh: 贰, en: two again}\n", encoding="utf-8")
    with pytest.raises(CatalogError, match=r"'x.two' is defined in both a.yaml and b.yaml"):
        load_catalog(tmp_path)


def test_a_file_that_is_not_a_mapping_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("- just a list\n", encoding="utf-8")
    with pytest.raises(CatalogError, match=r"a\.yaml"):
        load_catalog(tmp_path)


def test_every_key_has_both_languages() -> None:
    problems = [
        f"{key}: {lang} missing or empty"
        for key, entry in CATALOG.items()
        for lang in LANGS
        if not isinstance(entry.get(lang), str) or not entry[lang].strip()
    ]
    assert not problems, "\n".join(problems)


def test_both_languages_take_the_same_placeholders() -> None:
    def fields(text: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    problems = [key for key, entry in CATALOG.items() if fields(entry["zh"]) != fields(entry["en"])]
    assert not problems, problems


def literal_keys() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in SOURCES:
        for match in LITERAL_KEY.finditer(path.read_text(encoding="utf-8")):
            found.setdefault(match.group(2), []).append(path.relative_to(REPO).as_posix())
    return found


def test_the_scan_finds_the_pages_keys() -> None:
    keys = literal_keys()
    assert "overview.late_title" in keys and "chart.source" in keys and "empty.title" in keys


def test_every_literal_key_in_the_code_is_in_the_catalogue() -> None:
    def known(key: str) -> bool:  # "status." + status: a prefix some keys start with
        return key in CATALOG or (key.endswith(".") and any(k.startswith(key) for k in CATALOG))

    missing = {key: files for key, files in literal_keys().items() if not known(key)}
    assert not missing, "\n".join(
        f"{key} (used in {', '.join(sorted(set(f)))})" for key, f in missing.items()
    )


@pytest.mark.parametrize("key", DYNAMIC)
def test_keys_built_at_run_time_exist(key: str) -> None:
    assert key in CATALOG


def test_every_status_has_a_word_in_both_languages() -> None:
    for status in STATUSES:
        assert t(f"status.{status}", "zh") and t(f"status.{status}", "en") != t(f"status.{status}", "zh")


def test_chinese_text_is_chinese_and_english_text_is_not() -> None:
    cjk = re.compile(r"[\u4e00-\u9fff]")
    allowed_cjk_in_en = ("指标编号", "报告期", "填报单位", "数值", "备注", "2025年第一季度", "中文")
    problems = [
        key
        for key, entry in CATALOG.items()
        if key.startswith(("status", "chart.", "overview.", "card.", "method", "measures.", "agencies."))
        and (not cjk.search(entry["zh"]) or (cjk.search(entry["en"]) and not entry["en"].count("年")))
        and not any(word in entry["en"] for word in allowed_cjk_in_en)
    ]
    assert not problems, problems


def test_every_problem_code_has_its_sentence_and_every_sentence_a_code() -> None:
    keys = {key.removeprefix("problem.") for key in CATALOG if key.startswith("problem.")}
    assert keys == {code.value for code in ProblemCode}


def test_a_problem_code_is_checked_when_the_problem_is_made() -> None:
    assert Problem("conflict", 3).code is ProblemCode.CONFLICT
    assert Problem(ProblemCode.CONFLICT, 3) == Problem("conflict", 3)
    with pytest.raises(ValueError, match="'conflct' is not a valid ProblemCode"):
        Problem("conflct", 3)
