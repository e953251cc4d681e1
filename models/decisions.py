"""A recognition's history: every request and decision on it, one row each (DOMAIN.md step 2).

The recognition row holds only its latest state. A withdrawal, an expiry or a new
request after a refusal would otherwise erase what was decided before, and who decided
it; these rows keep all of it, and are never changed once written.
"""

from datetime import date, datetime

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from models.base import Base, str_enum
from models.enums import RecognitionStatus
from models.people import User
from models.workplaces import Recognition


class RecognitionDecision(Base):
    """One step of a recognition: asked for, recognised, refused, withdrawn or expired."""

    __tablename__ = "recognition_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    recognition_id: Mapped[int] = mapped_column(
        ForeignKey("recognitions.id", ondelete="CASCADE"), index=True
    )
    # The state this step put the recognition in.
    status: Mapped[RecognitionStatus] = mapped_column(
        str_enum(RecognitionStatus, "recognition_status")
    )
    decided_at: Mapped[datetime]
    # The user who asked or decided; None for the nightly expiry, for a step from before
    # the history was kept, and once the user's account is gone.
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    reason: Mapped[str | None] = mapped_column(Text)
    # Recognised: the last day of the term granted; expired: the day the term ran out.
    valid_until: Mapped[date | None]

    recognition: Mapped[Recognition] = relationship(
        backref=backref(
            "decisions",
            order_by="(RecognitionDecision.decided_at, RecognitionDecision.id)",
            cascade="all, delete-orphan",
            passive_deletes=True,
        )
    )
    decided_by: Mapped[User | None] = relationship()
