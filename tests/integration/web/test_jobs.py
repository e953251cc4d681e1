"""The scheduled jobs, run on a controlled clock.

refresh-availability expires recognitions on their last day, flags mentors past their
training deadline and queues reminders; send-mail sends the queued e-mails. Every run
is logged with its counts, changes nothing the second time, lands whole or not at all,
and never overlaps another run of the same job.

Whether a workplace offers a free place is not stored, so no run corrects it: the
search works it out on the day asked (valid, free, started, confirmed recently
enough). The tests of availability check that the search's answer on a day, and the
same rule in SQL, follow models.rules, before and after a run.

The clock is the `now` given to `run_job` (or `--today` on the command line), and the
day of a search query: no test waits for real time to pass. Tests that go through the
search API use the real date, since the API answers for today.
"""

import hashlib
import io
import itertools
import smtplib
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Connection, func, insert, select
from sqlalchemy.orm import Session

import models.refresh
import web.jobs
from matcher import SearchQuery
from models import Company, JobLock, JobRun, OutboxMessage, Recognition
from models.base import BELGIUM, today_in_belgium, utcnow
from models.database import make_engine
from models.enums import RecognitionStatus, Role, TrainingStatus
from models.refresh import RefreshCounts
from models.rules import is_available_now
from models.versioning import read_data_version
from models.workplaces import available_on
from tests import factories
from tests.conftest import app_bound_to, drop_scratch_database, fresh_database_url
from web import create_app
from web.db import get_db
from web.jobs import JOBS, LOCK_TIMEOUT, lock_key, run_job
from web.mail import MAX_ATTEMPTS, ConsoleMailer
from web.services.search import Origin, build_index_state, search_workplaces
from web.settings import SearchSettings

REFRESH = "refresh-availability"
SEND_MAIL = "send-mail"
PROGRAMME = "elektrotechnieken-duaal"
# A winter day: 180 days before it is summer time, so a confirmation date counted in
# UTC rather than in Belgium would be off by one near midnight.
TODAY = date(2027, 1, 5)
PAST_DAY = date(2026, 11, 2)  # `jobs run --today` takes no day to come
NOTHING = dict.fromkeys((*RefreshCounts().as_dict(), "reminded", "unreachable"), 0)
SEARCH = f"/api/v1/search?programme={PROGRAMME}&postcode=8500&radius_km=10&limit=100"
# Where the factories put every site.
KORTRIJK = Origin("8500", "Kortrijk", 50.828, 3.265)


# The clock -------------------------------------------------------------------------


def belgian(day: date, hour: int = 12, minute: int = 0, second: int = 0) -> datetime:
    """A moment of a Belgian calendar day, in UTC as stored."""
    moment = datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=BELGIUM)
    return moment.astimezone(UTC)


def night_of(day: date) -> datetime:
    """When a run "as of" a day happens: 03:00 in Belgium, as `jobs run --today` does."""
    return belgian(day, 3)


def days_before(days: int, day: date = TODAY, hour: int = 12) -> datetime:
    return belgian(day - timedelta(days=days), hour)


# Data ------------------------------------------------------------------------------


def workplace(session: Session, owner: Company | None = None, **fields: Any) -> Recognition:
    """A recognised workplace with a free place, confirmed 10 days before TODAY, valid
    long after TODAY and today; its company has an e-mail address."""
    values: dict[str, Any] = {
        "valid_until": max(TODAY, today_in_belgium()) + timedelta(days=400),
        "last_confirmed_at": days_before(10),
    }
    values.update(fields)
    company = owner or factories.company(session, email="info@bedrijf.be")
    return factories.recognition(session, factories.site(session, company), **values)


def recognition_rows(session: Session) -> list[tuple[Any, ...]]:
    """Every recognition with every column, as stored."""
    table = Recognition.__table__
    return [tuple(r) for r in session.execute(select(table).order_by(table.c.id))]


def fresh(session: Session, row: Recognition) -> Recognition:
    session.refresh(row)
    return row


def count(session: Session, model: type[Any], *conditions: Any) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*conditions)) or 0


def outbox(session: Session, row: Recognition | None = None) -> list[OutboxMessage]:
    session.expire_all()
    statement = select(OutboxMessage).order_by(OutboxMessage.id)
    if row is not None:
        statement = statement.where(OutboxMessage.recognition_id == row.id)
    return list(session.scalars(statement))


def kinds(session: Session, row: Recognition) -> list[tuple[str, date]]:
    return [(m.kind, m.about) for m in outbox(session, row)]


def answer_on(
    session: Session,
    day: date,
    search: SearchSettings | None = None,
    only_available: bool = False,
) -> dict[int, bool]:
    """What the search answers on `day` around the workplaces: each recognition it lists,
    and whether it offers a free place there."""
    state = build_index_state(session, 0, search or SearchSettings())
    query = SearchQuery(
        programme=PROGRAMME,
        lat=KORTRIJK.lat,
        lon=KORTRIJK.lon,
        day=day,
        radius_km=10,
        limit=1000,
        only_available=only_available,
    )
    return {h.recognition_id: h.available for h in search_workplaces(state, query, KORTRIJK).hits}


def offered_on(session: Session, day: date, search: SearchSettings | None = None) -> set[int]:
    """The workplaces a search for free places finds on `day`."""
    offered = answer_on(session, day, search, only_available=True)
    assert all(offered.values()), offered
    return set(offered)


def available_in_sql(session: Session, day: date) -> set[int]:
    """The workplaces the SQL form of the rule finds free on `day`."""
    return set(session.scalars(select(Recognition.id).where(available_on(day))))


def refresh(app: Flask, day: date = TODAY) -> JobRun:
    return run_job(app, REFRESH, now=night_of(day))


def changed(run: JobRun) -> dict[str, int]:
    """The counts of a run that are not zero."""
    assert run.status == "succeeded", run.error
    return {k: v for k, v in run.counts.items() if v}


@pytest.fixture
def other_app(database_url: str, connection: Connection) -> Iterator[Callable[..., Flask]]:
    """Make further apps in the test's transaction (another process, other settings)."""
    with ExitStack() as apps:
        yield lambda **config: apps.enter_context(app_bound_to(database_url, connection, **config))


def is_postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def search(client: FlaskClient, **params: str) -> list[dict[str, Any]]:
    query = SEARCH + "".join(f"&{k}={v}" for k, v in params.items())
    response = client.get(query)
    assert response.status_code == 200, response.get_data(as_text=True)
    results: list[dict[str, Any]] = response.get_json()["results"]
    return results


def reason(hit: dict[str, Any], factor: str) -> str:
    """The words of a factor's reason (Dutch: the API's default language)."""
    texts = [r["text"] for r in hit["reasons"] if r["factor"] == factor]
    assert len(texts) == 1, hit["reasons"]
    return str(texts[0])


def staleness(hit: dict[str, Any]) -> str:
    """How old the availability's confirmation is, as the API's data says it."""
    (values,) = [r["values"] for r in hit["reasons"] if r["factor"] == "availability"]
    return str(values["staleness"])


def by_id(hits: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    return {h["recognition_id"]: h for h in hits}


# refresh-availability: expiry ------------------------------------------------------


def test_a_recognition_expires_on_its_valid_until_day(app: Flask, session: Session) -> None:
    ends_today = workplace(session, valid_until=TODAY)
    ends_tomorrow = workplace(session, valid_until=TODAY + timedelta(days=1))
    full_ending_today = workplace(session, valid_until=TODAY, n_free_places=0)
    # On its last day a recognition offers no place, whether or not the job ran yet.
    assert offered_on(session, TODAY) == {ends_tomorrow.id}

    assert changed(refresh(app)) == {"expired": 2, "reminded": 1}

    assert fresh(session, ends_today).status is RecognitionStatus.EXPIRED
    assert fresh(session, full_ending_today).status is RecognitionStatus.EXPIRED
    assert fresh(session, ends_tomorrow).status is RecognitionStatus.RECOGNISED
    assert offered_on(session, TODAY) == {ends_tomorrow.id}
    assert set(answer_on(session, TODAY)) == {ends_tomorrow.id}
    # The one ending tomorrow is due its 14-day reminder: that is the "reminded" one.
    assert kinds(session, ends_tomorrow) == [("expiry-14", TODAY + timedelta(days=1))]


def test_the_day_before_its_valid_until_a_recognition_is_still_recognised(
    app: Flask, session: Session
) -> None:
    row = workplace(session, valid_until=TODAY)
    assert changed(refresh(app, TODAY - timedelta(days=1))) == {"reminded": 1}
    assert fresh(session, row).status is RecognitionStatus.RECOGNISED
    assert changed(refresh(app, TODAY))["expired"] == 1
    assert fresh(session, row).status is RecognitionStatus.EXPIRED


@pytest.mark.parametrize("status", [RecognitionStatus.WITHDRAWN, RecognitionStatus.EXPIRED])
def test_a_withdrawn_or_expired_recognition_is_never_offered(
    app: Flask, session: Session, status: RecognitionStatus
) -> None:
    # Everything else about it would make it available: free, started, confirmed.
    row = workplace(session, status=status, available_from=TODAY)
    assert changed(refresh(app)) == {}
    assert fresh(session, row).status is status
    for day in (TODAY, TODAY + timedelta(days=1)):
        assert row.id not in answer_on(session, day)
        assert row.id not in available_in_sql(session, day)


# Staleness: the search asks the day -----------------------------------------------


def test_a_free_place_stops_counting_after_180_belgian_days_unconfirmed(
    app: Flask, session: Session
) -> None:
    # TODAY - 180 is 2026-07-09: its first minute in Belgium is 22:00 UTC the day before.
    first_minute_of_day_180 = workplace(session, last_confirmed_at=days_before(180, hour=0))
    assert first_minute_of_day_180.last_confirmed_at == datetime(2026, 7, 8, 22, 0, tzinfo=UTC)
    last_second_of_day_181 = workplace(
        session, last_confirmed_at=belgian(TODAY - timedelta(days=181), 23, 59, 59)
    )
    never_confirmed = workplace(session, last_confirmed_at=None)

    assert offered_on(session, TODAY) == {first_minute_of_day_180.id}
    assert available_in_sql(session, TODAY) == {first_minute_of_day_180.id}
    # The next day it is 181 days old too.
    assert offered_on(session, TODAY + timedelta(days=1)) == set()

    # The job changes nothing about it: only the warning 14 days before is queued.
    assert changed(refresh(app)) == {"reminded": 1}
    assert offered_on(session, TODAY) == {first_minute_of_day_180.id}
    # Stale is not expired: the recognition itself stays, listed without a free place.
    assert fresh(session, last_second_of_day_181).status is RecognitionStatus.RECOGNISED
    assert answer_on(session, TODAY) == {
        first_minute_of_day_180.id: True,
        last_second_of_day_181.id: False,
        never_confirmed.id: False,
    }


def test_a_place_never_confirmed_is_never_offered(app: Flask, session: Session) -> None:
    row = workplace(session, last_confirmed_at=None)
    assert changed(refresh(app)) == {}
    assert answer_on(session, TODAY) == {row.id: False}
    assert row.id not in available_in_sql(session, TODAY)


# Start dates: the search asks the day ---------------------------------------------


def test_a_place_is_offered_from_its_available_from_day(app: Flask, session: Session) -> None:
    starts_today = workplace(session, available_from=TODAY)
    starts_tomorrow = workplace(session, available_from=TODAY + timedelta(days=1))
    starts_later = workplace(session, available_from=TODAY + timedelta(days=30))

    # No run is needed for a start date to come: the search asks the day.
    assert changed(refresh(app)) == {}
    assert offered_on(session, TODAY) == {starts_today.id}
    assert available_in_sql(session, TODAY) == {starts_today.id}
    assert answer_on(session, TODAY) == {
        starts_today.id: True,
        starts_tomorrow.id: False,
        starts_later.id: False,
    }

    # The next day the second one is offered too; the third still waits.
    tomorrow = TODAY + timedelta(days=1)
    assert changed(refresh(app, tomorrow)) == {}
    assert offered_on(session, tomorrow) == {starts_today.id, starts_tomorrow.id}
    assert available_in_sql(session, tomorrow) == {starts_today.id, starts_tomorrow.id}
    assert starts_later.id in offered_on(session, TODAY + timedelta(days=30))


def test_a_full_workplace_is_not_offered(app: Flask, session: Session) -> None:
    row = workplace(session, n_free_places=0)
    assert changed(refresh(app)) == {}
    assert answer_on(session, TODAY) == {row.id: False}
    assert row.id not in available_in_sql(session, TODAY)


# refresh-availability: mentors -----------------------------------------------------


@pytest.mark.parametrize(
    ("training_status", "deadline", "at_risk"),
    [
        (TrainingStatus.NOT_STARTED, TODAY - timedelta(days=1), True),
        (TrainingStatus.ENROLLED, TODAY - timedelta(days=1), True),
        (TrainingStatus.COMPLETED, TODAY - timedelta(days=1), False),
        (TrainingStatus.EXEMPTED, TODAY - timedelta(days=1), False),
        # The deadline day itself is still in time.
        (TrainingStatus.NOT_STARTED, TODAY, False),
        (TrainingStatus.ENROLLED, None, False),
    ],
)
def test_a_mentor_past_the_training_deadline_puts_the_recognition_at_risk(
    app: Flask,
    session: Session,
    training_status: TrainingStatus,
    deadline: date | None,
    at_risk: bool,
) -> None:
    company = factories.company(session, email="info@bedrijf.be")
    mentor = factories.mentor(
        session, company, training_status=training_status, training_deadline=deadline
    )
    row = workplace(session, company, mentor=mentor)
    without_mentor = workplace(session, company)

    assert changed(refresh(app)) == ({"at_risk": 1} if at_risk else {})

    assert fresh(session, row).is_at_risk is at_risk
    assert not fresh(session, without_mentor).is_at_risk
    # Being at risk does not close the place.
    assert row.id in offered_on(session, TODAY)


def test_the_risk_is_lifted_when_the_mentor_completes_the_training(
    app: Flask, session: Session
) -> None:
    company = factories.company(session, email="info@bedrijf.be")
    mentor = factories.mentor(session, company, training_deadline=TODAY - timedelta(days=10))
    row = workplace(session, company, mentor=mentor)
    assert changed(refresh(app)) == {"at_risk": 1}
    assert fresh(session, row).is_at_risk

    mentor.training_status = TrainingStatus.COMPLETED
    session.flush()
    assert changed(refresh(app, TODAY + timedelta(days=1))) == {"no_longer_at_risk": 1}
    assert not fresh(session, row).is_at_risk


# The search against the rules ------------------------------------------------------


def test_before_and_after_a_refresh_the_search_follows_the_rules(
    app: Flask, session: Session
) -> None:
    """Every combination of the inputs: the search offers a place on the day exactly
    when models.rules says so, and so does the rule in SQL; a run changes none of it."""
    company = factories.company(session, email="info@bedrijf.be")
    confirmations = {
        "never": None,
        "180 days": days_before(180, hour=0),
        "181 days": belgian(TODAY - timedelta(days=181), 23, 59, 59),
    }
    made: list[tuple[Recognition, RecognitionStatus, date]] = []
    for status, ends_in, n_free, starts_in, confirmed in itertools.product(
        (RecognitionStatus.RECOGNISED, RecognitionStatus.WITHDRAWN, RecognitionStatus.EXPIRED),
        (0, 1, 400),
        (0, 1),
        (None, 0, 1),
        confirmations.values(),
    ):
        row = workplace(
            session,
            company,
            status=status,
            valid_until=TODAY + timedelta(days=ends_in),
            n_free_places=n_free,
            available_from=None if starts_in is None else TODAY + timedelta(days=starts_in),
            last_confirmed_at=confirmed,
        )
        made.append((row, status, row.valid_until or TODAY))
    assert len(made) == 162

    def expected() -> set[int]:
        return {
            row.id
            for row, status, valid_until in made
            if is_available_now(
                status,
                valid_until,
                row.n_free_places,
                row.available_from,
                row.last_confirmed_at.astimezone(BELGIUM).date() if row.last_confirmed_at else None,
                TODAY,
            )
        }

    rule = expected()
    assert rule  # some are free, and most are not
    assert offered_on(session, TODAY) == rule
    assert available_in_sql(session, TODAY) == rule

    assert refresh(app).status == "succeeded"

    for row, status, valid_until in made:
        fresh(session, row)
        expires = status is RecognitionStatus.RECOGNISED and valid_until <= TODAY
        assert row.status is (RecognitionStatus.EXPIRED if expires else status)
    assert expected() == rule
    assert offered_on(session, TODAY) == rule
    assert available_in_sql(session, TODAY) == rule
    listed = answer_on(session, TODAY)
    assert {rid for rid, available in listed.items() if available} == rule

    assert refresh(app).counts == NOTHING


# Idempotence and the data version --------------------------------------------------


def one_of_everything(session: Session) -> dict[str, Recognition]:
    """A workplace for every change a refresh on TODAY makes."""
    company = factories.company(session, email="info@bedrijf.be")
    late = factories.mentor(session, company, training_deadline=TODAY - timedelta(days=1))
    return {
        "expires": workplace(session, company, valid_until=TODAY),
        # Stale, starting today or later: no change for the job, the search asks the day.
        "stale": workplace(session, company, last_confirmed_at=days_before(181)),
        "opens": workplace(session, company, available_from=TODAY),
        "waits": workplace(session, company, available_from=TODAY + timedelta(days=3)),
        "at risk": workplace(session, company, mentor=late),
        "ends in 30 days": workplace(session, company, valid_until=TODAY + timedelta(days=30)),
        "stale in 10 days": workplace(session, company, last_confirmed_at=days_before(170)),
        "unchanged": workplace(session, company),
    }


def test_a_second_run_on_the_same_day_changes_nothing(app: Flask, session: Session) -> None:
    one_of_everything(session)
    version = read_data_version(session)

    first = refresh(app)
    assert changed(first) == {"expired": 1, "at_risk": 1, "reminded": 2}
    after_first = read_data_version(session)
    assert after_first > version
    rows, n_messages = recognition_rows(session), len(outbox(session))
    assert n_messages == 2

    for day in (TODAY, TODAY, TODAY + timedelta(days=1)):
        again = refresh(app, day)
        assert again.status == "succeeded"
        assert again.counts == NOTHING
        assert recognition_rows(session) == rows
        assert len(outbox(session)) == n_messages
        # No change, so no process rebuilds its search index for nothing.
        assert read_data_version(session) == after_first


# The run log -----------------------------------------------------------------------


def test_every_run_is_logged_with_its_trigger_and_counts(app: Flask, session: Session) -> None:
    workplace(session, valid_until=TODAY)
    by_hand = refresh(app)
    scheduled = run_job(app, REFRESH, "schedule", now=night_of(TODAY + timedelta(days=1)))
    mail = run_job(app, SEND_MAIL, "schedule", now=night_of(TODAY + timedelta(days=1)))

    session.expire_all()
    logged = list(session.scalars(select(JobRun).order_by(JobRun.id)))
    assert [(r.job, r.trigger, r.status) for r in logged] == [
        (REFRESH, "hand", "succeeded"),
        (REFRESH, "schedule", "succeeded"),
        (SEND_MAIL, "schedule", "succeeded"),
    ]
    assert [r.id for r in logged] == [by_hand.id, scheduled.id, mail.id]
    assert logged[0].counts == {**NOTHING, "expired": 1}
    assert logged[1].counts == NOTHING
    assert logged[2].counts == {"sent": 0, "failed": 0, "deferred": 0}
    # The log keeps real times, whatever day a run acted as of.
    assert all(utcnow() - r.started_at < timedelta(minutes=5) for r in logged)
    assert all(r.finished_at is not None and r.error is None for r in logged)
    assert web.jobs.last_runs(session)[REFRESH] == [logged[1]]
    assert web.jobs.last_runs(session, per_job=5)[REFRESH] == [logged[1], logged[0]]


def test_jobs_run_and_list_from_the_command_line(app: Flask, session: Session) -> None:
    runner = app.test_cli_runner()
    listed = runner.invoke(args=["jobs", "list"])
    assert listed.exit_code == 0, listed.output
    assert listed.output.count("never run") == len(JOBS)
    for name, job in JOBS.items():
        assert f"{name}: {job.trigger}" in listed.output

    row = workplace(session, valid_until=PAST_DAY)
    result = runner.invoke(args=["jobs", "run", REFRESH, "--today", PAST_DAY.isoformat()])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"{REFRESH}: succeeded; expired 1, at_risk 0")
    assert fresh(session, row).status is RecognitionStatus.EXPIRED
    session.expire_all()
    logged = session.scalars(select(JobRun)).one()
    # The log keeps the real start, whatever day the run acted as of.
    assert utcnow() - logged.started_at < timedelta(minutes=5)
    assert (logged.trigger, logged.status) == ("hand", "succeeded")

    listed = runner.invoke(args=["jobs", "list"])
    assert listed.exit_code == 0, listed.output
    assert (
        f"  last run {logged.started_at:%Y-%m-%d %H:%M} UTC (hand): succeeded; expired 1, "
        "at_risk 0, no_longer_at_risk 0, reminded 0, unreachable 0"
    ) in listed.output
    assert listed.output.count("never run") == len(JOBS) - 1  # all but the refresh


@pytest.mark.parametrize(
    "args",
    [
        ["nightly"],
        [REFRESH, "--today", "2027-13-01"],
        # Expiry cannot be undone: no run as of a day to come.
        [REFRESH, "--today", (date.today() + timedelta(days=2)).isoformat()],
        [],
    ],
)
def test_jobs_run_refuses_an_unknown_job_or_day(
    app: Flask, session: Session, args: list[str]
) -> None:
    result = app.test_cli_runner().invoke(args=["jobs", "run", *args])
    assert result.exit_code == 2
    assert "Invalid value" in result.output or "Missing argument" in result.output
    assert count(session, JobRun) == 0


def test_jobs_run_fails_when_the_run_fails(
    app: Flask, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: Any) -> dict[str, int]:
        raise RuntimeError("mail server unreachable")

    monkeypatch.setattr(web.jobs, "queue_reminders", broken)
    result = app.test_cli_runner().invoke(
        args=["jobs", "run", REFRESH, "--today", PAST_DAY.isoformat()]
    )
    assert result.exit_code == 1
    assert f"{REFRESH}: failed (RuntimeError: mail server unreachable)" in result.output


# A crash mid-run -------------------------------------------------------------------


def crash_in_reminders(monkeypatch: pytest.MonkeyPatch) -> None:
    """The reminders come after every UPDATE of the refresh."""

    def broken(*_args: Any) -> dict[str, int]:
        raise RuntimeError("disk full")

    monkeypatch.setattr(web.jobs, "queue_reminders", broken)


def crash_in_the_risk_step(monkeypatch: pytest.MonkeyPatch) -> None:
    """Expiry has run; the at-risk UPDATE fails."""
    original = models.refresh._update

    def update_or_fail(session: Session, condition: Any, **values: Any) -> int:
        if values.get("is_at_risk") is True:
            raise RuntimeError("disk full")
        return original(session, condition, **values)

    monkeypatch.setattr(models.refresh, "_update", update_or_fail)


@pytest.mark.parametrize("crash", [crash_in_reminders, crash_in_the_risk_step])
def test_a_crash_mid_run_leaves_the_data_as_before(
    app: Flask,
    session: Session,
    monkeypatch: pytest.MonkeyPatch,
    crash: Callable[[pytest.MonkeyPatch], None],
) -> None:
    one_of_everything(session)
    rows, version = recognition_rows(session), read_data_version(session)

    with monkeypatch.context() as patch:
        crash(patch)
        failed = refresh(app)

    assert failed.status == "failed"
    assert failed.error == "RuntimeError: disk full"
    assert failed.finished_at is not None
    assert recognition_rows(session) == rows
    assert outbox(session) == []
    assert read_data_version(session) == version
    session.expire_all()
    assert session.scalars(select(JobRun.status)).all() == ["failed"]
    assert count(session, JobLock) == 0

    # The lock went with the failed run: the next run goes ahead and does it all.
    assert changed(refresh(app)) == {"expired": 1, "at_risk": 1, "reminded": 2}


# The lock --------------------------------------------------------------------------


def test_on_sqlite_a_held_lock_makes_a_run_skip(app: Flask, session: Session) -> None:
    if is_postgresql(session):
        pytest.skip("PostgreSQL locks with an advisory lock, not a row")
    row = workplace(session, valid_until=TODAY)
    held = JobLock(job=REFRESH, holder="clock-1:4242", acquired_at=night_of(TODAY))
    session.add(held)
    session.flush()
    rows = recognition_rows(session)

    run = run_job(app, REFRESH, now=night_of(TODAY) + timedelta(minutes=50))

    assert run.status == "skipped"
    assert run.error == "another run of this job was still going"
    assert recognition_rows(session) == rows
    # The other run's lock is left alone.
    session.expire_all()
    assert session.scalars(select(JobLock.holder)).all() == ["clock-1:4242"]
    # Another job is not held up by it.
    assert run_job(app, SEND_MAIL, now=night_of(TODAY)).status == "succeeded"
    assert fresh(session, row).status is RecognitionStatus.RECOGNISED


def test_on_sqlite_a_lock_older_than_the_timeout_is_taken_over(
    app: Flask, session: Session
) -> None:
    if is_postgresql(session):
        pytest.skip("PostgreSQL locks with an advisory lock, not a row")
    row = workplace(session, valid_until=TODAY)
    dead = utcnow() - LOCK_TIMEOUT - timedelta(seconds=1)  # held by a process that died
    session.add(JobLock(job=REFRESH, holder="clock-1:4242", acquired_at=dead))
    session.flush()

    assert changed(refresh(app)) == {"expired": 1}
    assert fresh(session, row).status is RecognitionStatus.EXPIRED
    assert count(session, JobLock) == 0


@pytest.mark.parametrize(
    "first_run_as_of",
    [
        pytest.param(lambda: night_of(TODAY), id="the same night"),
        # A night caught up by hand (`jobs run --today` yesterday), now, while the
        # scheduled run starts: the lock is just as much held.
        pytest.param(lambda: utcnow() - timedelta(days=1), id="a night caught up"),
    ],
)
def test_on_sqlite_a_run_started_while_another_runs_is_skipped(
    app: Flask,
    session: Session,
    other_app: Callable[..., Flask],
    monkeypatch: pytest.MonkeyPatch,
    first_run_as_of: Callable[[], datetime],
) -> None:
    """While the first run works, a second app (another process) starts the same job."""
    if is_postgresql(session):
        pytest.skip("on PostgreSQL, see the test with a second connection")
    first_now = first_run_as_of()
    second_now = night_of(TODAY) if first_now == night_of(TODAY) else None
    workplace(session, valid_until=first_now.astimezone(BELGIUM).date())
    second_process = other_app()
    job = JOBS[REFRESH]

    def work_while_another_starts(s: Session, config: Any, now: datetime) -> dict[str, int]:
        if count(s, JobRun) == 1:  # only the first run starts a second one
            run_job(second_process, REFRESH, "schedule", now=second_now)
        return job.work(s, config, now)

    monkeypatch.setitem(JOBS, REFRESH, replace(job, work=work_while_another_starts))
    first = run_job(app, REFRESH, now=first_now)

    session.expire_all()
    logged = session.execute(select(JobRun.trigger, JobRun.status).order_by(JobRun.id)).all()
    assert [tuple(r) for r in logged] == [("hand", "succeeded"), ("schedule", "skipped")]
    assert first.counts["expired"] == 1
    assert count(session, JobLock) == 0


def test_on_postgresql_a_run_is_skipped_while_another_connection_holds_the_lock(
    app: Flask, session: Session, database_url: str
) -> None:
    if not is_postgresql(session):
        pytest.skip("advisory locks are PostgreSQL's")
    row = workplace(session, valid_until=TODAY)
    rows = recognition_rows(session)
    other = make_engine(database_url)
    try:
        with other.connect() as elsewhere:
            elsewhere.execute(select(func.pg_advisory_lock(lock_key(REFRESH))))

            skipped = refresh(app)
            assert skipped.status == "skipped"
            assert skipped.error == "another run of this job was still going"
            assert recognition_rows(session) == rows
            # Each job has its own lock.
            assert run_job(app, SEND_MAIL, now=night_of(TODAY)).status == "succeeded"

            assert elsewhere.scalar(select(func.pg_advisory_unlock(lock_key(REFRESH))))
            assert changed(refresh(app)) == {"expired": 1}
            assert fresh(session, row).status is RecognitionStatus.EXPIRED
    finally:
        other.dispose()
    session.expire_all()
    assert session.scalars(select(JobRun.status).order_by(JobRun.id)).all() == [
        "skipped",
        "succeeded",
        "succeeded",
    ]


def lock_is_free(url: str, name: str) -> bool:
    """Seen from another connection: could a run of the job take its lock now?"""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            if engine.dialect.name != "postgresql":
                held = conn.scalar(select(func.count()).where(JobLock.job == name))
                return held == 0
            if not conn.scalar(select(func.pg_try_advisory_lock(lock_key(name)))):
                return False
            conn.scalar(select(func.pg_advisory_unlock(lock_key(name))))
            return True
    finally:
        engine.dispose()


def test_the_lock_is_released_after_every_outcome(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With real commits, not the test's transaction: on PostgreSQL the advisory lock
    lives as long as a transaction, and the test transaction would hide its release."""
    backend = "postgresql" if database_url.startswith("postgresql") else "sqlite"
    url = fresh_database_url(backend, tmp_path, "jobs_lock_release")
    app = create_app({"DUAAL_ENV": "test", "SECRET_KEY": "x", "DATABASE_URL": url})
    holder = make_engine(url)
    try:
        assert app.test_cli_runner().invoke(args=["db", "upgrade"]).exit_code == 0
        assert lock_is_free(url, REFRESH)

        assert run_job(app, REFRESH).status == "succeeded"
        assert lock_is_free(url, REFRESH)

        with monkeypatch.context() as patch:
            crash_in_reminders(patch)
            assert run_job(app, REFRESH).status == "failed"
        assert lock_is_free(url, REFRESH)

        # Another process holds the job: the run is skipped and leaves that lock be.
        with holder.connect() as elsewhere:
            if backend == "postgresql":
                elsewhere.execute(select(func.pg_advisory_lock(lock_key(REFRESH))))
            else:
                values = {"job": REFRESH, "holder": "elsewhere:1", "acquired_at": utcnow()}
                elsewhere.execute(insert(JobLock).values(**values))
                elsewhere.commit()
            assert run_job(app, REFRESH).status == "skipped"
            assert not lock_is_free(url, REFRESH)
            if backend == "postgresql":
                elsewhere.execute(select(func.pg_advisory_unlock(lock_key(REFRESH))))
            else:
                elsewhere.execute(JobLock.__table__.delete())
                elsewhere.commit()
        assert lock_is_free(url, REFRESH)
        assert run_job(app, REFRESH).status == "succeeded"
        assert lock_is_free(url, REFRESH)
    finally:
        holder.dispose()
        with app.app_context():
            get_db().engine.dispose()
        if backend == "postgresql":
            drop_scratch_database("jobs_lock_release")


def test_the_lock_key_is_stable_across_processes_and_releases() -> None:
    # A process of the next release must find the lock a running one holds.
    for name in JOBS:
        digest = hashlib.sha256(f"duaal-job:{name}".encode()).digest()[:8]
        assert lock_key(name) == int.from_bytes(digest, "big", signed=True)
        assert -(2**63) <= lock_key(name) < 2**63
    assert lock_key(REFRESH) != lock_key(SEND_MAIL)


# Reminders -------------------------------------------------------------------------


def test_expiry_reminders_go_out_60_and_14_days_before(app: Flask, session: Session) -> None:
    in_60 = workplace(session, valid_until=TODAY + timedelta(days=60))
    in_61 = workplace(session, valid_until=TODAY + timedelta(days=61))
    in_15 = workplace(session, valid_until=TODAY + timedelta(days=15))
    in_14 = workplace(session, valid_until=TODAY + timedelta(days=14))
    withdrawn = workplace(
        session, status=RecognitionStatus.WITHDRAWN, valid_until=TODAY + timedelta(days=14)
    )

    assert changed(refresh(app)) == {"reminded": 3}
    assert kinds(session, in_60) == [("expiry-60", TODAY + timedelta(days=60))]
    assert kinds(session, in_15) == [("expiry-60", TODAY + timedelta(days=15))]
    # First seen within 14 days: only the 14-day reminder, not a late 60-day one too.
    assert kinds(session, in_14) == [("expiry-14", TODAY + timedelta(days=14))]
    assert kinds(session, in_61) == []
    assert kinds(session, withdrawn) == []

    message = outbox(session, in_14)[0]
    programme = factories.programme(session, PROGRAMME).name
    assert message.recipient == "info@bedrijf.be"
    assert message.subject == f"Je erkenning voor {programme} loopt af op 19 januari 2027"
    assert "Neem tijdig contact op met het partnerschap" in message.body
    assert message.created_at == night_of(TODAY)
    assert message.sent_at is None and message.attempts == 0

    # Once each: again the same day and the next days, only what newly falls due.
    assert changed(refresh(app)) == {}
    assert changed(refresh(app, TODAY + timedelta(days=1))) == {"reminded": 2}
    assert kinds(session, in_61) == [("expiry-60", TODAY + timedelta(days=61))]
    assert kinds(session, in_15) == [
        ("expiry-60", TODAY + timedelta(days=15)),
        ("expiry-14", TODAY + timedelta(days=15)),
    ]
    assert changed(refresh(app, TODAY + timedelta(days=2))) == {}
    # By then the two that ended within 15 days have expired.
    assert changed(refresh(app, TODAY + timedelta(days=46))) == {"reminded": 1, "expired": 2}
    assert kinds(session, in_60) == [
        ("expiry-60", TODAY + timedelta(days=60)),
        ("expiry-14", TODAY + timedelta(days=60)),
    ]
    assert len(outbox(session)) == 6


def test_a_renewed_recognition_is_reminded_again_before_its_new_end(
    app: Flask, session: Session
) -> None:
    row = workplace(session, valid_until=TODAY + timedelta(days=10))
    assert changed(refresh(app)) == {"reminded": 1}
    row.valid_until = TODAY + timedelta(days=50)
    session.flush()
    assert changed(refresh(app)) == {"reminded": 1}
    assert kinds(session, row) == [
        ("expiry-14", TODAY + timedelta(days=10)),
        ("expiry-60", TODAY + timedelta(days=50)),
    ]


def test_a_stale_warning_goes_out_14_days_before_a_place_stops_counting(
    app: Flask, session: Session
) -> None:
    # Confirmed on day D, a place counts up to D + 180 and no longer from D + 181.
    warned = workplace(session, last_confirmed_at=days_before(167))  # stale on TODAY + 14
    not_yet = workplace(session, last_confirmed_at=days_before(166))  # stale on TODAY + 15
    last_day = workplace(session, last_confirmed_at=days_before(180))
    already_stale = workplace(session, last_confirmed_at=days_before(181))
    full = workplace(session, last_confirmed_at=days_before(170), n_free_places=0)
    never = workplace(session, last_confirmed_at=None)

    assert changed(refresh(app)) == {"reminded": 2}
    confirmed_on = TODAY - timedelta(days=167)
    assert kinds(session, warned) == [("stale", confirmed_on)]
    assert kinds(session, last_day) == [("stale", TODAY - timedelta(days=180))]
    for row in (not_yet, already_stale, full, never):
        assert kinds(session, row) == []

    message = outbox(session, warned)[0]
    programme = factories.programme(session, PROGRAMME).name
    assert message.subject == f"Kloppen je vrije plaatsen voor {programme} nog?"
    assert "laatst bevestigd op 22 juli 2026" in message.body
    assert "Bevestig ze vóór 19 januari 2027" in message.body

    # What the warning says: on its last day the place still counts, the next it does not.
    assert offered_on(session, TODAY) == {warned.id, not_yet.id, last_day.id}
    assert offered_on(session, TODAY + timedelta(days=1)) == {warned.id, not_yet.id}

    assert changed(refresh(app)) == {}
    assert changed(refresh(app, TODAY + timedelta(days=1))) == {"reminded": 1}
    assert kinds(session, not_yet) == [("stale", TODAY - timedelta(days=166))]
    assert changed(refresh(app, TODAY + timedelta(days=2))) == {}
    assert kinds(session, warned) == [("stale", confirmed_on)]

    # Confirmed again, the place is warned about again when that confirmation ages.
    confirmed_again = TODAY + timedelta(days=3)
    warned.last_confirmed_at = belgian(confirmed_again, 9)
    session.flush()
    assert refresh(app, confirmed_again + timedelta(days=166)).counts["reminded"] == 0
    assert refresh(app, confirmed_again + timedelta(days=167)).counts["reminded"] == 1
    assert kinds(session, warned) == [("stale", confirmed_on), ("stale", confirmed_again)]


def test_the_stale_warning_follows_the_belgian_day_of_the_confirmation(
    app: Flask, session: Session
) -> None:
    # 00:30 in Belgium on 22 July 2026 is still 21 July in UTC.
    row = workplace(session, last_confirmed_at=days_before(167, hour=0) + timedelta(minutes=30))
    assert row.last_confirmed_at is not None
    assert row.last_confirmed_at.astimezone(UTC).date() == date(2026, 7, 21)
    assert changed(refresh(app)) == {"reminded": 1}
    assert kinds(session, row) == [("stale", date(2026, 7, 22))]


def test_a_reminder_goes_to_the_company_address_or_else_its_oldest_active_login(
    app: Flask, session: Session
) -> None:
    ends = {"valid_until": TODAY + timedelta(days=30)}
    with_address = factories.company(session, email="erkenning@claeys.be")
    factories.user(session, Role.COMPANY, with_address, email="piet@claeys.be")
    with_logins = factories.company(session, email=None)
    factories.user(session, Role.COMPANY, with_logins, email="weg@aerts.be", is_active=False)
    factories.user(session, Role.COMPANY, with_logins, email="an@aerts.be")
    factories.user(session, Role.COMPANY, with_logins, email="jan@aerts.be")
    unreachable = factories.company(session, email=None)
    factories.user(session, Role.COMPANY, unreachable, email="oud@peeters.be", is_active=False)

    to_address = workplace(session, with_address, **ends)
    to_login = workplace(session, with_logins, **ends)
    to_no_one = workplace(session, unreachable, **ends)

    assert changed(refresh(app)) == {"reminded": 2, "unreachable": 1}
    assert [m.recipient for m in outbox(session, to_address)] == ["erkenning@claeys.be"]
    assert [m.recipient for m in outbox(session, to_login)] == ["an@aerts.be"]
    assert outbox(session, to_no_one) == []

    # Unreachable ones are tried again, and reminded once the company has an address.
    assert changed(refresh(app)) == {"unreachable": 1}
    unreachable.email = "info@peeters.be"
    session.flush()
    assert changed(refresh(app)) == {"reminded": 1}
    assert [m.recipient for m in outbox(session, to_no_one)] == ["info@peeters.be"]


# send-mail -------------------------------------------------------------------------


def test_each_queued_message_is_sent_exactly_once(
    app: Flask, session: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    first = workplace(
        session,
        factories.company(session, email="een@bedrijf.be"),
        valid_until=TODAY + timedelta(days=20),
    )
    second = workplace(
        session,
        factories.company(session, email="twee@bedrijf.be"),
        valid_until=TODAY + timedelta(days=40),
    )
    assert changed(refresh(app))["reminded"] == 2
    capsys.readouterr()

    sent_at = belgian(TODAY, 3, 5)
    run = run_job(app, SEND_MAIL, "schedule", now=sent_at)
    assert (run.status, run.counts) == ("succeeded", {"sent": 2, "failed": 0, "deferred": 0})
    printed = capsys.readouterr().out
    assert printed.count("--- mail to een@bedrijf.be\n") == 1
    assert printed.count("--- mail to twee@bedrijf.be\n") == 1
    assert outbox(session, first)[0].subject in printed
    for message in outbox(session):
        assert message.sent_at == sent_at
        assert (message.attempts, message.last_error) == (1, None)

    for minutes in (10, 15):
        run = run_job(app, SEND_MAIL, now=belgian(TODAY, 3, minutes))
        assert run.counts == {"sent": 0, "failed": 0, "deferred": 0}
    assert capsys.readouterr().out == ""

    # A message queued later is sent on its own.
    assert changed(refresh(app, TODAY + timedelta(days=27)))["reminded"] == 1
    run = run_job(app, SEND_MAIL, now=belgian(TODAY + timedelta(days=27), 3, 5))
    assert run.counts == {"sent": 1, "failed": 0, "deferred": 0}
    assert capsys.readouterr().out.count("--- mail to ") == 1
    assert [m.kind for m in outbox(session, second)] == ["expiry-60", "expiry-14"]
    assert all(m.sent_at is not None for m in outbox(session))


class FailingMailer:
    """A mail server that refuses some recipients for good (all of them by default)."""

    def __init__(self, refused: set[str] | None = None) -> None:
        self.refused = refused
        self.tried: list[str] = []

    def send(self, recipient: str, subject: str, body: str) -> None:
        self.tried.append(recipient)
        if self.refused is None or recipient in self.refused:
            raise smtplib.SMTPRecipientsRefused({recipient: (550, b"no such mailbox")})


def queued(session: Session, recipient: str) -> OutboxMessage:
    row = workplace(session)
    message = OutboxMessage(
        kind="expiry-60",
        recognition_id=row.id,
        about=row.valid_until,
        recipient=recipient,
        subject="Je erkenning loopt af",
        body="Goedendag",
        created_at=night_of(TODAY),
    )
    session.add(message)
    session.flush()
    return message


def test_a_failed_message_is_retried_and_given_up_after_max_attempts(
    app: Flask, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    message = queued(session, "info@bedrijf.be")
    mailer = FailingMailer()
    monkeypatch.setattr(web.jobs, "mailer_from", lambda _config: mailer)

    for attempt in range(1, MAX_ATTEMPTS + 1):
        run = run_job(app, SEND_MAIL, now=belgian(TODAY, 3, 5 * attempt))
        assert (run.status, run.counts) == ("succeeded", {"sent": 0, "failed": 1, "deferred": 0})
        fresh(session, message)
        assert message.attempts == attempt
        assert message.sent_at is None
        assert (message.last_error or "").startswith("SMTPRecipientsRefused")

    # It waits for a person now: no more tries.
    run = run_job(app, SEND_MAIL, now=belgian(TODAY, 4))
    assert run.counts == {"sent": 0, "failed": 0, "deferred": 0}
    assert len(mailer.tried) == MAX_ATTEMPTS
    assert fresh(session, message).attempts == MAX_ATTEMPTS


def test_a_failed_message_is_sent_when_the_server_is_back(
    app: Flask, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    refused = queued(session, "refused@bedrijf.be")
    accepted = queued(session, "info@bedrijf.be")
    failing = FailingMailer({"refused@bedrijf.be"})
    monkeypatch.setattr(web.jobs, "mailer_from", lambda _config: failing)

    run = run_job(app, SEND_MAIL, now=belgian(TODAY, 3, 5))
    assert run.counts == {"sent": 1, "failed": 1, "deferred": 0}
    assert fresh(session, accepted).sent_at == belgian(TODAY, 3, 5)
    assert fresh(session, refused).sent_at is None
    assert refused.attempts == 1

    printed = io.StringIO()
    working = ConsoleMailer(stream=printed)
    monkeypatch.setattr(web.jobs, "mailer_from", lambda _config: working)
    run = run_job(app, SEND_MAIL, now=belgian(TODAY, 3, 10))
    assert run.counts == {"sent": 1, "failed": 0, "deferred": 0}
    assert [recipient for recipient, _, _ in working.sent] == ["refused@bedrijf.be"]
    assert printed.getvalue().startswith("--- mail to refused@bedrijf.be\n")
    fresh(session, refused)
    assert (refused.sent_at, refused.attempts, refused.last_error) == (
        belgian(TODAY, 3, 10),
        2,
        None,
    )


# The search follows ----------------------------------------------------------------


def test_search_marks_a_place_unconfirmed_after_90_days_and_ranks_it_lower(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    today = today_in_belgium()
    owner = factories.company(session, name="Elektro Claeys")
    recent, at_90, at_91 = (
        workplace(session, owner, last_confirmed_at=days_before(days, today))
        for days in (10, 90, 91)
    )

    hits = search(client, only_available="false")
    assert [h["recognition_id"] for h in hits] == [recent.id, at_90.id, at_91.id]
    found = by_id(hits)
    assert [staleness(found[row.id]) for row in (recent, at_90, at_91)] == [
        "recent",
        "recent",
        "unconfirmed",
    ]
    assert " (niet recent bevestigd)" not in reason(found[recent.id], "availability")
    assert " (niet recent bevestigd)" not in reason(found[at_90.id], "availability")
    assert reason(found[at_91.id], "availability").endswith(" (niet recent bevestigd)")
    assert found[recent.id]["score"] > found[at_91.id]["score"]
    # Unconfirmed is not stale: it is still offered in the usual search.
    assert [h["recognition_id"] for h in search(client)] == [recent.id, at_90.id, at_91.id]


def test_search_leaves_out_a_place_unconfirmed_for_over_180_days_unless_asked(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    today = today_in_belgium()
    at_180 = workplace(session, last_confirmed_at=days_before(180, today, hour=0))
    at_181 = workplace(session, last_confirmed_at=belgian(today - timedelta(days=181), 23, 59))

    assert [h["recognition_id"] for h in search(client)] == [at_180.id]
    everything = by_id(search(client, only_available="false"))
    assert set(everything) == {at_180.id, at_181.id}
    assert everything[at_181.id]["available"] is False
    assert staleness(everything[at_181.id]) == "stale"
    assert "lang niet bevestigd" in reason(everything[at_181.id], "availability")


def test_the_search_thresholds_and_the_refresh_follow_the_settings(
    session: Session, other_app: Callable[..., Flask]
) -> None:
    app = other_app(SEARCH_UNCONFIRMED_AFTER_DAYS=30, SEARCH_STALE_AFTER_DAYS=60)
    client = app.test_client()
    today = today_in_belgium()
    at_30, at_31, at_60, at_61 = (
        workplace(session, last_confirmed_at=days_before(days, today)) for days in (30, 31, 60, 61)
    )

    offered = by_id(search(client))
    assert set(offered) == {at_30.id, at_31.id, at_60.id}
    assert staleness(offered[at_30.id]) == "recent"
    assert staleness(offered[at_31.id]) == "unconfirmed"
    assert "niet recent bevestigd" not in reason(offered[at_30.id], "availability")
    assert reason(offered[at_31.id], "availability").endswith(" (niet recent bevestigd)")
    everything = by_id(search(client, only_available="false"))
    assert everything[at_61.id]["available"] is False
    assert staleness(everything[at_61.id]) == "stale"

    # The refresh warns 14 days before a place stops counting, by the same setting: of
    # these, only the place on its last day (confirmed 60 days ago) is due a warning.
    run = run_job(app, REFRESH)
    assert changed(run) == {"reminded": 1}
    assert kinds(session, at_60) == [("stale", today - timedelta(days=60))]
    assert set(by_id(search(client))) == {at_30.id, at_31.id, at_60.id}


def test_before_and_after_a_refresh_the_api_offers_exactly_what_the_rule_allows(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    today = today_in_belgium()
    company = factories.company(session, email="info@bedrijf.be")
    late = factories.mentor(session, company, training_deadline=today - timedelta(days=1))

    def place(**fields: Any) -> Recognition:
        values: dict[str, Any] = {
            "valid_until": today + timedelta(days=400),
            "last_confirmed_at": days_before(10, today),
        }
        return workplace(session, company, **{**values, **fields})

    rows = {
        "fresh": place(),
        "unconfirmed": place(last_confirmed_at=days_before(120, today)),
        "stale": place(last_confirmed_at=days_before(181, today)),
        "never confirmed": place(last_confirmed_at=None),
        "starts today": place(available_from=today),
        "starts tomorrow": place(available_from=today + timedelta(days=1)),
        "full": place(n_free_places=0),
        "ends today": place(valid_until=today),
        "ends tomorrow": place(valid_until=today + timedelta(days=1)),
        "withdrawn": place(status=RecognitionStatus.WITHDRAWN),
        "mentor late": place(mentor=late),
    }
    names = {row.id: name for name, row in rows.items()}
    rule = {
        name
        for name, row in rows.items()
        if is_available_now(
            row.status,
            row.valid_until,
            row.n_free_places,
            row.available_from,
            row.last_confirmed_at.astimezone(BELGIUM).date() if row.last_confirmed_at else None,
            today,
        )
    }
    assert rule == {"fresh", "unconfirmed", "starts today", "ends tomorrow", "mentor late"}
    before = {names[h["recognition_id"]] for h in search(client)}
    version = read_data_version(session)

    run = run_job(app, REFRESH)  # the real clock: the API answers for today
    assert run.status == "succeeded", run.error
    assert run.counts["expired"] == 1 and run.counts["at_risk"] == 1
    assert read_data_version(session) > version

    offered = {names[h["recognition_id"]] for h in search(client)}
    assert offered == before == rule
    assert {names[i] for i in available_in_sql(session, today)} == rule
    everything = {names[h["recognition_id"]]: h for h in search(client, only_available="false")}
    assert "stale" in everything
    assert "ends today" not in everything
    assert "withdrawn" not in everything
    assert {name for name, hit in everything.items() if hit["available"]} == rule


def test_a_refresh_does_not_make_a_workplace_look_recently_updated(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    """Flagging a late mentor or queueing a reminder is the job's bookkeeping, not news
    from the company: the search's freshness ("Gegevens ... bijgewerkt") stays as it was."""
    today = today_in_belgium()
    company = factories.company(session, email="info@bedrijf.be")
    late = factories.mentor(session, company, training_deadline=today - timedelta(days=1))
    long_ago = days_before(200, today)
    stale = workplace(
        session, company, last_confirmed_at=days_before(181, today), updated_at=long_ago
    )
    ends_tomorrow = workplace(
        session, company, valid_until=today + timedelta(days=1), updated_at=long_ago
    )
    at_risk = workplace(
        session,
        company,
        last_confirmed_at=days_before(100, today),
        mentor=late,
        updated_at=long_ago,
    )
    before = by_id(search(client, only_available="false"))

    assert changed(run_job(app, REFRESH)) == {"at_risk": 1, "reminded": 1}

    after = by_id(search(client, only_available="false"))
    for row in (stale, at_risk, ends_tomorrow):
        assert reason(after[row.id], "freshness") == reason(before[row.id], "freshness")
        assert after[row.id]["score"] == before[row.id]["score"]


def test_a_mail_server_that_is_away_costs_the_messages_nothing(
    app: Flask, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = queued(session, "een@bedrijf.be")
    second = queued(session, "twee@bedrijf.be")

    class AwayMailer:
        def __init__(self) -> None:
            self.tried: list[str] = []

        def send(self, recipient: str, subject: str, body: str) -> None:
            self.tried.append(recipient)
            raise OSError("[Errno 111] Connection refused")

    away = AwayMailer()
    monkeypatch.setattr(web.jobs, "mailer_from", lambda _config: away)
    for attempt in range(MAX_ATTEMPTS + 2):
        run = run_job(app, SEND_MAIL, now=belgian(TODAY, 3, 5 * (attempt + 1)))
        # The run stops at the first refusal to connect: the rest wait their turn.
        assert run.counts == {"sent": 0, "failed": 0, "deferred": 2}
    assert away.tried == ["een@bedrijf.be"] * (MAX_ATTEMPTS + 2)
    for message in (first, second):
        fresh(session, message)
        assert (message.attempts, message.sent_at) == (0, None)
    assert (first.last_error or "").startswith("OSError")

    monkeypatch.setattr(web.jobs, "mailer_from", lambda _config: ConsoleMailer(io.StringIO()))
    run = run_job(app, SEND_MAIL, now=belgian(TODAY, 5))
    assert run.counts == {"sent": 2, "failed": 0, "deferred": 0}
