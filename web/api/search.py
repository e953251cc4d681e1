"""GET /api/v1/search and GET /api/v1/workplaces/<id>: public, no student data."""

from typing import Any

from flask import Response, current_app, jsonify

from models.base import today_in_belgium
from web.api.blueprint import bp
from web.api.errors import ApiError
from web.db import get_session
from web.params import string_param
from web.search_request import read_explain_query, read_origin, read_search_query
from web.services.search import (
    WorkplaceHit,
    engine_settings,
    find_workplace,
    get_search_index,
    search_workplaces,
)


def hit_json(hit: WorkplaceHit) -> dict[str, Any]:
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
        "reasons": [
            {"factor": r.factor, "score": r.score, "weight": r.weight, "text": r.text}
            for r in hit.reasons
        ],
    }


@bp.get("/search")
def search() -> Response:
    """Rank recognised workplaces for a programme around a place."""
    session = get_session()
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
            "results": [hit_json(h) for h in page.hits],
        }
    )


@bp.get("/workplaces/<int:recognition_id>")
def workplace(recognition_id: int) -> Response:
    """Show one recognised workplace with its intake preferences and contact."""
    day = today_in_belgium()
    query, has_origin = read_explain_query(day)
    detail = find_workplace(
        get_session(), recognition_id, query, has_origin, engine_settings(current_app.config), day
    )
    if detail is None:
        raise ApiError(404, "not_found", "no recognised workplace with this id")
    prefs = detail.intake_preferences
    body = hit_json(detail.hit)
    body["intake_preferences"] = {
        "min_age": prefs.min_age,
        "start_months": sorted(prefs.start_months),
        "languages": sorted(prefs.languages),
        "hours_pattern": prefs.hours_pattern,
        "first_interview_at_school": prefs.first_interview_at_school,
    }
    body["contact"] = {
        "street": detail.street,
        "postcode": detail.hit.postcode,
        "municipality": detail.hit.municipality,
        "email": detail.email,
        "phone": detail.phone,
        "website": detail.website,
    }
    return jsonify(body)
