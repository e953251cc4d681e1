"""A company's sites and contact details: editing an address places the site again,
removing one asks first, keeps its history and is refused while a recognition runs
there; the contact shown with every workplace can be changed."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from models import Company, Postcode, Recognition, Site
from models.enums import RecognitionStatus
from tests import factories
from tests.clients import post
from tests.integration.web.test_company_pages import (
    REQUESTED,
    make_recognition,
    make_site,
    signed_in_company,
)
from tests.pages import count, field_error, html, search_ids
from web.db import get_session


@pytest.fixture
def company_id(app: Flask, client: FlaskClient) -> int:
    """A company with a logged-in company user."""
    return signed_in_company(app, client)


KORTRIJK_SITE = {"name": "Werkplaats", "street": "Kuurnsestraat 10", "postcode": "8500"}


def site_of(app: Flask, site_id: int) -> Site:
    with app.app_context():
        site = get_session().get(Site, site_id)
        assert site is not None
        get_session().expunge(site)
        return site


def site_with(app: Flask, company_id: int, **recognition: Any) -> int:
    """A site of the company with one recognition of the given fields."""
    recognition_id = make_recognition(app, company_id, **recognition)
    with app.app_context():
        row = get_session().get(Recognition, recognition_id)
        assert row is not None
        return row.site_id


def test_a_site_sent_twice_is_added_once_and_another_at_its_address_is_added(
    app: Flask, client: FlaskClient, company_id: int
) -> None:
    first = post(client, "/bedrijf/vestigingen/nieuw", KORTRIJK_SITE)
    again = post(client, "/bedrijf/vestigingen/nieuw", KORTRIJK_SITE)  # a double click
    other = post(client, "/bedrijf/vestigingen/nieuw", {**KORTRIJK_SITE, "name": "Magazijn"})

    assert [r.status_code for r in (first, again, other)] == [302, 302, 302]
    at = (Site.company_id == company_id, Site.street == KORTRIJK_SITE["street"])
    assert count(app, Site, *at, Site.name == "Werkplaats") == 1
    assert count(app, Site, *at, Site.name == "Magazijn") == 1


def test_editing_a_site_places_it_again_and_search_follows(
    app: Flask, client: FlaskClient, company_id: int
) -> None:
    site_id = site_with(app, company_id, last_confirmed_at=datetime.now(UTC))
    assert search_ids(client)  # found near Kortrijk
    page = html(client.get(f"/bedrijf/vestigingen/{site_id}"))
    assert 'value="Hoofdzetel"' in page and 'value="8500"' in page
    response = post(
        client,
        f"/bedrijf/vestigingen/{site_id}",
        {"name": "Atelier Gent", "street": "Kortrijksesteenweg 5", "postcode": "9000 Gent"},
    )
    assert response.status_code == 302
    site = site_of(app, site_id)
    with app.app_context():
        gent = get_session().get(Postcode, "9000")
        assert gent is not None
        assert (site.postcode, site.lat, site.lon) == ("9000", gent.lat, gent.lon)
    assert (site.name, site.street) == ("Atelier Gent", "Kortrijksesteenweg 5")
    assert search_ids(client) == []  # no longer within 10 km of Kortrijk
    assert "Atelier Gent" in html(client.get("/bedrijf"))


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"postcode": "0999"}, "postcode", "Deze postcode kennen we niet."),
        ({"postcode": "Gent"}, "postcode", "Geef een postcode van 4 cijfers"),
        ({"name": ""}, "name", "Vul dit in."),
        ({"street": "x" * 201}, "street", "Houd het op 200 tekens of minder."),
    ],
)
def test_a_refused_edit_keeps_the_site_and_shows_what_was_typed(
    app: Flask,
    client: FlaskClient,
    company_id: int,
    changes: dict[str, str],
    field: str,
    message: str,
) -> None:
    site_id = make_site(app, company_id)
    response = post(client, f"/bedrijf/vestigingen/{site_id}", {**KORTRIJK_SITE, **changes})
    assert response.status_code == 400
    assert message in field_error(html(response), field)
    site = site_of(app, site_id)
    assert (site.name, site.postcode) == ("Hoofdzetel", "8500")


def test_removing_a_site_asks_first_then_hides_it_and_keeps_its_history(
    app: Flask, client: FlaskClient, company_id: int
) -> None:
    site_id = site_with(
        app,
        company_id,
        status=RecognitionStatus.WITHDRAWN,
        valid_until=(datetime.now(UTC) + timedelta(days=900)).date(),
    )
    url = f"/bedrijf/vestigingen/{site_id}/verwijderen"
    assert f'href="{url}"' in html(client.get("/bedrijf"))
    asked = client.get(url)
    assert asked.status_code == 200 and "Ja, verwijder deze vestiging" in html(asked)
    assert site_of(app, site_id).removed_at is None
    response = post(client, url)
    assert response.status_code == 302 and response.headers["Location"].endswith("/bedrijf")
    assert site_of(app, site_id).removed_at is not None
    assert count(app, Recognition, Recognition.site_id == site_id) == 1  # history kept
    dashboard = html(client.get("/bedrijf"))
    assert "is verwijderd" in dashboard
    assert f"/bedrijf/vestigingen/{site_id}" not in dashboard
    # Gone from every form and page of the company; a request for it is refused.
    assert client.get(f"/bedrijf/vestigingen/{site_id}").status_code == 404
    assert client.get(url).status_code == 404
    assert post(client, url).status_code == 404
    response = post(
        client,
        "/bedrijf/erkenningen/nieuw",
        {"site_id": site_id, "programme_id": "1", "mentor_id": "0"},
    )
    assert response.status_code in (302, 400)
    assert count(app, Recognition, Recognition.site_id == site_id) == 1


@pytest.mark.parametrize(
    "running",
    [{}, REQUESTED],
    ids=["recognised", "requested"],
)
def test_a_site_with_a_running_recognition_is_not_removed_and_the_page_says_why(
    app: Flask, client: FlaskClient, company_id: int, running: dict[str, Any]
) -> None:
    site_id = site_with(app, company_id, **running)
    url = f"/bedrijf/vestigingen/{site_id}/verwijderen"
    page = client.get(url)
    assert page.status_code == 200
    assert "kan je niet verwijderen" in html(page)
    assert "Ja, verwijder deze vestiging" not in html(page)
    response = post(client, url)
    assert response.status_code == 409
    assert "loopt of aangevraagd" in html(response)
    assert site_of(app, site_id).removed_at is None


def test_another_companys_site_cannot_be_edited_or_removed(
    app: Flask, client: FlaskClient, company_id: int
) -> None:
    with app.app_context():
        session = get_session()
        other = factories.site(session, name="Van een ander")
        session.commit()
        other_id = other.id
    for path in (
        f"/bedrijf/vestigingen/{other_id}",
        f"/bedrijf/vestigingen/{other_id}/verwijderen",
    ):
        assert client.get(path).status_code == 404
    assert post(client, f"/bedrijf/vestigingen/{other_id}", KORTRIJK_SITE).status_code == 404
    assert post(client, f"/bedrijf/vestigingen/{other_id}/verwijderen").status_code == 404
    site = site_of(app, other_id)
    assert site.name == "Van een ander" and site.removed_at is None


def test_the_contact_shown_with_the_workplaces_can_be_changed(
    app: Flask, client: FlaskClient, company_id: int
) -> None:
    assert client.get("/bedrijf/contact").status_code == 200
    response = post(
        client,
        "/bedrijf/contact",
        {"email": "stages@claeys.be", "phone": "056 12 34 56", "website": ""},
    )
    assert response.status_code == 302
    with app.app_context():
        company = get_session().get(Company, company_id)
        assert company is not None
        assert (company.email, company.phone, company.website) == (
            "stages@claeys.be",
            "056 12 34 56",
            None,
        )
    refused = post(client, "/bedrijf/contact", {"email": "geen-adres", "phone": "1" * 41})
    assert refused.status_code == 400
    assert field_error(html(refused), "email") == "Geef een geldig e-mailadres."
    assert field_error(html(refused), "phone") == "Houd het op 40 tekens of minder."
