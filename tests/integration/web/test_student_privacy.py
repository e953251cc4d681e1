"""Who sees a student (DOMAIN.md): every student field, read through every kind of party.

A school sees its own students whole, a student only themselves; a company sees the
minimum once an intake is proposed to one of its workplaces, and the last name once it
accepted; a partnership, an admin, another school, another company and another student
see nothing. The same policy scopes the queries: a party that may not read a student
does not find them at all.
"""

from dataclasses import dataclass, fields
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher import StudentWishes
from models import Intake, Student
from models.base import today_in_belgium
from models.enums import IntakeStatus, Role
from models.rules import age_on
from tests import factories
from web.services import policy
from web.services.policy import STUDENT_FIELDS, Party, StudentCard

EVERYTHING = frozenset(STUDENT_FIELDS)
FOR_A_COMPANY = frozenset({"first_name", "programme", "school", "age", "start_wish"})
NOTHING: frozenset[str] = frozenset()


@dataclass
class World:
    student: Student
    intake: Intake
    parties: dict[str, Party]


@pytest.fixture
def world(session: Session) -> World:
    school = factories.school(session, name="VTI Kortrijk")
    student = factories.student(
        session,
        school=school,
        birth_date=date(2010, 3, 3),
        lessons_start_date=date(2026, 9, 1),
        wishes=StudentWishes(start_date=date(2026, 9, 1), company_size="klein"),
    )
    other_student = factories.student(session, first_name="Ruben")
    recognition = factories.recognition(session)
    intake = Intake(
        student_id=student.id,
        recognition_id=recognition.id,
        respond_by=today_in_belgium(),
        note="Lotte is gemotiveerd.",
    )
    session.add(intake)
    session.flush()
    parties = {
        "own school": Party(Role.SCHOOL_STAFF, school_id=school.id),
        "other school": Party(Role.SCHOOL_STAFF, school_id=factories.school(session).id),
        "the student": Party(Role.STUDENT, student_id=student.id),
        "another student": Party(Role.STUDENT, student_id=other_student.id),
        "company with the intake": Party.of_company(recognition.site.company_id),
        "another company": Party.of_company(factories.company(session).id),
        "consultant": Party(Role.CONSULTANT, partnership_id=factories.partnership(session).id),
        "admin": Party(Role.ADMIN),
    }
    return World(student, intake, parties)


EXPECTED_BEFORE_ACCEPTING = {
    "own school": EVERYTHING,
    "other school": NOTHING,
    "the student": EVERYTHING,
    "another student": NOTHING,
    "company with the intake": FOR_A_COMPANY,
    "another company": NOTHING,
    "consultant": NOTHING,
    "admin": NOTHING,
}


def shown(card: StudentCard) -> frozenset[str]:
    return frozenset(
        f.name for f in fields(card) if f.name != "id" and getattr(card, f.name) is not None
    )


@pytest.mark.parametrize("who", sorted(EXPECTED_BEFORE_ACCEPTING))
@pytest.mark.parametrize("field", STUDENT_FIELDS)
def test_each_student_field_through_each_party(world: World, who: str, field: str) -> None:
    party = world.parties[who]
    allowed = policy.student_fields(party, world.student, world.intake)
    card = policy.student_card(party, world.student, today_in_belgium(), world.intake)
    expected = field in EXPECTED_BEFORE_ACCEPTING[who]
    assert (field in allowed) is expected
    assert (getattr(card, field) is not None) is expected


@pytest.mark.parametrize("status", [IntakeStatus.ACCEPTED])
def test_a_company_sees_the_last_name_once_it_accepted(world: World, status: IntakeStatus) -> None:
    world.intake.status = status
    party = world.parties["company with the intake"]
    card = policy.student_card(party, world.student, today_in_belgium(), world.intake)
    assert shown(card) == FOR_A_COMPANY | {"last_name"}
    assert card.last_name == world.student.last_name


@pytest.mark.parametrize("status", [IntakeStatus.PROPOSED, IntakeStatus.DECLINED])
def test_never_the_birth_date_address_or_contact_for_a_company(
    world: World, status: IntakeStatus
) -> None:
    world.intake.status = status
    party = world.parties["company with the intake"]
    card = policy.student_card(party, world.student, today_in_belgium(), world.intake)
    assert card.birth_date is None
    assert card.home_postcode is None
    assert card.wishes is None
    assert card.age == age_on(world.student.birth_date, today_in_belgium())


def test_a_company_reads_nothing_through_another_companys_intake(world: World) -> None:
    party = world.parties["another company"]
    card = policy.student_card(party, world.student, today_in_belgium(), world.intake)
    assert shown(card) == NOTHING


@pytest.mark.parametrize("who", sorted(EXPECTED_BEFORE_ACCEPTING))
def test_only_who_may_read_a_student_finds_them(world: World, session: Session, who: str) -> None:
    found = session.scalars(
        policy.visible(world.parties[who], Student).where(Student.id == world.student.id)
    ).all()
    assert bool(found) is bool(EXPECTED_BEFORE_ACCEPTING[who])


def test_a_school_lists_only_its_own_students(world: World, session: Session) -> None:
    party = world.parties["own school"]
    ids = set(session.scalars(select(Student.id).where(policy.scope(party, Student))))
    assert ids == {world.student.id}
