"""Input the app must refuse cleanly, and decisions and inserts that race each other.

This proves that:

- an id beyond a 32-bit row id (`models.base.MAX_ID`) in any route is a 404, on the
  pages and in the API (JSON there), never a database error;
- a NUL character in a query string or a form field is a 400 and nothing is stored;
- a request body over 64 KiB is a 413, and deeply nested JSON sent to the places API is
  a 400 naming the field "body";
- a chosen site, programme or mentor id beyond MAX_ID is a form error (400), not a 500;
- pages for a signed-in user are sent with `Cache-Control: no-store`, anonymous pages not;
- a company, a user or a recognition request inserted by someone else between the
  pre-check and the commit is answered like the pre-check's own refusal (at a
  registration's link: 409, and nothing of the registration is stored);
- a decision taken meanwhile (approve, refuse, withdraw) is answered 409 and leaves the
  first decision as it was, and an expired recognition can no longer be withdrawn;
- `seed-demo` refuses production, and `users create` refuses a taken e-mail address in
  any spelling, also when it was taken meanwhile.
"""

import json
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Connection, func, update
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from models import Company, LoginFailure, Recognition, Site, User
from models.base import MAX_ID, today_in_belgium
from models.enums import RecognitionStatus, Role
from models.rules import add_years, recognition_valid_until
from tests import factories
from tests.clients import login, post
from tests.conftest import app_bound_to
from tests.pages import (
    REGISTRATION,
    confirm,
    confirmation_link,
    count,
    field_error,
    html,
    pending,
    register_and_confirm,
    registered,
)
from web.db import get_session, unit_of_work
from web.services import accounts, partnerships, tokens
from web.services.errors import InputError
from web.services.policy import Party

PROGRAMME = "elektrotechnieken-duaal"  # decided by the partnership "Elektro en installatie"
BEYOND = [MAX_ID + 1, 2**40, 10**20]  # one past PostgreSQL's integer, and far beyond
PASSWORD = "een-sterk-wachtwoord"
ALREADY_DECIDED = "Over deze aanvraag is al beslist."
NOT_RUNNING = "Alleen een lopende erkenning kan ingetrokken worden."
ALREADY_REQUESTED = "Voor deze vestiging en opleiding loopt al een aanvraag"
KBO_TAKEN = "Dit ondernemingsnummer is al geregistreerd."
EMAIL_TAKEN = "Er bestaat al een account met dit e-mailadres."


def api_error(response: TestResponse) -> dict[str, Any]:
    """The JSON error of an /api answer."""
    assert response.mimetype == "application/json", html(response)
    body = response.get_json()
    assert isinstance(body, dict) and "error" in body, body
    error: dict[str, Any] = body["error"]
    return error


@dataclass(frozen=True)
class Workplace:
    """A company's recognised workplace, with an API token for its places."""

    company_id: int
    site_id: int
    recognition_id: int
    mentor_id: int
    secret: str


@pytest.fixture
def workplace(app: Flask) -> Workplace:
    with app.app_context():
        session = get_session()
        company = factories.company(session, name="Elektro Verhaeghe")
        site = factories.site(session, owner=company)
        recognition = factories.recognition(session, at=site, n_places=3, n_free_places=1)
        mentor = factories.mentor(session, owner=company)
        _token, secret = tokens.create_token(
            session, Party.of_company(company.id), "Personeelssysteem"
        )
        session.commit()
        return Workplace(company.id, site.id, recognition.id, mentor.id, secret)


def log_in_company(app: Flask, client: FlaskClient, company_id: int) -> None:
    with app.app_context():
        session = get_session()
        user = factories.user(session, Role.COMPANY, session.get(Company, company_id))
        session.commit()
    login(client, user)


def log_in_consultant(app: Flask, client: FlaskClient) -> None:
    """Sign in a consultant of the partnership that decides PROGRAMME."""
    with app.app_context():
        session = get_session()
        user = factories.user(session, Role.CONSULTANT, factories.partnership(session))
        session.commit()
    login(client, user)


def recognition_row(app: Flask, recognition_id: int) -> dict[str, Any]:
    """What the database holds about a recognition's decision, read afresh."""
    with app.app_context():
        row = get_session().get(Recognition, recognition_id)
        assert row is not None
        return {
            "status": row.status,
            "decided_at": row.decided_at,
            "valid_until": row.valid_until,
            "decision_reason": row.decision_reason,
            "mentor_id": row.mentor_id,
            "n_places": row.n_places,
            "n_free_places": row.n_free_places,
        }


def put_availability(
    client: FlaskClient, recognition_id: int, secret: str, **kwargs: Any
) -> TestResponse:
    return client.put(
        f"/api/v1/recognitions/{recognition_id}/availability",
        headers={"Authorization": f"Bearer {secret}"},
        **kwargs,
    )


# Ids beyond MAX_ID are no route: 404, never a database error.

ANONYMOUS_GETS = ["/werkplekken/{id}", "/api/v1/workplaces/{id}"]
COMPANY_PAGES = [
    ("GET", "/bedrijf/erkenningen/{id}"),
    ("POST", "/bedrijf/erkenningen/{id}/plaatsen"),
    ("POST", "/bedrijf/erkenningen/{id}/klopt-nog"),
    ("POST", "/bedrijf/erkenningen/{id}/mentor"),
    ("GET", "/bedrijf/mentoren/{id}"),
    ("POST", "/bedrijf/mentoren/{id}"),
    ("POST", "/bedrijf/sleutels/{id}/intrekken"),
]
CONSULTANT_PAGES = [
    ("GET", "/partnerschap/erkenningen/{id}"),
    ("POST", "/partnerschap/erkenningen/{id}/erkennen"),
    ("POST", "/partnerschap/erkenningen/{id}/weigeren"),
    ("POST", "/partnerschap/erkenningen/{id}/intrekken"),
]


def visit(client: FlaskClient, method: str, url: str) -> TestResponse:
    """GET a page, or POST to it with a valid CSRF token (so only the route can refuse)."""
    if method == "GET":
        return client.get(url)
    return post(client, url, {"reason": "Reden", "mentor_id": "0"})


@pytest.mark.parametrize("row_id", BEYOND)
@pytest.mark.parametrize("url", ANONYMOUS_GETS)
def test_a_big_id_in_a_public_route_is_404(client: FlaskClient, url: str, row_id: int) -> None:
    response = client.get(url.format(id=row_id))
    assert response.status_code == 404
    if url.startswith("/api/"):
        assert api_error(response)["code"] == "not_found"


@pytest.mark.parametrize("row_id", BEYOND)
@pytest.mark.parametrize(("method", "url"), COMPANY_PAGES)
def test_a_big_id_in_a_company_page_is_404(
    app: Flask, client: FlaskClient, workplace: Workplace, method: str, url: str, row_id: int
) -> None:
    log_in_company(app, client, workplace.company_id)
    response = visit(client, method, url.format(id=row_id))
    assert response.status_code == 404, html(response)
    assert "Deze pagina bestaat niet" in html(response)


@pytest.mark.parametrize("row_id", BEYOND)
@pytest.mark.parametrize(("method", "url"), CONSULTANT_PAGES)
def test_a_big_id_in_a_consultant_page_is_404(
    app: Flask, client: FlaskClient, method: str, url: str, row_id: int
) -> None:
    log_in_consultant(app, client)
    response = visit(client, method, url.format(id=row_id))
    assert response.status_code == 404, html(response)


@pytest.mark.parametrize("row_id", [0, *BEYOND])
def test_a_big_id_in_the_places_api_is_a_json_404(
    client: FlaskClient, workplace: Workplace, row_id: int
) -> None:
    response = put_availability(client, row_id, workplace.secret, json={"confirm": True})
    assert response.status_code == 404
    assert api_error(response)["code"] == "not_found"


@pytest.mark.parametrize("row_id", [*BEYOND, "%C2%B2", "%D9%A1"])  # and "²", "١"
def test_a_big_or_odd_site_id_in_the_request_page_query_is_ignored(
    app: Flask, client: FlaskClient, workplace: Workplace, row_id: int | str
) -> None:
    log_in_company(app, client, workplace.company_id)
    assert client.get(f"/bedrijf/erkenningen/nieuw?site={row_id}").status_code == 200


def test_the_largest_row_id_still_reaches_the_api(
    client: FlaskClient, workplace: Workplace
) -> None:
    """MAX_ID itself is routed: the view looks it up and finds no such recognition."""
    response = put_availability(client, MAX_ID, workplace.secret, json={"confirm": True})
    assert response.status_code == 404
    assert api_error(response)["message"] == "no such recognition"
    beyond = put_availability(client, MAX_ID + 1, workplace.secret, json={"confirm": True})
    assert api_error(beyond)["message"] != "no such recognition"  # refused by the route


# NUL characters: no text column can hold one, so they are refused at the door.


def test_a_nul_in_the_search_query_is_400(client: FlaskClient) -> None:
    response = client.get("/zoeken?programme=elektrotechnieken-duaal&postcode=85%00")
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert "Dit verzoek kunnen we niet verwerken" in html(response)


def test_a_nul_in_a_parameters_name_is_400_and_the_text_percent_00_is_not_refused(
    client: FlaskClient,
) -> None:
    # The query string is looked at before it is parsed: "%2500" is the text "%00".
    assert client.get("/zoeken?programme=elektrotechnieken-duaal&x%00=1").status_code == 400
    response = client.get("/api/v1/search?programme=elektrotechnieken-duaal&postcode=%2500")
    assert response.status_code == 400
    assert api_error(response)["field"] == "postcode"


def test_a_nul_in_an_api_query_is_a_json_400(client: FlaskClient) -> None:
    response = client.get("/api/v1/search?programme=elektrotechnieken-duaal&postcode=85%00")
    assert response.status_code == 400
    assert api_error(response)["code"]


def test_a_nul_in_a_form_sent_to_the_api_is_a_json_400(
    app: Flask, client: FlaskClient, workplace: Workplace
) -> None:
    before = recognition_row(app, workplace.recognition_id)
    response = put_availability(
        client, workplace.recognition_id, workplace.secret, data={"n_places": "3\x00"}
    )
    assert response.status_code == 400
    assert api_error(response)["code"]
    assert recognition_row(app, workplace.recognition_id) == before


@pytest.mark.parametrize("field", ["email", "password"])
def test_a_nul_in_a_login_field_is_400_and_not_counted(
    app: Flask, client: FlaskClient, field: str
) -> None:
    form = {"email": "iemand@example.be", "password": "een wachtwoord"}
    form[field] = form[field][:3] + "\x00" + form[field][3:]
    response = post(client, "/aanmelden", form)
    assert response.status_code == 400
    assert count(app, LoginFailure) == 0
    with client.session_transaction() as session:
        assert "_user_id" not in session


@pytest.mark.parametrize("field", ["name", "user_email", "email", "kbo_number"])
def test_a_nul_in_a_registration_field_is_400_and_stores_nothing(
    app: Flask, client: FlaskClient, field: str
) -> None:
    form = dict(REGISTRATION)
    form[field] = form[field][:4] + "\x00" + form[field][4:]
    response = post(client, "/bedrijf/registreren", form)
    assert response.status_code == 400
    assert registered(app) == (0, 0) and pending(app) == 0


def test_the_same_registration_without_the_nul_is_stored(app: Flask, client: FlaskClient) -> None:
    response = register_and_confirm(app, client)
    assert response.status_code == 302, html(response)
    assert registered(app) == (1, 1)


def test_a_nul_in_a_site_address_is_400_and_stores_nothing(
    app: Flask, client: FlaskClient, workplace: Workplace
) -> None:
    log_in_company(app, client, workplace.company_id)
    before = count(app, Site)
    form = {"name": "Werkplaats", "street": "Kerkstraat 1\x00", "postcode": "8500"}
    assert post(client, "/bedrijf/vestigingen/nieuw", form).status_code == 400
    assert count(app, Site) == before


# Request size: bodies over 64 KiB are refused before they are parsed.


def test_a_70_kib_form_is_413(app: Flask, client: FlaskClient) -> None:
    assert app.config["MAX_CONTENT_LENGTH"] == 64 * 1024
    response = post(client, "/aanmelden", {"email": "a@example.be", "password": "x" * 70 * 1024})
    assert response.status_code == 413
    assert count(app, LoginFailure) == 0


def test_a_70_kib_registration_is_413_and_stores_nothing(app: Flask, client: FlaskClient) -> None:
    form = {**REGISTRATION, "name": "N" * 70 * 1024}
    assert post(client, "/bedrijf/registreren", form).status_code == 413
    assert registered(app) == (0, 0) and pending(app) == 0


def test_a_form_under_the_limit_is_read(app: Flask, client: FlaskClient) -> None:
    # 60 KiB is read, and then refused by the field's own length limit.
    response = post(client, "/aanmelden", {"email": "a@example.be", "password": "x" * 60 * 1024})
    assert response.status_code == 400


def test_a_70_kib_api_body_is_a_json_413(
    app: Flask, client: FlaskClient, workplace: Workplace
) -> None:
    before = recognition_row(app, workplace.recognition_id)
    body = json.dumps({"n_places": 3, "padding": "x" * 70 * 1024})
    response = put_availability(
        client,
        workplace.recognition_id,
        workplace.secret,
        data=body,
        content_type="application/json",
    )
    assert response.status_code == 413
    assert api_error(response)["code"]
    assert recognition_row(app, workplace.recognition_id) == before


@pytest.mark.parametrize(
    "body",
    [
        "[" * 60_000,
        "[" * 30_000 + "]" * 30_000,
        '{"intake_preferences": ' + "{" * 60_000,
        '{"intake_preferences": ' + '{"a":' * 10_000 + "1" + "}" * 10_001,
    ],
    ids=["open-arrays", "closed-arrays", "open-objects", "closed-objects"],
)
def test_deeply_nested_json_is_400_on_the_body(
    app: Flask, client: FlaskClient, workplace: Workplace, body: str
) -> None:
    assert len(body) < 64 * 1024  # under the size limit: the nesting itself is refused
    before = recognition_row(app, workplace.recognition_id)
    response = put_availability(
        client,
        workplace.recognition_id,
        workplace.secret,
        data=body,
        content_type="application/json",
    )
    assert response.status_code == 400
    assert api_error(response)["field"] == "body"
    assert recognition_row(app, workplace.recognition_id) == before


def test_a_body_too_big_to_nest_is_refused_for_its_size(
    client: FlaskClient, workplace: Workplace
) -> None:
    response = put_availability(
        client,
        workplace.recognition_id,
        workplace.secret,
        data="[" * 100_000,
        content_type="application/json",
    )
    assert response.status_code == 413


# Chosen ids beyond MAX_ID are a form error, not a 500.


def request_form(workplace: Workplace, app: Flask, **chosen: Any) -> dict[str, Any]:
    with app.app_context():
        programme_id = factories.programme(get_session(), "bakkerij-duaal").id
    return {
        "site_id": workplace.site_id,
        "programme_id": programme_id,
        "mentor_id": workplace.mentor_id,
        **chosen,
    }


@pytest.mark.parametrize("value", [*BEYOND, -1])
@pytest.mark.parametrize("field", ["site_id", "programme_id", "mentor_id"])
def test_a_chosen_id_beyond_the_database_is_a_form_error(
    app: Flask, client: FlaskClient, workplace: Workplace, field: str, value: int
) -> None:
    log_in_company(app, client, workplace.company_id)
    before = count(app, Recognition)
    form = request_form(workplace, app, **{field: str(value)})
    response = post(client, "/bedrijf/erkenningen/nieuw", form)
    assert response.status_code == 400, html(response)
    assert field_error(html(response), field)
    assert count(app, Recognition) == before


def test_the_request_form_with_valid_ids_is_stored(
    app: Flask, client: FlaskClient, workplace: Workplace
) -> None:
    log_in_company(app, client, workplace.company_id)
    before = count(app, Recognition)
    response = post(client, "/bedrijf/erkenningen/nieuw", request_form(workplace, app))
    assert response.status_code == 302, html(response)
    assert count(app, Recognition) == before + 1


@pytest.mark.parametrize("value", [*BEYOND, -1])
def test_a_chosen_mentor_beyond_the_database_is_a_form_error(
    app: Flask, client: FlaskClient, workplace: Workplace, value: int
) -> None:
    log_in_company(app, client, workplace.company_id)
    url = f"/bedrijf/erkenningen/{workplace.recognition_id}/mentor"
    response = post(client, url, {"mentor_id": str(value)})
    assert response.status_code == 400, html(response)
    assert field_error(html(response), "mentor_id")
    assert recognition_row(app, workplace.recognition_id)["mentor_id"] is None


# Signed-in pages stay out of caches.


def test_a_signed_in_page_is_not_stored(
    app: Flask, client: FlaskClient, workplace: Workplace
) -> None:
    log_in_company(app, client, workplace.company_id)
    for url in (
        "/bedrijf",
        "/bedrijf/sleutels",
        f"/bedrijf/erkenningen/{workplace.recognition_id}",
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert response.headers.get("Cache-Control") == "no-store", url
    # Also a public page, when it is shown to someone signed in.
    assert client.get("/").headers.get("Cache-Control") == "no-store"


def test_a_consultant_page_is_not_stored(app: Flask, client: FlaskClient) -> None:
    log_in_consultant(app, client)
    response = client.get("/partnerschap")
    assert response.status_code == 200
    assert response.headers.get("Cache-Control") == "no-store"


def test_anonymous_pages_may_be_cached(client: FlaskClient) -> None:
    for url in ("/", "/aanmelden"):
        response = client.get(url)
        assert response.status_code == 200
        assert "no-store" not in response.headers.get("Cache-Control", ""), url


def test_logging_out_ends_no_store(app: Flask, client: FlaskClient, workplace: Workplace) -> None:
    log_in_company(app, client, workplace.company_id)
    assert client.get("/bedrijf").headers.get("Cache-Control") == "no-store"
    post(client, "/afmelden")
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")


# Rows inserted by someone else between the pre-check and the commit.


@pytest.fixture
def blind_check(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Return a function that makes the next pre-check on some columns find nothing.

    Two requests can both check that a KBO number (or an e-mail address, or a site and
    programme) is free before either commits. Here the row the check looks for is
    already committed, and the first `Session.scalar` query filtering on the given
    columns is answered "not found": exactly what the slower request sees when the other
    one commits just after its check. Only the database's unique constraint is left to
    catch it. The returned list records the queries that were blinded.
    """
    blinded: list[str] = []

    def blind(*columns: str) -> list[str]:
        real_scalar = Session.scalar

        def scalar(self: Session, statement: Any, *args: Any, **kwargs: Any) -> Any:
            condition = str(statement).partition("WHERE")[2]
            if not blinded and all(column in condition for column in columns):
                blinded.append(str(statement))
                return None
            return real_scalar(self, statement, *args, **kwargs)

        monkeypatch.setattr(Session, "scalar", scalar)
        return blinded

    return blind


def test_a_kbo_number_registered_meanwhile_is_answered_like_the_check(
    app: Flask, client: FlaskClient, blind_check: Any
) -> None:
    assert post(client, "/bedrijf/registreren", REGISTRATION).status_code == 302
    link = confirmation_link(app)
    with app.app_context():
        session = get_session()
        factories.company(session, kbo_number="0403170701", name="Wie eerst kwam")
        session.commit()
    blinded = blind_check("companies.kbo_number")
    response = confirm(client, link)
    assert blinded, "the confirmation never checked the KBO number"
    assert response.status_code == 409, html(response)
    assert KBO_TAKEN in html(response)
    assert registered(app) == (0, 0)
    assert count(app, Company, Company.kbo_number == "0403170701") == 1
    assert count(app, Company, Company.name == "Wie eerst kwam") == 1
    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_a_login_address_taken_meanwhile_is_answered_like_the_check(
    app: Flask, client: FlaskClient, blind_check: Any
) -> None:
    assert post(client, "/bedrijf/registreren", REGISTRATION).status_code == 302
    link = confirmation_link(app)
    with app.app_context():
        session = get_session()
        factories.user(session, Role.ADMIN, email=REGISTRATION["user_email"].lower())
        session.commit()
    blinded = blind_check("users.email")
    response = confirm(client, link)
    assert blinded, "the confirmation never checked the e-mail address"
    assert response.status_code == 409, html(response)
    assert EMAIL_TAKEN in html(response)
    assert registered(app) == (0, 1)  # no company without its login
    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_a_recognition_requested_meanwhile_is_answered_like_the_check(
    app: Flask, client: FlaskClient, workplace: Workplace, blind_check: Any
) -> None:
    form = request_form(workplace, app)
    with app.app_context():
        session = get_session()
        factories.recognition(
            session,
            at=session.get(Site, workplace.site_id),
            programme=factories.programme(session, "bakkerij-duaal"),
            status=RecognitionStatus.REQUESTED,
            decided_at=None,
            valid_until=None,
            n_places=0,
            n_free_places=0,
        )
        session.commit()
    log_in_company(app, client, workplace.company_id)
    same = (Recognition.site_id == workplace.site_id) & (
        Recognition.programme_id == form["programme_id"]
    )
    blinded = blind_check("recognitions.site_id", "recognitions.programme_id")
    response = post(client, "/bedrijf/erkenningen/nieuw", form)
    assert blinded, "the request never looked for an earlier one"
    assert response.status_code == 400, html(response)
    assert ALREADY_REQUESTED in field_error(html(response), "programme_id")
    assert count(app, Recognition, same) == 1
    assert count(app, Recognition, same, Recognition.mentor_id.is_not(None)) == 0


def test_create_user_answers_an_address_taken_meanwhile_like_the_check(
    app: Flask, blind_check: Any
) -> None:
    with app.app_context():
        session = get_session()
        factories.user(session, Role.ADMIN, email="dubbel@duaal.be")
        session.commit()
        password_hash = accounts.hash_password(PASSWORD)
        blinded = blind_check("users.email")
        with pytest.raises(InputError) as refused, unit_of_work(session):
            accounts.create_user(session, Role.ADMIN, "Dubbel@Duaal.be", password_hash, None)
        assert blinded
        assert refused.value.field == "email"
        assert str(refused.value.message) == EMAIL_TAKEN
    assert count(app, User, User.email == "dubbel@duaal.be") == 1


# Decisions: one conditional update each, so a second decision cannot overwrite the first.


def make_request(app: Flask, **fields: Any) -> int:
    """An open request for PROGRAMME by a company with a site in Kortrijk."""
    values: dict[str, Any] = {
        "status": RecognitionStatus.REQUESTED,
        "decided_at": None,
        "valid_until": None,
        "n_places": 0,
        "n_free_places": 0,
    }
    values.update(fields)
    with app.app_context():
        session = get_session()
        values["programme"] = factories.programme(session, PROGRAMME)
        recognition = factories.recognition(session, **values)
        session.commit()
        return recognition.id


def decide(client: FlaskClient, recognition_id: int, action: str, reason: str = "") -> TestResponse:
    base = f"/partnerschap/erkenningen/{recognition_id}"
    form = {
        "erkennen": {"note": reason},
        "weigeren": {"refuse-reason": reason},
        "intrekken": {"withdraw-reason": reason},
    }[action]
    return post(client, f"{base}/{action}", form)


def test_refusing_from_a_stale_page_after_an_approval_is_409(
    app: Flask, client: FlaskClient
) -> None:
    recognition_id = make_request(app)
    log_in_consultant(app, client)
    stale = client.get(f"/partnerschap/erkenningen/{recognition_id}")
    assert "weigeren" in html(stale)  # the page still offers to refuse
    assert decide(client, recognition_id, "erkennen", "In orde.").status_code == 302
    approved = recognition_row(app, recognition_id)

    response = decide(client, recognition_id, "weigeren", "Toch niet.")
    assert response.status_code == 409
    assert ALREADY_DECIDED in html(response)
    assert recognition_row(app, recognition_id) == approved
    assert approved["status"] is RecognitionStatus.RECOGNISED
    assert approved["decision_reason"] == "In orde."


def test_approving_twice_is_409_and_keeps_the_first_decision(
    app: Flask, client: FlaskClient
) -> None:
    recognition_id = make_request(app)
    log_in_consultant(app, client)
    assert decide(client, recognition_id, "erkennen", "Eerste.").status_code == 302
    first = recognition_row(app, recognition_id)
    response = decide(client, recognition_id, "erkennen", "Tweede.")
    assert response.status_code == 409
    assert ALREADY_DECIDED in html(response)
    assert recognition_row(app, recognition_id) == first


def test_approving_a_refused_request_is_409(app: Flask, client: FlaskClient) -> None:
    recognition_id = make_request(app)
    log_in_consultant(app, client)
    assert decide(client, recognition_id, "weigeren", "Geen mentor.").status_code == 302
    refused = recognition_row(app, recognition_id)
    response = decide(client, recognition_id, "erkennen")
    assert response.status_code == 409
    assert recognition_row(app, recognition_id) == refused
    assert refused["status"] is RecognitionStatus.REFUSED


def test_withdrawing_twice_is_409_and_keeps_the_first_reason(
    app: Flask, client: FlaskClient
) -> None:
    recognition_id = make_request(
        app,
        status=RecognitionStatus.RECOGNISED,
        decided_at=datetime.now(UTC) - timedelta(days=100),
        valid_until=recognition_valid_until(today_in_belgium() - timedelta(days=100)),
    )
    log_in_consultant(app, client)
    assert decide(client, recognition_id, "intrekken", "Eerste reden.").status_code == 302
    withdrawn = recognition_row(app, recognition_id)
    response = decide(client, recognition_id, "intrekken", "Tweede reden.")
    assert response.status_code == 409
    assert NOT_RUNNING in html(response)
    assert recognition_row(app, recognition_id) == withdrawn
    assert withdrawn["decision_reason"] == "Eerste reden."


@pytest.mark.parametrize("action", ["erkennen", "weigeren"])
def test_a_decision_taken_between_reading_and_writing_is_409(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch, action: str
) -> None:
    """A colleague's approval lands after this request read the request as still open."""
    recognition_id = make_request(app)
    log_in_consultant(app, client)
    real_lookup = partnerships.find_recognition
    believed: list[RecognitionStatus] = []

    def lookup(session: Session, party: Party, wanted: int) -> Recognition:
        found = real_lookup(session, party, wanted)
        if not believed:  # the decision's own lookup, just before it writes
            session.execute(
                update(Recognition)
                .where(Recognition.id == wanted)
                .values(
                    status=RecognitionStatus.RECOGNISED,
                    decided_at=datetime.now(UTC),
                    valid_until=recognition_valid_until(today_in_belgium()),
                    decision_reason="Erkend door een collega.",
                )
                .execution_options(synchronize_session=False)
            )
            session.commit()
        believed.append(found.status)
        return found

    monkeypatch.setattr(partnerships, "find_recognition", lookup)
    response = decide(client, recognition_id, action, "Mijn beslissing.")
    # The decision's lookup still believed the request open: only the update's condition
    # saw better.
    assert believed == [RecognitionStatus.REQUESTED]
    assert response.status_code == 409
    assert ALREADY_DECIDED in html(response)
    row = recognition_row(app, recognition_id)
    assert row["status"] is RecognitionStatus.RECOGNISED
    assert row["decision_reason"] == "Erkend door een collega."


@pytest.mark.parametrize("expired_days_ago", [0, 1, 30])
def test_an_expired_recognition_cannot_be_withdrawn(
    app: Flask, client: FlaskClient, expired_days_ago: int
) -> None:
    """Still marked recognised, but its five years are up (valid_until is the first day
    it no longer holds): there is nothing left to withdraw."""
    valid_until = today_in_belgium() - timedelta(days=expired_days_ago)
    decided = add_years(valid_until, -5)
    recognition_id = make_request(
        app,
        status=RecognitionStatus.RECOGNISED,
        decided_at=datetime.combine(decided, time(10), tzinfo=UTC),
        valid_until=valid_until,
    )
    log_in_consultant(app, client)
    before = recognition_row(app, recognition_id)
    response = decide(client, recognition_id, "intrekken", "Te laat.")
    assert response.status_code == 409
    assert NOT_RUNNING in html(response)
    assert recognition_row(app, recognition_id) == before
    assert before["status"] is RecognitionStatus.RECOGNISED


def test_a_recognition_running_until_tomorrow_can_be_withdrawn(
    app: Flask, client: FlaskClient
) -> None:
    valid_until = today_in_belgium() + timedelta(days=1)
    recognition_id = make_request(
        app,
        status=RecognitionStatus.RECOGNISED,
        decided_at=datetime.combine(add_years(valid_until, -5), time(10), tzinfo=UTC),
        valid_until=valid_until,
    )
    log_in_consultant(app, client)
    assert decide(client, recognition_id, "intrekken", "Op verzoek.").status_code == 302
    assert recognition_row(app, recognition_id)["status"] is RecognitionStatus.WITHDRAWN


# Commands.


def app_in(database_url: str, connection: Connection, environment: str) -> Any:
    """An app configured for `environment`, sharing the test's transaction."""
    return app_bound_to(
        database_url,
        connection,
        DUAAL_ENV=environment,
        TESTING=environment == "test",
        SECRET_KEY="a long random value",
    )


def test_seed_demo_refuses_production(database_url: str, connection: Connection) -> None:
    with app_in(database_url, connection, "production") as app:
        before = (count(app, Company), count(app, User))
        result = app.test_cli_runner().invoke(args=["seed-demo", "--sites", "5"])
        assert result.exit_code != 0
        assert "production" in result.output
        assert (count(app, Company), count(app, User)) == before


def users_create(app: Flask, email: str) -> Any:
    args = ["users", "create", "--role", "admin", "--email", email, "--password", PASSWORD]
    return app.test_cli_runner().invoke(args=args)


@pytest.mark.parametrize("email", ["DUBBEL@duaal.be", "Dubbel@Duaal.BE", " dubbel@duaal.be "])
def test_users_create_refuses_an_address_taken_in_another_spelling(app: Flask, email: str) -> None:
    assert users_create(app, "dubbel@duaal.be").exit_code == 0
    result = users_create(app, email)
    assert result.exit_code != 0
    assert "bestaat al" in result.output
    assert "created" not in result.output
    assert count(app, User, func.lower(User.email) == "dubbel@duaal.be") == 1


def test_users_create_refuses_an_address_taken_meanwhile(app: Flask, blind_check: Any) -> None:
    assert users_create(app, "dubbel@duaal.be").exit_code == 0
    blinded = blind_check("users.email")
    result = users_create(app, "Dubbel@Duaal.be")
    assert blinded
    assert result.exit_code == 2, result.output  # a usage error, not a crash
    assert "bestaat al" in result.output
    assert count(app, User, func.lower(User.email) == "dubbel@duaal.be") == 1
