"""GET /api/v1/search and GET /api/v1/workplaces/<id>: public, no student data."""

import orjson
from flask import Response

from matcher import InvalidQueryError, SearchQuery, StudentWishes, UnknownPostcodeError
from models.base import today_in_belgium
from models.codecs import intake_preferences_to_json
from web.api import schemas
from web.api.errors import ApiError
from web.api.hits import HitWriter
from web.api.spec import route
from web.config import get_settings
from web.db import single_read
from web.i18n import page_language
from web.params import ParameterError
from web.resources import get_gazetteer, get_search_index
from web.services.search import (
    Origin,
    find_workplace,
    origin_from_point,
    origin_from_postcode,
    rank_workplaces,
)


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
    ranked = rank_workplaces(state, search_query, settings.widen_ceiling_km(query.mobility))
    writer = HitWriter(page_language(), origin, settings, state)
    # The hits are written JSON (web/api/hits.py); schemas.SearchResult describes them.
    answer = writer.answer(
        {
            "total": ranked.total,
            "radius_km": ranked.radius_km,
            "widened": ranked.widened,
            "origin": {
                "postcode": origin.postcode,
                "municipality": origin.municipality,
                "lat": origin.lat,
                "lon": origin.lon,
            },
        },
        ranked.matches,
    )
    return Response(answer, mimetype="application/json")


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
    # The index explains the workplace once it is built; until then the row alone does.
    state = get_search_index().current_if_built()
    with single_read() as connection:
        detail = find_workplace(
            connection, recognition_id, explain_query, origin, settings, day, state
        )
    if detail is None:
        raise ApiError(404, "not_found", "no recognised workplace with this id")
    more: dict[str, object] = {
        "intake_preferences": intake_preferences_to_json(detail.intake_preferences),
        "contact": {
            "street": detail.street,
            "postcode": detail.hit.postcode,
            "municipality": detail.hit.municipality,
            "email": detail.email,
            "phone": detail.phone,
            "website": detail.website,
        },
    }
    # A hit with two members more at its end.
    writer = HitWriter(page_language(), origin, settings)
    hit = writer.write(detail.hit, b"," + orjson.dumps(more)[1:-1])
    return Response(hit, mimetype="application/json")
