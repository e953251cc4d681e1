"""The score of a workplace for a query: four factors in [0, 1], weighted.

``score = Σ weight_f · s_f / Σ weight_f`` over the factors below (docs/scoring.md
gives the same formula with examples). The programme is a filter, not a factor: only
recognitions for the asked programme, valid on the day, are ever scored.

distance
    ``s = 0.5 ** (d / h)`` where ``h`` is the half-score distance of the mobility:
    walk 2 km, bike 7 km, public transport 12 km, car 20 km. Workplaces beyond the
    radius are not candidates at all.
availability
    ``s = offer · confirmation(a)``: ``offer`` is 1 with a free place now, 0.8 with one
    from a date on or before the student's start, 0.3 with one from a later date, 0
    without a free place. ``confirmation(a) = 1 / (1 + (a / u)²)`` for an availability
    confirmed ``a`` days ago, where ``u`` is when it counts as unconfirmed (a domain
    rule the caller passes in: 90 days by default, so 1 today, 0.9 at a month, 0.5 at
    90 days, 0.2 at 180); 0.1 if never confirmed.
preferences
    The mean of the checks that apply, each 1 (fits) or 0 (does not): the company's
    minimum age, start months, languages and hours pattern against the student; the
    student's wished company size against the company. 0.75 when none applies, so a
    workplace that fits stated wishes ranks above one about which nothing is known.
freshness
    ``s = 0.5 ** (a / 180)`` for data last changed or confirmed ``a`` days ago.
"""

from dataclasses import dataclass, fields

import numpy as np
import numpy.typing as npt

from matcher.exceptions import InvalidQueryError

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

HALF_SCORE_KM = {"walk": 2.0, "bike": 7.0, "public_transport": 12.0, "car": 20.0}
DEFAULT_RADIUS_KM = {"walk": 3.0, "bike": 15.0, "public_transport": 25.0, "car": 40.0}
NEVER_CONFIRMED = 0.1
OFFER_NOW, OFFER_BY_START, OFFER_LATER = 1.0, 0.8, 0.3
NEUTRAL_PREFERENCES = 0.75
FRESHNESS_HALF_DAYS = 180.0
COMPANY_SIZE_BANDS = {"klein": (0, 9), "middelgroot": (10, 49), "groot": (50, 10**9)}


@dataclass(frozen=True, slots=True)
class ScoreWeights:
    """Relative weight of each factor; a deployment may change them (SEARCH_WEIGHTS)."""

    distance: float = 0.45
    availability: float = 0.30
    preferences: float = 0.15
    freshness: float = 0.10

    def __post_init__(self) -> None:
        values = [getattr(self, f.name) for f in fields(self)]
        if any(not np.isfinite(v) or v < 0 for v in values) or sum(values) <= 0:
            raise InvalidQueryError("weights", "weights must be finite, non-negative, not all 0")

    @property
    def total(self) -> float:
        return self.distance + self.availability + self.preferences + self.freshness


def distance_score(distance_km: FloatArray, mobility: str) -> FloatArray:
    """Score distances: 1 at the door, halving every `HALF_SCORE_KM[mobility]` km."""
    return np.asarray(np.exp2(-distance_km / HALF_SCORE_KM[mobility]))


def confirmation_score(
    age_days: IntArray,
    never: npt.NDArray[np.bool_],
    unconfirmed_after_days: int,
) -> FloatArray:
    """Weigh an availability by how long ago it was confirmed: half at `unconfirmed_after_days`."""
    ratio = np.maximum(age_days, 0) / max(unconfirmed_after_days, 1)
    return np.where(never, NEVER_CONFIRMED, 1.0 / (1.0 + ratio * ratio))


def freshness_score(age_days: IntArray) -> FloatArray:
    """Score how recently the data changed: 1 today, halving every 180 days."""
    return np.asarray(np.exp2(-np.maximum(age_days, 0) / FRESHNESS_HALF_DAYS))
