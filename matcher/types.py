"""Plain value types shared by the matcher's modules."""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Place:
    """One postcode of the gazetteer, with its municipality names and centre."""

    postcode: str
    municipality_nl: str
    municipality_fr: str
    region: str
    province: str
    lat: float
    lon: float
