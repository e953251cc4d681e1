"""PUT /api/v1/recognitions/<id>/availability: a company's own system keeps its places current.

Authenticated by a bearer token the company made on its pages; a token only reaches its
own company's recognitions (another's answers 404, as if it did not exist).
"""

import re
from datetime import date
from typing import Any

from flask import Response, jsonify, request
from flask_babel import force_locale

from models import Recognition
from models.base import day_in_belgium, utcnow
from models.codecs import intake_preferences_to_json
from models.rules import is_available_now
from web.api.blueprint import bp
from web.api.errors import ApiError
from web.auth import bearer_token
from web.config import get_settings
from web.db import unit_of_work
from web.services import places, tokens
from web.services.errors import InputError, NotFoundError, NotRecognisedError
from web.services.recognitions import find_recognition

FIELDS = ("n_places", "n_free_places", "available_from", "intake_preferences", "confirm")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def availability_json(
    recognition: Recognition, today: date, stale_after_days: int
) -> dict[str, Any]:
    """The availability of a recognition as the API shows it."""
    confirmed = recognition.last_confirmed_at
    return {
        "recognition_id": recognition.id,
        "n_places": recognition.n_places,
        "n_free_places": recognition.n_free_places,
        "available_from": recognition.available_from.isoformat()
        if recognition.available_from
        else None,
        "intake_preferences": intake_preferences_to_json(recognition.intake_preferences),
        "last_confirmed_at": confirmed.isoformat() if confirmed else None,
        "is_available": is_available_now(
            recognition.status,
            recognition.valid_until,
            recognition.n_free_places,
            recognition.available_from,
            day_in_belgium(confirmed) if confirmed else None,
            today,
            stale_after_days,
        ),
    }


def _bad(field: str, message: str) -> ApiError:
    return ApiError(400, "invalid_field", message, field)


def _count(body: dict[str, Any], name: str, current: int) -> int:
    if name not in body:
        return current
    value = body[name]
    if not isinstance(value, int) or isinstance(value, bool):
        raise _bad(name, f"{name} must be a whole number")
    return value


def _read_body(recognition: Recognition) -> tuple[places.Availability, bool]:
    """Read the JSON body; fields left out keep their current value."""
    try:
        body = request.get_json(silent=True)
    except RecursionError:
        raise _bad("body", "the body is nested too deeply") from None
    if not isinstance(body, dict):
        raise _bad("body", "the body must be a JSON object")
    unknown = sorted(set(body) - set(FIELDS))
    if unknown:
        raise _bad(unknown[0], f"unknown field {unknown[0]}; known: {', '.join(FIELDS)}")
    available_from = recognition.available_from
    if "available_from" in body:
        raw = body["available_from"]
        if raw is None:
            available_from = None
        elif isinstance(raw, str) and _DATE.fullmatch(raw):
            try:
                available_from = date.fromisoformat(raw)
            except ValueError:
                raise _bad("available_from", "available_from is not a real date") from None
        else:
            raise _bad("available_from", "available_from must be a date YYYY-MM-DD or null")
    preferences = recognition.intake_preferences
    if "intake_preferences" in body:
        preferences = places.read_intake_preferences(body["intake_preferences"])
    confirm = body.get("confirm", True)
    if not isinstance(confirm, bool):
        raise _bad("confirm", "confirm must be true or false")
    availability = places.Availability(
        n_places=_count(body, "n_places", recognition.n_places),
        n_free_places=_count(body, "n_free_places", recognition.n_free_places),
        available_from=available_from,
        intake_preferences=preferences,
    )
    return availability, confirm


@bp.put("/recognitions/<int:recognition_id>/availability")
def put_availability(recognition_id: int) -> Response:
    """Set places, free places, the start date and intake preferences; confirms them."""
    now = utcnow()
    secret = bearer_token()
    try:
        with unit_of_work() as db:
            party = tokens.party_of_token(db, secret, now) if secret else None
            if party is None:
                raise ApiError(
                    401, "unauthorized", "a valid API token is needed (Authorization: Bearer)"
                )
            recognition = find_recognition(db, party, recognition_id)
            availability, confirm = _read_body(recognition)
            recognition = places.update_availability(
                db, party, recognition_id, availability, now, confirm=confirm
            )
    except NotFoundError:
        raise ApiError(404, "not_found", "no such recognition") from None
    except NotRecognisedError:
        raise ApiError(
            409, "not_recognised", "places are kept only for a valid recognition"
        ) from None
    except InputError as error:
        with force_locale("en"):
            raise _bad(error.field, str(error.message)) from None
    return jsonify(
        availability_json(recognition, day_in_belgium(now), get_settings().search.stale_after_days)
    )
