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
    LANGUAGES,
    MAX_RADIUS_KM,
    Check,
    IntakePreferences,
    InvalidQueryError,
    Match,
    Reason,
    SearchEngine,
    SearchQuery,
    SearchResult,
    StudentWishes,
    WorkplaceRecord,
    WorkplaceSnapshot,
    normalize_name,
)
from matcher.scoring import COMPANY_SIZE_BANDS, HALF_SCORE_KM
from models.rules import STALE_AFTER_DAYS, UNCONFIRMED_AFTER_DAYS
from tests.unit.matcher.strategies import (
    UNKNOWN_PROGRAMME,
    scenarios,
    search_queries,
    student_wishes,
    workplace_records,
)

FACTORS = ("programme", "distance", "availability", "preferences", "freshness")
# The statements each factor can make (matcher/reasons.py) and the facts behind them.
CODES = {
    "programme": {"recognised"},
    "distance": {"distance"},
    "availability": {"no_free_place", "free", "free_from"},
    "preferences": {"no_conditions", "conditions"},
    "freshness": {"never_updated", "updated"},
}
VALUES = {
    "programme": {"last_day"},
    "distance": {"distance_m", "mobility"},
    "availability": {"n_free", "n_places", "free_from", "confirmed_days_ago", "staleness"},
    "preferences": {"checks"},
    "freshness": {"days_ago"},
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


def staleness(confirmed_days_ago: int | None) -> str:
    """How a confirmation this old is shown, with the domain's default thresholds."""
    if confirmed_days_ago is None or confirmed_days_ago <= UNCONFIRMED_AFTER_DAYS:
        return "recent"
    return "unconfirmed" if confirmed_days_ago <= STALE_AFTER_DAYS else "stale"


def expected_checks(record: WorkplaceRecord, wishes: StudentWishes) -> list[tuple[str, object]]:
    """What the company asks (and the student's wished company size against its size),
    as (code, value), in the documented order."""
    prefs = record.preferences
    asked: list[tuple[str, object]] = []
    if prefs.min_age:
        asked.append(("min_age", prefs.min_age))
    if prefs.start_months:
        asked.append(("start_months", tuple(sorted(prefs.start_months))))
    if prefs.languages:
        asked.append(("languages", tuple(c for c in LANGUAGES if c in prefs.languages)))
    if prefs.hours_pattern is not None:
        asked.append(("hours_pattern", prefs.hours_pattern))
    if wishes.company_size is not None and record.n_employees is not None:
        asked.append(("company_size", (wishes.company_size, record.n_employees)))
    if prefs.first_interview_at_school:
        asked.append(("interview_at_school", True))
    return asked


def expected_reasons(
    record: WorkplaceRecord, query: SearchQuery
) -> dict[str, tuple[str, dict[str, object]]]:
    """The code and values of each factor's reason, as matcher/reasons.py documents them."""
    day = query.day
    confirmed = local_day(record.confirmed_at)
    confirmed_days_ago = None if confirmed is None else (day - confirmed).days
    free_from = record.available_from
    if free_from is not None and free_from <= day:
        free_from = None
    if record.n_free_places <= 0:
        offer = "no_free_place"
    else:
        offer = "free" if free_from is None else "free_from"
    changes = [d for d in (local_day(record.updated_at), confirmed) if d is not None]
    return {
        "programme": ("recognised", {"last_day": record.valid_until - timedelta(days=1)}),
        "availability": (
            offer,
            {
                "n_free": record.n_free_places,
                "n_places": record.n_places,
                "free_from": free_from,
                "confirmed_days_ago": confirmed_days_ago,
                "staleness": staleness(confirmed_days_ago),
            },
        ),
        "freshness": (
            ("updated", {"days_ago": (day - max(changes)).days})
            if changes
            else ("never_updated", {"days_ago": None})
        ),
    }


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


def fit(
    records: Iterable[WorkplaceRecord],
    tz: tzinfo = UTC,
    *,
    stale_after_days: int = STALE_AFTER_DAYS,
    unconfirmed_after_days: int = UNCONFIRMED_AFTER_DAYS,
    **options: float,
) -> SearchEngine:
    """An engine fitted on `records`, with the domain's thresholds unless told otherwise."""
    engine = SearchEngine(
        stale_after_days=stale_after_days, unconfirmed_after_days=unconfirmed_after_days, **options
    )
    return engine.fit(WorkplaceSnapshot(list(records), tz=tz))


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
        tuple((r.factor, r.score, r.weight, r.code, dict(r.values)) for r in match.reasons),
    )


def reason(match: Match, factor: str) -> Reason:
    return next(r for r in match.reasons if r.factor == factor)


def factor_score(match: Match, factor: str) -> float:
    return next(r.score for r in match.reasons if r.factor == factor)


def tie_key(record: WorkplaceRecord) -> tuple[str, int]:
    return normalize_name(record.company_name), record.recognition_id


def distance_step(match: Match) -> int:
    """The distance in the steps it is shown and ordered by: 0.01 km (how far that is
    from the true distance is checked on its own)."""
    return round(match.distance_km * 100)


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
        # Rounded once, to the 0.01 km it is shown and ordered by.
        assert abs(match.distance_km - distance_to(record, query)) <= 0.005 + 1e-9
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
        step_a, step_b = distance_step(a), distance_step(b)
        if query.sort == "score":
            assert a.score >= b.score
            if a.score != b.score:
                continue
        else:
            # Distances tie at 0.01 km, the step they are shown in: never nearer later.
            assert b.distance_km >= a.distance_km
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


@given(workplace_records(), st.data())
def test_an_engine_that_answered_other_searches_answers_as_a_fresh_one(
    records: list[WorkplaceRecord], data: st.DataObject
) -> None:
    """The reasons it keeps per day and wishes (all but the distance) are those a fresh
    engine would give, whatever was asked before."""
    query = data.draw(search_queries(records))
    engine = fit(records)
    # The same search on other days and with other wishes first, and others.
    days = st.sampled_from([query.day + timedelta(days=n) for n in (-1, 0, 1)])
    for _ in range(data.draw(st.integers(1, 4))):
        other = replace(query, day=data.draw(days), wishes=data.draw(student_wishes()))
        engine.search(everything(other, records))
    engine.search(data.draw(search_queries(records)))
    assert engine.search(query) == fit(records).search(query)


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
            assert r.code in CODES[r.factor]
            assert set(r.values) == VALUES[r.factor]
        weighted = [r for r in match.reasons if r.factor in WEIGHTED]
        mean = sum(r.weight * r.score for r in weighted) / sum(r.weight for r in weighted)
        assert mean == pytest.approx(match.score, abs=0.002)

        # Each factor as matcher/scoring.py documents it.
        record = records[match.row]
        for factor, value in expected_factors(record, query).items():
            assert factor_score(match, factor) == pytest.approx(value, abs=0.0006), factor
        # What each reason rests on, as matcher/reasons.py documents it.
        for factor, expected in expected_reasons(record, query).items():
            found = reason(match, factor)
            assert (found.code, dict(found.values)) == expected, factor
        programme = reason(match, "programme")
        assert (programme.score, programme.weight) == (1.0, 0.0)  # shown, not weighed

        # The company's conditions, misfits first; a misfit exactly where a wish fails.
        preferences = reason(match, "preferences")
        checks = preferences.values["checks"]
        assert all(isinstance(check, Check) for check in checks)
        assert preferences.code == ("conditions" if checks else "no_conditions")
        asked = expected_checks(record, query.wishes)
        assert sorted((c.code, c.value) for c in checks) == sorted(asked)
        fits = {check.code: check.fits for check in checks}
        in_order = [code for code, _ in asked]
        assert [c.code for c in checks] == sorted(in_order, key=lambda code: fits[code])
        misfits = not all(preference_checks(record, query.wishes))
        assert (not all(fits.values())) == misfits

        # The distance in whole metres (the words round it once), and how one travels;
        # the match carries it to the 0.01 km it is ordered by.
        distance = reason(match, "distance")
        assert distance.code == "distance"
        assert distance.values["mobility"] == query.mobility
        assert abs(distance.values["distance_m"] / 1000 - match.distance_km) <= 0.0051
        assert match.distance_km == round(match.distance_km, 2)

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
    old_offer = reason(result.matches[1], "availability")
    assert old_offer.values["confirmed_days_ago"] == 200
    assert old_offer.values["staleness"] == "stale"
    assert reason(result.matches[0], "availability").values["staleness"] == "recent"

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
    preferences = reason(match, "preferences")
    assert preferences.code == "conditions"
    assert preferences.values == {"checks": (Check("min_age", False, 18),)}


def test_a_minimum_age_the_student_meets_fits() -> None:
    result = fit([workplace(1, preferences=IntakePreferences(min_age=16))]).search(
        query(wishes=StudentWishes(age=16))
    )
    (match,) = result.matches
    assert factor_score(match, "preferences") == 1.0
    assert reason(match, "preferences").values == {"checks": (Check("min_age", True, 16),)}


def test_the_distance_reason_holds_the_distance_and_how_the_student_travels() -> None:
    result = fit([workplace(1, km=14.2)]).search(query(mobility="bike"))
    (match,) = result.matches
    distance = reason(match, "distance")
    assert distance.code == "distance"
    assert distance.values == {"distance_m": 14_200, "mobility": "bike"}
    assert match.distance_km == 14.2


@pytest.mark.parametrize(
    ("km", "shown"),
    [(12.523, 12.52), (12.467, 12.47), (13.5249, 13.52), (9.951, 9.95), (9.944, 9.94), (0.8, 0.8)],
)
def test_distances_are_rounded_once_to_the_hundredth_of_a_km(km: float, shown: float) -> None:
    """The match carries the distance it is ordered by; the reason the metres it is worded
    from (web.filters.km rounds them once)."""
    result = fit([workplace(1, km=km)]).search(query(mobility="walk"))
    (match,) = result.matches
    assert match.distance_km == shown
    assert reason(match, "distance").values == {"distance_m": round(km * 1000), "mobility": "walk"}


@pytest.mark.parametrize(
    ("near_km", "far_km", "expected"),
    [
        (5.001, 5.004, [9, 1]),  # the same 0.01 km: the name decides
        (5.003, 5.012, [1, 9]),  # 0.01 km apart: the nearer comes first
        (5.0, 5.09, [1, 9]),  # once a tie at 0.1 km, now the nearer first
    ],
)
def test_distances_tie_at_a_hundredth_of_a_km(
    near_km: float, far_km: float, expected: list[int]
) -> None:
    records = [
        workplace(1, km=near_km, company_name="Zeta Bouw"),
        workplace(9, km=far_km, company_name="Atelier Zénith"),
    ]
    assert ids(fit(records).search(query(sort="distance"))) == expected
    assert ids(fit(records[::-1]).search(query(sort="distance"))) == expected


def test_the_availability_reason_holds_the_places_and_the_age_of_the_confirmation() -> None:
    confirmed = datetime.combine(DAY - timedelta(days=9), time(8, 30), tzinfo=UTC)
    result = fit([workplace(1, n_places=3, n_free_places=2, confirmed_at=confirmed)]).search(
        query()
    )
    (match,) = result.matches
    availability = reason(match, "availability")
    assert availability.code == "free"
    assert availability.values == {
        "n_free": 2,
        "n_places": 3,
        "free_from": None,
        "confirmed_days_ago": 9,
        "staleness": "recent",
    }


def test_a_place_free_from_a_later_day_says_from_when() -> None:
    later = DAY + timedelta(days=30)
    result = fit([workplace(1, available_from=later)]).search(query(only_available=False))
    (match,) = result.matches
    availability = reason(match, "availability")
    assert availability.code == "free_from"
    assert availability.values["free_from"] == later
    assert not match.is_available


def test_a_place_free_from_today_or_earlier_is_free_now() -> None:
    result = fit([workplace(1, available_from=DAY)]).search(query())
    (match,) = result.matches
    assert reason(match, "availability").code == "free"
    assert reason(match, "availability").values["free_from"] is None


def test_a_workplace_without_a_free_place_says_so() -> None:
    never = workplace(1, n_places=3, n_free_places=0, confirmed_at=None, updated_at=None)
    result = fit([never]).search(query(only_available=False))
    (match,) = result.matches
    availability = reason(match, "availability")
    assert availability.code == "no_free_place"
    assert availability.values["n_places"] == 3
    assert availability.values["confirmed_days_ago"] is None
    freshness = reason(match, "freshness")
    assert (freshness.score, freshness.code, freshness.values) == (
        0.0,
        "never_updated",
        {"days_ago": None},
    )


def test_the_freshness_reason_counts_days_since_the_last_change() -> None:
    confirmed = datetime.combine(DAY - timedelta(days=40), time(8), tzinfo=UTC)
    updated = datetime.combine(DAY - timedelta(days=12), time(8), tzinfo=UTC)
    result = fit([workplace(1, confirmed_at=confirmed, updated_at=updated)]).search(query())
    (match,) = result.matches
    assert reason(match, "freshness").code == "updated"
    assert reason(match, "freshness").values == {"days_ago": 12}


@pytest.mark.parametrize(
    ("days", "staleness"),
    [(90, "recent"), (91, "unconfirmed"), (180, "unconfirmed"), (181, "stale")],
)
def test_an_old_confirmation_is_shown_as_unconfirmed_then_stale(days: int, staleness: str) -> None:
    confirmed = datetime.combine(DAY - timedelta(days=days), time(8, 30), tzinfo=UTC)
    result = fit([workplace(1, n_places=3, n_free_places=2, confirmed_at=confirmed)]).search(
        query(only_available=False)
    )
    (match,) = result.matches
    availability = reason(match, "availability")
    assert availability.code == "free"
    assert availability.values["confirmed_days_ago"] == days
    assert availability.values["staleness"] == staleness


@pytest.mark.parametrize(
    ("days", "staleness", "available"),
    [
        (10, "recent", True),
        (11, "unconfirmed", True),
        (20, "unconfirmed", True),
        (21, "stale", False),
    ],
)
def test_the_engine_applies_the_thresholds_it_is_given(
    days: int, staleness: str, available: bool
) -> None:
    confirmed = datetime.combine(DAY - timedelta(days=days), time(8, 30), tzinfo=UTC)
    engine = fit(
        [workplace(1, confirmed_at=confirmed)], unconfirmed_after_days=10, stale_after_days=20
    )
    (match,) = engine.search(query(only_available=False)).matches
    assert reason(match, "availability").values["staleness"] == staleness
    assert match.is_available is available


@pytest.mark.parametrize(
    ("thresholds", "field"),
    [
        ({"stale_after_days": -1, "unconfirmed_after_days": 90}, "stale_after_days"),
        ({"stale_after_days": 180, "unconfirmed_after_days": 0}, "unconfirmed_after_days"),
    ],
)
def test_thresholds_that_cannot_work_are_refused(thresholds: dict[str, int], field: str) -> None:
    with pytest.raises(InvalidQueryError) as info:
        SearchEngine(**thresholds)
    assert info.value.field == field


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
    programme = reason(result.matches[0], "programme")
    assert programme.code == "recognised"
    assert programme.values == {"last_day": date(2026, 3, 2)}


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


def test_a_query_may_stop_widening_sooner_than_the_engine() -> None:
    """How far a student on a bike goes: the nearer of the query's and the engine's."""
    engine = fit([workplace(1, km=25.0)], max_widen_km=100.0)
    capped = engine.search(query(radius_km=5.0, widen=True, max_widen_km=20.0))
    assert (capped.total, capped.radius_km, capped.widened) == (0, 20.0, True)
    farther = engine.search(query(radius_km=5.0, widen=True, max_widen_km=150.0))
    assert (farther.total, farther.widened) == (1, True)
    assert farther.radius_km <= 100.0


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
