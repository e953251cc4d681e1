"""The reasons behind a match, in words: the matcher's codes and values worded by
`web.reasons.reason_text` in the page's language (Dutch first), with the one vocabulary,
and distances written by `web.filters.km`."""

import math
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta

import pytest
from flask import Flask
from hypothesis import given

from matcher import (
    EARTH_RADIUS_KM,
    MOBILITIES,
    Check,
    IntakePreferences,
    Match,
    Reason,
    SearchEngine,
    SearchQuery,
    StudentWishes,
    WorkplaceRecord,
    WorkplaceSnapshot,
)
from models.rules import STALE_AFTER_DAYS, UNCONFIRMED_AFTER_DAYS
from tests.unit.matcher.strategies import scenarios
from web import create_app
from web.filters import format_km, km, shown_tenths
from web.reasons import reason_text, reasons_to_say, wording
from web.services.search import Origin
from web.settings import SearchSettings

DAY = date(2026, 3, 2)
GENT = (51.05, 3.717)
KM_PER_DEGREE = EARTH_RADIUS_KM * math.pi / 180
FROM_GENT = Origin("9000", "Gent", *GENT)
FROM_A_POINT = Origin("9000", "Gent", *GENT, is_point=True)
MOBILITY_WORDS = {
    "walk": "te voet",
    "bike": "met de fiets",
    "public_transport": "met het openbaar vervoer",
    "car": "met de auto",
}


@pytest.fixture(scope="module")
def app() -> Flask:
    return create_app({"DUAAL_ENV": "test", "SECRET_KEY": "x", "DATABASE_URL": "sqlite://"})


@pytest.fixture
def dutch(app: Flask) -> Iterator[None]:
    """A Dutch request (the default language), for Babel to word in."""
    with app.test_request_context("/"):
        yield


@pytest.fixture
def english(app: Flask) -> Iterator[None]:
    """A request that asks for English."""
    with app.test_request_context("/?lang=en"):
        yield


# -- matches from the engine, as the pages and the API word them -----------------------


def workplace(recognition_id: int, *, km: float = 2.0, **fields: object) -> WorkplaceRecord:
    """A recognised, available workplace `km` north of Gent, confirmed yesterday."""
    values: dict[str, object] = {
        "recognition_id": recognition_id,
        "programme": "elektrotechnieken-duaal",
        "company_id": recognition_id,
        "company_name": f"Bedrijf {recognition_id}",
        "site_id": recognition_id,
        "postcode": "9000",
        "municipality": "Gent",
        "lat": GENT[0] + km / KM_PER_DEGREE,
        "lon": GENT[1],
        "valid_until": date(2030, 1, 1),
        "n_places": 2,
        "n_free_places": 1,
        "confirmed_at": datetime.combine(DAY - timedelta(days=1), time(10), tzinfo=UTC),
        "updated_at": datetime.combine(DAY - timedelta(days=1), time(10), tzinfo=UTC),
    }
    values.update(fields)
    return WorkplaceRecord(**values)  # type: ignore[arg-type]


def engine(*records: WorkplaceRecord) -> SearchEngine:
    return SearchEngine(
        stale_after_days=STALE_AFTER_DAYS, unconfirmed_after_days=UNCONFIRMED_AFTER_DAYS
    ).fit(WorkplaceSnapshot(list(records), tz=UTC))


def only_match(record: WorkplaceRecord, **fields: object) -> Match:
    values: dict[str, object] = {
        "programme": "elektrotechnieken-duaal",
        "lat": GENT[0],
        "lon": GENT[1],
        "day": DAY,
        "only_available": False,
    }
    values.update(fields)
    (match,) = engine(record).search(SearchQuery(**values)).matches  # type: ignore[arg-type]
    return match


def said(match: Match, factor: str, origin: Origin | None = FROM_GENT) -> str:
    """What the page says of one factor of a match."""
    return reason_text(next(r for r in match.reasons if r.factor == factor), origin)


# -- distance --------------------------------------------------------------------------


@pytest.mark.usefixtures("dutch")
def test_the_distance_is_worded_from_the_origin_with_how_the_student_travels() -> None:
    match = only_match(workplace(1, km=14.2), mobility="bike")
    assert said(match, "distance") == "14 km van Gent, met de fiets"


@pytest.mark.usefixtures("dutch")
def test_a_search_from_a_point_measures_from_your_starting_point() -> None:
    match = only_match(workplace(1, km=3.4), mobility="walk")
    assert said(match, "distance", FROM_A_POINT) == "3,4 km van je vertrekpunt, te voet"


@pytest.mark.usefixtures("dutch")
@pytest.mark.parametrize("mobility", MOBILITIES)
def test_every_way_of_travelling_has_its_words(mobility: str) -> None:
    match = only_match(workplace(1, km=4.2), mobility=mobility)
    assert said(match, "distance") == f"4,2 km van Gent, {MOBILITY_WORDS[mobility]}"


@pytest.mark.usefixtures("dutch")
@pytest.mark.parametrize(
    ("mobility", "km", "shown"),
    [
        ("bike", 20.0, "20 km van Gent, met de fiets"),
        ("bike", 65.0, "65 km van Gent: te ver met de fiets"),
        ("walk", 5.4, "5,4 km van Gent: te ver te voet"),
        ("public_transport", 45.0, "45 km van Gent, met het openbaar vervoer"),
        ("car", 65.0, "65 km van Gent, met de auto"),
    ],
)
def test_a_distance_past_the_ceiling_of_the_way_of_travelling_is_called_too_far(
    mobility: str, km: float, shown: str
) -> None:
    """Issue 14, item 3: never "65 km van Voeren, met de fiets"."""
    match = only_match(workplace(1, km=km), mobility=mobility, radius_km=100.0)
    assert said(match, "distance") == shown


# -- each fact once --------------------------------------------------------------------


def factors(reasons: list[Reason]) -> list[str]:
    return [reason.factor for reason in reasons]


def test_a_card_says_the_freshness_only_when_it_is_not_the_confirmation() -> None:
    confirmed = datetime.combine(DAY - timedelta(days=9), time(10), tzinfo=UTC)
    same = only_match(workplace(1, confirmed_at=confirmed, updated_at=confirmed))
    assert factors(reasons_to_say(same.reasons)) == ["distance", "availability", "preferences"]
    later = only_match(workplace(1, confirmed_at=confirmed))  # updated yesterday
    assert "freshness" in factors(reasons_to_say(later.reasons))


def test_a_workplace_page_says_places_and_fitting_preferences_in_their_own_sections() -> None:
    asks = IntakePreferences(min_age=18)
    fits = only_match(workplace(1, preferences=asks), wishes=StudentWishes(age=19))
    assert factors(reasons_to_say(fits.reasons, on_workplace_page=True)) == ["distance"]
    misfit = only_match(workplace(1, preferences=asks), wishes=StudentWishes(age=16))
    assert factors(reasons_to_say(misfit.reasons, on_workplace_page=True)) == [
        "distance",
        "preferences",
    ]


@pytest.mark.usefixtures("dutch")
@pytest.mark.parametrize(
    ("distance_km", "shown"),
    [
        (12.52, "13"),
        (12.46, "12"),
        (13.52, "14"),
        (9.96, "10"),
        (9.94, "9,9"),
        (1.5, "1,5"),
        (0.83, "0,8"),
    ],
)
def test_distances_are_shown_to_a_tenth_under_ten_km_and_whole_from_there(
    distance_km: float, shown: str
) -> None:
    match = only_match(workplace(1, km=distance_km))
    assert said(match, "distance") == f"{shown} km van Gent, met de fiets"


@pytest.mark.usefixtures("dutch")
@pytest.mark.parametrize(
    ("distance_km", "shown"), [(1.5, "1,5"), (9.94, "9,9"), (9.95, "10"), (14.2, "14")]
)
def test_km_writes_a_decimal_comma_in_dutch(distance_km: float, shown: str) -> None:
    assert km(distance_km) == shown


@pytest.mark.usefixtures("english")
def test_km_writes_a_decimal_point_in_english() -> None:
    assert (km(1.5), km(14.2)) == ("1.5", "14")


def test_a_distances_sentence_is_kept_by_the_tenths_it_shows_which_are_format_kms() -> None:
    # Every distance up to the largest radius, to the metre: a sentence said for one
    # distance is said again for another with the same tenths, so these must agree.
    for language in ("nl", "en"):
        for metres in range(0, 200_001):
            shown = format_km(shown_tenths(metres) / 10, language)
            assert shown == format_km(metres / 1000, language), metres


# -- availability ----------------------------------------------------------------------


@pytest.mark.usefixtures("dutch")
def test_free_places_are_worded_with_the_age_of_their_confirmation() -> None:
    confirmed = datetime.combine(DAY - timedelta(days=9), time(8, 30), tzinfo=UTC)
    match = only_match(workplace(1, n_places=3, n_free_places=2, confirmed_at=confirmed))
    assert said(match, "availability") == "2 van 3 plaatsen vrij, bevestigd 9 dagen geleden"


@pytest.mark.usefixtures("dutch")
@pytest.mark.parametrize(
    ("days", "words"),
    [
        (90, "bevestigd 3 maanden geleden"),
        (91, "bevestigd 3 maanden geleden (niet recent bevestigd)"),
        (180, "bevestigd 6 maanden geleden (niet recent bevestigd)"),
        (181, "bevestigd 6 maanden geleden (lang niet bevestigd: misschien niet meer vrij)"),
    ],
)
def test_an_old_confirmation_is_worded_as_unconfirmed_then_stale(days: int, words: str) -> None:
    confirmed = datetime.combine(DAY - timedelta(days=days), time(8, 30), tzinfo=UTC)
    match = only_match(workplace(1, n_places=3, n_free_places=2, confirmed_at=confirmed))
    assert said(match, "availability") == f"2 van 3 plaatsen vrij, {words}"


@pytest.mark.usefixtures("dutch")
def test_a_confirmation_of_200_days_ago_may_no_longer_be_free() -> None:
    confirmed = datetime.combine(DAY - timedelta(days=200), time(10), tzinfo=UTC)
    match = only_match(workplace(1, confirmed_at=confirmed))
    assert "lang niet bevestigd" in said(match, "availability")


@pytest.mark.usefixtures("dutch")
def test_one_place_free_from_a_later_day() -> None:
    match = only_match(workplace(1, n_places=1, available_from=date(2026, 4, 1)))
    assert (
        said(match, "availability") == "1 van 1 plaats vrij vanaf 1 april 2026, bevestigd gisteren"
    )


@pytest.mark.usefixtures("dutch")
def test_no_free_place_never_confirmed() -> None:
    match = only_match(workplace(1, n_places=3, n_free_places=0, confirmed_at=None))
    assert said(match, "availability") == (
        "Geen vrije plaats (van 3 plaatsen), nooit bevestigd door het bedrijf"
    )


@pytest.mark.usefixtures("dutch")
def test_an_old_confirmation_of_no_free_place_carries_no_warning() -> None:
    confirmed = datetime.combine(DAY - timedelta(days=200), time(10), tzinfo=UTC)
    match = only_match(workplace(1, n_places=1, n_free_places=0, confirmed_at=confirmed))
    assert said(match, "availability") == (
        "Geen vrije plaats (van 1 plaats), bevestigd 6 maanden geleden"
    )


@pytest.mark.usefixtures("dutch")
@pytest.mark.parametrize(
    ("days", "words"),
    [
        (0, "vandaag"),
        (1, "gisteren"),
        (2, "2 dagen geleden"),
        (59, "59 dagen geleden"),
        (60, "2 maanden geleden"),
        (729, "24 maanden geleden"),
        (730, "2 jaar geleden"),
    ],
)
def test_days_ago_in_words(days: int, words: str) -> None:
    assert wording("nl").days_ago(days) == words


# -- preferences -----------------------------------------------------------------------


@pytest.mark.usefixtures("dutch")
def test_a_minimum_age_above_the_students_age_does_not_fit() -> None:
    strict = workplace(1, preferences=IntakePreferences(min_age=18))
    match = only_match(strict, wishes=StudentWishes(age=16))
    assert said(match, "preferences") == "Past niet: vanaf 18 jaar"


@pytest.mark.usefixtures("dutch")
def test_a_minimum_age_the_student_meets_fits() -> None:
    match = only_match(
        workplace(1, preferences=IntakePreferences(min_age=16)), wishes=StudentWishes(age=16)
    )
    assert said(match, "preferences") == "Vanaf 16 jaar"


@pytest.mark.usefixtures("dutch")
def test_no_conditions() -> None:
    assert said(only_match(workplace(1)), "preferences") == (
        "Het bedrijf stelt geen bijzondere voorwaarden"
    )


ASKS_A_LOT = IntakePreferences(
    min_age=18,
    start_months=frozenset({2, 9}),
    languages=frozenset({"nl", "fr"}),
    hours_pattern="dag",
    first_interview_at_school=True,
)


@pytest.mark.usefixtures("dutch")
def test_every_condition_in_words_as_the_company_asks_it() -> None:
    match = only_match(workplace(1, preferences=ASKS_A_LOT, n_employees=5))
    assert said(match, "preferences") == (
        "Vanaf 18 jaar; start in februari of september; vraagt Nederlands en Frans; "
        "werkuren: dagwerk; eerste gesprek op school"
    )


@pytest.mark.usefixtures("dutch")
def test_misfits_come_first_then_what_fits() -> None:
    wishes = StudentWishes(
        age=16,
        start_date=date(2026, 3, 1),
        languages=frozenset({"nl"}),
        hours_pattern="dag",
        company_size="groot",
    )
    match = only_match(workplace(1, preferences=ASKS_A_LOT, n_employees=5), wishes=wishes)
    assert said(match, "preferences") == (
        "Past niet: vanaf 18 jaar; past niet: start enkel in februari of september; "
        "past niet: vraagt Nederlands en Frans; past niet: geen groot bedrijf (5 werknemers); "
        "werkuren: dagwerk; eerste gesprek op school"
    )


@pytest.mark.usefixtures("dutch")
def test_a_wished_company_size_that_fits() -> None:
    match = only_match(workplace(1, n_employees=5), wishes=StudentWishes(company_size="klein"))
    assert said(match, "preferences") == "Een klein bedrijf, zoals je wilt"


# -- programme and freshness -----------------------------------------------------------


@pytest.mark.usefixtures("dutch")
def test_the_last_day_of_the_recognition() -> None:
    match = only_match(workplace(1, valid_until=DAY + timedelta(days=1)))
    assert said(match, "programme") == "Erkend voor deze opleiding tot en met 2 maart 2026"


@pytest.mark.usefixtures("dutch")
def test_freshness_in_words() -> None:
    updated = datetime.combine(DAY - timedelta(days=12), time(10), tzinfo=UTC)
    confirmed = datetime.combine(DAY - timedelta(days=40), time(10), tzinfo=UTC)
    match = only_match(workplace(1, updated_at=updated, confirmed_at=confirmed))
    assert said(match, "freshness") == "Gegevens 12 dagen geleden bijgewerkt"
    never = only_match(workplace(1, updated_at=None, confirmed_at=None))
    assert said(never, "freshness") == "Nooit bijgewerkt sinds de erkenning"


# -- every reason of any search --------------------------------------------------------


@given(scenarios())
def test_every_reason_of_a_search_is_worded(
    app: Flask, scenario: tuple[list[WorkplaceRecord], SearchQuery]
) -> None:
    records, query = scenario
    with app.test_request_context("/"):
        for match in engine(*records).search(query).matches:
            _check_words(match, query)


def _check_words(match: Match, query: SearchQuery) -> None:
    """Every reason says something; "past niet" exactly for a misfit; the distance as shown."""
    for reason in match.reasons:
        assert reason_text(reason, FROM_GENT).strip()
    misfits = any(not check.fits for check in _checks(match))
    assert ("past niet" in said(match, "preferences").lower()) == misfits

    # "3,4 km van Gent, met de fiets"; whole kilometres from 10 km on; past the ceiling
    # of the way of travelling, "65 km van Gent: te ver met de fiets".
    number, _, rest = said(match, "distance").partition(" km van ")
    distance_m = next(r for r in match.reasons if r.factor == "distance").values["distance_m"]
    is_far = distance_m / 1000 > SearchSettings().widen_ceiling_km(query.mobility)
    assert rest == f"Gent{': te ver' if is_far else ','} {MOBILITY_WORDS[query.mobility]}"
    shown_km = float(number.replace(",", "."))
    assert abs(shown_km - match.distance_km) <= (0.51 if shown_km >= 10 else 0.051)
    assert shown_km == round(shown_km, 0 if shown_km >= 10 else 1)


def _checks(match: Match) -> tuple[Check, ...]:
    preferences = next(r for r in match.reasons if r.factor == "preferences")
    checks: tuple[Check, ...] = preferences.values["checks"]
    return checks


# -- English ---------------------------------------------------------------------------

EVERY_KIND_OF_REASON = [
    Reason("programme", 1.0, 0.0, "recognised", {"last_day": date(2026, 3, 2)}),
    Reason("distance", 0.5, 0.45, "distance", {"distance_m": 14_200, "mobility": "bike"}),
    Reason("distance", 0.9, 0.45, "distance", {"distance_m": 1_500, "mobility": "walk"}),
    Reason(
        "availability",
        0.0,
        0.3,
        "no_free_place",
        {
            "n_free": 0,
            "n_places": 3,
            "free_from": None,
            "confirmed_days_ago": None,
            "staleness": "recent",
        },
    ),
    Reason(
        "availability",
        0.8,
        0.3,
        "free_from",
        {
            "n_free": 1,
            "n_places": 1,
            "free_from": date(2026, 4, 1),
            "confirmed_days_ago": 1,
            "staleness": "recent",
        },
    ),
    Reason(
        "availability",
        0.5,
        0.3,
        "free",
        {
            "n_free": 2,
            "n_places": 3,
            "free_from": None,
            "confirmed_days_ago": 181,
            "staleness": "stale",
        },
    ),
    Reason("preferences", 0.75, 0.15, "no_conditions", {"checks": ()}),
    Reason(
        "preferences",
        0.5,
        0.15,
        "conditions",
        {
            "checks": (
                Check("min_age", False, 18),
                Check("start_months", False, (2, 9)),
                Check("languages", False, ("nl", "fr")),
                Check("company_size", False, ("groot", 5)),
                Check("hours_pattern", True, "dag"),
                Check("company_size", True, ("klein", 5)),
                Check("interview_at_school", True, True),
            )
        },
    ),
    Reason("freshness", 0.9, 0.1, "updated", {"days_ago": 12}),
    Reason("freshness", 0.0, 0.1, "never_updated", {"days_ago": None}),
]


@pytest.mark.usefixtures("english")
@pytest.mark.parametrize("reason", EVERY_KIND_OF_REASON, ids=lambda r: f"{r.factor}-{r.code}")
@pytest.mark.parametrize("origin", [FROM_GENT, FROM_A_POINT], ids=["postcode", "point"])
def test_every_kind_of_reason_is_worded_in_english(reason: Reason, origin: Origin) -> None:
    english = reason_text(reason, origin, "en")
    assert english.strip()
    assert english != reason_text(reason, origin, "nl")


@pytest.mark.parametrize(
    ("reason", "said"),
    [
        (EVERY_KIND_OF_REASON[1], "14 km from Gent, by bike"),
        (EVERY_KIND_OF_REASON[0], "Recognised for this programme until March 2, 2026"),
        (
            Reason(
                "availability",
                0.9,
                0.3,
                "free",
                {
                    "n_free": 2,
                    "n_places": 3,
                    "free_from": None,
                    "confirmed_days_ago": 9,
                    "staleness": "recent",
                },
            ),
            "2 of 3 places free, confirmed 9 days ago",
        ),
        (EVERY_KIND_OF_REASON[-2], "Data updated 12 days ago"),
    ],
)
def test_english_sentences(app: Flask, reason: Reason, said: str) -> None:
    with app.app_context():  # a distance is worded with the app's travel ceilings
        assert reason_text(reason, FROM_GENT, "en") == said
