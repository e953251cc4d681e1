"""The gazetteer: every postcode, read once into memory for lookups without a database,
and which place a name most likely means."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher import Gazetteer, Place, normalize_name
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


# How likely a place is meant by a name, most likely first (issue 14, item 1).
# A municipality's own name; then the postcode of the town a merged municipality is
# named after ("Beveren" → 9120 Beveren-Waas, in Beveren-Kruibeke-Zwijndrecht); then a
# village of exactly that name (8791 Beveren, a village of Waregem); then other names
# that start with it; then names that merely contain it.
(
    MUNICIPALITY,
    NAMESAKE_TOWN,
    VILLAGE,
    STARTS_WITH,
    CONTAINS,
) = range(5)
MAX_PLACE_CHOICES = 10  # past this, the student types more of the name


@dataclass(frozen=True)
class PlaceChoice:
    """One place a name may mean: its postcode, and the name that matched."""

    place: Place
    name: str  # the village's name, or the municipality's

    @property
    def is_village(self) -> bool:
        return self.name != self.place.municipality_nl


def _likelihood(place: Place, needle: str) -> tuple[int, str]:
    """How likely `place` is meant by the folded name `needle`, and the name that says so."""
    own_names = (place.municipality_nl, place.municipality_fr)
    municipality = [name for name in own_names if normalize_name(name).startswith(needle)]
    villages = [name for name in place.places if normalize_name(name).startswith(needle)]
    exact_villages = [name for name in villages if normalize_name(name) == needle]
    if any(normalize_name(name) == needle for name in municipality):
        return MUNICIPALITY, place.municipality_nl
    if municipality and villages:
        return NAMESAKE_TOWN, villages[0]
    if exact_villages:
        return VILLAGE, exact_villages[0]
    if municipality or villages:
        return STARTS_WITH, villages[0] if villages else place.municipality_nl
    return CONTAINS, place.municipality_nl


def _ranked(gazetteer: Gazetteer, text: str) -> list[tuple[int, PlaceChoice]] | None:
    """Every place a name matches, most likely first; None for a postcode (prefix)."""
    if any(c.isdigit() for c in text):
        return None
    needle = normalize_name(text)
    found = gazetteer.search(text, limit=len(gazetteer))
    ranked = []
    for place in found:  # in the gazetteer's order: ties keep it
        likelihood, name = _likelihood(place, needle)
        ranked.append((likelihood, PlaceChoice(place, name)))
    ranked.sort(key=lambda item: item[0])
    return ranked


def find_places(gazetteer: Gazetteer, text: str, limit: int) -> list[Place]:
    """Places for a postcode prefix or (part of) a name, the most likely first.

    Raises `InvalidQueryError` for text no place could match ("12345", "--").
    """
    ranked = _ranked(gazetteer, text)
    if ranked is None:
        return gazetteer.search(text, limit=limit)
    return [choice.place for _, choice in ranked[:limit]]


def place_choices(gazetteer: Gazetteer, text: str) -> list[PlaceChoice]:
    """The places a name or postcode (prefix) may mean, most likely first: one when it
    is clear, several when the student must say which, none when nothing matches.

    A municipality's own name means that municipality ("Kortrijk" → 8500, not Kortrijk-
    Dutsel). Otherwise every exact or starting match counts (else every containing
    one), and the name is clear when they all lie in one municipality; if not, each
    municipality is offered once per matching name, so that its other postcodes do not
    crowd the list. Raises `InvalidQueryError` for text no place could match.
    """
    ranked = _ranked(gazetteer, text)
    if ranked is None:  # a postcode, or the start of one ("85"): in postcode order
        found = gazetteer.search(text, limit=len(gazetteer))
        ranked = [(STARTS_WITH, PlaceChoice(p, p.municipality_nl)) for p in found]
    if not ranked:
        return []
    best = ranked[0][0]
    if best == MUNICIPALITY:
        return [ranked[0][1]]
    matches = [
        choice for likelihood, choice in ranked if (likelihood == CONTAINS) == (best == CONTAINS)
    ]
    if len({choice.place.municipality_nl for choice in matches}) == 1:
        return matches[:1]
    offered: dict[tuple[str, str], PlaceChoice] = {}
    for choice in matches:
        municipality = choice.place.municipality_nl
        if not choice.is_village and any(m == municipality for m, _ in offered):
            continue  # its namesake town is offered already
        offered.setdefault((municipality, choice.name), choice)
    return list(offered.values())[:MAX_PLACE_CHOICES]
