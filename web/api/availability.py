"""PUT /api/v1/recognitions/<id>/availability: a company's own system keeps its places current.

Authenticated by a bearer token the company made on its pages; a token only reaches its
own company's recognitions (another's answers 404, as if it did not exist).
"""

from datetime import date
from typing import cast

from flask import Response, jsonify
from flask_babel import force_locale

from models import Recognition
from models.base import day_in_belgium, utcnow
from models.codecs import intake_preferences_to_json
from models.workplaces import is_available
from web.api import schemas
from web.api.errors import ApiError
from web.api.spec import route
from web.config import get_settings
from web.db import unit_of_work
from web.services import places
from web.services.errors import InputError, NotFoundError, NotRecognisedError
from web.services.policy import Party
from web.services.recognitions import find_recognition


def availability_json(
    recognition: Recognition, today: date, stale_after_days: int
) -> schemas.Availability:
    """The availability of a recognition as the API shows it."""
    confirmed = recognition.last_confirmed_at
    return {
        "recognition_id": recognition.id,
        "n_places": recognition.n_places,
        "n_free_places": recognition.n_free_places,
        "available_from": recognition.available_from.isoformat()
        if recognition.available_from
        else None,
        "intake_preferences": cast(
            schemas.IntakePreferences, intake_preferences_to_json(recognition.intake_preferences)
        ),
        "last_confirmed_at": confirmed.isoformat() if confirmed else None,
        "is_available": is_available(recognition, today, stale_after_days),
    }


def changed_availability(
    recognition: Recognition, body: schemas.AvailabilityBody
) -> places.Availability:
    """Return the recognition's availability with the body's fields; those left out stay."""
    given = body.model_fields_set
    preferences = recognition.intake_preferences
    if body.intake_preferences is not None:
        # The body's model has the codec's shape: the codec reads it as it reads any input.
        preferences = places.read_intake_preferences(body.intake_preferences.model_dump())
    return places.Availability(
        n_places=recognition.n_places if body.n_places is None else body.n_places,
        n_free_places=recognition.n_free_places
        if body.n_free_places is None
        else body.n_free_places,
        available_from=body.available_from
        if "available_from" in given
        else recognition.available_from,
        intake_preferences=preferences,
    )


@route(
    "PUT",
    "/recognitions/<int:recognition_id>/availability",
    answer=schemas.Availability,
    body=schemas.AvailabilityBody,
    errors=(404, 409),
    secured=True,
    path={"recognition_id": schemas.ROW_ID},
)
def put_availability(recognition_id: int, party: Party, body: schemas.AvailabilityBody) -> Response:
    """Set a recognised workplace's places (the company's own system).

    Needs an API token the company made on its pages, as `Authorization: Bearer
    <token>`. Fields left out keep their value; `intake_preferences`, when given,
    replaces the preferences as a whole. Stating the places confirms them (`confirm`
    defaults to true); `{"confirm": true}` alone only confirms. Search shows the change
    within seconds.
    """
    now = utcnow()
    try:
        with unit_of_work() as db:
            recognition = find_recognition(db, party, recognition_id)
            recognition = places.update_availability(
                db,
                party,
                recognition_id,
                changed_availability(recognition, body),
                now,
                confirm=body.confirm,
            )
    except NotFoundError:
        raise ApiError(404, "not_found", "no such recognition") from None
    except NotRecognisedError:
        raise ApiError(
            409, "not_recognised", "places are kept only for a valid recognition"
        ) from None
    except InputError as error:
        with force_locale("en"):
            raise ApiError(400, "invalid_field", str(error.message), error.field) from None
    return jsonify(
        availability_json(recognition, day_in_belgium(now), get_settings().search.stale_after_days)
    )
