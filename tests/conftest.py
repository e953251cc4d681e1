"""Fixtures shared by every tier: a migrated database per backend, a rolled-back
session per test, and an app bound to that session."""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, settings
from sqlalchemy import Connection, Engine, make_url, text
from sqlalchemy.orm import Session

from models.database import make_engine, upgrade
from models.reference_data import sync_reference_data
from web import create_app
from web.db import get_db

settings.register_profile("quick", max_examples=50, deadline=None)
settings.register_profile(
    "ci", max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("ci" if os.environ.get("CI") else "quick")

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")

BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param(
        "postgresql",
        id="postgresql",
        marks=[
            pytest.mark.postgres,
            pytest.mark.skipif(not TEST_DATABASE_URL, reason="TEST_DATABASE_URL is not set"),
        ],
    ),
]


def reset_postgres(url: str) -> None:
    """Empty the PostgreSQL test database, whatever an earlier run left in it."""
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def fresh_database_url(backend: str, directory: Path, name: str = "test") -> str:
    """Return the URL of an empty database of the given backend.

    On PostgreSQL, "test" is TEST_DATABASE_URL's own database, emptied; any other name
    is a scratch database beside it, created anew (so a test can migrate it freely).
    """
    if backend == "sqlite":
        return f"sqlite:///{directory / f'{name}.sqlite3'}"
    assert TEST_DATABASE_URL
    if name == "test":
        reset_postgres(TEST_DATABASE_URL)
        return TEST_DATABASE_URL
    admin = make_engine(TEST_DATABASE_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return str(make_url(TEST_DATABASE_URL).set(database=name))


def drop_scratch_database(name: str) -> None:
    """Remove a scratch database made by `fresh_database_url`."""
    assert TEST_DATABASE_URL
    admin = make_engine(TEST_DATABASE_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated database with the reference data loaded, once per backend."""
    url = fresh_database_url(request.param, tmp_path_factory.mktemp(request.param))
    engine = make_engine(url)
    upgrade(engine)
    with Session(engine) as session:
        sync_reference_data(session)
        session.commit()
    engine.dispose()
    return url


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    """A connection inside a transaction that is rolled back after the test."""
    with engine.connect() as conn:
        transaction = conn.begin()
        yield conn
        transaction.rollback()


@pytest.fixture
def session(connection: Connection) -> Iterator[Session]:
    """A session whose commits only release savepoints of the test's transaction."""
    with Session(bind=connection, join_transaction_mode="create_savepoint") as session:
        yield session


@contextmanager
def app_bound_to(database_url: str, connection: Connection, **settings: Any) -> Iterator[Flask]:
    """An app whose requests and commands share the test's transaction; `settings` add
    to (or replace) the test settings."""
    app = create_app(
        {
            "DUAAL_ENV": "test",
            "TESTING": True,
            "SECRET_KEY": "test",
            "DATABASE_URL": database_url,
            # Requests share the test's connection: rebuild in-line, and look every time.
            "SEARCH_BACKGROUND_REBUILD": False,
            "SEARCH_VERSION_CHECK_SECONDS": 0.0,
            **settings,
        }
    )
    with app.app_context():
        get_db().session_factory.configure(
            bind=connection, join_transaction_mode="create_savepoint"
        )
    try:
        yield app
    finally:
        with app.app_context():
            get_db().engine.dispose()


@pytest.fixture
def app(database_url: str, connection: Connection) -> Iterator[Flask]:
    """The app, its requests and commands sharing the test's transaction."""
    with app_bound_to(database_url, connection) as app:
        yield app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()
