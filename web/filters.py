"""Jinja filters that write numbers, dates and preferences in the page's language."""

from datetime import datetime

from flask import Flask
from flask_babel import format_date, format_decimal
from flask_babel import lazy_gettext as _l

from models.base import BELGIUM

MONTH_NAMES = (
    _l("januari"),
    _l("februari"),
    _l("maart"),
    _l("april"),
    _l("mei"),
    _l("juni"),
    _l("juli"),
    _l("augustus"),
    _l("september"),
    _l("oktober"),
    _l("november"),
    _l("december"),
)
LANGUAGE_NAMES = {"nl": _l("Nederlands"), "fr": _l("Frans"), "en": _l("Engels"), "de": _l("Duits")}
HOURS_NAMES = {
    "dag": _l("overdag"),
    "vroeg": _l("vroege uren"),
    "avond": _l("avondwerk"),
    "weekend": _l("weekendwerk"),
    "ploegen": _l("ploegenwerk"),
}


def number(value: int) -> str:
    """25063 → "25.063" in Dutch, "25,063" in English."""
    return str(format_decimal(value, format="#,##0"))


def km(value: float) -> str:
    """A distance: one decimal under 10 km (none when whole), whole km from there."""
    whole = value >= 9.95 or float(value).is_integer()
    return str(format_decimal(value, format="0" if whole else "0.0"))


def day(moment: datetime) -> str:
    """A timestamp as its Belgian date: "20 november 2026"."""
    return str(format_date(moment.astimezone(BELGIUM).date(), format="long"))


def months(values: frozenset[int]) -> str:
    return ", ".join(str(MONTH_NAMES[m - 1]) for m in sorted(values))


def languages(values: frozenset[str]) -> str:
    return ", ".join(str(LANGUAGE_NAMES.get(code, code)) for code in sorted(values))


def hours(pattern: str) -> str:
    return str(HOURS_NAMES.get(pattern, pattern))


def init_app(app: Flask) -> None:
    """Register the filters."""
    for function in (number, km, day, months, languages, hours):
        app.add_template_filter(function)
