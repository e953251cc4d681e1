"""The search engine of a web process, brought up to date when the data version moves.

Every process keeps its own fitted `SearchEngine`. At most once per check interval a
request reads the data version (one primary-key read). When it moved, the next engine
is made while other requests go on with the old one; it replaces the old one in a single
assignment, so no request ever sees a half-made index.

The next engine is usually the old one with the changed rows applied (the data
version's change log names them; `SearchEngine.updated` shares everything else): a few
milliseconds, so the request that notices the change applies it in line and already
answers with it. A full build from a fresh snapshot happens at the start, when the log
cannot bridge the gap (or names reference data), when an update fails, and once an hour,
which also sheds what updates pile up; it runs in a background thread. Only the very
first build, when there is nothing to serve yet, makes requests wait, and for a bounded
time: it too runs in a thread of its own, so no page's statement limit cuts it short and
a request that waits too long answers "not ready yet" rather than holding its worker
past the server's timeout (which would kill the build with the worker).
"""

import logging
import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

import numpy as np
from sqlalchemy.orm import Session

from matcher import SearchEngine
from models.versioning import read_changes, read_data_version
from web.services.workplace_columns import load_workplace_columns

log = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True)
class ProgrammeListing:
    """A programme as the search form lists it."""

    code: str
    name: str
    study_domain: str


@dataclass(frozen=True)
class IndexState:
    """A fitted engine, the data version it was built from, and what pages show of it.

    Whatever a page works out from the data alone (the home page's figures, the
    programme list) is kept here through `derive`: it is worked out once per data
    version, and a new version starts afresh.
    """

    version: int
    engine: SearchEngine
    programme_names: dict[str, str]
    programmes: tuple[ProgrammeListing, ...] = ()  # by study domain, name and code
    _derived: dict[Hashable, Any] = field(default_factory=dict, compare=False, repr=False)

    def derive(self, key: Hashable, make: Callable[[], T]) -> T:
        """Return what `make` works out from this version, making it once per `key`.

        Two requests may both make it at first; either answer is right, and the dict
        assignment is atomic.
        """
        try:
            return cast(T, self._derived[key])
        except KeyError:
            made = self._derived[key] = make()
            return made


Builder = Callable[[Session, int], IndexState]
# The next state from the current one and the new version; None when only a full
# build will do.
Updater = Callable[[Session, IndexState, int], IndexState | None]

# More changed rows than this at once, and a full build (in the background) is the
# better way: cheaper per row, and no request waits for it.
MAX_CHANGED_ROWS = 5_000


def update_index_state(session: Session, state: IndexState, version: int) -> IndexState | None:
    """Apply the rows changed since `state`'s version; None when the change log cannot
    say (a gap, too many rows, or reference data changed)."""
    changes = read_changes(session, state.version, version, MAX_CHANGED_ROWS)
    if changes is None or changes.whole_tables:
        return None
    workplaces = load_workplace_columns(session, changes)
    # Every row a change touched is read again; those no longer read have left the
    # search (withdrawn, expired, deleted, or their site removed).
    snap = state.engine.snapshot_
    rows = snap.rows_of(np.fromiter(changes.recognition_ids, dtype=np.int64))
    touched = [rows[rows >= 0]]
    for column, ids in ((snap.site_id, changes.site_ids), (snap.company_id, changes.company_ids)):
        if ids:
            touched.append(np.flatnonzero(np.isin(column, np.fromiter(ids, dtype=np.int64))))
    rows = np.concatenate(touched)
    removed = np.setdiff1d(snap.recognition_id[rows[snap.is_live[rows]]], workplaces.recognition_id)
    engine = state.engine.updated(workplaces, removed)
    return IndexState(version, engine, state.programme_names, state.programmes)


class IndexNotReadyError(Exception):
    """The search index is still being built for the first time, or that just failed:
    the request is answered "try again shortly"."""


class SearchIndex:
    """Hand out the current engine; notice changes made by any process."""

    RETRY_AFTER_S = 30.0
    FULL_BUILD_EVERY_S = 3600.0
    # Under gunicorn's default worker timeout (30 s): a worker killed while it waits
    # would take the build with it, and the next worker would start over.
    FIRST_BUILD_WAIT_S = 20.0

    def __init__(
        self,
        build: Builder,
        session_factory: Callable[[], Session],
        check_interval_s: float = 1.0,
        background: bool = True,
        clock: Callable[[], float] = time.monotonic,
        read_version: Callable[[Session], int] = read_data_version,
        update: Updater | None = None,
    ) -> None:
        self._build = build
        self._update = update
        self._built_at = float("-inf")
        self._read_version = read_version
        self._session_factory = session_factory
        self._check_interval_s = check_interval_s
        self._background = background
        self._clock = clock
        self._state: IndexState | None = None
        self._last_check = float("-inf")
        self._lock = threading.Lock()  # one build at a time per process
        self._building = False
        self._thread: threading.Thread | None = None

    def current(self) -> IndexState:
        """Return the engine to answer this request with; `IndexNotReadyError` while the
        first build takes longer than a request may wait, or has just failed.

        It reads the database only when a check is due, in a session of its own: most
        requests that search never open one.
        """
        state = self._state
        if state is None:
            return self._first_state()
        now = self._clock()
        if now - self._last_check >= self._check_interval_s:
            self._last_check = now
            self._refresh()
        return self._state or state

    def current_if_built(self) -> IndexState | None:
        """Return `current()`, or None before the first build is done, without
        waiting for it."""
        return None if self._state is None else self.current()

    def _first_state(self) -> IndexState:
        with self._lock:
            if self._state is None and not self._building:
                if self._clock() < self._last_check:  # failed a moment ago: not yet again
                    raise IndexNotReadyError
                self._building = True
                if not self._background:
                    try:
                        with self._session_factory() as session:
                            self._state = self._built(session, self._read_version(session))
                    finally:
                        self._building = False
                else:
                    self._start_build()
            thread = self._thread
        if self._state is None and thread is not None:
            thread.join(self.FIRST_BUILD_WAIT_S)
        if self._state is None:
            raise IndexNotReadyError
        return self._state

    def _start_build(self) -> None:
        """Build anew in a thread of its own (`_building` is set)."""
        self._thread = threading.Thread(
            target=self._build_in_background, name="search-index", daemon=True
        )
        self._thread.start()

    def join(self, timeout: float | None = None) -> None:
        """Wait for a background build under way, if any (for tests and shutdown)."""
        if self._thread is not None:
            self._thread.join(timeout)

    def _refresh(self) -> None:
        """Bring the index to the data version, if it moved: apply the changed rows at
        once, in line, so that this very answer shows them; or build anew in the
        background."""
        with self._lock:
            if self._building:
                return  # another request, or the background thread, is at it
            self._building = True
        in_background = False
        try:
            # A session of its own reads only what is committed, whatever the request's
            # transaction holds. The version is read first: a change landing meanwhile
            # moves it again, and the next check applies it; nothing is missed.
            with self._session_factory() as session:
                state = self._state
                assert state is not None  # refreshed only once built
                version = self._read_version(session)
                updated = self._updated(session, state, version)
                if updated is not None:
                    self._state = updated
                elif not self._background:
                    self._state = self._built(session, version)
                else:
                    in_background = True
            if in_background:
                self._start_build()
        except Exception:
            if not self._background:
                raise
            self._failed()
        finally:
            if not in_background:
                with self._lock:
                    self._building = False

    def _updated(self, session: Session, state: IndexState, version: int) -> IndexState | None:
        """`state` brought to `version` by its changed rows; None when only a full build
        will do (no updater, the hourly build is due, or the update cannot or failed)."""
        if version == state.version:
            return state
        if self._update is None or self._clock() - self._built_at >= self.FULL_BUILD_EVERY_S:
            return None
        try:
            updated = self._update(session, state, version)
        except Exception:
            # A fault in an update must not leave the index stale: build it anew.
            log.exception("updating the search index failed; building it anew")
            return None
        if updated is not None:
            log.debug("search index updated to data version %s", version)
        return updated

    def _built(self, session: Session, version: int) -> IndexState:
        state = self._build(session, version)
        self._built_at = self._last_check = self._clock()  # the version was just read
        log.info("search index built anew at data version %s", version)
        return state

    def _build_in_background(self) -> None:
        state = None
        try:
            with self._session_factory() as session:
                state = self._built(session, self._read_version(session))
        except Exception:
            self._failed()
        finally:
            with self._lock:  # whoever sees the new state sees the build over
                self._building = False
                self._state = state or self._state

    def _failed(self) -> None:
        if self._state is None:
            log.exception("building the search index failed; searches answer 503 meanwhile")
        else:
            log.exception("refreshing the search index failed; serving the previous one")
        # Try again after a pause, not at every check: a broken database would otherwise
        # fill the log once a second.
        self._last_check = self._clock() + self.RETRY_AFTER_S
