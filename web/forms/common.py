"""What every form shares: its wording, field helpers, and putting a service's refusal
at its field.

Fields check their own shape (a number, a date); the services check the domain rules,
and `show_error` puts a service's refusal next to the field it names (every one, when a
service finds several problems at once).

Every message the form library itself may show is worded here (`WORDING`), as the rest
of the pages speak: its own Dutch catalogue reads "Veld mag niet langer zijn dan 200
karakters.". A form that derives from `Form` shows these.
"""

from collections.abc import Callable
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.i18n import translations as library_translations
from wtforms import (
    SelectMultipleField,
)
from wtforms.validators import (
    DataRequired,
    Length,
    NumberRange,
)
from wtforms.widgets import CheckboxInput, ListWidget

from models.base import MAX_ID
from web.services.errors import InputError
from web.services.problems import each

REQUIRED = _l("Vul dit in.")
POSTCODE = r"\s*([0-9]{4})\b"  # "8500" or "8500 Kortrijk": the digits place the site
WHOLE_NUMBER = _l("Geef een geheel getal, bijvoorbeeld 3.")
DATE = _l("Geef een datum, bijvoorbeeld 2026-09-01.")
MOMENT = _l("Geef een datum en een uur, bijvoorbeeld 2026-09-01 10:00.")
NUMBER = _l("Geef een getal, bijvoorbeeld 24 of 24.5.")
CHOICE = _l("Kies een van de mogelijkheden.")
CHECK = _l("Controleer wat je hier invulde.")

# The library's own messages (msgids of WTForms 3), with the values it fills in.
WORDING: dict[str, Any] = {
    "This field is required.": REQUIRED,
    "Not a valid integer value.": WHOLE_NUMBER,
    "Not a valid decimal value.": NUMBER,
    "Not a valid float value.": NUMBER,
    "Not a valid date value.": DATE,
    "Not a valid datetime value.": MOMENT,
    "Not a valid time value.": _l("Geef een uur, bijvoorbeeld 10:00."),
    "Not a valid choice.": CHOICE,
    "Invalid Choice: could not coerce.": CHOICE,
    "'%(value)s' is not a valid choice for this field.": CHOICE,
    "'%(value)s' are not valid choices for this field.": CHOICE,
    "Invalid value, must be one of: %(values)s.": CHOICE,
    "Invalid value, can't be any of: %(values)s.": CHOICE,
    "Field cannot be longer than %(max)d character.": _l("Houd het op %(max)d tekens of minder."),
    "Field must be at least %(min)d character long.": _l("Gebruik minstens %(min)d tekens."),
    "Field must be exactly %(max)d character long.": _l("Gebruik precies %(max)d tekens."),
    "Field must be between %(min)d and %(max)d characters long.": _l(
        "Gebruik %(min)d tot %(max)d tekens."
    ),
    "Number must be at least %(min)s.": _l("Geef een getal van %(min)s of meer."),
    "Number must be at most %(max)s.": _l("Geef een getal van hoogstens %(max)s."),
    "Number must be between %(min)s and %(max)s.": _l("Geef een getal van %(min)s tot %(max)s."),
    "Date must be at least %(min)s.": _l("Geef een datum vanaf %(min)s."),
    "Date must be at most %(max)s.": _l("Geef een datum tot en met %(max)s."),
    "Date must be between %(min)s and %(max)s.": _l("Geef een datum van %(min)s tot %(max)s."),
    "Invalid email address.": _l("Geef een geldig e-mailadres."),
    "Field must be equal to %(other_name)s.": CHECK,
    "Invalid input.": CHECK,
}


class Wording:
    """The translations a `Form` gives WTForms: ours where we word a message, the
    library's catalogue for anything else."""

    def gettext(self, string: str) -> str:
        worded = WORDING.get(string)
        return str(library_translations.gettext(string) if worded is None else worded)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        worded = WORDING.get(singular)
        if worded is None:
            return str(library_translations.ngettext(singular, plural, n))
        return str(worded)


class Form(FlaskForm):
    """A form whose every message reads as the rest of the pages."""

    class Meta:
        def get_translations(self, form: Any) -> Wording:
            return Wording()


class WholeNumberRange(NumberRange):
    """A range that leaves a missing or unreadable number to the field's own message."""

    def __call__(self, form: Any, field: Any) -> None:
        if field.data is not None:
            super().__call__(form, field)


def whole_number(low: int, high: int | None = None) -> NumberRange:
    """A whole number from `low` (to `high`), saying so when it is not."""
    if high is None:
        message = _l("Geef een geheel getal van %(low)s of meer.", low=low)
    else:
        message = _l("Geef een geheel getal van %(low)s tot %(high)s.", low=low, high=high)
    return WholeNumberRange(min=low, max=high, message=message)


def max_length(most: int) -> Length:
    """At most `most` characters."""
    return Length(max=most, message=_l("Houd het op %(max)s tekens of minder.", max=most))


def row_id(value: Any) -> int:
    """Coerce a chosen id; one beyond what the database holds is no valid choice."""
    number = int(value)
    if not 0 <= number <= MAX_ID:
        raise ValueError("no such row")
    return number


def required() -> DataRequired:
    return DataRequired(message=REQUIRED)


class CheckboxesField(SelectMultipleField):
    """Several choices as a list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def show_error(form: FlaskForm, error: InputError, only_unmarked: bool = False) -> None:
    """Show a service's refusal at the field it names, or above the form: each one, when
    it found several. `only_unmarked`: leave out those at a field that shows an error
    already (the form's own check of the same value said it first)."""
    for one in each(error):
        name = one.field.rpartition(".")[2]
        field = form._fields.get(name)
        message = str(one.message)
        if field is None:
            form.form_errors.append(message)
        elif not (only_unmarked and field.errors):
            field.errors = [*field.errors, message]


def also_check(form: FlaskForm, check: Callable[..., object], *args: Any) -> None:
    """When the form refused some fields, run the service's own check on what it could
    read as well, so that every problem shows at once (not one more after each fix)."""
    try:
        check(*args)
    except InputError as error:
        show_error(form, error, only_unmarked=True)


class ButtonForm(Form):
    """A form that is only a button: it carries the CSRF token and nothing else."""
