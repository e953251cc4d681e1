"""The admin's pages under /beheer: for now, the scheduled jobs and their recent runs."""

from flask import Blueprint, render_template

from models.enums import Role
from web.auth import role_required
from web.config import get_settings
from web.db import get_session
from web.jobs import JOBS, last_runs, schedule_of

bp = Blueprint("admin", __name__, url_prefix="/beheer")

RUNS_SHOWN = 10


@bp.get("/taken")
@role_required(Role.ADMIN)
def jobs() -> str:
    """Each job with its schedule and its last runs: status, counts, errors."""
    schedules = {name: schedule_of(job, get_settings()) for name, job in JOBS.items()}
    return render_template(
        "admin/jobs.html",
        jobs=JOBS,
        schedules=schedules,
        runs=last_runs(get_session(), RUNS_SHOWN),
    )
