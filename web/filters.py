"""Jinja filters that write numbers, dates and preferences in the page's language."""

from datetime import date, datetime

from flask import Flask
from flask_babel import format_date, format_datetime, format_decimal
from flask_babel import lazy_gettext as _l

from models.base import BELGIUM, day_in_belgium
from models.enums import MentorProblem, RecognitionStatus, TrainingStatus
from models.rules import format_kbo

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

STATUS_NAMES = {
    RecognitionStatus.REQUESTED: _l("aangevraagd"),
    RecognitionStatus.RECOGNISED: _l("erkend"),
    RecognitionStatus.REFUSED: _l("geweigerd"),
    RecognitionStatus.WITHDRAWN: _l("ingetrokken"),
    RecognitionStatus.EXPIRED: _l("verlopen"),
}
TRAINING_NAMES = {
    TrainingStatus.NOT_STARTED: _l("nog niet begonnen"),
    TrainingStatus.ENROLLED: _l("ingeschreven"),
    TrainingStatus.COMPLETED: _l("afgerond"),
    TrainingStatus.EXEMPTED: _l("vrijgesteld"),
}
# DOMAIN.md step 3, as a company or consultant needs to read it.
MENTOR_PROBLEM_TEXTS = {
    MentorProblem.TOO_YOUNG: _l(
        "Een mentor is minstens 25 jaar (23 met een afwijking van het partnerschap)."
    ),
    MentorProblem.NEEDS_AGE_WAIVER: _l(
        "Deze mentor is jonger dan 25: dat kan alleen als het partnerschap een afwijking toestaat "
        "(vanaf 23 jaar). Het partnerschap beslist dat bij de erkenningsaanvraag."
    ),
    MentorProblem.TOO_LITTLE_EXPERIENCE: _l(
        "Een mentor heeft minstens 5 jaar ervaring in het beroep."
    ),
    MentorProblem.NO_EXTRACT_SHOWN: _l(
        "Er is nog geen uittreksel uit het strafregister (model 596.2) getoond."
    ),
}


def number(value: int) -> str:
    """25063 → "25.063" in Dutch, "25,063" in English."""
    return str(format_decimal(value, format="#,##0"))


def km(value: float) -> str:
    """A distance: one decimal under 10 km (none when whole), whole km from there."""
    whole = value >= 9.95 or float(value).is_integer()
    return str(format_decimal(value, format="0" if whole else "0.0"))


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
    return ", ".join(str(MONTH_NAMES[m - 1]) for m in sorted(values))


def languages(values: frozenset[str]) -> str:
    return ", ".join(str(LANGUAGE_NAMES.get(code, code)) for code in sorted(values))


def hours(pattern: str) -> str:
    return str(HOURS_NAMES.get(pattern, pattern))


def status(value: str) -> str:
    return str(STATUS_NAMES[RecognitionStatus(value)])


def training(value: str) -> str:
    return str(TRAINING_NAMES[TrainingStatus(value)])


def mentor_problem(value: str) -> str:
    return str(MENTOR_PROBLEM_TEXTS[MentorProblem(value)])


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
