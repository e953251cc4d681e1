"""The pure rules of the nightly refresh: its counts, the reminder windows, and the
confirmation thresholds, which count Belgian calendar days whatever the season."""

from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import ColumnElement

from models.base import BELGIUM
from models.refresh import EXPIRY_REMINDERS, STALE_WARNING_DAYS, RefreshCounts
from models.rules import STALE_AFTER_DAYS, UNCONFIRMED_AFTER_DAYS
from models.workplaces import confirmed_before, confirmed_since


def threshold(condition: ColumnElement[bool]) -> datetime:
    """The one moment a confirmation condition compares with."""
    values = [v for v in condition.compile().params.values() if isinstance(v, datetime)]
    assert len(values) == 1, values
    return values[0]


def test_the_counts_start_at_zero_in_the_order_the_run_log_shows_them() -> None:
    # Availability is not stored any more (it follows from the rule on the day asked),
    # so the data refresh only counts what the calendar changes in stored states.
    assert RefreshCounts().as_dict() == {"expired": 0, "at_risk": 0, "no_longer_at_risk": 0}
    assert RefreshCounts(expired=3, at_risk=1).as_dict() == {
        "expired": 3,
        "at_risk": 1,
        "no_longer_at_risk": 0,
    }


def test_the_expiry_reminders_go_from_the_nearest_window_outwards() -> None:
    # reminders_due builds each window from the end of the previous one: a recognition
    # first seen within 14 days gets the 14-day reminder only.
    assert EXPIRY_REMINDERS == (("expiry-14", 14), ("expiry-60", 60))
    days = [d for _, d in EXPIRY_REMINDERS]
    assert days == sorted(days)


def test_the_stale_warning_comes_before_a_place_goes_stale() -> None:
    assert 0 < STALE_WARNING_DAYS < STALE_AFTER_DAYS == 180
    assert UNCONFIRMED_AFTER_DAYS == 90 < STALE_AFTER_DAYS


def test_a_threshold_is_the_first_moment_of_a_belgian_day() -> None:
    # 180 days before 5 January 2027 is 9 July 2026, in summer time (UTC+2).
    assert threshold(confirmed_since(date(2027, 1, 5), 180)) == datetime(
        2026, 7, 8, 22, 0, tzinfo=UTC
    )
    # 180 days before 5 July 2027 is 6 January 2027, in winter time (UTC+1).
    assert threshold(confirmed_since(date(2027, 7, 5), 180)) == datetime(
        2027, 1, 5, 23, 0, tzinfo=UTC
    )


def test_confirmed_before_is_the_rest_never_confirmed_included() -> None:
    day = date(2027, 1, 5)
    before = confirmed_before(day, 166)
    assert threshold(before) == threshold(confirmed_since(day, 166))
    sql = str(before.compile())
    assert "IS NULL" in sql and "<" in sql
    assert ">=" in str(confirmed_since(day, 166).compile())


@given(
    day=st.dates(date(2020, 1, 1), date(2035, 12, 31)),
    days=st.integers(0, 400),
    at=st.datetimes(datetime(2019, 1, 1), datetime(2036, 12, 31), timezones=st.just(UTC)),
)
def test_confirmed_since_counts_belgian_calendar_days(day: date, days: int, at: datetime) -> None:
    """Confirmed at most `days` Belgian days before `day`, as models.rules counts them."""
    age = (day - at.astimezone(BELGIUM).date()).days
    assert (at >= threshold(confirmed_since(day, days))) is (age <= days)


@given(day=st.dates(date(2020, 1, 1), date(2035, 12, 31)), days=st.integers(1, 400))
def test_one_more_day_moves_the_threshold_by_one_belgian_day(day: date, days: int) -> None:
    later = threshold(confirmed_since(day, days - 1))
    earlier = threshold(confirmed_since(day, days))
    assert later.astimezone(BELGIUM).date() - earlier.astimezone(BELGIUM).date() == timedelta(1)
    assert (
        later.astimezone(BELGIUM).time()
        == earlier.astimezone(BELGIUM).time()
        == datetime.min.time()
    )
