"""GET /api/v1/search and GET /api/v1/workplaces/<id>: public, no student data."""

from datetime import date
from typing import Any

from flask import Response, current_app, jsonify, request

from matcher import (
    COMPANY_SIZES,
    HOURS_PATTERNS,
    LANGUAGES,
    MAX_RADIUS_KM,
    MOBILITIES,
    SORTS,
    InvalidQueryError,
    SearchQuery,
    StudentWishes,
    UnknownPostcodeError,
)
from models.base import today_in_belgium
from web.api.blueprint import bp
from web.api.errors import ApiError
from web.api.params import (
    bool_param,
    choice_param,
    date_param,
    float_param,
    int_param,
    string_param,
)
from web.db import get_session
from web.services.geography import get_gazetteer
from web.services.search import (
    Origin,
    WorkplaceHit,
    engine_settings,
    find_workplace,
    get_search_index,
    origin_from_point,
    origin_from_postcode,
    search_workplaces,
)

# Belgium and a margin around it: a search from elsewhere is a mistake, not a query.
LAT_RANGE = (49.0, 52.0)
LON_RANGE = (2.0, 7.0)


def _origin(required: bool) -> Origin | None:
    postcode = string_param("postcode")
    lat = float_param("lat", *LAT_RANGE)
    lon = float_param("lon", *LON_RANGE)
    if postcode is not None:
        if lat is not None or lon is not None:
            raise ApiError(
                400, "invalid_parameter", "give postcode or lat and lon, not both", "postcode"
            )
        if not (len(postcode) == 4 and postcode.isdigit()):
            raise ApiError(400, "invalid_parameter", "postcode has 4 digits", "postcode")
        try:
            return origin_from_postcode(get_gazetteer().get(postcode))
        except UnknownPostcodeError:
            raise ApiError(
                400, "unknown_postcode", f"unknown postcode {postcode}", "postcode"
            ) from None
    if lat is None and lon is None:
        if required:
            raise ApiError(400, "missing_parameter", "give postcode, or lat and lon", "postcode")
        return None
    if lat is None or lon is None:
        missing = "lat" if lat is None else "lon"
        raise ApiError(
            400,
            "missing_parameter",
            f"{missing} is required with {'lon' if missing == 'lat' else 'lat'}",
            missing,
        )
    return origin_from_point(get_gazetteer(), lat, lon)


def _wishes() -> StudentWishes:
    languages = string_param("languages")
    codes = frozenset(c.strip() for c in languages.split(",") if c.strip()) if languages else None
    if codes is not None and not codes <= set(LANGUAGES):
        raise ApiError(
            400,
            "invalid_parameter",
            f"languages is a comma-separated list of {', '.join(LANGUAGES)}",
            "languages",
        )
    return StudentWishes(
        age=_optional_int("age", 12, 99),
        start_date=date_param("start_date"),
        languages=codes or frozenset(),
        hours_pattern=choice_param("hours_pattern", HOURS_PATTERNS),
        company_size=choice_param("company_size", COMPANY_SIZES),
    )


def _optional_int(name: str, minimum: int, maximum: int) -> int | None:
    return int_param(name, 0, minimum, maximum) if request.args.get(name, "").strip() else None


def _query(origin: Origin, programme: str, day: date) -> SearchQuery:
    try:
        return SearchQuery(
            programme=programme,
            lat=origin.lat,
            lon=origin.lon,
            day=day,
            radius_km=float_param("radius_km", 1.0, MAX_RADIUS_KM) or 25.0,
            mobility=choice_param("mobility", MOBILITIES) or "bike",
            only_available=bool_param("only_available", True),
            sort=choice_param("sort", SORTS) or "score",
            limit=int_param("limit", 20, 1, 100),
            offset=int_param("offset", 0, 0, 10_000),
            widen=bool_param("widen", False),
            origin_label=origin.label,
            wishes=_wishes(),
        )
    except InvalidQueryError as error:
        raise ApiError(400, "invalid_parameter", error.message, error.field) from None


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
    origin = _origin(required=True)
    assert origin is not None
    page = search_workplaces(session, _query(origin, programme, today_in_belgium()), origin)
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
    origin = _origin(required=False)
    probe = origin or Origin("", "", 50.85, 4.35, "je vertrekpunt")
    session = get_session()
    detail = find_workplace(
        session,
        recognition_id,
        _query(probe, "", day),
        origin is not None,
        engine_settings(current_app.config),
        day,
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
