"""The gazetteer: every postcode, read once into memory for lookups without a database."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher import Gazetteer, Place
from models import Postcode


def build_gazetteer(session: Session) -> Gazetteer:
    """Read every postcode into an in-memory gazetteer."""
    return Gazetteer(
        Place(
            postcode=row.postcode,
            municipality_nl=row.municipality_nl,
            municipality_fr=row.municipality_fr,
            region=row.region,
            province=row.province,
            lat=row.lat,
            lon=row.lon,
            places=tuple(row.places.split("|")) if row.places else (),
        )
        for row in session.scalars(select(Postcode))
    )
