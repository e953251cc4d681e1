"""GET /api/v1/programmes and /api/v1/postcodes, good and bad input."""

import pytest
from flask.testing import FlaskClient


def error_of(client: FlaskClient, url: str, status: int = 400) -> dict[str, str]:
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.is_json
    error = response.get_json()["error"]
    assert set(error) == {"code", "message", "field"}
    return error


def test_programmes_lists_the_catalogue_with_agreement_types(client: FlaskClient) -> None:
    response = client.get("/api/v1/programmes")
    assert response.status_code == 200
    programmes = response.get_json()["programmes"]
    assert len(programmes) >= 40
    by_code = {p["code"]: p for p in programmes}
    kapper = by_code["kapper-stylist-duaal"]
    assert kapper["name"] == "Kapper-stylist duaal"
    assert kapper["agreement_type"] == "OAO"
    assert {"code", "name", "study_domain", "level", "agreement_type"} <= set(kapper)
    assert {p["agreement_type"] for p in programmes} >= {"OAO", "SAO"}


def test_postcodes_by_prefix(client: FlaskClient) -> None:
    hits = client.get("/api/v1/postcodes?q=850").get_json()["postcodes"]
    assert hits[0] == {
        "postcode": "8500",
        "municipality_nl": "Kortrijk",
        "municipality_fr": "Courtrai",
        "lat": pytest.approx(50.83, abs=0.02),
        "lon": pytest.approx(3.26, abs=0.02),
        "places": [],
    }
    assert all(h["postcode"].startswith("850") for h in hits)


@pytest.mark.parametrize(
    ("query", "postcode"),
    [
        ("gent", "9000"),
        ("Gand", "9000"),
        ("Courtrai", "8500"),
        ("kortrijk", "8500"),
        ("LIEGE", "4000"),
        ("brussel", "1000"),
        ("  gent  ", "9000"),
    ],
)
def test_postcodes_by_name_in_dutch_or_french(
    client: FlaskClient, query: str, postcode: str
) -> None:
    hits = client.get("/api/v1/postcodes", query_string={"q": query}).get_json()["postcodes"]
    assert hits[0]["postcode"] == postcode


def test_postcodes_limit(client: FlaskClient) -> None:
    hits = client.get("/api/v1/postcodes?q=9&limit=3").get_json()["postcodes"]
    assert len(hits) == 3


def test_an_unknown_name_finds_nothing(client: FlaskClient) -> None:
    assert client.get("/api/v1/postcodes?q=atlantis").get_json() == {"postcodes": []}


@pytest.mark.parametrize(
    ("url", "field", "code"),
    [
        ("/api/v1/postcodes", "q", "missing_parameter"),
        ("/api/v1/postcodes?q=", "q", "missing_parameter"),
        ("/api/v1/postcodes?q=%20%20", "q", "invalid_parameter"),
        ("/api/v1/postcodes?q=12345", "q", "invalid_parameter"),
        ("/api/v1/postcodes?q=%25%25", "q", "invalid_parameter"),
        ("/api/v1/postcodes?q=" + "a" * 500, "q", "invalid_parameter"),
        ("/api/v1/postcodes?q=gent&limit=abc", "limit", "invalid_parameter"),
        ("/api/v1/postcodes?q=gent&limit=0", "limit", "out_of_range"),
        ("/api/v1/postcodes?q=gent&limit=51", "limit", "out_of_range"),
        ("/api/v1/postcodes?q=gent&limit=99999999999999999999999", "limit", "out_of_range"),
        ("/api/v1/postcodes?q=gent&limit=NaN", "limit", "invalid_parameter"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(
    client: FlaskClient, url: str, field: str, code: str
) -> None:
    error = error_of(client, url)
    assert error["field"] == field
    assert error["code"] == code


def test_unknown_api_routes_answer_json_404(client: FlaskClient) -> None:
    assert error_of(client, "/api/v1/nothing-here", 404)["code"] == "not_found"
    assert error_of(client, "/api/v2/programmes", 404)["code"] == "not_found"


def test_wrong_method_answers_json_405(client: FlaskClient) -> None:
    response = client.post("/api/v1/programmes")
    assert response.status_code == 405
    assert response.get_json()["error"]["code"] == "method_not_allowed"


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("Beveren", ["9120", "8791", "8800"]),  # Beveren-Waas, then the villages
        ("Oostkerke", ["8340", "8600"]),
        ("Sint-Martens", ["9830"]),  # the municipality Sint-Martens-Latem first
        ("Kortrijk", ["8500"]),  # not Kortrijk-Dutsel
    ],
)
def test_postcodes_list_the_most_likely_place_first(
    client: FlaskClient, query: str, first: list[str]
) -> None:
    """Issue 14, item 1."""
    hits = client.get("/api/v1/postcodes", query_string={"q": query}).get_json()["postcodes"]
    assert [h["postcode"] for h in hits[: len(first)]] == first
