"""Agreements' pages (DOMAIN.md step 6): the coach drafts one from an interview recorded as
a match, sees its type and the rule that decides it before saving, confirms it for the
school and may end it early; the company sees its agreements and confirms them.

The routes sit on the school's and the company's blueprints (`add_school_routes` and
`add_company_routes`, called where those are made), so that their endpoints read
`school.agreement` and `company.agreements`. Every row is found through the signed-in
party (web/services/policy.py): another party's id answers 404. Each change runs in one
unit of work; one that lost a race answers 409 saying what happened, and stores nothing.
"""

from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask import session as flask_session
from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.wrappers import Response

from models import Agreement, Intake, User
from models.base import today_in_belgium, utcnow
from models.enums import IntakeOutcome, IntakeStatus, Role
from web.auth import me, role_required
from web.config import get_settings
from web.db import get_session, unit_of_work
from web.forms import show_error
from web.forms.agreement import AgreementForm, EndEarlyForm
from web.links import public_link
from web.services import agreements, intakes, policy
from web.services.agreements import TypeDecision
from web.services.errors import ConflictError, InputError, NotFoundError
from web.vocabulary import AGREEMENT_TYPE_NAMES

Page = Response | str | tuple[str, int]
Found = TypeVar("Found")
school_only = role_required(Role.SCHOOL_STAFF)
company_only = role_required(Role.COMPANY)

STATE_NAMES = {
    "both": _l("wacht op de bevestiging van school en bedrijf"),
    "company": _l("wacht op de bevestiging van het bedrijf"),
    "school": _l("wacht op de bevestiging van de school"),
    "signed": _l("getekend"),
    "finished": _l("afgelopen"),
    "ended": _l("vroeger beëindigd"),
}
# Where a service names a field that the forms call otherwise; others go above the form.
FIELD_NAMES = {"agreement_type": "wants_da", "end_reason": "reason"}


def add_school_routes(bp: Blueprint) -> None:
    """Put the coach's agreement pages on the school's blueprint (/school/...)."""
    bp.add_url_rule("/overeenkomsten", "agreements", school_agreements)
    bp.add_url_rule(
        "/voorstellen/<int:intake_id>/overeenkomst",
        "new_agreement",
        new_agreement,
        methods=["GET", "POST"],
    )
    bp.add_url_rule("/overeenkomsten/<int:agreement_id>", "agreement", agreement)
    bp.add_url_rule(
        "/overeenkomsten/<int:agreement_id>/bevestigen",
        "confirm_agreement",
        school_confirm,
        methods=["POST"],
    )
    bp.add_url_rule(
        "/overeenkomsten/<int:agreement_id>/beeindigen",
        "end_agreement",
        end_agreement,
        methods=["GET", "POST"],
    )


def add_company_routes(bp: Blueprint) -> None:
    """Put the company's agreement pages on the company's blueprint (/bedrijf/...)."""
    bp.add_url_rule("/overeenkomsten", "agreements", company_agreements)
    bp.add_url_rule(
        "/overeenkomsten/<int:agreement_id>/bevestigen",
        "confirm_agreement",
        company_confirm,
        methods=["POST"],
    )


def _found(lookup: Callable[..., Found], *args: Any) -> Found:
    """Look a row up through the signed-in party; another party's is a 404."""
    try:
        return lookup(get_session(), me(), *args)
    except NotFoundError:
        abort(404)


def hours_per_week(value: float) -> str:
    """Weekly hours as the page's language writes them: "24", "22,5"."""
    return str(format_decimal(value, format="#,##0.#"))


def _render(template: str, status: int = 200, **context: Any) -> tuple[str, int]:
    """A page with the words for agreements' states and types."""
    page = render_template(
        template,
        state_names=STATE_NAMES,
        type_names=AGREEMENT_TYPE_NAMES,
        hours_per_week=hours_per_week,
        **context,
    )
    return page, status


def _who(user: User | None, side: object) -> object:
    """Who confirmed, as the other side may read it: a name, else only the side."""
    return user.name if user is not None and user.name else side


def _sorted(found: list[Agreement], today: date) -> list[tuple[Agreement, str]]:
    """Agreements with their state: those waiting for a confirmation first, then the
    running ones, then the past; the soonest start first within each."""
    order = ["both", "company", "school", "signed", "finished", "ended"]
    with_state = [(a, agreements.state_of(a, today)) for a in found]
    return sorted(with_state, key=lambda pair: (order.index(pair[1]), pair[0].start_date))


# --- The coach ------------------------------------------------------------------------


@school_only
def school_agreements() -> Page:
    """The agreements of the school's students: those to confirm first."""
    today = today_in_belgium()
    rows = _sorted(agreements.list_agreements(get_session(), me()), today)
    return _render("school/agreements.html", rows=rows)


def _is_match(intake: Intake) -> bool:
    return intake.status is IntakeStatus.ACCEPTED and intake.outcome is IntakeOutcome.MATCH


@school_only
def new_agreement(intake_id: int) -> Page:
    """Draft the agreement of an interview recorded as a match: "Controleren" shows the
    type with its rule, or the rule that refuses; "Opstellen" saves it."""
    intake = _found(intakes.find_intake, intake_id)
    session = get_session()
    existing = session.scalar(select(Agreement.id).where(Agreement.intake_id == intake.id))
    if existing is not None and request.method == "GET":
        return redirect(url_for("school.agreement", agreement_id=existing))
    programme = intake.recognition.programme
    form = AgreementForm()
    if not programme.allows_da:
        del form.wants_da  # DA is a sector's choice: offered only where it is allowed
    if request.method == "GET":
        form.weekly_hours.data = programme.workplace_hours
        wish = intake.student.wishes.start_date if intake.student is not None else None
        if wish is not None and wish >= today_in_belgium():
            form.start_date.data = wish
    decision: TypeDecision | None = None
    is_checked, conflict = False, None
    if request.method == "POST" and form.validate():
        assert form.start_date.data and form.end_date.data and form.weekly_hours.data
        terms = (form.start_date.data, form.end_date.data, form.weekly_hours.data)
        wants_da = "wants_da" in form and bool(form.wants_da.data)
        try:
            if request.form.get("action") == "save":
                with unit_of_work() as db:
                    made = agreements.start_agreement(
                        db,
                        me(),
                        intake.id,
                        *terms,
                        utcnow(),
                        get_settings().agreements,
                        public_link,
                        wants_da=wants_da,
                    )
                flash(
                    _l(
                        "De overeenkomst is opgesteld. Bevestig ze voor de school; het "
                        "bedrijf krijgt bericht om ze te bevestigen."
                    )
                )
                return redirect(url_for("school.agreement", agreement_id=made.id))
            decision = agreements.check_agreement(
                session, me(), intake.id, *terms, get_settings().agreements, wants_da=wants_da
            )
            is_checked = True
        except InputError as error:
            show_error(form, InputError(FIELD_NAMES.get(error.field, error.field), error.message))
        except ConflictError as error:
            conflict = error.message
    if decision is None and not form.errors and not form.form_errors:
        hours = form.weekly_hours.data or float(programme.workplace_hours)
        decision = agreements.type_for(programme, hours)
    status = 409 if conflict else 400 if form.errors or form.form_errors else 200
    return _render(
        "school/agreement_form.html",
        status,
        intake=intake,
        form=form,
        decision=decision,
        is_checked=is_checked,
        is_match=_is_match(intake),
        existing=existing,
        conflict=conflict,
    )


def _agreement_page(found: Agreement, status: int = 200, conflict: object = None) -> Page:
    return _render(
        "school/agreement.html",
        status,
        agreement=found,
        state=agreements.state_of(found, today_in_belgium()),
        decision=agreements.decision_of(found),
        company_confirmed_by=_who(found.company_confirmed_by, _l("het bedrijf")),
        school_confirmed_by=_who(found.school_confirmed_by, _l("de school")),
        conflict=conflict,
    )


@school_only
def agreement(agreement_id: int) -> Page:
    """One agreement: its terms, type and rule, who confirmed when, what the coach can do."""
    return _agreement_page(_found(agreements.find_agreement, agreement_id))


def _confirm(agreement_id: int) -> Agreement:
    """Confirm for the signed-in party's side, in one unit of work."""
    with unit_of_work() as db:
        return agreements.confirm(
            db, me(), agreement_id, utcnow(), get_settings().agreements, public_link
        )


def _confirmed_already(found: Agreement) -> bool:
    """Whether the signed-in party's side confirmed this running agreement before: pressed
    twice, or confirmed in another tab. Then the page says so, not that it failed."""
    side = "company" if me().role is Role.COMPANY else "school"
    if getattr(found, f"{side}_confirmed_at") is None or found.ended_on is not None:
        return False
    if not flask_session.get("_flashes"):  # a press that went through has said it
        flash(_signed_or_waiting(found))
    return True


def _signed_or_waiting(made: Agreement) -> Any:
    if made.signed_at is not None:
        return _l("De overeenkomst is getekend: school en bedrijf bevestigden ze.")
    return _l("Bevestigd. De overeenkomst is getekend zodra ook de andere kant bevestigt.")


@school_only
def school_confirm(agreement_id: int) -> Page:
    """Confirm the agreement for the school; the second side's confirmation signs it."""
    _found(agreements.find_agreement, agreement_id)
    try:
        made = _confirm(agreement_id)
    except (ConflictError, InputError) as refused:  # confirmed or ended meanwhile, no place
        found = _found(agreements.find_agreement, agreement_id)
        if _confirmed_already(found):
            return redirect(url_for("school.agreement", agreement_id=agreement_id))
        return _agreement_page(found, 409, conflict=refused.message)
    flash(_signed_or_waiting(made))
    return redirect(url_for("school.agreement", agreement_id=agreement_id))


@school_only
def end_agreement(agreement_id: int) -> Page:
    """End a signed agreement early: the reason and the last day, then a confirmation.
    The place comes back to the workplace, and the learner's clock starts again."""
    found = _found(agreements.find_agreement, agreement_id)
    form = EndEarlyForm()
    if agreements.state_of(found, today_in_belgium()) != "signed":
        refusal = _l("Alleen een getekende, lopende overeenkomst kan vroeger eindigen.")
        if request.method == "POST":
            return _agreement_page(found, 409, conflict=refusal)
        flash(refusal)
        return redirect(url_for("school.agreement", agreement_id=found.id))
    if request.method == "POST" and form.validate():
        assert form.ended_on.data is not None  # required
        try:
            agreements.check_early_end(found, form.ended_on.data, form.reason.data or "")
            if form.confirmed.data == "yes":
                with unit_of_work() as db:
                    agreements.end_early(
                        db, me(), found.id, form.ended_on.data, form.reason.data or "", utcnow()
                    )
                flash(
                    _l(
                        "De overeenkomst is beëindigd. De plaats is weer vrij en de 20 "
                        "opleidingsdagen lopen opnieuw."
                    )
                )
                return redirect(url_for("school.agreement", agreement_id=found.id))
        except InputError as error:
            show_error(form, InputError(FIELD_NAMES.get(error.field, error.field), error.message))
        except ConflictError as error:  # ended meanwhile by the company
            ended = _found(agreements.find_agreement, agreement_id)
            return _agreement_page(ended, 409, conflict=error.message)
        else:
            return _render("school/agreement_end_confirm.html", agreement=found, form=form)
    status = 400 if request.method == "POST" else 200
    return _render("school/agreement_end.html", status, agreement=found, form=form)


# --- The company ----------------------------------------------------------------------


def _company_rows(today: date) -> list[tuple[Agreement, str, policy.StudentCard | None]]:
    """The company's agreements with their state and the learner as it may see them."""
    return [
        (
            found,
            state,
            policy.student_card(me(), found.student, today, found.intake)
            if found.student is not None
            else None,
        )
        for found, state in _sorted(agreements.list_agreements(get_session(), me()), today)
    ]


def _company_page(status: int = 200, conflict: object = None) -> tuple[str, int]:
    today = today_in_belgium()
    return _render(
        "company/agreements.html",
        status,
        rows=_company_rows(today),
        who=_who,
        conflict=conflict,
    )


@company_only
def company_agreements() -> Page:
    """The company's agreements: the learner's full name, programme, school, dates, type,
    mentor and state; those waiting for its confirmation first."""
    return _company_page()


@company_only
def company_confirm(agreement_id: int) -> Page:
    """Confirm an agreement for the company. When it is the second confirmation it signs
    the agreement and takes a place; if the last place went meanwhile, nothing is stored."""
    _found(agreements.find_agreement, agreement_id)
    try:
        made = _confirm(agreement_id)
    except (ConflictError, InputError) as refused:  # confirmed meanwhile, the place went
        if _confirmed_already(_found(agreements.find_agreement, agreement_id)):
            return redirect(url_for("company.agreements"))
        return _company_page(409, conflict=refused.message)
    flash(_signed_or_waiting(made))
    return redirect(url_for("company.agreements"))
