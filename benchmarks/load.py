"""Measure the pages and the search API under load, beside a trivial Flask app.

    python -m benchmarks.load [--sites 60000] [--seconds 60] [--connections 64]
                              [--workers 2] [--backend sqlite|postgresql|both]
                              [--dataset demo-60000.sqlite3]

Needs wrk, the HTTP load generator (Debian: `apt-get install wrk`): written in C, on
one event loop, it leaves the cores to the servers it loads.

For each backend it builds a demo of `--sites` sites in a scratch database (SQLite in a
temporary folder, or read from `--dataset` once built there; PostgreSQL in a database
created anew at `--postgresql-url` through the server's "postgres" database, and
dropped after), then serves, with the same
gunicorn settings (`--workers` sync workers on loopback, logs off), the app and a
trivial Flask app (benchmarks/trivial_app.py: one route returning a short text). wrk
then loads one route at a time through `--connections` connections for `--seconds`:

- trivial: the trivial app, first and last; the mean of the two runs is the yardstick,
  since the machine may be busy with other work that comes and goes;
- GET /api/v1/search, /zoeken: `--queries` realistic searches in turn (Flemish
  postcodes, programmes as often as they are recognised, radii of 10-50 km, as
  benchmarks.search.make_queries); /zoeken with the URLs the results page keeps (with
  radius_km), so it never redirects;
- /: the home page;
- /werkplekken/<id>: a workplace of the searched programme, linked as a results page
  links it (with the search's parameters).

Every URL is first asked once and must answer 200; each route then gets `--warm-up`
seconds of untimed load (every worker builds its index and caches), then the timed run.
For each route it prints requests/s, their ratio to the trivial app's, p50 and p99
latency (from sending a request to its answer, waiting in gunicorn's queue included)
and errors (failed connects, reads and writes, timeouts, answers of 400 and over),
against the targets: search API >= 0.4x trivial, /zoeken and / >= 0.25x, p99 <= 100
ms and no errors on every route.

The last line is machine-readable.
"""

import argparse
import http.client
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import numpy as np
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from benchmarks.search import build_dataset, free_port, make_queries
from models import Programme, Recognition
from models.base import Base, today_in_belgium
from models.database import make_engine, upgrade
from models.workplaces import valid_on

DEFAULT_POSTGRESQL_URL = "postgresql://postgres@127.0.0.1:5432/bench_load"
ROUTES = ("trivial", "api_search", "zoeken", "home", "workplace")
# Targets at 64 connections: the ratio to the trivial app, p99, errors.
MIN_RATIO = {"api_search": 0.4, "zoeken": 0.25, "home": 0.25}
MAX_P99_MS = 100.0
WRK_TIMEOUT_S = 10  # an answer slower than this counts as an error (a timeout)

# wrk's script: each thread walks the paths from its own starting point; at the end the
# main thread prints one JSON line with what the run measured.
LUA = """
local paths = {%(paths)s}
local threads = 0
local i = 0
function setup(thread)
  thread:set("start", threads)
  threads = threads + 1
end
function init(args)
  i = (start * 7919) %% #paths
end
function request()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i])
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'LOAD {"requests": %%d, "duration_us": %%d, "p50_us": %%d, "p99_us": %%d, ' ..
    '"connect": %%d, "read": %%d, "write": %%d, "status": %%d, "timeout": %%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect, e.read, e.write, e.status, e.timeout))
end
"""


@dataclass(frozen=True)
class Result:
    route: str
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int


def wrk_path() -> str:
    """Return wrk's path, or stop with how to install it."""
    path = shutil.which("wrk")
    if path is None:
        sys.exit("benchmarks.load needs wrk: `apt-get install wrk` (Debian, Ubuntu)")
    return path


def copy_dataset(source_url: str, target_url: str) -> None:
    """Copy every row of the built SQLite dataset into the freshly migrated PostgreSQL one.

    Building the demo in PostgreSQL directly takes a quarter of an hour at 60,000 sites
    (row by row, a round trip each); copying takes a minute, and both backends then serve
    the same rows.
    """
    source, target = make_engine(source_url), make_engine(target_url)
    upgrade(target)
    tables = [t for t in Base.metadata.sorted_tables if t.name != "alembic_version"]
    with source.connect() as read, target.begin() as write:
        # No foreign key checks nor data-version triggers while copying rows that are
        # consistent already; the version moves once, at the end.
        write.execute(text("SET LOCAL session_replication_role = replica"))
        for table in tables:
            write.execute(table.delete())
            rows = read.execute(select(table)).mappings()
            while batch := rows.fetchmany(5000):
                write.execute(table.insert(), [dict(r) for r in batch])
            keys = list(table.primary_key.columns)
            key = keys[0]
            if len(keys) == 1 and key.type.python_type is int:  # next id after the copied ones
                # Names from our own metadata, not from input.
                setval = (
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', '{key.name}'), "  # noqa: S608
                    f"coalesce(max({key.name}), 0) + 1, false) FROM {table.name}"
                )
                write.execute(text(setval))
        write.execute(text("UPDATE data_version SET version = version + 1"))
    with target.connect() as connection:
        # The planner's statistics, as a restored database gets them: without, it plans
        # the search index's bulk read for empty tables.
        connection.execute(text("ANALYZE"))
    source.dispose()
    target.dispose()


def copy_sqlite(source: Path, target: Path) -> None:
    """Copy a SQLite database whole, whatever its write-ahead log still holds."""
    with closing(sqlite3.connect(source)) as read, closing(sqlite3.connect(target)) as write:
        read.backup(write)


@contextmanager
def postgresql_database(url: str) -> Iterator[str]:
    """Create the database of `url` anew through the server's "postgres" database; drop it after."""
    import psycopg
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    name = str(conninfo_to_dict(url)["dbname"])
    if name in ("test", "postgres", "template0", "template1"):
        sys.exit(f"refusing to use the database {name!r}: give one of the benchmark's own")
    admin = make_conninfo(url, dbname="postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def make_paths(url: str, n: int, seed: int) -> dict[str, list[str]]:
    """The URLs each route is loaded with, in the order they are asked."""
    engine = make_engine(url)
    rng = np.random.default_rng(seed)
    with Session(engine) as session:
        queries = make_queries(session, n, seed)
        by_programme: dict[str, list[int]] = {}
        for code, recognition_id in session.execute(
            select(Programme.code, Recognition.id)
            .join(Recognition, Recognition.programme_id == Programme.id)
            .where(valid_on(today_in_belgium()))
            .order_by(Recognition.id)
        ):
            by_programme.setdefault(code, []).append(recognition_id)
    engine.dispose()
    searches = [
        urlencode(
            {"programme": q.programme, "postcode": q.postcode, "radius_km": f"{q.radius_km:g}"}
        )
        for q in queries
    ]
    workplaces = []
    for q, search in zip(queries, searches, strict=True):
        ids = by_programme[q.programme]
        workplaces.append(f"/werkplekken/{ids[int(rng.integers(len(ids)))]}?{search}")
    return {
        "trivial": ["/"],
        "api_search": [f"/api/v1/search?{s}" for s in searches],
        "zoeken": [f"/zoeken?{s}" for s in searches],
        "home": ["/"],
        "workplace": workplaces,
    }


@contextmanager
def gunicorn(target: str, workers: int, env: dict[str, str]) -> Iterator[int]:
    """Serve the WSGI app `target` with gunicorn on loopback; yield its port."""
    port = free_port()
    server = subprocess.Popen(  # noqa: S603 (a fixed argument list, no shell)
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
            # The first request of each worker builds its search index, which can take
            # longer than gunicorn's default 30 s on a busy machine: not a hang.
            "--timeout",
            "300",
            target,
        ],
        env={**os.environ, **env},
        cwd=Path(__file__).parent.parent,
    )
    try:
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


def get(port: int, path: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def wait_until_serving(port: int, path: str) -> None:
    deadline = time.monotonic() + 180
    while True:
        try:
            get(port, path)
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def check_answers(port: int, paths: list[str]) -> None:
    """Stop unless every URL answers 200 (a redirect would measure another page).

    A 503 is a worker still building its search index (it builds in the background and
    answers "try again" meanwhile): asked again until it is ready, for up to 5 minutes.
    """
    deadline = time.monotonic() + 300
    for path in paths:
        status, body = get(port, path)
        while status == 503 and time.monotonic() < deadline:
            time.sleep(1)
            status, body = get(port, path)
        if status != 200:
            sys.exit(f"GET {path} answered {status}: {body[:300]!r}")


def run_wrk(
    port: int, route: str, paths: list[str], args: argparse.Namespace, seconds: int
) -> Result:
    """Load `paths` for `seconds`; return what wrk measured."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA % {"paths": ", ".join(json.dumps(p) for p in paths)})
    try:
        done = subprocess.run(  # noqa: S603 (a fixed argument list, no shell)
            [
                wrk_path(),
                "--threads",
                str(args.threads),
                "--connections",
                str(args.connections),
                "--duration",
                f"{seconds}s",
                "--timeout",
                f"{WRK_TIMEOUT_S}s",
                "--script",
                script.name,
                f"http://127.0.0.1:{port}",
            ],
            capture_output=True,
            text=True,
            check=True,
        )
    finally:
        os.unlink(script.name)
    line = next(x for x in done.stdout.splitlines() if x.startswith("LOAD "))
    figures = json.loads(line.removeprefix("LOAD "))
    errors = sum(figures[k] for k in ("connect", "read", "write", "status", "timeout"))
    return Result(
        route=route,
        rps=figures["requests"] / (figures["duration_us"] / 1e6),
        p50_ms=figures["p50_us"] / 1000,
        p99_ms=figures["p99_us"] / 1000,
        errors=errors,
    )


def measure(
    port: int, route: str, paths: list[str], args: argparse.Namespace, idle_path: str
) -> Result:
    """Load a route untimed for the warm-up, then timed; wait until the server is idle."""
    if args.warm_up:
        run_wrk(port, route, paths, args, args.warm_up)
    result = run_wrk(port, route, paths, args, args.seconds)
    # Requests wrk gave up on still wait in gunicorn's queue: the next route would pay
    # for them. A request joins the queue behind them and is answered when they are.
    get(port, idle_path)
    return result


def bench_backend(
    url: str, paths: dict[str, list[str]], args: argparse.Namespace
) -> dict[str, Result]:
    """Serve the dataset at `url` and the trivial app; load every route."""
    routes = [r for r in args.routes if r != "trivial"]
    app_env = {"DATABASE_URL": url, "SECRET_KEY": "benchmark", "DUAAL_ENV": "production"}
    results: dict[str, Result] = {}
    with (
        gunicorn("benchmarks.trivial_app:app", args.workers, {}) as trivial_port,
        gunicorn("web:create_app()", args.workers, app_env) as app_port,
    ):
        wait_until_serving(trivial_port, "/")
        wait_until_serving(app_port, paths["api_search"][0])
        check_answers(trivial_port, paths["trivial"])
        for route in routes:
            check_answers(app_port, paths[route])
        before = measure(trivial_port, "trivial", paths["trivial"], args, "/")
        print_row(before, None, "trivial (first)")
        for route in routes:
            results[route] = measure(app_port, route, paths[route], args, "/favicon.ico")
            print_row(results[route], before.rps, route)
        after = measure(trivial_port, "trivial", paths["trivial"], args, "/")
        print_row(after, None, "trivial (last)")
    results["trivial"] = Result(
        "trivial",
        (before.rps + after.rps) / 2,
        (before.p50_ms + after.p50_ms) / 2,
        max(before.p99_ms, after.p99_ms),
        before.errors + after.errors,
    )
    return results


LABELS = {
    "trivial": "trivial Flask app (mean)",
    "api_search": "GET /api/v1/search",
    "zoeken": "GET /zoeken",
    "home": "GET /",
    "workplace": "GET /werkplekken/<id>",
}


def meets(result: Result, trivial_rps: float) -> bool:
    ratio_ok = result.rps / trivial_rps >= MIN_RATIO.get(result.route, 0.0)
    return ratio_ok and result.p99_ms <= MAX_P99_MS and result.errors == 0


def print_row(result: Result, trivial_rps: float | None, label: str) -> None:
    ratio = f"{result.rps / trivial_rps:.2f}x" if trivial_rps else "-"
    print(
        f"  {label:<28} {result.rps:8.0f} req/s {ratio:>6}  p50 {result.p50_ms:7.1f} ms  "
        f"p99 {result.p99_ms:7.1f} ms  errors {result.errors}",
        flush=True,
    )


def print_table(backend: str, results: dict[str, Result]) -> None:
    trivial = results["trivial"].rps
    print(f"\n{backend}:")
    print(
        f"  {'route':<26} {'req/s':>8} {'ratio':>6} {'target':>7} {'p50 ms':>8} "
        f"{'p99 ms':>8} {'errors':>7}  met"
    )
    for route in ROUTES:
        if route not in results:
            continue
        r = results[route]
        target = f">={MIN_RATIO[route]:.2f}" if route in MIN_RATIO else "-"
        print(
            f"  {LABELS[route]:<26} {r.rps:8.0f} {r.rps / trivial:5.2f}x {target:>7} "
            f"{r.p50_ms:8.1f} {r.p99_ms:8.1f} {r.errors:7d}  "
            f"{'-' if route == 'trivial' else 'yes' if meets(r, trivial) else 'NO'}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=60_000)
    parser.add_argument("--seconds", type=int, default=60, help="timed load per route")
    parser.add_argument("--warm-up", type=int, default=10, help="untimed load per route, s")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers of both apps")
    parser.add_argument("--threads", type=int, default=1, help="wrk's threads")
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="sqlite")
    parser.add_argument("--postgresql-url", default=DEFAULT_POSTGRESQL_URL)
    parser.add_argument("--queries", type=int, default=200, help="distinct searches in turn")
    parser.add_argument(
        "--routes",
        type=lambda s: [r.strip() for r in s.split(",")],
        default=list(ROUTES),
        help=f"comma-separated, of {','.join(ROUTES)}",
    )
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--dataset",
        type=Path,
        help="a SQLite file to keep the built demo in, and to read it from on later runs "
        "instead of building it again (a quarter of an hour at 60,000 sites)",
    )
    args = parser.parse_args()
    unknown = set(args.routes) - set(ROUTES)
    if unknown:
        parser.error(f"unknown routes: {', '.join(sorted(unknown))}")
    wrk_path()

    print(
        f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}; "
        f"gunicorn --workers {args.workers}; wrk --connections {args.connections} "
        f"--threads {args.threads}, {args.seconds} s per route after {args.warm_up} s warm-up"
    )
    backends = ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
    measured: dict[str, dict[str, Result]] = {}
    with tempfile.TemporaryDirectory() as scratch:
        sqlite_path = Path(scratch) / "load.sqlite3"
        sqlite_url = f"sqlite:///{sqlite_path}"
        if args.dataset is not None and args.dataset.exists():
            copy_sqlite(args.dataset, sqlite_path)
            print(f"dataset read from {args.dataset} (--sites and --seed as when it was built)")
        else:
            start = time.perf_counter()
            build_dataset(sqlite_url, args.sites, args.seed, today_in_belgium())
            print(f"dataset built in {time.perf_counter() - start:.0f} s")
            if args.dataset is not None:
                copy_sqlite(sqlite_path, args.dataset)
        paths = make_paths(sqlite_url, args.queries, args.seed)
        for backend in backends:
            print(f"\n{backend}:")
            if backend == "sqlite":
                measured[backend] = bench_backend(sqlite_url, paths, args)
                continue
            with postgresql_database(args.postgresql_url) as url:
                start = time.perf_counter()
                copy_dataset(sqlite_url, url)
                print(f"dataset copied in {time.perf_counter() - start:.0f} s")
                measured[backend] = bench_backend(url, paths, args)
    for backend, results in measured.items():
        print_table(backend, results)

    fields = [
        f"sites={args.sites}",
        f"connections={args.connections}",
        f"workers={args.workers}",
        f"seconds={args.seconds}",
    ]
    all_met = True
    for backend, results in measured.items():
        trivial = results["trivial"].rps
        fields.append(f"{backend}_trivial_rps={trivial:.0f}")
        for route in ROUTES[1:]:
            if route in results:
                r = results[route]
                all_met &= meets(r, trivial)
                fields += [
                    f"{backend}_{route}_ratio={r.rps / trivial:.3f}",
                    f"{backend}_{route}_p50_ms={r.p50_ms:.1f}",
                    f"{backend}_{route}_p99_ms={r.p99_ms:.1f}",
                    f"{backend}_{route}_errors={r.errors}",
                ]
    print(f"load: {' '.join(fields)} targets_met={'yes' if all_met else 'no'}")


if __name__ == "__main__":
    main()
