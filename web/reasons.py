"""The reasons behind a match, in words: the matcher's codes and values (matcher/reasons.py),
worded in the reader's language with the product's one vocabulary (web/vocabulary.py).

A results page words a hundred reasons that repeat the same statements (the same dates,
places and preferences): each language keeps its sentences, and reads the same
translation catalogue as the pages, loaded once rather than looked up per call.
"""

from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import Any, Generic, TypeVar

from babel.dates import format_date
from babel.support import NullTranslations, Translations
from flask import Flask

from matcher import Check, Reason
from web.config import get_settings
from web.filters import format_km, shown_tenths
from web.i18n import LANGUAGES
from web.services.search import Origin
from web.settings import SearchSettings
from web.vocabulary import (
    COMPANY_SIZE_NAMES,
    HOURS_NAMES,
    LANGUAGE_NAMES,
    MOBILITY_NAMES,
    MONTH_NAMES,
)

TRANSLATIONS = Path(__file__).parent / "translations"
MAX_KEPT = 50_000  # sentences per language; past this the memory starts afresh

T = TypeVar("T")


class ByReason(Generic[T]):
    """What was made of each reason the matcher shares, found by the reason's identity.

    The matcher hands out one object per statement other than a distance
    (matcher.reasons), so its identity is the cheapest key. The object is kept beside
    what was made of it: while kept, no other object can have its id. A caller in a hot
    loop may read `kept` itself (`kept.get(id(reason))`), and `keep` what it misses.
    """

    def __init__(self, make: Callable[[Reason], T]) -> None:
        self._make = make
        self.kept: dict[int, tuple[Reason, T]] = {}

    def get(self, reason: Reason) -> T:
        kept = self.kept.get(id(reason))
        return self.keep(reason)[1] if kept is None else kept[1]

    def keep(self, reason: Reason) -> tuple[Reason, T]:
        """Make what is kept of `reason`, and keep it."""
        if len(self.kept) >= MAX_KEPT:
            self.kept = {}
        kept = self.kept[id(reason)] = (reason, self._make(reason))
        return kept


class Wording:
    """The words of one language for reasons, with the sentences said so far."""

    def __init__(self, language: str) -> None:
        self.language = language
        catalogue = Translations.load(TRANSLATIONS, [language])
        self._catalogue: NullTranslations = catalogue
        self._said: dict[tuple[Any, ...], str] = {}
        self._shared = ByReason(
            lambda r: self._sentence((r.factor, r.code, tuple(r.values.values())))
        )

    def gettext(self, msgid: str, **params: Any) -> str:
        text = self._catalogue.gettext(msgid)
        return text % params if params else text

    def ngettext(self, singular: str, plural: str, num: int, **params: Any) -> str:
        return self._catalogue.ngettext(singular, plural, num) % {"num": num, **params}

    def reason(
        self, reason: Reason, origin: Origin | None = None, search: SearchSettings | None = None
    ) -> str:
        """Say one reason; `origin` is where distances are measured from, and a distance
        past the `search` settings' ceiling for the way of travelling is too far for it."""
        if reason.factor == "distance":
            return self.distances(origin, search)(reason)
        return self._shared.get(reason)

    def distances(self, origin: Origin | None, search: SearchSettings | None = None) -> "Distances":
        """The words of distances from `origin`, for a page that says many."""
        return Distances(self, origin, search)

    def _sentence(self, key: tuple[Any, ...]) -> str:
        """The sentence for a factor, code and values, said once."""
        said = self._said.get(key)
        if said is None:
            if len(self._said) >= MAX_KEPT:
                self._said = {}
            said = self._said[key] = self._say(*key)
        return said

    def _say(self, factor: str, code: str, values: tuple[Any, ...]) -> str:
        if factor == "programme":
            (last_day,) = values
            return self.gettext(
                "Erkend voor deze opleiding tot en met %(date)s", date=self._day(last_day)
            )
        if factor == "distance":
            tenths, mobility, is_far, origin = values
            shown_km = format_km(tenths / 10, self.language)
            place = "" if origin is None else origin[0]
            if origin is not None and origin[1]:
                place = self.gettext("je vertrekpunt")
            facts = {
                "km": shown_km,
                "origin": place,
                "mobility": self.gettext(MOBILITY_NAMES[mobility]),
            }
            if is_far:  # never "65 km, met de fiets": past the mode's ceiling, say so
                return self.gettext("%(km)s km van %(origin)s: te ver %(mobility)s", **facts)
            return self.gettext("%(km)s km van %(origin)s, %(mobility)s", **facts)
        if factor == "availability":
            return self._availability(code, *values)
        if factor == "preferences":
            (checks,) = values
            return self._preferences(checks)
        (days_ago,) = values
        if days_ago is None:
            return self.gettext("Nooit bijgewerkt sinds de erkenning")
        return self.gettext("Gegevens %(ago)s bijgewerkt", ago=self.days_ago(days_ago))

    def days_ago(self, days: int) -> str:
        """E.g. "vandaag", "gisteren", "9 dagen geleden", "4 maanden geleden"."""
        if days <= 0:
            return self.gettext("vandaag")
        if days == 1:
            return self.gettext("gisteren")
        if days < 60:
            return self.gettext("%(n)s dagen geleden", n=days)
        if days < 730:
            return self.gettext("%(n)s maanden geleden", n=days // 30)
        return self.gettext("%(n)s jaar geleden", n=days // 365)

    def _day(self, day: date) -> str:
        return str(format_date(day, format="long", locale=self.language))

    def _availability(
        self,
        code: str,
        n_free: int,
        n_places: int,
        free_from: date | None,
        confirmed_days_ago: int | None,
        staleness: str,
    ) -> str:
        if code == "no_free_place":
            offer = self.ngettext(
                "Geen vrije plaats (van %(num)s plaats)",
                "Geen vrije plaats (van %(num)s plaatsen)",
                n_places,
            )
        elif free_from is not None:
            offer = self.ngettext(
                "%(free)s van %(num)s plaats vrij vanaf %(date)s",
                "%(free)s van %(num)s plaatsen vrij vanaf %(date)s",
                n_places,
                free=n_free,
                date=self._day(free_from),
            )
        else:
            offer = self.ngettext(
                "%(free)s van %(num)s plaats vrij",
                "%(free)s van %(num)s plaatsen vrij",
                n_places,
                free=n_free,
            )
        if confirmed_days_ago is None:
            return self.gettext("%(offer)s, nooit bevestigd door het bedrijf", offer=offer)
        text = self.gettext(
            "%(offer)s, bevestigd %(ago)s", offer=offer, ago=self.days_ago(confirmed_days_ago)
        )
        if n_free > 0 and staleness == "stale":
            text += self.gettext(" (lang niet bevestigd: misschien niet meer vrij)")
        elif n_free > 0 and staleness == "unconfirmed":
            text += self.gettext(" (niet recent bevestigd)")
        return text

    def _preferences(self, checks: tuple[Check, ...]) -> str:
        if not checks:
            return self.gettext("Het bedrijf stelt geen bijzondere voorwaarden")
        phrases = [
            self._check(check)
            if check.fits
            else self.gettext("past niet: %(phrase)s", phrase=self._check(check))
            for check in checks
        ]
        text = "; ".join(phrases)
        return text[:1].upper() + text[1:]

    def _check(self, check: Check) -> str:
        code, value = check.code, check.value
        if code == "min_age":
            return self.gettext("vanaf %(age)s jaar", age=value)
        if code == "start_months":
            months = self.gettext(" of ").join(self.gettext(MONTH_NAMES[m - 1]) for m in value)
            if check.fits:
                return self.gettext("start in %(months)s", months=months)
            return self.gettext("start enkel in %(months)s", months=months)
        if code == "languages":
            spoken = self.gettext(" en ").join(self.gettext(LANGUAGE_NAMES[c]) for c in value)
            return self.gettext("vraagt %(languages)s", languages=spoken)
        if code == "hours_pattern":
            return self.gettext("werkuren: %(hours)s", hours=self.gettext(HOURS_NAMES[value]))
        if code == "company_size":
            size, n_employees = value
            name = self.gettext(COMPANY_SIZE_NAMES[size])
            if check.fits:
                return self.gettext("een %(size)s bedrijf, zoals je wilt", size=name)
            return self.gettext(
                "geen %(size)s bedrijf (%(n)s werknemers)", size=name, n=n_employees
            )
        return self.gettext("eerste gesprek op school")


class Distances:
    """Says distances from one origin, past the travel ceilings of `search` (None: none
    is too far): the place and the ceilings are looked up once for a page's twenty."""

    def __init__(self, words: Wording, origin: Origin | None, search: SearchSettings | None):
        self._sentence = words._sentence
        self._place = None if origin is None else (origin.municipality, origin.is_point)
        self._ceilings = {} if search is None else search.ceilings_km

    def __call__(self, reason: Reason) -> str:
        values = reason.values
        metres, mobility = values["distance_m"], values["mobility"]
        ceiling = self._ceilings.get(mobility)
        is_far = ceiling is not None and metres / 1000 > ceiling
        # Sentences are kept by the tenths of a km shown: formatting costs more.
        shown = (shown_tenths(metres), mobility, is_far, self._place)
        return self._sentence(("distance", "distance", shown))


_WORDINGS = {language: Wording(language) for language in LANGUAGES}


def reasons_to_say(reasons: Iterable[Reason], on_workplace_page: bool = False) -> list[Reason]:
    """The reasons a result card or a workplace's page words, so that each fact is said
    once (issue 14, item 5).

    The recognition's last day is said beside the places on a workplace's page, and
    not on a card; the freshness only when it is not the day of the confirmation,
    which the availability says already. A workplace's page says its places and what
    the company asks in sections of their own: of those, only a misfit is a reason.
    """
    reasons = list(reasons)
    confirmed = next(
        (r.values["confirmed_days_ago"] for r in reasons if r.factor == "availability"), None
    )
    kept = []
    for reason in reasons:
        if reason.factor == "programme":
            continue
        if reason.factor == "freshness" and reason.values["days_ago"] in (None, confirmed):
            continue
        if on_workplace_page and (
            reason.factor == "availability"
            or (reason.factor == "preferences" and all(c.fits for c in reason.values["checks"]))
        ):
            continue
        kept.append(reason)
    return kept


def wording(language: str) -> Wording:
    """The words of a language ("nl" or "en")."""
    return _WORDINGS[language]


def reason_text(reason: Reason, origin: Origin | None = None, language: str = "nl") -> str:
    """Word one reason in `language` (a template filter: `reason|reason_text(origin, language)`),
    with the app's travel ceilings."""
    search = get_settings().search if reason.factor == "distance" else None
    return _WORDINGS[language].reason(reason, origin, search)


def init_app(app: Flask) -> None:
    """Let templates word a reason and choose which to say."""
    app.add_template_filter(reason_text)
    app.add_template_global(reasons_to_say)
