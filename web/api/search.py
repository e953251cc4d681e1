"""GET /api/v1/search and GET /api/v1/workplaces/<id>: public, no student data."""

from datetime import date
from typing import Any, cast

import orjson
from flask import Response, jsonify

from matcher import (
    Check,
    InvalidQueryError,
    Reason,
    SearchQuery,
    StudentWishes,
    UnknownPostcodeError,
)
from models.base import today_in_belgium
from models.codecs import intake_preferences_to_json
from web.api import schemas
from web.api.errors import ApiError
from web.api.spec import route
from web.config import get_settings
from web.db import get_session
from web.i18n import LANGUAGES, page_language
from web.params import ParameterError
from web.reasons import ByReason, Wording, wording
from web.resources import get_gazetteer, get_search_index
from web.services.search import (
    Origin,
    WorkplaceHit,
    find_workplace,
    origin_from_point,
    origin_from_postcode,
    search_workplaces,
)
from web.settings import SearchSettings


def _encoded(language: str) -> ByReason[orjson.Fragment]:
    """The shared reasons of a language as finished JSON, made once each."""
    words = wording(language)
    return ByReason(lambda reason: orjson.Fragment(orjson.dumps(_reason_json(reason, words))))


def _reason_json(
    reason: Reason,
    words: Wording,
    origin: Origin | None = None,
    search: SearchSettings | None = None,
) -> schemas.Reason:
    return {
        "factor": reason.factor,
        "score": reason.score,
        "weight": reason.weight,
        "code": reason.code,
        # A distance's values are a whole number and a word already.
        "values": dict(reason.values)
        if reason.factor == "distance"
        else {name: _json_value(value) for name, value in reason.values.items()},
        "text": words.reason(reason, origin, search),
    }


def _json_value(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple) and value and isinstance(value[0], Check):
        return [{"code": c.code, "fits": c.fits, "value": _json_value(c.value)} for c in value]
    if isinstance(value, tuple):
        return [_json_value(v) for v in value]
    return value


_REASONS_JSON = {language: _encoded(language) for language in LANGUAGES}


def hit_json(
    hit: WorkplaceHit, origin: Origin | None, words: Wording, search: SearchSettings
) -> schemas.Hit:
    """The public fields of one workplace, as the API shows them, with the reasons as data
    (code and values) and in words (in the `lang` asked for); `search` has the travel
    ceilings a distance is worded against."""
    # A distance is every result's own; the other reasons repeat the same statements
    # from answer to answer (dates, places, preferences): each is kept per language as
    # finished JSON.
    shared = _REASONS_JSON[words.language]
    kept = shared.kept
    reasons: list[Any] = [
        # Read without a call per shared reason: twenty hits have eighty.
        _reason_json(r, words, origin, search)
        if r.factor == "distance"
        else (kept.get(id(r)) or shared.keep(r))[1]
        for r in hit.reasons
    ]
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
        # orjson writes a datetime in ISO 8601 as isoformat does, and faster.
        "confirmed_at": cast(str | None, hit.confirmed_at),
        "score": hit.score,
        "reasons": reasons,
    }


def find_origin(params: schemas.WorkplaceParams | schemas.SearchParams) -> Origin | None:
    """Look up the origin the parameters name (one at most: the model checked that)."""
    if params.postcode is not None:
        try:
            return origin_from_postcode(get_gazetteer().get(params.postcode))
        except UnknownPostcodeError:
            raise ParameterError(
                "unknown_postcode", f"unknown postcode {params.postcode}", "postcode"
            ) from None
    if params.lat is not None and params.lon is not None:
        return origin_from_point(get_gazetteer(), params.lat, params.lon)
    return None


def student_wishes(params: schemas.WorkplaceParams | schemas.SearchParams) -> StudentWishes:
    """Read what the student tells about themselves and wishes."""
    return StudentWishes(
        age=params.age,
        start_date=params.start_date,
        languages=frozenset(params.languages or ()),
        hours_pattern=params.hours_pattern,
        company_size=params.company_size,
    )


@route(
    "GET",
    "/search",
    answer=schemas.SearchResult,
    query=schemas.SearchParams,
)
def search(query: schemas.SearchParams) -> Response:
    """Rank recognised workplaces for a programme around a place.

    Give the origin as a postcode, or as lat and lon. Each result has its score and the
    reasons why, each as a code with its values and in words.
    """
    state = get_search_index().current()
    if query.programme not in state.programme_names:
        raise ApiError(
            400, "unknown_programme", f"unknown programme {query.programme}", "programme"
        )
    origin = find_origin(query)
    assert origin is not None  # SearchParams asks for one
    try:
        search_query = SearchQuery(
            programme=query.programme,
            lat=origin.lat,
            lon=origin.lon,
            day=today_in_belgium(),
            radius_km=query.radius_km,
            mobility=query.mobility,
            only_available=query.only_available,
            sort=query.sort,
            limit=query.limit,
            offset=query.offset,
            widen=query.widen,
            wishes=student_wishes(query),
        )
    except InvalidQueryError as error:
        raise ParameterError("invalid_parameter", error.message, error.field) from None
    settings = get_settings().search
    page = search_workplaces(state, search_query, origin, settings.widen_ceiling_km(query.mobility))
    words = wording(page_language())
    answer: schemas.SearchResult = {
        "total": page.total,
        "radius_km": page.radius_km,
        "widened": page.widened,
        "origin": {
            "postcode": origin.postcode,
            "municipality": origin.municipality,
            "lat": origin.lat,
            "lon": origin.lon,
        },
        "results": [hit_json(h, origin, words, settings) for h in page.hits],
    }
    return jsonify(answer)


@route(
    "GET",
    "/workplaces/<int:recognition_id>",
    answer=schemas.Workplace,
    query=schemas.WorkplaceParams,
    errors=(404,),
    path={"recognition_id": schemas.ROW_ID},
)
def workplace(recognition_id: int, query: schemas.WorkplaceParams) -> Response:
    """Show one recognised workplace with its intake preferences and contact.

    With an origin (a postcode, or lat and lon) it has a distance and a score; the
    student's wishes explain how its intake preferences fit.
    """
    day = today_in_belgium()
    origin = find_origin(query)
    # Without an origin the distance factor is left out: the coordinates are a placeholder.
    explain_query = SearchQuery(
        programme="",
        lat=origin.lat if origin else 0.0,
        lon=origin.lon if origin else 0.0,
        day=day,
        mobility=query.mobility,
        wishes=student_wishes(query),
    )
    settings = get_settings().search
    detail = find_workplace(get_session(), recognition_id, explain_query, origin, settings, day)
    if detail is None:
        raise ApiError(404, "not_found", "no recognised workplace with this id")
    hit = hit_json(detail.hit, origin, wording(page_language()), settings)
    answer: schemas.Workplace = {
        **hit,
        "intake_preferences": cast(
            schemas.IntakePreferences, intake_preferences_to_json(detail.intake_preferences)
        ),
        "contact": {
            "street": detail.street,
            "postcode": detail.hit.postcode,
            "municipality": detail.hit.municipality,
            "email": detail.email,
            "phone": detail.phone,
            "website": detail.website,
        },
    }
    return jsonify(answer)
