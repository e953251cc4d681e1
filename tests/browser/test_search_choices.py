"""What students ran into on the search (issue 14, items 1, 2, 3, 5), in a real browser:
an ambiguous place is asked, programmes sharing a name are told apart, no car under 18,
and a workplace says when a place is free once."""

from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest

from tests.browser.conftest import serious_violations, shoot

pytestmark = pytest.mark.browser


def test_an_ambiguous_place_is_asked_and_the_choice_keeps_the_search(
    page: Any, server_url: str
) -> None:
    page.goto(f"{server_url}/")
    page.select_option("#programme", "zorgkundige-duaal")
    page.fill("#postcode", "Beveren")
    page.fill("#age", "16")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    choices = page.locator(".place-choices a")
    assert choices.first.inner_text().startswith("9120 Beveren-Waas")
    assert "8791 Beveren" in choices.nth(1).inner_text()
    assert serious_violations(page) == []
    shoot(page, "place-choices-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    shoot(page, "place-choices-desktop")
    choices.nth(1).click()
    page.wait_for_load_state()
    params = parse_qs(urlparse(page.url).query)
    assert params["postcode"] == ["8791"] and params["programme"] == ["zorgkundige-duaal"]
    assert params["age"] == ["16"]
    assert "Waregem" in page.inner_text(".summary") or "Geen werkplekken" in page.content()


def test_programmes_sharing_a_name_and_no_car_under_18(page: Any, server_url: str) -> None:
    page.goto(f"{server_url}/zoeken?programme=zorgkundige-duaal-volwassenen&postcode=9000&age=16")
    page.wait_for_load_state()
    assert "Zorgkundige duaal (volwassenen)" in page.inner_text("h1")
    labels = page.eval_on_selector_all("#programme option", "o => o.map(x => x.textContent)")
    assert "Zorgkundige duaal (7e jaar)" in labels and "Zorgkundige duaal" not in labels
    ways = page.eval_on_selector_all("#mobility option", "o => o.map(x => x.value)")
    assert "car" not in ways and "bike" in ways
    shoot(page, "results-no-car-phone")


def test_a_workplace_says_its_places_once(page: Any, server_url: str) -> None:
    page.goto(f"{server_url}/zoeken?programme=zorgkundige-duaal&postcode=9000&only_available=false")
    page.locator(".result-title a").first.click()
    page.wait_for_load_state()
    places = page.inner_text("section[aria-labelledby=plaatsen]")
    assert places.count("bevestigd") <= 1 and "bijgewerkt" not in places
    assert places.count("Erkend voor deze opleiding") == 1
    assert serious_violations(page) == []
    shoot(page, "workplace-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    shoot(page, "workplace-desktop")
