"""Hypothesis strategies for the matcher: workplaces in and around Flanders, and searches.

Dates are drawn around `REFERENCE_DAY` and query days within two days of it, so that
the validity, availability and staleness boundaries are hit often.

A property test draws hundreds of examples of dozens of workplaces, so every strategy
is built once, at import, and most fields of a workplace take a single draw from a
table of values (`mixture`): generation, not the matcher, is what a test spends its
time on.
"""

import itertools
import math
import random
from collections.abc import Iterable, Sequence
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
Town = tuple[str, str, float, float]

REFERENCE_DAY = date(2026, 3, 2)
PROGRAMMES = ("elektrotechnieken-duaal", "kok-duaal", "kapper-duaal")
UNKNOWN_PROGRAMME = "onbekende-opleiding-duaal"
MIN_LAT, MAX_LAT = 50.6, 51.5
MIN_LON, MAX_LON = 2.5, 5.9
# Workplaces cluster in towns: postcode, municipality, centre.
TOWNS: tuple[Town, ...] = (
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


def mixture(*parts: tuple[int, Iterable[T]]) -> st.SearchStrategy[T]:
    """One draw from a table where each part's values take about `weight` shares.

    Shrinking goes towards the first value of the first part.
    """
    table: list[T] = []
    for weight, values in parts:
        some = list(values)
        table.extend(some * max(1, math.ceil(weight * 60 / len(some))))
    return st.sampled_from(table)


def day(offset: int) -> date:
    return REFERENCE_DAY + timedelta(days=offset)


def moment(offset: int) -> datetime:
    """An aware UTC moment on the day `offset` days after `REFERENCE_DAY`; the time of
    day varies with the offset (some fall late in the evening, the next day in
    Brussels)."""
    midnight = datetime.combine(day(offset), time(), tzinfo=UTC)
    return midnight + timedelta(seconds=offset * 7919 % 86400)


def _bits(mask: int, values: Sequence[T]) -> frozenset[T]:
    """The values whose bit is set in `mask`."""
    return frozenset(v for i, v in enumerate(values) if mask >> i & 1)


NEAR_DAY = range(-3, 4)  # around the query day
NEAR_STALE = range(-184, -175)  # around the query day minus STALE_AFTER_DAYS (180)

_valid_until = mixture(
    (6, map(day, range(4, 1500, 7))),
    (2, map(day, NEAR_DAY)),
    (1, map(day, range(-400, -3, 9))),
)
_available_from = mixture(
    (3, [None]),
    (2, map(day, NEAR_DAY)),
    (2, map(day, range(-200, -3, 3))),
    (2, map(day, range(4, 300, 5))),
)
_confirmed_at = mixture(
    (6, map(moment, range(-60, 1))),
    (2, map(moment, NEAR_STALE)),
    (1, map(moment, NEAR_DAY)),
    (1, map(moment, range(-400, -184, 3))),
    (2, [None]),
)
_updated_at = mixture(
    (3, map(moment, range(-200, 1, 2))),
    (1, map(moment, range(-900, -200, 9))),
    (1, map(moment, NEAR_DAY)),
    (2, [None]),
)
# (places, free places): mostly with a free place.
_places = mixture(
    (3, [(n, free) for n in range(1, 5) for free in range(1, n + 1)]),
    (1, [(n, 0) for n in range(1, 5)]),
)
# None, and around the bands of COMPANY_SIZE_BANDS (klein 0-9, middelgroot 10-49).
_n_employees = mixture((2, [None]), (3, [0, 4, 9, 10, 25, 49, 50, 51, 400]))
_preferences = mixture(
    (1, [IntakePreferences()]),
    (
        2,
        [
            IntakePreferences(min_age, frozenset(months), frozenset(languages), hours, school)
            for min_age, months, languages, hours, school in itertools.product(
                (None, 16, 18, 21),
                ((), (9,), (2, 9), (3, 4, 5)),
                ((), ("nl",), ("nl", "fr"), ("en",), ("de", "nl")),
                (None, "dag", "ploegen", "weekend"),
                (False, True),
            )
        ],
    ),
)
_programmes = mixture((3, PROGRAMMES[:1]), (2, PROGRAMMES[1:]))
_company_names = st.sampled_from(COMPANY_NAMES)
_towns = st.sampled_from(TOWNS)
# Where a workplace is: 0-2 near its town, 3 on the town's centre, 4 anywhere.
_kinds_of_place = st.integers(0, 4)
_any_lat = st.floats(MIN_LAT, MAX_LAT)
_any_lon = st.floats(MIN_LON, MAX_LON)
_town_dlat = st.floats(-0.1, 0.1)
_town_dlon = st.floats(-0.15, 0.15)
_seeds = st.integers(0, 2**32 - 1)


def _place(draw: st.DrawFn, town: Town) -> tuple[float, float]:
    kind = draw(_kinds_of_place)
    if kind == 4:
        return draw(_any_lat), draw(_any_lon)
    _, _, lat, lon = town
    if kind == 3:
        return lat, lon
    return (
        min(MAX_LAT, max(MIN_LAT, lat + draw(_town_dlat))),
        min(MAX_LON, max(MIN_LON, lon + draw(_town_dlon))),
    )


@st.composite
def coordinates(draw: st.DrawFn) -> tuple[float, float]:
    """A point in and around Flanders: mostly in a town, sometimes right on its centre,
    else anywhere in the box around Flanders."""
    return _place(draw, draw(_towns))


def _workplace(draw: st.DrawFn, recognition_id: int, town: Town) -> WorkplaceRecord:
    lat, lon = _place(draw, town)
    postcode, municipality, _, _ = min(TOWNS, key=lambda t: (t[2] - lat) ** 2 + (t[3] - lon) ** 2)
    n_places, n_free_places = draw(_places)
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
        n_free_places=n_free_places,
        available_from=draw(_available_from),
        confirmed_at=draw(_confirmed_at),
        updated_at=draw(_updated_at),
        n_employees=draw(_n_employees),
        preferences=draw(_preferences),
    )


@st.composite
def workplace_records(draw: st.DrawFn, max_size: int = 40) -> list[WorkplaceRecord]:
    """Recognised workplaces with distinct ids, in any order, most of them in and
    around one town; some are exact copies of another under a different company name,
    so that score and distance tie."""
    n = draw(st.integers(0, max_size))
    first_id = draw(st.integers(1, 10**6))
    town = draw(_towns)
    records = [_workplace(draw, first_id + i, town) for i in range(n)]
    if records:
        copies = draw(st.lists(st.tuples(st.integers(0, n - 1), _company_names), max_size=4))
        for source, name in copies:
            new_id = first_id + len(records)
            records.append(replace(records[source], recognition_id=new_id, company_name=name))
    random.Random(draw(_seeds)).shuffle(records)  # one draw, where a permutation costs n
    return records


def student_wishes() -> st.SearchStrategy[StudentWishes]:
    return st.builds(
        StudentWishes,
        age=st.none() | st.integers(12, 30),
        start_date=mixture((1, [None]), (1, map(day, NEAR_DAY)), (2, map(day, range(-30, 241)))),
        languages=st.integers(0, 2 ** len(LANGUAGES) - 1).map(lambda m: _bits(m, LANGUAGES)),
        hours_pattern=st.none() | st.sampled_from(HOURS_PATTERNS),
        company_size=st.none() | st.sampled_from(COMPANY_SIZES),
    )


def radii() -> st.SearchStrategy[float]:
    """Mostly 2-61 km, sometimes a usual default or anything up to MAX_RADIUS_KM."""
    return st.one_of(
        st.builds(lambda km, fraction: km + fraction, st.integers(2, 60), st.floats(0, 1)),
        st.sampled_from((3.0, 15.0, 25.0, 40.0, MAX_RADIUS_KM)),
        st.floats(0.01, MAX_RADIUS_KM),
    )


_query_programmes = mixture((12, PROGRAMMES), (1, [UNKNOWN_PROGRAMME]))
_query_days = st.sampled_from([day(n) for n in range(-2, 3)])
_radii = radii()
_mobilities = st.sampled_from(MOBILITIES)
_sorts = st.sampled_from(SORTS)
_limits = st.integers(1, 40)
_offsets = mixture((3, [0]), (2, range(1, 6)), (1, range(41)))
_quarters = st.integers(0, 3)
_wishes = student_wishes()
_near_dlat = st.floats(-0.1, 0.1)
_near_dlon = st.floats(-0.15, 0.15)
_coordinates = coordinates()


@st.composite
def search_queries(draw: st.DrawFn, records: list[WorkplaceRecord] | None = None) -> SearchQuery:
    """A valid search; given `records`, it mostly starts close to one of them and often
    asks for its programme."""
    programme = draw(_query_programmes)
    if records and draw(_quarters) < 3:
        near = draw(st.sampled_from(records))
        lat = near.lat + draw(_near_dlat)
        lon = near.lon + draw(_near_dlon)
        if draw(_quarters) < 3:
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
        wishes=draw(_wishes),
    )


@st.composite
def scenarios(draw: st.DrawFn, max_size: int = 40) -> tuple[list[WorkplaceRecord], SearchQuery]:
    """Workplaces and a search over them."""
    records = draw(workplace_records(max_size=max_size))
    return records, draw(search_queries(records))
