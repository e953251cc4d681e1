"""Who sees what: every query for a party's rows, and every student field shown, starts here.

A `Party` is who asks: a role and the one organisation it acts for (a company, a
school, a partnership), or the student it is. `scope(party, Model)` is the SQL condition
that picks the rows of `Model` the party may see, `visible` a select of them, and `find`
one of them by id: another party's row is as absent as one that does not exist
(`NotFoundError`, a 404), so ids reveal nothing.

The rules (DOMAIN.md, "Who sees a student" and the steps):

- a company sees its own company, sites, mentors, recognitions and API keys, and a
  student only once an intake is proposed to one of its workplaces;
- a partnership consultant sees the recognitions of the programmes the partnership
  decides on, with their sites, companies and mentors; of students, only counts;
- a school sees its own students (every field), a student only themselves;
- nobody sees anything of a student in public; an admin acts for nobody.

Students are minors, so what a party may read of one is listed field by field:
`student_fields` and `student_card`, the only way a page or answer shows a student.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, exists, false, select
from sqlalchemy.orm import Session

from models import (
    Agreement,
    ApiToken,
    Company,
    Intake,
    Mentor,
    Programme,
    Recognition,
    School,
    Site,
    Student,
)
from models.enums import IntakeStatus, Role
from models.rules import age_on
from web.services.errors import NotFoundError

Row = TypeVar("Row")


@dataclass(frozen=True)
class Party:
    """Who is asking: a role and the ids of what it acts for (None where not tied)."""

    role: Role
    company_id: int | None = None
    school_id: int | None = None
    student_id: int | None = None
    partnership_id: int | None = None
    user_id: int | None = None

    @classmethod
    def of_company(cls, company_id: int) -> "Party":
        """The company a bearer token acts for."""
        return cls(Role.COMPANY, company_id=company_id)


def _company_recognitions(company_id: int) -> ColumnElement[bool]:
    return Recognition.site_id.in_(select(Site.id).where(Site.company_id == company_id))


def _partnership_recognitions(partnership_id: int) -> ColumnElement[bool]:
    return Recognition.programme_id.in_(
        select(Programme.id).where(Programme.partnership_id == partnership_id)
    )


def _intake_to_company(company_id: int) -> ColumnElement[bool]:
    """Some intake of this student was proposed to one of the company's workplaces."""
    return exists().where(
        Intake.student_id == Student.id,
        Intake.recognition_id.in_(select(Recognition.id).where(_company_recognitions(company_id))),
    )


def scope(party: Party, model: type[Any]) -> ColumnElement[bool]:
    """The SQL condition that picks the rows of `model` the party may see."""
    role, company, school = party.role, party.company_id, party.school_id
    partnership, student = party.partnership_id, party.student_id
    if role is Role.COMPANY and company is not None:
        rules: dict[type[Any], ColumnElement[bool]] = {
            Company: Company.id == company,
            Site: Site.company_id == company,
            Mentor: Mentor.company_id == company,
            Recognition: _company_recognitions(company),
            ApiToken: ApiToken.company_id == company,
            Student: _intake_to_company(company),
            Intake: Intake.recognition_id.in_(
                select(Recognition.id).where(_company_recognitions(company))
            ),
            Agreement: Agreement.recognition_id.in_(
                select(Recognition.id).where(_company_recognitions(company))
            ),
        }
    elif role is Role.CONSULTANT and partnership is not None:
        decided = select(Recognition).where(_partnership_recognitions(partnership))
        rules = {
            Recognition: _partnership_recognitions(partnership),
            Site: Site.id.in_(decided.with_only_columns(Recognition.site_id)),
            Company: Company.id.in_(
                select(Site.company_id).where(
                    Site.id.in_(decided.with_only_columns(Recognition.site_id))
                )
            ),
            Mentor: Mentor.id.in_(decided.with_only_columns(Recognition.mentor_id)),
        }
    elif role is Role.SCHOOL_STAFF and school is not None:
        rules = {
            School: School.id == school,
            Student: Student.school_id == school,
            Intake: Intake.student_id.in_(select(Student.id).where(Student.school_id == school)),
            Agreement: Agreement.student_id.in_(
                select(Student.id).where(Student.school_id == school)
            ),
        }
    elif role is Role.STUDENT and student is not None:
        rules = {
            Student: Student.id == student,
            School: School.id.in_(select(Student.school_id).where(Student.id == student)),
            Intake: Intake.student_id == student,
            Agreement: Agreement.student_id == student,
        }
    else:
        rules = {}
    return rules.get(model, false())


def require(party: Party, *roles: Role) -> None:
    """Refuse a party that may see a row but not act on it (a consultant reads a
    company's recognition; only the company keeps its places): as absent, a 404."""
    if party.role not in roles:
        raise NotFoundError


def visible(party: Party, model: type[Row]) -> Select[Row]:
    """Select the rows of `model` the party may see."""
    return select(model).where(scope(party, model))


def find(session: Session, party: Party, model: type[Row], row_id: int, *options: Any) -> Row:
    """Return one row the party may see, or raise `NotFoundError`."""
    primary_key = model.__mapper__.primary_key[0]  # type: ignore[attr-defined]
    row = session.scalar(visible(party, model).where(primary_key == row_id).options(*options))
    if row is None:
        raise NotFoundError
    return row


# --- What each party may read of a student ------------------------------------------

STUDENT_FIELDS = (
    "first_name",
    "last_name",
    "birth_date",
    "age",
    "home_postcode",
    "mobility",
    "wishes",
    "start_wish",
    "is_ready_for_work",
    "lessons_start_date",
    "programme",
    "school",
)
# DOMAIN.md: a company to which an intake is proposed sees the minimum; contact goes
# through the coach, so never the birth date, the address or the student's own contacts.
FOR_A_COMPANY = frozenset({"first_name", "programme", "school", "age", "start_wish"})
# ... and the last name once it has accepted the intake.
LAST_NAME_FROM = frozenset({IntakeStatus.ACCEPTED})


def student_fields(party: Party, student: Student, intake: Intake | None = None) -> frozenset[str]:
    """The fields of `student` this party may read (an intake: the one it is shown for)."""
    if party.role is Role.SCHOOL_STAFF and party.school_id == student.school_id:
        return frozenset(STUDENT_FIELDS)
    if party.role is Role.STUDENT and party.student_id == student.id:
        return frozenset(STUDENT_FIELDS)
    if (
        party.role is Role.COMPANY
        and intake is not None
        and intake.student_id == student.id
        and intake.recognition.site.company_id == party.company_id
    ):
        if intake.status in LAST_NAME_FROM:
            return FOR_A_COMPANY | {"last_name"}
        return FOR_A_COMPANY
    return frozenset()


@dataclass(frozen=True)
class StudentCard:
    """A student as one party may see them: what it may not read is None."""

    id: int
    first_name: str | None = None
    last_name: str | None = None
    birth_date: date | None = None
    age: int | None = None
    home_postcode: str | None = None
    mobility: str | None = None
    wishes: Any = None
    start_wish: date | None = None
    is_ready_for_work: bool | None = None
    lessons_start_date: date | None = None
    programme: str | None = None
    school: str | None = None


def student_card(
    party: Party, student: Student, today: date, intake: Intake | None = None
) -> StudentCard:
    """Copy only the fields of `student` that this party may read."""
    allowed = student_fields(party, student, intake)
    values: dict[str, Any] = {
        "first_name": student.first_name,
        "last_name": student.last_name,
        "birth_date": student.birth_date,
        "age": age_on(student.birth_date, today),
        "home_postcode": student.home_postcode,
        "mobility": student.mobility.value,
        "wishes": student.wishes,
        "start_wish": student.wishes.start_date,
        "is_ready_for_work": student.is_ready_for_work,
        "lessons_start_date": student.lessons_start_date,
        "programme": student.programme.name,
        "school": student.school.name,
    }
    shown: dict[str, Any] = {k: v for k, v in values.items() if k in allowed}
    return StudentCard(id=student.id, **shown)
