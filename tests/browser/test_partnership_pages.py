"""The consultant's pages in a real browser, on the seeded demo: the queue fits a phone
(no sideways scroll), filters and pages through links, a decision shows up in the
recognition's history, and a recognition is found by its place."""

from typing import Any

import pytest

from tests.browser.conftest import serious_violations, shoot
from web.demo.generator import DEMO_USERS

pytestmark = pytest.mark.browser

CONSULTANT_EMAIL, CONSULTANT_PASSWORD = next(
    (email, password) for role, email, password in DEMO_USERS if role == "consultant"
)
PHONE, DESKTOP = (390, 844), (1280, 900)


def log_in(page: Any, server_url: str) -> None:
    page.goto(f"{server_url}/aanmelden")
    page.fill("#email", CONSULTANT_EMAIL)
    page.fill("#password", CONSULTANT_PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert page.url.endswith("/partnerschap")


def scrolls_sideways(page: Any) -> bool:
    return bool(
        page.evaluate(
            "document.scrollingElement.scrollWidth > document.scrollingElement.clientWidth"
        )
    )


def postcodes_in_queue(page: Any) -> list[int]:
    cells = page.locator("table.queue tbody td:nth-child(4)").all_inner_texts()
    return [int(text.split()[0]) for text in cells]


def requests_shown(page: Any) -> list[str]:
    """The links to the requests on this page of the queue."""
    links = page.locator("table.queue tbody th a")
    return [links.nth(i).get_attribute("href") for i in range(links.count())]


def test_the_queue_fits_a_phone_filters_and_pages(page: Any, server_url: str) -> None:
    log_in(page, server_url)
    assert not scrolls_sideways(page)
    assert page.locator("table.queue tbody tr").count() <= 25
    shoot(page, "partnership-queue-phone")
    assert serious_violations(page) == []

    # Only the late ones of West Flanders: chosen in the form, kept in the address.
    page.select_option("#provincie", "west-vlaanderen")
    page.check("#te_laat")
    page.click("form.queue-filter button[type=submit]")
    page.wait_for_load_state()
    assert "provincie=west-vlaanderen" in page.url and "te_laat=y" in page.url
    assert all(8000 <= code <= 8999 for code in postcodes_in_queue(page))
    terms = page.locator("table.queue tbody td:nth-child(3)").all_inner_texts()
    assert terms and all("te laat" in term for term in terms)
    assert not scrolls_sideways(page)
    shoot(page, "partnership-queue-filtered-phone")
    assert serious_violations(page) == []

    # The whole queue, a page further: the next link keeps the list going.
    page.goto(f"{server_url}/partnerschap")
    first_page = requests_shown(page)
    if page.locator("a[rel=next]").count():
        page.click("a[rel=next]")
        page.wait_for_load_state()
        assert "pagina=2" in page.url
        assert requests_shown(page) and not set(first_page) & set(requests_shown(page))
        assert page.locator("a[rel=prev]").count() == 1

    page.set_viewport_size({"width": DESKTOP[0], "height": DESKTOP[1]})
    page.goto(f"{server_url}/partnerschap?te_laat=y")
    assert not scrolls_sideways(page)
    shoot(page, "partnership-queue-desktop")


def test_a_decision_shows_in_the_history(page: Any, server_url: str) -> None:
    log_in(page, server_url)
    page.locator("table.queue tbody th a").first.click()
    page.wait_for_load_state()
    page.fill("#refuse-reason", "Geen schakelkast om mee te oefenen.")
    page.click("form[action$='/weigeren'] button[type=submit]")
    page.wait_for_load_state()
    assert "Geweigerd" in page.inner_text(".flash")
    page.go_back()
    page.reload()
    history = page.inner_text("section.decisions")
    assert "geweigerd" in history and "Geen schakelkast om mee te oefenen." in history
    assert not scrolls_sideways(page)
    shoot(page, "partnership-recognition-history-phone")
    assert serious_violations(page) == []


def test_a_recognition_is_found_by_its_place(page: Any, server_url: str) -> None:
    log_in(page, server_url)
    page.click("text=Een erkenning zoeken")
    page.wait_for_load_state()
    page.fill("#q", "Kortrijk")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert "q=Kortrijk" in page.url
    # The demo has workplaces in Kortrijk's postcodes (8500, 8501, 8510, ...).
    lines = page.locator("ul.results li").all_inner_texts()
    assert any(" Kortrijk " in line for line in lines)
    assert not scrolls_sideways(page)
    shoot(page, "partnership-find-phone")
    assert serious_violations(page) == []
