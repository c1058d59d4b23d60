"""``python -m metrics``: a thin command line over the same functions the pages use."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from metrics import config
from metrics.errors import IngestRefused, MetricsError, RegistryError, RevertHeld
from metrics.ingest.batch import parse_file, revert_text, store_checked
from metrics.plan import periods
from metrics.plan.registry import Registry
from metrics.plan.rounds import load_round, load_rounds, round_ref
from metrics.store import connection
from metrics.store.database import Store
from metrics.text import coded_error, error_text, problem_text, t

ROUND_HELP = "plan round (its plan id) when the registry lists rounds (default: the current round)"


def _common(p: argparse.ArgumentParser, db: bool = True, plan_round: bool = True) -> None:
    p.add_argument("--targets", help="registry YAML (default: $METRICS_TARGETS or targets.yaml)")
    if plan_round:
        p.add_argument("--round", help=ROUND_HELP)
    if db:
        p.add_argument("--db", help=config.DB_HELP)
    p.add_argument("--lang", choices=("zh", "en"), default="en", help="language of messages")


CORE_COMMANDS = ("validate", "ingest", "export", "template", "demo")


def build_parser(groups: bool = True) -> argparse.ArgumentParser:
    """Every command; with ``groups=False`` only the core ones, which the ingest path needs (the
    groups' modules bring pandas and python-pptx, a second of start-up an import does not pay)."""
    parser = argparse.ArgumentParser(prog="python -m metrics", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("validate", help="check the registry (every round) and list every problem")
    _common(p, db=False, plan_round=False)
    p.set_defaults(handler=cmd_validate, needs_store=False)

    p = sub.add_parser("ingest", help="check quarterly files and store them (all or nothing per file)")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--dry-run", action="store_true", help="check and show what would change; write nothing")
    p.add_argument("--as", dest="actor", help="operator name recorded with the upload")
    p.add_argument(
        "--allow-revert",
        action="store_true",
        help="store a file even if it sets values back to ones a later upload corrected",
    )
    _common(p)
    p.set_defaults(handler=cmd_ingest, needs_store="write")

    p = sub.add_parser("export", help="write every current value (or every revision) to CSV or XLSX")
    p.add_argument("out", metavar="OUT.(csv|xlsx)")
    p.add_argument("--all-revisions", action="store_true")
    _common(p)
    p.set_defaults(handler=cmd_export, needs_store="read")

    p = sub.add_parser("template", help="write a pre-filled upload template for one agency and quarter")
    p.add_argument("out", metavar="OUT.(csv|xlsx)")
    p.add_argument("--agency", required=True)
    p.add_argument("--period", required=True)
    _common(p, db=False)
    p.set_defaults(handler=cmd_template, needs_store=False)

    p = sub.add_parser("demo", help="build the demo database from data/sample through ingest")
    p.add_argument("--db", help=f"demo database (default: {config.DEMO_DB})")
    p.add_argument("--sample-dir", default=config.SAMPLE_DIR)
    p.add_argument("--targets")
    p.add_argument("--force", action="store_true", help="rebuild even if it exists")
    p.add_argument("--lang", choices=("zh", "en"), default="en")
    p.set_defaults(handler=cmd_demo, needs_store=False)

    if groups:
        from metrics.cli import (
            admin,
            brief,
            dbadmin,
            remind,
            report,
        )  # imported only when a group's command may run

        for group in (report, admin, brief, remind, dbadmin):  # sub-command groups beside the code they drive
            group.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    core = bool(argv) and argv[0] in CORE_COMMANDS and not {"-h", "--help"} & set(argv)
    args = build_parser(groups=not core).parse_args(argv)
    lang = "zh" if getattr(args, "lang", "en") == "zh" else "en"
    try:
        registry = None
        if args.command != "validate" and getattr(args, "needs_registry", True):
            registry = chosen_round(args)
        mode = getattr(args, "needs_store", False)
        if callable(mode):  # a command that writes only with some flag (remind --send)
            mode = mode(args)
        if not mode:
            return args.handler(args, registry)
        path = config.database(args.db)
        if getattr(args, "dry_run", False) and not connection.exists(path):
            store = Store(":memory:")  # a dry run creates no database file
        else:
            store = Store.open(path, read_only=(mode == "read"))
        try:
            return args.handler(args, registry, store)
        finally:
            store.close()
    except RegistryError as exc:
        print(t("cli.registry_problems", lang, path=exc.path, n=len(exc.problems)), file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    except MetricsError as exc:
        print(error_text(exc, lang), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(t("cli.interrupted", lang), file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head` and closed early
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - keep the interpreter from complaining at exit
        return 0


def chosen_round(args: argparse.Namespace) -> Registry:
    """The plan round a command works on: ``--round``, else the registry's current round."""
    path = config.targets_path(getattr(args, "targets", None))
    return load_round(round_ref(path, getattr(args, "round", None)), config.settings().date)


def cmd_validate(args, _registry=None) -> int:
    path = config.targets_path(args.targets)
    rounds = load_rounds(path).rounds
    for registry in rounds:
        counts = {
            "agencies": len(registry.agencies),
            "sections": len(registry.sections),
            "measures": len(registry.measures),
            "indicators": len(registry.indicators),
        }
        where = f"{path} [{registry.plan.id}]" if len(rounds) > 1 else path
        print(t("cli.validate_ok", args.lang, path=where, **counts))
    return 0


def print_problems(exc: IngestRefused, lang: str, out=None) -> None:
    out = out or sys.stdout  # looked up per call, so redirected or captured output gets it
    print(t("cli.refused", lang, file=exc.file_name, n=len(exc.problems)), file=out)
    for problem in exc.problems:
        print(f"  {problem_text(problem, lang)}", file=out)


def cmd_ingest(args, registry: Registry, store: Store) -> int:
    batches = []
    refused = False
    for path in (Path(f) for f in args.files):  # check every file before storing any
        try:
            batches.append(parse_file(registry, _read(path, args.lang), path.name, store=store))
        except IngestRefused as exc:
            print_problems(exc, args.lang)
            refused = True
    try:
        if refused:
            return 1
        actor = args.actor or f"cli:{getpass.getuser()}"
        lang, code = args.lang, 0
        for n, batch in enumerate(batches):
            try:
                result = store_checked(
                    store,
                    batch,
                    uploaded_by=actor,
                    source="cli",
                    dry_run=args.dry_run,
                    allow_revert=args.allow_revert,
                )
            except RevertHeld as exc:  # nothing of this file written; stop before the next ones
                print_held(exc, lang, [b.file_name for b in batches[n + 1 :]])
                return 1
            prefix = t("cli.dry_run", lang) if args.dry_run else ""
            print(prefix + result.summary(lang))
            reverts = result.change.reverts
            if reverts and args.dry_run and not args.allow_revert:
                print(t("ingest.held_dry_run", lang, file=batch.file_name, n=len(reverts)))
                code = 1
            elif reverts:
                print(t("ingest.reverted", lang, n=len(reverts)))
            for revert in reverts:
                print(f"  {revert_text(revert, lang)}")
        return code
    finally:
        for batch in batches:
            batch.close()


def print_held(exc: RevertHeld, lang: str, later: list[str], out=None) -> None:
    """A held file: why, each value it would set back, how to store it anyway, what was skipped."""
    out = out or sys.stdout
    print(t("ingest.held", lang, file=exc.file_name, n=len(exc.reverts)), file=out)
    for revert in exc.reverts:
        print(f"  {revert_text(revert, lang)}", file=out)
    print(t("ingest.held_hint", lang), file=out)
    if later:
        print(t("ingest.held_later", lang, files=", ".join(later)), file=out)


def _read(path: Path, lang: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise coded_error(MetricsError, "cli.cannot_read", path=path, reason=exc.strerror) from None


def cmd_export(args, registry: Registry, store: Store) -> int:
    out = Path(args.out)
    if out.suffix.lower() not in (".csv", ".xlsx"):
        raise coded_error(MetricsError, "cli.bad_suffix", path=out)

    from metrics.outputs import export  # pandas and the spreadsheet writers: only for this command

    frame = export.export_frame(store, registry, all_revisions=args.all_revisions)
    export.write(frame, out)
    print(t("cli.exported", args.lang, path=out, rows=len(frame)))
    return 0


def cmd_template(args, registry: Registry) -> int:
    out = Path(args.out)
    fmt = out.suffix.lower().lstrip(".")
    if fmt not in ("csv", "xlsx"):
        raise coded_error(MetricsError, "cli.bad_suffix", path=out)
    if args.agency not in registry.agency:
        known = ", ".join(registry.agency)
        raise coded_error(MetricsError, "cli.unknown_agency", agency=args.agency, known=known)
    period = periods.parse_period(args.period)
    if period is None:
        raise coded_error(MetricsError, "cli.unreadable_period", value=args.period)

    from metrics.outputs import export

    out.write_bytes(export.template_bytes(registry, args.agency, period, fmt, lang=args.lang))
    n = len(registry.indicators_for(args.agency))
    print(t("cli.template_written", args.lang, path=out, n=n, agency=args.agency, period=period))
    return 0


def cmd_demo(args, registry: Registry) -> int:
    db = args.db or config.DEMO_DB  # a file path or a server URL (a Path would mangle the URL)
    from metrics.actions import build_demo  # the access and user modules: only for this command

    summary = build_demo(registry, db, Path(args.sample_dir), force=args.force)
    print(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
