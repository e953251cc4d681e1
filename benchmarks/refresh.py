"""Measure the nightly job refresh-availability on SQLite and on PostgreSQL.

    python -m benchmarks.refresh [--recognitions 100000] [--seed 1]
                                 [--postgres-url postgresql://postgres@127.0.0.1:5432/bench_refresh]

Per backend, builds the app on a scratch database (SQLite: a temporary file;
PostgreSQL: the database named in --postgres-url, created anew and dropped afterwards
through the server's "postgres" database), migrates it, loads the reference data and
seeds the demo sized to about `--recognitions` recognitions (not timed). Then times
`run_job(app, "refresh-availability")`, the real path with its run log and lock, at
02:30 Belgian time:

(1) the first run, 200 days after the demo's day: recognitions expire, mentors miss
    their training deadline, reminders are queued;
(2) a second run on the same day, which should change nothing;
(3) a run on the next day.

Each run also reports the time spent in SQL and its slowest statements. PostgreSQL is skipped with a
message if it does not answer. The last line is machine-readable.
"""

import argparse
import os
import re
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import Engine, event, func, make_url, select, text
from sqlalchemy.exc import OperationalError

from models import Recognition
from models.base import BELGIUM, today_in_belgium
from models.database import make_engine, upgrade
from models.reference_data import sync_reference_data
from web import create_app
from web.db import get_db, get_session, unit_of_work
from web.demo.generator import DemoSize, seed_demo
from web.jobs import run_job

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/bench_refresh"
JOB = "refresh-availability"
RECOGNITIONS_PER_SITE = 2.9  # what the demo gives on average
FIRST_RUN_AFTER_DAYS = 200  # late enough for every kind of flag to change
RUN_AT = clock_time(2, 30)  # when the clock process starts the job
# Never the test suite's database, nor the ones the server needs.
PROTECTED_DATABASES = {"test", "postgres", "template0", "template1"}


@dataclass
class Run:
    label: str
    day: date
    seconds: float
    counts: dict[str, int]
    version_moves: int  # how far data_version moved: every web process rebuilds if it did
    sql_seconds: float  # of `seconds`, in executing statements (not in fetching rows)
    n_statements: int
    slowest: list[tuple[float, str]] = field(default_factory=list)

    @property
    def changes(self) -> int:
        return sum(v for k, v in self.counts.items() if k != "unreachable")


@dataclass
class Result:
    backend: str
    recognitions: int
    seed_seconds: float
    runs: list[Run]


def app_for(url: str) -> Flask:
    return create_app(
        {
            "DUAAL_ENV": "test",
            "SECRET_KEY": "bench",
            "DATABASE_URL": url,
            "SEARCH_BACKGROUND_REBUILD": False,
        }
    )


def build_dataset(app: Flask, n_recognitions: int, seed: int, day: date) -> tuple[int, float]:
    """Migrate, load the reference data and seed the demo; return (recognitions, seconds)."""
    with app.app_context():
        engine = get_db().engine
        upgrade(engine)
        session = get_session()
        with unit_of_work(session):
            sync_reference_data(session)
        n_sites = max(1, round(n_recognitions / RECOGNITIONS_PER_SITE))
        start = time.perf_counter()
        with unit_of_work(session):
            summary = seed_demo(session, DemoSize(n_sites=n_sites, n_students=0), seed, day)
        seconds = time.perf_counter() - start
        print(f"  {summary.describe()}")
        if engine.dialect.name == "postgresql":
            # A database that has been running for a while has its statistics, kept by
            # autovacuum; a freshly loaded one may not have them yet.
            with unit_of_work(session):
                session.execute(text("ANALYZE"))
        count = session.scalar(select(func.count()).select_from(Recognition)) or 0
    return count, seconds


@contextmanager
def statement_times(engine: Engine) -> Iterator[list[tuple[float, str]]]:
    """Collect (seconds, SQL) of every statement the engine sends meanwhile."""
    times: list[tuple[float, str]] = []

    def before(conn: Any, _cursor: Any, _statement: str, *_args: Any) -> None:
        conn.info.setdefault("bench_started", []).append(time.perf_counter())

    def after(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        started = conn.info["bench_started"].pop()
        times.append((time.perf_counter() - started, statement))

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    try:
        yield times
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)


def data_version(app: Flask) -> int:
    with app.app_context():
        session = get_session()
        version = session.scalar(text("SELECT version FROM data_version WHERE id = 1"))
        session.rollback()
    return int(version or 0)


def timed_run(app: Flask, label: str, day: date, slowest: int) -> Run:
    now = datetime.combine(day, RUN_AT, BELGIUM)
    version = data_version(app)
    with app.app_context():
        engine = get_db().engine
    with statement_times(engine) as statements:
        start = time.perf_counter()
        run = run_job(app, JOB, "hand", now=now)
        seconds = time.perf_counter() - start
    if run.status != "succeeded":
        sys.exit(f"{JOB} {label}: {run.status}: {run.error}")
    top = sorted(statements, key=lambda s: s[0], reverse=True)[:slowest]
    sql_seconds = sum(s for s, _sql in statements)
    moves = data_version(app) - version
    return Run(label, day, seconds, dict(run.counts), moves, sql_seconds, len(statements), top)


def bench(backend: str, url: str, args: argparse.Namespace, day: date) -> Result:
    app = app_for(url)
    try:
        recognitions, seed_seconds = build_dataset(app, args.recognitions, args.seed, day)
        print(f"  {recognitions} recognitions seeded in {seed_seconds:.1f} s (not timed)")
        first_day = day + timedelta(days=FIRST_RUN_AFTER_DAYS)
        runs = []
        for label, run_day in (
            ("first", first_day),
            ("again", first_day),
            ("next day", first_day + timedelta(days=1)),
        ):
            run = timed_run(app, label, run_day, args.slowest)
            runs.append(run)
            report(run)
        return Result(backend, recognitions, seed_seconds, runs)
    finally:
        with app.app_context():
            get_db().engine.dispose()


def report(run: Run) -> None:
    counts = ", ".join(f"{k} {v}" for k, v in run.counts.items())
    print(
        f"  {run.label} run ({run.day.isoformat()}): {run.seconds:.3f} s "
        f"(SQL {run.sql_seconds:.3f} s in {run.n_statements} statements); {counts}; "
        f"data_version +{run.version_moves}"
    )
    for seconds, statement in run.slowest:
        sql = " ".join(statement.split())
        print(f"    {seconds:.3f} s  {sql[:150]}{'...' if len(sql) > 150 else ''}")


def scratch_postgres(url: str) -> tuple[Engine, str] | None:
    """Create the scratch database anew; return its admin engine and name, or None."""
    parsed = make_url(url)
    name = parsed.database or ""
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) or name in PROTECTED_DATABASES:
        sys.exit(f"--postgres-url: {name!r} is not a scratch database name this may drop")
    admin = make_engine(
        parsed.set(database="postgres").render_as_string(hide_password=False),
        isolation_level="AUTOCOMMIT",
        connect_args={"connect_timeout": 3},
    )
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as error:
        admin.dispose()
        print(f"  PostgreSQL does not answer at --postgres-url: {error.orig}; skipped")
        return None
    return admin, name


def drop_postgres(admin: Engine, name: str) -> None:
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--recognitions", type=int, default=100_000, help="about this many (the demo decides)"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL)
    parser.add_argument(
        "--slowest", type=int, default=3, help="list this many slowest statements per run"
    )
    args = parser.parse_args()

    day = today_in_belgium()
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    print(f"demo day {day.isoformat()}; job runs at {RUN_AT:%H:%M} Belgian time")
    results: dict[str, Result] = {}

    print("sqlite (temporary file):")
    with tempfile.TemporaryDirectory() as scratch:
        url = f"sqlite:///{Path(scratch) / 'bench.sqlite3'}"
        results["sqlite"] = bench("sqlite", url, args, day)

    print(f"postgresql ({make_url(args.postgres_url).render_as_string(hide_password=True)}):")
    scratch_db = scratch_postgres(args.postgres_url)
    if scratch_db is not None:
        try:
            results["postgresql"] = bench("postgresql", args.postgres_url, args, day)
        finally:
            drop_postgres(*scratch_db)

    if len(results) == 2:
        same = all(
            a.counts == b.counts
            for a, b in zip(results["sqlite"].runs, results["postgresql"].runs, strict=True)
        )
        print(f"same counts on both backends: {'yes' if same else 'NO'}")
    for result in results.values():
        again = result.runs[1]
        if again.changes or again.version_moves:
            print(f"{result.backend}: the second run on the same day changed something")

    fields = [f"recognitions={next(iter(results.values())).recognitions}"]
    for backend in ("sqlite", "postgresql"):
        result = results.get(backend)
        for key, index in (("first", 0), ("again", 1), ("next_day", 2)):
            value = f"{result.runs[index].seconds:.3f}" if result else "na"
            fields.append(f"{backend}_{key}_s={value}")
    print("refresh: " + " ".join(fields))


if __name__ == "__main__":
    main()
