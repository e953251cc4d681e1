"""Rank recognised workplaces for a query, explain each result, in a stable order."""

from dataclasses import dataclass, replace
from typing import Any, Self

import numpy as np
import numpy.typing as npt

from matcher import reasons
from matcher.exceptions import InvalidQueryError
from matcher.geo import haversine_km
from matcher.overlay import OverlaidGeoIndex
from matcher.scoring import (
    COMPANY_SIZE_BANDS,
    NEUTRAL_PREFERENCES,
    OFFER_BY_START,
    OFFER_LATER,
    OFFER_NOW,
    ScoreWeights,
    confirmation_score,
    distance_score,
    freshness_score,
)
from matcher.snapshot import (
    NO_DAY,
    WorkplaceColumns,
    WorkplaceSnapshot,
    hours_code,
    language_mask,
)
from matcher.types import (
    MAX_RADIUS_KM,
    Check,
    Match,
    Reason,
    SearchQuery,
    SearchResult,
    StudentWishes,
)

Rows = npt.NDArray[np.int64]
# A row's recognition id and its reasons other than the distance (Match.shared), by row.
_KeptReasons = dict[int, tuple[int, tuple[Reason, ...]]]
Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]

MAX_WIDEN_KM = 100.0  # widening stops here unless the deployment says otherwise
# Rows whose reasons are kept, for how many days and wishes; past either the memory
# starts afresh (at most some 30 MB).
MAX_KEPT_ROWS = 20_000
MAX_KEPT_DAYS_AND_WISHES = 8
_NO_WISHES = StudentWishes()
_SCORE_STEPS = 1000  # scores are compared and shown to 3 decimals
_DISTANCE_STEPS_PER_KM = 100  # distances tie when equal to 0.01 km, as the API shows them
_DISTANCE_SPAN = int(MAX_RADIUS_KM * _DISTANCE_STEPS_PER_KM) + 1


@dataclass(frozen=True, slots=True)
class _Scored:
    """Candidate rows with every factor, aligned."""

    rows: Rows
    distance_km: Floats
    is_available: Bools
    s_distance: Floats
    s_availability: Floats
    s_preferences: Floats
    s_freshness: Floats
    score: Floats


# Columns of `_DayColumns.table`.
_N_DAY_COLUMNS = 8
(
    _IS_VALID,
    _IS_FRESH,
    _CONFIRMATION,
    _FRESHNESS,
    _AVAILABLE_FROM,
    _N_FREE,
    _IS_AVAILABLE_TODAY,
    _AVAILABILITY_TODAY,
) = range(_N_DAY_COLUMNS)


@dataclass(frozen=True, slots=True)
class _DayColumns:
    """Per-row inputs of the score for one day, in one float32 table (one gather a query).

    Validity, freshness and the confirmation and freshness curves change with the date,
    not with the query; float32 holds day ordinals and these scores exactly enough.
    """

    day: int
    table: npt.NDArray[np.float32]


class SearchEngine:
    """Find and rank the workplaces of a snapshot.

    Parameters
    ----------
    weights:
        Relative weight of the four factors (see `matcher.scoring`).
    stale_after_days:
        An availability unconfirmed for longer no longer counts as a free place.
    unconfirmed_after_days:
        An availability unconfirmed for longer is shown as unconfirmed; its
        confirmation weighs half at this age.
    max_widen_km:
        Widening stops at this radius.
    """

    def __init__(
        self,
        *,
        stale_after_days: int,
        unconfirmed_after_days: int,
        weights: ScoreWeights | None = None,
        max_widen_km: float = MAX_WIDEN_KM,
    ) -> None:
        if not 0 < max_widen_km <= MAX_RADIUS_KM:
            raise InvalidQueryError(
                "max_widen_km", f"max_widen_km must be in (0, {MAX_RADIUS_KM:g}]"
            )
        if stale_after_days < 0:
            raise InvalidQueryError("stale_after_days", "stale_after_days cannot be negative")
        if unconfirmed_after_days <= 0:
            raise InvalidQueryError(
                "unconfirmed_after_days", "unconfirmed_after_days must be positive"
            )
        self.weights = weights or ScoreWeights()
        self.stale_after_days = stale_after_days
        self.unconfirmed_after_days = unconfirmed_after_days
        self.max_widen_km = max_widen_km

    def fit(self, snapshot: WorkplaceSnapshot) -> Self:
        """Index the snapshot; sets `snapshot_`, `programmes_`, `group_sizes_` and the indexes.

        Two indexes per programme: one over every workplace, one over those that
        advertise a confirmed free place. The usual search (only available places)
        reads the second, a quarter of the size.
        """
        snap = snapshot
        self.snapshot_ = snap
        self.programmes_ = {code: i for i, code in enumerate(snap.programme_codes)}
        groups = snap.programme.astype(np.int64)
        n_groups = len(snap.programme_codes)
        live = np.flatnonzero(snap.is_live)
        self.group_sizes_ = np.bincount(groups[live], minlength=n_groups)
        self.index_ = OverlaidGeoIndex().fit(
            snap.lat[live], snap.lon[live], groups[live], n_groups, rows=live
        )
        offering = np.flatnonzero(_is_offering(snap))
        self.offering_index_ = OverlaidGeoIndex().fit(
            snap.lat[offering], snap.lon[offering], groups[offering], n_groups, rows=offering
        )
        self._day_cache: _DayColumns | None = None
        self._reasons_kept: dict[tuple[Any, ...], _KeptReasons] = {}
        return self

    def updated(
        self, workplaces: WorkplaceColumns, removed_ids: npt.ArrayLike = ()
    ) -> "SearchEngine":
        """Return an engine over the snapshot with `workplaces` replaced or added and
        `removed_ids` taken out; this one is unchanged and can go on answering.

        Ranks and orders exactly as an engine fitted on the new data would. Its cost
        grows with the change and with copying the columns it touches, not with
        refitting: the indexes take the moved rows in their overlays, and the day's
        columns, if worked out, are worked out again for the changed rows only.
        """
        if len(workplaces) == 0 and np.size(removed_ids) == 0:
            return self  # immutable: the same engine serves the new version
        snap, change = self.snapshot_.updated(workplaces, removed_ids)
        engine = SearchEngine(
            stale_after_days=self.stale_after_days,
            unconfirmed_after_days=self.unconfirmed_after_days,
            weights=self.weights,
            max_widen_km=self.max_widen_km,
        )
        engine.snapshot_ = snap
        engine.programmes_ = {code: i for i, code in enumerate(snap.programme_codes)}
        groups = snap.programme.astype(np.int64)
        n_groups = len(snap.programme_codes)
        old, rows = self.snapshot_, change.rows
        known = rows[rows < old.n_rows]  # rows new to the snapshot were nowhere before
        engine.group_sizes_ = np.bincount(
            groups[rows[snap.is_live[rows]]], minlength=n_groups
        ) - np.bincount(old.programme[known[old.is_live[known]]], minlength=n_groups)
        engine.group_sizes_[: len(self.group_sizes_)] += self.group_sizes_
        engine.index_ = self.index_.moved(
            change.moved, snap.lat, snap.lon, groups, n_groups, lambda r: snap.is_live[r]
        )
        was_offering = np.zeros(len(rows), dtype=np.bool_)
        was_offering[rows < old.n_rows] = _is_offering(old, known)
        flipped = rows[was_offering != _is_offering(snap, rows)]
        engine.offering_index_ = self.offering_index_.moved(
            np.union1d(change.moved, flipped),
            snap.lat,
            snap.lon,
            groups,
            n_groups,
            lambda r: _is_offering(snap, r),
        )
        engine._day_cache = None
        engine._reasons_kept = {}
        cache = self._day_cache
        if cache is not None:
            table = np.empty((snap.n_rows, cache.table.shape[1]), dtype=np.float32)
            table[: len(cache.table)] = cache.table
            table[change.rows] = engine._day_table(cache.day, change.rows)
            engine._day_cache = _DayColumns(cache.day, table)
        return engine

    def nbytes(self) -> int:
        """Return the memory the fitted engine holds: snapshot, indexes and caches."""
        cache = self._day_cache
        cached = 0 if cache is None else cache.table.nbytes
        return int(
            self.snapshot_.nbytes() + self.index_.nbytes() + self.offering_index_.nbytes() + cached
        )

    def search(self, query: SearchQuery) -> SearchResult:
        """Return the page of best matches for `query`, with its total and radius.

        Steps:

        1. Take the programme's workplaces within the radius from its own index.
        2. Keep those valid on the day and, when asked, those that offer a free place
           by the student's start (confirmed within `stale_after_days`).
        3. If `widen` and fewer than ``offset + limit`` remain, grow the radius by half
           (at least 5 km) up to `max_widen_km` (the query's own, where nearer) and go
           back to 1.
        4. Score every remaining workplace (see `matcher.scoring`).
        5. Order by score (3 decimals) descending, or by distance; then distance
           (0.01 km), company name (ignoring case and accents) and recognition id, as
           one integer key, so the order is total and the same in every process.
        6. Explain the page asked for.
        """
        group = self.programmes_.get(query.programme)
        radius = query.radius_km
        if group is None or self.group_sizes_[group] == 0:  # as if never recognised
            return SearchResult(total=0, radius_km=radius, widened=False, matches=())
        index = self.offering_index_ if query.only_available else self.index_
        widened = False
        needed = query.offset + query.limit
        ceiling = max(min(self.max_widen_km, query.max_widen_km or MAX_RADIUS_KM), query.radius_km)
        while True:
            rows, distance = index.query_radius(group, query.lat, query.lon, radius)
            scored = self._score(rows, distance, query)
            if not query.widen or len(scored.rows) >= needed or radius >= ceiling:
                break
            radius = min(ceiling, max(radius * 1.5, radius + 5.0))
            widened = True
        return SearchResult(
            total=len(scored.rows),
            radius_km=radius,
            widened=widened,
            matches=self._explain(scored, self._page(scored, query), query),
        )

    def explain(self, row: int, query: SearchQuery) -> Match:
        """Score and explain one row of the snapshot for `query`, whatever its distance."""
        snap = self.snapshot_
        if not 0 <= row < snap.n_rows:
            raise InvalidQueryError("row", "no such workplace")
        rows = np.array([row], dtype=np.int64)
        distance = np.atleast_1d(haversine_km(query.lat, query.lon, snap.lat[rows], snap.lon[rows]))
        unfiltered = replace(query, only_available=False)
        scored = self._score(rows, distance, unfiltered)
        if len(scored.rows) == 0:
            raise InvalidQueryError("row", "this workplace is not recognised on the day")
        return self._explain(scored, np.zeros(1, dtype=np.int64), query)[0]

    def _day_columns(self, day: int) -> "_DayColumns":
        """Return the per-row factors that depend only on the day, computed once a day."""
        cached = self._day_cache
        if cached is not None and cached.day == day:
            return cached
        columns = _DayColumns(day=day, table=self._day_table(day))
        self._day_cache = columns  # one assignment: safe to share between threads
        return columns

    def _day_table(self, day: int, rows: Rows | None = None) -> npt.NDArray[np.float32]:
        """Work out the day's columns of `_DayColumns.table` for `rows` (default: all)."""
        snap = self.snapshot_
        pick = slice(None) if rows is None else rows
        confirmed_day = snap.confirmed_day[pick]
        never = confirmed_day == NO_DAY
        confirmed_age = day - confirmed_day.astype(np.int64)
        last_change = np.maximum(snap.updated_day[pick], confirmed_day).astype(np.int64)
        is_fresh = ~never & (confirmed_age <= self.stale_after_days)
        confirmation = confirmation_score(confirmed_age, never, self.unconfirmed_after_days)
        n_free = snap.n_free_places[pick]
        available_from = snap.available_from[pick]
        has_offer = n_free > 0
        started = available_from <= day
        # Filled a column at a time: stacking the columns first would hold them all
        # again in float64 (twice the table) while a worker answers requests.
        table = np.empty((len(confirmed_day), _N_DAY_COLUMNS), dtype=np.float32)
        # A recognition expires on valid_until; a row taken out is never valid.
        table[:, _IS_VALID] = (snap.valid_until[pick] > day) & snap.is_live[pick]
        table[:, _IS_FRESH] = is_fresh
        table[:, _CONFIRMATION] = confirmation
        table[:, _FRESHNESS] = np.where(
            last_change == NO_DAY, 0.0, freshness_score(day - last_change)
        )
        table[:, _AVAILABLE_FROM] = available_from
        table[:, _N_FREE] = n_free
        # Most searches start today: their availability is the day's, worked out here
        # once rather than per query.
        table[:, _IS_AVAILABLE_TODAY] = has_offer & started & is_fresh
        table[:, _AVAILABILITY_TODAY] = (
            np.where(has_offer, np.where(started, OFFER_NOW, OFFER_LATER), 0.0) * confirmation
        )
        return table

    def _score(self, rows: Rows, distance: Floats, query: SearchQuery) -> _Scored:
        day = query.day.toordinal()
        start = max(day, query.wishes.start_date.toordinal()) if query.wishes.start_date else day
        # `take` and `compress` gather whole rows of a 2-D table several times faster
        # than indexing with an array or a mask does.
        table = self._day_columns(day).table.take(rows, axis=0)
        if start == day:
            return self._score_from_today(rows, distance, table, query)
        available_from = table[:, _AVAILABLE_FROM]
        has_offer = table[:, _N_FREE] > 0
        is_available = has_offer & (available_from <= start) & (table[:, _IS_FRESH] > 0)
        keep = table[:, _IS_VALID] > 0
        if query.only_available:
            keep &= is_available
        if not keep.all():
            rows, distance, is_available, table = (
                rows[keep],
                distance[keep],
                is_available[keep],
                table.compress(keep, axis=0),
            )
            available_from, has_offer = table[:, _AVAILABLE_FROM], table[:, _N_FREE] > 0
        offer = np.where(
            available_from <= day,
            OFFER_NOW,
            np.where(available_from <= start, OFFER_BY_START, OFFER_LATER),
        )
        s_availability = np.where(has_offer, offer * table[:, _CONFIRMATION], 0.0)
        s_distance = distance_score(distance, query.mobility)
        s_preferences = self._preferences(rows, query)
        s_freshness = table[:, _FRESHNESS].astype(np.float64)
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
            s_distance,
            s_availability,
            s_preferences,
            s_freshness,
            score,
        )

    def _score_from_today(
        self, rows: Rows, distance: Floats, table: npt.NDArray[np.float32], query: SearchQuery
    ) -> _Scored:
        """`_score` for a student who starts today: the day's columns say it all."""
        is_available = table[:, _IS_AVAILABLE_TODAY] > 0
        keep = table[:, _IS_VALID] > 0
        if query.only_available:
            keep &= is_available
        if not keep.all():
            rows, distance, is_available, table = (
                rows[keep],
                distance[keep],
                is_available[keep],
                table.compress(keep, axis=0),
            )
        w = self.weights
        s_distance = distance_score(distance, query.mobility)
        s_availability = table[:, _AVAILABILITY_TODAY].astype(np.float64)
        s_preferences = self._preferences(rows, query)
        s_freshness = table[:, _FRESHNESS].astype(np.float64)
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
            s_distance,
            s_availability,
            s_preferences,
            s_freshness,
            score,
        )

    def _preferences(self, rows: Rows, query: SearchQuery) -> Floats:
        """Return the mean of the preference checks that apply (neutral if none)."""
        snap, wishes = self.snapshot_, query.wishes
        if wishes == _NO_WISHES:  # the usual search: nothing to check
            return np.full(len(rows), NEUTRAL_PREFERENCES)
        n_applies = np.zeros(len(rows), dtype=np.int64)
        n_fits = np.zeros(len(rows), dtype=np.int64)

        def check(applies: Bools, fits: Bools) -> None:
            n_applies.__iadd__(applies)
            n_fits.__iadd__(applies & fits)

        if wishes.age is not None:
            min_age = snap.min_age[rows]
            check(min_age > 0, wishes.age >= min_age)
        if wishes.start_date is not None:
            months = snap.start_months[rows].astype(np.int32)
            check(months != 0, ((months >> wishes.start_date.month) & 1).astype(bool))
        if wishes.languages:
            required = snap.languages[rows].astype(np.int32)
            check(required != 0, (required & ~language_mask(wishes.languages)) == 0)
        if wishes.hours_pattern is not None:
            pattern = snap.hours_pattern[rows]
            check(pattern != 0, pattern == hours_code(wishes.hours_pattern))
        if wishes.company_size is not None:
            size = snap.n_employees[rows]
            low, high = COMPANY_SIZE_BANDS[wishes.company_size]
            check(size >= 0, (size >= low) & (size <= high))
        return np.where(n_applies > 0, n_fits / np.maximum(n_applies, 1), NEUTRAL_PREFERENCES)

    def _page(self, scored: _Scored, query: SearchQuery) -> Rows:
        """Return the positions in `scored` of the page asked for, in order."""
        n = len(scored.rows)
        if n == 0 or query.offset >= n:
            return np.empty(0, dtype=np.int64)
        n_rows = self.snapshot_.n_rows
        steps = np.minimum(
            np.rint(scored.distance_km * _DISTANCE_STEPS_PER_KM), _DISTANCE_SPAN - 1
        ).astype(np.int64)
        key = steps * n_rows + self.snapshot_.tiebreak_rank[scored.rows]
        if query.sort == "score":
            demerit = _SCORE_STEPS - np.rint(scored.score * _SCORE_STEPS).astype(np.int64)
            key += demerit * (_DISTANCE_SPAN * n_rows)
        needed = min(n, query.offset + query.limit)
        if needed < n:
            # Arrays' own methods rather than numpy's functions: those wrap them in Python.
            head = key.argpartition(needed - 1)[:needed]
            order = head[key[head].argsort()]
        else:
            order = key.argsort()
        return order[query.offset : needed]

    def _explain(self, scored: _Scored, page: Rows, query: SearchQuery) -> tuple[Match, ...]:
        """Build the matches of a page with their reasons (plain Python over a few rows).

        Only the distance is a query's own: a row's other reasons depend on the day and
        the student's wishes alone, and are kept for them (`_kept_reasons`).
        """
        rows = scored.rows[page].tolist()
        kept = self._kept_reasons(query)
        found = [kept.get(row) for row in rows]
        if None in found:
            new = [i for i, shared in enumerate(found) if shared is None]
            kept.update(self._shared_reasons(scored, page[new], query))
            found = [kept[row] for row in rows]
        # Rounded in Python as np.rint does (half to even, on the same doubles): for a
        # page's few rows, cheaper than numpy's calls.
        columns = zip(
            rows,
            found,
            scored.distance_km[page].tolist(),
            scored.is_available[page].tolist(),
            scored.score[page].tolist(),
            scored.s_distance[page].tolist(),
            strict=True,
        )
        w_d, mobility = self.weights.distance, query.mobility
        matches = []
        for row, (rid, shared), distance, available, score, s_dist in columns:
            matches.append(
                Match(
                    row,
                    rid,
                    round(distance * _DISTANCE_STEPS_PER_KM) / _DISTANCE_STEPS_PER_KM,
                    round(score * _SCORE_STEPS) / _SCORE_STEPS,
                    available,
                    reasons.distance(
                        round(s_dist * _SCORE_STEPS) / _SCORE_STEPS,
                        w_d,
                        round(distance * 1000),
                        mobility,
                    ),
                    shared,
                )
            )
        return tuple(matches)

    def _kept_reasons(self, query: SearchQuery) -> _KeptReasons:
        """The rows' reasons other than the distance, kept for the query's day and wishes
        (most searches share both): a row's recognition id and reasons by row."""
        key = (query.day, query.wishes)
        kept = self._reasons_kept.get(key)
        if kept is None or len(kept) >= MAX_KEPT_ROWS:
            # A new dict, never one emptied: a search may still be reading the old one.
            if len(self._reasons_kept) >= MAX_KEPT_DAYS_AND_WISHES:
                self._reasons_kept = {}
            kept = self._reasons_kept[key] = {}
        return kept

    def _shared_reasons(self, scored: _Scored, page: Rows, query: SearchQuery) -> _KeptReasons:
        """Work out the reasons other than the distance of some rows of `scored`."""
        w = self.weights
        rows = scored.rows[page]
        day = query.day.toordinal()
        wishes = query.wishes
        shown = np.column_stack(
            [
                _shown(v[page])
                for v in (scored.s_availability, scored.s_preferences, scored.s_freshness)
            ]
        ).tolist()
        columns = zip(rows.tolist(), self.snapshot_.shown[rows].tolist(), shown, strict=True)
        stale_after, unconfirmed_after = self.stale_after_days, self.unconfirmed_after_days
        w_a, w_p, w_f = w.availability, w.preferences, w.freshness
        sized = wishes.company_size is not None
        checks_of: dict[tuple[int, ...], tuple[Check, ...]] = {}  # the wishes are the page's
        made: _KeptReasons = {}
        for row, (
            rid,
            n_places,
            min_age,
            months,
            languages,
            pattern,
            n_employees,
            at_school,
            valid_until,
            available_from,
            confirmed,
            updated,
            n_free,
        ), (s_avail, s_pref, s_fresh) in columns:
            confirmed_ago = None if confirmed == NO_DAY else day - confirmed
            last_change = max(updated, confirmed)
            if not sized:
                n_employees = -1  # only a wished company size makes the size matter
            asks = (min_age, months, languages, pattern, n_employees, at_school)
            checks = checks_of.get(asks)
            if checks is None:
                checks = checks_of[asks] = reasons.preference_checks(
                    min_age, months, languages, pattern, n_employees, bool(at_school), wishes
                )
            made[row] = (
                rid,
                (
                    reasons.recognised(1.0, 0.0, valid_until),
                    reasons.availability(
                        s_avail,
                        w_a,
                        n_free,
                        n_places,
                        available_from if available_from > day else None,
                        confirmed_ago,
                        reasons.staleness_of(confirmed_ago, unconfirmed_after, stale_after),
                    ),
                    reasons.preferences(s_pref, w_p, checks),
                    reasons.freshness(
                        s_fresh, w_f, None if last_change == NO_DAY else day - last_change
                    ),
                ),
            )
        return made


def _is_offering(snap: WorkplaceSnapshot, rows: Rows | None = None) -> Bools:
    """Whether rows (default: all) advertise a confirmed free place: those the offering
    index holds."""
    pick = slice(None) if rows is None else rows
    return np.asarray(
        snap.is_live[pick] & (snap.n_free_places[pick] > 0) & (snap.confirmed_day[pick] != NO_DAY)
    )


def _shown(values: Floats) -> Floats:
    """Round scores to the 3 decimals they are ordered and shown by."""
    return np.asarray(np.rint(values * _SCORE_STEPS) / _SCORE_STEPS)
