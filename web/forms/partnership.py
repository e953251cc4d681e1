"""The consultant's forms: narrowing the queue, finding a recognition, deciding on one."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import (
    Length,
    Optional,
    Regexp,
)

from web.forms.common import Form, required


class ApproveForm(Form):
    note = TextAreaField(
        _l("Opmerking voor het bedrijf (niet verplicht)"), validators=[Length(max=2000)]
    )
    grant_age_waiver = BooleanField(_l("Het partnerschap staat een mentor van 23 of 24 jaar toe."))


class ReasonForm(Form):
    reason = TextAreaField(
        _l("Reden (het bedrijf krijgt ze te zien)"), validators=[required(), Length(max=2000)]
    )


# The provinces where a site can be recognised (Flanders and Brussels, DOMAIN.md step
# 2), by the gazetteer's slug, as the consultant reads them.
PROVINCE_NAMES = {
    "antwerpen": _l("Antwerpen"),
    "brussel": _l("Brussel"),
    "limburg": _l("Limburg"),
    "oost-vlaanderen": _l("Oost-Vlaanderen"),
    "vlaams-brabant": _l("Vlaams-Brabant"),
    "west-vlaanderen": _l("West-Vlaanderen"),
}
PAGE = r"^[1-9][0-9]{0,5}$"
PAGE_NUMBER = _l("Geef een paginanummer vanaf 1.")


class PagedForm(Form):
    """A GET form whose list comes in pages: its link is the whole state."""

    class Meta:
        csrf = False

    pagina = StringField(_l("Pagina"), validators=[Optional(), Regexp(PAGE, message=PAGE_NUMBER)])

    def page(self) -> int:
        """The page asked for (after `validate`), the first when none: a blank one (" ")
        too, which `Optional` lets through unchecked."""
        return int((self.pagina.data or "").strip() or 1)


class QueueFilterForm(PagedForm):
    """Narrow the queue of requests."""

    opleiding = SelectField(_l("Opleiding"), validate_choice=False)
    provincie = SelectField(
        _l("Provincie van de vestiging"),
        choices=[
            SelectChoice("", _l("Alle provincies")),
            *(SelectChoice(slug, name) for slug, name in PROVINCE_NAMES.items()),
        ],
        validate_choice=False,
    )
    te_laat = BooleanField(_l("Alleen aanvragen die te laat zijn"))

    def validate_opleiding(self, field: SelectField) -> None:
        _one_of_the_choices(field, _l("Kies een opleiding uit de lijst."))

    def validate_provincie(self, field: SelectField) -> None:
        _one_of_the_choices(field, _l("Kies een provincie uit de lijst."))


class FindForm(PagedForm):
    """Find decided recognitions."""

    q = StringField(
        _l("Bedrijf, ondernemingsnummer, gemeente of postcode"),
        validators=[Length(max=100, message=_l("Houd de zoektekst onder 100 tekens."))],
    )


def _one_of_the_choices(field: SelectField, message: object) -> None:
    if field.data and field.data not in {str(choice.value) for choice in field.choices}:
        raise ValidationError(str(message))
