"""Domain rules with numbers from DOMAIN.md, as pure functions."""

import calendar
import re
from datetime import date

from models.enums import AgreementType, LearnerType, MentorProblem, RecognitionStatus

RECOGNITION_VALIDITY_YEARS = 5  # DOMAIN.md step 2
DECISION_NORM_DAYS = 14  # DOMAIN.md step 2: a partnership normally decides within 14 days

# DOMAIN.md step 3: the mentor.
MENTOR_MIN_AGE = 25
MENTOR_MIN_AGE_WITH_WAIVER = 23  # a partnership may lower the age to 23
MENTOR_MIN_YEARS_EXPERIENCE = 5
MENTOR_TRAINING_MONTHS = 12  # default deadline for the mentor training, after recognition
# Sectors with their own deadline: construction finishes the training within 6 months.
MENTOR_TRAINING_MONTHS_BY_SECTOR = {"Bouw": 6}

# DOMAIN.md step 4: advertised availability is the company's claim and goes stale.
# Unconfirmed for longer, a free place is shown as unconfirmed and ranks lower ...
UNCONFIRMED_AFTER_DAYS = 90  # configurable: SEARCH_UNCONFIRMED_AFTER_DAYS
# ... and for longer still, it no longer counts as a free place.
STALE_AFTER_DAYS = 180  # configurable: SEARCH_STALE_AFTER_DAYS

AGREEMENT_HOURS_THRESHOLD = 20  # DOMAIN.md step 6: under 20 h SAO/ODO, else OAO/ODO-statuut

_KBO_SEPARATORS = re.compile(r"[\s.\-/]")


class InvalidKboError(ValueError):
    """A KBO enterprise number is malformed or fails its check digits.

    `code` says what is wrong: "length", "first_digit" or "check_digits".
    """

    def __init__(self, code: str) -> None:
        super().__init__(f"invalid KBO number: {code.replace('_', ' ')}")
        self.code = code


def normalize_kbo(raw: str) -> str:
    """Return a KBO number as 10 digits, or raise `InvalidKboError`.

    Accepts the usual spellings: "0403.170.701", "BE 0403 170 701", and the old
    9-digit form, which the KBO turned into 10 digits by a leading 0.
    """
    text = _KBO_SEPARATORS.sub("", raw.strip().upper())
    text = text.removeprefix("BE")
    if len(text) == 9 and text.isdigit():
        text = "0" + text
    if len(text) != 10 or not (text.isascii() and text.isdigit()):  # not "²" and the like
        raise InvalidKboError("length")
    if text[0] not in "01":
        raise InvalidKboError("first_digit")
    if not kbo_check_digits_ok(text):
        raise InvalidKboError("check_digits")
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


def add_months(day: date, months: int) -> date:
    """Add calendar months; a day past the new month's end becomes its last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def age_on(birth_date: date, day: date) -> int:
    """Return the age in whole years on `day`."""
    had_birthday = (day.month, day.day) >= (birth_date.month, birth_date.day)
    return day.year - birth_date.year - (0 if had_birthday else 1)


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


def offered_free_places(
    n_free_places: int, available_from: date | None, valid_until: date | None
) -> int:
    """Return the free places a workplace can offer: none when they open only on or
    after the day its recognition expires (issue 14, item 5), since no agreement can
    run there then."""
    if available_from is not None and valid_until is not None and available_from >= valid_until:
        return 0
    return n_free_places


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


def is_request_overdue(requested_on: date, day: date) -> bool:
    """Tell whether a recognition request waits longer than the 14-day norm (step 2)."""
    return (day - requested_on).days > DECISION_NORM_DAYS


def mentor_training_deadline(sector: str, recognised_on: date) -> date:
    """Return when a mentor must have finished the training (step 3), per sector."""
    months = MENTOR_TRAINING_MONTHS_BY_SECTOR.get(sector, MENTOR_TRAINING_MONTHS)
    return add_months(recognised_on, months)


def mentor_problems(
    birth_date: date,
    years_experience: int,
    has_age_waiver: bool,
    extract_shown_on: date | None,
    day: date,
) -> list[MentorProblem]:
    """List what stops a person from being a mentor on `day` (empty: nothing)."""
    problems = []
    age = age_on(birth_date, day)
    if age < MENTOR_MIN_AGE_WITH_WAIVER:
        problems.append(MentorProblem.TOO_YOUNG)
    elif age < MENTOR_MIN_AGE and not has_age_waiver:
        problems.append(MentorProblem.NEEDS_AGE_WAIVER)
    if years_experience < MENTOR_MIN_YEARS_EXPERIENCE:
        problems.append(MentorProblem.TOO_LITTLE_EXPERIENCE)
    if extract_shown_on is None:
        problems.append(MentorProblem.NO_EXTRACT_SHOWN)
    return problems


# DOMAIN.md, "Learners": from 16, or 15 once the first grade of secondary school is done, up
# to the school year in which the learner turns 25. A school year starts on 1 September.
LEARNER_MIN_AGE = 16
LEARNER_MIN_AGE_AFTER_FIRST_GRADE = 15
LEARNER_LAST_AGE = 25
LEARNER_TOO_YOUNG, LEARNER_TOO_OLD = "too_young", "too_old"


def school_year_start(day: date) -> date:
    """Return the 1 September that starts the school year `day` falls in."""
    return date(day.year if day.month >= 9 else day.year - 1, 9, 1)


def learner_age_problem(
    birth_date: date,
    day: date,
    *,
    after_first_grade: bool,
    learner_type: LearnerType,
) -> str | None:
    """Say why someone born on `birth_date` cannot be a dual learner on `day`, or None.

    Returns `LEARNER_TOO_YOUNG` under 15 (16 without the first grade done), or
    `LEARNER_TOO_OLD` once the school year of `day` starts after the 25th birthday.
    The upper age is the rule of secondary dual learning: adult programmes (CVO) have none.
    """
    minimum = LEARNER_MIN_AGE_AFTER_FIRST_GRADE if after_first_grade else LEARNER_MIN_AGE
    if age_on(birth_date, day) < minimum:
        return LEARNER_TOO_YOUNG
    if learner_type is LearnerType.SECONDARY and add_years(
        birth_date, LEARNER_LAST_AGE
    ) < school_year_start(day):
        return LEARNER_TOO_OLD
    return None
