"""Load and read the reference data."""

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Programme
from models.reference_data import ReferenceCounts, sync_reference_data


def load_reference_data(session: Session) -> ReferenceCounts:
    """Bring programmes, partnerships and postcodes in line with the shipped files."""
    return sync_reference_data(session)


def list_programmes(session: Session) -> Sequence[Programme]:
    """Return every programme, by study domain and name."""
    return session.scalars(
        select(Programme).order_by(Programme.study_domain, Programme.name, Programme.code)
    ).all()
