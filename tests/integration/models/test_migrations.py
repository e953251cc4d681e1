"""Migrations build the models' schema from an empty database, and come down again."""

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect

from models import Base
from models.database import downgrade, make_engine, upgrade
from tests.conftest import BACKENDS, drop_scratch_database, fresh_database_url


@pytest.fixture(params=BACKENDS)
def empty_engines(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[Engine, Engine]]:
    """Two empty databases of one backend: one for the migrations, one for create_all."""
    names = [f"test_migrations_{uuid.uuid4().hex[:8]}" for _ in range(2)]
    engines = [make_engine(fresh_database_url(request.param, tmp_path, n)) for n in names]
    yield engines[0], engines[1]
    for engine, name in zip(engines, names, strict=True):
        engine.dispose()
        if request.param == "postgresql":
            drop_scratch_database(name)


def check_constraints(engine: Engine) -> dict[str, set[str | None]]:
    inspector = inspect(engine)
    return {
        table: {c["name"] for c in inspector.get_check_constraints(table)}
        for table in inspector.get_table_names()
        if table != "alembic_version"
    }


def test_upgrade_from_empty_matches_the_models_and_downgrade_empties(
    empty_engines: tuple[Engine, Engine],
) -> None:
    migrated, created = empty_engines
    upgrade(migrated)
    with migrated.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
    # Autogenerate does not compare CHECK constraints: compare them with create_all's.
    Base.metadata.create_all(created)
    assert check_constraints(migrated) == check_constraints(created)
    downgrade(migrated, "base")
    assert set(inspect(migrated).get_table_names()) <= {"alembic_version"}
    upgrade(migrated)
