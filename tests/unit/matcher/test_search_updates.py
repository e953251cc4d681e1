"""An engine updated row by row ranks exactly as one fitted afresh on the same data."""

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from matcher import SearchEngine, SearchQuery, SearchResult, WorkplaceRecord, WorkplaceSnapshot
from matcher.snapshot import NO_DAY, WorkplaceColumns, local_days, moment_us
from models.rules import STALE_AFTER_DAYS, UNCONFIRMED_AFTER_DAYS
from tests.unit.matcher.strategies import (
    COMPANY_NAMES,
    moment,
    search_queries,
    workplace_records,
)
from tests.unit.matcher.test_search import shown

BRUSSELS = ZoneInfo("Europe/Brussels")
NEW_PROGRAMME = "bakker-duaal"  # one no initial workplace has
# What a change may rewrite of a workplace, drawn from another generated workplace.
FIELDS = (
    ("n_places", "n_free_places"),
    ("confirmed_at",),
    ("updated_at",),
    ("available_from",),
    ("valid_until",),
    ("preferences",),
    ("company_name",),
    ("lat", "lon"),
    ("programme",),
    ("n_employees",),
)


@dataclass(frozen=True)
class Step:
    """One change: workplaces written (new or replacing their id's) and ids taken out."""

    upserts: tuple[WorkplaceRecord, ...]
    removed: tuple[int, ...]


def new_engine() -> SearchEngine:
    return SearchEngine(
        stale_after_days=STALE_AFTER_DAYS, unconfirmed_after_days=UNCONFIRMED_AFTER_DAYS
    )


@st.composite
def histories(draw: st.DrawFn) -> tuple[list[WorkplaceRecord], list[Step]]:
    """Workplaces, then a few changes of every kind: places, names, moves, programmes,
    removals, new workplaces and removed ones coming back."""
    records = draw(workplace_records(max_size=30))
    current = {r.recognition_id: r for r in records}
    gone: dict[int, WorkplaceRecord] = {}
    next_id = max(current, default=0) + 1
    steps = []
    for _ in range(draw(st.integers(1, 5))):
        upserts: dict[int, WorkplaceRecord] = {}
        removed: set[int] = set()
        donors = draw(workplace_records(max_size=6))
        for donor in donors:
            kind = draw(st.sampled_from(("change", "change", "add", "remove", "back", "rename")))
            if kind == "change" and current:
                rid = draw(st.sampled_from(sorted(current)))
                fields = draw(st.sampled_from(FIELDS))
                changed = replace(current[rid], **{f: getattr(donor, f) for f in fields})
                if draw(st.integers(0, 9)) == 0:
                    changed = replace(changed, programme=NEW_PROGRAMME)
                upserts[rid] = current[rid] = changed
                removed.discard(rid)
            elif kind == "remove" and current:
                rid = draw(st.sampled_from(sorted(current)))
                gone[rid] = current.pop(rid)
                upserts.pop(rid, None)
                removed.add(rid)
            elif kind == "back" and gone:
                rid = draw(st.sampled_from(sorted(gone)))
                upserts[rid] = current[rid] = replace(gone.pop(rid), n_free_places=0)
                removed.discard(rid)
            elif kind == "rename" and current:
                # A company renamed: every one of its workplaces changes at once.
                company = current[draw(st.sampled_from(sorted(current)))].company_id
                name = draw(st.sampled_from(COMPANY_NAMES))
                for rid, record in list(current.items()):
                    if record.company_id == company:
                        upserts[rid] = current[rid] = replace(record, company_name=name)
                        removed.discard(rid)
            else:
                upserts[next_id] = current[next_id] = replace(donor, recognition_id=next_id)
                next_id += 1
        steps.append(Step(tuple(upserts.values()), tuple(sorted(removed))))
    return records, steps


def replay(records: list[WorkplaceRecord], steps: list[Step]) -> list[WorkplaceRecord]:
    current = {r.recognition_id: r for r in records}
    for step in steps:
        for rid in step.removed:
            current.pop(rid, None)
        current.update((r.recognition_id, r) for r in step.upserts)
    return list(current.values())


def seen(engine: SearchEngine, result: SearchResult) -> tuple[object, ...]:
    """What a page shows: the matches, and the columns the web layer reads per row."""
    snap = engine.snapshot_
    rows = [m.row for m in result.matches]
    columns = tuple(
        (
            snap.programme_codes[snap.programme[row]],
            int(snap.company_id[row]),
            snap.company_name[row],
            int(snap.site_id[row]),
            snap.postcode[row],
            snap.municipality[row],
            float(snap.lat[row]),
            float(snap.lon[row]),
            int(snap.n_free_places[row]),
            repr(float(snap.confirmed_at[row])),
        )
        for row in rows
    )
    return (
        result.total,
        result.radius_km,
        result.widened,
        tuple(shown(m) for m in result.matches),
        columns,
    )


@st.composite
def queries_after(draw: st.DrawFn, records: list[WorkplaceRecord], n: int = 6) -> list[SearchQuery]:
    queries = [draw(search_queries(records)) for _ in range(n)]
    if draw(st.booleans()):  # a programme whose last workplace may have gone
        queries.append(replace(queries[0], programme=NEW_PROGRAMME, widen=True))
    return queries


@given(histories(), st.data())
def test_an_updated_engine_ranks_as_a_fresh_one(
    history: tuple[list[WorkplaceRecord], list[Step]], data: st.DataObject
) -> None:
    records, steps = history
    tz = data.draw(st.sampled_from((UTC, BRUSSELS)))
    engine = new_engine().fit(WorkplaceSnapshot(records, tz=tz))
    for step in steps:
        # Work out a day's columns first, sometimes, so that the update carries them on.
        if data.draw(st.booleans()):
            engine.search(data.draw(search_queries(records)))
        columns = WorkplaceColumns.from_records(list(step.upserts))
        engine = engine.updated(columns, np.array(step.removed, dtype=np.int64))
    final = replay(records, steps)
    fresh = new_engine().fit(WorkplaceSnapshot(final, tz=tz))
    for query in data.draw(queries_after(final)):
        assert seen(engine, engine.search(query)) == seen(fresh, fresh.search(query))
    assert engine.nbytes() >= engine.snapshot_.nbytes()


@given(histories(), st.data())
def test_updating_leaves_the_engine_in_use_unchanged(
    history: tuple[list[WorkplaceRecord], list[Step]], data: st.DataObject
) -> None:
    records, steps = history
    engine = new_engine().fit(WorkplaceSnapshot(records, tz=BRUSSELS))
    queries = data.draw(queries_after(records))
    before = [seen(engine, engine.search(q)) for q in queries]
    for step in steps:
        engine.updated(WorkplaceColumns.from_records(list(step.upserts)), list(step.removed))
    assert [seen(engine, engine.search(q)) for q in queries] == before


def test_local_days_follow_the_calendar_across_daylight_saving_time() -> None:
    # Brussels moved its clocks on 29 March and 25 October 2026, at 01:00 UTC: late that
    # evening (UTC) it is the next day there in spring, still the same day in autumn.
    moments: list[datetime | None] = [moment(offset) for offset in range(-400, 400, 3)]
    for day in (date(2026, 3, 29), date(2026, 10, 25)):
        start = datetime.combine(day, time(), tzinfo=UTC)
        moments += [start + timedelta(minutes=m) for m in (0, 59, 60, 61, 22 * 60 + 30)]
    moments.append(None)
    expected = [NO_DAY if m is None else m.astimezone(BRUSSELS).date().toordinal() for m in moments]
    us = np.array([moment_us(m) for m in moments], dtype=np.int64)
    assert local_days(us, BRUSSELS).tolist() == expected
    # A few moments at a time (a workplace's page) are worked out one by one, alike.
    assert [local_days(us[i : i + 3], BRUSSELS).tolist() for i in range(0, len(us), 3)] == [
        expected[i : i + 3] for i in range(0, len(us), 3)
    ]
    assert date(2026, 3, 30).toordinal() in expected  # 22:30 UTC on the 29th
    in_utc = [NO_DAY if m is None else m.date().toordinal() for m in moments]
    assert local_days(us, UTC).tolist() == in_utc
