"""The company's pages under /bedrijf, through the test client.

Registering (the company exists once its e-mailed link is followed), adding sites and
mentors, asking for recognitions, keeping places current and managing API keys: what
each page accepts, what it refuses in Dutch, and that a refusal stores nothing.
"""

import hashlib
import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from matcher import IntakePreferences
from models import ApiToken, Company, Mentor, OutboxMessage, Postcode, Recognition, Site, User
from models.base import today_in_belgium
from models.enums import RecognitionStatus, Role
from models.rules import add_months
from tests import factories
from tests.clients import login, post
from tests.pages import (
    REGISTRATION,
    birth_date_for_age,
    confirm,
    confirmation_link,
    count,
    field_error,
    html,
    is_available,
    pending,
    registered,
    search_ids,
)
from web.db import get_session

PROGRAMME = "elektrotechnieken-duaal"
NOW_TOLERANCE = timedelta(minutes=2)


@pytest.fixture
def company_id(app: Flask, client: FlaskClient) -> int:
    """A company with a logged-in company user."""
    return signed_in_company(app, client)


def signed_in_company(app: Flask, client: FlaskClient) -> int:
    """Make a company and log the client in as its user; return the company's id."""
    with app.app_context():
        session = get_session()
        company = factories.company(session, name="Elektro Claeys")
        user = factories.user(session, Role.COMPANY, company)
        session.commit()
        company_id = company.id
    login(client, user)
    return company_id


def make_site(app: Flask, company_id: int, postcode: str = "8500") -> int:
    with app.app_context():
        session = get_session()
        place = session.get(Postcode, postcode)
        assert place is not None
        owner = session.get(Company, company_id)
        site = factories.site(session, owner=owner, postcode=postcode, lat=place.lat, lon=place.lon)
        session.commit()
        return site.id


def make_recognition(app: Flask, company_id: int, **fields: Any) -> int:
    """A recognition of a new 8500 site of the company (recognised 100 days ago by default)."""
    site_id = make_site(app, company_id)
    with app.app_context():
        session = get_session()
        if "programme" in fields and isinstance(fields["programme"], str):
            fields["programme"] = factories.programme(session, fields["programme"])
        row = factories.recognition(session, at=session.get(Site, site_id), **fields)
        session.commit()
        return row.id


REQUESTED: dict[str, Any] = {
    "status": RecognitionStatus.REQUESTED,
    "decided_at": None,
    "valid_until": None,
    "n_places": 0,
    "n_free_places": 0,
}


def make_mentor(app: Flask, company_id: int, **fields: Any) -> int:
    with app.app_context():
        session = get_session()
        mentor = factories.mentor(session, owner=session.get(Company, company_id), **fields)
        session.commit()
        return mentor.id


def programme_id(app: Flask, code: str = PROGRAMME) -> int:
    with app.app_context():
        return factories.programme(get_session(), code).id


# Registration -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0403.170.701", "0403170701"),
        ("BE 0403 170 701", "0403170701"),
        ("403170701", "0403170701"),
    ],
)
def test_registration_creates_the_company_and_its_user_once_confirmed_and_logs_in(
    app: Flask, client: FlaskClient, typed: str, stored: str
) -> None:
    form = {**REGISTRATION, "kbo_number": typed}
    response = post(client, "/bedrijf/registreren", form)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/bedrijf/registreren/verstuurd")
    sent = client.get("/bedrijf/registreren/verstuurd")
    assert sent.status_code == 200 and REGISTRATION["user_email"] in html(sent)
    # Nothing exists, and nobody is logged in, until the link is followed.
    assert registered(app) == (0, 0) and pending(app) == 1
    assert client.get("/bedrijf").status_code == 302

    confirmed = confirm(client, confirmation_link(app))
    assert confirmed.status_code == 302
    assert confirmed.headers["Location"].endswith("/bedrijf")
    with app.app_context():
        session = get_session()
        company = session.scalar(select(Company).where(Company.name == REGISTRATION["name"]))
        assert company is not None
        assert company.kbo_number == stored
        assert company.n_employees == 12 and company.email == "info@delbeke.be"
        assert company.declares_activities and company.declares_commitments
        user = session.scalar(select(User).where(User.company_id == company.id))
        assert user is not None
        assert user.role is Role.COMPANY and user.email == "an.delbeke@example.be"
        assert user.password_hash and REGISTRATION["password"] not in user.password_hash
    assert pending(app) == 0
    dashboard = client.get("/bedrijf")
    assert dashboard.status_code == 200
    assert "Schrijnwerkerij Delbeke" in html(dashboard) and "0403.170.701" in html(dashboard)


@pytest.mark.parametrize(
    ("kbo", "why"),
    [
        ("0403.170.702", "Dit ondernemingsnummer klopt niet: controleer de cijfers."),
        ("123456789", "Dit ondernemingsnummer klopt niet: controleer de cijfers."),
        ("04031707011", "Een ondernemingsnummer heeft 10 cijfers, bijvoorbeeld 0403.170.701."),
        ("0403.17O.701", "Een ondernemingsnummer heeft 10 cijfers"),
        ("BE04O3170701", "Een ondernemingsnummer heeft 10 cijfers"),
        ("2403170701", "Een ondernemingsnummer begint met 0 of 1."),
    ],
)
def test_an_invalid_kbo_number_is_refused_at_its_field_and_kept(
    app: Flask, client: FlaskClient, kbo: str, why: str
) -> None:
    response = post(client, "/bedrijf/registreren", {**REGISTRATION, "kbo_number": kbo})
    assert response.status_code == 400
    page = html(response)
    assert why in field_error(page, "kbo_number")
    assert f'value="{kbo}"' in page
    assert 'value="Schrijnwerkerij Delbeke"' in page
    assert 'value="An.Delbeke@Example.be"' in page
    assert registered(app) == (0, 0) and pending(app) == 0


@pytest.mark.parametrize("typed", ["0403.170.701", "BE0403170701", "403 170 701"])
def test_a_kbo_number_already_registered_is_refused(
    app: Flask, client: FlaskClient, typed: str
) -> None:
    with app.app_context():
        session = get_session()
        factories.company(session, kbo_number="0403170701", name="Eerder geregistreerd")
        session.commit()
    response = post(client, "/bedrijf/registreren", {**REGISTRATION, "kbo_number": typed})
    assert response.status_code == 400
    assert "al geregistreerd" in field_error(html(response), "kbo_number")
    assert registered(app) == (0, 0) and pending(app) == 0
    assert count(app, Company, Company.kbo_number == "0403170701") == 1


@pytest.mark.parametrize(
    "declaration", [name for name in REGISTRATION if name.startswith("declares")]
)
def test_every_declaration_is_required(app: Flask, client: FlaskClient, declaration: str) -> None:
    data = {k: v for k, v in REGISTRATION.items() if k != declaration}
    response = post(client, "/bedrijf/registreren", data)
    assert response.status_code == 400
    message = field_error(html(response), declaration)
    assert "Bevestig" in message and "voorwaarde" in message
    assert registered(app) == (0, 0) and pending(app) == 0


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"password": "kort", "password_again": "kort"}, "password", "Minstens 10 tekens."),
        ({"password_again": "een ander wachtwoord"}, "password_again", "wachtwoorden verschillen"),
        ({"password": "", "password_again": ""}, "password", "Vul dit in."),
        ({"name": "  "}, "name", "Vul dit in."),
        ({"kbo_number": ""}, "kbo_number", "Vul dit in."),
        ({"user_email": ""}, "user_email", "Vul dit in."),
        ({"user_email": "geen-adres"}, "user_email", "Geef een geldig e-mailadres."),
    ],
)
def test_registration_form_errors_are_dutch_and_store_nothing(
    app: Flask, client: FlaskClient, changes: dict[str, str], field: str, message: str
) -> None:
    response = post(client, "/bedrijf/registreren", {**REGISTRATION, **changes})
    assert response.status_code == 400
    page = html(response)
    assert message in field_error(page, field)
    assert 'value="Schrijnwerkerij Delbeke"' in page or field == "name"
    assert 'value="0403.170.701"' in page or field == "kbo_number"
    assert count(app, Company, Company.kbo_number == "0403170701") == 0
    assert registered(app)[1] == 0 and pending(app) == 0


def test_an_email_address_already_in_use_is_not_revealed_and_its_owner_is_told(
    app: Flask, client: FlaskClient
) -> None:
    with app.app_context():
        session = get_session()
        factories.user(session, Role.COMPANY, email="an.delbeke@example.be")
        session.commit()
    response = post(client, "/bedrijf/registreren", REGISTRATION)
    # The answer a new address gets: the form says nothing of the account.
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/bedrijf/registreren/verstuurd")
    assert "al een account" not in html(client.get("/bedrijf/registreren/verstuurd"))
    with app.app_context():
        kinds = get_session().scalars(
            select(OutboxMessage.kind).where(OutboxMessage.recipient == "an.delbeke@example.be")
        )
        assert list(kinds) == ["registration-known"]
    assert pending(app) == 0  # no link to follow: nothing can come of it
    assert count(app, Company, Company.kbo_number == "0403170701") == 0
    assert registered(app)[1] == 1  # only the earlier account


def test_a_signed_in_company_is_sent_to_its_dashboard(client: FlaskClient, company_id: int) -> None:
    response = client.get("/bedrijf/registreren")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/bedrijf")


# Who may see the company pages --------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/bedrijf", "/bedrijf/vestigingen/nieuw", "/bedrijf/mentoren/nieuw", "/bedrijf/sleutels"],
)
def test_company_pages_need_a_company_login(app: Flask, client: FlaskClient, path: str) -> None:
    anonymous = client.get(path)
    assert anonymous.status_code == 302 and "/aanmelden" in anonymous.headers["Location"]
    with app.app_context():
        session = get_session()
        consultant = factories.user(session, Role.CONSULTANT)
        session.commit()
    login(client, consultant)
    assert client.get(path).status_code == 403


# Sites --------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["8500", "8500 Kortrijk", " 8500 Courtrai"])
def test_a_site_is_placed_at_its_postcode_centre(
    app: Flask, client: FlaskClient, company_id: int, typed: str
) -> None:
    response = post(
        client,
        "/bedrijf/vestigingen/nieuw",
        {"name": "Werkplaats", "street": "Kuurnsestraat 10", "postcode": typed},
    )
    assert response.status_code == 302
    with app.app_context():
        session = get_session()
        site = session.scalar(select(Site).where(Site.company_id == company_id))
        place = session.get(Postcode, "8500")
        assert site is not None and place is not None
        assert site.postcode == "8500"
        assert (site.lat, site.lon) == (place.lat, place.lon)
        assert site.name == "Werkplaats" and site.street == "Kuurnsestraat 10"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("0999", "Deze postcode kennen we niet."),
        ("Kortrijk", "Geef een postcode van 4 cijfers"),
        ("850", "Geef een postcode van 4 cijfers"),
    ],
)
def test_an_unknown_postcode_is_refused_and_nothing_stored(
    app: Flask, client: FlaskClient, company_id: int, typed: str, message: str
) -> None:
    response = post(
        client,
        "/bedrijf/vestigingen/nieuw",
        {"name": "Werkplaats", "street": "Kuurnsestraat 10", "postcode": typed},
    )
    assert response.status_code == 400
    page = html(response)
    assert message in field_error(page, "postcode")
    assert f'value="{typed}"' in page and 'value="Kuurnsestraat 10"' in page
    assert count(app, Site, Site.company_id == company_id) == 0


def test_a_walloon_site_can_be_added_but_not_recognised(
    app: Flask, client: FlaskClient, company_id: int
) -> None:
    response = post(
        client,
        "/bedrijf/vestigingen/nieuw",
        {"name": "Filiaal", "street": "Rue de la Gare 1", "postcode": "7700 Mouscron"},
    )
    assert response.status_code == 302
    with app.app_context():
        site = get_session().scalar(select(Site).where(Site.company_id == company_id))
        assert site is not None and site.postcode == "7700"
        site_id = site.id
    dashboard = html(client.get("/bedrijf"))
    assert "Wallonië" in dashboard
    # No link to a request that cannot be made, and the request form sends the company
    # to add a site where one can.
    assert f"/bedrijf/erkenningen/nieuw?site={site_id}" not in dashboard
    only_wallonia = client.get("/bedrijf/erkenningen/nieuw")
    assert only_wallonia.status_code == 302
    assert only_wallonia.headers["Location"].endswith("/bedrijf/vestigingen/nieuw")
    # With a site in Flanders too, the Walloon one is still refused, and said why.
    flemish = make_site(app, company_id)
    form = html(client.get("/bedrijf/erkenningen/nieuw"))
    choices = re.search(r'<select[^>]*name="site_id".*?</select>', form, re.S)
    assert choices is not None
    assert f'value="{flemish}"' in choices[0] and f'value="{site_id}"' not in choices[0]
    response = post(
        client,
        "/bedrijf/erkenningen/nieuw",
        {"site_id": site_id, "programme_id": programme_id(app), "mentor_id": "0"},
    )
    assert response.status_code == 400
    message = field_error(html(response), "site_id")
    assert "Wallonië" in message and "Vlaanderen" in message
    assert count(app, Recognition, Recognition.site_id == site_id) == 0


# Recognition requests -----------------------------------------------------------------


def test_a_request_is_sent_to_the_partnership(
    app: Flask, client: FlaskClient, company_id: int
) -> None:
    site_id = make_site(app, company_id)
    mentor_id = make_mentor(app, company_id)
    response = post(
        client,
        "/bedrijf/erkenningen/nieuw",
        {"site_id": site_id, "programme_id": programme_id(app), "mentor_id": mentor_id},
    )
    assert response.status_code == 302
    with app.app_context():
        recognition = get_session().scalar(
            select(Recognition).where(Recognition.site_id == site_id)
        )
        assert recognition is not None
        assert recognition.status is RecognitionStatus.REQUESTED
        assert recognition.mentor_id == mentor_id
        assert recognition.decided_at is None and not is_available(recognition)
        assert abs(recognition.requested_at - datetime.now(UTC)) < NOW_TOLERANCE
        assert response.headers["Location"].endswith(f"/bedrijf/erkenningen/{recognition.id}")
    page = html(client.get(response.headers["Location"]))
    assert "Elektrotechnieken duaal" in page and "binnen 14 dagen" in page


def test_the_placeholder_programme_is_refused(
    app: Flask, client: FlaskClient, company_id: int
) -> None:
    site_id = make_site(app, company_id)
    response = post(client, "/bedrijf/erkenningen/nieuw", {"site_id": site_id, "programme_id": "0"})
    assert response.status_code == 400
    assert "Kies een opleiding uit de lijst." in field_error(html(response), "programme_id")
    assert count(app, Recognition, Recognition.site_id == site_id) == 0


def test_another_companys_site_cannot_be_requested(
    app: Flask, client: FlaskClient, company_id: int
) -> None:
    make_site(app, company_id)
    with app.app_context():
        session = get_session()
        other_site = factories.site(session)
        session.commit()
        other_site_id = other_site.id
    response = post(
        client,
        "/bedrijf/erkenningen/nieuw",
        {"site_id": other_site_id, "programme_id": programme_id(app)},
    )
    assert response.status_code == 400
    assert "Kies een van je vestigingen." in field_error(html(response), "site_id")
    assert count(app, Recognition, Recognition.site_id == other_site_id) == 0


@pytest.mark.parametrize(
    "existing",
    [REQUESTED, {}],
    ids=["pending", "recognised"],
)
def test_a_second_request_for_the_same_site_and_programme_is_refused(
    app: Flask, client: FlaskClient, company_id: int, existing: dict[str, Any]
) -> None:
    recognition_id = make_recognition(app, company_id, **existing)
    with app.app_context():
        row = get_session().get(Recognition, recognition_id)
        assert row is not None
        site_id, status = row.site_id, row.status
    response = post(
        client,
        "/bedrijf/erkenningen/nieuw",
        {"site_id": site_id, "programme_id": programme_id(app)},
    )
    assert response.status_code == 400
    assert "loopt al een aanvraag" in field_error(html(response), "programme_id")
    assert count(app, Recognition, Recognition.site_id == site_id) == 1
    with app.app_context():
        row = get_session().get(Recognition, recognition_id)
        assert row is not None and row.status is status


ENDED: dict[str, dict[str, Any]] = {
    "refused": {
        "status": RecognitionStatus.REFUSED,
        "valid_until": None,
        "decision_reason": "Geen geschikte uitrusting.",
        "n_free_places": 0,
    },
    "withdrawn": {
        "status": RecognitionStatus.WITHDRAWN,
        "decision_reason": "Geen mentor meer.",
        "n_free_places": 0,
    },
    "expired": {
        "status": RecognitionStatus.EXPIRED,
        "decided_at": datetime(2019, 3, 1, 10, tzinfo=UTC),
        "valid_until": date(2024, 3, 1),
        "n_free_places": 0,
    },
}


@pytest.mark.parametrize("ended", list(ENDED))
def test_an_ended_recognition_is_requested_again_on_the_same_row(
    app: Flask, client: FlaskClient, company_id: int, ended: str
) -> None:
    recognition_id = make_recognition(app, company_id, **ENDED[ended])
    with app.app_context():
        row = get_session().get(Recognition, recognition_id)
        assert row is not None
        site_id = row.site_id
    assert "Opnieuw aanvragen" in html(client.get(f"/bedrijf/erkenningen/{recognition_id}"))
    response = post(
        client,
        "/bedrijf/erkenningen/nieuw",
        {"site_id": site_id, "programme_id": programme_id(app)},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/bedrijf/erkenningen/{recognition_id}")
    with app.app_context():
        rows = get_session().scalars(select(Recognition).where(Recognition.site_id == site_id))
        (row,) = rows.all()
        assert row.id == recognition_id
        assert row.status is RecognitionStatus.REQUESTED
        assert row.decided_at is None and row.decision_reason is None
        assert abs(row.requested_at - datetime.now(UTC)) < NOW_TOLERANCE


def test_another_companys_recognition_is_not_found(
    app: Flask, client: FlaskClient, company_id: int
) -> None:
    with app.app_context():
        session = get_session()
        other = factories.recognition(session)
        session.commit()
        other_id = other.id
    assert client.get(f"/bedrijf/erkenningen/{other_id}").status_code == 404
    data = {"n_places": "3", "n_free_places": "1"}
    assert post(client, f"/bedrijf/erkenningen/{other_id}/plaatsen", data).status_code == 404
    assert post(client, f"/bedrijf/erkenningen/{other_id}/klopt-nog").status_code == 404


# Mentors ------------------------------------------------------------------------------


def mentor_form(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "first_name": "Jef",
        "last_name": "Vermeersch",
        "email": "jef@example.be",
        "birth_date": birth_date_for_age(40).isoformat(),
        "years_experience": "15",
        "extract_596_2_shown_on": (today_in_belgium() - timedelta(days=10)).isoformat(),
        "training_status": "not_started",
    }
    data.update(changes)
    return data


def test_a_mentor_who_meets_the_rules_is_saved(
    app: Flask, client: FlaskClient, company_id: int
) -> None:
    shown_on = today_in_belgium() - timedelta(days=10)
    response = post(client, "/bedrijf/mentoren/nieuw", mentor_form())
    assert response.status_code == 302
    with app.app_context():
        mentor = get_session().scalar(select(Mentor).where(Mentor.company_id == company_id))
        assert mentor is not None
        assert (mentor.first_name, mentor.last_name) == ("Jef", "Vermeersch")
        assert mentor.birth_date == birth_date_for_age(40)
        assert mentor.years_experience == 15
        assert mentor.extract_596_2_shown_on == shown_on
        mentor_id = mentor.id
    assert response.headers["Location"].endswith(f"/bedrijf/mentoren/{mentor_id}")
    page = html(client.get(response.headers["Location"]))
    assert "Deze mentor voldoet aan de voorwaarden." in page


@pytest.mark.parametrize("training", ["", "afgewerkt", None])
def test_a_training_the_form_did_not_offer_is_named_and_nothing_is_saved(
    app: Flask, client: FlaskClient, company_id: int, training: str | None
) -> None:
    form = mentor_form(training_status=training)
    if training is None:
        del form["training_status"]
    response = post(client, "/bedrijf/mentoren/nieuw", form)
    assert response.status_code == 400
    assert field_error(html(response), "training_status")
    assert count(app, Mentor, Mentor.company_id == company_id) == 0


@pytest.mark.parametrize("age", [16, 20, 22])
def test_a_mentor_under_23_is_refused(
    app: Flask, client: FlaskClient, company_id: int, age: int
) -> None:
    response = post(
        client,
        "/bedrijf/mentoren/nieuw",
        mentor_form(birth_date=birth_date_for_age(age).isoformat(), years_experience="5"),
    )
    assert response.status_code == 400
    message = field_error(html(response), "birth_date")
    assert "minstens 25 jaar" in message and "23 jaar" in message
    assert f"Deze persoon is {age}." in message
    assert count(app, Mentor, Mentor.company_id == company_id) == 0


@pytest.mark.parametrize("age", [23, 24])
def test_a_mentor_of_23_or_24_is_saved_but_needs_a_waiver(
    app: Flask, client: FlaskClient, company_id: int, age: int
) -> None:
    response = post(
        client,
        "/bedrijf/mentoren/nieuw",
        mentor_form(birth_date=birth_date_for_age(age).isoformat(), years_experience="6"),
    )
    assert response.status_code == 302
    page = html(client.get(response.headers["Location"]))
    assert "Deze mentor is jonger dan 25" in page
    assert "afwijking" in page
    assert "Deze mentor voldoet aan de voorwaarden." not in page
    with app.app_context():
        mentor = get_session().scalar(select(Mentor).where(Mentor.company_id == company_id))
        assert mentor is not None


def test_a_mentor_of_25_needs_no_waiver(app: Flask, client: FlaskClient, company_id: int) -> None:
    response = post(
        client,
        "/bedrijf/mentoren/nieuw",
        mentor_form(birth_date=birth_date_for_age(25).isoformat(), years_experience="8"),
    )
    assert response.status_code == 302
    assert "jonger dan 25" not in html(client.get(response.headers["Location"]))


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"years_experience": "4"}, "years_experience", "minstens 5 jaar ervaring"),
        ({"years_experience": "0"}, "years_experience", "minstens 5 jaar ervaring"),
        ({"years_experience": "vijf"}, "years_experience", "Geef een geheel getal, bijv"),
        ({"years_experience": ""}, "years_experience", "Geef een geheel getal, bijv"),
        ({"years_experience": "-3"}, "years_experience", "Geef een geheel getal van 0 of meer."),
        (
            {"extract_596_2_shown_on": (today_in_belgium() + timedelta(days=1)).isoformat()},
            "extract_596_2_shown_on",
            "Deze datum ligt in de toekomst.",
        ),
        (
            {"birth_date": (today_in_belgium() + timedelta(days=1)).isoformat()},
            "birth_date",
            "Deze geboortedatum ligt in de toekomst.",
        ),
        ({"birth_date": "gisteren"}, "birth_date", "datum"),
        ({"first_name": ""}, "first_name", "Vul dit in."),
    ],
)
def test_a_mentor_the_rules_refuse_is_explained_and_the_form_keeps_what_was_typed(
    app: Flask,
    client: FlaskClient,
    company_id: int,
    changes: dict[str, str],
    field: str,
    message: str,
) -> None:
    data = mentor_form(**changes)
    response = post(client, "/bedrijf/mentoren/nieuw", data)
    assert response.status_code == 400
    page = html(response)
    assert message in field_error(page, field)
    assert 'value="Vermeersch"' in page and 'value="jef@example.be"' in page
    if field != "birth_date":
        assert f'value="{data["birth_date"]}"' in page
    assert count(app, Mentor, Mentor.company_id == company_id) == 0


def test_editing_a_mentor_keeps_the_old_values_when_refused(
    app: Flask, client: FlaskClient, company_id: int
) -> None:
    mentor_id = make_mentor(app, company_id, years_experience=12)
    url = f"/bedrijf/mentoren/{mentor_id}"
    assert 'value="Peeters"' in html(client.get(url))
    response = post(client, url, mentor_form(last_name="Peeters", years_experience="3"))
    assert response.status_code == 400
    assert 'value="3"' in html(response)
    with app.app_context():
        mentor = get_session().get(Mentor, mentor_id)
        assert mentor is not None
        assert (mentor.first_name, mentor.years_experience) == ("Els", 12)
    assert post(client, url, mentor_form(last_name="Peeters")).status_code == 302
    with app.app_context():
        mentor = get_session().get(Mentor, mentor_id)
        assert mentor is not None
        assert (mentor.first_name, mentor.years_experience) == ("Jef", 15)


def test_another_companys_mentor_is_not_found(
    app: Flask, client: FlaskClient, company_id: int
) -> None:
    with app.app_context():
        session = get_session()
        other = factories.mentor(session)
        session.commit()
        other_id, other_name = other.id, other.first_name
    assert client.get(f"/bedrijf/mentoren/{other_id}").status_code == 404
    assert post(client, f"/bedrijf/mentoren/{other_id}", mentor_form()).status_code == 404
    with app.app_context():
        mentor = get_session().get(Mentor, other_id)
        assert mentor is not None and mentor.first_name == other_name


@pytest.mark.parametrize(
    ("code", "months"),
    [("elektrotechnieken-duaal", 12), ("ruwbouw-duaal", 6), ("dakwerker-duaal", 6)],
)
def test_choosing_the_mentor_of_a_recognition_starts_the_training_deadline(
    app: Flask, client: FlaskClient, company_id: int, code: str, months: int
) -> None:
    recognition_id = make_recognition(app, company_id, programme=code)
    mentor_id = make_mentor(app, company_id)
    response = post(
        client, f"/bedrijf/erkenningen/{recognition_id}/mentor", {"mentor_id": mentor_id}
    )
    assert response.status_code == 302
    with app.app_context():
        session = get_session()
        recognition = session.get(Recognition, recognition_id)
        mentor = session.get(Mentor, mentor_id)
        assert recognition is not None and mentor is not None
        assert recognition.mentor_id == mentor_id
        assert recognition.decided_at is not None
        decided_on = today_in_belgium() - timedelta(days=100)
        assert mentor.training_deadline == add_months(decided_on, months)
    page = html(client.get(f"/bedrijf/mentoren/{mentor_id}"))
    assert "Mentoropleiding af te ronden tegen" in page


def test_choosing_the_mentor_of_a_request_starts_no_deadline(
    app: Flask, client: FlaskClient, company_id: int
) -> None:
    recognition_id = make_recognition(app, company_id, **REQUESTED)
    mentor_id = make_mentor(app, company_id)
    response = post(
        client, f"/bedrijf/erkenningen/{recognition_id}/mentor", {"mentor_id": mentor_id}
    )
    assert response.status_code == 302
    with app.app_context():
        session = get_session()
        recognition = session.get(Recognition, recognition_id)
        mentor = session.get(Mentor, mentor_id)
        assert recognition is not None and mentor is not None
        assert recognition.mentor_id == mentor_id and mentor.training_deadline is None


def test_another_companys_mentor_cannot_be_chosen(
    app: Flask, client: FlaskClient, company_id: int
) -> None:
    recognition_id = make_recognition(app, company_id)
    with app.app_context():
        session = get_session()
        other = factories.mentor(session)
        session.commit()
        other_id = other.id
    response = post(
        client, f"/bedrijf/erkenningen/{recognition_id}/mentor", {"mentor_id": other_id}
    )
    assert response.status_code == 400
    assert "Kies een van je mentoren." in html(response)
    with app.app_context():
        recognition = get_session().get(Recognition, recognition_id)
        assert recognition is not None and recognition.mentor_id is None


# Places -------------------------------------------------------------------------------


def test_saving_places_updates_and_confirms_them(
    app: Flask, client: FlaskClient, company_id: int
) -> None:
    recognition_id = make_recognition(app, company_id, n_places=0, n_free_places=0)
    start = today_in_belgium() - timedelta(days=1)
    response = post(
        client,
        f"/bedrijf/erkenningen/{recognition_id}/plaatsen",
        {
            "n_places": "3",
            "n_free_places": "2",
            "available_from": start.isoformat(),
            "min_age": "16",
            "start_months": ["9", "2"],
            "languages": ["fr", "nl"],
            "hours_pattern": "vroeg",
            "first_interview_at_school": "y",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        recognition = get_session().get(Recognition, recognition_id)
        assert recognition is not None
        assert (recognition.n_places, recognition.n_free_places) == (3, 2)
        assert recognition.available_from == start
        assert recognition.intake_preferences == IntakePreferences(
            min_age=16,
            start_months=frozenset({2, 9}),
            languages=frozenset({"nl", "fr"}),
            hours_pattern="vroeg",
            first_interview_at_school=True,
        )
        assert recognition.last_confirmed_at is not None
        assert abs(recognition.last_confirmed_at - datetime.now(UTC)) < NOW_TOLERANCE
        assert is_available(recognition)
    page = html(client.get(f"/bedrijf/erkenningen/{recognition_id}"))
    assert "Laatst bevestigd op" in page and 'value="3"' in page


def test_places_from_a_later_date_are_saved_but_not_yet_available(
    app: Flask, client: FlaskClient, company_id: int
) -> None:
    recognition_id = make_recognition(app, company_id)
    start = today_in_belgium() + timedelta(days=30)
    response = post(
        client,
        f"/bedrijf/erkenningen/{recognition_id}/plaatsen",
        {"n_places": "2", "n_free_places": "2", "available_from": start.isoformat()},
    )
    assert response.status_code == 302
    with app.app_context():
        recognition = get_session().get(Recognition, recognition_id)
        assert recognition is not None
        assert recognition.available_from == start and not is_available(recognition)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"n_places": "2", "n_free_places": "3"}, "n_free_places", "niet meer vrije plaatsen"),
        ({"n_places": "2", "n_free_places": "3"}, "n_free_places", "dan plaatsen (2)."),
        ({"n_places": "-1", "n_free_places": "0"}, "n_places", "een geheel getal van 0 tot 99."),
        ({"n_places": "100", "n_free_places": "1"}, "n_places", "een geheel getal van 0 tot 99."),
        ({"n_places": "twee", "n_free_places": "1"}, "n_places", "getal"),
        ({"n_places": "2", "n_free_places": ""}, "n_free_places", "Geef een geheel getal, bijv"),
        (
            {"n_places": "2", "n_free_places": "1", "min_age": "12"},
            "min_age",
            "Geef een geheel getal van 15 tot 25.",
        ),
    ],
)
def test_impossible_places_are_refused_and_the_row_is_unchanged(
    app: Flask,
    client: FlaskClient,
    company_id: int,
    data: dict[str, str],
    field: str,
    message: str,
) -> None:
    recognition_id = make_recognition(app, company_id, n_places=2, n_free_places=1)
    response = post(client, f"/bedrijf/erkenningen/{recognition_id}/plaatsen", data)
    assert response.status_code == 400
    page = html(response)
    assert message in field_error(page, field)
    assert f'value="{data["n_places"]}"' in page
    with app.app_context():
        recognition = get_session().get(Recognition, recognition_id)
        assert recognition is not None
        assert (recognition.n_places, recognition.n_free_places) == (2, 1)
        assert recognition.last_confirmed_at is None and not is_available(recognition)


def test_a_request_has_no_places_yet(app: Flask, client: FlaskClient, company_id: int) -> None:
    recognition_id = make_recognition(app, company_id, **REQUESTED)
    page = html(client.get(f"/bedrijf/erkenningen/{recognition_id}"))
    assert 'name="n_places"' not in page and "Klopt nog" not in page
    assert "Zodra de erkenning er is" in page
    response = post(
        client,
        f"/bedrijf/erkenningen/{recognition_id}/plaatsen",
        {"n_places": "2", "n_free_places": "1"},
    )
    assert response.status_code == 409
    assert post(client, f"/bedrijf/erkenningen/{recognition_id}/klopt-nog").status_code == 409
    with app.app_context():
        recognition = get_session().get(Recognition, recognition_id)
        assert recognition is not None
        assert (recognition.n_places, recognition.n_free_places) == (0, 0)
        assert recognition.last_confirmed_at is None


def test_klopt_nog_only_confirms(app: Flask, client: FlaskClient, company_id: int) -> None:
    confirmed_before = datetime.now(UTC) - timedelta(days=100)
    prefs = IntakePreferences(
        min_age=17,
        start_months=frozenset({9}),
        languages=frozenset({"nl"}),
        hours_pattern="dag",
        first_interview_at_school=True,
    )
    recognition_id = make_recognition(
        app,
        company_id,
        n_places=4,
        n_free_places=1,
        available_from=date(2024, 9, 1),
        intake_preferences=prefs,
        last_confirmed_at=confirmed_before,
    )
    with app.app_context():
        before = get_session().get(Recognition, recognition_id)
        assert before is not None
        kept = (before.status, before.valid_until, before.decided_at, before.mentor_id)
    response = post(client, f"/bedrijf/erkenningen/{recognition_id}/klopt-nog")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/bedrijf/erkenningen/{recognition_id}")
    with app.app_context():
        after = get_session().get(Recognition, recognition_id)
        assert after is not None
        assert after.last_confirmed_at is not None
        assert abs(after.last_confirmed_at - datetime.now(UTC)) < NOW_TOLERANCE
        assert (after.n_places, after.n_free_places) == (4, 1)
        assert after.available_from == date(2024, 9, 1)
        assert after.intake_preferences == prefs
        assert (after.status, after.valid_until, after.decided_at, after.mentor_id) == kept


def test_klopt_nog_from_the_dashboard_goes_back_there(
    app: Flask, client: FlaskClient, company_id: int
) -> None:
    recognition_id = make_recognition(app, company_id)
    assert "Klopt nog" in html(client.get("/bedrijf"))
    response = post(
        client, f"/bedrijf/erkenningen/{recognition_id}/klopt-nog", {"back": "dashboard"}
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/bedrijf")


def test_search_follows_the_places_saved_on_the_page(
    app: Flask, client: FlaskClient, company_id: int
) -> None:
    recognition_id = make_recognition(app, company_id, n_places=0, n_free_places=0)
    assert recognition_id not in search_ids(client)
    url = f"/bedrijf/erkenningen/{recognition_id}/plaatsen"
    assert post(client, url, {"n_places": "2", "n_free_places": "1"}).status_code == 302
    assert recognition_id in search_ids(client)
    assert post(client, url, {"n_places": "2", "n_free_places": "0"}).status_code == 302
    assert recognition_id not in search_ids(client)


# API keys -----------------------------------------------------------------------------


def test_an_api_key_is_shown_once_and_stored_as_a_digest(
    app: Flask, client: FlaskClient, company_id: int
) -> None:
    response = post(client, "/bedrijf/sleutels", {"name": "Planningssysteem"})
    assert response.status_code == 200
    match = re.search(r'<code class="secret">([^<]+)</code>', html(response))
    assert match is not None
    secret = match.group(1)
    assert secret.startswith("dm_") and len(secret) > 30
    with app.app_context():
        token = get_session().scalar(select(ApiToken).where(ApiToken.company_id == company_id))
        assert token is not None
        assert token.name == "Planningssysteem"
        assert token.token_digest == hashlib.sha256(secret.encode()).hexdigest()
        stored = [str(getattr(token, column.key)) for column in ApiToken.__table__.columns]
        assert all(secret not in value for value in stored)
        assert all(value not in secret or len(value) <= 8 for value in stored)
    later = html(client.get("/bedrijf/sleutels"))
    assert "Planningssysteem" in later and secret not in later


def test_an_api_key_needs_a_name(app: Flask, client: FlaskClient, company_id: int) -> None:
    response = post(client, "/bedrijf/sleutels", {"name": "  "})
    assert response.status_code == 400
    assert "dm_" not in html(response)
    assert count(app, ApiToken, ApiToken.company_id == company_id) == 0


def test_a_revoked_api_key_leaves_the_list(
    app: Flask, client: FlaskClient, company_id: int
) -> None:
    assert post(client, "/bedrijf/sleutels", {"name": "Oud systeem"}).status_code == 200
    with app.app_context():
        token = get_session().scalar(select(ApiToken).where(ApiToken.company_id == company_id))
        assert token is not None
        token_id = token.id
    url = f"/bedrijf/sleutels/{token_id}/intrekken"
    assert f'href="{url}"' in html(client.get("/bedrijf/sleutels"))
    # The list links to a page that asks first; opening it changes nothing.
    asked = client.get(url)
    assert asked.status_code == 200
    assert "Ja, trek deze sleutel in" in html(asked) and "Oud systeem" in html(asked)
    with app.app_context():
        token = get_session().get(ApiToken, token_id)
        assert token is not None and token.revoked_at is None
    response = post(client, url)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/bedrijf/sleutels")
    after = html(client.get("/bedrijf/sleutels"))
    assert "<strong>Oud systeem</strong>" not in after and f'href="{url}"' not in after
    with app.app_context():
        token = get_session().get(ApiToken, token_id)
        assert token is not None and token.revoked_at is not None
    # Revoked, it is gone: its page and a second revocation find nothing.
    assert client.get(url).status_code == 404
    assert post(client, url).status_code == 404


def test_another_companys_api_key_cannot_be_revoked(
    app: Flask, client: FlaskClient, company_id: int
) -> None:
    with app.app_context():
        session = get_session()
        other = factories.company(session)
        token = ApiToken(
            company_id=other.id, name="Van een ander", token_digest="0" * 64, hint="abcd"
        )
        session.add(token)
        session.commit()
        token_id = token.id
    assert client.get(f"/bedrijf/sleutels/{token_id}/intrekken").status_code == 404
    assert post(client, f"/bedrijf/sleutels/{token_id}/intrekken").status_code == 404
    with app.app_context():
        token = get_session().get(ApiToken, token_id)
        assert token is not None and token.revoked_at is None


def test_the_keys_page_shows_each_recognitions_address_and_links_the_description(
    app: Flask, client: FlaskClient, company_id: int
) -> None:
    recognised = make_recognition(app, company_id)
    requested = make_recognition(app, company_id, programme="bakkerij-duaal", **REQUESTED)
    page = html(client.get("/bedrijf/sleutels"))
    for recognition_id in (recognised, requested):
        assert f"PUT /api/v1/recognitions/{recognition_id}/availability" in page
        assert f"erkenning {recognition_id}" in page
    assert "recognitions//availability" not in page
    assert 'href="/api"' in page


# Every problem at once ------------------------------------------------------------------


def test_a_mentor_form_reports_every_problem_at_once(
    app: Flask, client: FlaskClient, company_id: int
) -> None:
    too_young = birth_date_for_age(20).isoformat()
    response = post(
        client, "/bedrijf/mentoren/nieuw", mentor_form(birth_date=too_young, years_experience="2")
    )
    assert response.status_code == 400
    page = html(response)
    assert "minstens 25 jaar" in field_error(page, "birth_date")
    assert "minstens 5 jaar ervaring" in field_error(page, "years_experience")
    # The form's own refusal and the rules' show together too.
    response = post(
        client,
        "/bedrijf/mentoren/nieuw",
        mentor_form(first_name="", email="x" * 300, birth_date=too_young),
    )
    page = html(response)
    assert field_error(page, "first_name") == "Vul dit in."
    assert field_error(page, "email") == "Houd het op 254 tekens of minder."
    assert "minstens 25 jaar" in field_error(page, "birth_date")
    assert count(app, Mentor, Mentor.company_id == company_id) == 0


def test_the_places_form_reports_every_problem_at_once(
    app: Flask, client: FlaskClient, company_id: int
) -> None:
    recognition_id = make_recognition(app, company_id)
    response = post(
        client,
        f"/bedrijf/erkenningen/{recognition_id}/plaatsen",
        {"n_places": "2", "n_free_places": "5", "min_age": "30"},
    )
    assert response.status_code == 400
    page = html(response)
    assert field_error(page, "n_free_places") == (
        "Er kunnen niet meer vrije plaatsen zijn dan plaatsen (2)."
    )
    assert field_error(page, "min_age") == "Geef een geheel getal van 15 tot 25."


def test_a_registration_reports_every_problem_at_once(app: Flask, client: FlaskClient) -> None:
    data = {
        k: v for k, v in REGISTRATION.items() if k not in ("declares_activities", "password_again")
    }
    response = post(client, "/bedrijf/registreren", {**data, "kbo_number": "0403.170.702"})
    assert response.status_code == 400
    page = html(response)
    assert "klopt niet" in field_error(page, "kbo_number")
    assert "Bevestig deze voorwaarde" in field_error(page, "declares_activities")
    assert field_error(page, "password_again") == "Vul dit in."
    assert "Veld mag" not in page and "karakters" not in page


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("name", "x" * 201, "Houd het op 200 tekens of minder."),
        ("phone", "1" * 41, "Houd het op 40 tekens of minder."),
        ("n_employees", "-3", "Geef een geheel getal van 0 tot 1000000."),
        ("n_employees", "veel", "Geef een geheel getal, bijvoorbeeld 3."),
    ],
)
def test_the_form_library_speaks_as_the_pages_do(
    app: Flask, client: FlaskClient, field: str, typed: str, message: str
) -> None:
    response = post(client, "/bedrijf/registreren", {**REGISTRATION, field: typed})
    assert response.status_code == 400
    assert field_error(html(response), field) == message
    assert registered(app) == (0, 0)
