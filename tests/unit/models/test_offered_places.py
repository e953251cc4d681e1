"""A free place is offered only while the recognition runs (issue 14, item 5)."""

from datetime import date, timedelta

from models.rules import offered_free_places

ENDS = date(2027, 3, 29)  # the recognition's valid_until: the day it expires


def test_a_place_opening_before_the_recognition_ends_is_offered() -> None:
    assert offered_free_places(2, ENDS - timedelta(days=1), ENDS) == 2


def test_a_place_opening_on_or_after_the_day_it_ends_is_not() -> None:
    assert offered_free_places(2, ENDS, ENDS) == 0
    assert offered_free_places(2, date(2027, 5, 27), ENDS) == 0


def test_a_place_free_now_is_offered() -> None:
    assert offered_free_places(1, None, ENDS) == 1
