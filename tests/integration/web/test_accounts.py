"""Logging in and out: passwords, the failed-login limit, redirects, CSRF and the session cookie."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Connection
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from models import User
from models.enums import Role
from tests import clients, factories
from web import create_app
from web.config import load_settings
from web.db import get_db, get_session
from web.services.accounts import (
    FAILURE_WINDOW,
    MAX_FAILURES_PER_ADDRESS,
    MAX_FAILURES_PER_EMAIL,
    TooManyFailuresError,
    authenticate,
    create_user,
    hash_password,
)
from web.services.errors import InputError

WRONG = "Dit e-mailadres en wachtwoord horen niet bij elkaar."
TOO_MANY = "Te veel mislukte pogingen"
WRONG_PASSWORD = "niet-het-juiste-wachtwoord"
ADDRESS = "192.0.2.7"


def make_user(app: Flask, role: Role = Role.COMPANY, **fields: object) -> tuple[int, str]:
    """Add a user with password `factories.PASSWORD`; return its id and e-mail."""
    with app.app_context():
        session = get_session()
        user = factories.user(session, role, **fields)
        session.commit()
        return user.id, user.email


def log_in(
    client: FlaskClient, email: str, password: str = factories.PASSWORD, next_url: str = ""
) -> TestResponse:
    url = "/aanmelden" + (f"?next={next_url}" if next_url else "")
    return clients.post(client, url, {"email": email, "password": password})


def location(response: TestResponse) -> str:
    """The redirect target, as a path when it stays on this site."""
    parts = urlsplit(response.headers["Location"])
    if parts.netloc in ("", "localhost"):
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return response.headers["Location"]


def signed_in_user(client: FlaskClient) -> str | None:
    with client.session_transaction() as session:
        user_id: str | None = session.get("_user_id")
        return user_id


# Logging in through the form.


@pytest.mark.parametrize(
    ("role", "home"),
    [
        (Role.COMPANY, "/bedrijf"),
        (Role.CONSULTANT, "/partnerschap"),
        (Role.SCHOOL_STAFF, "/"),
        (Role.STUDENT, "/"),
        (Role.ADMIN, "/"),
    ],
)
def test_the_right_password_logs_in_and_leads_home(
    app: Flask, client: FlaskClient, role: Role, home: str
) -> None:
    user_id, email = make_user(app, role)
    response = log_in(client, email)
    assert response.status_code == 302
    assert location(response) == home
    assert signed_in_user(client) == str(user_id)
    assert client.get(home).status_code == 200


def test_the_login_page_sends_a_signed_in_user_home(app: Flask, client: FlaskClient) -> None:
    _user_id, email = make_user(app, Role.COMPANY)
    log_in(client, email)
    response = client.get("/aanmelden")
    assert response.status_code == 302 and location(response) == "/bedrijf"


def test_a_wrong_password_is_401_in_dutch_without_echoing_it(
    app: Flask, client: FlaskClient
) -> None:
    _user_id, email = make_user(app)
    response = log_in(client, email, WRONG_PASSWORD)
    assert response.status_code == 401
    html = response.get_data(as_text=True)
    assert WRONG in html
    assert WRONG_PASSWORD not in html
    assert factories.PASSWORD not in html
    assert signed_in_user(client) is None


def test_an_unknown_email_gets_the_same_answer_as_a_wrong_password(
    app: Flask, client: FlaskClient
) -> None:
    _user_id, email = make_user(app)
    wrong = log_in(client, email, WRONG_PASSWORD)
    unknown = log_in(client, "niemand@example.be", WRONG_PASSWORD)
    assert unknown.status_code == wrong.status_code == 401
    for response in (wrong, unknown):
        html = response.get_data(as_text=True)
        assert html.count(WRONG) == 1
        assert WRONG_PASSWORD not in html


def test_the_email_is_case_insensitive_and_trimmed(app: Flask, client: FlaskClient) -> None:
    user_id, email = make_user(app)
    response = log_in(client, f"  {email.upper()}  ")
    assert response.status_code == 302
    assert signed_in_user(client) == str(user_id)


def test_an_inactive_user_cannot_log_in(app: Flask, client: FlaskClient) -> None:
    _user_id, email = make_user(app, is_active=False)
    response = log_in(client, email)
    assert response.status_code == 401
    assert WRONG in response.get_data(as_text=True)
    assert signed_in_user(client) is None


def test_an_empty_form_is_400(client: FlaskClient) -> None:
    response = log_in(client, "", "")
    assert response.status_code == 400
    assert signed_in_user(client) is None


def test_logging_in_starts_a_fresh_session(app: Flask, client: FlaskClient) -> None:
    _user_id, email = make_user(app)
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    assert log_in(client, email).status_code == 302
    with client.session_transaction() as session:
        assert "planted" not in session


# The failed-login limit.


def test_five_failures_refuse_even_the_right_password(app: Flask, client: FlaskClient) -> None:
    _user_id, email = make_user(app)
    for _ in range(MAX_FAILURES_PER_EMAIL):
        assert log_in(client, email, WRONG_PASSWORD).status_code == 401
    response = log_in(client, email)
    assert response.status_code == 429
    assert TOO_MANY in response.get_data(as_text=True)
    assert signed_in_user(client) is None


def test_the_limit_counts_the_email_however_it_is_spelled(app: Flask, client: FlaskClient) -> None:
    _user_id, email = make_user(app)
    for spelling in (email, email.upper(), f" {email}", email.title(), email):
        assert log_in(client, spelling, WRONG_PASSWORD).status_code == 401
    assert log_in(client, email).status_code == 429


def test_the_limit_lasts_until_fifteen_minutes_have_passed(app: Flask) -> None:
    _user_id, email = make_user(app)
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    assert timedelta(minutes=15) == FAILURE_WINDOW
    with app.app_context():
        session = get_session()
        for _ in range(MAX_FAILURES_PER_EMAIL):
            assert authenticate(session, email, WRONG_PASSWORD, ADDRESS, now=start) is None
        for wait in (timedelta(0), timedelta(minutes=1), timedelta(minutes=14, seconds=59)):
            with pytest.raises(TooManyFailuresError):
                authenticate(session, email, factories.PASSWORD, ADDRESS, now=start + wait)
        # Exactly 15 minutes on, the failures still count; a second later they do not.
        with pytest.raises(TooManyFailuresError):
            authenticate(session, email, factories.PASSWORD, ADDRESS, now=start + FAILURE_WINDOW)
        later = start + FAILURE_WINDOW + timedelta(seconds=1)
        user = authenticate(session, email, factories.PASSWORD, ADDRESS, now=later)
        assert user is not None and user.email == email


def test_failures_leave_the_window_one_by_one(app: Flask) -> None:
    _user_id, email = make_user(app)
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    with app.app_context():
        session = get_session()
        for minute in range(MAX_FAILURES_PER_EMAIL):
            moment = start + timedelta(minutes=minute)
            assert authenticate(session, email, WRONG_PASSWORD, ADDRESS, now=moment) is None
        # At 9:15:30 the failure of 9:00 is out of the window; four remain, so one more
        # wrong guess is checked (and counted), and then the limit holds again.
        moment = start + FAILURE_WINDOW + timedelta(seconds=30)
        assert authenticate(session, email, WRONG_PASSWORD, ADDRESS, now=moment) is None
        with pytest.raises(TooManyFailuresError):
            authenticate(session, email, factories.PASSWORD, ADDRESS, now=moment)


def test_refused_attempts_do_not_extend_the_wait(app: Flask) -> None:
    """Guessing on while locked out is refused unchecked, and is not counted again."""
    _user_id, email = make_user(app)
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    with app.app_context():
        session = get_session()
        for _ in range(MAX_FAILURES_PER_EMAIL):
            authenticate(session, email, WRONG_PASSWORD, ADDRESS, now=start)
        for minute in range(1, 15):
            with pytest.raises(TooManyFailuresError):
                authenticate(
                    session, email, WRONG_PASSWORD, ADDRESS, now=start + timedelta(minutes=minute)
                )
        after = start + FAILURE_WINDOW + timedelta(seconds=1)
        assert authenticate(session, email, factories.PASSWORD, ADDRESS, now=after) is not None


def test_a_success_clears_earlier_failures(app: Flask) -> None:
    _user_id, email = make_user(app)
    now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    with app.app_context():
        session = get_session()
        for _round in range(3):
            for _ in range(MAX_FAILURES_PER_EMAIL - 1):
                assert authenticate(session, email, WRONG_PASSWORD, ADDRESS, now=now) is None
            assert authenticate(session, email, factories.PASSWORD, ADDRESS, now=now) is not None


def test_a_success_clears_earlier_failures_through_the_form(
    app: Flask, client: FlaskClient
) -> None:
    _user_id, email = make_user(app)
    for _ in range(MAX_FAILURES_PER_EMAIL - 1):
        assert log_in(client, email, WRONG_PASSWORD).status_code == 401
    assert log_in(client, email).status_code == 302
    clients.post(client, "/afmelden")
    for _ in range(MAX_FAILURES_PER_EMAIL - 1):
        assert log_in(client, email, WRONG_PASSWORD).status_code == 401
    assert log_in(client, email).status_code == 302


def test_many_accounts_guessed_from_one_address_are_slowed_down(app: Flask) -> None:
    user_id, email = make_user(app)
    now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    with app.app_context():
        session = get_session()
        for n in range(MAX_FAILURES_PER_ADDRESS):
            guessed = f"gok{n}@example.be"
            assert authenticate(session, guessed, WRONG_PASSWORD, ADDRESS, now=now) is None
        with pytest.raises(TooManyFailuresError):
            authenticate(session, email, factories.PASSWORD, ADDRESS, now=now)
        # The account itself is not locked: its owner elsewhere still gets in.
        user = authenticate(session, email, factories.PASSWORD, "198.51.100.1", now=now)
        assert user is not None and user.id == user_id


# Where a login leads.


def login_with_next(app: Flask, client: FlaskClient, next_url: str) -> str:
    """Log a school user in with ?next=; return the Location it answers."""
    _user_id, email = make_user(app, Role.SCHOOL_STAFF)
    response = clients.post(
        client,
        "/aanmelden",
        {"email": email, "password": factories.PASSWORD},
        query_string={"next": next_url},
    )
    assert response.status_code == 302
    return response.headers["Location"]


def as_a_browser_resolves(target: str, page: str = "https://duaal.example/aanmelden") -> str:
    """Where a browser goes: it drops tabs and newlines and reads a backslash as a slash."""
    cleaned = "".join(c for c in target if c not in "\t\r\n").replace("\\", "/")
    return urljoin(page, cleaned)


@pytest.mark.parametrize(
    "next_url",
    ["/bedrijf", "/bedrijf/sleutels", "/zoeken?programme=bakkerij-duaal&postcode=8500"],
)
def test_next_is_followed_to_a_path_on_this_site(
    app: Flask, client: FlaskClient, next_url: str
) -> None:
    assert login_with_next(app, client, next_url) == next_url


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example",
        "https://evil.example/bedrijf",
        "http:evil.example",
        "//evil.example",
        "//evil.example/bedrijf",
        "///evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "/\t/evil.example",
        "javascript:alert(1)",
        "bedrijf",
        "",
    ],
)
def test_next_never_leads_to_another_site(app: Flask, client: FlaskClient, next_url: str) -> None:
    target = login_with_next(app, client, next_url)
    assert urlsplit(as_a_browser_resolves(target)).netloc == "duaal.example", target
    assert not target.lower().startswith("javascript:")


def test_a_protected_page_sends_to_the_login_and_back(app: Flask, client: FlaskClient) -> None:
    _user_id, email = make_user(app, Role.COMPANY)
    response = client.get("/bedrijf/sleutels")
    assert response.status_code == 302
    target = urlsplit(response.headers["Location"])
    assert target.path == "/aanmelden"
    login = clients.post(
        client,
        f"{target.path}?{target.query}",
        {"email": email, "password": factories.PASSWORD},
    )
    assert login.status_code == 302
    assert location(login) == "/bedrijf/sleutels"


# CSRF and logging out.


def test_logging_in_without_the_csrf_token_is_400(app: Flask, client: FlaskClient) -> None:
    _user_id, email = make_user(app)
    client.get("/aanmelden")
    response = client.post("/aanmelden", data={"email": email, "password": factories.PASSWORD})
    assert response.status_code == 400
    assert signed_in_user(client) is None
    response = client.post(
        "/aanmelden",
        data={"email": email, "password": factories.PASSWORD, "csrf_token": "vervalst"},
    )
    assert response.status_code == 400
    assert signed_in_user(client) is None


def test_logging_out_needs_the_csrf_token(app: Flask, client: FlaskClient) -> None:
    user_id, email = make_user(app)
    assert log_in(client, email).status_code == 302
    assert client.post("/afmelden").status_code == 400
    assert signed_in_user(client) == str(user_id)
    assert client.get("/bedrijf").status_code == 200

    response = clients.post(client, "/afmelden")
    assert response.status_code == 302 and location(response) == "/"
    assert signed_in_user(client) is None
    protected = client.get("/bedrijf")
    assert protected.status_code == 302
    assert urlsplit(protected.headers["Location"]).path == "/aanmelden"


def test_logging_out_by_get_is_not_allowed(app: Flask, client: FlaskClient) -> None:
    user_id, email = make_user(app)
    log_in(client, email)
    assert client.get("/afmelden").status_code == 405
    assert signed_in_user(client) == str(user_id)


def test_a_deactivated_user_is_signed_out_on_the_next_request(
    app: Flask, client: FlaskClient
) -> None:
    user_id, email = make_user(app)
    log_in(client, email)
    with app.app_context():
        session = get_session()
        user = session.get(User, user_id)
        assert user is not None
        user.is_active = False
        session.commit()
    response = client.get("/bedrijf")
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/aanmelden"


# Passwords at rest.


def test_stored_passwords_are_argon2id_hashes(session: Session) -> None:
    company = factories.company(session)
    password = "een lang genoeg wachtwoord"
    user = create_user(session, Role.COMPANY, " Nieuw@Example.BE ", password, company.id)
    session.flush()
    assert user.email == "nieuw@example.be"
    assert user.password_hash is not None
    assert user.password_hash.startswith("$argon2id$")
    assert password not in user.password_hash
    # A salt per hash: the same password never gives the same hash twice.
    assert hash_password(password) != hash_password(password)


def test_a_password_under_ten_characters_is_refused() -> None:
    with pytest.raises(InputError) as refused:
        hash_password("123456789")
    assert refused.value.field == "password"
    assert hash_password("1234567890").startswith("$argon2id$")


def test_registering_a_company_stores_an_argon2id_hash(app: Flask, client: FlaskClient) -> None:
    password = "registratie-wachtwoord"
    response = clients.post(
        client,
        "/bedrijf/registreren",
        {
            "name": "Elektro Hash",
            "kbo_number": "0202.239.951",
            "user_email": "hash@example.be",
            "password": password,
            "password_again": password,
            "declares_activities": "y",
            "declares_financial_capacity": "y",
            "declares_organisation": "y",
            "declares_no_convictions": "y",
            "declares_commitments": "y",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        user = get_session().query(User).filter_by(email="hash@example.be").one()
        assert user.password_hash is not None
        assert user.password_hash.startswith("$argon2id$")
        assert user.password_hash != password and password not in user.password_hash


# The session cookie.


@pytest.fixture
def configured_app(database_url: str, connection: Connection, tmp_path: Path) -> Iterator[Flask]:
    """The app with the settings `load_settings` derives for the test environment."""
    settings = load_settings(
        {"DUAAL_ENV": "test", "SECRET_KEY": "test", "DATABASE_URL": database_url}, str(tmp_path)
    )
    app = create_app(
        {**settings, "SEARCH_BACKGROUND_REBUILD": False, "SEARCH_VERSION_CHECK_SECONDS": 0.0}
    )
    with app.app_context():
        get_db().session_factory.configure(
            bind=connection, join_transaction_mode="create_savepoint"
        )
    yield app
    with app.app_context():
        get_db().engine.dispose()


def session_cookie(response: TestResponse) -> str:
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert cookies, response.headers
    return cookies[-1]


def cookie_attributes(cookie: str) -> set[str]:
    return {part.strip().lower() for part in cookie.split(";")[1:]}


def test_the_session_cookie_is_httponly_and_samesite_lax(configured_app: Flask) -> None:
    _user_id, email = make_user(configured_app)
    client = configured_app.test_client()
    response = log_in(client, email)
    assert response.status_code == 302
    attributes = cookie_attributes(session_cookie(response))
    assert "httponly" in attributes
    assert "samesite=lax" in attributes


def test_production_cookies_are_secure(tmp_path: Path, database_url: str) -> None:
    settings = load_settings(
        {
            "DUAAL_ENV": "production",
            "SECRET_KEY": "a long random value",
            "DATABASE_URL": database_url,
        },
        str(tmp_path),
    )
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["SESSION_COOKIE_HTTPONLY"] is True
    assert settings["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert settings["TESTING"] is False
    app = create_app(settings)
    try:
        # The login page puts the CSRF token in the session, so it sets the cookie.
        response = app.test_client().get("/aanmelden", base_url="https://localhost")
        assert response.status_code == 200
        attributes = cookie_attributes(session_cookie(response))
        assert {"secure", "httponly", "samesite=lax"} <= attributes
    finally:
        with app.app_context():
            get_db().engine.dispose()


def test_other_environments_send_the_cookie_over_plain_http(tmp_path: Path) -> None:
    for env in ("development", "test"):
        settings = load_settings({"DUAAL_ENV": env, "SECRET_KEY": "s"}, str(tmp_path))
        assert settings["SESSION_COOKIE_SECURE"] is False
        assert settings["SESSION_COOKIE_SAMESITE"] == "Lax"
