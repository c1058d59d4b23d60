"""Reminders to agencies that have not reported a quarter: who, what, by when, in both languages.

For the quarter being collected, each agency with indicators still missing
(:func:`metrics.progress.figures.late_reports`) gets one message, in Chinese with the English
beside it: the indicators, the due date (``METRICS_REPORT_DUE_DAYS`` after the quarter's end), a
link to the upload page and the agency's pre-filled template attached. Before the due date the
stage is ``upcoming``, after it ``overdue``; the store records each one sent, so the same
reminder never goes out twice for one agency, quarter and stage. Sending is :mod:`metrics.outputs.mail`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from email.message import EmailMessage

import pandas as pd

from metrics.config import Settings, Smtp
from metrics.errors import MailError
from metrics.outputs import mail
from metrics.outputs.export import template_bytes
from metrics.plan import periods
from metrics.plan.registry import Registry
from metrics.progress.figures import late_reports
from metrics.store.connection import now_utc
from metrics.store.database import Store
from metrics.text import error_text, t

STAGES = ("upcoming", "overdue")
TEMPLATE_MIME = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@dataclass(frozen=True)
class Reminder:
    """One agency's reminder for one quarter and stage, ready to print or send."""

    agency_id: str
    period: str
    stage: str
    due: dt.date
    indicators: tuple[str, ...]
    recipients: tuple[str, ...]
    subject: str
    body: str
    template_name: str
    sent: tuple[dt.datetime, str] | None = None  # (when, by whom) it was already sent


def collected_quarter(today: dt.date) -> str:
    """The quarter being collected on ``today``: the last one that has ended."""
    return periods.shift(periods.of_date(today), -1)


def due_date(period: str, due_days: int) -> dt.date:
    return periods.quarter_end(period) + dt.timedelta(days=due_days)


def stage_on(period: str, today: dt.date, due_days: int) -> str:
    """``upcoming`` up to and on the due date, ``overdue`` after it."""
    return "upcoming" if today <= due_date(period, due_days) else "overdue"


def upload_link(public_url: str) -> str:
    return f"{public_url.rstrip('/')}/upload"


def due_reminders(
    registry: Registry,
    obs: pd.DataFrame,
    period: str,
    today: dt.date,
    settings: Settings,
    sent: dict[tuple[str, str], tuple[dt.datetime, str]] | None = None,
) -> list[Reminder]:
    """One reminder per agency with indicators missing for ``period``, in registry order.

    ``sent`` is :meth:`metrics.store.reminders.Reminders.sent_reminders` of ``period``.
    """
    missing = late_reports(registry, obs, period)
    if missing.empty:
        return []
    due = due_date(period, settings.report_due_days)
    stage = stage_on(period, today, settings.report_due_days)
    link = upload_link(settings.public_url)
    by_agency = missing.groupby("agency_id", sort=False)["indicator_id"].agg(tuple).to_dict()
    order = {ind.id: n for n, ind in enumerate(registry.indicators)}
    out = []
    for agency in registry.agencies:
        indicators = by_agency.get(agency.id)
        if not indicators:
            continue
        indicators = tuple(sorted(indicators, key=order.__getitem__))
        subject, body = compose(registry, agency.id, period, stage, due, indicators, link)
        out.append(
            Reminder(
                agency_id=agency.id,
                period=period,
                stage=stage,
                due=due,
                indicators=indicators,
                recipients=agency.emails,
                subject=subject,
                body=body,
                template_name=f"template_{agency.id}_{period}.xlsx",
                sent=(sent or {}).get((agency.id, stage)),
            )
        )
    return out


def compose(
    registry: Registry,
    agency_id: str,
    period: str,
    stage: str,
    due: dt.date,
    indicators: tuple[str, ...],
    link: str,
) -> tuple[str, str]:
    """(subject, body): the Chinese text first, the English beside it."""
    agency = registry.agency[agency_id]
    template = f"template_{agency_id}_{period}.xlsx"
    parts = []
    for lang in ("zh", "en"):
        params = {
            "agency": agency.name(lang),
            "plan": registry.plan.title_zh if lang == "zh" else registry.plan.title_en,
            "period": periods.label(period, lang),
            "due": due.isoformat(),
            "n": len(indicators),
            "link": link,
            "template": template,
        }
        lines = [
            t("remind.greeting", lang, **params),
            "",
            t(f"remind.{stage}", lang, **params),
            *(
                f"  {n}. {registry.indicator[ind].name(lang)} ({ind})"
                for n, ind in enumerate(indicators, start=1)
            ),
            "",
            t("remind.link", lang, **params),
            t("remind.template", lang, **params),
            "",
            t("remind.automatic", lang),
        ]
        parts.append((t(f"remind.subject_{stage}", lang, **params), "\n".join(lines)))
    (subject_zh, body_zh), (subject_en, body_en) = parts
    return f"{subject_zh} / {subject_en}", f"{body_zh}\n\n———— English ————\n\n{body_en}\n"


def email_message(reminder: Reminder, registry: Registry, sender: str) -> EmailMessage:
    """The reminder as an e-mail, with the agency's pre-filled template (.xlsx) attached."""
    message = EmailMessage()
    message["Subject"] = reminder.subject
    message["From"] = sender
    message["To"] = ", ".join(reminder.recipients)
    message.set_content(reminder.body)
    workbook = template_bytes(registry, reminder.agency_id, reminder.period, "xlsx", lang="zh")
    message.add_attachment(
        workbook, maintype=TEMPLATE_MIME[0], subtype=TEMPLATE_MIME[1], filename=reminder.template_name
    )
    return message


@dataclass(frozen=True)
class Outcome:
    """What sending one reminder did: ``sent``, ``already`` (sent before), ``no_address`` or ``failed``."""

    reminder: Reminder
    result: str
    error: str = ""


def send_all(
    store: Store, registry: Registry, reminders: list[Reminder], smtp: Smtp, *, by: str, lang: str = "en"
) -> list[Outcome]:
    """Send every reminder not sent before and record each one sent (with its audit entry).

    One connection for all; a reminder the server refuses is reported and the others still go.
    MailError (nothing sent) when the server is not configured or cannot be reached.
    """
    outcomes: list[Outcome] = []
    todo = []
    for reminder in reminders:
        if reminder.sent is not None:
            outcomes.append(Outcome(reminder, "already"))
        elif not reminder.recipients:
            outcomes.append(Outcome(reminder, "no_address"))
        else:
            todo.append(reminder)
    if todo:
        with mail.connection(smtp) as client:
            for reminder in todo:
                try:
                    mail.send(client, email_message(reminder, registry, smtp.sender), smtp.where)
                except MailError as exc:
                    outcomes.append(Outcome(reminder, "failed", error_text(exc, lang)))
                    continue
                fresh = store.record_reminder(
                    reminder.agency_id,
                    reminder.period,
                    reminder.stage,
                    due=reminder.due,
                    recipients=reminder.recipients,
                    n_indicators=len(reminder.indicators),
                    by=by,
                    at=now_utc(),
                )
                outcomes.append(Outcome(reminder, "sent" if fresh else "already"))
    order = {id(r): n for n, r in enumerate(reminders)}
    return sorted(outcomes, key=lambda o: order[id(o.reminder)])
