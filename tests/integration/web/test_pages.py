"""The Dutch home page shows the service is alive; errors are pages, not tracebacks."""

import re
from datetime import UTC, date, datetime

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from models.enums import RecognitionStatus
from tests import factories
from web.db import get_session


def figure(html: str, label: str) -> str:
    match = re.search(rf"<dt>{label}</dt><dd>([^<]+)", html)
    assert match, label
    return match.group(1).strip()


def test_home_counts_workplaces_free_places_and_programmes(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        session: Session = get_session()
        site = factories.site(session)
        factories.recognition(
            session, at=site, n_places=3, n_free_places=2, last_confirmed_at=datetime.now(UTC)
        )
        factories.recognition(
            session,
            at=site,
            programme=factories.programme(session, "bakkerij-duaal"),
            status=RecognitionStatus.REQUESTED,
            decided_at=None,
            valid_until=None,
            n_free_places=0,
        )
        factories.recognition(
            session,
            programme=factories.programme(session, "ruwbouw-duaal"),
            status=RecognitionStatus.EXPIRED,
            valid_until=date(2020, 1, 1),
            n_free_places=0,
        )
        session.commit()
    response = client.get("/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<html lang="nl">' in html
    assert "Vind een werkplek voor duaal leren" in html
    assert figure(html, "Erkende werkplekken") == "1"
    assert figure(html, "Vrije plaatsen") == "2"
    assert figure(html, "Duale opleidingen").startswith("56")


def test_unknown_pages_are_a_dutch_404(client: FlaskClient) -> None:
    response = client.get("/bestaat-niet")
    assert response.status_code == 404
    assert "Deze pagina bestaat niet" in response.get_data(as_text=True)


def test_stylesheet_is_served_by_the_app(client: FlaskClient) -> None:
    with client.get("/static/style.css") as response:
        assert response.status_code == 200
        assert "http" not in response.get_data(as_text=True)


def test_the_icon_browsers_ask_for_is_served_to_anyone(client: FlaskClient) -> None:
    with client.get("/favicon.ico") as response:
        assert response.status_code == 200
        assert response.mimetype in ("image/vnd.microsoft.icon", "image/x-icon")
        assert response.get_data()[:4] == b"\x00\x00\x01\x00"  # an ICO file's header
