"""The calendar and mentor rules of DOMAIN.md steps 2 and 3: ages, months, deadlines."""

import csv
from datetime import date, timedelta

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from models.enums import MentorProblem
from models.reference_data import PROGRAMMES_CSV
from models.rules import (
    MENTOR_TRAINING_MONTHS_BY_SECTOR,
    add_months,
    add_years,
    age_on,
    is_request_overdue,
    mentor_problems,
    mentor_training_deadline,
)

TODAY = date(2026, 3, 15)
SHOWN = date(2025, 11, 3)

days = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))
month_steps = st.integers(min_value=0, max_value=1200)


def born_years_ago(years: int, today: date = TODAY) -> date:
    return add_years(today, -years)


# age_on


@pytest.mark.parametrize(
    ("birth", "day", "age"),
    [
        (date(2000, 6, 15), date(2026, 6, 14), 25),
        (date(2000, 6, 15), date(2026, 6, 15), 26),
        (date(2000, 6, 15), date(2026, 6, 16), 26),
        (date(2000, 12, 31), date(2026, 1, 1), 25),
        (date(2000, 1, 1), date(2025, 12, 31), 25),
        (date(2000, 1, 1), date(2026, 1, 1), 26),
        (date(2026, 3, 15), date(2026, 3, 15), 0),
        (date(2025, 3, 16), date(2026, 3, 15), 0),
    ],
)
def test_age_changes_on_the_birthday_itself(birth: date, day: date, age: int) -> None:
    assert age_on(birth, day) == age


@pytest.mark.parametrize(
    ("day", "age"),
    [
        (date(2023, 2, 28), 22),
        (date(2023, 3, 1), 23),
        (date(2024, 2, 28), 23),
        (date(2024, 2, 29), 24),
        (date(2024, 3, 1), 24),
        (date(2025, 2, 28), 24),
        (date(2025, 3, 1), 25),
    ],
)
def test_someone_born_on_29_february_is_a_year_older_from_1_march_in_common_years(
    day: date, age: int
) -> None:
    assert age_on(date(2000, 2, 29), day) == age


@given(days, days)
def test_age_is_the_number_of_birthdays_passed(birth: date, day: date) -> None:
    assume(day >= birth)
    assume((birth.month, birth.day) != (2, 29))
    age = age_on(birth, day)
    assert age >= 0
    assert add_years(birth, age) <= day < add_years(birth, age + 1)


@given(days, days)
def test_age_never_goes_down(birth: date, day: date) -> None:
    assume(birth <= day < date(2100, 12, 31))
    assert age_on(birth, day) <= age_on(birth, day + timedelta(days=1)) <= age_on(birth, day) + 1


# add_months


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2026, 1, 30), 1, date(2026, 2, 28)),
        (date(2026, 3, 31), 1, date(2026, 4, 30)),
        (date(2026, 1, 15), 1, date(2026, 2, 15)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
        (date(2026, 11, 30), 2, date(2027, 1, 30)),
        (date(2026, 12, 31), 2, date(2027, 2, 28)),
        (date(2026, 7, 1), 6, date(2027, 1, 1)),
        (date(2026, 6, 30), 6, date(2026, 12, 30)),
        (date(2026, 8, 31), 6, date(2027, 2, 28)),
        (date(2026, 1, 15), 12, date(2027, 1, 15)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 2, 29), 48, date(2028, 2, 29)),
        (date(2026, 1, 15), 25, date(2028, 2, 15)),
        (date(2026, 5, 9), 0, date(2026, 5, 9)),
    ],
)
def test_add_months(day: date, months: int, expected: date) -> None:
    assert add_months(day, months) == expected


@given(st.dates(max_value=date(9000, 12, 31)), month_steps)
def test_add_months_never_raises_and_moves_exactly_that_many_months(day: date, months: int) -> None:
    result = add_months(day, months)
    assert (result.year * 12 + result.month) - (day.year * 12 + day.month) == months


@given(days, month_steps)
def test_add_months_keeps_the_day_when_the_month_has_it(day: date, months: int) -> None:
    result = add_months(day, months)
    try:
        same_day = result.replace(day=day.day)
    except ValueError:
        # The month is too short: the result is its last day.
        assert (result + timedelta(days=1)).day == 1
        assert result.day < day.day
    else:
        assert result == same_day


@given(days, st.integers(min_value=0, max_value=100))
def test_twelve_months_are_a_year(day: date, years: int) -> None:
    assert add_months(day, 12 * years) == add_years(day, years)


@given(days, month_steps)
def test_add_months_never_goes_back_in_time(day: date, months: int) -> None:
    assert add_months(day, months) >= day
    assert add_months(day, months) <= add_months(day, months + 1)


# mentor_problems


@pytest.mark.parametrize(
    ("age", "waiver", "expected"),
    [
        (22, False, [MentorProblem.TOO_YOUNG]),
        (22, True, [MentorProblem.TOO_YOUNG]),
        (23, False, [MentorProblem.NEEDS_AGE_WAIVER]),
        (23, True, []),
        (24, False, [MentorProblem.NEEDS_AGE_WAIVER]),
        (24, True, []),
        (25, False, []),
        (25, True, []),
        (60, False, []),
    ],
)
def test_mentor_age_with_and_without_waiver(
    age: int, waiver: bool, expected: list[MentorProblem]
) -> None:
    birth = born_years_ago(age)
    assert age_on(birth, TODAY) == age
    assert mentor_problems(birth, 5, waiver, SHOWN, TODAY) == expected


def test_mentor_age_counts_on_the_day_itself() -> None:
    """The day before the 25th birthday a waiver is still needed; on the day it is not."""
    birth = date(2001, 3, 15)
    eve = date(2026, 3, 14)
    assert mentor_problems(birth, 8, False, SHOWN, eve) == [MentorProblem.NEEDS_AGE_WAIVER]
    assert mentor_problems(birth, 8, False, SHOWN, TODAY) == []
    birth = date(2003, 3, 16)
    assert mentor_problems(birth, 5, True, SHOWN, TODAY) == [MentorProblem.TOO_YOUNG]
    assert mentor_problems(birth, 5, True, SHOWN, date(2026, 3, 16)) == []


@pytest.mark.parametrize(
    ("years", "expected"),
    [
        (0, [MentorProblem.TOO_LITTLE_EXPERIENCE]),
        (4, [MentorProblem.TOO_LITTLE_EXPERIENCE]),
        (5, []),
        (6, []),
        (30, []),
    ],
)
def test_mentor_experience(years: int, expected: list[MentorProblem]) -> None:
    assert mentor_problems(born_years_ago(40), years, False, SHOWN, TODAY) == expected


def test_the_extract_must_have_been_shown() -> None:
    birth = born_years_ago(40)
    assert mentor_problems(birth, 10, False, None, TODAY) == [MentorProblem.NO_EXTRACT_SHOWN]
    assert mentor_problems(birth, 10, False, TODAY, TODAY) == []
    assert mentor_problems(birth, 10, False, date(2010, 1, 1), TODAY) == []


def test_every_problem_is_listed_in_a_fixed_order() -> None:
    assert mentor_problems(born_years_ago(22), 4, True, None, TODAY) == [
        MentorProblem.TOO_YOUNG,
        MentorProblem.TOO_LITTLE_EXPERIENCE,
        MentorProblem.NO_EXTRACT_SHOWN,
    ]
    assert mentor_problems(born_years_ago(24), 4, False, None, TODAY) == [
        MentorProblem.NEEDS_AGE_WAIVER,
        MentorProblem.TOO_LITTLE_EXPERIENCE,
        MentorProblem.NO_EXTRACT_SHOWN,
    ]


@given(
    st.integers(min_value=18, max_value=70),
    st.integers(min_value=0, max_value=50),
    st.booleans(),
    st.booleans(),
)
def test_mentor_problems_follow_the_rules(age: int, years: int, waiver: bool, shown: bool) -> None:
    problems = mentor_problems(born_years_ago(age), years, waiver, SHOWN if shown else None, TODAY)
    assert (MentorProblem.TOO_YOUNG in problems) == (age < 23)
    assert (MentorProblem.NEEDS_AGE_WAIVER in problems) == (23 <= age < 25 and not waiver)
    assert (MentorProblem.TOO_LITTLE_EXPERIENCE in problems) == (years < 5)
    assert (MentorProblem.NO_EXTRACT_SHOWN in problems) == (not shown)
    assert len(problems) == len(set(problems))


# mentor_training_deadline


@pytest.mark.parametrize(
    ("sector", "recognised", "deadline"),
    [
        ("Elektro en installatie", date(2026, 3, 15), date(2027, 3, 15)),
        ("Horeca", date(2026, 1, 31), date(2027, 1, 31)),
        ("Zorg", date(2024, 2, 29), date(2025, 2, 28)),
        ("Bouw", date(2026, 3, 15), date(2026, 9, 15)),
        ("Bouw", date(2026, 8, 31), date(2027, 2, 28)),
        ("Bouw", date(2027, 8, 31), date(2028, 2, 29)),
        ("Bouw", date(2026, 7, 1), date(2027, 1, 1)),
        ("bouw", date(2026, 3, 15), date(2027, 3, 15)),
        ("", date(2026, 3, 15), date(2027, 3, 15)),
    ],
)
def test_mentor_training_deadline(sector: str, recognised: date, deadline: date) -> None:
    assert mentor_training_deadline(sector, recognised) == deadline


def test_sectors_with_their_own_deadline_exist_in_the_catalogue() -> None:
    """A renamed sector would silently fall back to 12 months: the names must match."""
    with PROGRAMMES_CSV.open(encoding="utf-8", newline="") as handle:
        sectors = {row["sector"] for row in csv.DictReader(handle)}
    assert set(MENTOR_TRAINING_MONTHS_BY_SECTOR) <= sectors
    assert MENTOR_TRAINING_MONTHS_BY_SECTOR["Bouw"] == 6


@given(days, st.sampled_from(["Bouw", "Elektro en installatie", "Voeding"]))
def test_the_deadline_is_always_after_the_recognition(recognised: date, sector: str) -> None:
    deadline = mentor_training_deadline(sector, recognised)
    months = 6 if sector == "Bouw" else 12
    assert deadline == add_months(recognised, months)
    assert recognised + timedelta(days=28 * months) <= deadline
    assert deadline <= recognised + timedelta(days=31 * months)


# is_request_overdue


@pytest.mark.parametrize(
    ("requested", "day", "overdue"),
    [
        (date(2026, 3, 1), date(2026, 3, 1), False),
        (date(2026, 3, 1), date(2026, 3, 14), False),
        (date(2026, 3, 1), date(2026, 3, 15), False),
        (date(2026, 3, 1), date(2026, 3, 16), True),
        (date(2026, 12, 20), date(2027, 1, 3), False),
        (date(2026, 12, 20), date(2027, 1, 4), True),
        (date(2024, 2, 20), date(2024, 3, 5), False),
        (date(2024, 2, 20), date(2024, 3, 6), True),
    ],
)
def test_a_request_is_overdue_after_fourteen_days(
    requested: date, day: date, overdue: bool
) -> None:
    assert is_request_overdue(requested, day) is overdue


@given(days, st.integers(min_value=0, max_value=400))
def test_overdue_means_more_than_fourteen_days(requested: date, waited: int) -> None:
    day = requested + timedelta(days=waited)
    assert is_request_overdue(requested, day) is (waited > 14)
