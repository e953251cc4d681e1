"""`flask --app web users create`: one user per role, tied to the party its role acts for;
`users set-password` and `users deactivate`, which end the account's sessions."""

from typing import Any

import pytest
from click.testing import Result
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from models import User
from models.enums import Role
from models.rules import format_kbo
from tests import clients, factories
from web.db import get_session

PASSWORD = "een-sterk-wachtwoord"


def users_create(app: Flask, *args: str, password: str | None = PASSWORD) -> Result:
    extra = ["--password", password] if password is not None else []
    return app.test_cli_runner().invoke(args=["users", "create", *args, *extra])


def user_count(app: Flask) -> int:
    with app.app_context():
        return get_session().scalar(select(func.count()).select_from(User)) or 0


def stored_user(app: Flask, email: str) -> dict[str, Any]:
    with app.app_context():
        user = get_session().scalar(select(User).where(User.email == email))
        assert user is not None, email
        return {
            "role": Role(user.role),
            "company_id": user.company_id,
            "school_id": user.school_id,
            "student_id": user.student_id,
            "partnership_id": user.partnership_id,
            "password_hash": user.password_hash,
            "is_active": user.is_active,
        }


def make(app: Flask, kind: str) -> Any:
    """Add a party and return what identifies it: (id, extra)."""
    with app.app_context():
        session = get_session()
        if kind == "company":
            company = factories.company(session)
            session.commit()
            return company.id, company.kbo_number
        if kind == "school":
            school = factories.school(session)
            session.commit()
            return school.id, None
        if kind == "student":
            student = factories.student(session)
            session.commit()
            return student.id, None
        partnership = factories.partnership(session)
        return partnership.id, partnership.name


def assert_refused(app: Flask, result: Result, *words: str) -> None:
    assert result.exit_code != 0, result.output
    assert "created" not in result.output
    for word in words:
        assert word in result.output, result.output


# Each role with the option that names its party.


def test_a_company_user_by_company_id(app: Flask) -> None:
    company_id, _kbo = make(app, "company")
    result = users_create(
        app, "--role", "company", "--email", "jan@bedrijf.be", "--company", str(company_id)
    )
    assert result.exit_code == 0, result.output
    assert "User jan@bedrijf.be created with role company." in result.output
    stored = stored_user(app, "jan@bedrijf.be")
    assert stored["role"] is Role.COMPANY and stored["company_id"] == company_id
    assert stored["school_id"] is stored["student_id"] is stored["partnership_id"] is None
    assert stored["is_active"] is True


@pytest.mark.parametrize(
    "spelling",
    [
        lambda kbo: kbo,
        format_kbo,
        lambda kbo: f"BE {kbo[:4]} {kbo[4:7]} {kbo[7:]}",
        lambda kbo: f"be{kbo}",
        lambda kbo: f" {kbo[:4]}-{kbo[4:7]}-{kbo[7:]} ",
        lambda kbo: kbo[1:],  # the old 9-digit form
    ],
    ids=["digits", "dotted", "be-spaced", "be-lower", "dashes", "nine-digits"],
)
def test_a_company_user_by_kbo_number_in_any_spelling(app: Flask, spelling: Any) -> None:
    company_id, kbo = make(app, "company")
    result = users_create(
        app, "--role", "company", "--email", "kbo@bedrijf.be", "--company", spelling(kbo)
    )
    assert result.exit_code == 0, result.output
    assert stored_user(app, "kbo@bedrijf.be")["company_id"] == company_id


def test_a_school_staff_user(app: Flask) -> None:
    school_id, _ = make(app, "school")
    result = users_create(
        app, "--role", "school_staff", "--email", "leraar@school.be", "--school", str(school_id)
    )
    assert result.exit_code == 0, result.output
    stored = stored_user(app, "leraar@school.be")
    assert stored["role"] is Role.SCHOOL_STAFF and stored["school_id"] == school_id


def test_a_student_user(app: Flask) -> None:
    student_id, _ = make(app, "student")
    result = users_create(
        app, "--role", "student", "--email", "lotte@leerling.be", "--student", str(student_id)
    )
    assert result.exit_code == 0, result.output
    stored = stored_user(app, "lotte@leerling.be")
    assert stored["role"] is Role.STUDENT and stored["student_id"] == student_id


@pytest.mark.parametrize("by", ["name", "id"])
def test_a_consultant_user_by_partnership_name_or_id(app: Flask, by: str) -> None:
    partnership_id, name = make(app, "partnership")
    value = name if by == "name" else str(partnership_id)
    result = users_create(
        app, "--role", "consultant", "--email", "consulent@partnerschap.be", "--partnership", value
    )
    assert result.exit_code == 0, result.output
    stored = stored_user(app, "consulent@partnerschap.be")
    assert stored["role"] is Role.CONSULTANT and stored["partnership_id"] == partnership_id


def test_an_admin_belongs_to_no_party(app: Flask) -> None:
    result = users_create(app, "--role", "admin", "--email", "beheer@duaal.be")
    assert result.exit_code == 0, result.output
    stored = stored_user(app, "beheer@duaal.be")
    assert stored["role"] is Role.ADMIN
    assert (
        stored["company_id"]
        is stored["school_id"]
        is stored["student_id"]
        is stored["partnership_id"]
        is None
    )


def test_the_email_is_stored_trimmed_and_lower_case(app: Flask) -> None:
    result = users_create(app, "--role", "admin", "--email", "  Beheer@Duaal.BE ")
    assert result.exit_code == 0, result.output
    assert stored_user(app, "beheer@duaal.be")["role"] is Role.ADMIN


def test_the_password_is_stored_as_an_argon2id_hash(app: Flask) -> None:
    users_create(app, "--role", "admin", "--email", "hash@duaal.be")
    stored_hash = stored_user(app, "hash@duaal.be")["password_hash"]
    assert stored_hash.startswith("$argon2id$")
    assert PASSWORD not in stored_hash


# Wrong, missing or extra party options.


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--role", "company"], ["--company"]),
        (["--role", "school_staff"], ["--school"]),
        (["--role", "student"], ["--student"]),
        (["--role", "consultant"], ["--partnership"]),
    ],
)
def test_a_missing_party_option_is_refused(app: Flask, args: list[str], words: list[str]) -> None:
    before = user_count(app)
    result = users_create(app, *args, "--email", "zonder@partij.be")
    assert_refused(app, result, *words)
    assert user_count(app) == before


@pytest.mark.parametrize(
    ("option", "value", "words"),
    [
        ("--company", "987654", ["no such company", "987654"]),
        ("--company", "0202.239.951", ["no such company"]),
        ("--company", "0202.239.952", ["no such company"]),
        ("--company", "Testbedrijf", ["no such company"]),
        ("--company", "", ["no such company"]),
    ],
)
def test_an_unknown_company_is_refused(
    app: Flask, option: str, value: str, words: list[str]
) -> None:
    make(app, "company")
    before = user_count(app)
    result = users_create(app, "--role", "company", "--email", "x@bedrijf.be", option, value)
    assert_refused(app, result, *words)
    assert user_count(app) == before


@pytest.mark.parametrize(
    ("role", "option", "value", "word"),
    [
        ("school_staff", "--school", "987654", "no such school"),
        ("student", "--student", "987654", "no such student"),
        ("consultant", "--partnership", "987654", "no such partnership"),
        ("consultant", "--partnership", "Bestaat niet", "no such partnership"),
        ("school_staff", "--school", "een", "--school"),
        ("student", "--student", "1.5", "--student"),
    ],
)
def test_an_unknown_party_is_refused(
    app: Flask, role: str, option: str, value: str, word: str
) -> None:
    before = user_count(app)
    result = users_create(app, "--role", role, "--email", "x@partij.be", option, value)
    assert_refused(app, result, word)
    assert user_count(app) == before


@pytest.mark.parametrize(
    ("role", "args", "word"),
    [
        ("company", ["--school", "1"], "school_staff"),
        ("school_staff", ["--company", "1"], "company"),
        ("student", ["--partnership", "1"], "consultant"),
        ("consultant", ["--student", "1"], "student"),
        ("admin", ["--company", "1"], "company"),
        ("admin", ["--partnership", "Bouw"], "consultant"),
    ],
)
def test_an_option_for_another_role_is_refused(
    app: Flask, role: str, args: list[str], word: str
) -> None:
    own = {
        "company": ["--company", str(make(app, "company")[0])],
        "school_staff": ["--school", str(make(app, "school")[0])],
        "student": ["--student", str(make(app, "student")[0])],
        "consultant": ["--partnership", str(make(app, "partnership")[0])],
        "admin": [],
    }[role]
    before = user_count(app)
    result = users_create(app, "--role", role, "--email", "extra@partij.be", *own, *args)
    assert_refused(app, result, "takes no option", word)
    assert user_count(app) == before


def test_an_unknown_role_is_refused(app: Flask) -> None:
    before = user_count(app)
    result = users_create(app, "--role", "superuser", "--email", "x@duaal.be")
    assert_refused(app, result, "--role")
    assert user_count(app) == before


# Passwords and e-mail addresses.


@pytest.mark.parametrize("password", ["", "kort", "123456789"])
def test_a_password_under_ten_characters_is_refused(app: Flask, password: str) -> None:
    before = user_count(app)
    result = users_create(app, "--role", "admin", "--email", "kort@duaal.be", password=password)
    assert_refused(app, result, "--password", "10 tekens")
    assert user_count(app) == before


def test_ten_characters_are_enough(app: Flask) -> None:
    result = users_create(app, "--role", "admin", "--email", "tien@duaal.be", password="1234567890")
    assert result.exit_code == 0, result.output


def test_the_password_is_asked_twice_when_left_out(app: Flask) -> None:
    result = app.test_cli_runner().invoke(
        args=["users", "create", "--role", "admin", "--email", "vraag@duaal.be"],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output  # a hidden prompt: not echoed
    assert stored_user(app, "vraag@duaal.be")["role"] is Role.ADMIN


@pytest.mark.parametrize("email", ["dubbel@duaal.be", "DUBBEL@duaal.be", " dubbel@Duaal.be "])
def test_a_duplicate_email_is_refused(app: Flask, email: str) -> None:
    assert users_create(app, "--role", "admin", "--email", "dubbel@duaal.be").exit_code == 0
    before = user_count(app)
    company_id, _ = make(app, "company")
    result = users_create(app, "--role", "company", "--email", email, "--company", str(company_id))
    assert_refused(app, result, "--email", "bestaat al")
    assert user_count(app) == before
    assert stored_user(app, "dubbel@duaal.be")["role"] is Role.ADMIN


@pytest.mark.parametrize("email", ["geen-apenstaartje", "@", "a@", "@b", ""])
def test_an_invalid_email_is_refused(app: Flask, email: str) -> None:
    before = user_count(app)
    result = users_create(app, "--role", "admin", "--email", email)
    assert_refused(app, result, "--email")
    assert user_count(app) == before


# The user made on the command line logs in on the site.


@pytest.mark.parametrize(
    ("kind", "role", "option", "home"),
    [
        ("company", "company", "--company", "/bedrijf"),
        ("partnership", "consultant", "--partnership", "/partnerschap"),
        ("school", "school_staff", "--school", "/school"),
        (None, "admin", None, "/beheer/taken"),
    ],
)
def test_the_created_user_can_log_in(
    app: Flask, kind: str | None, role: str, option: str | None, home: str
) -> None:
    entity = [option, str(make(app, kind)[0])] if kind and option else []
    email = f"{role}@cli.be"
    result = users_create(app, "--role", role, "--email", email, *entity)
    assert result.exit_code == 0, result.output
    client = app.test_client()
    response = clients.post(client, "/aanmelden", {"email": email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == home
    assert client.get(home).status_code == 200
    assert clients.post(client, "/afmelden").status_code == 302
    refused = clients.post(client, "/aanmelden", {"email": email, "password": PASSWORD + "x"})
    assert refused.status_code == 401


# A new password, or a closed account: the old way in and every session end.

NEW_PASSWORD = "een-heel-nieuw-wachtwoord"


def users_command(app: Flask, command: str, *args: str) -> Result:
    return app.test_cli_runner().invoke(args=["users", command, *args])


def signed_in_client(app: Flask, email: str) -> FlaskClient:
    """A browser that logged in to `email` through the form, before the command ran."""
    client = app.test_client()
    response = clients.post(client, "/aanmelden", {"email": email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/beheer/taken").status_code == 200
    return client


def log_in_status(app: Flask, email: str, password: str) -> int:
    response = clients.post(app.test_client(), "/aanmelden", {"email": email, "password": password})
    return response.status_code


@pytest.mark.parametrize("spelling", ["beheer@duaal.be", " Beheer@Duaal.BE "])
def test_set_password_lets_only_the_new_password_in_and_ends_the_sessions(
    app: Flask, spelling: str
) -> None:
    assert users_create(app, "--role", "admin", "--email", "beheer@duaal.be").exit_code == 0
    browser = signed_in_client(app, "beheer@duaal.be")
    result = users_command(app, "set-password", "--email", spelling, "--password", NEW_PASSWORD)
    assert result.exit_code == 0, result.output
    assert "New password set for beheer@duaal.be" in result.output
    assert NEW_PASSWORD not in result.output
    assert browser.get("/beheer/taken").status_code == 302
    assert log_in_status(app, "beheer@duaal.be", PASSWORD) == 401
    assert log_in_status(app, "beheer@duaal.be", NEW_PASSWORD) == 302
    assert stored_user(app, "beheer@duaal.be")["password_hash"].startswith("$argon2id$")


def test_set_password_asks_twice_when_left_out(app: Flask) -> None:
    assert users_create(app, "--role", "admin", "--email", "beheer@duaal.be").exit_code == 0
    result = app.test_cli_runner().invoke(
        args=["users", "set-password", "--email", "beheer@duaal.be"],
        input=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert NEW_PASSWORD not in result.output  # a hidden prompt: not echoed
    assert log_in_status(app, "beheer@duaal.be", NEW_PASSWORD) == 302


def test_set_password_refuses_a_short_one_and_keeps_the_old(app: Flask) -> None:
    assert users_create(app, "--role", "admin", "--email", "beheer@duaal.be").exit_code == 0
    browser = signed_in_client(app, "beheer@duaal.be")
    before = stored_user(app, "beheer@duaal.be")["password_hash"]
    result = users_command(app, "set-password", "--email", "beheer@duaal.be", "--password", "kort")
    assert result.exit_code == 2, result.output
    assert "--password" in result.output and "10 tekens" in result.output
    assert stored_user(app, "beheer@duaal.be")["password_hash"] == before
    assert browser.get("/beheer/taken").status_code == 200


def test_deactivate_closes_the_account_and_ends_its_sessions(app: Flask) -> None:
    assert users_create(app, "--role", "admin", "--email", "beheer@duaal.be").exit_code == 0
    browser = signed_in_client(app, "beheer@duaal.be")
    result = users_command(app, "deactivate", "--email", "Beheer@Duaal.be")
    assert result.exit_code == 0, result.output
    assert "beheer@duaal.be is deactivated" in result.output
    assert stored_user(app, "beheer@duaal.be")["is_active"] is False
    assert browser.get("/beheer/taken").status_code == 302
    assert log_in_status(app, "beheer@duaal.be", PASSWORD) == 401


@pytest.mark.parametrize(
    "args",
    [["set-password", "--password", NEW_PASSWORD], ["deactivate"]],
    ids=["set-password", "deactivate"],
)
def test_an_unknown_address_is_refused(app: Flask, args: list[str]) -> None:
    assert users_create(app, "--role", "admin", "--email", "beheer@duaal.be").exit_code == 0
    result = users_command(app, *args[:1], "--email", "niemand@duaal.be", *args[1:])
    assert result.exit_code == 2, result.output
    assert "no account with niemand@duaal.be" in result.output
    assert stored_user(app, "beheer@duaal.be")["is_active"] is True
    assert log_in_status(app, "beheer@duaal.be", PASSWORD) == 302
