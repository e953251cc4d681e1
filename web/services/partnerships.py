"""The partnership's side: the queue of recognition requests, and deciding them.

A consultant sees only the recognitions of programmes their partnership decides on
(`web/services/policy.py`); another partnership's are a `NotFoundError`.
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, update
from sqlalchemy.orm import Session, joinedload

from models import Company, Recognition, Site
from models.base import day_in_belgium
from models.enums import RecognitionStatus, Role
from models.rules import is_request_overdue, recognition_valid_until
from models.workplaces import valid_on
from web.services import policy
from web.services.errors import ConflictError, InputError
from web.services.mentors import start_training_deadline
from web.services.messages import Message, _l
from web.services.policy import Party
from web.services.recognitions import find_recognition

MAX_REASON_LENGTH = 2000
LIST_LIMIT = 100


@dataclass(frozen=True)
class QueuedRequest:
    """A request in the queue, with how long it waits."""

    recognition: Recognition
    days_waiting: int
    is_overdue: bool  # older than the 14-day norm of DOMAIN.md step 2


def _decided_by(party: Party) -> Select[Recognition]:
    return policy.visible(party, Recognition).options(
        joinedload(Recognition.site).joinedload(Site.company),
        joinedload(Recognition.site).joinedload(Site.place),
        joinedload(Recognition.programme),
        joinedload(Recognition.mentor),
    )


def list_requests(session: Session, party: Party, today: date) -> list[QueuedRequest]:
    """Return the open requests, oldest first: the order they should be decided in."""
    rows = session.scalars(
        _decided_by(party)
        .where(Recognition.status == RecognitionStatus.REQUESTED)
        .order_by(Recognition.requested_at, Recognition.id)
    )
    queue = []
    for recognition in rows:
        requested_on = day_in_belgium(recognition.requested_at)
        queue.append(
            QueuedRequest(
                recognition, (today - requested_on).days, is_request_overdue(requested_on, today)
            )
        )
    return queue


def find_recognitions(session: Session, party: Party, text: str) -> list[Recognition]:
    """Return decided recognitions whose company name or KBO number holds `text`."""
    query = (
        _decided_by(party)
        .join(Site, Recognition.site_id == Site.id)
        .join(Company)
        .where(Recognition.status != RecognitionStatus.REQUESTED)
    )
    text = text.strip()
    if text:
        conditions = [func.lower(Company.name).contains(text.lower(), autoescape=True)]
        digits = "".join(c for c in text if c.isdigit())
        # "BE 0403.170.701" or "403170" is a KBO number; "Bakkerij 2" is only a name.
        kbo_like = not any(c.isalpha() for c in text.upper().removeprefix("BE"))
        if len(digits) >= 4 and kbo_like:
            conditions.append(Company.kbo_number.contains(digits, autoescape=True))
        query = query.where(or_(*conditions))
    return list(session.scalars(query.order_by(Company.name, Recognition.id).limit(LIST_LIMIT)))


ALREADY_DECIDED = _l("Over deze aanvraag is al beslist.")
NOT_RUNNING = _l("Alleen een lopende erkenning kan ingetrokken worden.")


def approve(
    session: Session,
    party: Party,
    recognition_id: int,
    now: datetime,
    note: str = "",
    grant_age_waiver: bool = False,
) -> Recognition:
    """Recognise the site for the programme, valid 5 years from today (step 2)."""
    recognition = _decide(
        session,
        party,
        recognition_id,
        Recognition.status == RecognitionStatus.REQUESTED,
        ALREADY_DECIDED,
        status=RecognitionStatus.RECOGNISED,
        decided_at=now,
        valid_until=recognition_valid_until(day_in_belgium(now)),
        decision_reason=_reason(note, required=False),
        has_mentor_age_waiver=grant_age_waiver,
    )
    if recognition.mentor is not None:
        start_training_deadline(recognition.mentor, recognition)
    session.flush()
    return recognition


def refuse(
    session: Session, party: Party, recognition_id: int, reason: str, now: datetime
) -> Recognition:
    """Refuse a request; the company sees the reason."""
    return _decide(
        session,
        party,
        recognition_id,
        Recognition.status == RecognitionStatus.REQUESTED,
        ALREADY_DECIDED,
        status=RecognitionStatus.REFUSED,
        decided_at=now,
        decision_reason=_reason(reason, required=True),
    )


def withdraw(
    session: Session, party: Party, recognition_id: int, reason: str, now: datetime
) -> Recognition:
    """Withdraw a running recognition before its 5 years are up; its places leave search."""
    return _decide(
        session,
        party,
        recognition_id,
        valid_on(day_in_belgium(now)),
        NOT_RUNNING,
        status=RecognitionStatus.WITHDRAWN,
        decided_at=now,
        decision_reason=_reason(reason, required=True),
    )


def _decide(
    session: Session,
    party: Party,
    recognition_id: int,
    only_if: ColumnElement[bool],
    refusal: Message,
    **values: Any,
) -> Recognition:
    """Change a recognition's state in one conditional UPDATE, so that of two consultants
    deciding at once, exactly one succeeds and the other is told (no lost decision)."""
    policy.require(party, Role.CONSULTANT)
    recognition = find_recognition(session, party, recognition_id)
    changed = session.execute(
        update(Recognition)
        .where(Recognition.id == recognition.id, only_if)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if changed.rowcount != 1:  # type: ignore[attr-defined]
        raise ConflictError(refusal)
    session.refresh(recognition)
    return recognition


def _reason(text: str, required: bool) -> str | None:
    text = text.strip()
    if required and not text:
        raise InputError("reason", _l("Geef een reden: het bedrijf krijgt ze te zien."))
    if len(text) > MAX_REASON_LENGTH:
        raise InputError("reason", _l("Houd de reden onder %(n)s tekens.", n=MAX_REASON_LENGTH))
    return text or None
