"""A columnar snapshot of the recognised workplaces, the matcher's whole view of the data."""

from collections.abc import Sequence
from datetime import UTC, datetime, tzinfo

import numpy as np
import numpy.typing as npt

from matcher.geo import normalize_name
from matcher.types import HOURS_PATTERNS, LANGUAGES, WorkplaceRecord

NO_DAY = np.iinfo(np.int32).min  # a missing date, as a day ordinal
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


def language_mask(languages: frozenset[str] | set[str]) -> int:
    """Encode a set of languages as a bit mask."""
    return sum(1 << LANGUAGES.index(code) for code in languages if code in LANGUAGES)


def month_mask(months: frozenset[int] | set[int]) -> int:
    """Encode a set of months (1-12) as a bit mask."""
    return sum(1 << m for m in months if 1 <= m <= 12)


def hours_code(pattern: str | None) -> int:
    """Encode an hours pattern as 1.., with 0 for none."""
    return HOURS_PATTERNS.index(pattern) + 1 if pattern in HOURS_PATTERNS else 0


class WorkplaceSnapshot:
    """Column arrays over workplaces, one row each; rows keep the order given.

    Parameters
    ----------
    records:
        The workplaces; recognitions that are not recognised should not be given (the
        day-dependent validity is checked per query from `valid_until`).
    tz:
        The calendar in which timestamps become days (Europe/Brussels in the app).
    """

    def __init__(self, records: Sequence[WorkplaceRecord], tz: tzinfo = UTC) -> None:
        n = len(records)
        self.n_rows = n
        self.programme_codes: tuple[str, ...] = tuple(sorted({r.programme for r in records}))
        code_index = {code: i for i, code in enumerate(self.programme_codes)}
        strings: dict[str, str] = {}  # one object per distinct postcode or municipality

        def ints(values: object, dtype: type = np.int32) -> npt.NDArray[np.int64]:
            return np.fromiter(values, dtype=dtype, count=n)  # type: ignore[call-overload, no-any-return]

        def day(moment: datetime | None) -> int:
            return moment.astimezone(tz).date().toordinal() if moment else int(NO_DAY)

        self.recognition_id = ints((r.recognition_id for r in records), np.int64)
        self.programme = ints(code_index[r.programme] for r in records)
        self.company_id = ints((r.company_id for r in records), np.int64)
        self.site_id = ints((r.site_id for r in records), np.int64)
        self.company_name = np.array([r.company_name for r in records], dtype=object)
        self.postcode = np.array(
            [strings.setdefault(r.postcode, r.postcode) for r in records], dtype=object
        )
        self.municipality = np.array(
            [strings.setdefault(r.municipality, r.municipality) for r in records], dtype=object
        )
        self.lat = np.fromiter((r.lat for r in records), dtype=np.float64, count=n)
        self.lon = np.fromiter((r.lon for r in records), dtype=np.float64, count=n)
        self.valid_until = ints(r.valid_until.toordinal() for r in records)
        self.n_places = ints(r.n_places for r in records)
        self.n_free_places = ints(r.n_free_places for r in records)
        self.available_from = ints(
            r.available_from.toordinal() if r.available_from else NO_DAY for r in records
        )
        self.confirmed_day = ints(day(r.confirmed_at) for r in records)
        self.confirmed_at = np.fromiter(
            (r.confirmed_at.timestamp() if r.confirmed_at else np.nan for r in records),
            dtype=np.float64,
            count=n,
        )
        self.updated_day = ints(day(r.updated_at) for r in records)
        self.n_employees = ints(-1 if r.n_employees is None else r.n_employees for r in records)
        self.min_age = ints((r.preferences.min_age or 0 for r in records), np.int16)
        self.start_months = ints(
            (month_mask(r.preferences.start_months) for r in records), np.int16
        )
        self.languages = ints((language_mask(r.preferences.languages) for r in records), np.int8)
        self.hours_pattern = ints(
            (hours_code(r.preferences.hours_pattern) for r in records), np.int8
        )
        self.interview_at_school = np.fromiter(
            (r.preferences.first_interview_at_school for r in records), dtype=np.bool_, count=n
        )
        # What a results page shows of a row, in one int32 table (ids stay below 2**31, as
        # in PostgreSQL): a page gathers it in one go. The columns above become views of it,
        # so nothing is stored twice.
        self.shown = np.column_stack([getattr(self, name) for name in SHOWN_COLUMNS]).astype(
            np.int32
        )
        for i, name in enumerate(SHOWN_COLUMNS):
            setattr(self, name, self.shown[:, i])
        # Ties are broken by company name (ignoring case and accents), then by id: one
        # rank per row lets a single integer key carry the whole rule.
        order = sorted(
            range(n),
            key=lambda i: (normalize_name(records[i].company_name), records[i].recognition_id),
        )
        self.tiebreak_rank = np.empty(n, dtype=np.int64)
        self.tiebreak_rank[order] = np.arange(n, dtype=np.int64)

    def nbytes(self) -> int:
        """Return the memory held by the columns, strings included."""
        total = 0
        for value in vars(self).values():
            if isinstance(value, np.ndarray) and value.base is None:  # views count once
                total += value.nbytes
                if value.dtype == object:
                    total += sum(len(s) + 49 for s in set(value.tolist()))
        return total
