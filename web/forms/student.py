"""The signed-in student's one form: marking a workplace as *Interessant*, or not."""

from wtforms import HiddenField
from wtforms.validators import AnyOf

from web.forms.common import Form

# The pages the button stands on, where the student goes back to after pressing it.
BACK_TO = ("werkplek", "resultaten", "overzicht")


class InterestForm(Form):
    """What the student wants ("ja": marked, "nee": not), not a flip: pressing twice, or
    in two tabs, gives the same answer."""

    interested = HiddenField(validators=[AnyOf(("ja", "nee"))])
    back = HiddenField(validators=[AnyOf(BACK_TO)])
