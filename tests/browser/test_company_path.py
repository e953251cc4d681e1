"""The supply side in a real browser, as the README's demo walk: a company registers and
follows the link e-mailed to it, adds a site and a mentor, requests a recognition; the
demo consultant approves it; the company opens places; a student finds the workplace in
search within 5 seconds."""

import time
from typing import Any

import pytest
from flask import Flask

from tests.browser.conftest import serious_violations, shoot
from tests.pages import confirmation_link
from web.demo.generator import DEMO_USERS

pytestmark = pytest.mark.browser

PROGRAMME = "Koelinstallaties duaal"  # decided by the demo consultant's partnership
PROGRAMME_CODE = "koelinstallaties-duaal"
COMPANY = "Koeltechniek Desmet"
LOGIN_EMAIL = "an@desmet.example"
CONSULTANT_EMAIL, CONSULTANT_PASSWORD = next(
    (email, password) for role, email, password in DEMO_USERS if role == "consultant"
)


def submit(page: Any, form: str = "main form.panel") -> None:
    page.click(f"{form} button[type=submit]")
    page.wait_for_load_state()


def register(page: Any, server_url: str) -> None:
    page.goto(f"{server_url}/bedrijf/registreren")
    page.fill("#name", COMPANY)
    page.fill("#kbo_number", "0403.170.701")
    page.fill("#email", "stages@desmet.example")
    for declaration in (
        "declares_activities",
        "declares_financial_capacity",
        "declares_organisation",
        "declares_no_convictions",
        "declares_commitments",
    ):
        page.check(f"#{declaration}")
    page.fill("#user_email", LOGIN_EMAIL)
    page.fill("#password", "een-lang-wachtwoord")
    page.fill("#password_again", "een-lang-wachtwoord")
    submit(page)


def test_register_request_approve_open_places_and_be_found(
    browser: Any, live_app: Flask, server_url: str, page: Any
) -> None:
    # A typo first: the form says what is wrong, in Dutch, and keeps what was typed.
    page.goto(f"{server_url}/bedrijf/registreren")
    page.fill("#name", COMPANY)
    page.fill("#kbo_number", "0403.170.702")
    submit(page)
    assert "klopt niet" in page.inner_text("#kbo_number-error")
    assert "voorwaarde" in page.inner_text("#declares_activities-error")
    assert page.input_value("#name") == COMPANY
    shoot(page, "company-register-errors")
    assert serious_violations(page) == []

    # Registered, the company waits for its e-mail (sent through the console mailer and
    # kept in the outbox, where the test reads it).
    register(page, server_url)
    assert page.url.endswith("/bedrijf/registreren/verstuurd")
    assert LOGIN_EMAIL in page.inner_text("main")
    shoot(page, "company-register-sent")
    assert serious_violations(page) == []
    page.goto(server_url + confirmation_link(live_app, LOGIN_EMAIL))
    shoot(page, "company-register-confirm")
    assert serious_violations(page) == []
    submit(page)
    assert page.url.endswith("/bedrijf")
    assert COMPANY in page.inner_text("h1")

    page.click("text=Vestiging toevoegen")
    page.fill("#name", "Werkplaats Kortrijk")
    page.fill("#street", "Doorniksesteenweg 120")
    page.fill("#postcode", "8500 Kortrijk")
    submit(page)
    assert "Werkplaats Kortrijk" in page.inner_text("main")

    page.click("text=Mentor toevoegen")
    page.fill("#first_name", "Bart")
    page.fill("#last_name", "Desmet")
    page.fill("#birth_date", "1979-04-12")
    page.fill("#years_experience", "20")
    page.fill("#extract_596_2_shown_on", "2026-11-02")
    submit(page)
    assert "voldoet aan de voorwaarden" in page.inner_text("main")

    page.goto(f"{server_url}/bedrijf/erkenningen/nieuw")
    page.select_option("#programme_id", label=PROGRAMME)
    page.select_option("#mentor_id", label="Bart Desmet")
    submit(page)
    assert "aangevraagd" in page.inner_text(".status").lower()
    company_recognition_url = page.url
    shoot(page, "company-recognition-requested")

    # The consultant, in another browser session, finds the request and approves it.
    consultant = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    consultant.goto(f"{server_url}/aanmelden")
    consultant.fill("#email", CONSULTANT_EMAIL)
    consultant.fill("#password", CONSULTANT_PASSWORD)
    submit(consultant)
    assert consultant.url.endswith("/partnerschap")
    shoot(consultant, "partnership-queue")
    assert serious_violations(consultant) == []
    # Oldest first: the new request is on the last page of its programme's queue (a page
    # past the end shows the last one).
    consultant.goto(f"{server_url}/partnerschap?opleiding={PROGRAMME_CODE}&pagina=999")
    consultant.click(f"text={COMPANY}")
    assert "voldoet aan de voorwaarden" in consultant.inner_text("main")
    shoot(consultant, "partnership-request")
    assert serious_violations(consultant) == []
    consultant.fill("#note", "Welkom bij duaal leren.")
    submit(consultant, "form[action$='/erkennen']")
    assert consultant.url.endswith("/partnerschap")
    assert "Erkend" in consultant.inner_text(".flash")
    consultant.context.close()

    # The company sees the decision and opens places.
    page.goto(company_recognition_url)
    assert "erkend" in page.inner_text(".status").lower()
    assert "Welkom bij duaal leren." in page.inner_text("main")
    page.fill("#n_places", "2")
    page.fill("#n_free_places", "1")
    page.check("#start_months-8")  # September
    submit(page, "form[action$='/plaatsen']")
    assert "opgeslagen" in page.inner_text(".flash")
    shoot(page, "company-recognition-places")
    assert serious_violations(page) == []

    page.goto(f"{server_url}/bedrijf")
    shoot(page, "company-dashboard")
    assert serious_violations(page) == []

    # A student searching around Kortrijk finds it within 5 seconds.
    student = browser.new_context().new_page()
    deadline = time.monotonic() + 5
    while True:
        student.goto(f"{server_url}/zoeken?programme={PROGRAMME_CODE}&postcode=8500&radius_km=10")
        if COMPANY in student.inner_text("main") or time.monotonic() > deadline:
            break
        time.sleep(0.25)
    assert COMPANY in student.inner_text("main")
    shoot(student, "student-finds-the-new-workplace")
    student.context.close()
