"""Training days: the school days of the Flemish school calendar (DOMAIN.md, "Training days").

After the lessons start (or an agreement ends), a learner has 20 training days to sign an
agreement (step 5). A training day is a weekday between a school year's first and last
school day that lies in none of its breaks or days off (models/data/school_calendar.csv,
built by models/data/build_school_calendar.py), nor in the school's own days off.
Beyond the school years the file covers, weekdays that are not Belgian public holidays
count, so a clock never stops for want of data.
"""

import csv
from collections.abc import Collection
from datetime import date, timedelta
from functools import cache
from pathlib import Path

from models.calendar import is_working_day

CALENDAR_FILE = Path(__file__).parent / "data" / "school_calendar.csv"
TRAINING_DAYS_TO_SIGN = 20  # DOMAIN.md step 5
WARN_AT_DAYS_LEFT = (10, 5)  # DOMAIN.md, "Training days": the coach hears at these


@cache
def _calendar() -> tuple[tuple[tuple[date, date], ...], frozenset[date]]:
    """The school years (first and last school day) and every day off the file lists."""
    years: list[tuple[date, date]] = []
    off: set[date] = set()
    with CALENDAR_FILE.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            first, last = date.fromisoformat(row["first_day"]), date.fromisoformat(row["last_day"])
            if row["kind"] == "school_year":
                years.append((first, last))
            else:
                off.update(first + timedelta(days=i) for i in range((last - first).days + 1))
    return tuple(sorted(years)), frozenset(off)


def school_years() -> tuple[tuple[date, date], ...]:
    """The school years the calendar covers: the first and last school day of each."""
    return _calendar()[0]


def is_training_day(day: date, school_days_off: Collection[date] = ()) -> bool:
    """Tell whether a learner trains (at school or at work) on `day`."""
    if day.weekday() >= 5 or day in school_days_off:
        return False
    years, off = _calendar()
    if years and years[0][0] <= day <= years[-1][1] + timedelta(days=62):
        in_year = any(first <= day <= last for first, last in years)
        return in_year and day not in off
    return is_working_day(day)  # outside the calendar the file covers


def training_days_between(
    start: date, end: date, school_days_off: Collection[date] = (), at_most: int | None = None
) -> int:
    """Count the training days from `start` up to and including `end` (0 if end < start),
    stopping at `at_most` when given."""
    count, day = 0, start
    while day <= end and (at_most is None or count < at_most):
        count += is_training_day(day, school_days_off)
        day += timedelta(days=1)
    return count


def training_days_left(
    clock_start: date, today: date, school_days_off: Collection[date] = ()
) -> int:
    """How many of the 20 training days are left on `today` for a clock started on
    `clock_start` (the day the lessons start, or the day after an agreement ended);
    `today` counts as used once it is a training day. Never below 0.

    Counting stops at the last training day: a clock that started years ago (or on a
    date typed wrong, such as 0001-01-01) costs no more than one that just ran out.
    """
    used = training_days_between(clock_start, today, school_days_off, TRAINING_DAYS_TO_SIGN)
    return TRAINING_DAYS_TO_SIGN - used
