"""Short Dutch sentences that explain each factor of a match."""

from datetime import date

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


def distance_text(distance_km: float, origin_label: str, mobility: str) -> str:
    """E.g. "14 km van je thuis, met de fiets"."""
    shown = dutch_number(distance_km) if distance_km < 10 else f"{round(distance_km)}"
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


def availability_text(
    n_free: int,
    n_places: int,
    available_from: date | None,
    confirmed_days_ago: int | None,
    is_stale: bool,
) -> str:
    """E.g. "2 van 3 plaatsen vrij, bevestigd 9 dagen geleden"."""
    noun = "plaats" if n_places == 1 else "plaatsen"
    if n_free <= 0:
        offer = f"Geen vrije plaats (van {n_places} {noun})"
    elif available_from is not None:
        offer = f"{n_free} van {n_places} {noun} vrij vanaf {dutch_date(available_from)}"
    else:
        offer = f"{n_free} van {n_places} {noun} vrij"
    if confirmed_days_ago is None:
        return f"{offer}, nooit bevestigd door het bedrijf"
    text = f"{offer}, bevestigd {days_ago_text(confirmed_days_ago)}"
    if is_stale and n_free > 0:
        text += " (lang niet bevestigd: misschien niet meer vrij)"
    return text


def freshness_text(days: int | None) -> str:
    """E.g. "Gegevens 12 dagen geleden bijgewerkt"."""
    if days is None:
        return "Nooit bijgewerkt sinds de erkenning"
    return f"Gegevens {days_ago_text(days)} bijgewerkt"


def validity_text(valid_until: date) -> str:
    """E.g. "Erkend voor deze opleiding tot 3 maart 2029"."""
    return f"Erkend voor deze opleiding tot {dutch_date(valid_until)}"


def join_phrases(phrases: list[str]) -> str:
    """Join phrases into one sentence, the first capitalised."""
    text = "; ".join(phrases)
    return text[:1].upper() + text[1:]
