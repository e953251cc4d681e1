"""The search engine of a web process, rebuilt when the data version moves.

Every process keeps its own fitted `SearchEngine`. At most once per check interval a
request reads the data version (one primary-key read). When it moved, a background
thread builds a new engine from a fresh snapshot while requests go on with the old
one; the new one replaces it in a single assignment, so no request ever sees a
half-built index. Only the very first build, when there is nothing to serve yet,
makes a request wait.
"""

import logging
import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from sqlalchemy.orm import Session

from matcher import SearchEngine
from models.versioning import read_data_version

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


class SearchIndex:
    """Hand out the current engine; notice changes made by any process."""

    RETRY_AFTER_S = 30.0

    def __init__(
        self,
        build: Builder,
        session_factory: Callable[[], Session],
        check_interval_s: float = 1.0,
        background: bool = True,
        clock: Callable[[], float] = time.monotonic,
        read_version: Callable[[Session], int] = read_data_version,
    ) -> None:
        self._build = build
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

    def current(self, session: Session) -> IndexState:
        """Return the engine to answer this request with."""
        state = self._state
        if state is None:
            with self._lock:
                if self._state is None:
                    self._state = self._build(session, self._read_version(session))
                    self._last_check = self._clock()
                return self._state
        now = self._clock()
        if now - self._last_check >= self._check_interval_s:
            self._last_check = now
            version = self._read_version(session)
            if version != state.version:
                self._refresh(session, version)
        return self._state or state

    def _refresh(self, session: Session, version: int) -> None:
        if not self._background:
            with self._lock:
                self._state = self._build(session, version)
            return
        with self._lock:
            if self._building:
                return
            self._building = True
        self._thread = threading.Thread(
            target=self._build_in_background, name="search-index", daemon=True
        )
        self._thread.start()

    def join(self, timeout: float | None = None) -> None:
        """Wait for a background rebuild under way, if any (for tests and shutdown)."""
        if self._thread is not None:
            self._thread.join(timeout)

    def _build_in_background(self) -> None:
        try:
            with self._session_factory() as session:
                # The version is read first: a change landing during the build moves it
                # again, and the next check builds once more; nothing is missed.
                self._state = self._build(session, self._read_version(session))
        except Exception:
            log.exception("rebuilding the search index failed; serving the previous one")
            # Try again after a pause, not at every check: a broken database would
            # otherwise fill the log once a second.
            self._last_check = self._clock() + self.RETRY_AFTER_S
        finally:
            with self._lock:
                self._building = False
