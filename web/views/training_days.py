"""The coach's pages about the 20-training-day clock (DOMAIN.md, "Training days"): the
school's own days off, on which the clock stands still, and the answer to "uitgestroomd?"
for a student whose days ran out without an agreement.

The routes sit on the school's blueprint (`add_school_routes`, called where it is made).
"""

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from werkzeug.wrappers import Response

from models import Student
from models.base import today_in_belgium, utcnow
from models.enums import Role
from web.auth import me, role_required
from web.db import get_session, unit_of_work
from web.forms import show_error
from web.forms.agreement import DayOffForm, TimeUpForm
from web.links import public_link
from web.services import policy, school_days_off, students
from web.services.errors import ConflictError, InputError, NotFoundError

Page = Response | str | tuple[str, int]
school_only = role_required(Role.SCHOOL_STAFF)


def add_school_routes(bp: Blueprint) -> None:
    """Put the days off and the "uitgestroomd?" answer on the school's blueprint."""
    bp.add_url_rule("/vrije-dagen", "days_off", days_off, methods=["GET", "POST"])
    bp.add_url_rule(
        "/vrije-dagen/<day>/verwijderen", "remove_day_off", remove_day_off, methods=["POST"]
    )
    bp.add_url_rule(
        "/leerlingen/<int:student_id>/uitgestroomd",
        "settle_time_up",
        settle_time_up,
        methods=["GET", "POST"],
    )


def _days_off_page(form: DayOffForm, status: int = 200, conflict: object = None) -> tuple[str, int]:
    page = render_template(
        "school/days_off.html",
        form=form,
        days=school_days_off.list_days_off(get_session(), me()),
        school_years=school_days_off.school_year_names(),
        conflict=conflict,
    )
    return page, status


@school_only
def days_off() -> Page:
    """The school's own days off, and a form to add one or a stretch of them."""
    form = DayOffForm()
    if form.validate_on_submit():
        assert form.first_day.data is not None  # required
        try:
            with unit_of_work() as db:
                added = school_days_off.add_days_off(
                    db, me(), form.first_day.data, form.last_day.data, form.reason.data or ""
                )
        except InputError as error:
            show_error(form, error)
        else:
            if added.n_added:
                flash(
                    ngettext(
                        "%(num)s vrije dag toegevoegd.",
                        "%(num)s vrije dagen toegevoegd.",
                        added.n_added,
                    )
                )
            if added.n_known:
                flash(
                    ngettext(
                        "%(num)s dag stond er al: die bleef zoals hij was.",
                        "%(num)s dagen stonden er al: die bleven zoals ze waren.",
                        added.n_known,
                    )
                )
            return redirect(url_for("school.days_off"))
    return _days_off_page(form, 400 if form.is_submitted() else 200)


@school_only
def remove_day_off(day: str) -> Page:
    """Remove one of the school's days off: it is a training day again."""
    try:
        chosen = date.fromisoformat(day)
    except ValueError:
        abort(404)
    try:
        with unit_of_work() as db:
            school_days_off.remove_day_off(db, me(), chosen)
    except ConflictError as error:  # removed meanwhile, e.g. by a colleague
        return _days_off_page(DayOffForm(formdata=None), 409, conflict=error.message)
    flash(_l("De vrije dag is verwijderd: het is weer een opleidingsdag."))
    return redirect(url_for("school.days_off"))


@school_only
def settle_time_up(student_id: int) -> Page:
    """Answer "uitgestroomd?" for a student whose 20 training days ran out: the student
    leaves the dual track, or stays; nothing is deleted either way."""
    try:
        student = policy.find(get_session(), me(), Student, student_id)
    except NotFoundError:
        abort(404)
    form = TimeUpForm()
    if request.method == "POST":
        if not form.validate():
            abort(400)
        leaves = form.decision.data == "leaves"
        try:
            with unit_of_work() as db:
                students.settle_time_up(
                    db, me(), student.id, leaves, today_in_belgium(), utcnow(), public_link
                )
        except ConflictError as error:  # a colleague answered first
            get_session().refresh(student)
            page = render_template(
                "school/time_up.html", student=student, form=form, conflict=error.message
            )
            return page, 409
        if leaves:
            flash(_l("Genoteerd: de leerling stroomt uit het duaal traject. Er is niets gewist."))
        else:
            flash(_l("Genoteerd: de leerling blijft in het duaal traject."))
        return redirect(url_for("school.student", student_id=student.id))
    return render_template("school/time_up.html", student=student, form=form)
