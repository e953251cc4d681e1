"""Mentors (DOMAIN.md step 3): who coaches the learner, checked against the rules.

Only *that* a 596.2 criminal-record extract was shown, and when, is recorded.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from models import Mentor, Recognition
from models.base import day_in_belgium
from models.enums import MentorProblem, RecognitionStatus, Role, TrainingStatus
from models.rules import (
    MENTOR_MIN_AGE_WITH_WAIVER,
    MENTOR_MIN_YEARS_EXPERIENCE,
    age_on,
    mentor_problems,
    mentor_training_deadline,
)
from web.services import policy
from web.services.errors import InputError, NotFoundError
from web.services.messages import _l
from web.services.policy import Party
from web.services.problems import Problems
from web.services.recognitions import find_recognition

MIN_WORKING_AGE = 15  # the youngest dual learner: experience counts from there
MAX_PLAUSIBLE_AGE = 80  # a mentor older than this is a typing error


@dataclass(frozen=True)
class MentorDetails:
    """What a company records about a mentor: never the 596.2 extract itself."""

    first_name: str
    last_name: str
    birth_date: date
    years_experience: int
    email: str | None = None
    extract_596_2_shown_on: date | None = None
    training_status: str = "not_started"


def list_mentors(session: Session, party: Party) -> list[Mentor]:
    """Return the mentors the party may see, by name."""
    return list(
        session.scalars(
            policy.visible(party, Mentor).order_by(Mentor.last_name, Mentor.first_name, Mentor.id)
        )
    )


def find_mentor(session: Session, party: Party, mentor_id: int) -> Mentor:
    """Return one mentor the party may see."""
    return policy.find(session, party, Mentor, mentor_id)


def check_mentor(details: MentorDetails, today: date) -> None:
    """Refuse what DOMAIN.md step 3 rules out, every problem at once, in plain Dutch."""
    problems = Problems()
    age = age_on(details.birth_date, today)
    if details.birth_date >= today:
        problems.add("birth_date", _l("Deze geboortedatum ligt in de toekomst."))
    elif age < MENTOR_MIN_AGE_WITH_WAIVER:
        problems.add(
            "birth_date",
            _l(
                "Een mentor is minstens 25 jaar, of 23 jaar als het partnerschap een afwijking "
                "toestaat. Deze persoon is %(age)s.",
                age=age,
            ),
        )
    elif age > MAX_PLAUSIBLE_AGE:
        problems.add("birth_date", _l("Controleer de geboortedatum."))
    if details.years_experience < MENTOR_MIN_YEARS_EXPERIENCE:
        problems.add(
            "years_experience", _l("Een mentor heeft minstens 5 jaar ervaring in het beroep.")
        )
    elif not problems.has("birth_date") and details.years_experience > age - MIN_WORKING_AGE:
        problems.add(
            "years_experience",
            _l(
                "Ervaring telt vanaf %(start)s jaar: iemand van %(age)s heeft er hoogstens "
                "%(most)s.",
                start=MIN_WORKING_AGE,
                age=age,
                most=age - MIN_WORKING_AGE,
            ),
        )
    shown = details.extract_596_2_shown_on
    if shown is not None and shown > today:
        problems.add("extract_596_2_shown_on", _l("Deze datum ligt in de toekomst."))
    problems.raise_any()


def mentor_problems_of(
    mentor: Mentor, today: date, recognition: Recognition | None = None
) -> list[MentorProblem]:
    """What still stands between this mentor and the rules of DOMAIN.md step 3.

    An age waiver is a partnership's decision for one recognition: without one in
    view, a mentor of 23 or 24 still needs it.
    """
    return mentor_problems(
        mentor.birth_date,
        mentor.years_experience,
        recognition is not None and recognition.has_mentor_age_waiver,
        mentor.extract_596_2_shown_on,
        today,
    )


def save_mentor(
    session: Session, party: Party, mentor_id: int | None, details: MentorDetails, today: date
) -> Mentor:
    """Add a mentor to the party's company, or change one of its mentors."""
    policy.require(party, Role.COMPANY)
    check_mentor(details, today)
    if mentor_id is None:
        mentor = Mentor(company_id=party.company_id)
        session.add(mentor)
    else:
        mentor = find_mentor(session, party, mentor_id)
    for name, value in vars(details).items():
        setattr(mentor, name, value)
    session.flush()
    return mentor


def assign_mentor(
    session: Session, party: Party, recognition_id: int, mentor_id: int | None
) -> Recognition:
    """Name the mentor of a recognition; a recognised one starts the training deadline."""
    policy.require(party, Role.COMPANY)
    recognition = find_recognition(session, party, recognition_id)
    mentor = None
    if mentor_id is not None:
        try:
            mentor = find_mentor(session, party, mentor_id)
        except NotFoundError:
            raise InputError("mentor_id", _l("Kies een van je mentoren.")) from None
    if recognition.mentor_id != (mentor.id if mentor else None):
        recognition.has_mentor_age_waiver = False  # it was granted for the other person
    recognition.mentor = mentor
    if (
        mentor is not None
        and recognition.status is RecognitionStatus.RECOGNISED
        and recognition.decided_at
    ):
        start_training_deadline(mentor, recognition)
    session.flush()
    return recognition


def start_training_deadline(mentor: Mentor, recognition: Recognition) -> None:
    """Keep the earliest training deadline of the mentor's recognitions (step 3)."""
    assert recognition.decided_at is not None
    if mentor.training_status in (TrainingStatus.COMPLETED, TrainingStatus.EXEMPTED):
        return
    deadline = mentor_training_deadline(
        recognition.programme.sector, day_in_belgium(recognition.decided_at)
    )
    if mentor.training_deadline is None or deadline < mentor.training_deadline:
        mentor.training_deadline = deadline
