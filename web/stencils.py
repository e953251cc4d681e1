"""Parts of pages rendered once with holes, and filled per request.

A results page writes the same card twenty times, and Jinja pays for every value it
writes out (an escape and a new Markup each, in Python): rendering the cards cost more
than finding them. A stencil renders a template's macro once, with a marker in each
hole, and keeps the text around the holes; filling it joins that text with the values,
escaped. The HTML stays in the template.

A hole must be written out as it is: no filter, test or condition may look at it (it
would see the marker). What a macro decides from its arguments belongs in the
stencil's key instead (`stencil(..., compact=True)`): each set of fixed arguments has a
stencil of its own, kept per language, so fixed arguments must come from a small set of
known values, never straight from a URL.
"""

from collections.abc import Hashable
from typing import Any

from flask import Flask, current_app, request
from markupsafe import Markup, escape

from web.i18n import page_language

EXTENSION_KEY = "duaal_stencils"
MAX_KEPT = 10_000  # fills kept per stencil; past this the memory starts afresh
MARK = "\x00"  # refused in every request (web/headers.py), so never in a filled value


class Stencil:
    """HTML with named holes; `fill` gives the HTML for values."""

    def __init__(self, texts: tuple[str, ...], holes: tuple[str, ...]) -> None:
        self.texts = texts  # one more than the holes: text, hole, text, ..., text
        self.holes = holes
        # str.format fills the holes in one call; braces in the text are doubled.
        self._format = "{}".join(text.replace("{", "{{").replace("}", "}}") for text in texts)
        self._filled: dict[tuple[str, ...], Markup] = {}

    @classmethod
    def of_macro(cls, macro: Any, holes: tuple[str, ...], fixed: dict[str, Any]) -> "Stencil":
        """Render `macro` with the `fixed` arguments and a marker in each hole."""
        markers = {name: Markup(f"{MARK}{name}{MARK}") for name in holes}  # noqa: S704
        pieces = str(macro(**markers, **fixed)).split(MARK)
        texts, found = tuple(pieces[::2]), tuple(pieces[1::2])
        if sorted(found) != sorted(holes):
            raise ValueError(f"each hole must be written out once, as it is: {holes}, {found}")
        return cls(texts, found)

    def fill(self, **values: str) -> Markup:
        """The HTML with `values` in their holes: plain text is escaped, Markup is not."""
        safe = [_safe(values[name]) for name in self.holes]
        return Markup(self._format.format(*safe))  # noqa: S704  # the template's text, escaped values

    def fill_safe(self, *values: str) -> str:
        """The HTML, as a plain str, with `values`, HTML already, in the holes' order
        (`holes`): for a caller that fills many and escapes what it puts in."""
        return self._format.format(*values)

    def fill_kept(self, **values: str) -> Markup:
        """`fill`, remembered for values that come back (a reason said on many cards)."""
        key = tuple(values.values())
        filled = self._filled.get(key)
        if filled is None:
            if len(self._filled) >= MAX_KEPT:
                self._filled = {}
            filled = self._filled[key] = self.fill(**values)
        return filled

    def part_filled(self, **values: str) -> "Stencil":
        """A stencil with `values` in their holes and the other holes left open."""
        texts, holes = [self.texts[0]], []
        for name, text in zip(self.holes, self.texts[1:], strict=True):
            if name in values:
                texts[-1] = "".join((texts[-1], _safe(values[name]), text))  # plain str
            else:
                holes.append(name)
                texts.append(text)
        return Stencil(tuple(texts), tuple(holes))


def _safe(value: str) -> str:
    return value if isinstance(value, Markup) else escape(value)


def stencil(template: str, macro: str, holes: tuple[str, ...], **fixed: Hashable) -> Stencil:
    """The stencil of `macro` in `template` for the page's language and the `fixed`
    arguments, made at first use."""
    # Where the app is mounted too: a stencil may hold links.
    key = (template, macro, holes, page_language(), request.script_root, *fixed.items())
    kept: dict[Hashable, Stencil] = current_app.extensions[EXTENSION_KEY]
    made = kept.get(key)
    if made is None:
        module = current_app.jinja_env.get_template(template).module
        made = kept[key] = Stencil.of_macro(getattr(module, macro), holes, fixed)
    return made


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION_KEY] = {}
