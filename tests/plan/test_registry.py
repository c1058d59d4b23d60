"""metrics.plan.registry: loading and validating targets.yaml (every problem, each with its place)."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
import yaml
from conftest import TARGETS

from metrics.errors import RegistryError
from metrics.plan.registry import load_registry, parse_registry


@pytest.fixture(scope="module")
def raw() -> dict:
    return yaml.safe_load(TARGETS.read_text(encoding="utf-8"))


def problems_of(doc: object) -> list[str]:
    with pytest.raises(RegistryError) as info:
        parse_registry(doc, "t.yaml")
    return info.value.problems


def test_the_real_registry_loads(registry):
    assert (len(registry.agencies), len(registry.sections), len(registry.measures)) == (19, 4, 15)
    assert len(registry.indicators) == 29
    assert [i.id for i in registry.indicators if i.kind == "kpi"] == [
        "tc_alignment_rate",
        "intl_std_adoption_rate",
        "std_dev_cycle_months",
        "verification_points",
    ]
    assert (registry.first_period, registry.last_period) == ("2024Q1", "2025Q4")
    assert registry.plan.start == dt.date(2024, 1, 1)


def test_reporters_are_owner_leads_and_sharers_or_everyone(registry):
    # measure 25: samr leads; mfa, ndrc, most, miit, mofcom, gacc, cidca, acfic share.
    assert registry.reporters["tc_alignment_rate"] == {
        "samr",
        "mfa",
        "ndrc",
        "most",
        "miit",
        "mofcom",
        "gacc",
        "cidca",
        "acfic",
    }
    # measure 34 has no lead: ndrc and samr share it (ndrc owns the milestone).
    assert registry.reporters["ms_outline_evaluation"] == {"ndrc", "samr"}
    # measure 23 names 各有关部门和单位: every agency may report.
    assert registry.reporters["ms_intl_roadmaps_white_papers"] == set(registry.agency)


def test_indicators_for_an_agency(registry):
    ids = [i.id for i in registry.indicators_for("miit")]
    assert len(ids) == 25
    all_ids = [i.id for i in registry.indicators]
    assert [i for i in all_ids if i not in ids] == [
        "ms_bri_std_info_platform",
        "ms_talent_database",
        "ms_talent_training_bases",
        "ms_outline_evaluation",
    ]
    assert ids == [i for i in all_ids if i in ids]  # registry order
    assert [i.id for i in registry.indicators_for("mohrss")] == [
        i.id for i in registry.indicators if registry.measure[i.measure].all_relevant or i.measure == 33
    ]


def test_measures_of_an_agency(registry):
    assert registry.measures_of("miit") == {"lead": [23, 24], "shared": [21, 25, 28]}
    assert registry.measures_of("moe") == {"lead": [], "shared": [21, 33]}


def test_bounds(registry):
    assert registry.indicator["tc_alignment_rate"].bounds == (0.0, 100.0)
    assert registry.indicator["verification_points"].bounds == (0.0, None)
    assert registry.indicator["std_dev_cycle_months"].bounds == (0.0, None)
    assert registry.indicator["ms_annual_report"].bounds == (0.0, 100.0)


def test_every_problem_is_listed_with_its_place(raw):
    broken = copy.deepcopy(raw)
    broken["extra"] = 1
    broken["agencies"].append(dict(broken["agencies"][1]))
    broken["agencies"][3]["name_zh"] = "NDRC"
    broken["measures"][0]["section"] = 9
    broken["measures"][4]["responsibilities"][0]["lead"] = ["samr", "mitt"]
    broken["measures"][5]["responsibilities"][1]["lead"] = []
    broken["measures"][5]["responsibilities"][1]["shared"] = []
    broken["indicators"][0]["owner"] = "nobody"
    broken["indicators"][1]["kind"] = "goal"
    del broken["indicators"][2]["unit"]
    broken["indicators"][3]["deadline"] = "2027-06-30"
    broken["indicators"][4]["target"] = 90
    broken["indicators"][6]["name_zh"] = broken["indicators"][5]["name_zh"]
    broken["indicators"][7]["measure"] = 99
    broken["indicators"][8]["name_en"] = "国际"
    assert problems_of(broken) == [
        "extra: unknown key",
        "indicators[1].kind: Input should be 'kpi' or 'milestone' (got 'goal')",
        "indicators[2].unit: missing",
        "agencies[19].id: duplicate id 'cac' (first at agencies[1])",
        "agencies[3].name_zh: no Chinese text in 'NDRC'",
        "indicators[8].name_en: not an English translation (got '国际')",
        "measures[0].section: unknown section 9",
        "measures[4].responsibilities[0].lead[1]: unknown agency 'mitt'",
        "measures[5].responsibilities[1]: names no agency",
        "indicators[0].owner: unknown agency 'nobody'",
        "indicators[3].deadline: 2027-06-30 is outside the plan (2024-01-01 to 2025-12-31)",
        "indicators[6].name_zh: duplicate name '“一带一路”共建国家标准信息平台' (first at indicators[5])",
        "indicators[7].measure: unknown measure 99",
        "indicators[4]: a milestone must be at_least 100 (percent complete)",
    ]


def test_plan_and_list_shapes(raw):
    broken = copy.deepcopy(raw)
    broken["sections"] = []
    del broken["plan"]["title_en"]
    assert problems_of(broken) == [
        "plan.title_en: missing",
        "sections: must be a non-empty list",
        "measures[0].section: unknown section 5",
        "measures[1].section: unknown section 5",
        "measures[2].section: unknown section 5",
        "measures[3].section: unknown section 5",
        "measures[4].section: unknown section 5",
        "measures[5].section: unknown section 6",
        "measures[6].section: unknown section 6",
        "measures[7].section: unknown section 6",
        "measures[8].section: unknown section 6",
        "measures[9].section: unknown section 7",
        "measures[10].section: unknown section 7",
        "measures[11].section: unknown section 7",
        "measures[12].section: unknown section 7",
        "measures[13].section: unknown section 8",
        "measures[14].section: unknown section 8",
    ]


def test_plan_end_must_follow_start(raw):
    broken = copy.deepcopy(raw)
    broken["plan"]["end"] = dt.date(2023, 12, 31)
    problems = problems_of(broken)
    assert problems[0] == "plan.end: 2023-12-31 is not after plan.start 2024-01-01"
    # every deadline is now outside the (empty) plan, and each is named
    assert len(problems) == 1 + len(raw["indicators"])


def test_top_level_must_be_a_mapping():
    assert problems_of(["plan"]) == [
        "top level must be a mapping with plan, agencies, sections, measures, indicators"
    ]


def test_load_registry_file_errors(tmp_path):
    with pytest.raises(RegistryError) as info:
        load_registry(tmp_path / "missing.yaml")
    assert info.value.problems == [f"file not found: {tmp_path / 'missing.yaml'}"]

    bad = tmp_path / "bad.yaml"
    bad.write_text("plan: [unclosed\n", encoding="utf-8")
    with pytest.raises(RegistryError) as info:
        load_registry(bad)
    assert len(info.value.problems) == 1
    assert info.value.problems[0].startswith("not valid YAML: ")
    assert str(info.value).startswith(f"{bad}: 1 problem(s)\n")


def test_registry_objects_are_frozen(registry):
    with pytest.raises(ValueError, match="frozen"):
        registry.indicator["tc_alignment_rate"].target = 1
