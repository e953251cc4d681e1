"""Schools, students and the user accounts tied to each party."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matcher import StudentWishes
from models.base import Base, str_enum, utcnow
from models.codecs import StudentWishesType
from models.enums import Mobility, Role, SchoolKind
from models.reference import Postcode, Programme


class School(Base):
    """An education provider: secondary school, part-time centre, Syntra or adult centre."""

    __tablename__ = "schools"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[SchoolKind] = mapped_column(str_enum(SchoolKind, "school_kind"))
    street: Mapped[str] = mapped_column(String(200))
    postcode: Mapped[str] = mapped_column(ForeignKey("postcodes.postcode"), index=True)
    lat: Mapped[float]
    lon: Mapped[float]
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    place: Mapped[Postcode] = relationship()
    students: Mapped[list["Student"]] = relationship(back_populates="school")


class Student(Base):
    """A learner. Mostly a minor: never public, shown only to whom DOMAIN.md allows."""

    __tablename__ = "students"
    __table_args__ = (
        # A class list imported twice updates its students: a school knows each by name
        # and birth date.
        UniqueConstraint(
            "school_id", "first_name", "last_name", "birth_date", name="uq_students_identity"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), index=True)
    first_name: Mapped[str] = mapped_column(String(80))
    last_name: Mapped[str] = mapped_column(String(80))
    birth_date: Mapped[date]
    home_postcode: Mapped[str] = mapped_column(ForeignKey("postcodes.postcode"))
    mobility: Mapped[Mobility] = mapped_column(str_enum(Mobility, "mobility"))
    # What the student wishes of a workplace (start date, languages, hours, company size).
    wishes: Mapped[StudentWishes] = mapped_column(StudentWishesType, default=StudentWishes)
    is_ready_for_work: Mapped[bool] = mapped_column(default=False)  # class council's advice
    lessons_start_date: Mapped[date | None]
    # The day the student left the school; their data is erased a while later.
    left_on: Mapped[date | None]
    # The day the 20 training days ran out without an agreement ("uitgestroomd?"): the
    # coach confirms (the student leaves) or not; nothing is deleted meanwhile.
    time_up_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    school: Mapped[School] = relationship(back_populates="students")
    programme: Mapped[Programme] = relationship()


class User(Base):
    """A login, tied to exactly the one entity its role acts for."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(
            "(role = 'student') = (student_id IS NOT NULL)"
            " AND (role = 'school_staff') = (school_id IS NOT NULL)"
            " AND (role = 'company') = (company_id IS NOT NULL)"
            " AND (role = 'consultant') = (partnership_id IS NOT NULL)",
            name="tied_to_its_entity",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str | None] = mapped_column(String(120))  # shown to others (a coach's name)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(str_enum(Role, "role"))
    student_id: Mapped[int | None] = mapped_column(ForeignKey("students.id"), index=True)
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id"), index=True)
    company_id: Mapped[int | None] = mapped_column(ForeignKey("companies.id"), index=True)
    partnership_id: Mapped[int | None] = mapped_column(ForeignKey("partnerships.id"), index=True)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
