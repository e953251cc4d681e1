"""Short Dutch sentences that explain each factor of a match.

The sentences repeat a lot across results (same dates, same preferences), so the
functions that build them are memoised: a search explains its page in microseconds.
"""

from datetime import date
from functools import lru_cache

from matcher.scoring import COMPANY_SIZE_BANDS
from matcher.types import LANGUAGES, StudentWishes

MONTHS = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)
MOBILITY_PHRASES = {
    "walk": "te voet",
    "bike": "met de fiets",
    "public_transport": "met het openbaar vervoer",
    "car": "met de auto",
}
LANGUAGE_NAMES = {"nl": "Nederlands", "fr": "Frans", "en": "Engels", "de": "Duits"}
HOURS_NAMES = {
    "dag": "dagwerk",
    "vroeg": "vroege uren",
    "avond": "avondwerk",
    "weekend": "weekendwerk",
    "ploegen": "ploegenwerk",
}


def dutch_date(day: date) -> str:
    """Write a date the Flemish way: 3 maart 2029."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def dutch_number(value: float, decimals: int = 1) -> str:
    """Write a number with a decimal comma."""
    return f"{value:.{decimals}f}".replace(".", ",")


@lru_cache(maxsize=8192)
def distance_text(tenths_km: int, origin_label: str, mobility: str) -> str:
    """E.g. "14 km van je thuis, met de fiets", from the distance as shown, in tenths of
    a km: to 0.1 km under 10 km, to the whole km from there (rounded once, by the caller).
    """
    shown = dutch_number(tenths_km / 10) if tenths_km < 100 else f"{tenths_km // 10}"
    return f"{shown} km van {origin_label}, {MOBILITY_PHRASES[mobility]}"


def days_ago_text(days: int) -> str:
    """E.g. "vandaag", "gisteren", "9 dagen geleden", "4 maanden geleden"."""
    if days <= 0:
        return "vandaag"
    if days == 1:
        return "gisteren"
    if days < 60:
        return f"{days} dagen geleden"
    if days < 730:
        return f"{days // 30} maanden geleden"
    return f"{days // 365} jaar geleden"


@lru_cache(maxsize=4096)
def availability_text(
    n_free: int,
    n_places: int,
    available_from: int | None,
    confirmed_days_ago: int | None,
    is_stale: bool,
) -> str:
    """E.g. "2 van 3 plaatsen vrij, bevestigd 9 dagen geleden"."""
    noun = "plaats" if n_places == 1 else "plaatsen"
    if n_free <= 0:
        offer = f"Geen vrije plaats (van {n_places} {noun})"
    elif available_from is not None:
        since = dutch_date(date.fromordinal(available_from))
        offer = f"{n_free} van {n_places} {noun} vrij vanaf {since}"
    else:
        offer = f"{n_free} van {n_places} {noun} vrij"
    if confirmed_days_ago is None:
        return f"{offer}, nooit bevestigd door het bedrijf"
    text = f"{offer}, bevestigd {days_ago_text(confirmed_days_ago)}"
    if is_stale and n_free > 0:
        text += " (lang niet bevestigd: misschien niet meer vrij)"
    return text


@lru_cache(maxsize=1024)
def freshness_text(days: int | None) -> str:
    """E.g. "Gegevens 12 dagen geleden bijgewerkt"."""
    if days is None:
        return "Nooit bijgewerkt sinds de erkenning"
    return f"Gegevens {days_ago_text(days)} bijgewerkt"


@lru_cache(maxsize=4096)
def validity_text(valid_until: int) -> str:
    """E.g. "Erkend tot en met 28 februari 2029", from the expiry day's ordinal."""
    last_day = date.fromordinal(valid_until - 1)
    return f"Erkend voor deze opleiding tot en met {dutch_date(last_day)}"


def join_phrases(phrases: list[str]) -> str:
    """Join phrases into one sentence, the first capitalised."""
    text = "; ".join(phrases)
    return text[:1].upper() + text[1:]


@lru_cache(maxsize=4096)
def preferences_text(
    min_age: int,
    start_months: int,
    languages: int,
    hours_pattern: str | None,
    n_employees: int,
    interview_at_school: bool,
    wishes: StudentWishes,
) -> str:
    """Say what the company asks and how it fits the student's wishes.

    `start_months` and `languages` are the snapshot's bit masks; misfits come first.
    """
    misfits: list[str] = []
    fits: list[str] = []
    if min_age:
        too_young = wishes.age is not None and wishes.age < min_age
        (misfits if too_young else fits).append(f"vanaf {min_age} jaar")
    if start_months:
        names = " of ".join(MONTHS[m - 1] for m in range(1, 13) if start_months >> m & 1)
        if wishes.start_date is not None and not start_months >> wishes.start_date.month & 1:
            misfits.append(f"start enkel in {names}")
        else:
            fits.append(f"start in {names}")
    if languages:
        codes = [c for i, c in enumerate(LANGUAGES) if languages >> i & 1]
        lacking = bool(wishes.languages) and not set(codes) <= wishes.languages
        (misfits if lacking else fits).append(
            "vraagt " + " en ".join(LANGUAGE_NAMES[c] for c in codes)
        )
    if hours_pattern:
        wrong = wishes.hours_pattern is not None and wishes.hours_pattern != hours_pattern
        (misfits if wrong else fits).append(f"werkuren: {HOURS_NAMES[hours_pattern]}")
    if wishes.company_size is not None and n_employees >= 0:
        low, high = COMPANY_SIZE_BANDS[wishes.company_size]
        if low <= n_employees <= high:
            fits.append(f"een {wishes.company_size} bedrijf, zoals je wilt")
        else:
            misfits.append(f"geen {wishes.company_size} bedrijf ({n_employees} werknemers)")
    if interview_at_school:
        fits.append("eerste gesprek op school")
    if not misfits and not fits:
        return "Het bedrijf stelt geen bijzondere voorwaarden"
    return join_phrases([f"past niet: {p}" for p in misfits] + fits)
