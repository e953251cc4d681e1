"""Jinja filters that write numbers, dates and preferences in the page's language."""

from datetime import date, datetime

from flask import Flask
from flask_babel import format_date, format_datetime, format_decimal, get_locale, gettext

from models.base import BELGIUM, day_in_belgium
from models.enums import MentorProblem, RecognitionStatus, TrainingStatus
from models.rules import format_kbo
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
    return str(format_decimal(value, format="#,##0"))


def km(value: float) -> str:
    """A distance in the page's language (see `format_km`)."""
    return format_km(value, str(get_locale() or "nl"))


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


def day(moment: datetime | date) -> str:
    """A date, or a timestamp as its Belgian date: "20 november 2026"."""
    if isinstance(moment, datetime):
        moment = day_in_belgium(moment)
    return str(format_date(moment, format="long"))


def moment(value: datetime) -> str:
    """A timestamp in Belgian time: "27 nov. 2026 02:30"."""
    return str(format_datetime(value.astimezone(BELGIUM), format="d MMM y HH:mm"))


def kbo(digits: str) -> str:
    """A KBO number the official way: 0403.170.701."""
    return format_kbo(digits)


def months(values: frozenset[int]) -> str:
    return ", ".join(gettext(MONTH_NAMES[m - 1]) for m in sorted(values))


def languages(values: frozenset[str]) -> str:
    return ", ".join(gettext(LANGUAGE_NAMES.get(code, code)) for code in sorted(values))


def hours(pattern: str) -> str:
    return str(gettext(HOURS_NAMES.get(pattern, pattern)))


def status(value: str) -> str:
    return str(gettext(STATUS_NAMES[RecognitionStatus(value)]))


def training(value: str) -> str:
    return str(gettext(TRAINING_NAMES[TrainingStatus(value)]))


def mentor_problem(value: str) -> str:
    return str(gettext(MENTOR_PROBLEM_TEXTS[MentorProblem(value)]))


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
