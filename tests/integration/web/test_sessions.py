"""Sessions end on the server: logout, a new password and a deactivation end them, and so
do 8 idle hours and 30 days; a copy of the cookie opens nothing afterwards."""

from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from models import LoginSession, User
from models.base import utcnow
from models.enums import Role
from tests import factories
from tests.clients import login, post
from web.db import get_session, unit_of_work
from web.services import accounts


@pytest.fixture
def company_user(app: Flask) -> User:
    with app.app_context():
        session = get_session()
        user = factories.user(session, Role.COMPANY)
        session.commit()
        return user


def copy_cookie(app: Flask, client: FlaskClient) -> FlaskClient:
    """A second browser with the first one's session cookie (stolen, or simply kept)."""
    other = app.test_client()
    cookie = client.get_cookie("session")
    assert cookie is not None
    other.set_cookie("session", cookie.value)
    return other


def test_a_copied_cookie_opens_nothing_after_logout(
    app: Flask, client: FlaskClient, company_user: User
) -> None:
    login(client, company_user)
    assert client.get("/bedrijf").status_code == 200
    thief = copy_cookie(app, client)
    assert thief.get("/bedrijf").status_code == 200
    assert post(client, "/afmelden").status_code == 302
    assert thief.get("/bedrijf").status_code == 302  # to the login page
    # ... nor can it make an API key.
    answer = thief.post("/bedrijf/sleutels", data={"name": "buit"})
    assert answer.status_code in (302, 400)
    with app.app_context():
        assert get_session().scalar(select(LoginSession.ended_at)) is not None


def test_logout_ends_only_that_session(app: Flask, company_user: User) -> None:
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, company_user)
    login(phone, company_user)
    post(laptop, "/afmelden")
    assert laptop.get("/bedrijf").status_code == 302
    assert phone.get("/bedrijf").status_code == 200


@pytest.mark.parametrize("end", ["set-password", "deactivate"])
def test_a_new_password_or_a_deactivation_ends_every_session(
    app: Flask, company_user: User, end: str
) -> None:
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, company_user)
    login(phone, company_user)
    with app.app_context(), unit_of_work() as db:
        if end == "set-password":
            accounts.set_password(db, company_user.email, "een heel nieuw wachtwoord", utcnow())
        else:
            accounts.deactivate(db, company_user.email, utcnow())
    assert laptop.get("/bedrijf").status_code == 302
    assert phone.get("/bedrijf").status_code == 302


def test_the_cli_ends_sessions_with_a_new_password(
    app: Flask, client: FlaskClient, company_user: User
) -> None:
    login(client, company_user)
    result = app.test_cli_runner().invoke(
        args=["users", "set-password", "--email", company_user.email],
        input="een heel nieuw wachtwoord\neen heel nieuw wachtwoord\n",
    )
    assert result.exit_code == 0, result.output
    assert client.get("/bedrijf").status_code == 302


def age(app: Flask, user: User, **ago: timedelta) -> None:
    """Set when the user's sessions began or were last used, as long ago as given."""
    with app.app_context(), unit_of_work() as db:
        values = {name: utcnow() - delta for name, delta in ago.items()}
        db.execute(update(LoginSession).where(LoginSession.user_id == user.id).values(**values))


def test_a_session_unused_for_eight_hours_ends(
    app: Flask, client: FlaskClient, company_user: User
) -> None:
    login(client, company_user)
    age(app, company_user, last_seen_at=timedelta(hours=8, minutes=1))
    assert client.get("/bedrijf").status_code == 302


def test_a_session_in_use_lives_on_and_notes_its_use(
    app: Flask, client: FlaskClient, company_user: User
) -> None:
    login(client, company_user)
    age(app, company_user, last_seen_at=timedelta(hours=7))
    assert client.get("/bedrijf").status_code == 200
    with app.app_context():
        seen = get_session().scalar(
            select(LoginSession.last_seen_at).where(LoginSession.user_id == company_user.id)
        )
    assert seen is not None and seen > utcnow() - timedelta(minutes=1)


def test_any_session_ends_after_thirty_days(
    app: Flask, client: FlaskClient, company_user: User
) -> None:
    login(client, company_user)
    age(app, company_user, created_at=timedelta(days=30, minutes=1))
    assert client.get("/bedrijf").status_code == 302


def test_the_limits_follow_the_settings(database_url: str, session: Session) -> None:
    from tests.conftest import app_bound_to

    user = factories.user(session, Role.COMPANY)
    with app_bound_to(database_url, session.connection(), SESSION_IDLE_HOURS="1") as app:
        client = app.test_client()
        login(client, user)
        age(app, user, last_seen_at=timedelta(hours=1, minutes=1))
        assert client.get("/bedrijf").status_code == 302


def test_an_ended_session_leaves_no_cookie_behind(
    app: Flask, client: FlaskClient, company_user: User
) -> None:
    login(client, company_user)
    age(app, company_user, created_at=timedelta(days=31))
    client.get("/")
    with client.session_transaction() as cookie:
        assert "_user_id" not in cookie


def test_a_line_break_in_next_after_a_correct_login_is_no_error(
    app: Flask, client: FlaskClient, company_user: User
) -> None:
    response = post(
        client,
        "/aanmelden?next=%2F%0A",
        {"email": company_user.email, "password": factories.PASSWORD},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/bedrijf"


@pytest.mark.parametrize("target", ["/%0D%0ASet-Cookie:x=1", "/%5Cevil.example", "/a%09b"])
def test_odd_next_targets_lead_home(
    app: Flask, client: FlaskClient, company_user: User, target: str
) -> None:
    response = post(
        client,
        f"/aanmelden?next={target}",
        {"email": company_user.email, "password": factories.PASSWORD},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/bedrijf"
