"""The company's own pages in a real browser, at a phone's width and a desktop's: the
six steps on the dashboard, editing and removing a site (after a confirmation page), the
API description, and revoking a key (after a confirmation page); each page axe-clean."""

from typing import Any

import pytest

from tests.browser.conftest import serious_violations, shoot
from web.demo.generator import DEMO_USERS

pytestmark = pytest.mark.browser

EMAIL, PASSWORD = next((e, p) for role, e, p in DEMO_USERS if role == "company")
WIDTHS = {"phone": (390, 844), "desktop": (1280, 900)}


def submit(page: Any, form: str = "main form.panel") -> None:
    page.click(f"{form} button[type=submit]")
    page.wait_for_load_state()


def look(page: Any, name: str) -> None:
    """Keep a screenshot; nothing may stick out sideways; axe finds nothing serious."""
    shoot(page, name)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{name}: {width} px wide"
    assert serious_violations(page) == [], name


@pytest.mark.parametrize("device", list(WIDTHS))
def test_dashboard_sites_api_description_and_keys(server_url: str, page: Any, device: str) -> None:
    width, height = WIDTHS[device]
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{server_url}/aanmelden")
    page.fill("#email", EMAIL)
    page.fill("#password", PASSWORD)
    submit(page)
    assert page.url.endswith("/bedrijf")

    # The six steps, each with its state; a step to act on links to what to do.
    steps = page.locator("ol.steps > li")
    assert steps.count() == 6
    assert all(steps.nth(i).locator(".step-state").inner_text() for i in range(6))
    look(page, f"company-dashboard-{device}")

    # A new site, its address corrected, then removed after the confirmation page.
    name = f"Magazijn {device}"
    page.click("text=Vestiging toevoegen")
    page.fill("#name", name)
    page.fill("#street", "Brugsesteenweg 1")
    page.fill("#postcode", "8500")
    submit(page)
    card = page.locator("article.card", has_text=name)
    card.locator("text=Adres wijzigen").click()
    page.wait_for_load_state()
    page.fill("#postcode", "85")
    submit(page)
    assert "4 cijfers" in page.inner_text("#postcode-error")
    look(page, f"company-site-edit-error-{device}")
    page.fill("#postcode", "8800 Roeselare")
    submit(page)
    card = page.locator("article.card", has_text=name)
    assert "8800" in card.inner_text()
    card.locator("text=Verwijderen").click()
    page.wait_for_load_state()
    assert "Ja, verwijder deze vestiging" in page.inner_text("main")
    look(page, f"company-site-remove-{device}")
    page.click("text=Ja, verwijder deze vestiging")
    page.wait_for_load_state()
    assert page.url.endswith("/bedrijf")
    assert page.locator("article.card", has_text=name).count() == 0

    # A site with a running recognition says why it stays.
    page.locator("article.card").first.locator("text=Verwijderen").click()
    page.wait_for_load_state()
    assert "kan je niet verwijderen" in page.inner_text("main")
    assert page.locator("text=Ja, verwijder deze vestiging").count() == 0
    look(page, f"company-site-keep-{device}")

    # API keys: each recognition's address, the description, a key revoked after asking.
    page.goto(f"{server_url}/bedrijf/sleutels")
    assert "/api/v1/recognitions/" in page.inner_text(".api-addresses")
    page.fill("#name", f"Planning {device}")
    submit(page)
    assert page.inner_text("code.secret").startswith("dm_")
    look(page, f"company-keys-{device}")
    page.click("text=Beschrijving van de API")
    page.wait_for_load_state()
    assert page.url.endswith("/api")
    assert "PUT /api/v1/recognitions/{recognition_id}/availability" in page.inner_text("main")
    look(page, f"api-docs-{device}")
    page.goto(f"{server_url}/bedrijf/sleutels")
    page.locator(".tokens li", has_text=f"Planning {device}").locator("text=Intrekken").click()
    page.wait_for_load_state()
    assert "Ja, trek deze sleutel in" in page.inner_text("main")
    look(page, f"company-key-revoke-{device}")
    page.click("text=Ja, trek deze sleutel in")
    page.wait_for_load_state()
    assert page.url.endswith("/bedrijf/sleutels")
    assert page.locator(".tokens li", has_text=f"Planning {device}").count() == 0
