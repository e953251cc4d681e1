"""What each factor of a match rests on, as data: a code and the facts behind it.

The matcher never writes sentences: a `Reason` says which statement a factor makes
(`code`) and with which numbers, dates and codes (`values`). The web layer words them
in the reader's language. The codes, per factor:

programme
    ``recognised``: ``last_day`` (a date), the last day the recognition is valid.
distance
    ``distance``: ``distance_m`` (whole metres, so that the words round it once) and
    ``mobility``.
availability
    ``no_free_place``, ``free`` or ``free_from``: ``n_free``, ``n_places``,
    ``free_from`` (a date, or None when free now), ``confirmed_days_ago`` (None if
    never confirmed) and ``staleness`` (``recent``, ``unconfirmed`` or ``stale``).
preferences
    ``no_conditions`` or ``conditions``: ``checks``, a tuple of `Check` (misfits first).
freshness
    ``never_updated`` or ``updated``: ``days_ago``.
"""

from datetime import date
from functools import lru_cache
from types import MappingProxyType
from typing import Any

from matcher.scoring import COMPANY_SIZE_BANDS
from matcher.types import HOURS_PATTERNS, LANGUAGES, Check, Reason, StudentWishes

RECENT, UNCONFIRMED, STALE = "recent", "unconfirmed", "stale"


def staleness_of(confirmed_days_ago: int | None, unconfirmed_after: int, stale_after: int) -> str:
    """How old a confirmation is: RECENT, UNCONFIRMED or STALE."""
    if confirmed_days_ago is None:
        return RECENT
    if confirmed_days_ago > stale_after:
        return STALE
    return UNCONFIRMED if confirmed_days_ago > unconfirmed_after else RECENT


# Results repeat the same facts (the same dates, places and preferences), so each reason
# is built once and shared: its values are read-only.
_shared = lru_cache(maxsize=32768)


@_shared
def recognised(score: float, weight: float, valid_until: int) -> Reason:
    """The programme factor, from the ordinal of the day the recognition expires."""
    return Reason(
        "programme",
        score,
        weight,
        "recognised",
        MappingProxyType({"last_day": date.fromordinal(valid_until - 1)}),
    )


def distance(score: float, weight: float, distance_m: int, mobility: str) -> Reason:
    """The distance factor (each distance its own: not shared)."""
    return Reason(
        "distance", score, weight, "distance", {"distance_m": distance_m, "mobility": mobility}
    )


@_shared
def availability(
    score: float,
    weight: float,
    n_free: int,
    n_places: int,
    free_from: int | None,
    confirmed_days_ago: int | None,
    staleness: str,
) -> Reason:
    """The availability factor; `free_from` is a day ordinal after today, or None."""
    code = "no_free_place" if n_free <= 0 else "free" if free_from is None else "free_from"
    values: dict[str, Any] = {
        "n_free": n_free,
        "n_places": n_places,
        "free_from": None if free_from is None else date.fromordinal(free_from),
        "confirmed_days_ago": confirmed_days_ago,
        "staleness": staleness,
    }
    return Reason("availability", score, weight, code, MappingProxyType(values))


@_shared
def freshness(score: float, weight: float, days_ago: int | None) -> Reason:
    """The freshness factor: how long ago anything about the workplace changed."""
    code = "never_updated" if days_ago is None else "updated"
    return Reason("freshness", score, weight, code, MappingProxyType({"days_ago": days_ago}))


@_shared
def preference_checks(
    min_age: int,
    start_months: int,
    languages: int,
    hours_pattern: int,
    n_employees: int,
    interview_at_school: bool,
    wishes: StudentWishes,
) -> tuple[Check, ...]:
    """What the company asks and how it fits the student's wishes, misfits first.

    `start_months` and `languages` are the snapshot's bit masks and `hours_pattern` its
    code (0: none); `n_employees` is -1 when the size does not matter.
    """
    checks: list[Check] = []
    if min_age:
        checks.append(Check("min_age", wishes.age is None or wishes.age >= min_age, min_age))
    if start_months:
        months = tuple(m for m in range(1, 13) if start_months >> m & 1)
        start = wishes.start_date
        checks.append(Check("start_months", start is None or start.month in months, months))
    if languages:
        codes = tuple(c for i, c in enumerate(LANGUAGES) if languages >> i & 1)
        lacking = bool(wishes.languages) and not set(codes) <= wishes.languages
        checks.append(Check("languages", not lacking, codes))
    if hours_pattern:
        pattern = HOURS_PATTERNS[hours_pattern - 1]
        wrong = wishes.hours_pattern is not None and wishes.hours_pattern != pattern
        checks.append(Check("hours_pattern", not wrong, pattern))
    if wishes.company_size is not None and n_employees >= 0:
        low, high = COMPANY_SIZE_BANDS[wishes.company_size]
        checks.append(
            Check("company_size", low <= n_employees <= high, (wishes.company_size, n_employees))
        )
    if interview_at_school:
        checks.append(Check("interview_at_school", True, True))
    checks.sort(key=lambda check: check.fits)  # misfits first, otherwise in the order above
    return tuple(checks)


@_shared
def preferences(score: float, weight: float, checks: tuple[Check, ...]) -> Reason:
    """The preferences factor from its checks."""
    return Reason(
        "preferences",
        score,
        weight,
        "conditions" if checks else "no_conditions",
        MappingProxyType({"checks": checks}),
    )
