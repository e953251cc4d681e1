"""Engines for the two supported databases, units of work, and migrations run from code."""

import math
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event, exc
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def normalize_url(url: str) -> str:
    """Accept the usual spellings of a database URL and pick the psycopg 3 driver."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def make_engine(
    url: str, timeout_s: float = 5.0, statement_limit_s: float | None = None, **kwargs: Any
) -> Engine:
    """Create an engine that waits at most `timeout_s` to connect, for a pooled
    connection, or for a lock; on PostgreSQL, that cuts statements short after
    `statement_limit_s` (None: no limit); on SQLite, enforce foreign keys and let
    readers and a writer coexist.

    Statement parameters never appear in logs or error messages: they hold people's
    e-mail addresses and names.
    """
    url = normalize_url(url)
    options: dict[str, Any] = {"hide_parameters": True}
    if url.startswith("postgresql"):
        waits_ms = int(timeout_s * 1000)
        options["pool_timeout"] = timeout_s
        settings = f"-c lock_timeout={waits_ms}"
        if statement_limit_s is not None:
            settings += f" -c statement_timeout={int(statement_limit_s * 1000)}"
        options["connect_args"] = {
            # libpq counts whole seconds and takes anything under 2 as 2.
            "connect_timeout": max(2, math.ceil(timeout_s)),
            "options": settings,
        }
    engine = create_engine(url, **{**options, **kwargs})
    if engine.dialect.name == "sqlite":
        busy_ms = int(timeout_s * 1000)
        event.listen(engine, "connect", lambda conn, _record: _configure_sqlite(conn, busy_ms))
        event.listen(engine, "begin", _begin_sqlite)
    return engine


_IDLE_SINCE = "duaal_idle_since"


def ping_when_idle(engine: Engine, idle_s: float) -> None:
    """Ping a pooled connection before use when it has waited `idle_s` or more in the
    pool: the server may have restarted or dropped it meanwhile, and a new connection
    then takes its place (with the pool's older ones).

    SQLAlchemy's `pool_pre_ping` pings at every use: a round trip, a tenth of a public
    page's time. A connection in steady use is not pinged; were its server to go
    away, the statement fails, SQLAlchemy drops the pool's connections, and that one
    request answers 503 (see web/__init__.py). Under light traffic, where a round trip costs
    nobody anything, connections wait longer and are pinged.
    """
    dialect = engine.dialect

    def note_idle(_dbapi_connection: Any, record: Any) -> None:
        record.info[_IDLE_SINCE] = time.monotonic()

    def ping(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get(_IDLE_SINCE)  # None: a connection just made
        if since is None or time.monotonic() - since < idle_s:
            return
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as error:
            if not dialect.is_disconnect(error, dbapi_connection, None):
                raise
            # The pool connects anew, and drops the connections it made before.
            raise exc.InvalidatePoolError() from error

    event.listen(engine, "checkin", note_idle)
    event.listen(engine, "checkout", ping)


def _configure_sqlite(dbapi_connection: Any, busy_ms: int) -> None:
    # Python's sqlite3 module opens and commits transactions on its own, which breaks
    # SAVEPOINT; hand transaction control to SQLAlchemy (its documented recipe).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    # WAL lets web processes read while the scheduler or a CLI command writes.
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute(f"PRAGMA busy_timeout = {busy_ms}")
    cursor.close()


def alembic_config(engine: Engine) -> Config:
    """Return an Alembic configuration that migrates through `engine`."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the database up to `revision`."""
    command.upgrade(alembic_config(engine), revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Migrate the database down to `revision` ("base" empties it)."""
    command.downgrade(alembic_config(engine), revision)


# A connection option: the transaction about to begin writes (see `unit_of_work`).
WRITES = "duaal_writes"
# A connection option: the connection runs one statement and no transaction is needed
# (SQLite then runs the statement on its own, as consistent as in a transaction).
ONE_STATEMENT = "duaal_one_statement"
_IN_UNIT = "duaal_in_unit_of_work"


def _begin_sqlite(connection: Connection) -> None:
    # A transaction that starts by reading and later writes fails at once with
    # "database is locked" when another writer committed meanwhile (busy_timeout does not
    # help there); one that takes the write lock at BEGIN waits its turn instead.
    options = connection.get_execution_options()
    if options.get(ONE_STATEMENT, False):
        return  # SQLAlchemy's rollback at the end is then a no-op for SQLite
    connection.exec_driver_sql("BEGIN IMMEDIATE" if options.get(WRITES, False) else "BEGIN")


_WROTE_OUTSIDE = "duaal_wrote_outside_unit_of_work"


class OutsideUnitOfWorkError(RuntimeError):
    """Changes were made when no unit of work ran: they belong to no transaction."""


def guard_units_of_work(sessions: sessionmaker[Session]) -> None:
    """Make a unit of work refuse to start on changes written outside any unit.

    Without this, a service called outside a unit of work flushes its changes, and the
    next unit, meant for something else, would commit them with its own.
    """
    event.listen(sessions, "after_flush", _note_flush)
    event.listen(sessions, "after_commit", _forget_flushes)
    event.listen(sessions, "after_rollback", _forget_flushes)


def _note_flush(session: Session, _context: Any) -> None:
    if not session.info.get(_IN_UNIT):
        session.info[_WROTE_OUTSIDE] = True


def _forget_flushes(session: Session) -> None:
    session.info.pop(_WROTE_OUTSIDE, None)


@contextmanager
def unit_of_work(session: Session) -> Iterator[Session]:
    """Run a block as one writing transaction: commit when it ends, roll back if it raises.

    Whatever the session read before ends here, and what it loaded is expired, so the
    block's reads see the data as of its own start. On SQLite the transaction takes the
    write lock when it begins, so concurrent writers wait for each other instead of
    failing. A unit of work inside another joins it: the outer one commits.
    """
    if session.info.get(_IN_UNIT):
        yield session
        return
    if session.new or session.dirty or session.deleted or session.info.get(_WROTE_OUTSIDE):
        raise OutsideUnitOfWorkError("changes were made outside a unit of work")
    if session.in_transaction():
        session.commit()  # only reads: nothing to write, and the objects stay usable
        session.expire_all()
    session.info[_IN_UNIT] = True
    try:
        session.connection(execution_options={WRITES: True})
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        del session.info[_IN_UNIT]
