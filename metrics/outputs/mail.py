"""Sending mail through the configured SMTP server (``METRICS_SMTP_*``).

STARTTLS is on unless ``METRICS_SMTP_STARTTLS=false``; when it is on and the server does not
offer it, nothing is sent (never a silent fall-back to plain text). The password is only handed
to the server: it is never printed, logged, nor part of an error's sentence.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage

from metrics.config import Smtp
from metrics.errors import MailError
from metrics.text import coded_error

TIMEOUT_SECONDS = 30


def check_configured(smtp: Smtp) -> None:
    """MailError naming the missing setting when sending cannot even start."""
    for value, name in ((smtp.host, "METRICS_SMTP_HOST"), (smtp.sender, "METRICS_SMTP_FROM")):
        if not value:
            raise coded_error(MailError, "mail.not_configured", name=name)


@contextmanager
def connection(smtp: Smtp) -> Iterator[smtplib.SMTP]:
    """An open, (if set) encrypted and logged-in session with the mail server."""
    check_configured(smtp)
    try:
        client = smtplib.SMTP(smtp.host, smtp.port, timeout=TIMEOUT_SECONDS)
    except (OSError, smtplib.SMTPException) as exc:
        raise coded_error(MailError, "mail.unreachable", where=smtp.where, reason=_reason(exc)) from None
    try:
        try:
            client.ehlo()
            if smtp.starttls:
                if not client.has_extn("starttls"):
                    raise coded_error(MailError, "mail.no_starttls", where=smtp.where)
                client.starttls(context=ssl.create_default_context())
                client.ehlo()
            if smtp.user:
                client.login(smtp.user, smtp.password)
        except smtplib.SMTPAuthenticationError:
            raise coded_error(MailError, "mail.login_failed", where=smtp.where) from None
        except (OSError, smtplib.SMTPException) as exc:
            raise coded_error(MailError, "mail.refused", where=smtp.where, reason=_reason(exc)) from None
        yield client
    finally:
        try:
            client.quit()
        except (OSError, smtplib.SMTPException):
            client.close()


def send(client: smtplib.SMTP, message: EmailMessage, where: str) -> None:
    """Hand one message to the server; MailError when it refuses it (or any recipient)."""
    try:
        refused = client.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise coded_error(MailError, "mail.refused", where=where, reason=_reason(exc)) from None
    if refused:
        raise coded_error(MailError, "mail.recipients_refused", where=where, recipients=", ".join(refused))


def _reason(exc: BaseException) -> str:
    """The server's or the system's words, on one line (never anything we sent)."""
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error
        if isinstance(text, bytes):
            text = text.decode("utf-8", "replace")
        return f"{exc.smtp_code} {' '.join(str(text).split())}"[:200]
    return " ".join(str(exc).split())[:200] or type(exc).__name__
