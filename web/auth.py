"""Who is asking: login sessions for the pages, bearer tokens for the API, CSRF for forms.

Every party sees only its own. Views ask for a role with `role_required` and hand the
signed-in party (`me()`) to the services, which look every row up through it
(`web/services/policy.py`), so another party's id answers 404, never its data.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Flask, Request, Response, abort, current_app, request, session, url_for
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface, SessionMixin
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, UserMixin, current_user, login_user
from flask_wtf.csrf import CSRFProtect

from models import User
from models.base import utcnow
from models.enums import Role
from web.config import get_settings
from web.db import get_session, unit_of_work
from web.services import accounts
from web.services.policy import Party

login_manager = LoginManager()
csrf = CSRFProtect()

View = TypeVar("View", bound=Callable[..., Any])


@dataclass(frozen=True)
class SignedIn(Party, UserMixin):  # type: ignore[misc]
    """The signed-in user as the views need it: the party it acts for, and its address;
    detached from any database session."""

    email: str = ""

    def get_id(self) -> str:
        return str(self.user_id)


# The session cookie holds the login session's token under this key; the table holds
# its digest (models.access.LoginSession), so the server can end it.
SESSION_TOKEN = "login"  # noqa: S105 (a key in the cookie, not a secret)


class CookieSessions(SecureCookieSessionInterface):
    """Flask's signed cookie sessions, with nothing to verify when a request brings no
    session cookie (most searches and API calls): Flask would build its signer first."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        # The cookies are parsed only when the header may hold the session's.
        raw = request.environ.get("HTTP_COOKIE", "")
        name = self.get_cookie_name(app)
        if name not in raw or name not in request.cookies:
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        # An empty session that was not emptied sets and deletes no cookie: only Flask's
        # `Vary: Cookie` would be left, and every answer has it already (web/headers.py).
        if session or session.modified:
            super().save_session(app, session, response)


def init_app(app: Flask) -> None:
    """Protect every form against CSRF and load the signed-in user from the session."""
    app.session_interface = CookieSessions()
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Meld je aan om deze pagina te zien.")
    login_manager.login_message_category = "info"
    login_manager.user_loader(load_user)
    app.before_request(_check_session)
    app.before_request(_check_form)


def load_user(user_id: str) -> SignedIn | None:
    """Return the user of a login session that still runs, or None (anonymous)."""
    token = session.get(SESSION_TOKEN)
    if not user_id.isdigit() or not isinstance(token, str):
        return None
    limits = get_settings().sessions
    now = utcnow()
    found = accounts.find_session(
        get_session(),
        int(user_id),
        token,
        now,
        accounts.SessionLimits(
            idle=timedelta(hours=limits.idle_hours), lifetime=timedelta(days=limits.max_days)
        ),
    )
    if found is None:
        return None
    user, login_session = found
    if now - login_session.last_seen_at > accounts.SESSION_TOUCH:
        with unit_of_work() as db:
            accounts.touch_session(db, login_session.id, now)
    return signed_in(user)


def sign_in(user: User, token: str) -> None:
    """Log a user in on this browser with a login session's token: a fresh cookie, so
    nothing of the session before carries over."""
    session.clear()
    session[SESSION_TOKEN] = token
    login_user(signed_in(user))


def _check_session() -> None:
    """Look the session up before the view runs; one that ended leaves no cookie behind."""
    if "_user_id" not in session:
        # Nobody is signed in (most searches and API calls): Flask-Login would still
        # hash the address and browser for its session protection, and look for a
        # remember-me cookie, which this app never sets.
        login_manager._update_request_context_with_user()
    elif not current_user.is_authenticated:
        session.clear()


def _check_form() -> None:
    """Check the CSRF token of a request that may change something (a form's POST).

    Flask-WTF's own check (off: WTF_CSRF_CHECK_DEFAULT) looks up the view's exemptions
    before the method, at every request: a search's too."""
    config = current_app.config
    if request.method in config["WTF_CSRF_METHODS"] and config["WTF_CSRF_ENABLED"]:
        csrf.protect(apply_exemptions=True)


def signed_in(user: User) -> SignedIn:
    """Copy what the views need of a user row."""
    return SignedIn(
        user_id=user.id,
        email=user.email,
        role=Role(user.role),
        company_id=user.company_id,
        school_id=user.school_id,
        student_id=user.student_id,
        partnership_id=user.partnership_id,
    )


def me() -> SignedIn:
    """Return the signed-in user (only inside a view guarded by `role_required`)."""
    return cast(SignedIn, current_user._get_current_object())


def role_required(*roles: Role) -> Callable[[View], View]:
    """Let only signed-in users with one of `roles` in: others log in first, or get 403."""

    def decorator(view: View) -> View:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if me().role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return cast(View, guarded)

    return decorator


def home_of(user: SignedIn) -> str:
    """Return the page a user lands on after logging in."""
    if user.role is Role.COMPANY:
        return url_for("company.dashboard")
    if user.role is Role.CONSULTANT:
        return url_for("partnership.queue")
    if user.role is Role.ADMIN:
        return url_for("admin.jobs")
    if user.role is Role.SCHOOL_STAFF:
        return url_for("school.dashboard")
    return url_for("search.home")


def bearer_token() -> str | None:
    """Return the token of an `Authorization: Bearer ...` header, or None."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None
