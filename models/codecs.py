"""The JSON shapes of a company's intake preferences and a student's wishes: one codec each.

Both are stored as JSON and read back as the matcher's frozen types, so the rest of
the code never sees a dict: the column types below do the converting. Reading stored
JSON is lenient (what is malformed is left out, never an error on a page); reading
input (`strict=True`) refuses anything but the documented shape, naming the field.

Intake preferences: ``{"min_age": 16 | null, "start_months": [9, 2], "languages":
["nl"], "hours_pattern": "dag" | null, "first_interview_at_school": false}``.
A student's wishes: ``{"start_date": "2026-09-01" | null, "languages": ["nl", "fr"],
"hours_pattern": "dag" | null, "company_size": "klein" | null}`` (the age is not a
wish: it follows from the birth date).
"""

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import JSON, TypeDecorator
from sqlalchemy.engine import Dialect

from matcher import COMPANY_SIZES, HOURS_PATTERNS, LANGUAGES, IntakePreferences, StudentWishes

PREFERENCE_KEYS = (
    "min_age",
    "start_months",
    "languages",
    "hours_pattern",
    "first_interview_at_school",
)
WISH_KEYS = ("start_date", "languages", "hours_pattern", "company_size")


class ShapeError(ValueError):
    """Input that is not the documented JSON shape; `field` names where (a dotted path)."""

    def __init__(self, field: str) -> None:
        super().__init__(f"{field} does not have the documented shape")
        self.field = field


def intake_preferences_to_json(preferences: IntakePreferences) -> dict[str, Any]:
    """Write intake preferences in their stored and published JSON shape."""
    return {
        "min_age": preferences.min_age,
        "start_months": sorted(preferences.start_months),
        "languages": [code for code in LANGUAGES if code in preferences.languages],
        "hours_pattern": preferences.hours_pattern,
        "first_interview_at_school": preferences.first_interview_at_school,
    }


def intake_preferences_from_json(raw: object, *, strict: bool = False) -> IntakePreferences:
    """Read intake preferences; `strict` refuses what is not the documented shape."""
    values = _object(raw, "intake_preferences", PREFERENCE_KEYS, strict)
    min_age = values.get("min_age")
    if not (min_age is None or (_is_int(min_age) and 0 < min_age < 100)):
        _refuse(strict, "intake_preferences.min_age")
        min_age = None
    at_school = values.get("first_interview_at_school", False)
    if not isinstance(at_school, bool):
        _refuse(strict, "intake_preferences.first_interview_at_school")
        at_school = False
    return IntakePreferences(
        min_age=min_age,
        start_months=frozenset(
            _members(
                values.get("start_months"), range(1, 13), "intake_preferences.start_months", strict
            )
        ),
        languages=frozenset(
            _members(values.get("languages"), LANGUAGES, "intake_preferences.languages", strict)
        ),
        hours_pattern=_choice(
            values.get("hours_pattern"), HOURS_PATTERNS, "intake_preferences.hours_pattern", strict
        ),
        first_interview_at_school=at_school,
    )


def student_wishes_to_json(wishes: StudentWishes) -> dict[str, Any]:
    """Write a student's wishes in their stored JSON shape (the age is not stored)."""
    return {
        "start_date": wishes.start_date.isoformat() if wishes.start_date else None,
        "languages": [code for code in LANGUAGES if code in wishes.languages],
        "hours_pattern": wishes.hours_pattern,
        "company_size": wishes.company_size,
    }


def student_wishes_from_json(raw: object, *, strict: bool = False) -> StudentWishes:
    """Read a student's wishes; `strict` refuses what is not the documented shape."""
    values = _object(raw, "wishes", WISH_KEYS, strict)
    start = values.get("start_date")
    start_date: date | None = None
    if start is not None:
        try:
            start_date = date.fromisoformat(start) if isinstance(start, str) else None
        except ValueError:
            start_date = None
        if start_date is None:
            _refuse(strict, "wishes.start_date")
    return StudentWishes(
        start_date=start_date,
        languages=frozenset(
            _members(values.get("languages"), LANGUAGES, "wishes.languages", strict)
        ),
        hours_pattern=_choice(
            values.get("hours_pattern"), HOURS_PATTERNS, "wishes.hours_pattern", strict
        ),
        company_size=_choice(
            values.get("company_size"), COMPANY_SIZES, "wishes.company_size", strict
        ),
    )


class IntakePreferencesType(TypeDecorator[IntakePreferences]):
    """A JSON column read and written as `IntakePreferences`."""

    impl = JSON
    cache_ok = True

    def process_bind_param(
        self, value: IntakePreferences | None, dialect: Dialect
    ) -> dict[str, Any] | None:
        return None if value is None else intake_preferences_to_json(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> IntakePreferences:
        return intake_preferences_from_json(value)


class StudentWishesType(TypeDecorator[StudentWishes]):
    """A JSON column read and written as `StudentWishes` (without the age)."""

    impl = JSON
    cache_ok = True

    def process_bind_param(
        self, value: StudentWishes | None, dialect: Dialect
    ) -> dict[str, Any] | None:
        return None if value is None else student_wishes_to_json(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> StudentWishes:
        return student_wishes_from_json(value)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _refuse(strict: bool, field: str) -> None:
    if strict:
        raise ShapeError(field)


def _object(raw: object, name: str, keys: tuple[str, ...], strict: bool) -> Mapping[str, Any]:
    if raw is None and not strict:
        return {}
    if not isinstance(raw, Mapping):
        _refuse(strict, name)
        return {}
    unknown = sorted(set(raw) - set(keys))
    if unknown:
        _refuse(strict, f"{name}.{unknown[0]}")
    return raw


def _members(raw: object, allowed: Any, field: str, strict: bool) -> list[Any]:
    """A list whose items are all in `allowed`; null or absent is an empty list."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        _refuse(strict, field)
        return []
    # Booleans and floats compare equal to numbers (True == 1, 9.0 == 9): not members.
    kept = [item for item in raw if type(item) in (int, str) and item in allowed]
    if len(kept) != len(raw):
        _refuse(strict, field)
    return kept


def _choice(raw: object, allowed: tuple[str, ...], field: str, strict: bool) -> str | None:
    if raw is None:
        return None
    if raw not in allowed:
        _refuse(strict, field)
        return None
    return str(raw)
