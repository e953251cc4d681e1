"""Geography without a network: the postcode gazetteer and distances.

Distances in bulk use the haversine formula on a sphere of radius 6371.0088 km (the
mean Earth radius); inside Flanders it differs from geopy's geodesic by at most
0.31 % (DOMAIN.md, Geography), which is well below what a student notices.
"""

import re
import unicodedata
from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt
from sklearn.neighbors import BallTree

from matcher.exceptions import InvalidQueryError, UnknownPostcodeError
from matcher.types import Place

EARTH_RADIUS_KM = 6371.0088

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_POSTCODE_PREFIX = re.compile(r"^[0-9]{1,4}$")


def normalize_name(text: str) -> str:
    """Fold a place name for matching: no accents, no case, single spaces.

    "Sint-Gillis-Waas" → "sint gillis waas", "Liège" → "liege", "'s Gravenwezel" →
    "s gravenwezel".
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NON_ALNUM.sub(" ", stripped).strip()


def haversine_km(
    lat1: npt.ArrayLike, lon1: npt.ArrayLike, lat2: npt.ArrayLike, lon2: npt.ArrayLike
) -> npt.NDArray[np.float64]:
    """Return great-circle distances in km between points given in degrees (vectorised)."""
    phi1, lam1, phi2, lam2 = (
        np.radians(np.asarray(v, dtype=np.float64)) for v in (lat1, lon1, lat2, lon2)
    )
    a = (
        np.sin((phi2 - phi1) / 2.0) ** 2
        + np.cos(phi1) * np.cos(phi2) * np.sin((lam2 - lam1) / 2.0) ** 2
    )
    return np.asarray(2.0 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0))))


class Gazetteer:
    """Look up Belgian postcodes by code or by municipality name (Dutch or French).

    Parameters
    ----------
    places:
        Every postcode once. Lookups never touch a database: the gazetteer is small
        (about 1,150 postcodes) and static between releases of the reference data.
    """

    def __init__(self, places: Iterable[Place]) -> None:
        self._by_postcode: dict[str, Place] = {}
        for place in sorted(places, key=lambda p: p.postcode):
            self._by_postcode[place.postcode] = place
        self._keys: list[tuple[Place, tuple[str, ...]]] = [
            (
                place,
                tuple(
                    {normalize_name(place.municipality_nl), normalize_name(place.municipality_fr)}
                ),
            )
            for place in self._by_postcode.values()
        ]

    def __len__(self) -> int:
        return len(self._by_postcode)

    def __contains__(self, postcode: object) -> bool:
        return postcode in self._by_postcode

    def get(self, postcode: str) -> Place:
        """Return the place of a postcode, or raise `UnknownPostcodeError`."""
        try:
            return self._by_postcode[postcode]
        except KeyError:
            raise UnknownPostcodeError(postcode) from None

    def search(self, query: str, limit: int = 10) -> list[Place]:
        """Find places by postcode prefix or by (part of) a municipality name.

        Steps:

        1. A query of 1–4 digits matches postcodes starting with it, in postcode order.
        2. Any other query is folded with `normalize_name` and matched against both
           the Dutch and the French name: exact names first, then names starting with
           the query, then names with a word starting with it, then names containing
           it; postcode order within each group, so the answer is stable.
        """
        if limit < 1:
            raise InvalidQueryError("limit", "limit must be at least 1")
        text = query.strip()
        if _POSTCODE_PREFIX.match(text):
            return [p for code, p in self._by_postcode.items() if code.startswith(text)][:limit]
        if text.isdigit():
            raise InvalidQueryError("q", "a postcode has 4 digits")
        needle = normalize_name(text)
        if not needle:
            raise InvalidQueryError("q", "give a postcode or a municipality name")
        ranked: list[tuple[int, str, Place]] = []
        for place, names in self._keys:
            rank = min((_name_rank(name, needle) for name in names), default=4)
            if rank < 4:
                ranked.append((rank, place.postcode, place))
        ranked.sort(key=lambda item: (item[0], item[1]))
        return [place for _, _, place in ranked[:limit]]

    def places(self) -> Sequence[Place]:
        """Return every place, in postcode order."""
        return list(self._by_postcode.values())


def _name_rank(name: str, needle: str) -> int:
    """Rank how well a folded name matches a folded query (0 best, 4 no match)."""
    if name == needle:
        return 0
    if name.startswith(needle):
        return 1
    if f" {needle}" in f" {name}":
        return 2
    if needle in name:
        return 3
    return 4


class GeoIndex:
    """Radius queries over points in degrees, one BallTree (haversine) per group.

    One tree per programme answers "who within r km recognises this programme?" from
    the programme's own points only, instead of gathering every workplace in the
    circle and filtering afterwards.

    Parameters
    ----------
    leaf_size:
        Passed to each `sklearn.neighbors.BallTree`.
    """

    def __init__(self, leaf_size: int = 32) -> None:
        self.leaf_size = leaf_size

    def fit(
        self,
        lat: npt.NDArray[np.float64],
        lon: npt.NDArray[np.float64],
        groups: npt.NDArray[np.int64],
        n_groups: int,
    ) -> "GeoIndex":
        """Build one tree per group; sets `members_` (rows per group) and `trees_`."""
        order = np.argsort(groups, kind="stable")
        bounds = np.searchsorted(groups[order], np.arange(n_groups + 1))
        coords = np.radians(np.column_stack([lat, lon]))
        self.members_: list[npt.NDArray[np.int64]] = []
        self.trees_: list[BallTree | None] = []
        for g in range(n_groups):
            members = order[bounds[g] : bounds[g + 1]]
            self.members_.append(members)
            self.trees_.append(
                BallTree(coords[members], leaf_size=self.leaf_size, metric="haversine")
                if len(members)
                else None
            )
        return self

    def query_radius(
        self, group: int, lat: float, lon: float, radius_km: float
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
        """Return the rows of `group` within `radius_km` of a point, and their distances."""
        tree = self.trees_[group]
        if tree is None:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float64)
        point = np.radians([[lat, lon]])
        ind, dist = tree.query_radius(point, r=radius_km / EARTH_RADIUS_KM, return_distance=True)
        return self.members_[group][ind[0]], dist[0] * EARTH_RADIUS_KM

    def nbytes(self) -> int:
        """Return the memory held by the trees and member lists."""
        total = sum(m.nbytes for m in self.members_)
        for tree in self.trees_:
            if tree is not None:
                data, idx, nodes, bounds = tree.get_arrays()
                total += data.nbytes + idx.nbytes + nodes.nbytes + bounds.nbytes
        return total
