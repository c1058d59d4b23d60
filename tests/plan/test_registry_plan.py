"""Check targets.yaml against the plan text it is derived from.

The plan text (data/plan/action-plan-sections-5-8.zh-Hans.txt, in the repo)
is parsed here independently of the `metrics` package: section headings 五–八,
measure headings （二十一）–（三十五）, and every 〔…〕 responsibility bracket.
Bracket reading follows data/plan/README.md:

- ``A、B牵头，C、D等按职责分工负责``: A, B lead; C, D share responsibility;
- ``A、B等按职责分工负责`` (no 牵头): A, B jointly responsible, nobody leads;
- ``各有关部门和单位``: the catch-all "all relevant departments and units";
- each bracket covers the clauses before it (二十六 and 二十八 have two).
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
TARGETS = REPO / "targets.yaml"
PLAN_TEXT = REPO / "data" / "plan" / "action-plan-sections-5-8.zh-Hans.txt"

ALL_RELEVANT = "各有关部门和单位"
DEADLINE = dt.date(2025, 12, 31)

CN_DIGITS = {
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}

AGENCY_IDS = {
    "samr",
    "cac",
    "mfa",
    "ndrc",
    "moe",
    "most",
    "miit",
    "mca",
    "mofcom",
    "cnipa",
    "cidca",
    "acfic",
    "sasac",
    "mara",
    "gacc",
    "cast",
    "nbs",
    "cae",
    "mohrss",
}

PLAN_KEYS = {"id", "title_zh", "title_en", "start", "end", "source_zh", "source_en"}
AGENCY_KEYS = {"id", "name_zh", "name_en", "short_en"}
SECTION_KEYS = {"id", "title_zh", "title_en"}
MEASURE_KEYS = {"id", "section", "title_zh", "title_en", "responsibilities"}
RESPONSIBILITY_KEYS = {"lead", "shared", "all_relevant"}
INDICATOR_KEYS = {
    "id",
    "measure",
    "kind",
    "name_zh",
    "name_en",
    "unit",
    "unit_en",
    "direction",
    "target",
    "deadline",
    "owner",
    "description_zh",
    "description_en",
}

# The plan's four numeric targets: expected registry values and the exact
# clause of the plan that states each one.
KPIS = {
    "tc_alignment_rate": {
        "measure": 25,
        "name_zh": "技术委员会与国际标准组织技术机构一致性程度",
        "unit": "%",
        "unit_en": "%",
        "direction": "at_least",
        "target": 90,
        "clause": "一致性程度达到90%以上",
    },
    "intl_std_adoption_rate": {
        "measure": 25,
        "name_zh": "国际标准转化率",
        "unit": "%",
        "unit_en": "%",
        "direction": "at_least",
        "target": 85,
        "clause": "国际标准转化率达到85%以上",
    },
    "std_dev_cycle_months": {
        "measure": 27,
        "name_zh": "新立项国家标准平均制定周期",
        "unit": "月",
        "unit_en": "months",
        "direction": "at_most",
        "target": 18,
        "clause": "平均制定周期缩短至18个月以内",
    },
    "verification_points": {
        "measure": 31,
        "name_zh": "国家标准验证点",
        "unit": "个",
        "unit_en": "points",
        "direction": "at_least",
        "target": 50,
        "clause": "设立不少于50个国家标准验证点",
    },
}


def cn_number(text: str) -> int:
    """Chinese numerals 一..九十九 (enough for 五..八 and 二十一..三十五)."""
    if "十" not in text:
        return CN_DIGITS[text]
    tens, _, units = text.partition("十")
    return (CN_DIGITS[tens] if tens else 1) * 10 + (CN_DIGITS[units] if units else 0)


def split_names(text: str) -> list[str]:
    text = text.strip()
    return [name for name in text.split("、") if name] if text else []


def parse_bracket(text: str) -> dict:
    """One 〔…〕 bracket as names: {"lead": [...], "shared": [...], "all_relevant": bool}."""
    assert text.endswith("按职责分工负责"), text
    body = text.removesuffix("按职责分工负责")
    lead_part, has_lead, rest = body.partition("牵头，")
    if not has_lead:
        lead_part, rest = "", body
    rest = rest.removesuffix("等")
    shared = split_names(rest)
    all_relevant = ALL_RELEVANT in shared
    return {
        "lead": split_names(lead_part),
        "shared": [name for name in shared if name != ALL_RELEVANT],
        "all_relevant": all_relevant,
    }


@cache
def parse_plan() -> dict:
    """Sections and measures of the plan text, parsed without the registry."""
    sections: dict[int, str] = {}
    measures: dict[int, dict] = {}
    current_section = None
    for line in PLAN_TEXT.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line:
            continue
        if m := re.fullmatch(r"([一二三四五六七八九十]+)、(.+)", line):
            current_section = cn_number(m[1])
            sections[current_section] = m[2]
            continue
        m = re.fullmatch(r"（([一二三四五六七八九十]+)）([^。]+)。(.*)", line)
        assert m, f"unexpected line in plan text: {line[:40]}"
        assert current_section is not None, "measure before any section heading"
        number, body = cn_number(m[1]), m[3]
        brackets, segments, start = [], [], 0
        for b in re.finditer(r"〔([^〕]*)〕", body):
            brackets.append(parse_bracket(b[1]))
            segments.append(body[start : b.start()])
            start = b.end()
        assert body[start:] == "", f"text after the last bracket of measure {number}"
        measures[number] = {
            "section": current_section,
            "title_zh": m[2],
            "text": body,
            "brackets": brackets,
            "segments": segments,
        }
    return {"sections": sections, "measures": measures}


@pytest.fixture(scope="module")
def plan() -> dict:
    return parse_plan()


@pytest.fixture(scope="module")
def reg() -> dict:
    with TARGETS.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@pytest.fixture(scope="module")
def name_to_id(reg) -> dict[str, str]:
    return {a["name_zh"]: a["id"] for a in reg["agencies"]}


def to_ids(bracket: dict, name_to_id: dict[str, str]) -> dict:
    for name in bracket["lead"] + bracket["shared"]:
        assert name in name_to_id, f"agency {name!r} from the plan is missing in agencies"
    return {
        "lead": [name_to_id[n] for n in bracket["lead"]],
        "shared": [name_to_id[n] for n in bracket["shared"]],
        "all_relevant": bracket["all_relevant"],
    }


def first_agency(resp: dict) -> str:
    return (resp["lead"] or resp["shared"])[0]


def indicators(reg, kind: str) -> list[dict]:
    return [i for i in reg["indicators"] if i["kind"] == kind]


# --- schema ----------------------------------------------------------------


def iter_strings(node):
    if isinstance(node, dict):
        for value in node.values():
            yield from iter_strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from iter_strings(value)
    elif isinstance(node, str):
        yield node


def test_top_level_and_plan(reg):
    assert set(reg) == {"plan", "agencies", "sections", "measures", "indicators"}
    p = reg["plan"]
    assert set(p) == PLAN_KEYS
    assert p["id"] == "cn-std-action-2024-2025"
    assert "国家标准化发展纲要" in p["title_zh"] and "2024—2025年" in p["title_zh"]
    assert p["start"] == dt.date(2024, 1, 1)
    assert p["end"] == DEADLINE


def test_all_strings_non_empty(reg):
    strings = list(iter_strings(reg))
    assert strings
    assert all(s.strip() for s in strings)


def test_record_keys(reg):
    for a in reg["agencies"]:
        assert set(a) == AGENCY_KEYS, a["id"]
    for s in reg["sections"]:
        assert set(s) == SECTION_KEYS, s["id"]
    for m in reg["measures"]:
        assert set(m) == MEASURE_KEYS, m["id"]
        for r in m["responsibilities"]:
            assert set(r) == RESPONSIBILITY_KEYS, m["id"]
            assert isinstance(r["all_relevant"], bool)
    for i in reg["indicators"]:
        assert "baseline" not in i, f"{i['id']}: the plan states no baselines"
        # additive (a count the agencies' figures add up to) is the one optional key, on counts only
        assert set(i) - {"additive"} == INDICATOR_KEYS, i["id"]
    assert [i["id"] for i in reg["indicators"] if i.get("additive")] == ["verification_points"]


def test_ids_unique(reg):
    for key in ("agencies", "sections", "measures", "indicators"):
        ids = [x["id"] for x in reg[key]]
        assert len(ids) == len(set(ids)), key
    names = [i["name_zh"] for i in reg["indicators"]]
    assert len(names) == len(set(names))
    names_zh = [a["name_zh"] for a in reg["agencies"]]
    assert len(names_zh) == len(set(names_zh))


# --- sections and measures ---------------------------------------------------


def test_sections_match_plan(reg, plan):
    assert {s["id"]: s["title_zh"] for s in reg["sections"]} == plan["sections"]
    assert [s["id"] for s in reg["sections"]] == [5, 6, 7, 8]


def test_measures_match_plan(reg, plan):
    assert [m["id"] for m in reg["measures"]] == list(range(21, 36))
    assert sorted(plan["measures"]) == list(range(21, 36))
    for m in reg["measures"]:
        parsed = plan["measures"][m["id"]]
        assert m["title_zh"] == parsed["title_zh"], m["id"]
        assert m["section"] == parsed["section"], m["id"]


# --- agencies and responsibility brackets -----------------------------------


def test_agency_ids(reg):
    assert {a["id"] for a in reg["agencies"]} == AGENCY_IDS
    assert len(reg["agencies"]) == 19
    samr = next(a for a in reg["agencies"] if a["id"] == "samr")
    assert samr["name_zh"] == "市场监管总局（国家标准委）"
    assert samr["name_en"] == "State Administration for Market Regulation (SAC)"


def test_agencies_are_exactly_those_named_in_brackets(reg, plan):
    named = {
        name
        for parsed in plan["measures"].values()
        for b in parsed["brackets"]
        for name in b["lead"] + b["shared"]
    }
    assert {a["name_zh"] for a in reg["agencies"]} == named


def test_brackets_match_plan(reg, plan, name_to_id):
    for m in reg["measures"]:
        parsed = plan["measures"][m["id"]]
        assert len(m["responsibilities"]) == len(parsed["brackets"]), m["id"]
        expected = [to_ids(b, name_to_id) for b in parsed["brackets"]]
        assert m["responsibilities"] == expected, m["id"]


def test_bracket_counts(plan):
    counts = {n: len(p["brackets"]) for n, p in plan["measures"].items()}
    assert counts == {n: 2 if n in (26, 28) else 1 for n in range(21, 36)}


def test_hand_written_rows(reg):
    by_id = {m["id"]: m["responsibilities"] for m in reg["measures"]}
    assert by_id[28] == [
        {"lead": ["samr"], "shared": [], "all_relevant": True},
        {
            "lead": [],
            "shared": ["ndrc", "most", "miit", "mofcom", "samr", "nbs", "acfic"],
            "all_relevant": False,
        },
    ]
    assert by_id[26] == [
        {"lead": ["samr"], "shared": [], "all_relevant": True},
        {"lead": ["samr", "mca"], "shared": ["cast", "acfic"], "all_relevant": False},
    ]
    assert by_id[33] == [{"lead": [], "shared": ["moe", "mohrss", "samr"], "all_relevant": False}]
    assert by_id[23] == [{"lead": ["samr", "miit", "mara"], "shared": [], "all_relevant": True}]
    assert by_id[21][0]["shared"] == [
        "cac",
        "mfa",
        "ndrc",
        "moe",
        "most",
        "miit",
        "mca",
        "mofcom",
        "cnipa",
        "cidca",
        "acfic",
    ]


# --- indicators --------------------------------------------------------------


def test_indicator_references(reg):
    agencies = {a["id"] for a in reg["agencies"]}
    measures = {m["id"] for m in reg["measures"]}
    for i in reg["indicators"]:
        assert i["owner"] in agencies, i["id"]
        assert i["measure"] in measures, i["id"]
        assert i["kind"] in ("kpi", "milestone"), i["id"]
        assert i["direction"] in ("at_least", "at_most"), i["id"]
        assert i["deadline"] == DEADLINE, i["id"]
        assert re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)*", i["id"]), i["id"]
        assert i["id"].startswith("ms_") == (i["kind"] == "milestone"), i["id"]


def test_kpis(reg, plan):
    kpis = {i["id"]: i for i in indicators(reg, "kpi")}
    assert set(kpis) == set(KPIS)
    for kpi_id, exp in KPIS.items():
        got = kpis[kpi_id]
        for key in ("measure", "name_zh", "unit", "unit_en", "direction", "target"):
            assert got[key] == exp[key], (kpi_id, key)
        assert got["owner"] == "samr"
        assert got["deadline"] == DEADLINE
        text = plan["measures"][exp["measure"]]["text"]
        # The plan defines 技术委员会 inline as "（以下简称技术委员会）"; drop such glosses.
        plain = re.sub(r"（以下简称[^）]*）", "", text)
        assert got["name_zh"] in plain, kpi_id
        assert exp["clause"] in text, kpi_id
        assert str(exp["target"]) in exp["clause"]
        if exp["direction"] == "at_most":
            assert exp["clause"].endswith("以内")
        else:
            assert exp["clause"].endswith("以上") or "不少于" in exp["clause"]


def test_kpi_numbers_in_measure_text(plan):
    text = {n: p["text"] for n, p in plan["measures"].items()}
    assert "90%" in text[25]
    assert "85%" in text[25]
    assert "18个月" in text[27]
    assert "50个" in text[31]


def test_descriptions_quote_the_plan(reg, plan):
    for i in reg["indicators"]:
        quote = i["description_zh"].removesuffix("。")
        assert quote in plan["measures"][i["measure"]]["text"], i["id"]


def test_milestones(reg, plan, name_to_id):
    milestones = indicators(reg, "milestone")
    assert 15 <= len(milestones) <= 25
    for ms in milestones:
        assert ms["target"] == 100, ms["id"]
        assert ms["unit"] == "%" and ms["unit_en"] == "%", ms["id"]
        assert ms["direction"] == "at_least", ms["id"]
        parsed = plan["measures"][ms["measure"]]
        assert ms["name_zh"] in parsed["text"], ms["id"]
        responsible = [to_ids(b, name_to_id) for b in parsed["brackets"]]
        assert ms["owner"] in {a for r in responsible for a in r["lead"] + r["shared"]}, ms["id"]
        # Owner = first agency of the bracket whose clauses contain the deliverable.
        quote = ms["description_zh"].removesuffix("。")
        covering = [r for r, seg in zip(responsible, parsed["segments"], strict=True) if quote in seg]
        assert len(covering) == 1, ms["id"]
        assert ms["owner"] == first_agency(covering[0]), ms["id"]


def test_every_measure_has_an_indicator(reg):
    assert {i["measure"] for i in reg["indicators"]} == set(range(21, 36))


def test_named_deliverables_present(reg):
    by_name = {i["name_zh"]: i for i in indicators(reg, "milestone")}
    expected = {
        "稳步扩大标准制度型开放指导意见": (25, "samr"),
        "团体标准管理办法": (27, "samr"),
        "国家统筹的区域标准化工作机制": (27, "samr"),
        "关于加强标准实施与监督工作的指导意见": (29, "samr"),
        "全国标准制定投诉举报平台": (29, "samr"),
        "国家标准验证点建设与管理办法": (31, "samr"),
        "全国标准化人才分类培养数据库": (33, "moe"),
        "标准化发展年度报告": (35, "samr"),
        "“一带一路”共建国家标准信息平台": (22, "samr"),
        "纲要实施效果评估": (34, "ndrc"),
        "标准化服务业统计评价": (28, "ndrc"),
    }
    for name, (measure, owner) in expected.items():
        assert name in by_name, name
        assert (by_name[name]["measure"], by_name[name]["owner"]) == (measure, owner), name
