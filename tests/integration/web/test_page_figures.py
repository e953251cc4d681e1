"""What the search pages show of the data is worked out once per data version: the home
page's figures and the programme list follow changes, and requests do not recount."""

import re
from datetime import UTC, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests import factories
from tests.pages import html
from web.db import get_session
from web.services import overview


def figure(page: str, label: str) -> str:
    match = re.search(rf"<dt>{label}</dt><dd>([^<]+)", page)
    assert match, label
    return match.group(1).strip()


def add_workplace(app: Flask, n_free_places: int) -> None:
    with app.app_context():
        session = get_session()
        factories.recognition(
            session,
            n_places=n_free_places,
            n_free_places=n_free_places,
            last_confirmed_at=datetime.now(UTC),
        )
        session.commit()


def test_the_figures_are_counted_once_per_data_version(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    counted: list[object] = []
    count = overview.count_overview

    def counting(*args: object) -> overview.Overview:
        counted.append(args)
        return count(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(overview, "count_overview", counting)
    add_workplace(app, n_free_places=2)
    first = html(client.get("/"))
    assert figure(first, "Vrije plaatsen") == "2"
    html(client.get("/"))
    html(client.get("/?lang=en"))
    assert len(counted) == 1

    add_workplace(app, n_free_places=3)
    assert figure(html(client.get("/?lang=nl")), "Vrije plaatsen") == "5"
    assert len(counted) == 2


def test_a_renamed_programme_is_listed_by_its_new_name(app: Flask, client: FlaskClient) -> None:
    assert "Elektrotechnieken (nieuw)" not in html(client.get("/"))
    with app.app_context():
        session = get_session()
        factories.programme(session).name = "Elektrotechnieken (nieuw)"
        session.commit()
    assert "Elektrotechnieken (nieuw)" in html(client.get("/"))


def selected_programmes(page: str) -> list[str]:
    select = re.search(r'<select id="programme".*?</select>', page, re.DOTALL)
    assert select
    return re.findall(r'<option value="([^"]*)" selected>', select.group(0))


def test_the_asked_programme_is_selected_and_an_unknown_one_is_not(client: FlaskClient) -> None:
    page = html(client.get("/?programme=elektrotechnieken-duaal"))
    assert selected_programmes(page) == ["elektrotechnieken-duaal"]
    unknown = html(client.get("/?programme=bestaat-niet"))
    assert selected_programmes(unknown) == []
    assert "bestaat-niet" not in unknown.split('<select id="programme"')[1].split("</select>")[0]
    assert selected_programmes(html(client.get("/"))) == []


@pytest.mark.parametrize("lang", ["", "?lang=nl", "?lang=en"])
def test_the_home_page_kept_for_everyone_is_the_one_rendered_anew(
    client: FlaskClient, lang: str
) -> None:
    kept = html(client.get(f"/{lang}"))
    assert html(client.get(f"/{lang}")) == kept
    # Another parameter (ignored by the page) makes the page render its form anew.
    anew = html(client.get(f"/{lang}{'&' if lang else '?'}utm_source=x"))
    assert anew == kept
