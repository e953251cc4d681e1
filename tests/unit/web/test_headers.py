"""The headers every answer carries, added where the answer leaves the app."""

from flask import Flask

from web import create_app
from web.headers import AddHeaders

HEADERS = [("X-Frame-Options", "DENY"), ("Referrer-Policy", "same-origin")]


def app_with_views() -> Flask:
    app = Flask(__name__)
    answers = {
        "plain": {},
        "own": {"X-Frame-Options": "SAMEORIGIN"},
        "varies": {"Vary": "Accept-Encoding"},
        "cookie": {"Vary": "cookie"},
    }
    for name, headers in answers.items():
        app.add_url_rule(f"/{name}", name, lambda headers=headers: ("hallo", 200, headers))
    app.wsgi_app = AddHeaders(app.wsgi_app, HEADERS)  # type: ignore[method-assign]
    return app


def test_the_headers_are_added_once_and_a_view_keeps_its_own() -> None:
    client = app_with_views().test_client()
    plain = client.get("/plain").headers
    assert plain.getlist("X-Frame-Options") == ["DENY"]
    assert plain["Referrer-Policy"] == "same-origin" and plain.getlist("Vary") == ["Cookie"]
    own = client.get("/own").headers
    assert own.getlist("X-Frame-Options") == ["SAMEORIGIN"]
    assert own["Referrer-Policy"] == "same-origin"
    assert client.get("/varies").headers.getlist("Vary") == ["Accept-Encoding, Cookie"]
    assert client.get("/cookie").headers.getlist("Vary") == ["cookie"]
    assert client.get("/nowhere").headers["X-Frame-Options"] == "DENY"  # errors too


def test_every_kind_of_answer_of_the_app_has_them() -> None:
    client = create_app({"SECRET_KEY": "x", "DATABASE_URL": "sqlite://"}).test_client()
    for path in ("/healthz", "/static/style.css", "/nergens", "/api/v1/nergens"):
        with client.get(path) as response:
            headers = response.headers
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"], path
        assert headers["X-Content-Type-Options"] == "nosniff", path
        assert "Cookie" in headers["Vary"], path
