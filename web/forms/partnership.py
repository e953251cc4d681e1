"""The consultant's forms: deciding on a recognition."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    TextAreaField,
)
from wtforms.validators import (
    Length,
)

from web.forms.common import required


class ApproveForm(FlaskForm):
    note = TextAreaField(
        _l("Opmerking voor het bedrijf (niet verplicht)"), validators=[Length(max=2000)]
    )
    grant_age_waiver = BooleanField(_l("Het partnerschap staat een mentor van 23 of 24 jaar toe."))


class ReasonForm(FlaskForm):
    reason = TextAreaField(
        _l("Reden (het bedrijf krijgt ze te zien)"), validators=[required(), Length(max=2000)]
    )
