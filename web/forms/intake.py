"""Forms about an intake proposal that coach and company share: choosing one of the offered
times, and recording how the interview went. Times are entered in Belgian time."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from wtforms import DateTimeLocalField, RadioField, SelectChoice, SelectField, TextAreaField
from wtforms.validators import Length, Optional

from models.base import BELGIUM
from models.enums import IntakeOutcome
from web.forms.common import Form, required, row_id

MOMENT = _l("Geef een datum en een uur, bijvoorbeeld 2026-09-14 10:00.")
OUTCOME_NAMES = {
    IntakeOutcome.MATCH: _l("Match: we gaan verder met een overeenkomst"),
    IntakeOutcome.NO_MATCH: _l("Geen match"),
    IntakeOutcome.NOT_HELD: _l("Het gesprek ging niet door"),
}


def moment_field(label: object, is_required: bool = False) -> DateTimeLocalField:
    """A date and hour, as the browser's date-time picker gives it (no seconds)."""
    return DateTimeLocalField(
        label,
        format=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        validators=[required() if is_required else Optional()],
        render_kw={"step": 900},  # quarter hours
    )


def in_belgium(moment: datetime | None) -> datetime | None:
    """A time typed in a form (Belgian, without a zone) as an aware moment."""
    return None if moment is None else moment.replace(tzinfo=BELGIUM)


class SlotChoiceForm(Form):
    """Take one of the times on offer; the view fills in the choices."""

    slot_id = RadioField(
        _l("Moment"), coerce=row_id, validate_choice=False, validators=[required()]
    )


class OutcomeForm(Form):
    """How the interview went; a reason is asked for when it was no match."""

    # No outcome is chosen beforehand: one careless click must not record a match.
    outcome = SelectField(
        _l("Uitkomst"),
        choices=[
            SelectChoice("", _l("Kies hoe het gesprek ging")),
            *(SelectChoice(o.value, label) for o, label in OUTCOME_NAMES.items()),
        ],
        validators=[required()],
    )
    note = TextAreaField(
        _l("Toelichting (verplicht bij geen match)"), validators=[Length(max=2000)]
    )
