"""A page's own gettext and ngettext (web.filters.page_words) say what Flask-Babel says,
and the number filter writes what Babel writes."""

from collections.abc import Iterator

import pytest
from flask import Flask
from flask_babel import format_decimal, lazy_gettext
from markupsafe import Markup

from web import create_app
from web.filters import number, page_words

TEMPLATES = (
    "{{ _('Zoek opnieuw') }}",
    "{{ gettext('Vorige') }}",
    "{{ _('match %(pct)s%%', pct=87) }}",
    "{{ _('match %(pct)s%%', pct=87.0) }}",
    "{{ _('Werkplekken voor %(programme)s', programme=name) }}",
    "{{ _('Werkplekken voor %(programme)s', programme=safe) }}",
    "{{ _('Werkplekken voor %(programme)s', programme=lazy) }}",
    "{{ ngettext('%(num)s vrije plaats', '%(num)s vrije plaatsen', 1) }}",
    "{{ ngettext('%(num)s vrije plaats', '%(num)s vrije plaatsen', 3) }}",
    "{{ ngettext('%(num)s werkplek binnen %(km)s km van %(place)s', "
    "'%(num)s werkplekken binnen %(km)s km van %(place)s', 2, km='2,5', place=name) }}",
    "{{ _('Een zin die niet vertaald is: 100%%') }}",
    "{% set why = _('Waarom deze werkplek') %}<ul aria-label=\"{{ why }}\"></ul>",
)


@pytest.fixture(scope="module")
def app() -> Flask:
    return create_app({"DUAAL_ENV": "test", "SECRET_KEY": "x", "DATABASE_URL": "sqlite://"})


@pytest.fixture(params=["nl", "en"])
def language(app: Flask, request: pytest.FixtureRequest) -> Iterator[str]:
    with app.test_request_context(f"/?lang={request.param}"):
        yield request.param


@pytest.mark.parametrize("source", TEMPLATES)
def test_a_page_says_what_flask_babel_says(app: Flask, language: str, source: str) -> None:
    template = app.jinja_env.from_string(source)
    values = {
        "name": "Bakker & <Zonen>",
        "safe": Markup("<em>Elektro</em>"),
        "lazy": lazy_gettext("Vorige"),
    }
    expected = template.render(**values)
    words = page_words()
    assert template.render(**values, **words) == expected
    assert template.render(**values, **words) == expected  # said again, from memory


def test_equal_values_of_another_type_are_not_mixed_up(app: Flask) -> None:
    with app.test_request_context("/"):
        words = page_words()
        assert words["_"]("match %(pct)s%%", pct=1) == "match 1%"
        assert words["_"]("match %(pct)s%%", pct=1.0) == "match 1.0%"
        assert words["_"]("match %(pct)s%%", pct=True) == "match True%"
        assert words["_"]("match %(pct)s%%", pct="<b>") == "match &lt;b&gt;%"
        assert words["_"]("match %(pct)s%%", pct=Markup("<b>")) == "match <b>%"


@pytest.mark.parametrize("value", [0, 7, 999, 1000, 25063, 1234567, -4321])
def test_number_writes_what_babel_writes(app: Flask, language: str, value: int) -> None:
    assert number(value) == format_decimal(value, format="#,##0")
