"""The coach's forms of a cohort allocation: which programme, which students, and which
lines become intake proposals on which terms (the proposal form's own fields)."""

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField, SelectMultipleField

from models.enums import IntakeLocation
from web.forms.common import Form, required, row_id
from web.forms.intake import in_belgium
from web.forms.school import ProposalForm
from web.services.allocation import ProposalTerms


class RowIdsField(SelectMultipleField):
    """Ticked rows by id; the page draws the checkboxes in its own table, the service
    checks that each id is one it may use."""

    def __init__(self, label: Any = None, message: Any = None, **kwargs: Any) -> None:
        super().__init__(label, validate_choice=False, **kwargs)
        self.message = message

    def process_formdata(self, valuelist: list[str]) -> None:
        try:
            self.data = [row_id(value) for value in valuelist]
        except ValueError:
            self.data = []
            raise ValueError(self.message) from None


class ProgrammeForm(Form):
    """Which programme's students to allocate (a GET form: nothing changes)."""

    class Meta:
        csrf = False

    opleiding = SelectField(_l("Opleiding"), validate_choice=False, validators=[required()])


class RunForm(Form):
    """Run an allocation for the ticked students of a programme."""

    programme = HiddenField(_l("Opleiding"), validators=[required()])
    students = RowIdsField(_l("Leerlingen"), message=_l("Kies leerlingen uit de lijst."))


class LinesProposalForm(ProposalForm):
    """The ticked lines of a run, and the proposal's terms that each of them gets."""

    lines = RowIdsField(_l("Leerlingen"), message=_l("Kies leerlingen uit de lijst."))

    def terms(self) -> ProposalTerms:
        """The terms as entered (after `validate`), the times in Belgian time."""
        times = (in_belgium(f.data) for f in (self.slot_1, self.slot_2, self.slot_3))
        return ProposalTerms(
            slots=tuple(moment for moment in times if moment is not None),
            location=IntakeLocation(self.location.data),
            location_note=self.location_note.data or "",
            note=self.note.data or "",
            respond_by=self.respond_by.data,
        )
