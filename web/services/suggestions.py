"""Ranked workplaces for one student: the public search, asked on the student's behalf.

The query is the one a student would type: their programme, from their home postcode,
with their way of travelling and its usual radius, their age and wishes; only
workplaces with a free place, and the search widens when too few are near. What the
student went through already is left out: a workplace that declined them or found no
match in an interview, and one with a proposal still open (or an interview planned or a
match), since a second proposal there cannot be made. Beside each workplace stands how
its company answers proposals (`intakes.response_records`).
"""

from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from matcher import (
    DEFAULT_RADIUS_KM,
    Gazetteer,
    InvalidQueryError,
    SearchQuery,
    UnknownPostcodeError,
)
from models import Intake, Student
from models.enums import IntakeOutcome, IntakeStatus, Role
from models.rules import age_on
from web.services import policy
from web.services.intakes import ResponseRecord, response_records
from web.services.policy import Party
from web.services.search import Origin, WorkplaceHit, origin_from_postcode, search_workplaces
from web.services.search_index import IndexState

SHOWN = 10  # suggestions per student
# Proposals after which a workplace is no suggestion any more: the company said no, the
# interview found no match, or something is still running there.
ENDED_FOR_GOOD = frozenset({IntakeStatus.DECLINED})
STILL_RUNNING = frozenset({IntakeStatus.PROPOSED, IntakeStatus.COUNTERED, IntakeStatus.ACCEPTED})


@dataclass(frozen=True)
class Suggestion:
    """One workplace for the student, and how its company answers proposals."""

    hit: WorkplaceHit
    record: ResponseRecord | None  # None: it never had a proposal to answer


@dataclass(frozen=True)
class Suggestions:
    """The suggestions for one student, and the search they come from."""

    origin: Origin | None  # None: the student's postcode is not in the gazetteer
    radius_km: float
    widened: bool
    items: list[Suggestion]
    left_out: int  # workplaces the search found that this student's history leaves out


def left_out_workplaces(session: Session, party: Party, student_id: int) -> set[int]:
    """The recognitions not to suggest to a student again (see the module docstring)."""
    rows = session.execute(
        select(Intake.recognition_id, Intake.status, Intake.outcome).where(
            policy.scope(party, Intake), Intake.student_id == student_id
        )
    )
    return {
        recognition_id
        for recognition_id, status, outcome in rows
        if status in ENDED_FOR_GOOD
        or (status in STILL_RUNNING and outcome in (None, IntakeOutcome.MATCH))
        or outcome is IntakeOutcome.NO_MATCH
    }


def student_query(student: Student, lat: float, lon: float, day: date, limit: int) -> SearchQuery:
    """The search a student would make on `day` from (lat, lon), with their age and wishes."""
    wishes = student.wishes
    try:
        wishes = replace(wishes, age=age_on(student.birth_date, day))
    except InvalidQueryError:  # an age the engine does not take: leave it out
        wishes = replace(wishes, age=None)
    mobility = student.mobility.value
    return SearchQuery(
        programme=student.programme.code,
        lat=lat,
        lon=lon,
        day=day,
        radius_km=DEFAULT_RADIUS_KM[mobility],
        mobility=mobility,
        only_available=True,
        limit=limit,
        widen=True,
        wishes=wishes,
    )


def suggest_workplaces(
    session: Session,
    party: Party,
    student_id: int,
    state: IndexState,
    gazetteer: Gazetteer,
    today: date,
    shown: int = SHOWN,
) -> Suggestions:
    """Rank the workplaces for one of the school's students, best first."""
    policy.require(party, Role.SCHOOL_STAFF)
    student = policy.find(session, party, Student, student_id, joinedload(Student.programme))
    try:
        origin = origin_from_postcode(gazetteer.get(student.home_postcode))
    except UnknownPostcodeError:
        return Suggestions(None, 0.0, False, [], 0)
    skip = left_out_workplaces(session, party, student.id)
    query = student_query(student, origin.lat, origin.lon, today, limit=shown + len(skip))
    page = search_workplaces(state, query, origin)
    hits = [hit for hit in page.hits if hit.recognition_id not in skip]
    records = response_records(session, {hit.company_id for hit in hits[:shown]})
    return Suggestions(
        origin=origin,
        radius_km=page.radius_km,
        widened=page.widened,
        items=[Suggestion(hit, records.get(hit.company_id)) for hit in hits[:shown]],
        left_out=len(page.hits) - len(hits),
    )
