"""Measure search: the engine, the HTTP endpoint, a naive loop and PostGIS.

    python -m benchmarks.search [--sites 100000] [--queries 300]

Builds a demo of `--sites` sites (about 3 recognitions each) in a scratch SQLite
database, then times realistic queries (Flemish postcodes, real programmes, radii of
10-50 km, only available places, top 20):

(a) the engine in-process, full scoring and explanations included;
(b) GET /api/v1/search through gunicorn over loopback;
(c) the obvious naive way: the programme's available recognitions through SQLAlchemy,
    geopy's geodesic per row in Python, sort;
(d) PostgreSQL with PostGIS: one GiST index on (programme, location) over the
    available recognitions, ST_DWithin + ORDER BY location <-> origin LIMIT 20; only
    when a PostgreSQL with PostGIS answers at --postgis-url, else "na".

Each method first answers 100 other queries untimed, as a server that has been running
has (the naive loop 5: it caches nothing), then the same timed queries; the speedup
compares the naive loop and the engine on the same queries.

The last line is machine-readable.
"""

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
from geopy.distance import geodesic
from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher import SearchQuery
from models import Programme, Recognition, Site
from models.base import today_in_belgium
from models.database import make_engine, unit_of_work, upgrade
from models.reference import Postcode
from models.reference_data import sync_reference_data
from models.workplaces import available_on
from web.demo.generator import DemoSize, seed_demo
from web.services.search import build_index_state
from web.settings import SearchSettings

DEFAULT_POSTGIS_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


@dataclass(frozen=True)
class Query:
    programme: str
    programme_id: int
    postcode: str
    lat: float
    lon: float
    radius_km: float


def build_dataset(url: str, n_sites: int, seed: int, day: date) -> None:
    engine = make_engine(url)
    upgrade(engine)
    with Session(engine) as session, unit_of_work(session):
        sync_reference_data(session)
        summary = seed_demo(session, DemoSize(n_sites=n_sites, n_students=0), seed, day)
    engine.dispose()
    print(summary.describe())


def make_queries(session: Session, n: int, seed: int) -> list[Query]:
    """Flemish postcodes, programmes as often as they are recognised, radii 10-50 km."""
    rng = np.random.default_rng(seed)
    places = session.scalars(
        select(Postcode).where(Postcode.region == "flanders").order_by(Postcode.postcode)
    ).all()
    programmes = session.execute(
        select(Programme.code, Programme.id, Recognition.id)
        .join(Recognition, Recognition.programme_id == Programme.id)
        .where(available_on(today_in_belgium()))
    ).all()
    queries = []
    for _ in range(n):
        place = places[int(rng.integers(len(places)))]
        code, programme_id, _rid = programmes[int(rng.integers(len(programmes)))]
        queries.append(
            Query(
                code,
                programme_id,
                place.postcode,
                place.lat,
                place.lon,
                float(rng.integers(10, 51)),
            )
        )
    return queries


WARM_UP = 100  # a running server has answered requests before; these are not timed


def timed(
    run: Callable[[Query], object], queries: list[Query], warm_up: int = WARM_UP
) -> list[float]:
    """Return milliseconds per query of `queries[WARM_UP:]`, after `warm_up` untimed ones.

    Every method is timed on the same queries; the warm-up queries are other ones.
    """
    for q in queries[WARM_UP - warm_up : WARM_UP]:
        run(q)
    times = []
    for q in queries[WARM_UP:]:
        start = time.perf_counter_ns()
        run(q)
        times.append((time.perf_counter_ns() - start) / 1e6)
    return times


def percentile(values: list[float], p: float) -> float:
    return float(np.percentile(values, p))


def bench_engine(session: Session, queries: list[Query], day: date) -> tuple[list[float], str]:
    tracemalloc.start()
    state = build_index_state(session, 0, SearchSettings())
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    engine = state.engine

    def run(q: Query) -> object:
        return engine.search(
            SearchQuery(
                programme=q.programme,
                lat=q.lat,
                lon=q.lon,
                day=day,
                radius_km=q.radius_km,
            )
        )

    times = timed(run, queries)
    spatial_mb = (engine.index_.nbytes() + engine.offering_index_.nbytes()) / 2**20
    memory = (
        f"index memory: {engine.snapshot_.n_rows} recognitions; spatial indexes "
        f"{spatial_mb:.1f} MB, everything the engine holds {engine.nbytes() / 2**20:.1f} MB "
        f"(peak while building from the database {peak / 2**20:.0f} MB)"
    )
    return times, memory


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def gunicorn(url: str, workers: int = 1) -> Iterator[int]:
    """Serve the app over `url`'s database with gunicorn on loopback; yield its port."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "benchmark", "DUAAL_ENV": "production"}
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
            "web:create_app()",
        ],
        env=env,
    )
    try:
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


def bench_http(url: str, queries: list[Query]) -> list[float]:
    with gunicorn(url) as port:
        first = f"/api/v1/search?programme={queries[0].programme}&postcode={queries[0].postcode}"
        deadline = time.monotonic() + 120
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                conn.request("GET", first)
                if conn.getresponse().status == 200:
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

        def run(q: Query) -> object:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request(
                "GET",
                f"/api/v1/search?programme={q.programme}&postcode={q.postcode}"
                f"&radius_km={q.radius_km:g}",
            )
            response = conn.getresponse()
            body = response.read()
            assert response.status == 200, body
            conn.close()
            return json.loads(body)

        return timed(run, queries)


def bench_naive(session: Session, queries: list[Query]) -> list[float]:
    """Time the obvious way (it needs no long warm-up: nothing in it is cached)."""

    def run(q: Query) -> object:
        rows = session.execute(
            select(Recognition.id, Site.lat, Site.lon)
            .join(Site, Site.id == Recognition.site_id)
            .where(Recognition.programme_id == q.programme_id, available_on(today_in_belgium()))
        ).all()
        hits = []
        for rid, lat, lon in rows:
            d = geodesic((q.lat, q.lon), (lat, lon)).km
            if d <= q.radius_km:
                hits.append((d, rid))
        hits.sort()
        return hits[:20]

    return timed(run, queries, warm_up=5)


def bench_postgis(session: Session, queries: list[Query], admin_url: str) -> list[float] | None:
    """Copy the available workplaces into PostGIS and time its nearest-20 answer."""
    import psycopg

    try:
        admin = psycopg.connect(admin_url, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError:
        return None
    with admin:
        if (
            admin.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'").fetchone()
            is None
        ):
            return None
        admin.execute("DROP DATABASE IF EXISTS bench_postgis WITH (FORCE)")
        admin.execute("CREATE DATABASE bench_postgis")
    url = psycopg.conninfo.make_conninfo(admin_url, dbname="bench_postgis")
    rows = session.execute(
        select(Recognition.id, Recognition.programme_id, Site.lon, Site.lat)
        .join(Site, Site.id == Recognition.site_id)
        .where(available_on(today_in_belgium()))
    ).all()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION postgis")
        conn.execute("CREATE EXTENSION btree_gist")
        conn.execute(
            "CREATE TABLE workplaces (recognition_id integer PRIMARY KEY, "
            "programme_id integer NOT NULL, location geography(Point, 4326) NOT NULL)"
        )
        with conn.cursor().copy(
            "COPY workplaces (recognition_id, programme_id, location) FROM STDIN"
        ) as copy:
            for rid, pid, lon, lat in rows:
                copy.write_row((rid, pid, f"SRID=4326;POINT({lon} {lat})"))
        conn.execute("CREATE INDEX ON workplaces USING gist (programme_id, location)")
        conn.execute("ANALYZE workplaces")
        sql = (
            "SELECT recognition_id, ST_Distance(location, o) FROM workplaces, "
            "(SELECT ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography AS o) origin "
            "WHERE programme_id = %s AND ST_DWithin(location, o, %s) "
            "ORDER BY location <-> o LIMIT 20"
        )

        def run(q: Query) -> object:
            return conn.execute(
                sql, (q.lon, q.lat, q.programme_id, q.radius_km * 1000), prepare=True
            ).fetchall()

        return timed(run, queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument(
        "--naive-queries",
        type=int,
        default=60,
        help="the naive loop is slow; it runs on the first N queries",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--postgis-url", default=DEFAULT_POSTGIS_URL)
    args = parser.parse_args()

    day = today_in_belgium()
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory() as scratch:
        url = f"sqlite:///{Path(scratch) / 'bench.sqlite3'}"
        start = time.perf_counter()
        build_dataset(url, args.sites, args.seed, day)
        print(f"dataset built in {time.perf_counter() - start:.0f} s")
        engine = make_engine(url)
        with Session(engine) as session:
            queries = make_queries(session, args.queries + WARM_UP, args.seed)
            engine_ms, memory = bench_engine(session, queries, day)
            print(memory)
            report("engine (in-process, scored, top 20)", engine_ms)
            http_ms = bench_http(url, queries)
            report("HTTP GET /api/v1/search (gunicorn, loopback)", http_ms)
            naive_ms = bench_naive(session, queries[: WARM_UP + args.naive_queries])
            report(
                f"naive (SQLAlchemy + geopy, nearest 20, no scoring, {len(naive_ms)} queries)",
                naive_ms,
            )
            postgis_ms = bench_postgis(session, queries, args.postgis_url)
            if postgis_ms is None:
                print("postgis: no PostgreSQL with PostGIS at --postgis-url; skipped")
            else:
                report("PostGIS (GiST on programme+location, nearest 20, no scoring)", postgis_ms)
        engine.dispose()

    engine_p50 = percentile(engine_ms, 50)
    # The speedup compares the same queries: the naive loop only runs the first ones.
    same_queries_p50 = percentile(engine_ms[: len(naive_ms)], 50)
    postgis = f"{percentile(postgis_ms, 50):.3f}" if postgis_ms else "na"
    print(
        f"search: engine_p50_ms={engine_p50:.3f} engine_p95_ms={percentile(engine_ms, 95):.3f} "
        f"http_p50_ms={percentile(http_ms, 50):.3f} naive_p50_ms={percentile(naive_ms, 50):.3f} "
        f"postgis_p50_ms={postgis} speedup={percentile(naive_ms, 50) / same_queries_p50:.0f}"
    )


def report(name: str, times: list[float]) -> None:
    print(
        f"{name}: n={len(times)} p50={percentile(times, 50):.3f} ms "
        f"p95={percentile(times, 95):.3f} ms mean={statistics.fmean(times):.3f} ms"
    )


if __name__ == "__main__":
    main()
