"""For load balancers and orchestrators: /healthz (the process answers) and /readyz (it can
serve: the database answers and the search index is built)."""

from flask import Blueprint, Response, jsonify
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from web.db import get_session
from web.resources import get_search_index
from web.services.search_index import IndexNotReadyError

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> tuple[str, int, dict[str, str]]:
    """Alive: answers without touching the database."""
    return "ok\n", 200, {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"}


@bp.get("/readyz")
def readyz() -> tuple[Response, int]:
    """Ready: the database answers and the search index is built (the first call builds it)."""
    try:
        session = get_session()
        session.execute(text("SELECT 1"))
        state = get_search_index().current()
    except (OperationalError, PoolTimeoutError):
        return _not_ready(database="not answering")
    except IndexNotReadyError:
        return _not_ready(search_index="being built")
    response = jsonify(status="ready", data_version=state.version)
    response.headers["Cache-Control"] = "no-store"
    return response, 200


def _not_ready(**why: str) -> tuple[Response, int]:
    response = jsonify(status="unavailable", **why)
    response.headers["Retry-After"] = "30"
    return response, 503
