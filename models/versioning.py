"""A data version that tells every process when workplace data changed.

Database triggers (migration 0002) add one to `data_version.version` on every insert,
update or delete in the tables a search reads, whoever makes the change: a web
process, the scheduler, a CLI command or someone at a SQL prompt. Readers compare the
number with the one their in-memory index was built from; a primary-key read is
cheap enough to do every second.
"""

from sqlalchemy import BigInteger, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import Base

VERSIONED_TABLES = ("companies", "sites", "recognitions", "programmes", "postcodes")


class DataVersion(Base):
    """The single row (id 1) holding the current data version."""

    __tablename__ = "data_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=0)


def read_data_version(session: Session) -> int:
    """Return the current data version (0 before anything changed)."""
    return session.scalar(select(DataVersion.version).where(DataVersion.id == 1)) or 0
