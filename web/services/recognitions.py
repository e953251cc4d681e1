"""Recognitions: a company asks for one per site and programme (DOMAIN.md step 2), and
both the company and the deciding partnership read it."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from models import Mentor, Programme, Recognition, RecognitionDecision, Site
from models.base import day_in_belgium, utcnow
from models.enums import RecognitionStatus, Role
from models.rules import is_recognition_valid
from web.services import policy
from web.services.errors import InputError, NotFoundError
from web.services.messages import _l
from web.services.policy import Party
from web.services.sites import find_site, is_recognisable

ALREADY_REQUESTED = _l(
    "Voor deze vestiging en opleiding loopt al een aanvraag of bestaat al een erkenning."
)


def find_recognition(session: Session, party: Party, recognition_id: int) -> Recognition:
    """Return one recognition (or request) the party may see, with what its pages show."""
    return policy.find(
        session,
        party,
        Recognition,
        recognition_id,
        joinedload(Recognition.site).joinedload(Site.place),
        joinedload(Recognition.site).joinedload(Site.company),
        joinedload(Recognition.programme),
        joinedload(Recognition.mentor),
    )


def record_step(
    session: Session, recognition: Recognition, party: Party, at: datetime, reason: str | None
) -> RecognitionDecision:
    """Keep the state the recognition is now in, who put it there and why, as history."""
    step = RecognitionDecision(
        recognition_id=recognition.id,
        status=recognition.status,
        decided_at=at,
        decided_by_id=party.user_id,
        reason=reason,
        valid_until=recognition.valid_until
        if recognition.status is RecognitionStatus.RECOGNISED
        else None,
    )
    session.add(step)
    session.flush()
    return step


def request_recognition(
    session: Session, party: Party, site_id: int, programme_id: int, mentor_id: int | None
) -> Recognition:
    """Ask the programme's partnership to recognise one of the party's sites."""
    policy.require(party, Role.COMPANY)
    try:
        site = find_site(session, party, site_id)
    except NotFoundError:
        raise InputError("site_id", _l("Kies een van je vestigingen.")) from None
    if not is_recognisable(site):
        raise InputError(
            "site_id",
            _l(
                "Deze vestiging ligt in Wallonië. Alleen een vestiging in Vlaanderen of Brussel "
                "kan erkend worden voor duaal leren in Vlaanderen."
            ),
        )
    if session.get(Programme, programme_id) is None:
        raise InputError("programme_id", _l("Kies een opleiding uit de lijst."))
    if mentor_id is not None:
        try:
            policy.find(session, party, Mentor, mentor_id)
        except NotFoundError:
            raise InputError("mentor_id", _l("Kies een van je mentoren.")) from None
    now = utcnow()
    existing = session.scalar(
        select(Recognition).where(
            Recognition.site_id == site_id, Recognition.programme_id == programme_id
        )
    )
    if existing is None:
        recognition = Recognition(
            site_id=site_id, programme_id=programme_id, mentor_id=mentor_id, requested_at=now
        )
        try:
            with session.begin_nested():  # the same request sent twice at once
                session.add(recognition)
        except IntegrityError:
            raise InputError("programme_id", ALREADY_REQUESTED) from None
        record_step(session, recognition, party, now, None)
        return recognition
    if existing.status is RecognitionStatus.REQUESTED or is_recognition_valid(
        existing.status, existing.valid_until, day_in_belgium(now)
    ):
        raise InputError("programme_id", ALREADY_REQUESTED)
    # A refused, withdrawn or expired recognition is asked for again on the same row:
    # one site and programme have one recognition, whose latest state is what counts;
    # what was decided before stays in its history.
    existing.status = RecognitionStatus.REQUESTED
    existing.requested_at = now
    existing.decided_at = None
    existing.decision_reason = None
    existing.valid_until = None
    existing.mentor_id = mentor_id
    existing.n_free_places = 0
    existing.has_mentor_age_waiver = False
    session.flush()
    record_step(session, existing, party, now, None)
    return existing
