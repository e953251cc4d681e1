"""The coach's pages under /school: the school's students and what each needs next, new
offers from companies nearby, adding students (one, or a class from CSV), a student's
proposals and suggested workplaces, proposing an intake interview, and following it up.

Every page needs a school login and finds rows through the signed-in school
(web/services/policy.py): another school's student or proposal answers 404. Each change
runs in one unit of work; a proposal that changed meanwhile answers 409 with what happened.
"""

import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from babel.dates import format_datetime
from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask import session as flask_session
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload
from werkzeug.wrappers import Response as BaseResponse
from wtforms import SelectChoice

from models import Agreement, Intake, Recognition, Site, Student, StudentInterest
from models.base import BELGIUM, today_in_belgium, utcnow
from models.enums import (
    OPEN_INTAKE_STATUSES,
    DeclineReason,
    IntakeLocation,
    IntakeOutcome,
    IntakeStatus,
    Mobility,
    Role,
)
from models.rules import is_recognition_valid, school_year_start
from models.school_calendar import WARN_AT_DAYS_LEFT
from web.auth import me, role_required
from web.config import get_settings
from web.db import get_session, unit_of_work
from web.filters import day
from web.forms import ButtonForm, OutcomeForm, SlotChoiceForm, in_belgium, show_error
from web.forms.school import (
    ImportForm,
    ProposalForm,
    StudentForm,
)
from web.links import public_link
from web.resources import get_gazetteer, get_search_index
from web.services import agreements, intakes, policy, student_import, students
from web.services.announcements import Offer, offers_for
from web.services.errors import AlreadyProposedError, ConflictError, InputError, NotFoundError
from web.services.reference import list_programmes
from web.services.student_import import StudentDataError, StudentDetails
from web.services.suggestions import suggest_workplaces
from web.views.agreements import STATE_NAMES as AGREEMENT_STATE_NAMES
from web.views.agreements import add_school_routes as add_agreement_routes
from web.views.training_days import add_school_routes as add_training_day_routes
from web.vocabulary import COMPANY_SIZE_NAMES, MOBILITY_NAMES

bp = Blueprint("school", __name__, url_prefix="/school")
add_agreement_routes(bp)
add_training_day_routes(bp)

Page = BaseResponse | str | tuple[str, int]
school_only = role_required(Role.SCHOOL_STAFF)
Found = TypeVar("Found")

STATUS_NAMES = {
    IntakeStatus.PROPOSED: _l("wacht op het bedrijf"),
    IntakeStatus.COUNTERED: _l("het bedrijf stelt andere momenten voor"),
    IntakeStatus.ACCEPTED: _l("gesprek gepland"),
    IntakeStatus.DECLINED: _l("afgewezen door het bedrijf"),
    IntakeStatus.EXPIRED: _l("verlopen: geen antwoord op tijd"),
    IntakeStatus.WITHDRAWN: _l("ingetrokken"),
    IntakeStatus.FULL: _l("gesloten: de werkplek is volzet"),
}
OUTCOME_NAMES = {
    IntakeOutcome.MATCH: _l("match"),
    IntakeOutcome.NO_MATCH: _l("geen match"),
    IntakeOutcome.NOT_HELD: _l("het gesprek ging niet door"),
}
DECLINE_NAMES = {
    DeclineReason.NO_PLACE: _l("geen plaats meer"),
    DeclineReason.PROFILE: _l("het profiel past niet"),
    DeclineReason.TIMING: _l("het moment past niet"),
    DeclineReason.OTHER: _l("een andere reden"),
}
PLACE_NAMES = {
    IntakeLocation.SCHOOL: _l("op school"),
    IntakeLocation.COMPANY: _l("bij het bedrijf"),
}
# Where a student stands, from all their proposals: the furthest one counts.
PROGRESS_NAMES = {
    "none": _l("geen voorstel"),
    "proposed": _l("voorgesteld"),
    "planned": _l("gesprek gepland"),
    "agreed": _l("overeenkomst volgt"),
    "signed": _l("overeenkomst getekend"),
}
# What a company reads of a student, in the order the propose page lists it.
COMPANY_SEES = (
    ("first_name", _l("Voornaam")),
    ("last_name", _l("Familienaam")),
    ("age", _l("Leeftijd")),
    ("programme", _l("Opleiding")),
    ("school", _l("School")),
    ("start_wish", _l("Wil starten op")),
)


def when(moment: datetime) -> str:
    """A time of an interview in Belgian time: "maandag 14 september 2026, 10:00"."""
    # Babel itself, with the zone: Flask-Babel's formatter would turn it back into the
    # app's default zone (UTC).
    return str(
        format_datetime(moment, "EEEE d MMMM y, HH:mm", tzinfo=BELGIUM, locale=get_locale() or "nl")
    )


@bp.context_processor
def vocabulary() -> dict[str, Any]:
    """The words for proposals' states, outcomes and reasons, for every school page."""
    return {
        "when": when,
        "status_names": STATUS_NAMES,
        "outcome_names": OUTCOME_NAMES,
        "decline_names": DECLINE_NAMES,
        "progress_names": PROGRESS_NAMES,
        "location_names": PLACE_NAMES,
        "agreement_state_names": AGREEMENT_STATE_NAMES,
        "mobility_names": MOBILITY_NAMES,
        "company_size_names": COMPANY_SIZE_NAMES,
    }


def _or_404(lookup: Callable[..., Found], *args: Any) -> Found:
    """Look a row up through the signed-in school; another school's is a 404."""
    try:
        return lookup(get_session(), me(), *args)
    except NotFoundError:
        abort(404)


def _student(student_id: int) -> Student:
    return _or_404(
        lambda session, party, row_id: policy.find(
            session,
            party,
            Student,
            row_id,
            joinedload(Student.programme),
            joinedload(Student.school),
        ),
        student_id,
    )


# --- The students ---------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    """Where one student stands, and the one thing to do next (with the proposal or the
    agreement it is about)."""

    status: str  # a key of PROGRESS_NAMES
    # What comes next: "signed" (nothing: an agreement runs), "confirm" (an agreement waits
    # for a confirmation), "agreement" (to draft, after a match), "left" (the school),
    # "outcome" (to record), "choose" (a company's time), "interview" (planned), "wait"
    # (for the company), "run_up", "propose".
    step: str
    intake: Intake | None = None
    n_open: int = 0
    agreement: Agreement | None = None


def progress_of(
    student: Student,
    proposals: Iterable[Intake],
    now: datetime,
    contracts: Iterable[Agreement] = (),
) -> Progress:
    """Sum up a student's proposals and agreements: their status, and what needs doing first."""
    proposals, contracts = list(proposals), list(contracts)
    n_open = sum(1 for i in proposals if i.status in OPEN_INTAKE_STATUSES)
    # An agreement that ended early no longer counts, nor does the match it came from.
    running = [a for a in contracts if a.ended_on is None]
    signed = [a for a in running if a.signed_at is not None]
    unsigned = [a for a in running if a.signed_at is None]
    drafted = {a.intake_id for a in contracts}
    agreed = [i for i in proposals if i.outcome is IntakeOutcome.MATCH and i.id not in drafted]
    planned = sorted(
        (i for i in proposals if i.status is IntakeStatus.ACCEPTED and i.outcome is None),
        key=lambda i: i.scheduled_at or now,
    )
    countered = [i for i in proposals if i.status is IntakeStatus.COUNTERED]
    waiting = sorted(
        (i for i in proposals if i.status is IntakeStatus.PROPOSED), key=lambda i: i.respond_by
    )
    status = (
        "signed"
        if signed
        else "agreed"
        if unsigned or agreed
        else "planned"
        if planned
        else "proposed"
        if n_open
        else "none"
    )
    if signed:
        return Progress(status, "signed", None, n_open, signed[0])
    if unsigned:
        return Progress(status, "confirm", None, n_open, unsigned[0])
    if agreed:
        return Progress(status, "agreement", agreed[0], n_open)
    if student.left_on is not None:
        return Progress(status, "left", None, n_open)
    held = [i for i in planned if i.scheduled_at is not None and i.scheduled_at <= now]
    if held:
        return Progress(status, "outcome", held[0], n_open)
    if countered:
        return Progress(status, "choose", countered[0], n_open)
    if planned:
        return Progress(status, "interview", planned[0], n_open)
    if waiting:
        return Progress(status, "wait", waiting[0], n_open)
    if not student.is_ready_for_work:
        return Progress(status, "run_up", None, n_open)
    return Progress(status, "propose", None, n_open)


def _interests(student_ids: Iterable[int] | None = None) -> dict[int, list[StudentInterest]]:
    """The workplaces the school's students marked as interesting, per student."""
    mine = policy.visible(me(), Student).with_only_columns(Student.id)
    query = (
        select(StudentInterest)
        .where(StudentInterest.student_id.in_(mine))
        .options(
            joinedload(StudentInterest.recognition)
            .joinedload(Recognition.site)
            .options(joinedload(Site.company), joinedload(Site.place))
        )
        .order_by(StudentInterest.created_at.desc())
    )
    if student_ids is not None:
        query = query.where(StudentInterest.student_id.in_(list(student_ids)))
    found: dict[int, list[StudentInterest]] = defaultdict(list)
    for interest in get_session().scalars(query):
        found[interest.student_id].append(interest)
    return found


@bp.get("")
@school_only
def dashboard() -> Page:
    """The coach's students, the most urgent on the 20-training-day clock first, with
    their status and next step; and the new offers nearby."""
    session = get_session()
    today, now = today_in_belgium(), utcnow()
    everyone = students.list_students(session, me())
    by_student: dict[int | None, list[Intake]] = defaultdict(list)
    for intake in intakes.list_intakes(session, me()):
        by_student[intake.student_id].append(intake)
    contracts: dict[int | None, list[Agreement]] = defaultdict(list)
    for found in agreements.list_agreements(session, me()):
        contracts[found.student_id].append(found)
    clocks = agreements.clocks(session, me(), today)
    clock_of = {c.student.id: c for c in clocks}
    # The clock's order; those who left the school (and have no clock) last, by name.
    ordered = [c.student for c in clocks] + [s for s in everyone if s.id not in clock_of]
    offers = offers_for(session, me(), today)
    return render_template(
        "school/students.html",
        rows=[
            (s, progress_of(s, by_student[s.id], now, contracts[s.id]), clock_of.get(s.id))
            for s in ordered
        ],
        interests=_interests(),
        offers=[(offer, _candidates(offer, everyone)) for offer in offers],
        today=today,
        urgent_at=WARN_AT_DAYS_LEFT[-1],
    )


def _candidates(offer: Offer, everyone: list[Student]) -> list[Student]:
    """The students an offer suits: its programme, ready for work, still at the school."""
    programme_id = offer.announcement.recognition.programme_id
    return [
        s
        for s in everyone
        if s.programme_id == programme_id and s.is_ready_for_work and s.left_on is None
    ]


def _programme_choices() -> list[SelectChoice]:
    programmes = sorted(list_programmes(get_session()), key=lambda p: (p.study_domain, p.name))
    return [
        SelectChoice("", _l("Kies een opleiding")),
        *(SelectChoice(p.code, p.name, optgroup=p.study_domain) for p in programmes),
    ]


@bp.route("/leerlingen/nieuw", methods=["GET", "POST"])
@school_only
def new_student() -> Page:
    """Add one student, checked like a line of a class list."""
    form = StudentForm()
    form.programme.choices = _programme_choices()
    if form.validate_on_submit():
        assert form.birth_date.data is not None  # required
        details = StudentDetails(
            first_name=form.first_name.data or "",
            last_name=form.last_name.data or "",
            birth_date=form.birth_date.data,
            programme=form.programme.data or "",
            home_postcode=(form.home_postcode.data or "").strip(),
            mobility=Mobility(form.mobility.data),
            is_ready_for_work=bool(form.is_ready_for_work.data),
            lessons_start_date=form.lessons_start_date.data,
        )
        try:
            with unit_of_work() as db:
                student = student_import.add_student(db, me(), details, today_in_belgium())
        except StudentDataError as refused:
            for problem in refused.problems:
                show_error(form, InputError(problem.field, problem.message))
        except ConflictError as error:
            form.form_errors.append(str(error.message))
        else:
            name = f"{student.first_name} {student.last_name}"
            flash(_l("%(name)s is toegevoegd.", name=name))
            return redirect(url_for("school.student", student_id=student.id))
    if form.is_submitted():
        return render_template("school/student_form.html", form=form), 400
    return render_template("school/student_form.html", form=form)


@bp.route("/leerlingen/importeren", methods=["GET", "POST"])
@school_only
def import_class() -> Page:
    """Import a class list (CSV): all of it, or nothing and every bad line listed."""
    form = ImportForm()
    context: dict[str, Any] = {
        "form": form,
        "columns": student_import.COLUMNS,
        "sample": _sample_lines(today_in_belgium()),
    }
    if form.validate_on_submit():
        data = form.file.data.read()
        try:
            with unit_of_work() as db:
                result = student_import.import_students(db, me(), data, today_in_belgium())
        except StudentDataError as refused:
            return render_template("school/import.html", problems=refused.problems, **context), 400
        except ConflictError as error:
            return render_template("school/import.html", conflict=error.message, **context), 409
        flash(
            _l(
                "De klas is geïmporteerd: %(added)s toegevoegd, %(updated)s bijgewerkt, "
                "%(unchanged)s ongewijzigd.",
                added=result.added,
                updated=result.updated,
                unchanged=result.unchanged,
            )
        )
        return redirect(url_for("school.dashboard"))
    if form.is_submitted():
        return render_template("school/import.html", **context), 400
    return render_template("school/import.html", **context)


def _sample_lines(today: date) -> list[str]:
    """Two lines of a class list that import this school year (as docs/students-example.csv)."""
    start = school_year_start(today)
    return [
        f"Lotte;Maes;{start.year - 16}-03-25;elektrotechnieken-duaal;8500;fiets;ja;{start}",
        f"Yusuf;El Amrani;14/11/{start.year - 17};Elektrotechnieken duaal;8530;"
        "openbaar vervoer;nee;",
    ]


@bp.get("/leerlingen/<int:student_id>")
@school_only
def student(student_id: int) -> Page:
    """One student: their details, proposals, wishes, and ranked workplaces to propose."""
    found = _student(student_id)
    session = get_session()
    today = today_in_belgium()
    proposals = list(
        session.scalars(
            policy.visible(me(), Intake)
            .where(Intake.student_id == found.id)
            .options(
                joinedload(Intake.recognition)
                .joinedload(Recognition.site)
                .options(joinedload(Site.company), joinedload(Site.place)),
                selectinload(Intake.slots),
            )
            .order_by(Intake.proposed_at.desc(), Intake.id.desc())
        )
    )
    suggestions = suggest_workplaces(
        session, me(), found.id, get_search_index().current(), get_gazetteer(), today
    )
    contracts = agreements.list_agreements(session, me(), found.id)
    return render_template(
        "school/student.html",
        student=found,
        card=policy.student_card(me(), found, today),
        progress=progress_of(found, proposals, utcnow(), contracts),
        contracts=[(a, agreements.state_of(a, today)) for a in contracts],
        clock=agreements.clock_of(session, me(), found.id, today),
        urgent_at=WARN_AT_DAYS_LEFT[-1],
        proposals=proposals,
        interests=_interests([found.id])[found.id],
        suggestions=suggestions,
        max_open=get_settings().intakes.max_open_per_student,
        run_up=intakes.RUN_UP_PHASE,
        today=today,
    )


@bp.get("/leerlingen/<int:student_id>/gegevens.json")
@school_only
def export(student_id: int) -> Response:
    """Everything the product holds about a student, as one JSON file to keep or hand over."""
    try:
        data = students.export_student(get_session(), me(), student_id)
    except NotFoundError:
        abort(404)
    body = json.dumps(data, ensure_ascii=False, indent=2)
    return Response(
        body,
        mimetype="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="leerling-{student_id}.json"',
            "Cache-Control": "no-store",
        },
    )


@bp.route("/leerlingen/<int:student_id>/wissen", methods=["GET", "POST"])
@school_only
def erase(student_id: int) -> Page:
    """Erase a student, after a confirmation: nothing of the person stays."""
    student = _student(student_id)
    form = ButtonForm()
    if form.validate_on_submit():
        with unit_of_work() as db:
            students.erase_student(db, me(), student_id)
        flash(_l("De gegevens van de leerling zijn gewist."))
        return redirect(url_for("school.dashboard"))
    return render_template("school/erase.html", student=student, form=form)


# --- Proposing an intake interview ----------------------------------------------------


def _workplace(recognition_id: int, today: date) -> Recognition:
    """A workplace that is recognised today (public, as in search); any other is a 404."""
    recognition = get_session().scalar(
        select(Recognition)
        .where(Recognition.id == recognition_id)
        .options(
            joinedload(Recognition.site).options(joinedload(Site.company), joinedload(Site.place)),
            joinedload(Recognition.programme),
        )
    )
    if recognition is None or not is_recognition_valid(
        recognition.status, recognition.valid_until, today
    ):
        abort(404)
    return recognition


PROPOSAL_FIELDS = {"slots": "slot_1", "respond_by": "respond_by", "note": "note"}


@bp.route("/leerlingen/<int:student_id>/voorstellen/<int:recognition_id>", methods=["GET", "POST"])
@school_only
def propose(student_id: int, recognition_id: int) -> Page:
    """Propose an intake interview between a student and a workplace."""
    found = _student(student_id)
    today = today_in_belgium()
    workplace = _workplace(recognition_id, today)
    rules = get_settings().intakes
    form = ProposalForm()
    if request.method == "GET":
        form.respond_by.data = intakes.default_deadline(today, rules)
    if found.is_ready_for_work and form.validate_on_submit():
        assert form.respond_by.data is not None  # required
        proposal = intakes.Proposal(
            student_id=found.id,
            recognition_id=workplace.id,
            slots=tuple(
                moment
                for moment in (in_belgium(f.data) for f in (form.slot_1, form.slot_2, form.slot_3))
                if moment is not None
            ),
            location=IntakeLocation(form.location.data),
            location_note=form.location_note.data or "",
            note=form.note.data or "",
            respond_by=form.respond_by.data,
        )
        try:
            with unit_of_work() as db:
                intake = intakes.propose(db, me(), proposal, utcnow(), rules, public_link)
        except AlreadyProposedError as error:
            # Pressed twice, or an old tab: show the proposal that exists (a press that
            # made it has left its own message).
            if not flask_session.get("_flashes"):
                flash(str(error.message))
            return redirect(url_for("school.intake", intake_id=error.intake_id))
        except InputError as error:
            name = PROPOSAL_FIELDS.get(error.field, error.field)
            show_error(form, InputError(name, error.message))
        else:
            flash(
                _l(
                    "Het voorstel is verstuurd naar %(company)s. Het bedrijf antwoordt "
                    "uiterlijk op %(day)s.",
                    company=workplace.site.company.name,
                    day=day(intake.respond_by),
                )
            )
            return redirect(url_for("school.intake", intake_id=intake.id))
    session = get_session()
    n_open = session.scalar(
        select(func.count())
        .select_from(Intake)
        .where(
            policy.scope(me(), Intake),
            Intake.student_id == found.id,
            Intake.status.in_(OPEN_INTAKE_STATUSES),
        )
    )
    card = policy.student_card(me(), found, today)
    page = render_template(
        "school/propose.html",
        student=found,
        workplace=workplace,
        form=form,
        run_up=None if found.is_ready_for_work else intakes.RUN_UP_PHASE,
        company_sees=[
            (label, _shown(getattr(card, name)))
            for name, label in COMPANY_SEES
            if name in policy.FOR_A_COMPANY
        ],
        last_name_later="last_name" not in policy.FOR_A_COMPANY,
        earliest=intakes.earliest_deadline(today, rules),
        default_days=rules.respond_within_working_days,
        n_open=n_open or 0,
        max_open=rules.max_open_per_student,
    )
    return (page, 400) if form.is_submitted() else page


def _shown(value: object) -> object:
    """A student's field as the propose page shows it: an age in years, a date in words."""
    if isinstance(value, int):
        return _l("%(age)s jaar", age=value)
    if isinstance(value, date):
        return day(value)
    return value


# --- Following a proposal up ----------------------------------------------------------


def _intake(intake_id: int) -> Intake:
    return _or_404(intakes.find_intake, intake_id)


def _intake_page(
    intake: Intake,
    status: int = 200,
    slot_form: SlotChoiceForm | None = None,
    outcome_form: OutcomeForm | None = None,
    conflict: object = None,
) -> tuple[str, int]:
    slot_form = slot_form or SlotChoiceForm(formdata=None)
    slot_form.slot_id.choices = _company_slots(intake)
    page = render_template(
        "school/intake.html",
        intake=intake,
        agreement_id=get_session().scalar(
            select(Agreement.id).where(Agreement.intake_id == intake.id)
        ),
        slot_form=slot_form,
        outcome_form=outcome_form or OutcomeForm(formdata=None),
        conflict=conflict,
        now=utcnow(),
    )
    return page, status


def _company_slots(intake: Intake) -> list[SelectChoice]:
    return [
        SelectChoice(s.id, when(s.starts_at)) for s in intake.slots if s.offered_by == "company"
    ]


@bp.get("/voorstellen/<int:intake_id>")
@school_only
def intake(intake_id: int) -> Page:
    """One proposal: its state, times, the company's answer, and what the coach can do."""
    return _intake_page(_intake(intake_id))


def _act(
    intake_id: int,
    act: Callable[[Any], object],
    done: Any,
    form_name: str | None = None,
    form: Any = None,
) -> Page:
    """Run one action on a proposal in a unit of work: on to the proposal's page, or the
    page again with why not (400), or with what changed meanwhile (409)."""
    try:
        with unit_of_work() as db:
            act(db)
    except ConflictError as error:
        return _intake_page(_intake(intake_id), 409, conflict=error.message)
    except InputError as error:
        name = {"outcome_note": "note"}.get(error.field, error.field)
        if form is not None and form_name is not None:
            show_error(form, InputError(name, error.message))
            return _intake_page(_intake(intake_id), 400, **{form_name: form})
        return _intake_page(_intake(intake_id), 400, conflict=error.message)
    flash(done)
    return redirect(url_for("school.intake", intake_id=intake_id))


@bp.post("/voorstellen/<int:intake_id>/moment")
@school_only
def take_slot(intake_id: int) -> Page:
    """Take one of the times the company offered instead: the interview is planned."""
    found = _intake(intake_id)
    form = SlotChoiceForm()
    form.slot_id.choices = _company_slots(found)
    if not form.validate():
        return _intake_page(found, 400, slot_form=form)
    slot_id = form.slot_id.data
    return _act(
        intake_id,
        lambda db: intakes.accept_counter(db, me(), intake_id, slot_id, utcnow(), public_link),
        _l("Het gesprek is gepland. Het bedrijf krijgt bericht."),
        "slot_form",
        form,
    )


@bp.route("/voorstellen/<int:intake_id>/intrekken", methods=["GET", "POST"])
@school_only
def withdraw(intake_id: int) -> Page:
    """Withdraw a proposal that is still open, after a confirmation."""
    found = _intake(intake_id)
    form = ButtonForm()
    if form.validate_on_submit():
        return _act(
            intake_id,
            lambda db: intakes.withdraw(db, me(), intake_id, utcnow(), public_link),
            _l("Het voorstel is ingetrokken. Het bedrijf krijgt bericht."),
        )
    if found.status not in OPEN_INTAKE_STATUSES:
        flash(_l("Dit voorstel loopt niet meer: intrekken kan niet."))
        return redirect(url_for("school.intake", intake_id=intake_id))
    return render_template("school/withdraw.html", intake=found, form=form)


@bp.post("/voorstellen/<int:intake_id>/uitkomst")
@school_only
def record_outcome(intake_id: int) -> Page:
    """Record how the interview went (once; the company may have done so first)."""
    found = _intake(intake_id)
    form = OutcomeForm()
    if not form.validate():
        return _intake_page(found, 400, outcome_form=form)
    outcome, note = IntakeOutcome(form.outcome.data), form.note.data or ""
    return _act(
        intake_id,
        lambda db: intakes.record_outcome(db, me(), intake_id, outcome, note, utcnow()),
        _l("De uitkomst is genoteerd."),
        "outcome_form",
        form,
    )
