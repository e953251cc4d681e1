"""Languages: Dutch first, English second (Flask-Babel).

The source strings in the templates are Dutch; `web/translations/en` holds English.
The language comes from `?lang=`, then from the `lang` cookie that choice sets, then
Dutch. The language switch keeps every other query parameter, so a search survives it.
"""

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from babel import Locale
from flask import Flask, Response, has_app_context, has_request_context, request
from flask_babel import Babel, format_date, gettext

from models.base import day_in_belgium
from web.config import get_settings
from web.services.messages import install_translator

LANGUAGES = ("nl", "en")
COOKIE = "lang"
LANGUAGE_KEY = "duaal.language"  # the request's language, in its WSGI environ


# Parsed once: Flask-Babel would parse the selector's answer again at every request.
_LOCALES = {language: Locale.parse(language) for language in LANGUAGES}


def select_locale() -> Locale:
    """Pick the locale of this request (Dutch for commands and jobs): Flask-Babel's."""
    return _LOCALES[page_language()]


def _asked_language() -> str:
    """`?lang=`, else the `lang` cookie that choice set, else Dutch."""
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        return str(asked)
    if COOKIE not in request.environ.get("HTTP_COOKIE", ""):  # no cookies to parse
        return "nl"
    remembered = request.cookies.get(COOKIE)
    return remembered if remembered in LANGUAGES else "nl"


def _remember_choice(response: Response) -> Response:
    # The language may come from the cookie: web/headers.py says so (Vary) in every answer.
    asked = request.args.get("lang")
    if asked in LANGUAGES and request.cookies.get(COOKIE) != asked:
        response.set_cookie(
            COOKIE,
            asked,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            httponly=True,
            secure=get_settings().is_production or request.is_secure,
        )
    return response


def page_language() -> str:
    """Return the language of the request ("nl" or "en"; Dutch for commands and jobs).

    Worked out once per request and kept with it (Flask-Babel's locale is made from
    it): a results page asks a dozen times, and Flask-Babel's `get_locale` costs a few
    of its globals' lookups each time. (Flask-Babel's `force_locale` does not change it.)
    """
    if not has_request_context():
        return "nl"
    environ = request.environ
    language: str | None = environ.get(LANGUAGE_KEY)
    if language is None:
        language = environ[LANGUAGE_KEY] = _asked_language()
    return language


def translate(msgid: str, params: Mapping[str, Any]) -> str:
    """Translate a service's message into the current language; dates in words."""
    if not has_app_context():
        return msgid % params if params else msgid
    values = {name: _shown(value) for name, value in params.items()}
    return str(gettext(msgid, **values))


def _shown(value: Any) -> Any:
    if isinstance(value, datetime):
        return format_date(day_in_belgium(value), format="long")
    if isinstance(value, date):
        return format_date(value, format="long")
    if isinstance(value, int | float):
        return value
    return str(value)  # a nested message, in the same language


def init_app(app: Flask) -> None:
    """Give the app its translations and remember a language choice in a cookie."""
    install_translator(translate)
    Babel(app, locale_selector=select_locale, default_translation_directories="translations")
    app.after_request(_remember_choice)
    app.context_processor(lambda: {"language": page_language()})
