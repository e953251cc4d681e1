"""The forms about agreements and the training-day clock: drafting an agreement from a
match, ending one early, a school's own days off, and answering "uitgestroomd?".

Fields check their shape; web/services/agreements.py and school_days_off.py check the
rules and name the one that refuses.
"""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, FloatField, HiddenField, StringField, TextAreaField
from wtforms.validators import AnyOf, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import NumberInput

from web.forms.common import DATE, Form, required
from web.services.agreements import OAO_MAX_YEARS

HOURS = _l("Geef het aantal uren per week op de werkplek, bijvoorbeeld 24.")


class AgreementForm(Form):
    """The terms of an agreement; the view offers the DA choice only where it is allowed."""

    start_date = DateField(_l("Startdatum"), validators=[InputRequired(message=DATE)])
    end_date = DateField(
        _l("Einddatum"),
        description=_l("Een OAO duurt hoogstens %(n)s jaar.", n=OAO_MAX_YEARS),
        validators=[InputRequired(message=DATE)],
    )
    weekly_hours = FloatField(
        _l("Uren per week op de werkplek"),
        description=_l(
            "Het jaargemiddelde. Samen met de opleiding bepalen de uren het type van de "
            "overeenkomst."
        ),
        validators=[InputRequired(message=HOURS), NumberRange(min=0.5, max=40, message=HOURS)],
        widget=NumberInput(step="0.5", min=0.5, max=40),
    )
    wants_da = BooleanField(
        _l(
            "Een deeltijdse arbeidsovereenkomst (DA): de sector koos daarvoor onder de "
            "sociale Maribel."
        )
    )


class EndEarlyForm(Form):
    """Why and when a signed agreement ends before its end date; asked twice (`confirmed`)."""

    ended_on = DateField(
        _l("Laatste dag van de overeenkomst"), validators=[InputRequired(message=DATE)]
    )
    reason = TextAreaField(
        _l("Reden"),
        description=_l("De school en het bedrijf lezen dit."),
        validators=[required(), Length(max=2000)],
    )
    confirmed = HiddenField()


class DayOffForm(Form):
    """One day off of the school's own, or a stretch of them."""

    first_day = DateField(_l("Vrije dag"), validators=[InputRequired(message=DATE)])
    last_day = DateField(
        _l("Tot en met (niet verplicht)"),
        description=_l("Voor meer dagen na elkaar; zaterdag en zondag tellen niet mee."),
        validators=[Optional()],
    )
    reason = StringField(
        _l("Waarom (niet verplicht)"),
        description=_l("Bijvoorbeeld: pedagogische studiedag."),
        validators=[Length(max=120)],
    )


class TimeUpForm(Form):
    """The coach's answer to "uitgestroomd?": the pressed button says which."""

    decision = StringField(validators=[AnyOf(["leaves", "stays"])])
