"""The company's pages under /bedrijf: register, its progress through the six steps,
recognitions, mentors, places, API keys, the inbox of intake proposals, and announcing a
free place to the schools nearby (sites and contact: web/views/company_sites.py).

Every page needs a company login and finds rows through the signed-in company
(web/services/policy.py), so another company's id answers 404. Each change runs in
one unit of work: it lands whole or not at all.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from babel.dates import format_datetime
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale, gettext, ngettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from models import Intake, Mentor, Recognition
from models.base import BELGIUM, today_in_belgium, utcnow
from models.enums import (
    DeclineReason,
    IntakeLocation,
    IntakeOutcome,
    IntakeStatus,
    Role,
    TrainingStatus,
)
from models.rules import is_recognition_valid
from models.workplaces import is_available
from web.auth import home_of, me, role_required, sign_in
from web.config import get_settings
from web.db import get_session, unit_of_work
from web.forms import (
    AvailabilityForm,
    ButtonForm,
    CompanyRegistrationForm,
    MentorChoiceForm,
    MentorForm,
    OutcomeForm,
    RecognitionRequestForm,
    SlotChoiceForm,
    TokenForm,
    also_check,
    in_belgium,
    show_error,
)
from web.forms.inbox import (
    DECLINE_NAMES,
    OUTCOME_STATUS_NAMES,
    STATUS_NAMES,
    AnnounceForm,
    CounterForm,
    DeclineForm,
)
from web.links import public_link
from web.mail import send_now
from web.params import is_digits
from web.services import (
    accounts,
    announcements,
    companies,
    intakes,
    mentors,
    places,
    policy,
    progress,
    recognitions,
    sites,
    tokens,
)
from web.services.errors import (
    ConflictError,
    InputError,
    LinkExpiredError,
    NotFoundError,
    NotRecognisedError,
    TooManyRequestsError,
)
from web.services.reference import list_programmes
from web.views.agreements import add_company_routes as add_agreement_routes
from web.views.company_sites import add_site_routes

bp = Blueprint("company", __name__, url_prefix="/bedrijf")
add_agreement_routes(bp)
add_site_routes(bp)

Page = Response | str | tuple[str, int]
company_only = role_required(Role.COMPANY)
Found = TypeVar("Found")


def _or_404(lookup: Callable[..., Found], *args: Any) -> Found:
    """Look a row up through the signed-in company; another company's is a 404."""
    try:
        return lookup(get_session(), me(), *args)
    except NotFoundError:
        abort(404)


def _invalid(template: str, **context: Any) -> tuple[str, int]:
    """Show a form again with its errors and what was typed, as a 400."""
    return render_template(template, **context), 400


@bp.route("/registreren", methods=["GET", "POST"])
def register() -> Page:
    """Register a company: checked here, kept until the login's address is confirmed."""
    if current_user.is_authenticated:
        return redirect(home_of(current_user))
    form = CompanyRegistrationForm()
    if form.validate_on_submit():
        details = companies.CompanyDetails(
            kbo_number=form.kbo_number.data or "",
            name=(form.name.data or "").strip(),
            email=form.email.data or None,
            phone=form.phone.data or None,
            website=form.website.data or None,
            n_employees=form.n_employees.data,
            **{name: bool(form[name].data) for name in companies.DECLARATIONS},
        )
        settings = get_settings()
        try:
            with unit_of_work() as db:
                message_id = companies.request_registration(
                    db,
                    details,
                    form.user_email.data or "",
                    form.password.data or "",
                    request.remote_addr or "",
                    utcnow(),
                    settings.sessions.registrations_per_hour,
                    link_for=lambda token: public_link("company.confirm_registration", token=token),
                    login_link=public_link("auth.login"),
                )
        except InputError as error:
            show_error(form, error)
        except TooManyRequestsError:
            form.form_errors.append(TOO_MANY_REGISTRATIONS)
            return render_template("company/register.html", form=form), 429
        else:
            send_now(current_app._get_current_object(), [message_id])  # type: ignore[attr-defined]
            session["registration_sent_to"] = (form.user_email.data or "").strip()
            return redirect(url_for("company.registration_sent"))
    if form.is_submitted():
        return _invalid("company/register.html", form=form)
    return render_template("company/register.html", form=form)


TOO_MANY_REGISTRATIONS = _l(
    "Vanaf dit netwerk kwamen het voorbije uur te veel registraties binnen. Probeer het later."
)


@bp.get("/registreren/verstuurd")
def registration_sent() -> Page:
    """Say where the confirmation went: the same answer whatever the address."""
    return render_template(
        "company/register_sent.html", address=session.get("registration_sent_to", "")
    )


@bp.route("/registreren/bevestigen/<token>", methods=["GET", "POST"])
def confirm_registration(token: str) -> Page:
    """Confirm a registration from its e-mailed link (a button: mail scanners that open
    links do not confirm anything), then log the new company in."""
    form = ButtonForm()
    if not form.validate_on_submit():
        return render_template("company/register_confirm.html", form=form)
    try:
        with unit_of_work() as db:
            _company, user = companies.confirm_registration(db, token[:200], utcnow())
            login_token = accounts.start_session(db, user.id, utcnow())
    except LinkExpiredError:
        return render_template("company/register_confirm.html", form=form, expired=True), 410
    except InputError as error:
        return render_template(
            "company/register_confirm.html", form=form, problem=error.message
        ), 409
    sign_in(user, login_token)
    session.pop("registration_sent_to", None)
    flash(_l("Je bedrijf is geregistreerd. Voeg nu een vestiging toe."))
    return redirect(url_for("company.dashboard"))


@bp.get("")
@company_only
def dashboard() -> Page:
    """The company's overview: where it stands in the six steps and what to do next, its
    sites with their recognitions, and its mentors."""
    company = _or_404(companies.get_company)
    today = today_in_belgium()
    steps = progress.company_progress(
        get_session(), me(), company, today, get_settings().search.stale_after_days
    )
    return render_template(
        "company/dashboard.html",
        company=company,
        steps=steps,
        today=today,
        recognisable={site.id for site in company.sites if sites.is_recognisable(site)},
    )


def _mentor_choices(company_mentors: list[Mentor]) -> list[SelectChoice]:
    return [SelectChoice("0", _l("Nog geen mentor"))] + [
        SelectChoice(str(m.id), f"{m.first_name} {m.last_name}") for m in company_mentors
    ]


@bp.route("/erkenningen/nieuw", methods=["GET", "POST"])
@company_only
def request_recognition() -> Page:
    """Ask for a recognition of one site for one programme."""
    company = _or_404(companies.get_company)
    recognisable = [site for site in company.sites if sites.is_recognisable(site)]
    if not recognisable:
        flash(_l("Voeg eerst een vestiging in Vlaanderen of Brussel toe."))
        return redirect(url_for("company.new_site"))
    form = RecognitionRequestForm()
    form.site_id.choices = [
        SelectChoice(str(s.id), f"{s.name}, {s.street}, {s.postcode}") for s in recognisable
    ]
    form.programme_id.choices = [
        SelectChoice("0", _l("Kies een opleiding")),
        *(
            SelectChoice(str(p.id), p.name, optgroup=p.study_domain)
            for p in sorted(list_programmes(get_session()), key=lambda p: (p.study_domain, p.name))
        ),
    ]
    form.mentor_id.choices = _mentor_choices(company.mentors)
    if request.method == "GET" and is_digits(request.args.get("site", "")):
        form.site_id.data = int(request.args["site"])
    if form.validate_on_submit():
        try:
            with unit_of_work() as db:
                recognition = recognitions.request_recognition(
                    db, me(), form.site_id.data, form.programme_id.data, form.mentor_id.data or None
                )
        except InputError as error:
            show_error(form, error)
        else:
            flash(
                _l(
                    "Je aanvraag is verstuurd naar het partnerschap. "
                    "Het beslist normaal binnen 14 dagen."
                )
            )
            return redirect(url_for("company.recognition", recognition_id=recognition.id))
    if form.is_submitted():
        return _invalid("company/request_form.html", form=form)
    return render_template("company/request_form.html", form=form)


def _availability_form(recognition: Recognition) -> AvailabilityForm:
    prefs = recognition.intake_preferences
    return AvailabilityForm(
        formdata=None,
        n_places=recognition.n_places,
        n_free_places=recognition.n_free_places,
        available_from=recognition.available_from,
        min_age=prefs.min_age,
        start_months=sorted(prefs.start_months),
        languages=sorted(prefs.languages),
        hours_pattern=prefs.hours_pattern or "",
        first_interview_at_school=prefs.first_interview_at_school,
    )


def _recognition_page(
    recognition: Recognition,
    availability_form: AvailabilityForm | None = None,
    mentor_form: MentorChoiceForm | None = None,
    status: int = 200,
) -> tuple[str, int]:
    today = today_in_belgium()
    if mentor_form is None:
        mentor_form = MentorChoiceForm(formdata=None, mentor_id=recognition.mentor_id or 0)
    mentor_form.mentor_id.choices = _mentor_choices(mentors.list_mentors(get_session(), me()))
    mentor = recognition.mentor
    page = render_template(
        "company/recognition.html",
        recognition=recognition,
        is_valid=is_recognition_valid(recognition.status, recognition.valid_until, today),
        availability_form=availability_form or _availability_form(recognition),
        mentor_form=mentor_form,
        confirm_form=ButtonForm(),
        mentor_problems=mentors.mentor_problems_of(mentor, today, recognition) if mentor else [],
        stale_after_days=get_settings().search.stale_after_days,
        can_announce=_has_confirmed_free_place(recognition, today),
        today=today,
    )
    return page, status


def _has_confirmed_free_place(recognition: Recognition, today: date) -> bool:
    """Whether the search counts a place of this workplace as free today: only such a
    place may be announced to schools."""
    return is_available(recognition, today, get_settings().search.stale_after_days)


@bp.get("/erkenningen/<int:recognition_id>")
@company_only
def recognition(recognition_id: int) -> Page:
    """One recognition: its state and the decision, its mentor, and its places."""
    return _recognition_page(_or_404(recognitions.find_recognition, recognition_id))


def _availability(form: AvailabilityForm) -> places.Availability | None:
    """The places as typed; None while the numbers cannot be read."""
    if form.n_places.data is None or form.n_free_places.data is None:
        return None
    return places.Availability(
        n_places=form.n_places.data,
        n_free_places=form.n_free_places.data,
        available_from=form.available_from.data,
        intake_preferences=form.intake_preferences(),
    )


@bp.post("/erkenningen/<int:recognition_id>/plaatsen")
@company_only
def save_availability(recognition_id: int) -> Page:
    """Save places, free places, the start date and intake preferences (confirms them)."""
    recognition = _or_404(recognitions.find_recognition, recognition_id)
    form = AvailabilityForm()
    is_valid = form.validate()
    availability = _availability(form)
    if not is_valid and availability is not None:
        also_check(form, places.check_availability, availability)
    if is_valid and availability is not None:
        try:
            with unit_of_work() as db:
                places.update_availability(db, me(), recognition_id, availability, utcnow())
        except InputError as error:
            show_error(form, error)
        except NotRecognisedError:
            abort(409)
        else:
            flash(
                _l(
                    "De plaatsen zijn opgeslagen en bevestigd. "
                    "Leerlingen zien ze binnen enkele seconden."
                )
            )
            return redirect(url_for("company.recognition", recognition_id=recognition_id))
    return _recognition_page(recognition, availability_form=form, status=400)


@bp.post("/erkenningen/<int:recognition_id>/klopt-nog")
@company_only
def confirm(recognition_id: int) -> Page:
    """Confirm in one click that the advertised places are still correct."""
    try:
        with unit_of_work() as db:
            places.confirm_availability(db, me(), recognition_id, utcnow())
    except NotFoundError:
        abort(404)
    except NotRecognisedError:
        abort(409)
    flash(_l("Bevestigd: de plaatsen kloppen nog."))
    if request.form.get("back") == "dashboard":
        return redirect(url_for("company.dashboard"))
    return redirect(url_for("company.recognition", recognition_id=recognition_id))


@bp.post("/erkenningen/<int:recognition_id>/mentor")
@company_only
def choose_mentor(recognition_id: int) -> Page:
    """Name (or change) the mentor of a recognition."""
    recognition = _or_404(recognitions.find_recognition, recognition_id)
    form = MentorChoiceForm()
    form.mentor_id.choices = []
    if form.validate():
        try:
            with unit_of_work() as db:
                mentors.assign_mentor(db, me(), recognition_id, form.mentor_id.data or None)
        except InputError as error:
            show_error(form, error)
        else:
            flash(_l("De mentor is opgeslagen."))
            return redirect(url_for("company.recognition", recognition_id=recognition_id))
    return _recognition_page(recognition, mentor_form=form, status=400)


@bp.route("/mentoren/nieuw", methods=["GET", "POST"])
@company_only
def new_mentor() -> Page:
    """Add a mentor, checked against the rules of DOMAIN.md step 3."""
    return _mentor_page(None)


@bp.route("/mentoren/<int:mentor_id>", methods=["GET", "POST"])
@company_only
def edit_mentor(mentor_id: int) -> Page:
    """Change a mentor's details, training or extract date."""
    return _mentor_page(_or_404(mentors.find_mentor, mentor_id))


def _mentor_details(form: MentorForm) -> mentors.MentorDetails | None:
    """The mentor as typed; None while the dates, the years or the training (a value
    the form did not offer) cannot be read: the form says which."""
    if form.birth_date.data is None or form.years_experience.data is None:
        return None
    try:
        training_status = TrainingStatus(form.training_status.data)
    except ValueError:
        return None
    return mentors.MentorDetails(
        first_name=(form.first_name.data or "").strip(),
        last_name=(form.last_name.data or "").strip(),
        email=form.email.data or None,
        birth_date=form.birth_date.data,
        years_experience=form.years_experience.data,
        extract_596_2_shown_on=form.extract_596_2_shown_on.data,
        training_status=training_status,
    )


def _mentor_page(mentor: Mentor | None) -> Page:
    form = MentorForm(obj=mentor)
    is_valid = form.validate_on_submit()
    details = _mentor_details(form) if form.is_submitted() else None
    if not is_valid and details is not None:
        also_check(form, mentors.check_mentor, details, today_in_belgium())
    if is_valid and details is not None:
        try:
            with unit_of_work() as db:
                saved = mentors.save_mentor(
                    db, me(), mentor.id if mentor else None, details, today_in_belgium()
                )
        except InputError as error:
            show_error(form, error)
        else:
            flash(_l("De mentor is opgeslagen."))
            return redirect(url_for("company.edit_mentor", mentor_id=saved.id))
    context = {
        "form": form,
        "mentor": mentor,
        "problems": mentors.mentor_problems_of(mentor, today_in_belgium()) if mentor else [],
    }
    if form.is_submitted():
        return _invalid("company/mentor_form.html", **context)
    return render_template("company/mentor_form.html", **context)


@bp.route("/sleutels", methods=["GET", "POST"])
@company_only
def api_tokens() -> Page:
    """The company's API keys: create one (shown once), with the address of each of its
    recognitions that a key can update."""
    form = TokenForm()
    secret = None
    status = 200
    if form.validate_on_submit():
        try:
            with unit_of_work() as db:
                _token, secret = tokens.create_token(db, me(), form.name.data or "")
        except InputError as error:
            show_error(form, error)
            status = 400
        else:
            form = TokenForm(formdata=None)
    elif form.is_submitted():
        status = 400
    company = _or_404(companies.get_company)
    page = render_template(
        "company/tokens.html",
        form=form,
        secret=secret,
        tokens=tokens.list_tokens(get_session(), me()),
        recognitions=sorted(
            (r for site in company.sites for r in site.recognitions), key=lambda r: r.id
        ),
        today=today_in_belgium(),
    )
    return page, status


@bp.route("/sleutels/<int:token_id>/intrekken", methods=["GET", "POST"])
@company_only
def revoke_token(token_id: int) -> Page:
    """Ask, then revoke an API key: it stops working at once."""
    token = _or_404(tokens.find_token, token_id)
    form = ButtonForm()
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        return render_template("company/token_revoke.html", token=token, form=form), status
    with unit_of_work() as db:
        try:
            tokens.revoke_token(db, me(), token_id, utcnow())
        except NotFoundError:
            abort(404)
    flash(_l("De sleutel %(name)s is ingetrokken.", name=token.name))
    return redirect(url_for("company.api_tokens"))


# --- The inbox of intake proposals (DOMAIN.md, "Intake proposal") -----------------------


@dataclass(frozen=True)
class Shown:
    """A proposal as the company may see it. Of the student only `card` (what the policy
    allows); contact goes through the coach, so the school's phone and e-mail are here
    and the student's never are."""

    intake: Intake
    card: policy.StudentCard | None  # None once the school erased the student
    coach: str
    school: str
    school_phone: str | None
    school_email: str | None
    place: str
    slots: list[tuple[int, str, str]]  # id, when, offered by ("school" or "company")
    scheduled: str | None
    days_left: int
    status: str


def _when(moment: datetime) -> str:
    """A time of an interview in Belgian time, with its weekday: "maandag 14 september 2026,
    10:00"."""
    # Babel itself, with the zone: Flask-Babel's own formatter would turn it back into
    # the app's default zone (UTC).
    return format_datetime(
        moment, "EEEE d MMMM y, HH:mm", tzinfo=BELGIUM, locale=get_locale() or "nl"
    )


def _status_of(intake: Intake) -> str:
    if intake.outcome is not None:
        return str(OUTCOME_STATUS_NAMES[intake.outcome])
    return str(STATUS_NAMES[intake.status])


def _shown(intake: Intake, today: date) -> Shown:
    student = intake.student
    school = student.school if student is not None else None
    coach = intake.proposed_by
    site = intake.recognition.site
    if intake.location is IntakeLocation.SCHOOL and school is not None:
        place = f"{school.name}, {school.street}, {school.postcode} {school.place.municipality_nl}"
    elif intake.location is IntakeLocation.COMPANY:
        place = f"{site.name}, {site.street}, {site.postcode} {site.place.municipality_nl}"
    else:
        place = ""
    return Shown(
        intake=intake,
        card=policy.student_card(me(), student, today, intake) if student is not None else None,
        coach=(coach.name or coach.email.partition("@")[0]) if coach is not None else "",
        school=school.name if school is not None else "",
        school_phone=school.phone if school is not None else None,
        school_email=school.email if school is not None else None,
        place=place,
        slots=[(slot.id, _when(slot.starts_at), slot.offered_by) for slot in intake.slots],
        scheduled=_when(intake.scheduled_at) if intake.scheduled_at else None,
        days_left=(intake.respond_by - today).days,
        status=_status_of(intake),
    )


def _is_planned(intake: Intake) -> bool:
    return intake.status is IntakeStatus.ACCEPTED and intake.outcome is None


@bp.get("/voorstellen")
@company_only
def inbox() -> Page:
    """The proposals for the company's workplaces: those waiting for an answer first
    (soonest deadline first), then the planned interviews, then the rest."""
    today = today_in_belgium()
    every = [_shown(intake, today) for intake in intakes.list_intakes(get_session(), me())]
    waiting = [p for p in every if p.intake.status is IntakeStatus.PROPOSED]
    planned = [p for p in every if _is_planned(p.intake)]
    rest = [
        p
        for p in every
        if p.intake.status is not IntakeStatus.PROPOSED and not _is_planned(p.intake)
    ]
    return render_template(
        "company/inbox.html",
        waiting=sorted(waiting, key=lambda p: (p.intake.respond_by, p.intake.id)),
        planned=sorted(planned, key=lambda p: (p.intake.scheduled_at or utcnow(), p.intake.id)),
        rest=rest,
    )


def _slot_choices(intake: Intake) -> list[SelectChoice]:
    return [
        (slot.id, _when(slot.starts_at)) for slot in intake.slots if slot.offered_by == "school"
    ]


def _proposal_page(
    intake: Intake, status: int = 200, conflict: object = None, **forms: Any
) -> tuple[str, int]:
    """One proposal with the forms that fit its state; `forms` replace the empty ones."""
    accept_form = forms.get("accept_form") or SlotChoiceForm(prefix="accept", formdata=None)
    accept_form.slot_id.choices = _slot_choices(intake)
    page = render_template(
        "company/proposal.html",
        p=_shown(intake, today_in_belgium()),
        is_planned=_is_planned(intake),
        is_past=intake.scheduled_at is not None and intake.scheduled_at <= utcnow(),
        accept_form=accept_form,
        decline_form=forms.get("decline_form") or DeclineForm(prefix="decline", formdata=None),
        counter_form=forms.get("counter_form") or CounterForm(prefix="counter", formdata=None),
        outcome_form=forms.get("outcome_form") or OutcomeForm(prefix="outcome", formdata=None),
        decline_names=DECLINE_NAMES,
        conflict=conflict,
    )
    return page, status


@bp.get("/voorstellen/<int:intake_id>")
@company_only
def proposal(intake_id: int) -> Page:
    """One proposal: the student as far as the company may see them, the coach to
    contact, the times and place, and what the company can do now."""
    return _proposal_page(_or_404(intakes.find_intake, intake_id))


# Where a service names a field that the company's form calls otherwise.
FIELD_NAMES = {"slots": "slot_1", "outcome_note": "note"}


def _answer(
    intake_id: int,
    form_name: str,
    form: Any,
    act: Callable[[Session, Any], object],
    done: str,
) -> Page:
    """Run one answer to a proposal in a unit of work; show its form again with what is
    wrong (400), or say what happened meanwhile when someone else acted first (409)."""
    _or_404(intakes.find_intake, intake_id)
    if form.validate():
        try:
            with unit_of_work() as db:
                act(db, form)
        except ConflictError as error:  # the coach withdrew, a colleague answered, ...
            return _proposal_page(
                _or_404(intakes.find_intake, intake_id), status=409, conflict=error.message
            )
        except InputError as error:
            show_error(form, InputError(FIELD_NAMES.get(error.field, error.field), error.message))
        else:
            flash(done)
            return redirect(url_for("company.proposal", intake_id=intake_id))
    return _proposal_page(_or_404(intakes.find_intake, intake_id), status=400, **{form_name: form})


@bp.post("/voorstellen/<int:intake_id>/aanvaarden")
@company_only
def accept_proposal(intake_id: int) -> Page:
    """Take one of the coach's times: the interview is planned, the coach is told."""
    form = SlotChoiceForm(prefix="accept")
    form.slot_id.choices = []  # any id: the service checks it is one of the coach's times
    return _answer(
        intake_id,
        "accept_form",
        form,
        lambda db, f: intakes.accept(db, me(), intake_id, f.slot_id.data, utcnow(), public_link),
        _l("Het intakegesprek is gepland. De school weet het."),
    )


@bp.post("/voorstellen/<int:intake_id>/afwijzen")
@company_only
def decline_proposal(intake_id: int) -> Page:
    """Decline a proposal with a reason the coach reads (confirmed by a checkbox)."""
    form = DeclineForm(prefix="decline")
    return _answer(
        intake_id,
        "decline_form",
        form,
        lambda db, f: intakes.decline(
            db,
            me(),
            intake_id,
            DeclineReason(f.reason.data),
            f.company_note.data or "",
            utcnow(),
            public_link,
        ),
        _l("Je hebt het voorstel afgewezen. De school ziet de reden."),
    )


@bp.post("/voorstellen/<int:intake_id>/andere-momenten")
@company_only
def counter_proposal(intake_id: int) -> Page:
    """Offer one to three other times; the coach takes one or withdraws."""
    form = CounterForm(prefix="counter")

    def counter(db: Session, f: CounterForm) -> object:
        moments = (in_belgium(f.slot_1.data), in_belgium(f.slot_2.data), in_belgium(f.slot_3.data))
        times = [moment for moment in moments if moment is not None]
        return intakes.counter(db, me(), intake_id, times, f.note.data or "", utcnow(), public_link)

    return _answer(
        intake_id,
        "counter_form",
        form,
        counter,
        _l("Je stelde andere momenten voor. De school kiest er een of trekt het voorstel in."),
    )


@bp.post("/voorstellen/<int:intake_id>/uitkomst")
@company_only
def record_outcome(intake_id: int) -> Page:
    """Record how the interview went (the coach may do so too: the first word counts)."""
    form = OutcomeForm(prefix="outcome")
    return _answer(
        intake_id,
        "outcome_form",
        form,
        lambda db, f: intakes.record_outcome(
            db, me(), intake_id, IntakeOutcome(f.outcome.data), f.note.data or "", utcnow()
        ),
        _l("De uitkomst van het gesprek is genoteerd."),
    )


# --- Announcing a free place to the schools nearby (step 4) ------------------------------


@bp.route("/erkenningen/<int:recognition_id>/bekendmaken", methods=["GET", "POST"])
@company_only
def announce(recognition_id: int) -> Page:
    """Announce a confirmed free place to the schools nearby that have students in the
    programme (once a week per workplace); say how many schools it reached."""
    recognition = _or_404(recognitions.find_recognition, recognition_id)
    form = AnnounceForm()
    if form.validate_on_submit():
        try:
            with unit_of_work() as db:
                _announcement, n_schools = announcements.announce(
                    db,
                    me(),
                    recognition_id,
                    form.message.data or "",
                    float(form.radius_km.data or 0),
                    utcnow(),
                    get_settings().search.stale_after_days,
                )
        except InputError as error:
            show_error(form, error)
        else:
            if n_schools:
                flash(
                    ngettext(
                        "Je aanbod is bekendgemaakt aan %(num)s school in de buurt.",
                        "Je aanbod is bekendgemaakt aan %(num)s scholen in de buurt.",
                        n_schools,
                    )
                )
            else:
                flash(
                    gettext(
                        "Je aanbod is bekendgemaakt, maar binnen %(km)s km heeft geen school "
                        "leerlingen in deze opleiding.",
                        km=form.radius_km.data,
                    )
                )
            return redirect(url_for("company.recognition", recognition_id=recognition_id))
    context = {
        "form": form,
        "recognition": _or_404(recognitions.find_recognition, recognition_id),
        "can_announce": _has_confirmed_free_place(recognition, today_in_belgium()),
    }
    if form.is_submitted():
        return _invalid("company/announce.html", **context)
    return render_template("company/announce.html", **context)
