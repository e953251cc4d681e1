"""Registering a company reveals nobody's account: the answer is the same whatever the
address, the owner of a taken address hears of it by e-mail, nothing exists before the
link is followed, and one network cannot register without end."""

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, update

from models import Company, EmailToken, OutboxMessage, User
from models.base import utcnow
from models.enums import Role
from tests import factories
from tests.clients import post
from tests.pages import REGISTRATION, html
from web.db import get_session

LINK = re.compile(r"/bedrijf/registreren/bevestigen/(\S+)")


def count(app: Flask, model: type, *conditions: object) -> int:
    with app.app_context():
        return get_session().scalar(select(func.count()).select_from(model).where(*conditions)) or 0


def mail_to(app: Flask, address: str) -> OutboxMessage:
    with app.app_context():
        message = get_session().scalar(
            select(OutboxMessage)
            .where(OutboxMessage.recipient == address.lower())
            .order_by(OutboxMessage.id.desc())
        )
        assert message is not None, f"no e-mail to {address}"
        return message


def link_in(app: Flask, address: str) -> str:
    match = LINK.search(mail_to(app, address).body)
    assert match is not None
    return match.group(0)


def register(client: FlaskClient, **changes: str) -> object:
    return post(client, "/bedrijf/registreren", {**REGISTRATION, **changes})


def test_a_new_address_gets_a_link_and_nothing_exists_before_it_is_followed(
    app: Flask, client: FlaskClient
) -> None:
    response = register(client)
    assert response.status_code == 302
    assert response.headers["Location"] == "/bedrijf/registreren/verstuurd"
    assert count(app, Company) == 0
    assert count(app, User, User.email == REGISTRATION["user_email"].lower()) == 0
    link = link_in(app, REGISTRATION["user_email"])
    assert link.startswith("/bedrijf/registreren/bevestigen/")
    assert "http://127.0.0.1:5000" + link in mail_to(app, REGISTRATION["user_email"]).body

    # Opening the link (as a mail scanner would) confirms nothing ...
    assert client.get(link).status_code == 200
    assert count(app, Company) == 0
    # ... its button does, once, and logs the new company in.
    confirmed = post(client, link)
    assert confirmed.status_code == 302
    assert confirmed.headers["Location"] == "/bedrijf"
    assert count(app, Company, Company.name == REGISTRATION["name"]) == 1
    assert client.get("/bedrijf").status_code == 200
    assert post(app.test_client(), link).status_code == 410


def test_a_taken_address_gets_the_same_answer_and_its_owner_a_note(
    app: Flask, client: FlaskClient
) -> None:
    with app.app_context():
        session = get_session()
        owner = factories.user(session, Role.COMPANY, email="eigenaar@delbeke.be")
        session.commit()
    fresh = app.test_client()
    new = register(fresh, user_email="nieuw@delbeke.be")
    taken = register(client, user_email=owner.email)
    assert (taken.status_code, taken.headers["Location"]) == (
        new.status_code,
        new.headers["Location"],
    )
    sent_new = html(fresh.get("/bedrijf/registreren/verstuurd"))
    sent_taken = html(client.get("/bedrijf/registreren/verstuurd"))
    assert sent_taken == sent_new.replace("nieuw@delbeke.be", owner.email)
    note = mail_to(app, owner.email)
    assert note.kind == "registration-known"
    assert "/aanmelden" in note.body
    assert not LINK.search(note.body)
    with app.app_context():
        tokens = get_session().scalars(select(EmailToken.email)).all()
    assert tokens == ["nieuw@delbeke.be"]
    assert count(app, Company) == 1  # the owner's own company, nothing new


def test_a_link_works_only_within_a_day(app: Flask, client: FlaskClient) -> None:
    register(client)
    link = link_in(app, REGISTRATION["user_email"])
    with app.app_context():
        session = get_session()
        session.execute(update(EmailToken).values(expires_at=utcnow()))
        session.commit()
    response = post(client, link)
    assert response.status_code == 410
    assert "verlopen" in html(response)
    assert count(app, Company) == 0


def test_a_made_up_link_is_refused(client: FlaskClient) -> None:
    assert post(client, "/bedrijf/registreren/bevestigen/bestaat-niet").status_code == 410


def test_a_number_registered_meanwhile_is_refused_at_the_link(
    app: Flask, client: FlaskClient
) -> None:
    register(client)
    link = link_in(app, REGISTRATION["user_email"])
    with app.app_context():
        session = get_session()
        factories.company(session, kbo_number=REGISTRATION["kbo_number"].replace(".", ""))
        session.commit()
    response = post(client, link)
    assert response.status_code == 409
    assert "al geregistreerd" in html(response)
    assert count(app, User, User.email == REGISTRATION["user_email"].lower()) == 0


def test_one_network_registers_at_most_ten_an_hour(app: Flask) -> None:
    client = app.test_client()
    for i in range(10):
        answer = register(client, user_email=f"iemand{i}@example.be")
        assert answer.status_code == 302
    refused = register(client, user_email="elfde@example.be")
    assert refused.status_code == 429
    assert "te veel" in html(refused)
    elsewhere = app.test_client()
    answer = post(
        elsewhere,
        "/bedrijf/registreren",
        {**REGISTRATION, "user_email": "ander@example.be"},
        environ_base={"REMOTE_ADDR": "198.51.100.7"},
    )
    assert answer.status_code == 302


@pytest.mark.parametrize("field", ["kbo_number", "password"])
def test_a_bad_form_still_says_what_is_wrong(client: FlaskClient, field: str) -> None:
    bad = {"kbo_number": "0403.170.702", "password": "kort"}[field]
    changes = {field: bad}
    if field == "password":
        changes["password_again"] = bad
    response = register(client, **changes)
    assert response.status_code == 400
