"""The school's path in a real browser, as the README's coach walk (issues 12 and 13): a
coach imports a class from a CSV file, opens a student's suggestions and proposes an
intake interview; the company accepts a time; after the interview the coach records a
match, and the student sees it. From the match the coach drafts the agreement, school
and company confirm it, the workplace's last place goes and search stops showing it.

On the way: the student marks the workplace *Interessant* and the coach sees the wish;
a careless double-click stores one proposal and one confirmation; a second tab acting
on a proposal answered meanwhile gets a clear 409; axe finds nothing serious on any
page walked, on a phone and on a laptop.
"""

import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select, update

from models import Agreement, Intake, Recognition, Student, StudentInterest
from models.base import today_in_belgium, utcnow
from models.enums import IntakeOutcome, IntakeStatus, Role
from models.rules import school_year_start
from tests import factories
from tests.browser.conftest import serious_violations, shoot
from web.db import get_session

pytestmark = pytest.mark.browser

PROGRAMME_CODE = "elektrotechnieken-duaal"
COMPANY = "Elektro Vandamme"
COACH = ("coach@sint-jozef.example", "Sofie Claeys")
COMPANY_LOGIN = "stages@vandamme.example"
STUDENT_LOGIN = "noor@sint-jozef.example"
STUDENT = ("Noor", "Declercq")
VIEWPORTS = ((390, 844), (1280, 900))
SEARCH = f"/zoeken?programme={PROGRAMME_CODE}&postcode=8500&radius_km=10"


@dataclass(frozen=True)
class Workplace:
    """What the test stages in the live app's database: a school, a company with a
    recognised workplace near it with one free place and a mentor."""

    school_id: int
    recognition_id: int


def stage(live_app: Flask) -> Workplace:
    """A school with a coach; a company with a login and a workplace with its last place."""
    with live_app.app_context():
        session = get_session()
        school = factories.school(
            session, name="Sint-Jozef Kortrijk", phone="056 20 30 40", email="duaal@sj.example"
        )
        factories.user(session, Role.SCHOOL_STAFF, school, email=COACH[0], name=COACH[1])
        company = factories.company(session, name=COMPANY, email="info@vandamme.example")
        factories.user(session, Role.COMPANY, company, email=COMPANY_LOGIN, name="Jan Vandamme")
        mentor = factories.mentor(session, company, first_name="Bart", last_name="Vandamme")
        site = factories.site(session, owner=company, name="Werkplaats Kortrijk")
        recognition = factories.recognition(
            session,
            at=site,
            programme=factories.programme(session, PROGRAMME_CODE),
            mentor=mentor,
            n_places=1,
            n_free_places=1,
            last_confirmed_at=utcnow(),
        )
        session.commit()
        return Workplace(school.id, recognition.id)


def in_db(live_app: Flask, query: Any) -> Any:
    """Read one value from the live app's database."""
    with live_app.app_context():
        return get_session().scalar(query)


def change_db(live_app: Flask, statement: Any) -> None:
    with live_app.app_context():
        session = get_session()
        session.execute(statement)
        session.commit()


def log_in(page: Any, server_url: str, email: str) -> None:
    page.goto(f"{server_url}/aanmelden")
    page.fill("#email", email)
    page.fill("#password", factories.PASSWORD)
    submit(page, "main form button[type=submit]")


def submit(page: Any, button: str) -> int:
    """Press a submit button; return the HTTP status of the page it leads to."""
    with page.expect_navigation() as navigation:
        page.click(button)
    page.wait_for_load_state()
    return int(navigation.value.status)


def is_post_request(request: Any) -> bool:
    return bool(request.method == "POST")


def press_twice(page: Any, button: str) -> int:
    """Press a submit button, and again before the answer to the first press shows (as
    an impatient user does): the server gets the form twice, the browser shows its
    answer to the second. Return the status of that answer."""
    first: list[int] = []

    def send_first_unseen(route: Any) -> None:
        if route.request.method == "POST" and not first:
            # The server answers the first press; the browser keeps waiting for it.
            first.append(route.fetch(max_redirects=0).status)
        else:
            route.fallback()

    page.route("**/*", send_first_unseen)
    target = page.locator(button)
    target.scroll_into_view_if_needed()
    box = target.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    with page.expect_request(is_post_request):
        page.mouse.click(x, y)
    deadline = time.monotonic() + 5
    while not first and time.monotonic() < deadline:
        page.wait_for_timeout(20)  # the route handler runs while Playwright waits
    assert first, "the first press sent nothing"
    # The first navigation is cancelled: wait for the second's answer, and its page.
    with (
        page.expect_event("framenavigated"),
        page.expect_response(lambda response: is_post_request(response.request)) as answer,
    ):
        page.mouse.click(x, y)
    page.wait_for_load_state()
    status = int(answer.value.status)
    page.unroute("**/*", send_first_unseen)
    assert first[0] < 500, f"the first press got {first[0]}"
    return status


class Walk:
    """The pages walked: a screenshot of each on a phone and a laptop, and what axe
    finds serious or critical there, kept to be asserted all at once at the end."""

    def __init__(self) -> None:
        self.violations: dict[str, list[Any]] = {}

    def look(self, page: Any, name: str) -> None:
        before = page.viewport_size
        for width, height in VIEWPORTS:
            page.set_viewport_size({"width": width, "height": height})
            shoot(page, f"{name}-{width}")
            found = serious_violations(page)
            if found:
                self.violations[f"{name} at {width}px ({page.url})"] = found
        page.set_viewport_size(before)


def class_list(today: date, bad: bool = False) -> bytes:
    """A class of three as the coach's spreadsheet exports it; `bad` spoils two lines."""
    year = school_year_start(today).year
    lines = [
        "voornaam;familienaam;geboortedatum;opleiding;postcode;vervoer;arbeidsrijp;start_lessen",
        f"{STUDENT[0]};{STUDENT[1]};{year - 16}-03-25;{PROGRAMME_CODE};8500;fiets;ja;",
        f"Yusuf;El Amrani;14/11/{year - 17};Elektrotechnieken duaal;8530;openbaar vervoer;ja;",
        f"Zoë;Vandenbroucke;{year - 16}-06-02;{PROGRAMME_CODE};8501;te voet;nee;",
    ]
    if bad:
        lines[2] = lines[2].replace("openbaar vervoer", "paard")
        lines[3] = lines[3].replace(f"{year - 16}-06-02", "31/02/2010")
    return ("\n".join(lines) + "\n").encode()


def upload(page: Any, content: bytes) -> int:
    page.set_input_files(
        "#file", files=[{"name": "klas.csv", "mimeType": "text/csv", "buffer": content}]
    )
    return submit(page, "main form.panel button[type=submit]")


def interview_day(today: date) -> date:
    """A weekday three weeks ahead: well after the company's deadline to answer."""
    day = today + timedelta(days=21)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def test_import_propose_accept_match_agreement_and_the_place_gone(
    live_app: Flask, server_url: str, page: Any, open_page: Any
) -> None:
    workplace = stage(live_app)
    rid = workplace.recognition_id
    today = today_in_belgium()
    walk = Walk()

    # The coach imports a class: a bad file stores nothing and names every bad line.
    log_in(page, server_url, COACH[0])
    assert page.url.endswith("/school")
    page.click("text=Klas importeren (CSV)")
    assert upload(page, class_list(today, bad=True)) == 400
    assert "Niets geïmporteerd" in page.inner_text("#fouten")
    assert page.locator("#fouten tbody th").all_inner_texts() == ["3", "4"]  # line numbers
    walk.look(page, "coach-import-errors")
    assert upload(page, class_list(today)) == 200
    assert page.url.endswith("/school")
    assert "3 toegevoegd" in page.inner_text(".flash")
    student_id = in_db(
        live_app,
        select(Student.id).where(
            Student.school_id == workplace.school_id, Student.first_name == STUDENT[0]
        ),
    )
    assert student_id is not None

    # The student gets a login, finds the workplace in search and marks it Interessant.
    with live_app.app_context():
        session = get_session()
        row = session.get(Student, student_id)
        factories.user(session, Role.STUDENT, row, email=STUDENT_LOGIN)
        session.commit()
    student = open_page(390, 844)
    log_in(student, server_url, STUDENT_LOGIN)
    assert search_shows_workplace(student, server_url, expected=True)
    student.click(f"a[href*='/werkplekken/{rid}']")
    submit(student, "form.interest button[type=submit]")
    assert "interessant" in student.inner_text(".flash").lower()
    assert (
        in_db(live_app, select(func.count()).where(StudentInterest.student_id == student_id)) == 1
    )

    # The coach sees the wish beside the student, then opens the suggestions.
    page.goto(f"{server_url}/school")
    row_of_student = page.locator("tr", has_text=f"{STUDENT[0]} {STUDENT[1]}")
    assert COMPANY in row_of_student.inner_text()
    walk.look(page, "coach-students")
    row_of_student.locator(f"a[href$='/leerlingen/{student_id}']").click()
    page.wait_for_load_state()
    assert COMPANY in page.inner_text("section[aria-labelledby=suggesties] ol.results")
    walk.look(page, "coach-student-suggestions")
    page.click(f"section[aria-labelledby=suggesties] a[href$='/voorstellen/{rid}']")
    page.wait_for_load_state()

    # A time before the company's deadline is refused at its field, in Dutch.
    day = interview_day(today)
    page.fill("#slot_1", f"{(today + timedelta(days=1)).isoformat()}T10:00")
    assert submit(page, "main form.panel button[type=submit]") == 400
    assert "Kies momenten na" in page.inner_text("#slot_1-error")
    walk.look(page, "coach-propose-error")

    # Three times, a note; "Voorstel versturen" pressed twice stores one proposal.
    page.fill("#slot_1", f"{day.isoformat()}T10:00")
    page.fill("#slot_2", f"{day.isoformat()}T14:00")
    page.fill("#slot_3", f"{(day + timedelta(days=1)).isoformat()}T10:00")
    page.fill("#note", "Gemotiveerde leerling, komt met de fiets.")
    assert press_twice(page, "main form.panel button[type=submit]") < 500
    shoot(page, "coach-propose-pressed-twice-390")
    n_proposals = in_db(
        live_app,
        select(func.count()).where(Intake.student_id == student_id, Intake.recognition_id == rid),
    )
    assert n_proposals == 1
    intake_id = in_db(live_app, select(Intake.id).where(Intake.student_id == student_id))
    page.goto(f"{server_url}/school/voorstellen/{intake_id}")
    assert "wacht op het bedrijf" in page.inner_text(".status-box")

    # The company, in a browser of its own, sees the first name only and accepts a time.
    company = open_page()
    log_in(company, server_url, COMPANY_LOGIN)
    company.goto(f"{server_url}/bedrijf/voorstellen")
    inbox = company.inner_text("main")
    assert STUDENT[0] in inbox and STUDENT[1] not in inbox
    walk.look(company, "company-inbox")
    company.click(f"a[href$='/bedrijf/voorstellen/{intake_id}']")
    company.wait_for_load_state()
    walk.look(company, "company-proposal")
    # A second tab of the same login, left open on the proposal.
    second_tab = company.context.new_page()
    second_tab.goto(company.url)
    company.check("#accept-slot_id-0")
    assert submit(company, "#aanvaarden button[type=submit]") == 200
    assert "gepland" in company.inner_text(".flash")
    assert STUDENT[1] in company.inner_text("h1")  # the last name, once accepted

    # The second tab answers what was answered already: a clear 409, not a 500.
    second_tab.check("#accept-slot_id-1")
    assert submit(second_tab, "#aanvaarden button[type=submit]") == 409
    assert second_tab.inner_text(".errors").strip()  # what happened meanwhile, in Dutch
    assert in_db(live_app, select(Intake.status).where(Intake.id == intake_id)) is (
        IntakeStatus.ACCEPTED
    )
    shoot(second_tab, "company-proposal-conflict-1280")
    second_tab.close()

    # The interview took place (moved into the past); the coach records a match.
    change_db(
        live_app,
        update(Intake)
        .where(Intake.id == intake_id)
        .values(scheduled_at=datetime.now(UTC) - timedelta(hours=2)),
    )
    page.goto(f"{server_url}/school/voorstellen/{intake_id}")
    walk.look(page, "coach-intake")
    page.select_option("#outcome", IntakeOutcome.MATCH.value)
    page.fill("#note", "Een goed gesprek, de mentor ziet het zitten.")
    assert submit(page, "form[action$='/uitkomst'] button[type=submit]") == 200
    assert "Overeenkomst volgt" in page.inner_text(".status-box")

    # The student sees the match on their own page.
    student.goto(f"{server_url}/leerling")
    interview = student.locator(".student-intakes li", has_text=COMPANY).inner_text()
    assert "Het klikt!" in interview
    walk.look(student, "student-match")

    # From the match, the coach drafts the agreement: its type and rule, then saved.
    page.click("text=Overeenkomst opstellen")
    page.wait_for_load_state()
    start = today + timedelta(days=35)
    page.fill("#start_date", start.isoformat())
    page.fill("#end_date", (start + timedelta(days=300)).isoformat())
    assert submit(page, "button[value=check]") == 200
    rule = page.inner_text("section[aria-labelledby=type]")
    assert "Regel:" in rule and "(OAO)" in rule  # 23 hours a week at the workplace
    walk.look(page, "coach-agreement-form")
    assert submit(page, "button[value=save]") == 200
    agreement_id = in_db(live_app, select(Agreement.id).where(Agreement.intake_id == intake_id))
    assert page.url.endswith(f"/school/overeenkomsten/{agreement_id}")
    walk.look(page, "coach-agreement")

    # "Bevestigen" pressed twice: one confirmation for the school, none for the company.
    assert press_twice(page, "form[action$='/bevestigen'] button[type=submit]") < 500
    shoot(page, "coach-confirm-pressed-twice-390")
    assert in_db(live_app, select(func.count()).where(Agreement.intake_id == intake_id)) == 1
    mine = Agreement.id == agreement_id
    assert in_db(live_app, select(Agreement.school_confirmed_at).where(mine)) is not None
    assert in_db(live_app, select(Agreement.company_confirmed_at).where(mine)) is None
    page.goto(f"{server_url}/school/overeenkomsten/{agreement_id}")
    assert "wacht op de bevestiging van het bedrijf" in page.inner_text(".status-box")

    # The company confirms (twice, as careless): the agreement is signed, the last place goes.
    company.goto(f"{server_url}/bedrijf/overeenkomsten")
    assert press_twice(company, f"#overeenkomst-{agreement_id} form button[type=submit]") < 500
    shoot(company, "company-confirm-pressed-twice-1280")
    assert in_db(live_app, select(func.count()).where(Agreement.intake_id == intake_id)) == 1
    assert in_db(live_app, select(Agreement.signed_at).where(mine)) is not None
    assert in_db(live_app, select(Recognition.n_free_places).where(Recognition.id == rid)) == 0
    company.goto(f"{server_url}/bedrijf/overeenkomsten")
    card = company.inner_text(f"#overeenkomst-{agreement_id}")
    assert "getekend" in card and f"{STUDENT[0]} {STUDENT[1]}" in card
    walk.look(company, "company-agreements")

    # Search no longer shows the workplace, within 5 seconds.
    assert not search_shows_workplace(student, server_url, expected=False)
    shoot(student, "student-search-after-signing-390")

    # The student sees the signed agreement.
    student.goto(f"{server_url}/leerling")
    theirs = student.inner_text("section[aria-labelledby=overeenkomst]")
    assert COMPANY in theirs and "Getekend" in theirs
    walk.look(student, "student-agreement")

    assert walk.violations == {}


def search_shows_workplace(page: Any, server_url: str, expected: bool) -> bool:
    """Search around Kortrijk until the workplace shows (or is gone, as `expected`); the
    index refreshes each second, so give it 5 seconds. Return whether it shows."""
    deadline = time.monotonic() + 5
    while True:
        page.goto(server_url + SEARCH)
        shows = COMPANY in page.inner_text("main")
        if shows is expected or time.monotonic() > deadline:
            return shows
        time.sleep(0.25)
