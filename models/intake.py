"""From a match to a contract: intake interviews and agreements."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, str_enum, utcnow
from models.enums import (
    AgreementType,
    DeclineReason,
    IntakeLocation,
    IntakeOutcome,
    IntakeStatus,
)
from models.people import Student, User
from models.workplaces import Mentor, Recognition

OPEN_OR_PLANNED = "status IN ('proposed', 'countered') OR (status = 'accepted' AND outcome IS NULL)"


class Intake(Base):
    """An intake interview a school's coach proposes between a student and a workplace.

    Every change of `status` goes through web/services/intakes.py, as a conditional
    update: of two people acting at once, one wins and the other is told.
    """

    __tablename__ = "intakes"
    __table_args__ = (
        # One open proposal (or planned interview) per student and workplace.
        Index(
            "uq_intakes_open_per_student_workplace",
            "student_id",
            "recognition_id",
            unique=True,
            sqlite_where=text(OPEN_OR_PLANNED),
            postgresql_where=text(OPEN_OR_PLANNED),
        ),
        CheckConstraint("outcome IS NULL OR status = 'accepted'", name="outcome_once_accepted"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # None once the student is erased: the intake still counts, anonymously.
    student_id: Mapped[int | None] = mapped_column(ForeignKey("students.id"), index=True)
    recognition_id: Mapped[int] = mapped_column(ForeignKey("recognitions.id"), index=True)
    status: Mapped[IntakeStatus] = mapped_column(
        str_enum(IntakeStatus, "intake_status"), default=IntakeStatus.PROPOSED, index=True
    )
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    proposed_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Companies that never answer are the most heard complaint: every proposal has a deadline.
    respond_by: Mapped[date] = mapped_column(index=True)
    answered_at: Mapped[datetime | None]  # the company's first answer
    reminded_at: Mapped[datetime | None]  # the company was reminded of the deadline
    scheduled_at: Mapped[datetime | None]  # the slot agreed on
    location: Mapped[IntakeLocation] = mapped_column(
        str_enum(IntakeLocation, "intake_location"), default=IntakeLocation.SCHOOL
    )
    location_note: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)  # the coach's note to the company
    decline_reason: Mapped[DeclineReason | None] = mapped_column(
        str_enum(DeclineReason, "decline_reason")
    )
    company_note: Mapped[str | None] = mapped_column(Text)  # why it declines, or with a counter
    outcome: Mapped[IntakeOutcome | None] = mapped_column(str_enum(IntakeOutcome, "intake_outcome"))
    outcome_note: Mapped[str | None] = mapped_column(Text)
    outcome_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    student: Mapped[Student | None] = relationship()
    recognition: Mapped[Recognition] = relationship()
    proposed_by: Mapped[User | None] = relationship()
    slots: Mapped[list["IntakeSlot"]] = relationship(
        back_populates="intake", order_by="IntakeSlot.starts_at", cascade="all, delete-orphan"
    )


class IntakeSlot(Base):
    """A time offered for an intake interview: by the coach, or by the company in return."""

    __tablename__ = "intake_slots"

    id: Mapped[int] = mapped_column(primary_key=True)
    intake_id: Mapped[int] = mapped_column(ForeignKey("intakes.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime]
    offered_by: Mapped[str] = mapped_column(String(10))  # "school" or "company"

    intake: Mapped[Intake] = relationship(back_populates="slots")


class StudentInterest(Base):
    """A workplace a student marked as interesting in the search: their coach sees it."""

    __tablename__ = "student_interests"

    student_id: Mapped[int] = mapped_column(
        ForeignKey("students.id", ondelete="CASCADE"), primary_key=True
    )
    recognition_id: Mapped[int] = mapped_column(ForeignKey("recognitions.id"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    recognition: Mapped[Recognition] = relationship()


class Announcement(Base):
    """A company tells the schools nearby that a workplace has a free place (step 4)."""

    __tablename__ = "announcements"

    id: Mapped[int] = mapped_column(primary_key=True)
    recognition_id: Mapped[int] = mapped_column(ForeignKey("recognitions.id"), index=True)
    message: Mapped[str] = mapped_column(Text)
    radius_km: Mapped[float]
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    recognition: Mapped[Recognition] = relationship()


class Agreement(Base):
    """The contract between company, learner and school (DOMAIN.md step 6).

    It starts from an interview recorded as a match; company and school each confirm it,
    and it is signed when both have. Signing takes one free place of the workplace, in
    the same transaction; ending it early gives the place back.
    """

    __tablename__ = "agreements"
    __table_args__ = (
        CheckConstraint("end_date > start_date", name="ends_after_start"),
        CheckConstraint(
            "weekly_workplace_hours > 0 AND weekly_workplace_hours <= 40",
            name="weekly_workplace_hours_in_week",
        ),
        CheckConstraint(
            "signed_at IS NULL OR (company_confirmed_at IS NOT NULL "
            "AND school_confirmed_at IS NOT NULL)",
            name="signed_once_both_confirmed",
        ),
        CheckConstraint(
            "ended_on IS NULL OR (signed_at IS NOT NULL AND ended_on >= start_date)",
            name="ended_once_signed",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # None once the student is erased: the agreement still counts, anonymously.
    student_id: Mapped[int | None] = mapped_column(ForeignKey("students.id"), index=True)
    recognition_id: Mapped[int] = mapped_column(ForeignKey("recognitions.id"), index=True)
    intake_id: Mapped[int | None] = mapped_column(ForeignKey("intakes.id"), unique=True)
    mentor_id: Mapped[int | None] = mapped_column(
        ForeignKey("mentors.id", ondelete="SET NULL"), index=True
    )
    agreement_type: Mapped[AgreementType] = mapped_column(str_enum(AgreementType, "agreement_type"))
    start_date: Mapped[date]
    end_date: Mapped[date]  # as agreed (an OAO lasts at most 3 years)
    weekly_workplace_hours: Mapped[float]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    company_confirmed_at: Mapped[datetime | None]
    company_confirmed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    school_confirmed_at: Mapped[datetime | None]
    school_confirmed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    signed_at: Mapped[datetime | None]
    ended_on: Mapped[date | None]  # ended early on this day
    end_reason: Mapped[str | None] = mapped_column(Text)

    student: Mapped[Student | None] = relationship()
    recognition: Mapped[Recognition] = relationship()
    intake: Mapped[Intake | None] = relationship()
    mentor: Mapped[Mentor | None] = relationship()
    company_confirmed_by: Mapped[User | None] = relationship(foreign_keys=[company_confirmed_by_id])
    school_confirmed_by: Mapped[User | None] = relationship(foreign_keys=[school_confirmed_by_id])


class SchoolDayOff(Base):
    """A day off a school picks itself (a study day): no training day for its learners."""

    __tablename__ = "school_days_off"

    school_id: Mapped[int] = mapped_column(
        ForeignKey("schools.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(primary_key=True)
    reason: Mapped[str] = mapped_column(String(120), default="")


class TrainingClockWarning(Base):
    """A warning about a student's 20-training-day clock, written once per threshold.

    `clock_start` is where the clock started (lessons, or the end of an agreement): a new
    start warns anew.
    """

    __tablename__ = "training_clock_warnings"

    student_id: Mapped[int] = mapped_column(
        ForeignKey("students.id", ondelete="CASCADE"), primary_key=True
    )
    clock_start: Mapped[date] = mapped_column(primary_key=True)
    days_left: Mapped[int] = mapped_column(primary_key=True)  # 10, 5 or 0
    warned_at: Mapped[datetime] = mapped_column(default=utcnow)
