"""The per-process search index: when it checks, when it rebuilds, what it serves."""

import threading
from typing import Any, cast

import pytest
from sqlalchemy.orm import Session

from web.services.search_index import IndexNotReadyError, IndexState, SearchIndex
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
        self.updates: list[tuple[int, int]] = []  # (from version, to version)
        self.update_answers: list[str] = []  # "state", "none" or "fail", in turn

    def update(self, session: Session, state: IndexState, version: int) -> IndexState | None:
        assert session is not SESSION  # a session of the index's own: committed data only
        self.updates.append((state.version, version))
        answer = self.update_answers.pop(0) if self.update_answers else "state"
        if answer == "fail":
            raise RuntimeError("a fault in the update")
        if answer == "none":
            return None
        return IndexState(version, state.engine, {})

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


def make_index(
    db: FakeDatabase, clock: Clock, background: bool, updates: bool = False
) -> SearchIndex:
    return SearchIndex(
        build=db.build,
        session_factory=lambda: cast(Session, NullSession()),
        check_interval_s=1.0,
        background=background,
        clock=clock,
        read_version=db.read_version,
        update=db.update if updates else None,
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
    first = index.current()
    assert first.version == 1 and db.builds == [1]
    clock.now = 5.0
    assert index.current() is first
    assert db.builds == [1]


def test_an_index_not_yet_built_is_none_to_who_can_do_without_and_none_is_built() -> None:
    db, clock = FakeDatabase(), Clock()
    index = make_index(db, clock, background=False)
    assert index.current_if_built() is None
    assert db.builds == [] and db.reads == 0
    built = index.current()
    assert index.current_if_built() is built
    db.version, clock.now = 2, 1.0
    newer = index.current_if_built()  # checked for changes as `current` is
    assert newer is not None and newer.version == 2


def test_the_version_is_read_at_most_once_per_interval() -> None:
    db, clock = FakeDatabase(), Clock()
    index = make_index(db, clock, background=False)
    index.current()
    reads = db.reads
    for _ in range(100):
        index.current()
    assert db.reads == reads
    clock.now = 1.0
    index.current()
    assert db.reads == reads + 1


def test_a_new_version_is_picked_up_at_the_next_check() -> None:
    db, clock = FakeDatabase(), Clock()
    index = make_index(db, clock, background=False)
    index.current()
    db.version = 2
    assert index.current().version == 1  # not yet time to look
    clock.now = 1.0
    assert index.current().version == 2


def test_a_background_rebuild_serves_the_old_index_until_the_new_one_is_whole() -> None:
    db, clock = FakeDatabase(), Clock()
    index = make_index(db, clock, background=True)
    old = index.current()
    db.version = 2
    db.release.clear()  # hold the build back
    clock.now = 1.0
    assert index.current() is old
    clock.now = 2.0
    assert index.current() is old  # still building: one build, no second thread
    db.release.set()
    index.join(timeout=10)
    assert index.current().version == 2
    assert db.builds == [1, 2]


def test_a_failed_rebuild_keeps_serving_and_tries_again() -> None:
    db, clock = FakeDatabase(), Clock()
    index = make_index(db, clock, background=True)
    old = index.current()
    db.version, db.fail_next = 2, True
    clock.now = 1.0
    index.current()
    index.join(timeout=10)
    assert index.current() is old
    clock.now = 2.0
    assert index.current() is old and db.builds == [1]  # no retry at once
    clock.now = 1.0 + SearchIndex.RETRY_AFTER_S + 1.0
    index.current()
    index.join(timeout=10)
    assert index.current().version == 2


@pytest.mark.parametrize("background", [False, True])
def test_a_new_version_is_applied_as_an_update_by_the_request_that_notices(
    background: bool,
) -> None:
    db, clock = FakeDatabase(), Clock()
    index = make_index(db, clock, background, updates=True)
    index.current()
    db.version, clock.now = 2, 1.0
    assert index.current().version == 2  # no answer from the old version after
    assert db.builds == [1] and db.updates == [(1, 2)]


@pytest.mark.parametrize("answer", ["none", "fail"])
def test_an_update_that_cannot_or_fails_gives_way_to_a_full_build_in_the_background(
    answer: str, caplog: pytest.LogCaptureFixture
) -> None:
    db, clock = FakeDatabase(), Clock()
    index = make_index(db, clock, background=True, updates=True)
    old = index.current()
    db.version, clock.now, db.update_answers = 2, 1.0, [answer]
    db.release.clear()  # hold the build back
    assert index.current() is old
    db.release.set()
    index.join(timeout=10)
    assert index.current().version == 2
    assert db.builds == [1, 2] and db.updates == [(1, 2)]
    assert ("updating the search index failed" in caplog.text) == (answer == "fail")


def test_the_index_is_built_anew_on_schedule() -> None:
    db, clock = FakeDatabase(), Clock()
    index = make_index(db, clock, background=False, updates=True)
    index.current()
    db.version, clock.now = 2, SearchIndex.FULL_BUILD_EVERY_S - 1.0
    index.current()
    db.version, clock.now = 3, SearchIndex.FULL_BUILD_EVERY_S + 1.0
    index.current()
    db.version, clock.now = 4, SearchIndex.FULL_BUILD_EVERY_S + 2.0
    assert index.current().version == 4
    assert db.builds == [1, 3] and db.updates == [(1, 2), (3, 4)]


def test_a_request_waits_for_the_first_build_a_bounded_time_and_one_build_runs() -> None:
    db, clock = FakeDatabase(), Clock()
    index = make_index(db, clock, background=True)
    index.FIRST_BUILD_WAIT_S = 0.05
    db.release.clear()  # the first build takes longer than a request may wait
    with pytest.raises(IndexNotReadyError):
        index.current()
    with pytest.raises(IndexNotReadyError):
        index.current()  # waits on the same build: no second one
    db.release.set()
    index.join(timeout=10)
    assert index.current().version == 1
    assert db.builds == [1]


def test_a_failed_first_build_answers_not_ready_and_is_tried_again_after_a_pause(
    caplog: pytest.LogCaptureFixture,
) -> None:
    db, clock = FakeDatabase(), Clock()
    index = make_index(db, clock, background=True)
    db.fail_next = True
    with pytest.raises(IndexNotReadyError):
        index.current()
    assert "building the search index failed" in caplog.text
    clock.now = 1.0
    with pytest.raises(IndexNotReadyError):
        index.current()  # not tried again at once (it would succeed now)
    assert db.builds == []
    clock.now = SearchIndex.RETRY_AFTER_S + 1.0
    assert index.current().version == 1
