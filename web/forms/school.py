"""The coach's forms: a student, a class list to import, and an intake proposal.

Fields check their shape; the services check the rules (web/services/student_import.py
for students, web/services/intakes.py for proposals).
"""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional, Regexp

from models.enums import IntakeLocation, Mobility
from web.forms.common import DATE, Form, required
from web.forms.intake import moment_field
from web.vocabulary import MOBILITY_NAMES, lazy

POSTCODE_DIGITS = _l("Geef een postcode van 4 cijfers, bijvoorbeeld 8500.")


class StudentForm(Form):
    """One student; the view fills in the programmes."""

    first_name = StringField(_l("Voornaam"), validators=[required(), Length(max=80)])
    last_name = StringField(_l("Familienaam"), validators=[required(), Length(max=80)])
    birth_date = DateField(_l("Geboortedatum"), validators=[InputRequired(message=DATE)])
    programme = SelectField(_l("Opleiding"), validate_choice=False, validators=[required()])
    home_postcode = StringField(
        _l("Postcode van het thuisadres"),
        description=_l("Suggesties vertrekken van hier; een bedrijf ziet dit nooit."),
        validators=[required(), Regexp(r"^\s*[0-9]{4}\s*$", message=POSTCODE_DIGITS)],
    )
    mobility = SelectField(
        _l("Verplaatst zich"),
        default=Mobility.BIKE.value,
        choices=[
            SelectChoice(m.value, lazy(MOBILITY_NAMES[m.value], capitalize=True)) for m in Mobility
        ],
    )
    is_ready_for_work = BooleanField(
        _l("De klassenraad gaf het advies dat de leerling arbeidsrijp is.")
    )
    lessons_start_date = DateField(
        _l("Start van de lessen"),
        description=_l("Niet verplicht. Vanaf deze dag lopen de 20 opleidingsdagen."),
        validators=[Optional()],
    )


class ImportForm(Form):
    """A class list as a CSV file (docs/students-csv.md)."""

    file = FileField(
        _l("CSV-bestand met de klas"),
        description=_l("UTF-8, met ; of , tussen de waarden, een kopregel bovenaan."),
        validators=[FileRequired(message=_l("Kies een bestand."))],
        render_kw={"accept": ".csv,text/csv"},
    )


LOCATION_NAMES = {
    IntakeLocation.SCHOOL: _l("Op school (aangeraden voor een eerste gesprek)"),
    IntakeLocation.COMPANY: _l("Bij het bedrijf"),
}


class ProposalForm(Form):
    """An intake proposal: one to three times, where, a note and a deadline."""

    slot_1 = moment_field(_l("Eerste moment"), is_required=True)
    slot_2 = moment_field(_l("Tweede moment (niet verplicht)"))
    slot_3 = moment_field(_l("Derde moment (niet verplicht)"))
    location = RadioField(
        _l("Waar"),
        default=IntakeLocation.SCHOOL.value,
        choices=[SelectChoice(place.value, label) for place, label in LOCATION_NAMES.items()],
    )
    location_note = StringField(
        _l("Waar precies (niet verplicht)"),
        description=_l("Bijvoorbeeld het lokaal, of bij wie het bedrijf zich aanmeldt."),
        validators=[Length(max=200)],
    )
    note = TextAreaField(
        _l("Bericht voor het bedrijf (niet verplicht)"),
        description=_l(
            "Het bedrijf leest dit bij het voorstel. Schrijf niets wat het niet mag weten, "
            "zoals een adres of een telefoonnummer van de leerling."
        ),
        validators=[Length(max=2000)],
    )
    respond_by = DateField(
        _l("Het bedrijf antwoordt uiterlijk op"), validators=[InputRequired(message=DATE)]
    )
