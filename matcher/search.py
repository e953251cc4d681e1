"""Rank recognised workplaces for a query, explain each result, in a stable order."""

from dataclasses import dataclass, replace
from datetime import date
from typing import Self

import numpy as np
import numpy.typing as npt

from matcher import reasons as text
from matcher.exceptions import InvalidQueryError
from matcher.geo import GeoIndex, haversine_km
from matcher.scoring import (
    COMPANY_SIZE_BANDS,
    NEUTRAL_PREFERENCES,
    OFFER_BY_START,
    OFFER_LATER,
    OFFER_NOW,
    STALE_AFTER_DAYS,
    ScoreWeights,
    confirmation_score,
    distance_score,
    freshness_score,
)
from matcher.snapshot import NO_DAY, WorkplaceSnapshot, hours_code, language_mask
from matcher.types import (
    HOURS_PATTERNS,
    LANGUAGES,
    MAX_RADIUS_KM,
    Match,
    Reason,
    SearchQuery,
    SearchResult,
)

Rows = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]

_SCORE_STEPS = 1000  # scores are compared and shown to 3 decimals
_DISTANCE_STEPS_PER_KM = 10  # distances tie when equal to 0.1 km, as shown


@dataclass(frozen=True, slots=True)
class _Scored:
    """Candidate rows with every factor, aligned."""

    rows: Rows
    distance_km: Floats
    is_available: Bools
    offer: Floats
    s_distance: Floats
    s_availability: Floats
    s_preferences: Floats
    s_freshness: Floats
    score: Floats


class SearchEngine:
    """Find and rank the workplaces of a snapshot.

    Parameters
    ----------
    weights:
        Relative weight of the four factors (see `matcher.scoring`).
    stale_after_days:
        An availability unconfirmed for longer no longer counts as a free place.
    max_widen_km:
        Widening stops at this radius.
    """

    def __init__(
        self,
        weights: ScoreWeights | None = None,
        stale_after_days: int = STALE_AFTER_DAYS,
        max_widen_km: float = 100.0,
    ) -> None:
        self.weights = weights or ScoreWeights()
        self.stale_after_days = stale_after_days
        self.max_widen_km = max_widen_km

    def fit(self, snapshot: WorkplaceSnapshot) -> Self:
        """Index the snapshot; sets `snapshot_`, `index_` and `programmes_`."""
        self.snapshot_ = snapshot
        self.programmes_ = {code: i for i, code in enumerate(snapshot.programme_codes)}
        self.index_ = GeoIndex().fit(
            snapshot.lat,
            snapshot.lon,
            snapshot.programme.astype(np.int64),
            len(snapshot.programme_codes),
        )
        return self

    def search(self, query: SearchQuery) -> SearchResult:
        """Return the page of best matches for `query`, with its total and radius.

        Steps:

        1. Take the programme's workplaces within the radius from its own tree.
        2. Keep those valid on the day and, when asked, those that offer a free place
           by the student's start (confirmed within `stale_after_days`).
        3. If `widen` and fewer than ``offset + limit`` remain, grow the radius by half
           (at least 5 km) up to `max_widen_km` and go back to 1.
        4. Score every remaining workplace (see `matcher.scoring`).
        5. Order by score (3 decimals) descending, or by distance; then distance
           (0.1 km), company name (ignoring case and accents) and recognition id, as
           one integer key, so the order is total and the same in every process.
        6. Explain the page asked for.
        """
        group = self.programmes_.get(query.programme)
        radius = query.radius_km
        if group is None:
            return SearchResult(total=0, radius_km=radius, widened=False, matches=())
        widened = False
        needed = query.offset + query.limit
        while True:
            rows, distance = self.index_.query_radius(group, query.lat, query.lon, radius)
            scored = self._score(rows, distance, query)
            ceiling = max(self.max_widen_km, query.radius_km)
            if not query.widen or len(scored.rows) >= needed or radius >= ceiling:
                break
            radius = min(ceiling, max(radius * 1.5, radius + 5.0))
            widened = True
        page = self._page(scored, query)
        matches = tuple(self._match(scored, int(i), query) for i in page)
        return SearchResult(
            total=len(scored.rows), radius_km=radius, widened=widened, matches=matches
        )

    def explain(self, row: int, query: SearchQuery) -> Match:
        """Score and explain one row of the snapshot for `query`, whatever its distance."""
        snap = self.snapshot_
        if not 0 <= row < snap.n_rows:
            raise InvalidQueryError("row", "no such workplace")
        rows = np.array([row], dtype=np.int64)
        distance = haversine_km(query.lat, query.lon, snap.lat[rows], snap.lon[rows])
        unfiltered = replace(query, only_available=False)
        return self._match(self._score(rows, np.atleast_1d(distance), unfiltered), 0, query)

    def _score(self, rows: Rows, distance: Floats, query: SearchQuery) -> _Scored:
        snap = self.snapshot_
        day = query.day.toordinal()
        start = max(day, query.wishes.start_date.toordinal()) if query.wishes.start_date else day
        keep = snap.valid_until[rows] >= day
        n_free = snap.n_free_places[rows]
        available_from = snap.available_from[rows]
        confirmed = snap.confirmed_day[rows]
        never = confirmed == NO_DAY
        confirmed_age = day - confirmed
        has_offer = n_free > 0
        is_available = (
            has_offer
            & (available_from <= start)
            & ~never
            & (confirmed_age <= self.stale_after_days)
        )
        if query.only_available:
            keep &= is_available
        if not keep.all():
            rows, distance, is_available = rows[keep], distance[keep], is_available[keep]
            has_offer, available_from = has_offer[keep], available_from[keep]
            never, confirmed_age = never[keep], confirmed_age[keep]
        offer = (
            np.where(
                available_from <= day,
                OFFER_NOW,
                np.where(available_from <= start, OFFER_BY_START, OFFER_LATER),
            )
            * has_offer
        )
        s_availability = offer * confirmation_score(confirmed_age, never)
        s_distance = distance_score(distance, query.mobility)
        s_preferences = self._preferences(rows, query)
        last_change = np.maximum(snap.updated_day[rows], snap.confirmed_day[rows])
        s_freshness = np.where(last_change == NO_DAY, 0.0, freshness_score(day - last_change))
        w = self.weights
        score = (
            w.distance * s_distance
            + w.availability * s_availability
            + w.preferences * s_preferences
            + w.freshness * s_freshness
        ) / w.total
        return _Scored(
            rows,
            distance,
            is_available,
            offer,
            s_distance,
            s_availability,
            s_preferences,
            s_freshness,
            score,
        )

    def _preferences(self, rows: Rows, query: SearchQuery) -> Floats:
        applies, fits = self._preference_checks(rows, query)
        if not applies:
            return np.full(len(rows), NEUTRAL_PREFERENCES)
        n_applies = np.sum(applies, axis=0)
        n_fits = np.sum([a & f for a, f in zip(applies, fits, strict=True)], axis=0)
        return np.where(n_applies > 0, n_fits / np.maximum(n_applies, 1), NEUTRAL_PREFERENCES)

    def _preference_checks(self, rows: Rows, query: SearchQuery) -> tuple[list[Bools], list[Bools]]:
        """Return, per check that the query can make, where it applies and where it fits."""
        snap, wishes = self.snapshot_, query.wishes
        applies: list[Bools] = []
        fits: list[Bools] = []
        if wishes.age is not None:
            min_age = snap.min_age[rows]
            applies.append(min_age > 0)
            fits.append(wishes.age >= min_age)
        if wishes.start_date is not None:
            months = snap.start_months[rows].astype(np.int32)
            applies.append(months != 0)
            fits.append(((months >> wishes.start_date.month) & 1).astype(bool))
        if wishes.languages:
            required = snap.languages[rows].astype(np.int32)
            applies.append(required != 0)
            fits.append((required & ~language_mask(wishes.languages)) == 0)
        if wishes.hours_pattern is not None:
            pattern = snap.hours_pattern[rows]
            applies.append(pattern != 0)
            fits.append(pattern == hours_code(wishes.hours_pattern))
        if wishes.company_size is not None:
            size = snap.n_employees[rows]
            low, high = COMPANY_SIZE_BANDS[wishes.company_size]
            applies.append(size >= 0)
            fits.append((size >= low) & (size <= high))
        return applies, fits

    def _page(self, scored: _Scored, query: SearchQuery) -> Rows:
        n = len(scored.rows)
        if n == 0 or query.offset >= n:
            return np.empty(0, dtype=np.int64)
        snap = self.snapshot_
        steps = np.minimum(
            np.rint(scored.distance_km * _DISTANCE_STEPS_PER_KM),
            MAX_RADIUS_KM * _DISTANCE_STEPS_PER_KM,
        ).astype(np.int64)
        key = steps * snap.n_rows + snap.tiebreak_rank[scored.rows]
        if query.sort == "score":
            demerit = _SCORE_STEPS - np.rint(scored.score * _SCORE_STEPS).astype(np.int64)
            span = int(MAX_RADIUS_KM * _DISTANCE_STEPS_PER_KM) + 1
            key += demerit * span * snap.n_rows
        needed = min(n, query.offset + query.limit)
        if needed < n:
            head = np.argpartition(key, needed - 1)[:needed]
            order = head[np.argsort(key[head], kind="stable")]
        else:
            order = np.argsort(key, kind="stable")
        return order[query.offset : needed]

    def _match(self, scored: _Scored, i: int, query: SearchQuery) -> Match:
        snap, w = self.snapshot_, self.weights
        row = int(scored.rows[i])
        day = query.day.toordinal()
        confirmed = int(snap.confirmed_day[row])
        confirmed_ago = None if confirmed == NO_DAY else day - confirmed
        available_from = int(snap.available_from[row])
        updated = max(int(snap.updated_day[row]), confirmed)
        reasons = (
            Reason(
                "programme",
                1.0,
                0.0,
                text.validity_text(date.fromordinal(int(snap.valid_until[row]))),
            ),
            Reason(
                "distance",
                _round(scored.s_distance[i]),
                w.distance,
                text.distance_text(
                    float(scored.distance_km[i]), query.origin_label, query.mobility
                ),
            ),
            Reason(
                "availability",
                _round(scored.s_availability[i]),
                w.availability,
                text.availability_text(
                    int(snap.n_free_places[row]),
                    int(snap.n_places[row]),
                    date.fromordinal(available_from) if available_from > day else None,
                    confirmed_ago,
                    confirmed_ago is not None and confirmed_ago > self.stale_after_days,
                ),
            ),
            Reason(
                "preferences",
                _round(scored.s_preferences[i]),
                w.preferences,
                self._preferences_text(row, query),
            ),
            Reason(
                "freshness",
                _round(scored.s_freshness[i]),
                w.freshness,
                text.freshness_text(None if updated == NO_DAY else day - updated),
            ),
        )
        return Match(
            row=row,
            recognition_id=int(snap.recognition_id[row]),
            distance_km=round(float(scored.distance_km[i]), 2),
            score=_round(scored.score[i]),
            is_available=bool(scored.is_available[i]),
            reasons=reasons,
        )

    def _preferences_text(self, row: int, query: SearchQuery) -> str:
        snap, wishes = self.snapshot_, query.wishes
        misfits: list[str] = []
        fits: list[str] = []
        min_age = int(snap.min_age[row])
        if min_age:
            phrase = f"vanaf {min_age} jaar"
            (misfits if wishes.age is not None and wishes.age < min_age else fits).append(phrase)
        months = int(snap.start_months[row])
        if months:
            names = [text.MONTHS[m - 1] for m in range(1, 13) if months >> m & 1]
            if wishes.start_date is not None and not months >> wishes.start_date.month & 1:
                misfits.append(f"start enkel in {' of '.join(names)}")
            else:
                fits.append(f"start in {' of '.join(names)}")
        languages = int(snap.languages[row])
        if languages:
            names = [text.LANGUAGE_NAMES[c] for i, c in enumerate(LANGUAGES) if languages >> i & 1]
            lacking = wishes.languages and languages & ~language_mask(wishes.languages)
            (misfits if lacking else fits).append(f"vraagt {' en '.join(names)}")
        pattern = int(snap.hours_pattern[row])
        if pattern:
            name = text.HOURS_NAMES[HOURS_PATTERNS[pattern - 1]]
            wished = wishes.hours_pattern
            is_misfit = wished is not None and hours_code(wished) != pattern
            (misfits if is_misfit else fits).append(f"werkuren: {name}")
        size = int(snap.n_employees[row])
        if wishes.company_size is not None and size >= 0:
            low, high = COMPANY_SIZE_BANDS[wishes.company_size]
            if low <= size <= high:
                fits.append(f"een {wishes.company_size} bedrijf, zoals je wilt")
            else:
                misfits.append(f"geen {wishes.company_size} bedrijf ({size} werknemers)")
        if snap.interview_at_school[row]:
            fits.append("eerste gesprek op school")
        if not misfits and not fits:
            return "Het bedrijf stelt geen bijzondere voorwaarden"
        ordered = [f"past niet: {p}" for p in misfits] + fits
        return text.join_phrases(ordered)


def _round(value: float | np.floating) -> float:
    return round(float(value), 3)
