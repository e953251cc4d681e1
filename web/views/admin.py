"""The admin's pages under /beheer: for now, the scheduled jobs, their recent runs and
whether mail really goes out."""

from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from flask import Blueprint, render_template
from flask_babel import gettext, ngettext
from flask_babel import lazy_gettext as _l

from models import JobRun
from models.base import utcnow
from models.enums import Role
from web.auth import role_required
from web.config import get_settings
from web.db import get_session
from web.jobs import JOBS, Job, last_runs, schedule_of
from web.mail import MAX_ATTEMPTS
from web.services.mail_queue import mail_queue
from web.settings import Settings

bp = Blueprint("admin", __name__, url_prefix="/beheer")

RUNS_SHOWN = 10

STATUS_WORDS = {
    "running": _l("bezig"),
    "succeeded": _l("gelukt"),
    "failed": _l("mislukt"),
    "skipped": _l("overgeslagen"),
    "abandoned": _l("afgebroken"),
}
# Why a run did not finish, when the reason is always the same (web/jobs.py).
STATUS_REASONS = {
    "skipped": _l("een andere run van deze taak liep nog"),
    "abandoned": _l("het proces stopte tijdens de run"),
}
TRIGGER_WORDS = {"schedule": _l("gepland"), "hand": _l("met de hand")}
# The jobs' counts, each read as "3 verstuurd", "2 leerlingen".
COUNT_WORDS = {
    "expired": _l("vervallen"),
    "at_risk": _l("in gevaar"),
    "no_longer_at_risk": _l("niet langer in gevaar"),
    "reminded": _l("herinnerd"),
    "unreachable": _l("onbereikbaar"),
    "sent": _l("verstuurd"),
    "failed": _l("mislukt"),
    "deferred": _l("uitgesteld"),
    "warned": _l("gewaarschuwd"),
    "time_up": _l("tijd om"),
    "students": _l("leerlingen"),
    "logins": _l("accounts"),
    "intakes": _l("intakes"),
    "agreements": _l("overeenkomsten"),
    "messages": _l("berichten"),
}
NIGHT_ENDS_AT = 6  # a daily run before this hour runs "every night", later "every day"


@dataclass(frozen=True)
class ShownJob:
    """A job as the page words it."""

    name: str
    title: str
    description: str
    schedule: str
    runs: list[JobRun]


def schedule_in_words(trigger: BaseTrigger) -> str:
    """Say when a trigger fires, in Belgian time: "elke nacht om 03:30", "elke minuut"."""
    if isinstance(trigger, IntervalTrigger):
        interval: timedelta = trigger.interval
        minutes, rest = divmod(int(interval.total_seconds()), 60)
        if minutes and not rest:
            return str(ngettext("elke minuut", "elke %(num)s minuten", minutes))
    if isinstance(trigger, CronTrigger):
        fields = {field.name: field for field in trigger.fields}
        hour, minute = str(fields["hour"]), str(fields["minute"])
        is_daily = all(f.is_default for name, f in fields.items() if name not in ("hour", "minute"))
        if is_daily and hour.isdigit() and minute.isdigit():
            time = f"{int(hour):02d}:{int(minute):02d}"
            if int(hour) < NIGHT_ENDS_AT:
                return str(gettext("elke nacht om %(time)s", time=time))
            return str(gettext("elke dag om %(time)s", time=time))
    return str(trigger)  # a schedule without words yet: as the scheduler writes it


def job_words(settings: Settings) -> dict[str, tuple[str, str]]:
    """What each job is called and does, for people (the CLI keeps web/jobs.py's names)."""
    return {
        "refresh-availability": (
            gettext("Erkenningen bijwerken"),
            gettext(
                "Erkenningen vervallen na hun 5 jaar, de risicovlaggen (mentoropleiding te "
                "laat) worden rechtgezet en herinneringen aan bedrijven worden klaargezet."
            ),
        ),
        "send-mail": (
            gettext("E-mails versturen"),
            gettext("De e-mails in de outbox worden verstuurd."),
        ),
        "intake-deadlines": (
            gettext("Termijnen van intakevoorstellen"),
            gettext(
                "Intakevoorstellen die na hun termijn onbeantwoord bleven, vervallen (hun "
                "trajectbegeleiders krijgen bericht); bedrijven krijgen twee werkdagen voor "
                "een termijn een herinnering."
            ),
        ),
        "training-clocks": (
            gettext("Opleidingsdagen tellen"),
            gettext(
                "Per leerling worden de 20 opleidingsdagen geteld om een overeenkomst te "
                "tekenen; trajectbegeleiders krijgen een waarschuwing bij 10 en 5 dagen en "
                "als de tijd om is."
            ),
        ),
        "erase-students": (
            gettext("Oud-leerlingen wissen"),
            gettext(
                "Leerlingen die hun school meer dan %(days)s dagen geleden verlieten, "
                "worden gewist.",
                days=settings.student_retention_days,
            ),
        ),
    }


def _shown(
    job: Job, settings: Settings, runs: list[JobRun], words: dict[str, tuple[str, str]]
) -> ShownJob:
    title, description = words.get(job.name, (job.name, job.description))
    return ShownJob(
        name=job.name,
        title=title,
        description=description,
        schedule=schedule_in_words(schedule_of(job, settings)),
        runs=runs,
    )


def _mail_host(mail_url: str) -> str:
    """The mail server's host, without the user and password the URL may carry."""
    return urlsplit(mail_url).hostname or mail_url.partition(":")[0]


@bp.get("/taken")
@role_required(Role.ADMIN)
def jobs() -> str:
    """Each job with its schedule and its last runs; whether mail really goes out."""
    settings = get_settings()
    session = get_session()
    runs = last_runs(session, RUNS_SHOWN)
    is_console = settings.mail_url == "console"
    words = job_words(settings)
    return render_template(
        "admin/jobs.html",
        jobs=[_shown(job, settings, runs[name], words) for name, job in JOBS.items()],
        status_words=STATUS_WORDS,
        status_reasons=STATUS_REASONS,
        trigger_words=TRIGGER_WORDS,
        count_words=COUNT_WORDS,
        mail=mail_queue(session, MAX_ATTEMPTS, utcnow()),
        is_console=is_console,
        mail_host="" if is_console else _mail_host(settings.mail_url),
    )
