"""A data version that tells every process when workplace data changed, and what changed.

Database triggers add one to `data_version.version` on every change to the tables a
search reads, whoever makes it: a web process, the scheduler, a CLI command or someone
at a SQL prompt (migration 0002). The same triggers write the ids of the changed rows
into `data_changes` under the new version (migration 0010), so a process can apply
just those rows to its index. Readers compare the version with the one their index
was built from: a primary-key read, cheap enough to do every second.

The log keeps the last 10,000 versions. Each version writes at least one entry, so a
stretch of versions is complete exactly when every version in it is there; one missing
(pruned, or moved by a trigger that writes no entry) means the log cannot bridge the
gap, and the reader builds anew.
"""

from dataclasses import dataclass

from sqlalchemy import BigInteger, String, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import Base

VERSIONED_TABLES = ("companies", "sites", "recognitions", "programmes", "postcodes")
# Changed one by one: their entries name the row. Any change to the other versioned
# tables (reference data, reloaded at release time) names no row and calls for a
# full build.
ROW_TABLES = ("companies", "sites", "recognitions")


class DataVersion(Base):
    """The single row (id 1) holding the current data version."""

    __tablename__ = "data_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=0)


class DataChange(Base):
    """One row changed at one data version; row 0 names no row (the whole table may
    have changed)."""

    __tablename__ = "data_changes"

    version: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    table_name: Mapped[str] = mapped_column(String(20), primary_key=True)
    row_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)


@dataclass(frozen=True)
class DataChanges:
    """The rows changed between two data versions, by table."""

    company_ids: frozenset[int]
    site_ids: frozenset[int]
    recognition_ids: frozenset[int]
    whole_tables: frozenset[str]  # changed with no row named: only a full build will do


def read_data_version(session: Session) -> int:
    """Return the current data version (0 before anything changed)."""
    return session.scalar(select(DataVersion.version).where(DataVersion.id == 1)) or 0


def read_changes(session: Session, since: int, until: int, max_rows: int) -> DataChanges | None:
    """Return the rows changed after version `since` up to `until`; None when the log no
    longer holds every version in between, or holds more than `max_rows` entries (a
    full build is then the cheaper way)."""
    if until < since:
        return None
    in_range = (DataChange.version > since) & (DataChange.version <= until)
    n_versions, n_entries = session.execute(
        select(func.count(func.distinct(DataChange.version)), func.count()).where(in_range)
    ).one()
    if n_versions != until - since or n_entries > max_rows:
        return None
    ids: dict[str, set[int]] = {table: set() for table in ROW_TABLES}
    whole: set[str] = set()
    for table, row_id in session.execute(
        select(DataChange.table_name, DataChange.row_id).where(in_range)
    ):
        if table not in ids:
            whole.add(table)
        elif row_id:
            ids[table].add(row_id)
    return DataChanges(
        company_ids=frozenset(ids["companies"]),
        site_ids=frozenset(ids["sites"]),
        recognition_ids=frozenset(ids["recognitions"]),
        whole_tables=frozenset(whole),
    )
