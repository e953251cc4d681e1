"""A school's own days off (a study day, a school party): no training day for its learners,
so their 20-training-day clocks stand still then (DOMAIN.md, "Training days").

A day off counts only inside a school year of the calendar the product ships
(models/data/school_calendar.csv); outside those years the clock knows no school days
to take one from. Adding a day the school has already is no error: it is left as it is.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models import SchoolDayOff
from models.enums import Role
from models.school_calendar import school_years
from web.services import policy
from web.services.errors import ConflictError, InputError
from web.services.messages import _l
from web.services.policy import Party

MAX_DAYS_AT_ONCE = 31  # a month: longer is a break the calendar already holds
MAX_REASON = 120  # the column's length


@dataclass(frozen=True)
class Added:
    """What adding a stretch of days did: new days, and days the school had already."""

    n_added: int
    n_known: int


def school_year_names() -> str:
    """The school years the calendar covers, as people name them: "2025-2026, 2026-2027"."""
    return ", ".join(f"{first.year}-{last.year}" for first, last in school_years())


def list_days_off(session: Session, party: Party) -> list[SchoolDayOff]:
    """The school's own days off, in order."""
    policy.require(party, Role.SCHOOL_STAFF)
    return list(
        session.scalars(
            select(SchoolDayOff)
            .where(SchoolDayOff.school_id == party.school_id)
            .order_by(SchoolDayOff.day)
        )
    )


def add_days_off(
    session: Session, party: Party, first: date, last: date | None, reason: str
) -> Added:
    """Add a day off, or each weekday from `first` to `last` (weekends are no training
    days anyway); days the school has already are left alone."""
    policy.require(party, Role.SCHOOL_STAFF)
    last = last or first
    reason = reason.strip()
    _check(first, last, reason)
    days = [
        first + timedelta(days=i)
        for i in range((last - first).days + 1)
        if (first + timedelta(days=i)).weekday() < 5
    ]
    if not days:
        raise InputError("first_day", _l("Op zaterdag en zondag is er al geen les."))
    known = set(
        session.scalars(
            select(SchoolDayOff.day).where(
                SchoolDayOff.school_id == party.school_id, SchoolDayOff.day.in_(days)
            )
        )
    )
    n_added = 0
    for day in days:
        if day in known:
            continue
        try:
            with session.begin_nested():  # a colleague adding the same day at once
                session.add(SchoolDayOff(school_id=party.school_id, day=day, reason=reason))
            n_added += 1
        except IntegrityError:
            pass
    return Added(n_added, len(days) - n_added)


def remove_day_off(session: Session, party: Party, day: date) -> None:
    """Remove one of the school's own days off: it is a training day again."""
    policy.require(party, Role.SCHOOL_STAFF)
    removed = session.execute(
        delete(SchoolDayOff).where(
            SchoolDayOff.school_id == party.school_id, SchoolDayOff.day == day
        )
    )
    if removed.rowcount != 1:  # type: ignore[attr-defined]
        raise ConflictError(_l("Deze vrije dag staat er niet (meer): er is niets veranderd."))


def _check(first: date, last: date, reason: str) -> None:
    years = school_years()
    outside = _l(
        "Kies een dag binnen een schooljaar dat de kalender kent: %(years)s.",
        years=school_year_names(),
    )
    if not any(start <= first <= end for start, end in years):
        raise InputError("first_day", outside)
    if last < first:
        raise InputError("last_day", _l("De laatste dag ligt niet vóór de eerste."))
    if not any(start <= last <= end for start, end in years):
        raise InputError("last_day", outside)
    if (last - first).days >= MAX_DAYS_AT_ONCE:
        raise InputError(
            "last_day", _l("Voeg hoogstens %(n)s dagen in één keer toe.", n=MAX_DAYS_AT_ONCE)
        )
    if len(reason) > MAX_REASON:
        raise InputError("reason", _l("Houd de reden onder %(n)s tekens.", n=MAX_REASON))
