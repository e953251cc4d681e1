"""Queue e-mails in the outbox: the send-mail job (or the page that queued one) sends them.

The texts are rendered when queued, in the current language: Dutch for jobs and, for
now, for every page (the recipients read Dutch first).
"""

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Company, OutboxMessage, User
from models.enums import Role
from web.services.messages import Text, _l

SIGNATURE = _l("Met vriendelijke groeten,\nDuaal Match")


def queue_mail(
    session: Session,
    kind: str,
    recipient: str,
    subject: Text,
    body: Text,
    now: datetime,
    *,
    recognition_id: int | None = None,
    about: date | None = None,
    student_id: int | None = None,
) -> OutboxMessage:
    """Queue one e-mail, signed; `student_id` marks one that speaks of a student."""
    message = OutboxMessage(
        kind=kind,
        recipient=recipient,
        subject=str(subject)[:200],
        body=f"{body}\n\n{SIGNATURE}",
        created_at=now,
        recognition_id=recognition_id,
        about=about,
        student_id=student_id,
    )
    session.add(message)
    return message


def company_addresses(session: Session, company_ids: set[int]) -> dict[int, str]:
    """Where each company is written to: its contact address, else its oldest active login."""
    addresses: dict[int, str] = {}
    rows = session.execute(
        select(Company.id, Company.email, User.email)
        .outerjoin(
            User, (User.company_id == Company.id) & (User.role == Role.COMPANY) & User.is_active
        )
        .where(Company.id.in_(company_ids))
        .order_by(User.id)
    )
    for company_id, contact, login in rows:
        address = contact or login
        if address:
            addresses.setdefault(company_id, address)
    return addresses
