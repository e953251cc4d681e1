"""Reference data: the programme catalogue, the partnerships and the postcode gazetteer."""

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matcher import BELGIUM_LAT_RANGE, BELGIUM_LON_RANGE
from models.base import Base, str_enum
from models.enums import AgreementType, LearnerType
from models.rules import agreement_type_for


class Partnership(Base):
    """A sectoral partnership (or the Flemish one) that decides on recognitions."""

    __tablename__ = "partnerships"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)

    programmes: Mapped[list["Programme"]] = relationship(back_populates="partnership")


class Programme(Base):
    """An official dual programme ("duale opleiding")."""

    __tablename__ = "programmes"
    __table_args__ = (
        CheckConstraint("workplace_hours BETWEEN 0 AND 40", name="workplace_hours_in_week"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(160))
    level: Mapped[str] = mapped_column(String(20))
    study_domain: Mapped[str] = mapped_column(String(60))
    sector: Mapped[str] = mapped_column(String(60))
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id"), index=True)
    learner_type: Mapped[LearnerType] = mapped_column(str_enum(LearnerType, "learner_type"))
    workplace_hours: Mapped[int]
    # A part-time employment contract (DA) is a sector's choice under social Maribel, never
    # a consequence of the hours (DOMAIN.md step 6): only a programme marked so offers it.
    allows_da: Mapped[bool] = mapped_column(default=False, server_default=false())

    partnership: Mapped[Partnership] = relationship(back_populates="programmes")

    @property
    def agreement_type(self) -> AgreementType:
        """The agreement type its workplace hours fix (DOMAIN.md step 6)."""
        return agreement_type_for(self.learner_type, self.workplace_hours)


class Postcode(Base):
    """One Belgian postcode with its municipality names and centre (gazetteer row)."""

    __tablename__ = "postcodes"
    __table_args__ = (
        CheckConstraint(
            f"lat BETWEEN {BELGIUM_LAT_RANGE[0]:g} AND {BELGIUM_LAT_RANGE[1]:g}"
            f" AND lon BETWEEN {BELGIUM_LON_RANGE[0]:g} AND {BELGIUM_LON_RANGE[1]:g}",
            name="inside_belgium",
        ),
    )

    postcode: Mapped[str] = mapped_column(String(4), primary_key=True)
    municipality_nl: Mapped[str] = mapped_column(String(80))
    municipality_fr: Mapped[str] = mapped_column(String(80))
    region: Mapped[str] = mapped_column(String(20))
    province: Mapped[str] = mapped_column(String(30))
    lat: Mapped[float]
    lon: Mapped[float]
    # Villages and former municipalities of the postcode, "|"-separated ("Bissegem|Heule").
    places: Mapped[str] = mapped_column(Text, default="")
