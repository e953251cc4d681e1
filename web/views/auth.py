"""Logging in and out, and choosing a new password when the old one is forgotten."""

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import lazy_gettext as _l
from flask_login import current_user, logout_user
from werkzeug.wrappers import Response

from models.base import utcnow
from web.auth import SESSION_TOKEN, SignedIn, home_of, sign_in, signed_in
from web.db import get_session, unit_of_work
from web.forms import LoginForm, show_error
from web.forms.auth import ForgotPasswordForm, NewPasswordForm
from web.links import public_link
from web.mail import send_now
from web.services import accounts, password_reset
from web.services.errors import InputError, LinkExpiredError, TooManyRequestsError

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


# --- A forgotten password ---------------------------------------------------------------

TOO_MANY_RESETS = _l(
    "Vanaf dit netwerk werden het voorbije uur te veel nieuwe wachtwoorden aangevraagd. "
    "Probeer het later opnieuw."
)


@bp.route("/wachtwoord-vergeten", methods=["GET", "POST"])
def forgot_password() -> Response | tuple[str, int] | str:
    """Ask for a reset link: the same answer whether or not the address has an account."""
    if current_user.is_authenticated:
        return redirect(home_of(current_user))
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        try:
            with unit_of_work() as db:
                message_id = password_reset.request_reset(
                    db,
                    form.email.data or "",
                    request.remote_addr or "",
                    utcnow(),
                    link_for=lambda token: public_link("auth.reset_password", token=token),
                )
        except InputError as error:
            show_error(form, error)
        except TooManyRequestsError:
            form.form_errors.append(TOO_MANY_RESETS)
            return render_template("auth/forgot_password.html", form=form), 429
        else:
            answer = redirect(url_for("auth.reset_requested"))
            if message_id is not None:
                _send_after_answering(answer, message_id)
            return answer
    if form.is_submitted():
        return render_template("auth/forgot_password.html", form=form), 400
    return render_template("auth/forgot_password.html", form=form)


def _send_after_answering(answer: Response, message_id: int) -> None:
    """Send the link once the answer has gone out: a mail server's delay would otherwise
    tell an address with an account from one without (the send-mail job retries)."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]

    def send() -> None:
        with app.app_context():
            send_now(app, [message_id])

    answer.call_on_close(send)


@bp.get("/wachtwoord-vergeten/verstuurd")
def reset_requested() -> str:
    """Say what happens next, the same for every address."""
    return render_template("auth/reset_requested.html")


@bp.route("/wachtwoord-kiezen/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> Response | tuple[str, int] | str:
    """Choose a new password from an e-mailed link: opening it changes nothing (a mail
    scanner follows links), the form does, once; then every session of the account has
    ended, this browser's too, and its owner logs in with the new password."""
    try:
        reset = password_reset.find_reset(get_session(), token, utcnow())
    except LinkExpiredError:
        return render_template("auth/reset_password.html", expired=True), 410
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            with unit_of_work() as db:
                _user, notice_id = password_reset.reset_password(
                    db,
                    token,
                    form.password.data or "",
                    utcnow(),
                    reset_link=public_link("auth.forgot_password"),
                )
        except LinkExpiredError:
            return render_template("auth/reset_password.html", expired=True), 410
        except InputError as error:
            show_error(form, error)
        else:
            send_now(current_app._get_current_object(), [notice_id])  # type: ignore[attr-defined]
            logout_user()
            session.clear()
            flash(_l("Je wachtwoord is gewijzigd. Meld je aan met je nieuwe wachtwoord."))
            return redirect(url_for("auth.login"))
    status = 400 if form.is_submitted() else 200
    form.password.data = form.password_again.data = ""
    return render_template("auth/reset_password.html", form=form, reset=reset), status
