"""Property-based fuzzing of the period and value parsers and of whole upload files.

The contract: a spelling we accept reads back as exactly the intended period or number;
anything else is refused with a problem code and a message that renders; nothing ever raises.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.utils.exceptions import IllegalCharacterError

from metrics.errors import IngestRefused
from metrics.ingest.batch import MAX_ABS_VALUE, parse_file, parse_value, parse_values, period_bounds
from metrics.plan import periods
from metrics.plan.registry import load_registry
from metrics.text import CATALOG, problem_text

CANONICAL = re.compile(r"[0-9]{4}Q[1-4]")  # the one spelling periods are stored in

REPO = Path(__file__).resolve().parents[2]
REGISTRY = load_registry(REPO / "targets.yaml")
TODAY = dt.date(2026, 11, 29)  # current quarter 2026Q4; earliest accepted 2022Q1
FIRST, LAST = period_bounds(REGISTRY, TODAY)
KNOWN_CODES = {key.removeprefix("problem.") for key in CATALOG if key.startswith("problem.")}
VALUE_CODES = {"empty_value", "not_number", "not_finite", "too_large"}
PLACEHOLDER = re.compile(r"\{[A-Za-z_]*\}")

FAST = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FILES = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

QUARTER_END = {1: (3, 31), 2: (6, 30), 3: (9, 30), 4: (12, 31)}
CN = "一二三四"
SPACES = st.sampled_from(["", " ", "  ", "\t", "\u3000", "\u00a0"])


def fullwidth(text: str) -> str:
    """What a Chinese input method types: full-width ASCII (NFKC turns it back)."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else ("\u3000" if c == " " else c) for c in text)


def arabic_indic(text: str) -> str:
    return text.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))


# --- periods --------------------------------------------------------------------------------


@st.composite
def period_spellings(draw, years=st.integers(0, 9999)) -> tuple[str, str]:
    """(a spelling of a quarter, its canonical form)."""
    y, q = draw(years), draw(st.integers(1, 4))
    m, d = QUARTER_END[q]
    canonical = f"{y:04d}Q{q}"
    ys = f"{y:04d}"
    if draw(st.integers(0, 4)) == 0:
        ys = arabic_indic(ys)  # \d matches these digits too: they must still give an ASCII period
    spelling = draw(
        st.sampled_from(
            [
                f"{ys}Q{q}",
                f"{ys}q{q}",
                f"{ys}-Q{q}",
                f"{ys} Q{q}",
                f"{ys}/Q{q}",
                f"{ys}_q{q}",
                f"{ys}.Q{q}",
                f"{ys} - Q {q}",
                f"{ys}年第{CN[q - 1]}季度",
                f"{ys}年{CN[q - 1]}季度",
                f"{ys}年第{q}季度",
                f"{ys}年{q}季",
                f"{ys} 年 第 {q} 季度",
                f"{ys}-{m:02d}-{d}",
                f"{ys}-{m}-{d}",
                f"{ys}/{m}/{d}",
                f"{ys}.{m}.{d}",
                f"{ys}年{m}月{d}日",
                f"{ys}-{m:02d}-{d} 00:00:00",
                f"{ys}/{m}/{d} 0:00",
            ]
        )
    )
    if draw(st.booleans()):
        spelling = fullwidth(spelling)
    return draw(SPACES) + spelling + draw(SPACES), canonical


@FAST
@given(period_spellings())
@example(("٢٠٢٥Q1", "2025Q1"))  # was stored as '٢٠٢٥Q1' (non-ASCII digits kept)
@example(("0999-03-31", "0999Q1"))  # was '999Q1', which periods.index() rejects: ingest crashed
def test_every_accepted_period_spelling_reads_back_canonical(case):
    text, canonical = case
    parsed = periods.parse_period(text)
    assert parsed == canonical
    assert parsed.isascii() and CANONICAL.fullmatch(parsed) is not None
    assert periods.from_index(periods.index(parsed)) == parsed
    assert periods.parse_period(parsed) == parsed


@FAST
@given(st.dates())
def test_date_objects_are_quarter_ends_or_nothing(day):
    expected = None
    for q, (m, d) in QUARTER_END.items():
        if (day.month, day.day) == (m, d):
            expected = f"{day.year:04d}Q{q}"
    assert periods.parse_period(day) == expected
    assert periods.parse_period(dt.datetime.combine(day, dt.time())) == expected
    assert periods.looks_like_date(day)


PERIOD_CHARS = "0123456789Qq-/._: 年第季度一二三四五月日\t０１２Ｑ٢٠"


@FAST
@given(
    st.one_of(
        st.text(max_size=30),
        st.text(alphabet=PERIOD_CHARS, max_size=20),
        st.integers(),
        st.floats(),
        st.none(),
        st.datetimes(),
    )
)
@example("2025Q5")
@example("2025-02-30")
@example("0000-12-31")
def test_any_period_text_gives_a_canonical_period_or_none(value):
    parsed = periods.parse_period(value)
    periods.looks_like_date(value)  # never raises either
    if parsed is not None:
        assert parsed.isascii() and CANONICAL.fullmatch(parsed) is not None
        assert periods.from_index(periods.index(parsed)) == parsed


# --- values ---------------------------------------------------------------------------------

SEPARATORS = ["", ",", " ", "_", "'", "’", "\u00a0", "\u3000"]


@st.composite
def value_spellings(draw) -> tuple[str, float, bool]:
    """(a spelling of a number, the number, whether it carries %)."""
    whole = draw(st.one_of(st.integers(0, 999), st.integers(0, 10**14 - 1)))
    frac = draw(st.text(alphabet="0123456789", max_size=4))
    sign = draw(st.sampled_from(["", "-", "+", "−", "－"]))
    intended = float(f"{'-' if sign in ('-', '−', '－') else ''}{whole}.{frac or '0'}")
    digits = f"{whole:,}".replace(",", draw(st.sampled_from(SEPARATORS)))
    if frac or draw(st.booleans()):
        digits += "." + frac
    if whole == 0 and frac and draw(st.booleans()):
        digits = "." + frac
    text = sign + digits
    pct = draw(st.booleans())
    if pct:
        text += draw(st.sampled_from(["%", " %", "％"]))
    if draw(st.booleans()):
        text = fullwidth(text)
    return draw(SPACES) + text + draw(SPACES), intended, pct


@FAST
@given(value_spellings())
@example((" 1,234.5 % ", 1234.5, True))
@example(("１２３，４５６．７８", 123456.78, False))
def test_every_accepted_number_spelling_reads_back(case):
    text, intended, pct = case
    number, had_pct, code = parse_value(text)
    assert code is None, (text, code)
    assert math.isclose(number, intended, rel_tol=1e-12, abs_tol=0.0)
    assert had_pct == pct
    [(value, value_pct, value_code)] = parse_values([text])
    assert value_code is None
    assert math.isclose(value, intended, rel_tol=1e-12, abs_tol=0.0)
    assert value_pct == pct


@FAST
@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e15, max_value=1e15, exclude_max=True))
def test_any_finite_float_written_by_python_reads_back(x):
    if abs(x) >= MAX_ABS_VALUE:
        return
    for text in (repr(x), f"{x:,}", f"{x}%"):
        number, _, code = parse_value(text)
        assert code is None, text
        assert math.isclose(number, x, rel_tol=1e-12, abs_tol=0.0)


NUMBER_CHARS = "0123456789.,_ '%+-−eE inftyaNn１２．，％\t٣x"


@FAST
@given(st.lists(st.one_of(st.text(max_size=12), st.text(alphabet=NUMBER_CHARS, max_size=12)), max_size=8))
@example(["1e400", "-1e400", "NaN", "inf", "1e15", "12abc", "1,5", "=SUM(A1:A2)", ""])
def test_any_value_text_gives_a_number_or_a_code(texts):
    singles = [parse_value(t) for t in texts]
    for number, had_pct, code in singles:
        assert isinstance(had_pct, bool)
        if code is None:
            assert isinstance(number, float) and math.isfinite(number) and abs(number) < MAX_ABS_VALUE
        else:
            assert number is None and code in VALUE_CODES
    # the SQL path (plain numbers cast by DuckDB, other spellings read once each) agrees
    for text, single, (value, value_pct, value_code) in zip(texts, singles, parse_values(texts), strict=True):
        number, had_pct, code = single
        assert value_code == code, text
        assert value_pct == had_pct, text
        if code is None:
            assert value == number, text
        else:
            assert value is None


@pytest.mark.parametrize("text", ["1e400", "-1e400", "1E+999", "9" * 400, "1e400%"])
def test_numbers_beyond_a_double_are_too_large_not_infinite(text):
    assert parse_value(text) == (None, text.endswith("%"), "too_large")


# --- whole files ----------------------------------------------------------------------------

HEADERS = {
    "en": {
        "indicator_id": "indicator_id",
        "period": "period",
        "agency_id": "agency_id",
        "value": "value",
        "note": "note",
    },
    "zh": {
        "indicator_id": "指标编号",
        "period": "报告期",
        "agency_id": "填报单位",
        "value": "数值",
        "note": "备注",
    },
}
INDICATORS = {ind.id: ind for ind in REGISTRY.indicators}
QUARTERS = periods.span("2022Q1", "2025Q4")
NOTE_CHARS = 'abcXYZ 019中文备注完成，。、（）“”"=;,\n\t-'


@st.composite
def intended_rows(draw) -> list[dict]:
    keys = draw(
        st.lists(
            st.tuples(st.sampled_from(sorted(INDICATORS)), st.sampled_from(QUARTERS)),
            min_size=1,
            max_size=10,
            unique=True,
        )
    )
    rows = []
    for indicator_id, period in keys:
        ind = INDICATORS[indicator_id]
        agency_id = draw(st.sampled_from(sorted(REGISTRY.reporters[indicator_id])))
        lo, hi = ind.bounds
        cents = draw(st.integers(int(lo * 100), int((hi if hi is not None else 10**7) * 100)))
        text = f"{cents // 100}.{cents % 100:02d}"
        if hi is None and cents >= 100_000 and draw(st.booleans()):
            text = f"{cents // 100:,}.{cents % 100:02d}"  # thousands separators on a count
        if (ind.is_percent or ind.kind == "milestone") and draw(st.booleans()):
            text += "%"
        spelled_period = draw(st.sampled_from([period, *_alternatives(period)]))
        agency = REGISTRY.agency[agency_id]
        rows.append(
            {
                "indicator_id": draw(st.sampled_from([indicator_id, indicator_id.upper(), ind.name_zh])),
                "period": spelled_period,
                "agency_id": draw(st.sampled_from([agency_id, agency_id.upper(), agency.name_zh])),
                "value": text,
                "note": draw(st.text(alphabet=NOTE_CHARS, max_size=12)),
                "_expected": (indicator_id, period, agency_id, float(text.rstrip("%").replace(",", ""))),
            }
        )
    return rows


def _alternatives(period: str) -> list[str]:
    y, q = period.split("Q")
    m, d = QUARTER_END[int(q)]
    return [f"{y}-Q{q}", f"{y}年第{CN[int(q) - 1]}季度", f"{y}-{m:02d}-{d}", f"{y}/{m}/{d}"]


@st.composite
def upload_files(draw) -> dict:
    rows = draw(intended_rows())
    lang = draw(st.sampled_from(["en", "zh"]))
    columns = ["indicator_id", "period", "agency_id", "value"]
    if draw(st.booleans()):
        columns.append("note")
    columns = draw(st.permutations(columns))
    titles = draw(st.integers(0, 2))
    fmt = draw(st.sampled_from(["csv", "csv", "csv", "xlsx"]))
    if fmt == "csv":
        encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]))
        if encoding == "gb18030":
            # This Chinese header is not valid UTF-8, so the decoder cannot take the file for UTF-8
            # (a GB18030 file of ASCII and a few CJK characters can be: a known limit of guessing).
            lang = "zh"
        delimiter = draw(st.sampled_from([",", ";", "\t"]))
        terminator = draw(st.sampled_from(["\r\n", "\n"]))
    else:
        encoding, delimiter, terminator = None, None, None
    # Title rows; \u2028 and \x85 end a line for str.splitlines() but not for a CSV reader.
    title_words = st.sampled_from(["2025年", "报送表", "Quarterly", "年报\u2028说明", "Report\x85Q4"])
    table = [[f"{draw(title_words)} {i}"] for i in range(titles)]
    table.append([HEADERS[lang][c] for c in columns])
    table += [[row[c] for c in columns] for row in rows]
    return {
        "rows": rows,
        "columns": columns,
        "titles": titles,
        "fmt": fmt,
        "encoding": encoding,
        "delimiter": delimiter,
        "terminator": terminator,
        "table": table,
    }


def render(spec: dict, table: list[list[str]] | None = None) -> bytes:
    table = spec["table"] if table is None else table
    if spec["fmt"] == "xlsx":
        wb = Workbook()
        ws = wb.active
        ws.title = "数据"
        for row in table:
            ws.append([cell if cell != "" else None for cell in row])
            for cell in ws[ws.max_row]:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"  # text, as Excel keeps a typed '=0; openpyxl would write a formula
        buf = io.BytesIO()
        wb.save(buf)
        return buf.getvalue()
    out = io.StringIO()
    csv.writer(out, delimiter=spec["delimiter"], lineterminator=spec["terminator"]).writerows(table)
    return out.getvalue().encode(spec["encoding"])


def expected_rows(spec: dict) -> list[tuple]:
    out = []
    for i, row in enumerate(spec["rows"]):
        indicator_id, period, agency_id, value = row["_expected"]
        note = row["note"] if "note" in spec["columns"] and row["note"].strip() else None
        out.append((indicator_id, period, agency_id, value, note, spec["titles"] + 2 + i))
    return out


def accepted_rows(batch) -> list[tuple]:
    cols = ["indicator_id", "period", "agency_id", "value", "note", "row"]
    return [
        tuple(None if v is None or v is pd.NA else v for v in r)
        for r in batch.rows[cols].itertuples(index=False)
    ]


def assert_refusal_renders(refused: IngestRefused) -> None:
    assert refused.problems, "a refusal names at least one problem"
    for problem in refused.problems:
        assert problem.code in KNOWN_CODES
        for lang in ("zh", "en"):
            assert problem_text(problem, lang).strip()
            # the file's own text ({} in a cell, say) is quoted as is: look for leftovers in ours only
            ours = problem_text(replace(problem, value=None, column=None), lang)
            assert ours.strip() and not PLACEHOLDER.search(ours), ours


def assert_rows_valid(batch) -> None:
    """What an accepted file may contain, whatever it looked like."""
    keys = set()
    for indicator_id, period, agency_id, value, _note, row in accepted_rows(batch):
        ind = INDICATORS[indicator_id]
        assert agency_id in REGISTRY.reporters[indicator_id]
        assert CANONICAL.fullmatch(period) is not None and period.isascii()
        assert periods.index(FIRST) <= periods.index(period) <= periods.index(LAST)
        lo, hi = ind.bounds
        assert math.isfinite(value) and lo <= value and (hi is None or value <= hi)
        assert isinstance(row, int) and row >= 2
        keys.add((indicator_id, period, agency_id))
    assert len(keys) == len(batch.rows)


@FILES
@given(upload_files())
def test_a_well_formed_file_is_accepted_with_exactly_its_values(spec):
    data = render(spec)
    try:
        batch = parse_file(REGISTRY, data, f"fuzz.{spec['fmt']}", today=TODAY)
    except IngestRefused as exc:
        raise AssertionError([problem_text(p, "en") for p in exc.problems]) from None
    got, want = accepted_rows(batch), expected_rows(spec)
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        assert (g[0], g[1], g[2], g[4], g[5]) == (w[0], w[1], w[2], w[4], w[5])
        assert math.isclose(g[3], w[3], rel_tol=1e-12, abs_tol=0.0)
    assert batch.n_file_rows == len(want) and batch.duplicates_dropped == 0


MUTATIONS = [
    "drop_field",
    "extra_field",
    "garbage_cell",
    "garbage_value",
    "conflict",
    "truncate",
    "insert_bytes",
]


@FILES
@given(upload_files(), st.sampled_from(MUTATIONS), st.data())
def test_a_damaged_file_is_accepted_validly_or_refused_in_words(spec, mutation, data):
    table = [list(r) for r in spec["table"]]
    body = range(spec["titles"] + 1, len(table))
    i = data.draw(st.sampled_from(body))
    j = data.draw(st.integers(0, len(table[i]) - 1))
    garbage = data.draw(st.text(max_size=10).filter(lambda s: "\x00" not in s))
    if mutation == "drop_field":
        del table[i][j]
    elif mutation == "extra_field":
        table[i].insert(j, garbage)
    elif mutation == "garbage_cell":
        table[i][j] = garbage
    elif mutation == "garbage_value":
        table[i][spec["columns"].index("value")] = garbage
    elif mutation == "conflict":
        twin = list(table[i])
        twin[spec["columns"].index("value")] = (
            "0.5" if table[i][spec["columns"].index("value")] != "0.5" else "1"
        )
        table.append(twin)
    try:
        raw = render(spec, table)
    except (UnicodeEncodeError, IllegalCharacterError):  # garbage the encoding or openpyxl cannot write
        return
    if mutation == "truncate":
        raw = raw[: data.draw(st.integers(0, len(raw)))]
    elif mutation == "insert_bytes":
        at = data.draw(st.integers(0, len(raw)))
        raw = raw[:at] + data.draw(st.binary(min_size=1, max_size=8)) + raw[at:]
    try:
        batch = parse_file(REGISTRY, raw, f"fuzz.{spec['fmt']}", today=TODAY)
    except IngestRefused as exc:
        assert_refusal_renders(exc)
        return
    assert_rows_valid(batch)
