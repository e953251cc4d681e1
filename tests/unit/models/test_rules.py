from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.enums import AgreementType, LearnerType, RecognitionStatus
from models.rules import (
    InvalidKboError,
    agreement_type_for,
    format_kbo,
    is_available_now,
    is_recognition_valid,
    kbo_check_digits_ok,
    kbo_with_check_digits,
    normalize_kbo,
    recognition_valid_until,
)


@pytest.mark.parametrize(
    "raw",
    ["0202.239.951", "BE 0202 239 951", "BE0202239951", "202239951", " 0202-239-951 "],
)
def test_normalize_kbo_accepts_the_usual_spellings(raw: str) -> None:
    assert normalize_kbo(raw) == "0202239951"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("0202.239.952", "check_digits"),
        ("12345", "length"),
        ("02022399511", "length"),
        ("abcdefghij", "length"),
        ("2202239951", "first_digit"),
        ("", "length"),
        ("040317070²", "length"),  # digits to str.isdigit(), not to int()
        ("٠٤٠٣١٧٠٧٠١", "length"),
    ],
)
def test_normalize_kbo_says_what_is_wrong(raw: str, code: str) -> None:
    with pytest.raises(InvalidKboError) as refused:
        normalize_kbo(raw)
    assert refused.value.code == code


@given(st.integers(min_value=0, max_value=19_999_999))
def test_generated_kbo_numbers_pass_the_check(base: int) -> None:
    number = kbo_with_check_digits(base)
    assert len(number) == 10
    assert kbo_check_digits_ok(number)
    assert normalize_kbo(format_kbo(number)) == number


def test_format_kbo() -> None:
    assert format_kbo("0202239951") == "0202.239.951"


def test_recognition_is_valid_five_years_from_the_decision() -> None:
    assert recognition_valid_until(date(2024, 3, 1)) == date(2029, 3, 1)
    assert recognition_valid_until(date(2024, 2, 29)) == date(2029, 2, 28)


def test_a_recognition_expires_on_its_valid_until_day() -> None:
    until = date(2029, 3, 1)
    recognised = RecognitionStatus.RECOGNISED
    assert is_recognition_valid(recognised, until, date(2024, 3, 1))
    assert is_recognition_valid(recognised, until, date(2029, 2, 28))
    assert not is_recognition_valid(recognised, until, date(2029, 3, 1))
    assert not is_recognition_valid(RecognitionStatus.WITHDRAWN, until, date(2025, 1, 1))
    assert not is_recognition_valid(RecognitionStatus.REQUESTED, None, date(2025, 1, 1))


@pytest.mark.parametrize(
    ("learner", "hours", "expected"),
    [
        (LearnerType.SECONDARY, 15, AgreementType.SAO),
        (LearnerType.SECONDARY, 19.5, AgreementType.SAO),
        (LearnerType.SECONDARY, 20, AgreementType.OAO),
        (LearnerType.SECONDARY, 38, AgreementType.OAO),
        (LearnerType.ADULT, 12, AgreementType.ODO),
        (LearnerType.ADULT, 20, AgreementType.ODO_STATUUT),
    ],
)
def test_agreement_type_follows_the_workplace_hours(
    learner: LearnerType, hours: float, expected: AgreementType
) -> None:
    assert agreement_type_for(learner, hours) is expected


def test_negative_hours_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        agreement_type_for(LearnerType.SECONDARY, -1)


def test_available_needs_validity_a_free_place_the_start_date_and_a_confirmation() -> None:
    day = date(2026, 11, 27)
    ok = RecognitionStatus.RECOGNISED
    until = date(2028, 1, 1)
    seen = date(2026, 11, 1)
    assert is_available_now(ok, until, 1, None, seen, day)
    assert is_available_now(ok, until, 1, day, seen, day)
    assert not is_available_now(ok, until, 0, None, seen, day)
    assert not is_available_now(ok, until, 1, date(2026, 11, 28), seen, day)
    assert not is_available_now(ok, date(2026, 11, 27), 1, None, seen, day)
    assert not is_available_now(RecognitionStatus.EXPIRED, until, 1, None, seen, day)


def test_an_availability_unconfirmed_for_over_180_days_no_longer_counts() -> None:
    day = date(2026, 11, 27)
    ok = RecognitionStatus.RECOGNISED
    until = date(2028, 1, 1)
    assert is_available_now(ok, until, 1, None, date(2026, 5, 31), day)  # 180 days
    assert not is_available_now(ok, until, 1, None, date(2026, 5, 30), day)  # 181 days
    assert not is_available_now(ok, until, 1, None, None, day)
    assert is_available_now(ok, until, 1, None, date(2026, 5, 30), day, stale_after_days=365)
