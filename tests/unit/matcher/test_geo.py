import pytest
from geopy.distance import geodesic
from hypothesis import given
from hypothesis import strategies as st

from matcher import Gazetteer, InvalidQueryError, Place, UnknownPostcodeError, haversine_km
from matcher.geo import normalize_name

PLACES = [
    Place("8500", "Kortrijk", "Courtrai", "flanders", "west-vlaanderen", 50.828, 3.265),
    Place("9000", "Gent", "Gand", "flanders", "oost-vlaanderen", 51.05, 3.717),
    Place("9050", "Gent", "Gand", "flanders", "oost-vlaanderen", 51.03, 3.75),
    Place("9800", "Deinze", "Deinze", "flanders", "oost-vlaanderen", 50.98, 3.53),
    Place("4000", "Luik", "Liège", "wallonia", "luik", 50.63, 5.57),
    Place("1070", "Anderlecht", "Anderlecht", "brussels", "brussel", 50.83, 4.31),
    Place("2900", "Schoten", "Schoten", "flanders", "antwerpen", 51.25, 4.5),
    Place("9041", "Gentbrugge", "Gentbrugge", "flanders", "oost-vlaanderen", 51.04, 3.76),
    Place(
        "8501",
        "Kortrijk",
        "Courtrai",
        "flanders",
        "west-vlaanderen",
        50.82,
        3.2,
        ("Bissegem", "Heule"),
    ),
    Place(
        "3945", "Tessenderlo-Ham", "Tessenderlo-Ham", "flanders", "limburg", 51.07, 5.16, ("Ham",)
    ),
    Place("3930", "Hamont-Achel", "Hamont-Achel", "flanders", "limburg", 51.25, 5.54),
]


@pytest.fixture
def gazetteer() -> Gazetteer:
    return Gazetteer(PLACES)


def test_normalize_name() -> None:
    assert normalize_name("Sint-Gillis-Waas") == "sint gillis waas"
    assert normalize_name("  LIÈGE ") == "liege"
    assert normalize_name("'s Gravenwezel") == "s gravenwezel"


def test_prefix_search_by_digits(gazetteer: Gazetteer) -> None:
    assert [p.postcode for p in gazetteer.search("85")] == ["8500", "8501"]
    assert [p.postcode for p in gazetteer.search("9000")] == ["9000"]
    assert gazetteer.search("7") == []


def test_exact_names_come_before_prefixes_then_postcode_order(gazetteer: Gazetteer) -> None:
    assert [p.postcode for p in gazetteer.search("gent")] == ["9000", "9050", "9041"]


def test_substring_and_french_names(gazetteer: Gazetteer) -> None:
    assert [p.postcode for p in gazetteer.search("derle")] == ["1070"]
    assert [p.postcode for p in gazetteer.search("liège")] == ["4000"]
    assert [p.postcode for p in gazetteer.search("Luik")] == ["4000"]


def test_limit(gazetteer: Gazetteer) -> None:
    assert len(gazetteer.search("8", limit=1)) == 1
    with pytest.raises(InvalidQueryError) as info:
        gazetteer.search("8", limit=0)
    assert info.value.field == "limit"


@pytest.mark.parametrize("query", ["12345", "---", "  "])
def test_bad_queries_name_the_field(gazetteer: Gazetteer, query: str) -> None:
    with pytest.raises(InvalidQueryError) as info:
        gazetteer.search(query)
    assert info.value.field == "q"


def test_get_unknown(gazetteer: Gazetteer) -> None:
    with pytest.raises(UnknownPostcodeError):
        gazetteer.get("1234")
    assert "8500" in gazetteer and "1234" not in gazetteer


flemish_lat = st.floats(min_value=50.6, max_value=51.5)
flemish_lon = st.floats(min_value=2.5, max_value=5.9)


@given(flemish_lat, flemish_lon, flemish_lat, flemish_lon)
def test_haversine_agrees_with_geodesic_within_half_a_percent(
    lat1: float, lon1: float, lat2: float, lon2: float
) -> None:
    expected = geodesic((lat1, lon1), (lat2, lon2)).km
    got = float(haversine_km(lat1, lon1, lat2, lon2))
    assert got == pytest.approx(expected, rel=0.005, abs=0.01)


def test_villages_are_found_after_municipalities_of_the_same_rank(gazetteer: Gazetteer) -> None:
    assert [p.postcode for p in gazetteer.search("heule")] == ["8501"]
    # An exact village name beats a municipality that merely starts with the query.
    assert [p.postcode for p in gazetteer.search("ham")] == ["3945", "3930"]


def test_a_postcode_with_its_name_is_read_as_the_postcode(gazetteer: Gazetteer) -> None:
    assert [p.postcode for p in gazetteer.search("8500 Kortrijk")] == ["8500"]
    assert [p.postcode for p in gazetteer.search("Gent 9000")] == ["9000"]
