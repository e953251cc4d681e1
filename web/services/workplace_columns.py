"""Read recognised workplaces in bulk, as the matcher's columns: all of them for a full
build, or those a change touched to update an index.

One query reads the workplaces, straight through the driver: SQLAlchemy's rows cost
more to make than the values they hold. The database hands over numbers wherever it can
(dates and moments as whole numbers, programme ids and postcodes for the codes and names
that two small queries look up), and a chunk of rows at a time becomes arrays, so the
rows never all exist as Python objects at once. Each distinct intake-preference text is
parsed once; a company's name, a postcode and its municipality are kept once however
many rows share them.
"""

import json
from collections.abc import Iterator, Sequence
from dataclasses import fields, replace
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Connection,
    Integer,
    Select,
    Text,
    cast,
    false,
    func,
    literal_column,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from matcher.snapshot import NO_DAY, NO_MOMENT, WorkplaceColumns, WorkplaceSnapshot
from matcher.types import IntakePreferences
from models import Company, Postcode, Programme, Recognition, Site
from models.base import BELGIUM
from models.codecs import intake_preferences_from_json
from models.enums import RecognitionStatus
from models.versioning import DataChanges
from models.workplaces import offered_free_places_column

CHUNK_ROWS = 2_000  # small: fewer row objects alive at once, and less memory they leave behind


def load_snapshot(session: Session) -> WorkplaceSnapshot:
    """Snapshot every recognised workplace, in Belgium's calendar."""
    return WorkplaceSnapshot(load_workplace_columns(session), tz=BELGIUM)


def load_workplace_columns(
    session: Session, changes: DataChanges | None = None
) -> WorkplaceColumns:
    """Read the recognised workplaces (or those `changes` touched) as columns."""
    connection = session.connection()
    reader = _ColumnReader(
        dict(connection.execute(select(Programme.id, Programme.code)).all()),
        dict(connection.execute(select(Postcode.postcode, Postcode.municipality_nl)).all()),
    )
    if changes is None:
        for rows in _chunks(connection):
            reader.add(rows)
    else:  # a few rows: SQLAlchemy's own rows cost nothing worth saving here
        statement = _workplace_rows(connection.dialect.name).where(_touched_by(changes))
        rows = [tuple(row) for row in connection.execute(statement)]
        if rows:
            reader.add(rows)
    return reader.columns()


_FULL_SQL: dict[str, str] = {}  # by dialect: compiling costs milliseconds, build after build


def _chunks(connection: Connection) -> Iterator[Sequence[tuple[Any, ...]]]:
    """Read every workplace in the connection's transaction through a plain driver
    cursor, a chunk of rows at a time (on PostgreSQL a server-side cursor, so they also
    cross the wire a chunk at a time)."""
    dialect = connection.dialect
    sql = _FULL_SQL.get(dialect.name)
    if sql is None:
        statement = _workplace_rows(dialect.name)
        sql = str(statement.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
        _FULL_SQL[dialect.name] = sql
    driver = connection.connection.dbapi_connection
    assert driver is not None  # a connection in use has its driver connection
    is_postgresql = dialect.name == "postgresql"
    cursor = driver.cursor(name="workplace_columns") if is_postgresql else driver.cursor()
    base_error = dialect.loaded_dbapi.Error
    try:
        cursor.execute(sql)
        while rows := cursor.fetchmany(CHUNK_ROWS):
            yield rows
    except base_error as error:
        # As SQLAlchemy would have raised it (a timeout is its OperationalError), so
        # callers handle one kind of error whichever way a statement went.
        raise DBAPIError.instance(sql, None, error, base_error, dialect=dialect) from error
    finally:
        cursor.close()


def _touched_by(changes: DataChanges) -> ColumnElement[bool]:
    touched = [
        column.in_(sorted(ids))
        for column, ids in (
            (Recognition.id, changes.recognition_ids),
            (Site.id, changes.site_ids),
            (Company.id, changes.company_ids),
        )
        if ids
    ]
    return or_(false(), *touched)


def _workplace_rows(dialect: str) -> Select[*tuple[Any, ...]]:
    """The columns `_ColumnReader.add` reads, in its order."""
    return (
        select(
            Recognition.id,
            Recognition.programme_id,
            Company.id,
            Company.name,
            Site.id,
            Site.postcode,
            Site.lat,
            Site.lon,
            _day_ordinal(Recognition.valid_until, dialect),
            Recognition.n_places,
            offered_free_places_column(),
            _day_ordinal(Recognition.available_from, dialect),
            _moment_us(Recognition.last_confirmed_at, dialect),
            _moment_us(Recognition.updated_at, dialect),
            Company.n_employees,
            cast(Recognition.intake_preferences, Text),
        )
        .join(Site, Site.id == Recognition.site_id)
        .join(Company, Company.id == Site.company_id)
        .where(Recognition.status == RecognitionStatus.RECOGNISED, Site.removed_at.is_(None))
    )


# Dates and moments are worked out by the database as whole numbers: the driver then
# makes a small integer per value, not a string or a datetime to convert again.
_SQLITE_JULIAN_DAY_ZERO = 1721424.5  # julianday('0001-01-01') is 1721425.5, ordinal 1


def _day_ordinal(column: Any, dialect: str) -> ColumnElement[int]:
    """SQL: a date as its day ordinal (`date.toordinal`), NULL for none."""
    if dialect == "postgresql":
        return type_coerce(column - literal_column("DATE '0001-01-01'") + 1, Integer)
    return cast(func.julianday(column) - _SQLITE_JULIAN_DAY_ZERO, Integer)


def _moment_us(column: Any, dialect: str) -> ColumnElement[int]:
    """SQL: a moment as whole microseconds since the epoch, NULL for none.

    SQLite holds moments as the UTC text SQLAlchemy writes ("2026-03-02 14:05:09.123456",
    fraction optional): whole seconds from strftime, the fraction from the text.
    """
    if dialect == "postgresql":
        return cast(func.extract("epoch", column) * 1_000_000, BigInteger)
    seconds = cast(func.strftime("%s", column), BigInteger)
    fraction = cast(func.substr(type_coerce(column, Text).concat("000000"), 21, 6), Integer)
    return seconds * 1_000_000 + fraction


class _ColumnReader:
    """Turn chunks of rows into arrays, sharing repeated values across chunks."""

    def __init__(self, programme_codes: dict[int, str], municipalities: dict[str, str]) -> None:
        codes = np.empty(max(programme_codes, default=0) + 1, dtype=object)
        codes[list(programme_codes)] = list(programme_codes.values())
        self.codes = codes  # by programme id
        # postcode: (the postcode, its municipality), strings of the reference data
        self.places = {code: (code, name) for code, name in municipalities.items()}
        self.names: dict[str, str] = {}
        self.kinds: dict[str | None, int] = {}
        self.chunks: list[WorkplaceColumns] = []

    def add(self, rows: Sequence[tuple[Any, ...]]) -> None:
        table = np.array(rows, dtype=object)
        (
            recognition_id,
            programme_id,
            company_id,
            company_name,
            site_id,
            postcode,
            lat,
            lon,
            valid_until,
            n_places,
            n_free_places,
            available_from,
            confirmed_at,
            updated_at,
            n_employees,
            preferences,
        ) = table.T
        name, kind = self.names.setdefault, self.kinds.setdefault
        places = [self.places[code] for code in postcode.tolist()]
        self.chunks.append(
            WorkplaceColumns(
                recognition_id=recognition_id.astype(np.int64),
                programme=self.codes[programme_id.astype(np.int64)],
                company_id=company_id.astype(np.int64),
                company_name=_objects([name(n, n) for n in company_name.tolist()]),
                site_id=site_id.astype(np.int64),
                postcode=_objects([code for code, _name in places]),
                municipality=_objects([name for _code, name in places]),
                lat=lat.astype(np.float64),
                lon=lon.astype(np.float64),
                valid_until=_whole(valid_until, NO_DAY).astype(np.int32),
                n_places=n_places.astype(np.int32),
                n_free_places=n_free_places.astype(np.int32),
                available_from=_whole(available_from, NO_DAY).astype(np.int32),
                confirmed_at_us=_whole(confirmed_at, NO_MOMENT),
                updated_at_us=_whole(updated_at, NO_MOMENT),
                n_employees=_whole(n_employees, -1).astype(np.int32),
                # Points into the reader's kinds, parsed once at the end.
                preference=np.array(
                    [kind(text, len(self.kinds)) for text in preferences.tolist()],
                    dtype=np.int32,
                ),
                preference_kinds=(),
            )
        )

    def columns(self) -> WorkplaceColumns:
        if not self.chunks:
            return WorkplaceColumns.from_records([])
        joined = {
            f.name: np.concatenate([getattr(chunk, f.name) for chunk in self.chunks])
            for f in fields(WorkplaceColumns)
            if f.name != "preference_kinds"
        }
        return replace(self.chunks[0], **joined, preference_kinds=_parsed(self.kinds))


def _objects(values: list[str]) -> npt.NDArray[np.object_]:
    return np.array(values, dtype=object)


def _whole(values: npt.NDArray[np.object_], missing: int) -> npt.NDArray[np.int64]:
    """Whole numbers, `missing` for none (numpy reads None as NaN; float64 is exact
    below 2**53, which microseconds since 1970 reach in the year 2255)."""
    numbers = values.astype(np.float64)
    return np.where(np.isnan(numbers), missing, numbers).astype(np.int64)


def _parsed(kinds: dict[str | None, int]) -> tuple[IntakePreferences, ...]:
    """Parse each distinct stored text once (leniently, as the column type would)."""
    return tuple(intake_preferences_from_json(_json(text)) for text in kinds)


def _json(text: str | None) -> object:
    try:
        return None if text is None else json.loads(text)
    except ValueError:
        return None
