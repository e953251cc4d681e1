"""Sending e-mail: to the console by default, by SMTP when `MAIL_URL` says so.

Jobs never send directly: they queue messages in the outbox table, and the send-mail
job hands them to the mailer, so a reminder is written once and sent once even when
the mail server is down for a while (it is tried again on the next run).
"""

import logging
import smtplib
import ssl
import sys
from collections.abc import Sequence
from datetime import datetime
from email.message import EmailMessage
from typing import Protocol, TextIO
from urllib.parse import unquote, urlsplit

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import OutboxMessage
from models.base import utcnow
from models.database import unit_of_work
from web.config import settings_of
from web.db import get_session
from web.settings import Settings

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5  # a message that failed this often waits for a person to look


class Mailer(Protocol):
    def send(self, recipient: str, subject: str, body: str) -> None: ...


class ConsoleMailer:
    """Print each message instead of sending it (development, demo, tests)."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream
        self.sent: list[tuple[str, str, str]] = []

    def send(self, recipient: str, subject: str, body: str) -> None:
        self.sent.append((recipient, subject, body))
        stream = self.stream or sys.stdout
        stream.write(f"--- mail to {recipient}\nSubject: {subject}\n\n{body}\n---\n")
        stream.flush()


class SmtpMailer:
    """Send by SMTP: `smtp://user:password@host:587` (STARTTLS) or `smtps://...:465`."""

    def __init__(self, url: str, sender: str) -> None:
        parts = urlsplit(url)
        self.secure = parts.scheme == "smtps"
        self.host = parts.hostname or "localhost"
        self.port = parts.port or (465 if self.secure else 587)
        self.user = unquote(parts.username or "")
        self.password = unquote(parts.password or "")
        self.sender = sender

    def send(self, recipient: str, subject: str, body: str) -> None:
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = self.sender, recipient, subject
        message.set_content(body)
        context = ssl.create_default_context()
        smtp: smtplib.SMTP
        if self.secure:
            smtp = smtplib.SMTP_SSL(self.host, self.port, context=context, timeout=10)
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=10)
            smtp.starttls(context=context)
        with smtp:
            if self.user:
                smtp.login(self.user, self.password)
            smtp.send_message(message)


def mailer_from(settings: Settings) -> Mailer:
    """Return the mailer the settings ask for (`MAIL_URL`, default the console)."""
    if settings.mail_url == "console":
        return ConsoleMailer()
    return SmtpMailer(settings.mail_url, settings.mail_from)


def send_outbox(
    session: Session,
    mailer: Mailer,
    now: datetime,
    limit: int = 200,
    only: Sequence[int] | None = None,
) -> dict[str, int]:
    """Send queued messages (all, or `only` these), oldest first, each recorded in its
    own unit of work.

    A message refused for good (a 5xx answer, a malformed address) counts an attempt
    and is given up after `MAX_ATTEMPTS`. When the server cannot be reached or answers
    "try later" (4xx), the run stops there without counting it against any message:
    an outage of the mail server loses nothing, the next run carries on.
    """
    pending = select(OutboxMessage.id).where(
        OutboxMessage.sent_at.is_(None), OutboxMessage.attempts < MAX_ATTEMPTS
    )
    if only is not None:
        pending = pending.where(OutboxMessage.id.in_(only))
    waiting = session.scalars(pending.order_by(OutboxMessage.id).limit(limit)).all()
    counts = {"sent": 0, "failed": 0, "deferred": 0}
    for position, message_id in enumerate(waiting):
        message = session.get(OutboxMessage, message_id)
        if message is None or message.sent_at is not None:
            continue
        # Sent outside any transaction: a slow mail server must not hold the database's
        # write lock. Should the process die right after sending, the message goes
        # again on the next run: at least once, never lost.
        try:
            mailer.send(message.recipient, message.subject, message.body)
        except Exception as error:
            is_temporary = _is_temporary(error)
            with unit_of_work(session):
                message = session.get_one(OutboxMessage, message_id)
                message.last_error = f"{type(error).__name__}: {error}"[:1000]
                if not is_temporary:
                    message.attempts += 1
            if is_temporary:
                counts["deferred"] = len(waiting) - position
                break
            counts["failed"] += 1
        else:
            with unit_of_work(session):
                message = session.get_one(OutboxMessage, message_id)
                message.attempts += 1
                message.sent_at = now
                message.last_error = None
            counts["sent"] += 1
    return counts


def _is_temporary(error: Exception) -> bool:
    """The server is away or asks to try later: no fault of the message.

    (smtplib's errors are OSErrors too, so the SMTP answers are read first.)
    """
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code < 500
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code < 500 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return True
    return isinstance(error, OSError) and not isinstance(error, smtplib.SMTPException)


def send_now(app: Flask, message_ids: Sequence[int]) -> None:
    """Try to send just-queued messages at once (a page's own); the job retries any that
    could not go."""
    try:
        send_outbox(get_session(), mailer_from(settings_of(app)), utcnow(), only=message_ids)
    except Exception:  # the outbox keeps the message: send-mail sends it later
        log.exception("sending at once failed; the send-mail job will retry")
