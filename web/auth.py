"""Who is asking: login sessions for the pages, bearer tokens for the API, CSRF for forms.

Every party sees only its own. Views ask for a role with `role_required` and hand the
signed-in party (`me()`) to the services, which look every row up through it
(`web/services/policy.py`), so another party's id answers 404, never its data.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Flask, abort, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, UserMixin, current_user
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import select

from models import User
from models.enums import Role
from web.db import get_session
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


def init_app(app: Flask) -> None:
    """Protect every form against CSRF and load the signed-in user from the session."""
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Meld je aan om deze pagina te zien.")
    login_manager.login_message_category = "info"
    login_manager.user_loader(load_user)


def load_user(user_id: str) -> SignedIn | None:
    """Return the active user of a session, or None (the session then counts as anonymous)."""
    if not user_id.isdigit():
        return None
    user = get_session().scalar(select(User).where(User.id == int(user_id), User.is_active))
    return None if user is None else signed_in(user)


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
    return url_for("search.home")


def bearer_token() -> str | None:
    """Return the token of an `Authorization: Bearer ...` header, or None."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None
