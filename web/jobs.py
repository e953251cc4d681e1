"""The scheduled jobs: what each does, when it runs, and how a run is made safe.

Every run, scheduled by the clock process (web/clock.py) or started by hand
(`flask --app web jobs run NAME`), goes through `run_job`:

1. Write a "running" row in the run log (job_runs), so admins see it.
2. Take the job's lock for the whole run: a PostgreSQL advisory lock on a connection
   of its own, or on SQLite a row in job_locks. A run that finds the lock taken is
   logged as skipped: two runs of one job never overlap, whichever processes start
   them.
3. Do the work. refresh-availability is one transaction: it lands whole, or (on any
   error) not at all. send-mail commits each message as it goes, so one sent is never
   sent again because a later one failed.
4. Log the outcome with the job's counts, and release the lock.
"""

import hashlib
import logging
import os
import socket
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

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
from web.db import get_db, get_session
from web.mail import mailer_from, send_outbox
from web.services.reminders import queue_reminders
from web.services.search import stale_after_days

log = logging.getLogger(__name__)

# On SQLite, a lock older than this belonged to a process that died mid-run.
LOCK_TIMEOUT = timedelta(hours=1)

Work = Callable[[Session, Mapping[str, Any], datetime], dict[str, int]]


@dataclass(frozen=True)
class Job:
    name: str
    description: str
    trigger: BaseTrigger
    work: Work


class JobBusyError(Exception):
    """Another run of the job holds its lock."""


def refresh_availability_job(
    session: Session, config: Mapping[str, Any], now: datetime
) -> dict[str, int]:
    """Expire recognitions, correct availability and risk flags, queue reminders."""
    today = day_in_belgium(now)
    days = stale_after_days(config)
    counts = refresh_availability(session, today, days).as_dict()
    counts.update(queue_reminders(session, today, days, now))
    return counts


def send_mail_job(session: Session, config: Mapping[str, Any], now: datetime) -> dict[str, int]:
    """Send the queued e-mails."""
    return send_outbox(session, mailer_from(config), now)


JOBS = {
    job.name: job
    for job in (
        Job(
            "refresh-availability",
            "Recognitions past their 5 years expire; availability and risk flags are "
            "corrected; reminders are queued.",
            CronTrigger(hour=3, minute=30, timezone=BELGIUM),
            refresh_availability_job,
        ),
        Job(
            "send-mail",
            "Queued e-mails are sent.",
            IntervalTrigger(minutes=5, timezone=BELGIUM),
            send_mail_job,
        ),
    )
}


def schedule_of(job: Job, config: Mapping[str, Any]) -> BaseTrigger:
    """The job's trigger, or the deployment's: `JOBS_REFRESH_AT` ("HH:MM", Belgian time)
    moves the nightly refresh."""
    at = config.get("JOBS_REFRESH_AT")
    if job.name == "refresh-availability" and at:
        hour, minute = at.split(":")
        return CronTrigger(hour=int(hour), minute=int(minute), timezone=BELGIUM)
    return job.trigger


def run_job(app: Flask, name: str, trigger: str = "hand", now: datetime | None = None) -> JobRun:
    """Run a job once, safely (see the module docstring); return its log row.

    `now` is the moment the job acts as of (a controlled clock for tests and catch-up);
    the log always records the real start and end.
    """
    job = JOBS[name]
    with app.app_context():
        session = get_session()
        run = JobRun(job=name, trigger=trigger, started_at=utcnow(), status="running", counts={})
        session.add(run)
        session.commit()
        try:
            with _lock(session, name):
                _close_abandoned_runs(session, name, run.id)
                counts = job.work(session, app.config, now or utcnow())
                run.status, run.counts = "succeeded", counts
                run.finished_at = utcnow()
                session.commit()
        except JobBusyError:
            session.rollback()
            run.status, run.finished_at = "skipped", utcnow()
            run.error = "another run of this job was still going"
            session.commit()
            log.warning("%s: skipped, another run holds the lock", name)
        except Exception as error:
            session.rollback()
            run.status, run.finished_at = "failed", utcnow()
            run.error = f"{type(error).__name__}: {error}"[:2000]
            session.commit()
            log.exception("%s: failed; its open transaction was rolled back", name)
        else:
            log.info("%s: %s", name, ", ".join(f"{k} {v}" for k, v in counts.items()))
        return run


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
        # Write first: a SQLite transaction that starts by reading cannot write once
        # another connection has committed since ("database is locked"); one that
        # starts by writing waits its turn instead.
        session.execute(update(JobLock).where(JobLock.job == name).values(holder=JobLock.holder))
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
    session.execute(
        delete(JobLock).where(JobLock.job == name, JobLock.acquired_at < taken_at - LOCK_TIMEOUT)
    )
    session.add(JobLock(job=name, holder=holder, acquired_at=taken_at))
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise JobBusyError(name) from None
    try:
        yield
    finally:
        session.rollback()  # a failed run's open changes go before the lock does
        try:
            session.execute(delete(JobLock).where(JobLock.job == name, JobLock.holder == holder))
            session.commit()
        except Exception:  # the run's outcome stands; the lock times out by itself
            session.rollback()
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
