"""The supply side: companies, their sites, recognitions and mentors."""

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint, case, false
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql.elements import ColumnElement

from matcher import IntakePreferences
from models.base import BELGIUM, Base, day_in_belgium, str_enum, utcnow
from models.codecs import IntakePreferencesType
from models.enums import RecognitionStatus, TrainingStatus
from models.reference import Postcode, Programme
from models.rules import STALE_AFTER_DAYS, is_available_now


class Company(Base):
    """A legal entity, identified by its KBO enterprise number."""

    __tablename__ = "companies"
    __table_args__ = (
        CheckConstraint(
            "length(kbo_number) = 10 AND substr(kbo_number, 1, 1) IN ('0', '1')",
            name="kbo_number_has_10_digits",
        ),
        CheckConstraint("n_employees IS NULL OR n_employees >= 0", name="n_employees_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kbo_number: Mapped[str] = mapped_column(String(10), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    website: Mapped[str | None] = mapped_column(String(200))
    n_employees: Mapped[int | None]
    # DOMAIN.md step 1: the company's sworn yes/no per condition; the product never judges.
    declares_activities: Mapped[bool] = mapped_column(default=False)
    declares_financial_capacity: Mapped[bool] = mapped_column(default=False)
    declares_organisation: Mapped[bool] = mapped_column(default=False)
    declares_no_convictions: Mapped[bool] = mapped_column(default=False)
    declares_commitments: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    sites: Mapped[list["Site"]] = relationship(back_populates="company")
    mentors: Mapped[list["Mentor"]] = relationship(back_populates="company")


class Site(Base):
    """One establishment ("vestiging") of a company, at its own address."""

    __tablename__ = "sites"
    __table_args__ = (
        CheckConstraint("lat BETWEEN -90 AND 90 AND lon BETWEEN -180 AND 180", name="coordinates"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    street: Mapped[str] = mapped_column(String(200))
    postcode: Mapped[str] = mapped_column(ForeignKey("postcodes.postcode"), index=True)
    lat: Mapped[float]
    lon: Mapped[float]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # A removed site stays for the history of its recognitions, hidden from its company's
    # lists and from search; only a site without a running recognition is removed.
    removed_at: Mapped[datetime | None]

    company: Mapped[Company] = relationship(back_populates="sites")
    place: Mapped[Postcode] = relationship()
    recognitions: Mapped[list["Recognition"]] = relationship(back_populates="site")


class Mentor(Base):
    """The employee who coaches the learner (DOMAIN.md step 3).

    Only *that* a 596.2 criminal-record extract was shown, and when, is stored: never
    the document, never a national register number.
    """

    __tablename__ = "mentors"
    __table_args__ = (
        CheckConstraint("years_experience >= 0", name="years_experience_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), index=True)
    first_name: Mapped[str] = mapped_column(String(80))
    last_name: Mapped[str] = mapped_column(String(80))
    email: Mapped[str | None] = mapped_column(String(254))
    birth_date: Mapped[date]
    years_experience: Mapped[int]
    extract_596_2_shown_on: Mapped[date | None]
    training_status: Mapped[TrainingStatus] = mapped_column(
        str_enum(TrainingStatus, "training_status"), default=TrainingStatus.NOT_STARTED
    )
    training_deadline: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    company: Mapped[Company] = relationship(back_populates="mentors")


class Recognition(Base):
    """Permission for one site to train for one programme, and its advertised places.

    The places, free places, start date and intake preferences are the company's own
    claim, not official data: they carry a last-confirmed time and go stale.
    """

    __tablename__ = "recognitions"
    __table_args__ = (
        UniqueConstraint("site_id", "programme_id", name="uq_recognitions_site_programme"),
        CheckConstraint("n_places >= 0", name="n_places_not_negative"),
        CheckConstraint(
            "n_free_places >= 0 AND n_free_places <= n_places", name="n_free_places_within_places"
        ),
        CheckConstraint(
            "status = 'requested' OR decided_at IS NOT NULL", name="decided_has_a_decision_time"
        ),
        CheckConstraint(
            "status NOT IN ('recognised', 'expired', 'withdrawn') OR valid_until IS NOT NULL",
            name="decided_has_validity",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"))
    mentor_id: Mapped[int | None] = mapped_column(
        ForeignKey("mentors.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[RecognitionStatus] = mapped_column(
        str_enum(RecognitionStatus, "recognition_status"), default=RecognitionStatus.REQUESTED
    )
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    decision_reason: Mapped[str | None] = mapped_column(Text)
    valid_until: Mapped[date | None]  # decision + 5 years: the day it expires (DOMAIN.md step 2)
    n_places: Mapped[int] = mapped_column(default=0)
    n_free_places: Mapped[int] = mapped_column(default=0)
    available_from: Mapped[date | None]
    intake_preferences: Mapped[IntakePreferences] = mapped_column(
        IntakePreferencesType, default=IntakePreferences
    )
    last_confirmed_at: Mapped[datetime | None]
    is_at_risk: Mapped[bool] = mapped_column(default=False)  # mentor training deadline missed
    # The deciding partnership allowed this recognition's mentor to be 23 or 24 (step 3):
    # a waiver belongs to one partnership's decision, not to the person.
    has_mentor_age_waiver: Mapped[bool] = mapped_column(default=False, server_default=false())
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    site: Mapped[Site] = relationship(back_populates="recognitions")
    programme: Mapped[Programme] = relationship()
    mentor: Mapped[Mentor | None] = relationship()


def valid_on(day: date) -> ColumnElement[bool]:
    """SQL: the recognition allows training on `day` (see rules.is_recognition_valid)."""
    return (Recognition.status == RecognitionStatus.RECOGNISED) & (Recognition.valid_until > day)


def is_available(recognition: Recognition, today: date, stale_after_days: int) -> bool:
    """The workplace offers a place on `today`, as search counts it (rules.is_available_now)."""
    confirmed = recognition.last_confirmed_at
    return is_available_now(
        recognition.status,
        recognition.valid_until,
        recognition.n_free_places,
        recognition.available_from,
        day_in_belgium(confirmed) if confirmed else None,
        today,
        stale_after_days,
    )


def offered_free_places_column() -> ColumnElement[int]:
    """SQL: the free places a workplace can offer (see rules.offered_free_places)."""
    return case(
        (Recognition.available_from >= Recognition.valid_until, 0),
        else_=Recognition.n_free_places,
    )


def available_on(day: date, stale_after_days: int = STALE_AFTER_DAYS) -> ColumnElement[bool]:
    """SQL: the workplace offers a place on `day` (see rules.is_available_now)."""
    return (
        valid_on(day)
        & (Recognition.n_free_places > 0)
        & (Recognition.available_from.is_(None) | (Recognition.available_from <= day))
        & confirmed_since(day, stale_after_days)
    )


def start_of(day: date) -> datetime:
    """The moment `day` begins in Belgium, in UTC as moments are stored."""
    return datetime.combine(day, time(0), BELGIUM).astimezone(UTC)


def confirmed_since(day: date, days: int) -> ColumnElement[bool]:
    """SQL: the availability was confirmed at most `days` Belgian days before `day`."""
    return Recognition.last_confirmed_at >= start_of(day - timedelta(days=days))


def confirmed_before(day: date, days: int) -> ColumnElement[bool]:
    """SQL: never confirmed, or more than `days` Belgian days before `day`."""
    oldest = start_of(day - timedelta(days=days))
    return Recognition.last_confirmed_at.is_(None) | (Recognition.last_confirmed_at < oldest)
