"""``remind``: one message per agency with indicators missing for a quarter; printed, or sent.

    python -m metrics remind [--as-of 2025Q3] [--date 2025-10-20] [--send] [--as NAME]

Without ``--send`` the messages are printed (and nothing is recorded). With it they go through
the ``METRICS_SMTP_*`` server to the agencies' ``emails`` in the registry; each one sent is
recorded with an audit entry, and one already sent for the agency, quarter and stage is not
sent again. Exit code 1 when a reminder could not be sent (no address, the server refused).
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass

from metrics import config
from metrics.errors import MetricsError
from metrics.outputs.reminders import Reminder, collected_quarter, due_reminders, send_all
from metrics.plan import periods
from metrics.plan.registry import Registry
from metrics.store.database import Store
from metrics.text import coded_error, t


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``remind`` to the ``python -m metrics`` parser."""
    p = subparsers.add_parser("remind", help="remind agencies of indicators missing for a quarter")
    p.add_argument("--as-of", dest="as_of", help="quarter, e.g. 2025Q3 (default: the last one that ended)")
    p.add_argument("--date", help="judge the stage (upcoming/overdue) as on this day (default: today)")
    p.add_argument("--send", action="store_true", help="send them (default: only print them)")
    p.add_argument("--as", dest="actor", metavar="NAME", help="operator recorded (default cli:<os user>)")
    p.add_argument("--targets", help="registry YAML (default: $METRICS_TARGETS or targets.yaml)")
    p.add_argument("--db", help="DuckDB file (default: $METRICS_DB or data/progress.duckdb)")
    p.add_argument("--lang", choices=("zh", "en"), default="en", help="language of the command's own lines")
    p.set_defaults(handler=cmd_remind, needs_store=lambda args: "write" if args.send else "read")


def cmd_remind(args: argparse.Namespace, registry: Registry, store: Store) -> int:
    lang = "zh" if args.lang == "zh" else "en"
    settings = config.settings()
    today = _date(args.date)
    period = _period(args.as_of) if args.as_of else collected_quarter(today)
    sent = store.sent_reminders(period)
    reminders = due_reminders(registry, store.observations(), period, today, settings, sent)
    if not reminders:
        print(t("remind.none", lang, period=periods.label(period, lang)))
        return 0
    if not args.send:
        for reminder in reminders:
            print(preview(reminder, registry, lang))
        print(t("remind.preview_hint", lang, n=len(reminders)))
        return 0
    actor = args.actor or f"cli:{getpass.getuser()}"
    outcomes = send_all(store, registry, reminders, settings.smtp, by=actor, lang=lang)
    for outcome in outcomes:
        r = outcome.reminder
        print(
            t(
                f"remind.result.{outcome.result}",
                lang,
                agency=r.agency_id,
                period=r.period,
                stage=t(f"remind.stage.{r.stage}", lang),
                to=", ".join(r.recipients),
                error=outcome.error,
            )
        )
    return 0 if all(o.result in ("sent", "already") for o in outcomes) else 1


def preview(reminder: Reminder, registry: Registry, lang: str) -> str:
    """A reminder as printed without ``--send``: who, subject, attachment, then the message."""
    r = reminder
    lines = [
        t(
            "remind.header",
            lang,
            agency=registry.agency[r.agency_id].name(lang),
            period=periods.label(r.period, lang),
            stage=t(f"remind.stage.{r.stage}", lang),
            due=r.due.isoformat(),
        ),
        t("remind.to", lang, to=", ".join(r.recipients)) if r.recipients else t("remind.no_address", lang),
        t("remind.subject", lang, subject=r.subject),
        t("remind.attachment", lang, name=r.template_name),
    ]
    if r.sent is not None:
        when, by = r.sent
        lines.append(t("remind.already", lang, when=f"{when:%Y-%m-%d %H:%M} UTC", by=by))
    return "\n".join([*lines, "", r.body])


def _date(raw: str | None) -> dt.date:
    if raw is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(raw.strip())
    except ValueError:
        raise coded_error(MetricsError, "remind.bad_date", value=raw) from None


def _period(raw: str) -> str:
    period = periods.parse_period(raw)
    if period is None:
        raise coded_error(MetricsError, "cli.unreadable_period", value=raw)
    return period
