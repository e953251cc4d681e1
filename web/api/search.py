"""GET /api/v1/search and GET /api/v1/workplaces/<id>: public, no student data."""

from datetime import date
from typing import Any

from flask import Response, jsonify

from matcher import Check, Reason
from models.base import today_in_belgium
from models.codecs import intake_preferences_to_json
from web.api.blueprint import bp
from web.api.errors import ApiError
from web.config import get_settings
from web.db import get_session
from web.i18n import LANGUAGES, page_language
from web.params import choice_param, string_param
from web.reasons import Wording, wording
from web.resources import get_search_index
from web.search_request import read_explain_query, read_origin, read_search_query
from web.services.search import Origin, WorkplaceHit, find_workplace, search_workplaces


def reason_json(reason: Reason, origin: Origin | None, words: Wording) -> dict[str, Any]:
    """A reason as data (its code and values) and in words (in the `lang` asked for)."""
    return {
        "factor": reason.factor,
        "score": reason.score,
        "weight": reason.weight,
        "code": reason.code,
        "values": _values_json(reason),
        "text": words.reason(reason, origin),
    }


_JSON_VALUES: dict[tuple[Any, ...], dict[str, Any]] = {}


def _values_json(reason: Reason) -> dict[str, Any]:
    """The values in JSON (dates as ISO strings), kept per statement: they repeat."""
    if reason.factor == "distance":  # a distance of its own for every result
        return dict(reason.values)
    key = (reason.factor, reason.code, *reason.values.values())
    found = _JSON_VALUES.get(key)
    if found is None:
        if len(_JSON_VALUES) > 50_000:
            _JSON_VALUES.clear()
        found = _JSON_VALUES[key] = {k: _json_value(v) for k, v in reason.values.items()}
    return found


def _json_value(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple) and value and isinstance(value[0], Check):
        return [{"code": c.code, "fits": c.fits, "value": _json_value(c.value)} for c in value]
    if isinstance(value, tuple):
        return [_json_value(v) for v in value]
    return value


def hit_json(hit: WorkplaceHit, origin: Origin | None, words: Wording) -> dict[str, Any]:
    """The public fields of one workplace, as the API shows them."""
    return {
        "recognition_id": hit.recognition_id,
        "company": {"id": hit.company_id, "name": hit.company_name},
        "site": {
            "id": hit.site_id,
            "postcode": hit.postcode,
            "municipality": hit.municipality,
            "lat": hit.lat,
            "lon": hit.lon,
        },
        "programme": {"code": hit.programme_code, "name": hit.programme_name},
        "distance_km": hit.distance_km,
        "open_places": hit.open_places,
        "available": hit.available,
        "confirmed_at": hit.confirmed_at.isoformat() if hit.confirmed_at else None,
        "score": hit.score,
        "reasons": [reason_json(r, origin, words) for r in hit.reasons],
    }


@bp.get("/search")
def search() -> Response:
    """Rank recognised workplaces for a programme around a place."""
    session = get_session()
    choice_param("lang", LANGUAGES)  # the reasons' words follow it (web/i18n.py)
    programme = string_param("programme", required=True)
    assert programme is not None
    state = get_search_index().current(session)
    if programme not in state.programme_names:
        raise ApiError(400, "unknown_programme", f"unknown programme {programme}", "programme")
    origin = read_origin(required=True)
    assert origin is not None
    page = search_workplaces(
        state, read_search_query(origin, programme, today_in_belgium()), origin
    )
    words = wording(page_language())
    return jsonify(
        {
            "total": page.total,
            "radius_km": page.radius_km,
            "widened": page.widened,
            "origin": {
                "postcode": origin.postcode,
                "municipality": origin.municipality,
                "lat": origin.lat,
                "lon": origin.lon,
            },
            "results": [hit_json(h, origin, words) for h in page.hits],
        }
    )


@bp.get("/workplaces/<int:recognition_id>")
def workplace(recognition_id: int) -> Response:
    """Show one recognised workplace with its intake preferences and contact."""
    day = today_in_belgium()
    choice_param("lang", LANGUAGES)
    query, origin = read_explain_query(day)
    detail = find_workplace(
        get_session(), recognition_id, query, origin, get_settings().search, day
    )
    if detail is None:
        raise ApiError(404, "not_found", "no recognised workplace with this id")
    body = hit_json(detail.hit, origin, wording(page_language()))
    body["intake_preferences"] = intake_preferences_to_json(detail.intake_preferences)
    body["contact"] = {
        "street": detail.street,
        "postcode": detail.hit.postcode,
        "municipality": detail.hit.municipality,
        "email": detail.email,
        "phone": detail.phone,
        "website": detail.website,
    }
    return jsonify(body)
