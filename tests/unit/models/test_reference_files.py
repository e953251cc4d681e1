"""The shipped reference data: the postcode gazetteer and the programme catalogue."""

import csv
import re

import pytest
from geopy.distance import geodesic

from matcher import BELGIUM_LAT_RANGE, BELGIUM_LON_RANGE, Gazetteer, Place
from models.enums import LearnerType
from models.reference_data import POSTCODES_CSV, PROGRAMMES_CSV


@pytest.fixture(scope="module")
def postcode_rows() -> list[dict[str, str]]:
    with POSTCODES_CSV.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def gazetteer(postcode_rows: list[dict[str, str]]) -> Gazetteer:
    return Gazetteer(
        Place(
            r["postcode"],
            r["municipality_nl"],
            r["municipality_fr"],
            r["region"],
            r["province"],
            float(r["lat"]),
            float(r["lon"]),
            tuple(r["places"].split("|")) if r["places"] else (),
        )
        for r in postcode_rows
    )


def test_every_belgian_postcode_once_inside_belgium(postcode_rows: list[dict[str, str]]) -> None:
    codes = [r["postcode"] for r in postcode_rows]
    assert 1100 <= len(codes) <= 1200
    assert len(set(codes)) == len(codes)
    assert all(re.fullmatch(r"[1-9][0-9]{3}", c) for c in codes)
    for r in postcode_rows:
        assert 49.4 < float(r["lat"]) < 51.6 and 2.5 < float(r["lon"]) < 6.5, r
        # ... and inside the one box a search from coordinates accepts.
        assert BELGIUM_LAT_RANGE[0] < float(r["lat"]) < BELGIUM_LAT_RANGE[1], r
        assert BELGIUM_LON_RANGE[0] < float(r["lon"]) < BELGIUM_LON_RANGE[1], r
        assert r["municipality_nl"] and r["municipality_fr"]
        assert r["region"] in {"flanders", "brussels", "wallonia"}


def test_kortrijk_is_8500_near_50_83_n_3_26_e(gazetteer: Gazetteer) -> None:
    place = gazetteer.get("8500")
    assert (place.municipality_nl, place.municipality_fr) == ("Kortrijk", "Courtrai")
    assert geodesic((place.lat, place.lon), (50.83, 3.26)).km < 3


def test_gent_and_courtrai_are_found_by_name(gazetteer: Gazetteer) -> None:
    assert gazetteer.search("gent")[0].postcode == "9000"
    assert gazetteer.search("GENT")[0].postcode == "9000"
    assert gazetteer.search("Gand")[0].postcode == "9000"
    assert gazetteer.search("Courtrai")[0].postcode == "8500"


def test_accents_do_not_matter(gazetteer: Gazetteer) -> None:
    assert gazetteer.search("liege")[0].municipality_fr == "Liège"
    assert gazetteer.search("LIÈGE")[0].municipality_fr == "Liège"


def test_regions_follow_the_postcode_ranges(gazetteer: Gazetteer) -> None:
    assert gazetteer.get("1000").region == "brussels"
    assert gazetteer.get("8500").region == "flanders"
    assert gazetteer.get("3500").region == "flanders"
    assert gazetteer.get("7700").region == "wallonia"  # Mouscron borders Kortrijk


@pytest.fixture(scope="module")
def programme_rows() -> list[dict[str, str]]:
    with PROGRAMMES_CSV.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_catalogue_has_at_least_40_real_dual_programmes(
    programme_rows: list[dict[str, str]],
) -> None:
    assert len(programme_rows) >= 40
    codes = [r["code"] for r in programme_rows]
    assert len(set(codes)) == len(codes)
    for r in programme_rows:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", r["code"]), r
        assert r["name"].endswith(" duaal"), r
        assert r["study_domain"] and r["level"] and r["sector"]
        LearnerType(r["learner_type"])
        assert 0 < int(r["workplace_hours"]) <= 40


def test_the_catalogue_names_the_programmes_of_the_domain(
    programme_rows: list[dict[str, str]],
) -> None:
    names = {r["name"] for r in programme_rows}
    assert {
        "Kapper-stylist duaal",
        "Elektrotechnicus duaal",
        "Ruwbouw duaal",
        "Bakkerij duaal",
        "Zorgkundige duaal",
    } <= names


@pytest.mark.parametrize(
    ("query", "postcode", "municipality"),
    [
        ("Heule", "8501", "Kortrijk"),
        ("gentbrugge", "9050", "Gent"),
        ("Deurne", "2100", "Antwerpen"),
        ("Meulebeke", "8760", "Tielt"),
        ("8500 Kortrijk", "8500", "Kortrijk"),
        ("Kortrijk 8500", "8500", "Kortrijk"),
    ],
)
def test_villages_and_former_municipalities_are_found(
    gazetteer: Gazetteer, query: str, postcode: str, municipality: str
) -> None:
    first = gazetteer.search(query)[0]
    assert (first.postcode, first.municipality_nl) == (postcode, municipality)
