"""Geography without a network: the postcode gazetteer and distances.

Distances in bulk use the haversine formula on a sphere of radius 6371.0088 km (the
mean Earth radius); inside Flanders it differs from geopy's geodesic by at most
0.31 % (DOMAIN.md, Geography), which is well below what a student notices.
"""

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt

from matcher.exceptions import InvalidQueryError, UnknownPostcodeError
from matcher.types import Place

EARTH_RADIUS_KM = 6371.0088
# Belgium and a margin around it (degrees, WGS 84): every postcode lies inside, and a
# search from outside is a mistake, not a query.
BELGIUM_LAT_RANGE = (49.0, 52.0)
BELGIUM_LON_RANGE = (2.0, 7.0)

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_POSTCODE_PREFIX = re.compile(r"^[0-9]{1,4}$")
_NAME_WITH_POSTCODE = re.compile(r"^(?:(?P<first>[0-9]{4})\s+\D.*|.*\D\s+(?P<last>[0-9]{4}))$")


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
        self._keys: list[tuple[Place, tuple[str, ...], tuple[str, ...]]] = [
            (
                place,
                tuple(
                    {normalize_name(place.municipality_nl), normalize_name(place.municipality_fr)}
                ),
                tuple(normalize_name(name) for name in place.places),
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
        """Find places by postcode prefix or by (part of) a name.

        Steps:

        1. A query of 1-4 digits matches postcodes starting with it, in postcode order;
           "8500 Kortrijk" or "Kortrijk 8500" is read as its postcode.
        2. Any other query is folded with `normalize_name` and matched against the
           municipality's Dutch and French names and the names of its villages and
           former municipalities ("Heule", "Meulebeke"): exact names first, then names
           starting with the query, then names with a word starting with it, then names
           containing it; at each of these, municipality names before village names;
           postcode order last, so the answer is stable.
        """
        if limit < 1:
            raise InvalidQueryError("limit", "limit must be at least 1")
        text = query.strip()
        with_code = _NAME_WITH_POSTCODE.match(text)
        if with_code:
            text = with_code.group("first") or with_code.group("last")
        if _POSTCODE_PREFIX.match(text):
            return [p for code, p in self._by_postcode.items() if code.startswith(text)][:limit]
        if text.isdigit():
            raise InvalidQueryError("q", "a postcode has 4 digits")
        needle = normalize_name(text)
        if not needle:
            raise InvalidQueryError("q", "give a postcode or a municipality name")
        ranked: list[tuple[int, int, str, Place]] = []
        for place, names, villages in self._keys:
            rank = min((_name_rank(name, needle) for name in names), default=_NO_MATCH)
            village_rank = min((_name_rank(name, needle) for name in villages), default=_NO_MATCH)
            if rank < _NO_MATCH or village_rank < _NO_MATCH:
                best, is_village = min((rank, 0), (village_rank, 1))
                ranked.append((best, is_village, place.postcode, place))
        ranked.sort(key=lambda item: item[:3])
        return [item[3] for item in ranked[:limit]]

    def places(self) -> Sequence[Place]:
        """Return every place, in postcode order."""
        return list(self._by_postcode.values())


_NO_MATCH = 4


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
    """Radius queries over points in degrees, within groups (one group per programme).

    Each group keeps its own points, so "who within r km recognises this programme?"
    reads the programme's points only, never every workplace in the circle. Within a
    group the points are sorted by latitude band, then longitude: a query turns its
    bounding box into one contiguous slice per band (two binary searches each, all
    bands at once), then keeps the points whose haversine distance is within the
    radius. On Flemish data this answers in a fraction of the time of a per-group
    `sklearn.neighbors.BallTree` (which spends most of a small query validating its
    input); the answer is the same set.

    Assumes no query box crosses the antimeridian (true anywhere near Belgium).

    Parameters
    ----------
    band_deg:
        Height of a latitude band in degrees (0.1 is about 11 km).
    """

    def __init__(self, band_deg: float = 0.1) -> None:
        self.band_deg = band_deg

    def fit(
        self,
        lat: npt.NDArray[np.float64],
        lon: npt.NDArray[np.float64],
        groups: npt.NDArray[np.int64],
        n_groups: int,
        rows: npt.NDArray[np.int64] | None = None,
    ) -> "GeoIndex":
        """Sort each group's points by (band, longitude); sets the arrays ending in `_`.

        `rows` are the numbers reported for the points (default: their positions).
        """
        band = np.floor((lat + 90.0) / self.band_deg)
        # One sortable float per point: band in the integer part, longitude in [0, 360).
        key = band * 1000.0 + (lon + 180.0)
        order = np.lexsort((key, groups))
        self.rows_ = (order if rows is None else np.asarray(rows)[order]).astype(np.int64)
        self.key_ = key[order]
        self.lat_rad_ = np.radians(lat[order])
        self.lon_rad_ = np.radians(lon[order])
        self.cos_lat_ = np.cos(self.lat_rad_)
        self.bounds_ = np.searchsorted(groups[order], np.arange(n_groups + 1))
        return self

    def query_radius(
        self, group: int, lat: float, lon: float, radius_km: float
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
        """Return the rows of `group` within `radius_km` of a point, and their distances."""
        first, last = int(self.bounds_[group]), int(self.bounds_[group + 1])
        if first == last:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float64)
        # The box's numbers are worked out with `math`: numpy costs more per scalar.
        dlat = math.degrees(radius_km / EARTH_RADIUS_KM)
        widest = min(89.9, abs(lat) + dlat)
        dlon = min(180.0, dlat / math.cos(math.radians(widest)))
        bands = (
            np.arange(
                math.floor((max(-90.0, lat - dlat) + 90.0) / self.band_deg),
                math.floor((min(90.0, lat + dlat) + 90.0) / self.band_deg) + 1.0,
            )
            * 1000.0
        )
        keys = self.key_[first:last]
        # Arrays' own methods rather than numpy's functions: those wrap them in Python.
        starts = keys.searchsorted(bands + (lon - dlon + 180.0), side="left")
        ends = keys.searchsorted(bands + (lon + dlon + 180.0), side="right")
        lengths = ends - starts
        n = int(lengths.sum())
        if n == 0:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float64)
        # Concatenate the slices [start, end) without a Python loop.
        offsets = (starts - lengths.cumsum() + lengths).repeat(lengths)
        candidates = offsets + np.arange(n) + first
        phi = math.radians(lat)
        half_dphi = (self.lat_rad_[candidates] - phi) * 0.5
        half_dlam = (self.lon_rad_[candidates] - math.radians(lon)) * 0.5
        a = (
            np.sin(half_dphi) ** 2
            + np.cos(phi) * self.cos_lat_[candidates] * np.sin(half_dlam) ** 2
        )
        distance = 2.0 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(a, 1.0)))
        inside = distance <= radius_km
        return self.rows_[candidates[inside]], distance[inside]

    def nbytes(self) -> int:
        """Return the memory held by the index arrays."""
        return sum(
            a.nbytes
            for a in (
                self.rows_,
                self.key_,
                self.lat_rad_,
                self.lon_rad_,
                self.cos_lat_,
                self.bounds_,
            )
        )
