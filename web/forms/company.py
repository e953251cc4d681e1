"""The company's forms: registration, contact, sites, recognitions, mentors, places, API keys."""

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Optional,
    Regexp,
    ValidationError,
)

from matcher import HOURS_PATTERNS, LANGUAGES, IntakePreferences
from web.forms.auth import new_password_fields
from web.forms.common import (
    DATE,
    POSTCODE,
    WHOLE_NUMBER,
    CheckboxesField,
    Form,
    max_length,
    required,
    row_id,
    whole_number,
)
from web.services.companies import DECLARATION_NEEDED, read_kbo
from web.services.errors import InputError
from web.services.places import MAX_INTAKE_AGE, MAX_PLACES, MIN_INTAKE_AGE
from web.vocabulary import HOURS_NAMES, LANGUAGE_NAMES, MONTH_NAMES, TRAINING_NAMES, lazy


def declaration(label: Any) -> BooleanField:
    return BooleanField(label, validators=[DataRequired(message=DECLARATION_NEEDED)])


class ContactForm(Form):
    """How students and schools reach the company (shown with its workplaces)."""

    email = EmailField(
        _l("E-mailadres voor leerlingen en scholen"), validators=[Optional(), max_length(254)]
    )
    phone = StringField(_l("Telefoon"), validators=[Optional(), max_length(40)])
    website = StringField(_l("Website"), validators=[Optional(), max_length(200)])


class CompanyRegistrationForm(ContactForm):
    name = StringField(_l("Naam van het bedrijf"), validators=[required(), max_length(200)])
    kbo_number = StringField(
        _l("Ondernemingsnummer (KBO)"),
        description=_l("10 cijfers, bijvoorbeeld 0403.170.701."),
        validators=[required(), max_length(20)],
    )
    n_employees = IntegerField(
        _l("Aantal werknemers"),
        validators=[Optional(), whole_number(0, 1_000_000)],
    )
    declares_activities = declaration(
        _l("We kunnen de activiteiten van de opleiding aanleren (de activiteitenlijst).")
    )
    declares_financial_capacity = declaration(_l("Ons bedrijf is financieel gezond."))
    declares_organisation = declaration(
        _l("We hebben de organisatie en de uitrusting om een leerling op te leiden.")
    )
    declares_no_convictions = declaration(
        _l("We zijn niet veroordeeld voor inbreuken op het arbeidsrecht of de sociale zekerheid.")
    )
    declares_commitments = declaration(
        _l("We stellen een mentor aan en begeleiden de leerling zoals afgesproken.")
    )
    user_email = EmailField(
        _l("Jouw e-mailadres (om aan te melden)"), validators=[required(), max_length(254)]
    )
    password, password_again = new_password_fields(
        _l("Kies een wachtwoord"), _l("Herhaal het wachtwoord")
    )

    def validate_kbo_number(self, field: StringField) -> None:
        try:
            read_kbo(field.data or "")
        except InputError as error:
            raise ValidationError(str(error.message)) from None


class SiteForm(Form):
    name = StringField(_l("Naam van de vestiging"), validators=[required(), max_length(200)])
    street = StringField(_l("Straat en huisnummer"), validators=[required(), max_length(200)])
    postcode = StringField(
        _l("Postcode"),
        description=_l("4 cijfers; de vestiging komt op de kaart in het midden van de gemeente."),
        validators=[
            required(),
            max_length(60),
            Regexp(POSTCODE, message=_l("Geef een postcode van 4 cijfers, bijvoorbeeld 8500.")),
        ],
    )


class RecognitionRequestForm(Form):
    site_id = SelectField(_l("Vestiging"), coerce=row_id, validate_choice=False)
    programme_id = SelectField(_l("Opleiding"), coerce=row_id, validate_choice=False)
    mentor_id = SelectField(
        _l("Mentor"),
        coerce=row_id,
        validate_choice=False,
        description=_l("Je kunt de mentor ook later kiezen."),
    )


class MentorChoiceForm(Form):
    mentor_id = SelectField(_l("Mentor"), coerce=row_id, validate_choice=False)


class MentorForm(Form):
    first_name = StringField(_l("Voornaam"), validators=[required(), max_length(80)])
    last_name = StringField(_l("Familienaam"), validators=[required(), max_length(80)])
    email = EmailField(_l("E-mailadres"), validators=[Optional(), max_length(254)])
    birth_date = DateField(_l("Geboortedatum"), validators=[InputRequired(message=DATE)])
    years_experience = IntegerField(
        _l("Jaren ervaring in het beroep"),
        validators=[InputRequired(message=WHOLE_NUMBER), whole_number(0)],
    )
    extract_596_2_shown_on = DateField(
        _l("Datum waarop het uittreksel uit het strafregister (model 596.2) getoond werd"),
        description=_l("We bewaren alleen deze datum, nooit het document zelf."),
        validators=[Optional()],
    )
    training_status = SelectField(
        _l("Mentoropleiding"),
        choices=[
            SelectChoice(s.value, lazy(label, capitalize=True))
            for s, label in TRAINING_NAMES.items()
        ],
    )


class AvailabilityForm(Form):
    n_places = IntegerField(
        _l("Plaatsen voor leerlingen"),
        validators=[InputRequired(message=WHOLE_NUMBER), whole_number(0, MAX_PLACES)],
    )
    n_free_places = IntegerField(
        _l("Waarvan nu vrij"),
        validators=[InputRequired(message=WHOLE_NUMBER), whole_number(0, MAX_PLACES)],
    )
    available_from = DateField(
        _l("Vrij vanaf"), description=_l("Leeg: nu al vrij."), validators=[Optional()]
    )
    min_age = IntegerField(
        _l("Minimumleeftijd"),
        description=_l("Leeg: geen voorkeur."),
        validators=[
            Optional(),
            whole_number(MIN_INTAKE_AGE, MAX_INTAKE_AGE),
        ],
    )
    start_months = CheckboxesField(
        _l("Start in"),
        coerce=int,
        choices=[SelectChoice(str(i + 1), lazy(name)) for i, name in enumerate(MONTH_NAMES)],
    )
    languages = CheckboxesField(
        _l("Talen die de leerling moet spreken"),
        choices=[SelectChoice(c, lazy(LANGUAGE_NAMES[c])) for c in LANGUAGES],
    )
    hours_pattern = SelectField(
        _l("Werkuren"),
        default="",
        choices=[
            SelectChoice("", _l("Geen voorkeur")),
            *(SelectChoice(p, lazy(HOURS_NAMES[p], capitalize=True)) for p in HOURS_PATTERNS),
        ],
    )
    first_interview_at_school = BooleanField(_l("Het eerste gesprek vindt plaats op school."))

    def intake_preferences(self) -> IntakePreferences:
        return IntakePreferences(
            min_age=self.min_age.data,
            start_months=frozenset(self.start_months.data or []),
            languages=frozenset(self.languages.data or []),
            hours_pattern=self.hours_pattern.data or None,
            first_interview_at_school=bool(self.first_interview_at_school.data),
        )


class TokenForm(Form):
    name = StringField(
        _l("Naam van de sleutel"),
        description=_l("Bijvoorbeeld het systeem dat ze gebruikt."),
        validators=[required(), max_length(80)],
    )
