"""The login form."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    PasswordField,
)
from wtforms.validators import (
    Length,
)

from web.forms.common import required


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mailadres"), validators=[required(), Length(max=254)])
    password = PasswordField(_l("Wachtwoord"), validators=[required(), Length(max=200)])
