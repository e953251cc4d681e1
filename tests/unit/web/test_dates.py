"""Dates on the pages: one format per language, for a day and for a moment."""

from datetime import UTC, date, datetime

from web import create_app
from web.filters import day, moment


def test_english_dates_are_written_one_way() -> None:
    """Issue 14, item 5: not "November 27, 2026" here and "27 Nov 2026" there."""
    app = create_app({"DUAAL_ENV": "test", "SECRET_KEY": "x", "DATABASE_URL": "sqlite://"})
    at = datetime(2026, 11, 27, 1, 30, tzinfo=UTC)  # 02:30 in Brussels
    with app.test_request_context("/?lang=en"):
        assert day(date(2026, 11, 27)) == "November 27, 2026"
        assert moment(at) == "November 27, 2026 02:30"
    with app.test_request_context("/?lang=nl"):
        assert moment(at) == "27 november 2026 02:30"
