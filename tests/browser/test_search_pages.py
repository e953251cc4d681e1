"""The student's search pages in a real browser: search, results, workplace, language,
accessibility, and no request beyond the server under test."""

import json
import urllib.request
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from flask import Flask
from sqlalchemy import func, select

from models import Programme, Recognition
from tests.browser.conftest import serious_violations, shoot
from web.db import get_session

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def busy_programme(live_app: Flask) -> tuple[str, str]:
    """The programme with the most workplaces in the demo: (code, name)."""
    with live_app.app_context():
        row = (
            get_session()
            .execute(
                select(Programme.code, Programme.name)
                .join(Recognition, Recognition.programme_id == Programme.id)
                .group_by(Programme.code, Programme.name)
                .order_by(func.count().desc(), Programme.code)
            )
            .first()
        )
    assert row is not None
    return row[0], row[1]


def api(server_url: str, path: str) -> Any:
    with urllib.request.urlopen(f"{server_url}{path}", timeout=10) as response:
        return json.load(response)


def search_from_form(page: Any, server_url: str, programme: str, where: str) -> None:
    page.goto(f"{server_url}/")
    page.select_option("#programme", programme)
    page.fill("#postcode", where)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def test_search_from_the_form_gives_the_api_order(
    page: Any, server_url: str, busy_programme: tuple[str, str]
) -> None:
    code, name = busy_programme
    search_from_form(page, server_url, code, "Kortrijk")
    url = urlparse(page.url)
    assert url.path == "/zoeken"
    params = parse_qs(url.query)
    assert params["postcode"] == ["8500"] and params["programme"] == [code]
    assert name in page.inner_text("h1")
    shown = [t.strip() for t in page.locator(".result-title").all_inner_texts()]
    assert shown, "the busiest programme should have workplaces around Kortrijk"
    answer = api(server_url, f"/api/v1/search?{url.query}")
    assert shown == [r["company"]["name"] for r in answer["results"]]
    shoot(page, "results-phone")
    page.set_viewport_size({"width": 1280, "height": 800})
    shoot(page, "results-desktop")


def test_open_a_workplace_and_come_back(
    page: Any, server_url: str, busy_programme: tuple[str, str]
) -> None:
    page.goto(f"{server_url}/zoeken?programme={busy_programme[0]}&postcode=8500")
    first = page.locator(".result-title a").first
    company = first.inner_text().strip()
    first.click()
    page.wait_for_load_state()
    assert urlparse(page.url).path.startswith("/werkplekken/")
    assert page.inner_text("h1").strip() == company
    assert "Wat het bedrijf vraagt" in page.content()
    shoot(page, "workplace-phone")
    page.set_viewport_size({"width": 1280, "height": 800})
    shoot(page, "workplace-desktop")
    page.click("text=Terug naar de resultaten")
    page.wait_for_load_state()
    assert urlparse(page.url).path == "/zoeken"


def test_an_empty_search_says_why_and_offers_to_widen(page: Any, server_url: str) -> None:
    # Binnenvaart has very few workplaces: 3 km around Bree finds none.
    page.goto(
        f"{server_url}/zoeken?programme=binnenvaart-en-beperkte-kustvaart-duaal"
        "&postcode=3960&radius_km=3"
    )
    assert "Geen werkplekken gevonden" in page.content()
    shoot(page, "empty-phone")
    page.click("text=Zoek verder weg")
    page.wait_for_load_state()
    assert parse_qs(urlparse(page.url).query)["widen"] == ["true"]
    assert "verder gezocht" in page.content() or "Geen werkplekken gevonden" in page.content()


def test_a_form_error_is_shown_in_dutch_and_keeps_what_was_typed(
    page: Any, server_url: str
) -> None:
    page.goto(f"{server_url}/")
    page.fill("#postcode", "Atlantis")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert "Kies een opleiding uit de lijst." in page.content()
    assert "Geef een Belgische postcode of gemeente" in page.content()
    assert page.input_value("#postcode") == "Atlantis"
    shoot(page, "form-errors-phone")


def test_the_language_switch_keeps_the_search(
    page: Any, server_url: str, busy_programme: tuple[str, str]
) -> None:
    page.goto(f"{server_url}/zoeken?programme={busy_programme[0]}&postcode=8500")
    page.click("a.lang")
    page.wait_for_load_state()
    params = parse_qs(urlparse(page.url).query)
    assert params["lang"] == ["en"] and params["postcode"] == ["8500"]
    assert page.inner_text("h1").startswith("Workplaces for")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "km from Kortrijk" in page.content()
    page.goto(f"{server_url}/")  # the choice is remembered
    assert "Find a workplace for dual learning" in page.content()


def test_suggestions_appear_as_you_type(page: Any, server_url: str) -> None:
    page.goto(f"{server_url}/")
    shoot(page, "home-phone")
    page.type("#postcode", "Heule", delay=30)
    # A selector, not a JavaScript expression: the Content-Security-Policy forbids eval.
    page.wait_for_selector("#postcode-suggestions option", state="attached")
    values = page.eval_on_selector_all("#postcode-suggestions option", "o => o.map(x => x.value)")
    assert "8501" in values


@pytest.mark.parametrize("path", ["/", "/zoeken?programme={code}&postcode=8500", "workplace"])
def test_no_serious_accessibility_violations(
    page: Any, server_url: str, busy_programme: tuple[str, str], path: str
) -> None:
    if path == "workplace":
        answer = api(server_url, f"/api/v1/search?programme={busy_programme[0]}&postcode=8500")
        path = f"/werkplekken/{answer['results'][0]['recognition_id']}"
    page.goto(server_url + path.format(code=busy_programme[0]))
    assert serious_violations(page) == []
