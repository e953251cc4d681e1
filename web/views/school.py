"""The school's pages under /school: its students, and what it may do with their data.

Every page needs a school login and finds students through the signed-in school
(web/services/policy.py): another school's student answers 404.
"""

import json

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response as BaseResponse

from models import Student
from models.enums import Role
from web.auth import me, role_required
from web.db import get_session, unit_of_work
from web.forms import ButtonForm
from web.services import policy, students
from web.services.errors import NotFoundError

bp = Blueprint("school", __name__, url_prefix="/school")

Page = BaseResponse | str | tuple[str, int]
school_only = role_required(Role.SCHOOL_STAFF)


def _student(student_id: int) -> Student:
    try:
        return policy.find(get_session(), me(), Student, student_id)
    except NotFoundError:
        abort(404)


@bp.get("")
@school_only
def dashboard() -> Page:
    """The school's students."""
    return render_template(
        "school/students.html", students=students.list_students(get_session(), me())
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
