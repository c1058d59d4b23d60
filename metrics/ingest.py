"""Check a quarterly file against the registry; one path for the CLI and the upload page.

A file is either accepted whole (every row valid) or refused with every problem listed:
row as Excel shows it, column, value and reason. Nothing is written on refusal.
Validation is vectorised: each distinct id, period or value spelling is parsed once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from metrics import periods
from metrics.errors import IngestRefused, Problem
from metrics.export import restore
from metrics.reader import Table, Unreadable, read_table
from metrics.registry import Registry
from metrics.store import Change, Store

MAX_ABS_VALUE = 1e15
ROW_COLUMNS = ["indicator_id", "period", "agency_id", "value", "note", "row"]


@dataclass(frozen=True)
class Batch:
    """A file that passed every check: canonical rows ready to store."""

    file_name: str
    sha256: str
    rows: pd.DataFrame  # ROW_COLUMNS; one row per (indicator, period, agency)
    n_file_rows: int
    duplicates_dropped: int = 0
    agencies: tuple[str, ...] = field(default=())


def parse_file(
    registry: Registry,
    data: bytes,
    file_name: str,
    *,
    today: dt.date | None = None,
    allowed_agencies: Iterable[str] | None = None,
) -> Batch:
    """Read and validate a file; raise IngestRefused listing every problem."""
    try:
        table = read_table(data, file_name)
    except Unreadable as exc:
        raise IngestRefused(file_name, exc.problems) from None
    rows, problems, dropped = validate(registry, table, today=today, allowed_agencies=allowed_agencies)
    if problems:
        raise IngestRefused(file_name, problems)
    return Batch(
        file_name=file_name,
        sha256=hashlib.sha256(data).hexdigest(),
        rows=rows,
        n_file_rows=len(rows) + dropped,
        duplicates_dropped=dropped,
        agencies=tuple(sorted(rows["agency_id"].unique())),
    )


def period_bounds(registry: Registry, today: dt.date) -> tuple[str, str]:
    """Earliest and latest period a file may contain."""
    return periods.shift(registry.first_period, -8), periods.of_date(today)


def validate(
    registry: Registry,
    table: Table,
    *,
    today: dt.date | None = None,
    allowed_agencies: Iterable[str] | None = None,
) -> tuple[pd.DataFrame, list[Problem], int]:
    """Canonical rows, the problems found, and how many exact duplicate rows were dropped."""
    today = today or dt.date.today()
    raw = table.frame
    filled = np.zeros(len(raw), dtype=bool)
    for name in ("indicator_id", "period", "agency_id", "value", "note"):
        filled |= map_unique(raw[name].astype(str), lambda v: v.strip() != "").astype(bool)
    raw = raw[filled]
    if raw.empty:
        return pd.DataFrame(columns=ROW_COLUMNS), [Problem("header_only", row=table.header_row)], 0
    if len(raw) > 1_000_000:
        return pd.DataFrame(columns=ROW_COLUMNS), [Problem("too_many_rows", params={"limit": 1_000_000})], 0
    rowno = raw["row"].to_numpy()
    problems: list[Problem] = []
    cols = {name: raw[name].astype(str) for name in ("indicator_id", "period", "agency_id", "value")}

    indicator = _resolve(cols["indicator_id"], _indicator_lookup(registry))
    agency = _resolve(cols["agency_id"], _agency_lookup(registry))
    ind_missing, ag_missing = indicator.isna(), agency.isna()
    problems += _bad(rowno, cols["indicator_id"], ind_missing, "indicator_id", "unknown_indicator")
    problems += _bad(rowno, cols["agency_id"], ag_missing, "agency_id", "unknown_agency")

    both = ~(ind_missing | ag_missing).to_numpy()
    ind_codes, ind_ids = pd.factorize(indicator.to_numpy(dtype=object), use_na_sentinel=False)
    ag_codes, ag_ids = pd.factorize(agency.to_numpy(dtype=object), use_na_sentinel=False)
    ind_ids, ag_ids = list(ind_ids), list(ag_ids)
    pair_codes, pair_index = np.unique(ind_codes * len(ag_ids) + ag_codes, return_inverse=True)
    ok = np.array(
        [ag_ids[c % len(ag_ids)] in registry.reporters.get(ind_ids[c // len(ag_ids)], ()) for c in pair_codes]
    )[pair_index]
    not_allowed = both & ~ok
    for i in np.flatnonzero(not_allowed):
        ind_id, ag_id = indicator.iloc[i], agency.iloc[i]
        ind = registry.indicator[ind_id]
        problems.append(
            Problem(
                "not_allowed",
                row=int(rowno[i]),
                column="agency_id",
                value=cols["agency_id"].iloc[i],
                params={
                    "agency": ag_id,
                    "agency_zh": registry.agency[ag_id].name_zh,
                    "agency_en": registry.agency[ag_id].short("en"),
                    "measure": ind.measure,
                    "indicator": ind_id,
                },
            )
        )
    if allowed_agencies is not None:
        allowed = set(allowed_agencies)
        forbidden = agency.notna() & ~agency.isin(allowed)
        allowed_known = sorted(a for a in allowed if a in registry.agency)
        for i in np.flatnonzero(forbidden.to_numpy()):
            problems.append(
                Problem(
                    "forbidden_agency",
                    row=int(rowno[i]),
                    column="agency_id",
                    value=cols["agency_id"].iloc[i],
                    params={
                        "agency": agency.iloc[i],
                        "agency_zh": registry.agency[agency.iloc[i]].name_zh,
                        "agency_en": registry.agency[agency.iloc[i]].short("en"),
                        "allowed_zh": "、".join(registry.agency[a].name_zh for a in allowed_known) or "—",
                        "allowed_en": ", ".join(registry.agency[a].short("en") for a in allowed_known) or "-",
                    },
                )
            )

    period = periods.parse_periods(cols["period"])
    problems += _period_problems(registry, cols["period"], period, rowno, today)

    pct = table.percent_cells.loc[raw.index] if table.percent_cells is not None else None
    value, has_pct, value_problem = parse_values(cols["value"], pct)
    problems += [
        Problem(code, row=int(rowno[i]), column="value", value=cols["value"].iloc[i])
        for i, code in value_problem.items()
    ]
    problems += _range_problems(registry, indicator, value, has_pct, value_problem, cols["value"], rowno)

    note = pd.Series(map_unique(raw["note"].astype(str), _note), index=raw.index, dtype=object)
    rows = pd.DataFrame(
        {
            "indicator_id": indicator,
            "period": period,
            "agency_id": agency,
            "value": value,
            "note": note,
            "row": rowno,
        }
    )
    rows, conflict_problems, dropped = _deduplicate(rows)
    if conflict_problems:  # show each value as written, not as the parsed float
        text_at = dict(zip(rowno.tolist(), cols["value"], strict=True))
        problems += [replace(p, value=text_at[p.row]) for p in conflict_problems]
    written = table.headers or {}
    problems = [replace(p, column=written.get(p.column, p.column)) if p.column else p for p in problems]
    problems.sort(key=lambda p: (p.row if p.row is not None else 0, p.column or ""))
    return rows.reset_index(drop=True), problems, dropped


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def _indicator_lookup(registry: Registry) -> dict[str, str]:
    out = {}
    for ind in registry.indicators:
        out[_norm(ind.name_zh)] = ind.id
        out[ind.id.lower()] = ind.id
    return out


def _agency_lookup(registry: Registry) -> dict[str, str]:
    out = {}
    for ag in registry.agencies:
        name = _norm(ag.name_zh)
        out[name] = ag.id
        out[re.sub(r"\(.*?\)", "", name).strip()] = ag.id  # 市场监管总局 for 市场监管总局（国家标准委）
        for inner in re.findall(r"\((.*?)\)", name):
            out.setdefault(inner.strip(), ag.id)  # 国家标准委
        out[ag.id.lower()] = ag.id
    return out


def _note(text: str) -> str | None:
    """A note as given (a spreadsheet's formula-guard apostrophe removed); blank is no note."""
    text = restore(text)
    return text if text.strip() else None


def map_unique(values: pd.Series, fn) -> np.ndarray:
    """``fn`` applied once per distinct value, spread back to every row."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    mapped = np.empty(len(uniques), dtype=object)
    mapped[:] = [fn(u) for u in uniques]
    return mapped[codes]


def _resolve(values: pd.Series, lookup: dict[str, str]) -> pd.Series:
    found = map_unique(values, lambda v: lookup.get(_norm(v)) or lookup.get(_norm(v).lower()))
    return pd.Series(found, index=values.index, dtype=object)


def _bad(rowno, values: pd.Series, mask: pd.Series, column: str, code: str, **params) -> list[Problem]:
    return [
        Problem(code, row=int(rowno[i]), column=column, value=values.iloc[i], params=params)
        for i in np.flatnonzero(mask.to_numpy())
    ]


def _period_problems(registry, texts: pd.Series, period: pd.Series, rowno, today) -> list[Problem]:
    first, last = period_bounds(registry, today)
    problems = []
    unread = period.isna()
    dates = {v: periods.looks_like_date(v) for v in pd.unique(texts[unread])}
    for i in np.flatnonzero(unread.to_numpy()):
        code = "not_quarter_end" if dates[texts.iloc[i]] else "bad_period"
        problems.append(Problem(code, row=int(rowno[i]), column="period", value=texts.iloc[i]))
    idx = map_unique(period.fillna(""), lambda p: periods.index(p) if p else np.nan).astype(float)
    with np.errstate(invalid="ignore"):
        early = pd.Series(idx < periods.index(first))
        late = pd.Series(idx > periods.index(last))
    problems += _bad(rowno, texts, early, "period", "period_too_early", first=first)
    problems += _bad(rowno, texts, late, "period", "period_future", last=last)
    return problems


_NUMBER_CLEAN = re.compile(r"[\s,_'’]")
# Separators are only thousands separators between groups of three digits: "1,234.5" is 1234.5,
# but "1,5" (a decimal comma) is not a number rather than fifteen.
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:[\s,_'’]\d{3})+(?:\.\d*)?")


def parse_value(text: str) -> tuple[float | None, bool, str | None]:
    """(number, had a % sign, problem code) for one cell's text."""
    s = unicodedata.normalize("NFKC", text).strip()
    if not s:
        return None, False, "empty_value"
    pct = s.endswith("%")
    if pct:
        s = s[:-1].strip()
    s = s.replace("−", "-")
    if _NUMBER_CLEAN.search(s):
        if not _GROUPED.fullmatch(s):
            return None, pct, "not_number"
        s = _NUMBER_CLEAN.sub("", s)
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|[+-]?(nan|inf|infinity)", s, re.IGNORECASE):
        return None, pct, "not_number"
    number = float(s)
    if math.isinf(number) and not s.lstrip("+-")[:1].isalpha():
        return None, pct, "too_large"  # a finite spelling beyond float's range, e.g. 1e400
    if not math.isfinite(number):
        return None, pct, "not_finite"
    if abs(number) >= MAX_ABS_VALUE:
        return None, pct, "too_large"
    return number, pct, None


def parse_values(texts: pd.Series, percent_cells: pd.Series | None = None):
    """Vectorised :func:`parse_value`: plain numbers take pandas' fast path.

    Returns (values, had-% mask, {position: problem code}).
    """
    fast = pd.to_numeric(texts.to_numpy(dtype=object), errors="coerce")
    values = np.asarray(fast, dtype="float64").copy()
    values[~np.isfinite(values)] = np.nan  # "inf", "nan": the slow path names the problem
    has_pct = np.zeros(len(texts), dtype=bool)
    problems: dict[int, str] = {}
    slow = np.flatnonzero(np.isnan(values))
    if len(slow):
        sub = texts.iloc[slow]
        parsed = {v: parse_value(v) for v in pd.unique(sub)}
        for pos, text in zip(slow, sub, strict=True):
            number, pct, code = parsed[text]
            has_pct[pos] = pct
            if code:
                problems[int(pos)] = code
            else:
                values[pos] = number
    big = np.flatnonzero(np.abs(np.nan_to_num(values)) >= MAX_ABS_VALUE)
    for pos in big:
        problems[int(pos)] = "too_large"
        values[pos] = np.nan
    if percent_cells is not None:
        # Excel keeps 85.2% as 0.852 with a percent number format.
        scale = percent_cells.to_numpy(dtype=bool) & ~has_pct & ~np.isnan(values)
        values[scale] = np.round(values[scale] * 100, 10)
        has_pct |= scale
    return pd.Series(values, index=texts.index), has_pct, problems


def _range_problems(registry, indicator, value, has_pct, value_problem, texts, rowno) -> list[Problem]:
    """Bounds and unit checks, with each indicator's rule spread to its rows."""
    rules = {}
    for ind in registry.indicators:
        lo, hi = ind.bounds
        if ind.kind == "milestone":
            code, params = "milestone_range", {}
        elif ind.is_percent:
            code, params = "percent_range", {}
        elif lo == 0 and hi is None:
            code, params = "negative", {"unit": ind.unit}
        else:
            code, params = "out_of_range", {"low": lo, "high": hi}
        no_pct = not ind.is_percent and ind.kind != "milestone"
        rules[ind.id] = (-np.inf if lo is None else lo, np.inf if hi is None else hi, no_pct, code, params)
    ids = indicator  # unknown indicators (None) get no bounds
    none = (-np.inf, np.inf, False, "", {})
    lo = map_unique(ids, lambda i: rules.get(i, none)[0]).astype(float)
    hi = map_unique(ids, lambda i: rules.get(i, none)[1]).astype(float)
    no_pct = map_unique(ids, lambda i: rules.get(i, none)[2]).astype(bool)
    vals = value.to_numpy(dtype=float)
    valid = ~np.isnan(vals)
    problems = []
    for pos in np.flatnonzero(valid & no_pct & has_pct):
        unit = registry.indicator[ids.iloc[pos]].unit
        problems.append(Problem("percent_sign", int(rowno[pos]), "value", texts.iloc[pos], {"unit": unit}))
    with np.errstate(invalid="ignore"):
        out = valid & ((vals < lo) | (vals > hi))
    for pos in np.flatnonzero(out):
        _, _, _, code, params = rules[ids.iloc[pos]]
        problems.append(Problem(code, int(rowno[pos]), "value", texts.iloc[pos], params))
    return problems


def _deduplicate(rows: pd.DataFrame) -> tuple[pd.DataFrame, list[Problem], int]:
    """Drop exact repeats of a row; refuse the same key with different values or notes."""
    key = ["indicator_id", "period", "agency_id"]
    complete = rows.dropna(subset=[*key, "value"])
    dup = complete.duplicated(key, keep=False)
    if not dup.any():
        return rows, [], 0
    problems = []
    groups = complete[dup].groupby(key, sort=False)
    spread = groups["value"].nunique() + groups["note"].nunique(dropna=False) - 1
    for k in spread[spread > 1].index:
        grp = groups.get_group(k)
        listed = ", ".join(str(r) for r in grp["row"])
        for r, v in zip(grp["row"], grp["value"], strict=True):
            problems.append(Problem("conflict", int(r), "value", f"{v:g}", {"rows": listed}))
    keep = ~complete.duplicated(key, keep="first")
    dropped = int((~keep).sum())
    kept = pd.concat([complete[keep], rows[rows[[*key, "value"]].isna().any(axis=1)]]).sort_values("row")
    return kept, problems, dropped


@dataclass(frozen=True)
class IngestResult:
    """A checked file and what storing it did (or would do, on a dry run)."""

    batch: Batch
    change: Change

    def summary(self, lang: str = "en") -> str:
        c = self.change
        if lang == "zh":
            head = f"已保存为第 {c.upload_id} 次上传" if c.stored else "未写入任何数据"
            counts = f"新增 {c.new} 个值，修订 {c.revised} 个，未变 {c.unchanged} 个"
            text = f"{self.batch.file_name}：{head}；{counts}。"
            if not c.stored and c.new + c.revised == 0:
                text += "文件内容与库中数据完全相同，没有任何改动。"
            return text
        head = f"stored as upload #{c.upload_id}" if c.stored else "nothing written"
        text = f"{self.batch.file_name}: {head}; {c.new} new, {c.revised} revised, {c.unchanged} unchanged."
        if not c.stored and c.new + c.revised == 0:
            text += " Every value is already stored exactly as in this file: nothing changed."
        return text


def ingest_file(
    store: Store,
    registry: Registry,
    data: bytes,
    file_name: str,
    *,
    uploaded_by: str,
    source: str,
    dry_run: bool = False,
    allowed_agencies: Iterable[str] | None = None,
    today: dt.date | None = None,
) -> IngestResult:
    """The one ingestion path: check the whole file, then store it in one transaction."""
    batch = parse_file(registry, data, file_name, today=today, allowed_agencies=allowed_agencies)
    return store_checked(store, batch, uploaded_by=uploaded_by, source=source, dry_run=dry_run)


def store_checked(
    store: Store, batch: Batch, *, uploaded_by: str, source: str, dry_run: bool = False
) -> IngestResult:
    """Store a batch that :func:`parse_file` accepted, as one transaction."""
    change = store.store_batch(
        batch.rows,
        file_name=batch.file_name,
        sha256=batch.sha256,
        uploaded_by=uploaded_by,
        source=source,
        dry_run=dry_run,
    )
    return IngestResult(batch, change)
