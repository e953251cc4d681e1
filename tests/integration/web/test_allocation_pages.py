"""The coach's cohort allocation pages under /school/toewijzing, through the test client.

Choosing a programme and its students (who is ticked by default), running, reviewing
each student's workplace and why or why none, and turning the ticked lines into
proposals: nothing sent before that, all or none, once however often it is clicked.
"""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from models import (
    Agreement,
    AllocationLine,
    AllocationRun,
    Intake,
    OutboxMessage,
    Postcode,
    School,
    Student,
)
from models.base import today_in_belgium
from models.calendar import add_working_days
from models.enums import AgreementType, IntakeStatus, Role
from models.rules import add_years
from tests import factories
from tests.clients import login, post
from tests.pages import count, field_error, html
from web.db import get_session

PROGRAMME = "elektrotechnieken-duaal"
TODAY = today_in_belgium()


@dataclass(frozen=True)
class World:
    school_id: int
    other_school_id: int
    near: int  # a workplace in Kortrijk with one free place
    farther: int  # one in Harelbeke with one free place


def workplace(app: Flask, name: str, postcode: str) -> int:
    with app.app_context():
        session = get_session()
        place = session.get(Postcode, postcode)
        assert place is not None
        company = factories.company(session, name=name, email=f"{name.split()[0].lower()}@x.be")
        site = factories.site(
            session, owner=company, postcode=postcode, lat=place.lat, lon=place.lon
        )
        row = factories.recognition(
            session, at=site, last_confirmed_at=datetime.now(UTC) - timedelta(days=1)
        )
        session.commit()
        return row.id


def student(
    app: Flask, school_id: int, first_name: str, programme: str = PROGRAMME, **fields: Any
) -> int:
    with app.app_context():
        session = get_session()
        values: dict[str, Any] = {
            "first_name": first_name,
            "birth_date": add_years(TODAY, -17),
            "is_ready_for_work": True,
            "programme": factories.programme(session, programme),
            **fields,
        }
        row = factories.student(session, school=session.get(School, school_id), **values)
        session.commit()
        return row.id


@pytest.fixture
def world(app: Flask, client: FlaskClient) -> World:
    """A school in Kortrijk with a signed-in coach, another school, two workplaces."""
    with app.app_context():
        session = get_session()
        school = factories.school(session, name="VTI Kortrijk", email="vti@school.be")
        coach = factories.user(session, Role.SCHOOL_STAFF, school, name="Sofie Claeys")
        other = factories.school(session, name="Sint-Jozef Brugge")
        session.commit()
        ids = (school.id, other.id)
    near = workplace(app, "Elektro Aerts", "8500")
    farther = workplace(app, "Installaties Desmet", "8530")
    login(client, coach)
    return World(ids[0], ids[1], near, farther)


def run_ids(app: Flask) -> list[int]:
    with app.app_context():
        return list(get_session().scalars(select(AllocationRun.id).order_by(AllocationRun.id)))


def lines_of(app: Flask, run_id: int) -> dict[int, AllocationLine]:
    """The run's lines by student id."""
    with app.app_context():
        rows = get_session().scalars(select(AllocationLine).where(AllocationLine.run_id == run_id))
        return {ln.student_id: ln for ln in rows}


def start_run(client: FlaskClient, students: list[int]) -> int:
    response = post(
        client,
        "/school/toewijzing",
        {"programme": PROGRAMME, "students": [str(s) for s in students]},
    )
    assert response.status_code == 302, html(response)
    match = re.fullmatch(r"/school/toewijzing/(\d+)", response.headers["Location"])
    assert match, response.headers["Location"]
    return int(match.group(1))


def proposal_form(**changes: Any) -> dict[str, Any]:
    deadline = add_working_days(TODAY, 5)
    return {
        "slot_1": f"{add_working_days(TODAY, 8).isoformat()}T10:00",
        "location": "school",
        "location_note": "",
        "note": "",
        "respond_by": deadline.isoformat(),
        **changes,
    }


def checkbox(page: str, name: str, value: int) -> str:
    """The checkbox of a row, or "" when the page has none."""
    match = re.search(rf'<input type="checkbox" name="{name}" value="{value}"[^>]*>', page)
    return match.group(0) if match else ""


# --- Choosing the students ----------------------------------------------------------------


def test_the_programmes_students_are_ticked_unless_they_left_or_have_an_agreement(
    app: Flask, client: FlaskClient, world: World
) -> None:
    lotte = student(app, world.school_id, "Lotte")
    waiting = student(app, world.school_id, "Mats", is_ready_for_work=False)
    left = student(app, world.school_id, "Nele", left_on=TODAY - timedelta(days=2))
    agreed = student(app, world.school_id, "Omar")
    with app.app_context():
        session = get_session()
        session.add(
            Agreement(
                student_id=agreed,
                recognition_id=world.near,
                agreement_type=AgreementType.OAO,
                start_date=TODAY,
                end_date=TODAY + timedelta(days=365),
                weekly_workplace_hours=24,
            )
        )
        session.commit()
    student(app, world.other_school_id, "Gaston")
    student(app, world.school_id, "Pieter", programme="logistiek-duaal")

    page = html(client.get(f"/school/toewijzing?opleiding={PROGRAMME}"))

    assert "checked" in checkbox(page, "students", lotte)
    assert "checked" in checkbox(page, "students", waiting)
    assert "Geen advies van de klassenraad" in page
    assert checkbox(page, "students", left) and "checked" not in checkbox(page, "students", left)
    assert "checked" not in checkbox(page, "students", agreed)
    assert "Heeft al een overeenkomst" in page
    assert "Gaston" not in page
    assert "Pieter" not in page  # another programme: chosen from the list above
    assert "Logistiek duaal" in page


def test_with_one_programme_its_students_show_at_once(
    app: Flask, client: FlaskClient, world: World
) -> None:
    lotte = student(app, world.school_id, "Lotte")
    page = html(client.get("/school/toewijzing"))
    assert "checked" in checkbox(page, "students", lotte)


def test_an_unknown_programme_is_refused_on_the_page(
    app: Flask, client: FlaskClient, world: World
) -> None:
    student(app, world.school_id, "Lotte")
    response = client.get("/school/toewijzing?opleiding=bestaat-niet")
    assert response.status_code == 400
    assert field_error(html(response), "opleiding") == "Kies een opleiding uit de lijst."


def test_a_run_without_students_is_refused_at_the_list(
    app: Flask, client: FlaskClient, world: World
) -> None:
    student(app, world.school_id, "Lotte")
    response = post(client, "/school/toewijzing", {"programme": PROGRAMME})
    assert response.status_code == 400
    assert field_error(html(response), "students") == "Kies minstens één leerling."
    assert run_ids(app) == []


def test_another_schools_student_cannot_be_run(
    app: Flask, client: FlaskClient, world: World
) -> None:
    student(app, world.school_id, "Lotte")
    stranger = student(app, world.other_school_id, "Gaston")
    response = post(
        client, "/school/toewijzing", {"programme": PROGRAMME, "students": [str(stranger)]}
    )
    assert response.status_code == 400
    assert "Gaston" not in html(response)
    assert run_ids(app) == []


def test_a_malformed_student_id_is_refused_in_words(
    app: Flask, client: FlaskClient, world: World
) -> None:
    student(app, world.school_id, "Lotte")
    response = post(client, "/school/toewijzing", {"programme": PROGRAMME, "students": ["x"]})
    assert response.status_code == 400
    assert field_error(html(response), "students") == "Kies leerlingen uit de lijst."


# --- Reviewing a run ------------------------------------------------------------------------


def test_the_review_says_per_student_where_and_why_or_why_not(
    app: Flask, client: FlaskClient, world: World
) -> None:
    lotte = student(app, world.school_id, "Lotte")
    noor = student(app, world.school_id, "Noor", home_postcode="8530")
    jens = student(app, world.school_id, "Jens")  # a third for two places: one goes without
    waiting = student(app, world.school_id, "Mats", is_ready_for_work=False)

    run_id = start_run(client, [lotte, noor, jens, waiting])
    page = html(client.get(f"/school/toewijzing/{run_id}"))

    lines = lines_of(app, run_id)
    placed = [s for s, ln in lines.items() if ln.recognition_id is not None]
    # Three students for two single places: the lottery decides who goes without.
    assert len(placed) == 2
    assert {lines[s].recognition_id for s in placed} == {world.near, world.farther}
    assert "Elektro Aerts" in page and "Installaties Desmet" in page
    assert "Keuze 1 (van 2) van de leerling" in page  # the nearest is everyone's first or second
    assert "kandidaten voor de werkplek" in page
    (unplaced,) = {lotte, noor, jens} - set(placed)
    assert "volzet met leerlingen die ze hoger rangschikken" in page
    assert "Geen advies van de klassenraad" in page
    for s in placed:
        assert "checked" in checkbox(page, "lines", lines[s].id)
    assert checkbox(page, "lines", lines[unplaced].id) == ""
    assert "Lotingscode" in page
    # Nothing was sent: a run is a draft.
    assert count(app, Intake) == 0
    assert count(app, OutboxMessage) == 0


def test_another_schools_run_is_not_found(app: Flask, client: FlaskClient, world: World) -> None:
    run_id = start_run(client, [student(app, world.school_id, "Lotte")])
    with app.app_context():
        session = get_session()
        other_coach = factories.user(
            session, Role.SCHOOL_STAFF, session.get(School, world.other_school_id)
        )
        session.commit()
    login(client, other_coach)
    assert client.get(f"/school/toewijzing/{run_id}").status_code == 404
    response = post(client, f"/school/toewijzing/{run_id}/voorstellen", proposal_form(lines="1"))
    assert response.status_code == 404
    assert "Lotte" not in html(client.get("/school/toewijzing"))


def test_only_school_staff_reach_the_pages(app: Flask, client: FlaskClient, world: World) -> None:
    post(client, "/afmelden")
    anonymous = client.get("/school/toewijzing")
    assert anonymous.status_code == 302
    assert anonymous.headers["Location"].startswith("/aanmelden")
    with app.app_context():
        company = factories.user(get_session(), Role.COMPANY)
        get_session().commit()
    login(client, company)
    assert client.get("/school/toewijzing").status_code == 403


# --- Proposing from a run ---------------------------------------------------------------------


def test_the_ticked_lines_become_proposals_and_a_second_click_makes_none(
    app: Flask, client: FlaskClient, world: World
) -> None:
    lotte = student(app, world.school_id, "Lotte")
    noor = student(app, world.school_id, "Noor", home_postcode="8530")
    run_id = start_run(client, [lotte, noor])
    lines = lines_of(app, run_id)
    form = proposal_form(lines=[str(lines[lotte].id), str(lines[noor].id)])

    response = post(client, f"/school/toewijzing/{run_id}/voorstellen", form)

    assert response.status_code == 302, html(response)
    assert response.headers["Location"] == f"/school/toewijzing/{run_id}"
    with app.app_context():
        made = get_session().scalars(select(Intake)).all()
        assert {(i.student_id, i.recognition_id, i.status) for i in made} == {
            (lotte, lines[lotte].recognition_id, IntakeStatus.PROPOSED),
            (noor, lines[noor].recognition_id, IntakeStatus.PROPOSED),
        }
    assert count(app, OutboxMessage) == 2
    page = html(client.get(f"/school/toewijzing/{run_id}"))
    assert "2 voorstellen verstuurd" in page
    assert checkbox(page, "lines", lines[lotte].id) == ""  # a link to the proposal instead
    assert "wacht op het bedrijf" in page

    again = post(client, f"/school/toewijzing/{run_id}/voorstellen", form)

    assert again.status_code == 409
    assert "al een voorstel gemaakt" in html(again)
    assert count(app, Intake) == 2
    assert count(app, OutboxMessage) == 2


def test_one_refused_line_stops_every_proposal_and_says_which(
    app: Flask, client: FlaskClient, world: World
) -> None:
    lotte = student(app, world.school_id, "Lotte")
    noor = student(app, world.school_id, "Noor", home_postcode="8530")
    run_id = start_run(client, [lotte, noor])
    lines = lines_of(app, run_id)
    with app.app_context():
        session = get_session()
        row = session.get(Student, noor)
        assert row is not None
        row.is_ready_for_work = False  # the class council changed its mind after the run
        session.commit()

    response = post(
        client,
        f"/school/toewijzing/{run_id}/voorstellen",
        proposal_form(lines=[str(lines[lotte].id), str(lines[noor].id)]),
    )

    assert response.status_code == 400
    page = html(response)
    assert "Er is geen enkel voorstel verstuurd" in page
    assert "aanloopfase" in field_error(page, f"line-{lines[noor].id}")
    assert field_error(page, f"line-{lines[lotte].id}") == ""
    assert "checked" in checkbox(page, "lines", lines[lotte].id)
    assert count(app, Intake) == 0
    assert count(app, OutboxMessage) == 0


def test_a_bad_term_is_shown_once_at_its_field(
    app: Flask, client: FlaskClient, world: World
) -> None:
    lotte = student(app, world.school_id, "Lotte")
    noor = student(app, world.school_id, "Noor", home_postcode="8530")
    run_id = start_run(client, [lotte, noor])
    lines = lines_of(app, run_id)

    response = post(
        client,
        f"/school/toewijzing/{run_id}/voorstellen",
        proposal_form(
            lines=[str(lines[lotte].id), str(lines[noor].id)],
            respond_by=(TODAY + timedelta(days=1)).isoformat(),
        ),
    )

    assert response.status_code == 400
    page = html(response)
    assert "werkdagen om te antwoorden" in field_error(page, "respond_by")
    assert page.count("werkdagen om te antwoorden") == 2  # at the field and in the summary
    assert count(app, Intake) == 0


def test_proposing_without_a_ticked_line_or_time_is_refused(
    app: Flask, client: FlaskClient, world: World
) -> None:
    run_id = start_run(client, [student(app, world.school_id, "Lotte")])
    nothing = post(client, f"/school/toewijzing/{run_id}/voorstellen", proposal_form())
    assert nothing.status_code == 400
    assert field_error(html(nothing), "lines") == "Vink minstens één leerling met een werkplek aan."
    line = next(iter(lines_of(app, run_id).values()))
    no_time = post(
        client,
        f"/school/toewijzing/{run_id}/voorstellen",
        proposal_form(lines=str(line.id), slot_1=""),
    )
    assert no_time.status_code == 400
    assert field_error(html(no_time), "slot_1") == "Vul dit in."
    assert count(app, Intake) == 0


def test_earlier_runs_are_listed(app: Flask, client: FlaskClient, world: World) -> None:
    run_id = start_run(client, [student(app, world.school_id, "Lotte")])
    page = html(client.get("/school/toewijzing"))
    assert f'href="/school/toewijzing/{run_id}"' in page
    assert "1 met een werkplek" in page


def test_deadline_defaults_on_the_review(app: Flask, client: FlaskClient, world: World) -> None:
    run_id = start_run(client, [student(app, world.school_id, "Lotte")])
    page = html(client.get(f"/school/toewijzing/{run_id}"))
    default: date = add_working_days(TODAY, 5)
    assert f'value="{default.isoformat()}"' in page
