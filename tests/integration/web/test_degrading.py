"""Faults degrade gently: a database that refuses, hangs or is locked gives a 503 with
Retry-After (JSON under /api), pages that need no database go on answering, the health
routes say what load balancers need, statement parameters stay out of logs, and every
answer carries the headers that keep pages to themselves."""

import logging
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from psycopg.pq import TransactionStatus
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from models.database import make_engine, upgrade
from models.enums import Role
from models.reference_data import sync_reference_data
from tests import factories
from tests.clients import login, post
from web import create_app
from web.db import get_db, get_session, single_read, unit_of_work
from web.logs import redact
from web.resources import get_search_index
from web.services.search_index import IndexNotReadyError, IndexState, SearchIndex
from web.services.workplace_columns import load_workplace_columns
from web.settings import SearchSettings


@pytest.fixture
def hanging_server() -> Iterator[int]:
    """A port that accepts connections and never says a word."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join()
    for connection in accepted:
        connection.close()
    listener.close()


IDLE, INTRANS = TransactionStatus.IDLE, TransactionStatus.INTRANS


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def app_on(url: str, **settings: object) -> Flask:
    return create_app(
        {"SECRET_KEY": "x", "DATABASE_URL": url, "DATABASE_TIMEOUT_SECONDS": 2, **settings}
    )


def answered_within(client: FlaskClient, path: str, seconds: float = 30.0) -> int:
    """The status of a request that must come back at all (a hang would never)."""
    statuses: list[int] = []
    thread = threading.Thread(target=lambda: statuses.append(client.get(path).status_code))
    thread.start()
    thread.join(seconds)
    assert statuses, f"{path} did not answer"
    return statuses[0]


@pytest.mark.parametrize("kind", ["refusing", "hanging"])
def test_a_database_that_fails_gives_a_503_and_the_rest_answers(
    kind: str, hanging_server: int
) -> None:
    port = hanging_server if kind == "hanging" else closed_port()
    app = app_on(f"postgresql://nobody@127.0.0.1:{port}/duaal")
    client = app.test_client()
    page = client.get("/zoeken?programme=elektrotechnieken-duaal&postcode=8500&radius_km=15")
    assert page.status_code == 503
    assert page.headers["Retry-After"] == "30"
    assert "Even geduld" in page.get_data(as_text=True)
    api = client.get("/api/v1/programmes")
    assert api.status_code == 503
    assert api.headers["Retry-After"] == "30"
    assert api.get_json()["error"]["code"] == "unavailable"
    assert answered_within(client, "/healthz") == 200
    assert answered_within(client, "/aanmelden") == 200
    assert answered_within(client, "/readyz") == 503
    with app.app_context():
        get_db().engine.dispose()


def test_readyz_is_ready_once_the_database_answers_and_the_index_is_built(app: Flask) -> None:
    answer = app.test_client().get("/readyz")
    assert answer.status_code == 200
    assert answer.get_json()["status"] == "ready"


@pytest.fixture
def limited_app(database_url: str) -> Iterator[Flask]:
    """An app on PostgreSQL whose pages' statements are cut short after 0.5 s."""
    if not database_url.startswith("postgresql"):
        pytest.skip("statement limits and autocommit reads are PostgreSQL's")
    app = app_on(database_url, DATABASE_TIMEOUT_SECONDS=0.5)
    yield app
    with app.app_context():
        get_db().engine.dispose()


def test_the_first_index_build_is_not_cut_short_by_a_page_statement_limit(
    limited_app: Flask,
) -> None:
    def slow_build(session: Session, version: int) -> IndexState:
        session.execute(text("SELECT pg_sleep(1)"))  # longer than a page's statements may run
        return IndexState(version, SearchSettings().new_engine(), {})

    with limited_app.test_request_context("/zoeken"):
        index = SearchIndex(
            build=slow_build, session_factory=get_db().session_factory, background=True
        )
        assert index.current().version >= 0
        with pytest.raises(OperationalError, match="statement timeout"):
            get_session().execute(text("SELECT pg_sleep(1)"))  # a page's own statement is cut


def test_a_single_read_leaves_no_transaction_and_keeps_the_statement_limit(
    limited_app: Flask,
) -> None:
    with limited_app.test_request_context("/werkplekken/1"):
        with single_read() as connection:
            assert connection.execute(text("SELECT 1")).scalar_one() == 1
            # Nothing open on the server: no BEGIN was sent, no ROLLBACK will be.
            assert connection.connection.driver_connection.info.transaction_status == IDLE
            with pytest.raises(OperationalError, match="statement timeout"):
                connection.execute(text("SELECT pg_sleep(1)"))
        # The request's own session still works in a transaction, on a pooled connection
        # given back as it was.
        session = get_session()
        session.execute(text("SELECT 1"))
        assert session.connection().connection.driver_connection.info.transaction_status == INTRANS


def test_a_single_read_on_sqlite_begins_no_transaction(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'single.sqlite3'}"
    upgrade(make_engine(url))
    app = app_on(url)
    with app.test_request_context("/werkplekken/1"):
        with single_read() as connection:
            assert connection.execute(text("SELECT 1")).scalar_one() == 1
            assert not connection.connection.driver_connection.in_transaction
        # The request's own session still reads in a transaction.
        session = get_session()
        session.execute(text("SELECT 1"))
        assert session.connection().connection.driver_connection.in_transaction
    with app.app_context():
        get_db().engine.dispose()


def test_a_bulk_read_that_fails_in_the_driver_is_a_database_error(
    tmp_path: Path,
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'broken.sqlite3'}")
    upgrade(engine)
    with Session(engine) as session:
        session.execute(text("ALTER TABLE companies RENAME TO gone"))
        with pytest.raises(OperationalError):  # a 503 for pages, as any database fault
            load_workplace_columns(session)
    engine.dispose()


def test_searches_answer_503_while_the_index_is_first_built(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def not_ready() -> IndexState:
        raise IndexNotReadyError

    with app.app_context():
        monkeypatch.setattr(get_search_index(), "current", not_ready)
    api = client.get("/api/v1/search?programme=elektrotechnieken-duaal&postcode=8500")
    assert api.status_code == 503 and api.headers["Retry-After"] == "30"
    assert api.get_json()["error"]["code"] == "unavailable"
    page = client.get("/zoeken?programme=elektrotechnieken-duaal&postcode=8500&radius_km=15")
    assert page.status_code == 503 and "Even geduld" in page.get_data(as_text=True)
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.get_json()["search_index"] == "being built"


def test_a_locked_sqlite_database_gives_a_503_after_the_timeout(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'locked.sqlite3'}"
    engine = make_engine(url)
    upgrade(engine)
    with Session(engine, expire_on_commit=False) as session, unit_of_work(session):
        sync_reference_data(session)
        user = factories.user(session, Role.COMPANY)
    app = app_on(url, DATABASE_TIMEOUT_SECONDS=0.5)
    client = app.test_client()
    login(client, user)
    holder = engine.raw_connection()
    holder.driver_connection.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    try:
        answer = post(client, "/bedrijf/sleutels", {"name": "x"})
        assert answer.status_code == 503
        assert answer.headers["Retry-After"] == "30"
    finally:
        holder.driver_connection.execute("ROLLBACK")
        holder.close()
        engine.dispose()
        with app.app_context():
            get_db().engine.dispose()


def test_statement_parameters_stay_out_of_errors_and_logs(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    address = "geheim.adres@example.be"
    with app.app_context(), pytest.raises(IntegrityError) as failed, unit_of_work() as db:
        db.execute(
            text(
                "INSERT INTO users (email, role, is_active, created_at) "
                "VALUES (:e, 'x', true, CURRENT_TIMESTAMP)"
            ),
            {"e": address},
        )
    # PostgreSQL writes the failing row back into the error: it must not reach a log.
    with caplog.at_level(logging.ERROR):
        logging.getLogger("web").exception("failed: %s", failed.value, exc_info=failed.value)
    assert "failed" in caplog.text
    assert address not in caplog.text


PAGES = ["/", "/aanmelden", "/api/v1/programmes", "/healthz", "/bestaat-niet"]


@pytest.mark.parametrize("path", PAGES)
def test_every_answer_keeps_the_page_to_itself(client: FlaskClient, path: str) -> None:
    headers = client.get(path).headers
    policy = headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert "camera=()" in headers["Permissions-Policy"]
    assert "Strict-Transport-Security" not in headers  # not in development and tests


def test_production_asks_for_https_and_secure_cookies(database_url: str) -> None:
    app = create_app({"DUAAL_ENV": "production", "SECRET_KEY": "x", "DATABASE_URL": database_url})
    client = app.test_client()
    answer = client.get("/aanmelden?lang=en")
    assert answer.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    cookies = answer.headers.getlist("Set-Cookie")
    assert cookies and all("Secure" in cookie for cookie in cookies)
    with app.app_context():
        get_db().engine.dispose()


@pytest.mark.parametrize(
    "said",
    [
        'duplicate key value violates unique constraint "uq_users_email"\n'
        "DETAIL:  Key (email)=(an@example.be) already exists.",
        "Key (email)=(an@example.be) already exists",
        "Failing row contains (7, an@example.be, null, x).",
    ],
)
def test_what_a_database_writes_back_about_a_row_is_cut_out(said: str) -> None:
    assert "an@example.be" not in redact(said)
