"""The agreement pages, through the test client (DOMAIN.md step 6 and "Training days").

The coach drafts an agreement from an interview recorded as a match and sees its type
with the rule that decides it before saving, or the refusal at its field with the rule
named; coach and company each confirm (the same side twice is a clear 409), and a
company that finds the last place gone meanwhile gets a clear 409 with nothing stored.
Ending early asks twice and gives the place back. The coach's students list puts the
most urgent clock first and asks "uitgestroomd?"; a school keeps its own days off; a
partnership sees how many agreements run, never who.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from models import (
    Agreement,
    Intake,
    OutboxMessage,
    Recognition,
    School,
    SchoolDayOff,
    Student,
    User,
)
from models.base import today_in_belgium, utcnow
from models.enums import AgreementType, IntakeOutcome, IntakeStatus, Role
from models.rules import add_years
from tests import factories
from tests.clients import login, post
from tests.pages import count, field_error, html
from web.db import get_session
from web.services import agreements
from web.services.policy import Party

COACH_NAME = "Sofie Claeys"
COMPANY_USER_NAME = "Jan Aerts"
MENTOR = ("Godelieve", "Vanhoutteghem")
START = today_in_belgium() + timedelta(days=14)
END = START + timedelta(days=300)
TERMS = {"start_date": START.isoformat(), "end_date": END.isoformat(), "weekly_hours": "23"}
OAO_NAME = "overeenkomst alternerende opleiding (OAO)"


@dataclass(frozen=True)
class World:
    """A school with a coach, a company with a login, a recognised workplace with a
    mentor and one free place, and a student whose interview there was a match."""

    school_id: int
    coach_id: int
    company_id: int
    company_user_id: int
    recognition_id: int
    student_id: int
    intake_id: int


def matched(session: Any, student: Student, recognition: Recognition) -> Intake:
    """An interview between the student and the workplace, recorded as a match."""
    intake = Intake(
        student_id=student.id,
        recognition_id=recognition.id,
        status=IntakeStatus.ACCEPTED,
        outcome=IntakeOutcome.MATCH,
        respond_by=today_in_belgium(),
        scheduled_at=utcnow() - timedelta(days=2),
    )
    session.add(intake)
    session.flush()
    return intake


@pytest.fixture
def world(app: Flask) -> World:
    with app.app_context():
        session = get_session()
        school = factories.school(session, name="VTI Kortrijk", email="duaal@vti.be")
        coach = factories.user(session, Role.SCHOOL_STAFF, school, name=COACH_NAME)
        company = factories.company(session, name="Elektro Aerts", email="info@aerts.be")
        company_user = factories.user(session, Role.COMPANY, company, name=COMPANY_USER_NAME)
        mentor = factories.mentor(session, company, first_name=MENTOR[0], last_name=MENTOR[1])
        site = factories.site(session, owner=company, name="Werkplaats Kortrijk")
        recognition = factories.recognition(
            session, at=site, mentor=mentor, n_places=2, n_free_places=1, last_confirmed_at=utcnow()
        )
        student = factories.student(
            session,
            school=school,
            first_name="Cas",
            last_name="Verhaeghe",
            birth_date=date(2010, 3, 3),
            is_ready_for_work=True,
        )
        intake = matched(session, student, recognition)
        session.commit()
        return World(
            school.id,
            coach.id,
            company.id,
            company_user.id,
            recognition.id,
            student.id,
            intake.id,
        )


def signed_in(app: Flask, user_id: int) -> FlaskClient:
    client = app.test_client()
    with app.app_context():
        user = get_session().get(User, user_id)
        assert user is not None
    login(client, user)
    return client


@pytest.fixture
def coach(app: Flask, world: World) -> FlaskClient:
    return signed_in(app, world.coach_id)


@pytest.fixture
def company(app: Flask, world: World) -> FlaskClient:
    return signed_in(app, world.company_user_id)


def in_db(app: Flask, change: Callable[[Any], Any]) -> Any:
    """Run `change` on the app's session and commit; return what it returns."""
    with app.app_context():
        session = get_session()
        result = change(session)
        session.commit()
        return result


def the_agreement(app: Flask, agreement_id: int | None = None) -> Agreement:
    with app.app_context():
        query = select(Agreement).order_by(Agreement.id.desc())
        if agreement_id is not None:
            query = query.where(Agreement.id == agreement_id)
        found = get_session().scalar(query)
        assert found is not None
        return found


def free_places(app: Flask, world: World) -> int:
    with app.app_context():
        recognition = get_session().get(Recognition, world.recognition_id)
        assert recognition is not None
        return recognition.n_free_places


def form_url(world: World) -> str:
    return f"/school/voorstellen/{world.intake_id}/overeenkomst"


def draft(coach: FlaskClient, world: World, **terms: str) -> int:
    """Draft the match's agreement through the form; return its id."""
    answer = post(coach, form_url(world), {**TERMS, **terms, "action": "save"})
    assert answer.status_code == 302, html(answer)
    match = re.fullmatch(r"/school/overeenkomsten/(\d+)", answer.headers["Location"])
    assert match is not None, answer.headers["Location"]
    return int(match[1])


def errors_of(page: str) -> str:
    """The summary of what a form refused."""
    start = page.index('class="errors"')
    return page[start : page.index("</div>", start)]


# --- Drafting from a match ---------------------------------------------------------------


def test_a_match_leads_to_the_form_with_the_type_and_its_rule(
    coach: FlaskClient, world: World
) -> None:
    intake_page = html(coach.get(f"/school/voorstellen/{world.intake_id}"))
    assert f'href="{form_url(world)}"' in intake_page

    page = html(coach.get(form_url(world)))

    assert 'value="23"' in page  # the programme's weekly hours
    assert OAO_NAME in page
    assert "20 uur of meer per week op de werkplek: OAO" in page
    assert "aangeduid door het bedrijf" in page  # the mentor, not named to the school
    assert MENTOR[1] not in page
    assert 'name="wants_da"' not in page  # this programme offers no DA


def test_checking_shows_the_type_for_other_hours_and_stores_nothing(
    app: Flask, coach: FlaskClient, world: World
) -> None:
    answer = post(coach, form_url(world), {**TERMS, "weekly_hours": "12", "action": "check"})

    page = html(answer)
    assert answer.status_code == 200
    assert "stageovereenkomst alternerende opleiding (SAO)" in page
    assert "minder dan 20 uur per week op de werkplek: SAO" in page
    assert "De regels laten deze overeenkomst toe" in page
    assert count(app, Agreement) == 0


def test_drafting_saves_the_agreement_and_tells_the_company(
    app: Flask, coach: FlaskClient, world: World
) -> None:
    agreement_id = draft(coach, world)

    saved = the_agreement(app, agreement_id)
    assert saved.agreement_type is AgreementType.OAO
    assert (saved.start_date, saved.end_date, saved.weekly_workplace_hours) == (START, END, 23)
    assert saved.signed_at is None
    assert count(app, OutboxMessage, OutboxMessage.recipient == "info@aerts.be") == 1
    page = html(coach.get(f"/school/overeenkomsten/{agreement_id}"))
    assert "wacht op de bevestiging van school en bedrijf" in page
    assert "20 uur of meer per week op de werkplek: OAO" in page
    assert "Bevestigen voor de school" in page
    # The intake page and the students list lead to it now.
    assert f"/school/overeenkomsten/{agreement_id}" in html(
        coach.get(f"/school/voorstellen/{world.intake_id}")
    )
    assert "Bevestig de overeenkomst met Elektro Aerts" in html(coach.get("/school"))


def test_a_second_draft_of_the_same_match_is_a_clear_conflict(
    app: Flask, coach: FlaskClient, world: World
) -> None:
    draft(coach, world)

    again = post(coach, form_url(world), {**TERMS, "action": "save"})

    assert again.status_code == 409
    assert "Voor dit gesprek bestaat al een overeenkomst." in html(again)
    assert count(app, Agreement) == 1
    assert coach.get(form_url(world)).status_code == 302  # on to the agreement


def test_a_part_time_contract_is_offered_only_where_the_programme_allows_it(
    app: Flask, coach: FlaskClient, world: World
) -> None:
    # Posted anyway where it is not offered: the hours decide.
    post(coach, form_url(world), {**TERMS, "wants_da": "y", "action": "save"})
    assert the_agreement(app).agreement_type is AgreementType.OAO

    def allow_da(session: Any) -> None:
        recognition = session.get(Recognition, world.recognition_id)
        recognition.programme.allows_da = True

    in_db(app, allow_da)
    other = in_db(
        app,
        lambda session: (
            matched(
                session,
                factories.student(session, school=session.get(School, world.school_id)),
                session.get(Recognition, world.recognition_id),
            ).id
        ),
    )
    url = f"/school/voorstellen/{other}/overeenkomst"
    assert 'name="wants_da"' in html(coach.get(url))
    checked = html(post(coach, url, {**TERMS, "wants_da": "y", "action": "check"}))
    assert "deeltijdse arbeidsovereenkomst (DA)" in checked
    assert "sociale Maribel" in checked


def signed_agreement(session: Any, recognition: Recognition, **fields: Any) -> Agreement:
    """An agreement of another student of the school, signed and running over the
    period of `TERMS`."""
    now = utcnow()
    school = session.scalar(select(School).where(School.name == "VTI Kortrijk"))
    values: dict[str, Any] = {
        "student_id": factories.student(session, school=school).id,
        "recognition_id": recognition.id,
        "mentor_id": recognition.mentor_id,
        "agreement_type": AgreementType.OAO,
        "start_date": START - timedelta(days=30),
        "end_date": END,
        "weekly_workplace_hours": 23,
        "school_confirmed_at": now,
        "company_confirmed_at": now,
        "signed_at": now,
        **fields,
    }
    row = Agreement(**values)
    session.add(row)
    session.flush()
    return row


def no_mentor(session: Any, world: World) -> None:
    session.get(Recognition, world.recognition_id).mentor_id = None


def mentor_coaches_two(session: Any, world: World) -> None:
    recognition = session.get(Recognition, world.recognition_id)
    for _ in range(2):
        signed_agreement(session, recognition)


def student_has_one(session: Any, world: World) -> None:
    elsewhere = factories.recognition(session)
    elsewhere.mentor = factories.mentor(session, elsewhere.site.company)
    signed_agreement(session, elsewhere, student_id=world.student_id)


def nothing(session: Any, world: World) -> None:
    pass


DECIDED = today_in_belgium() - timedelta(days=100)  # factories.recognition


@pytest.mark.parametrize(
    ("setup", "terms", "field", "rule"),
    [
        pytest.param(
            nothing,
            {"start_date": (DECIDED - timedelta(days=1)).isoformat()},
            "start_date",
            "niet erkend voor deze opleiding",
            id="before-the-recognition",
        ),
        pytest.param(
            nothing,
            {"end_date": (add_years(START, 3) + timedelta(days=1)).isoformat()},
            "end_date",
            "Een OAO duurt hoogstens 3 jaar.",
            id="oao-over-three-years",
        ),
        pytest.param(
            nothing,
            {"end_date": START.isoformat()},
            "end_date",
            "Het einde ligt na de start.",
            id="ends-before-it-starts",
        ),
        pytest.param(
            nothing, {"weekly_hours": "41"}, "weekly_hours", "uren per week", id="too-many-hours"
        ),
        pytest.param(no_mentor, {}, None, "nog geen mentor", id="no-mentor"),
        pytest.param(
            mentor_coaches_two, {}, None, "al 2 leerlingen, het maximum", id="mentor-full"
        ),
        pytest.param(
            student_has_one, {}, "start_date", "al een overeenkomst", id="student-has-one"
        ),
    ],
)
@pytest.mark.parametrize("action", ["check", "save"])
def test_each_refusal_is_shown_in_the_form_with_its_rule(
    app: Flask,
    coach: FlaskClient,
    world: World,
    setup: Callable[[Any, World], None],
    terms: dict[str, str],
    field: str | None,
    rule: str,
    action: str,
) -> None:
    in_db(app, lambda session: setup(session, world))
    before = count(app, Agreement)

    answer = post(coach, form_url(world), {**TERMS, **terms, "action": action})

    page = html(answer)
    assert answer.status_code == 400
    assert rule in errors_of(page)
    if field is not None:
        assert rule in field_error(page, field)
    assert count(app, Agreement) == before


def test_only_a_match_starts_an_agreement(app: Flask, coach: FlaskClient, world: World) -> None:
    def not_yet(session: Any) -> None:
        session.get(Intake, world.intake_id).outcome = None

    in_db(app, not_yet)

    page = html(coach.get(form_url(world)))
    refused = post(coach, form_url(world), {**TERMS, "action": "save"})

    assert "Een overeenkomst start van een intakegesprek dat een match was" in page
    assert "<form" not in page.split('id="inhoud"')[1]
    assert refused.status_code == 400
    assert count(app, Agreement) == 0


# --- Confirming and signing ----------------------------------------------------------------


def test_both_sides_confirm_and_then_the_agreement_is_signed(
    app: Flask, coach: FlaskClient, company: FlaskClient, world: World
) -> None:
    agreement_id = draft(coach, world)
    school_confirm = f"/school/overeenkomsten/{agreement_id}/bevestigen"
    company_confirm = f"/bedrijf/overeenkomsten/{agreement_id}/bevestigen"
    assert "1 overeenkomst wacht op je bevestiging" in html(company.get("/bedrijf"))

    assert post(coach, school_confirm).status_code == 302
    page = html(coach.get(f"/school/overeenkomsten/{agreement_id}"))
    assert f"door {COACH_NAME}" in page
    assert "wacht op de bevestiging van het bedrijf" in page
    listed = html(company.get("/bedrijf/overeenkomsten"))
    for shown in ("Cas Verhaeghe", "Elektrotechnieken duaal", "VTI Kortrijk", OAO_NAME):
        assert shown in listed
    assert f"{MENTOR[0]} {MENTOR[1]}" in listed
    assert "2010" not in listed  # never the birth date
    assert f"door {COACH_NAME}" in listed

    assert post(company, company_confirm).status_code == 302
    signed = the_agreement(app, agreement_id)
    assert signed.signed_at is not None
    assert signed.company_confirmed_by_id == world.company_user_id
    assert free_places(app, world) == 0
    assert "getekend" in html(company.get("/bedrijf/overeenkomsten"))
    page = html(coach.get(f"/school/overeenkomsten/{agreement_id}"))
    assert f"door {COMPANY_USER_NAME}" in page
    assert "Overeenkomst met Elektro Aerts getekend" in html(coach.get("/school"))


def test_confirming_twice_says_it_is_confirmed_and_changes_nothing(
    app: Flask, coach: FlaskClient, company: FlaskClient, world: World
) -> None:
    """Pressed twice, or confirmed in another tab: the page says where it stands."""
    agreement_id = draft(coach, world)
    url = f"/school/overeenkomsten/{agreement_id}/bevestigen"
    assert post(coach, url).status_code == 302
    coach.get(f"/school/overeenkomsten/{agreement_id}")  # shows the first press's message
    first = the_agreement(app, agreement_id).school_confirmed_at

    again = post(coach, url)

    assert again.status_code == 302
    assert again.headers["Location"].endswith(f"/school/overeenkomsten/{agreement_id}")
    assert "zodra ook de andere kant bevestigt" in html(coach.get(again.headers["Location"]))
    assert the_agreement(app, agreement_id).school_confirmed_at == first
    post(company, f"/bedrijf/overeenkomsten/{agreement_id}/bevestigen")
    company.get("/bedrijf/overeenkomsten")
    signed_at = the_agreement(app, agreement_id).signed_at
    company_again = post(company, f"/bedrijf/overeenkomsten/{agreement_id}/bevestigen")
    assert company_again.status_code == 302
    assert "getekend" in html(company.get("/bedrijf/overeenkomsten"))
    assert the_agreement(app, agreement_id).signed_at == signed_at
    assert free_places(app, world) == 0


def test_when_the_last_place_went_meanwhile_the_company_is_told_and_nothing_is_stored(
    app: Flask, coach: FlaskClient, company: FlaskClient, world: World
) -> None:
    first = draft(coach, world)
    second_intake = in_db(
        app,
        lambda session: (
            matched(
                session,
                factories.student(session, school=session.get(School, world.school_id)),
                session.get(Recognition, world.recognition_id),
            ).id
        ),
    )
    second = draft(coach, World(**{**world.__dict__, "intake_id": second_intake}))
    for agreement_id in (first, second):
        post(coach, f"/school/overeenkomsten/{agreement_id}/bevestigen")
    assert post(company, f"/bedrijf/overeenkomsten/{first}/bevestigen").status_code == 302

    refused = post(company, f"/bedrijf/overeenkomsten/{second}/bevestigen")

    assert refused.status_code == 409
    assert "geen vrije plaats meer" in html(refused)
    assert "Er werd niets opgeslagen." in html(refused)
    unsigned = the_agreement(app, second)
    assert (unsigned.company_confirmed_at, unsigned.signed_at) == (None, None)
    assert free_places(app, world) == 0


# --- Ending early ----------------------------------------------------------------------------


def signed(app: Flask, coach: FlaskClient, company: FlaskClient, world: World, **terms: str) -> int:
    agreement_id = draft(coach, world, **terms)
    post(coach, f"/school/overeenkomsten/{agreement_id}/bevestigen")
    post(company, f"/bedrijf/overeenkomsten/{agreement_id}/bevestigen")
    assert the_agreement(app, agreement_id).signed_at is not None
    return agreement_id


def test_ending_early_asks_first_then_gives_the_place_back_and_restarts_the_clock(
    app: Flask, coach: FlaskClient, company: FlaskClient, world: World
) -> None:
    agreement_id = signed(app, coach, company, world)
    url = f"/school/overeenkomsten/{agreement_id}/beeindigen"
    last_day = START + timedelta(days=40)
    form = {"ended_on": last_day.isoformat(), "reason": "De leerling verhuist."}
    assert coach.get(url).status_code == 200

    asked = post(coach, url, form)

    assert asked.status_code == 200
    assert "Ja, beëindigen" in html(asked)
    assert the_agreement(app, agreement_id).ended_on is None
    assert free_places(app, world) == 0

    done = post(coach, url, {**form, "confirmed": "yes"})

    assert done.status_code == 302
    ended = the_agreement(app, agreement_id)
    assert (ended.ended_on, ended.end_reason) == (last_day, "De leerling verhuist.")
    assert free_places(app, world) == 1
    page = html(coach.get(f"/school/overeenkomsten/{agreement_id}"))
    assert "vroeger beëindigd" in page
    assert "De leerling verhuist." in page
    with app.app_context():
        party = Party(Role.SCHOOL_STAFF, school_id=world.school_id)
        clock = agreements.clock_of(get_session(), party, world.student_id, last_day)
        assert clock is not None
        assert clock.started_on == last_day + timedelta(days=1)
    # Once ended, it cannot end again.
    assert post(coach, url, {**form, "confirmed": "yes"}).status_code == 409
    assert free_places(app, world) == 1


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        ({"ended_on": (START - timedelta(days=1)).isoformat()}, "ended_on", "vanaf de start"),
        ({"ended_on": END.isoformat()}, "ended_on", "vóór het geplande einde"),
        ({"reason": ""}, "reason", "Vul dit in."),
    ],
)
def test_an_early_end_the_rules_refuse_says_why_at_its_field(
    app: Flask,
    coach: FlaskClient,
    company: FlaskClient,
    world: World,
    form: dict[str, str],
    field: str,
    message: str,
) -> None:
    agreement_id = signed(app, coach, company, world)
    values = {"ended_on": (START + timedelta(days=5)).isoformat(), "reason": "Verhuis"}

    for confirmed in ("", "yes"):
        answer = post(
            coach,
            f"/school/overeenkomsten/{agreement_id}/beeindigen",
            {**values, **form, "confirmed": confirmed},
        )
        assert answer.status_code == 400
        assert message in field_error(html(answer), field)
    assert the_agreement(app, agreement_id).ended_on is None


def test_an_agreement_not_yet_signed_cannot_end_early(
    app: Flask, coach: FlaskClient, world: World
) -> None:
    agreement_id = draft(coach, world)
    answer = post(
        coach,
        f"/school/overeenkomsten/{agreement_id}/beeindigen",
        {"ended_on": (START + timedelta(days=5)).isoformat(), "reason": "x", "confirmed": "yes"},
    )
    assert answer.status_code == 409
    assert "Alleen een getekende, lopende overeenkomst" in html(answer)


# --- The training-day clock on the students list --------------------------------------------


def row_of(page: str, last_name: str) -> str:
    start = page.index(f" {last_name}</a>")
    return page[page.rindex("<tr>", 0, start) : page.index("</tr>", start)]


def test_the_students_list_puts_the_most_urgent_clock_first(
    app: Flask, coach: FlaskClient, world: World
) -> None:
    today = today_in_belgium()

    def students(session: Any) -> None:
        school = session.get(School, world.school_id)
        for last_name, start, time_up in (
            ("Dewulf", None, None),
            ("Claes", today + timedelta(days=7), None),
            ("Bos", today - timedelta(days=10), None),
            ("Aerts", today - timedelta(days=200), today - timedelta(days=150)),
        ):
            factories.student(
                session,
                school=school,
                first_name="Lien",
                last_name=last_name,
                lessons_start_date=start,
                time_up_on=time_up,
            )

    in_db(app, students)

    page = html(coach.get("/school"))

    positions = [page.index(f"Lien {name}") for name in ("Aerts", "Bos", "Claes", "Dewulf")]
    assert positions == sorted(positions)
    assert "geen meer" in row_of(page, "Aerts")
    assert "uitgestroomd?" in row_of(page, "Aerts")
    assert "uitgestroomd?" not in row_of(page, "Bos")
    assert "nog 20<" in row_of(page, "Claes")
    assert "start onbekend" in row_of(page, "Dewulf")


@pytest.fixture
def time_up(app: Flask, world: World) -> int:
    """A student whose 20 training days ran out, with a proposal still open."""

    def make(session: Any) -> int:
        student = factories.student(
            session,
            school=session.get(School, world.school_id),
            first_name="Lien",
            last_name="Aerts",
            lessons_start_date=today_in_belgium() - timedelta(days=200),
            time_up_on=today_in_belgium() - timedelta(days=1),
        )
        session.add(
            Intake(
                student_id=student.id,
                recognition_id=world.recognition_id,
                status=IntakeStatus.PROPOSED,
                respond_by=today_in_belgium() + timedelta(days=5),
            )
        )
        return int(student.id)

    return int(in_db(app, make))


def test_the_coach_confirms_that_a_student_whose_time_is_up_leaves(
    app: Flask, coach: FlaskClient, world: World, time_up: int
) -> None:
    url = f"/school/leerlingen/{time_up}/uitgestroomd"
    assert "Ja, de leerling stroomt uit" in html(coach.get(url))

    answer = post(coach, url, {"decision": "leaves"})

    assert answer.status_code == 302
    with app.app_context():
        session = get_session()
        student = session.get(Student, time_up)
        assert student is not None  # nothing is deleted
        assert student.left_on == today_in_belgium()
        statuses = session.scalars(select(Intake.status).where(Intake.student_id == time_up))
        assert list(statuses) == [IntakeStatus.WITHDRAWN]
    assert count(app, OutboxMessage, OutboxMessage.recipient == "info@aerts.be") == 1
    assert "Uit het duaal traject sinds" in row_of(html(coach.get("/school")), "Aerts")
    again = post(coach, url, {"decision": "stays"})
    assert again.status_code == 409
    assert "al beslist" in html(again)


def test_the_coach_may_keep_a_student_whose_time_is_up(
    app: Flask, coach: FlaskClient, time_up: int
) -> None:
    answer = post(coach, f"/school/leerlingen/{time_up}/uitgestroomd", {"decision": "stays"})

    assert answer.status_code == 302
    with app.app_context():
        student = get_session().get(Student, time_up)
        assert student is not None
        assert (student.left_on, student.time_up_on) == (None, None)
    assert "uitgestroomd?" not in row_of(html(coach.get("/school")), "Aerts")


# --- The school's own days off ---------------------------------------------------------------


def days_off(app: Flask, world: World) -> list[date]:
    with app.app_context():
        return list(
            get_session().scalars(
                select(SchoolDayOff.day)
                .where(SchoolDayOff.school_id == world.school_id)
                .order_by(SchoolDayOff.day)
            )
        )


def test_a_school_adds_and_removes_its_own_days_off(
    app: Flask, coach: FlaskClient, world: World
) -> None:
    assert "nog geen eigen vrije dagen" in html(coach.get("/school/vrije-dagen"))

    one = post(coach, "/school/vrije-dagen", {"first_day": "2027-03-10", "reason": "Studiedag"})
    week = post(coach, "/school/vrije-dagen", {"first_day": "2027-03-08", "last_day": "2027-03-14"})

    assert (one.status_code, week.status_code) == (302, 302)
    assert days_off(app, world) == [date(2027, 3, d) for d in (8, 9, 10, 11, 12)]
    page = html(coach.get("/school/vrije-dagen"))
    assert "4 vrije dagen toegevoegd." in page  # the flash of the second
    assert "1 dag stond er al" in page  # the 10th, kept as it was, with its reason
    assert "Studiedag" in page

    removed = post(coach, "/school/vrije-dagen/2027-03-09/verwijderen")
    again = post(coach, "/school/vrije-dagen/2027-03-09/verwijderen")

    assert removed.status_code == 302
    assert again.status_code == 409
    assert "niets veranderd" in html(again)
    assert date(2027, 3, 9) not in days_off(app, world)
    assert post(coach, "/school/vrije-dagen/geen-dag/verwijderen").status_code == 404


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        ({"first_day": "2029-01-10"}, "first_day", "2025-2026, 2026-2027, 2027-2028"),
        ({"first_day": "2026-07-15"}, "first_day", "schooljaar dat de kalender kent"),
        ({"first_day": "2027-03-10", "last_day": "2027-03-09"}, "last_day", "niet vóór"),
        ({"first_day": "2027-03-01", "last_day": "2027-04-15"}, "last_day", "hoogstens 31"),
        ({"first_day": "2027-03-13"}, "first_day", "zaterdag en zondag"),
        ({"first_day": ""}, "first_day", "Geef een datum"),
    ],
)
def test_a_day_off_the_calendar_cannot_hold_is_refused_at_its_field(
    app: Flask, coach: FlaskClient, world: World, form: dict[str, str], field: str, message: str
) -> None:
    answer = post(coach, "/school/vrije-dagen", form)

    assert answer.status_code == 400
    assert message in field_error(html(answer), field)
    assert days_off(app, world) == []


def test_a_day_off_stops_the_clock_of_the_schools_students(
    app: Flask, coach: FlaskClient, world: World
) -> None:
    def starts(session: Any) -> None:
        session.get(Student, world.student_id).lessons_start_date = date(2027, 3, 8)

    in_db(app, starts)
    party = Party(Role.SCHOOL_STAFF, school_id=world.school_id)

    def left_on_friday() -> int | None:
        with app.app_context():
            clock = agreements.clock_of(get_session(), party, world.student_id, date(2027, 3, 12))
            assert clock is not None
            return clock.days_left

    assert left_on_friday() == 15
    post(coach, "/school/vrije-dagen", {"first_day": "2027-03-10"})
    assert left_on_friday() == 16


# --- Who sees what ---------------------------------------------------------------------------


def test_a_partnership_sees_how_many_agreements_run_and_never_who(
    app: Flask, coach: FlaskClient, company: FlaskClient, world: World
) -> None:
    signed(app, coach, company, world, start_date=today_in_belgium().isoformat())
    consultant = in_db(
        app,
        lambda session: (
            factories.user(
                session, Role.CONSULTANT, factories.partnership(session, "Elektro en installatie")
            ).id
        ),
    )
    client = signed_in(app, consultant)

    page = html(client.get(f"/partnerschap/erkenningen/{world.recognition_id}"))
    found = html(client.get("/partnerschap/erkenningen?q=Aerts"))

    assert "1 getekende overeenkomst loopt vandaag" in page
    assert "1 lopende overeenkomst" in found
    for name in ("Cas", "Verhaeghe"):
        assert name not in page
        assert name not in found


def test_another_school_or_company_finds_no_agreement(
    app: Flask, coach: FlaskClient, world: World
) -> None:
    agreement_id = draft(coach, world)
    other_coach, other_company = in_db(
        app,
        lambda session: (
            factories.user(session, Role.SCHOOL_STAFF, factories.school(session)).id,
            factories.user(session, Role.COMPANY, factories.company(session)).id,
        ),
    )
    school_b, company_b = signed_in(app, other_coach), signed_in(app, other_company)

    assert school_b.get(f"/school/overeenkomsten/{agreement_id}").status_code == 404
    assert post(school_b, f"/school/overeenkomsten/{agreement_id}/bevestigen").status_code == 404
    assert school_b.get(form_url(world)).status_code == 404
    assert "Verhaeghe" not in html(school_b.get("/school/overeenkomsten"))
    assert post(company_b, f"/bedrijf/overeenkomsten/{agreement_id}/bevestigen").status_code == 404
    assert "Verhaeghe" not in html(company_b.get("/bedrijf/overeenkomsten"))
    assert "Er wacht geen overeenkomst" in html(company_b.get("/bedrijf/overeenkomsten"))
    assert the_agreement(app, agreement_id).school_confirmed_at is None
    assert coach.get("/bedrijf/overeenkomsten").status_code == 403
