"""A real server on 127.0.0.1 over a seeded database, and Debian's Chromium to drive it."""

import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from werkzeug.serving import make_server

from web import create_app
from web.db import get_db

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
SCREENSHOTS = os.environ.get("SCREENSHOT_DIR")
AXE = Path(__file__).resolve().parents[2] / ".venv/axe/node_modules/axe-core/axe.min.js"
# Without the background-networking flags Chromium calls home at every start; the
# tests also refuse any request that does not go to the server under test.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def live_app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    url = f"sqlite:///{tmp_path_factory.mktemp('browser') / 'browser.sqlite3'}"
    app = create_app({"DUAAL_ENV": "test", "SECRET_KEY": "browser-tests", "DATABASE_URL": url})
    runner = app.test_cli_runner()
    for args in (
        ["db", "upgrade"],
        ["load-reference"],
        ["seed-demo", "--sites", "3000", "--students", "0", "--seed", "4"],
    ):
        result = runner.invoke(args=args)
        assert result.exit_code == 0, result.output
    return app


@pytest.fixture(scope="session")
def server_url(live_app: Flask) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    with live_app.app_context():
        get_db().engine.dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.skip(
            f"Chromium not found at {CHROMIUM} (apt-get install chromium); browser tests skipped"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(open_page: Any) -> Any:
    """A fresh page (phone-sized) with the guards of `open_page`."""
    return open_page(390, 844)


def shoot(page: Any, name: str) -> None:
    """Keep a full-page screenshot when SCREENSHOT_DIR is set (for looking, not asserting)."""
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SCREENSHOTS}/{name}.png", full_page=True)


# Where the page finds axe-core: a path on the server under test, answered by the test
# itself, so that the site's Content-Security-Policy (scripts from 'self' only, no inline
# script) stays in force while axe runs.
AXE_PATH = "/__tests__/axe.min.js"


def serious_violations(page: Any) -> list[Any]:
    """Run axe-core on the page; return its serious and critical violations."""
    if not AXE.exists():
        pytest.skip(f"axe-core not found at {AXE} (make test installs it with npm)")
    parts = urlsplit(page.url)
    axe_url = f"{parts.scheme}://{parts.netloc}{AXE_PATH}"
    page.route(
        axe_url,
        lambda route: route.fulfill(path=str(AXE), content_type="application/javascript"),
    )
    page.add_script_tag(url=axe_url)
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.fixture
def open_page(browser: Any, server_url: str) -> Iterator[Any]:
    """Open a page for another party: each call a browser context (a login) of its own,
    with the guards of `page` on every tab of it: requests stay on the server under test,
    and the Content-Security-Policy blocks nothing the site serves."""
    contexts: list[Any] = []
    outside: list[str] = []
    blocked: list[str] = []

    def stay_on_loopback(route: Any) -> None:
        url = route.request.url
        if url.startswith(server_url) or url.startswith("data:"):
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    def note_blocked(message: Any) -> None:
        if "Content Security Policy" in message.text:
            blocked.append(message.text)

    def open_one(width: int = 1280, height: int = 900) -> Any:
        # Belgian dates in the date fields, as a Flemish visitor's browser shows them.
        context = browser.new_context(viewport={"width": width, "height": height}, locale="nl-BE")
        context.route("**/*", stay_on_loopback)
        context.on("page", lambda tab: tab.on("console", note_blocked))
        contexts.append(context)
        return context.new_page()

    yield open_one
    for context in contexts:
        context.close()
    assert outside == [], f"requests left loopback: {outside}"
    assert blocked == [], f"the Content-Security-Policy blocked: {blocked}"
