"""A student's data: their school can take it all with it (one JSON file) and erase it,
leaving no trace of the person but anonymous counts; students who left are erased by a
job a year later; and no table may point at a student without erasure knowing it."""

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import JSON, String, Text, func, select
from sqlalchemy.orm import Session

from models import (
    Agreement,
    Base,
    Intake,
    LoginFailure,
    LoginNetwork,
    LoginSession,
    OutboxMessage,
    School,
    Student,
    User,
)
from models.base import today_in_belgium, utcnow
from models.enums import AgreementType, IntakeStatus, Role
from tests import factories
from tests.clients import login, post
from web.db import get_session
from web.jobs import run_job
from web.services import students
from web.services.outbox import queue_mail

FIRST, LAST = "Zuleika", "Vandenabeele-Oostvogels"
EMAIL = "zuleika.vandenabeele@leerling.be"


def test_every_column_that_points_at_a_student_is_erased() -> None:
    pointing = {
        (table.name, column.name)
        for table in Base.metadata.tables.values()
        for column in table.columns
        for key in column.foreign_keys
        if key.column.table.name == "students"
    }
    assert pointing == set(students.ERASED)


def make_student(session: Session, school: School, **fields: Any) -> Student:
    """A student with a login (a session, failed logins, a known network), two intakes
    with notes, an agreement and an e-mail about them."""
    student = factories.student(session, school=school, first_name=FIRST, last_name=LAST, **fields)
    user = factories.user(session, Role.STUDENT, student, email=EMAIL)
    session.add_all(
        [
            LoginSession(user_id=user.id, token_digest=f"d{student.id}", last_seen_at=utcnow()),
            LoginFailure(email=EMAIL, remote_addr="192.0.2.1", at=utcnow()),
            LoginNetwork(email=EMAIL, network="192.0.2.1", last_login_at=utcnow()),
        ]
    )
    for status in (IntakeStatus.PROPOSED, IntakeStatus.DECLINED):
        session.add(
            Intake(
                student_id=student.id,
                recognition=factories.recognition(session),
                status=status,
                respond_by=today_in_belgium(),
                note=f"{FIRST} {LAST} is sterk in elektriciteit.",
                location_note=f"Vraag naar {FIRST}",
            )
        )
    session.add(
        Agreement(
            student_id=student.id,
            recognition=factories.recognition(session),
            agreement_type=AgreementType.OAO,
            start_date=date(2026, 9, 1),
            end_date=date(2029, 6, 30),
            weekly_workplace_hours=24,
        )
    )
    queue_mail(
        session,
        "intake",
        "coach@school.be",
        f"Voorstel voor {FIRST}",
        f"{FIRST} {LAST} heeft een intakegesprek.",
        utcnow(),
        student_id=student.id,
    )
    session.flush()
    return student


@pytest.fixture
def school_and_student(app: Flask) -> tuple[int, int, int]:
    with app.app_context():
        session = get_session()
        school = factories.school(session)
        student = make_student(session, school)
        coach = factories.user(session, Role.SCHOOL_STAFF, school)
        session.commit()
        return school.id, student.id, coach.id


def coach_client(app: Flask, coach_id: int) -> FlaskClient:
    client = app.test_client()
    with app.app_context():
        user = get_session().get(User, coach_id)
        assert user is not None
    login(client, user)
    return client


def test_the_school_exports_everything_about_its_student(
    app: Flask, school_and_student: tuple[int, int, int]
) -> None:
    _school, student_id, coach_id = school_and_student
    answer = coach_client(app, coach_id).get(f"/school/leerlingen/{student_id}/gegevens.json")
    assert answer.status_code == 200
    assert "attachment" in answer.headers["Content-Disposition"]
    assert answer.headers["Cache-Control"] == "no-store"
    data = json.loads(answer.get_data(as_text=True))
    assert data["student"]["first_name"] == FIRST
    assert data["student"]["birth_date"]
    assert len(data["intakes"]) == 2
    assert data["intakes"][0]["note"].startswith(FIRST)
    assert len(data["agreements"]) == 1
    assert data["logins"][0]["email"] == EMAIL
    assert data["messages"][0]["subject"] == f"Voorstel voor {FIRST}"


def test_another_school_cannot_export_or_erase(
    app: Flask, school_and_student: tuple[int, int, int]
) -> None:
    _school, student_id, _coach = school_and_student
    with app.app_context():
        session = get_session()
        other = factories.user(session, Role.SCHOOL_STAFF)
        session.commit()
    client = coach_client(app, other.id)
    assert client.get(f"/school/leerlingen/{student_id}/gegevens.json").status_code == 404
    assert post(client, f"/school/leerlingen/{student_id}/wissen").status_code == 404


def traces(session: Session) -> list[str]:
    """Every text anywhere in the database that names the student or their address."""
    found = []
    for table in Base.metadata.sorted_tables:
        texts = [c for c in table.columns if isinstance(c.type, String | Text | JSON)]
        for row in session.execute(select(*texts)) if texts else []:
            for value in row:
                said = json.dumps(value) if not isinstance(value, str) else value
                if any(mark in said for mark in (FIRST, LAST, EMAIL)):
                    found.append(f"{table.name}: {said[:80]}")
    return found


def test_erasing_leaves_no_trace_of_the_person_but_keeps_the_counts(
    app: Flask, school_and_student: tuple[int, int, int]
) -> None:
    _school, student_id, coach_id = school_and_student
    client = coach_client(app, coach_id)
    assert client.get(f"/school/leerlingen/{student_id}/wissen").status_code == 200
    answer = post(client, f"/school/leerlingen/{student_id}/wissen")
    assert answer.status_code == 302
    with app.app_context():
        session = get_session()
        assert traces(session) == []
        assert session.get(Student, student_id) is None
        assert (
            session.scalar(select(func.count()).select_from(User).where(User.email == EMAIL)) == 0
        )
        assert session.scalar(select(func.count()).select_from(LoginSession)) == 1  # the coach's
        assert session.scalar(select(func.count()).select_from(Intake)) == 2
        assert session.scalar(select(func.count()).select_from(Agreement)) == 1
        assert (
            session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.student_id.is_not(None))
            )
            == 0
        )


def test_students_who_left_over_a_year_ago_are_erased_by_the_job(
    app: Flask, session: Session
) -> None:
    today = today_in_belgium()
    school = factories.school(session)
    gone = make_student(session, school, left_on=today - timedelta(days=366))
    recent = factories.student(session, school=school, left_on=today - timedelta(days=364))
    staying = factories.student(session, school=school)
    run = run_job(app, "erase-students", now=datetime.now(UTC))
    assert run.status == "succeeded", run.error
    assert run.counts["students"] == 1
    remaining = set(session.scalars(select(Student.id)).all())
    assert gone.id not in remaining
    assert {recent.id, staying.id} <= remaining
    assert traces(session) == []
