"""Factories for test data: each makes a valid row and lets the test override fields."""

import itertools
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import (
    Company,
    Mentor,
    Partnership,
    Programme,
    Recognition,
    School,
    Site,
    Student,
    User,
)
from models.base import today_in_belgium
from models.enums import Mobility, RecognitionStatus, Role, SchoolKind
from models.rules import kbo_with_check_digits, recognition_valid_until
from web.services.accounts import PASSWORDS

_sequence = itertools.count(1)


def programme(session: Session, code: str = "elektrotechnieken-duaal") -> Programme:
    found = session.scalar(select(Programme).where(Programme.code == code))
    assert found is not None, f"programme {code} not in the reference data"
    return found


def company(session: Session, **fields: Any) -> Company:
    n = next(_sequence)
    values: dict[str, Any] = {
        "kbo_number": kbo_with_check_digits(5_000_000 + n),
        "name": f"Testbedrijf {n}",
    }
    values.update(fields)
    row = Company(**values)
    session.add(row)
    session.flush()
    return row


def site(session: Session, owner: Company | None = None, **fields: Any) -> Site:
    values: dict[str, Any] = {
        "company": owner or company(session),
        "name": "Hoofdzetel",
        "street": "Stationsstraat 1",
        "postcode": "8500",
        "lat": 50.828,
        "lon": 3.265,
    }
    values.update(fields)
    row = Site(**values)
    session.add(row)
    session.flush()
    return row


def recognition(session: Session, at: Site | None = None, **fields: Any) -> Recognition:
    """A recognition decided 100 days ago, so it is valid whenever the tests run."""
    decided = today_in_belgium() - timedelta(days=100)
    values: dict[str, Any] = {
        "site": at or site(session),
        "programme": programme(session),
        "status": RecognitionStatus.RECOGNISED,
        "decided_at": datetime.combine(decided, time(10), tzinfo=UTC),
        "valid_until": recognition_valid_until(decided),
        "n_places": 2,
        "n_free_places": 1,
    }
    values.update(fields)
    row = Recognition(**values)
    session.add(row)
    session.flush()
    return row


def mentor(session: Session, owner: Company | None = None, **fields: Any) -> Mentor:
    values: dict[str, Any] = {
        "company": owner or company(session),
        "first_name": "Els",
        "last_name": "Peeters",
        "birth_date": date(1980, 5, 1),
        "years_experience": 12,
    }
    values.update(fields)
    row = Mentor(**values)
    session.add(row)
    session.flush()
    return row


def school(session: Session, **fields: Any) -> School:
    values: dict[str, Any] = {
        "name": "VTI Kortrijk",
        "kind": SchoolKind.SECONDARY,
        "street": "Passionistenlaan 1",
        "postcode": "8500",
        "lat": 50.82,
        "lon": 3.27,
    }
    values.update(fields)
    row = School(**values)
    session.add(row)
    session.flush()
    return row


def student(session: Session, **fields: Any) -> Student:
    # A school knows a student by name and birth date: each made here is another one.
    values: dict[str, Any] = {
        "school": fields.pop("school", None) or school(session),
        "programme": programme(session),
        "first_name": "Lotte",
        "last_name": f"Maes {next(_sequence)}",
        "birth_date": date(2010, 3, 3),
        "home_postcode": "8500",
        "mobility": Mobility.BIKE,
    }
    values.update(fields)
    row = Student(**values)
    session.add(row)
    session.flush()
    return row


PASSWORD = "correct horse battery"
# Hashed once: Argon2 is slow on purpose, and most tests only need a user to exist.
_PASSWORD_HASH = PASSWORDS.hash(PASSWORD)


def partnership(session: Session, name: str = "Elektro en installatie") -> Partnership:
    """A partnership from the reference data (one per sector)."""
    found = session.scalar(select(Partnership).where(Partnership.name == name))
    assert found is not None, f"partnership {name} not in the reference data"
    return found


def user(session: Session, role: Role, entity: Any = None, **fields: Any) -> User:
    """A user with password `PASSWORD`, tied to `entity` (made when left out)."""
    column = {
        Role.STUDENT: "student",
        Role.SCHOOL_STAFF: "school",
        Role.COMPANY: "company",
        Role.CONSULTANT: "partnership",
    }.get(role)
    values: dict[str, Any] = {
        "email": f"user{next(_sequence)}@example.be",
        "password_hash": _PASSWORD_HASH,
        "role": role,
    }
    if column is not None:
        if entity is None:
            entity = {
                "student": student,
                "school": school,
                "company": company,
                "partnership": partnership,
            }[column](session)
        values[f"{column}_id"] = entity.id
    values.update(fields)
    row = User(**values)
    session.add(row)
    session.flush()
    return row
