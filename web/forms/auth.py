"""The forms to log in, to ask for a new password, and to choose one."""

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


class NewPasswordForm(Form):
    password = PasswordField(
        _l("Nieuw wachtwoord"),
        description=_l("Minstens %(n)s tekens.", n=MIN_PASSWORD_LENGTH),
        validators=[
            required(),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=200,
                message=_l("Minstens %(n)s tekens.", n=MIN_PASSWORD_LENGTH),
            ),
        ],
    )
    password_again = PasswordField(
        _l("Herhaal het nieuwe wachtwoord"),
        validators=[
            required(),
            EqualTo("password", message=_l("De twee wachtwoorden verschillen.")),
        ],
    )
