"""What every form shares: field helpers, and putting a service's refusal at its field.

Fields check their own shape (a number, a date); the services check the domain rules,
and `show_error` puts a service's refusal next to the field it names.
"""

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    SelectMultipleField,
)
from wtforms.validators import (
    DataRequired,
)
from wtforms.widgets import CheckboxInput, ListWidget

from models.base import MAX_ID
from web.services.errors import InputError

REQUIRED = _l("Vul dit in.")
POSTCODE = r"\s*([0-9]{4})\b"  # "8500" or "8500 Kortrijk": the digits place the site
WHOLE_NUMBER = _l("Geef een geheel getal.")
DATE = _l("Geef een datum, bijvoorbeeld 2026-09-01.")


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


def show_error(form: FlaskForm, error: InputError) -> None:
    """Show a service's refusal at the field it names, or above the form."""
    name = error.field.rpartition(".")[2]
    field = form._fields.get(name)
    message = str(error.message)
    if field is None:
        form.form_errors.append(message)
    else:
        field.errors = [*field.errors, message]


class ButtonForm(FlaskForm):
    """A form that is only a button: it carries the CSRF token and nothing else."""
