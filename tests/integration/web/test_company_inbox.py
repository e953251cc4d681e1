"""The company's inbox of intake proposals and its announcements, through the test client.

What a company reads of a student before and after accepting (DOMAIN.md, "Who sees a
student"), each answer it gives and the 409 it gets when someone acted first, the count
on its dashboard, and announcing a free place to the schools nearby.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, time, timedelta

import pytest
from babel.dates import format_date
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update
from werkzeug.test import TestResponse

from matcher import StudentWishes
from models import Announcement, Intake, OutboxMessage, Postcode, Recognition, School, User
from models.base import BELGIUM, today_in_belgium, utcnow
from models.enums import DeclineReason, IntakeOutcome, IntakeStatus, Role
from tests import factories
from tests.clients import login, post
from tests.pages import birth_date_for_age, count, field_error, html
from web.db import get_session, unit_of_work
from web.links import public_link
from web.services import intakes, students
from web.services.policy import Party
from web.settings import IntakeSettings

PROGRAMME = "elektrotechnieken-duaal"
FIRST_NAME, LAST_NAME = "Yana", "Vanhoutteghem"
HOME_POSTCODE = "8930"  # Menen: neither the school's nor the workplace's
STUDENT_EMAIL = "yana.thuis@example.org"
COACH_NAME = "Sofie Claerhout"
COACH_NOTE = "Yana is gemotiveerd en sterk in praktijk."
SCHOOL_NAME = "VTI Kortrijk"
SCHOOL_PHONE = "056 26 98 40"
SCHOOL_EMAIL = "duaal@vti-kortrijk.be"
CHANGED_MEANWHILE = "Dit voorstel veranderde intussen"


@dataclass(frozen=True)
class World:
    """One company with two users, one workplace, a school with a coach and a student."""

    company_id: int
    recognition_id: int
    company_users: tuple[int, int]
    coach: Party
    coach_email: str
    student_id: int
    birth_date_markers: tuple[str, ...]


def in_belgium_on(day_offset: int, hour: int) -> datetime:
    """A moment `day_offset` days from today, at `hour` in Belgium."""
    return datetime.combine(today_in_belgium() + timedelta(days=day_offset), time(hour), BELGIUM)


@pytest.fixture
def world(app: Flask) -> World:
    with app.app_context():
        session = get_session()
        company = factories.company(session, name="Elektro Aerts", email="info@aerts.be")
        users = (
            factories.user(session, Role.COMPANY, company),
            factories.user(session, Role.COMPANY, company),
        )
        site = factories.site(session, owner=company, name="Werkplaats Kortrijk")
        recognition = factories.recognition(
            session,
            at=site,
            programme=factories.programme(session, PROGRAMME),
            last_confirmed_at=utcnow(),
        )
        school = factories.school(session, name=SCHOOL_NAME, phone=SCHOOL_PHONE, email=SCHOOL_EMAIL)
        coach = factories.user(session, Role.SCHOOL_STAFF, school, name=COACH_NAME)
        birth_date = birth_date_for_age(16)
        student = factories.student(
            session,
            school=school,
            first_name=FIRST_NAME,
            last_name=LAST_NAME,
            birth_date=birth_date,
            home_postcode=HOME_POSTCODE,
            is_ready_for_work=True,
            wishes=StudentWishes(
                start_date=today_in_belgium() + timedelta(days=60),
                hours_pattern="weekend",
                languages=frozenset({"fr"}),
            ),
        )
        factories.user(session, Role.STUDENT, student, email=STUDENT_EMAIL)
        session.commit()
        return World(
            company_id=company.id,
            recognition_id=recognition.id,
            company_users=(users[0].id, users[1].id),
            coach=Party(Role.SCHOOL_STAFF, school_id=school.id, user_id=coach.id),
            coach_email=coach.email,
            student_id=student.id,
            birth_date_markers=(
                birth_date.isoformat(),
                birth_date.strftime("%d/%m/%Y"),
                birth_date.strftime("%d-%m-%Y"),
                format_date(birth_date, "d MMMM", locale="nl"),
                format_date(birth_date, "MMMM d", locale="en").lower(),
                str(birth_date.year),
            ),
        )


def propose(app: Flask, world: World, student_id: int | None = None) -> int:
    """A coach's proposal to the workplace, with two times after its deadline."""
    proposal = intakes.Proposal(
        student_id=student_id or world.student_id,
        recognition_id=world.recognition_id,
        slots=(in_belgium_on(14, 10), in_belgium_on(15, 14)),
        note=COACH_NOTE,
    )
    with app.app_context(), unit_of_work(get_session()) as db:
        intake = intakes.propose(db, world.coach, proposal, utcnow(), IntakeSettings(), public_link)
        return intake.id


def another_student(app: Flask, world: World, first_name: str) -> int:
    with app.app_context():
        session = get_session()
        student = factories.student(
            session,
            school=session.get(School, world.coach.school_id),
            first_name=first_name,
            is_ready_for_work=True,
        )
        session.commit()
        return student.id


def intake_row(app: Flask, intake_id: int) -> Intake:
    with app.app_context():
        row = get_session().get(Intake, intake_id)
        assert row is not None
        get_session().expunge(row)
        return row


def slots_of(app: Flask, intake_id: int, offered_by: str) -> list[tuple[int, datetime]]:
    """The times offered by "school" or "company", earliest first."""
    with app.app_context():
        row = get_session().get(Intake, intake_id)
        assert row is not None
        return [(slot.id, slot.starts_at) for slot in row.slots if slot.offered_by == offered_by]


def school_slot(app: Flask, intake_id: int, index: int = 0) -> int:
    return slots_of(app, intake_id, "school")[index][0]


def client_of(app: Flask, user_id: int, client: FlaskClient | None = None) -> FlaskClient:
    """A client logged in as the user (a new one unless `client` is given)."""
    client = client or app.test_client()
    with app.app_context():
        user = get_session().get(User, user_id)
        assert user is not None
        login(client, user)
    return client


@pytest.fixture
def company_client(app: Flask, client: FlaskClient, world: World) -> FlaskClient:
    """The client, logged in as the company's first user."""
    return client_of(app, world.company_users[0], client)


def accept(client: FlaskClient, app: Flask, intake_id: int) -> TestResponse:
    return post(
        client,
        f"/bedrijf/voorstellen/{intake_id}/aanvaarden",
        {"accept-slot_id": school_slot(app, intake_id)},
    )


def interview_took_place(app: Flask, intake_id: int) -> None:
    """Move a planned interview's time to an hour ago (an outcome is noted afterwards)."""
    with app.app_context():
        session = get_session()
        session.execute(
            update(Intake)
            .where(Intake.id == intake_id)
            .values(scheduled_at=utcnow() - timedelta(hours=1))
        )
        session.commit()


def coach_withdraws(app: Flask, world: World, intake_id: int) -> None:
    with app.app_context(), unit_of_work(get_session()) as db:
        intakes.withdraw(db, world.coach, intake_id, utcnow(), public_link)


def mails_to(app: Flask, address: str) -> list[str]:
    with app.app_context():
        return list(
            get_session().scalars(
                select(OutboxMessage.subject).where(OutboxMessage.recipient == address)
            )
        )


# --- What a company sees of a student ---------------------------------------------------


def assert_nothing_more(page: str, world: World) -> None:
    """Never the birth date, the home address, the wishes beyond the start, or contacts."""
    for marker in world.birth_date_markers:
        assert marker not in page.lower(), marker
    assert HOME_POSTCODE not in page
    assert "Menen" not in page
    assert "weekendwerk" not in page and "Frans" not in page
    assert "met de fiets" not in page
    assert STUDENT_EMAIL not in page


def test_before_accepting_the_company_sees_first_name_programme_school_age_and_start(
    app: Flask, company_client: FlaskClient, world: World
) -> None:
    intake_id = propose(app, world)
    for url in ("/bedrijf/voorstellen", f"/bedrijf/voorstellen/{intake_id}"):
        page = html(company_client.get(url))
        assert FIRST_NAME in page
        assert "Elektrotechnieken duaal" in page
        assert SCHOOL_NAME in page
        assert "16 jaar" in page
        assert COACH_NAME in page
        assert LAST_NAME not in page
        assert_nothing_more(page, world)
    page = html(company_client.get(f"/bedrijf/voorstellen/{intake_id}"))
    start = today_in_belgium() + timedelta(days=60)
    assert f"vanaf {start.day} " in page  # the start wish, as a date in words
    assert COACH_NOTE in page
    assert SCHOOL_PHONE in page and SCHOOL_EMAIL in page
    assert "Passionistenlaan 1" in page  # the interview is at the school, by default


def test_after_accepting_the_company_also_sees_the_last_name_and_nothing_more(
    app: Flask, company_client: FlaskClient, world: World
) -> None:
    intake_id = propose(app, world)
    answer = accept(company_client, app, intake_id)
    assert answer.status_code == 302
    for url in ("/bedrijf/voorstellen", f"/bedrijf/voorstellen/{intake_id}"):
        page = html(company_client.get(url))
        assert f"{FIRST_NAME} {LAST_NAME}" in page
        assert_nothing_more(page, world)


def test_after_declining_the_last_name_stays_hidden(
    app: Flask, company_client: FlaskClient, world: World
) -> None:
    intake_id = propose(app, world)
    post(
        company_client,
        f"/bedrijf/voorstellen/{intake_id}/afwijzen",
        {"decline-reason": "profile", "decline-confirm": "y"},
    )
    page = html(company_client.get(f"/bedrijf/voorstellen/{intake_id}"))
    assert FIRST_NAME in page and LAST_NAME not in page
    assert "het profiel past niet" in page


def test_a_coach_without_a_name_is_shown_by_the_name_part_of_the_address(
    app: Flask, company_client: FlaskClient, world: World
) -> None:
    with app.app_context():
        session = get_session()
        coach = session.get(User, world.coach.user_id)
        assert coach is not None
        coach.name = None
        coach.email = "s.claerhout@vti-kortrijk.be"
        session.commit()
    intake_id = propose(app, world)
    page = html(company_client.get(f"/bedrijf/voorstellen/{intake_id}"))
    assert "s.claerhout" in page
    assert "s.claerhout@vti-kortrijk.be" not in page


def test_once_the_school_erased_the_student_nothing_of_them_is_shown(
    app: Flask, company_client: FlaskClient, world: World
) -> None:
    intake_id = propose(app, world)
    accept(company_client, app, intake_id)
    with app.app_context(), unit_of_work(get_session()) as db:
        students.erase_student(db, world.coach, world.student_id)
    for url in ("/bedrijf/voorstellen", f"/bedrijf/voorstellen/{intake_id}"):
        answer = company_client.get(url)
        assert answer.status_code == 200
        page = html(answer)
        assert "gegevens gewist door de school" in page
        assert FIRST_NAME not in page and LAST_NAME not in page and COACH_NOTE not in page


def test_another_companys_proposal_is_not_found(
    app: Flask, client: FlaskClient, world: World
) -> None:
    intake_id = propose(app, world)
    with app.app_context():
        session = get_session()
        other = factories.user(session, Role.COMPANY)
        session.commit()
    login(client, other)
    assert client.get(f"/bedrijf/voorstellen/{intake_id}").status_code == 404
    assert FIRST_NAME not in html(client.get("/bedrijf/voorstellen"))
    for action, data in (
        ("aanvaarden", {"accept-slot_id": school_slot(app, intake_id)}),
        ("afwijzen", {"decline-reason": "profile", "decline-confirm": "y"}),
        ("andere-momenten", {"counter-slot_1": "2030-01-07T10:00"}),
        ("uitkomst", {"outcome-outcome": "match"}),
    ):
        assert post(client, f"/bedrijf/voorstellen/{intake_id}/{action}", data).status_code == 404
    assert intake_row(app, intake_id).status is IntakeStatus.PROPOSED


# --- The inbox and the dashboard --------------------------------------------------------


def test_the_inbox_lists_waiting_then_planned_then_the_rest(
    app: Flask, company_client: FlaskClient, world: World
) -> None:
    planned = propose(app, world, student_id=another_student(app, world, "Planned"))
    accept(company_client, app, planned)
    withdrawn = propose(app, world, student_id=another_student(app, world, "Withdrawn"))
    coach_withdraws(app, world, withdrawn)
    waiting = propose(app, world)
    page = html(company_client.get("/bedrijf/voorstellen"))
    positions = [page.index(f'/bedrijf/voorstellen/{i}"') for i in (waiting, planned, withdrawn)]
    assert positions == sorted(positions)
    assert "nog 7 dagen" in page or re.search(r"nog \d+ dagen", page)
    assert "ingetrokken door de school" in page


def test_the_dashboard_counts_the_proposals_waiting_for_an_answer(
    app: Flask, company_client: FlaskClient, world: World
) -> None:
    before = html(company_client.get("/bedrijf"))
    assert "voorstel wacht op je antwoord" not in before
    assert "voorstellen wachten op je antwoord" not in before
    first = propose(app, world)
    propose(app, world, student_id=another_student(app, world, "Bram"))
    page = html(company_client.get("/bedrijf"))
    assert "2 voorstellen wachten op je antwoord." in page
    assert 'href="/bedrijf/voorstellen"' in page
    accept(company_client, app, first)
    assert "1 voorstel wacht op je antwoord." in html(company_client.get("/bedrijf"))


# --- Accepting a time -------------------------------------------------------------------


def test_accepting_a_time_plans_the_interview_and_tells_the_coach(
    app: Flask, company_client: FlaskClient, world: World
) -> None:
    intake_id = propose(app, world)
    slot_id = school_slot(app, intake_id, 1)
    answer = post(
        company_client, f"/bedrijf/voorstellen/{intake_id}/aanvaarden", {"accept-slot_id": slot_id}
    )
    assert answer.status_code == 302
    assert answer.headers["Location"].endswith(f"/bedrijf/voorstellen/{intake_id}")
    row = intake_row(app, intake_id)
    assert row.status is IntakeStatus.ACCEPTED
    assert row.scheduled_at == in_belgium_on(15, 14)
    assert any("Intakegesprek gepland" in subject for subject in mails_to(app, world.coach_email))
    page = html(company_client.get(answer.headers["Location"]))
    assert "Het intakegesprek is gepland." in page
    assert "14:00" in page


def test_a_time_the_coach_did_not_offer_is_refused(
    app: Flask, company_client: FlaskClient, world: World
) -> None:
    intake_id = propose(app, world)
    for data in ({}, {"accept-slot_id": "999999"}):
        answer = post(company_client, f"/bedrijf/voorstellen/{intake_id}/aanvaarden", data)
        assert answer.status_code == 400
        assert field_error(html(answer), "accept-slot_id")
    assert intake_row(app, intake_id).status is IntakeStatus.PROPOSED


def test_of_two_colleagues_accepting_at_once_the_second_hears_what_happened(
    app: Flask, company_client: FlaskClient, world: World
) -> None:
    intake_id = propose(app, world)
    colleague = client_of(app, world.company_users[1])
    assert accept(company_client, app, intake_id).status_code == 302
    answer = post(
        colleague,
        f"/bedrijf/voorstellen/{intake_id}/aanvaarden",
        {"accept-slot_id": school_slot(app, intake_id, 1)},
    )
    assert answer.status_code == 409
    assert CHANGED_MEANWHILE in html(answer)
    assert intake_row(app, intake_id).scheduled_at == in_belgium_on(14, 10)


def test_accepting_what_the_coach_withdrew_meanwhile_is_a_conflict(
    app: Flask, company_client: FlaskClient, world: World
) -> None:
    intake_id = propose(app, world)
    company_client.get(f"/bedrijf/voorstellen/{intake_id}")
    coach_withdraws(app, world, intake_id)
    answer = accept(company_client, app, intake_id)
    assert answer.status_code == 409
    assert CHANGED_MEANWHILE in html(answer)
    assert intake_row(app, intake_id).status is IntakeStatus.WITHDRAWN


def test_after_the_deadline_the_proposal_can_no_longer_be_answered(
    app: Flask, company_client: FlaskClient, world: World
) -> None:
    intake_id = propose(app, world)
    with app.app_context():
        session = get_session()
        session.execute(
            update(Intake)
            .where(Intake.id == intake_id)
            .values(respond_by=today_in_belgium() - timedelta(days=1))
        )
        session.commit()
    page = html(company_client.get(f"/bedrijf/voorstellen/{intake_id}"))
    assert "De termijn om te antwoorden is voorbij." in page
    assert f'action="/bedrijf/voorstellen/{intake_id}/aanvaarden' not in page
    answer = accept(company_client, app, intake_id)
    assert answer.status_code == 409
    assert "De termijn om te antwoorden liep af" in html(answer)
    assert intake_row(app, intake_id).status is IntakeStatus.PROPOSED


# --- Declining --------------------------------------------------------------------------


def test_declining_with_a_reason_tells_the_coach(
    app: Flask, company_client: FlaskClient, world: World
) -> None:
    intake_id = propose(app, world)
    answer = post(
        company_client,
        f"/bedrijf/voorstellen/{intake_id}/afwijzen",
        {"decline-reason": "timing", "decline-confirm": "y"},
    )
    assert answer.status_code == 302
    row = intake_row(app, intake_id)
    assert row.status is IntakeStatus.DECLINED
    assert row.decline_reason is DeclineReason.TIMING
    assert any("gaat niet in op" in subject for subject in mails_to(app, world.coach_email))


def test_declining_asks_for_a_confirmation_and_a_reason(
    app: Flask, company_client: FlaskClient, world: World
) -> None:
    intake_id = propose(app, world)
    url = f"/bedrijf/voorstellen/{intake_id}/afwijzen"
    unconfirmed = post(company_client, url, {"decline-reason": "profile"})
    assert unconfirmed.status_code == 400
    assert field_error(html(unconfirmed), "decline-confirm")
    no_reason = post(company_client, url, {"decline-confirm": "y"})
    assert no_reason.status_code == 400
    assert field_error(html(no_reason), "decline-reason") == "Kies een reden."
    assert intake_row(app, intake_id).status is IntakeStatus.PROPOSED


def test_another_reason_needs_a_few_words(
    app: Flask, company_client: FlaskClient, world: World
) -> None:
    intake_id = propose(app, world)
    url = f"/bedrijf/voorstellen/{intake_id}/afwijzen"
    silent = post(
        company_client,
        url,
        {"decline-reason": "other", "decline-confirm": "y", "decline-company_note": "  "},
    )
    assert silent.status_code == 400
    assert field_error(html(silent), "decline-company_note") == "Zeg kort waarom het niet past."
    assert intake_row(app, intake_id).status is IntakeStatus.PROPOSED
    said = post(
        company_client,
        url,
        {
            "decline-reason": "other",
            "decline-confirm": "y",
            "decline-company_note": "We verhuizen de werkplaats in september.",
        },
    )
    assert said.status_code == 302
    row = intake_row(app, intake_id)
    assert row.decline_reason is DeclineReason.OTHER
    assert row.company_note == "We verhuizen de werkplaats in september."


def test_declining_what_was_withdrawn_meanwhile_is_a_conflict(
    app: Flask, company_client: FlaskClient, world: World
) -> None:
    intake_id = propose(app, world)
    coach_withdraws(app, world, intake_id)
    answer = post(
        company_client,
        f"/bedrijf/voorstellen/{intake_id}/afwijzen",
        {"decline-reason": "no_place", "decline-confirm": "y"},
    )
    assert answer.status_code == 409
    assert CHANGED_MEANWHILE in html(answer)


# --- Offering other times ---------------------------------------------------------------


def test_offering_other_times_waits_for_the_coach(
    app: Flask, company_client: FlaskClient, world: World
) -> None:
    intake_id = propose(app, world)
    first, second = in_belgium_on(9, 9), in_belgium_on(10, 13)
    answer = post(
        company_client,
        f"/bedrijf/voorstellen/{intake_id}/andere-momenten",
        {
            "counter-slot_1": first.strftime("%Y-%m-%dT%H:%M"),
            "counter-slot_3": second.strftime("%Y-%m-%dT%H:%M"),
            "counter-note": "Op woensdag is de mentor er niet.",
        },
    )
    assert answer.status_code == 302
    row = intake_row(app, intake_id)
    assert row.status is IntakeStatus.COUNTERED
    assert [when for _id, when in slots_of(app, intake_id, "company")] == [first, second]
    assert any("andere momenten" in subject for subject in mails_to(app, world.coach_email))
    page = html(company_client.get(f"/bedrijf/voorstellen/{intake_id}"))
    assert "Momenten die je voorstelde" in page
    assert f'action="/bedrijf/voorstellen/{intake_id}/aanvaarden"' not in page


def test_other_times_need_one_to_three_moments_to_come(
    app: Flask, company_client: FlaskClient, world: World
) -> None:
    intake_id = propose(app, world)
    url = f"/bedrijf/voorstellen/{intake_id}/andere-momenten"
    none = post(company_client, url, {"counter-note": "Andere dag?"})
    assert none.status_code == 400
    assert field_error(html(none), "counter-slot_1")
    past = post(company_client, url, {"counter-slot_1": "2020-01-06T10:00"})
    assert past.status_code == 400
    assert field_error(html(past), "counter-slot_1")
    assert intake_row(app, intake_id).status is IntakeStatus.PROPOSED


def test_other_times_after_a_colleague_accepted_are_a_conflict(
    app: Flask, company_client: FlaskClient, world: World
) -> None:
    intake_id = propose(app, world)
    accept(client_of(app, world.company_users[1]), app, intake_id)
    answer = post(
        company_client,
        f"/bedrijf/voorstellen/{intake_id}/andere-momenten",
        {"counter-slot_1": in_belgium_on(9, 9).strftime("%Y-%m-%dT%H:%M")},
    )
    assert answer.status_code == 409
    assert CHANGED_MEANWHILE in html(answer)
    assert intake_row(app, intake_id).status is IntakeStatus.ACCEPTED


# --- The outcome ------------------------------------------------------------------------


def test_the_company_records_a_match_once(
    app: Flask, company_client: FlaskClient, world: World
) -> None:
    intake_id = propose(app, world)
    accept(company_client, app, intake_id)
    interview_took_place(app, intake_id)
    url = f"/bedrijf/voorstellen/{intake_id}/uitkomst"
    assert "Hoe ging het gesprek?" in html(company_client.get(f"/bedrijf/voorstellen/{intake_id}"))
    answer = post(company_client, url, {"outcome-outcome": "match"})
    assert answer.status_code == 302
    assert intake_row(app, intake_id).outcome is IntakeOutcome.MATCH
    page = html(company_client.get(f"/bedrijf/voorstellen/{intake_id}"))
    assert "Overeenkomst volgt." in page
    assert "Hoe ging het gesprek?" not in page
    again = post(company_client, url, {"outcome-outcome": "not_held"})
    assert again.status_code == 409
    assert "al een uitkomst genoteerd" in html(again)
    assert intake_row(app, intake_id).outcome is IntakeOutcome.MATCH


def test_no_match_needs_a_reason(app: Flask, company_client: FlaskClient, world: World) -> None:
    intake_id = propose(app, world)
    accept(company_client, app, intake_id)
    interview_took_place(app, intake_id)
    url = f"/bedrijf/voorstellen/{intake_id}/uitkomst"
    silent = post(company_client, url, {"outcome-outcome": "no_match"})
    assert silent.status_code == 400
    assert field_error(html(silent), "outcome-note") == "Zeg kort waarom het geen match is."
    said = post(
        company_client,
        url,
        {"outcome-outcome": "no_match", "outcome-note": "Zoekt eerder een job in de zorg."},
    )
    assert said.status_code == 302
    assert intake_row(app, intake_id).outcome is IntakeOutcome.NO_MATCH


def test_an_outcome_the_coach_recorded_first_is_a_conflict(
    app: Flask, company_client: FlaskClient, world: World
) -> None:
    intake_id = propose(app, world)
    accept(company_client, app, intake_id)
    interview_took_place(app, intake_id)
    with app.app_context(), unit_of_work(get_session()) as db:
        intakes.record_outcome(db, world.coach, intake_id, IntakeOutcome.NOT_HELD, "", utcnow())
    answer = post(
        company_client, f"/bedrijf/voorstellen/{intake_id}/uitkomst", {"outcome-outcome": "match"}
    )
    assert answer.status_code == 409
    assert intake_row(app, intake_id).outcome is IntakeOutcome.NOT_HELD


def test_before_the_interview_only_that_it_did_not_take_place_can_be_noted(
    app: Flask, company_client: FlaskClient, world: World
) -> None:
    intake_id = propose(app, world)
    accept(company_client, app, intake_id)
    url = f"/bedrijf/voorstellen/{intake_id}/uitkomst"
    early = post(company_client, url, {"outcome-outcome": "match"})
    assert early.status_code == 400
    assert field_error(html(early), "outcome-outcome")
    assert intake_row(app, intake_id).outcome is None
    cancelled = post(
        company_client,
        url,
        {"outcome-outcome": "not_held", "outcome-note": "De leerling is ziek."},
    )
    assert cancelled.status_code == 302
    assert intake_row(app, intake_id).outcome is IntakeOutcome.NOT_HELD


def test_an_outcome_before_the_interview_is_planned_is_a_conflict(
    app: Flask, company_client: FlaskClient, world: World
) -> None:
    intake_id = propose(app, world)
    answer = post(
        company_client, f"/bedrijf/voorstellen/{intake_id}/uitkomst", {"outcome-outcome": "match"}
    )
    assert answer.status_code == 409
    assert intake_row(app, intake_id).outcome is None


# --- Announcing a free place -----------------------------------------------------------


@pytest.fixture
def schools_around(app: Flask, world: World) -> Iterator[None]:
    """Besides the world's school in Kortrijk (8500): one in Menen (about 11 km) with a
    student in the programme, one in Menen without, and one in Antwerp (about 80 km)."""
    with app.app_context():
        session = get_session()
        programme = factories.programme(session, PROGRAMME)
        other = factories.programme(session, "bakkerij-duaal")
        for name, postcode, student_programme in (
            ("Sint-Aloysius Menen", "8930", programme),
            ("Bakkersschool Menen", "8930", other),
            ("KTA Antwerpen", "2000", programme),
        ):
            place = session.get(Postcode, postcode)
            assert place is not None
            school = factories.school(
                session, name=name, postcode=postcode, lat=place.lat, lon=place.lon
            )
            factories.student(session, school=school, programme=student_programme)
        session.commit()
    yield


def test_a_confirmed_free_place_is_announced_to_the_schools_nearby(
    app: Flask, company_client: FlaskClient, world: World, schools_around: None
) -> None:
    recognition_page = html(company_client.get(f"/bedrijf/erkenningen/{world.recognition_id}"))
    url = f"/bedrijf/erkenningen/{world.recognition_id}/bekendmaken"
    assert f'href="{url}"' in recognition_page
    form = html(company_client.get(url))
    assert 'value="25"' in form
    answer = post(
        company_client,
        url,
        {"message": "Plaats vrij vanaf september, ook voor een starter.", "radius_km": "25"},
        follow_redirects=True,
    )
    assert answer.status_code == 200
    assert "Je aanbod is bekendgemaakt aan 2 scholen in de buurt." in html(answer)
    assert count(app, Announcement, Announcement.recognition_id == world.recognition_id) == 1


def test_a_workplace_is_announced_at_most_once_a_week(
    app: Flask, company_client: FlaskClient, world: World, schools_around: None
) -> None:
    url = f"/bedrijf/erkenningen/{world.recognition_id}/bekendmaken"
    data = {"message": "Plaats vrij.", "radius_km": "100"}
    first = post(company_client, url, data, follow_redirects=True)
    assert "aan 3 scholen" in html(first)
    again = post(company_client, url, data)
    assert again.status_code == 400
    assert "opnieuw kan vanaf" in html(again)
    assert count(app, Announcement, Announcement.recognition_id == world.recognition_id) == 1


def test_an_announcement_needs_a_message_and_a_radius_from_5_to_100_km(
    app: Flask, company_client: FlaskClient, world: World
) -> None:
    url = f"/bedrijf/erkenningen/{world.recognition_id}/bekendmaken"
    for data, field in (
        ({"message": "", "radius_km": "25"}, "message"),
        ({"message": "x" * 501, "radius_km": "25"}, "message"),
        ({"message": "Plaats vrij.", "radius_km": "4"}, "radius_km"),
        ({"message": "Plaats vrij.", "radius_km": "101"}, "radius_km"),
        ({"message": "Plaats vrij.", "radius_km": "veel"}, "radius_km"),
    ):
        answer = post(company_client, url, data)
        assert answer.status_code == 400, data
        assert field_error(html(answer), field), data
    assert count(app, Announcement) == 0


def test_only_a_confirmed_free_place_can_be_announced(
    app: Flask, company_client: FlaskClient, world: World
) -> None:
    with app.app_context():
        session = get_session()
        recognition = session.get(Recognition, world.recognition_id)
        assert recognition is not None
        recognition.n_free_places = 0
        session.commit()
    recognition_page = html(company_client.get(f"/bedrijf/erkenningen/{world.recognition_id}"))
    url = f"/bedrijf/erkenningen/{world.recognition_id}/bekendmaken"
    assert url not in recognition_page
    assert "met een bevestigde vrije plaats" in html(company_client.get(url))
    answer = post(company_client, url, {"message": "Plaats vrij.", "radius_km": "25"})
    assert answer.status_code == 400
    assert count(app, Announcement) == 0


def test_another_companys_workplace_cannot_be_announced(
    app: Flask, client: FlaskClient, world: World
) -> None:
    with app.app_context():
        session = get_session()
        other = factories.user(session, Role.COMPANY)
        session.commit()
    login(client, other)
    url = f"/bedrijf/erkenningen/{world.recognition_id}/bekendmaken"
    assert client.get(url).status_code == 404
    assert post(client, url, {"message": "Plaats vrij.", "radius_km": "25"}).status_code == 404
    assert count(app, Announcement) == 0


def test_the_inbox_speaks_english_too(
    app: Flask, company_client: FlaskClient, world: World
) -> None:
    intake_id = propose(app, world)
    page = html(company_client.get("/bedrijf/voorstellen?lang=en"))
    assert "Waiting for your answer" in page
    assert "16 years old" in page
    page = html(company_client.get(f"/bedrijf/voorstellen/{intake_id}?lang=en"))
    assert "Contact through the school" in page
    assert "Decline the proposal" in page
