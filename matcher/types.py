"""Plain value types shared by the matcher's modules."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, NamedTuple

from matcher.exceptions import InvalidQueryError

MOBILITIES = ("walk", "bike", "public_transport", "car")
SORTS = ("score", "distance")
LANGUAGES = ("nl", "fr", "en", "de")
HOURS_PATTERNS = ("dag", "vroeg", "avond", "weekend", "ploegen")
COMPANY_SIZES = ("klein", "middelgroot", "groot")
MAX_RADIUS_KM = 200.0


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
    places: tuple[str, ...] = ()  # villages and former municipalities with this postcode


@dataclass(frozen=True, slots=True)
class IntakePreferences:
    """What a company asks of a candidate (all optional)."""

    min_age: int | None = None
    start_months: frozenset[int] = frozenset()  # 1-12; empty: any month
    languages: frozenset[str] = frozenset()  # languages the learner must speak
    hours_pattern: str | None = None  # one of HOURS_PATTERNS
    first_interview_at_school: bool = False


@dataclass(frozen=True, slots=True)
class WorkplaceRecord:
    """One recognised workplace (a recognition of a site for a programme), as a row."""

    recognition_id: int
    programme: str
    company_id: int
    company_name: str
    site_id: int
    postcode: str
    municipality: str
    lat: float
    lon: float
    valid_until: date
    n_places: int
    n_free_places: int
    available_from: date | None = None
    confirmed_at: datetime | None = None  # when the company last confirmed its places
    updated_at: datetime | None = None  # when anything about it last changed
    n_employees: int | None = None
    preferences: IntakePreferences = field(default_factory=IntakePreferences)


@dataclass(frozen=True, slots=True)
class StudentWishes:
    """What is known of the student and what the student wishes (all optional)."""

    age: int | None = None
    start_date: date | None = None
    languages: frozenset[str] = frozenset()
    hours_pattern: str | None = None
    company_size: str | None = None

    def __post_init__(self) -> None:
        if self.age is not None and not 12 <= self.age <= 99:
            raise InvalidQueryError("age", "age must be between 12 and 99")
        unknown = self.languages - set(LANGUAGES)
        if unknown:
            raise InvalidQueryError("languages", f"languages must be among {', '.join(LANGUAGES)}")
        if self.hours_pattern is not None and self.hours_pattern not in HOURS_PATTERNS:
            raise InvalidQueryError(
                "hours_pattern", f"hours_pattern must be one of {', '.join(HOURS_PATTERNS)}"
            )
        if self.company_size is not None and self.company_size not in COMPANY_SIZES:
            raise InvalidQueryError(
                "company_size", f"company_size must be one of {', '.join(COMPANY_SIZES)}"
            )


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """One search: a programme, an origin, how far, and what the student wishes."""

    programme: str
    lat: float
    lon: float
    day: date
    radius_km: float = 25.0
    mobility: str = "bike"
    only_available: bool = True
    sort: str = "score"
    limit: int = 20
    offset: int = 0
    widen: bool = False
    # Widening stops here when the engine's own ceiling is farther (e.g. how far a
    # student on a bike can go); None: the engine's ceiling.
    max_widen_km: float | None = None
    wishes: StudentWishes = field(default_factory=StudentWishes)

    def __post_init__(self) -> None:
        if not -90.0 <= self.lat <= 90.0:
            raise InvalidQueryError("lat", "lat must be between -90 and 90")
        if not -180.0 <= self.lon <= 180.0:
            raise InvalidQueryError("lon", "lon must be between -180 and 180")
        if not 0.0 < self.radius_km <= MAX_RADIUS_KM:
            raise InvalidQueryError("radius_km", f"radius_km must be in (0, {MAX_RADIUS_KM:g}]")
        if self.mobility not in MOBILITIES:
            raise InvalidQueryError("mobility", f"mobility must be one of {', '.join(MOBILITIES)}")
        if self.sort not in SORTS:
            raise InvalidQueryError("sort", f"sort must be one of {', '.join(SORTS)}")
        if self.limit < 1:
            raise InvalidQueryError("limit", "limit must be at least 1")
        if self.max_widen_km is not None and not 0.0 < self.max_widen_km <= MAX_RADIUS_KM:
            raise InvalidQueryError(
                "max_widen_km", f"max_widen_km must be in (0, {MAX_RADIUS_KM:g}]"
            )
        if self.offset < 0:
            raise InvalidQueryError("offset", "offset cannot be negative")


# Reason and Match are NamedTuples rather than frozen dataclasses: a search builds a
# hundred of them, and a frozen dataclass costs several times more to create.
class Reason(NamedTuple):
    """One factor of a score: its value in [0, 1], its weight, and what it rests on.

    `code` names the statement the factor makes and `values` holds its facts (numbers,
    dates, codes); `matcher.reasons` lists them. Words are the web layer's business.
    """

    factor: str
    score: float
    weight: float
    code: str
    values: Mapping[str, Any]


class Check(NamedTuple):
    """One of a company's intake preferences against the student: `code` names it
    (min_age, start_months, languages, hours_pattern, company_size,
    interview_at_school), `value` is what the company asks."""

    code: str
    fits: bool
    value: Any


class Match(NamedTuple):
    """One ranked workplace. `row` indexes the snapshot the engine was fitted on.

    Its distance is its own reason; the others (`shared`: the programme, the places,
    the preferences, the freshness) are one tuple for every match of the row on the
    same day for the same wishes, so that what is made of them can be kept by its
    identity.
    """

    row: int
    recognition_id: int
    distance_km: float
    score: float
    is_available: bool
    distance: Reason
    shared: tuple[Reason, ...]

    @property
    def reasons(self) -> tuple[Reason, ...]:
        """Every reason, in the order of the factors: the programme, the distance, the
        places, the preferences, the freshness."""
        programme, *others = self.shared
        return (programme, self.distance, *others)


@dataclass(frozen=True, slots=True)
class SearchResult:
    """The page of matches asked for, how many matched in all, and the radius used."""

    total: int
    radius_km: float
    widened: bool
    matches: tuple[Match, ...]
