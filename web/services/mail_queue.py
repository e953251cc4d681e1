"""How the outbox is doing, for the admin: what waits, what was given up, what went out."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import OutboxMessage

RECENT = timedelta(days=7)


@dataclass(frozen=True)
class MailQueue:
    """Counts of the outbox: waiting to be sent, given up after `max_attempts`, and
    handed to the mailer within the last 7 days."""

    n_waiting: int
    n_given_up: int
    n_sent_recently: int


def mail_queue(session: Session, max_attempts: int, now: datetime) -> MailQueue:
    """Count the outbox's messages by where they stand."""
    unsent = OutboxMessage.sent_at.is_(None)
    waiting, given_up, sent = session.execute(
        select(
            func.count().filter(unsent, OutboxMessage.attempts < max_attempts),
            func.count().filter(unsent, OutboxMessage.attempts >= max_attempts),
            func.count().filter(OutboxMessage.sent_at > now - RECENT),
        )
    ).one()
    return MailQueue(n_waiting=waiting, n_given_up=given_up, n_sent_recently=sent)
