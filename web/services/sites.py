"""A company's sites: each placed on the map at its postcode's centre (no network)."""

from sqlalchemy.orm import Session, joinedload

from models import Postcode, Site
from models.enums import Role
from web.services import policy
from web.services.errors import InputError
from web.services.messages import _l
from web.services.policy import Party

# DOMAIN.md step 2: only a site in Flanders or Brussels can be recognised.
RECOGNISABLE_REGIONS = ("flanders", "brussels")


def add_site(session: Session, party: Party, name: str, street: str, postcode: str) -> Site:
    """Add a site to the party's company, placed at its postcode's centre from the gazetteer."""
    policy.require(party, Role.COMPANY)
    place = session.get(Postcode, postcode)
    if place is None:
        raise InputError(
            "postcode",
            _l("Deze postcode kennen we niet. Geef een Belgische postcode van 4 cijfers."),
        )
    site = Site(
        company_id=party.company_id,
        name=name.strip(),
        street=street.strip(),
        postcode=place.postcode,
        lat=place.lat,
        lon=place.lon,
    )
    session.add(site)
    session.flush()
    return site


def find_site(session: Session, party: Party, site_id: int) -> Site:
    """Return one site the party may see, with its place."""
    return policy.find(session, party, Site, site_id, joinedload(Site.place))


def is_recognisable(site: Site) -> bool:
    """Tell whether the site lies where dual learning in Flanders can recognise it."""
    return site.place.region in RECOGNISABLE_REGIONS
