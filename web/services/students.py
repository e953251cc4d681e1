"""A school's students: what it holds about one, given to it whole (export), and erased.

Erasure leaves no trace of the person: their login and what hangs on it, the e-mails
that speak of them, their own row; their intakes and agreements stay, without a name
and without the free text that might name them, so that counts (how many proposals a
company answered in time, how many agreements a workplace signed) stay true.

`ERASED` lists, for every column that points at a student, what erasure does with it;
a test fails when a table gains such a column without an entry here.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, joinedload

from models import (
    Agreement,
    EmailToken,
    Intake,
    LoginFailure,
    LoginNetwork,
    OutboxMessage,
    Recognition,
    Site,
    Student,
    StudentInterest,
    TrainingClockWarning,
    User,
)
from models.codecs import student_wishes_to_json
from models.enums import OPEN_INTAKE_STATUSES, IntakeStatus, Role
from web.services import policy
from web.services.errors import ConflictError, NotFoundError
from web.services.intakes import LinkTo
from web.services.intakes import withdraw as withdraw_proposal
from web.services.messages import _l
from web.services.policy import Party

# (table, column) -> what erasure does with the rows that point at the student.
ERASED = {
    ("users", "student_id"): "deleted, with their sessions, failed logins and e-mail links",
    ("intakes", "student_id"): "kept without the student, their notes emptied",
    ("agreements", "student_id"): "kept without the student",
    ("outbox", "student_id"): "deleted",
    ("student_interests", "student_id"): "deleted",
    ("training_clock_warnings", "student_id"): "deleted",
    ("allocation_lines", "student_id"): "deleted with the student (ON DELETE CASCADE)",
}


@dataclass(frozen=True)
class Erasure:
    """What one erasure removed or made anonymous, for the page and the job's log."""

    students: int = 0
    logins: int = 0
    intakes: int = 0
    agreements: int = 0
    messages: int = 0


def list_students(session: Session, party: Party) -> list[Student]:
    """The students the party may see, by name."""
    return list(
        session.scalars(
            policy.visible(party, Student)
            .options(joinedload(Student.programme))
            .order_by(Student.last_name, Student.first_name, Student.id)
        )
    )


def export_student(session: Session, party: Party, student_id: int) -> dict[str, Any]:
    """Everything the product holds about one of the school's students, as JSON data."""
    policy.require(party, Role.SCHOOL_STAFF)
    student = policy.find(session, party, Student, student_id)
    intakes = session.scalars(
        select(Intake)
        .where(Intake.student_id == student.id)
        .options(
            joinedload(Intake.recognition).joinedload(Recognition.site).joinedload(Site.company)
        )
        .order_by(Intake.id)
    ).all()
    agreements = session.scalars(
        select(Agreement).where(Agreement.student_id == student.id).order_by(Agreement.id)
    ).all()
    logins = session.scalars(select(User).where(User.student_id == student.id)).all()
    messages = session.scalars(
        select(OutboxMessage).where(OutboxMessage.student_id == student.id)
    ).all()
    return {
        "student": {
            "id": student.id,
            "first_name": student.first_name,
            "last_name": student.last_name,
            "birth_date": _day(student.birth_date),
            "home_postcode": student.home_postcode,
            "mobility": student.mobility.value,
            "wishes": student_wishes_to_json(student.wishes),
            "is_ready_for_work": student.is_ready_for_work,
            "lessons_start_date": _day(student.lessons_start_date),
            "left_on": _day(student.left_on),
            "time_up_on": _day(student.time_up_on),
            "created_at": _moment(student.created_at),
            "school": student.school.name,
            "programme": {"code": student.programme.code, "name": student.programme.name},
        },
        "intakes": [
            {
                "id": intake.id,
                "workplace": {
                    "recognition_id": intake.recognition_id,
                    "company": intake.recognition.site.company.name,
                    "site": intake.recognition.site.name,
                },
                "status": intake.status.value,
                "proposed_at": _moment(intake.proposed_at),
                "respond_by": _day(intake.respond_by),
                "answered_at": _moment(intake.answered_at),
                "scheduled_at": _moment(intake.scheduled_at),
                "location": intake.location.value,
                "location_note": intake.location_note,
                "note": intake.note,
            }
            for intake in intakes
        ],
        "agreements": [
            {
                "id": agreement.id,
                "recognition_id": agreement.recognition_id,
                "type": agreement.agreement_type.value,
                "start_date": _day(agreement.start_date),
                "end_date": _day(agreement.end_date),
                "weekly_workplace_hours": agreement.weekly_workplace_hours,
                "signed_at": _moment(agreement.signed_at),
                "ended_on": _day(agreement.ended_on),
                "end_reason": agreement.end_reason,
            }
            for agreement in agreements
        ],
        "logins": [
            {
                "email": user.email,
                "is_active": user.is_active,
                "created_at": _moment(user.created_at),
            }
            for user in logins
        ],
        "messages": [
            {
                "to": message.recipient,
                "subject": message.subject,
                "queued_at": _moment(message.created_at),
                "sent_at": _moment(message.sent_at),
            }
            for message in messages
        ],
    }


def settle_time_up(
    session: Session,
    party: Party,
    student_id: int,
    leaves: bool,
    today: date,
    now: datetime,
    link_to: LinkTo,
) -> Student:
    """The coach answers "uitgestroomd?" for a student whose 20 training days ran out
    without an agreement (DOMAIN.md step 5): the student leaves the dual track today, and
    their open proposals are withdrawn; or the student stays, and the mark goes. Nothing
    is deleted."""
    policy.require(party, Role.SCHOOL_STAFF)
    student = policy.find(session, party, Student, student_id)
    settled = session.execute(
        update(Student)
        .where(Student.id == student.id, Student.time_up_on.is_not(None), Student.left_on.is_(None))
        .values({"left_on": today} if leaves else {"time_up_on": None})
        .execution_options(synchronize_session=False)
    )
    if settled.rowcount != 1:  # type: ignore[attr-defined]
        raise ConflictError(
            _l("Over deze leerling werd intussen al beslist, of de trainingsdagen zijn niet op.")
        )
    if leaves:
        still_open = session.scalars(
            select(Intake.id).where(
                Intake.student_id == student.id, Intake.status.in_(OPEN_INTAKE_STATUSES)
            )
        ).all()
        for intake_id in still_open:
            withdraw_proposal(session, party, intake_id, now, link_to)
    session.refresh(student)
    return student


def erase_student(session: Session, party: Party, student_id: int) -> Erasure:
    """Erase one of the school's students (see the module docstring)."""
    policy.require(party, Role.SCHOOL_STAFF)
    student = policy.find(session, party, Student, student_id)
    erased = erase(session, [student.id])
    if not erased.students:  # another request erased them meanwhile
        raise NotFoundError
    return erased


def erase_students_who_left(session: Session, today: date, retention_days: int) -> Erasure:
    """Erase every student who left their school more than `retention_days` ago."""
    ids = list(
        session.scalars(
            select(Student.id).where(Student.left_on < today - timedelta(days=retention_days))
        )
    )
    return erase(session, ids) if ids else Erasure()


def erase(session: Session, student_ids: list[int]) -> Erasure:
    """Erase students by id, whoever asks (the caller checked who may)."""
    # Locking their rows first makes a proposal being made for them (which locks its
    # student too) finish before, and then it is erased with the rest, or wait and
    # find nobody; without it, PostgreSQL refuses the erasure of a student whose new
    # proposal came in meanwhile. (SQLite's writers wait for each other anyway.)
    session.execute(select(Student.id).where(Student.id.in_(student_ids)).with_for_update())
    emails = list(session.scalars(select(User.email).where(User.student_id.in_(student_ids))))
    if emails:
        # Their logins' traces: failed attempts, known networks, e-mailed links.
        session.execute(delete(LoginFailure).where(LoginFailure.email.in_(emails)))
        session.execute(delete(LoginNetwork).where(LoginNetwork.email.in_(emails)))
        session.execute(delete(EmailToken).where(EmailToken.email.in_(emails)))
    logins = _count(
        session.execute(delete(User).where(User.student_id.in_(student_ids)))  # sessions cascade
    )
    # An open proposal for someone who is gone can no longer be answered.
    session.execute(
        update(Intake)
        .where(Intake.student_id.in_(student_ids), Intake.status.in_(OPEN_INTAKE_STATUSES))
        .values(status=IntakeStatus.WITHDRAWN)
    )
    intakes = _count(
        session.execute(
            update(Intake)
            .where(Intake.student_id.in_(student_ids))
            .values(student_id=None, note=None, location_note=None)
        )
    )
    agreements = _count(
        session.execute(
            update(Agreement).where(Agreement.student_id.in_(student_ids)).values(student_id=None)
        )
    )
    messages = _count(
        session.execute(delete(OutboxMessage).where(OutboxMessage.student_id.in_(student_ids)))
    )
    session.execute(delete(StudentInterest).where(StudentInterest.student_id.in_(student_ids)))
    session.execute(
        delete(TrainingClockWarning).where(TrainingClockWarning.student_id.in_(student_ids))
    )
    students = _count(session.execute(delete(Student).where(Student.id.in_(student_ids))))
    session.expire_all()
    return Erasure(students, logins, intakes, agreements, messages)


def _count(result: Any) -> int:
    return int(result.rowcount)


def _day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _moment(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()
