"""What each web process builds once from the database and keeps: the gazetteer and the
search index, with what pages show of the same data version (IndexState.derive).
Services receive them; only the web layer knows where they live."""

from flask import current_app

from matcher import Gazetteer
from models.base import today_in_belgium
from web.config import get_settings
from web.db import get_db, get_session
from web.services.geography import build_gazetteer
from web.services.search import build_index_state
from web.services.search_index import SearchIndex, update_index_state

GAZETTEER_KEY = "duaal_gazetteer"
SEARCH_INDEX_KEY = "duaal_search_index"


def get_gazetteer() -> Gazetteer:
    """Return the app's gazetteer, reading it on first use.

    Postcodes change only when the reference data is reloaded at release time, before
    processes start, so a per-process copy never goes stale while it serves. An empty
    table (reference data not loaded yet) is not kept.
    """
    gazetteer: Gazetteer | None = current_app.extensions.get(GAZETTEER_KEY)
    if gazetteer is None:
        gazetteer = build_gazetteer(get_session())
        if len(gazetteer):
            current_app.extensions[GAZETTEER_KEY] = gazetteer
    return gazetteer


def get_search_index() -> SearchIndex:
    """Return this app's search index, creating it on first use."""
    index: SearchIndex | None = current_app.extensions.get(SEARCH_INDEX_KEY)
    if index is None:
        search = get_settings().search
        index = SearchIndex(
            build=lambda session, version: build_index_state(
                session, version, search, today_in_belgium()
            ),
            update=update_index_state,
            session_factory=get_db().session_factory,
            check_interval_s=search.version_check_seconds,
            background=search.background_rebuild,
        )
        current_app.extensions[SEARCH_INDEX_KEY] = index
    return index
