"""Helpers the page tests share: reading a page and its form errors, counting rows, the
company registration form and its e-mailed link, and what search and the availability
rule say of a workplace."""

import re
from datetime import date, timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from models import Company, EmailToken, OutboxMessage, Recognition, User
from models.base import day_in_belgium, today_in_belgium
from models.rules import add_years, is_available_now
from tests.clients import post
from web.db import get_session

# A company that meets every condition of DOMAIN.md step 1, with its first login.
REGISTRATION: dict[str, str] = {
    "name": "Schrijnwerkerij Delbeke",
    "kbo_number": "0403.170.701",
    "email": "info@delbeke.be",
    "phone": "056 12 34 56",
    "website": "https://delbeke.be",
    "n_employees": "12",
    "declares_activities": "y",
    "declares_financial_capacity": "y",
    "declares_organisation": "y",
    "declares_no_convictions": "y",
    "declares_commitments": "y",
    "user_email": "An.Delbeke@Example.be",
    "password": "een lang wachtwoord",
    "password_again": "een lang wachtwoord",
}


def html(response: TestResponse) -> str:
    """Return the body of a response as text."""
    return str(response.get_data(as_text=True))


def field_error(page: str, field: str) -> str:
    """Return the error text shown at one field of a form ("" when there is none)."""
    match = re.search(rf'id="{re.escape(field)}-error">([^<]*)<', page)
    return match.group(1) if match else ""


def count(app: Flask, model: type[Any], *conditions: Any) -> int:
    """Count the committed rows of `model` that meet `conditions`."""
    with app.app_context():
        query = select(func.count()).select_from(model).where(*conditions)
        return get_session().scalar(query) or 0


def registered(app: Flask) -> tuple[int, int]:
    """Count the companies and users that posting `REGISTRATION` could have left behind."""
    return (
        count(app, Company, Company.name == REGISTRATION["name"]),
        count(app, User, func.lower(User.email) == REGISTRATION["user_email"].lower()),
    )


def pending(app: Flask) -> int:
    """Count the registrations of `REGISTRATION`'s login address waiting for their link."""
    address = REGISTRATION["user_email"].lower()
    return count(app, EmailToken, EmailToken.email == address, EmailToken.used_at.is_(None))


# The path of a registration's confirmation link, as the e-mail shows it.
CONFIRMATION_LINK = re.compile(r"/bedrijf/registreren/bevestigen/[A-Za-z0-9_-]+")


def confirmation_link(app: Flask, address: str = REGISTRATION["user_email"]) -> str:
    """Return the path of the confirmation link last e-mailed to `address`."""
    with app.app_context():
        body = get_session().scalar(
            select(OutboxMessage.body)
            .where(
                OutboxMessage.recipient == address.strip().lower(),
                OutboxMessage.kind == "registration",
            )
            .order_by(OutboxMessage.id.desc())
            .limit(1)
        )
    assert body is not None, f"no confirmation link was e-mailed to {address}"
    match = CONFIRMATION_LINK.search(body)
    assert match is not None, body
    return match.group(0)


def confirm(client: FlaskClient, link: str) -> TestResponse:
    """Follow a confirmation link as its recipient does: open it, then press its button."""
    opened = client.get(link)
    assert opened.status_code == 200, html(opened)
    return post(client, link)


def register_and_confirm(
    app: Flask, client: FlaskClient, form: dict[str, str] = REGISTRATION
) -> TestResponse:
    """Register through the form and follow the e-mailed link; return the link's answer."""
    response = post(client, "/bedrijf/registreren", form)
    assert response.status_code == 302, html(response)
    return confirm(client, confirmation_link(app, form["user_email"]))


def birth_date_for_age(age: int) -> date:
    """Return a birth date that makes someone exactly `age` today (birthday a month ago)."""
    return add_years(today_in_belgium(), -age) - timedelta(days=30)


def search_ids(client: FlaskClient, programme: str = "elektrotechnieken-duaal") -> list[int]:
    """Return the recognitions the search API finds within 10 km of Kortrijk (8500)."""
    response = client.get(f"/api/v1/search?programme={programme}&postcode=8500&radius_km=10")
    assert response.status_code == 200, response.get_data(as_text=True)
    return [hit["recognition_id"] for hit in response.get_json()["results"]]


def is_available(recognition: Recognition, day: date | None = None) -> bool:
    """Tell whether a recognition offers a place on `day` (today) by the domain's rule."""
    confirmed = recognition.last_confirmed_at
    return is_available_now(
        recognition.status,
        recognition.valid_until,
        recognition.n_free_places,
        recognition.available_from,
        day_in_belgium(confirmed) if confirmed is not None else None,
        day or today_in_belgium(),
    )
