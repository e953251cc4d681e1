"""The database session of a Flask app, its units of work, and the `flask db` commands.

Views, CLI commands and jobs own the transaction: services only flush, and the caller
runs them inside `unit_of_work()`, which commits them all or none.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from flask import Flask, current_app, has_request_context
from flask.cli import AppGroup
from sqlalchemy import Connection, Engine, event
from sqlalchemy.orm import Session, scoped_session, sessionmaker

from models import database
from models.database import downgrade, make_engine, ping_when_idle, upgrade
from web.config import settings_of

EXTENSION_KEY = "duaal_db"
# A pooled connection unused this long is pinged before use (`ping_when_idle`): under
# load connections come back within milliseconds; a restart takes longer than this.
PING_AFTER_IDLE_SECONDS = 1.0


class Database:
    """An engine and the scoped session handed out to requests and commands."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.session_factory = sessionmaker(bind=engine, expire_on_commit=False)
        database.guard_units_of_work(self.session_factory)
        self.session = scoped_session(self.session_factory)


def init_app(app: Flask) -> None:
    """Give the app its engine, close each session at teardown, register `flask db`."""
    settings = settings_of(app)
    url = settings.database_url
    if url.startswith("sqlite:///") and ":memory:" not in url:
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    timeout_s = settings.database_timeout_seconds
    engine = make_engine(url, timeout_s=timeout_s, statement_limit_s=timeout_s)
    if engine.dialect.name != "sqlite":  # a SQLite file has no server to lose
        ping_when_idle(engine, PING_AFTER_IDLE_SECONDS)
    if engine.dialect.name == "postgresql":

        def lift_statement_limit(connection: Connection) -> None:
            # A page must not wait on a slow statement: every connection has the limit
            # (not set per transaction: a round trip more for every page). Jobs,
            # commands and the search index's background builds (no request) may take
            # their time.
            if not has_request_context():
                connection.exec_driver_sql("SET LOCAL statement_timeout = 0")

        event.listen(engine, "begin", lift_statement_limit)
    database = Database(engine)
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


@contextmanager
def unit_of_work(session: Session | None = None) -> Iterator[Session]:
    """Run a block as one transaction (the request's or command's session by default):
    it commits when the block ends and rolls back if it raises (models.database)."""
    with database.unit_of_work(session if session is not None else get_session()) as active:
        yield active


@contextmanager
def single_read() -> Iterator[Connection]:
    """A connection of its own for a read of one statement, outside the request's
    transaction: one statement reads a consistent state by itself. On PostgreSQL it runs
    in autocommit, which saves the BEGIN and ROLLBACK round trips, two of a public
    page's three. On SQLite it skips the BEGIN that `models.database` issues (SQLAlchemy's
    own autocommit would undo the transaction control set up there). Where the sessions
    are bound to one connection (a test's transaction), it is that one."""
    bind = get_db().session_factory.kw["bind"]
    if isinstance(bind, Connection):
        yield bind
        return
    connection = bind.connect()
    if bind.dialect.name == "postgresql":
        connection = connection.execution_options(isolation_level="AUTOCOMMIT")
    else:
        connection = connection.execution_options(**{database.ONE_STATEMENT: True})
    with connection:
        yield connection


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
