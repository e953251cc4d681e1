"""The per-process search index: when it checks, when it rebuilds, what it serves."""

import threading
from typing import Any, cast

from sqlalchemy.orm import Session

from web.services.search_index import IndexState, SearchIndex
from web.settings import SearchSettings


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class FakeDatabase:
    """A data version, and a build that can be held back to look at the index mid-build."""

    def __init__(self) -> None:
        self.version = 1
        self.builds: list[int] = []
        self.reads = 0
        self.release = threading.Event()
        self.release.set()
        self.fail_next = False

    def read_version(self, _session: Session) -> int:
        self.reads += 1
        return self.version

    def build(self, _session: Session, version: int) -> IndexState:
        self.release.wait(timeout=10)
        if self.fail_next:
            self.fail_next = False
            raise RuntimeError("database went away")
        self.builds.append(version)
        return IndexState(version, SearchSettings().new_engine(), {})


def make_index(db: FakeDatabase, clock: Clock, background: bool) -> SearchIndex:
    return SearchIndex(
        build=db.build,
        session_factory=lambda: cast(Session, NullSession()),
        check_interval_s=1.0,
        background=background,
        clock=clock,
        read_version=db.read_version,
    )


class NullSession:
    def __enter__(self) -> "NullSession":
        return self

    def __exit__(self, *exc: Any) -> None:
        return None


SESSION = cast(Session, NullSession())


def test_the_first_request_builds_and_later_ones_reuse() -> None:
    db, clock = FakeDatabase(), Clock()
    index = make_index(db, clock, background=False)
    first = index.current(SESSION)
    assert first.version == 1 and db.builds == [1]
    clock.now = 5.0
    assert index.current(SESSION) is first
    assert db.builds == [1]


def test_the_version_is_read_at_most_once_per_interval() -> None:
    db, clock = FakeDatabase(), Clock()
    index = make_index(db, clock, background=False)
    index.current(SESSION)
    reads = db.reads
    for _ in range(100):
        index.current(SESSION)
    assert db.reads == reads
    clock.now = 1.0
    index.current(SESSION)
    assert db.reads == reads + 1


def test_a_new_version_is_picked_up_at_the_next_check() -> None:
    db, clock = FakeDatabase(), Clock()
    index = make_index(db, clock, background=False)
    index.current(SESSION)
    db.version = 2
    assert index.current(SESSION).version == 1  # not yet time to look
    clock.now = 1.0
    assert index.current(SESSION).version == 2


def test_a_background_rebuild_serves_the_old_index_until_the_new_one_is_whole() -> None:
    db, clock = FakeDatabase(), Clock()
    index = make_index(db, clock, background=True)
    old = index.current(SESSION)
    db.version = 2
    db.release.clear()  # hold the build back
    clock.now = 1.0
    assert index.current(SESSION) is old
    clock.now = 2.0
    assert index.current(SESSION) is old  # still building: one build, no second thread
    db.release.set()
    index.join(timeout=10)
    assert index.current(SESSION).version == 2
    assert db.builds == [1, 2]


def test_a_failed_rebuild_keeps_serving_and_tries_again() -> None:
    db, clock = FakeDatabase(), Clock()
    index = make_index(db, clock, background=True)
    old = index.current(SESSION)
    db.version, db.fail_next = 2, True
    clock.now = 1.0
    index.current(SESSION)
    index.join(timeout=10)
    assert index.current(SESSION) is old
    clock.now = 2.0
    assert index.current(SESSION) is old and db.builds == [1]  # no retry at once
    clock.now = 1.0 + SearchIndex.RETRY_AFTER_S + 1.0
    index.current(SESSION)
    index.join(timeout=10)
    assert index.current(SESSION).version == 2
