"""The company's answers to intake proposals, its announcements, and the words for both.

Choosing one of the coach's times and recording the outcome are the shared forms of
`web.forms.intake`; here are declining (with a reason, confirmed by a checkbox, so a
slip of the finger cannot decline), offering other times, and announcing a free place.
"""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, RadioField, SelectChoice, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    ValidationError,
)

from models.enums import DeclineReason, IntakeOutcome, IntakeStatus
from web.forms.common import WHOLE_NUMBER, Form, required
from web.forms.intake import moment_field
from web.services.announcements import (
    DEFAULT_RADIUS_KM,
    MAX_MESSAGE,
    MAX_RADIUS_KM,
    MIN_RADIUS_KM,
)
from web.services.intakes import MAX_NOTE

DECLINE_NAMES = {
    DeclineReason.NO_PLACE: _l("Geen vrije plaats meer"),
    DeclineReason.PROFILE: _l("Het profiel past niet"),
    DeclineReason.TIMING: _l("De startdatum past niet"),
    DeclineReason.OTHER: _l("Andere reden"),
}
# Where a proposal stands, as the company reads it.
STATUS_NAMES = {
    IntakeStatus.PROPOSED: _l("wacht op je antwoord"),
    IntakeStatus.COUNTERED: _l("andere momenten voorgesteld: de school kiest"),
    IntakeStatus.ACCEPTED: _l("gesprek gepland"),
    IntakeStatus.DECLINED: _l("afgewezen"),
    IntakeStatus.EXPIRED: _l("verlopen: niet op tijd beantwoord"),
    IntakeStatus.WITHDRAWN: _l("ingetrokken door de school"),
    IntakeStatus.FULL: _l("gesloten: de werkplek is volzet"),
}
# An accepted interview once its outcome is known (issue: a match leads to an agreement).
OUTCOME_STATUS_NAMES = {
    IntakeOutcome.MATCH: _l("match: overeenkomst volgt"),
    IntakeOutcome.NO_MATCH: _l("geen match"),
    IntakeOutcome.NOT_HELD: _l("het gesprek ging niet door"),
}


class DeclineForm(Form):
    """Decline a proposal: a reason from the list, a note (required for another reason)."""

    reason = RadioField(
        _l("Waarom past het niet?"),
        choices=[SelectChoice(reason.value, label) for reason, label in DECLINE_NAMES.items()],
        validators=[InputRequired(message=_l("Kies een reden."))],
    )
    company_note = TextAreaField(
        _l("Toelichting voor de school"),
        description=_l("Verplicht bij een andere reden. De trajectbegeleider leest dit."),
        validators=[Length(max=MAX_NOTE)],
    )
    confirm = BooleanField(
        _l("Ja, ik wijs dit voorstel af."),
        validators=[DataRequired(message=_l("Vink aan dat je het voorstel afwijst."))],
    )

    def validate_company_note(self, field: TextAreaField) -> None:
        # The service says the same; asking here too shows it beside the other errors.
        if self.reason.data == DeclineReason.OTHER and not (field.data or "").strip():
            raise ValidationError(_l("Zeg kort waarom het niet past."))


class CounterForm(Form):
    """Offer one to three other times, with a note for the coach."""

    slot_1 = moment_field(_l("Moment 1"), is_required=True)
    slot_2 = moment_field(_l("Moment 2 (mag leeg)"))
    slot_3 = moment_field(_l("Moment 3 (mag leeg)"))
    note = TextAreaField(
        _l("Bericht voor de school"),
        description=_l("Bijvoorbeeld waarom de voorgestelde momenten niet passen."),
        validators=[Length(max=MAX_NOTE)],
    )


class AnnounceForm(Form):
    """Tell the schools nearby that a workplace has a free place."""

    message = TextAreaField(
        _l("Bericht voor de scholen"),
        description=_l(
            "Hoogstens %(n)s tekens: wat de leerling doet, wanneer de plaats vrij is.",
            n=MAX_MESSAGE,
        ),
        validators=[required(), Length(max=MAX_MESSAGE)],
    )
    radius_km = IntegerField(
        _l("Scholen binnen (km)"),
        default=int(DEFAULT_RADIUS_KM),
        description=_l(
            "Van %(low)s tot %(high)s km rond de vestiging.",
            low=int(MIN_RADIUS_KM),
            high=int(MAX_RADIUS_KM),
        ),
        validators=[
            InputRequired(message=WHOLE_NUMBER),
            NumberRange(
                min=MIN_RADIUS_KM,
                max=MAX_RADIUS_KM,
                message=_l(
                    "Kies een afstand van %(low)s tot %(high)s km.",
                    low=int(MIN_RADIUS_KM),
                    high=int(MAX_RADIUS_KM),
                ),
            ),
        ],
    )
