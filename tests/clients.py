"""Test-client helpers: log in without the password form, and post forms with their CSRF token."""

import re
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from models import User
from models.base import utcnow
from web.auth import SESSION_TOKEN
from web.db import get_session, unit_of_work
from web.services.accounts import start_session

_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def login(client: FlaskClient, user: User) -> str:
    """Make the client's session that of `user`, as a successful login would; return the
    login session's token."""
    with client.application.app_context(), unit_of_work(get_session()) as db:
        token = start_session(db, user.id, utcnow())
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
        session["_fresh"] = True
        session[SESSION_TOKEN] = token
    return token


def csrf_token(client: FlaskClient) -> str:
    """Return the CSRF token of the client's session (every page with a form shows it)."""
    for url in ("/aanmelden", "/bedrijf/registreren", "/"):
        match = _TOKEN.search(client.get(url).get_data(as_text=True))
        if match:
            return match.group(1)
    raise AssertionError("no page showed a CSRF token")


def post(
    client: FlaskClient, url: str, data: dict[str, Any] | None = None, **kwargs: Any
) -> TestResponse:
    """POST a form as a browser would: with the session's CSRF token."""
    return client.post(url, data={"csrf_token": csrf_token(client), **(data or {})}, **kwargs)
