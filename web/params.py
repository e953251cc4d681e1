"""Read and check query parameters; every failure is a `ParameterError` naming the field.

The `parse_*` functions read one value as it is written in a query string, the same way
for the pages and the JSON API (whose pydantic types call them, web/api/schemas.py).
The `*_param` functions read the current request for the pages, where a blank value
is the same as a missing one; the API refuses a blank value like any other bad one.
The app's `Request` holds its query string and form as `Parameters`.
"""

import math
import re
from datetime import date
from typing import Any

from flask import Request as FlaskRequest
from flask import request
from werkzeug.datastructures import ImmutableMultiDict


class ParameterError(ValueError):
    """A query parameter is missing, malformed or out of range."""

    def __init__(self, code: str, message: str, field: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


MAX_PARAM_LENGTH = 200
TRUE_WORDS = ("true", "1", "yes", "on")
FALSE_WORDS = ("false", "0", "no", "off")
# ASCII only: Python's int() and float() also take "1_0" and other scripts' digits.
_INTEGER = re.compile(r"[+-]?[0-9]+")
_NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")
# date.fromisoformat also takes "20270201" and week dates: the API documents YYYY-MM-DD.
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def is_digits(text: str) -> bool:
    """Whether `text` is digits 0-9 and nothing else: `str.isdigit` also takes "²" and
    other scripts' digits, which `int()` refuses or reads as another number."""
    return text.isascii() and text.isdigit()


def parse_int(name: str, text: str) -> int:
    """Read a whole number written in ASCII digits."""
    if not _INTEGER.fullmatch(text):
        raise ParameterError("invalid_parameter", f"{name} must be a whole number", name)
    if len(text) > MAX_PARAM_LENGTH:  # int() refuses thousands of digits, and no range needs them
        raise ParameterError("invalid_parameter", f"{name} is too long", name)
    return int(text)


def parse_float(name: str, text: str) -> float:
    """Read a finite number written in ASCII digits (no "inf", "nan" or "1_0")."""
    if not _NUMBER.fullmatch(text):
        raise ParameterError("invalid_parameter", f"{name} must be a number", name)
    number = float(text)
    if not math.isfinite(number):
        raise ParameterError("invalid_parameter", f"{name} must be a finite number", name)
    return number


def parse_bool(name: str, text: str) -> bool:
    """Read true/false, 1/0, yes/no or on/off, in any case."""
    lowered = text.lower()
    if lowered in TRUE_WORDS:
        return True
    if lowered in FALSE_WORDS:
        return False
    raise ParameterError("invalid_parameter", f"{name} must be true or false", name)


def parse_date(name: str, text: str) -> date:
    """Read a date written YYYY-MM-DD."""
    try:
        if not _DATE.fullmatch(text):
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise ParameterError(
            "invalid_parameter", f"{name} must be a date YYYY-MM-DD", name
        ) from None


def check_range(name: str, number: float, minimum: float, maximum: float) -> None:
    """Refuse a number outside [minimum, maximum]."""
    if not minimum <= number <= maximum:
        raise ParameterError(
            "out_of_range", f"{name} must be between {minimum:g} and {maximum:g}", name
        )


def _raw(name: str) -> str | None:
    value = request.args.get(name)
    if value is None:
        return None
    value = value.strip()
    if len(value) > MAX_PARAM_LENGTH:
        raise ParameterError("invalid_parameter", f"{name} is too long", name)
    return value


def string_param(name: str, *, required: bool = False) -> str | None:
    """Return a trimmed string parameter; missing or blank is None unless required."""
    value = _raw(name)
    if not value:
        if required:
            raise ParameterError("missing_parameter", f"{name} is required", name)
        return None
    return value


def int_param(name: str, default: int, minimum: int, maximum: int) -> int:
    """Return an integer parameter within [minimum, maximum]."""
    value = _raw(name)
    if not value:
        return default
    number = parse_int(name, value)
    check_range(name, number, minimum, maximum)
    return number


def float_param(name: str, minimum: float, maximum: float) -> float | None:
    """Return a finite number parameter within [minimum, maximum], or None when absent."""
    value = _raw(name)
    if not value:
        return None
    number = parse_float(name, value)
    check_range(name, number, minimum, maximum)
    return number


def bool_param(name: str, default: bool) -> bool:
    """Return a boolean parameter given as true/false, 1/0, yes/no or on/off."""
    value = _raw(name)
    return parse_bool(name, value) if value else default


def choice_param(name: str, choices: tuple[str, ...]) -> str | None:
    """Return a parameter that must be one of `choices`, or None when absent."""
    value = _raw(name)
    if not value:
        return None
    if value not in choices:
        raise ParameterError(
            "invalid_parameter", f"{name} must be one of {', '.join(choices)}", name
        )
    return value


def date_param(name: str) -> date | None:
    """Return a date parameter given as YYYY-MM-DD, or None when absent."""
    value = _raw(name)
    return parse_date(name, value) if value else None


class Parameters(ImmutableMultiDict[str, str]):
    """A query string or form. werkzeug's `get` looks a key up by raising and catching
    a BadRequestKeyError (an HTTP exception, description and all) when it is absent, and
    a search page asks for a dozen parameters it was not given."""

    # werkzeug's signature, `type` and all.
    def get(self, key: str, default: Any = None, type: Any = None) -> Any:  # type: ignore[override]
        if key not in self:
            return default
        return super().get(key, default, type)


class Request(FlaskRequest):
    parameter_storage_class = Parameters
