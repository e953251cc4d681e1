"""Logging in and out."""

from urllib.parse import urlsplit

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, logout_user
from werkzeug.wrappers import Response

from models.base import utcnow
from web.auth import SESSION_TOKEN, SignedIn, home_of, sign_in, signed_in
from web.db import get_session, unit_of_work
from web.forms import LoginForm
from web.services import accounts

bp = Blueprint("auth", __name__)

WRONG = _l("Dit e-mailadres en wachtwoord horen niet bij elkaar.")
TOO_MANY = _l("Te veel mislukte pogingen. Probeer het over een kwartier opnieuw.")


def _safe_next(target: str | None) -> str | None:
    """Follow ?next= only to a path on this site, never to another host."""
    if not target:
        return None
    if any(c < " " or c in "\\\x7f" for c in target):  # line breaks end a header
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


class TooManyAttemptsError(Exception):
    """Too many failed logins for this account or network: wait before trying again."""


def _authenticate(email: str, password: str) -> SignedIn | None:
    """Check a login in the three steps of web/services/accounts.py, each its own unit of
    work: the attempt is stored before it is counted, so parallel guesses see each other,
    and the slow password hash runs outside any write lock."""
    now = utcnow()
    with unit_of_work() as db:
        attempt = accounts.record_attempt(db, email, request.remote_addr or "", now)
    with unit_of_work() as db:
        allowed = accounts.is_within_limits(db, attempt, now)
        if not allowed:
            accounts.forget_attempt(db, attempt.id)
    if not allowed:
        raise TooManyAttemptsError
    user = accounts.check_password(get_session(), email, password)
    if user is None:
        return None
    with unit_of_work() as db:
        token = accounts.complete_login(db, user.id, password, request.remote_addr or "", now)
    sign_in(user, token)
    return signed_in(user)


@bp.route("/aanmelden", methods=["GET", "POST"])
def login() -> Response | tuple[str, int] | str:
    """Log in with e-mail and password; failures are counted and slowed down."""
    if current_user.is_authenticated:
        return redirect(home_of(current_user))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = _authenticate(form.email.data or "", form.password.data or "")
        except TooManyAttemptsError:
            form.form_errors.append(TOO_MANY)
            return render_template("auth/login.html", form=form), 429
        if user is not None:
            return redirect(_safe_next(request.args.get("next")) or home_of(user))
        form.form_errors.append(WRONG)
        status = 401
    elif form.is_submitted():
        status = 400
    form.password.data = ""
    return render_template("auth/login.html", form=form), status


@bp.post("/afmelden")
def logout() -> Response:
    """Log out (a POST with the CSRF token, so no other site can log you out): the
    session ends on the server too, so a copy of the cookie opens nothing."""
    token = session.get(SESSION_TOKEN)
    if isinstance(token, str):
        with unit_of_work() as db:
            accounts.end_session(db, token, utcnow())
    logout_user()
    session.clear()
    return redirect(url_for("search.home"))
