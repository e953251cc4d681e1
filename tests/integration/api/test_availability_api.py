"""PUT /api/v1/recognitions/<id>/availability: who may call it, what it changes, what it refuses."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from matcher import IntakePreferences
from models import ApiToken, Company, Recognition
from models.base import day_in_belgium, today_in_belgium
from models.codecs import intake_preferences_from_json, intake_preferences_to_json
from models.enums import RecognitionStatus, Role
from models.rules import is_available_now
from tests import clients, factories
from web.db import get_session, unit_of_work
from web.services import places, tokens
from web.services.errors import InputError
from web.services.policy import Party

PROGRAMME = "elektrotechnieken-duaal"
POSTCODE = "8500"
CONFIRMED_BEFORE = datetime.now(UTC).replace(microsecond=0) - timedelta(days=30)
PREFERENCES = {
    "min_age": 17,
    "start_months": [9],
    "languages": ["nl"],
    "hours_pattern": "dag",
    "first_interview_at_school": False,
}


@dataclass(frozen=True)
class Workplace:
    recognition_id: int
    company_id: int
    token_id: int
    secret: str


@pytest.fixture
def workplace(app: Flask) -> Workplace:
    """A recognised workplace of 3 places, none free, confirmed 30 days ago, with a token."""
    with app.app_context():
        session = get_session()
        site = factories.site(session, postcode=POSTCODE)
        recognition = factories.recognition(
            session,
            at=site,
            n_places=3,
            n_free_places=0,
            available_from=date(2026, 2, 1),
            intake_preferences=intake_preferences_from_json(PREFERENCES),
            last_confirmed_at=CONFIRMED_BEFORE,
        )
        session.commit()
        token, secret = make_token(site.company_id, "Personeelssysteem")
        return Workplace(recognition.id, site.company_id, token.id, secret)


def make_token(company_id: int, name: str) -> tuple[ApiToken, str]:
    """A token of the company, committed (inside an app context)."""
    with unit_of_work() as session:
        return tokens.create_token(session, Party.of_company(company_id), name)


def put(
    client: FlaskClient,
    recognition_id: int,
    body: Any = None,
    secret: str | None = None,
    **kwargs: Any,
) -> TestResponse:
    headers = kwargs.pop("headers", {})
    if secret is not None:
        headers["Authorization"] = f"Bearer {secret}"
    if body is not None:
        kwargs["json"] = body
    return client.put(
        f"/api/v1/recognitions/{recognition_id}/availability", headers=headers, **kwargs
    )


def row(app: Flask, recognition_id: int) -> dict[str, Any]:
    """What the database holds about a recognition's places, read afresh, and whether
    that makes the workplace available today (worked out by the rule, not stored)."""
    with app.app_context():
        recognition = get_session().get(Recognition, recognition_id)
        assert recognition is not None
        confirmed = recognition.last_confirmed_at
        return {
            "n_places": recognition.n_places,
            "n_free_places": recognition.n_free_places,
            "available_from": recognition.available_from,
            "intake_preferences": intake_preferences_to_json(recognition.intake_preferences),
            "last_confirmed_at": confirmed,
            "is_available": is_available_now(
                recognition.status,
                recognition.valid_until,
                recognition.n_free_places,
                recognition.available_from,
                day_in_belgium(confirmed) if confirmed else None,
                today_in_belgium(),
            ),
        }


def assert_error(response: TestResponse, status: int, field: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body: dict[str, Any] = response.get_json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "field"}
    assert isinstance(body["error"]["code"], str) and body["error"]["code"]
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    if field is not None:
        assert body["error"]["field"] == field, body
    error: dict[str, Any] = body["error"]
    return error


def just_now(moment: datetime) -> bool:
    return abs(datetime.now(UTC) - moment) < timedelta(minutes=1)


# Who may call it.


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "",
        "Bearer",
        "Bearer ",
        "Token dm_abc",
        "Basic dXNlcjpwYXNzd29yZA==",
        "dm_abc",
        "Bearer dm_" + "x" * 43,
        "Bearer not-a-token-of-ours",
        "Bearer dm_" + "x" * 300,
    ],
    ids=[
        "no-header",
        "empty",
        "scheme-only",
        "scheme-and-space",
        "other-scheme",
        "basic",
        "no-scheme",
        "unknown-token",
        "no-prefix",
        "too-long",
    ],
)
def test_without_a_valid_token_the_answer_is_401(
    app: Flask, client: FlaskClient, workplace: Workplace, authorization: str | None
) -> None:
    before = row(app, workplace.recognition_id)
    headers = {} if authorization is None else {"Authorization": authorization}
    response = put(client, workplace.recognition_id, {"n_free_places": 1}, headers=headers)
    assert_error(response, 401)
    if "WWW-Authenticate" in response.headers:
        assert response.headers["WWW-Authenticate"].lower().startswith("bearer")
    assert row(app, workplace.recognition_id) == before


def test_a_revoked_token_stops_working_at_once(
    app: Flask, client: FlaskClient, workplace: Workplace
) -> None:
    assert (
        put(client, workplace.recognition_id, {"confirm": True}, workplace.secret).status_code
        == 200
    )
    with app.app_context(), unit_of_work() as session:
        tokens.revoke_token(
            session,
            Party.of_company(workplace.company_id),
            workplace.token_id,
            datetime.now(UTC),
        )
    before = row(app, workplace.recognition_id)
    response = put(client, workplace.recognition_id, {"n_free_places": 2}, workplace.secret)
    assert_error(response, 401)
    assert row(app, workplace.recognition_id) == before


def test_the_bearer_scheme_is_case_insensitive(client: FlaskClient, workplace: Workplace) -> None:
    response = put(
        client,
        workplace.recognition_id,
        {"confirm": True},
        headers={"Authorization": f"bearer {workplace.secret}"},
    )
    assert response.status_code == 200


def test_another_companys_token_finds_nothing(
    app: Flask, client: FlaskClient, workplace: Workplace
) -> None:
    with app.app_context():
        session = get_session()
        other = factories.company(session)
        session.commit()
        _token, other_secret = make_token(other.id, "Ander systeem")
    before = row(app, workplace.recognition_id)
    response = put(client, workplace.recognition_id, {"n_free_places": 2}, other_secret)
    assert_error(response, 404)
    assert row(app, workplace.recognition_id) == before


def test_an_unknown_recognition_is_404(client: FlaskClient, workplace: Workplace) -> None:
    response = put(client, 987_654, {"n_free_places": 1}, workplace.secret)
    assert_error(response, 404)


def test_a_logged_in_company_without_a_token_is_401(
    app: Flask, client: FlaskClient, workplace: Workplace
) -> None:
    """The API never authenticates by cookie, so a forged cross-site request carries nothing."""
    with app.app_context():
        session = get_session()
        user = factories.user(
            session, Role.COMPANY, entity=session.get(Company, workplace.company_id)
        )
        session.commit()
    clients.login(client, user)
    assert client.get("/bedrijf").status_code == 200  # the session itself works
    before = row(app, workplace.recognition_id)
    response = put(client, workplace.recognition_id, {"n_free_places": 1})
    assert_error(response, 401)
    assert row(app, workplace.recognition_id) == before


# What it changes.


def test_setting_every_field_answers_the_new_state(
    app: Flask, client: FlaskClient, workplace: Workplace
) -> None:
    response = put(
        client,
        workplace.recognition_id,
        {
            "n_places": 4,
            "n_free_places": 2,
            "available_from": "2030-09-01",
            "intake_preferences": {
                "min_age": 16,
                "start_months": [9, 2, 9],
                "languages": ["en", "nl"],
                "hours_pattern": "vroeg",
                "first_interview_at_school": True,
            },
        },
        workplace.secret,
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) == {
        "recognition_id",
        "n_places",
        "n_free_places",
        "available_from",
        "intake_preferences",
        "last_confirmed_at",
        "is_available",
    }
    preferences = {
        "min_age": 16,
        "start_months": [2, 9],
        "languages": ["nl", "en"],
        "hours_pattern": "vroeg",
        "first_interview_at_school": True,
    }
    assert body["recognition_id"] == workplace.recognition_id
    assert (body["n_places"], body["n_free_places"]) == (4, 2)
    assert body["available_from"] == "2030-09-01"
    assert body["intake_preferences"] == preferences
    assert just_now(datetime.fromisoformat(body["last_confirmed_at"]))
    assert body["is_available"] is False  # free only from 2030

    stored = row(app, workplace.recognition_id)
    assert (stored["n_places"], stored["n_free_places"]) == (4, 2)
    assert stored["available_from"] == date(2030, 9, 1)
    assert stored["intake_preferences"] == preferences
    assert stored["last_confirmed_at"] is not None and just_now(stored["last_confirmed_at"])
    assert stored["is_available"] is False


def test_a_free_place_from_today_makes_the_workplace_available(
    app: Flask, client: FlaskClient, workplace: Workplace
) -> None:
    today = today_in_belgium()
    response = put(
        client,
        workplace.recognition_id,
        {"n_free_places": 1, "available_from": today.isoformat()},
        workplace.secret,
    )
    assert response.status_code == 200
    assert response.get_json()["is_available"] is True
    assert row(app, workplace.recognition_id)["is_available"] is True


def test_fields_left_out_keep_their_value(
    app: Flask, client: FlaskClient, workplace: Workplace
) -> None:
    before = row(app, workplace.recognition_id)
    response = put(client, workplace.recognition_id, {"n_free_places": 2}, workplace.secret)
    assert response.status_code == 200
    after = row(app, workplace.recognition_id)
    assert after["n_free_places"] == 2
    for name in ("n_places", "available_from", "intake_preferences"):
        assert after[name] == before[name], name
    assert response.get_json()["available_from"] == "2026-02-01"


def test_available_from_null_clears_the_start_date(
    app: Flask, client: FlaskClient, workplace: Workplace
) -> None:
    response = put(client, workplace.recognition_id, {"available_from": None}, workplace.secret)
    assert response.status_code == 200
    assert response.get_json()["available_from"] is None
    assert row(app, workplace.recognition_id)["available_from"] is None


def test_confirm_alone_only_confirms(app: Flask, client: FlaskClient, workplace: Workplace) -> None:
    before = row(app, workplace.recognition_id)
    response = put(client, workplace.recognition_id, {"confirm": True}, workplace.secret)
    assert response.status_code == 200
    after = row(app, workplace.recognition_id)
    assert after["last_confirmed_at"] != before["last_confirmed_at"]
    assert just_now(after["last_confirmed_at"])
    del before["last_confirmed_at"], after["last_confirmed_at"]
    assert after == before


def test_confirm_false_changes_without_confirming(
    app: Flask, client: FlaskClient, workplace: Workplace
) -> None:
    response = put(
        client,
        workplace.recognition_id,
        {"n_places": 5, "n_free_places": 1, "confirm": False},
        workplace.secret,
    )
    assert response.status_code == 200
    after = row(app, workplace.recognition_id)
    assert (after["n_places"], after["n_free_places"]) == (5, 1)
    assert after["last_confirmed_at"] == CONFIRMED_BEFORE
    assert datetime.fromisoformat(response.get_json()["last_confirmed_at"]) == CONFIRMED_BEFORE


def test_a_call_notes_when_the_token_was_last_used(
    app: Flask, client: FlaskClient, workplace: Workplace
) -> None:
    with app.app_context():
        token = get_session().get(ApiToken, workplace.token_id)
        assert token is not None and token.last_used_at is None
    assert (
        put(client, workplace.recognition_id, {"confirm": True}, workplace.secret).status_code
        == 200
    )
    with app.app_context():
        token = get_session().get(ApiToken, workplace.token_id)
        assert token is not None and token.last_used_at is not None
        assert just_now(token.last_used_at)


# What it refuses.


def test_a_body_that_is_not_json_is_400(
    app: Flask, client: FlaskClient, workplace: Workplace
) -> None:
    before = row(app, workplace.recognition_id)
    for data, content_type in [
        ("n_free_places=1", "application/x-www-form-urlencoded"),
        ("{n_free_places: 1", "application/json"),
        ('{"n_free_places": 1}', "text/plain"),
        ("", "application/json"),
    ]:
        response = put(
            client,
            workplace.recognition_id,
            secret=workplace.secret,
            data=data,
            content_type=content_type,
        )
        assert_error(response, 400, "body")
    assert row(app, workplace.recognition_id) == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ([{"n_free_places": 1}], "body"),
        ("n_free_places", "body"),
        (3, "body"),
        ({"places": 3}, "places"),
        ({"n_free_places": 1, "is_available": True}, "is_available"),
        ({"n_places": "3"}, "n_places"),
        ({"n_places": 3.5}, "n_places"),
        ({"n_places": True}, "n_places"),
        ({"n_places": None}, "n_places"),
        ({"n_places": -1}, "n_places"),
        ({"n_places": 100}, "n_places"),
        ({"n_free_places": "1"}, "n_free_places"),
        ({"n_free_places": -1}, "n_free_places"),
        ({"n_free_places": 4}, "n_free_places"),
        ({"n_places": 1, "n_free_places": 2}, "n_free_places"),
        ({"available_from": "2026-13-01"}, "available_from"),
        ({"available_from": "2026-02-30"}, "available_from"),
        ({"available_from": "tomorrow"}, "available_from"),
        ({"available_from": "01-09-2026"}, "available_from"),
        ({"available_from": "2026-09-01T00:00:00"}, "available_from"),
        ({"available_from": 5}, "available_from"),
        ({"intake_preferences": "min_age=16"}, "intake_preferences"),
        ({"intake_preferences": [16]}, "intake_preferences"),
        ({"intake_preferences": None}, "intake_preferences"),
        ({"intake_preferences": {"pets": True}}, "intake_preferences.pets"),
        ({"intake_preferences": {"min_age": 14}}, "intake_preferences.min_age"),
        ({"intake_preferences": {"min_age": 26}}, "intake_preferences.min_age"),
        ({"intake_preferences": {"min_age": "16"}}, "intake_preferences.min_age"),
        ({"intake_preferences": {"min_age": True}}, "intake_preferences.min_age"),
        ({"intake_preferences": {"min_age": 16.5}}, "intake_preferences.min_age"),
        ({"intake_preferences": {"start_months": [0]}}, "intake_preferences.start_months"),
        ({"intake_preferences": {"start_months": [13]}}, "intake_preferences.start_months"),
        ({"intake_preferences": {"start_months": "9"}}, "intake_preferences.start_months"),
        ({"intake_preferences": {"start_months": [True]}}, "intake_preferences.start_months"),
        ({"intake_preferences": {"languages": ["xx"]}}, "intake_preferences.languages"),
        ({"intake_preferences": {"languages": "nl"}}, "intake_preferences.languages"),
        ({"intake_preferences": {"hours_pattern": "nacht"}}, "intake_preferences.hours_pattern"),
        ({"intake_preferences": {"hours_pattern": ["dag"]}}, "intake_preferences.hours_pattern"),
        (
            {"intake_preferences": {"first_interview_at_school": "yes"}},
            "intake_preferences.first_interview_at_school",
        ),
        ({"confirm": "yes"}, "confirm"),
        ({"confirm": 1}, "confirm"),
        ({"confirm": None}, "confirm"),
    ],
)
def test_bad_input_is_400_naming_the_field_and_changes_nothing(
    app: Flask, client: FlaskClient, workplace: Workplace, body: Any, field: str
) -> None:
    before = row(app, workplace.recognition_id)
    response = put(client, workplace.recognition_id, body, workplace.secret)
    error = assert_error(response, 400, field)
    assert error["code"] == "invalid_field"
    assert row(app, workplace.recognition_id) == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"n_places": 100}, "n_places"),
        ({"n_places": 1, "n_free_places": 2}, "n_free_places"),
        ({"intake_preferences": {"min_age": 14}}, "intake_preferences.min_age"),
        ({"intake_preferences": {"languages": ["xx"]}}, "intake_preferences.languages"),
    ],
)
def test_messages_of_the_domain_rules_are_in_english_like_the_rest_of_the_api(
    app: Flask, client: FlaskClient, workplace: Workplace, body: dict[str, Any], field: str
) -> None:
    """The pages show these refusals in Dutch; API clients get English, as for every error."""
    current = row(app, workplace.recognition_id)
    with app.test_request_context("/"), pytest.raises(InputError) as refused:
        preferences = (
            places.read_intake_preferences(body["intake_preferences"])
            if "intake_preferences" in body
            else IntakePreferences()
        )
        places.check_availability(
            places.Availability(
                n_places=body.get("n_places", current["n_places"]),
                n_free_places=body.get("n_free_places", current["n_free_places"]),
                intake_preferences=preferences,
            )
        )
    assert refused.value.field == field
    dutch = str(refused.value.message)
    message = assert_error(
        put(client, workplace.recognition_id, body, workplace.secret), 400, field
    )["message"]
    assert message != dutch


@pytest.mark.parametrize(
    "fields",
    [
        {"status": RecognitionStatus.REQUESTED, "decided_at": None, "valid_until": None},
        {"status": RecognitionStatus.REFUSED, "valid_until": None},
        {"status": RecognitionStatus.WITHDRAWN},
        {"status": RecognitionStatus.EXPIRED, "valid_until": date(2021, 1, 1)},
        {"valid_until": date(2021, 1, 1)},
        {"valid_until": today_in_belgium()},
    ],
    ids=["requested", "refused", "withdrawn", "expired", "past-valid-until", "expires-today"],
)
def test_a_recognition_that_is_not_valid_now_is_409(
    app: Flask, client: FlaskClient, fields: dict[str, Any]
) -> None:
    with app.app_context():
        session = get_session()
        recognition = factories.recognition(session, n_places=2, n_free_places=0, **fields)
        company_id = recognition.site.company_id
        session.commit()
        _token, secret = make_token(company_id, "ERP")
        recognition_id = recognition.id
    before = row(app, recognition_id)
    for body in ({"n_free_places": 1}, {"confirm": True}, {"n_places": 3, "confirm": False}):
        response = put(client, recognition_id, body, secret)
        assert_error(response, 409)
        assert row(app, recognition_id) == before


def test_other_methods_and_ids_answer_in_json(client: FlaskClient, workplace: Workplace) -> None:
    response = client.get(
        f"/api/v1/recognitions/{workplace.recognition_id}/availability",
        headers={"Authorization": f"Bearer {workplace.secret}"},
    )
    assert_error(response, 405)
    assert "PUT" in response.headers["Allow"]
    response = client.put(
        "/api/v1/recognitions/abc/availability",
        json={"confirm": True},
        headers={"Authorization": f"Bearer {workplace.secret}"},
    )
    assert_error(response, 404)


# Search and the documentation.


def search_ids(client: FlaskClient) -> list[int]:
    response = client.get(
        "/api/v1/search",
        query_string={"programme": PROGRAMME, "postcode": POSTCODE, "radius_km": 10},
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    return [r["recognition_id"] for r in response.get_json()["results"]]


def test_search_shows_the_change(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        session = get_session()
        site = factories.site(session, postcode=POSTCODE)
        recognition = factories.recognition(
            session, at=site, programme=factories.programme(session, PROGRAMME), n_free_places=0
        )
        session.commit()
        _token, secret = make_token(site.company_id, "ERP")
        recognition_id = recognition.id
    assert recognition_id not in search_ids(client)

    # A free place that was never confirmed is not offered.
    response = put(client, recognition_id, {"n_free_places": 1, "confirm": False}, secret)
    assert response.status_code == 200 and response.get_json()["is_available"] is False
    assert recognition_id not in search_ids(client)

    response = put(client, recognition_id, {"confirm": True}, secret)
    assert response.status_code == 200 and response.get_json()["is_available"] is True
    assert recognition_id in search_ids(client)

    response = put(client, recognition_id, {"n_free_places": 0}, secret)
    assert response.status_code == 200 and response.get_json()["is_available"] is False
    assert recognition_id not in search_ids(client)

    response = put(client, recognition_id, {"n_free_places": 1}, secret)
    assert response.status_code == 200
    assert recognition_id in search_ids(client)


def test_the_openapi_document_describes_the_call(client: FlaskClient) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    operation = document["paths"]["/api/v1/recognitions/{recognition_id}/availability"]["put"]
    schemes = document["components"]["securitySchemes"]
    assert operation["security"]
    for requirement in operation["security"]:
        for name in requirement:
            assert schemes[name]["type"] == "http"
            assert schemes[name]["scheme"].lower() == "bearer"
    assert {"200", "400", "401", "404", "409"} <= set(operation["responses"])
    error_schema = {"$ref": "#/components/schemas/Error"}
    for status in ("400", "401", "404", "409"):
        content = operation["responses"][status]["content"]["application/json"]
        assert content["schema"] == error_schema
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    body = document["components"]["schemas"][body["$ref"].rpartition("/")[2]]
    assert set(body["properties"]) == {
        "n_places",
        "n_free_places",
        "available_from",
        "intake_preferences",
        "confirm",
    }
    assert body["additionalProperties"] is False
    assert [p["name"] for p in operation["parameters"]] == ["recognition_id"]
