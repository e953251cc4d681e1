"""Measure how soon search shows a company's change, through several web processes.

    python -m benchmarks.freshness [--sites 12000] [--changes 10] [--workers 2]

Builds a demo (`make run`'s size by default) in a scratch SQLite database, starts
gunicorn with `--workers` processes on loopback, and makes a company's own system
switch one workplace between full and free through the token API
(PUT /api/v1/recognitions/<id>/availability). After each change it asks
GET /api/v1/search until every answer agrees: six answers in a row, so each worker
has most likely answered. It reports the time from the PUT to the first of those.

The last line is machine-readable.
"""

import argparse
import http.client
import json
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from benchmarks.search import build_dataset, gunicorn
from models import Programme, Recognition, Site
from models.base import today_in_belgium
from models.database import make_engine, unit_of_work
from models.workplaces import valid_on
from web.services.policy import Party
from web.services.tokens import create_token

AGREEING_ANSWERS = 6


def pick_workplace(url: str) -> tuple[int, str, str, str]:
    """A valid recognition, its programme and postcode, and a token of its company."""
    engine = make_engine(url)
    with Session(engine) as session, unit_of_work(session):
        row = session.execute(
            select(Recognition.id, Programme.code, Site.postcode, Site.company_id)
            .join(Programme, Recognition.programme_id == Programme.id)
            .join(Site, Recognition.site_id == Site.id)
            .where(valid_on(today_in_belgium() + timedelta(days=1)))
            .order_by(Recognition.id)
            .limit(1)
        ).one()
        _token, secret = create_token(session, Party.of_company(row.company_id), "benchmark")
    engine.dispose()
    return row.id, row.code, row.postcode, secret


def request(port: int, method: str, path: str, body: object = None, token: str = "") -> object:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    conn.request(method, path, json.dumps(body) if body is not None else None, headers)
    response = conn.getresponse()
    data = response.read()
    conn.close()
    assert response.status == 200, (response.status, data)
    return json.loads(data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sites", type=int, default=12_000)
    parser.add_argument("--changes", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        url = f"sqlite:///{Path(scratch) / 'freshness.sqlite3'}"
        build_dataset(url, args.sites, args.seed, today_in_belgium())
        recognition_id, programme, postcode, token = pick_workplace(url)
        search = f"/api/v1/search?programme={programme}&postcode={postcode}&radius_km=5&limit=100"
        put = f"/api/v1/recognitions/{recognition_id}/availability"
        with gunicorn(url, args.workers) as port:
            deadline = time.monotonic() + 120
            while True:
                try:
                    for _ in range(4 * args.workers):  # every worker builds its index
                        request(port, "GET", search)
                    break
                except (OSError, AssertionError):
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.2)
            delays = []
            for change in range(args.changes):
                free = change % 2
                request(port, "PUT", put, {"n_places": 2, "n_free_places": free}, token)
                changed_at = time.monotonic()
                streak_from, streak = 0.0, 0
                while streak < AGREEING_ANSWERS:
                    answer = request(port, "GET", search)
                    listed = any(
                        r["recognition_id"] == recognition_id
                        for r in answer["results"]  # type: ignore[index]
                    )
                    if listed == bool(free):
                        streak_from = streak_from if streak else time.monotonic()
                        streak += 1
                    else:
                        streak = 0
                        time.sleep(0.05)
                delays.append(streak_from - changed_at)
                print(f"n_free_places={free}: every answer agreed after {delays[-1]:.2f} s")
    print(
        f"freshness: workers={args.workers} changes={args.changes} "
        f"p50_s={statistics.median(delays):.2f} max_s={max(delays):.2f}"
    )


if __name__ == "__main__":
    main()
