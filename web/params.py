"""Read and check query parameters; every failure is a `ParameterError` naming the field.

The API answers it as a 400 JSON error; the pages show it as a form message.
"""

import math
import re
from datetime import date

from flask import request


class ParameterError(ValueError):
    """A query parameter is missing, malformed or out of range."""

    def __init__(self, code: str, message: str, field: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


MAX_PARAM_LENGTH = 200
# ASCII only: Python's int() and float() also take "1_0" and other scripts' digits.
_INTEGER = re.compile(r"[+-]?[0-9]+")
_NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


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
    if not _INTEGER.fullmatch(value):
        raise ParameterError("invalid_parameter", f"{name} must be a whole number", name)
    number = int(value)
    if not minimum <= number <= maximum:
        raise ParameterError(
            "out_of_range", f"{name} must be between {minimum} and {maximum}", name
        )
    return number


def float_param(name: str, minimum: float, maximum: float) -> float | None:
    """Return a finite number parameter within [minimum, maximum], or None when absent."""
    value = _raw(name)
    if not value:
        return None
    if not _NUMBER.fullmatch(value):
        raise ParameterError("invalid_parameter", f"{name} must be a number", name)
    number = float(value)
    if not math.isfinite(number):
        raise ParameterError("invalid_parameter", f"{name} must be a finite number", name)
    if not minimum <= number <= maximum:
        raise ParameterError(
            "out_of_range", f"{name} must be between {minimum:g} and {maximum:g}", name
        )
    return number


def bool_param(name: str, default: bool) -> bool:
    """Return a boolean parameter given as true/false, 1/0, yes/no or on/off."""
    value = _raw(name)
    if not value:
        return default
    lowered = value.lower()
    if lowered in ("true", "1", "yes", "on"):
        return True
    if lowered in ("false", "0", "no", "off"):
        return False
    raise ParameterError("invalid_parameter", f"{name} must be true or false", name)


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
    if not value:
        return None
    try:
        if not _DATE.fullmatch(value):
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise ParameterError(
            "invalid_parameter", f"{name} must be a date YYYY-MM-DD", name
        ) from None
