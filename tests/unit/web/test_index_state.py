"""What pages derive from one data version is worked out once, and afresh for the next."""

from web.services.search_index import IndexState
from web.settings import SearchSettings


def state(version: int) -> IndexState:
    return IndexState(version, SearchSettings().new_engine(), {})


def test_a_derivation_is_made_once_per_key() -> None:
    made: list[str] = []

    def make(key: str) -> str:
        made.append(key)
        return key.upper()

    first = state(1)
    assert first.derive("a", lambda: make("a")) == "A"
    assert first.derive("a", lambda: make("a")) == "A"
    assert first.derive("b", lambda: make("b")) == "B"
    assert made == ["a", "b"]


def test_a_new_version_derives_afresh() -> None:
    assert state(1).derive("figures", lambda: 1) == 1
    assert state(2).derive("figures", lambda: 2) == 2


def test_states_of_one_version_compare_equal_whatever_they_derived() -> None:
    engine = SearchSettings().new_engine()
    derived, fresh = IndexState(1, engine, {}), IndexState(1, engine, {})
    derived.derive("figures", lambda: 1)
    assert derived == fresh
