"""The API against its own document: Schemathesis over every operation, all checks.

Cases come from /api/v1/openapi.json as the app serves it, and every answer is checked
against it: status codes, content types, answer schemas, valid input accepted and
invalid input refused. Derandomized, so a run is the same every time.
"""

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, settings
from schemathesis import Case
from schemathesis.hooks import HookContext
from schemathesis.schemas import BaseSchema

from matcher import Gazetteer, IntakePreferences
from tests import factories
from web.db import get_session, unit_of_work
from web.resources import GAZETTEER_KEY, get_gazetteer
from web.services import tokens
from web.services.policy import Party

PROGRAMME = "elektrotechnieken-duaal"
POSTCODES = {"1000", "2000", "3000", "8500", "8790", "8800", "9000"}


@dataclass(frozen=True)
class Seeded:
    recognition_id: int
    secret: str


@pytest.fixture
def seeded(app: Flask) -> Seeded:
    """Workplaces around Kortrijk, one of them the token's, for searches to find."""
    now = datetime.now(UTC)
    with app.app_context():
        session = get_session()
        owner = factories.company(session, name="Elektro Vandamme", n_employees=12)
        programme = factories.programme(session, PROGRAMME)
        ids = []
        for i, (lat, lon) in enumerate([(50.83, 3.27), (50.90, 3.30), (51.05, 3.72)]):
            site = factories.site(
                session, owner=owner if i == 0 else None, lat=lat, lon=lon, postcode="8500"
            )
            ids.append(
                factories.recognition(
                    session,
                    at=site,
                    programme=programme,
                    n_places=3,
                    n_free_places=2,
                    last_confirmed_at=now - timedelta(days=9),
                    updated_at=now,
                    intake_preferences=IntakePreferences(min_age=16, start_months=frozenset({9})),
                ).id
            )
        session.commit()
        with unit_of_work() as db:
            _token, secret = tokens.create_token(db, Party.of_company(owner.id), "ERP")
        # The document lists every known postcode, and Schemathesis tries each one: a
        # gazetteer of a few keeps the run short (the document follows it).
        places = [p for p in get_gazetteer().places() if p.postcode in POSTCODES]
        app.extensions[GAZETTEER_KEY] = Gazetteer(places)
    return Seeded(ids[0], secret)


@pytest.fixture
def api_schema(app: Flask, seeded: Seeded, request: pytest.FixtureRequest) -> BaseSchema:
    """The document as the app serves it, with the rules it cannot state."""
    # Schemathesis names each operation's subtest through `_nodeid`, which pytest 9.2's
    # nodes no longer have.
    if not hasattr(request.node, "_nodeid"):
        request.node._nodeid = request.node.nodeid
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)

    @schema.hook
    def map_case(context: HookContext, case: Case) -> Case:
        if case.meta is None or not case.meta.generation.mode.is_positive:
            return case
        if case.operation.path in ("/api/v1/search", "/api/v1/workplaces/{recognition_id}"):
            one_origin(case)
        if case.method == "PUT":
            # Reach the 200 path: the token's own workplace, with free places within places.
            case.path_parameters = {"recognition_id": seeded.recognition_id}
            places_within_places(case)
        return case

    return schema


def one_origin(case: Case) -> None:
    """A postcode or lat with lon (OpenAPI cannot say "one of these two")."""
    query = case.query or {}
    if "postcode" in query:
        query.pop("lat", None)
        query.pop("lon", None)
    elif "lat" in query or "lon" in query or case.operation.path == "/api/v1/search":
        query.setdefault("lat", 50.83)
        query.setdefault("lon", 3.27)
    case.query = query


def places_within_places(case: Case) -> None:
    """n_free_places at most n_places, the given or the stored one (a rule across fields)."""
    body = case.body
    if not isinstance(body, dict):
        return
    if "n_free_places" in body or "n_places" in body:
        n_places = body.setdefault("n_places", 99)
        n_free = body.get("n_free_places", 0)
        if isinstance(n_places, int | float) and isinstance(n_free, int | float):
            body["n_free_places"] = min(n_free, n_places)


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.mark.slow
@schema.parametrize()
@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    # One app and one database state serve all of an operation's cases, on purpose.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_operation_keeps_to_the_document(
    case: Case, seeded: Seeded, counts: Counter[str]
) -> None:
    headers = {"Authorization": f"Bearer {seeded.secret}"} if case.method == "PUT" else None
    counts[case.operation.label] += 0
    counts["failures"] += 1
    case.call_and_validate(headers=headers)
    counts["failures"] -= 1
    counts["cases"] += 1


@pytest.fixture(scope="module")
def counts(pytestconfig: pytest.Config) -> Iterator[Counter[str]]:
    """Count the cases run, and say how many in the test run's summary."""
    counted: Counter[str] = Counter()
    yield counted
    if counted:
        operations = len(counted) - 2
        capture = pytestconfig.pluginmanager.get_plugin("capturemanager")
        with capture.global_and_fixture_disabled():
            pytestconfig.pluginmanager.get_plugin("terminalreporter").write(
                f"\nSchemathesis: {operations} operations, {counted['cases']} test cases, "
                f"{counted['failures']} failures\n"
            )
