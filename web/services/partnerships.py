"""The partnership's side: the queue of recognition requests, finding recognitions, and
deciding them.

A consultant sees only the recognitions of programmes their partnership decides on
(`web/services/policy.py`); another partnership's are a `NotFoundError`.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Select, func, or_, select, update
from sqlalchemy.orm import Session, joinedload

from models import Company, Postcode, Programme, Recognition, Site
from models.base import BELGIUM, day_in_belgium
from models.enums import RecognitionStatus, Role
from models.rules import DECISION_NORM_DAYS, is_request_overdue, recognition_valid_until
from models.workplaces import valid_on
from web.services import policy
from web.services.errors import ConflictError, InputError
from web.services.mentors import start_training_deadline
from web.services.messages import Message, _l
from web.services.policy import Party
from web.services.recognitions import find_recognition, record_step

Row = TypeVar("Row")

MAX_REASON_LENGTH = 2000
PAGE_SIZE = 25


@dataclass(frozen=True)
class QueuedRequest:
    """A request in the queue, with how long it waits."""

    recognition: Recognition
    days_waiting: int
    is_overdue: bool  # older than the 14-day norm of DOMAIN.md step 2

    @property
    def days_left(self) -> int:
        """Days until the 14-day norm is up; below 0, how many days it is late."""
        return DECISION_NORM_DAYS - self.days_waiting


@dataclass(frozen=True)
class QueueFilter:
    """What the consultant narrows the queue to; None or False leaves a filter out."""

    programme_id: int | None = None
    province: str | None = None
    only_late: bool = False


@dataclass(frozen=True)
class Page(Generic[Row]):
    """One page of a longer list: its rows, which page it is and how many rows in all."""

    rows: list[Row]
    number: int  # from 1
    total: int

    @property
    def n_pages(self) -> int:
        return _n_pages(self.total)

    @property
    def first(self) -> int:
        """The position of the page's first row in the whole list, from 1."""
        return (self.number - 1) * PAGE_SIZE + 1

    @property
    def last(self) -> int:
        return self.first + len(self.rows) - 1


def _decided_by(party: Party) -> Select[Recognition]:
    return policy.visible(party, Recognition).options(
        joinedload(Recognition.site).joinedload(Site.company),
        joinedload(Recognition.site).joinedload(Site.place),
        joinedload(Recognition.programme),
        joinedload(Recognition.mentor),
    )


def _n_pages(total: int) -> int:
    return max(1, -(-total // PAGE_SIZE))


def _page_of(
    session: Session, query: Select[Recognition], number: int, *order: Any
) -> Page[Recognition]:
    """Cut one page out of `query`; a number past the end gives the last page (the list
    may have shrunk since the link was made)."""
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    number = min(max(number, 1), _n_pages(total))
    rows = session.scalars(query.order_by(*order).offset((number - 1) * PAGE_SIZE).limit(PAGE_SIZE))
    return Page(list(rows), number, total)


def _requested_before(day: date) -> ColumnElement[bool]:
    """SQL: the request was made on a Belgian calendar day before `day`."""
    return Recognition.requested_at < datetime.combine(day, time(0), BELGIUM).astimezone(UTC)


def _open_requests(party: Party) -> Select[Recognition]:
    return _decided_by(party).where(Recognition.status == RecognitionStatus.REQUESTED)


def list_requests(
    session: Session, party: Party, today: date, only: QueueFilter, page: int = 1
) -> Page[QueuedRequest]:
    """Return one page of the open requests, oldest first: the order they should be
    decided in."""
    query = _open_requests(party)
    if only.programme_id is not None:
        query = query.where(Recognition.programme_id == only.programme_id)
    if only.province is not None:
        query = query.where(
            Recognition.site_id.in_(
                select(Site.id).join(Postcode).where(Postcode.province == only.province)
            )
        )
    if only.only_late:
        query = query.where(_requested_before(_last_day_on_time(today)))
    found = _page_of(session, query, page, Recognition.requested_at, Recognition.id)
    queued = []
    for recognition in found.rows:
        requested_on = day_in_belgium(recognition.requested_at)
        queued.append(
            QueuedRequest(
                recognition, (today - requested_on).days, is_request_overdue(requested_on, today)
            )
        )
    return Page(queued, found.number, found.total)


def _last_day_on_time(today: date) -> date:
    """The oldest request day still within the 14-day norm today (step 2)."""
    return today - timedelta(days=DECISION_NORM_DAYS)


def count_late_requests(session: Session, party: Party, today: date) -> int:
    """Count the open requests waiting longer than the 14-day norm, whatever the filter."""
    late = _open_requests(party).where(_requested_before(_last_day_on_time(today)))
    return session.scalar(select(func.count()).select_from(late.subquery())) or 0


def programmes_decided_by(session: Session, party: Party) -> list[Programme]:
    """The programmes whose recognitions the consultant's partnership decides on."""
    return list(
        session.scalars(
            select(Programme)
            .where(Programme.partnership_id == party.partnership_id)
            .order_by(Programme.name, Programme.level)
        )
    )


def find_recognitions(
    session: Session, party: Party, text: str, page: int = 1
) -> Page[Recognition]:
    """Return a page of decided recognitions found by `text`: in the company's name or
    KBO number, or the site's postcode or place ("Kortrijk", "Courtrai", "Heule")."""
    query = (
        _decided_by(party)
        .join(Site, Recognition.site_id == Site.id)
        .join(Company)
        .join(Postcode, Site.postcode == Postcode.postcode)
        .where(Recognition.status != RecognitionStatus.REQUESTED)
    )
    text = text.strip()
    if text:
        query = query.where(or_(*_matching(text)))
    return _page_of(session, query, page, Company.name, Recognition.id)


def _matching(text: str) -> list[ColumnElement[bool]]:
    """SQL: the ways a recognition matches the text a consultant typed."""
    lowered = text.lower()
    if text.isdigit() and len(text) == 4 and text[0] != "0":
        # "8500" is a postcode (1000-9992); a KBO number starts with 0 or 1 and is longer.
        return [Site.postcode == text]
    conditions = [
        func.lower(column).contains(lowered, autoescape=True)
        for column in (
            Company.name,
            Postcode.municipality_nl,
            Postcode.municipality_fr,
            Postcode.places,
        )
    ]
    digits = "".join(c for c in text if c.isdigit())
    # "BE 0403.170.701" or "403170" is a KBO number; "Bakkerij 2" is only a name.
    kbo_like = not any(c.isalpha() for c in text.upper().removeprefix("BE"))
    if len(digits) >= 4 and kbo_like:
        conditions.append(Company.kbo_number.contains(digits, autoescape=True))
    return conditions


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
        now,
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
        now,
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
    # The decision time stays the recognition's: the withdrawal is a step of its own
    # in the history.
    return _decide(
        session,
        party,
        recognition_id,
        now,
        valid_on(day_in_belgium(now)),
        NOT_RUNNING,
        status=RecognitionStatus.WITHDRAWN,
        decision_reason=_reason(reason, required=True),
    )


def _decide(
    session: Session,
    party: Party,
    recognition_id: int,
    now: datetime,
    only_if: ColumnElement[bool],
    refusal: Message,
    **values: Any,
) -> Recognition:
    """Change a recognition's state in one conditional UPDATE, so that of two consultants
    deciding at once, exactly one succeeds and the other is told (no lost decision); keep
    the decision in the recognition's history."""
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
    record_step(session, recognition, party, now, recognition.decision_reason)
    return recognition


def _reason(text: str, required: bool) -> str | None:
    text = text.strip()
    if required and not text:
        raise InputError("reason", _l("Geef een reden: het bedrijf krijgt ze te zien."))
    if len(text) > MAX_REASON_LENGTH:
        raise InputError("reason", _l("Houd de reden onder %(n)s tekens.", n=MAX_REASON_LENGTH))
    return text or None
