"""The demo's school side: `seed-demo` leaves each demo login something to do.

One demo is seeded per backend, around today (the pages count from the real today),
and every test reads it: proposals in every state for the demo school's students at
the demo company's workplaces, agreements at every stage with free places that agree
with them, an announcement the demo coach sees, students at chosen points of their 20
training days, and each demo login's main page with something on it to act upon.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import (
    Agreement,
    Announcement,
    Intake,
    OutboxMessage,
    Recognition,
    Site,
    Student,
    StudentInterest,
    TrainingClockWarning,
    User,
)
from models.base import BELGIUM, day_in_belgium, today_in_belgium, utcnow
from models.enums import IntakeOutcome, IntakeStatus, Role
from tests.clients import login
from tests.conftest import BACKENDS, drop_scratch_database, fresh_database_url
from tests.pages import html
from web import create_app
from web.db import get_db, get_session
from web.demo.generator import DEMO_USERS
from web.services import agreements
from web.services.announcements import offers_for
from web.services.policy import Party

DEMO_DATABASE = "demo_school_side"


def _run(app: Flask, *args: str) -> str:
    result = app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module", params=BACKENDS)
def demo_app(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Flask]:
    """An app on a database of its own, filled by `seed-demo` as `make run` does."""
    directory: Path = tmp_path_factory.mktemp("demo")
    app = create_app(
        {
            "DUAAL_ENV": "test",
            "TESTING": True,
            "SECRET_KEY": "test",
            "DATABASE_URL": fresh_database_url(request.param, directory, DEMO_DATABASE),
            "SEARCH_BACKGROUND_REBUILD": False,
        }
    )
    _run(app, "db", "upgrade")
    _run(app, "load-reference")
    _run(app, "seed-demo", "--sites", "300", "--students", "100", "--seed", "7")
    yield app
    with app.app_context():
        get_db().engine.dispose()
    if request.param == "postgresql":
        drop_scratch_database(DEMO_DATABASE)


@dataclass(frozen=True)
class Logins:
    coach: User
    company: User
    student: User

    @property
    def coach_party(self) -> Party:
        return Party(Role.SCHOOL_STAFF, school_id=self.coach.school_id, user_id=self.coach.id)


@pytest.fixture
def db(demo_app: Flask) -> Iterator[Session]:
    with demo_app.app_context():
        yield get_session()


@pytest.fixture
def logins(db: Session) -> Logins:
    def user(role: Role) -> User:
        email = next(e for r, e, _ in DEMO_USERS if r is role)
        found = db.scalar(select(User).where(User.email == email))
        assert found is not None
        return found

    return Logins(user(Role.SCHOOL_STAFF), user(Role.COMPANY), user(Role.STUDENT))


def _intakes(db: Session, logins: Logins, at_the_demo_company: bool = True) -> list[Intake]:
    """The demo school's proposals, at the demo company's workplaces or at others'."""
    company = Site.company_id == logins.company.company_id
    return list(
        db.scalars(
            select(Intake)
            .join(Student, Student.id == Intake.student_id)
            .join(Recognition, Recognition.id == Intake.recognition_id)
            .join(Site, Site.id == Recognition.site_id)
            .where(
                Student.school_id == logins.coach.school_id,
                company if at_the_demo_company else ~company,
            )
        )
    )


def test_proposals_in_every_state(db: Session, logins: Logins) -> None:
    mine = _intakes(db, logins)
    assert {i.status for i in mine} == set(IntakeStatus)
    assert {i.outcome for i in mine} >= set(IntakeOutcome)
    now = utcnow()
    planned = [i for i in mine if i.status is IntakeStatus.ACCEPTED and i.outcome is None]
    assert any(i.scheduled_at and i.scheduled_at > now for i in planned)
    assert any(i.scheduled_at and i.scheduled_at < now for i in planned), "an outcome to note"
    no_match = next(i for i in mine if i.outcome is IntakeOutcome.NO_MATCH)
    assert no_match.outcome_note
    declined = next(i for i in mine if i.status is IntakeStatus.DECLINED)
    assert declined.decline_reason is not None and declined.company_note
    # A few at other companies, so the coach's list is realistic.
    assert len(_intakes(db, logins, at_the_demo_company=False)) >= 3


def test_the_past_is_what_the_services_and_the_clock_would_have_written(
    db: Session, logins: Logins
) -> None:
    for intake in _intakes(db, logins) + _intakes(db, logins, False):
        school_slots = [s for s in intake.slots if s.offered_by == "school"]
        assert school_slots, "the coach proposed times"
        assert all(day_in_belgium(s.starts_at) > intake.respond_by for s in school_slots)
        if intake.answered_at is not None:
            assert day_in_belgium(intake.answered_at) <= intake.respond_by
        if intake.status is IntakeStatus.EXPIRED:
            # The deadline job, the night after the deadline; it had reminded the company.
            night = datetime.combine(intake.respond_by + timedelta(days=1), time(3, 45), BELGIUM)
            assert intake.updated_at == night and intake.reminded_at is not None
        if intake.status is IntakeStatus.COUNTERED:
            assert any(s.offered_by == "company" for s in intake.slots)
        if intake.status is IntakeStatus.FULL:
            # Closed when an agreement took the workplace's last place.
            assert intake.updated_at in set(
                db.scalars(
                    select(Agreement.signed_at).where(
                        Agreement.recognition_id == intake.recognition_id
                    )
                )
            )
    # The e-mails the past queued went out then.
    assert db.scalar(select(func.count()).where(OutboxMessage.sent_at.is_(None))) == 0


def test_the_demo_student_has_an_interview_a_proposal_and_a_wish(
    db: Session, logins: Logins
) -> None:
    student_id = logins.student.student_id
    student = db.get(Student, student_id)
    assert student is not None and student.school_id == logins.coach.school_id
    theirs = list(db.scalars(select(Intake).where(Intake.student_id == student_id)))
    assert any(
        i.status is IntakeStatus.ACCEPTED and i.scheduled_at and i.scheduled_at > utcnow()
        for i in theirs
    )
    assert any(i.status is IntakeStatus.PROPOSED for i in theirs)
    assert db.scalar(select(func.count()).where(StudentInterest.student_id == student_id))


def test_agreements_at_every_stage(db: Session, logins: Logins) -> None:
    today = today_in_belgium()
    theirs = agreements.list_agreements(db, logins.coach_party)
    states = {agreements.state_of(a, today) for a in theirs}
    assert {"signed", "company", "school", "ended"} <= states
    ended = next(a for a in theirs if a.ended_on is not None)
    assert ended.end_reason and ended.signed_at is not None
    # The demo company has one to confirm.
    assert any(
        a.recognition.site.company_id == logins.company.company_id
        and agreements.state_of(a, today) == "company"
        for a in theirs
    )


def test_free_places_agree_with_the_signed_agreements(db: Session, logins: Logins) -> None:
    today = today_in_belgium()
    with_agreements = db.scalars(
        select(Recognition).where(Recognition.id.in_(select(Agreement.recognition_id)))
    ).all()
    assert with_agreements
    for recognition in with_agreements:
        running = db.scalar(
            select(func.count()).where(
                Agreement.recognition_id == recognition.id,
                Agreement.signed_at.is_not(None),
                func.coalesce(Agreement.ended_on, Agreement.end_date) >= today,
            )
        )
        assert recognition.n_free_places == recognition.n_places - running
    # The workplace that filled up got a place back from the early end.
    full = next(i for i in _intakes(db, logins) if i.status is IntakeStatus.FULL)
    assert full.recognition.n_free_places == 1


def test_the_demo_coach_sees_the_demo_company_announce(db: Session, logins: Logins) -> None:
    offers = offers_for(db, logins.coach_party, today_in_belgium())
    assert any(
        o.announcement.recognition.site.company_id == logins.company.company_id for o in offers
    )
    assert db.scalar(select(func.count()).select_from(Announcement)) >= 2


def test_students_at_every_point_of_their_clock(db: Session, logins: Logins) -> None:
    clocks = agreements.clocks(db, logins.coach_party, today_in_belgium())
    left = [c.days_left for c in clocks if c.days_left is not None]
    assert max(left) >= 15 and {8, 3} <= set(left)
    time_up = [c for c in clocks if c.days_left == 0]
    assert time_up and all(c.student.time_up_on is not None for c in time_up)
    # The morning job's warnings, once per threshold crossed.
    for clock in clocks:
        if clock.days_left is None:
            continue
        thresholds = set(
            db.scalars(
                select(TrainingClockWarning.days_left).where(
                    TrainingClockWarning.student_id == clock.student.id,
                    TrainingClockWarning.clock_start == clock.started_on,
                )
            )
        )
        assert thresholds == {t for t in (10, 5, 0) if clock.days_left <= t}


@pytest.mark.parametrize(
    ("role", "url", "to_do"),
    [
        (Role.SCHOOL_STAFF, "/school", 'class="todo"'),
        (Role.COMPANY, "/bedrijf", "op je antwoord"),
        (Role.COMPANY, "/bedrijf/voorstellen", "Wachten op je antwoord"),
        (Role.STUDENT, "/leerling", "Gesprek gepland"),
    ],
)
def test_each_demo_login_finds_something_to_do(
    demo_app: Flask, logins: Logins, role: Role, url: str, to_do: str
) -> None:
    if not any(rule.rule == url for rule in demo_app.url_map.iter_rules()):
        pytest.skip(f"{url} is not a page of this app")
    user = {Role.SCHOOL_STAFF: logins.coach, Role.COMPANY: logins.company}.get(role, logins.student)
    client = demo_app.test_client()
    login(client, user)
    response = client.get(url)
    assert response.status_code == 200
    assert to_do in html(response)
