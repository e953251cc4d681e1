"""Pure ranking and allocation for Duaal Match (see README.md for the contract)."""

from matcher.exceptions import InvalidQueryError, MatcherError, UnknownPostcodeError
from matcher.geo import (
    BELGIUM_LAT_RANGE,
    BELGIUM_LON_RANGE,
    EARTH_RADIUS_KM,
    Gazetteer,
    GeoIndex,
    haversine_km,
    normalize_name,
)
from matcher.scoring import DEFAULT_RADIUS_KM, ScoreWeights
from matcher.search import MAX_WIDEN_KM, SearchEngine
from matcher.snapshot import WorkplaceSnapshot
from matcher.types import (
    COMPANY_SIZES,
    HOURS_PATTERNS,
    LANGUAGES,
    MAX_RADIUS_KM,
    MOBILITIES,
    SORTS,
    Check,
    IntakePreferences,
    Match,
    Place,
    Reason,
    SearchQuery,
    SearchResult,
    StudentWishes,
    WorkplaceRecord,
)

__all__ = [
    "BELGIUM_LAT_RANGE",
    "BELGIUM_LON_RANGE",
    "COMPANY_SIZES",
    "DEFAULT_RADIUS_KM",
    "EARTH_RADIUS_KM",
    "HOURS_PATTERNS",
    "LANGUAGES",
    "MAX_RADIUS_KM",
    "MAX_WIDEN_KM",
    "MOBILITIES",
    "SORTS",
    "Check",
    "Gazetteer",
    "GeoIndex",
    "IntakePreferences",
    "InvalidQueryError",
    "Match",
    "MatcherError",
    "Place",
    "Reason",
    "ScoreWeights",
    "SearchEngine",
    "SearchQuery",
    "SearchResult",
    "StudentWishes",
    "UnknownPostcodeError",
    "WorkplaceRecord",
    "WorkplaceSnapshot",
    "haversine_km",
    "normalize_name",
]
