"""The signed-in student's own pages under /leerling: their intake interviews, their
agreements and the workplaces they marked as *Interessant* (issues 12 and 13).

A student sees only their own record: every row is found through the signed-in
student (web/services/policy.py). The words are for a 16-year-old: what happens now
and what to do next, never a code. The 20-training-day clock is left to the coach: a
countdown of days before leaving the dual track is worry a student cannot act on alone,
and the coach is the one who does (DOMAIN.md, "Training days").
"""

from collections.abc import Collection
from datetime import date, datetime
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response

from models import Agreement, Intake, School, Student
from models.base import today_in_belgium, utcnow
from models.enums import AgreementType, IntakeLocation, IntakeStatus, Role
from models.rules import is_recognition_valid
from web.auth import me, role_required
from web.db import get_session, unit_of_work
from web.forms.student import InterestForm
from web.links import link
from web.services import intakes, interests, policy
from web.services.agreements import list_agreements
from web.services.errors import NotFoundError
from web.views.school import when
from web.vocabulary import AGREEMENT_TYPE_NAMES

bp = Blueprint("student", __name__, url_prefix="/leerling")

student_only = role_required(Role.STUDENT)

# Where an intake interview stands, as the student reads it: a short label and what it
# means for them. The outcome of an interview counts once it is known.
STAGE_LABELS = {
    "proposed": _l("Wacht op het bedrijf"),
    "countered": _l("Ander moment voorgesteld"),
    "planned": _l("Gesprek gepland"),
    "held": _l("Gesprek gehad"),
    "match": _l("Het klikt!"),
    "agreement": _l("Overeenkomst"),
    "no_match": _l("Geen match"),
    "not_held": _l("Ging niet door"),
    "declined": _l("Het bedrijf zei nee"),
    "expired": _l("Geen antwoord"),
    "withdrawn": _l("Stopgezet"),
    "full": _l("Volzet"),
}
STAGE_TEXTS = {
    "proposed": _l("Je school stelde een gesprek voor. Hou de momenten hieronder vrij."),
    "countered": _l(
        "Het bedrijf stelde een ander moment voor. Je trajectbegeleider kiest er een en laat "
        "het je weten."
    ),
    "planned": _l("Je gesprek is vastgelegd. Denk aan je vragen en kom op tijd."),
    "held": _l("Je had je gesprek. Je trajectbegeleider laat weten hoe het verder gaat."),
    "match": _l("Het bedrijf en je school willen verder met jou. Nu volgt een overeenkomst."),
    "agreement": _l("Na dit gesprek kwam er een overeenkomst: je vindt ze hieronder."),
    "no_match": _l(
        "Deze keer paste het niet. Dat gebeurt: je trajectbegeleider zoekt samen met jou verder."
    ),
    "not_held": _l(
        "Het gesprek ging niet door. Vraag je trajectbegeleider wat de volgende stap is."
    ),
    "declined": _l(
        "Het bedrijf kan je nu geen plaats geven. Je trajectbegeleider zoekt samen met jou verder."
    ),
    "expired": _l(
        "Het bedrijf antwoordde niet op tijd. Je trajectbegeleider zoekt samen met jou verder."
    ),
    "withdrawn": _l("Je school zette dit voorstel stop."),
    "full": _l("Intussen zijn alle plaatsen op deze werkplek ingenomen."),
}
# Stages where something still happens, in the order the student needs them: the
# interview to go to first; what is over folds away below.
UNDER_WAY = ("planned", "proposed", "countered", "held", "match")

# What each type means for the student's pocket (DOMAIN.md step 6).
AGREEMENT_PAY = {
    AgreementType.SAO: _l("Je krijgt geen loon."),
    AgreementType.OAO: _l("Je krijgt elke maand een vergoeding."),
    AgreementType.DA: _l("Je krijgt loon voor je uren op de werkplek."),
    AgreementType.ODO: _l("Je uren op de werkplek worden betaald."),
    AgreementType.ODO_STATUUT: _l("Je uren op de werkplek en op school worden betaald."),
}
AGREEMENT_LABELS = {
    "waiting": _l("Nog niet getekend"),
    "signed": _l("Getekend"),
    "running": _l("Loopt"),
    "ended": _l("Afgelopen"),
    "ended_early": _l("Vroeger gestopt"),
}


def stage_of(intake: Intake, now: datetime, with_agreement: Collection[int] = ()) -> str:
    """Where an interview stands for the student: a key of STAGE_LABELS. A match that led
    to an agreement (`with_agreement`: intake ids) is done: the agreement says the rest."""
    if intake.status is not IntakeStatus.ACCEPTED:
        return intake.status.value
    if intake.id in with_agreement:
        return "agreement"
    if intake.outcome is not None:
        return intake.outcome.value
    if intake.scheduled_at is not None and intake.scheduled_at <= now:
        return "held"
    return "planned"


def agreement_stage(agreement: Agreement, today: date) -> str:
    """Where an agreement stands: a key of AGREEMENT_LABELS."""
    if agreement.signed_at is None:
        return "waiting"
    if agreement.ended_on is not None:
        return "ended_early"
    if agreement.end_date < today:
        return "ended"
    return "signed" if agreement.start_date > today else "running"


def interview_place(intake: Intake, school: School) -> tuple[str, str]:
    """Where the interview is: a name and an address."""
    if intake.location is IntakeLocation.SCHOOL:
        return school.name, f"{school.street}, {school.postcode} {school.place.municipality_nl}"
    site = intake.recognition.site
    return site.company.name, f"{site.street}, {site.postcode} {site.place.municipality_nl}"


@bp.context_processor
def vocabulary() -> dict[str, Any]:
    """The words for stages and agreement types, for the student's pages."""
    return {
        "when": when,
        "stage_labels": STAGE_LABELS,
        "stage_texts": STAGE_TEXTS,
        "agreement_names": AGREEMENT_TYPE_NAMES,
        "agreement_pay": AGREEMENT_PAY,
        "agreement_labels": AGREEMENT_LABELS,
    }


def signed_in_student() -> Student | None:
    """The signed-in student's own record, or None for anyone else."""
    if not current_user.is_authenticated or me().role is not Role.STUDENT:
        return None
    party = me()
    assert party.student_id is not None  # a student's login is tied to its student
    return policy.find(
        get_session(),
        party,
        Student,
        party.student_id,
        joinedload(Student.programme),
        joinedload(Student.school).joinedload(School.place),
    )


@bp.get("")
@student_only
def overview() -> str:
    """The student's interviews (what is under way first), agreements and marked workplaces."""
    student = signed_in_student()
    assert student is not None  # student_only
    session = get_session()
    now, today = utcnow(), today_in_belgium()
    contracts = list_agreements(session, me())
    agreed = {a.intake_id for a in contracts if a.intake_id is not None}
    proposals = [(i, stage_of(i, now, agreed)) for i in intakes.list_intakes(session, me())]
    under_way = sorted(
        ((i, s) for i, s in proposals if s in UNDER_WAY),
        key=lambda pair: (UNDER_WAY.index(pair[1]), pair[0].scheduled_at or now),
    )
    return render_template(
        "student/overview.html",
        student=student,
        under_way=[(i, s, interview_place(i, student.school)) for i, s in under_way],
        past=[(i, s) for i, s in proposals if s not in UNDER_WAY],
        agreements=[(a, agreement_stage(a, today)) for a in contracts],
        marked=[
            (m, is_recognition_valid(m.recognition.status, m.recognition.valid_until, today))
            for m in interests.list_interests(session, me())
        ],
    )


@bp.post("/interessant/<int:recognition_id>")
@student_only
def interest(recognition_id: int) -> Response:
    """Mark a workplace as interesting or not, and go back to where the button was."""
    form = InterestForm()
    if not form.validate():
        abort(400)
    try:
        with unit_of_work() as db:
            if form.interested.data == "ja":
                interests.mark(db, me(), recognition_id, today_in_belgium(), utcnow())
            else:
                interests.unmark(db, me(), recognition_id)
    except NotFoundError:
        abort(404)
    if form.interested.data == "ja":
        flash(_l("Bewaard als interessant. Je trajectbegeleider ziet het."))
    else:
        flash(_l("Niet meer bewaard als interessant."))
    return redirect(_back(form.back.data, recognition_id))


def _back(page: str | None, recognition_id: int) -> str:
    """The page the button stood on, with the search it was part of."""
    if page == "werkplek":
        return link("search.workplace", {"recognition_id": recognition_id})
    if page == "resultaten":
        return link("search.results") + f"#werkplek-{recognition_id}"
    return url_for("student.overview")
