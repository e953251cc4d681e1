"""Hypothesis strategies for the matcher: workplaces in and around Flanders, and searches.

Dates are drawn around `REFERENCE_DAY` and query days within a few days of it, so that
validity, availability and staleness boundaries are hit often. Every strategy is built
once, at import: a workplace costs a handful of draws, so hundreds of examples of
dozens of workplaces stay fast.
"""

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from typing import TypeVar

from hypothesis import strategies as st

from matcher import (
    COMPANY_SIZES,
    HOURS_PATTERNS,
    LANGUAGES,
    MAX_RADIUS_KM,
    MOBILITIES,
    SORTS,
    IntakePreferences,
    SearchQuery,
    StudentWishes,
    WorkplaceRecord,
)

T = TypeVar("T")

REFERENCE_DAY = date(2026, 3, 2)
PROGRAMMES = ("elektrotechnieken-duaal", "kok-duaal", "kapper-duaal")
UNKNOWN_PROGRAMME = "onbekende-opleiding-duaal"
MIN_LAT, MAX_LAT = 50.6, 51.5
MIN_LON, MAX_LON = 2.5, 5.9
# Workplaces cluster in towns.
TOWNS = (
    ("8500", "Kortrijk", 50.828, 3.265),
    ("9000", "Gent", 51.05, 3.717),
    ("2000", "Antwerpen", 51.2194, 4.4025),
    ("3000", "Leuven", 50.8798, 4.7005),
    ("3500", "Hasselt", 50.93, 5.3378),
)
# Names that differ only in case or accents, to exercise the tie rule.
COMPANY_NAMES = (
    "Bakkerij Één",
    "bakkerij een",
    "BAKKERIJ EEN",
    "Garage Lemaître",
    "garage lemaitre",
    "Café 't Hoekske",
    "Elektro Peeters",
    "Kapsalon Zoë",
    "Atelier Zénith",
    "Zeta Bouw",
)
ORIGIN_LABELS = ("je vertrekpunt", "Gent", "je thuis", "Sint-Niklaas (9100)")


def days_around(low: int, high: int, edges: tuple[int, ...] = ()) -> st.SearchStrategy[date]:
    """A day between `low` and `high` days after `REFERENCE_DAY`, often one of `edges`."""
    offsets = st.integers(low, high)
    if edges:
        offsets = st.one_of(st.sampled_from(edges), offsets)
    return offsets.map(lambda n: REFERENCE_DAY + timedelta(days=n))


def moments_around(low: int, high: int, edges: tuple[int, ...] = ()) -> st.SearchStrategy[datetime]:
    """An aware UTC moment on a day drawn as by `days_around`."""
    return st.builds(
        lambda day, seconds: datetime.combine(day, time(), tzinfo=UTC) + timedelta(seconds=seconds),
        days_around(low, high, edges),
        st.integers(0, 24 * 3600 - 1),
    )


def weighted(*choices: tuple[int, st.SearchStrategy[T]]) -> st.SearchStrategy[T]:
    """Draw from one of the strategies, each as often as its weight (the first when
    shrinking)."""
    table = [strategy for weight, strategy in choices for _ in range(weight)]
    index = st.integers(0, len(table) - 1)

    @st.composite
    def pick(draw: st.DrawFn) -> T:
        return draw(table[draw(index)])

    return pick()


def query_days() -> st.SearchStrategy[date]:
    return days_around(-2, 2)


def _bits(mask: int, values: Sequence[T]) -> frozenset[T]:
    """The values whose bit is set in `mask`."""
    return frozenset(v for i, v in enumerate(values) if mask >> i & 1)


_any_lat = st.floats(MIN_LAT, MAX_LAT)
_any_lon = st.floats(MIN_LON, MAX_LON)
_towns = st.sampled_from(TOWNS)
_town_dlat = st.floats(-0.1, 0.1)
_town_dlon = st.floats(-0.15, 0.15)
_kinds_of_place = st.integers(0, 4)


@st.composite
def coordinates(draw: st.DrawFn) -> tuple[float, float]:
    """A point in and around Flanders: mostly in a town (sometimes right on its
    centre), else anywhere in the box around Flanders."""
    kind = draw(_kinds_of_place)
    if kind == 4:
        return draw(_any_lat), draw(_any_lon)
    _, _, lat, lon = draw(_towns)
    if kind == 3:
        return lat, lon
    return (
        min(MAX_LAT, max(MIN_LAT, lat + draw(_town_dlat))),
        min(MAX_LON, max(MIN_LON, lon + draw(_town_dlon))),
    )


def intake_preferences() -> st.SearchStrategy[IntakePreferences]:
    return st.builds(
        IntakePreferences,
        min_age=st.none() | st.integers(15, 25),
        start_months=st.integers(0, 2**12 - 1).map(lambda m: _bits(m, range(1, 13))),
        languages=st.integers(0, 2 ** len(LANGUAGES) - 1).map(lambda m: _bits(m, LANGUAGES)),
        hours_pattern=st.none() | st.sampled_from(HOURS_PATTERNS),
        first_interview_at_school=st.booleans(),
    )


_coordinates = coordinates()
_programmes = st.sampled_from(PROGRAMMES[:1] * 3 + PROGRAMMES[1:])
_company_names = st.sampled_from(COMPANY_NAMES)
_n_places = st.integers(1, 4)
_valid_until = weighted(
    (6, days_around(4, 1500)), (2, days_around(-3, 3)), (1, days_around(-400, -4))
)
_available_from = weighted(
    (3, st.none()),
    (2, days_around(-3, 3)),
    (2, days_around(-200, -4)),
    (2, days_around(4, 300)),
)
_confirmed_at = weighted(
    (4, moments_around(-60, 0)),
    (2, moments_around(-184, -176)),  # the query day minus STALE_AFTER_DAYS (180)
    (1, moments_around(-3, 3)),
    (1, moments_around(-400, -185)),
    (2, st.none()),
)
_updated_at = weighted(
    (3, moments_around(-200, 0)),
    (1, moments_around(-900, -201)),
    (1, moments_around(-3, 3)),
    (2, st.none()),
)
_n_employees = weighted(
    (2, st.none()), (1, st.sampled_from((0, 9, 10, 49, 50))), (2, st.integers(0, 400))
)
_preferences = intake_preferences()


@st.composite
def workplace_record(draw: st.DrawFn, recognition_id: int) -> WorkplaceRecord:
    """One recognised workplace with the given id."""
    lat, lon = draw(_coordinates)
    postcode, municipality, _, _ = min(
        TOWNS, key=lambda town: (town[2] - lat) ** 2 + (town[3] - lon) ** 2
    )
    n_places = draw(_n_places)
    return WorkplaceRecord(
        recognition_id=recognition_id,
        programme=draw(_programmes),
        company_id=recognition_id % 97,
        company_name=draw(_company_names),
        site_id=recognition_id % 89,
        postcode=postcode,
        municipality=municipality,
        lat=lat,
        lon=lon,
        valid_until=draw(_valid_until),
        n_places=n_places,
        n_free_places=draw(st.integers(0, n_places)),
        available_from=draw(_available_from),
        confirmed_at=draw(_confirmed_at),
        updated_at=draw(_updated_at),
        n_employees=draw(_n_employees),
        preferences=draw(_preferences),
    )


@st.composite
def workplace_records(draw: st.DrawFn, max_size: int = 25) -> list[WorkplaceRecord]:
    """Workplaces with distinct recognition ids, in any order; some are exact copies of
    another under a different company name, so that score and distance tie."""
    n = draw(st.integers(0, max_size))
    first_id = draw(st.integers(1, 10**6))
    records = [draw(workplace_record(first_id + i)) for i in range(n)]
    if records:
        copies = draw(st.lists(st.tuples(st.integers(0, n - 1), _company_names), max_size=4))
        for source, name in copies:
            new_id = first_id + len(records)
            records.append(replace(records[source], recognition_id=new_id, company_name=name))
    return draw(st.permutations(records))


def student_wishes() -> st.SearchStrategy[StudentWishes]:
    return st.builds(
        StudentWishes,
        age=st.none() | st.integers(12, 30),
        start_date=weighted((1, st.none()), (1, days_around(-3, 3)), (2, days_around(-30, 240))),
        languages=st.integers(0, 2 ** len(LANGUAGES) - 1).map(lambda m: _bits(m, LANGUAGES)),
        hours_pattern=st.none() | st.sampled_from(HOURS_PATTERNS),
        company_size=st.none() | st.sampled_from(COMPANY_SIZES),
    )


def radii() -> st.SearchStrategy[float]:
    return weighted(
        (1, st.sampled_from((3.0, 15.0, 25.0, 40.0, MAX_RADIUS_KM))),
        (3, st.builds(lambda km, fraction: km + fraction, st.integers(2, 60), st.floats(0, 1))),
        (1, st.floats(0.01, MAX_RADIUS_KM)),
    )


_query_programmes = st.sampled_from(PROGRAMMES * 4 + (UNKNOWN_PROGRAMME,))
_query_days = query_days()
_radii = radii()
_mobilities = st.sampled_from(MOBILITIES)
_sorts = st.sampled_from(SORTS)
_limits = st.integers(1, 40)
_offsets = weighted((3, st.just(0)), (2, st.integers(1, 5)), (1, st.integers(0, 40)))
_near_a_record = st.integers(0, 3)
_origin_labels = st.sampled_from(ORIGIN_LABELS)
_wishes = student_wishes()
_near_dlat = st.floats(-0.1, 0.1)
_near_dlon = st.floats(-0.15, 0.15)


@st.composite
def search_queries(draw: st.DrawFn, records: list[WorkplaceRecord] | None = None) -> SearchQuery:
    """A valid search; given `records`, it often starts close to one of them."""
    programme = draw(_query_programmes)
    if records and draw(_near_a_record) < 3:
        near = draw(st.sampled_from(records))
        lat = near.lat + draw(_near_dlat)
        lon = near.lon + draw(_near_dlon)
        if draw(_near_a_record) < 3:
            programme = near.programme
    else:
        lat, lon = draw(_coordinates)
    return SearchQuery(
        programme=programme,
        lat=lat,
        lon=lon,
        day=draw(_query_days),
        radius_km=draw(_radii),
        mobility=draw(_mobilities),
        only_available=draw(st.booleans()),
        sort=draw(_sorts),
        limit=draw(_limits),
        offset=draw(_offsets),
        widen=draw(st.booleans()),
        origin_label=draw(_origin_labels),
        wishes=draw(_wishes),
    )


@st.composite
def scenarios(draw: st.DrawFn, max_size: int = 25) -> tuple[list[WorkplaceRecord], SearchQuery]:
    """Workplaces and a search over them."""
    records = draw(workplace_records(max_size=max_size))
    return records, draw(search_queries(records))
