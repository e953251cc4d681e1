"""The coach's pages under /school, through the test client.

The students with their status and next step and the new offers beside them; adding a
student by form and a class from CSV (all or nothing, every bad line listed, the same
student updated rather than doubled, the learner ages of DOMAIN.md); a student's ranked
suggestions, which leave out what the student went through; proposing an intake
interview; and following it up: taking a company's time, withdrawing, recording the
outcome, and a clear 409 when someone else acted first.
"""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from models import (
    Announcement,
    Intake,
    IntakeSlot,
    OutboxMessage,
    Postcode,
    Recognition,
    School,
    Student,
    StudentInterest,
)
from models.base import BELGIUM, today_in_belgium
from models.calendar import add_working_days
from models.enums import IntakeOutcome, IntakeStatus, LearnerType, Mobility, Role
from models.rules import (
    LEARNER_TOO_OLD,
    LEARNER_TOO_YOUNG,
    add_years,
    learner_age_problem,
    school_year_start,
)
from tests import factories
from tests.clients import login, post
from tests.pages import count, field_error, html
from web.db import get_session
from web.services import student_import
from web.services.policy import Party
from web.services.student_import import StudentDataError

PROGRAMME = "elektrotechnieken-duaal"
EXAMPLE = Path(__file__).resolve().parents[3] / "docs" / "students-example.csv"
HEADER = "voornaam;familienaam;geboortedatum;opleiding;postcode;vervoer;arbeidsrijp;start_lessen"


# --- The learner ages (DOMAIN.md, "Learners") -----------------------------------------

SEPTEMBER = date(2026, 9, 1)


@pytest.mark.parametrize(
    ("birth_date", "day", "after_first_grade", "expected"),
    [
        pytest.param(date(2011, 9, 1), SEPTEMBER, True, None, id="15-today-after-first-grade"),
        pytest.param(date(2011, 9, 2), SEPTEMBER, True, LEARNER_TOO_YOUNG, id="15-tomorrow"),
        pytest.param(date(2011, 1, 1), SEPTEMBER, False, LEARNER_TOO_YOUNG, id="15-no-grade"),
        pytest.param(date(2010, 9, 1), SEPTEMBER, False, None, id="16-today"),
        # Up to the school year in which they turn 25: 2026-27 for a 25th birthday in it.
        pytest.param(date(2002, 8, 31), date(2027, 8, 31), True, None, id="turns-25-in-year"),
        pytest.param(date(2001, 9, 1), SEPTEMBER, True, None, id="turns-25-on-first-day"),
        pytest.param(date(2001, 8, 31), SEPTEMBER, True, LEARNER_TOO_OLD, id="turned-25-before"),
    ],
)
def test_the_learner_ages(
    birth_date: date, day: date, after_first_grade: bool, expected: str | None
) -> None:
    problem = learner_age_problem(
        birth_date, day, after_first_grade=after_first_grade, learner_type=LearnerType.SECONDARY
    )
    assert problem == expected


def test_adult_programmes_have_no_upper_age() -> None:
    assert (
        learner_age_problem(
            date(1985, 1, 1), SEPTEMBER, after_first_grade=True, learner_type=LearnerType.ADULT
        )
        is None
    )


def test_a_school_year_starts_on_1_september() -> None:
    assert school_year_start(date(2027, 8, 31)) == date(2026, 9, 1)
    assert school_year_start(date(2027, 9, 1)) == date(2027, 9, 1)


# --- The world: a coach's school, a workplace nearby ----------------------------------


@dataclass(frozen=True)
class World:
    school_id: int
    coach_id: int
    other_school_id: int
    company_id: int
    recognition_id: int  # a workplace near the school with a free place


def place(session: Session, postcode: str) -> dict[str, Any]:
    row = session.get(Postcode, postcode)
    assert row is not None
    return {"postcode": postcode, "lat": row.lat, "lon": row.lon}


def workplace(session: Session, name: str, postcode: str = "8500", **fields: Any) -> Recognition:
    """A recognised workplace with a free place, confirmed yesterday."""
    company = factories.company(session, name=name, email=f"{name.split()[0].lower()}@x.be")
    site = factories.site(session, owner=company, **place(session, postcode))
    values = {"last_confirmed_at": datetime.now(UTC) - timedelta(days=1), **fields}
    return factories.recognition(session, at=site, **values)


@pytest.fixture
def world(app: Flask, client: FlaskClient) -> World:
    """A school in Kortrijk with a signed-in coach, another school, and a workplace."""
    with app.app_context():
        session = get_session()
        school = factories.school(session, name="VTI Kortrijk", **place(session, "8500"))
        coach = factories.user(session, Role.SCHOOL_STAFF, school, name="Sofie Claeys")
        other = factories.school(session, name="Sint-Jozef Brugge", **place(session, "8000"))
        recognition = workplace(session, "Elektro Aerts")
        session.commit()
        made = World(school.id, coach.id, other.id, recognition.site.company_id, recognition.id)
    login(client, coach)
    return made


def student(app: Flask, school_id: int, **fields: Any) -> int:
    with app.app_context():
        session = get_session()
        values: dict[str, Any] = {
            "first_name": "Lotte",
            "birth_date": add_years(today_in_belgium(), -17),
            "is_ready_for_work": True,
            **fields,
        }
        row = factories.student(session, school=session.get(School, school_id), **values)
        session.commit()
        return row.id


def belgian(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=BELGIUM).astimezone(UTC)


def intake(
    app: Flask, student_id: int, recognition_id: int, status: IntakeStatus, **fields: Any
) -> int:
    """A proposal in a given state, with one time of the coach's (and one of the company's
    when countered)."""
    with app.app_context():
        session = get_session()
        later = add_working_days(today_in_belgium(), 10)
        row = Intake(
            student_id=student_id,
            recognition_id=recognition_id,
            status=status,
            respond_by=add_working_days(today_in_belgium(), 5),
            slots=[IntakeSlot(starts_at=belgian(later), offered_by="school")],
            **fields,
        )
        if status is IntakeStatus.COUNTERED:
            row.slots.append(IntakeSlot(starts_at=belgian(later, 14), offered_by="company"))
        session.add(row)
        session.commit()
        return row.id


def status_of(app: Flask, intake_id: int) -> Intake:
    with app.app_context():
        row = get_session().get(Intake, intake_id)
        assert row is not None
        return row


# --- The students ---------------------------------------------------------------------


def test_the_students_with_their_status_and_next_step(
    app: Flask, client: FlaskClient, world: World
) -> None:
    other_workplace = app_workplace(app, "Koeltechniek Desmet")
    proposed = student(app, world.school_id, first_name="Anouk")
    intake(app, proposed, world.recognition_id, IntakeStatus.PROPOSED)
    planned = student(app, world.school_id, first_name="Bram")
    intake(
        app,
        planned,
        world.recognition_id,
        IntakeStatus.ACCEPTED,
        scheduled_at=belgian(add_working_days(today_in_belgium(), 3)),
    )
    agreed = student(app, world.school_id, first_name="Cas")
    intake(
        app,
        agreed,
        other_workplace,
        IntakeStatus.ACCEPTED,
        scheduled_at=belgian(today_in_belgium() - timedelta(days=3)),
        outcome=IntakeOutcome.MATCH,
    )
    countered = student(app, world.school_id, first_name="Dries")
    intake(app, countered, world.recognition_id, IntakeStatus.COUNTERED)
    student(app, world.school_id, first_name="Elif")
    student(app, world.school_id, first_name="Fien", is_ready_for_work=False)
    student(app, world.other_school_id, first_name="Gaston")

    page = html(client.get("/school"))

    rows = {name: row_of(page, name) for name in ("Anouk", "Bram", "Cas", "Dries", "Elif", "Fien")}
    assert "voorgesteld" in rows["Anouk"]
    assert "Elektro Aerts antwoordt uiterlijk op" in rows["Anouk"]
    assert "gesprek gepland" in rows["Bram"]
    assert "Gesprek met Elektro Aerts op" in rows["Bram"]
    assert "overeenkomst volgt" in rows["Cas"]
    assert "Stel de overeenkomst met Koeltechniek Desmet op" in rows["Cas"]
    assert "Kies een moment dat Elektro Aerts voorstelt" in rows["Dries"]
    assert "geen voorstel" in rows["Elif"]
    assert "Stel een intakegesprek voor" in rows["Elif"]
    assert "Aanloopfase" in rows["Fien"]
    assert "Gaston" not in page


def row_of(page: str, name: str) -> str:
    """The table row of the student whose first name is `name`."""
    start = page.index(f">{name} ")
    return page[page.rindex("<tr>", 0, start) : page.index("</tr>", start)]


def app_workplace(app: Flask, name: str, postcode: str = "8500", **fields: Any) -> int:
    with app.app_context():
        row = workplace(get_session(), name, postcode, **fields)
        get_session().commit()
        return row.id


def test_the_students_wishes_and_the_new_offers(
    app: Flask, client: FlaskClient, world: World
) -> None:
    lotte = student(app, world.school_id, first_name="Lotte")
    student(app, world.school_id, first_name="Mats", is_ready_for_work=False)
    with app.app_context():
        session = get_session()
        session.add(StudentInterest(student_id=lotte, recognition_id=world.recognition_id))
        session.add(
            Announcement(
                recognition_id=world.recognition_id,
                message="Vanaf september een plaats in onze werkplaats.",
                radius_km=25.0,
                created_at=datetime.now(UTC) - timedelta(days=1),
            )
        )
        session.commit()

    page = html(client.get("/school"))

    assert "Elektro Aerts" in row_of(page, "Lotte")  # her wish
    offers = page[page.index('id="aanbod"') :]
    assert "Vanaf september een plaats in onze werkplaats." in offers
    assert f"/school/leerlingen/{lotte}/voorstellen/{world.recognition_id}" in offers
    assert "Mats" not in offers  # not ready for work yet


# --- Adding a student by form ---------------------------------------------------------

STUDENT_FORM = {
    "first_name": "Yasmine",
    "last_name": "Van den Broeck",
    "programme": PROGRAMME,
    "home_postcode": "8530",
    "mobility": "public_transport",
    "is_ready_for_work": "y",
    "lessons_start_date": "",
}


def age_form(age: int) -> dict[str, str]:
    born = add_years(today_in_belgium(), -age) - timedelta(days=30)
    return {**STUDENT_FORM, "birth_date": born.isoformat()}


def test_a_coach_adds_a_student(app: Flask, client: FlaskClient, world: World) -> None:
    response = post(client, "/school/leerlingen/nieuw", age_form(16))

    assert response.status_code == 302
    with app.app_context():
        added = get_session().scalar(select(Student).where(Student.first_name == "Yasmine"))
        assert added is not None
        assert added.school_id == world.school_id
        assert added.mobility is Mobility.PUBLIC_TRANSPORT
        assert added.is_ready_for_work
    assert response.headers["Location"] == f"/school/leerlingen/{added.id}"


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        pytest.param(age_form(14), "birth_date", "minstens 15 jaar", id="too-young"),
        pytest.param(age_form(30), "birth_date", "waarin de leerling 25 wordt", id="too-old"),
        pytest.param({"home_postcode": "0999"}, "home_postcode", "Onbekende postcode", id="pc"),
        pytest.param({"programme": ""}, "programme", "Vul dit in", id="no-programme"),
        pytest.param({"first_name": " "}, "first_name", "Vul dit in", id="no-name"),
    ],
)
def test_the_form_refuses_what_an_import_refuses(
    app: Flask, client: FlaskClient, world: World, changes: dict[str, str], field: str, words: str
) -> None:
    response = post(client, "/school/leerlingen/nieuw", {**age_form(16), **changes})

    assert response.status_code == 400
    assert words in field_error(html(response), field)
    assert count(app, Student) == 0


def test_the_form_refuses_a_student_the_school_has(
    app: Flask, client: FlaskClient, world: World
) -> None:
    assert post(client, "/school/leerlingen/nieuw", age_form(16)).status_code == 302

    again = post(client, "/school/leerlingen/nieuw", {**age_form(16), "first_name": "yasmine"})

    assert again.status_code == 400
    assert "al een leerling met deze naam" in field_error(html(again), "first_name")
    assert count(app, Student) == 1


# --- Importing a class ----------------------------------------------------------------


def upload(client: FlaskClient, content: str | bytes) -> Any:
    data = content.encode() if isinstance(content, str) else content
    return post(
        client,
        "/school/leerlingen/importeren",
        {"file": (BytesIO(data), "klas.csv")},
        content_type="multipart/form-data",
    )


def born(age: int) -> date:
    return add_years(today_in_belgium(), -age) - timedelta(days=40)


def students_of(app: Flask, school_id: int) -> dict[str, Student]:
    with app.app_context():
        rows = get_session().scalars(select(Student).where(Student.school_id == school_id))
        return {f"{s.first_name} {s.last_name}": s for s in rows}


def test_a_class_is_imported_with_either_separator_and_date_format(
    app: Flask, client: FlaskClient, world: World
) -> None:
    semicolons = "\ufeff" + "\r\n".join(
        [
            HEADER,
            f"Lotte;Maes;{born(16).isoformat()};{PROGRAMME};8500;fiets;ja;2026-09-01",
            f"Yusuf;El Amrani;{born(17):%d/%m/%Y};Elektrotechnieken duaal;8530;Openbaar vervoer;"
            "nee;",
            "",
        ]
    )
    commas = "\n".join(
        [
            "Voornaam,Familienaam,Geboortedatum,Opleiding,Postcode,Vervoer,Arbeidsrijp",
            f'"Jan, junior",Peeters,{born(18).isoformat()},{PROGRAMME},8000,auto,JA',
        ]
    )

    first = upload(client, semicolons)
    second = upload(client, commas)

    assert first.status_code == second.status_code == 302
    found = students_of(app, world.school_id)
    assert set(found) == {"Lotte Maes", "Yusuf El Amrani", "Jan, junior Peeters"}
    assert found["Yusuf El Amrani"].mobility is Mobility.PUBLIC_TRANSPORT
    assert not found["Yusuf El Amrani"].is_ready_for_work
    assert found["Lotte Maes"].lessons_start_date == date(2026, 9, 1)
    assert found["Jan, junior Peeters"].lessons_start_date is None
    assert "3 leerlingen" not in html(client.get("/school"))  # the flash said it already
    assert count(app, Student, Student.school_id == world.other_school_id) == 0


def test_a_reimport_updates_instead_of_doubling(
    app: Flask, client: FlaskClient, world: World
) -> None:
    line = f"Lotte;Maes;{born(16).isoformat()};{PROGRAMME};8500;fiets;nee;"
    assert upload(client, f"{HEADER}\n{line}").status_code == 302

    again = upload(client, f"{HEADER}\nlotte;MAES;{born(16):%d/%m/%Y};{PROGRAMME};8530;fiets;ja;")

    assert again.status_code == 302
    found = students_of(app, world.school_id)
    assert list(found) == ["lotte MAES"]
    assert found["lotte MAES"].home_postcode == "8530"
    assert found["lotte MAES"].is_ready_for_work
    flashed = html(client.get("/school"))
    assert "0 toegevoegd, 1 bijgewerkt" in flashed


def test_a_bad_file_stores_nothing_and_lists_every_bad_line(
    app: Flask, client: FlaskClient, world: World
) -> None:
    existing = student(app, world.school_id, first_name="Lotte", last_name="Maes")
    lines = [
        HEADER,
        f"Lotte;Maes;{born(16).isoformat()};{PROGRAMME};8530;fiets;ja;",  # fine: an update
        f"Anouk;Desmet;{born(16).isoformat()};{PROGRAMME};8500;fiets;ja;",  # fine: new
        f"Bram;Claes;{born(13).isoformat()};{PROGRAMME};8500;fiets;ja;",  # 4: too young
        f"Cas;Dewulf;{born(30).isoformat()};{PROGRAMME};8500;fiets;ja;",  # 5: too old
        "",
        "Dries;Vermeersch;31/02/2009;lasser;12345;paard;misschien;gisteren",  # 7: six faults
        f";Peeters;{born(16).isoformat()};{PROGRAMME};8500;te voet;nee;",  # 8: no first name
        f"Anouk;Desmet;{born(16).isoformat()};{PROGRAMME};8500;fiets;ja;",  # 9: twice
        f"Elif;Yilmaz;{born(16).isoformat()};{PROGRAMME};8500;fiets;ja;;extra",  # 10
    ]

    response = upload(client, "\n".join(lines))

    assert response.status_code == 400
    page = html(response)
    problems = problem_rows(page)
    assert {line for line, _column, _text in problems} == {4, 5, 7, 8, 9, 10}
    by_line: dict[int, dict[str, str]] = {}
    for line, column, text in problems:
        by_line.setdefault(line, {})[column] = text
    assert "minstens 15 jaar" in by_line[4]["geboortedatum"]
    assert "25 wordt" in by_line[5]["geboortedatum"]
    assert set(by_line[7]) == {
        "geboortedatum",
        "opleiding",
        "postcode",
        "vervoer",
        "arbeidsrijp",
        "start_lessen",
    }
    assert "Vul dit in" in by_line[8]["voornaam"]
    assert "regel 3" in by_line[9]["voornaam"]
    assert "meer waarden" in by_line[10]["–"]
    # Nothing was stored: not the good lines, not the update.
    found = students_of(app, world.school_id)
    assert list(found) == ["Lotte Maes"]
    assert found["Lotte Maes"].id == existing
    assert found["Lotte Maes"].home_postcode == "8500"


def problem_rows(page: str) -> list[tuple[int, str, str]]:
    """The (line, column, message) rows of the import's list of problems."""
    table = page[page.index('class="queue problems') : page.index("</table>")]
    rows = re.findall(
        r'<tr><th scope="row"[^>]*>(\d*)</th><td[^>]*>([^<]*)</td><td>([^<]*)</td>', table
    )
    return [(int(line or 0), column, text) for line, column, text in rows]


@pytest.mark.parametrize(
    ("content", "words"),
    [
        pytest.param(b"voornaam;familienaam\nLotte;Maes\n", "mist de kolom", id="header"),
        pytest.param(f"{HEADER};klas\n".encode(), "Onbekende kolom", id="unknown-column"),
        pytest.param(f"{HEADER}\nJosé;Maes".encode("latin-1"), "UTF-8", id="not-utf8"),
        pytest.param(f"{HEADER}\nLotte;Maes".encode("utf-16"), "UTF-8", id="utf-16"),
        pytest.param(f"{HEADER}\nLo\x00tte;Maes".encode(), "UTF-8", id="a-nul"),
        pytest.param(b"", "leeg", id="empty"),
        pytest.param(f"{HEADER}\n".encode(), "geen leerlingen", id="only-a-header"),
    ],
)
def test_a_file_that_cannot_be_read_says_why(
    app: Flask, client: FlaskClient, world: World, content: bytes, words: str
) -> None:
    response = upload(client, content)

    assert response.status_code == 400
    assert words in html(response)
    assert count(app, Student) == 0


def test_an_import_without_a_file_is_refused(client: FlaskClient, world: World) -> None:
    response = post(client, "/school/leerlingen/importeren", {})

    assert response.status_code == 400
    assert "Kies een bestand" in field_error(html(response), "file")


def test_the_documented_example_imports(session: Session) -> None:
    school = factories.school(session)
    party = Party(Role.SCHOOL_STAFF, school_id=school.id)

    result = student_import.import_students(session, party, EXAMPLE.read_bytes(), date(2026, 9, 1))

    assert result.added == len(EXAMPLE.read_text().strip().splitlines()) - 1
    assert result.updated == result.unchanged == 0


def test_the_refusal_names_every_problem_for_the_service_caller(session: Session) -> None:
    party = Party(Role.SCHOOL_STAFF, school_id=factories.school(session).id)
    content = f"{HEADER}\nLotte;Maes;2001-01-01;{PROGRAMME};8500;fiets;ja;\n"

    with pytest.raises(StudentDataError) as refused:
        student_import.import_students(session, party, content.encode(), date(2026, 9, 1))

    (problem,) = refused.value.problems
    assert (problem.line, problem.column) == (2, "geboortedatum")


# --- A student's page and suggestions -------------------------------------------------


def test_suggestions_leave_out_what_the_student_went_through(
    app: Flask, client: FlaskClient, world: World
) -> None:
    lotte = student(app, world.school_id, first_name="Lotte")
    declined = app_workplace(app, "Declined Vandamme")
    no_match = app_workplace(app, "Nomatch Verhaeghe")
    still_open = app_workplace(app, "Open Lambrecht")
    withdrawn = app_workplace(app, "Withdrawn Goethals")
    app_workplace(app, "Volzet Bossuyt", n_free_places=0)
    intake(app, lotte, declined, IntakeStatus.DECLINED)
    intake(
        app,
        lotte,
        no_match,
        IntakeStatus.ACCEPTED,
        scheduled_at=belgian(today_in_belgium() - timedelta(days=2)),
        outcome=IntakeOutcome.NO_MATCH,
        outcome_note="Geen klik.",
    )
    intake(app, lotte, still_open, IntakeStatus.PROPOSED)
    intake(app, lotte, withdrawn, IntakeStatus.WITHDRAWN)
    # The company of the first workplace answered one of its two due proposals in time.
    anouk = student(app, world.school_id, first_name="Anouk")
    intake(
        app,
        anouk,
        world.recognition_id,
        IntakeStatus.DECLINED,
        answered_at=datetime.now(UTC) - timedelta(days=1),
    )
    intake(
        app,
        student(app, world.school_id, first_name="Bram"),
        world.recognition_id,
        IntakeStatus.EXPIRED,
    )

    page = html(client.get(f"/school/leerlingen/{lotte}"))

    suggestions = page[page.index('id="suggesties"') :]
    assert "Elektro Aerts" in suggestions
    assert "Withdrawn Goethals" in suggestions
    for left_out in ("Declined Vandamme", "Nomatch Verhaeghe", "Open Lambrecht", "Volzet"):
        assert left_out not in suggestions
    assert "3 werkplekken zijn weggelaten" in suggestions
    assert "beantwoordt 1 van 2 voorstellen op tijd" in suggestions
    assert "nog geen voorstellen" in suggestions
    assert f"/school/leerlingen/{lotte}/voorstellen/{world.recognition_id}" in suggestions
    assert "km van" in suggestions  # the reasons, worded as in the public search
    # Each suggestion says its distance once, the same in its summary and its reason.
    distances = re.findall(r"<span>([\d,]+) km</span>.*?<li>([\d,]+) km van", suggestions, re.S)
    assert distances and all(shown == said for shown, said in distances), distances
    # Her proposals, with their state and the company's answer.
    proposals = page[page.index('id="voorstellen"') : page.index('id="suggesties"')]
    assert "afgewezen door het bedrijf" in proposals
    assert "geen match" in proposals


def test_another_schools_student_is_not_found(
    app: Flask, client: FlaskClient, world: World
) -> None:
    theirs = student(app, world.other_school_id, first_name="Gaston")

    for path in (
        f"/school/leerlingen/{theirs}",
        f"/school/leerlingen/{theirs}/voorstellen/{world.recognition_id}",
    ):
        assert client.get(path).status_code == 404


# --- Proposing ------------------------------------------------------------------------


def proposal_form(**changes: str) -> dict[str, str]:
    later = add_working_days(today_in_belgium(), 8)
    values = {
        "slot_1": f"{later.isoformat()}T10:00",
        "slot_2": f"{later.isoformat()}T14:30",
        "slot_3": "",
        "location": "school",
        "location_note": "Lokaal B12",
        "note": "Lotte is sterk in elektriciteit.",
        "respond_by": add_working_days(today_in_belgium(), 5).isoformat(),
    }
    values.update(changes)
    return values


def test_the_propose_page_shows_what_the_company_will_see(
    app: Flask, client: FlaskClient, world: World
) -> None:
    lotte = student(
        app, world.school_id, first_name="Lotte", last_name="Vanhoutte", home_postcode="8530"
    )

    page = html(client.get(f"/school/leerlingen/{lotte}/voorstellen/{world.recognition_id}"))

    default = add_working_days(today_in_belgium(), 5).isoformat()
    assert f'value="{default}"' in page  # the default deadline
    shown = page[page.index('id="bedrijf-ziet"') :]
    assert "Lotte" in shown
    assert "17 jaar" in shown
    assert "VTI Kortrijk" in shown
    for never in ("Vanhoutte", "8530"):
        assert never not in shown


def test_a_coach_proposes_and_the_company_is_told(
    app: Flask, client: FlaskClient, world: World
) -> None:
    lotte = student(app, world.school_id, first_name="Lotte")

    response = post(
        client, f"/school/leerlingen/{lotte}/voorstellen/{world.recognition_id}", proposal_form()
    )

    assert response.status_code == 302, html(response)
    with app.app_context():
        session = get_session()
        made = session.scalar(select(Intake).where(Intake.student_id == lotte))
        assert made is not None
        assert made.status is IntakeStatus.PROPOSED
        assert [s.offered_by for s in made.slots] == ["school", "school"]
        assert made.location_note == "Lokaal B12"
        mail = session.scalar(
            select(OutboxMessage).where(OutboxMessage.recipient == "elektro@x.be")
        )
        assert mail is not None
    assert response.headers["Location"] == f"/school/voorstellen/{made.id}"
    page = html(client.get(response.headers["Location"]))
    assert "wacht op het bedrijf" in page
    assert "Voorstel intrekken" in page


def test_without_the_class_councils_advice_the_page_explains_the_run_up(
    app: Flask, client: FlaskClient, world: World
) -> None:
    fien = student(app, world.school_id, first_name="Fien", is_ready_for_work=False)
    path = f"/school/leerlingen/{fien}/voorstellen/{world.recognition_id}"

    shown = client.get(path)
    sent = post(client, path, proposal_form())

    assert shown.status_code == 200
    assert "aanloopfase" in html(shown)
    assert '<form method="post" class="panel"' not in html(shown)
    assert sent.status_code == 400
    assert count(app, Intake) == 0


def test_a_proposal_the_rules_refuse_says_why_at_its_field(
    app: Flask, client: FlaskClient, world: World
) -> None:
    lotte = student(app, world.school_id, first_name="Lotte")
    path = f"/school/leerlingen/{lotte}/voorstellen/{world.recognition_id}"

    too_soon = post(client, path, proposal_form(respond_by=today_in_belgium().isoformat()))
    no_time = post(client, path, proposal_form(slot_1="", slot_2=""))

    assert too_soon.status_code == 400
    assert "minstens 2 werkdagen" in field_error(html(too_soon), "respond_by")
    assert no_time.status_code == 400
    assert field_error(html(no_time), "slot_1")
    assert count(app, Intake) == 0


def test_a_workplace_that_is_not_recognised_is_not_found(
    app: Flask, client: FlaskClient, world: World
) -> None:
    lotte = student(app, world.school_id, first_name="Lotte")
    with app.app_context():
        get_session().execute(
            update(Recognition)
            .where(Recognition.id == world.recognition_id)
            .values(valid_until=today_in_belgium())
        )
        get_session().commit()

    assert (
        client.get(f"/school/leerlingen/{lotte}/voorstellen/{world.recognition_id}").status_code
        == 404
    )


# --- Following a proposal up ----------------------------------------------------------


def test_the_coach_takes_one_of_the_companys_times(
    app: Flask, client: FlaskClient, world: World
) -> None:
    lotte = student(app, world.school_id)
    countered = intake(
        app, lotte, world.recognition_id, IntakeStatus.COUNTERED, company_note="Liever later."
    )
    with app.app_context():
        theirs = get_session().scalar(
            select(IntakeSlot).where(
                IntakeSlot.intake_id == countered, IntakeSlot.offered_by == "company"
            )
        )
        assert theirs is not None
        slot_id, starts_at = theirs.id, theirs.starts_at
    page = html(client.get(f"/school/voorstellen/{countered}"))
    assert "Liever later." in page

    response = post(client, f"/school/voorstellen/{countered}/moment", {"slot_id": str(slot_id)})

    assert response.status_code == 302
    taken = status_of(app, countered)
    assert taken.status is IntakeStatus.ACCEPTED
    assert taken.scheduled_at == starts_at


def test_withdrawing_asks_first(app: Flask, client: FlaskClient, world: World) -> None:
    proposed = intake(
        app, student(app, world.school_id), world.recognition_id, IntakeStatus.PROPOSED
    )

    confirm = client.get(f"/school/voorstellen/{proposed}/intrekken")
    assert confirm.status_code == 200
    assert status_of(app, proposed).status is IntakeStatus.PROPOSED

    done = post(client, f"/school/voorstellen/{proposed}/intrekken")

    assert done.status_code == 302
    assert status_of(app, proposed).status is IntakeStatus.WITHDRAWN


def test_the_coach_records_a_match(app: Flask, client: FlaskClient, world: World) -> None:
    planned = intake(
        app,
        student(app, world.school_id),
        world.recognition_id,
        IntakeStatus.ACCEPTED,
        scheduled_at=belgian(today_in_belgium() - timedelta(days=1)),
    )

    no_reason = post(
        client, f"/school/voorstellen/{planned}/uitkomst", {"outcome": "no_match", "note": ""}
    )
    match = post(client, f"/school/voorstellen/{planned}/uitkomst", {"outcome": "match"})

    assert no_reason.status_code == 400
    assert "waarom" in field_error(html(no_reason), "note")
    assert match.status_code == 302
    assert status_of(app, planned).outcome is IntakeOutcome.MATCH
    assert "Overeenkomst volgt." in html(client.get(f"/school/voorstellen/{planned}"))


@pytest.mark.parametrize(
    ("action", "form"),
    [
        pytest.param("intrekken", {}, id="withdraw"),
        pytest.param("moment", {"slot_id": "{company_slot}"}, id="take-a-time"),
    ],
)
def test_who_acts_second_is_told_what_happened_meanwhile(
    app: Flask, client: FlaskClient, world: World, action: str, form: dict[str, str]
) -> None:
    countered = intake(
        app, student(app, world.school_id), world.recognition_id, IntakeStatus.COUNTERED
    )
    with app.app_context():
        session = get_session()
        slot = session.scalar(
            select(IntakeSlot.id).where(
                IntakeSlot.intake_id == countered, IntakeSlot.offered_by == "company"
            )
        )
        # Meanwhile a colleague withdrew it.
        session.execute(
            update(Intake).where(Intake.id == countered).values(status=IntakeStatus.WITHDRAWN)
        )
        session.commit()

    response = post(
        client,
        f"/school/voorstellen/{countered}/{action}",
        {k: v.format(company_slot=slot) for k, v in form.items()},
    )

    assert response.status_code == 409
    assert "veranderde intussen" in html(response)


def test_a_second_outcome_is_a_conflict(app: Flask, client: FlaskClient, world: World) -> None:
    recorded = intake(
        app,
        student(app, world.school_id),
        world.recognition_id,
        IntakeStatus.ACCEPTED,
        scheduled_at=belgian(today_in_belgium() - timedelta(days=1)),
        outcome=IntakeOutcome.NOT_HELD,
    )

    response = post(client, f"/school/voorstellen/{recorded}/uitkomst", {"outcome": "match"})

    assert response.status_code == 409
    assert status_of(app, recorded).outcome is IntakeOutcome.NOT_HELD


def test_another_schools_proposal_is_not_found(
    app: Flask, client: FlaskClient, world: World
) -> None:
    theirs = intake(
        app, student(app, world.other_school_id), world.recognition_id, IntakeStatus.COUNTERED
    )

    assert client.get(f"/school/voorstellen/{theirs}").status_code == 404
    assert client.get(f"/school/voorstellen/{theirs}/intrekken").status_code == 404
    assert post(client, f"/school/voorstellen/{theirs}/intrekken").status_code == 404
    assert (
        post(client, f"/school/voorstellen/{theirs}/uitkomst", {"outcome": "match"}).status_code
        == 404
    )
    assert status_of(app, theirs).status is IntakeStatus.COUNTERED


def test_the_pages_speak_english_too(app: Flask, client: FlaskClient, world: World) -> None:
    lotte = student(app, world.school_id)

    page = html(client.get(f"/school/leerlingen/{lotte}?lang=en"))

    assert "Suggested workplaces" in page
    assert "Propose an intake interview" in page
    assert "Voorgestelde werkplekken" not in page
