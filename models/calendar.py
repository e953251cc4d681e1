"""Working days: weekdays that are not Belgian public holidays (from the `holidays` package,
which keeps the statutory days, Easter's included, for every year).

Deadlines for companies count in working days (DOMAIN.md, "Intake proposal": answer
within 5 working days, a reminder 2 working days before).
"""

from datetime import date, timedelta
from functools import cache

import holidays


@cache
def _public_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("BE", years=year))


def is_working_day(day: date) -> bool:
    """Tell whether a day is a weekday and not a Belgian public holiday."""
    return day.weekday() < 5 and day not in _public_holidays(day.year)


def add_working_days(day: date, n: int) -> date:
    """Return the working day `n` working days after `day` (n >= 0; 0 is `day` itself)."""
    current, left = day, n
    while left > 0:
        current += timedelta(days=1)
        if is_working_day(current):
            left -= 1
    return current
