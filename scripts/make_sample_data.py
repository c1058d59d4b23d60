"""Write the synthetic demo files in ``data/sample/`` (deterministic; all figures invented).

The files mimic what offices send: per-quarter CSVs from SAMR, GB18030 CSVs with Chinese
headers from MIIT, one Excel workbook with a title row from MARA, semicolon-separated and
BOM-prefixed files, and a late correction (a revision) from SAMR.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import sys
from pathlib import Path

from openpyxl import Workbook

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from metrics.plan import periods  # noqa: E402
from metrics.plan.registry import load_registry  # noqa: E402

OUT = ROOT / "data" / "sample"
QUARTERS = periods.span("2023Q4", "2025Q4")
NOTE = "示例数据（虚构）"

# National figures (owner samr), one value per quarter 2023Q4..2025Q4.
NATIONAL = {
    "tc_alignment_rate": [80.0, 81.2, 82.5, 83.9, 85.0, 86.4, 87.5, 88.8, 90.3],
    "intl_std_adoption_rate": [75.0, 75.8, 76.9, 77.6, 78.8, 79.5, 80.6, 81.3, 82.0],
    "std_dev_cycle_months": [24.5, 23.8, 23.0, 22.1, 21.4, 20.6, 19.9, 19.2, 18.6],
    "verification_points": [12, 15, 19, 24, 28, 33, 38, 42, 46],
}
# Agencies' own figures.
OWN = {
    ("miit", "tc_alignment_rate"): [78.0, 79.5, 81.0, 82.0, 84.0, 85.5, 87.0, 88.0, 89.0],
    ("most", "intl_std_adoption_rate"): [70.0, 70.5, 71.0, 71.2, 71.0, 70.6, 70.2, 69.8, 69.5],
    ("mara", "std_dev_cycle_months"): [26.0, 25.5, 25.0, 24.0, 23.2, 22.0, 21.0, 20.1, 19.5],
    ("mara", "verification_points"): [2, 2, 3, 3, 4, 5, 5, 6, 7],
}
# Milestones: first value in 2023Q4, added per quarter, capped at 100.
MILESTONE_PACE = {
    "ms_opening_up_guideline": (40, 10),
    "ms_group_std_measures": (30, 12),
    "ms_std_complaint_platform": (10, 8),
    "ms_verification_point_measures": (50, 10),
    "ms_annual_report": (0, 13),
    "ms_talent_database": (5, 6),
    "ms_outline_evaluation": (0, 4),
    "ms_benchmarking_mechanism": (20, 2),
}
DEFAULT_PACE = (20, 9)
LATE = {("ndrc", "ms_benchmarking_mechanism"), ("moe", "ms_talent_training_bases")}


def milestone_value(ind_id: str, i: int) -> float:
    start, step = MILESTONE_PACE.get(ind_id, DEFAULT_PACE)
    return float(min(100, start + step * i))


def fmt(value: float) -> str:
    return f"{value:g}"


def write_csv(
    path: Path, header: list[str], rows: list[list[str]], encoding: str, delimiter: str = ","
) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))


def main() -> None:
    registry = load_registry(ROOT / "targets.yaml")
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("demo_*"):
        old.unlink()
    header = ["indicator_id", "period", "agency_id", "value", "note"]
    by_owner: dict[str, list[str]] = {}
    for ind in registry.indicators:
        if ind.kind == "milestone":
            by_owner.setdefault(ind.owner, []).append(ind.id)

    for i, q in enumerate(QUARTERS):
        rows = []
        for ind_id, values in NATIONAL.items():
            value = values[i]
            text = f"{value:g}%" if registry.indicator[ind_id].is_percent and i % 2 else fmt(value)
            rows.append([ind_id, q, "samr", text, NOTE])
        for ind_id in by_owner["samr"]:
            rows.append([ind_id, q, "samr", fmt(milestone_value(ind_id, i)), NOTE])
        write_csv(OUT / f"demo_{q}_samr.csv", header, rows, "utf-8")

        # MIIT: GB18030, Chinese headers and names, Chinese quarter names.
        miit_rows = [
            [
                registry.indicator["tc_alignment_rate"].name_zh,
                periods.label(q, "zh"),
                "工业和信息化部",
                fmt(OWN[("miit", "tc_alignment_rate")][i]),
                "示例数据：本部门归口技术委员会",
            ]
        ]
        write_csv(
            OUT / f"demo_{q}_miit_gb18030.csv",
            ["指标编号", "报告期", "填报单位", "数值", "备注"],
            miit_rows,
            "gb18030",
        )

    # NDRC and MOE: their milestones, whole history in one BOM-prefixed / semicolon file each.
    for agency, encoding, delim in (("ndrc", "utf-8-sig", ","), ("moe", "utf-8", ";")):
        rows = []
        for i, q in enumerate(QUARTERS):
            for ind_id in by_owner[agency]:
                if q == QUARTERS[-1] and (agency, ind_id) in LATE:
                    continue
                rows.append([ind_id, q, agency, fmt(milestone_value(ind_id, i)), NOTE])
        write_csv(OUT / f"demo_2025Q4_{agency}_history.csv", header, rows, encoding, delim)

    # MOST: own adoption rate, percent signs.
    rows = [
        ["intl_std_adoption_rate", q, "most", f"{v:g}%", NOTE]
        for q, v in zip(QUARTERS, OWN[("most", "intl_std_adoption_rate")], strict=True)
    ]
    write_csv(OUT / "demo_2025Q4_most_history.csv", header, rows, "utf-8")

    # MARA: an Excel workbook with a title row and quarter-end dates.
    wb = Workbook()
    ws = wb.active
    ws.title = "数据"
    ws.append(["农业农村部 标准化工作季度报送表（示例数据）"])
    ws.append(["指标编号", "指标名称", "报告期", "填报单位", "数值", "备注"])
    for (agency, ind_id), values in OWN.items():
        if agency != "mara":
            continue
        for q, v in zip(QUARTERS, values, strict=True):
            ws.append(
                [ind_id, registry.indicator[ind_id].name_zh, periods.quarter_end(q), "农业农村部", v, NOTE]
            )
    for row in ws.iter_rows(min_row=3, min_col=3, max_col=3):
        row[0].number_format = "yyyy-mm-dd"
    wb.save(OUT / "demo_2025Q4_mara_history.xlsx")

    # A late correction from SAMR: 2025Q3 verification points revised.
    write_csv(
        OUT / "demo_2025Q4_samr_zz_correction.csv",
        header,
        [["verification_points", "2025Q3", "samr", "43", "更正：补录1个验证点（示例数据）"]],
        "utf-8",
    )
    print(f"wrote {len(list(OUT.glob('demo_*')))} files to {OUT} ({dt.date.today()})")


if __name__ == "__main__":
    main()
