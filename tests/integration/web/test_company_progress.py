"""The company's dashboard shows where it stands in the six steps of the plan, each
with its state and a link to what to do next, in a few queries."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from models import Company, Intake, Recognition
from models.base import today_in_belgium
from models.enums import IntakeStatus, TrainingStatus
from tests import factories
from tests.integration.web.test_company_pages import (
    REQUESTED,
    make_mentor,
    make_recognition,
    make_site,
    signed_in_company,
)
from tests.pages import birth_date_for_age, html
from web.db import get_db, get_session
from web.services.companies import DECLARATIONS


@pytest.fixture
def company_id(app: Flask, client: FlaskClient) -> int:
    """A company with a logged-in company user."""
    return signed_in_company(app, client)


def steps(client: FlaskClient) -> dict[int, tuple[str, str]]:
    """Each step's state class and its text, from the dashboard."""
    page = html(client.get("/bedrijf"))
    found = re.findall(
        r'<li class="step step-(\w+)">\s*<h3><span class="step-number">(\d)</span>(.*?)</li>',
        page,
        re.S,
    )
    return {int(number): (state, re.sub(r"\s+", " ", text)) for state, number, text in found}


def declare(app: Flask, company_id: int, *, every: bool = True) -> None:
    """Set the company's sworn declarations of step 1."""
    with app.app_context():
        session = get_session()
        company = session.get(Company, company_id)
        assert company is not None
        for name in DECLARATIONS:
            setattr(company, name, every)
        session.commit()


def test_a_new_company_starts_with_a_site(app: Flask, client: FlaskClient, company_id: int) -> None:
    declare(app, company_id)
    shown = steps(client)
    assert sorted(shown) == [1, 2, 3, 4, 5, 6]
    assert shown[1][0] == "done" and "voorwaarden voldoet" in shown[1][1]
    assert shown[2][0] == "todo" and 'href="/bedrijf/vestigingen/nieuw"' in shown[2][1]
    assert shown[3][0] == "todo" and 'href="/bedrijf/mentoren/nieuw"' in shown[3][1]
    assert shown[4][0] == "todo" and "href" not in shown[4][1]


def test_a_site_leads_to_a_request_then_to_waiting_for_the_partnership(
    app: Flask, client: FlaskClient, company_id: int
) -> None:
    site_id = make_site(app, company_id)
    assert f'href="/bedrijf/erkenningen/nieuw?site={site_id}"' in steps(client)[2][1]
    recognition_id = make_recognition(app, company_id, **REQUESTED)
    state, text = steps(client)[2]
    assert state == "waiting" and "binnen 14 dagen" in text
    assert f'href="/bedrijf/erkenningen/{recognition_id}"' in text
    state, text = steps(client)[3]
    assert state == "act" and "nog geen mentor" in text
    assert f'href="/bedrijf/erkenningen/{recognition_id}#mentor"' in text


def test_only_walloon_sites_ask_for_a_site_in_flanders(
    app: Flask, client: FlaskClient, company_id: int
) -> None:
    make_site(app, company_id, postcode="7700")
    state, text = steps(client)[2]
    assert state == "act" and "Wallonië" in text and "/bedrijf/vestigingen/nieuw" in text
    assert "/bedrijf/erkenningen/nieuw" not in html(client.get("/bedrijf"))


def test_a_recognised_workplace_walks_through_mentor_places_intakes_and_agreements(
    app: Flask, client: FlaskClient, company_id: int
) -> None:
    mentor_id = make_mentor(
        app,
        company_id,
        birth_date=birth_date_for_age(40),
        years_experience=10,
        training_status=TrainingStatus.ENROLLED,
        training_deadline=today_in_belgium() + timedelta(days=90),
        extract_596_2_shown_on=today_in_belgium() - timedelta(days=30),
    )
    recognition_id = make_recognition(app, company_id, mentor_id=mentor_id, n_free_places=1)
    shown = steps(client)
    assert shown[2][0] == "done" and "1 erkende werkplek." in shown[2][1]
    state, text = shown[3]
    assert state == "waiting" and "rondt de mentoropleiding af tegen" in text
    assert f'href="/bedrijf/mentoren/{mentor_id}"' in text
    state, text = shown[4]
    assert state == "act" and "geen bevestigde plaatsen" in text
    assert f'href="/bedrijf/erkenningen/{recognition_id}#plaatsen"' in text

    with app.app_context():
        session = get_session()
        recognition = session.get(Recognition, recognition_id)
        assert recognition is not None
        recognition.last_confirmed_at = datetime.now(UTC)
        assert recognition.mentor is not None
        recognition.mentor.training_status = TrainingStatus.COMPLETED
        session.commit()
    shown = steps(client)
    assert shown[3][0] == "done" and shown[4][0] == "done"
    assert "1 vrije plaats, bevestigd." in shown[4][1]
    state, text = shown[5]
    assert state == "waiting" and f"/bedrijf/erkenningen/{recognition_id}/bekendmaken" in text

    with app.app_context():
        session = get_session()
        session.add(
            Intake(
                student_id=factories.student(session).id,
                recognition_id=recognition_id,
                status=IntakeStatus.PROPOSED,
                respond_by=today_in_belgium() + timedelta(days=5),
            )
        )
        session.commit()
    state, text = steps(client)[5]
    assert state == "act" and "1 voorstel wacht op je antwoord." in text
    assert 'href="/bedrijf/voorstellen"' in text
    assert steps(client)[6][0] == "todo"


def test_the_dashboard_stays_a_few_queries(
    app: Flask, client: FlaskClient, company_id: int
) -> None:
    for _ in range(5):
        make_recognition(app, company_id, mentor_id=make_mentor(app, company_id))
    statements: list[str] = []
    with app.app_context():
        engine = get_db().engine

        def note(*args: object) -> None:
            statements.append(str(args[2]))

        event.listen(engine, "before_cursor_execute", note)
        try:
            assert client.get("/bedrijf").status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", note)
    company_queries = [s for s in statements if "sessions" not in s and "users" not in s]
    assert len(company_queries) <= 10, company_queries


def test_the_conditions_step_shows_a_missing_declaration(
    app: Flask, client: FlaskClient, company_id: int
) -> None:
    declare(app, company_id, every=False)
    assert steps(client)[1][0] == "todo"
