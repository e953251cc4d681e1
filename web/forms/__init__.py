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
    required,
    row_id,
    show_error,
)
from web.forms.company import (
    AvailabilityForm,
    CompanyRegistrationForm,
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
    "LoginForm",
    "MentorChoiceForm",
    "MentorForm",
    "OutcomeForm",
    "ReasonForm",
    "RecognitionRequestForm",
    "SiteForm",
    "SlotChoiceForm",
    "TokenForm",
    "in_belgium",
    "moment_field",
    "required",
    "row_id",
    "show_error",
]
