"""The admin's jobs page speaks Dutch: schedules in words, outcomes and counts in words,
times in Belgian time, and a warning when mail is printed instead of sent."""

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Connection

from models import JobRun, OutboxMessage
from models.base import BELGIUM, utcnow
from models.enums import Role
from tests import factories
from tests.clients import login
from tests.conftest import app_bound_to
from tests.pages import html
from web.db import get_session
from web.jobs import JOBS, run_job
from web.views.admin import COUNT_WORDS, job_words, schedule_in_words

PAGE = "/beheer/taken"


def admin_page(app: Flask) -> str:
    with app.app_context():
        session = get_session()
        admin = factories.user(session, Role.ADMIN)
        session.commit()
    client = app.test_client()
    login(client, admin)
    answer = client.get(PAGE)
    assert answer.status_code == 200
    return html(answer)


def add_run(app: Flask, status: str, started_at: datetime, **fields: object) -> None:
    with app.app_context():
        session = get_session()
        session.add(
            JobRun(
                job="send-mail",
                trigger="schedule",
                started_at=started_at,
                status=status,
                counts={},
                **fields,
            )
        )
        session.commit()


def test_schedules_are_said_in_words(app: Flask) -> None:
    page = admin_page(app)
    assert "elke nacht om 03:30" in page  # refresh-availability
    assert "elke minuut" in page  # send-mail
    assert "elke dag om 06:30" in page  # training-clocks
    assert "cron[" not in page and "interval[" not in page


def test_a_moved_refresh_is_said_at_its_new_time(database_url: str, connection: Connection) -> None:
    with app_bound_to(database_url, connection, JOBS_REFRESH_AT="01:15") as app:
        assert "elke nacht om 01:15" in admin_page(app)


@pytest.mark.parametrize(
    ("trigger", "words"),
    [
        (IntervalTrigger(minutes=5), "elke 5 minuten"),
        (CronTrigger(hour=5, minute=59), "elke nacht om 05:59"),
        (CronTrigger(hour=22, minute=0), "elke dag om 22:00"),
    ],
)
def test_schedule_in_words(app: Flask, trigger: object, words: str) -> None:
    with app.test_request_context():
        assert schedule_in_words(trigger) == words  # type: ignore[arg-type]


def test_a_schedule_without_words_is_shown_as_it_is(app: Flask) -> None:
    weekly = CronTrigger(day_of_week="mon", hour=3, minute=0)
    with app.test_request_context():
        assert schedule_in_words(weekly) == str(weekly)


def test_every_job_has_dutch_words(app: Flask) -> None:
    with app.test_request_context():
        assert set(job_words(app.extensions["duaal_settings"])) == set(JOBS)


def test_outcomes_and_counts_are_in_dutch(app: Flask) -> None:
    for name in JOBS:
        run_job(app, name)
    started = utcnow() - timedelta(hours=1)
    add_run(app, "failed", started, error="SMTPAuthenticationError: 535")
    add_run(app, "skipped", started)
    add_run(app, "abandoned", started)
    add_run(app, "running", started)
    page = re.sub(r"<[^>]+>", " ", admin_page(app))  # the words shown, not the markup
    for word in ("gelukt", "mislukt", "overgeslagen", "afgebroken", "bezig", "met de hand"):
        assert word in page
    assert "SMTPAuthenticationError: 535" in page  # the fault itself, for the admin
    assert "een andere run van deze taak liep nog" in page
    for english in ("succeeded", "skipped", "abandoned", "another run", ">hand<"):
        assert english not in page
    with app.test_request_context():
        english = [key for key, word in COUNT_WORDS.items() if str(word) != key]
    for key in english:
        assert not re.search(rf"\d {key}\b", page), key
    assert "0 verstuurd" in page


@pytest.mark.parametrize(
    ("utc", "belgian"),
    [
        (datetime(2026, 1, 15, 2, 30, tzinfo=UTC), r"15 jan\S* 2026 03:30"),  # winter: UTC+1
        (datetime(2026, 7, 15, 1, 30, tzinfo=UTC), r"15 jul\S* 2026 03:30"),  # summer: UTC+2
    ],
)
def test_times_are_belgian(app: Flask, utc: datetime, belgian: str) -> None:
    add_run(app, "succeeded", utc)
    assert utc.astimezone(BELGIUM).strftime("%H:%M") == "03:30"
    started = re.search(r'data-label="Begonnen">([^<]*)<', admin_page(app))
    assert started is not None
    assert re.fullmatch(belgian, started.group(1))


@pytest.fixture
def waiting_mail(app: Flask) -> Iterator[None]:
    with app.app_context():
        session = get_session()
        for i in range(3):
            session.add(
                OutboxMessage(kind="reminder", recipient=f"x{i}@example.be", subject="s", body="b")
            )
        session.add(
            OutboxMessage(
                kind="reminder",
                recipient="weg@example.be",
                subject="s",
                body="b",
                sent_at=utcnow() - timedelta(days=1),
                attempts=1,
            )
        )
        session.commit()
    yield


def test_console_mail_is_a_clear_warning_with_the_waiting_count(
    app: Flask, waiting_mail: None
) -> None:
    page = admin_page(app)
    assert "E-mails worden niet verstuurd" in page
    assert "MAIL_URL staat op console" in page
    assert "3 berichten wachten in de outbox" in page
    assert "1 bericht afgedrukt in plaats van verstuurd" in page


def test_real_mail_names_the_server_and_never_its_password(
    database_url: str, connection: Connection
) -> None:
    url = "smtp://duaal:geheim-wachtwoord@mail.example.be:587"
    with app_bound_to(database_url, connection, MAIL_URL=url) as app:
        page = admin_page(app)
    assert "E-mails worden niet verstuurd" not in page
    assert "mail.example.be" in page
    assert "geheim-wachtwoord" not in page and "duaal:" not in page


def test_only_admins_see_it(app: Flask, client: FlaskClient) -> None:
    assert client.get(PAGE).status_code == 302
    with app.app_context():
        session = get_session()
        company_user = factories.user(session, Role.COMPANY)
        session.commit()
    login(client, company_user)
    assert client.get(PAGE).status_code == 403
