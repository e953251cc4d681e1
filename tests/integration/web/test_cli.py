"""The CLI commands, run as a developer would, inside the test's transaction."""

from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import (
    Agreement,
    Announcement,
    Company,
    Intake,
    IntakeSlot,
    Mentor,
    OutboxMessage,
    Programme,
    Recognition,
    School,
    Site,
    Student,
    StudentInterest,
    TrainingClockWarning,
)
from models.base import today_in_belgium
from models.enums import RecognitionStatus
from models.rules import normalize_kbo
from models.workplaces import available_on
from web import create_app
from web.db import get_db, get_session


def run(app: Flask, *args: str) -> str:
    result = app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_load_reference_is_safe_to_repeat(app: Flask) -> None:
    output = run(app, "load-reference")
    assert "Programmes: 0 added, 0 updated. Postcodes: 0 added, 0 updated." in output


def test_seed_demo_builds_a_realistic_flanders(app: Flask) -> None:
    output = run(app, "seed-demo", "--sites", "300", "--students", "60", "--seed", "7")
    assert "Demo loaded: 250 companies, 300 sites" in output
    with app.app_context():
        session = get_session()
        assert session.scalar(select(func.count()).select_from(Site)) == 300
        assert session.scalar(select(func.count()).select_from(Student)) == 60
        assert session.scalar(select(func.count()).select_from(School)) == 3
        statuses = set(session.scalars(select(Recognition.status).distinct()))
        assert RecognitionStatus.RECOGNISED in statuses and len(statuses) >= 3
        n_recognitions = session.scalar(select(func.count()).select_from(Recognition))
        assert 2.0 <= n_recognitions / 250 <= 5.0
        assert all(normalize_kbo(k) == k for k in session.scalars(select(Company.kbo_number)))
        # Some places free, some full, on the day the demo was built around (today).
        free = session.scalar(
            select(func.count()).select_from(Recognition).where(available_on(today_in_belgium()))
        )
        assert 0 < free < n_recognitions
        # Sites are in Flanders or Brussels, and recognitions fit their company's sector.
        regions = set(
            session.scalars(select(Site.place.property.mapper.class_.region).join(Site.place))
        )
        assert regions <= {"flanders", "brussels"}
        sectors_per_company = session.execute(
            select(Site.company_id, func.count(func.distinct(Programme.sector)))
            .join(Recognition, Recognition.site_id == Site.id)
            .join(Programme, Programme.id == Recognition.programme_id)
            .group_by(Site.company_id)
        ).all()
        assert all(n == 1 for _, n in sectors_per_company)


def test_seed_demo_refuses_a_database_with_data_unless_if_empty(app: Flask) -> None:
    run(app, "seed-demo", "--sites", "10", "--students", "0")
    result = app.test_cli_runner().invoke(args=["seed-demo", "--sites", "10"])
    assert result.exit_code != 0
    assert "already holds companies" in result.output
    assert "not loaded" in run(app, "seed-demo", "--sites", "10", "--if-empty")


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["--sites", "0"], "--sites"),
        (["--seed", "-1"], "--seed"),
        (["--today", "gisteren"], "--today"),
    ],
)
def test_seed_demo_rejects_bad_options(app: Flask, args: list[str], option: str) -> None:
    result = app.test_cli_runner().invoke(args=["seed-demo", *args])
    assert result.exit_code == 2
    assert option in result.output


def test_seed_demo_needs_the_reference_data_first(tmp_path: Path) -> None:
    app = create_app(
        {
            "DUAAL_ENV": "test",
            "SECRET_KEY": "x",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
        }
    )
    run(app, "db", "upgrade")
    result = app.test_cli_runner().invoke(args=["seed-demo", "--sites", "5"])
    assert result.exit_code == 1
    assert "load-reference" in result.output


# What the demo's school side writes (web/demo/school_side.py), its past included.
SCHOOL_SIDE = (
    Intake,
    IntakeSlot,
    Agreement,
    Announcement,
    StudentInterest,
    TrainingClockWarning,
    OutboxMessage,
)


def _demo_fingerprint(tmp_path: Path, name: str, seed: int) -> list[tuple[object, ...]]:
    app = create_app(
        {"DUAAL_ENV": "test", "SECRET_KEY": "x", "DATABASE_URL": f"sqlite:///{tmp_path / name}"}
    )
    run(app, "db", "upgrade")
    run(app, "load-reference")
    run(
        app,
        "seed-demo",
        "--sites",
        "40",
        "--students",
        "30",
        "--seed",
        str(seed),
        "--today",
        "2026-09-01",
    )
    rows: list[tuple[object, ...]] = []
    with app.app_context():
        session: Session = get_session()
        for model in (Company, Site, Recognition, Mentor, School, Student, *SCHOOL_SIDE):
            table = model.__table__
            columns = [
                c for c in table.columns if c.name != "updated_at" or model in (Recognition, Intake)
            ]
            rows.extend(
                tuple(r)
                for r in session.execute(select(*columns).order_by(*table.primary_key.columns))
            )
        get_db().engine.dispose()
    return rows


@pytest.mark.slow
def test_the_same_seed_gives_the_same_demo(tmp_path: Path) -> None:
    first = _demo_fingerprint(tmp_path, "a.sqlite3", 11)
    assert first == _demo_fingerprint(tmp_path, "b.sqlite3", 11)
    assert first != _demo_fingerprint(tmp_path, "c.sqlite3", 12)


def test_db_upgrade_and_downgrade_from_the_cli(tmp_path: Path) -> None:
    app = create_app(
        {
            "DUAAL_ENV": "test",
            "SECRET_KEY": "x",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
        }
    )
    assert "migrated to head" in run(app, "db", "upgrade")
    assert "down to base" in run(app, "db", "downgrade", "base")
