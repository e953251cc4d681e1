"""The database session of a Flask app, and the `flask db` commands."""

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import Engine
from sqlalchemy.orm import Session, scoped_session, sessionmaker

from models.database import downgrade, make_engine, upgrade

EXTENSION_KEY = "duaal_db"


class Database:
    """An engine and the scoped session handed out to requests and commands."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.session_factory = sessionmaker(bind=engine, expire_on_commit=False)
        self.session = scoped_session(self.session_factory)


def init_app(app: Flask) -> None:
    """Give the app its engine, close each session at teardown, register `flask db`."""
    url: str = app.config["DATABASE_URL"]
    if url.startswith("sqlite:///") and ":memory:" not in url:
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    database = Database(make_engine(url, pool_pre_ping=True))
    app.extensions[EXTENSION_KEY] = database
    app.teardown_appcontext(lambda _exc: database.session.remove())
    app.cli.add_command(db_commands)


def get_db() -> Database:
    """Return the current app's database."""
    database: Database = current_app.extensions[EXTENSION_KEY]
    return database


def get_session() -> Session:
    """Return the session of the current request or command."""
    return get_db().session()


db_commands = AppGroup("db", help="Migrate the database schema.")


@db_commands.command("upgrade")
@click.argument("revision", default="head")
def upgrade_command(revision: str) -> None:
    """Migrate up to REVISION (default: the latest)."""
    upgrade(get_db().engine, revision)
    click.echo(f"Database migrated to {revision}.")


@db_commands.command("downgrade")
@click.argument("revision")
def downgrade_command(revision: str) -> None:
    """Migrate down to REVISION ("base" removes every table)."""
    downgrade(get_db().engine, revision)
    click.echo(f"Database migrated down to {revision}.")
