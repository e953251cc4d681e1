"""A pooled connection whose server dropped it (a restart, a proxy's idle limit): one
that waited in the pool is pinged and replaced; one in steady use fails once."""

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError

from models.database import make_engine, ping_when_idle
from tests.conftest import TEST_DATABASE_URL

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not TEST_DATABASE_URL, reason="TEST_DATABASE_URL is not set"),
]

PID = text("SELECT pg_backend_pid()")


def pinged_after(idle_s: float) -> Iterator[Engine]:
    assert TEST_DATABASE_URL
    engine = make_engine(TEST_DATABASE_URL)
    ping_when_idle(engine, idle_s)
    yield engine
    engine.dispose()


@pytest.fixture
def pinged_always() -> Iterator[Engine]:
    yield from pinged_after(0.0)


@pytest.fixture
def pinged_never() -> Iterator[Engine]:
    yield from pinged_after(3600.0)


def pooled_and_dropped(engine: Engine) -> int:
    """Use a connection, put it back in the pool, and have the server end it."""
    with engine.connect() as conn:
        pid: int = conn.scalar(PID)
    assert TEST_DATABASE_URL
    admin = make_engine(TEST_DATABASE_URL)
    with admin.connect() as conn:
        assert conn.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    admin.dispose()
    return pid


def test_a_connection_that_waited_in_the_pool_is_pinged_and_replaced(
    pinged_always: Engine,
) -> None:
    dropped = pooled_and_dropped(pinged_always)
    with pinged_always.connect() as conn:
        assert conn.scalar(PID) != dropped


def test_a_connection_in_steady_use_is_not_pinged_its_loss_fails_one_statement(
    pinged_never: Engine,
) -> None:
    dropped = pooled_and_dropped(pinged_never)
    with pytest.raises(OperationalError) as failed, pinged_never.connect() as conn:
        conn.scalar(PID)
    assert failed.value.connection_invalidated
    with pinged_never.connect() as conn:
        assert conn.scalar(PID) != dropped
