"""Files we hand to people: data exports and pre-filled upload templates.

CSV is UTF-8 with BOM so that Excel on Chinese Windows shows the Chinese; text cells that
Excel would run as a formula are neutralised.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from metrics.ingest.formula_guard import neutralize, restore  # noqa: F401 - offered here too
from metrics.outputs.template_book import template_workbook
from metrics.plan.registry import Registry
from metrics.store.database import Store
from metrics.text import CATALOG, t

EXPORT_COLUMNS = [
    "indicator_id",
    "period",
    "agency_id",
    "value",
    "note",
    "indicator_name",
    "agency_name",
    "unit",
    "revision",
    "upload_id",
    "file_name",
    "uploaded_by",
    "recorded_at",
]

MIME = {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}

TEMPLATE_HEADERS = {
    "zh": ["指标编号", "指标名称", "计量单位", "目标值", "报告期", "填报单位", "数值", "备注"],
    "en": ["indicator_id", "indicator_name", "unit", "target", "period", "agency_id", "value", "note"],
}


def export_frame(store: Store, registry: Registry, all_revisions: bool = False) -> pd.DataFrame:
    """Latest revision of every value (or every revision), with names beside the ids."""
    frame = store.observations(include_withdrawn=True) if all_revisions else store.latest()
    frame = frame.rename(columns={"uploaded_at": "recorded_at"})
    frame["indicator_name"] = frame["indicator_id"].map({i.id: i.name_zh for i in registry.indicators})
    frame["agency_name"] = frame["agency_id"].map({a.id: a.name_zh for a in registry.agencies})
    frame["unit"] = frame["indicator_id"].map({i.id: i.unit for i in registry.indicators})
    columns = EXPORT_COLUMNS + (["withdrawn"] if all_revisions else [])
    return (
        frame[columns].sort_values(["indicator_id", "period", "agency_id", "revision"]).reset_index(drop=True)
    )


def neutralize_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """:func:`neutralize` on every text cell of ``frame`` (a copy; numbers and missing cells untouched)."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].astype(object).map(neutralize, na_action="ignore")
    return out


def localized_headers(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The export's columns named in ``lang``: Chinese headers for a Chinese reader (the file still
    re-ingests: 指标编号, 报告期, 填报单位, 数值 and 备注 are upload headers), ids in English."""
    if lang != "zh":
        return frame
    return frame.rename(
        columns={c: t(f"export.col.{c}", "zh") for c in frame.columns if f"export.col.{c}" in CATALOG}
    )


def to_bytes(frame: pd.DataFrame, fmt: str, sheet: str = "data") -> bytes:
    """CSV (UTF-8 with BOM) or XLSX bytes of a frame, formula-safe."""
    safe = neutralize_frame(frame)
    if fmt == "csv":
        return safe.to_csv(index=False).encode("utf-8-sig")
    if fmt == "xlsx":
        buf = io.BytesIO()
        with pd.ExcelWriter(buf, engine="openpyxl") as writer:
            safe.to_excel(writer, index=False, sheet_name=sheet)
            ws = writer.sheets[sheet]
            ws.freeze_panes = "A2"
            for col_cells in ws.columns:
                width = max(len(str(c.value or "")) for c in col_cells[:200])
                ws.column_dimensions[col_cells[0].column_letter].width = min(60, max(10, width * 1.6))
        return buf.getvalue()
    raise ValueError(f"unknown format {fmt!r}; use csv or xlsx")


def write(frame: pd.DataFrame, out: str | Path, sheet: str = "data") -> None:
    """Write a frame to ``out``, the format taken from its suffix."""
    out = Path(out)
    fmt = out.suffix.lower().lstrip(".")
    out.write_bytes(to_bytes(frame, fmt, sheet))


def template_frame(registry: Registry, agency_id: str, period: str, lang: str = "zh") -> pd.DataFrame:
    """One row per indicator the agency may report, ids and names filled in, value empty.

    The agency is written as its Chinese name in the Chinese template (what a data officer
    recognises; the upload accepts it) and as its id in the English one.
    """
    agency = registry.agency[agency_id]
    reporter = agency.name_zh if lang == "zh" else agency_id
    rows = [
        [ind.id, ind.name(lang), ind.unit_label(lang), f"{ind.target:g}", period, reporter, "", ""]
        for ind in registry.indicators_for(agency_id)
    ]
    return pd.DataFrame(rows, columns=TEMPLATE_HEADERS["zh" if lang == "zh" else "en"])


def template_bytes(registry: Registry, agency_id: str, period: str, fmt: str, lang: str = "zh") -> bytes:
    """A pre-filled upload template as CSV or XLSX bytes (the workbook with drop-down lists,
    value checks and an instructions sheet)."""
    frame = template_frame(registry, agency_id, period, lang)
    if fmt != "xlsx":
        return to_bytes(frame, fmt)
    return template_workbook(registry, frame, period, lang)
