"""The typed description of every /api/v1 route: what it reads and what it answers.

Requests are pydantic models: the route decorator (web/api/spec.py) validates each
request with them, and the OpenAPI document is generated from the same models, so the
API and its document cannot disagree. Answers are TypedDicts: mypy checks that the
routes build them, the document publishes their JSON schema, and the API tests check
real answers against the document.

Query values are read with web/params.py's parsers, as on the pages; unlike the pages,
the API refuses a blank value as it refuses any other value that is not of the
parameter's type.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    StrictBool,
    ValidationInfo,
    model_validator,
    with_config,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema
from typing_extensions import TypedDict

from matcher import (
    BELGIUM_LAT_RANGE,
    BELGIUM_LON_RANGE,
    COMPANY_SIZES,
    HOURS_PATTERNS,
    LANGUAGES,
    MAX_RADIUS_KM,
    MOBILITIES,
    SORTS,
)
from models.base import MAX_ID
from models.enums import AgreementType, LearnerType
from web.i18n import LANGUAGES as ANSWER_LANGUAGES
from web.params import (
    MAX_PARAM_LENGTH,
    ParameterError,
    parse_bool,
    parse_date,
    parse_float,
    parse_int,
)
from web.services.places import MAX_INTAKE_AGE, MAX_PLACES, MIN_INTAKE_AGE

# The document fills these enums from the data when it is served (web/api/spec.py).
LIVE_ENUM = "x-live-enum"
PROGRAMME_CODES = "programme codes"
POSTCODES = "postcodes"

ROW_ID: dict[str, Any] = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
FACTORS = ("programme", "distance", "availability", "preferences", "freshness")


@dataclass(frozen=True)
class OneOf:
    """Annotated metadata: the string is one of `choices` (checked and documented)."""

    choices: tuple[str, ...]

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.literal_schema(list(self.choices))


@dataclass(frozen=True)
class Matching:
    """Annotated metadata: the string matches `pattern` (searched, as JSON Schema does);
    `explanation` is the message when it does not."""

    pattern: str
    explanation: str

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        regex = re.compile(self.pattern)

        def check(value: Any) -> Any:
            if isinstance(value, str) and not regex.search(value):
                raise PydanticCustomError("pattern_mismatch", self.explanation)
            return value

        return core_schema.no_info_before_validator_function(check, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {**handler(schema), "pattern": self.pattern}


@dataclass(frozen=True)
class NotNull:
    """Annotated metadata for a body field that may be left out but is never null."""

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        def refuse_null(value: Any) -> Any:
            if value is None:
                raise PydanticCustomError("null", "leave it out rather than send null")
            return value

        return core_schema.no_info_before_validator_function(refuse_null, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return without_null(handler(schema))


def without_null(schema: JsonSchemaValue) -> JsonSchemaValue:
    """Drop the null branch of an `anyOf`, and a null default with it."""
    rest = {k: v for k, v in schema.items() if k != "anyOf"}
    if rest.get("default", 0) is None:
        del rest["default"]
    branches = [s for s in schema.get("anyOf", []) if s.get("type") != "null"]
    if "anyOf" not in schema:
        return rest
    if len(branches) != 1:
        return {**rest, "anyOf": branches}
    return {**branches[0], **rest}


def _read_with(parse: Callable[[str, str], Any]) -> BeforeValidator:
    """Read a query string value with one of web/params.py's parsers."""

    def before(value: Any, info: ValidationInfo) -> Any:
        return parse(info.field_name or "value", value) if isinstance(value, str) else value

    return BeforeValidator(before)


def _comma_list(value: Any) -> Any:
    if isinstance(value, str):
        return value.split(",") if value else []
    return value


def _integral(value: Any) -> Any:
    # JSON Schema's "integer" includes 2.0; anything else stays for the strict check.
    return int(value) if isinstance(value, float) and value.is_integer() else value


WHOLE = _read_with(parse_int)
NUMBER = _read_with(parse_float)
BOOLEAN = _read_with(parse_bool)
DATE = _read_with(parse_date)
INTEGRAL = BeforeValidator(_integral)

# Query parameters.

PostcodeParam = Annotated[
    str | None,
    Field(
        description="Belgian postcode to measure from (see /postcodes); or give lat and lon",
        json_schema_extra={LIVE_ENUM: POSTCODES},
    ),
    Matching("^[0-9]{4}$", "postcode has 4 digits"),
]
LatParam = Annotated[
    float | None,
    Field(ge=BELGIUM_LAT_RANGE[0], le=BELGIUM_LAT_RANGE[1], description="Latitude (WGS 84)"),
    NUMBER,
]
LonParam = Annotated[
    float | None,
    Field(ge=BELGIUM_LON_RANGE[0], le=BELGIUM_LON_RANGE[1], description="Longitude (WGS 84)"),
    NUMBER,
]
LangParam = Annotated[
    str,
    Field(description="Language of the reasons' sentences"),
    OneOf(ANSWER_LANGUAGES),
]
MobilityParam = Annotated[
    str,
    Field(description="How the student travels; sets how fast the distance score falls"),
    OneOf(MOBILITIES),
]
AgeParam = Annotated[
    int | None, Field(ge=12, le=99, description="The student's age at the start"), WHOLE
]
StartDateParam = Annotated[date | None, Field(description="When the student starts"), DATE]
LanguagesParam = Annotated[
    list[Annotated[str, OneOf(LANGUAGES)]] | None,
    Field(description="Languages the student speaks, comma-separated (nl,fr)"),
    BeforeValidator(_comma_list),
]
HoursPatternParam = Annotated[
    Annotated[str, OneOf(HOURS_PATTERNS)] | None, Field(description="Wished working hours")
]
CompanySizeParam = Annotated[
    Annotated[str, OneOf(COMPANY_SIZES)] | None,
    Field(description="Wished company size (klein < 10, middelgroot 10-49, groot 50+ employees)"),
]


class QueryParams(BaseModel):
    """The query parameters of one route; others are ignored, as the pages do."""

    model_config = ConfigDict(extra="ignore", strict=True, frozen=True)


def one_origin(postcode: str | None, lat: float | None, lon: float | None) -> None:
    """Refuse two origins, and lat without lon or lon without lat."""
    if postcode is not None and (lat is not None or lon is not None):
        raise ParameterError(
            "invalid_parameter", "give postcode or lat and lon, not both", "postcode"
        )
    if (lat is None) != (lon is None):
        missing = "lat" if lat is None else "lon"
        other = "lon" if lat is None else "lat"
        raise ParameterError("missing_parameter", f"{missing} is required with {other}", missing)


class PostcodeParams(QueryParams):
    """GET /postcodes."""

    q: Annotated[
        str,
        Field(
            max_length=MAX_PARAM_LENGTH,
            description="A postcode prefix of 1 to 4 digits (85), or (part of) a "
            "municipality or village name in Dutch or French, with at least one letter a-z",
        ),
        Matching(
            r"^[0-9]{1,4}$|^[^\x00]*[A-Za-z][^\x00]*$",
            "q is a postcode prefix of 1 to 4 digits, or a name with a letter a-z in it",
        ),
    ]
    limit: Annotated[int, Field(ge=1, le=50, description="How many"), WHOLE] = 10


class WorkplaceParams(QueryParams):
    """GET /workplaces/<id>: an optional origin and the student's wishes."""

    postcode: PostcodeParam = None
    lat: LatParam = None
    lon: LonParam = None
    lang: LangParam = "nl"
    mobility: MobilityParam = "bike"
    age: AgeParam = None
    start_date: StartDateParam = None
    languages: LanguagesParam = None
    hours_pattern: HoursPatternParam = None
    company_size: CompanySizeParam = None

    @model_validator(mode="after")
    def _one_origin(self) -> "WorkplaceParams":
        one_origin(self.postcode, self.lat, self.lon)
        return self


class SearchParams(QueryParams):
    """GET /search: a programme, an origin, the search options and the student's wishes."""

    programme: Annotated[
        str,
        Field(
            max_length=MAX_PARAM_LENGTH,
            description="Programme code (see /programmes)",
            json_schema_extra={LIVE_ENUM: PROGRAMME_CODES},
        ),
    ]
    postcode: PostcodeParam = None
    lat: LatParam = None
    lon: LonParam = None
    radius_km: Annotated[
        float, Field(ge=1, le=MAX_RADIUS_KM, description="Search radius"), NUMBER
    ] = 25.0
    only_available: Annotated[
        bool,
        Field(
            description="Only workplaces with a free place by the start, confirmed within "
            "the last 180 days (true/false, 1/0, yes/no, on/off)"
        ),
        BOOLEAN,
    ] = True
    sort: Annotated[str, Field(description="Order"), OneOf(SORTS)] = "score"
    limit: Annotated[int, Field(ge=1, le=100, description="Page size"), WHOLE] = 20
    offset: Annotated[int, Field(ge=0, le=10_000, description="Results to skip"), WHOLE] = 0
    widen: Annotated[
        bool,
        Field(
            description="Widen the radius in steps when fewer than offset + limit are found, "
            "up to a ceiling per mobility (by default walk 5 km, bike 20, public_transport "
            "50, car 100)"
        ),
        BOOLEAN,
    ] = False
    lang: LangParam = "nl"
    mobility: MobilityParam = "bike"
    age: AgeParam = None
    start_date: StartDateParam = None
    languages: LanguagesParam = None
    hours_pattern: HoursPatternParam = None
    company_size: CompanySizeParam = None

    @model_validator(mode="after")
    def _one_origin(self) -> "SearchParams":
        one_origin(self.postcode, self.lat, self.lon)
        if self.postcode is None and self.lat is None:
            raise ParameterError("missing_parameter", "give postcode, or lat and lon", "postcode")
        return self


# The body of PUT /recognitions/<id>/availability.


# The shape models/codecs.py reads (absent or null lists are empty, absent values none),
# within the ages the domain allows; tests/integration/api/test_api_schemas.py holds the
# two to each other.
class IntakePreferencesBody(BaseModel):
    """What the company asks of a learner; a key left out asks nothing."""

    model_config = ConfigDict(extra="forbid", strict=True)

    min_age: Annotated[
        int | None,
        Field(ge=MIN_INTAKE_AGE, le=MAX_INTAKE_AGE, description="Youngest age accepted"),
        INTEGRAL,
    ] = None
    start_months: Annotated[
        list[Annotated[int, Field(ge=1, le=12), INTEGRAL]] | None,
        Field(description="Months in which a learner may start (1-12)"),
    ] = None
    languages: Annotated[
        list[Annotated[str, OneOf(LANGUAGES)]] | None,
        Field(description="Languages a learner must speak"),
    ] = None
    hours_pattern: Annotated[
        Annotated[str, OneOf(HOURS_PATTERNS)] | None, Field(description="Working hours")
    ] = None
    first_interview_at_school: StrictBool = False


def _keeping_current(schema: dict[str, Any]) -> None:
    # A field left out keeps its current value: it has no default to document.
    for field in schema["properties"].values():
        if field.get("default", 0) is None:
            del field["default"]


class AvailabilityBody(BaseModel):
    """What a company's system may set; a field left out keeps its current value."""

    model_config = ConfigDict(extra="forbid", strict=True, json_schema_extra=_keeping_current)

    n_places: Annotated[
        int | None,
        Field(ge=0, le=MAX_PLACES, description="Places for learners"),
        NotNull(),
        INTEGRAL,
    ] = None
    n_free_places: Annotated[
        int | None,
        Field(
            ge=0,
            le=MAX_PLACES,
            description="Free places: at most n_places (the one given, or the current one)",
        ),
        NotNull(),
        INTEGRAL,
    ] = None
    available_from: Annotated[
        date | None,
        Field(description="The first day a free place can be taken; null: now"),
        DATE,
    ] = None
    intake_preferences: Annotated[
        IntakePreferencesBody | None,
        Field(description="Replaces the intake preferences as a whole"),
        NotNull(),
    ] = None
    confirm: Annotated[
        StrictBool,
        Field(description="Whether this call confirms the places are correct as they are now"),
    ] = True


# Answers.


@with_config(ConfigDict(extra="forbid"))
class ErrorDetail(TypedDict):
    code: str
    message: str
    field: Annotated[str | None, Field(description="The parameter or body field at fault")]


@with_config(ConfigDict(extra="forbid"))
class Error(TypedDict):
    error: ErrorDetail


@with_config(ConfigDict(extra="forbid"))
class Programme(TypedDict):
    code: str
    name: str
    study_domain: str
    level: str
    sector: str
    learner_type: Annotated[str, OneOf(tuple(t.value for t in LearnerType))]
    workplace_hours: int
    agreement_type: Annotated[str, OneOf(tuple(t.value for t in AgreementType))]


@with_config(ConfigDict(extra="forbid"))
class Programmes(TypedDict):
    programmes: list[Programme]


@with_config(ConfigDict(extra="forbid"))
class Place(TypedDict):
    postcode: str
    municipality_nl: str
    municipality_fr: str
    lat: float
    lon: float
    places: Annotated[list[str], Field(description="Villages and former municipalities")]


@with_config(ConfigDict(extra="forbid"))
class Postcodes(TypedDict):
    postcodes: list[Place]


@with_config(ConfigDict(extra="forbid"))
class Reason(TypedDict):
    factor: Annotated[str, OneOf(FACTORS)]
    score: float
    weight: float
    code: Annotated[
        str,
        Field(
            description="The statement the factor makes: programme: recognised; distance: "
            "distance; availability: no_free_place, free or free_from; preferences: "
            "no_conditions or conditions; freshness: never_updated or updated"
        ),
    ]
    values: Annotated[
        dict[str, Any],
        Field(
            description="The facts of the statement, per code: recognised: last_day (a "
            "date); distance: distance_m (whole metres), mobility; no_free_place, free, "
            "free_from: n_free, n_places, free_from (a date or null), confirmed_days_ago "
            "(null if never confirmed), staleness (recent, unconfirmed or stale); "
            "conditions, no_conditions: checks, a list of {code, fits, value} with misfits "
            "first (code: min_age, start_months, languages, hours_pattern, company_size or "
            "interview_at_school); updated, never_updated: days_ago"
        ),
    ]
    text: Annotated[str, Field(description="The statement in words, in `lang`")]


@with_config(ConfigDict(extra="forbid"))
class Company(TypedDict):
    id: int
    name: str


@with_config(ConfigDict(extra="forbid"))
class Site(TypedDict):
    id: int
    postcode: str
    municipality: str
    lat: float
    lon: float


@with_config(ConfigDict(extra="forbid"))
class ProgrammeName(TypedDict):
    code: str
    name: str


@with_config(ConfigDict(extra="forbid"))
class Hit(TypedDict):
    recognition_id: int
    company: Company
    site: Site
    programme: ProgrammeName
    distance_km: Annotated[float | None, Field(description="null without an origin")]
    open_places: int
    available: bool
    confirmed_at: Annotated[str | None, Field(json_schema_extra={"format": "date-time"})]
    score: Annotated[float | None, Field(ge=0, le=1, description="null without an origin")]
    reasons: list[Reason]


@with_config(ConfigDict(extra="forbid"))
class Origin(TypedDict):
    postcode: str
    municipality: str
    lat: float
    lon: float


@with_config(ConfigDict(extra="forbid"))
class SearchResult(TypedDict):
    total: int
    radius_km: float
    widened: bool
    origin: Origin
    results: list[Hit]


@with_config(ConfigDict(extra="forbid"))
class IntakePreferences(TypedDict):
    """What the company asks of a learner."""

    min_age: int | None
    start_months: list[int]
    languages: list[Annotated[str, OneOf(LANGUAGES)]]
    hours_pattern: Annotated[str, OneOf(HOURS_PATTERNS)] | None
    first_interview_at_school: bool


@with_config(ConfigDict(extra="forbid"))
class Contact(TypedDict):
    street: str
    postcode: str
    municipality: str
    email: str | None
    phone: str | None
    website: str | None


@with_config(ConfigDict(extra="forbid"))
class Workplace(Hit):
    intake_preferences: IntakePreferences
    contact: Contact


@with_config(ConfigDict(extra="forbid"))
class Availability(TypedDict):
    recognition_id: int
    n_places: int
    n_free_places: int
    available_from: Annotated[str | None, Field(json_schema_extra={"format": "date"})]
    intake_preferences: IntakePreferences
    last_confirmed_at: Annotated[str | None, Field(json_schema_extra={"format": "date-time"})]
    is_available: Annotated[bool, Field(description="Whether search offers the workplace today")]
