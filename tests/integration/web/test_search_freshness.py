"""A change reaches every process's search: by its rows alone when the change log can
say which, and exactly as a full build would rank them."""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection, delete, event, select, text, update
from sqlalchemy.orm import Session

from matcher import IntakePreferences, SearchEngine, SearchQuery, StudentWishes
from models import Company, Programme, Recognition, Site
from models.base import today_in_belgium
from models.enums import RecognitionStatus
from models.versioning import read_data_version
from models.workplaces import available_on
from tests import factories
from tests.unit.matcher.test_search_updates import seen
from web import create_app
from web.db import get_db, get_session
from web.services.search import Origin, build_index_state, find_workplace
from web.services.search_index import IndexState, update_index_state
from web.services.workplace_columns import load_snapshot
from web.settings import SearchSettings

# Places in and around Kortrijk: (postcode, lat, lon)
PLACES = (("8500", 50.828, 3.265), ("8500", 50.81, 3.29), ("8510", 50.8, 3.3))
NOW = datetime.now(UTC)


def make_app(url: str) -> Flask:
    return create_app(
        {
            "DUAAL_ENV": "test",
            "SECRET_KEY": "x",
            "DATABASE_URL": url,
            "SEARCH_BACKGROUND_REBUILD": False,
            "SEARCH_VERSION_CHECK_SECONDS": 0.0,
        }
    )


def test_a_change_in_one_process_shows_in_another(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    first, second = make_app(url), make_app(url)
    runner = first.test_cli_runner()
    for args in (
        ["db", "upgrade"],
        ["load-reference"],
        ["seed-demo", "--sites", "200", "--students", "0", "--seed", "3"],
    ):
        assert runner.invoke(args=args).exit_code == 0
    query = "/api/v1/search?programme={}&lat=51.0&lon=4.0&radius_km=200&limit=100"
    with first.app_context():
        recognition = (
            get_session().query(Recognition).filter(available_on(today_in_belgium())).first()
        )
        assert recognition is not None
        code = recognition.programme.code
        rid = recognition.id
    caplog.set_level(logging.DEBUG, logger="web.services.search_index")
    before = second.test_client().get(query.format(code)).get_json()
    assert rid in [r["recognition_id"] for r in before["results"]]
    with first.app_context():
        session = get_session()
        full = session.get(Recognition, rid)
        assert full is not None
        full.n_free_places = 0
        session.commit()
    after = second.test_client().get(query.format(code)).get_json()
    assert rid not in [r["recognition_id"] for r in after["results"]]
    assert after["total"] == before["total"] - 1
    # The second process built once, then applied the change by its row.
    messages = [r.getMessage() for r in caplog.records]
    assert sum("built anew" in m for m in messages) == 1
    assert any("updated to data version" in m for m in messages)
    for app in (first, second):
        with app.app_context():
            get_db().engine.dispose()


# -- an updated index ranks as a full build does -----------------------------------------


def full_state(session: Session) -> IndexState:
    return IndexState(
        read_data_version(session), SearchSettings().new_engine().fit(load_snapshot(session)), {}
    )


def same_answers(session: Session, updated: IndexState, codes: list[str]) -> None:
    fresh = full_state(session)
    assert updated.version == fresh.version
    for code in codes:
        for _postcode, lat, lon in PLACES[:2]:
            for only_available in (True, False):
                query = SearchQuery(
                    programme=code,
                    lat=lat,
                    lon=lon,
                    day=today_in_belgium(),
                    radius_km=40.0,
                    only_available=only_available,
                    limit=100,
                )
                assert seen(updated.engine, updated.engine.search(query)) == seen(
                    fresh.engine, fresh.engine.search(query)
                )


class World:
    """A few companies, sites and recognitions, changed at random by plain SQL."""

    def __init__(self, session: Session, codes: list[str]) -> None:
        self.session = session
        self.codes = codes
        self.programmes = {code: factories.programme(session, code) for code in codes}

    def recognition_ids(self) -> list[int]:
        return list(self.session.scalars(select(Recognition.id).order_by(Recognition.id)))

    def add_company(self, data: st.DataObject) -> None:
        company = factories.company(
            self.session, n_employees=data.draw(st.sampled_from([None, 4, 30, 120]))
        )
        postcode, lat, lon = data.draw(st.sampled_from(PLACES))
        site = factories.site(self.session, company, postcode=postcode, lat=lat, lon=lon)
        for code in data.draw(st.sets(st.sampled_from(self.codes), min_size=1)):
            factories.recognition(
                self.session,
                site,
                programme=self.programmes[code],
                last_confirmed_at=NOW - timedelta(days=data.draw(st.integers(0, 400))),
            )

    def change(self, data: st.DataObject) -> None:
        """One random change of one row, of any kind a writer makes."""
        ids = self.recognition_ids()
        if not ids:
            self.add_company(data)
            return
        rid = data.draw(st.sampled_from(ids))
        row = Recognition.id == rid
        site_id = self.session.scalar(select(Recognition.site_id).where(row))
        company_id = self.session.scalar(select(Site.company_id).where(Site.id == site_id))
        kind = data.draw(
            st.sampled_from(
                (
                    "places",
                    "confirm",
                    "status",
                    "expiry",
                    "preferences",
                    "delete",
                    "rename",
                    "size",
                    "move",
                    "new",
                    "programme",
                )
            )
        )
        session = self.session
        if kind == "places":
            n_places = data.draw(st.integers(0, 3))
            session.execute(
                update(Recognition)
                .where(row)
                .values(
                    n_places=n_places,
                    n_free_places=data.draw(st.integers(0, n_places)),
                    available_from=data.draw(
                        st.sampled_from([None, today_in_belgium() + timedelta(days=30)])
                    ),
                )
            )
        elif kind == "confirm":
            session.execute(update(Recognition).where(row).values(last_confirmed_at=NOW))
        elif kind == "status":
            status = data.draw(st.sampled_from(list(RecognitionStatus)[1:]))
            session.execute(update(Recognition).where(row).values(status=status))
        elif kind == "expiry":
            days = data.draw(st.sampled_from([-1, 0, 1, 400]))
            session.execute(
                update(Recognition)
                .where(row)
                .values(valid_until=today_in_belgium() + timedelta(days=days))
            )
        elif kind == "preferences":
            prefs = IntakePreferences(
                min_age=data.draw(st.sampled_from([None, 16, 18])),
                languages=data.draw(st.sampled_from([frozenset(), frozenset({"nl"})])),
            )
            session.execute(update(Recognition).where(row).values(intake_preferences=prefs))
        elif kind == "delete":
            session.execute(delete(Recognition).where(row))
        elif kind == "rename":
            name = data.draw(st.sampled_from(["Bakkerij Één", "bakkerij een", "Zeta Bouw"]))
            session.execute(update(Company).where(Company.id == company_id).values(name=name))
        elif kind == "size":
            session.execute(update(Company).where(Company.id == company_id).values(n_employees=9))
        elif kind == "move":
            postcode, lat, lon = data.draw(st.sampled_from(PLACES))
            session.execute(
                update(Site).where(Site.id == site_id).values(postcode=postcode, lat=lat, lon=lon)
            )
        elif kind == "programme":
            code = data.draw(st.sampled_from(self.codes))
            taken = session.scalar(
                select(Recognition.id).where(
                    Recognition.site_id == site_id,
                    Recognition.programme_id == self.programmes[code].id,
                )
            )
            if taken is None:
                session.execute(
                    update(Recognition).where(row).values(programme_id=self.programmes[code].id)
                )
        else:
            self.add_company(data)
        session.flush()


@pytest.fixture
def codes(session: Session) -> list[str]:
    return list(session.scalars(select(Programme.code).order_by(Programme.code).limit(3)))


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=25)
@given(data=st.data())
def test_an_index_updated_row_by_row_answers_as_a_full_build(
    session: Session, codes: list[str], data: st.DataObject
) -> None:
    savepoint = session.begin_nested()
    try:
        world = World(session, codes)
        for _ in range(data.draw(st.integers(1, 4))):
            world.add_company(data)
        state = full_state(session)
        for _ in range(data.draw(st.integers(1, 4))):
            for _ in range(data.draw(st.integers(1, 3))):
                world.change(data)
            updated = update_index_state(session, state, read_data_version(session))
            assert updated is not None
            same_answers(session, updated, codes)
            state = updated
    finally:
        savepoint.rollback()


def test_a_change_the_log_did_not_record_calls_for_a_full_build(session: Session) -> None:
    factories.recognition(session)
    state = full_state(session)
    # A writer the triggers did not see: the version moved, no rows were named.
    session.execute(text("UPDATE data_version SET version = version + 1 WHERE id = 1"))
    assert update_index_state(session, state, read_data_version(session)) is None


def test_a_gap_the_log_no_longer_bridges_calls_for_a_full_build(session: Session) -> None:
    state = full_state(session)
    recognition = factories.recognition(session)
    session.execute(text("DELETE FROM data_changes"))  # as if pruned
    recognition.n_free_places = 0
    session.flush()
    assert update_index_state(session, state, read_data_version(session)) is None


def test_a_change_to_reference_data_calls_for_a_full_build(session: Session) -> None:
    state = full_state(session)
    programme = factories.programme(session)
    session.execute(update(Programme).where(Programme.id == programme.id).values(name="Kapper"))
    assert update_index_state(session, state, read_data_version(session)) is None


# -- a workplace's page reads the index only where it holds what the database does ------


class IndexOnly(SearchSettings):
    """Settings that fit no engine: a workplace found through a current index needs none."""

    def new_engine(self) -> SearchEngine:
        raise AssertionError("fitted an engine although the index is at the data version")


def details(
    session: Session, state: IndexState | None, settings: SearchSettings, statements: int
) -> list[Any]:
    """Every workplace's detail, without an origin and from Kortrijk with wishes, each
    read with `statements` statements at most."""
    day = today_in_belgium()
    postcode, lat, lon = PLACES[0]
    kortrijk = Origin(postcode, "Kortrijk", lat, lon)
    wishes = StudentWishes(age=16, languages=frozenset({"nl"}), company_size="klein")
    asked = (
        (SearchQuery(programme="", lat=0.0, lon=0.0, day=day), None),
        (SearchQuery(programme="", lat=lat, lon=lon, day=day, wishes=wishes), kortrijk),
    )
    connection = session.connection()
    ids = session.scalars(select(Recognition.id).order_by(Recognition.id)).all()
    found = []
    for rid in ids:
        for query, origin in asked:
            with counted(connection) as executed:
                found.append(find_workplace(connection, rid, query, origin, settings, day, state))
            assert len(executed) <= statements, executed
    return found


@contextmanager
def counted(connection: Connection) -> Iterator[list[str]]:
    """The statements run on `connection` within the block."""
    executed: list[str] = []

    def note(*args: object) -> None:
        executed.append(str(args[2]))

    event.listen(connection, "before_cursor_execute", note)
    try:
        yield executed
    finally:
        event.remove(connection, "before_cursor_execute", note)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=15)
@given(data=st.data())
def test_a_workplace_is_explained_by_a_current_index_as_by_its_row_alone(
    session: Session, codes: list[str], data: st.DataObject
) -> None:
    savepoint = session.begin_nested()
    try:
        world = World(session, codes)
        for _ in range(data.draw(st.integers(1, 3))):
            world.add_company(data)
        alone = SearchSettings()
        state = build_index_state(session, read_data_version(session), SearchSettings())
        # A current index explains every workplace: one statement reads the rest.
        assert details(session, state, IndexOnly(), 1) == details(session, None, alone, 2)
        for _ in range(data.draw(st.integers(1, 3))):
            world.change(data)
        # The index is behind the database: each workplace is read and explained anew.
        assert details(session, state, alone, 2) == details(session, None, alone, 2)
        updated = update_index_state(session, state, read_data_version(session))
        assert updated is not None
        assert details(session, updated, IndexOnly(), 1) == details(session, None, alone, 2)
    finally:
        savepoint.rollback()
