"""``brief``: write the briefing deck (16:9 PowerPoint, native charts) for a quarter.

``python -m metrics brief [--as-of PERIOD] [--known-at DATE] [--lang zh|en] [--db P] [--targets P] OUT.pptx``
exits 0 when the file is written, 2 for an argument that cannot be used (one sentence
on stderr).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from metrics import config
from metrics.cli.report import AS_OF_HELP, default_as_of
from metrics.outputs.brief.deck import build_brief, slide_kinds
from metrics.plan import periods
from metrics.plan.registry import Registry
from metrics.progress.observations import parse_known_at
from metrics.text import t


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``brief`` to the ``python -m metrics`` parser."""
    p = subparsers.add_parser("brief", help="write the briefing deck (PowerPoint, editable charts)")
    p.add_argument("out", metavar="OUT.pptx")
    p.add_argument("--as-of", dest="as_of", help=AS_OF_HELP)
    p.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of the deck (default: zh)")
    p.add_argument(
        "--known-at",
        dest="known_at",
        metavar="DATE",
        help="reproduce a past briefing: only values recorded by this date (end of day) or ISO time",
    )
    p.add_argument("--targets", help="registry YAML (default: $METRICS_TARGETS or targets.yaml)")
    p.add_argument("--round", help="plan round (its plan id) when the registry lists rounds")
    p.add_argument("--db", help=config.DB_HELP)
    p.set_defaults(handler=cmd_brief, needs_store="read")


def cmd_brief(args: argparse.Namespace, registry: Registry, store) -> int:
    lang = "zh" if args.lang == "zh" else "en"
    out = Path(args.out)
    if out.suffix.lower() != ".pptx":
        print(t("brief.cli_bad_suffix", lang, path=out), file=sys.stderr)
        return 2
    obs = store.observations()
    if args.as_of is None:
        as_of = default_as_of()
    else:
        as_of = periods.parse_period(args.as_of)
        if as_of is None:
            print(t("brief.cli_bad_period", lang, value=args.as_of), file=sys.stderr)
            return 2
    known_at = None
    if getattr(args, "known_at", None) is not None:
        known_at = parse_known_at(args.known_at)
        if known_at is None:
            print(t("cli.bad_known_at", lang, value=args.known_at), file=sys.stderr)
            return 2
    data = build_brief(registry, obs, as_of, lang, demo=store.is_demo, known_at=known_at)
    try:
        out.write_bytes(data)
    except OSError as exc:
        print(t("brief.cli_cannot_write", lang, path=out, reason=exc.strerror or exc), file=sys.stderr)
        return 2
    n = len(slide_kinds(registry))
    print(t("brief.cli_written", lang, path=out, n=n, period=periods.label(as_of, lang)))
    return 0
