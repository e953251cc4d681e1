"""The pages' forms (WTForms via Flask-WTF, which adds the CSRF token to each), one module
per side of the product; what they share is in `common`."""

from web.forms.auth import LoginForm
from web.forms.common import (
    DATE,
    POSTCODE,
    REQUIRED,
    WHOLE_NUMBER,
    ButtonForm,
    CheckboxesField,
    Form,
    also_check,
    max_length,
    required,
    row_id,
    show_error,
    whole_number,
)
from web.forms.company import (
    AvailabilityForm,
    CompanyRegistrationForm,
    ContactForm,
    MentorChoiceForm,
    MentorForm,
    RecognitionRequestForm,
    SiteForm,
    TokenForm,
)
from web.forms.intake import OutcomeForm, SlotChoiceForm, in_belgium, moment_field
from web.forms.partnership import ApproveForm, ReasonForm

__all__ = [
    "DATE",
    "POSTCODE",
    "REQUIRED",
    "WHOLE_NUMBER",
    "ApproveForm",
    "AvailabilityForm",
    "ButtonForm",
    "CheckboxesField",
    "CompanyRegistrationForm",
    "ContactForm",
    "Form",
    "LoginForm",
    "MentorChoiceForm",
    "MentorForm",
    "OutcomeForm",
    "ReasonForm",
    "RecognitionRequestForm",
    "SiteForm",
    "SlotChoiceForm",
    "TokenForm",
    "also_check",
    "in_belgium",
    "max_length",
    "moment_field",
    "required",
    "row_id",
    "show_error",
    "whole_number",
]
