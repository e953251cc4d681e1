"""Short sentences that explain each factor of a match, in Dutch (first) or English.

The sentences repeat a lot across results (same dates, same preferences), so the
functions that build them are memoised: a search explains its page in microseconds.
Every function takes the language last; only "nl" and "en" exist.
"""

from datetime import date
from functools import lru_cache
from typing import Any

from matcher.scoring import COMPANY_SIZE_BANDS
from matcher.types import LANGUAGES, StudentWishes

WORDS: dict[str, dict[str, Any]] = {
    "nl": {
        "months": (
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
        ),
        "mobility": {
            "walk": "te voet",
            "bike": "met de fiets",
            "public_transport": "met het openbaar vervoer",
            "car": "met de auto",
        },
        "languages": {"nl": "Nederlands", "fr": "Frans", "en": "Engels", "de": "Duits"},
        "hours": {
            "dag": "dagwerk",
            "vroeg": "vroege uren",
            "avond": "avondwerk",
            "weekend": "weekendwerk",
            "ploegen": "ploegenwerk",
        },
        "sizes": {"klein": "klein", "middelgroot": "middelgroot", "groot": "groot"},
        "distance": "{km} km van {origin}, {mobility}",
        "today": "vandaag",
        "yesterday": "gisteren",
        "days": "{n} dagen geleden",
        "months_ago": "{n} maanden geleden",
        "years_ago": "{n} jaar geleden",
        "place": "plaats",
        "places": "plaatsen",
        "none_free": "Geen vrije plaats (van {total} {noun})",
        "free_from": "{free} van {total} {noun} vrij vanaf {date}",
        "free": "{free} van {total} {noun} vrij",
        "never_confirmed": "{offer}, nooit bevestigd door het bedrijf",
        "confirmed": "{offer}, bevestigd {ago}",
        "unconfirmed": " (niet recent bevestigd)",
        "stale": " (lang niet bevestigd: misschien niet meer vrij)",
        "never_updated": "Nooit bijgewerkt sinds de erkenning",
        "updated": "Gegevens {ago} bijgewerkt",
        "valid": "Erkend voor deze opleiding tot en met {date}",
        "min_age": "vanaf {age} jaar",
        "or": " of ",
        "and": " en ",
        "start_only": "start enkel in {months}",
        "start": "start in {months}",
        "asks": "vraagt {languages}",
        "hours_label": "werkuren: {hours}",
        "size_fits": "een {size} bedrijf, zoals je wilt",
        "size_misfit": "geen {size} bedrijf ({n} werknemers)",
        "at_school": "eerste gesprek op school",
        "no_conditions": "Het bedrijf stelt geen bijzondere voorwaarden",
        "misfit": "past niet: {phrase}",
    },
    "en": {
        "months": (
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ),
        "mobility": {
            "walk": "on foot",
            "bike": "by bike",
            "public_transport": "by public transport",
            "car": "by car",
        },
        "languages": {"nl": "Dutch", "fr": "French", "en": "English", "de": "German"},
        "hours": {
            "dag": "daytime",
            "vroeg": "early hours",
            "avond": "evenings",
            "weekend": "weekends",
            "ploegen": "shifts",
        },
        "sizes": {"klein": "small", "middelgroot": "medium-sized", "groot": "large"},
        "distance": "{km} km from {origin}, {mobility}",
        "today": "today",
        "yesterday": "yesterday",
        "days": "{n} days ago",
        "months_ago": "{n} months ago",
        "years_ago": "{n} years ago",
        "place": "place",
        "places": "places",
        "none_free": "No free place (of {total} {noun})",
        "free_from": "{free} of {total} {noun} free from {date}",
        "free": "{free} of {total} {noun} free",
        "never_confirmed": "{offer}, never confirmed by the company",
        "confirmed": "{offer}, confirmed {ago}",
        "unconfirmed": " (not confirmed recently)",
        "stale": " (not confirmed for long: perhaps no longer free)",
        "never_updated": "Not updated since the recognition",
        "updated": "Data updated {ago}",
        "valid": "Recognised for this programme until {date}",
        "min_age": "from {age} years old",
        "or": " or ",
        "and": " and ",
        "start_only": "starts only in {months}",
        "start": "starts in {months}",
        "asks": "asks for {languages}",
        "hours_label": "working hours: {hours}",
        "size_fits": "a {size} company, as you wish",
        "size_misfit": "not a {size} company ({n} employees)",
        "at_school": "first conversation at school",
        "no_conditions": "The company sets no particular conditions",
        "misfit": "does not fit: {phrase}",
    },
}
TEXT_LANGUAGES = tuple(WORDS)


def local_date(day: date, lang: str = "nl") -> str:
    """Write a date in words: "3 maart 2029" or "3 March 2029"."""
    return f"{day.day} {WORDS[lang]['months'][day.month - 1]} {day.year}"


def local_number(value: float, lang: str = "nl", decimals: int = 1) -> str:
    """Write a number with a decimal comma in Dutch, a point in English."""
    text = f"{value:.{decimals}f}"
    return text.replace(".", ",") if lang == "nl" else text


@lru_cache(maxsize=8192)
def distance_text(tenths_km: int, origin_label: str, mobility: str, lang: str = "nl") -> str:
    """E.g. "14 km van je thuis, met de fiets", from the distance as shown, in tenths of
    a km: to 0.1 km under 10 km, to the whole km from there (rounded once, by the caller).
    """
    words = WORDS[lang]
    shown = local_number(tenths_km / 10, lang) if tenths_km < 100 else f"{tenths_km // 10}"
    return str(words["distance"]).format(
        km=shown, origin=origin_label, mobility=words["mobility"][mobility]
    )


def days_ago_text(days: int, lang: str = "nl") -> str:
    """E.g. "vandaag", "gisteren", "9 dagen geleden", "4 maanden geleden"."""
    words = WORDS[lang]
    if days <= 0:
        return str(words["today"])
    if days == 1:
        return str(words["yesterday"])
    if days < 60:
        return str(words["days"]).format(n=days)
    if days < 730:
        return str(words["months_ago"]).format(n=days // 30)
    return str(words["years_ago"]).format(n=days // 365)


@lru_cache(maxsize=8192)
def availability_text(
    n_free: int,
    n_places: int,
    available_from: int | None,
    confirmed_days_ago: int | None,
    staleness: int,
    lang: str = "nl",
) -> str:
    """E.g. "2 van 3 plaatsen vrij, bevestigd 9 dagen geleden".

    `staleness`: 0 confirmed recently, `UNCONFIRMED` or `STALE` (see `staleness_of`).
    """
    words = WORDS[lang]
    noun = words["place"] if n_places == 1 else words["places"]
    if n_free <= 0:
        offer = words["none_free"].format(total=n_places, noun=noun)
    elif available_from is not None:
        since = local_date(date.fromordinal(available_from), lang)
        offer = words["free_from"].format(free=n_free, total=n_places, noun=noun, date=since)
    else:
        offer = words["free"].format(free=n_free, total=n_places, noun=noun)
    if confirmed_days_ago is None:
        return str(words["never_confirmed"]).format(offer=offer)
    text = str(words["confirmed"]).format(offer=offer, ago=days_ago_text(confirmed_days_ago, lang))
    if n_free > 0 and staleness == STALE:
        text += words["stale"]
    elif n_free > 0 and staleness == UNCONFIRMED:
        text += words["unconfirmed"]
    return text


RECENT, UNCONFIRMED, STALE = 0, 1, 2


def staleness_of(confirmed_days_ago: int | None, unconfirmed_after: int, stale_after: int) -> int:
    """How old a confirmation is, in the words' terms: RECENT, UNCONFIRMED or STALE."""
    if confirmed_days_ago is None:
        return RECENT
    if confirmed_days_ago > stale_after:
        return STALE
    return UNCONFIRMED if confirmed_days_ago > unconfirmed_after else RECENT


@lru_cache(maxsize=2048)
def freshness_text(days: int | None, lang: str = "nl") -> str:
    """E.g. "Gegevens 12 dagen geleden bijgewerkt"."""
    if days is None:
        return str(WORDS[lang]["never_updated"])
    return str(WORDS[lang]["updated"]).format(ago=days_ago_text(days, lang))


@lru_cache(maxsize=8192)
def validity_text(valid_until: int, lang: str = "nl") -> str:
    """E.g. "Erkend voor deze opleiding tot en met 28 februari 2029", from the expiry
    day's ordinal (the last valid day is the day before)."""
    last_day = date.fromordinal(valid_until - 1)
    return str(WORDS[lang]["valid"]).format(date=local_date(last_day, lang))


def join_phrases(phrases: list[str]) -> str:
    """Join phrases into one sentence, the first capitalised."""
    text = "; ".join(phrases)
    return text[:1].upper() + text[1:]


@lru_cache(maxsize=8192)
def preferences_text(
    min_age: int,
    start_months: int,
    languages: int,
    hours_pattern: str | None,
    n_employees: int,
    interview_at_school: bool,
    wishes: StudentWishes,
    lang: str = "nl",
) -> str:
    """Say what the company asks and how it fits the student's wishes.

    `start_months` and `languages` are the snapshot's bit masks; misfits come first.
    """
    words = WORDS[lang]
    misfits: list[str] = []
    fits: list[str] = []
    if min_age:
        too_young = wishes.age is not None and wishes.age < min_age
        (misfits if too_young else fits).append(words["min_age"].format(age=min_age))
    if start_months:
        names = words["or"].join(
            words["months"][m - 1] for m in range(1, 13) if start_months >> m & 1
        )
        if wishes.start_date is not None and not start_months >> wishes.start_date.month & 1:
            misfits.append(words["start_only"].format(months=names))
        else:
            fits.append(words["start"].format(months=names))
    if languages:
        codes = [c for i, c in enumerate(LANGUAGES) if languages >> i & 1]
        lacking = bool(wishes.languages) and not set(codes) <= wishes.languages
        spoken = words["and"].join(words["languages"][c] for c in codes)
        (misfits if lacking else fits).append(words["asks"].format(languages=spoken))
    if hours_pattern:
        wrong = wishes.hours_pattern is not None and wishes.hours_pattern != hours_pattern
        (misfits if wrong else fits).append(
            words["hours_label"].format(hours=words["hours"][hours_pattern])
        )
    if wishes.company_size is not None and n_employees >= 0:
        low, high = COMPANY_SIZE_BANDS[wishes.company_size]
        size = words["sizes"][wishes.company_size]
        if low <= n_employees <= high:
            fits.append(words["size_fits"].format(size=size))
        else:
            misfits.append(words["size_misfit"].format(size=size, n=n_employees))
    if interview_at_school:
        fits.append(words["at_school"])
    if not misfits and not fits:
        return str(words["no_conditions"])
    return join_phrases([words["misfit"].format(phrase=p) for p in misfits] + fits)
