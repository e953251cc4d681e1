"""The reasons behind a match, in words: the matcher's codes and values (matcher/reasons.py),
worded in the reader's language with the product's one vocabulary (web/vocabulary.py).

A results page repeats the same statements (the same dates, places and preferences),
so each wording is kept per language: a page is worded in microseconds.
"""

from datetime import date
from functools import lru_cache
from typing import Any

from flask import Flask
from flask_babel import format_date, get_locale
from flask_babel import gettext as _gettext
from flask_babel import ngettext as _ngettext

from matcher import Check, Reason
from web.filters import km
from web.services.search import Origin
from web.vocabulary import (
    COMPANY_SIZE_NAMES,
    HOURS_NAMES,
    LANGUAGE_NAMES,
    MOBILITY_NAMES,
    MONTH_NAMES,
)


def gettext(msgid: str, **params: Any) -> str:
    return str(_gettext(msgid, **params))


def ngettext(singular: str, plural: str, num: int, **params: Any) -> str:
    return str(_ngettext(singular, plural, num, **params))


def reason_text(reason: Reason, origin: Origin | None = None) -> str:
    """Word one reason; `origin` is where distances are measured from."""
    label = ""
    if origin is not None:
        label = gettext("je vertrekpunt") if origin.is_point else origin.municipality
    key = tuple(reason.values.values())
    return _worded(str(get_locale()), reason.factor, reason.code, key, label)


def init_app(app: Flask) -> None:
    """Let templates word a reason: `{{ reason|reason_text(page.origin) }}`."""
    app.add_template_filter(reason_text)


@lru_cache(maxsize=16384)
def _worded(locale: str, factor: str, code: str, values: tuple[Any, ...], origin: str) -> str:
    # `locale` is part of the key only: gettext reads the request's own.
    if factor == "programme":
        (last_day,) = values
        return gettext("Erkend voor deze opleiding tot en met %(date)s", date=_day(last_day))
    if factor == "distance":
        distance_m, mobility = values
        return gettext(
            "%(km)s km van %(origin)s, %(mobility)s",
            km=km(distance_m / 1000),
            origin=origin,
            mobility=MOBILITY_NAMES[mobility],
        )
    if factor == "availability":
        return _availability(code, *values)
    if factor == "preferences":
        (checks,) = values
        return _preferences(checks)
    (days_ago,) = values
    if days_ago is None:
        return gettext("Nooit bijgewerkt sinds de erkenning")
    return gettext("Gegevens %(ago)s bijgewerkt", ago=days_ago_text(days_ago))


def days_ago_text(days: int) -> str:
    """E.g. "vandaag", "gisteren", "9 dagen geleden", "4 maanden geleden"."""
    if days <= 0:
        return gettext("vandaag")
    if days == 1:
        return gettext("gisteren")
    if days < 60:
        return gettext("%(n)s dagen geleden", n=days)
    if days < 730:
        return gettext("%(n)s maanden geleden", n=days // 30)
    return gettext("%(n)s jaar geleden", n=days // 365)


def _day(day: date) -> str:
    return str(format_date(day, format="long"))


def _availability(
    code: str,
    n_free: int,
    n_places: int,
    free_from: date | None,
    confirmed_days_ago: int | None,
    staleness: str,
) -> str:
    if code == "no_free_place":
        offer = ngettext(
            "Geen vrije plaats (van %(num)s plaats)",
            "Geen vrije plaats (van %(num)s plaatsen)",
            n_places,
        )
    elif free_from is not None:
        offer = ngettext(
            "%(free)s van %(num)s plaats vrij vanaf %(date)s",
            "%(free)s van %(num)s plaatsen vrij vanaf %(date)s",
            n_places,
            free=n_free,
            date=_day(free_from),
        )
    else:
        offer = ngettext(
            "%(free)s van %(num)s plaats vrij",
            "%(free)s van %(num)s plaatsen vrij",
            n_places,
            free=n_free,
        )
    if confirmed_days_ago is None:
        return gettext("%(offer)s, nooit bevestigd door het bedrijf", offer=offer)
    text = gettext(
        "%(offer)s, bevestigd %(ago)s", offer=offer, ago=days_ago_text(confirmed_days_ago)
    )
    if n_free > 0 and staleness == "stale":
        text += gettext(" (lang niet bevestigd: misschien niet meer vrij)")
    elif n_free > 0 and staleness == "unconfirmed":
        text += gettext(" (niet recent bevestigd)")
    return text


def _preferences(checks: tuple[Check, ...]) -> str:
    if not checks:
        return gettext("Het bedrijf stelt geen bijzondere voorwaarden")
    phrases = [
        _check(check) if check.fits else gettext("past niet: %(phrase)s", phrase=_check(check))
        for check in checks
    ]
    text = "; ".join(phrases)
    return text[:1].upper() + text[1:]


def _check(check: Check) -> str:
    code, value = check.code, check.value
    if code == "min_age":
        return gettext("vanaf %(age)s jaar", age=value)
    if code == "start_months":
        months = gettext(" of ").join(str(MONTH_NAMES[m - 1]) for m in value)
        return (
            gettext("start in %(months)s", months=months)
            if check.fits
            else gettext("start enkel in %(months)s", months=months)
        )
    if code == "languages":
        spoken = gettext(" en ").join(str(LANGUAGE_NAMES[c]) for c in value)
        return gettext("vraagt %(languages)s", languages=spoken)
    if code == "hours_pattern":
        return gettext("werkuren: %(hours)s", hours=HOURS_NAMES[value])
    if code == "company_size":
        size, n_employees = value
        if check.fits:
            return gettext("een %(size)s bedrijf, zoals je wilt", size=COMPANY_SIZE_NAMES[size])
        return gettext(
            "geen %(size)s bedrijf (%(n)s werknemers)", size=COMPANY_SIZE_NAMES[size], n=n_employees
        )
    return gettext("eerste gesprek op school")
