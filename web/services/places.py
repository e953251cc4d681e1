"""A workplace's places: how many, how many free, from when, and whom the company takes in.

This is the company's claim, not official data (DOMAIN.md step 4): stating the places
confirms them, and a one-click "klopt nog" confirms them unchanged; unconfirmed, they
go stale.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy.orm import Session

from matcher import IntakePreferences
from models import Recognition
from models.base import day_in_belgium
from models.codecs import ShapeError, intake_preferences_from_json
from models.enums import Role
from models.rules import is_recognition_valid
from web.services import policy
from web.services.errors import InputError, NotRecognisedError
from web.services.messages import _l
from web.services.policy import Party
from web.services.problems import Problems
from web.services.recognitions import find_recognition

MAX_PLACES = 99
MIN_INTAKE_AGE, MAX_INTAKE_AGE = 15, 25  # DOMAIN.md: learners from 15 to 25

PREFERENCE_SHAPES = {
    "intake_preferences": _l("Geef de voorkeuren als een object."),
    "intake_preferences.min_age": _l("Geef een minimumleeftijd in jaren."),
    "intake_preferences.start_months": _l("Kies maanden van 1 tot 12."),
    "intake_preferences.languages": _l("Kies talen uit de lijst."),
    "intake_preferences.hours_pattern": _l("Kies werkuren uit de lijst."),
    "intake_preferences.first_interview_at_school": _l("Kies ja of nee."),
}
UNKNOWN_PREFERENCE = _l("Deze voorkeur kennen we niet.")


@dataclass(frozen=True)
class Availability:
    """The company's claim about a workplace's places and whom it would take in."""

    n_places: int
    n_free_places: int
    available_from: date | None = None
    intake_preferences: IntakePreferences = field(default_factory=IntakePreferences)


def read_intake_preferences(raw: object) -> IntakePreferences:
    """Read intake preferences given as JSON, refusing any other shape by its field."""
    try:
        return intake_preferences_from_json(raw, strict=True)
    except ShapeError as error:
        raise InputError(
            error.field, PREFERENCE_SHAPES.get(error.field, UNKNOWN_PREFERENCE)
        ) from None


def check_availability(availability: Availability) -> None:
    """Refuse places and preferences that cannot be true, every problem at once."""
    problems = Problems()
    if not 0 <= availability.n_places <= MAX_PLACES:
        problems.add("n_places", _l("Geef een aantal plaatsen van 0 tot %(max)s.", max=MAX_PLACES))
    if availability.n_free_places < 0:
        problems.add("n_free_places", _l("Geef een aantal vrije plaatsen van 0 of meer."))
    elif availability.n_free_places > availability.n_places:
        problems.add(
            "n_free_places",
            _l(
                "Er kunnen niet meer vrije plaatsen zijn dan plaatsen (%(n)s).",
                n=availability.n_places,
            ),
        )
    min_age = availability.intake_preferences.min_age
    if min_age is not None and not MIN_INTAKE_AGE <= min_age <= MAX_INTAKE_AGE:
        problems.add(
            "intake_preferences.min_age",
            _l(
                "Een minimumleeftijd ligt tussen %(low)s en %(high)s jaar.",
                low=MIN_INTAKE_AGE,
                high=MAX_INTAKE_AGE,
            ),
        )
    problems.raise_any()


def update_availability(
    session: Session,
    party: Party,
    recognition_id: int,
    availability: Availability,
    now: datetime,
    confirm: bool = True,
) -> Recognition:
    """Set a recognised workplace's places; stating them confirms them unless told not to."""
    policy.require(party, Role.COMPANY)
    recognition = find_recognition(session, party, recognition_id)
    _require_recognised(recognition, now)
    check_availability(availability)
    recognition.n_places = availability.n_places
    recognition.n_free_places = availability.n_free_places
    recognition.available_from = availability.available_from
    recognition.intake_preferences = availability.intake_preferences
    if confirm:
        recognition.last_confirmed_at = now
    session.flush()
    return recognition


def confirm_availability(
    session: Session, party: Party, recognition_id: int, now: datetime
) -> Recognition:
    """Record that the advertised places are still correct ("klopt nog")."""
    policy.require(party, Role.COMPANY)
    recognition = find_recognition(session, party, recognition_id)
    _require_recognised(recognition, now)
    recognition.last_confirmed_at = now
    session.flush()
    return recognition


def _require_recognised(recognition: Recognition, now: datetime) -> None:
    if not is_recognition_valid(recognition.status, recognition.valid_until, day_in_belgium(now)):
        raise NotRecognisedError
