"""Properties and examples of `SearchEngine.search`: what is found, in which order,
with which scores and explanations."""

import math
import random
from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

import pytest
from geopy.distance import geodesic
from hypothesis import given
from hypothesis import strategies as st

from matcher import (
    EARTH_RADIUS_KM,
    MAX_RADIUS_KM,
    STALE_AFTER_DAYS,
    IntakePreferences,
    InvalidQueryError,
    Match,
    SearchEngine,
    SearchQuery,
    SearchResult,
    StudentWishes,
    WorkplaceRecord,
    WorkplaceSnapshot,
    normalize_name,
)
from matcher.scoring import COMPANY_SIZE_BANDS, HALF_SCORE_KM
from tests.unit.matcher.strategies import (
    UNKNOWN_PROGRAMME,
    scenarios,
    search_queries,
    workplace_records,
)

FACTORS = ("programme", "distance", "availability", "preferences", "freshness")
MOBILITY_WORDS = {
    "walk": "te voet",
    "bike": "met de fiets",
    "public_transport": "met het openbaar vervoer",
    "car": "met de auto",
}
WEIGHTED = FACTORS[1:]
BOUNDARY_KM = 0.01  # records this close to the radius may fall either side
BRUSSELS = ZoneInfo("Europe/Brussels")  # the app's calendar


# -- independent reference computations ------------------------------------------------


def haversine(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km, scalar, on the matcher's sphere."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi, d_lam = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lam / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, a)))


def distance_to(record: WorkplaceRecord, query: SearchQuery) -> float:
    return haversine(query.lat, query.lon, record.lat, record.lon)


def local_day(moment: datetime | None, tz: tzinfo = UTC) -> date | None:
    return None if moment is None else moment.astimezone(tz).date()


def is_valid(record: WorkplaceRecord, query: SearchQuery) -> bool:
    """Recognised for the programme on the day: a recognition expires on `valid_until`
    (models/rules.py, `is_recognition_valid`), so its last day is the one before."""
    return record.programme == query.programme and query.day < record.valid_until


def is_available(
    record: WorkplaceRecord,
    query: SearchQuery,
    stale_after_days: int = STALE_AFTER_DAYS,
    tz: tzinfo = UTC,
) -> bool:
    """A free place by the student's start, confirmed (on a day in `tz`) at most
    `stale_after_days` ago."""
    start = max(query.day, query.wishes.start_date or query.day)
    confirmed = local_day(record.confirmed_at, tz)
    return (
        record.n_free_places > 0
        and (record.available_from is None or record.available_from <= start)
        and confirmed is not None
        and (query.day - confirmed).days <= stale_after_days
    )


def preference_checks(record: WorkplaceRecord, wishes: StudentWishes) -> list[bool]:
    """Each check that applies (the company asks it, the student says it): does it fit?"""
    prefs = record.preferences
    checks: list[bool] = []
    if wishes.age is not None and prefs.min_age:
        checks.append(wishes.age >= prefs.min_age)
    if wishes.start_date is not None and prefs.start_months:
        checks.append(wishes.start_date.month in prefs.start_months)
    if wishes.languages and prefs.languages:
        checks.append(prefs.languages <= wishes.languages)
    if wishes.hours_pattern is not None and prefs.hours_pattern is not None:
        checks.append(wishes.hours_pattern == prefs.hours_pattern)
    if wishes.company_size is not None and record.n_employees is not None:
        low, high = COMPANY_SIZE_BANDS[wishes.company_size]
        checks.append(low <= record.n_employees <= high)
    return checks


def expected_factors(record: WorkplaceRecord, query: SearchQuery) -> dict[str, float]:
    """The four factor scores as matcher/scoring.py documents them."""
    day, wishes = query.day, query.wishes
    start = max(day, wishes.start_date or day)

    if record.n_free_places <= 0:
        offer = 0.0
    elif record.available_from is None or record.available_from <= day:
        offer = 1.0
    elif record.available_from <= start:
        offer = 0.8
    else:
        offer = 0.3
    confirmed = local_day(record.confirmed_at)
    if confirmed is None:
        confirmation = 0.1
    else:
        age = max((day - confirmed).days, 0)
        confirmation = 1 / (1 + (age / 90) ** 2)

    checks = preference_checks(record, wishes)
    preferences = sum(checks) / len(checks) if checks else 0.75

    changes = [d for d in (local_day(record.updated_at), confirmed) if d is not None]
    freshness = 0.5 ** (max((day - max(changes)).days, 0) / 180) if changes else 0.0

    return {
        "distance": 0.5 ** (distance_to(record, query) / HALF_SCORE_KM[query.mobility]),
        "availability": offer * confirmation,
        "preferences": preferences,
        "freshness": freshness,
    }


# -- helpers ---------------------------------------------------------------------------


def fit(records: Iterable[WorkplaceRecord], tz: tzinfo = UTC, **options: float) -> SearchEngine:
    return SearchEngine(**options).fit(WorkplaceSnapshot(list(records), tz=tz))


def everything(query: SearchQuery, records: list[WorkplaceRecord]) -> SearchQuery:
    """The same search, asking for every candidate at the asked radius."""
    return replace(query, offset=0, limit=len(records) + 1, widen=False)


def ids(result: SearchResult) -> list[int]:
    return [m.recognition_id for m in result.matches]


def shown(match: Match) -> tuple[object, ...]:
    """What a user sees of a match (its row depends on the snapshot's order)."""
    return (
        match.recognition_id,
        match.distance_km,
        match.score,
        match.is_available,
        tuple((r.factor, r.score, r.weight, r.text) for r in match.reasons),
    )


def reason(match: Match, factor: str) -> str:
    return next(r.text for r in match.reasons if r.factor == factor)


def factor_score(match: Match, factor: str) -> float:
    return next(r.score for r in match.reasons if r.factor == factor)


def tie_key(record: WorkplaceRecord) -> tuple[str, int]:
    return normalize_name(record.company_name), record.recognition_id


def distance_step(record: WorkplaceRecord, query: SearchQuery) -> int:
    return round(distance_to(record, query) * 10)


engines_max_widen = st.one_of(st.just(100.0), st.floats(1.0, MAX_RADIUS_KM))


# -- properties ------------------------------------------------------------------------


@given(scenarios())
def test_results_lie_within_the_radius_at_their_geodesic_distance(
    scenario: tuple[list[WorkplaceRecord], SearchQuery],
) -> None:
    records, query = scenario
    result = fit(records).search(query)
    for match in result.matches:
        record = records[match.row]
        assert record.recognition_id == match.recognition_id
        assert is_valid(record, query)
        assert match.distance_km <= result.radius_km + 0.005
        assert distance_to(record, query) <= result.radius_km + 1e-6
        expected = geodesic((query.lat, query.lon), (record.lat, record.lon)).km
        assert match.distance_km == pytest.approx(expected, rel=0.005, abs=0.02)


@given(scenarios())
def test_order_follows_the_sort_and_the_tie_rule(
    scenario: tuple[list[WorkplaceRecord], SearchQuery],
) -> None:
    records, query = scenario
    result = fit(records).search(replace(query, offset=0))
    for a, b in zip(result.matches, result.matches[1:], strict=False):
        ra, rb = records[a.row], records[b.row]
        step_a, step_b = distance_step(ra, query), distance_step(rb, query)
        if query.sort == "score":
            assert a.score >= b.score
            if a.score != b.score:
                continue
        else:
            # Distances tie at 0.1 km, so a later one is at most 0.1 km nearer.
            assert b.distance_km >= a.distance_km - 0.1 - 0.01
        assert step_a <= step_b
        if step_a == step_b:
            assert tie_key(ra) < tie_key(rb)


@given(
    scenarios(),
    st.one_of(st.just(STALE_AFTER_DAYS), st.integers(0, 400)),
    st.sampled_from((UTC, BRUSSELS)),
)
def test_candidates_are_exactly_the_valid_workplaces_in_the_radius(
    scenario: tuple[list[WorkplaceRecord], SearchQuery], stale_after_days: int, tz: tzinfo
) -> None:
    """Brute force: recompute who qualifies, with or without `only_available`."""
    records, query = scenario
    query = everything(query, records)
    result = fit(records, tz, stale_after_days=stale_after_days).search(query)

    def available(record: WorkplaceRecord) -> bool:
        return is_available(record, query, stale_after_days, tz)

    assert result.total == len(result.matches)
    for match in result.matches:
        record = records[match.row]
        assert is_valid(record, query)
        assert match.is_available == available(record)
        if query.only_available:
            assert match.is_available

    inside = set()
    boundary = set()
    for record in records:
        if not is_valid(record, query) or (query.only_available and not available(record)):
            continue
        distance = distance_to(record, query)
        if abs(distance - query.radius_km) <= BOUNDARY_KM:
            boundary.add(record.recognition_id)
        elif distance < query.radius_km:
            inside.add(record.recognition_id)
    assert set(ids(result)) - boundary == inside


@given(scenarios(), st.integers(1, 7))
def test_pages_split_the_full_order(
    scenario: tuple[list[WorkplaceRecord], SearchQuery], page_size: int
) -> None:
    records, query = scenario
    engine = fit(records)
    full = engine.search(everything(query, records))
    pages: list[int] = []
    for offset in range(0, full.total + page_size, page_size):
        page = engine.search(replace(query, offset=offset, limit=page_size, widen=False))
        assert page.total == full.total
        assert len(page.matches) == max(0, min(page_size, full.total - offset))
        pages.extend(ids(page))
    assert pages == ids(full)
    assert len(set(pages)) == len(pages)

    asked = engine.search(replace(query, widen=False))
    window = slice(query.offset, query.offset + query.limit)
    assert [shown(m) for m in asked.matches] == [shown(m) for m in full.matches[window]]


@given(workplace_records(), st.data())
def test_same_input_same_output(records: list[WorkplaceRecord], data: st.DataObject) -> None:
    query = data.draw(search_queries(records))
    other = data.draw(search_queries(records))  # e.g. another day, between the two
    shuffled = records[:]
    random.Random(data.draw(st.integers(0, 2**32 - 1))).shuffle(shuffled)
    engine = fit(records)
    first = engine.search(query)
    engine.search(other)
    assert engine.search(query) == first

    again = fit(shuffled).search(query)
    assert ids(again) == ids(first)
    assert (again.total, again.radius_km, again.widened) == (
        first.total,
        first.radius_km,
        first.widened,
    )
    assert [shown(m) for m in again.matches] == [shown(m) for m in first.matches]


@given(scenarios(), engines_max_widen)
def test_widening_only_when_asked_and_only_as_far_as_allowed(
    scenario: tuple[list[WorkplaceRecord], SearchQuery], max_widen_km: float
) -> None:
    records, query = scenario
    engine = fit(records, max_widen_km=max_widen_km)
    narrow = engine.search(replace(query, widen=False))
    assert narrow.radius_km == query.radius_km
    assert not narrow.widened

    wide = engine.search(replace(query, widen=True))
    needed = query.offset + query.limit
    ceiling = max(max_widen_km, query.radius_km)
    assert wide.radius_km <= ceiling
    assert wide.total >= narrow.total
    if wide.widened:
        assert narrow.total < needed
        assert wide.radius_km > query.radius_km
        assert wide.total >= needed or wide.radius_km == ceiling
    else:
        assert wide == narrow
        assert (
            narrow.total >= needed
            or query.radius_km >= ceiling
            or query.programme not in {r.programme for r in records}
        )


@given(scenarios())
def test_scores_and_reasons(scenario: tuple[list[WorkplaceRecord], SearchQuery]) -> None:
    records, query = scenario
    engine = fit(records)
    for match in engine.search(query).matches:
        assert 0.0 <= match.score <= 1.0
        assert tuple(r.factor for r in match.reasons) == FACTORS
        for r in match.reasons:
            assert 0.0 <= r.score <= 1.0
            assert r.weight >= 0.0
            assert isinstance(r.text, str)
            assert r.text.strip()
        weighted = [r for r in match.reasons if r.factor in WEIGHTED]
        mean = sum(r.weight * r.score for r in weighted) / sum(r.weight for r in weighted)
        assert mean == pytest.approx(match.score, abs=0.002)

        # Each factor as matcher/scoring.py documents it.
        record = records[match.row]
        for factor, value in expected_factors(record, query).items():
            assert factor_score(match, factor) == pytest.approx(value, abs=0.0006), factor
        misfits = not all(preference_checks(record, query.wishes))
        assert ("past niet" in reason(match, "preferences").lower()) == misfits

        # "3,4 km van <label>, met de fiets"; whole kilometres from 10 km on.
        number, _, rest = reason(match, "distance").partition(" km van ")
        assert rest == f"{query.origin_label}, {MOBILITY_WORDS[query.mobility]}"
        shown_km = float(number.replace(",", "."))
        assert abs(shown_km - match.distance_km) <= (0.56 if shown_km >= 10 else 0.056)

        # `explain` tells the same story about a single workplace.
        explained = engine.explain(match.row, query)
        assert explained.recognition_id == match.recognition_id
        assert explained.is_available == match.is_available
        assert explained.score == pytest.approx(match.score, abs=0.0011)
        assert explained.distance_km == pytest.approx(match.distance_km, abs=0.011)


# -- examples --------------------------------------------------------------------------

DAY = date(2026, 3, 2)
GENT = (51.05, 3.717)
KM_PER_DEGREE = EARTH_RADIUS_KM * math.pi / 180


def north_of_gent(km: float) -> tuple[float, float]:
    """A point `km` due north of GENT (exact on the matcher's sphere)."""
    return GENT[0] + km / KM_PER_DEGREE, GENT[1]


def workplace(recognition_id: int, *, km: float = 2.0, **fields: object) -> WorkplaceRecord:
    """A recognised, available workplace `km` north of Gent, confirmed yesterday."""
    lat, lon = north_of_gent(km)
    values: dict[str, object] = {
        "recognition_id": recognition_id,
        "programme": "elektrotechnieken-duaal",
        "company_id": recognition_id,
        "company_name": f"Bedrijf {recognition_id}",
        "site_id": recognition_id,
        "postcode": "9000",
        "municipality": "Gent",
        "lat": lat,
        "lon": lon,
        "valid_until": date(2030, 1, 1),
        "n_places": 2,
        "n_free_places": 1,
        "confirmed_at": datetime.combine(DAY - timedelta(days=1), time(10), tzinfo=UTC),
        "updated_at": datetime.combine(DAY - timedelta(days=1), time(10), tzinfo=UTC),
    }
    values.update(fields)
    return WorkplaceRecord(**values)


def query(**fields: object) -> SearchQuery:
    values: dict[str, object] = {
        "programme": "elektrotechnieken-duaal",
        "lat": GENT[0],
        "lon": GENT[1],
        "day": DAY,
    }
    values.update(fields)
    return SearchQuery(**values)


def test_a_nearer_workplace_outranks_an_otherwise_identical_farther_one() -> None:
    near = workplace(2, km=2.0, company_name="Zeta Bouw")
    far = workplace(1, km=5.0, company_name="Atelier Zénith")
    result = fit([far, near]).search(query())
    assert ids(result) == [2, 1]
    assert result.matches[0].score > result.matches[1].score
    assert result.matches[0].distance_km == pytest.approx(2.0, abs=0.01)


def test_a_fresh_confirmation_outranks_a_200_day_old_one() -> None:
    old_moment = datetime.combine(DAY - timedelta(days=200), time(10), tzinfo=UTC)
    fresh = workplace(2, company_name="Zeta Bouw")
    old = workplace(1, company_name="Atelier Zénith", confirmed_at=old_moment)
    engine = fit([old, fresh])

    result = engine.search(query(only_available=False))
    assert ids(result) == [2, 1]
    assert result.matches[0].score > result.matches[1].score
    assert [m.is_available for m in result.matches] == [True, False]
    assert "lang niet bevestigd" in reason(result.matches[1], "availability")

    assert ids(engine.search(query(only_available=True))) == [2]


@pytest.mark.parametrize(("days_ago", "available"), [(180, True), (181, False)])
def test_a_place_stays_free_for_180_days_after_its_confirmation(
    days_ago: int, available: bool
) -> None:
    confirmed = datetime.combine(DAY - timedelta(days=days_ago), time(23, 59), tzinfo=UTC)
    engine = fit([workplace(1, confirmed_at=confirmed)])
    assert engine.search(query()).total == int(available)
    assert engine.search(query(only_available=False)).matches[0].is_available is available


def test_a_minimum_age_above_the_students_age_does_not_fit() -> None:
    strict = workplace(1, preferences=IntakePreferences(min_age=18))
    result = fit([strict]).search(query(wishes=StudentWishes(age=16)))
    (match,) = result.matches
    assert factor_score(match, "preferences") == 0.0
    text = reason(match, "preferences")
    assert "past niet" in text.lower()
    assert text == "Past niet: vanaf 18 jaar"


def test_a_minimum_age_the_student_meets_fits() -> None:
    result = fit([workplace(1, preferences=IntakePreferences(min_age=16))]).search(
        query(wishes=StudentWishes(age=16))
    )
    (match,) = result.matches
    assert factor_score(match, "preferences") == 1.0
    assert "past niet" not in reason(match, "preferences").lower()


def test_distance_text_rounds_to_whole_kilometres_from_ten_on() -> None:
    result = fit([workplace(1, km=14.2)]).search(query(mobility="bike", origin_label="Gent"))
    (match,) = result.matches
    assert match.distance_km == pytest.approx(14.2, abs=0.01)
    assert reason(match, "distance") == "14 km van Gent, met de fiets"


@pytest.mark.parametrize(
    ("km", "shown"), [(12.52, "13"), (12.46, "12"), (13.52, "14"), (9.96, "10"), (9.94, "9,9")]
)
def test_distances_are_rounded_once_as_shown(km: float, shown: str) -> None:
    result = fit([workplace(1, km=km)]).search(query(origin_label="Gent"))
    (match,) = result.matches
    assert match.distance_km == pytest.approx(km, abs=0.01)
    assert reason(match, "distance") == f"{shown} km van Gent, met de fiets"


def test_availability_text() -> None:
    confirmed = datetime.combine(DAY - timedelta(days=9), time(8, 30), tzinfo=UTC)
    result = fit([workplace(1, n_places=3, n_free_places=2, confirmed_at=confirmed)]).search(
        query()
    )
    (match,) = result.matches
    assert reason(match, "availability") == "2 van 3 plaatsen vrij, bevestigd 9 dagen geleden"


@pytest.mark.parametrize(
    ("days", "said"),
    [
        (90, "bevestigd 3 maanden geleden"),
        (91, "bevestigd 3 maanden geleden (niet recent bevestigd)"),
        (180, "bevestigd 6 maanden geleden (niet recent bevestigd)"),
        (181, "bevestigd 6 maanden geleden (lang niet bevestigd: misschien niet meer vrij)"),
    ],
)
def test_an_old_confirmation_is_shown_as_unconfirmed_then_stale(days: int, said: str) -> None:
    confirmed = datetime.combine(DAY - timedelta(days=days), time(8, 30), tzinfo=UTC)
    result = fit([workplace(1, n_places=3, n_free_places=2, confirmed_at=confirmed)]).search(
        query(only_available=False)
    )
    (match,) = result.matches
    assert reason(match, "availability") == f"2 van 3 plaatsen vrij, {said}"


def test_an_unconfirmed_availability_ranks_below_a_recent_one() -> None:
    recent = datetime.combine(DAY - timedelta(days=10), time(8), tzinfo=UTC)
    old = datetime.combine(DAY - timedelta(days=120), time(8), tzinfo=UTC)
    rows = [workplace(1, confirmed_at=old), workplace(2, confirmed_at=recent)]
    result = fit(rows).search(query(only_available=False))
    assert [m.recognition_id for m in result.matches] == [2, 1]


def test_an_unknown_programme_finds_nothing() -> None:
    result = fit([workplace(1)]).search(query(programme=UNKNOWN_PROGRAMME, widen=True))
    assert result == SearchResult(total=0, radius_km=25.0, widened=False, matches=())


def test_a_recognition_expires_on_its_valid_until_day() -> None:
    expired = workplace(1, valid_until=DAY - timedelta(days=1))
    expiring = workplace(2, valid_until=DAY)
    last_day = workplace(3, valid_until=DAY + timedelta(days=1))
    result = fit([expired, expiring, last_day]).search(query(only_available=False))
    assert ids(result) == [3]
    assert reason(result.matches[0], "programme") == (
        "Erkend voor deze opleiding tot en met 2 maart 2026"
    )


@pytest.mark.parametrize("sort", ["score", "distance"])
def test_ties_break_on_company_name_ignoring_case_and_accents_then_id(sort: str) -> None:
    records = [
        workplace(3, company_name="Bakkerij Één"),
        workplace(1, company_name="bakkerij een"),
        workplace(9, company_name="Atelier Zénith"),
        workplace(2, company_name="BAKKERIJ EEN"),
    ]
    expected = [9, 1, 2, 3]
    assert ids(fit(records).search(query(sort=sort))) == expected
    assert ids(fit(records[::-1]).search(query(sort=sort))) == expected


def test_widening_grows_the_radius_until_enough_are_found() -> None:
    engine = fit([workplace(1, km=12.0)])
    narrow = engine.search(query(radius_km=5.0))
    assert (narrow.total, narrow.radius_km, narrow.widened) == (0, 5.0, False)
    wide = engine.search(query(radius_km=5.0, widen=True, limit=1))
    # 5 km grows by half, at least 5 km: 10 km, then 15 km.
    assert (wide.total, wide.radius_km, wide.widened) == (1, 15.0, True)


def test_widening_stops_at_the_maximum() -> None:
    engine = fit([workplace(1, km=60.0)], max_widen_km=30.0)
    result = engine.search(query(radius_km=5.0, widen=True))
    assert (result.total, result.radius_km, result.widened) == (0, 30.0, True)


def test_a_widening_maximum_beyond_200_km_is_refused_or_honoured() -> None:
    """Sort keys hold distances up to MAX_RADIUS_KM: a farther maximum must not silently
    order workplaces beyond 200 km by name."""
    records = [
        workplace(1, km=234.0, company_name="Atelier Zénith"),
        workplace(2, km=210.0, company_name="Zeta Bouw"),
    ]
    try:
        engine = fit(records, max_widen_km=250.0)
    except InvalidQueryError as error:
        assert error.field == "max_widen_km"
        return
    result = engine.search(query(radius_km=10.0, widen=True, sort="distance"))
    assert ids(result) == [2, 1]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"radius_km": 0.0}, "radius_km"),
        ({"radius_km": -5.0}, "radius_km"),
        ({"radius_km": MAX_RADIUS_KM + 0.5}, "radius_km"),
        ({"radius_km": math.nan}, "radius_km"),
        ({"mobility": "scooter"}, "mobility"),
        ({"sort": "name"}, "sort"),
        ({"limit": 0}, "limit"),
        ({"limit": -1}, "limit"),
        ({"offset": -1}, "offset"),
        ({"lat": 91.0}, "lat"),
        ({"lon": -180.5}, "lon"),
    ],
)
def test_a_bad_query_names_its_field(fields: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidQueryError) as info:
        query(**fields)
    assert info.value.field == field


def test_the_largest_radius_is_allowed() -> None:
    assert query(radius_km=MAX_RADIUS_KM).radius_km == MAX_RADIUS_KM


def test_an_empty_snapshot_finds_nothing() -> None:
    result = fit([]).search(query(widen=True))
    assert result == SearchResult(total=0, radius_km=25.0, widened=False, matches=())


def test_explaining_a_workplace_that_is_not_valid_on_the_day_is_refused() -> None:
    engine = fit([workplace(1, valid_until=DAY)])
    with pytest.raises(InvalidQueryError) as info:
        engine.explain(0, query())
    assert info.value.field == "row"
