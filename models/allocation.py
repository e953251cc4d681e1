"""Cohort allocation runs: a coach's draft of who goes where, kept as it was computed.

A run stores what it was computed from (the instance in the JSON form of
docs/allocation.md, and the lottery's seed) beside its result, one line per student, so
that anyone can solve it again and find the same lines. Nothing in a run is sent to a
company: a line becomes an intake proposal only when the coach confirms it.
"""

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, str_enum, utcnow
from models.intake import Intake
from models.people import School, Student, User
from models.reference import Programme
from models.workplaces import Recognition


class Placement(enum.StrEnum):
    """What a run did with one student, and if nothing, why."""

    PLACED = "placed"
    NOT_READY = "not_ready"  # no advice of readiness for work from the class council yet
    OPEN_LIMIT = "open_limit"  # already at the most open proposals a student may have
    HAS_AGREEMENT = "has_agreement"  # an agreement runs or waits for its signatures
    LEFT_SCHOOL = "left_school"
    NO_CHOICES = "no_choices"  # no workplace with a free place to rank
    OUTRANKED = "outranked"  # every choice filled with students it ranks higher


class AllocationRun(Base):
    """One allocation of a school's students of one programme, as the coach ran it."""

    __tablename__ = "allocation_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"))
    coach_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The lottery that orders students a workplace likes equally (web/services/allocation.py).
    seed: Mapped[str] = mapped_column(String(32))
    # The rankings and capacities solved, in the command line's JSON form.
    instance: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    school: Mapped[School] = relationship()
    programme: Mapped[Programme] = relationship()
    coach: Mapped[User | None] = relationship()
    lines: Mapped[list["AllocationLine"]] = relationship(
        back_populates="run", cascade="all, delete-orphan", order_by="AllocationLine.id"
    )


class AllocationLine(Base):
    """One student of a run: the workplace found, or why none, and the ranks behind it.

    Ranks count from 1: `student_rank` is the workplace's place in the student's list of
    `n_choices`, `workplace_rank` the student's place among the workplace's
    `n_applicants` (those who listed it). `misfits` are the workplace's intake
    preferences the student does not meet, as [code, value] pairs (matcher.Check).
    """

    __tablename__ = "allocation_lines"
    __table_args__ = (
        UniqueConstraint("run_id", "student_id"),
        CheckConstraint(
            "(placement = 'placed') = (recognition_id IS NOT NULL)",
            name="placed_has_a_workplace",
        ),
        CheckConstraint(
            "intake_id IS NULL OR placement = 'placed'", name="only_placed_is_proposed"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(
        ForeignKey("allocation_runs.id", ondelete="CASCADE"), index=True
    )
    student_id: Mapped[int] = mapped_column(
        ForeignKey("students.id", ondelete="CASCADE"), index=True
    )
    placement: Mapped[Placement] = mapped_column(str_enum(Placement, "placement"))
    recognition_id: Mapped[int | None] = mapped_column(ForeignKey("recognitions.id"))
    lottery: Mapped[int]  # the student's number in the run's lottery, 1 first
    n_choices: Mapped[int] = mapped_column(default=0)
    student_rank: Mapped[int | None]
    workplace_rank: Mapped[int | None]
    n_applicants: Mapped[int | None]
    misfits: Mapped[list[Any]] = mapped_column(JSON, default=list)
    # The proposal the coach made from this line: at most one, whatever is clicked twice.
    intake_id: Mapped[int | None] = mapped_column(
        ForeignKey("intakes.id", ondelete="SET NULL"), unique=True
    )

    run: Mapped[AllocationRun] = relationship(back_populates="lines")
    student: Mapped[Student] = relationship()
    recognition: Mapped[Recognition | None] = relationship()
    intake: Mapped[Intake | None] = relationship()
