"""Read a search from the query string: shared by the JSON API and the pages.

Parameter names are the same in both, so a results page URL is also an API query.
"""

from datetime import date

from flask import request

from matcher import (
    BELGIUM_LAT_RANGE,
    BELGIUM_LON_RANGE,
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
from web.params import (
    ParameterError,
    bool_param,
    choice_param,
    date_param,
    float_param,
    int_param,
    is_digits,
    string_param,
)
from web.resources import get_gazetteer
from web.services.search import Origin, origin_from_point, origin_from_postcode


def read_origin(required: bool) -> Origin | None:
    """Read the origin: `postcode`, or `lat` and `lon`."""
    postcode = string_param("postcode")
    lat = float_param("lat", *BELGIUM_LAT_RANGE)
    lon = float_param("lon", *BELGIUM_LON_RANGE)
    if postcode is not None:
        if lat is not None or lon is not None:
            raise ParameterError(
                "invalid_parameter", "give postcode or lat and lon, not both", "postcode"
            )
        if not (len(postcode) == 4 and is_digits(postcode)):
            raise ParameterError("invalid_parameter", "postcode has 4 digits", "postcode")
        try:
            return origin_from_postcode(get_gazetteer().get(postcode))
        except UnknownPostcodeError:
            raise ParameterError(
                "unknown_postcode", f"unknown postcode {postcode}", "postcode"
            ) from None
    if lat is None and lon is None:
        if required:
            raise ParameterError("missing_parameter", "give postcode, or lat and lon", "postcode")
        return None
    if lat is None or lon is None:
        missing = "lat" if lat is None else "lon"
        raise ParameterError(
            "missing_parameter",
            f"{missing} is required with {'lon' if missing == 'lat' else 'lat'}",
            missing,
        )
    return origin_from_point(get_gazetteer(), lat, lon)


def read_wishes() -> StudentWishes:
    """Read what the student tells about themselves and wishes (all optional)."""
    languages = string_param("languages")
    codes = frozenset(c.strip() for c in languages.split(",") if c.strip()) if languages else None
    if codes is not None and not codes <= set(LANGUAGES):
        raise ParameterError(
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


def read_explain_query(day: date) -> tuple[SearchQuery, Origin | None]:
    """Read the optional origin and wishes a single workplace is explained for.

    Without an origin the distance factor is left out (the query's coordinates are then
    a placeholder, never used).
    """
    origin = read_origin(required=False)
    if origin is None:
        return SearchQuery(programme="", lat=0.0, lon=0.0, day=day, wishes=read_wishes()), None
    return read_search_query(origin, "", day), origin


def read_search_query(origin: Origin, programme: str, day: date) -> SearchQuery:
    """Read the search options around an origin into a query."""
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
            wishes=read_wishes(),
        )
    except InvalidQueryError as error:
        raise ParameterError("invalid_parameter", error.message, error.field) from None
