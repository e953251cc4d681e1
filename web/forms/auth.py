"""The forms to log in, to ask for a new password, and to choose one."""

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    EmailField,
    PasswordField,
)
from wtforms.validators import (
    EqualTo,
    Length,
)

from web.forms.common import Form, required
from web.services.accounts import MIN_PASSWORD_LENGTH


class LoginForm(Form):
    email = EmailField(_l("E-mailadres"), validators=[required(), Length(max=254)])
    password = PasswordField(_l("Wachtwoord"), validators=[required(), Length(max=200)])


class ForgotPasswordForm(Form):
    email = EmailField(_l("E-mailadres van je account"), validators=[required(), Length(max=254)])


def new_password_fields(label: str, again: str) -> tuple[Any, Any]:
    """A password to choose and the same typed again: one rule wherever one is chosen."""
    rule = _l("Minstens %(n)s tekens.", n=MIN_PASSWORD_LENGTH)
    return (
        PasswordField(
            label,
            description=rule,
            validators=[required(), Length(min=MIN_PASSWORD_LENGTH, max=200, message=rule)],
        ),
        PasswordField(
            again,
            validators=[
                required(),
                EqualTo("password", message=_l("De twee wachtwoorden verschillen.")),
            ],
        ),
    )


class NewPasswordForm(Form):
    password, password_again = new_password_fields(
        _l("Nieuw wachtwoord"), _l("Herhaal het nieuwe wachtwoord")
    )
