"""Links that carry a search: the request's search parameters, encoded as urlencode does."""

from urllib.parse import urlencode

import pytest
from flask import Flask

from web import create_app
from web.links import query_string, search_args

QUERY = "programme=kok&postcode=8500&extra=x&age=16&radius_km=15&lang=en&q=%C3%A9+%26+%3D"


@pytest.fixture(scope="module")
def app() -> Flask:
    return create_app({"SECRET_KEY": "x", "DATABASE_URL": "sqlite://"})


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"offset": 20},
        {"lang": "nl"},
        {"age": None, "postcode": "9000 & 1"},
        {"postcode": "Sint-Niklaas é", "radius_km": None, "widen": "true"},
    ],
)
def test_a_query_string_is_urlencode_of_the_search_args(app: Flask, changes: dict) -> None:
    with app.test_request_context(f"/zoeken?{QUERY}"):
        query_string()  # the request's own parameters are encoded first, and kept
        assert query_string(**changes) == "?" + urlencode(search_args(**changes))
        assert "extra=" not in query_string(**changes) and "q=" not in query_string(**changes)


def test_no_parameters_is_no_query_string(app: Flask) -> None:
    with app.test_request_context("/zoeken?unknown=1"):
        assert query_string() == ""
        assert query_string(offset=0) == "?offset=0"
