"""A recognition's history: every request and decision kept, with who, when and why.

Recognising, refusing and withdrawing through the consultant's pages, asking through the
company's service, and the nightly expiry each add a row; nothing earlier is overwritten,
and both the company and the partnership read the whole history on the recognition's page.
The migration gives the recognitions there were their own story as first rows.
"""

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Company, Recognition, RecognitionDecision, Site, User
from models.base import BELGIUM, today_in_belgium
from models.database import make_engine, upgrade
from models.enums import RecognitionStatus, Role
from models.reference_data import sync_reference_data
from models.refresh import refresh_availability
from models.rules import recognition_valid_until
from tests import factories
from tests.clients import login, post
from tests.conftest import fresh_database_url
from tests.integration.web.test_partnership_pages import (
    company_page,
    make_recognised,
    make_request,
    requested_days_ago,
)
from tests.pages import html
from web.db import get_session, unit_of_work
from web.services.policy import Party
from web.services.recognitions import request_recognition

CONSULTANT_NAME = "Sarah Claes"


def history(app: Flask, recognition_id: int) -> list[tuple[RecognitionStatus, str | None]]:
    """The recognition's steps, oldest first: what each did and why."""
    with app.app_context():
        rows = get_session().scalars(
            select(RecognitionDecision)
            .where(RecognitionDecision.recognition_id == recognition_id)
            .order_by(RecognitionDecision.decided_at, RecognitionDecision.id)
        )
        return [(row.status, row.reason) for row in rows]


def steps(app: Flask, recognition_id: int) -> list[RecognitionDecision]:
    with app.app_context():
        return list(
            get_session().scalars(
                select(RecognitionDecision)
                .where(RecognitionDecision.recognition_id == recognition_id)
                .order_by(RecognitionDecision.decided_at, RecognitionDecision.id)
            )
        )


def consultant_client(app: Flask, **fields: Any) -> tuple[FlaskClient, User]:
    with app.app_context():
        session = get_session()
        user = factories.user(session, Role.CONSULTANT, factories.partnership(session), **fields)
        session.commit()
    client = app.test_client()
    login(client, user)
    return client, user


def ask_again(app: Flask, recognition_id: int) -> int:
    """The company asks once more for the same site and programme, as its page does."""
    with app.app_context():
        session = get_session()
        recognition = session.get(Recognition, recognition_id)
        assert recognition is not None
        site = session.get(Site, recognition.site_id)
        assert site is not None
        user = factories.user(session, Role.COMPANY, session.get(Company, site.company_id))
        session.commit()
        party = Party(Role.COMPANY, company_id=site.company_id, user_id=user.id)
        with unit_of_work() as db:
            again = request_recognition(db, party, site.id, recognition.programme_id, None)
        return user.id if again.id == recognition_id else -1


def test_recognising_keeps_who_when_and_the_term(app: Flask) -> None:
    client, consultant = consultant_client(app, name=CONSULTANT_NAME)
    recognition_id = make_request(app, "Elektro Historiek")
    response = post(
        client, f"/partnerschap/erkenningen/{recognition_id}/erkennen", {"note": "Bezocht."}
    )
    assert response.status_code == 302
    [step] = steps(app, recognition_id)
    assert step.status is RecognitionStatus.RECOGNISED
    assert step.decided_by_id == consultant.id and step.reason == "Bezocht."
    assert step.valid_until == recognition_valid_until(today_in_belgium())
    assert abs(step.decided_at - datetime.now(UTC)) < timedelta(minutes=2)
    page = html(client.get(f"/partnerschap/erkenningen/{recognition_id}"))
    assert "Geschiedenis" in page and f"door {CONSULTANT_NAME} (Elektro en installatie)" in page


def test_a_refusal_survives_a_new_request(app: Flask) -> None:
    client, _ = consultant_client(app)
    recognition_id = make_request(app, "Elektro Tweede Kans")
    reason = "Geen schakelkast om mee te oefenen."
    post(client, f"/partnerschap/erkenningen/{recognition_id}/weigeren", {"refuse-reason": reason})
    requester_id = ask_again(app, recognition_id)
    assert history(app, recognition_id) == [
        (RecognitionStatus.REFUSED, reason),
        (RecognitionStatus.REQUESTED, None),
    ]
    [_, request] = steps(app, recognition_id)
    assert request.decided_by_id == requester_id
    with app.app_context():
        recognition = get_session().get(Recognition, recognition_id)
        assert recognition is not None
        assert recognition.status is RecognitionStatus.REQUESTED
        assert recognition.decided_at is None and recognition.decision_reason is None
    # Both sides still read why it was refused the first time.
    for page in (
        html(client.get(f"/partnerschap/erkenningen/{recognition_id}")),
        company_page(app, recognition_id),
    ):
        assert reason in page and "geweigerd" in page and "aangevraagd" in page
    # Recognised the second time, the history holds the three steps.
    post(client, f"/partnerschap/erkenningen/{recognition_id}/erkennen", {"note": ""})
    assert [status for status, _ in history(app, recognition_id)] == [
        RecognitionStatus.REFUSED,
        RecognitionStatus.REQUESTED,
        RecognitionStatus.RECOGNISED,
    ]


def test_withdrawing_keeps_the_recognition_date_and_stops_showing_its_end(app: Flask) -> None:
    client, consultant = consultant_client(app)
    recognition_id = make_recognised(app, "Elektro Stopt")
    before = steps(app, recognition_id)
    reason = "Het bedrijf heeft geen mentor meer."
    response = post(
        client, f"/partnerschap/erkenningen/{recognition_id}/intrekken", {"withdraw-reason": reason}
    )
    assert response.status_code == 302
    with app.app_context():
        recognition = get_session().get(Recognition, recognition_id)
        assert recognition is not None
        assert recognition.decided_at == requested_days_ago(100)
    [*earlier, withdrawal] = steps(app, recognition_id)
    assert len(earlier) == len(before)
    assert withdrawal.status is RecognitionStatus.WITHDRAWN
    assert (withdrawal.reason, withdrawal.decided_by_id) == (reason, consultant.id)
    page = html(client.get(f"/partnerschap/erkenningen/{recognition_id}"))
    assert "Loopt af op" not in page
    assert "ingetrokken" in page and reason in page
    assert "door Elektro en installatie" in page  # a consultant without a name on record
    seen = company_page(app, recognition_id)
    assert "ingetrokken" in seen and reason in seen


def test_a_decision_lost_to_a_colleague_writes_no_history(app: Flask) -> None:
    client, _ = consultant_client(app)
    recognition_id = make_request(app, "Elektro Dubbel")
    post(client, f"/partnerschap/erkenningen/{recognition_id}/erkennen", {"note": ""})
    late = post(
        client, f"/partnerschap/erkenningen/{recognition_id}/weigeren", {"refuse-reason": "Nee"}
    )
    assert late.status_code == 409
    assert [status for status, _ in history(app, recognition_id)] == [RecognitionStatus.RECOGNISED]


def test_the_nightly_expiry_is_kept_once(app: Flask) -> None:
    today = today_in_belgium()
    recognition_id = make_recognised(app, "Elektro Vijf Jaar", valid_until=today)
    still_running = make_recognised(app, "Elektro Loopt Nog")
    with app.app_context():
        with unit_of_work() as db:
            assert refresh_availability(db, today).expired == 1
        with unit_of_work() as db:
            assert refresh_availability(db, today).expired == 0
    [expiry] = steps(app, recognition_id)
    assert expiry.status is RecognitionStatus.EXPIRED
    assert expiry.decided_by_id is None and expiry.valid_until == today
    assert expiry.decided_at == datetime.combine(today, time(0), BELGIUM).astimezone(UTC)
    assert steps(app, still_running) == []
    client, _ = consultant_client(app)
    page = html(client.get(f"/partnerschap/erkenningen/{recognition_id}"))
    assert "verlopen na 5 jaar" in page and "(automatisch)" in page


def test_the_history_is_the_companys_own(app: Flask) -> None:
    """Another company reaches neither the recognition nor its history."""
    recognition_id = make_recognised(app, "Elektro Eigen")
    with app.app_context():
        session = get_session()
        stranger = factories.user(session, Role.COMPANY)
        session.commit()
    client = app.test_client()
    login(client, stranger)
    assert client.get(f"/bedrijf/erkenningen/{recognition_id}").status_code == 404


# The migration ------------------------------------------------------------------------


def _insert(conn: sa.Connection, table: str, **values: Any) -> int:
    columns = sa.table(table, *(sa.column(name) for name in values))
    result = conn.execute(sa.insert(columns).values(**values))
    return int(result.lastrowid)  # SQLite's: the migration's own test runs there


def test_the_migration_tells_each_recognition_its_story(tmp_path: Path) -> None:
    engine = make_engine(fresh_database_url("sqlite", tmp_path, "history"))
    upgrade(engine, "0010")
    with Session(engine) as session:
        sync_reference_data(session)
        session.commit()
    now = datetime(2026, 6, 1, 10, tzinfo=UTC)
    recognised_on = date(2021, 6, 1)
    decided_at = datetime.combine(recognised_on, time(10), tzinfo=UTC)
    requested_at = decided_at - timedelta(days=30)
    with engine.begin() as conn:
        programme_id = conn.scalar(sa.text("SELECT id FROM programmes LIMIT 1"))
        company_id = _insert(
            conn,
            "companies",
            kbo_number="0403170701",
            name="Historiek",
            declares_activities=True,
            declares_financial_capacity=True,
            declares_organisation=True,
            declares_no_convictions=True,
            declares_commitments=True,
            created_at=now,
        )
        ids = {}
        for status in ("requested", "recognised", "refused", "withdrawn", "expired"):
            site_id = _insert(
                conn,
                "sites",
                company_id=company_id,
                name=status,
                street="Markt 1",
                postcode="8500",
                lat=50.8,
                lon=3.2,
                created_at=now,
            )
            decided = status != "requested"
            ids[status] = _insert(
                conn,
                "recognitions",
                site_id=site_id,
                programme_id=programme_id,
                status=status,
                requested_at=requested_at,
                decided_at=decided_at if decided else None,
                decision_reason=f"Reden {status}" if decided else None,
                valid_until=recognition_valid_until(recognised_on)
                if status in ("recognised", "withdrawn", "expired")
                else None,
                n_places=0,
                n_free_places=0,
                intake_preferences="{}",
                is_at_risk=False,
                has_mentor_age_waiver=False,
                updated_at=now,
            )
    upgrade(engine)
    with Session(engine) as session:

        def told(status: str) -> list[tuple[str, str | None, date | None]]:
            rows = list(
                session.scalars(
                    select(RecognitionDecision)
                    .where(RecognitionDecision.recognition_id == ids[status])
                    .order_by(RecognitionDecision.decided_at, RecognitionDecision.id)
                )
            )
            assert all(row.decided_by_id is None for row in rows)  # never stored before
            return [(row.status.value, row.reason, row.valid_until) for row in rows]

        term = recognition_valid_until(recognised_on)
        assert told("requested") == [("requested", None, None)]
        assert told("recognised") == [
            ("requested", None, None),
            ("recognised", "Reden recognised", term),
        ]
        assert told("refused") == [("requested", None, None), ("refused", "Reden refused", None)]
        assert told("withdrawn") == [
            ("requested", None, None),
            ("withdrawn", "Reden withdrawn", None),
        ]
        assert told("expired") == [
            ("requested", None, None),
            ("recognised", "Reden expired", term),
            ("expired", None, term),
        ]
        first = session.scalar(
            select(RecognitionDecision.decided_at).where(
                RecognitionDecision.recognition_id == ids["requested"]
            )
        )
        assert first == requested_at
    engine.dispose()
