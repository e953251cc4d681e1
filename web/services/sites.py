"""A company's sites: each placed on the map at its postcode's centre (no network).

A company edits a site's address (placed again), and removes a site it no longer uses.
A removed site keeps its row, so the history of its recognitions stays whole; the
company's lists, its forms and search leave it out. A site with a running recognition
(requested, or recognised and valid) cannot be removed: pupils may find it, schools may
propose intakes there, and the partnership is deciding on it.
"""

from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session, joinedload, selectinload

from models import Company, Postcode, Recognition, Site
from models.enums import RecognitionStatus, Role
from models.rules import is_recognition_valid
from web.services import policy
from web.services.errors import ConflictError, InputError, NotFoundError
from web.services.messages import _l
from web.services.policy import Party

# DOMAIN.md step 2: only a site in Flanders or Brussels can be recognised.
RECOGNISABLE_REGIONS = ("flanders", "brussels")


def add_site(session: Session, party: Party, name: str, street: str, postcode: str) -> Site:
    """Add a site to the party's company, placed at its postcode's centre from the gazetteer.

    The same site sent again (a double click, a second tab) is not added twice: the one
    there is returned. Locking the company's row makes its additions wait for each
    other, so that the second sees the first.
    """
    policy.require(party, Role.COMPANY)
    session.execute(select(Company.id).where(Company.id == party.company_id).with_for_update())
    same = session.scalar(
        select(Site).where(
            Site.company_id == party.company_id,
            Site.removed_at.is_(None),
            Site.name == name.strip(),
            Site.street == street.strip(),
            Site.postcode == postcode,
        )
    )
    if same is not None:
        return same
    site = Site(company_id=party.company_id)
    _place(session, site, name, street, postcode)
    session.add(site)
    session.flush()
    return site


def edit_site(
    session: Session, party: Party, site_id: int, name: str, street: str, postcode: str
) -> Site:
    """Change a site's name and address; a new postcode places it again."""
    policy.require(party, Role.COMPANY)
    site = find_site(session, party, site_id)
    _place(session, site, name, street, postcode)
    session.flush()
    return site


def _place(session: Session, site: Site, name: str, street: str, postcode: str) -> None:
    place = session.get(Postcode, postcode)
    if place is None:
        raise InputError(
            "postcode",
            _l("Deze postcode kennen we niet. Geef een Belgische postcode van 4 cijfers."),
        )
    site.name = name.strip()
    site.street = street.strip()
    if site.postcode != place.postcode:
        site.postcode, site.lat, site.lon = place.postcode, place.lat, place.lon
        site.place = place


def running_recognitions(site: Site, today: date) -> list[Recognition]:
    """The site's recognitions that keep it in use: requested, or recognised and valid."""
    return [
        r
        for r in site.recognitions
        if r.status is RecognitionStatus.REQUESTED
        or is_recognition_valid(r.status, r.valid_until, today)
    ]


def remove_site(session: Session, party: Party, site_id: int, today: date, now: datetime) -> Site:
    """Remove a site without a running recognition: hidden, its history kept."""
    policy.require(party, Role.COMPANY)
    site = find_site(session, party, site_id)
    if running_recognitions(site, today):
        raise ConflictError(STILL_RUNNING)
    # Conditional, so that two removals at once remove it once.
    removed = session.execute(
        update(Site).where(Site.id == site.id, Site.removed_at.is_(None)).values(removed_at=now)
    )
    if removed.rowcount != 1:  # type: ignore[attr-defined]
        raise ConflictError(_l("Deze vestiging is intussen al verwijderd."))
    session.refresh(site)
    return site


STILL_RUNNING = _l(
    "Deze vestiging heeft nog een erkenning die loopt of aangevraagd is. Een vestiging "
    "waar leerlingen je kunnen vinden of waarover het partnerschap beslist, kan je niet "
    "verwijderen."
)


def find_site(session: Session, party: Party, site_id: int) -> Site:
    """Return one site of the party that is not removed, with its place and recognitions."""
    site = policy.find(
        session,
        party,
        Site,
        site_id,
        joinedload(Site.place),
        selectinload(Site.recognitions).joinedload(Recognition.programme),
    )
    if site.removed_at is not None:
        raise NotFoundError
    return site


def is_recognisable(site: Site) -> bool:
    """Tell whether the site lies where dual learning in Flanders can recognise it."""
    return site.place.region in RECOGNISABLE_REGIONS
