"""A forgotten password in a real browser: ask for a link, read it from the outbox, choose
a new password, log in with it; the admin's jobs page it lands on fits a phone."""

import re
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from models import JobRun, OutboxMessage
from models.base import utcnow
from models.enums import Role
from tests.browser.conftest import serious_violations, shoot
from web.db import get_session, unit_of_work
from web.jobs import run_job
from web.services.accounts import create_user, hash_password

pytestmark = pytest.mark.browser

ADDRESS = "vergeetachtig@beheer.example"
OLD_PASSWORD = "het oude wachtwoord"
NEW_PASSWORD = "een nieuw wachtwoord"
LINK = re.compile(r"/wachtwoord-kiezen/[A-Za-z0-9_-]+")
WIDE = {"width": 1280, "height": 900}


def submit(page: Any) -> None:
    page.click("main form.panel button[type=submit]")
    page.wait_for_load_state()


def reset_link(app: Flask) -> str:
    """The path of the reset link last mailed to `ADDRESS`."""
    with app.app_context():
        body = get_session().scalar(
            select(OutboxMessage.body)
            .where(OutboxMessage.recipient == ADDRESS, OutboxMessage.kind == "password-reset")
            .order_by(OutboxMessage.id.desc())
        )
    match = LINK.search(body or "")
    assert match is not None, "no reset link was mailed"
    return match.group(0)


def fits_sideways(page: Any) -> bool:
    """Nothing sticks out to the right: no sideways scrolling."""
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def log_in(page: Any, server_url: str, password: str) -> None:
    page.goto(f"{server_url}/aanmelden")
    page.fill("#email", ADDRESS)
    page.fill("#password", password)
    submit(page)


def test_forget_choose_a_new_password_and_log_in(
    live_app: Flask, server_url: str, page: Any
) -> None:
    with live_app.app_context(), unit_of_work() as db:
        create_user(db, Role.ADMIN, ADDRESS, hash_password(OLD_PASSWORD), None)

    page.goto(f"{server_url}/aanmelden")
    page.click("text=Wachtwoord vergeten?")
    page.fill("#email", ADDRESS.upper())
    shoot(page, "password-forgot")
    assert serious_violations(page) == []
    submit(page)
    assert page.url.endswith("/wachtwoord-vergeten/verstuurd")
    assert "Als er een account bestaat met dit adres" in page.inner_text("main")
    shoot(page, "password-reset-requested")

    page.goto(server_url + reset_link(live_app))
    assert ADDRESS in page.inner_text("main")
    page.fill("#password", "kort")
    page.fill("#password_again", "kort")
    submit(page)
    assert "Minstens 10 tekens" in page.inner_text("#password-error")
    shoot(page, "password-reset-error")
    assert serious_violations(page) == []
    page.fill("#password", NEW_PASSWORD)
    page.fill("#password_again", NEW_PASSWORD)
    submit(page)
    assert page.url.endswith("/aanmelden")
    assert "Je wachtwoord is gewijzigd" in page.inner_text("main")

    log_in(page, server_url, OLD_PASSWORD)
    assert "horen niet bij elkaar" in page.inner_text("main")
    log_in(page, server_url, NEW_PASSWORD)
    assert page.url.endswith("/beheer/taken")


def test_the_jobs_page_fits_a_phone(live_app: Flask, server_url: str, page: Any) -> None:
    run_job(live_app, "send-mail")
    with live_app.app_context(), unit_of_work() as db:
        # A failure with a long unbroken message, the widest thing the page may show.
        db.add(
            JobRun(
                job="refresh-availability",
                trigger="schedule",
                started_at=utcnow(),
                finished_at=utcnow(),
                status="failed",
                counts={},
                error="OperationalError: " + "connection_to_server_was_lost_" * 6,
            )
        )
        create_user(db, Role.ADMIN, "taken@beheer.example", hash_password(OLD_PASSWORD), None)
    page.goto(f"{server_url}/aanmelden")
    page.fill("#email", "taken@beheer.example")
    page.fill("#password", OLD_PASSWORD)
    submit(page)
    assert page.url.endswith("/beheer/taken")
    text = page.inner_text("main")
    assert "elke nacht om 03:30" in text
    assert "E-mails worden niet verstuurd" in text
    assert "mislukt" in text and "gelukt" in text
    assert fits_sideways(page)
    shoot(page, "admin-jobs-phone")
    assert serious_violations(page) == []
    page.set_viewport_size(WIDE)
    assert fits_sideways(page)
    shoot(page, "admin-jobs-wide")
