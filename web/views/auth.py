"""Logging in and out."""

from urllib.parse import urlsplit

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from web.auth import home_of, signed_in
from web.db import get_session
from web.forms import LoginForm
from web.services.accounts import TooManyFailuresError, authenticate

bp = Blueprint("auth", __name__)

WRONG = _l("Dit e-mailadres en wachtwoord horen niet bij elkaar.")
TOO_MANY = _l("Te veel mislukte pogingen. Probeer het over een kwartier opnieuw.")


def _safe_next(target: str | None) -> str | None:
    """Follow ?next= only to a path on this site, never to another host."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/aanmelden", methods=["GET", "POST"])
def login() -> Response | tuple[str, int] | str:
    """Log in with e-mail and password; failures are counted and slowed down."""
    if current_user.is_authenticated:
        return redirect(home_of(current_user))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = authenticate(
                get_session(),
                form.email.data or "",
                form.password.data or "",
                request.remote_addr or "",
            )
        except TooManyFailuresError:
            form.form_errors.append(TOO_MANY)
            return render_template("auth/login.html", form=form), 429
        if user is not None:
            # A fresh session on login: whatever was in the old one cannot be carried over.
            session.clear()
            login_user(signed_in(user))
            return redirect(_safe_next(request.args.get("next")) or home_of(signed_in(user)))
        form.form_errors.append(WRONG)
        status = 401
    elif form.is_submitted():
        status = 400
    form.password.data = ""
    return render_template("auth/login.html", form=form), status


@bp.post("/afmelden")
def logout() -> Response:
    """Log out (a POST with the CSRF token, so no other site can log you out)."""
    logout_user()
    session.clear()
    return redirect(url_for("search.home"))
