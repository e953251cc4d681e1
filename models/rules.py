"""Domain rules with numbers from DOMAIN.md, as pure functions."""

import re
from datetime import date

from matcher.scoring import STALE_AFTER_DAYS
from models.enums import AgreementType, LearnerType, RecognitionStatus

RECOGNITION_VALIDITY_YEARS = 5  # DOMAIN.md step 2

AGREEMENT_HOURS_THRESHOLD = 20  # DOMAIN.md step 6: under 20 h SAO/ODO, else OAO/ODO-statuut

_KBO_SEPARATORS = re.compile(r"[\s.\-/]")


class InvalidKboError(ValueError):
    """A KBO enterprise number is malformed or fails its check digits."""


def normalize_kbo(raw: str) -> str:
    """Return a KBO number as 10 digits, or raise `InvalidKboError`.

    Accepts the usual spellings: "0403.170.701", "BE 0403 170 701", and the old
    9-digit form, which the KBO turned into 10 digits by a leading 0.
    """
    text = _KBO_SEPARATORS.sub("", raw.strip().upper())
    text = text.removeprefix("BE")
    if len(text) == 9 and text.isdigit():
        text = "0" + text
    if len(text) != 10 or not text.isdigit():
        raise InvalidKboError("een ondernemingsnummer heeft 10 cijfers")
    if text[0] not in "01":
        raise InvalidKboError("een ondernemingsnummer begint met 0 of 1")
    if not kbo_check_digits_ok(text):
        raise InvalidKboError("de controlegetallen van dit ondernemingsnummer kloppen niet")
    return text


def kbo_check_digits_ok(digits: str) -> bool:
    """Check the mod-97 rule: the last two digits are 97 minus the first eight mod 97."""
    return int(digits[8:]) == 97 - int(digits[:8]) % 97


def kbo_with_check_digits(base8: int) -> str:
    """Return the 10-digit KBO number for an 8-digit base (for demo and test data)."""
    return f"{base8:08d}{97 - base8 % 97:02d}"


def format_kbo(digits: str) -> str:
    """Show a KBO number the official way: 0403.170.701."""
    return f"{digits[:4]}.{digits[4:7]}.{digits[7:]}"


def add_years(day: date, years: int) -> date:
    """Add calendar years; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def recognition_valid_until(decided_on: date) -> date:
    """Return when a recognition decided on `decided_on` ends: 5 years later (step 2).

    It is valid from the decision up to the day before: `valid_until` is the day it
    expires, so the validity is exactly 5 years.
    """
    return add_years(decided_on, RECOGNITION_VALIDITY_YEARS)


def is_recognition_valid(status: RecognitionStatus, valid_until: date | None, day: date) -> bool:
    """Tell whether a recognition allows training on `day` (it expires on valid_until)."""
    return status is RecognitionStatus.RECOGNISED and valid_until is not None and day < valid_until


def agreement_type_for(learner_type: LearnerType, workplace_hours: float) -> AgreementType:
    """Return the agreement type fixed by a programme's weekly workplace hours (step 6).

    DA (part-time employment, social Maribel sectors only) is never derived: it is a
    sector's explicit choice, not a consequence of the hours.
    """
    if workplace_hours < 0:
        raise ValueError("workplace hours cannot be negative")
    full = workplace_hours >= AGREEMENT_HOURS_THRESHOLD
    if learner_type is LearnerType.ADULT:
        return AgreementType.ODO_STATUUT if full else AgreementType.ODO
    return AgreementType.OAO if full else AgreementType.SAO


def is_available_now(
    status: RecognitionStatus,
    valid_until: date | None,
    n_free_places: int,
    available_from: date | None,
    last_confirmed_on: date | None,
    day: date,
    stale_after_days: int = STALE_AFTER_DAYS,
) -> bool:
    """Tell whether a workplace offers a place today: valid, free, started, confirmed.

    Advertised availability is the company's claim and goes stale: unconfirmed for more
    than `stale_after_days` (or never confirmed), it no longer counts as free.
    """
    return (
        is_recognition_valid(status, valid_until, day)
        and n_free_places > 0
        and (available_from is None or available_from <= day)
        and last_confirmed_on is not None
        and (day - last_confirmed_on).days <= stale_after_days
    )
