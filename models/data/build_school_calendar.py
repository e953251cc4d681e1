"""Build school_calendar.csv, the Flemish secondary-school calendar, offline.

Run only when the data is to be rebuilt or a school year added (never at install time;
needs no network and no package beyond the standard library):

    python -m models.data.build_school_calendar
    python models/data/build_school_calendar.py      (the same)

Scope: secondary education of the Flemish Community (Dutch-speaking schools in Flanders
and Brussels), school years 2025-2026 to 2027-2028 (``SCHOOL_YEARS`` below). Flanders did
*not* take over the French Community's 2022 reform (two-week autumn and carnival breaks,
school year from the last Monday of August): the Flemish calendar is still the one below.

Output, one row per period, sorted by school year, first day and kind:

    school_year,kind,name,first_day,last_day,confirmed,rule,confirmed_by

* ``school_year``: ``2025-2026`` etc. (a school year runs 1 September - 31 August).
* ``kind``: ``school_year`` (first_day = first school day, last_day = last school day),
  ``autumn``, ``christmas``, ``carnival``, ``easter``, ``summer`` (the five breaks),
  ``public_holiday`` (11 November, Easter Monday, 1 May, Ascension Day, Whit Monday: the
  statutory days off that are also Belgian public holidays) or ``school_day_off`` (the day
  after Ascension Day: no school, but not a public holiday, so workplaces may be open).
* ``name``: the Dutch name (``herfstvakantie``, ``Paasmaandag``, ...).
* ``first_day``, ``last_day``: ISO dates, both inclusive; equal for a single day.
* ``confirmed``: ``yes`` if the exact dates were found in a published calendar (see
  ``PUBLISHED``), ``no`` if they are only computed from the rules.
* ``rule``: the provision the dates are computed from.
* ``confirmed_by``: the URLs of the published calendars that agree, space-separated.

Rows may overlap (Easter Monday inside the Easter break, 1 May on a Saturday): a day is a
school day when it is a Monday-Friday between the first and the last school day and lies
in no other row of its school year. Days a school picks itself (pedagogische studiedagen,
facultatieve vrije dagen, exam days) are not in the file.

Rules (Besluit van de Vlaamse Regering van 31 augustus 2001 houdende de organisatie van het
schooljaar in het secundair onderwijs, art. 2 and art. 7; vlaanderen.be "Schoolvakanties en
vrije dagen op school" for the first and last school day):

* The school year runs 1 September - 31 August. First school day: 1 September, or the
  Monday after it when it is a Saturday or Sunday. Last school day: 30 June, or the Friday
  before it when it is a Saturday or Sunday.
* Autumn break (herfstvakantie): one week from the Monday of the week of 1 November;
  from 2 November when 1 November is a Sunday.
* Christmas break (kerstvakantie): two weeks from the Monday of the week of 25 December;
  from the Monday after it when 25 December is a Saturday or Sunday.
* Carnival break (krokusvakantie): one week from the 7th Monday before Easter.
* Easter break (paasvakantie): two weeks from the first Monday of April; from Easter
  Monday when Easter falls in March; from the second Monday before Easter when Easter
  falls after 15 April (Easter Monday then follows the break as a day off).
* Summer break (zomervakantie): 1 July - 31 August.
* Days off: 11 November, Easter Monday, Ascension Day and the day after it, 1 May, Whit
  Monday (in so far as they do not fall in a break).

Easter is computed with the anonymous Gregorian algorithm (Meeus/Jones/Butcher).

Checks (the build fails loudly, writing nothing, if any does not hold):

* Every published date in ``PUBLISHED`` (school years in the file) and ``RULE_CHECKS``
  (earlier school years, which test the rules on the same edge cases: 1 November on a
  Sunday, 25 December on a Friday or a Sunday, Easter in March or after 15 April)
  must agree with the computed period. A published range agrees when it starts and ends
  on the same school days: it may differ only by weekend days and by the other days off
  of that school year (sources write breaks Monday-Friday or Monday-Sunday, and write the
  Easter break after a late Easter up to and including Easter Monday).
* Breaks start on a Monday (summer excepted), last 7 or 14 days, do not overlap, and lie
  inside their school year; each school year has a plausible number of school days.

Sources and licence: the rules are official legal text, which has no copyright in Belgium
(Code of Economic Law art. XI.172 § 2), and the dates are facts computed here, so no
licence or attribution is required; name the decree in README.md and NOTICE as a courtesy.
The published calendars used only for the cross-check are listed in ``SOURCES``; nothing
is copied from them into the CSV but the agreeing URLs.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise
from pathlib import Path

from models.data.csv_output import write_csv

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "school_calendar.csv"
HEADER = [
    "school_year",
    "kind",
    "name",
    "first_day",
    "last_day",
    "confirmed",
    "rule",
    "confirmed_by",
]

# Calendar years in which the school years in the file start.
SCHOOL_YEARS = (2025, 2026, 2027)

# Bounds on the number of school days (Monday-Friday, not off) in a school year.
SCHOOL_DAYS_RANGE = (170, 185)

MONDAY, FRIDAY, SATURDAY, SUNDAY = 0, 4, 5, 6

BVR = "BVR 31.08.2001"  # the Besluit van de Vlaamse Regering named in the docstring
RULES = {
    "school_year": f"{BVR} art. 2; first/last school day per vlaanderen.be",
    "autumn": f"{BVR} art. 7, 1°",
    "christmas": f"{BVR} art. 7, 2°",
    "carnival": f"{BVR} art. 7, 3°",
    "easter": f"{BVR} art. 7, 4°",
    "summer": f"{BVR} art. 7, 5°",
    "public_holiday": f"{BVR} art. 7, 6°",
    "school_day_off": f"{BVR} art. 7, 6°",
}

# Names of the rows; public holidays and the day after Ascension Day by their Dutch name.
SCHOOL_YEAR = "schooljaar"
AUTUMN = "herfstvakantie"
CHRISTMAS = "kerstvakantie"
CARNIVAL = "krokusvakantie"
EASTER = "paasvakantie"
SUMMER = "zomervakantie"
ARMISTICE = "Wapenstilstand"
EASTER_MONDAY = "Paasmaandag"
LABOUR_DAY = "Dag van de Arbeid"
ASCENSION = "O.L.H. Hemelvaart"
DAY_AFTER_ASCENSION = "dag na O.L.H. Hemelvaart"
WHIT_MONDAY = "Pinkstermaandag"

# Published calendars. Keys are used in PUBLISHED and RULE_CHECKS.
SOURCES = {
    # Katholiek Onderwijs Vlaanderen (umbrella organisation of Catholic schools), school
    # calendars 2023-2024 and 2024-2025.
    "kov": "https://pro.katholiekonderwijs.vlaanderen/schoolkalender",
    # Schools' own published calendars for 2025-2026.
    "stap": "https://www.staproeselare.be/info/vakanties-en-vrije-dagen",
    "meise": "https://www.akademiemeise.be/product/1465/vakantiedagen",
    "bloesem": "https://bloesem-driesprong.be/vakanties-en-vrije-dagen-2020-2021/",
    "duizendpoot": "https://www.deduizendpoot.net/verlofdagen/",
    # Public holidays of calendar year 2026.
    "feestdagen2026": "http://www.schoolvakantieinbelgie.be/feestdagen-2026/",
    # Flemish school holidays 2027-2028.
    "kampkompas": "https://kampkompas.be/schoolvakanties-2027-2028-vlaanderen-belgie",
    # Earlier school years, for RULE_CHECKS only.
    "pts": "https://www.ptsmechelen.be/over-onze-school/vakanties-en-vrije-dagen.html",
    "eeklo": "https://www.kunstacademie-eeklo.be/schoolvakanties",
    "hhc": "https://www.hhchalle.be/vondel/vakantieperioden-en-vrije-dagen/",
    "berkenbos": "https://www.vlsberkenbos.be/agenda/",
    "vrt2019": (
        "https://www.vrt.be/vrtnws/nl/2017/09/25/"
        "paasvakantie-2019-valt-in-vlaanderen-een-week-vroeger-dan-in-wal/"
    ),
}


@dataclass(frozen=True)
class Period:
    """One row of the calendar: a break, a day off or the school year itself."""

    start_year: int  # the school year 2025-2026 has start_year 2025
    kind: str
    name: str
    first: date
    last: date

    @property
    def school_year(self) -> str:
        return f"{self.start_year}-{self.start_year + 1}"


@dataclass(frozen=True)
class Published:
    """Dates as a published calendar gives them, for the period named ``name``."""

    start_year: int
    name: str
    first: date
    last: date
    source: str  # a key of SOURCES


def _d(text: str) -> date:
    return date.fromisoformat(text)


def _pub(start_year: int, name: str, first: str, last: str, *sources: str) -> list[Published]:
    return [Published(start_year, name, _d(first), _d(last), source) for source in sources]


# Dates found in published calendars for the school years in the file, transcribed as the
# source gives them: a range such as "Hemelvaartweekend: donderdag 14 mei tot en met zondag
# 17 mei 2026" is entered for both Ascension Day and the day after (see agrees()).
PUBLISHED: list[Published] = [
    # 2025-2026. First school day (Monday 1 September 2025) not found in a source.
    *_pub(2025, AUTUMN, "2025-10-27", "2025-11-02", "stap", "meise", "bloesem"),
    *_pub(2025, ARMISTICE, "2025-11-11", "2025-11-11", "stap", "meise", "bloesem"),
    *_pub(2025, CHRISTMAS, "2025-12-22", "2026-01-04", "stap", "meise", "bloesem"),
    *_pub(2025, CARNIVAL, "2026-02-16", "2026-02-22", "stap", "meise", "bloesem"),
    *_pub(2025, EASTER, "2026-04-06", "2026-04-19", "stap", "meise", "bloesem"),
    *_pub(2025, EASTER_MONDAY, "2026-04-06", "2026-04-06", "feestdagen2026"),
    *_pub(2025, LABOUR_DAY, "2026-05-01", "2026-05-01", "stap", "meise", "bloesem"),
    *_pub(2025, ASCENSION, "2026-05-14", "2026-05-14", "bloesem"),
    *_pub(2025, ASCENSION, "2026-05-14", "2026-05-17", "stap", "meise"),
    *_pub(2025, ASCENSION, "2026-05-14", "2026-05-15", "duizendpoot"),
    *_pub(2025, DAY_AFTER_ASCENSION, "2026-05-14", "2026-05-17", "stap", "meise"),
    *_pub(2025, DAY_AFTER_ASCENSION, "2026-05-14", "2026-05-15", "duizendpoot"),
    *_pub(2025, WHIT_MONDAY, "2026-05-25", "2026-05-25", "stap", "meise", "bloesem"),
    *_pub(2025, SUMMER, "2026-07-01", "2026-08-31", "meise", "bloesem"),
    # 2026-2027: only the public holiday in the autumn was found published.
    *_pub(2026, ARMISTICE, "2026-11-11", "2026-11-11", "feestdagen2026"),
    # 2027-2028 (kampkompas gives the Easter break as 3-17 April, Easter Monday included).
    *_pub(2027, AUTUMN, "2027-11-01", "2027-11-07", "kampkompas"),
    *_pub(2027, ARMISTICE, "2027-11-11", "2027-11-11", "kampkompas"),
    *_pub(2027, CHRISTMAS, "2027-12-27", "2028-01-09", "kampkompas"),
    *_pub(2027, CARNIVAL, "2028-02-28", "2028-03-05", "kampkompas"),
    *_pub(2027, EASTER, "2028-04-03", "2028-04-17", "kampkompas"),
    *_pub(2027, EASTER_MONDAY, "2028-04-17", "2028-04-17", "kampkompas"),
    *_pub(2027, LABOUR_DAY, "2028-05-01", "2028-05-01", "kampkompas"),
    *_pub(2027, ASCENSION, "2028-05-25", "2028-05-25", "kampkompas"),
    *_pub(2027, DAY_AFTER_ASCENSION, "2028-05-26", "2028-05-26", "kampkompas"),
    *_pub(2027, WHIT_MONDAY, "2028-06-05", "2028-06-05", "kampkompas"),
    *_pub(2027, SUMMER, "2028-07-01", "2028-08-31", "kampkompas"),
]

# Published dates of earlier school years: the rules must reproduce them. They cover the
# edge cases of the school years in the file (2026-2027: 1 November on a Sunday as in
# 2020, 25 December on a Friday as in 2020, Easter in March as in 2024; 2027-2028:
# Easter after 15 April as in 2019 and 2025).
RULE_CHECKS: list[Published] = [
    # 2018-2019: Easter 21 April 2019, break 8-22 April with Easter Monday.
    *_pub(2018, EASTER, "2019-04-08", "2019-04-22", "vrt2019"),
    # 2019-2020, a secondary school (breaks Monday-Friday).
    *_pub(2019, SCHOOL_YEAR, "2019-09-02", "2020-06-30", "hhc"),
    *_pub(2019, AUTUMN, "2019-10-28", "2019-11-01", "hhc"),
    *_pub(2019, ARMISTICE, "2019-11-11", "2019-11-11", "hhc"),
    *_pub(2019, CHRISTMAS, "2019-12-23", "2020-01-03", "hhc"),
    *_pub(2019, CARNIVAL, "2020-02-24", "2020-02-28", "hhc"),
    *_pub(2019, EASTER, "2020-04-06", "2020-04-17", "hhc"),
    *_pub(2019, LABOUR_DAY, "2020-05-01", "2020-05-01", "hhc"),
    *_pub(2019, ASCENSION, "2020-05-21", "2020-05-21", "hhc"),
    *_pub(2019, DAY_AFTER_ASCENSION, "2020-05-22", "2020-05-22", "hhc"),
    *_pub(2019, WHIT_MONDAY, "2020-06-01", "2020-06-01", "hhc"),
    # 2020-2021, as planned (the autumn break was later extended to 15 November 2020
    # because of COVID-19, an exceptional decision).
    *_pub(2020, AUTUMN, "2020-11-02", "2020-11-06", "berkenbos"),
    *_pub(2020, ARMISTICE, "2020-11-11", "2020-11-11", "berkenbos"),
    *_pub(2020, CHRISTMAS, "2020-12-21", "2021-01-01", "berkenbos"),
    *_pub(2020, CARNIVAL, "2021-02-15", "2021-02-19", "berkenbos"),
    *_pub(2020, EASTER, "2021-04-05", "2021-04-16", "berkenbos"),
    *_pub(2020, ASCENSION, "2021-05-13", "2021-05-13", "berkenbos"),
    *_pub(2020, DAY_AFTER_ASCENSION, "2021-05-14", "2021-05-14", "berkenbos"),
    *_pub(2020, WHIT_MONDAY, "2021-05-24", "2021-05-24", "berkenbos"),
    # 2022-2023.
    *_pub(2022, AUTUMN, "2022-10-31", "2022-11-06", "pts"),
    *_pub(2022, ARMISTICE, "2022-11-11", "2022-11-11", "pts"),
    *_pub(2022, CHRISTMAS, "2022-12-26", "2023-01-08", "pts"),
    *_pub(2022, CARNIVAL, "2023-02-20", "2023-02-26", "pts"),
    *_pub(2022, EASTER, "2023-04-03", "2023-04-16", "pts"),
    *_pub(2022, LABOUR_DAY, "2023-05-01", "2023-05-01", "pts"),
    *_pub(2022, ASCENSION, "2023-05-18", "2023-05-18", "pts"),
    *_pub(2022, DAY_AFTER_ASCENSION, "2023-05-19", "2023-05-19", "pts"),
    *_pub(2022, WHIT_MONDAY, "2023-05-29", "2023-05-29", "pts"),
    *_pub(2022, SUMMER, "2023-07-01", "2023-08-31", "pts"),
    # 2023-2024.
    *_pub(2023, AUTUMN, "2023-10-30", "2023-11-05", "kov", "pts"),
    *_pub(2023, ARMISTICE, "2023-11-11", "2023-11-11", "kov"),
    *_pub(2023, CHRISTMAS, "2023-12-25", "2024-01-07", "kov", "pts"),
    *_pub(2023, CARNIVAL, "2024-02-12", "2024-02-18", "kov", "pts"),
    *_pub(2023, EASTER, "2024-04-01", "2024-04-14", "kov", "pts"),
    *_pub(2023, EASTER_MONDAY, "2024-04-01", "2024-04-01", "kov"),
    *_pub(2023, LABOUR_DAY, "2024-05-01", "2024-05-01", "kov", "pts"),
    *_pub(2023, ASCENSION, "2024-05-09", "2024-05-09", "kov", "pts"),
    *_pub(2023, DAY_AFTER_ASCENSION, "2024-05-10", "2024-05-10", "kov", "pts"),
    *_pub(2023, WHIT_MONDAY, "2024-05-20", "2024-05-20", "kov", "pts"),
    *_pub(2023, SUMMER, "2024-07-01", "2024-08-31", "kov"),
    # 2024-2025: Easter 20 April 2025, break 7-21 April with Easter Monday.
    *_pub(2024, AUTUMN, "2024-10-28", "2024-11-03", "kov", "eeklo"),
    *_pub(2024, ARMISTICE, "2024-11-11", "2024-11-11", "kov", "eeklo"),
    *_pub(2024, CHRISTMAS, "2024-12-23", "2025-01-05", "kov", "eeklo"),
    *_pub(2024, CARNIVAL, "2025-03-03", "2025-03-09", "kov", "eeklo"),
    *_pub(2024, EASTER, "2025-04-07", "2025-04-21", "kov", "eeklo"),
    *_pub(2024, EASTER_MONDAY, "2025-04-21", "2025-04-21", "kov"),
    *_pub(2024, LABOUR_DAY, "2025-05-01", "2025-05-01", "kov", "eeklo"),
    *_pub(2024, ASCENSION, "2025-05-29", "2025-05-29", "kov", "eeklo"),
    *_pub(2024, DAY_AFTER_ASCENSION, "2025-05-30", "2025-05-30", "kov"),
    *_pub(2024, WHIT_MONDAY, "2025-06-09", "2025-06-09", "kov", "eeklo"),
    *_pub(2024, SUMMER, "2025-07-01", "2025-08-31", "eeklo"),
]


def easter_sunday(year: int) -> date:
    """Gregorian Easter Sunday (anonymous algorithm, Meeus/Jones/Butcher)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    leap = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * leap) // 451
    month, day = divmod(h + leap - 7 * m + 114, 31)
    return date(year, month, day + 1)


def monday_of_week(day: date) -> date:
    return day - timedelta(days=day.weekday())


def is_weekend(day: date) -> bool:
    return day.weekday() >= SATURDAY


def first_school_day(start_year: int) -> date:
    sep_1 = date(start_year, 9, 1)
    return sep_1 + timedelta(days=7 - sep_1.weekday()) if is_weekend(sep_1) else sep_1


def last_school_day(end_year: int) -> date:
    jun_30 = date(end_year, 6, 30)
    return jun_30 - timedelta(days=jun_30.weekday() - FRIDAY) if is_weekend(jun_30) else jun_30


def autumn_break_start(start_year: int) -> date:
    nov_1 = date(start_year, 11, 1)
    return nov_1 + timedelta(days=1) if nov_1.weekday() == SUNDAY else monday_of_week(nov_1)


def christmas_break_start(start_year: int) -> date:
    dec_25 = date(start_year, 12, 25)
    if is_weekend(dec_25):
        return dec_25 + timedelta(days=7 - dec_25.weekday())
    return monday_of_week(dec_25)


def easter_break_start(end_year: int) -> date:
    easter = easter_sunday(end_year)
    if easter.month == 3:
        return easter + timedelta(days=1)
    if easter > date(end_year, 4, 15):
        return easter - timedelta(days=13)  # the second Monday before Easter
    apr_1 = date(end_year, 4, 1)
    return apr_1 + timedelta(days=(MONDAY - apr_1.weekday()) % 7)


def compute_year(start_year: int) -> list[Period]:
    """All rows of the school year that starts in September of ``start_year``."""
    end_year = start_year + 1
    easter = easter_sunday(end_year)

    def period(kind: str, name: str, first: date, days: int = 1) -> Period:
        return Period(start_year, kind, name, first, first + timedelta(days=days - 1))

    return [
        Period(
            start_year,
            "school_year",
            SCHOOL_YEAR,
            first_school_day(start_year),
            last_school_day(end_year),
        ),
        period("autumn", AUTUMN, autumn_break_start(start_year), 7),
        period("christmas", CHRISTMAS, christmas_break_start(start_year), 14),
        period("carnival", CARNIVAL, easter - timedelta(days=48), 7),
        period("easter", EASTER, easter_break_start(end_year), 14),
        Period(start_year, "summer", SUMMER, date(end_year, 7, 1), date(end_year, 8, 31)),
        period("public_holiday", ARMISTICE, date(start_year, 11, 11)),
        period("public_holiday", EASTER_MONDAY, easter + timedelta(days=1)),
        period("public_holiday", LABOUR_DAY, date(end_year, 5, 1)),
        period("public_holiday", ASCENSION, easter + timedelta(days=39)),
        period("school_day_off", DAY_AFTER_ASCENSION, easter + timedelta(days=40)),
        period("public_holiday", WHIT_MONDAY, easter + timedelta(days=50)),
    ]


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def weekdays(first: date, last: date) -> set[date]:
    return {day for day in days(first, last) if not is_weekend(day)}


def agrees(published: Published, computed: Period, rows: list[Period]) -> bool:
    """Whether a published range takes away the same school days as the computed one."""
    if computed.kind == "school_year":
        return (published.first, published.last) == (computed.first, computed.last)
    other_days_off: set[date] = set()
    for row in rows:
        if row.kind != "school_year" and row != computed:
            other_days_off |= weekdays(row.first, row.last)
    difference = weekdays(published.first, published.last) ^ weekdays(computed.first, computed.last)
    overlap = max(published.first, computed.first) <= min(published.last, computed.last)
    return overlap and difference <= other_days_off


def cross_check(
    checks: list[Published], years: dict[int, list[Period]]
) -> tuple[dict[tuple[int, str], list[str]], list[str]]:
    """Compare published dates with the computed rows.

    Returns the sources that agree with each (start_year, name), and one error message
    per published entry that disagrees or names no computed row.
    """
    agreeing: dict[tuple[int, str], list[str]] = {}
    errors: list[str] = []
    for check in checks:
        rows = years.setdefault(check.start_year, compute_year(check.start_year))
        matches = [row for row in rows if row.name == check.name]
        if len(matches) != 1:
            errors.append(f"{check.start_year} {check.name}: no single computed row")
            continue
        row = matches[0]
        if agrees(check, row, rows):
            agreeing.setdefault((check.start_year, check.name), []).append(check.source)
        else:
            errors.append(
                f"{row.school_year} {check.name}: computed {row.first}..{row.last}, "
                f"{check.source} publishes {check.first}..{check.last}"
            )
    return agreeing, errors


def sanity_errors(rows: list[Period]) -> list[str]:
    """Structural checks of one school year's rows."""
    errors: list[str] = []
    year = rows[0]
    school_year_start = date(year.start_year, 9, 1)
    school_year_end = date(year.start_year + 1, 8, 31)
    breaks = [row for row in rows if row.kind in ("autumn", "christmas", "carnival", "easter")]
    for row in rows:
        if not school_year_start <= row.first <= row.last <= school_year_end:
            errors.append(f"{row.school_year} {row.name}: outside the school year")
    for row in breaks:
        length = (row.last - row.first).days + 1
        if row.first.weekday() != MONDAY or length not in (7, 14):
            errors.append(f"{row.school_year} {row.name}: {row.first}..{row.last}")
    ordered = sorted(breaks, key=lambda row: row.first)
    for before, after in pairwise(ordered):
        if after.first <= before.last:
            errors.append(f"{year.school_year}: {before.name} overlaps {after.name}")
    count = len(school_days(rows))
    if not SCHOOL_DAYS_RANGE[0] <= count <= SCHOOL_DAYS_RANGE[1]:
        errors.append(f"{year.school_year}: {count} school days")
    return errors


def school_days(rows: list[Period]) -> list[date]:
    """The school days (Monday-Friday, not off) of one school year."""
    span = next(row for row in rows if row.kind == "school_year")
    off: set[date] = set()
    for row in rows:
        if row.kind != "school_year":
            off.update(days(row.first, row.last))
    return sorted(weekdays(span.first, span.last) - off)


def build() -> list[dict[str, str]]:
    years = {start_year: compute_year(start_year) for start_year in SCHOOL_YEARS}
    for check in PUBLISHED:
        if check.start_year not in years:
            raise SystemExit(f"PUBLISHED names school year {check.start_year}, not built")
    agreeing, errors = cross_check(PUBLISHED, years)
    _, rule_errors = cross_check(RULE_CHECKS, {})
    errors += rule_errors
    for start_year in SCHOOL_YEARS:
        errors += sanity_errors(years[start_year])
    if errors:
        raise SystemExit("school calendar check failed:\n  " + "\n  ".join(errors))

    out: list[dict[str, str]] = []
    for start_year in SCHOOL_YEARS:
        ordered = sorted(
            years[start_year], key=lambda row: (row.first, row.kind != "school_year", row.last)
        )
        for row in ordered:
            sources = agreeing.get((start_year, row.name), [])
            out.append(
                {
                    "school_year": row.school_year,
                    "kind": row.kind,
                    "name": row.name,
                    "first_day": row.first.isoformat(),
                    "last_day": row.last.isoformat(),
                    "confirmed": "yes" if sources else "no",
                    "rule": RULES[row.kind],
                    "confirmed_by": " ".join(dict.fromkeys(SOURCES[key] for key in sources)),
                }
            )
    return out


def main() -> None:
    rows = build()
    write_csv(OUTPUT, HEADER, rows)
    for start_year in SCHOOL_YEARS:
        count = len(school_days(compute_year(start_year)))
        print(f"{start_year}-{start_year + 1}: {count} school days", file=sys.stderr)
    confirmed = sum(row["confirmed"] == "yes" for row in rows)
    print(
        f"wrote {len(rows)} rows ({confirmed} confirmed by a published calendar) to {OUTPUT}",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
