"""Plan rounds: a registry may hold several rounds of the plan (2024–2025, then the next).

``targets.yaml`` stays the entry point. It is either one round (``plan``, ``agencies``,
``sections``, ``measures``, ``indicators``) or a ``rounds:`` list whose items are such a round
written inline or ``{file: other.yaml}`` (a path relative to the entry file). Each round has
its own measures, targets, deadlines and agencies; an indicator that continues (same id) keeps
its one series of stored values and is judged against each round's own target. Every problem
of every round is reported at once, placed as ``rounds[1].measures[0]...``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from metrics.errors import RegistryError, YamlSyntaxError
from metrics.plan.registry import Registry, parse_registry
from metrics.yaml_cache import read_yaml

_SEP = "#"  # a round reference: "<registry path>#<plan id>" (the path alone: the default round)


class Rounds(BaseModel):
    """Every round of the registry, in file order (frozen, like each round)."""

    model_config = ConfigDict(frozen=True, defer_build=True)  # built on first use, not at import
    rounds: tuple[Registry, ...]

    @property
    def ids(self) -> list[str]:
        return [r.plan.id for r in self.rounds]

    def get(self, round_id: str) -> Registry:
        return self.rounds[self.ids.index(round_id)]

    def default(self, today: dt.date | None = None) -> Registry:
        """The latest round that is not an example and has started by ``today`` (any date when
        None); an example round is never the default unless the registry holds nothing else."""
        real = [r for r in self.rounds if not r.plan.example] or list(self.rounds)
        started = [r for r in real if today is None or r.plan.start <= today]
        return (started or real)[-1]


def load_rounds(path: str | Path) -> Rounds:
    """Read the entry file (and the round files it names); raise RegistryError listing every problem."""
    path = Path(path)
    raw = _read(path, str(path))
    if not (isinstance(raw, dict) and "rounds" in raw):
        return Rounds(rounds=(parse_registry(raw, str(path)),))
    problems: list[str] = [f"{key}: unknown key" for key in raw if key != "rounds"]
    items = raw["rounds"]
    if not isinstance(items, list) or not items:
        raise RegistryError(str(path), [*problems, "rounds: must be a non-empty list"])
    parsed: list[tuple[int, Registry]] = []
    for i, item in enumerate(items):
        place = f"rounds[{i}]"
        if isinstance(item, dict) and set(item) == {"file"}:
            target = path.parent / str(item["file"])
            try:
                item = _read(target, place)
            except RegistryError as exc:
                problems += [f"{place}.file: {p}" for p in exc.problems]
                continue
        try:
            parsed.append((i, parse_registry(item, place)))
        except RegistryError as exc:
            problems += [f"{place}.{p}" for p in exc.problems]
    seen: dict[str, int] = {}
    for i, reg in parsed:
        if reg.plan.id in seen:
            first = seen[reg.plan.id]
            problems.append(
                f"rounds[{i}].plan.id: duplicate round {reg.plan.id!r} (first at rounds[{first}])"
            )
        seen.setdefault(reg.plan.id, i)
    if problems:
        raise RegistryError(str(path), problems)
    return Rounds(rounds=tuple(reg for _, reg in parsed))


def _read(path: Path, where: str) -> object:
    try:
        return read_yaml(path)
    except FileNotFoundError:
        raise RegistryError(where, [f"file not found: {path}"]) from None
    except (YamlSyntaxError, UnicodeDecodeError) as exc:
        raise RegistryError(where, [f"not valid YAML: {exc}"]) from None


def round_ref(path: str | Path, round_id: str | None) -> str:
    """The reference a page or command passes around for one round of one registry file."""
    return str(path) if round_id is None else f"{path}{_SEP}{round_id}"


def load_round(ref: str, today: dt.date | None = None) -> Registry:
    """The round a :func:`round_ref` names (the default round for a bare path); RegistryError
    for a round the file does not hold."""
    path, _, round_id = ref.partition(_SEP)
    rounds = load_rounds(path)
    if not round_id:
        return rounds.default(today)
    if round_id not in rounds.ids:
        raise RegistryError(path, [f"no round {round_id!r} (known: {', '.join(rounds.ids)})"])
    return rounds.get(round_id)
