"""A columnar snapshot of the recognised workplaces, the matcher's whole view of the data.

A snapshot is built once from columns (or records) and then never changed: `updated`
returns a new snapshot with some workplaces replaced, added or taken out, sharing every
column that did not change with the old one, so requests still reading the old one are
never disturbed.
"""

import bisect
import copy
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any

import numpy as np
import numpy.typing as npt

from matcher.geo import normalize_name
from matcher.types import HOURS_PATTERNS, LANGUAGES, IntakePreferences, WorkplaceRecord

Ints = npt.NDArray[np.int64]
Ints32 = npt.NDArray[np.int32]
Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]
Objects = npt.NDArray[np.object_]

NO_DAY = np.iinfo(np.int32).min  # a missing date, as a day ordinal
NO_MOMENT = np.iinfo(np.int64).min  # a missing moment, in microseconds (numpy's NaT)
EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
_US_PER_S = 1_000_000
_S_PER_DAY = 86_400
_FEW_MOMENTS = 16  # `local_days` works out fewer one by one
SHOWN_COLUMNS = (
    "recognition_id",
    "n_places",
    "min_age",
    "start_months",
    "languages",
    "hours_pattern",
    "n_employees",
    "interview_at_school",
    "valid_until",
    "available_from",
    "confirmed_day",
    "updated_day",
    "n_free_places",
)
# Every per-row array a snapshot holds besides `shown` (whose columns are views of it)
# and the tie-break arrays, which `updated` maintains on their own.
_ROW_ARRAYS = (
    "programme",
    "company_id",
    "site_id",
    "company_name",
    "postcode",
    "municipality",
    "lat",
    "lon",
    "confirmed_at",
    "sort_name",
    "is_live",
)


def language_mask(languages: frozenset[str] | set[str]) -> int:
    """Encode a set of languages as a bit mask."""
    return sum(1 << LANGUAGES.index(code) for code in languages if code in LANGUAGES)


def month_mask(months: frozenset[int] | set[int]) -> int:
    """Encode a set of months (1-12) as a bit mask."""
    return sum(1 << m for m in months if 1 <= m <= 12)


def hours_code(pattern: str | None) -> int:
    """Encode an hours pattern as 1.., with 0 for none."""
    return HOURS_PATTERNS.index(pattern) + 1 if pattern in HOURS_PATTERNS else 0


def moment_us(moment: datetime | None) -> int:
    """Return an aware moment as whole microseconds since the epoch (NO_MOMENT for none)."""
    return int(NO_MOMENT) if moment is None else (moment - _EPOCH) // _MICROSECOND


@dataclass(frozen=True, eq=False)
class WorkplaceColumns:
    """Workplaces as columns, one row each: what a database hands over in bulk.

    Dates are day ordinals (`NO_DAY` for none); moments are microseconds since the epoch
    (`NO_MOMENT` for none); a company size is -1 when unknown. Intake preferences are
    given once per distinct value in `preference_kinds`, and each row points at its own
    with `preference`: a few hundred values serve hundreds of thousands of rows.
    """

    recognition_id: Ints
    programme: Objects  # programme codes
    company_id: Ints
    company_name: Objects
    site_id: Ints
    postcode: Objects
    municipality: Objects
    lat: Floats
    lon: Floats
    valid_until: Ints32
    n_places: Ints32
    n_free_places: Ints32
    available_from: Ints32
    confirmed_at_us: Ints
    updated_at_us: Ints
    n_employees: Ints32
    preference: Ints32
    preference_kinds: tuple[IntakePreferences, ...]

    def __len__(self) -> int:
        return len(self.recognition_id)

    @classmethod
    def from_records(cls, records: Sequence[WorkplaceRecord]) -> "WorkplaceColumns":
        """Turn records into columns."""
        kinds: dict[IntakePreferences, int] = {}

        def column(values: Iterable[object], dtype: type) -> Any:
            return np.array(list(values), dtype=dtype)

        def day(value: date | None) -> int:
            return int(NO_DAY) if value is None else value.toordinal()

        return cls(
            recognition_id=column((r.recognition_id for r in records), np.int64),
            programme=column((r.programme for r in records), object),
            company_id=column((r.company_id for r in records), np.int64),
            company_name=column((r.company_name for r in records), object),
            site_id=column((r.site_id for r in records), np.int64),
            postcode=column((r.postcode for r in records), object),
            municipality=column((r.municipality for r in records), object),
            lat=column((r.lat for r in records), np.float64),
            lon=column((r.lon for r in records), np.float64),
            valid_until=column((day(r.valid_until) for r in records), np.int32),
            n_places=column((r.n_places for r in records), np.int32),
            n_free_places=column((r.n_free_places for r in records), np.int32),
            available_from=column((day(r.available_from) for r in records), np.int32),
            confirmed_at_us=column((moment_us(r.confirmed_at) for r in records), np.int64),
            updated_at_us=column((moment_us(r.updated_at) for r in records), np.int64),
            n_employees=column(
                (-1 if r.n_employees is None else r.n_employees for r in records), np.int32
            ),
            preference=column(
                (kinds.setdefault(r.preferences, len(kinds)) for r in records), np.int32
            ),
            preference_kinds=tuple(kinds),
        )


@dataclass(frozen=True)
class SnapshotChange:
    """What `WorkplaceSnapshot.updated` changed, for whoever keeps indexes over it.

    `rows` are every row given anew or taken out (their values may or may not differ);
    `moved` those among them that left, joined or changed place in the spatial index
    (taken out, added, brought back, or a new position or programme).
    """

    rows: Ints
    moved: Ints


class WorkplaceSnapshot:
    """Column arrays over workplaces, one row each; rows keep the order given.

    Parameters
    ----------
    workplaces:
        The workplaces, as records or columns; recognitions that are not recognised
        should not be given (the day-dependent validity is checked per query from
        `valid_until`).
    tz:
        The calendar in which moments become days (Europe/Brussels in the app).
    """

    def __init__(
        self, workplaces: Sequence[WorkplaceRecord] | WorkplaceColumns, tz: tzinfo = UTC
    ) -> None:
        columns = (
            workplaces
            if isinstance(workplaces, WorkplaceColumns)
            else WorkplaceColumns.from_records(workplaces)
        )
        n = len(columns)
        self.tz = tz
        self.n_rows = n
        self.programme_codes: tuple[str, ...] = tuple(sorted(set(columns.programme.tolist())))
        code_index = {code: i for i, code in enumerate(self.programme_codes)}
        self.programme = np.fromiter(
            (code_index[code] for code in columns.programme.tolist()), dtype=np.int32, count=n
        )
        self.company_id = np.asarray(columns.company_id, dtype=np.int64)
        self.site_id = np.asarray(columns.site_id, dtype=np.int64)
        self.company_name = columns.company_name
        self.postcode = columns.postcode
        self.municipality = columns.municipality
        self.lat = np.asarray(columns.lat, dtype=np.float64)
        self.lon = np.asarray(columns.lon, dtype=np.float64)
        confirmed = columns.confirmed_at_us != NO_MOMENT
        # Seconds as `datetime.timestamp` gives them: whole microseconds over a million,
        # rounded once, so a page shows the stored moment exactly.
        self.confirmed_at = np.where(confirmed, columns.confirmed_at_us / _US_PER_S, np.nan)
        (min_age, start_months, languages, hours, at_school) = _preference_columns(
            columns.preference_kinds, columns.preference
        )
        table: dict[str, npt.NDArray[Any]] = {
            "recognition_id": columns.recognition_id,
            "n_places": columns.n_places,
            "min_age": min_age,
            "start_months": start_months,
            "languages": languages,
            "hours_pattern": hours,
            "n_employees": columns.n_employees,
            "interview_at_school": at_school,
            "valid_until": columns.valid_until,
            "available_from": columns.available_from,
            "confirmed_day": local_days(columns.confirmed_at_us, tz),
            "updated_day": local_days(columns.updated_at_us, tz),
            "n_free_places": columns.n_free_places,
        }
        # What a results page shows of a row, in one int32 table (ids stay below 2**31, as
        # in PostgreSQL): a page gathers it in one go. The columns become views of it,
        # so nothing is stored twice.
        self.shown = np.empty((n, len(SHOWN_COLUMNS)), dtype=np.int32)
        for i, name in enumerate(SHOWN_COLUMNS):
            self.shown[:, i] = table[name]
        self._view_shown()
        self.sort_name, name_rank = _sort_names(columns.company_name)
        self.is_live = np.ones(n, dtype=np.bool_)  # rows taken out by `updated` stay, dead
        # Ties are broken by company name (ignoring case and accents), then by id: one
        # rank per row lets a single integer key carry the whole rule.
        self.tiebreak_order = np.lexsort((self.recognition_id, name_rank))
        self.tiebreak_rank = _ranks(self.tiebreak_order)
        self.id_order = np.argsort(self.recognition_id, kind="stable")
        # int64, as the ids looked up: numpy would otherwise convert the whole column
        # on every lookup to compare them.
        self.sorted_ids = self.recognition_id[self.id_order].astype(np.int64)

    # Typed here, set by `_view_shown`: views of the columns of `shown`.
    recognition_id: Ints32
    n_places: Ints32
    min_age: Ints32
    start_months: Ints32
    languages: Ints32
    hours_pattern: Ints32
    n_employees: Ints32
    interview_at_school: Ints32
    valid_until: Ints32
    available_from: Ints32
    confirmed_day: Ints32
    updated_day: Ints32
    n_free_places: Ints32

    def _view_shown(self) -> None:
        for i, name in enumerate(SHOWN_COLUMNS):
            setattr(self, name, self.shown[:, i])

    def rows_of(self, recognition_ids: npt.ArrayLike) -> Ints:
        """Return the row of each recognition id, -1 where the snapshot has none."""
        ids = np.asarray(recognition_ids, dtype=np.int64).reshape(-1)
        if self.n_rows == 0:
            return np.full(len(ids), -1, dtype=np.int64)
        at = np.minimum(np.searchsorted(self.sorted_ids, ids), self.n_rows - 1)
        found = self.sorted_ids[at] == ids
        return np.where(found, self.id_order[at], -1).astype(np.int64)

    def updated(
        self, workplaces: WorkplaceColumns, removed_ids: npt.ArrayLike = ()
    ) -> tuple["WorkplaceSnapshot", SnapshotChange]:
        """Return a snapshot with `workplaces` replacing (or added to) those of the same
        recognition id and `removed_ids` taken out, and what changed.

        Steps:

        1. Convert the given workplaces as a snapshot of their own would.
        2. Give each its row: its own if the snapshot ever had it (even taken out), else
           a new one at the end. Rows never move, so indexes over them stay valid.
        3. Write the new values into copies of the columns that differ; share the rest.
        4. Mark the removed rows dead: they stay, but leave every index.
        5. Re-rank only the rows whose tie-break key changed or that are new.
        """
        part = WorkplaceSnapshot(workplaces, self.tz)
        new = copy.copy(self)  # shares every array until one is replaced
        codes = list(self.programme_codes)
        index = {code: i for i, code in enumerate(codes)}
        for code in part.programme_codes:
            if code not in index:  # a programme new to the snapshot goes at the end
                index[code] = len(codes)
                codes.append(code)
        new.programme_codes = tuple(codes)
        part_codes = np.array([index[code] for code in part.programme_codes], dtype=np.int32)
        part_programme = part_codes[part.programme] if len(part_codes) else part.programme

        rows = self.rows_of(part.recognition_id)
        is_new = rows < 0
        n_rows = self.n_rows + int(is_new.sum())
        rows[is_new] = np.arange(self.n_rows, n_rows)
        removed = self.rows_of(removed_ids)
        removed = np.setdiff1d(removed[removed >= 0], rows)
        removed = removed[self.is_live[removed]]
        new.n_rows = n_rows

        values = {name: getattr(part, name) for name in _ROW_ARRAYS}
        values["programme"] = part_programme
        for name in _ROW_ARRAYS:
            setattr(new, name, _patched(getattr(self, name), rows, values[name], n_rows))
        new.shown = _patched(self.shown, rows, part.shown, n_rows)
        new._view_shown()
        if len(removed):
            new.is_live = new.is_live.copy() if new.is_live is self.is_live else new.is_live
            new.is_live[removed] = False

        old = rows[~is_new]
        was_live = self.is_live[old]
        moved_in_place = old[
            ~was_live
            | (self.programme[old] != new.programme[old])
            | (self.lat[old] != new.lat[old])
            | (self.lon[old] != new.lon[old])
        ]
        moved = np.concatenate([moved_in_place, rows[is_new], removed])

        renamed = old[self.sort_name[old] != new.sort_name[old]]
        reranked = np.concatenate([renamed, rows[is_new]])
        if len(reranked):
            new.tiebreak_order = _reordered(
                self.tiebreak_order, reranked, new.sort_name, new.recognition_id
            )
            new.tiebreak_rank = _ranks(new.tiebreak_order)
        if is_new.any():
            added = rows[is_new]
            ids = new.recognition_id[added].astype(np.int64)
            by_id = np.argsort(ids, kind="stable")
            at = np.searchsorted(self.sorted_ids, ids[by_id])
            new.id_order = np.insert(self.id_order, at, added[by_id])
            new.sorted_ids = np.insert(self.sorted_ids, at, ids[by_id])
        return new, SnapshotChange(
            rows=np.unique(np.concatenate([rows, removed])), moved=np.unique(moved)
        )

    def nbytes(self) -> int:
        """Return the memory held by the columns, strings included."""
        total = 0
        for value in vars(self).values():
            if isinstance(value, np.ndarray) and value.base is None:  # views count once
                total += value.nbytes
                if value.dtype == object:
                    total += sum(len(s) + 49 for s in set(value.tolist()))
        return total


def local_days(moments_us: Ints, tz: tzinfo) -> Ints32:
    """Return the day ordinal in `tz` of each moment (`NO_DAY` for `NO_MOMENT`).

    The offset from UTC is looked up once per UTC day, not per moment; the rare day on
    which it changes (daylight saving time) is worked out moment by moment. A handful of
    moments (one workplace's page) are worked out one by one: numpy's fixed costs would
    outweigh them.
    """
    if len(moments_us) <= _FEW_MOMENTS:
        return np.array(
            [
                NO_DAY
                if us == NO_MOMENT
                else datetime.fromtimestamp(us // _US_PER_S, tz).toordinal()
                for us in moments_us.tolist()
            ],
            dtype=np.int32,
        )
    days = np.full(len(moments_us), NO_DAY, dtype=np.int32)
    known = moments_us != NO_MOMENT
    seconds = moments_us[known] // _US_PER_S
    utc_days, inverse = np.unique(seconds // _S_PER_DAY, return_inverse=True)
    starts = [int(d) * _S_PER_DAY for d in utc_days.tolist()]
    first = np.array([_offset_s(s, tz) for s in starts], dtype=np.int64)
    last = np.array([_offset_s(s + _S_PER_DAY - 1, tz) for s in starts], dtype=np.int64)
    local = (seconds + first[inverse]) // _S_PER_DAY + EPOCH_ORDINAL
    changing = np.flatnonzero((first != last)[inverse])
    local[changing] = [
        datetime.fromtimestamp(int(s), tz).toordinal() for s in seconds[changing].tolist()
    ]
    days[known] = local
    return days


def _offset_s(timestamp: int, tz: tzinfo) -> int:
    offset = datetime.fromtimestamp(timestamp, tz).utcoffset()
    return 0 if offset is None else int(offset.total_seconds())


def _preference_columns(
    kinds: tuple[IntakePreferences, ...], preference: Ints32
) -> tuple[Ints32, ...]:
    """Encode each distinct preference once, then give every row its kind's codes."""
    table = np.array(
        [
            (
                p.min_age or 0,
                month_mask(p.start_months),
                language_mask(p.languages),
                hours_code(p.hours_pattern),
                p.first_interview_at_school,
            )
            for p in kinds
        ]
        or np.zeros((0, 5)),
        dtype=np.int32,
    ).reshape(-1, 5)
    rows = table[preference]
    return tuple(rows[:, i] for i in range(5))


def _sort_names(names: Objects) -> tuple[Objects, Ints]:
    """Fold each distinct company name once, and rank the folded names (equal ones
    alike): rows of one company share both."""
    distinct: dict[str, int] = {}
    which = np.fromiter(
        (distinct.setdefault(name, len(distinct)) for name in names.tolist()),
        dtype=np.int64,
        count=len(names),
    )
    folded = np.empty(len(distinct), dtype=object)
    folded[:] = [normalize_name(name) for name in distinct]
    _, rank = np.unique(folded, return_inverse=True)  # sorts the distinct names only
    return folded[which], rank.reshape(-1)[which]


def _ranks(order: Ints) -> Ints:
    ranks = np.empty(len(order), dtype=np.int64)
    ranks[order] = np.arange(len(order), dtype=np.int64)
    return ranks


def _reordered(order: Ints, rows: Ints, sort_name: Objects, recognition_id: Ints32) -> Ints:
    """Move `rows` to their place in the tie-break order (by folded name, then id)."""
    kept = order[~np.isin(order, rows)]
    keys = sorted((sort_name[r], int(recognition_id[r]), int(r)) for r in rows.tolist())

    def key(row: np.int64) -> tuple[str, int]:
        return sort_name[row], int(recognition_id[row])

    at = [bisect.bisect_left(kept, (name, rid), key=key) for name, rid, _row in keys]
    return np.insert(kept, at, [row for _name, _rid, row in keys])


def _patched(
    old: npt.NDArray[Any], rows: Ints, values: npt.NDArray[Any], n_rows: int
) -> npt.NDArray[Any]:
    """Return `old` with `values` at `rows`: itself if nothing differs, else a copy."""
    if n_rows > len(old):
        grown = np.empty((n_rows, *old.shape[1:]), dtype=old.dtype)
        grown[: len(old)] = old
        grown[rows] = values
        return grown
    same_nan = old.dtype.kind == "f"
    if np.array_equal(old[rows], values, equal_nan=same_nan):
        return old
    changed = old.copy()
    changed[rows] = values
    return changed
