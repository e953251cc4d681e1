"""Jinja filters that write numbers, dates and preferences in the page's language, and
the page's `gettext` and `ngettext` (`page_words`)."""

from collections.abc import Hashable
from datetime import date, datetime
from typing import Any

from babel.support import NullTranslations
from flask import Flask, current_app
from flask_babel import (
    format_date,
    format_decimal,
    get_translations,
)
from markupsafe import Markup

from models.base import BELGIUM, day_in_belgium
from models.enums import MentorProblem, RecognitionStatus, TrainingStatus
from models.rules import format_kbo
from web.i18n import page_language
from web.vocabulary import (
    HOURS_NAMES,
    LANGUAGE_NAMES,
    MENTOR_PROBLEM_TEXTS,
    MONTH_NAMES,
    STATUS_NAMES,
    TRAINING_NAMES,
)


def number(value: int) -> str:
    """25063 → "25.063" in Dutch, "25,063" in English."""
    language = page_language()
    if isinstance(value, int) and language in ("nl", "en"):
        # Babel's answer for whole numbers in our two languages, without parsing its
        # pattern and locale data at every call.
        text = f"{value:,}"
        return text.replace(",", ".") if language == "nl" else text
    return str(format_decimal(value, format="#,##0"))


def km(value: float, language: str | None = None) -> str:
    """A distance in `language`, by default the page's (see `format_km`)."""
    return format_km(value, language or page_language())


def format_km(value: float, language: str) -> str:
    """A distance: one decimal under 10 km (none when whole), whole km from there.

    Plain formatting rather than Babel's: a results page writes a hundred of them, and
    only the decimal sign differs between Dutch and English.
    """
    if value >= 9.95:
        return f"{value:.0f}"
    tenths = round(value, 1)
    text = f"{tenths:.0f}" if tenths.is_integer() else f"{tenths:.1f}"
    return text.replace(".", ",") if language == "nl" else text


def shown_tenths(metres: int) -> int:
    """The tenths of a km that `format_km(metres / 1000)` shows (a multiple of ten from
    9.95 km on), worked out in whole numbers: formatting a float costs more than the
    rest of a result's distance. A tie in decimal (…50 m under 10 km) is left to the
    float, whose binary value decides it as `format_km` rounds it."""
    if metres >= 9950:
        km, rest = divmod(metres, 1000)
        return 10 * (km + (rest > 500 or (rest == 500 and km % 2 == 1)))
    tenths, rest = divmod(metres, 100)
    if rest == 50:
        return round(round(metres / 1000, 1) * 10)
    return tenths + (rest > 50)


def day(moment: datetime | date) -> str:
    """A date, or a timestamp as its Belgian date: "20 november 2026"."""
    if isinstance(moment, datetime):
        moment = day_in_belgium(moment)
    # Babel reads its pattern and locale data at every call: each day is written once
    # per language (a coach's page writes dozens of dates, mostly the same few).
    key = (moment, page_language())
    written = _days.get(key)
    if written is None:
        if len(_days) >= MAX_DAYS:
            _days.clear()
        written = _days[key] = str(format_date(moment, format="long"))
    return written


MAX_DAYS = 10_000  # days written, per language; past this the memory starts afresh
_days: dict[tuple[date, str], str] = {}


def moment(value: datetime) -> str:
    """A timestamp in Belgian time, its date written as `day` writes dates (one format
    per language): "27 november 2026 02:30", "November 27, 2026 02:30"."""
    local = value.astimezone(BELGIUM)
    return f"{day(local)} {local:%H:%M}"


def kbo(digits: str) -> str:
    """A KBO number the official way: 0403.170.701."""
    return format_kbo(digits)


def months(values: frozenset[int]) -> str:
    return ", ".join(_word(MONTH_NAMES[m - 1]) for m in sorted(values))


def languages(values: frozenset[str]) -> str:
    return ", ".join(_word(LANGUAGE_NAMES.get(code, code)) for code in sorted(values))


def hours(pattern: str) -> str:
    return _word(HOURS_NAMES.get(pattern, pattern))


def status(value: str) -> str:
    return _word(STATUS_NAMES[RecognitionStatus(value)])


def training(value: str) -> str:
    return _word(TRAINING_NAMES[TrainingStatus(value)])


def mentor_problem(value: str) -> str:
    return _word(MENTOR_PROBLEM_TEXTS[MentorProblem(value)])


MAX_KEPT = 10_000  # sentences per language; past this the memory starts afresh
PAGE_WORDS_KEY = "duaal_page_words"


class PageWords:
    """`gettext` and `ngettext` for HTML pages in one language, with the sentences said so far.

    Jinja's i18n extension looks these names up in a page's context before the app's own
    (Flask-Babel's, which look for the request's locale and catalogue at every call, and
    format anew): every page binds them (`page_words()`, a context processor) and says
    most of its hundred sentences with one dictionary lookup. The results are Jinja's
    for an autoescaped template: markup-safe, always %-formatted with the values
    escaped, `num` set for plurals.
    """

    def __init__(self, catalogue: NullTranslations) -> None:
        self._catalogue = catalogue
        self._said: dict[Hashable, Markup] = {}

    def gettext(self, string: str, **variables: Any) -> Markup:
        """Translate and format `string` (`_()` and `gettext()` in a template)."""
        key = self._key(string, variables)
        said = None if key is None else self._said.get(key)
        if said is None:
            # The catalogue is ours, trusted as Jinja trusts it; the values are escaped.
            said = Markup(self._catalogue.gettext(string)) % variables  # noqa: S704
            self._keep(key, said)
        return said

    def word(self, source: str) -> str:
        """Translate `source` alone, unformatted and unescaped (a filter's word)."""
        return str(self._catalogue.gettext(source))

    def ngettext(self, singular: str, plural: str, num: int, **variables: Any) -> Markup:
        """Translate and format the form for `num` (`ngettext()` in a template)."""
        variables.setdefault("num", num)
        key = self._key((singular, plural), variables)
        said = None if key is None else self._said.get(key)
        if said is None:
            said = Markup(self._catalogue.ngettext(singular, plural, num)) % variables  # noqa: S704
            self._keep(key, said)
        return said

    @staticmethod
    def _key(message: Hashable, variables: dict[str, Any]) -> Hashable | None:
        """The memory's key, or None for values whose text may change (a lazy string)."""
        values = []
        for name, value in variables.items():
            if not isinstance(value, str | int | float):
                return None
            # The type too: 1 and 1.0 are equal keys but say "1" and "1.0", and a str
            # and an equal Markup are escaped differently.
            values.append((name, type(value), value))
        return (message, *values)

    def _keep(self, key: Hashable | None, said: Markup) -> None:
        if key is None:
            return
        if len(self._said) >= MAX_KEPT:
            self._said = {}
        self._said[key] = said


def page_words() -> dict[str, Any]:
    """The request's `gettext` and `ngettext`, to bind in a template's context (PageWords)."""
    words = _page_words()
    return {"_": words.gettext, "gettext": words.gettext, "ngettext": words.ngettext}


def _page_words() -> PageWords:
    language = page_language()
    kept: dict[str, PageWords] = current_app.extensions.setdefault(PAGE_WORDS_KEY, {})
    words = kept.get(language)
    if words is None:
        words = kept[language] = PageWords(get_translations())
    return words


def _word(source: str) -> str:
    """A word of `web.vocabulary` in the page's language, as the page's own sentences."""
    return _page_words().word(source)


def init_app(app: Flask) -> None:
    """Register the filters."""
    for function in (
        number,
        km,
        day,
        moment,
        kbo,
        months,
        languages,
        hours,
        status,
        training,
        mentor_problem,
    ):
        app.add_template_filter(function)
    app.context_processor(page_words)
