"""The signed-in student's pages, through the test client.

`/leerling`: each stage of an intake interview worded for the student, with the time
and the place; their agreements; the workplaces they marked, and removing one. The
*Interessant* button on the results and a workplace's page: for a signed-in student
only, idempotent (twice, or from two tabs, is one mark), refused to other roles, shown
to the coach. The home page greets a signed-in student with the form filled in from
their record, never cached for anyone else; the search leaves out the workplaces whose
minimum age the student does not reach. No student sees another's data, and no other
role sees a student's pages.
"""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from matcher import IntakePreferences
from models import Agreement, Intake, IntakeSlot, Postcode, Recognition, StudentInterest
from models.base import BELGIUM, today_in_belgium, utcnow
from models.calendar import add_working_days
from models.enums import (
    AgreementType,
    IntakeLocation,
    IntakeOutcome,
    IntakeStatus,
    Mobility,
    RecognitionStatus,
    Role,
)
from models.rules import add_years
from tests import factories
from tests.clients import login, post
from tests.pages import count, html
from web.db import get_session

PROGRAMME = "elektrotechnieken-duaal"
OTHER_PROGRAMME = "logistiek-duaal"
SEARCH = f"/zoeken?programme={PROGRAMME}&postcode=8500&radius_km=15"


# --- The world: a school with two signed-up students, workplaces nearby -------------


@dataclass(frozen=True)
class World:
    school_id: int
    lotte: int  # a student of 16, in Kortrijk (8500), with a login
    lotte_user: Any
    jonas: int  # a student of 17 of another school, in Gent (9000), with a login
    jonas_user: Any
    coach: Any
    company_user: Any
    aerts: int  # a workplace in Kortrijk with a free place, no minimum age
    bael: int  # one that takes learners from 18 only


def _place(session: Any, postcode: str) -> dict[str, Any]:
    row = session.get(Postcode, postcode)
    assert row is not None
    return {"postcode": postcode, "lat": row.lat, "lon": row.lon}


def _workplace(session: Any, name: str, postcode: str = "8500", **fields: Any) -> Recognition:
    """A recognised workplace with a free place, confirmed yesterday."""
    company = factories.company(session, name=name)
    site = factories.site(
        session, owner=company, name=f"Werkplaats {name}", **_place(session, postcode)
    )
    values = {"last_confirmed_at": datetime.now(UTC) - timedelta(days=1), **fields}
    return factories.recognition(session, at=site, **values)


@pytest.fixture
def world(app: Flask) -> World:
    with app.app_context():
        session = get_session()
        today = today_in_belgium()
        school = factories.school(
            session,
            name="VTI Kortrijk",
            street="Passionistenlaan 1",
            phone="056 11 22 33",
            **_place(session, "8500"),
        )
        other_school = factories.school(session, name="Sint-Jozef Gent", **_place(session, "9000"))
        lotte = factories.student(
            session,
            school=school,
            first_name="Lotte",
            last_name="Vermeersch",
            birth_date=add_years(today, -16),
            home_postcode="8500",
            is_ready_for_work=True,
        )
        jonas = factories.student(
            session,
            school=other_school,
            programme=factories.programme(session, OTHER_PROGRAMME),
            first_name="Jonas",
            last_name="Desmet",
            birth_date=add_years(today, -17) - timedelta(days=30),
            home_postcode="9000",
            mobility=Mobility.PUBLIC_TRANSPORT,
            is_ready_for_work=True,
        )
        aerts = _workplace(session, "Elektro Aerts")
        bael = _workplace(session, "Elektro Bael", intake_preferences=IntakePreferences(min_age=18))
        made = World(
            school_id=school.id,
            lotte=lotte.id,
            lotte_user=factories.user(session, Role.STUDENT, lotte),
            jonas=jonas.id,
            jonas_user=factories.user(session, Role.STUDENT, jonas),
            coach=factories.user(session, Role.SCHOOL_STAFF, school),
            company_user=factories.user(session, Role.COMPANY, aerts.site.company),
            aerts=aerts.id,
            bael=bael.id,
        )
        session.commit()
        return made


def belgian(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=BELGIUM).astimezone(UTC)


def add_intake(
    app: Flask, student_id: int, company: str, status: IntakeStatus, **fields: Any
) -> int:
    """A proposal to a new workplace of `company`, in a given state."""
    with app.app_context():
        session = get_session()
        recognition = _workplace(session, company)
        later = add_working_days(today_in_belgium(), 10)
        row = Intake(
            student_id=student_id,
            recognition_id=recognition.id,
            status=status,
            respond_by=add_working_days(today_in_belgium(), 5),
            slots=[IntakeSlot(starts_at=belgian(later), offered_by="school")],
            **fields,
        )
        session.add(row)
        session.commit()
        return row.id


def marks(app: Flask, student_id: int) -> set[int]:
    with app.app_context():
        return set(
            get_session().scalars(
                select(StudentInterest.recognition_id).where(
                    StudentInterest.student_id == student_id
                )
            )
        )


def card_of(page: str, heading: str) -> str:
    """The card whose heading starts with `heading`, up to the next card or section."""
    start = page.index(f"<h3>{heading}")
    ends = [page.find(mark, start) for mark in ('<li class="card', "</section>")]
    return page[start : min(end for end in ends if end != -1)]


# --- The overview ---------------------------------------------------------------------

PAST = belgian(today_in_belgium() - timedelta(days=3))
SOON = belgian(add_working_days(today_in_belgium(), 4), 14)


def test_each_stage_of_an_interview_in_words_a_student_understands(
    app: Flask, client: FlaskClient, world: World
) -> None:
    stages = {
        "Proposé": (IntakeStatus.PROPOSED, {}),
        "Counter": (IntakeStatus.COUNTERED, {}),
        "Gepland": (
            IntakeStatus.ACCEPTED,
            {"scheduled_at": SOON, "location": IntakeLocation.COMPANY},
        ),
        "Gehad": (IntakeStatus.ACCEPTED, {"scheduled_at": PAST}),
        "Klik": (
            IntakeStatus.ACCEPTED,
            {"scheduled_at": PAST, "outcome": IntakeOutcome.MATCH},
        ),
        "Nomatch": (
            IntakeStatus.ACCEPTED,
            {"scheduled_at": PAST, "outcome": IntakeOutcome.NO_MATCH, "outcome_note": "Te ver."},
        ),
        "Nietdoor": (
            IntakeStatus.ACCEPTED,
            {"scheduled_at": PAST, "outcome": IntakeOutcome.NOT_HELD},
        ),
        "Neen": (IntakeStatus.DECLINED, {"company_note": "Geen zin in jongeren."}),
        "Stil": (IntakeStatus.EXPIRED, {}),
        "Terug": (IntakeStatus.WITHDRAWN, {}),
        "Vol": (IntakeStatus.FULL, {}),
    }
    for company, (status, fields) in stages.items():
        add_intake(app, world.lotte, f"Bedrijf {company}", status, **fields)
    login(client, world.lotte_user)

    page = html(client.get("/leerling"))

    def card(company: str) -> str:
        return card_of(page, f"Bedrijf {company}")

    assert "Hallo Lotte" in page
    assert "Wacht op het bedrijf" in card("Proposé")
    assert "Het bedrijf antwoordt ten laatste op" in card("Proposé")
    assert "Mogelijke momenten" in card("Proposé")
    # At the school by default (DOMAIN.md step 5): its name and address.
    assert "VTI Kortrijk" in card("Proposé") and "Passionistenlaan 1, 8500 Kortrijk" in card(
        "Proposé"
    )
    assert "Ander moment voorgesteld" in card("Counter")
    planned = card("Gepland")
    assert "Gesprek gepland" in planned
    assert "14:00" in planned
    assert "Stationsstraat 1, 8500 Kortrijk" in planned  # at the company's site
    assert "Gesprek gehad" in card("Gehad")
    assert "Het klikt!" in card("Klik") and "Nu volgt een overeenkomst" in card("Klik")
    for company, label in (
        ("Nomatch", "Geen match"),
        ("Nietdoor", "Ging niet door"),
        ("Neen", "Het bedrijf zei nee"),
        ("Stil", "Geen antwoord"),
        ("Terug", "Stopgezet"),
        ("Vol", "Volzet"),
    ):
        assert label in card(company), company
    # What is over comes after what is under way, folded away.
    assert (
        page.index("Bedrijf Klik") < page.index("eerdere voorstellen") < page.index("Bedrijf Neen")
    )
    # The company's and the coach's words about the student are not for the student.
    assert "Geen zin in jongeren." not in page and "Te ver." not in page


def test_the_students_agreements_with_type_dates_and_state(
    app: Flask, client: FlaskClient, world: World
) -> None:
    today = today_in_belgium()
    with app.app_context():
        session = get_session()
        now = utcnow()
        waiting = _workplace(session, "Bouw Waiting")
        running = _workplace(session, "Bouw Running")
        ended = _workplace(session, "Bouw Ended")
        mentor = factories.mentor(session, owner=running.site.company, first_name="Mieke")
        session.add_all(
            [
                Agreement(
                    student_id=world.lotte,
                    recognition_id=waiting.id,
                    agreement_type=AgreementType.SAO,
                    start_date=today + timedelta(days=20),
                    end_date=today + timedelta(days=300),
                    weekly_workplace_hours=12.5,
                    school_confirmed_at=now,
                ),
                Agreement(
                    student_id=world.lotte,
                    recognition_id=running.id,
                    mentor_id=mentor.id,
                    agreement_type=AgreementType.OAO,
                    start_date=today - timedelta(days=10),
                    end_date=add_years(today, 1),
                    weekly_workplace_hours=24,
                    company_confirmed_at=now,
                    school_confirmed_at=now,
                    signed_at=now,
                ),
                Agreement(
                    student_id=world.lotte,
                    recognition_id=ended.id,
                    agreement_type=AgreementType.SAO,
                    start_date=today - timedelta(days=200),
                    end_date=today + timedelta(days=100),
                    weekly_workplace_hours=16,
                    company_confirmed_at=now,
                    school_confirmed_at=now,
                    signed_at=now,
                    ended_on=today - timedelta(days=30),
                    end_reason="Verhuisd.",
                ),
            ]
        )
        session.commit()
    login(client, world.lotte_user)

    page = html(client.get("/leerling"))

    def card(company: str) -> str:
        return card_of(page, company)

    assert "Nog niet getekend" in card("Bouw Waiting")
    assert "Het bedrijf moet ze nog bevestigen." in card("Bouw Waiting")
    assert "stageovereenkomst alternerende opleiding (SAO)" in card("Bouw Waiting")
    assert "12,5" in card("Bouw Waiting")
    running_card = card("Bouw Running")
    assert "Loopt" in running_card
    assert "overeenkomst alternerende opleiding (OAO)" in running_card
    assert "Je krijgt elke maand een vergoeding." in running_card
    assert "Mieke Peeters" in running_card
    assert "Vroeger gestopt" in card("Bouw Ended")
    assert "Verhuisd." not in page


def test_empty_states_say_what_to_do_next(app: Flask, client: FlaskClient, world: World) -> None:
    login(client, world.lotte_user)

    page = html(client.get("/leerling"))

    assert "Er is nog geen gesprek gepland" in page
    assert "Nog geen overeenkomst" in page
    assert "Je hebt nog geen werkplekken bewaard" in page
    assert 'href="/"' in page  # on to the search
    assert "056 11 22 33" in page  # the school, for questions
    # The training-day clock is the coach's: no countdown for the student.
    assert "trainingsdag" not in page.lower() and "opleidingsdag" not in page.lower()


# --- The Interessant button -----------------------------------------------------------


def mark(
    client: FlaskClient, recognition_id: int, interested: str = "ja", back: str = "werkplek"
) -> Any:
    return post(
        client,
        f"/leerling/interessant/{recognition_id}",
        {"interested": interested, "back": back},
    )


def test_marking_twice_or_from_two_tabs_is_one_mark_and_the_coach_sees_it(
    app: Flask, client: FlaskClient, world: World
) -> None:
    login(client, world.lotte_user)
    second_tab = app.test_client()
    login(second_tab, world.lotte_user)

    first = mark(client, world.aerts)
    again = mark(client, world.aerts)
    other_tab = mark(second_tab, world.aerts)

    for response in (first, again, other_tab):
        assert response.status_code == 302
        assert urlparse(response.headers["Location"]).path == f"/werkplekken/{world.aerts}"
    assert marks(app, world.lotte) == {world.aerts}
    workplace = html(client.get(f"/werkplekken/{world.aerts}"))
    assert 'aria-pressed="true"' in workplace and "Je trajectbegeleider ziet dit." in workplace
    overview = html(client.get("/leerling"))
    assert "Elektro Aerts" in overview and "Verwijderen" in overview

    login(client, world.coach)
    coach_page = html(client.get(f"/school/leerlingen/{world.lotte}"))
    assert "Werkplekken die de leerling interessant vindt" in coach_page
    assert "Elektro Aerts" in coach_page

    login(client, world.lotte_user)
    removed = [mark(client, world.aerts, "nee", "overzicht") for _ in range(2)]
    assert all(r.status_code == 302 for r in removed)
    assert urlparse(removed[0].headers["Location"]).path == "/leerling"
    assert marks(app, world.lotte) == set()
    assert "Je hebt nog geen werkplekken bewaard" in html(client.get("/leerling"))


def test_from_the_results_the_student_comes_back_to_the_same_card(
    app: Flask, client: FlaskClient, world: World
) -> None:
    login(client, world.lotte_user)
    page = html(client.get(SEARCH))
    action = re.search(rf'action="(/leerling/interessant/{world.aerts}[^"]*)"', page)
    assert action is not None
    assert 'aria-pressed="false"' in page

    response = mark(client, world.aerts, back="resultaten")
    back = post(
        client, action.group(1).replace("&amp;", "&"), {"interested": "ja", "back": "resultaten"}
    )

    assert response.status_code == back.status_code == 302
    location = urlparse(back.headers["Location"])
    assert location.path == "/zoeken" and location.fragment == f"werkplek-{world.aerts}"
    assert parse_qs(location.query)["programme"] == [PROGRAMME]
    assert marks(app, world.lotte) == {world.aerts}


@pytest.mark.parametrize(
    "fields",
    [
        {"interested": "misschien", "back": "werkplek"},
        {"interested": "ja", "back": "https://elders.example"},
        {},
    ],
    ids=["interested", "back", "nothing"],
)
def test_a_mangled_button_is_refused_and_stores_nothing(
    app: Flask, client: FlaskClient, world: World, fields: dict[str, str]
) -> None:
    login(client, world.lotte_user)
    response = post(client, f"/leerling/interessant/{world.aerts}", fields)
    assert response.status_code == 400
    assert marks(app, world.lotte) == set()


def test_only_a_workplace_the_search_shows_can_be_marked(
    app: Flask, client: FlaskClient, world: World
) -> None:
    with app.app_context():
        session = get_session()
        expired = _workplace(
            session,
            "Elektro Oud",
            status=RecognitionStatus.EXPIRED,
            valid_until=today_in_belgium() - timedelta(days=1),
        )
        session.commit()
        expired_id = expired.id
    login(client, world.lotte_user)

    assert mark(client, expired_id).status_code == 404
    assert mark(client, 2_000_000).status_code == 404
    assert marks(app, world.lotte) == set()

    # A mark made while the workplace was still recognised stays, said so, until removed.
    with app.app_context():
        session = get_session()
        session.add(StudentInterest(student_id=world.lotte, recognition_id=expired_id))
        session.commit()
    assert "Deze werkplek is niet meer erkend." in html(client.get("/leerling"))
    assert mark(client, expired_id, "nee", "overzicht").status_code == 302
    assert marks(app, world.lotte) == set()


@pytest.mark.parametrize("role", ["anonymous", "coach", "company"])
def test_only_a_signed_in_student_sees_and_uses_the_button(
    app: Flask, client: FlaskClient, world: World, role: str
) -> None:
    if role != "anonymous":
        login(client, world.coach if role == "coach" else world.company_user)

    results = html(client.get(SEARCH))
    workplace = html(client.get(f"/werkplekken/{world.aerts}"))
    response = mark(client, world.aerts)

    assert "Elektro Aerts" in results
    for page in (results, workplace):
        assert "/leerling/interessant/" not in page and "Interessant" not in page
    if role == "anonymous":
        assert response.status_code == 302
        assert urlparse(response.headers["Location"]).path == "/aanmelden"
    else:
        assert response.status_code == 403
    assert count(app, StudentInterest) == 0


# --- Only their own --------------------------------------------------------------------


def test_a_student_never_sees_another_students_data(
    app: Flask, client: FlaskClient, world: World
) -> None:
    add_intake(
        app,
        world.lotte,
        "Bedrijf Lotte",
        IntakeStatus.ACCEPTED,
        scheduled_at=SOON,
    )
    with app.app_context():
        session = get_session()
        session.add(StudentInterest(student_id=world.lotte, recognition_id=world.bael))
        session.commit()
    login(client, world.jonas_user)

    overview = html(client.get("/leerling"))
    home = html(client.get("/"))
    # Removing Lotte's mark as Jonas removes nothing of hers.
    mark(client, world.bael, "nee", "overzicht")

    assert "Hallo Jonas" in overview
    for page in (overview, home):
        for private in ("Lotte", "Vermeersch", "Bedrijf Lotte", "Elektro Bael", "VTI Kortrijk"):
            assert private not in page
    assert "Er is nog geen gesprek gepland" in overview
    assert marks(app, world.lotte) == {world.bael}


@pytest.mark.parametrize("role", ["coach", "company", "consultant", "admin"])
def test_other_roles_get_no_student_page_and_no_student_form(
    app: Flask, client: FlaskClient, world: World, role: str
) -> None:
    with app.app_context():
        session = get_session()
        user = {
            "coach": lambda: world.coach,
            "company": lambda: world.company_user,
            "consultant": lambda: factories.user(session, Role.CONSULTANT),
            "admin": lambda: factories.user(session, Role.ADMIN),
        }[role]()
        session.commit()
    login(client, user)

    assert client.get("/leerling").status_code == 403
    home = html(client.get("/"))
    assert "Hallo" not in home and "Mijn overzicht" not in home
    assert 'name="postcode" type="text" value=""' in home


def test_the_student_page_asks_to_log_in(client: FlaskClient) -> None:
    response = client.get("/leerling")
    assert response.status_code == 302
    assert urlparse(response.headers["Location"]).path == "/aanmelden"


# --- The home page of a signed-in student ----------------------------------------------


def form_values(page: str) -> dict[str, str]:
    """The search form's programme, postcode, age and mobility as the page fills them in."""
    selected = re.findall(r'<option value="([^"]*)" selected>', page)
    postcode = re.search(r'name="postcode" type="text" value="([^"]*)"', page)
    age = re.search(r'name="age"[^>]*value="([^"]*)"', page)
    assert postcode is not None and age is not None
    programmes = [v for v in selected if "duaal" in v]
    mobilities = [v for v in selected if v in ("walk", "bike", "public_transport", "car")]
    return {
        "programme": programmes[0] if programmes else "",
        "postcode": postcode.group(1),
        "age": age.group(1),
        "mobility": mobilities[0] if mobilities else "",
    }


def test_two_students_and_an_anonymous_visitor_each_see_their_own_form(
    app: Flask, world: World
) -> None:
    anonymous, lotte, jonas = app.test_client(), app.test_client(), app.test_client()
    login(lotte, world.lotte_user)
    login(jonas, world.jonas_user)

    # The anonymous form first, so it is the one kept per data version; then each
    # student, then the anonymous visitor again.
    first = html(anonymous.get("/"))
    lotte_page = html(lotte.get("/"))
    jonas_page = html(jonas.get("/"))
    again = html(anonymous.get("/"))
    lotte_again = html(lotte.get("/"))

    empty = {"programme": "", "postcode": "", "age": "", "mobility": "bike"}
    assert form_values(first) == form_values(again) == empty
    assert (
        form_values(lotte_page)
        == form_values(lotte_again)
        == {
            "programme": PROGRAMME,
            "postcode": "8500",
            "age": "16",
            "mobility": "bike",
        }
    )
    assert form_values(jonas_page) == {
        "programme": OTHER_PROGRAMME,
        "postcode": "9000",
        "age": "17",
        "mobility": "public_transport",
    }
    assert "Hallo Lotte" in lotte_page and "Hallo Jonas" in jonas_page
    assert "Hallo" not in first and "Hallo" not in again
    assert "Mijn overzicht" in lotte_page and "Mijn overzicht" not in first
    for page in (lotte_page, jonas_page):
        assert "no-store" in lotte.get("/").headers["Cache-Control"]
        assert 'action="/zoeken"' in page


def test_what_the_student_types_wins_over_the_record(
    app: Flask, client: FlaskClient, world: World
) -> None:
    login(client, world.lotte_user)
    page = html(client.get("/?postcode=9000&age=17"))
    assert form_values(page)["postcode"] == "9000" and form_values(page)["age"] == "17"
    assert form_values(page)["programme"] == PROGRAMME


# --- Leaving out what the student is too young for -------------------------------------


def test_the_search_leaves_out_workplaces_the_student_is_too_young_for(
    client: FlaskClient, world: World
) -> None:
    everyone = html(client.get(SEARCH))
    aged_16 = html(client.get(f"{SEARCH}&age=16"))
    aged_18 = html(client.get(f"{SEARCH}&age=18"))

    assert "Elektro Aerts" in everyone and "Elektro Bael" in everyone
    assert "Elektro Aerts" in aged_16 and "Elektro Bael" not in aged_16
    assert "1 werkplek binnen" in aged_16
    assert "1 werkplek vraagt iemand ouder dan 16 jaar: die laten we weg." in aged_16
    assert "Elektro Bael" in aged_18 and "ouder dan" not in aged_18


def test_the_pages_count_only_what_is_left(app: Flask, client: FlaskClient, world: World) -> None:
    with app.app_context():
        session = get_session()
        for n in range(5):
            _workplace(
                session,
                f"Elektro Extra {n}",
                intake_preferences=IntakePreferences(min_age=18 if n % 2 else 16),
            )
        session.commit()
    # 7 workplaces: 3 ask 18 (Bael, Extra 1, Extra 3); 4 are left for a 16-year-old.
    first = html(client.get(f"{SEARCH}&age=16&limit=3"))
    second = html(client.get(f"{SEARCH}&age=16&limit=3&offset=3"))

    names = re.findall(r">(Elektro [A-Za-z]+(?: \d)?)</a></h2>", first + second)
    assert len(names) == len(set(names)) == 4
    assert not {"Elektro Bael", "Elektro Extra 1", "Elektro Extra 3"} & set(names)
    assert "1–3 van 4" in first and "4–4 van 4" in second
    assert "3 werkplekken vragen iemand ouder dan 16 jaar" in first


def test_a_blank_age_is_no_age_and_a_wrong_one_a_dutch_message(
    client: FlaskClient, world: World
) -> None:
    blank = client.get(f"{SEARCH}&age=")
    wrong = client.get(f"{SEARCH}&age=abc")

    assert blank.status_code == 302
    assert "age" not in parse_qs(urlparse(blank.headers["Location"]).query)
    assert wrong.status_code == 400
    assert "Geef je leeftijd in jaren, tussen 12 en 99, of laat het leeg." in html(wrong)
    assert 'id="age" name="age"' in html(wrong) and 'value="abc"' in html(wrong)


def test_a_student_searching_from_the_filled_in_form_does_not_see_what_is_too_old(
    client: FlaskClient, world: World
) -> None:
    login(client, world.lotte_user)
    values = form_values(html(client.get("/")))

    query = "&".join(f"{k}={v}" for k, v in values.items())
    response = client.get(f"/zoeken?{query}&radius_km=15", follow_redirects=True)

    page = html(response)
    assert "Elektro Aerts" in page and "Elektro Bael" not in page
