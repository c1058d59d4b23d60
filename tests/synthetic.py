"""Synthetic registries for tests and benchmarks (``benchmarks/`` puts this folder on its path)."""

from __future__ import annotations

from pathlib import Path

import yaml


def wide_plan(n_kpis: int, n_agencies: int, digits: int = 2) -> dict:
    """A plan with ``n_kpis`` KPIs (``ind00``…) owned by ag00 that all ``n_agencies`` may report."""
    return {
        "plan": {
            "id": "wide",
            "title_zh": "计划",
            "title_en": "Plan",
            "start": "2024-01-01",
            "end": "2026-12-31",
        },
        "agencies": [
            {"id": f"ag{a:02d}", "name_zh": f"部门{a:02d}", "name_en": f"Agency {a:02d}"}
            for a in range(n_agencies)
        ],
        "sections": [{"id": 1, "title_zh": "一", "title_en": "One"}],
        "measures": [
            {
                "id": 1,
                "section": 1,
                "title_zh": "举措",
                "title_en": "Measure",
                "responsibilities": [{"lead": ["ag00"], "shared": [], "all_relevant": True}],
            }
        ],
        "indicators": [
            {
                "id": f"ind{i:0{digits}d}",
                "measure": 1,
                "kind": "kpi",
                "name_zh": f"指标{i:0{digits}d}",
                "name_en": f"Ind {i:0{digits}d}",
                "unit": "%",
                "unit_en": "%",
                "direction": "at_least",
                "target": 90,
                "deadline": "2026-12-31",
                "owner": "ag00",
            }
            for i in range(n_kpis)
        ],
    }


def write_wide_plan(path: Path, n_kpis: int, n_agencies: int, digits: int = 2) -> None:
    """:func:`wide_plan` as a YAML registry file at ``path``."""
    doc = wide_plan(n_kpis, n_agencies, digits)
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
