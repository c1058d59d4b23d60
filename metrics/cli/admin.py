"""``user``, ``withdraw`` and ``audit``: managing users and uploads on the command line.

The CLI is run by an operator on the server, who acts as an administrator; every change is
recorded in ``audit_log`` under ``--as NAME`` (default ``cli:<os user>``)::

    python -m metrics user add NAME --role viewer|uploader|admin [--agency ID ...]
    python -m metrics user list [--json]
    python -m metrics user passwd NAME
    python -m metrics user disable NAME        (and ``user enable NAME``)
    python -m metrics withdraw UPLOAD_ID --reason TEXT [--as NAME]
    python -m metrics audit [--json] [--limit N]

Passwords are read with ``getpass`` (twice) when standard input is a terminal, else as one
line from standard input, so ``printf '%s\\n' "$PW" | python -m metrics user add ...`` works.
They never appear on the command line. Errors are one sentence and exit code 1.
"""

from __future__ import annotations

import argparse
import getpass
import json
import re
import sys

import pandas as pd

from metrics import actions, config
from metrics.access import auth, users
from metrics.cli.table import table
from metrics.errors import MetricsError
from metrics.plan.registry import Registry
from metrics.progress.figures import status_records
from metrics.store.connection import now_utc
from metrics.store.database import Store
from metrics.text import coded_error, t

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def register(subparsers) -> None:
    """Add ``user``, ``withdraw`` and ``audit`` to the ``python -m metrics`` parser."""
    p = subparsers.add_parser("user", help="add, list, disable users or change a password")
    users = p.add_subparsers(dest="user_command", required=True, metavar="ACTION")

    q = users.add_parser("add", help="add a user (password from a prompt or one line of stdin)")
    q.add_argument("name", metavar="NAME")
    q.add_argument("--role", required=True, choices=auth.ROLES)
    q.add_argument(
        "--agency",
        dest="agencies",
        action="append",
        default=[],
        metavar="ID",
        help="agency an uploader reports for (repeat, or separate with commas)",
    )
    _common(q, actor=True)
    q.set_defaults(handler=cmd_user_add, needs_store="write")

    q = users.add_parser("list", help="every user with role, agencies and state (never passwords)")
    q.add_argument("--json", action="store_true", help="machine-readable output")
    _common(q)
    q.set_defaults(handler=cmd_user_list, needs_store="read")

    q = users.add_parser("passwd", help="set a new password (also lifts a lock-out)")
    q.add_argument("name", metavar="NAME")
    _common(q, actor=True)
    q.set_defaults(handler=cmd_user_passwd, needs_store="write")

    for action, text in (("disable", "stop a user from logging in"), ("enable", "let a disabled user in")):
        q = users.add_parser(action, help=text)
        q.add_argument("name", metavar="NAME")
        _common(q, actor=True)
        q.set_defaults(handler=cmd_user_state, needs_store="write", enable=(action == "enable"))

    p = subparsers.add_parser(
        "withdraw", help="stop counting an upload (previous values count again; nothing is deleted)"
    )
    p.add_argument("upload_id", metavar="UPLOAD_ID")
    p.add_argument("--reason", required=True, help="why (recorded)")
    _common(p, actor=True)
    p.set_defaults(handler=cmd_withdraw, needs_store="write")

    p = subparsers.add_parser("audit", help="who did what: the audit log and every upload")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--limit", type=int, default=None, metavar="N", help="only the newest N log entries")
    _common(p)
    p.set_defaults(handler=cmd_audit, needs_store="read")


def _common(p: argparse.ArgumentParser, actor: bool = False) -> None:
    if actor:
        p.add_argument("--as", dest="actor", metavar="NAME", help="operator recorded (default cli:<os user>)")
    p.add_argument("--targets", help="registry YAML (default: $METRICS_TARGETS or targets.yaml)")
    p.add_argument("--db", help=config.DB_HELP)
    p.add_argument("--lang", choices=("zh", "en"), default="en", help="language of messages")


# ---------------------------------------------------------------- handlers


def cmd_user_add(args, registry: Registry, store: Store) -> int:
    # Check everything but the password first, so a mistake is reported before the prompt.
    actor = _actor(args)
    users.check_new_user(store, registry, args.name, args.role, args.agencies)
    password = read_password(args.name, lang=_lang(args))
    user = users.add_user(store, registry, args.name, args.role, args.agencies, password, actor)
    lang = _lang(args)
    scope = t("cli.user_scope", lang, agencies=", ".join(user.agencies)) if user.agencies else ""
    print(t("cli.user_added", lang, name=user.name, role=user.role, scope=scope))
    return 0


def cmd_user_list(args, _registry: Registry, store: Store) -> int:
    frame = store.users()
    if args.json:
        print(json.dumps(status_records(frame), ensure_ascii=False, indent=2))
        return 0
    if frame.empty:
        print(t("cli.no_users", _lang(args)))
        return 0
    now, lang = now_utc(), _lang(args)
    state = [
        t("cli.state.disabled", lang)
        if d
        else (
            t("cli.state.locked", lang, until=f"{lk:%Y-%m-%d %H:%M:%S}")
            if pd.notna(lk) and lk > now
            else t("cli.state.active", lang)
        )
        for d, lk in zip(frame["disabled"], frame["locked_until"], strict=True)
    ]
    table = pd.DataFrame(
        {
            "name": frame["name"],
            "role": frame["role"],
            "agencies": frame["agencies"].replace("", "-"),
            "state": state,
            "failed": frame["failed_logins"],
            "created (UTC)": frame["created_at"].dt.strftime("%Y-%m-%d %H:%M"),
        }
    )
    _print_table(table)
    return 0


def cmd_user_passwd(args, _registry: Registry, store: Store) -> int:
    actor = _actor(args)
    users.get_user(store, args.name)  # before the prompt
    password = read_password(args.name, lang=_lang(args))
    users.set_password(store, args.name, password, actor)
    print(t("cli.password_changed", _lang(args), name=args.name))
    return 0


def cmd_user_state(args, _registry: Registry, store: Store) -> int:
    change = users.enable_user if args.enable else users.disable_user
    change(store, args.name, _actor(args))
    print(t("cli.user_enabled" if args.enable else "cli.user_disabled", _lang(args), name=args.name))
    return 0


def cmd_withdraw(args, _registry: Registry, store: Store) -> int:
    upload_id = actions.upload_number(args.upload_id)
    actions.operator_withdraw(store, _actor(args), upload_id, args.reason)
    print(t("cli.withdrawn", _lang(args), upload=upload_id))
    return 0


def cmd_audit(args, _registry: Registry, store: Store) -> int:
    log = store.audit_log(args.limit)
    uploads = store.uploads()
    if args.json:
        print(
            json.dumps(
                {"audit_log": status_records(log), "uploads": status_records(uploads)},
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    lang = _lang(args)
    print(t("cli.audit_title", lang))
    if log.empty:
        print(t("cli.audit_empty", lang))
    else:
        _print_table(log.assign(logged_at=log["logged_at"].dt.strftime("%Y-%m-%d %H:%M:%S")))
    print()
    print(t("cli.uploads_title", lang))
    if uploads.empty:
        print(t("cli.uploads_none", lang))
        return 0
    withdrawn = [
        t("cli.withdrawn_note", lang, when=f"{at:%Y-%m-%d %H:%M}", who=by, why=why) if pd.notna(at) else ""
        for at, by, why in zip(
            uploads["withdrawn_at"], uploads["withdrawn_by"], uploads["withdraw_reason"], strict=True
        )
    ]
    table = pd.DataFrame(
        {
            "id": uploads["upload_id"],
            "when": uploads["uploaded_at"].dt.strftime("%Y-%m-%d %H:%M:%S"),
            "who": uploads["uploaded_by"],
            "source": uploads["source"],
            "file": uploads["file_name"],
            "sha256": uploads["sha256"].str[:12],
            "agencies": uploads["agencies"],
            "rows": uploads["n_rows"],
            "new": uploads["n_new"],
            "revised": uploads["n_revised"],
            "unchanged": uploads["n_unchanged"],
            "withdrawn": withdrawn,
        }
    )
    _print_table(table)
    return 0


# ---------------------------------------------------------------- helpers


def read_password(name: str, stdin=None, lang: str = "en") -> str:
    """A new password for ``name``: asked twice on a terminal, else one line of stdin."""
    stream = stdin or sys.stdin
    if stream.isatty():
        first = getpass.getpass(t("cli.password_prompt", lang, name=name))
        auth.check_password(first, name)
        if getpass.getpass(t("cli.password_repeat", lang)) != first:
            raise coded_error(MetricsError, "cli.passwords_differ")
        return first
    line = stream.readline()
    if not line:
        raise coded_error(MetricsError, "cli.no_password")
    return line.rstrip("\r\n")


def _actor(args) -> str:
    """The operator recorded for this command: ``--as NAME`` or ``cli:<os user>``."""
    if args.actor is not None:
        actor = args.actor.strip()
        if not actor or len(actor) > 64 or _CONTROL.search(actor):
            raise coded_error(MetricsError, "cli.bad_actor")
        return actor
    try:
        who = getpass.getuser()
    except (OSError, KeyError):
        who = "unknown"
    return f"cli:{who}"


def _lang(args) -> str:
    return "zh" if getattr(args, "lang", "en") == "zh" else "en"


def _clean(value) -> str:
    """Text safe for a terminal: control and bidi characters shown as escapes, never obeyed."""
    text = "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)
    return _CONTROL.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), text)


def _print_table(frame: pd.DataFrame) -> None:
    cells = [[_clean(v) for v in row] for row in frame.itertuples(index=False)]
    print(table([str(c) for c in frame.columns], cells, rule=False))
