"""Read the shipped reference data (programmes, postcodes) and bring the database in line.

The files in `models/data/` are built by committed scripts from open data; see
`models/data/README.md`. Loading is an upsert: rows are added or updated, never
deleted, because recognitions and sites point at them and codes are never reused.
"""

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.enums import LearnerType
from models.reference import Partnership, Postcode, Programme

DATA_DIR = Path(__file__).parent / "data"
PROGRAMMES_CSV = DATA_DIR / "programmes.csv"
POSTCODES_CSV = DATA_DIR / "postcodes.csv"


@dataclass(frozen=True)
class ReferenceCounts:
    """How many rows the load added and updated, per table."""

    programmes_added: int
    programmes_updated: int
    postcodes_added: int
    postcodes_updated: int


def _read_csv(path: Path) -> Iterator[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        yield from csv.DictReader(handle)


def sync_reference_data(session: Session) -> ReferenceCounts:
    """Add or update every programme, partnership and postcode from the shipped files.

    The caller commits.
    """
    p_added, p_updated = _sync_programmes(session)
    c_added, c_updated = _sync_postcodes(session)
    return ReferenceCounts(p_added, p_updated, c_added, c_updated)


def _sync_programmes(session: Session) -> tuple[int, int]:
    partnerships = {p.name: p for p in session.scalars(select(Partnership))}
    existing = {p.code: p for p in session.scalars(select(Programme))}
    added = updated = 0
    for row in _read_csv(PROGRAMMES_CSV):
        sector = row["sector"]
        partnership = partnerships.get(sector)
        if partnership is None:
            partnership = partnerships[sector] = Partnership(name=sector)
            session.add(partnership)
        values = {
            "name": row["name"],
            "level": row["level"],
            "study_domain": row["study_domain"],
            "sector": sector,
            "learner_type": LearnerType(row["learner_type"]),
            "workplace_hours": int(row["workplace_hours"]),
        }
        programme = existing.get(row["code"])
        if programme is None:
            session.add(Programme(code=row["code"], partnership=partnership, **values))
            added += 1
        elif _assign(programme, values) or programme.partnership is not partnership:
            programme.partnership = partnership
            updated += 1
    session.flush()
    return added, updated


def _sync_postcodes(session: Session) -> tuple[int, int]:
    existing = {p.postcode: p for p in session.scalars(select(Postcode))}
    added = updated = 0
    for row in _read_csv(POSTCODES_CSV):
        values = {
            "municipality_nl": row["municipality_nl"],
            "municipality_fr": row["municipality_fr"],
            "region": row["region"],
            "province": row["province"],
            "lat": float(row["lat"]),
            "lon": float(row["lon"]),
            "places": row["places"],
        }
        postcode = existing.get(row["postcode"])
        if postcode is None:
            session.add(Postcode(postcode=row["postcode"], **values))
            added += 1
        elif _assign(postcode, values):
            updated += 1
    session.flush()
    return added, updated


def _assign(obj: object, values: dict[str, object]) -> bool:
    """Set attributes that differ; tell whether anything changed."""
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed
