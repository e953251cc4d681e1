"""Stencils: a macro rendered once with holes, filled per request with escaped values."""

import pytest
from flask import Flask
from jinja2 import DictLoader
from markupsafe import Markup

from web import create_app
from web.stencils import Stencil, stencil

TEMPLATES = {
    "card.html": (
        "{% macro card(name, link, note, big) %}"
        '<a href="{{ link }}" class="{{ \'big\' if big }}">{{ name }}</a>{ {{ note }} }'
        "{% endmacro %}"
        "{% macro shouting(name) %}{{ name|upper }}{% endmacro %}"
        "{% macro twice(name) %}{{ name }} {{ name }}{% endmacro %}"
        "{% macro greeting(name) %}{{ _('Hallo %(name)s', name=name) }}{% endmacro %}"
    )
}


@pytest.fixture
def app() -> Flask:
    app = create_app({"SECRET_KEY": "x", "DATABASE_URL": "sqlite://"})
    app.jinja_env.loader = DictLoader(TEMPLATES)
    return app


def card(app: Flask, **fixed: object) -> Stencil:
    with app.test_request_context("/"):
        return stencil("card.html", "card", ("name", "link", "note"), big=fixed.get("big", False))


def test_plain_text_is_escaped_and_markup_is_not(app: Flask) -> None:
    filled = card(app).fill(name='<b>"Vos" & Zn</b>', link="/w/1?a=1&b=2", note=Markup("<i>ok</i>"))
    assert filled == (
        '<a href="/w/1?a=1&amp;b=2" class="">&lt;b&gt;&#34;Vos&#34; &amp; Zn&lt;/b&gt;</a>'
        "{ <i>ok</i> }"
    )
    assert isinstance(filled, Markup)


def test_braces_in_values_and_in_the_template_stay_as_they_are(app: Flask) -> None:
    filled = card(app).fill(name="{0} {name}", link="", note="}{")
    assert filled == '<a href="" class="">{0} {name}</a>{ }{ }'


def test_fixed_arguments_make_stencils_of_their_own(app: Flask) -> None:
    assert 'class="big"' in card(app, big=True).fill(name="a", link="b", note="c")
    assert 'class=""' in card(app).fill(name="a", link="b", note="c")


def test_a_part_filled_stencil_leaves_the_other_holes_open(app: Flask) -> None:
    part = card(app).part_filled(name="Vos & Zn", note="x")
    assert part.holes == ("link",)
    assert part.fill(link="/a?b&c") == '<a href="/a?b&amp;c" class="">Vos &amp; Zn</a>{ x }'
    assert part.fill_safe("/a") == '<a href="/a" class="">Vos &amp; Zn</a>{ x }'


def test_a_kept_fill_is_the_same_html(app: Flask) -> None:
    stencil_ = card(app)
    first = stencil_.fill_kept(name="<a>", link="l", note="n")
    assert stencil_.fill_kept(name="<a>", link="l", note="n") is first
    assert first == stencil_.fill(name="<a>", link="l", note="n")


@pytest.mark.parametrize("macro", ["shouting", "twice"])
def test_a_hole_that_is_not_written_out_once_as_it_is_is_refused(app: Flask, macro: str) -> None:
    with app.test_request_context("/"), pytest.raises(ValueError, match="written out once"):
        stencil("card.html", macro, ("name",))


def test_each_language_has_its_stencil(app: Flask) -> None:
    with app.test_request_context("/?lang=en"):
        english = stencil("card.html", "greeting", ("name",)).fill(name="Mila")
    with app.test_request_context("/"):
        dutch = stencil("card.html", "greeting", ("name",)).fill(name="Mila")
    assert (dutch, english) == ("Hallo Mila", "Hello Mila")
