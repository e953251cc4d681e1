"""The partnership consultant's pages under /partnerschap: the request queue and decisions."""

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from models import Programme, Recognition
from models.base import today_in_belgium, utcnow
from models.enums import RecognitionStatus, Role
from models.rules import DECISION_NORM_DAYS
from web.auth import me, role_required
from web.db import get_session, unit_of_work
from web.forms import ApproveForm, ReasonForm, show_error
from web.forms.partnership import FindForm, QueueFilterForm
from web.services import agreements, partnerships
from web.services.errors import ConflictError, InputError, NotFoundError
from web.services.mentors import mentor_problems_of
from web.services.recognitions import find_recognition

bp = Blueprint("partnership", __name__, url_prefix="/partnerschap")

Page = Response | str | tuple[str, int]
consultant_only = role_required(Role.CONSULTANT)


def _find(recognition_id: int) -> Recognition:
    try:
        return find_recognition(get_session(), me(), recognition_id)
    except NotFoundError:
        abort(404)


@bp.get("")
@consultant_only
def queue() -> Page:
    """Open requests, oldest first, a page at a time; those past the 14-day norm stand out."""
    session, today = get_session(), today_in_belgium()
    programmes = partnerships.programmes_decided_by(session, me())
    form = QueueFilterForm(request.args)
    form.opleiding.choices = [
        SelectChoice("", _l("Alle opleidingen")),
        *(SelectChoice(p.code, _programme_label(p, programmes)) for p in programmes),
    ]
    if not form.validate():
        return _queue_page(form, None, status=400)
    by_code = {p.code: p.id for p in programmes}
    only = partnerships.QueueFilter(
        programme_id=by_code.get(form.opleiding.data or ""),
        province=form.provincie.data or None,
        only_late=bool(form.te_laat.data),
    )
    return _queue_page(form, partnerships.list_requests(session, me(), today, only, form.page()))


def _queue_page(
    form: QueueFilterForm, requests: partnerships.Page[Any] | None, status: int = 200
) -> tuple[str, int]:
    filtered = {"opleiding": form.opleiding.data, "provincie": form.provincie.data}
    if form.te_laat.data:
        filtered["te_laat"] = "y"
    page = render_template(
        "partnership/queue.html",
        form=form,
        requests=requests,
        is_filtered=any(filtered.values()),
        page_link=_page_links("partnership.queue", filtered),
        n_overdue=partnerships.count_late_requests(get_session(), me(), today_in_belgium()),
        norm_days=DECISION_NORM_DAYS,
    )
    return page, status


def _page_links(endpoint: str, args: dict[str, Any]) -> Callable[[int], str]:
    """A page's link that keeps the filter (only the form's own, non-empty fields)."""
    kept = {name: value for name, value in args.items() if value}
    return lambda number: url_for(endpoint, **kept, pagina=number if number > 1 else None)


def _programme_label(programme: Programme, programmes: list[Programme]) -> str:
    """The programme's name, with its level where another programme has the same name."""
    twins = sum(p.name == programme.name for p in programmes)
    level = programme.level.replace("-", " ")  # "3e-graad" reads "3e graad"
    return f"{programme.name} ({level})" if twins > 1 else programme.name


@bp.get("/erkenningen")
@consultant_only
def recognitions() -> Page:
    """Find decided recognitions by company, KBO number, place or postcode (to withdraw one)."""
    form = FindForm(request.args)
    text = (form.q.data or "").strip()
    found = None
    status = 400
    if form.validate():
        status = 200
        if text:
            found = partnerships.find_recognitions(get_session(), me(), text, form.page())
    counts = (
        agreements.counts_per_recognition(get_session(), me(), today_in_belgium()) if found else {}
    )
    page = render_template(
        "partnership/recognitions.html",
        form=form,
        found=found,
        counts=counts,
        page_link=_page_links("partnership.recognitions", {"q": text}),
    )
    return page, status


def _page(
    recognition: Recognition,
    approve_form: ApproveForm | None = None,
    refuse_form: ReasonForm | None = None,
    withdraw_form: ReasonForm | None = None,
    status: int = 200,
    conflict: Any = None,
) -> tuple[str, int]:
    mentor = recognition.mentor
    today = today_in_belgium()
    page = render_template(
        "partnership/recognition.html",
        recognition=recognition,
        # A count, never names: a partnership sees no students (DOMAIN.md).
        n_agreements=agreements.counts_per_recognition(get_session(), me(), today).get(
            recognition.id, 0
        ),
        company=recognition.site.company,
        problems=mentor_problems_of(mentor, today, recognition) if mentor else [],
        approve_form=approve_form or ApproveForm(formdata=None),
        refuse_form=refuse_form or ReasonForm(formdata=None, prefix="refuse"),
        withdraw_form=withdraw_form or ReasonForm(formdata=None, prefix="withdraw"),
        is_open=recognition.status is RecognitionStatus.REQUESTED,
        is_recognised=recognition.status is RecognitionStatus.RECOGNISED,
        conflict=conflict,
    )
    return page, status


@bp.get("/erkenningen/<int:recognition_id>")
@consultant_only
def recognition(recognition_id: int) -> Page:
    """One request or recognition: the company, the site, the mentor's checks, the decision."""
    return _page(_find(recognition_id))


@bp.post("/erkenningen/<int:recognition_id>/erkennen")
@consultant_only
def approve(recognition_id: int) -> Page:
    """Recognise the site for the programme, valid 5 years from today."""
    return _decide(
        recognition_id,
        "approve_form",
        ApproveForm(),
        lambda db, form: partnerships.approve(
            db,
            me(),
            recognition_id,
            utcnow(),
            form.note.data or "",
            bool(form.grant_age_waiver.data),
        ),
        _l("Erkend. Het bedrijf ziet de beslissing meteen."),
        url_for("partnership.queue"),
    )


@bp.post("/erkenningen/<int:recognition_id>/weigeren")
@consultant_only
def refuse(recognition_id: int) -> Page:
    """Refuse a request with a reason the company will read."""
    return _decide(
        recognition_id,
        "refuse_form",
        ReasonForm(prefix="refuse"),
        lambda db, form: partnerships.refuse(
            db, me(), recognition_id, form.reason.data or "", utcnow()
        ),
        _l("Geweigerd. Het bedrijf ziet de reden."),
        url_for("partnership.queue"),
    )


@bp.post("/erkenningen/<int:recognition_id>/intrekken")
@consultant_only
def withdraw(recognition_id: int) -> Page:
    """Withdraw a running recognition with a reason; its places leave search."""
    return _decide(
        recognition_id,
        "withdraw_form",
        ReasonForm(prefix="withdraw"),
        lambda db, form: partnerships.withdraw(
            db, me(), recognition_id, form.reason.data or "", utcnow()
        ),
        _l("De erkenning is ingetrokken. Het bedrijf ziet de reden."),
        url_for("partnership.recognition", recognition_id=recognition_id),
    )


def _decide(
    recognition_id: int,
    form_name: str,
    form: Any,
    decide: Callable[[Session, Any], object],
    done: Any,
    then: str,
) -> Page:
    """Take a decision from its form; show the form again with its errors, or say that
    a colleague decided meanwhile (409)."""
    recognition = _find(recognition_id)
    if form.validate():
        try:
            with unit_of_work() as db:
                decide(db, form)
        except ConflictError as error:  # decided meanwhile, e.g. by a colleague
            return _page(_find(recognition_id), status=409, conflict=error.message)
        except InputError as error:
            show_error(form, error)
        else:
            flash(done)
            return redirect(then)
    return _page(recognition, status=400, **{form_name: form})
