"""A fitted spatial index that takes changes without being refitted."""

from collections.abc import Callable
from typing import Self

import numpy as np
import numpy.typing as npt

from matcher.geo import GeoIndex

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]

_NO_ROWS = np.empty(0, dtype=np.int64)
_NO_DISTANCES = np.empty(0, dtype=np.float64)


class OverlaidGeoIndex:
    """A `GeoIndex` over every row as it was fitted, and a small one over the rows moved
    since, which overrides it.

    Moving a row (to a new place or programme, in or out of the index) marks it in the
    base as superseded and puts it, if it still belongs, in the overlay. The overlay is
    refitted at each change: it holds only what moved since the base was fitted, a
    sliver of the whole. A query asks both and drops the base's superseded rows, so it
    finds exactly the rows a freshly fitted index would (in another order).
    """

    def __init__(self, band_deg: float = 0.1) -> None:
        self.band_deg = band_deg

    def fit(
        self,
        lat: Floats,
        lon: Floats,
        groups: Ints,
        n_groups: int,
        rows: Ints | None = None,
    ) -> Self:
        """Fit the base index (see `GeoIndex.fit`); sets `base_`, `superseded_` and `overlay_`."""
        self.base_ = GeoIndex(self.band_deg).fit(lat, lon, groups, n_groups, rows)
        self.n_base_groups_ = n_groups
        self.superseded_: Bools | None = None
        self.overlay_: GeoIndex | None = None
        self.overlay_rows_: Ints = _NO_ROWS
        return self

    def moved(
        self,
        rows: Ints,
        lat: Floats,
        lon: Floats,
        groups: Ints,
        n_groups: int,
        is_member: Callable[[Ints], Bools],
    ) -> "OverlaidGeoIndex":
        """Return a new index in which `rows` are where `lat`, `lon` and `groups` (over
        every row) now put them, or gone where `is_member(rows)` says they no longer
        belong; self is unchanged."""
        if len(rows) == 0:
            return self
        moved = OverlaidGeoIndex(self.band_deg)
        moved.base_, moved.n_base_groups_ = self.base_, self.n_base_groups_
        superseded = np.zeros(len(lat), dtype=np.bool_)
        if self.superseded_ is not None:
            superseded[: len(self.superseded_)] = self.superseded_
        superseded[rows] = True
        moved.superseded_ = superseded
        overlay_rows = np.union1d(self.overlay_rows_, rows)
        overlay_rows = overlay_rows[is_member(overlay_rows)]
        moved.overlay_rows_ = overlay_rows
        moved.overlay_ = GeoIndex(self.band_deg).fit(
            lat[overlay_rows], lon[overlay_rows], groups[overlay_rows], n_groups, overlay_rows
        )
        return moved

    def n_moved(self) -> int:
        """Return how many rows the overlay holds."""
        return len(self.overlay_rows_)

    def query_radius(
        self, group: int, lat: float, lon: float, radius_km: float
    ) -> tuple[Ints, Floats]:
        """Return the rows of `group` within `radius_km` of a point, and their distances."""
        if group < self.n_base_groups_:
            rows, distance = self.base_.query_radius(group, lat, lon, radius_km)
        else:  # a programme that came after the base was fitted
            rows, distance = _NO_ROWS, _NO_DISTANCES
        if self.superseded_ is not None and len(rows):
            kept = ~self.superseded_[rows]
            rows, distance = rows[kept], distance[kept]
        if self.overlay_ is None:
            return rows, distance
        more_rows, more_distance = self.overlay_.query_radius(group, lat, lon, radius_km)
        if len(more_rows) == 0:
            return rows, distance
        return np.concatenate([rows, more_rows]), np.concatenate([distance, more_distance])

    def nbytes(self) -> int:
        """Return the memory held by the index arrays."""
        total = self.base_.nbytes() + self.overlay_rows_.nbytes
        if self.superseded_ is not None:
            total += self.superseded_.nbytes
        if self.overlay_ is not None:
            total += self.overlay_.nbytes()
        return int(total)
