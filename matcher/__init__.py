"""Pure ranking and allocation for Duaal Match (see README.md for the contract)."""

from matcher.exceptions import InvalidQueryError, MatcherError, UnknownPostcodeError
from matcher.geo import EARTH_RADIUS_KM, Gazetteer, haversine_km, normalize_name
from matcher.types import Place

__all__ = [
    "EARTH_RADIUS_KM",
    "Gazetteer",
    "InvalidQueryError",
    "MatcherError",
    "Place",
    "UnknownPostcodeError",
    "haversine_km",
    "normalize_name",
]
