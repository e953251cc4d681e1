"""The coach's cohort allocation under /school/toewijzing (docs/allocation.md).

Choose a programme and its students, run, and review who goes where and why; then tick
the lines that become intake proposals. Nothing reaches a company before that last
step, and it makes every ticked proposal or none.

Every page needs a school login; another school's run answers 404.
"""

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from werkzeug.wrappers import Response as BaseResponse
from wtforms import SelectChoice

from matcher import Check, Reason
from models import AllocationLine, AllocationRun, Programme
from models.allocation import Placement
from models.base import today_in_belgium, utcnow
from models.enums import Role
from web.auth import me, role_required
from web.config import get_settings
from web.db import get_session, unit_of_work
from web.filters import day
from web.forms import show_error
from web.forms.allocation import LinesProposalForm, ProgrammeForm, RunForm
from web.links import public_link
from web.resources import get_gazetteer, get_search_index
from web.services import allocation, intakes
from web.services.allocation import ProposalsRefusedError
from web.services.errors import ConflictError, InputError, NotFoundError
from web.views.school import PROPOSAL_FIELDS, STATUS_NAMES, when

bp = Blueprint("allocation", __name__, url_prefix="/school/toewijzing")

Page = BaseResponse | str | tuple[str, int]
school_only = role_required(Role.SCHOOL_STAFF)

# Why a run left a student without a workplace, as the review page says it.
LEFT_OUT = {
    Placement.NOT_READY: _l("Geen advies van de klassenraad dat de leerling arbeidsrijp is."),
    Placement.OPEN_LIMIT: _l("Heeft al het maximum aan openstaande voorstellen."),
    Placement.HAS_AGREEMENT: _l("Heeft al een overeenkomst."),
    Placement.LEFT_SCHOOL: _l("Verliet de school."),
    Placement.NO_CHOICES: _l(
        "Geen werkplek om te rangschikken: niets aangeduid als interessant en geen suggestie "
        "met een vrije plaats (of de postcode van het thuisadres is onbekend)."
    ),
}


@bp.context_processor
def vocabulary() -> dict[str, Any]:
    """The words of the allocation pages."""
    return {
        "when": when,
        "status_names": STATUS_NAMES,
        "left_out": LEFT_OUT,
        "misfit_reason": misfit_reason,
    }


def misfit_reason(line: AllocationLine) -> Reason:
    """The workplace's preferences a placed student does not meet, as the search's reason
    (so that they are worded as in the search)."""
    checks = tuple(
        Check(code, False, tuple(value) if isinstance(value, list) else value)
        for code, value in line.misfits
    )
    return Reason("preferences", 0.0, 0.0, "conditions", {"checks": checks})


# --- Choosing the students --------------------------------------------------------------


@bp.route("", methods=["GET", "POST"])
@school_only
def start() -> Page:
    """Choose a programme and its students, and run; earlier runs below."""
    programmes = allocation.programmes_with_students(get_session(), me())
    choose = ProgrammeForm(request.args)
    choose.opleiding.choices = [
        SelectChoice("", _l("Kies een opleiding")),
        *(SelectChoice(p.code, p.name) for p in programmes),
    ]
    if request.method == "GET":
        code = request.args.get("opleiding")
        if code is None and len(programmes) == 1:
            code = programmes[0].code
        programme = _programme(programmes, code)
        if code is not None and programme is None:
            choose.opleiding.errors = [str(_l("Kies een opleiding uit de lijst."))]
            return _start_page(programmes, None, choose, RunForm(formdata=None), 400)
        return _start_page(programmes, programme, choose, RunForm(formdata=None))
    form = RunForm()
    programme = _programme(programmes, form.programme.data)
    if form.validate():
        try:
            with unit_of_work() as db:
                run = allocation.run_allocation(
                    db,
                    me(),
                    programme.id if programme else 0,
                    form.students.data or [],
                    state=get_search_index().current(),
                    gazetteer=get_gazetteer(),
                    today=today_in_belgium(),
                    now=utcnow(),
                    rules=get_settings().intakes,
                )
        except InputError as error:
            show_error(form, error)
        else:
            return redirect(url_for("allocation.run", run_id=run.id))
    return _start_page(programmes, programme, choose, form, 400)


def _start_page(
    programmes: list[Programme],
    programme: Programme | None,
    choose: ProgrammeForm,
    form: RunForm,
    status: int = 200,
) -> tuple[str, int]:
    session = get_session()
    members = []
    if programme is not None:
        choose.opleiding.data = form.programme.data = programme.code
        members = allocation.cohort(session, me(), programme.id, today_in_belgium())
    ticked = (
        set(form.students.data or [])
        if form.is_submitted()
        else {m.student.id for m in members if m.is_default}
    )
    page = render_template(
        "allocation/start.html",
        programmes=programmes,
        programme=programme,
        choose=choose,
        form=form,
        members=members,
        ticked=ticked,
        left_out_now={
            m.student.id: allocation.why_not_placed(m, get_settings().intakes) for m in members
        },
        runs=allocation.list_runs(session, me()),
    )
    return page, status


def _programme(programmes: list[Programme], code: object) -> Programme | None:
    return next((p for p in programmes if p.code == code), None)


# --- Reviewing a run and proposing -----------------------------------------------------


def _run(run_id: int) -> AllocationRun:
    try:
        return allocation.find_run(get_session(), me(), run_id)
    except NotFoundError:
        abort(404)


def _run_page(
    run: AllocationRun,
    form: LinesProposalForm,
    status: int = 200,
    refused: dict[int, Any] | None = None,
    conflict: object = None,
) -> tuple[str, int]:
    rules = get_settings().intakes
    lines = sorted(run.lines, key=lambda ln: (ln.student.last_name, ln.student.first_name))
    placed = [ln for ln in lines if ln.placement is Placement.PLACED]
    ticked = set(form.lines.data or []) if form.is_submitted() else {ln.id for ln in placed}
    page = render_template(
        "allocation/run.html",
        run=run,
        form=form,
        placed=placed,
        to_propose=[ln for ln in placed if ln.intake_id is None],
        outranked=[ln for ln in lines if ln.placement is Placement.OUTRANKED],
        not_placed=[
            ln for ln in lines if ln.placement not in (Placement.PLACED, Placement.OUTRANKED)
        ],
        ticked=ticked,
        refused=refused or {},
        conflict=conflict,
        earliest=intakes.earliest_deadline(today_in_belgium(), rules),
        default_days=rules.respond_within_working_days,
    )
    return page, status


@bp.get("/<int:run_id>")
@school_only
def run(run_id: int) -> Page:
    """One run: per student the workplace and why, or why none; the form to propose."""
    form = LinesProposalForm(formdata=None)
    form.respond_by.data = intakes.default_deadline(today_in_belgium(), get_settings().intakes)
    return _run_page(_run(run_id), form)


@bp.post("/<int:run_id>/voorstellen")
@school_only
def propose(run_id: int) -> Page:
    """Make the ticked lines into intake proposals: every one of them, or none."""
    found = _run(run_id)
    form = LinesProposalForm()
    if not form.validate():
        return _run_page(found, form, 400)
    assert form.respond_by.data is not None  # required
    try:
        with unit_of_work() as db:
            made = allocation.propose_lines(
                db,
                me(),
                run_id,
                form.lines.data or [],
                form.terms(),
                utcnow(),
                get_settings().intakes,
                public_link,
            )
    except ProposalsRefusedError as refusal:
        for field, message in refusal.terms.items():
            show_error(form, InputError(PROPOSAL_FIELDS.get(field, field), message))
        if refusal.lines:
            form.form_errors.append(
                str(_l("Er is geen enkel voorstel verstuurd. Pas aan wat hieronder staat."))
            )
        return _run_page(_run(run_id), form, 400, refused=refusal.lines)
    except InputError as error:
        show_error(form, error)
        return _run_page(_run(run_id), form, 400)
    except ConflictError as error:
        return _run_page(_run(run_id), form, 409, conflict=error.message)
    flash(
        ngettext(
            "%(num)s voorstel verstuurd. Het bedrijf antwoordt uiterlijk op %(day)s.",
            "%(num)s voorstellen verstuurd. De bedrijven antwoorden uiterlijk op %(day)s.",
            len(made),
            day=day(form.respond_by.data),
        )
    )
    return redirect(url_for("allocation.run", run_id=run_id))
