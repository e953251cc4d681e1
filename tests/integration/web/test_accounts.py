"""Logging in and out: passwords, the login limits, redirects, CSRF and the session cookie."""

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Connection, event, func, select
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from models import EmailToken, LoginFailure, User
from models.base import utcnow
from models.database import unit_of_work
from models.enums import Role
from tests import clients, factories
from tests.conftest import app_bound_to
from tests.pages import REGISTRATION, confirm, confirmation_link
from web import create_app
from web.config import load_settings, settings_of
from web.db import get_db, get_session
from web.services import accounts
from web.services.accounts import (
    EMAIL_IN_USE,
    FAILURE_WINDOW,
    MAX_FAILURES_PER_ACCOUNT,
    MAX_FAILURES_PER_ACCOUNT_AND_CLIENT,
    MAX_FAILURES_PER_CLIENT,
    client_of,
    create_user,
    hash_password,
)
from web.services.errors import InputError

WRONG = "Dit e-mailadres en wachtwoord horen niet bij elkaar."
TOO_MANY = "Te veel mislukte pogingen"
WRONG_PASSWORD = "niet-het-juiste-wachtwoord"
ADDRESS = "192.0.2.7"
OTHER_ADDRESS = "198.51.100.1"
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def make_user(app: Flask, role: Role = Role.COMPANY, **fields: object) -> tuple[int, str]:
    """Add a user with password `factories.PASSWORD`; return its id and e-mail."""
    with app.app_context():
        session = get_session()
        user = factories.user(session, role, **fields)
        session.commit()
        return user.id, user.email


def log_in(
    client: FlaskClient,
    email: str,
    password: str = factories.PASSWORD,
    next_url: str = "",
    **kwargs: Any,
) -> TestResponse:
    url = "/aanmelden" + (f"?next={next_url}" if next_url else "")
    return clients.post(client, url, {"email": email, "password": password}, **kwargs)


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
        (Role.SCHOOL_STAFF, "/school"),
        (Role.STUDENT, "/"),
        (Role.ADMIN, "/beheer/taken"),
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


# The failed-login limits.


def failures_on_record(app: Flask, **where: str) -> list[tuple[str, str]]:
    """The (e-mail, network) of every failure in the table, filtered by column values."""
    with app.app_context():
        query = select(LoginFailure.email, LoginFailure.remote_addr).order_by(LoginFailure.id)
        for column, value in where.items():
            query = query.where(getattr(LoginFailure, column) == value)
        return [(email, network) for email, network in get_session().execute(query)]


class RefusedError(Exception):
    """The limits refused a login before its password was checked (the page's 429)."""


def authenticate(
    session: Session, email: str, password: str, remote_addr: str, now: datetime = START
) -> User | None:
    """Log in at a given moment through the three steps of web/services/accounts.py, each
    its own unit of work, in the order the login page takes them (web/views/auth.py);
    return the user, None for a wrong password, or raise RefusedError past a limit."""
    with unit_of_work(session):
        attempt = accounts.record_attempt(session, email, remote_addr, now)
    with unit_of_work(session):
        allowed = accounts.is_within_limits(session, attempt, now)
        if not allowed:
            accounts.forget_attempt(session, attempt.id)
    if not allowed:
        raise RefusedError
    user = accounts.check_password(session, email, password)
    if user is None:
        return None
    with unit_of_work(session):
        accounts.complete_login(session, user.id, password, remote_addr, now)
    return user


def fail(session: Session, email: str, remote_addr: str, now: datetime = START) -> None:
    """One wrong guess that is checked (and so counted), not refused."""
    assert authenticate(session, email, WRONG_PASSWORD, remote_addr, now=now) is None


@pytest.fixture
def quick_password_check(monkeypatch: pytest.MonkeyPatch) -> None:
    """Check passwords by plain comparison: the limits need many attempts, and Argon2 is
    slow on purpose. Only users with `factories.PASSWORD` take part in these tests."""

    def matches(password_hash: str | None, password: str) -> bool:
        return password_hash is not None and password == factories.PASSWORD

    monkeypatch.setattr(accounts, "_password_matches", matches)


def test_the_limits_are_five_twenty_and_thirty_in_fifteen_minutes() -> None:
    assert MAX_FAILURES_PER_ACCOUNT_AND_CLIENT == 5
    assert MAX_FAILURES_PER_ACCOUNT == 20
    assert MAX_FAILURES_PER_CLIENT == 30
    assert timedelta(minutes=15) == FAILURE_WINDOW


def test_five_failures_refuse_even_the_right_password(app: Flask, client: FlaskClient) -> None:
    _user_id, email = make_user(app)
    for _ in range(MAX_FAILURES_PER_ACCOUNT_AND_CLIENT):
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


def test_five_failures_from_one_network_leave_the_owner_elsewhere_in(app: Flask) -> None:
    user_id, email = make_user(app)
    with app.app_context():
        session = get_session()
        for _ in range(MAX_FAILURES_PER_ACCOUNT_AND_CLIENT):
            fail(session, email, ADDRESS)
        with pytest.raises(RefusedError):
            authenticate(session, email, factories.PASSWORD, ADDRESS, now=START)
        user = authenticate(session, email, factories.PASSWORD, OTHER_ADDRESS, now=START)
        assert user is not None and user.id == user_id


def test_four_failures_from_one_network_still_let_the_right_password_in(app: Flask) -> None:
    _user_id, email = make_user(app)
    with app.app_context():
        session = get_session()
        for _ in range(MAX_FAILURES_PER_ACCOUNT_AND_CLIENT - 1):
            fail(session, email, ADDRESS)
        assert authenticate(session, email, factories.PASSWORD, ADDRESS, now=START) is not None


def log_in_before(session: Session, email: str, remote_addr: str, ago: timedelta) -> None:
    """The owner logged in successfully from `remote_addr`, `ago` before START."""
    user = authenticate(session, email, factories.PASSWORD, remote_addr, now=START - ago)
    assert user is not None


def spread_failures(session: Session, email: str) -> list[str]:
    """Twenty failures on one account from four networks, each within its own limit of
    five; return the networks."""
    networks = [f"203.0.113.{n}" for n in range(1, 5)]
    assert len(networks) * MAX_FAILURES_PER_ACCOUNT_AND_CLIENT == MAX_FAILURES_PER_ACCOUNT
    for network in networks:
        for _ in range(MAX_FAILURES_PER_ACCOUNT_AND_CLIENT):
            fail(session, email, network)
    return networks


def test_a_known_network_is_one_logged_in_from_within_ninety_days() -> None:
    assert accounts.KNOWN_NETWORK_DAYS == 90


@pytest.mark.usefixtures("quick_password_check")
def test_twenty_failures_spread_over_networks_hold_every_new_network(app: Flask) -> None:
    _user_id, email = make_user(app)
    with app.app_context():
        session = get_session()
        networks = spread_failures(session, email)
        for fresh in ("203.0.113.99", OTHER_ADDRESS, "2001:db8:5::1"):
            with pytest.raises(RefusedError):
                authenticate(session, email, factories.PASSWORD, fresh, now=START)
        # Only this account is held: the same networks still reach other accounts.
        _other_id, other = make_user(app)
        assert authenticate(session, other, factories.PASSWORD, networks[0], now=START) is not None


@pytest.mark.usefixtures("quick_password_check")
def test_twenty_failures_from_elsewhere_do_not_lock_the_owner_out_of_a_known_network(
    app: Flask,
) -> None:
    user_id, email = make_user(app)
    with app.app_context():
        session = get_session()
        log_in_before(session, email, ADDRESS, ago=timedelta(days=30))
        spread_failures(session, email)
        # A network the owner never logged in from is still held ...
        with pytest.raises(RefusedError):
            authenticate(session, email, factories.PASSWORD, OTHER_ADDRESS, now=START)
        # ... the owner's own network lets the right password in.
        user = authenticate(session, email, factories.PASSWORD, ADDRESS, now=START)
        assert user is not None and user.id == user_id


@pytest.mark.usefixtures("quick_password_check")
def test_a_known_ipv6_network_is_the_whole_64(app: Flask) -> None:
    _user_id, email = make_user(app)
    with app.app_context():
        session = get_session()
        log_in_before(session, email, "2001:db8:1:2::1", ago=timedelta(days=1))
        spread_failures(session, email)
        assert authenticate(session, email, factories.PASSWORD, "2001:db8:1:2::abcd", now=START)


@pytest.mark.usefixtures("quick_password_check")
def test_a_network_last_used_over_ninety_days_ago_is_held_like_a_new_one(app: Flask) -> None:
    _user_id, email = make_user(app)
    with app.app_context():
        session = get_session()
        log_in_before(session, email, ADDRESS, ago=timedelta(days=90, seconds=1))
        log_in_before(session, email, OTHER_ADDRESS, ago=timedelta(days=89))
        spread_failures(session, email)
        with pytest.raises(RefusedError):
            authenticate(session, email, factories.PASSWORD, ADDRESS, now=START)
        assert authenticate(session, email, factories.PASSWORD, OTHER_ADDRESS, now=START)


@pytest.mark.usefixtures("quick_password_check")
def test_a_known_network_of_another_account_does_not_count(app: Flask) -> None:
    _user_id, email = make_user(app)
    _other_id, other = make_user(app)
    with app.app_context():
        session = get_session()
        log_in_before(session, other, ADDRESS, ago=timedelta(days=1))
        spread_failures(session, email)
        with pytest.raises(RefusedError):
            authenticate(session, email, factories.PASSWORD, ADDRESS, now=START)


def test_five_failures_from_a_known_network_still_hold_it(app: Flask) -> None:
    _user_id, email = make_user(app)
    with app.app_context():
        session = get_session()
        log_in_before(session, email, ADDRESS, ago=timedelta(days=1))
        for _ in range(MAX_FAILURES_PER_ACCOUNT_AND_CLIENT):
            fail(session, email, ADDRESS)
        with pytest.raises(RefusedError):
            authenticate(session, email, factories.PASSWORD, ADDRESS, now=START)


@pytest.mark.usefixtures("quick_password_check")
def test_thirty_failures_from_a_known_network_still_hold_it(app: Flask) -> None:
    _user_id, email = make_user(app)
    with app.app_context():
        session = get_session()
        log_in_before(session, email, ADDRESS, ago=timedelta(days=1))
        for n in range(MAX_FAILURES_PER_CLIENT):
            fail(session, f"gok{n}@example.be", ADDRESS)
        with pytest.raises(RefusedError):
            authenticate(session, email, factories.PASSWORD, ADDRESS, now=START)


@pytest.mark.usefixtures("quick_password_check")
def test_the_owners_network_stays_open_through_the_form(app: Flask, client: FlaskClient) -> None:
    user_id, email = make_user(app)
    home = {"REMOTE_ADDR": "192.0.2.50"}
    assert log_in(client, email, environ_base=home).status_code == 302
    clients.post(client, "/afmelden")
    for n in range(MAX_FAILURES_PER_ACCOUNT):
        network = {"REMOTE_ADDR": f"203.0.113.{n + 1}"}
        assert log_in(client, email, WRONG_PASSWORD, environ_base=network).status_code == 401
    elsewhere = log_in(client, email, environ_base={"REMOTE_ADDR": "203.0.113.200"})
    assert elsewhere.status_code == 429
    assert log_in(client, email, environ_base=home).status_code == 302
    assert signed_in_user(client) == str(user_id)


@pytest.mark.usefixtures("quick_password_check")
def test_nineteen_failures_spread_over_networks_do_not_lock_the_account(app: Flask) -> None:
    _user_id, email = make_user(app)
    with app.app_context():
        session = get_session()
        for n in range(MAX_FAILURES_PER_ACCOUNT - 1):
            fail(session, email, f"203.0.113.{n + 1}")
        assert authenticate(session, email, factories.PASSWORD, "203.0.113.99", now=START)


@pytest.mark.usefixtures("quick_password_check")
def test_the_account_limit_holds_through_the_form_from_many_networks(
    app: Flask, client: FlaskClient
) -> None:
    _user_id, email = make_user(app)
    for n in range(MAX_FAILURES_PER_ACCOUNT):
        network = {"REMOTE_ADDR": f"203.0.113.{n + 1}"}
        assert log_in(client, email, WRONG_PASSWORD, environ_base=network).status_code == 401
    response = log_in(client, email, environ_base={"REMOTE_ADDR": "203.0.113.200"})
    assert response.status_code == 429
    assert TOO_MANY in response.get_data(as_text=True)
    assert signed_in_user(client) is None


@pytest.mark.usefixtures("quick_password_check")
def test_thirty_accounts_guessed_from_one_network_lock_that_network(app: Flask) -> None:
    user_id, email = make_user(app)
    with app.app_context():
        session = get_session()
        for n in range(MAX_FAILURES_PER_CLIENT):
            fail(session, f"gok{n}@example.be", ADDRESS)
        with pytest.raises(RefusedError):
            authenticate(session, email, factories.PASSWORD, ADDRESS, now=START)
        # The account itself is not locked: its owner elsewhere still gets in.
        user = authenticate(session, email, factories.PASSWORD, OTHER_ADDRESS, now=START)
        assert user is not None and user.id == user_id


@pytest.mark.usefixtures("quick_password_check")
def test_twenty_nine_accounts_guessed_from_one_network_leave_it_open(app: Flask) -> None:
    _user_id, email = make_user(app)
    with app.app_context():
        session = get_session()
        for n in range(MAX_FAILURES_PER_CLIENT - 1):
            fail(session, f"gok{n}@example.be", ADDRESS)
        assert authenticate(session, email, factories.PASSWORD, ADDRESS, now=START) is not None


@pytest.mark.usefixtures("quick_password_check")
def test_the_network_limit_answers_429_on_the_form(app: Flask, client: FlaskClient) -> None:
    _user_id, email = make_user(app)
    with app.app_context():
        session = get_session()
        # The test client comes from 127.0.0.1.
        for n in range(MAX_FAILURES_PER_CLIENT):
            fail(session, f"gok{n}@example.be", "127.0.0.1", now=utcnow())
    response = log_in(client, email)
    assert response.status_code == 429
    assert TOO_MANY in response.get_data(as_text=True)


# IPv6: one subscriber holds a whole /64, so the /64 is the network that is counted.


@pytest.mark.parametrize(
    ("remote_addr", "network"),
    [
        ("192.0.2.7", "192.0.2.7"),
        ("2001:db8:1:2::1", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"),
        ("2001:0DB8:0001:0002:0000:0000:0000:0009", "2001:db8:1:2::/64"),
        ("2001:db8:1:3::1", "2001:db8:1:3::/64"),
        ("::1", "::/64"),
    ],
)
def test_the_network_of_an_address(remote_addr: str, network: str) -> None:
    assert client_of(remote_addr) == network


def test_an_unreadable_address_is_kept_as_given_and_fits_the_column() -> None:
    assert client_of("") == ""
    assert client_of("unix-socket") == "unix-socket"
    assert len(client_of("x" * 300)) == 45


def test_an_ipv4_address_written_as_ipv6_is_its_ipv4_address() -> None:
    """Behind a dual-stack listener every IPv4 client arrives as ::ffff:a.b.c.d; counting
    those per /64 would put all IPv4 clients in one network (::/64), so that 30 wrong
    guesses anywhere would lock everyone on IPv4 out."""
    assert client_of("::ffff:192.0.2.7") == "192.0.2.7"
    assert client_of("::ffff:192.0.2.7") != client_of("::ffff:198.51.100.1")


def test_addresses_in_one_ipv6_64_are_counted_together(app: Flask) -> None:
    _user_id, email = make_user(app)
    with app.app_context():
        session = get_session()
        for n in range(MAX_FAILURES_PER_ACCOUNT_AND_CLIENT):
            fail(session, email, f"2001:db8:1:2::{n + 1:x}")
        with pytest.raises(RefusedError):
            authenticate(session, email, factories.PASSWORD, "2001:db8:1:2:abcd::9", now=START)
        # The neighbouring /64 is another subscriber.
        assert authenticate(session, email, factories.PASSWORD, "2001:db8:1:3::1", now=START)
    assert failures_on_record(app, email=email) == []  # the success cleared them


def test_failures_are_recorded_per_ipv6_64(app: Flask) -> None:
    _user_id, email = make_user(app)
    with app.app_context():
        session = get_session()
        fail(session, email, "2001:db8:1:2::1")
        fail(session, email, "2001:db8:1:2:ffff::2")
        fail(session, email, "2001:db8:1:3::1")
    assert failures_on_record(app, email=email) == [
        (email, "2001:db8:1:2::/64"),
        (email, "2001:db8:1:2::/64"),
        (email, "2001:db8:1:3::/64"),
    ]


@pytest.mark.usefixtures("quick_password_check")
def test_the_network_limit_counts_a_whole_ipv6_64(app: Flask) -> None:
    _user_id, email = make_user(app)
    with app.app_context():
        session = get_session()
        for n in range(MAX_FAILURES_PER_CLIENT):
            fail(session, f"gok{n}@example.be", f"2001:db8:7:7::{n + 1:x}")
        with pytest.raises(RefusedError):
            authenticate(session, email, factories.PASSWORD, "2001:db8:7:7::ffff", now=START)
        assert authenticate(session, email, factories.PASSWORD, "2001:db8:7:8::1", now=START)


# How long a lock lasts.


def test_the_limit_lasts_until_fifteen_minutes_have_passed(app: Flask) -> None:
    _user_id, email = make_user(app)
    with app.app_context():
        session = get_session()
        for _ in range(MAX_FAILURES_PER_ACCOUNT_AND_CLIENT):
            fail(session, email, ADDRESS)
        for wait in (timedelta(0), timedelta(minutes=1), timedelta(minutes=14, seconds=59)):
            with pytest.raises(RefusedError):
                authenticate(session, email, factories.PASSWORD, ADDRESS, now=START + wait)
        # Exactly 15 minutes on, the failures still count; a second later they do not.
        with pytest.raises(RefusedError):
            authenticate(session, email, factories.PASSWORD, ADDRESS, now=START + FAILURE_WINDOW)
        later = START + FAILURE_WINDOW + timedelta(seconds=1)
        user = authenticate(session, email, factories.PASSWORD, ADDRESS, now=later)
        assert user is not None and user.email == email


@pytest.mark.usefixtures("quick_password_check")
def test_the_account_lock_lifts_fifteen_minutes_after_the_failures(app: Flask) -> None:
    _user_id, email = make_user(app)
    with app.app_context():
        session = get_session()
        for n in range(MAX_FAILURES_PER_ACCOUNT):
            fail(session, email, f"203.0.113.{n + 1}")
        with pytest.raises(RefusedError):
            authenticate(
                session, email, factories.PASSWORD, OTHER_ADDRESS, now=START + FAILURE_WINDOW
            )
        later = START + FAILURE_WINDOW + timedelta(seconds=1)
        assert authenticate(session, email, factories.PASSWORD, OTHER_ADDRESS, now=later)


@pytest.mark.usefixtures("quick_password_check")
def test_the_network_lock_lifts_fifteen_minutes_after_the_failures(app: Flask) -> None:
    _user_id, email = make_user(app)
    with app.app_context():
        session = get_session()
        for n in range(MAX_FAILURES_PER_CLIENT):
            fail(session, f"gok{n}@example.be", ADDRESS)
        with pytest.raises(RefusedError):
            authenticate(session, email, factories.PASSWORD, ADDRESS, now=START + FAILURE_WINDOW)
        later = START + FAILURE_WINDOW + timedelta(seconds=1)
        assert authenticate(session, email, factories.PASSWORD, ADDRESS, now=later)


def test_failures_leave_the_window_one_by_one(app: Flask) -> None:
    _user_id, email = make_user(app)
    with app.app_context():
        session = get_session()
        for minute in range(MAX_FAILURES_PER_ACCOUNT_AND_CLIENT):
            fail(session, email, ADDRESS, now=START + timedelta(minutes=minute))
        # At 9:15:30 the failure of 9:00 is out of the window; four remain, so one more
        # wrong guess is checked (and counted), and then the limit holds again.
        moment = START + FAILURE_WINDOW + timedelta(seconds=30)
        fail(session, email, ADDRESS, now=moment)
        with pytest.raises(RefusedError):
            authenticate(session, email, factories.PASSWORD, ADDRESS, now=moment)


def test_failures_out_of_the_window_are_purged(app: Flask) -> None:
    _user_id, email = make_user(app)
    with app.app_context():
        session = get_session()
        fail(session, "gok@example.be", OTHER_ADDRESS)
        fail(session, email, ADDRESS, now=START + FAILURE_WINDOW + timedelta(seconds=1))
    assert failures_on_record(app) == [(email, ADDRESS)]


def test_refused_attempts_do_not_extend_the_wait(app: Flask) -> None:
    """Guessing on while locked out is refused unchecked, and is not counted again."""
    _user_id, email = make_user(app)
    with app.app_context():
        session = get_session()
        for _ in range(MAX_FAILURES_PER_ACCOUNT_AND_CLIENT):
            fail(session, email, ADDRESS)
        for minute in range(1, 15):
            with pytest.raises(RefusedError):
                authenticate(
                    session, email, WRONG_PASSWORD, ADDRESS, now=START + timedelta(minutes=minute)
                )
        assert len(failures_on_record(app, email=email)) == MAX_FAILURES_PER_ACCOUNT_AND_CLIENT
        after = START + FAILURE_WINDOW + timedelta(seconds=1)
        assert authenticate(session, email, factories.PASSWORD, ADDRESS, now=after) is not None


def test_refused_attempts_leave_no_row_behind(app: Flask, client: FlaskClient) -> None:
    _user_id, email = make_user(app)
    for _ in range(MAX_FAILURES_PER_ACCOUNT_AND_CLIENT):
        log_in(client, email, WRONG_PASSWORD)
    for _ in range(3):
        assert log_in(client, email, WRONG_PASSWORD).status_code == 429
    assert failures_on_record(app) == [(email, "127.0.0.1")] * MAX_FAILURES_PER_ACCOUNT_AND_CLIENT


# A success.


def test_a_success_clears_earlier_failures(app: Flask) -> None:
    _user_id, email = make_user(app)
    with app.app_context():
        session = get_session()
        for _round in range(3):
            for _ in range(MAX_FAILURES_PER_ACCOUNT_AND_CLIENT - 1):
                fail(session, email, ADDRESS)
            assert authenticate(session, email, factories.PASSWORD, ADDRESS, now=START)


def test_a_success_clears_the_failures_of_its_account_from_every_network(app: Flask) -> None:
    _user_id, email = make_user(app)
    with app.app_context():
        session = get_session()
        for network in (ADDRESS, OTHER_ADDRESS, "2001:db8:1:2::1"):
            fail(session, email, network)
        fail(session, "iemand-anders@example.be", ADDRESS)
        assert authenticate(session, email.upper(), factories.PASSWORD, ADDRESS, now=START)
    # Other accounts' failures still count towards their limits and the network's.
    assert failures_on_record(app) == [("iemand-anders@example.be", ADDRESS)]


def test_a_success_clears_earlier_failures_through_the_form(
    app: Flask, client: FlaskClient
) -> None:
    _user_id, email = make_user(app)
    for _ in range(MAX_FAILURES_PER_ACCOUNT_AND_CLIENT - 1):
        assert log_in(client, email, WRONG_PASSWORD).status_code == 401
    assert log_in(client, email).status_code == 302
    assert failures_on_record(app, email=email) == []
    clients.post(client, "/afmelden")
    for _ in range(MAX_FAILURES_PER_ACCOUNT_AND_CLIENT - 1):
        assert log_in(client, email, WRONG_PASSWORD).status_code == 401
    assert log_in(client, email).status_code == 302


# Parallel guesses, and what a guess costs.


def test_an_attempt_is_on_record_before_its_password_is_checked(
    app: Flask, client: FlaskClient, connection: Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The login page commits each attempt before checking its password, so a guess
    checked in parallel counts it."""
    _user_id, email = make_user(app)
    events: list[tuple[str, int]] = []

    def on_record() -> int:
        # What another session sees of this account.
        with Session(bind=connection, join_transaction_mode="create_savepoint") as other:
            count = other.scalar(
                select(func.count()).select_from(LoginFailure).where(LoginFailure.email == email)
            )
        return count or 0

    def checking(password_hash: str | None, password: str) -> bool:
        events.append(("check", on_record()))
        return False

    def committed(_session: Session) -> None:
        events.append(("commit", on_record()))

    monkeypatch.setattr(accounts, "_password_matches", checking)
    with app.app_context():
        sessions = get_db().session_factory
    event.listen(sessions, "after_commit", committed)
    try:
        for _ in range(3):
            assert log_in(client, email, WRONG_PASSWORD).status_code == 401
    finally:
        event.remove(sessions, "after_commit", committed)

    assert [n for kind, n in events if kind == "check"] == [1, 2, 3]
    # Every check came after a commit that already held its attempt.
    last_commit = 0
    for kind, n in events:
        if kind == "commit":
            last_commit = n
        else:
            assert last_commit == n, events


@pytest.mark.usefixtures("quick_password_check")
def test_a_guess_arriving_while_the_fifth_is_checked_is_refused(
    app: Flask, client: FlaskClient, connection: Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two guesses at once cannot both be the fifth: the second one counts the first."""
    _user_id, email = make_user(app)
    outcomes: list[str] = []

    def checking(password_hash: str | None, password: str) -> bool:
        if not outcomes:
            # A sixth attempt from the same network, with the right password, through
            # its own session while the login page is still checking the fifth.
            with Session(bind=connection, join_transaction_mode="create_savepoint") as other:
                try:
                    authenticate(other, email, factories.PASSWORD, "127.0.0.1", now=utcnow())
                except RefusedError:
                    outcomes.append("refused")
                else:
                    outcomes.append("let in")
        return False

    for _ in range(MAX_FAILURES_PER_ACCOUNT_AND_CLIENT - 1):
        assert log_in(client, email, WRONG_PASSWORD).status_code == 401
    monkeypatch.setattr(accounts, "_password_matches", checking)
    assert log_in(client, email, WRONG_PASSWORD).status_code == 401
    assert outcomes == ["refused"]
    assert len(failures_on_record(app, email=email)) == MAX_FAILURES_PER_ACCOUNT_AND_CLIENT


@pytest.fixture
def password_checks(monkeypatch: pytest.MonkeyPatch) -> list[str | None]:
    """The hashes the password check was asked about, in order (the check itself runs)."""
    checked: list[str | None] = []
    real_check = accounts._password_matches

    def counting(password_hash: str | None, password: str) -> bool:
        checked.append(password_hash)
        return real_check(password_hash, password)

    monkeypatch.setattr(accounts, "_password_matches", counting)
    return checked


def test_an_unknown_email_costs_a_password_check_too(
    session: Session, password_checks: list[str | None]
) -> None:
    assert accounts.check_password(session, "niemand@example.be", WRONG_PASSWORD) is None
    assert password_checks == [None]


def test_an_inactive_account_costs_a_password_check_too(
    session: Session, password_checks: list[str | None]
) -> None:
    user = factories.user(session, Role.COMPANY, is_active=False)
    assert accounts.check_password(session, user.email, factories.PASSWORD) is None
    assert password_checks == [None]


def test_a_known_account_is_checked_against_its_own_hash(
    session: Session, password_checks: list[str | None]
) -> None:
    user = factories.user(session, Role.COMPANY)
    assert accounts.check_password(session, user.email, WRONG_PASSWORD) is None
    assert accounts.check_password(session, user.email.upper(), factories.PASSWORD) == user
    assert len(password_checks) == 2
    assert password_checks[0] is not None and password_checks[0].startswith("$argon2id$")


def test_an_unknown_email_through_the_form_costs_a_password_check(
    client: FlaskClient, password_checks: list[str | None]
) -> None:
    assert log_in(client, "niemand@example.be", WRONG_PASSWORD).status_code == 401
    assert password_checks == [None]


def test_a_refused_attempt_is_not_checked_at_all(
    app: Flask, client: FlaskClient, password_checks: list[str | None]
) -> None:
    _user_id, email = make_user(app)
    for _ in range(MAX_FAILURES_PER_ACCOUNT_AND_CLIENT):
        assert log_in(client, email, WRONG_PASSWORD).status_code == 401
    assert len(password_checks) == MAX_FAILURES_PER_ACCOUNT_AND_CLIENT
    assert log_in(client, email).status_code == 429
    assert len(password_checks) == MAX_FAILURES_PER_ACCOUNT_AND_CLIENT


# Behind a proxy: TRUSTED_PROXIES says whether X-Forwarded-For names the client.


@pytest.fixture
def proxied_app(database_url: str, connection: Connection) -> Iterator[Flask]:
    """The app behind one trusted proxy (TRUSTED_PROXIES=1)."""
    with app_bound_to(database_url, connection, TRUSTED_PROXIES=1) as app:
        yield app


def forwarded_for(address: str) -> dict[str, Any]:
    """Request options for a login that reached the app through a proxy on 10.0.0.2."""
    return {"headers": {"X-Forwarded-For": address}, "environ_base": {"REMOTE_ADDR": "10.0.0.2"}}


def test_behind_a_trusted_proxy_the_forwarded_address_is_counted(proxied_app: Flask) -> None:
    _user_id, email = make_user(proxied_app)
    client = proxied_app.test_client()
    for _ in range(MAX_FAILURES_PER_ACCOUNT_AND_CLIENT):
        response = log_in(client, email, WRONG_PASSWORD, **forwarded_for("203.0.113.5"))
        assert response.status_code == 401
    assert failures_on_record(proxied_app) == [(email, "203.0.113.5")] * 5
    assert log_in(client, email, **forwarded_for("203.0.113.5")).status_code == 429
    # Another client behind the same proxy is another network.
    assert log_in(client, email, **forwarded_for("203.0.113.6")).status_code == 302


def test_behind_a_trusted_proxy_an_ipv6_client_is_counted_per_64(proxied_app: Flask) -> None:
    _user_id, email = make_user(proxied_app)
    client = proxied_app.test_client()
    log_in(client, email, WRONG_PASSWORD, **forwarded_for("2001:db8:1:2::7"))
    assert failures_on_record(proxied_app) == [(email, "2001:db8:1:2::/64")]


def test_only_the_address_the_trusted_proxy_saw_counts(proxied_app: Flask) -> None:
    """A client can put anything in X-Forwarded-For; the proxy appends what it saw."""
    _user_id, email = make_user(proxied_app)
    client = proxied_app.test_client()
    for n in range(MAX_FAILURES_PER_ACCOUNT_AND_CLIENT):
        spoofed = f"198.51.100.{n + 1}, 203.0.113.5"
        assert log_in(client, email, WRONG_PASSWORD, **forwarded_for(spoofed)).status_code == 401
    assert {network for _email, network in failures_on_record(proxied_app)} == {"203.0.113.5"}
    assert log_in(client, email, **forwarded_for("198.51.100.9, 203.0.113.5")).status_code == 429


def test_without_trusted_proxies_x_forwarded_for_is_ignored(
    app: Flask, client: FlaskClient
) -> None:
    assert settings_of(app).trusted_proxies == 0
    _user_id, email = make_user(app)
    for n in range(MAX_FAILURES_PER_ACCOUNT_AND_CLIENT):
        headers = {"X-Forwarded-For": f"203.0.113.{n + 1}"}
        assert log_in(client, email, WRONG_PASSWORD, headers=headers).status_code == 401
    assert failures_on_record(app) == [(email, "127.0.0.1")] * 5
    response = log_in(client, email, headers={"X-Forwarded-For": "203.0.113.99"})
    assert response.status_code == 429


def test_trusted_proxies_defaults_to_none(tmp_path: Path) -> None:
    assert load_settings({"DUAAL_ENV": "test"}, str(tmp_path)).trusted_proxies == 0
    settings = load_settings({"DUAAL_ENV": "test", "TRUSTED_PROXIES": "2"}, str(tmp_path))
    assert settings.trusted_proxies == 2


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
    user = create_user(
        session, Role.COMPANY, " Nieuw@Example.BE ", hash_password(password), company.id
    )
    session.flush()
    assert user.email == "nieuw@example.be"
    assert user.password_hash is not None
    assert user.password_hash.startswith("$argon2id$")
    assert password not in user.password_hash
    assert accounts.check_password(session, "nieuw@example.be", password) == user
    # A salt per hash: the same password never gives the same hash twice.
    assert hash_password(password) != hash_password(password)


def test_a_taken_address_is_refused_however_it_is_spelled(session: Session) -> None:
    company = factories.company(session)
    password_hash = hash_password("een lang genoeg wachtwoord")
    create_user(session, Role.COMPANY, "bezet@example.be", password_hash, company.id)
    with pytest.raises(InputError) as refused:
        create_user(session, Role.COMPANY, " Bezet@Example.be", password_hash, company.id)
    assert refused.value.field == "email"
    assert str(refused.value.message) == str(EMAIL_IN_USE)
    assert session.scalar(select(func.count()).where(User.email == "bezet@example.be")) == 1


def test_a_password_under_ten_characters_is_refused() -> None:
    with pytest.raises(InputError) as refused:
        hash_password("123456789")
    assert refused.value.field == "password"
    assert "10 tekens" in str(refused.value.message)
    assert hash_password("1234567890").startswith("$argon2id$")


def test_registering_a_company_stores_an_argon2id_hash(app: Flask, client: FlaskClient) -> None:
    password = "registratie-wachtwoord"
    form = {
        **REGISTRATION,
        "kbo_number": "0202.239.951",
        "user_email": "hash@example.be",
        "password": password,
        "password_again": password,
    }
    response = clients.post(client, "/bedrijf/registreren", form)
    assert response.status_code == 302, response.get_data(as_text=True)
    # While it waits for its link, the registration holds the hash, never the password.
    with app.app_context():
        waiting = get_session().scalars(select(EmailToken)).one()
        assert waiting.payload["password_hash"].startswith("$argon2id$")
        assert password not in json.dumps(waiting.payload)
    assert confirm(client, confirmation_link(app, "hash@example.be")).status_code == 302
    with app.app_context():
        user = get_session().query(User).filter_by(email="hash@example.be").one()
        assert user.password_hash is not None
        assert user.password_hash.startswith("$argon2id$")
        assert user.password_hash != password and password not in user.password_hash


# The session cookie.


def session_cookie(response: TestResponse) -> str:
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert cookies, response.headers
    return cookies[-1]


def cookie_attributes(cookie: str) -> set[str]:
    return {part.strip().lower() for part in cookie.split(";")[1:]}


def test_the_session_cookie_is_httponly_and_samesite_lax(app: Flask, client: FlaskClient) -> None:
    # The app derives its cookie settings from the environment (web/config.py).
    _user_id, email = make_user(app)
    response = log_in(client, email)
    assert response.status_code == 302
    attributes = cookie_attributes(session_cookie(response))
    assert "httponly" in attributes
    assert "samesite=lax" in attributes


def test_production_cookies_are_secure(tmp_path: Path, database_url: str) -> None:
    environ = {
        "DUAAL_ENV": "production",
        "SECRET_KEY": "a long random value",
        "DATABASE_URL": database_url,
    }
    flask_config = load_settings(environ, str(tmp_path)).flask_config()
    assert flask_config["SESSION_COOKIE_SECURE"] is True
    assert flask_config["SESSION_COOKIE_HTTPONLY"] is True
    assert flask_config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert flask_config["TESTING"] is False
    app = create_app(environ)
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
        assert settings.flask_config()["SESSION_COOKIE_SECURE"] is False
        assert settings.flask_config()["SESSION_COOKIE_SAMESITE"] == "Lax"
