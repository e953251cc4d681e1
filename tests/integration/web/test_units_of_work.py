"""The caller owns the transaction: services compose into one unit of work that lands
whole or not at all, and concurrent writers on SQLite wait for each other, never fail.

These tests use databases of their own with real commits (not the rolled-back test
transaction), since what they check is what another connection sees afterwards.
"""

import threading
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from models import Company, Recognition, Site, Student, User
from models.base import today_in_belgium, utcnow
from models.calendar import add_working_days
from models.database import OutsideUnitOfWorkError, make_engine, unit_of_work, upgrade
from models.enums import Role
from models.reference_data import sync_reference_data
from tests import factories
from tests.conftest import BACKENDS, drop_scratch_database, fresh_database_url
from web import create_app
from web.db import get_db
from web.services import companies, sites, tokens
from web.services.errors import InputError
from web.services.policy import Party

DETAILS = companies.CompanyDetails(
    kbo_number="0403.170.701",
    name="Elektro Aerts",
    declares_activities=True,
    declares_financial_capacity=True,
    declares_organisation=True,
    declares_no_convictions=True,
    declares_commitments=True,
)


@pytest.fixture(params=BACKENDS)
def scratch_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated database with the reference data, used by this test alone."""
    name = f"test_uow_{uuid.uuid4().hex[:8]}"
    url = fresh_database_url(request.param, tmp_path, name)
    engine = make_engine(url)
    upgrade(engine)
    with Session(engine) as session, unit_of_work(session):
        sync_reference_data(session)
    engine.dispose()
    yield url
    if request.param == "postgresql":
        drop_scratch_database(name)


@pytest.fixture
def scratch_engine(scratch_url: str) -> Iterator[Engine]:
    engine = make_engine(scratch_url)
    yield engine
    engine.dispose()


def count(engine: Engine, model: type, *conditions: object) -> int:
    """What a new connection sees: only what was committed."""
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(model).where(*conditions)) or 0


def test_two_services_in_one_unit_store_nothing_when_the_second_fails(
    scratch_engine: Engine,
) -> None:
    session = sessionmaker(scratch_engine, expire_on_commit=False)()
    with pytest.raises(InputError) as refused, unit_of_work(session):
        company, _user = companies.register_company(
            session, DETAILS, "eigenaar@aerts.be", "een lang wachtwoord"
        )
        assert company.id is not None  # flushed: the second service may use it
        sites.add_site(session, Party.of_company(company.id), "Werkplaats", "Straat 1", "0000")
    assert refused.value.field == "postcode"
    session.close()
    assert count(scratch_engine, Company) == 0
    assert count(scratch_engine, User, User.email == "eigenaar@aerts.be") == 0


def test_two_services_in_one_unit_store_both_when_both_succeed(scratch_engine: Engine) -> None:
    session = sessionmaker(scratch_engine, expire_on_commit=False)()
    with unit_of_work(session):
        company, _user = companies.register_company(
            session, DETAILS, "eigenaar@aerts.be", "een lang wachtwoord"
        )
        sites.add_site(session, Party.of_company(company.id), "Werkplaats", "Straat 1", "8500")
    session.close()
    assert count(scratch_engine, Company) == 1
    assert count(scratch_engine, Site, Site.postcode == "8500") == 1
    assert count(scratch_engine, User, User.email == "eigenaar@aerts.be") == 1


def test_a_unit_inside_another_joins_it_and_the_outer_one_decides(
    scratch_engine: Engine,
) -> None:
    session = sessionmaker(scratch_engine, expire_on_commit=False)()
    with pytest.raises(RuntimeError), unit_of_work(session):
        with unit_of_work(session):
            companies.register_company(session, DETAILS, "eigenaar@aerts.be", "een lang wachtwoord")
        assert count(scratch_engine, Company) == 0  # the inner unit did not commit
        raise RuntimeError("the outer unit fails after the inner one ended")
    session.close()
    assert count(scratch_engine, Company) == 0


def test_changes_made_outside_a_unit_of_work_are_refused(scratch_engine: Engine) -> None:
    with Session(scratch_engine) as session:
        session.add(Company(kbo_number="0403170701", name="Zonder eenheid"))
        with pytest.raises(OutsideUnitOfWorkError), unit_of_work(session):
            pass


# --- Concurrency on SQLite, the embedded default ----------------------------------------

N_WRITERS = 16
N_REQUESTS = 10


@pytest.fixture
def sqlite_world(tmp_path: Path) -> Iterator[tuple[str, int, str, list[str]]]:
    """A SQLite file with a recognised workplace, its API token and 8 company logins."""
    url = f"sqlite:///{tmp_path / 'concurrent.sqlite3'}"
    engine = make_engine(url)
    upgrade(engine)
    emails = [f"medewerker{i}@aerts.be" for i in range(8)]
    with Session(engine, expire_on_commit=False) as session, unit_of_work(session):
        sync_reference_data(session)
        recognition = factories.recognition(session, n_places=5, n_free_places=1)
        company_id = recognition.site.company_id
        _token, secret = tokens.create_token(session, Party.of_company(company_id), "Planning")
        for email in emails:
            factories.user(
                session,
                Role.COMPANY,
                session.get(Company, company_id),
                email=email,
            )
    engine.dispose()
    yield url, recognition.id, secret, emails


def run_threads(n: int, work: Callable[[int], None]) -> None:
    """Run `work(i)` in n threads released at the same moment."""
    start = threading.Barrier(n)

    def run(i: int) -> None:
        start.wait()  # every thread fires at once
        work(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def test_sixteen_concurrent_writers_on_sqlite_all_succeed(
    sqlite_world: tuple[str, int, str, list[str]],
) -> None:
    url, recognition_id, secret, _emails = sqlite_world
    app = create_app({"SECRET_KEY": "x", "DATABASE_URL": url})
    statuses: Counter[int] = Counter()
    lock = threading.Lock()

    def write(i: int) -> None:
        client = app.test_client()
        for j in range(N_REQUESTS):
            response = client.put(
                f"/api/v1/recognitions/{recognition_id}/availability",
                json={"n_places": 5, "n_free_places": (i + j) % 6},
                headers={"Authorization": f"Bearer {secret}"},
            )
            with lock:
                statuses[response.status_code] += 1

    run_threads(N_WRITERS, write)
    assert statuses == {200: N_WRITERS * N_REQUESTS}
    with app.app_context():
        session = get_db().session()
        recognition = session.get(Recognition, recognition_id)
        assert recognition is not None
        assert recognition.last_confirmed_at is not None
        assert recognition.last_confirmed_at > utcnow() - timedelta(minutes=5)
        get_db().engine.dispose()


def test_eight_simultaneous_correct_logins_on_sqlite_all_succeed(
    sqlite_world: tuple[str, int, str, list[str]],
) -> None:
    url, _recognition_id, _secret, emails = sqlite_world
    app = create_app({"SECRET_KEY": "x", "DATABASE_URL": url})
    app.config["WTF_CSRF_ENABLED"] = False  # each thread logs in with a fresh client
    statuses: Counter[int] = Counter()
    lock = threading.Lock()

    def log_in(i: int) -> None:
        for _ in range(3):
            client = app.test_client()
            response = client.post(
                "/aanmelden", data={"email": emails[i], "password": factories.PASSWORD}
            )
            with lock:
                statuses[response.status_code] += 1

    run_threads(len(emails), log_in)
    assert statuses == {302: 3 * len(emails)}
    with app.app_context():
        get_db().engine.dispose()


@dataclass(frozen=True)
class Parties:
    """A database of its own with a coach's school and its students, a company with a site
    it may remove and a recognised workplace near the school, and their logins."""

    url: str
    coach: str
    company: str
    student_ids: list[int]
    site_id: int
    recognition_id: int


@pytest.fixture
def parties(scratch_url: str) -> Parties:
    url = scratch_url
    engine = make_engine(url)
    with Session(engine, expire_on_commit=False) as session, unit_of_work(session):
        school = factories.school(session)
        factories.user(session, Role.SCHOOL_STAFF, school, email="coach@vti.be")
        students = [
            factories.student(session, school=school, is_ready_for_work=True)
            for _ in range(N_RACES)
        ]
        recognition = factories.recognition(
            session, n_places=2, n_free_places=1, last_confirmed_at=utcnow()
        )
        company = recognition.site.company
        factories.user(session, Role.COMPANY, company, email="planning@aerts.be")
        spare = factories.site(session, owner=company, name="Magazijn")
    engine.dispose()
    ids = [s.id for s in students]
    return Parties(url, "coach@vti.be", "planning@aerts.be", ids, spare.id, recognition.id)


N_RACES = 4


def signed_in(url: str, email: str) -> tuple[Flask, Callable[[], FlaskClient]]:
    """An app on `url` without CSRF checks, and a maker of clients signed in as `email`."""
    app = create_app({"SECRET_KEY": "x", "DATABASE_URL": url})
    app.config["WTF_CSRF_ENABLED"] = False

    def client() -> FlaskClient:
        made = app.test_client()
        answer = made.post("/aanmelden", data={"email": email, "password": factories.PASSWORD})
        assert answer.status_code == 302
        return made

    return app, client


def race(app: Flask, requests: list[tuple[FlaskClient, str, dict[str, str]]]) -> Counter[int]:
    """Send the POSTs at the same moment, each from its own client; count the answers."""
    statuses: Counter[int] = Counter()
    lock = threading.Lock()

    def send(i: int) -> None:
        client, path, form = requests[i]
        status = client.post(path, data=form).status_code
        with lock:
            statuses[status] += 1

    run_threads(len(requests), send)
    with app.app_context():
        get_db().engine.dispose()
    return statuses


def test_a_student_erased_from_four_tabs_at_once_is_erased_once_the_rest_is_404(
    parties: Parties,
) -> None:
    app, client = signed_in(parties.url, parties.coach)
    path = f"/school/leerlingen/{parties.student_ids[0]}/wissen"

    statuses = race(app, [(client(), path, {}) for _ in range(4)])

    assert statuses == {302: 1, 404: 3}


def test_a_site_removed_from_three_tabs_at_once_is_removed_once(
    parties: Parties,
) -> None:
    app, client = signed_in(parties.url, parties.company)
    path = f"/bedrijf/vestigingen/{parties.site_id}/verwijderen"

    statuses = race(app, [(client(), path, {}) for _ in range(3)])

    # The others find it gone (404), or, when they found it before, removed meanwhile.
    assert statuses[302] == 1 and set(statuses) <= {302, 404, 409}, statuses


def test_a_proposal_racing_the_erasure_of_its_student_is_made_or_refused_never_a_500(
    parties: Parties,
) -> None:
    app, client = signed_in(parties.url, parties.coach)
    today = today_in_belgium()
    slot = datetime.combine(add_working_days(today, 3), time(10)).strftime("%Y-%m-%dT%H:%M")
    proposal = {
        "slot_1": slot,
        "location": "school",
        "respond_by": add_working_days(today, 2).isoformat(),
    }
    requests = []
    for student_id in parties.student_ids:
        requests.append((client(), f"/school/leerlingen/{student_id}/wissen", {}))
        path = f"/school/leerlingen/{student_id}/voorstellen/{parties.recognition_id}"
        requests.append((client(), path, proposal))

    statuses = race(app, requests)

    assert set(statuses) <= {302, 400, 404}, statuses
    engine = make_engine(parties.url)
    assert count(engine, Student) == 0
    engine.dispose()


def test_a_site_added_from_three_tabs_at_once_is_added_once(parties: Parties) -> None:
    app, client = signed_in(parties.url, parties.company)
    form = {"name": "Atelier Noord", "street": "Noordlaan 3", "postcode": "8520"}

    statuses = race(app, [(client(), "/bedrijf/vestigingen/nieuw", form) for _ in range(3)])

    assert statuses == {302: 3}  # each tab goes on to the dashboard, as after one press
    engine = make_engine(parties.url)
    assert count(engine, Site, Site.name == "Atelier Noord") == 1
    engine.dispose()
