"""The partnership consultant's pages under /partnerschap, through the test client.

The queue of open requests with the 14-day norm, recognising, refusing and withdrawing
with what the company then reads, and finding decided recognitions: always those of
the consultant's own partnership only.
"""

import re
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from models import Company, Mentor, Recognition, Site, User
from models.base import BELGIUM, today_in_belgium
from models.enums import RecognitionStatus, Role
from models.rules import add_months, add_years, recognition_valid_until
from tests import factories
from tests.clients import login, post
from tests.pages import birth_date_for_age, field_error, html, is_available, search_ids
from web.db import get_session

OWN_PROGRAMME = "elektrotechnieken-duaal"  # decided by "Elektro en installatie"
OTHER_PROGRAMME = "bakkerij-duaal"  # decided by "Voeding"
NOW_TOLERANCE = timedelta(minutes=2)


def queue_row(page: str, company_name: str) -> str:
    """Return the queue's table row that names the company."""
    rows = [row for row in page.split("<tr")[1:] if company_name in row]
    assert len(rows) == 1, company_name
    return rows[0].split("</tr>")[0]


def requested_days_ago(days: int) -> datetime:
    """Noon, Belgian time, `days` calendar days ago (so the count never hits midnight)."""
    day = today_in_belgium() - timedelta(days=days)
    return datetime.combine(day, time(12), tzinfo=BELGIUM).astimezone(UTC)


def make_request(
    app: Flask,
    company_name: str,
    days_ago: int = 3,
    programme: str = OWN_PROGRAMME,
    mentor_age: int | None = None,
    **fields: Any,
) -> int:
    """A company with one site (in Kortrijk unless `site` says) asking for a recognition,
    `days_ago` days ago."""
    with app.app_context():
        session = get_session()
        company = factories.company(session, name=company_name, **fields.pop("company", {}))
        site = factories.site(session, owner=company, **fields.pop("site", {}))
        values: dict[str, Any] = {
            "programme": factories.programme(session, programme),
            "status": RecognitionStatus.REQUESTED,
            "decided_at": None,
            "valid_until": None,
            "n_places": 0,
            "n_free_places": 0,
            "requested_at": requested_days_ago(days_ago),
        }
        if mentor_age is not None:
            values["mentor"] = factories.mentor(
                session,
                owner=company,
                birth_date=birth_date_for_age(mentor_age),
                extract_596_2_shown_on=today_in_belgium() - timedelta(days=5),
            )
        values.update(fields)
        recognition = factories.recognition(session, at=site, **values)
        session.commit()
        return recognition.id


def make_recognised(app: Flask, company_name: str, **fields: Any) -> int:
    """A recognition decided 100 days ago with one free place, confirmed today."""
    values: dict[str, Any] = {
        "status": RecognitionStatus.RECOGNISED,
        "decided_at": requested_days_ago(100),
        "valid_until": recognition_valid_until(today_in_belgium() - timedelta(days=100)),
        "requested_at": requested_days_ago(110),
        "n_places": 2,
        "n_free_places": 1,
        "last_confirmed_at": datetime.now(UTC),
    }
    values.update(fields)
    return make_request(app, company_name, **values)


def recognition_row(app: Flask, recognition_id: int) -> Recognition:
    with app.app_context():
        row = get_session().get(Recognition, recognition_id)
        assert row is not None
        return row


def company_user(app: Flask, recognition_id: int) -> User:
    """A user of the company whose site the recognition is for."""
    with app.app_context():
        session = get_session()
        recognition = session.get(Recognition, recognition_id)
        assert recognition is not None
        site = session.get(Site, recognition.site_id)
        assert site is not None
        user = factories.user(session, Role.COMPANY, session.get(Company, site.company_id))
        session.commit()
        return user


def company_page(app: Flask, recognition_id: int) -> str:
    """The recognition's page as its company sees it (in a browser of its own)."""
    client = app.test_client()
    login(client, company_user(app, recognition_id))
    response = client.get(f"/bedrijf/erkenningen/{recognition_id}")
    assert response.status_code == 200
    return html(response)


@pytest.fixture
def consultant(app: Flask, client: FlaskClient) -> User:
    """A logged-in consultant of the partnership "Elektro en installatie"."""
    with app.app_context():
        session = get_session()
        user = factories.user(session, Role.CONSULTANT, factories.partnership(session))
        session.commit()
    login(client, user)
    return user


# Who may see the partnership pages ----------------------------------------------------


@pytest.mark.parametrize("path", ["/partnerschap", "/partnerschap/erkenningen?q=x"])
def test_partnership_pages_need_a_consultant_login(
    app: Flask, client: FlaskClient, path: str
) -> None:
    anonymous = client.get(path)
    assert anonymous.status_code == 302 and "/aanmelden" in anonymous.headers["Location"]
    with app.app_context():
        session = get_session()
        user = factories.user(session, Role.COMPANY)
        session.commit()
    login(client, user)
    assert client.get(path).status_code == 403


# The queue ----------------------------------------------------------------------------


def test_the_queue_lists_own_requests_oldest_first(
    app: Flask, client: FlaskClient, consultant: User
) -> None:
    make_request(app, "Installaties Recent", days_ago=2)
    make_request(app, "Installaties Oudst", days_ago=20)
    make_request(app, "Installaties Midden", days_ago=9)
    make_request(app, "Bakkerij Andere Sector", days_ago=40, programme=OTHER_PROGRAMME)
    make_recognised(app, "Installaties Al Erkend")
    response = client.get("/partnerschap")
    assert response.status_code == 200
    page = html(response)
    names = ["Installaties Oudst", "Installaties Midden", "Installaties Recent"]
    positions = [page.index(name) for name in names]
    assert positions == sorted(positions)
    assert "Bakkerij Andere Sector" not in page
    assert "Installaties Al Erkend" not in page


@pytest.mark.parametrize(
    ("days_ago", "overdue"),
    [(0, False), (13, False), (14, False), (15, True), (60, True)],
)
def test_a_request_past_the_14_day_norm_is_flagged(
    app: Flask, client: FlaskClient, consultant: User, days_ago: int, overdue: bool
) -> None:
    make_request(app, "Elektro Wachtend", days_ago=days_ago)
    make_request(app, "Elektro Vandaag", days_ago=0)
    page = html(client.get("/partnerschap"))
    row = queue_row(page, "Elektro Wachtend")
    assert ("te laat" in row) is overdue
    assert f"{days_ago} dag" in row
    assert "te laat" not in queue_row(page, "Elektro Vandaag")
    assert ("wacht langer" in page or "wachten langer" in page) is overdue


def test_an_empty_queue_says_so(client: FlaskClient, consultant: User) -> None:
    assert "Geen open aanvragen." in html(client.get("/partnerschap"))


@pytest.mark.parametrize(
    ("days_ago", "term"),
    [
        (0, "nog 14 dagen"),
        (11, "nog 3 dagen"),
        (13, "nog 1 dag"),
        (14, "vandaag de laatste dag"),
        (15, "1 dag te laat"),
        (40, "26 dagen te laat"),
    ],
)
def test_lateness_counts_from_day_14(
    app: Flask, client: FlaskClient, consultant: User, days_ago: int, term: str
) -> None:
    make_request(app, "Elektro Termijn", days_ago=days_ago)
    row = queue_row(html(client.get("/partnerschap")), "Elektro Termijn")
    assert term in row
    assert f"{days_ago} dag" in row  # how long it waits, beside it


def queue_names(client: FlaskClient, query: str = "") -> list[str]:
    """The company names on one page of the queue, in order."""
    response = client.get(f"/partnerschap{query}")
    assert response.status_code == 200
    return re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a>', html(response))


def test_the_queue_comes_in_pages_of_25_with_links(
    app: Flask, client: FlaskClient, consultant: User
) -> None:
    for n in range(30):
        make_request(app, f"Elektro Rij {n:02d}", days_ago=40 - n)
    first = html(client.get("/partnerschap"))
    assert queue_names(client) == [f"Elektro Rij {n:02d}" for n in range(25)]
    assert "1–25 van 30" in first and 'href="/partnerschap?pagina=2"' in first
    assert 'rel="prev"' not in first
    second = html(client.get("/partnerschap?pagina=2"))
    assert queue_names(client, "?pagina=2") == [f"Elektro Rij {n:02d}" for n in range(25, 30)]
    assert "26–30 van 30" in second and 'href="/partnerschap"' in second
    assert 'rel="next"' not in second
    # A page past the end (the queue shrank since the link was made) shows the last.
    assert queue_names(client, "?pagina=9") == queue_names(client, "?pagina=2")
    # A blank page number is the first page, as none is.
    for blank in ("%20", "%0A%0D"):
        assert queue_names(client, f"?pagina={blank}") == queue_names(client)
        found = client.get("/partnerschap/erkenningen", query_string={"q": "Rij", "pagina": " "})
        assert found.status_code == 200


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?pagina=nul", "Geef een paginanummer vanaf 1."),
        ("?pagina=0", "Geef een paginanummer vanaf 1."),
        ("?pagina=%C2%B2", "Geef een paginanummer vanaf 1."),  # isdigit(), not a number
        ("?opleiding=bestaat-niet", "Kies een opleiding uit de lijst."),
        ("?opleiding=bakkerij-duaal", "Kies een opleiding uit de lijst."),  # not this partnership's
        ("?provincie=namen", "Kies een provincie uit de lijst."),
    ],
)
def test_a_bad_filter_is_named_not_a_500(
    client: FlaskClient, consultant: User, query: str, message: str
) -> None:
    response = client.get(f"/partnerschap{query}")
    assert response.status_code == 400
    assert message in html(response)


def test_the_queue_filters_by_programme_province_and_lateness(
    app: Flask, client: FlaskClient, consultant: User
) -> None:
    make_request(app, "Elektro Kortrijk Laat", days_ago=30)
    make_request(app, "Elektro Kortrijk Op Tijd", days_ago=3)
    make_request(app, "Elektro Gent Laat", days_ago=20, site={"postcode": "9000"})
    make_request(app, "Koeling Kortrijk", days_ago=25, programme="koelinstallaties-duaal")
    everyone = ["Elektro Kortrijk Laat", "Koeling Kortrijk", "Elektro Gent Laat"]
    assert queue_names(client) == [*everyone, "Elektro Kortrijk Op Tijd"]
    assert queue_names(client, "?te_laat=y") == everyone
    assert queue_names(client, "?provincie=oost-vlaanderen") == ["Elektro Gent Laat"]
    assert queue_names(client, "?opleiding=koelinstallaties-duaal") == ["Koeling Kortrijk"]
    assert queue_names(client, f"?opleiding={OWN_PROGRAMME}&provincie=west-vlaanderen") == [
        "Elektro Kortrijk Laat",
        "Elektro Kortrijk Op Tijd",
    ]
    assert queue_names(client, "?te_laat=y&provincie=limburg") == []
    page = html(client.get("/partnerschap?te_laat=y&provincie=limburg"))
    assert "Geen open aanvragen met deze keuze." in page
    assert "3 aanvragen wachten langer." in page  # the count ignores the filter
    chosen = html(client.get("/partnerschap?opleiding=koelinstallaties-duaal"))
    assert '<option selected value="koelinstallaties-duaal">' in chosen


def test_paging_keeps_the_filter(app: Flask, client: FlaskClient, consultant: User) -> None:
    for n in range(27):
        make_request(app, f"Elektro Gent {n:02d}", days_ago=30, site={"postcode": "9000"})
    make_request(app, "Elektro Kortrijk", days_ago=31)
    page = html(client.get("/partnerschap?provincie=oost-vlaanderen&te_laat=y"))
    assert "Elektro Kortrijk" not in page
    next_link = re.search(r'<a rel="next" href="([^"]+)"', page)
    assert next_link is not None
    link = next_link.group(1).replace("&amp;", "&")
    assert "provincie=oost-vlaanderen" in link and "te_laat=y" in link and "pagina=2" in link
    assert len(queue_names(client, link.removeprefix("/partnerschap"))) == 2


def test_another_partnerships_request_is_not_found(
    app: Flask, client: FlaskClient, consultant: User
) -> None:
    recognition_id = make_request(app, "Bakkerij Elders", programme=OTHER_PROGRAMME)
    assert client.get(f"/partnerschap/erkenningen/{recognition_id}").status_code == 404
    for action, data in [
        ("erkennen", {"note": ""}),
        ("weigeren", {"refuse-reason": "Nee"}),
        ("intrekken", {"withdraw-reason": "Nee"}),
    ]:
        response = post(client, f"/partnerschap/erkenningen/{recognition_id}/{action}", data)
        assert response.status_code == 404, action
    assert recognition_row(app, recognition_id).status is RecognitionStatus.REQUESTED


# Recognising --------------------------------------------------------------------------


def test_recognising_a_request(app: Flask, client: FlaskClient, consultant: User) -> None:
    recognition_id = make_request(app, "Elektro Goossens", days_ago=5)
    page = html(client.get(f"/partnerschap/erkenningen/{recognition_id}"))
    assert "Elektro Goossens" in page and "Erkennen" in page and "Weigeren" in page
    response = post(
        client,
        f"/partnerschap/erkenningen/{recognition_id}/erkennen",
        {"note": "Bezocht op de werkvloer: alles in orde."},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/partnerschap")
    row = recognition_row(app, recognition_id)
    assert row.status is RecognitionStatus.RECOGNISED
    assert row.decided_at is not None
    assert abs(row.decided_at - datetime.now(UTC)) < NOW_TOLERANCE
    decided_on = row.decided_at.astimezone(BELGIUM).date()
    assert decided_on == today_in_belgium()
    assert row.valid_until == recognition_valid_until(decided_on)
    assert row.valid_until == add_years(today_in_belgium(), 5)
    assert row.decision_reason == "Bezocht op de werkvloer: alles in orde."
    assert "Elektro Goossens" not in html(client.get("/partnerschap"))
    seen = company_page(app, recognition_id)
    assert "Erkend op" in seen
    assert "Bezocht op de werkvloer: alles in orde." in seen
    assert 'name="n_places"' in seen  # the company can now offer places


def test_recognising_starts_the_mentor_training_deadline(
    app: Flask, client: FlaskClient, consultant: User
) -> None:
    recognition_id = make_request(app, "Elektro Mentor", mentor_age=40)
    response = post(client, f"/partnerschap/erkenningen/{recognition_id}/erkennen", {"note": ""})
    assert response.status_code == 302
    with app.app_context():
        session = get_session()
        recognition = session.get(Recognition, recognition_id)
        assert recognition is not None and recognition.mentor_id is not None
        mentor = session.get(Mentor, recognition.mentor_id)
        assert mentor is not None
        assert mentor.training_deadline == add_months(today_in_belgium(), 12)
        assert recognition.decision_reason is None


@pytest.mark.parametrize(("grant", "waived"), [("y", True), (None, False)])
def test_recognising_with_a_young_mentor_can_grant_the_age_waiver(
    app: Flask, client: FlaskClient, consultant: User, grant: str | None, waived: bool
) -> None:
    recognition_id = make_request(app, "Elektro Jong", mentor_age=24)
    page = html(client.get(f"/partnerschap/erkenningen/{recognition_id}"))
    assert 'name="grant_age_waiver"' in page
    assert "jonger dan 25" in page
    data = {"note": "Mentor van 24 jaar toegestaan."}
    if grant:
        data["grant_age_waiver"] = grant
    response = post(client, f"/partnerschap/erkenningen/{recognition_id}/erkennen", data)
    assert response.status_code == 302
    with app.app_context():
        session = get_session()
        recognition = session.get(Recognition, recognition_id)
        assert recognition is not None and recognition.mentor_id is not None
        assert recognition.status is RecognitionStatus.RECOGNISED
        # The waiver belongs to this partnership's decision, not to the person.
        assert recognition.has_mentor_age_waiver is waived
    page = html(client.get(f"/partnerschap/erkenningen/{recognition_id}"))
    assert ("jonger dan 25" in page) is not waived


def test_a_mentor_old_enough_is_offered_no_waiver(
    app: Flask, client: FlaskClient, consultant: User
) -> None:
    recognition_id = make_request(app, "Elektro Ervaren", mentor_age=30)
    page = html(client.get(f"/partnerschap/erkenningen/{recognition_id}"))
    assert 'name="grant_age_waiver"' not in page
    assert "De mentor voldoet aan de voorwaarden." in page


@pytest.mark.parametrize(
    "status", [RecognitionStatus.RECOGNISED, RecognitionStatus.REFUSED, RecognitionStatus.WITHDRAWN]
)
def test_a_decided_recognition_cannot_be_recognised_again(
    app: Flask, client: FlaskClient, consultant: User, status: RecognitionStatus
) -> None:
    recognition_id = make_recognised(app, "Elektro Beslist", status=status)
    before = recognition_row(app, recognition_id)
    response = post(client, f"/partnerschap/erkenningen/{recognition_id}/erkennen", {"note": ""})
    assert response.status_code == 409
    assert "Over deze aanvraag is al beslist." in html(response)
    after = recognition_row(app, recognition_id)
    assert after.status is status
    assert (after.decided_at, after.valid_until) == (before.decided_at, before.valid_until)


# Refusing -----------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "   "])
def test_refusing_needs_a_reason(
    app: Flask, client: FlaskClient, consultant: User, reason: str
) -> None:
    recognition_id = make_request(app, "Elektro Zonder Reden")
    response = post(
        client, f"/partnerschap/erkenningen/{recognition_id}/weigeren", {"refuse-reason": reason}
    )
    assert response.status_code == 400
    assert "Vul dit in." in field_error(html(response), "refuse-reason")
    row = recognition_row(app, recognition_id)
    assert row.status is RecognitionStatus.REQUESTED and row.decided_at is None


def test_refusing_with_a_reason_the_company_reads(
    app: Flask, client: FlaskClient, consultant: User
) -> None:
    recognition_id = make_request(app, "Elektro Geweigerd")
    reason = "De werkplaats heeft geen schakelkast om mee te oefenen."
    response = post(
        client, f"/partnerschap/erkenningen/{recognition_id}/weigeren", {"refuse-reason": reason}
    )
    assert response.status_code == 302
    row = recognition_row(app, recognition_id)
    assert row.status is RecognitionStatus.REFUSED
    assert row.decision_reason == reason
    assert row.decided_at is not None
    assert abs(row.decided_at - datetime.now(UTC)) < NOW_TOLERANCE
    assert row.valid_until is None and not is_available(row)
    seen = company_page(app, recognition_id)
    assert "Geweigerd op" in seen and reason in seen
    assert 'name="n_places"' not in seen


def test_a_decided_recognition_cannot_be_refused(
    app: Flask, client: FlaskClient, consultant: User
) -> None:
    recognition_id = make_recognised(app, "Elektro Reeds Erkend")
    response = post(
        client,
        f"/partnerschap/erkenningen/{recognition_id}/weigeren",
        {"refuse-reason": "Toch niet"},
    )
    assert response.status_code == 409
    assert "Over deze aanvraag is al beslist." in html(response)
    row = recognition_row(app, recognition_id)
    assert row.status is RecognitionStatus.RECOGNISED and row.decision_reason is None


# Withdrawing --------------------------------------------------------------------------


def test_withdrawing_ends_the_recognition_and_its_places_leave_search(
    app: Flask, client: FlaskClient, consultant: User
) -> None:
    recognition_id = make_recognised(app, "Elektro Ingetrokken")
    assert recognition_id in search_ids(client)
    page = html(client.get(f"/partnerschap/erkenningen/{recognition_id}"))
    assert 'name="withdraw-reason"' in page
    reason = "Het bedrijf heeft geen mentor meer."
    response = post(
        client, f"/partnerschap/erkenningen/{recognition_id}/intrekken", {"withdraw-reason": reason}
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/partnerschap/erkenningen/{recognition_id}")
    row = recognition_row(app, recognition_id)
    assert row.status is RecognitionStatus.WITHDRAWN
    assert row.decision_reason == reason and not is_available(row)
    # The decision stays the day it was recognised; the withdrawal is in the history.
    assert row.decided_at == requested_days_ago(100)
    assert recognition_id not in search_ids(client)
    seen = company_page(app, recognition_id)
    assert "Ingetrokken op" in seen and reason in seen
    assert 'name="n_places"' not in seen


@pytest.mark.parametrize("reason", ["", " \n "])
def test_withdrawing_needs_a_reason(
    app: Flask, client: FlaskClient, consultant: User, reason: str
) -> None:
    recognition_id = make_recognised(app, "Elektro Blijft")
    response = post(
        client, f"/partnerschap/erkenningen/{recognition_id}/intrekken", {"withdraw-reason": reason}
    )
    assert response.status_code == 400
    assert "Vul dit in." in field_error(html(response), "withdraw-reason")
    row = recognition_row(app, recognition_id)
    assert row.status is RecognitionStatus.RECOGNISED and is_available(row)
    assert recognition_id in search_ids(client)


@pytest.mark.parametrize(
    "status", [RecognitionStatus.REQUESTED, RecognitionStatus.REFUSED, RecognitionStatus.WITHDRAWN]
)
def test_only_a_running_recognition_can_be_withdrawn(
    app: Flask, client: FlaskClient, consultant: User, status: RecognitionStatus
) -> None:
    if status is RecognitionStatus.REQUESTED:
        recognition_id = make_request(app, "Elektro Niet Lopend")
    else:
        recognition_id = make_recognised(
            app,
            "Elektro Niet Lopend",
            status=status,
            n_free_places=0,
            decision_reason="Eerder beslist.",
        )
    before = recognition_row(app, recognition_id)
    response = post(
        client,
        f"/partnerschap/erkenningen/{recognition_id}/intrekken",
        {"withdraw-reason": "Ingetrokken"},
    )
    assert response.status_code == 409
    assert "Alleen een lopende erkenning kan ingetrokken worden." in html(response)
    after = recognition_row(app, recognition_id)
    assert after.status is status
    assert (after.decision_reason, after.decided_at) == (before.decision_reason, before.decided_at)


# Finding decided recognitions ---------------------------------------------------------


@pytest.fixture
def decided(app: Flask) -> dict[str, int]:
    """Recognitions of several companies called Verhaeghe, in two partnerships."""
    return {
        "recognised": make_recognised(
            app, "Verhaeghe Elektro", company={"kbo_number": "1234567894"}
        ),
        "refused": make_request(
            app,
            "Elektro Verhaeghe en Zonen",
            status=RecognitionStatus.REFUSED,
            decided_at=requested_days_ago(1),
            decision_reason="Geen uitrusting.",
        ),
        "open": make_request(app, "Verhaeghe Installaties"),
        "other": make_recognised(app, "Verhaeghe Bakkerij", programme=OTHER_PROGRAMME),
    }


def found_ids(client: FlaskClient, q: str) -> set[int]:
    response = client.get("/partnerschap/erkenningen", query_string={"q": q})
    assert response.status_code == 200
    return {int(n) for n in re.findall(r'href="/partnerschap/erkenningen/(\d+)"', html(response))}


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("verhaeghe", {"recognised", "refused"}),
        ("VERHAEGHE ELEKTRO", {"recognised"}),
        ("Installaties", set()),
        ("Bakkerij", set()),
        ("1234567894", {"recognised"}),
        ("1234.567.894", {"recognised"}),
        ("BE 1234 567", {"recognised"}),
        ("Janssens", set()),
        ("%", set()),
        ("_", set()),
    ],
)
def test_decided_recognitions_are_found_by_name_or_kbo_in_the_own_partnership(
    client: FlaskClient, consultant: User, decided: dict[str, int], q: str, expected: set[str]
) -> None:
    assert found_ids(client, q) == {decided[name] for name in expected}


def test_nothing_found_says_so(
    client: FlaskClient, consultant: User, decided: dict[str, int]
) -> None:
    assert "Niets gevonden." in html(client.get("/partnerschap/erkenningen?q=Janssens"))
    assert "Niets gevonden." not in html(client.get("/partnerschap/erkenningen"))


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("Kortrijk", {"kortrijk", "heule"}),
        ("courtrai", {"kortrijk", "heule"}),
        ("Heule", {"heule"}),
        ("8500", {"kortrijk"}),
        ("8501", {"heule"}),
        ("9000", {"gent"}),
        ("Gent", {"gent"}),
        ("8999", set()),
    ],
)
def test_recognitions_are_found_by_place_or_postcode(
    app: Flask, client: FlaskClient, consultant: User, q: str, expected: set[str]
) -> None:
    made = {
        "kortrijk": make_recognised(app, "Installaties Noord"),
        "heule": make_recognised(app, "Installaties West", site={"postcode": "8501"}),
        "gent": make_recognised(app, "Installaties Oost", site={"postcode": "9000"}),
    }
    assert found_ids(client, q) == {made[name] for name in expected}


def test_found_recognitions_come_in_pages(
    app: Flask, client: FlaskClient, consultant: User
) -> None:
    made = [make_recognised(app, f"Elektro Zoek {n:02d}") for n in range(27)]
    page = html(client.get("/partnerschap/erkenningen?q=Zoek"))
    assert "27 erkenningen gevonden" in page and "1–25 van 27" in page
    assert found_ids(client, "Zoek") == set(made[:25])
    second = client.get("/partnerschap/erkenningen", query_string={"q": "Zoek", "pagina": 2})
    found = {int(n) for n in re.findall(r'href="/partnerschap/erkenningen/(\d+)"', html(second))}
    assert found == set(made[25:])


def test_a_search_text_too_long_is_named(client: FlaskClient, consultant: User) -> None:
    response = client.get("/partnerschap/erkenningen", query_string={"q": "x" * 101})
    assert response.status_code == 400
    assert "Houd de zoektekst onder 100 tekens." in html(response)
