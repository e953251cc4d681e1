"""The API's typed descriptions against the rest of the house: the intake preferences
codec (models/codecs.py), the query readers of the pages, and the served document."""

from typing import Any

import pytest
import schemathesis
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from matcher import HOURS_PATTERNS, LANGUAGES, IntakePreferences
from models.codecs import (
    PREFERENCE_KEYS,
    ShapeError,
    intake_preferences_from_json,
    intake_preferences_to_json,
)
from web.api import schemas
from web.services.places import MAX_INTAKE_AGE, MIN_INTAKE_AGE

ANSWERED = TypeAdapter(schemas.IntakePreferences)

# For each key: values of the documented shape, values just outside it, other types.
odd = st.sampled_from([None, True, 1.5, "9", "", [], {}, {"nl": True}])
ages = st.integers(MIN_INTAKE_AGE - 2, MAX_INTAKE_AGE + 2)
months = st.integers(0, 13)
preference_objects = st.fixed_dictionaries(
    {},
    optional={
        "min_age": st.one_of(st.none(), ages, ages.map(float), odd),
        "start_months": st.one_of(
            st.none(), st.lists(months, max_size=3), st.lists(months.map(float) | odd), odd
        ),
        "languages": st.one_of(
            st.none(),
            st.lists(st.sampled_from(LANGUAGES), max_size=3),
            st.lists(st.sampled_from(["xx", "", 1]) | odd, min_size=1),
            odd,
        ),
        "hours_pattern": st.one_of(
            st.none(), st.sampled_from(HOURS_PATTERNS), st.sampled_from(["nacht", ""]), odd
        ),
        "first_interview_at_school": st.one_of(st.booleans(), odd, st.just(0)),
    },
)


def _whole(value: Any) -> Any:
    """What the API reads a JSON number as: 2.0 is the integer 2, as in JSON Schema."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [_whole(item) for item in value]
    return value


def codec_reads(raw: dict[str, Any]) -> IntakePreferences | None:
    """What the codec reads from input, within the ages the domain allows; None if refused."""
    try:
        preferences = intake_preferences_from_json(
            {key: _whole(value) for key, value in raw.items()}, strict=True
        )
    except ShapeError:
        return None
    age = preferences.min_age
    return preferences if age is None or MIN_INTAKE_AGE <= age <= MAX_INTAKE_AGE else None


def test_the_models_have_the_codecs_keys() -> None:
    assert tuple(schemas.IntakePreferencesBody.model_fields) == PREFERENCE_KEYS
    assert tuple(schemas.IntakePreferences.__annotations__) == PREFERENCE_KEYS
    for unknown in ({"pets": True}, {"": []}, {"min_age": 16, "Min_age": 16}):
        assert codec_reads(unknown) is None
        with pytest.raises(ValidationError):
            schemas.IntakePreferencesBody.model_validate(unknown)


CANDIDATES: dict[str, list[Any]] = {
    "min_age": [None, 14, 15, 25, 26, 14.0, 15.0, 25.0, 16.5, 0, 99, 100, True, "16", [16], {}],
    "start_months": [None, [], [1], [12], [0], [13], [9, 9], [9.0], [9.5], [True], ["9"], [None]],
    "languages": [None, [], ["nl"], list(LANGUAGES), ["xx"], [""], ["NL"], [1], [None], "nl"],
    "hours_pattern": [None, *HOURS_PATTERNS, "", "nacht", "DAG", ["dag"], 1, True, {}],
    "first_interview_at_school": [True, False, None, 0, 1, 1.0, "yes", "true", []],
}
NOT_LISTS = ["9", 9, {}, {"9": 1}, {"nl": True}]


@pytest.mark.parametrize(
    ("key", "value"),
    [(key, value) for key, values in CANDIDATES.items() for value in values]
    + [(key, value) for key in ("start_months", "languages") for value in NOT_LISTS],
)
def test_the_body_model_and_the_codec_agree_on_each_value(key: str, value: Any) -> None:
    read = codec_reads({key: value})
    try:
        body = schemas.IntakePreferencesBody.model_validate({key: value})
    except ValidationError:
        assert read is None
        return
    assert intake_preferences_from_json(body.model_dump(), strict=True) == read


@settings(max_examples=500)
@given(preference_objects)
def test_the_body_model_accepts_exactly_what_the_codec_reads(raw: dict[str, Any]) -> None:
    read = codec_reads(raw)
    try:
        body = schemas.IntakePreferencesBody.model_validate(raw)
    except ValidationError:
        assert read is None, raw
        return
    assert read is not None, raw
    assert intake_preferences_from_json(body.model_dump(), strict=True) == read


preferences = st.builds(
    IntakePreferences,
    min_age=st.none() | st.integers(MIN_INTAKE_AGE, MAX_INTAKE_AGE),
    start_months=st.frozensets(st.integers(1, 12)),
    languages=st.frozensets(st.sampled_from(LANGUAGES)),
    hours_pattern=st.none() | st.sampled_from(HOURS_PATTERNS),
    first_interview_at_school=st.booleans(),
)


@given(preferences)
def test_what_the_api_answers_has_the_answer_schema_and_can_be_sent_back(
    stored: IntakePreferences,
) -> None:
    written = intake_preferences_to_json(stored)
    ANSWERED.validate_python(written, strict=True)
    sent_back = schemas.IntakePreferencesBody.model_validate_json(
        TypeAdapter(dict[str, Any]).dump_json(written)
    )
    assert intake_preferences_from_json(sent_back.model_dump(), strict=True) == stored


def test_the_served_document_is_valid_openapi(app: Flask) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    schema.validate()


def test_the_document_lists_the_live_programme_codes_and_postcodes(client: FlaskClient) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    parameters = {
        p["name"]: p["schema"] for p in document["paths"]["/api/v1/search"]["get"]["parameters"]
    }
    codes = [p["code"] for p in client.get("/api/v1/programmes").get_json()["programmes"]]
    assert parameters["programme"]["enum"] == codes
    assert {"8500", "9000", "1000"} <= set(parameters["postcode"]["enum"])
    assert len(parameters["postcode"]["enum"]) > 1000
    assert "x-live-enum" not in str(document)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("hours_pattern=", "hours_pattern"),
        ("company_size=", "company_size"),
        ("lang=", "lang"),
        ("mobility=", "mobility"),
        ("age=", "age"),
        ("start_date=", "start_date"),
        ("radius_km=", "radius_km"),
        ("limit=", "limit"),
        ("only_available=", "only_available"),
        ("lat=&lon=", "lat"),
        ("postcode=", "postcode"),
        ("languages=nl,", "languages"),
        ("limit=%205", "limit"),
    ],
)
def test_the_api_refuses_a_blank_value_the_pages_take_as_absent(
    client: FlaskClient, query: str, field: str
) -> None:
    """A blank value is not of the parameter's type (the document's), so the API refuses
    it; the pages' form leaves fields blank, and there it means "not given"."""
    base = "programme=elektrotechnieken-duaal" + ("&postcode=8500" if field != "postcode" else "")
    response = client.get(f"/api/v1/search?{base}&{query}")
    assert response.status_code == 400, response.get_data(as_text=True)
    assert response.get_json()["error"]["field"] == field
    page = client.get(f"/zoeken?{base}&{query}", follow_redirects=True)
    if field not in ("languages", "limit", "postcode", "lat"):
        assert page.status_code == 200, field


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("languages=", 200),
        ("languages=nl,fr", 200),
        ("n_places=3&hours_pattern=dag", 200),  # parameters of no route are ignored
        ("limit=2.0", 400),
        ("only_available=no", 200),
    ],
)
def test_what_the_document_allows_is_answered(
    client: FlaskClient, query: str, expected: int
) -> None:
    response = client.get(f"/api/v1/search?programme=elektrotechnieken-duaal&postcode=8500&{query}")
    assert response.status_code == expected, response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"n_places": None}, "n_places"),
        ({"intake_preferences": {"languages": {"nl": True}}}, "intake_preferences.languages"),
        ({"intake_preferences": {"start_months": {"9": 1}}}, "intake_preferences.start_months"),
        ({"intake_preferences": {"": []}}, "intake_preferences."),
    ],
)
def test_the_body_model_names_the_field_it_refuses(body: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as refused:
        schemas.AvailabilityBody.model_validate(body)
    location = ".".join(str(p) for p in refused.value.errors()[0]["loc"] if isinstance(p, str))
    assert location == field
