"""The gazetteer of the running app, built once per process from the postcodes table."""

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher import Gazetteer, Place
from models import Postcode
from web.db import get_session

EXTENSION_KEY = "duaal_gazetteer"


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


def get_gazetteer() -> Gazetteer:
    """Return the app's gazetteer, reading it on first use.

    Postcodes change only when the reference data is reloaded at release time, before
    processes start, so a per-process copy never goes stale while it serves. An empty
    table (reference data not loaded yet) is not cached.
    """
    gazetteer: Gazetteer | None = current_app.extensions.get(EXTENSION_KEY)
    if gazetteer is None:
        gazetteer = build_gazetteer(get_session())
        if len(gazetteer):
            current_app.extensions[EXTENSION_KEY] = gazetteer
    return gazetteer
