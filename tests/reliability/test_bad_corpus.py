"""Every file in ``tests/data/bad/`` is refused with its exact problems and leaves the database alone.

The corpus is written by ``scripts/make_bad_corpus.py``; ``EXPECTED`` below is the contract:
file name -> [(Excel row or None, problem code), ...] in the order the problems are reported.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from metrics.errors import IngestRefused
from metrics.ingest.batch import ingest_file, parse_file
from metrics.plan.registry import Registry
from metrics.store.database import Store
from metrics.text import problem_text

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "tests" / "data" / "bad"
TODAY = dt.date(2025, 11, 15)  # current quarter 2025Q4; earliest accepted period 2022Q1
PLACEHOLDER = re.compile(r"\{[A-Za-z_]*\}")

EXPECTED: dict[str, list[tuple[int | None, str]]] = {
    # --- cannot be read at all
    "empty.csv": [(None, "file_empty")],
    "bom_only.csv": [(None, "file_empty")],
    "whitespace_only.csv": [(None, "file_empty")],
    "header_only.csv": [(1, "header_only")],
    "header_blank_rows.csv": [(1, "header_only")],
    "image.png": [(None, "not_text")],
    "random_bytes.bin": [(None, "not_text")],
    "utf16le_no_bom.csv": [(None, "not_text")],
    "latin1.csv": [(None, "bad_encoding")],
    "old_excel.xls": [(None, "old_xls")],
    "archive_not_xlsx.xlsx": [(None, "bad_workbook")],
    "truncated.xlsx": [(None, "bad_workbook")],
    "corrupt_sheet_xml.xlsx": [(None, "bad_workbook")],
    "corrupt_deflate.xlsx": [(None, "bad_workbook")],
    "empty_sheet.xlsx": [(None, "file_empty")],
    # The reader takes the sheet named 数据/data, else the first one: here the empty first sheet.
    "data_on_sheet2.xlsx": [(None, "file_empty")],
    "instructions_first_sheet.xlsx": [(None, "no_header")],
    "shift_jis.csv": [(None, "no_header")],
    "gb18030_unknown_headers.csv": [(None, "no_header")],
    "pipe_delimiter.csv": [(None, "no_header")],
    "header_in_row_12.csv": [(None, "no_header")],
    "html_table.xls": [(None, "no_header")],
    "missing_value_column.csv": [(1, "missing_columns")],
    "duplicate_columns.csv": [(1, "duplicate_column")],
    "ragged_rows.csv": [(3, "bad_csv")],
    "unterminated_quote.csv": [(3, "bad_csv")],
    # --- read, but rows are wrong (GB18030 decodes Big5 and stray UTF-8 into other characters)
    "big5.csv": [(2, "unknown_agency"), (2, "unknown_indicator")],
    "mixed_utf8_gb18030.csv": [(2, "unknown_agency")],
    "unknown_indicator_agency.csv": [(2, "unknown_indicator"), (3, "unknown_agency")],
    "agency_not_allowed.csv": [(2, "not_allowed")],
    "bad_periods.csv": [
        (2, "bad_period"),
        (3, "not_quarter_end"),
        (4, "period_too_early"),
        (5, "period_future"),
    ],
    "year_0999_date.csv": [(2, "period_too_early")],
    "value_1e400.csv": [(2, "too_large")],
    "value_huge_integer.csv": [(2, "too_large")],
    "value_nan.csv": [(2, "not_finite")],
    "value_inf.csv": [(2, "not_finite"), (3, "not_finite")],
    "negative_count.csv": [(2, "negative")],
    "percent_over_100.csv": [(2, "percent_range")],
    "percent_sign_on_count.csv": [(2, "percent_sign")],
    "formula_text.csv": [(2, "not_number")],
    "formula_no_cached_value.xlsx": [(2, "empty_value")],
    "excel_error_cells.xlsx": [(2, "not_number"), (3, "not_number")],
    "decimal_comma.csv": [(2, "not_number"), (3, "not_number")],
    "value_12abc.csv": [(2, "not_number")],
    "value_empty.csv": [(3, "empty_value")],
    "milestone_101.csv": [(2, "milestone_range")],
    "conflicting_duplicates.csv": [(2, "conflict"), (4, "conflict")],
    "mixed_good_and_bad.csv": [(12, "bad_period"), (32, "not_number"), (54, "unknown_indicator")],
    "huge_note_first_rows.csv": [(2, "not_number")],
    "vertical_tab_in_title.csv": [(4, "not_number")],
    "nul_byte_after_4k.csv": [(10, "not_number")],
    "concatenated_with_bom.csv": [
        (4, "unknown_agency"),
        (4, "unknown_indicator"),
        (4, "bad_period"),
        (4, "not_number"),
    ],
    "total_row.csv": [(4, "unknown_agency"), (4, "unknown_indicator"), (4, "bad_period")],
}

SEED = (
    b"indicator_id,period,agency_id,value,note\r\n"
    b"verification_points,2025Q1,samr,12,seed\r\n"
    b"verification_points,2025Q2,samr,13,\r\n"
    b"tc_alignment_rate,2025Q1,samr,85.5%,\r\n"
    b"ms_annual_report,2025Q1,samr,40,\r\n"
)
REVISION = b"indicator_id,period,agency_id,value,note\r\nverification_points,2025Q1,samr,14,fixed\r\n"


def seed(store: Store, registry: Registry) -> None:
    for name, data in (("seed.csv", SEED), ("revision.csv", REVISION)):
        ingest_file(store, registry, data, name, uploaded_by="seed", source="test", today=TODAY)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory, registry):
    """A store holding two committed uploads (one a revision), shared by the whole module."""
    store = Store.open(tmp_path_factory.mktemp("bad") / "seeded.duckdb")
    seed(store, registry)
    yield store
    store.close()


def snapshot(store: Store) -> dict:
    return {
        "latest": store.latest(),
        "uploads": store.uploads(),
        "observations": store.observations(include_withdrawn=True),
        "data_version": store.data_version(),
        "counts": store.counts(),
    }


def assert_unchanged(before: dict, after: dict) -> None:
    for key in ("latest", "uploads", "observations"):
        assert_frame_equal(after[key], before[key])
    assert after["data_version"] == before["data_version"]
    assert after["counts"] == before["counts"]


def test_the_seed_is_really_stored(seeded):
    """The unchanged-database checks below compare something, not two empty tables."""
    snap = snapshot(seeded)
    assert snap["counts"] == {"observations": 5, "uploads": 2}
    assert snap["data_version"] == 2
    latest = snap["latest"].set_index(["indicator_id", "period"])["value"].to_dict()
    assert latest[("verification_points", "2025Q1")] == 14.0
    assert latest[("tc_alignment_rate", "2025Q1")] == 85.5


def test_corpus_holds_exactly_the_expected_files():
    on_disk = {p.name for p in CORPUS.iterdir() if p.name != "README.md"}
    assert on_disk == set(EXPECTED)
    assert len(EXPECTED) >= 30


def test_readme_has_one_line_per_file_naming_its_codes():
    lines = [
        ln for ln in (CORPUS / "README.md").read_text(encoding="utf-8").splitlines() if ln.startswith("- `")
    ]
    by_name = {re.match(r"- `([^`]+)`", ln).group(1): ln for ln in lines}
    assert len(lines) == len(by_name) == len(EXPECTED)
    assert set(by_name) == set(EXPECTED)
    for name, problems in EXPECTED.items():
        for _, code in problems:
            assert code in by_name[name], (name, code)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_file_is_refused_with_its_problems_and_nothing_is_stored(name, seeded, registry):
    data = (CORPUS / name).read_bytes()
    before = snapshot(seeded)
    # pytest.raises lets any other exception through: the test then errors, as it should.
    with pytest.raises(IngestRefused) as info:
        ingest_file(seeded, registry, data, name, uploaded_by="tester", source="test", today=TODAY)
    refused = info.value
    assert refused.file_name == name
    assert [(p.row, p.code) for p in refused.problems] == EXPECTED[name]
    for problem in refused.problems:
        zh, en = problem_text(problem, "zh"), problem_text(problem, "en")
        for text in (zh, en):
            assert text.strip()
            assert not PLACEHOLDER.search(text), text
            assert "Traceback" not in text and "Error(" not in text
        assert zh != en
        if problem.row is not None:
            assert zh.startswith(f"第 {problem.row} 行")
            assert en.startswith(f"row {problem.row}")
    assert_unchanged(before, snapshot(seeded))


def test_parse_file_and_ingest_file_agree(registry):
    """The upload page checks with parse_file first: the same refusals, file by file."""
    for name, problems in EXPECTED.items():
        with pytest.raises(IngestRefused) as info:
            parse_file(registry, (CORPUS / name).read_bytes(), name, today=TODAY)
        assert [(p.row, p.code) for p in info.value.problems] == problems, name


def _load_script():
    spec = importlib.util.spec_from_file_location("make_bad_corpus", REPO / "scripts" / "make_bad_corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_script_writes_the_committed_corpus(tmp_path, registry):
    """Text files byte for byte; workbooks (whose XML follows the openpyxl version) by their refusal."""
    script = _load_script()
    written = {p.name for p in script.main(tmp_path)}
    assert written == set(EXPECTED)
    assert (tmp_path / "README.md").read_bytes() == (CORPUS / "README.md").read_bytes()
    for name in sorted(written):
        fresh, committed = (tmp_path / name).read_bytes(), (CORPUS / name).read_bytes()
        if committed[:2] != b"PK":
            assert fresh == committed, name
        else:
            with pytest.raises(IngestRefused) as info:
                parse_file(registry, fresh, name, today=TODAY)
            assert [(p.row, p.code) for p in info.value.problems] == EXPECTED[name], name
    # and twice in a row, byte for byte, workbooks included
    again = tmp_path / "again"
    script.main(again)
    for name in written:
        assert (again / name).read_bytes() == (tmp_path / name).read_bytes(), name


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_cli_refuses_the_whole_corpus_in_words_and_writes_nothing(tmp_path, registry, lang):
    db = tmp_path / "cli.duckdb"
    store = Store.open(db)
    seed(store, registry)
    before = snapshot(store)
    store.close()
    # The CLI checks against the real date: 2031Q1 in bad_periods.csv stays 'future' until 2031.
    files = [str(CORPUS / name) for name in sorted(EXPECTED)]
    proc = subprocess.run(
        [sys.executable, "-m", "metrics", "ingest", *files, "--db", str(db), "--lang", lang],
        cwd=REPO,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    assert proc.stderr == ""
    heads = re.findall(r"^(\S.*?)(?:: REFUSED, |：已拒收，共 )(\d+)", proc.stdout, re.MULTILINE)
    assert {name: int(n) for name, n in heads} == {name: len(p) for name, p in EXPECTED.items()}
    problem_lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("  ")]
    assert len(problem_lines) == sum(len(p) for p in EXPECTED.values())
    assert not any(PLACEHOLDER.search(ln) for ln in problem_lines)
    after = Store.open(db, read_only=True)
    try:
        assert_unchanged(before, snapshot(after))
    finally:
        after.close()


def test_frames_compare_values_not_identity():
    """assert_unchanged would notice a changed value (guards the guard)."""
    a = {"latest": pd.DataFrame({"v": [1.0]}), "uploads": pd.DataFrame(), "observations": pd.DataFrame()}
    a |= {"data_version": 1, "counts": {}}
    b = dict(a, latest=pd.DataFrame({"v": [2.0]}))
    with pytest.raises(AssertionError):
        assert_unchanged(a, b)
