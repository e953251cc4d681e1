"""A forgotten password: the same answer for every address, a single-use link stored
only as a digest that works for an hour, every old session ended by the reset, a notice
to the owner, CSRF on both forms, and limits per network and per address."""

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from models import EmailToken, LoginFailure, OutboxMessage, User
from models.base import utcnow
from models.enums import Role
from tests import factories
from tests.clients import login, post
from tests.pages import count, html
from web.db import get_session
from web.services import password_reset
from web.services.errors import LinkExpiredError
from web.services.secrets import digest

ADDRESS = "an.delbeke@example.be"
NEW_PASSWORD = "een splinternieuw wachtwoord"
LINK = re.compile(r"/wachtwoord-kiezen/([A-Za-z0-9_-]+)")
SENT = "/wachtwoord-vergeten/verstuurd"


@pytest.fixture
def user(app: Flask) -> User:
    with app.app_context():
        session = get_session()
        user = factories.user(session, Role.SCHOOL_STAFF, email=ADDRESS)
        session.commit()
        return user


def ask(client: FlaskClient, email: str = ADDRESS, **kwargs: object) -> TestResponse:
    return post(client, "/wachtwoord-vergeten", {"email": email}, **kwargs)


def mails_to(app: Flask, address: str) -> list[OutboxMessage]:
    with app.app_context():
        return list(
            get_session().scalars(
                select(OutboxMessage)
                .where(OutboxMessage.recipient == address)
                .order_by(OutboxMessage.id)
            )
        )


def link_in(app: Flask, address: str = ADDRESS) -> str:
    """The path of the reset link last mailed to `address`."""
    match = LINK.search(mails_to(app, address)[-1].body)
    assert match is not None
    return match.group(0)


def choose(client: FlaskClient, link: str, password: str = NEW_PASSWORD) -> TestResponse:
    return post(client, link, {"password": password, "password_again": password})


def can_log_in(app: Flask, password: str) -> bool:
    answer = post(app.test_client(), "/aanmelden", {"email": ADDRESS, "password": password})
    return answer.status_code == 302


def test_the_login_page_offers_a_reset(client: FlaskClient) -> None:
    page = html(client.get("/aanmelden"))
    assert 'href="/wachtwoord-vergeten"' in page
    assert "Wachtwoord vergeten?" in page


def test_known_and_unknown_addresses_get_the_same_answer(
    app: Flask, client: FlaskClient, user: User
) -> None:
    known = ask(client)
    unknown = ask(app.test_client(), "niemand@example.be")
    for answer in (known, unknown):
        assert answer.status_code == 302
        assert answer.headers["Location"] == SENT
    assert html(client.get(SENT)) == html(app.test_client().get(SENT))
    assert "Als er een account bestaat met dit adres" in html(client.get(SENT))
    assert len(mails_to(app, ADDRESS)) == 1
    assert mails_to(app, "niemand@example.be") == []
    assert count(app, EmailToken, EmailToken.email == "niemand@example.be") == 0


def test_a_deactivated_account_gets_no_link(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        session = get_session()
        factories.user(session, Role.SCHOOL_STAFF, email=ADDRESS, is_active=False)
        session.commit()
    answer = ask(client)
    assert answer.headers["Location"] == SENT
    assert mails_to(app, ADDRESS) == []


def test_the_address_is_found_whatever_its_case_and_spaces(
    app: Flask, client: FlaskClient, user: User
) -> None:
    ask(client, "  An.Delbeke@Example.BE ")
    assert link_in(app).startswith("/wachtwoord-kiezen/")
    assert "http://127.0.0.1:5000/wachtwoord-kiezen/" in mails_to(app, ADDRESS)[-1].body


def test_a_bad_address_is_a_form_error(client: FlaskClient) -> None:
    for bad in ("", "geen-adres"):
        answer = ask(client, bad)
        assert answer.status_code == 400
        assert "e-mailadres" in html(answer).lower()


def test_only_the_digest_is_stored(app: Flask, client: FlaskClient, user: User) -> None:
    ask(client)
    match = LINK.search(mails_to(app, ADDRESS)[-1].body)
    assert match is not None
    token = match.group(1)
    with app.app_context():
        stored = get_session().scalars(select(EmailToken)).one()
    assert stored.token_digest == digest(token)
    assert token not in repr(vars(stored))
    assert stored.purpose == password_reset.PURPOSE
    assert stored.expires_at == stored.created_at + timedelta(hours=1)


def test_opening_the_link_changes_nothing_and_its_form_does_once(
    app: Flask, client: FlaskClient, user: User
) -> None:
    ask(client)
    link = link_in(app)
    for _ in range(2):  # a mail scanner, then the owner
        page = client.get(link)
        assert page.status_code == 200
        assert ADDRESS in html(page)
    assert can_log_in(app, factories.PASSWORD)

    answer = choose(client, link)
    assert answer.status_code == 302
    assert answer.headers["Location"] == "/aanmelden"
    assert "Je wachtwoord is gewijzigd" in html(client.get("/aanmelden"))
    assert can_log_in(app, NEW_PASSWORD)
    assert not can_log_in(app, factories.PASSWORD)

    again = choose(app.test_client(), link, "nog een ander wachtwoord")
    assert again.status_code == 410
    assert "verlopen of werd al gebruikt" in html(again)
    assert client.get(link).status_code == 410
    assert can_log_in(app, NEW_PASSWORD)


def test_the_owner_is_told_by_email(app: Flask, client: FlaskClient, user: User) -> None:
    ask(client)
    choose(client, link_in(app))
    notice = mails_to(app, ADDRESS)[-1]
    assert notice.kind == "password-changed"
    assert "gewijzigd" in notice.subject
    assert "/wachtwoord-vergeten" in notice.body
    assert not LINK.search(notice.body)


def test_every_old_session_ends(app: Flask, user: User) -> None:
    laptop, phone, thief = app.test_client(), app.test_client(), app.test_client()
    for browser in (laptop, phone, thief):
        login(browser, user)
        assert browser.get("/school").status_code == 200
    ask(app.test_client())  # signed in, the form sends you home
    choose(phone, link_in(app))
    for browser in (laptop, phone, thief):
        assert browser.get("/school").status_code == 302


def test_a_newer_link_makes_older_ones_useless_once_used(
    app: Flask, client: FlaskClient, user: User
) -> None:
    ask(client)
    older = link_in(app)
    ask(client)
    newer = link_in(app)
    assert older != newer
    assert choose(client, newer).status_code == 302
    assert choose(app.test_client(), older, "wachtwoord van de dief").status_code == 410


def test_a_reset_lifts_the_lock_of_guessed_passwords(
    app: Flask, client: FlaskClient, user: User
) -> None:
    with app.app_context():
        session = get_session()
        session.add_all(
            LoginFailure(email=ADDRESS, remote_addr=f"198.51.100.{i}", at=utcnow())
            for i in range(25)
        )
        session.commit()
    assert not can_log_in(app, factories.PASSWORD)
    ask(client)
    choose(client, link_in(app))
    assert can_log_in(app, NEW_PASSWORD)


@pytest.mark.parametrize(
    ("password", "again", "problem"),
    [
        ("kort", "kort", "Minstens 10 tekens"),
        (NEW_PASSWORD, "iets anders helemaal", "verschillen"),
    ],
)
def test_a_bad_password_is_refused_and_the_link_still_works(
    app: Flask, client: FlaskClient, user: User, password: str, again: str, problem: str
) -> None:
    ask(client)
    link = link_in(app)
    answer = post(client, link, {"password": password, "password_again": again})
    assert answer.status_code == 400
    assert problem in html(answer)
    assert password not in html(answer)
    assert can_log_in(app, factories.PASSWORD)
    assert choose(client, link).status_code == 302


def test_a_made_up_link_is_gone(client: FlaskClient) -> None:
    assert client.get("/wachtwoord-kiezen/bestaat-niet").status_code == 410
    assert choose(client, "/wachtwoord-kiezen/bestaat-niet").status_code == 410


def test_a_registration_link_is_no_reset_link(session: Session) -> None:
    session.add(
        EmailToken(
            purpose="registration",
            token_digest=digest("registratie"),
            email=ADDRESS,
            created_at=utcnow(),
            expires_at=utcnow() + timedelta(hours=24),
        )
    )
    session.flush()
    with pytest.raises(LinkExpiredError):
        password_reset.find_reset(session, "registratie", utcnow())


# --- The hour a link lives, on a controlled clock ------------------------------------


@pytest.fixture
def link_token(session: Session) -> Iterator[str]:
    factories.user(session, Role.SCHOOL_STAFF, email=ADDRESS)
    tokens: list[str] = []

    def link_for(token: str) -> str:
        tokens.append(token)
        return f"/wachtwoord-kiezen/{token}"

    password_reset.request_reset(session, ADDRESS, "192.0.2.1", NOON, link_for)
    (token,) = tokens
    yield token


NOON = utcnow().replace(hour=12, minute=0, second=0, microsecond=0)


def test_a_link_works_for_59_minutes(session: Session, link_token: str) -> None:
    later = NOON + timedelta(minutes=59)
    assert password_reset.find_reset(session, link_token, later).email == ADDRESS
    user, _notice = password_reset.reset_password(session, link_token, NEW_PASSWORD, later, "/")
    assert user.email == ADDRESS


def test_a_link_is_dead_after_an_hour(session: Session, link_token: str) -> None:
    later = NOON + timedelta(hours=1)
    with pytest.raises(LinkExpiredError):
        password_reset.find_reset(session, link_token, later)
    with pytest.raises(LinkExpiredError):
        password_reset.reset_password(session, link_token, NEW_PASSWORD, later, "/")


def test_the_page_says_an_hour_old_link_expired(
    app: Flask, client: FlaskClient, user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    ask(client)
    link = link_in(app)
    an_hour_on = utcnow() + timedelta(hours=1, seconds=1)
    monkeypatch.setattr("web.views.auth.utcnow", lambda: an_hour_on)
    assert client.get(link).status_code == 410
    assert choose(client, link).status_code == 410
    monkeypatch.undo()
    assert can_log_in(app, factories.PASSWORD)


# --- Forged forms and limits ---------------------------------------------------------


def test_both_forms_need_their_csrf_token(app: Flask, client: FlaskClient, user: User) -> None:
    forged = client.post("/wachtwoord-vergeten", data={"email": ADDRESS})
    assert forged.status_code == 400
    assert mails_to(app, ADDRESS) == []
    ask(client)
    link = link_in(app)
    forged = app.test_client().post(
        link, data={"password": NEW_PASSWORD, "password_again": NEW_PASSWORD}
    )
    assert forged.status_code == 400
    assert can_log_in(app, factories.PASSWORD)


def test_one_network_asks_at_most_ten_times_an_hour(app: Flask, user: User) -> None:
    client = app.test_client()
    for i in range(password_reset.REQUESTS_PER_NETWORK):
        assert ask(client, f"iemand{i}@example.be").status_code == 302
    refused = ask(client)
    assert refused.status_code == 429
    assert "te veel" in html(refused)
    assert mails_to(app, ADDRESS) == []
    elsewhere = ask(app.test_client(), environ_base={"REMOTE_ADDR": "198.51.100.7"})
    assert elsewhere.status_code == 302
    assert len(mails_to(app, ADDRESS)) == 1


def test_one_address_gets_at_most_three_links_an_hour(app: Flask, user: User) -> None:
    for i in range(password_reset.LINKS_PER_ADDRESS + 2):
        answer = ask(app.test_client(), environ_base={"REMOTE_ADDR": f"198.51.100.{i}"})
        # Still the same answer: a stranger cannot tell, nor flood the inbox.
        assert answer.headers["Location"] == SENT
    assert len(mails_to(app, ADDRESS)) == password_reset.LINKS_PER_ADDRESS


def test_the_limits_count_one_hour(session: Session) -> None:
    factories.user(session, Role.SCHOOL_STAFF, email=ADDRESS)
    sent = [
        password_reset.request_reset(session, ADDRESS, "192.0.2.1", NOON, str)
        for _ in range(password_reset.LINKS_PER_ADDRESS + 1)
    ]
    assert sent[-1] is None
    an_hour_on = NOON + timedelta(hours=1)
    assert password_reset.request_reset(session, ADDRESS, "192.0.2.1", an_hour_on, str) is not None


def test_signed_in_users_go_home(app: Flask, client: FlaskClient, user: User) -> None:
    login(client, user)
    answer = client.get("/wachtwoord-vergeten")
    assert (answer.status_code, answer.headers["Location"]) == (302, "/school")


def test_the_link_is_sent_only_once_the_answer_has_gone(
    app: Flask, client: FlaskClient, user: User
) -> None:
    # A slow mail server would otherwise make the answer slower for an address with an
    # account than for one without.
    answer = ask(client)
    assert mails_to(app, ADDRESS)[-1].sent_at is None
    answer.close()
    assert mails_to(app, ADDRESS)[-1].sent_at is not None
