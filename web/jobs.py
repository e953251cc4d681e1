"""The scheduled jobs: what each does, when it runs, and how a run is made safe.

Every run, scheduled by the clock process (web/clock.py) or started by hand
(`flask --app web jobs run NAME`), goes through `run_job`:

1. Write a "running" row in the run log (job_runs), so admins see it.
2. Take the job's lock for the whole run: a PostgreSQL advisory lock on a connection
   of its own, or on SQLite a row in job_locks. A run that finds the lock taken is
   logged as skipped: two runs of one job never overlap, whichever processes start
   them.
3. Do the work. refresh-availability is one unit of work, together with its log
   entry: it lands whole, or (on any error) not at all. send-mail commits each message
   as it goes, so one sent is never sent again because a later one failed.
4. Log the outcome with the job's counts, and release the lock.
"""

import hashlib
import logging
import os
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models import JobLock, JobRun
from models.base import BELGIUM, day_in_belgium, utcnow
from models.refresh import refresh_availability
from web.config import settings_of
from web.db import get_db, get_session, unit_of_work
from web.links import public_link
from web.mail import mailer_from, send_outbox
from web.services import agreements, intakes
from web.services.reminders import queue_reminders
from web.services.students import erase_students_who_left
from web.settings import Settings

log = logging.getLogger(__name__)

# On SQLite, a lock older than this belonged to a process that died mid-run.
LOCK_TIMEOUT = timedelta(hours=1)

Work = Callable[[Session, Settings, datetime], dict[str, int]]


@dataclass(frozen=True)
class Job:
    name: str
    description: str
    trigger: BaseTrigger
    work: Work
    # True: the work and its log entry are one unit of work. False: the work runs its
    # own units (send-mail: one per message), and the log entry follows.
    is_one_transaction: bool = True


class JobBusyError(Exception):
    """Another run of the job holds its lock."""


def refresh_availability_job(session: Session, settings: Settings, now: datetime) -> dict[str, int]:
    """Expire recognitions, correct the risk flags, queue reminders."""
    today = day_in_belgium(now)
    counts = refresh_availability(session, today).as_dict()
    counts.update(queue_reminders(session, today, settings.search.stale_after_days, now))
    return counts


def intake_deadlines_job(session: Session, settings: Settings, now: datetime) -> dict[str, int]:
    """Expire proposals unanswered past their deadline; remind companies 2 working days before."""
    today = day_in_belgium(now)
    return {
        "expired": intakes.expire_overdue(session, today, now, public_link),
        "reminded": intakes.remind_before_deadline(session, today, now, public_link),
    }


def training_clocks_job(session: Session, settings: Settings, now: datetime) -> dict[str, int]:
    """Count each learner's training days left; warn coaches at 10, 5 and 0."""
    return agreements.check_clocks(session, day_in_belgium(now), now, public_link)


def erase_students_job(session: Session, settings: Settings, now: datetime) -> dict[str, int]:
    """Erase the students who left their school longer ago than the retention time."""
    erased = erase_students_who_left(session, day_in_belgium(now), settings.student_retention_days)
    return asdict(erased)


def send_mail_job(session: Session, settings: Settings, now: datetime) -> dict[str, int]:
    """Send the queued e-mails."""
    return send_outbox(session, mailer_from(settings), now)


JOBS = {
    job.name: job
    for job in (
        Job(
            "refresh-availability",
            "Recognitions past their 5 years expire; risk flags are corrected; reminders "
            "are queued.",
            CronTrigger(hour=3, minute=30, timezone=BELGIUM),
            refresh_availability_job,
        ),
        Job(
            "send-mail",
            "Queued e-mails are sent.",
            IntervalTrigger(minutes=1, timezone=BELGIUM),
            send_mail_job,
            is_one_transaction=False,
        ),
        Job(
            "intake-deadlines",
            "Intake proposals unanswered past their deadline expire (their coaches are told); "
            "companies are reminded two working days before a deadline.",
            CronTrigger(hour=3, minute=45, timezone=BELGIUM),
            intake_deadlines_job,
        ),
        Job(
            "training-clocks",
            "Each learner's 20 training days to sign an agreement are counted; coaches are "
            "warned at 10 and 5 days left and when the time is up.",
            CronTrigger(hour=6, minute=30, timezone=BELGIUM),
            training_clocks_job,
        ),
        Job(
            "erase-students",
            "Students who left their school longer ago than STUDENT_RETENTION_DAYS are erased.",
            CronTrigger(hour=4, minute=15, timezone=BELGIUM),
            erase_students_job,
        ),
    )
}


def schedule_of(job: Job, settings: Settings) -> BaseTrigger:
    """The job's trigger, or the deployment's: `JOBS_REFRESH_AT` ("HH:MM", Belgian time)
    moves the nightly refresh."""
    if job.name == "refresh-availability":
        hour, minute = settings.jobs_refresh_at.split(":")
        return CronTrigger(hour=int(hour), minute=int(minute), timezone=BELGIUM)
    return job.trigger


def run_job(app: Flask, name: str, trigger: str = "hand", now: datetime | None = None) -> JobRun:
    """Run a job once, safely (see the module docstring); return its log row.

    `now` is the moment the job acts as of (a controlled clock for tests and catch-up);
    the log always records the real start and end.
    """
    job = JOBS[name]
    settings = settings_of(app)
    with app.app_context():
        session = get_session()
        with unit_of_work(session):
            run = JobRun(
                job=name, trigger=trigger, started_at=utcnow(), status="running", counts={}
            )
            session.add(run)
        try:
            with _lock(session, name):
                with unit_of_work(session):
                    _close_abandoned_runs(session, name, run.id)
                if job.is_one_transaction:
                    with unit_of_work(session):
                        counts = job.work(session, settings, now or utcnow())
                        _finish(run, "succeeded", counts=counts)
                else:
                    counts = job.work(session, settings, now or utcnow())
                    with unit_of_work(session):
                        _finish(run, "succeeded", counts=counts)
        except JobBusyError:
            with unit_of_work(session):
                _finish(run, "skipped", error="another run of this job was still going")
            log.warning("%s: skipped, another run holds the lock", name)
        except Exception as error:
            with unit_of_work(session):
                _finish(run, "failed", error=f"{type(error).__name__}: {error}"[:2000])
            log.exception("%s: failed; its open transaction was rolled back", name)
        else:
            log.info("%s: %s", name, ", ".join(f"{k} {v}" for k, v in counts.items()))
        return run


def _finish(
    run: JobRun, status: str, counts: dict[str, int] | None = None, error: str | None = None
) -> None:
    run.status, run.finished_at, run.error = status, utcnow(), error
    if counts is not None:
        run.counts = counts


def lock_key(name: str) -> int:
    """A stable 64-bit advisory-lock key for a job name."""
    return int.from_bytes(
        hashlib.sha256(f"duaal-job:{name}".encode()).digest()[:8], "big", signed=True
    )


@contextmanager
def _lock(session: Session, name: str) -> Iterator[None]:
    """Hold the job's lock for the whole run, whatever the work commits meanwhile."""
    if session.get_bind().dialect.name == "postgresql":
        with _advisory_lock(name):
            yield
        return
    with _lock_row(session, name):
        yield


@contextmanager
def _advisory_lock(name: str) -> Iterator[None]:
    """A PostgreSQL session-level advisory lock on a connection of its own: the work's
    commits do not release it, and the server does if the process dies."""
    key = lock_key(name)
    with get_db().engine.connect() as connection:
        got = connection.scalar(select(func.pg_try_advisory_lock(key)))
        connection.commit()
        if not got:
            raise JobBusyError(name)
        try:
            yield
        finally:
            connection.execute(select(func.pg_advisory_unlock(key)))
            connection.commit()


@contextmanager
def _lock_row(session: Session, name: str) -> Iterator[None]:
    """On SQLite: a row in job_locks, taken over only when older than LOCK_TIMEOUT."""
    holder = f"{socket.gethostname()}:{os.getpid()}"[:120]
    # The wall clock, not the run's "as of" time: a catch-up run for an earlier day
    # must not write a lock that already looks abandoned.
    taken_at = utcnow()
    try:
        with unit_of_work(session):
            session.execute(
                delete(JobLock).where(
                    JobLock.job == name, JobLock.acquired_at < taken_at - LOCK_TIMEOUT
                )
            )
            session.add(JobLock(job=name, holder=holder, acquired_at=taken_at))
    except IntegrityError:
        raise JobBusyError(name) from None
    try:
        yield
    finally:
        try:
            with unit_of_work(session):
                session.execute(
                    delete(JobLock).where(JobLock.job == name, JobLock.holder == holder)
                )
        except Exception:  # the run's outcome stands; the lock times out by itself
            log.exception("%s: could not release the lock row", name)


def _close_abandoned_runs(session: Session, name: str, current_id: int) -> None:
    """Runs still "running" while we hold the lock died with their process."""
    session.execute(
        update(JobRun)
        .where(JobRun.job == name, JobRun.status == "running", JobRun.id != current_id)
        .values(status="abandoned", error="the process ended during the run")
    )


def last_runs(session: Session, per_job: int = 1) -> dict[str, list[JobRun]]:
    """The latest runs of every job, newest first."""
    return {
        name: list(
            session.scalars(
                select(JobRun).where(JobRun.job == name).order_by(JobRun.id.desc()).limit(per_job)
            )
        )
        for name in JOBS
    }
