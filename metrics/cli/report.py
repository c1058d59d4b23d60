"""``status``, ``changes`` and ``late``: the gap-to-target engine on the command line.

Each handler takes ``(args, registry, store)``, prints a table (or ``--json``) and
returns an exit code: 0 done, 2 an argument that cannot be used.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Protocol

import pandas as pd

from metrics import config
from metrics.cli import rows
from metrics.cli.table import table
from metrics.plan import periods
from metrics.plan.registry import Registry
from metrics.progress.figures import (
    STATUSES,
    late_reports,
    status_records,
)
from metrics.progress.final import assessment, comparison_period, final_deadline, is_final, passed
from metrics.progress.methods import compare, with_methods
from metrics.progress.observations import parse_known_at
from metrics.progress.rollups import agency_parts, agency_rollup, changes
from metrics.text import t


class ObservationSource(Protocol):
    """What the handlers need from the store (a fake with this method is enough in tests)."""

    def observations(self, include_withdrawn: bool = False) -> pd.DataFrame: ...


AS_OF_HELP = "quarter, e.g. 2025Q3 (default: the last complete quarter before today, METRICS_TODAY)"


def default_as_of() -> str:
    """The last complete quarter before today: after a plan's deadline, its final assessment."""
    return periods.last_complete(config.settings().date)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``status``, ``changes`` and ``late`` to the ``python -m metrics`` parser."""
    p = subparsers.add_parser("status", help="gap, status, pace and projection of every figure")
    p.add_argument("--as-of", dest="as_of", help=AS_OF_HELP)
    p.add_argument("--agency", help="only this agency's own figures (and the national figures it owns)")
    p.add_argument("--by-agency", action="store_true", help="one line per agency and role instead")
    _known_at(p)
    _common(p)
    p.set_defaults(handler=cmd_status, needs_store="read")

    p = subparsers.add_parser("changes", help="status changes, new values and revisions between two quarters")
    p.add_argument(
        "--from",
        dest="from_period",
        metavar="PERIOD",
        help="default: the quarter before --to; for the final assessment the quarter before the deadline",
    )
    p.add_argument("--to", dest="to_period", metavar="PERIOD", help=AS_OF_HELP)
    _known_at(p)
    _common(p)
    p.set_defaults(handler=cmd_changes, needs_store="read")

    p = subparsers.add_parser("late", help="owners that have not reported a quarter")
    p.add_argument("--as-of", dest="as_of", help=AS_OF_HELP)
    _known_at(p)
    _common(p)
    p.set_defaults(handler=cmd_late, needs_store="read")


def _known_at(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--known-at",
        dest="known_at",
        metavar="DATE",
        help="as the numbers were known then: only values recorded by this date (end of day) or "
        "ISO time (UTC), e.g. 2025-10-15",
    )


def known_at_arg(args: argparse.Namespace) -> tuple[bool, pd.Timestamp | None]:
    """(ok, moment) of ``--known-at``; an unreadable value is reported on stderr."""
    raw = getattr(args, "known_at", None)
    if raw is None:
        return True, None
    moment = parse_known_at(raw)
    if moment is None:
        _fail(t("cli.bad_known_at", _lang(args), value=raw))
        return False, None
    return True, moment


def _title(key: str, lang: str, args: argparse.Namespace, **params) -> str:
    """A table's title, saying "as known at" when ``--known-at`` was given."""
    raw = getattr(args, "known_at", None)
    return t(key, lang, **params) + (t("cli.known_at_title", lang, date=raw) if raw else "")


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--lang", choices=("zh", "en"), default="en", help="language of the table")
    p.add_argument("--targets", help="registry YAML (default: $METRICS_TARGETS or targets.yaml)")
    p.add_argument("--round", help="plan round (its plan id) when the registry lists rounds")
    p.add_argument("--db", help=config.DB_HELP)


# ---------------------------------------------------------------- handlers


def cmd_status(args: argparse.Namespace, registry: Registry, store: ObservationSource) -> int:
    lang = _lang(args)
    obs = store.observations()
    as_of = _period_arg(args, "as_of", "--as-of", obs, registry)
    agency = getattr(args, "agency", None)
    ok, known_at = known_at_arg(args)
    if as_of is None or not ok:
        return 2
    if agency and agency not in registry.agency:
        _fail(t("cli.bad_agency", lang, value=agency))
        return 2
    figs = assessment(registry, obs, as_of, known_at)
    if getattr(args, "by_agency", False):
        roll = agency_rollup(registry, figs, late_reports(registry, obs, as_of, known_at))
        if agency:
            roll = roll[roll["agency_id"] == agency]
        if args.json:
            return _dump(status_records(roll))
        print(_title("cli.agency_title", lang, args, period=periods.label(as_of, lang)))
        print(
            table(
                rows.head("agency", lang), [rows.agency_row(r, registry, lang) for r in status_records(roll)]
            )
        )
        return 0
    if agency:
        owner = figs["indicator_id"].map({i.id: i.owner for i in registry.indicators})
        mine = (figs["agency_id"] == agency).fillna(False) | (
            (figs["figure"] == "national") & (owner == agency)
        )
        figs = figs[mine]
    if args.json:
        return _dump(with_methods(status_records(figs), compare(registry, obs, as_of, known_at)))
    print(_status_title(registry, as_of, lang, args))
    head = rows.head("status", lang)
    if figs["final"].any():
        head[-1] = t("cli.col.reached_later", lang)
    print(table(head, [rows.status_row(r, registry, lang) for r in status_records(figs)]))
    national = figs.loc[figs["figure"] == "national", "status"].value_counts()
    counts = ", ".join(f"{rows.status(s, lang)} {national[s]}" for s in STATUSES if s in national)
    if counts:
        print(t("cli.summary", lang, counts=counts))
    for line in parts_lines(registry, figs, lang):
        print(line)
    if figs["final"].any():
        print(_final_caption(registry, as_of, lang))
    return 0


def _status_title(registry: Registry, as_of: str, lang: str, args: argparse.Namespace) -> str:
    if is_final(registry, as_of):
        deadline = periods.label(final_deadline(registry), lang)
        return _title("final.cli_title", lang, args, deadline=deadline, period=periods.label(as_of, lang))
    return _title("cli.status_title", lang, args, period=periods.label(as_of, lang))


def _final_caption(registry: Registry, as_of: str, lang: str) -> str:
    """Why no figure past its deadline says "on track": the verdict and what still counts."""
    if is_final(registry, as_of):
        return t("final.caption", lang, deadline=periods.label(final_deadline(registry), lang))
    return t("final.partial_caption", lang, n=len(passed(registry, as_of)))


def parts_lines(registry: Registry, figs: pd.DataFrame, lang: str) -> list[str]:
    """One sentence per additive indicator: do the agencies' counts add up to the national figure?"""
    out = []
    for r in status_records(agency_parts(registry, figs)):
        key = (
            "parts.adds_up"
            if r["adds_up"]
            else ("parts.partial" if r["unattributed"] > 0 else "parts.exceeds")
        )
        text = t(
            key,
            lang,
            period=periods.label(r["period"], lang),
            total=rows.num(r["agency_sum"]),
            n=r["n_agencies"],
            national=rows.num(r["national"]),
            diff=rows.num(abs(r["unattributed"])),
        )
        name = rows.indicator_name(registry, r["indicator_id"], lang)
        out.append(f"{name}: {text}" if lang == "en" else f"{name}：{text}")
    return out


def cmd_changes(args: argparse.Namespace, registry: Registry, store: ObservationSource) -> int:
    lang = _lang(args)
    obs = store.observations()
    end = _period_arg(args, "to_period", "--to", obs, registry)
    if end is None:
        return 2
    if getattr(args, "from_period", None) is None:
        args.from_period = comparison_period(registry, end)
    start = _period_arg(args, "from_period", "--from", obs, registry)
    if start is None:
        return 2
    if periods.index(start) > periods.index(end):
        _fail(t("cli.bad_order", lang, a=start, b=end))
        return 2
    ok, known_at = known_at_arg(args)
    if not ok:
        return 2
    result = changes(registry, obs, start, end, known_at)
    if args.json:
        return _dump({k: status_records(v) for k, v in result.items()})
    if is_final(registry, end):
        print(_title("final.changes_title", lang, args, a=periods.label(start, lang)))
    else:
        print(
            _title("cli.changes_title", lang, args, a=periods.label(start, lang), b=periods.label(end, lang))
        )
    for key, row in (
        ("status_changes", rows.change_row),
        ("new_values", rows.value_row),
        ("revisions", rows.revision_row),
    ):
        cells = [row(r, registry, lang) for r in status_records(result[key])]
        print(f"\n{t('cli.' + key, lang)} ({len(cells)})")
        print(table(rows.head(key, lang), cells) if cells else t("cli.none", lang))
    return 0


def cmd_late(args: argparse.Namespace, registry: Registry, store: ObservationSource) -> int:
    lang = _lang(args)
    obs = store.observations()
    as_of = _period_arg(args, "as_of", "--as-of", obs, registry)
    ok, known_at = known_at_arg(args)
    if as_of is None or not ok:
        return 2
    if getattr(args, "as_of", None) is None and is_final(registry, as_of):
        as_of = final_deadline(registry)  # after the plan: what is still missing for its last quarter
    late = late_reports(registry, obs, as_of, known_at)
    if args.json:
        return _dump(status_records(late))
    label = periods.label(as_of, lang)
    if late.empty:
        print(t("cli.no_late", lang, period=label))
        return 0
    print(_title("cli.late_title", lang, args, period=label))
    cells = [
        [
            rows.agency_name(registry, r["agency_id"], lang),
            rows.indicator_name(registry, r["indicator_id"], lang),
            r["period"],
        ]
        for r in status_records(late)
    ]
    print(table(rows.head("late", lang), cells))
    return 0


# ---------------------------------------------------------------- helpers


def _lang(args) -> str:
    return "zh" if getattr(args, "lang", "en") == "zh" else "en"


def _fail(message: str) -> None:
    print(message, file=sys.stderr)


def _period_arg(args, attr: str, flag: str, obs: pd.DataFrame, registry: Registry) -> str | None:
    """The canonical quarter of an argument, the default when absent, None (reported) when unreadable."""
    raw = getattr(args, attr, None)
    if raw is None:
        return default_as_of()
    period = periods.parse_period(raw)
    if period is None:
        _fail(t("cli.bad_period", _lang(args), flag=flag, value=raw))
    return period


def _dump(payload) -> int:
    print(json.dumps(payload, ensure_ascii=False, indent=2))
    return 0
