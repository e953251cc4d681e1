"""Search recognised workplaces: rows → snapshot → engine, and matches → answers."""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any, NamedTuple

import numpy as np
from sqlalchemy import Connection, Select, bindparam, select
from sqlalchemy.orm import Session

from matcher import (
    Gazetteer,
    IntakePreferences,
    Match,
    Place,
    Reason,
    SearchQuery,
    SearchResult,
    WorkplaceRecord,
    WorkplaceSnapshot,
    haversine_km,
)
from models import Company, Postcode, Programme, Recognition, Site
from models.base import BELGIUM, MAX_ID
from models.enums import RecognitionStatus
from models.rules import offered_free_places
from models.versioning import DataVersion
from web.services.overview import overview_on
from web.services.search_index import IndexState, ProgrammeListing
from web.services.workplace_columns import load_snapshot
from web.settings import SearchSettings

# A recognition is public at a site that is not removed (and, checked where it is
# used, until the last day of its term).
_PUBLIC = (Recognition.status == RecognitionStatus.RECOGNISED, Site.removed_at.is_(None))


def _workplace_rows() -> Select[*tuple[Any, ...]]:
    return (
        select(
            Recognition.id,
            Programme.code,
            Company.id,
            Company.name,
            Company.n_employees,
            Site.id,
            Site.postcode,
            Postcode.municipality_nl,
            Site.lat,
            Site.lon,
            Recognition.valid_until,
            Recognition.n_places,
            Recognition.n_free_places,
            Recognition.available_from,
            Recognition.last_confirmed_at,
            Recognition.updated_at,
            Recognition.intake_preferences,
        )
        .join(Site, Site.id == Recognition.site_id)
        .join(Company, Company.id == Site.company_id)
        .join(Programme, Programme.id == Recognition.programme_id)
        .join(Postcode, Postcode.postcode == Site.postcode)
        .where(*_PUBLIC)
    )


def _record(r: Sequence[Any]) -> WorkplaceRecord:
    return WorkplaceRecord(
        recognition_id=r[0],
        programme=r[1],
        company_id=r[2],
        company_name=r[3],
        n_employees=r[4],
        site_id=r[5],
        postcode=r[6],
        municipality=r[7],
        lat=r[8],
        lon=r[9],
        valid_until=r[10],
        n_places=r[11],
        n_free_places=offered_free_places(r[12], r[13], r[10]),
        available_from=r[13],
        confirmed_at=r[14],
        updated_at=r[15],
        preferences=r[16],
    )


# Statements are built once: building one costs as much as running it.

# What a public workplace's page shows besides its listing, and the data version. Where
# the process's index is at that version, it holds the listing, and this is all the
# page reads.
_WORKPLACE_EXTRAS = (
    select(
        Recognition.valid_until,
        Recognition.intake_preferences,
        Site.street,
        Company.email,
        Company.phone,
        Company.website,
        select(DataVersion.version).where(DataVersion.id == 1).scalar_subquery(),
    )
    .join(Site, Site.id == Recognition.site_id)
    .join(Company, Company.id == Site.company_id)
    .where(Recognition.id == bindparam("recognition_id"), *_PUBLIC)
)

# One public workplace's record and all its page shows, in one statement: for when the
# index is not at the data version (right after a change, or before the first build).
_ONE_WORKPLACE = (
    _workplace_rows()
    .add_columns(Programme.name, Site.street, Company.email, Company.phone, Company.website)
    .where(Recognition.id == bindparam("recognition_id"))
)


# The level as the programme list names it, for programmes that share a name (issue 14,
# item 2): "Zorgkundige duaal" exists for secondary pupils (7th year) and for adults.
LEVEL_NAMES = {
    "2e-graad": "2e graad",
    "3e-graad": "3e graad",
    "7e-jaar": "7e jaar",
    "se-n-se": "Se-n-Se",
    "ov3": "OV3",
    "volwassenen": "volwassenen",
}


def listed_name(name: str, level: str, is_shared: bool) -> str:
    """A programme's name as the search form lists it: with its level when another
    programme has the same name (`is_shared`), so that the two can be told apart."""
    return f"{name} ({LEVEL_NAMES.get(level, level)})" if is_shared else name


def build_index_state(
    session: Session, version: int, search: SearchSettings, today: date | None = None
) -> IndexState:
    """Snapshot every recognised workplace and fit an engine on it; with `today`, also
    count the home page's figures of that day, so that no request waits for them."""
    snapshot = load_snapshot(session)
    rows = session.execute(
        select(Programme.code, Programme.name, Programme.study_domain, Programme.level).order_by(
            Programme.study_domain, Programme.name, Programme.code
        )
    ).all()
    names = {code: name for code, name, _, _ in rows}
    n_named = Counter(names.values())
    programmes = tuple(
        ProgrammeListing(code, listed_name(name, level, n_named[name] > 1), domain)
        for code, name, domain, level in rows
    )
    engine = search.new_engine().fit(snapshot)
    state = IndexState(version, engine, names, programmes)
    if today is not None:
        overview_on(state, session, today, search.stale_after_days)
    return state


@dataclass(frozen=True)
class Origin:
    """Where distances are measured from."""

    postcode: str
    municipality: str
    lat: float
    lon: float
    is_point: bool = False  # given as lat/lon rather than as a postcode


def origin_from_postcode(place: Place) -> Origin:
    return Origin(place.postcode, place.municipality_nl, place.lat, place.lon)


def origin_from_point(gazetteer: Gazetteer, lat: float, lon: float) -> Origin:
    """Name a point by its nearest postcode, measuring from the point itself."""
    places = gazetteer.places()
    distances = haversine_km(lat, lon, [p.lat for p in places], [p.lon for p in places])
    nearest = places[int(distances.argmin())]
    return Origin(nearest.postcode, nearest.municipality_nl, lat, lon, is_point=True)


class WorkplaceHit(NamedTuple):
    """One workplace as shown to a searcher: no student data, only the public listing.

    A NamedTuple rather than a frozen dataclass: a page makes twenty, and a frozen
    dataclass costs several times more to create."""

    recognition_id: int
    company_id: int
    company_name: str
    site_id: int
    postcode: str
    municipality: str
    lat: float
    lon: float
    programme_code: str
    programme_name: str
    distance_km: float | None
    open_places: int
    available: bool
    confirmed_at: datetime | None
    score: float | None
    distance: Reason | None  # None without an origin
    shared: tuple[Reason, ...]  # the other reasons: the matcher's `Match.shared`

    @property
    def reasons(self) -> tuple[Reason, ...]:
        """Every reason, in the matcher's order (the programme, the distance if any,
        the places, the preferences, the freshness)."""
        programme, *others = self.shared
        return self.shared if self.distance is None else (programme, self.distance, *others)

    def reason(self, factor: str) -> Reason | None:
        """The reason of one factor ("availability", ...), None when left out."""
        return next((r for r in self.reasons if r.factor == factor), None)


@dataclass(frozen=True)
class SearchPage:
    total: int
    radius_km: float
    widened: bool
    origin: Origin
    hits: list[WorkplaceHit]


MAX_LISTINGS = 50_000  # workplaces' listings kept per data version; past this, afresh
# WorkplaceHit's fields from company_id to programme_name; open places; confirmation.
Listing = tuple[tuple[int, str, int, str, str, float, float, str, str], int, datetime | None]


def workplace_hits(
    state: IndexState, matches: Sequence[Match], *, with_distance: bool = True
) -> list[WorkplaceHit]:
    """The matches as hits. A workplace's listing (its company, site and programme, its
    places and their confirmation) is read from the snapshot once per data version."""
    listings: dict[int, Listing] = state.derive("listings", dict)
    new = [m.row for m in matches if m.row not in listings]
    if new:
        if len(listings) >= MAX_LISTINGS:
            listings.clear()
        listings.update(_listings(state, new))
    hits = []
    for match in matches:
        fields, open_places, confirmed_at = listings[match.row]
        hits.append(
            WorkplaceHit(
                match.recognition_id,
                *fields,
                match.distance_km if with_distance else None,
                open_places,
                match.is_available,
                confirmed_at,
                match.score if with_distance else None,
                match.distance if with_distance else None,
                match.shared,
            )
        )
    return hits


def _listings(state: IndexState, new: list[int]) -> dict[int, Listing]:
    """The listings of rows: WorkplaceHit's fields from `company_id` to
    `programme_name`, the open places and the confirmation; each column of the snapshot
    is read once for them all."""
    snap = state.engine.snapshot_
    rows = np.array(new, dtype=np.int64)
    codes = [snap.programme_codes[p] for p in snap.programme[rows].tolist()]
    columns = zip(
        snap.company_id[rows].tolist(),
        snap.company_name[rows].tolist(),
        snap.site_id[rows].tolist(),
        snap.postcode[rows].tolist(),
        snap.municipality[rows].tolist(),
        snap.lat[rows].tolist(),
        snap.lon[rows].tolist(),
        codes,
        snap.n_free_places[rows].tolist(),
        snap.confirmed_at[rows].tolist(),
        strict=True,
    )
    listings = {}
    for row, (
        company_id,
        company,
        site_id,
        postcode,
        place,
        lat,
        lon,
        code,
        n_free,
        confirmed,
    ) in zip(new, columns, strict=True):
        fields = (
            company_id,
            str(company),
            site_id,
            str(postcode),
            str(place),
            lat,
            lon,
            code,
            state.programme_names.get(code, code),
        )
        # NaN (never confirmed) is the one value unequal to itself.
        confirmed_at = None if confirmed != confirmed else datetime.fromtimestamp(confirmed, UTC)
        listings[row] = (fields, n_free, confirmed_at)
    return listings


def rank_workplaces(
    state: IndexState, query: SearchQuery, widen_ceiling_km: float | None = None
) -> SearchResult:
    """Rank the workplaces for a query with an index (the process's current one).

    `widen_ceiling_km` stops widening sooner than the engine would (the ceiling of the
    student's way of travelling, `SearchSettings.widen_ceiling_km`).
    """
    if widen_ceiling_km is not None and query.widen:  # a ceiling only stops widening
        query = replace(query, max_widen_km=widen_ceiling_km)
    return state.engine.search(query)


def search_workplaces(
    state: IndexState, query: SearchQuery, origin: Origin, widen_ceiling_km: float | None = None
) -> SearchPage:
    """Rank the workplaces for a query (see `rank_workplaces`), as hits."""
    result = rank_workplaces(state, query, widen_ceiling_km)
    return SearchPage(
        total=result.total,
        radius_km=result.radius_km,
        widened=result.widened,
        origin=origin,
        hits=workplace_hits(state, result.matches),
    )


@dataclass(frozen=True)
class WorkplaceDetail:
    hit: WorkplaceHit
    origin: Origin | None
    street: str
    intake_preferences: IntakePreferences
    email: str | None
    phone: str | None
    website: str | None


def find_workplace(
    connection: Connection,
    recognition_id: int,
    query: SearchQuery,
    origin: Origin | None,
    search: SearchSettings,
    day: date,
    state: IndexState | None = None,
) -> WorkplaceDetail | None:
    """Return one public workplace, explained for the query; None if not public.

    Read from the database, not the index, so it is exact even right after a change,
    with statements that need no transaction (`web.db.single_read`). The first reads
    what the page shows besides the listing, and the data version: where `state` (the
    process's index) is at that very version, its row holds the same values, and it
    explains the workplace. Otherwise a second statement reads the whole row (and the
    rest anew with it, so that the page shows one state) and an engine is fitted on it.
    Without an origin the distance factor is left out and there is no total score.
    """
    if not 0 < recognition_id <= MAX_ID:
        return None
    asked = {"recognition_id": recognition_id}
    extras = connection.execute(_WORKPLACE_EXTRAS, asked).one_or_none()
    if extras is None:
        return None
    valid_until, preferences, street, email, phone, website, version = extras
    if valid_until <= day:
        return None
    if state is not None and state.version == (version or 0):
        # At the same version the index holds what the database does: it read that
        # version before its rows, and the version only grows, so rows read at a later
        # one would show as a later version here.
        indexed = _live_row(state, recognition_id)
        if indexed is None:
            return None
    else:
        row = connection.execute(_ONE_WORKPLACE, asked).one_or_none()
        if row is None:
            return None
        record = _record(row)
        if record.valid_until <= day:
            return None
        name, street, email, phone, website = row[17:]
        preferences = record.preferences
        engine = search.new_engine().fit(WorkplaceSnapshot([record], tz=BELGIUM))
        state, indexed = IndexState(0, engine, {record.programme: name or record.programme}), 0
    has_origin = origin is not None
    snap = state.engine.snapshot_
    if not has_origin:
        query = replace(query, lat=float(snap.lat[indexed]), lon=float(snap.lon[indexed]))
    (hit,) = workplace_hits(state, [state.engine.explain(indexed, query)], with_distance=has_origin)
    return WorkplaceDetail(hit, origin, street, preferences, email, phone, website)


def _live_row(state: IndexState, recognition_id: int) -> int | None:
    """The workplace's row in the index; None where the index has it as not public."""
    snap = state.engine.snapshot_
    (at,) = snap.rows_of([recognition_id]).tolist()
    return at if at >= 0 and snap.is_live[at] else None
