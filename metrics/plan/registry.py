"""The plan as data: load ``targets.yaml`` once into frozen, typed objects.

Every problem in the file is reported at once, each with its place, e.g.
``measures[4].responsibilities[0].lead[1]: unknown agency 'mitt'``.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cached_property
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from metrics.errors import RegistryError, YamlSyntaxError
from metrics.yaml_cache import read_yaml

_CJK = re.compile(r"[\u3400-\u9fff]")
_ID = r"^[a-z][a-z0-9_]*$"
Email = Annotated[str, Field(pattern=r"^[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+$")]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class Plan(_Frozen):
    id: str = Field(min_length=1)
    title_zh: str = Field(min_length=1)
    title_en: str = Field(min_length=1)
    start: dt.date
    end: dt.date
    source_zh: str = "数据来源：各部门季度报送"
    source_en: str = "Source: quarterly reports by the responsible agencies"
    example: bool = False  # an invented round to show or test rounds: never the default round


class Agency(_Frozen):
    id: str = Field(pattern=_ID)
    name_zh: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    short_en: str | None = None
    emails: tuple[Email, ...] = ()  # where reminders go (``python -m metrics remind --send``)

    def name(self, lang: str) -> str:
        return self.name_zh if lang == "zh" else self.name_en

    def short(self, lang: str) -> str:
        return self.name_zh if lang == "zh" else (self.short_en or self.name_en)


class Section(_Frozen):
    id: int
    title_zh: str = Field(min_length=1)
    title_en: str = Field(min_length=1)

    def title(self, lang: str) -> str:
        return self.title_zh if lang == "zh" else self.title_en


class Responsibility(_Frozen):
    lead: tuple[str, ...] = ()
    shared: tuple[str, ...] = ()
    all_relevant: bool = False


class Measure(_Frozen):
    id: int
    section: int
    title_zh: str = Field(min_length=1)
    title_en: str = Field(min_length=1)
    responsibilities: tuple[Responsibility, ...] = Field(min_length=1)

    def title(self, lang: str) -> str:
        return self.title_zh if lang == "zh" else self.title_en

    @property
    def leads(self) -> tuple[str, ...]:
        return _unique(a for r in self.responsibilities for a in r.lead)

    @property
    def sharing(self) -> tuple[str, ...]:
        """Agencies sharing responsibility that lead no bracket of this measure."""
        leads = set(self.leads)
        return _unique(a for r in self.responsibilities for a in r.shared if a not in leads)

    @property
    def all_relevant(self) -> bool:
        return any(r.all_relevant for r in self.responsibilities)


class Indicator(_Frozen):
    id: str = Field(pattern=_ID)
    measure: int
    kind: Literal["kpi", "milestone"]
    name_zh: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    unit: str = Field(min_length=1)
    unit_en: str = Field(min_length=1)
    direction: Literal["at_least", "at_most"]
    target: float
    deadline: dt.date
    owner: str
    baseline: float | None = None
    baseline_period: str | None = None
    min_value: float | None = None
    max_value: float | None = None
    additive: bool = False  # a count the agencies' own figures add up to (their parts of the total)
    description_zh: str = ""
    description_en: str = ""

    def name(self, lang: str) -> str:
        return self.name_zh if lang == "zh" else self.name_en

    def unit_label(self, lang: str) -> str:
        return self.unit if lang == "zh" else self.unit_en

    @property
    def is_percent(self) -> bool:
        return self.unit.strip() == "%"

    @property
    def bounds(self) -> tuple[float | None, float | None]:
        """Allowed value range: explicit, else 0–100 for % and milestones, else ≥ 0."""
        lo = self.min_value if self.min_value is not None else 0.0
        hi = self.max_value
        if hi is None and (self.is_percent or self.kind == "milestone"):
            hi = 100.0
        return lo, hi


class Registry(_Frozen):
    plan: Plan
    agencies: tuple[Agency, ...]
    sections: tuple[Section, ...]
    measures: tuple[Measure, ...]
    indicators: tuple[Indicator, ...]

    @cached_property
    def agency(self) -> dict[str, Agency]:
        return {a.id: a for a in self.agencies}

    @cached_property
    def measure(self) -> dict[int, Measure]:
        return {m.id: m for m in self.measures}

    @cached_property
    def section(self) -> dict[int, Section]:
        return {s.id: s for s in self.sections}

    @cached_property
    def indicator(self) -> dict[str, Indicator]:
        return {i.id: i for i in self.indicators}

    @cached_property
    def reporters(self) -> dict[str, frozenset[str]]:
        """Who may report each indicator: its owner plus every agency responsible for its measure."""
        everyone = frozenset(self.agency)
        out = {}
        for ind in self.indicators:
            m = self.measure[ind.measure]
            if m.all_relevant:
                out[ind.id] = everyone
            else:
                out[ind.id] = frozenset({ind.owner, *m.leads, *m.sharing})
        return out

    def indicators_for(self, agency_id: str) -> list[Indicator]:
        """Indicators an agency may report, in registry order."""
        return [i for i in self.indicators if agency_id in self.reporters[i.id]]

    def measures_of(self, agency_id: str) -> dict[str, list[int]]:
        """Measures an agency leads and those where it shares responsibility."""
        lead = [m.id for m in self.measures if agency_id in m.leads]
        shared = [m.id for m in self.measures if agency_id in m.sharing]
        return {"lead": lead, "shared": shared}

    @property
    def first_period(self) -> str:
        return f"{self.plan.start.year}Q{(self.plan.start.month - 1) // 3 + 1}"

    @property
    def last_period(self) -> str:
        return f"{self.plan.end.year}Q{(self.plan.end.month - 1) // 3 + 1}"


def _unique(items) -> tuple:
    return tuple(dict.fromkeys(items))


_MODELS = {
    "agencies": Agency,
    "sections": Section,
    "measures": Measure,
    "indicators": Indicator,
}


def load_registry(path: str | Path) -> Registry:
    """Read and validate a registry file; raise RegistryError listing every problem."""
    path = Path(path)
    try:
        raw = read_yaml(path)
    except FileNotFoundError:
        raise RegistryError(str(path), [f"file not found: {path}"]) from None
    except (YamlSyntaxError, UnicodeDecodeError) as exc:
        raise RegistryError(str(path), [f"not valid YAML: {exc}"]) from None
    return parse_registry(raw, str(path))


def parse_registry(raw: object, where: str = "<registry>") -> Registry:
    """Validate a parsed YAML document; collect every problem before raising."""
    problems: list[str] = []
    if not isinstance(raw, dict):
        raise RegistryError(
            where,
            ["top level must be a mapping with plan, agencies, sections, measures, indicators"],
        )
    for key in raw:
        if key not in ("plan", *_MODELS):
            problems.append(f"{key}: unknown key")
    parsed: dict[str, object] = {}
    try:
        parsed["plan"] = Plan.model_validate(raw.get("plan"))
    except ValidationError as exc:
        problems += _pydantic_problems(exc, "plan")
    for key, model in _MODELS.items():
        items = raw.get(key)
        if not isinstance(items, list) or not items:
            problems.append(f"{key}: must be a non-empty list")
            parsed[key] = []
            continue
        good = []
        for i, item in enumerate(items):
            try:
                good.append((i, model.model_validate(item)))
            except ValidationError as exc:
                problems += _pydantic_problems(exc, f"{key}[{i}]")
        parsed[key] = good
    problems += _cross_check(raw, parsed)
    if problems:
        raise RegistryError(where, problems)
    return Registry(
        plan=parsed["plan"],
        **{key: tuple(obj for _, obj in parsed[key]) for key in _MODELS},
    )


def _pydantic_problems(exc: ValidationError, prefix: str) -> list[str]:
    out = []
    for err in exc.errors():
        place = prefix
        for part in err["loc"]:
            place += f"[{part}]" if isinstance(part, int) else f".{part}"
        if err["type"] == "missing":
            out.append(f"{place}: missing")
        else:
            out.append(f"{place}: {err['msg']} (got {err.get('input')!r})")
    return out


def _cross_check(raw: dict, parsed: dict) -> list[str]:
    """Reference and consistency checks, on the raw items so that an item with a type
    error elsewhere is still checked here."""
    problems: list[str] = []
    plan: Plan | None = parsed.get("plan")
    if plan and plan.start >= plan.end:
        problems.append(f"plan.end: {plan.end} is not after plan.start {plan.start}")
    items = {
        key: [(i, x) for i, x in enumerate(raw.get(key) or []) if isinstance(x, dict)] for key in _MODELS
    }
    for key, listed in items.items():
        seen: dict[object, int] = {}
        for i, obj in listed:
            ident = obj.get("id")
            if ident is None:
                continue
            if ident in seen:
                problems.append(f"{key}[{i}].id: duplicate id {ident!r} (first at {key}[{seen[ident]}])")
            else:
                seen[ident] = i
    for key, stem in (
        ("agencies", "name"),
        ("sections", "title"),
        ("measures", "title"),
        ("indicators", "name"),
    ):
        for i, obj in items[key]:
            zh, en = obj.get(f"{stem}_zh"), obj.get(f"{stem}_en")
            if isinstance(zh, str) and zh.strip() and not _CJK.search(zh):
                problems.append(f"{key}[{i}].{stem}_zh: no Chinese text in {zh!r}")
            if isinstance(en, str) and en.strip() and _CJK.search(en):
                problems.append(f"{key}[{i}].{stem}_en: not an English translation (got {en!r})")
    agencies = {a.get("id") for _, a in items["agencies"]}
    sections = {s.get("id") for _, s in items["sections"]}
    measures = {m.get("id") for _, m in items["measures"]}
    for i, m in items["measures"]:
        if "section" in m and m["section"] not in sections:
            problems.append(f"measures[{i}].section: unknown section {m['section']!r}")
        for j, resp in enumerate(m.get("responsibilities") or []):
            if not isinstance(resp, dict):
                continue
            for role in ("lead", "shared"):
                for k, agency in enumerate(resp.get(role) or []):
                    if agency not in agencies:
                        problems.append(
                            f"measures[{i}].responsibilities[{j}].{role}[{k}]: unknown agency {agency!r}"
                        )
            if not resp.get("lead") and not resp.get("shared"):
                problems.append(f"measures[{i}].responsibilities[{j}]: names no agency")
    names: dict[str, int] = {}
    for i, ind in items["indicators"]:
        place = f"indicators[{i}]"
        if "measure" in ind and ind["measure"] not in measures:
            problems.append(f"{place}.measure: unknown measure {ind['measure']!r}")
        if "owner" in ind and ind["owner"] not in agencies:
            problems.append(f"{place}.owner: unknown agency {ind['owner']!r}")
        deadline = ind.get("deadline")
        if isinstance(deadline, str):
            try:
                deadline = dt.date.fromisoformat(deadline)
            except ValueError:
                deadline = None
        if plan and isinstance(deadline, dt.date) and not (plan.start <= deadline <= plan.end):
            problems.append(f"{place}.deadline: {deadline} is outside the plan ({plan.start} to {plan.end})")
        name = ind.get("name_zh")
        if isinstance(name, str):
            if name in names:
                problems.append(
                    f"{place}.name_zh: duplicate name {name!r} (first at indicators[{names[name]}])"
                )
            names.setdefault(name, i)
    for i, ind in parsed["indicators"]:
        place = f"indicators[{i}]"
        lo, hi = ind.bounds
        if (lo is not None and ind.target < lo) or (hi is not None and ind.target > hi):
            problems.append(
                f"{place}.target: {ind.target:g} is outside the allowed range {lo:g} to {hi if hi else 'any'}"
            )
        if ind.kind == "milestone" and (ind.target != 100 or ind.direction != "at_least"):
            problems.append(f"{place}: a milestone must be at_least 100 (percent complete)")
        if ind.baseline_period is not None and ind.baseline is None:
            problems.append(f"{place}.baseline_period: given without baseline")
        if ind.additive and (ind.kind != "kpi" or ind.is_percent):
            problems.append(
                f"{place}.additive: only a count adds up across agencies (a kpi not in %, got {ind.kind}"
                f" in {ind.unit})"
            )
    return problems
