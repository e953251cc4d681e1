"""From a match to a contract: intake interviews and agreements."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, str_enum, utcnow
from models.enums import AgreementType, IntakeLocation, IntakeStatus
from models.people import Student
from models.workplaces import Recognition


class Intake(Base):
    """An intake interview proposed between a student and a recognised workplace."""

    __tablename__ = "intakes"

    id: Mapped[int] = mapped_column(primary_key=True)
    # None once the student is erased: the intake still counts, anonymously.
    student_id: Mapped[int | None] = mapped_column(ForeignKey("students.id"), index=True)
    recognition_id: Mapped[int] = mapped_column(ForeignKey("recognitions.id"), index=True)
    status: Mapped[IntakeStatus] = mapped_column(
        str_enum(IntakeStatus, "intake_status"), default=IntakeStatus.PROPOSED
    )
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    proposed_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Companies that never answer are the most heard complaint: every proposal has a deadline.
    respond_by: Mapped[date]
    answered_at: Mapped[datetime | None]
    scheduled_at: Mapped[datetime | None]
    location: Mapped[IntakeLocation] = mapped_column(
        str_enum(IntakeLocation, "intake_location"), default=IntakeLocation.SCHOOL
    )
    location_note: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)

    student: Mapped[Student | None] = relationship()
    recognition: Mapped[Recognition] = relationship()


class Agreement(Base):
    """The contract between company, learner and school (DOMAIN.md step 6)."""

    __tablename__ = "agreements"
    __table_args__ = (
        CheckConstraint("end_date IS NULL OR end_date > start_date", name="ends_after_start"),
        CheckConstraint(
            "weekly_workplace_hours > 0 AND weekly_workplace_hours <= 40",
            name="weekly_workplace_hours_in_week",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # None once the student is erased: the agreement still counts, anonymously.
    student_id: Mapped[int | None] = mapped_column(ForeignKey("students.id"), index=True)
    recognition_id: Mapped[int] = mapped_column(ForeignKey("recognitions.id"), index=True)
    agreement_type: Mapped[AgreementType] = mapped_column(str_enum(AgreementType, "agreement_type"))
    start_date: Mapped[date]
    end_date: Mapped[date | None]
    weekly_workplace_hours: Mapped[float]
    signed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    student: Mapped[Student | None] = relationship()
    recognition: Mapped[Recognition] = relationship()
