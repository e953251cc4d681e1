"""Search recognised workplaces: rows → snapshot → engine, and matches → answers."""

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from matcher import (
    Gazetteer,
    IntakePreferences,
    Match,
    Place,
    Reason,
    SearchQuery,
    WorkplaceRecord,
    WorkplaceSnapshot,
    haversine_km,
)
from models import Company, Postcode, Programme, Recognition, Site
from models.base import BELGIUM, MAX_ID
from models.enums import RecognitionStatus
from web.services.search_index import IndexState
from web.settings import SearchSettings


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
        .where(Recognition.status == RecognitionStatus.RECOGNISED)
    )


def load_workplace_records(
    session: Session, recognition_id: int | None = None
) -> list[WorkplaceRecord]:
    """Read the recognised workplaces (or one of them) as matcher records."""
    statement = _workplace_rows()
    if recognition_id is not None:
        statement = statement.where(Recognition.id == recognition_id)
    return [
        WorkplaceRecord(
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
            n_free_places=r[12],
            available_from=r[13],
            confirmed_at=r[14],
            updated_at=r[15],
            preferences=r[16],
        )
        for r in session.execute(statement)
    ]


def build_index_state(session: Session, version: int, search: SearchSettings) -> IndexState:
    """Snapshot every recognised workplace and fit an engine on it."""
    snapshot = WorkplaceSnapshot(load_workplace_records(session), tz=BELGIUM)
    names = {code: name for code, name in session.execute(select(Programme.code, Programme.name))}
    engine = search.new_engine().fit(snapshot)
    return IndexState(version, engine, names)


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


@dataclass(frozen=True)
class WorkplaceHit:
    """One workplace as shown to a searcher: no student data, only the public listing."""

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
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class SearchPage:
    total: int
    radius_km: float
    widened: bool
    origin: Origin
    hits: list[WorkplaceHit]


def _hit(state: IndexState, match: Match, *, with_distance: bool = True) -> WorkplaceHit:
    snap = state.engine.snapshot_
    row = match.row
    code = snap.programme_codes[int(snap.programme[row])]
    confirmed = float(snap.confirmed_at[row])
    reasons = (
        match.reasons
        if with_distance
        else tuple(r for r in match.reasons if r.factor != "distance")
    )
    return WorkplaceHit(
        recognition_id=match.recognition_id,
        company_id=int(snap.company_id[row]),
        company_name=str(snap.company_name[row]),
        site_id=int(snap.site_id[row]),
        postcode=str(snap.postcode[row]),
        municipality=str(snap.municipality[row]),
        lat=float(snap.lat[row]),
        lon=float(snap.lon[row]),
        programme_code=code,
        programme_name=state.programme_names.get(code, code),
        distance_km=match.distance_km if with_distance else None,
        open_places=int(snap.n_free_places[row]),
        available=match.is_available,
        confirmed_at=None if confirmed != confirmed else datetime.fromtimestamp(confirmed, UTC),
        score=match.score if with_distance else None,
        reasons=reasons,
    )


def search_workplaces(state: IndexState, query: SearchQuery, origin: Origin) -> SearchPage:
    """Rank the workplaces for a query with an index (the process's current one)."""
    result = state.engine.search(query)
    return SearchPage(
        total=result.total,
        radius_km=result.radius_km,
        widened=result.widened,
        origin=origin,
        hits=[_hit(state, m) for m in result.matches],
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
    session: Session,
    recognition_id: int,
    query: SearchQuery,
    origin: Origin | None,
    search: SearchSettings,
    day: date,
) -> WorkplaceDetail | None:
    """Return one public workplace, explained for the query; None if not public.

    Read from the database, not the index, so it is exact even right after a change.
    Without an origin the distance factor is left out and there is no total score.
    """
    if not 0 < recognition_id <= MAX_ID:
        return None
    records = load_workplace_records(session, recognition_id)
    if not records or records[0].valid_until <= day:
        return None
    record = records[0]
    engine = search.new_engine().fit(WorkplaceSnapshot(records, tz=BELGIUM))
    has_origin = origin is not None
    if not has_origin:
        query = replace(query, lat=record.lat, lon=record.lon)
    name = session.scalar(select(Programme.name).where(Programme.code == record.programme))
    names = {record.programme: name or record.programme}
    state = IndexState(0, engine, names)
    hit = _hit(state, engine.explain(0, query), with_distance=has_origin)
    company = session.execute(
        select(Site.street, Company.email, Company.phone, Company.website)
        .join(Company, Company.id == Site.company_id)
        .where(Site.id == record.site_id)
    ).one()
    return WorkplaceDetail(
        hit, origin, company[0], record.preferences, company[1], company[2], company[3]
    )
