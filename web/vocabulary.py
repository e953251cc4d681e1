"""The product's words for the domain's codes, once: pages, forms, reasons and e-mail use them.

Each word is its Dutch source text, marked with `N_` so that `make translations` finds
it; it is translated where it is shown (`lazy` for a form's label, `gettext` on a page,
`web/reasons.py` for the reasons of a match).
"""

from flask_babel import lazy_gettext
from flask_babel.speaklater import LazyString

from models.enums import AgreementType, MentorProblem, RecognitionStatus, TrainingStatus


def N_(text: str) -> str:  # noqa: N802 (the name translation tools look for)
    """Mark a source text for translation without translating it here."""
    return text


MONTH_NAMES = (
    N_("januari"),
    N_("februari"),
    N_("maart"),
    N_("april"),
    N_("mei"),
    N_("juni"),
    N_("juli"),
    N_("augustus"),
    N_("september"),
    N_("oktober"),
    N_("november"),
    N_("december"),
)
# The agreement types of DOMAIN.md step 6, by their full names.
AGREEMENT_TYPE_NAMES = {
    AgreementType.SAO: N_("stageovereenkomst alternerende opleiding (SAO)"),
    AgreementType.OAO: N_("overeenkomst alternerende opleiding (OAO)"),
    AgreementType.DA: N_("deeltijdse arbeidsovereenkomst (DA)"),
    AgreementType.ODO: N_("overeenkomst duale opleiding (ODO)"),
    AgreementType.ODO_STATUUT: N_("overeenkomst duale opleiding met statuut (ODO-statuut)"),
}
LANGUAGE_NAMES = {"nl": N_("Nederlands"), "fr": N_("Frans"), "en": N_("Engels"), "de": N_("Duits")}
# What a company asks of the hours (matcher.HOURS_PATTERNS), in one word each.
HOURS_NAMES = {
    "dag": N_("dagwerk"),
    "vroeg": N_("vroege uren"),
    "avond": N_("avondwerk"),
    "weekend": N_("weekendwerk"),
    "ploegen": N_("ploegenwerk"),
}
# How a student travels (matcher.MOBILITIES), as in "14 km, met de fiets".
MOBILITY_NAMES = {
    "bike": N_("met de fiets"),
    "public_transport": N_("met het openbaar vervoer"),
    "walk": N_("te voet"),
    "car": N_("met de auto"),
}
COMPANY_SIZE_NAMES = {"klein": N_("klein"), "middelgroot": N_("middelgroot"), "groot": N_("groot")}
STATUS_NAMES = {
    RecognitionStatus.REQUESTED: N_("aangevraagd"),
    RecognitionStatus.RECOGNISED: N_("erkend"),
    RecognitionStatus.REFUSED: N_("geweigerd"),
    RecognitionStatus.WITHDRAWN: N_("ingetrokken"),
    RecognitionStatus.EXPIRED: N_("verlopen"),
}
TRAINING_NAMES = {
    TrainingStatus.NOT_STARTED: N_("nog niet begonnen"),
    TrainingStatus.ENROLLED: N_("ingeschreven"),
    TrainingStatus.COMPLETED: N_("afgerond"),
    TrainingStatus.EXEMPTED: N_("vrijgesteld"),
}
# DOMAIN.md step 3, as a company or consultant needs to read it.
MENTOR_PROBLEM_TEXTS = {
    MentorProblem.TOO_YOUNG: N_(
        "Een mentor is minstens 25 jaar (23 met een afwijking van het partnerschap)."
    ),
    MentorProblem.NEEDS_AGE_WAIVER: N_(
        "Deze mentor is jonger dan 25: dat kan alleen als het partnerschap een afwijking toestaat "
        "(vanaf 23 jaar). Het partnerschap beslist dat bij de erkenningsaanvraag."
    ),
    MentorProblem.TOO_LITTLE_EXPERIENCE: N_(
        "Een mentor heeft minstens 5 jaar ervaring in het beroep."
    ),
    MentorProblem.NO_EXTRACT_SHOWN: N_(
        "Er is nog geen uittreksel uit het strafregister (model 596.2) getoond."
    ),
}


def lazy(text: str, capitalize: bool = False) -> LazyString:
    """A word as a form label: translated when shown, with a capital if asked."""
    if capitalize:
        return LazyString(lambda: str(lazy_gettext(text)).capitalize())
    return lazy_gettext(text)
