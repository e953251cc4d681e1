"""Measure how soon every web process's search shows a change, and what a change costs it.

    python -m benchmarks.freshness [--sites 100000] [--workers 2] [--seconds 60]
                                   [--rates 1,10] [--seed 2026]

Builds a demo of `--sites` sites in a scratch SQLite database and measures:

1. The full build: a fresh process creates the app and builds its search index as a
   worker does on its first request; its CPU time, wall time and peak memory (the
   process's peak resident set, imports included).
2. Freshness under a stream of changes: gunicorn serves `--workers` processes on
   loopback; for `--seconds` at each of `--rates` changes a second, one full workplace
   after another gets a free place through the same service as the availability API
   (`places.update_availability`), called from this process as a company's own system
   would, so that the workers do nothing for a change but notice it. Meanwhile GET
   /api/v1/search asks, 20 times a second, for the programme's available workplaces
   within 200 km of the centre of Flanders: every change adds one to the total, so each
   answer tells which changes its worker had applied. A change counts as visible once
   no later answer, from whichever worker, misses it.
3. The workers' CPU spent on index work per change: each worker's CPU time over the
   stream minus what the same questions cost it over a quiet period without changes.

The last line is machine-readable.
"""

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from benchmarks.search import build_dataset, gunicorn
from models import Programme, Recognition, Site
from models.base import today_in_belgium
from models.database import make_engine, unit_of_work
from models.workplaces import valid_on
from web.services.places import Availability, update_availability
from web.services.policy import Party

CENTRE = (50.95, 4.35)  # every Flemish and Brussels postcode lies within 200 km of it
POLLS_PER_S = 20
QUIET_S = 15.0  # the baseline: questions without changes
SETTLE_S = 60.0  # after a stream, how long to wait for its last change to show
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
# A worker's first search builds its index while the request waits: give it more than
# gunicorn's 30 s before it counts as hung, on a busy machine too.
GUNICORN_ARGS = "--timeout 600"


# -- the full build, in a process of its own ------------------------------------------


# Run in a fresh process that imports what a worker imports, and nothing else.
BUILD_ONCE = """
import json, sys, time
from pathlib import Path
from web import create_app
from web.db import get_session
from web.resources import get_search_index

def peak_mb():  # this process's own peak: ru_maxrss would count the parent's before the exec
    status = Path("/proc/self/status").read_text().split("VmHWM:")[1]
    return int(status.split()[0]) / 1024

settings = {"DUAAL_ENV": "production", "SECRET_KEY": "benchmark", "DATABASE_URL": sys.argv[1]}
app = create_app(settings)
with app.app_context():
    before_mb = peak_mb()
    cpu, wall = time.process_time(), time.perf_counter()
    state = get_search_index().current()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
print(json.dumps({"rows": state.engine.snapshot_.n_rows, "cpu_s": cpu, "wall_s": wall,
                  "peak_mb": peak_mb(), "before_mb": before_mb}))
"""


def measure_full_build(url: str) -> dict[str, float]:
    """Build the index as a worker's first request does, in a fresh process."""
    out = subprocess.run(  # noqa: S603 (a fixed argument list, no shell)
        [sys.executable, "-c", BUILD_ONCE, url], capture_output=True, text=True, check=True
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


# -- the stream of changes --------------------------------------------------------------


@dataclass(frozen=True)
class Workplace:
    recognition_id: int
    company_id: int
    availability: Availability  # as it will be: one place free, confirmed now


def pick_full_workplaces(url: str, n: int) -> tuple[str, list[Workplace]]:
    """The programme with the most full workplaces that a free place makes available,
    and `n` of them."""
    engine = make_engine(url)
    full = valid_on(today_in_belgium() + timedelta(days=1)) & (
        (Recognition.n_free_places == 0)
        & (Recognition.n_places > 0)
        & (
            Recognition.available_from.is_(None)
            | (Recognition.available_from <= today_in_belgium())
        )
    )
    with Session(engine) as session:
        code, programme_id, count = session.execute(
            select(Programme.code, Programme.id, func.count())
            .join(Recognition, Recognition.programme_id == Programme.id)
            .where(full)
            .group_by(Programme.code, Programme.id)
            .order_by(func.count().desc())
            .limit(1)
        ).one()
        if count < n:
            raise SystemExit(f"only {count} full workplaces in {code}; ask for fewer changes")
        rows = session.execute(
            select(Recognition, Site.company_id)
            .join(Site, Site.id == Recognition.site_id)
            .where(full, Recognition.programme_id == programme_id)
            .order_by(Recognition.id)
            .limit(n)
        ).all()
        workplaces = [
            Workplace(
                r.id,
                company_id,
                Availability(r.n_places, 1, None, r.intake_preferences),
            )
            for r, company_id in rows
        ]
    engine.dispose()
    return code, workplaces


def make_free(session: Session, workplace: Workplace) -> None:
    with unit_of_work(session):
        update_availability(
            session,
            Party.of_company(workplace.company_id),
            workplace.recognition_id,
            workplace.availability,
            datetime.now(UTC),
        )


@dataclass
class Answers:
    """Every answer of the search, as (sent at, total), in the order they were sent."""

    port: int
    path: str
    seen: list[tuple[float, int]] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def ask(self) -> tuple[float, int]:
        sent = time.monotonic()
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        conn.request("GET", self.path)
        response = conn.getresponse()
        body = response.read()
        conn.close()
        assert response.status == 200, (response.status, body)
        return sent, int(json.loads(body)["total"])

    def poll(self) -> None:
        """Ask at a steady pace, from two threads, until stopped."""

        def loop(offset: float) -> None:
            tick = time.monotonic() + offset
            while not self.stop.is_set():
                self.seen.append(self.ask())
                tick += 2 / POLLS_PER_S
                time.sleep(max(0.0, tick - time.monotonic()))

        for i in range(2):
            threading.Thread(target=loop, args=(i / POLLS_PER_S,), daemon=True).start()

    def since(self, moment: float) -> list[tuple[float, int]]:
        return sorted(a for a in list(self.seen) if a[0] >= moment)

    def all_show(self, total: int) -> bool:
        """Whether every answer of the last two seconds counted `total` or more."""
        recent = self.since(time.monotonic() - 2.0)
        return bool(recent) and min(seen for _sent, seen in recent) >= total


def visible_after(answers: list[tuple[float, int]], changed_at: float, total: int) -> float | None:
    """Seconds from a change until every later answer shows it (None: never seen)."""
    later = [a for a in answers if a[0] >= changed_at]
    stale = [i for i, (_sent, seen) in enumerate(later) if seen < total]
    first_good = stale[-1] + 1 if stale else 0
    if first_good >= len(later):
        return None
    return later[first_good][0] - changed_at


def worker_pids(port: int) -> list[int]:
    """The gunicorn workers serving `port`: the children of its master (our child)."""
    me = os.getpid()
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if f"127.0.0.1:{port}".encode() in cmdline:
                parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    (master,) = [pid for pid, parent in parents.items() if parent == me]
    return sorted(pid for pid, parent in parents.items() if parent == master)


def cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime


def settle(pids: list[int], window_s: float = 2.0, deadline_s: float = 300.0) -> None:
    """Wait until no worker is busy building: a worker's first search builds its index,
    and the one that got no search during the warm-up builds it now."""
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        before = [cpu_s(pid) for pid in pids]
        time.sleep(window_s)
        if all(cpu_s(pid) - b < 0.25 * window_s for pid, b in zip(pids, before, strict=True)):
            return


def peak_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


@dataclass(frozen=True)
class Stream:
    rate: float
    delays_s: list[float]
    unseen: int
    cpu_ms_per_change: list[float]  # per worker


def run_stream(
    answers: Answers,
    writes: Session,
    workplaces: list[Workplace],
    rate: float,
    start_total: int,
    pids: list[int],
    idle_cpu_per_s: list[float],
) -> Stream:
    """Make `len(workplaces)` changes at `rate` a second; time when each shows."""
    cpu_before = [cpu_s(pid) for pid in pids]
    started = time.monotonic()
    changed_at = []
    for i, workplace in enumerate(workplaces):
        time.sleep(max(0.0, started + i / rate - time.monotonic()))
        make_free(writes, workplace)
        changed_at.append(time.monotonic())
    final = start_total + len(workplaces)
    deadline = time.monotonic() + SETTLE_S
    while time.monotonic() < deadline and not answers.all_show(final):
        time.sleep(0.5)
    time.sleep(1.0)  # a second more of answers, from every worker
    elapsed = time.monotonic() - started
    cpu = [cpu_s(pid) - before for pid, before in zip(pids, cpu_before, strict=True)]
    seen = answers.since(started)
    delays = [visible_after(seen, t, start_total + i + 1) for i, t in enumerate(changed_at)]
    return Stream(
        rate,
        [d for d in delays if d is not None],
        sum(d is None for d in delays),
        [
            max(0.0, used - idle * elapsed) * 1000 / len(workplaces)
            for used, idle in zip(cpu, idle_cpu_per_s, strict=True)
        ],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sites", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--rates", default="1,10", help="changes a second, one stream each")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    rates = [float(r) for r in args.rates.split(",")]
    counts = [round(rate * args.seconds) for rate in rates]

    with tempfile.TemporaryDirectory() as scratch:
        url = f"sqlite:///{Path(scratch) / 'freshness.sqlite3'}"
        started = time.perf_counter()
        build_dataset(url, args.sites, args.seed, today_in_belgium())
        print(f"dataset built in {time.perf_counter() - started:.0f} s")
        build = measure_full_build(url)
        print(
            f"full build: {build['rows']:.0f} workplaces in {build['cpu_s']:.2f} s CPU "
            f"({build['wall_s']:.2f} s wall); the process peaked at {build['peak_mb']:.0f} MB "
            f"({build['before_mb']:.0f} MB before building)"
        )
        programme, workplaces = pick_full_workplaces(url, sum(counts))
        path = (
            f"/api/v1/search?programme={programme}&lat={CENTRE[0]}&lon={CENTRE[1]}"
            "&radius_km=200&limit=1"
        )
        writes = Session(make_engine(url))
        streams = []
        os.environ["GUNICORN_CMD_ARGS"] = GUNICORN_ARGS  # read by the gunicorn started below
        with gunicorn(url, args.workers) as port:
            answers = Answers(port, path)
            deadline = time.monotonic() + 300
            while True:  # every worker builds its index on its first question
                try:
                    for _ in range(4 * args.workers):
                        answers.ask()
                    break
                except (OSError, AssertionError):
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.5)
            pids = worker_pids(port)
            total = answers.ask()[1]
            answers.poll()
            settle(pids)
            quiet = [cpu_s(pid) for pid in pids]
            time.sleep(QUIET_S)
            idle = [(cpu_s(pid) - q) / QUIET_S for pid, q in zip(pids, quiet, strict=True)]
            print(
                f"{len(pids)} workers; answering {POLLS_PER_S} searches a second costs them "
                + ", ".join(f"{1000 * c:.0f}" for c in idle)
                + " ms CPU a second"
            )
            first = 0
            for rate, count in zip(rates, counts, strict=True):
                stream = run_stream(
                    answers, writes, workplaces[first : first + count], rate, total, pids, idle
                )
                first += count
                total += count
                streams.append(stream)
                report(stream)
            answers.stop.set()
            peaks = [peak_mb(pid) for pid in pids]
            print("workers' peak memory: " + ", ".join(f"{p:.0f} MB" for p in peaks))
        writes.close()
    figures = " ".join(
        f"rate{s.rate:g}_p50_s={median(s.delays_s):.2f} rate{s.rate:g}_max_s="
        f"{max(s.delays_s, default=float('nan')):.2f} rate{s.rate:g}_unseen={s.unseen} "
        f"rate{s.rate:g}_cpu_ms_per_change={max(s.cpu_ms_per_change):.1f}"
        for s in streams
    )
    print(
        f"freshness: sites={args.sites} workers={args.workers} "
        f"build_cpu_s={build['cpu_s']:.2f} build_peak_mb={build['peak_mb']:.0f} {figures}"
    )


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def report(stream: Stream) -> None:
    delays = stream.delays_s
    print(
        f"{stream.rate:g} change(s) a second, {len(delays) + stream.unseen} changes: visible "
        f"in every answer after p50 {median(delays):.2f} s, max "
        f"{max(delays, default=float('nan')):.2f} s"
        + (f", {stream.unseen} never seen" if stream.unseen else "")
        + "; index work per change: "
        + ", ".join(f"{c:.1f}" for c in stream.cpu_ms_per_change)
        + " ms CPU (each worker)"
    )


if __name__ == "__main__":
    main()
