"""The product's words for the domain's codes, once: pages, forms, reasons and e-mail use them.

Lazy strings: each is translated when shown, in the page's language.
"""

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from models.enums import MentorProblem, RecognitionStatus, TrainingStatus

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
# What a company asks of the hours (matcher.HOURS_PATTERNS), in one word each.
HOURS_NAMES = {
    "dag": _l("dagwerk"),
    "vroeg": _l("vroege uren"),
    "avond": _l("avondwerk"),
    "weekend": _l("weekendwerk"),
    "ploegen": _l("ploegenwerk"),
}
# How a student travels (matcher.MOBILITIES), as in "14 km, met de fiets".
MOBILITY_NAMES = {
    "bike": _l("met de fiets"),
    "public_transport": _l("met het openbaar vervoer"),
    "walk": _l("te voet"),
    "car": _l("met de auto"),
}
COMPANY_SIZE_NAMES = {"klein": _l("klein"), "middelgroot": _l("middelgroot"), "groot": _l("groot")}
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


def capitalized(text: Any) -> LazyString:
    """A word with a capital, as a label needs it, still translated when shown."""
    return LazyString(lambda: str(text).capitalize())
