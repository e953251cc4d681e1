"""Workplaces a student marks as *Interessant* in the search: their coach sees them as the
student's wishes (issue 12, item 7).

Only a signed-in student marks, for themselves; what others see of the marks goes
through `policy` (a school its own students', a company nothing). Marking says what the
student wants ("interested" or not) rather than flipping it, so a double click or a
second tab leaves the same single mark, never an error: the row's primary key is the
pair, and a mark that another request made a moment earlier counts as made.
"""

from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import ColumnElement, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from models import Recognition, Site, Student, StudentInterest
from models.enums import Role
from models.rules import is_recognition_valid
from web.services import policy
from web.services.errors import NotFoundError
from web.services.policy import Party


def _of_visible_students(party: Party) -> ColumnElement[bool]:
    """SQL: an interest of a student the party may see."""
    return StudentInterest.student_id.in_(
        policy.visible(party, Student).with_only_columns(Student.id)
    )


def list_interests(session: Session, party: Party) -> list[StudentInterest]:
    """The marks the party may see, the newest first, with their workplaces."""
    return list(
        session.scalars(
            select(StudentInterest)
            .where(_of_visible_students(party))
            .options(
                joinedload(StudentInterest.recognition).options(
                    joinedload(Recognition.site).options(
                        joinedload(Site.company), joinedload(Site.place)
                    ),
                    joinedload(Recognition.programme),
                )
            )
            .order_by(StudentInterest.created_at.desc(), StudentInterest.recognition_id)
        )
    )


def marked_among(session: Session, party: Party, recognition_ids: Iterable[int]) -> set[int]:
    """Which of these workplaces the party (a student) marked."""
    ids = list(recognition_ids)
    if party.role is not Role.STUDENT or not ids:
        return set()
    return set(
        session.scalars(
            select(StudentInterest.recognition_id).where(
                StudentInterest.student_id == party.student_id,
                StudentInterest.recognition_id.in_(ids),
            )
        )
    )


def mark(session: Session, party: Party, recognition_id: int, today: date, now: datetime) -> None:
    """Mark a workplace the search shows today (else `NotFoundError`); marked already is fine."""
    policy.require(party, Role.STUDENT)
    recognition = session.get(Recognition, recognition_id)
    if recognition is None or not is_recognition_valid(
        recognition.status, recognition.valid_until, today
    ):
        raise NotFoundError
    student_id = party.student_id
    if session.get(StudentInterest, (student_id, recognition_id)) is not None:
        return
    try:
        # A savepoint: the same mark made meanwhile (another tab) fails this insert
        # alone, and the mark stands as wished.
        with session.begin_nested():
            session.add(
                StudentInterest(
                    student_id=student_id, recognition_id=recognition_id, created_at=now
                )
            )
    except IntegrityError:
        if session.get(StudentInterest, (student_id, recognition_id)) is None:
            raise  # not the mark: the workplace or the student is gone


def unmark(session: Session, party: Party, recognition_id: int) -> None:
    """Remove a student's mark of a workplace, if there is one (also of one no longer shown)."""
    policy.require(party, Role.STUDENT)
    session.execute(
        delete(StudentInterest).where(
            StudentInterest.student_id == party.student_id,
            StudentInterest.recognition_id == recognition_id,
        )
    )
