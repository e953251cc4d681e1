"""Measure cohort allocation: our deferred acceptance against the `matching` package.

    python -m benchmarks.allocation [--sizes 200x40,2000x300,20000x1500] [--repeat 5]

For each size (students x workplaces) it builds a seeded instance like a large cohort:
capacities 1-10, each student lists 15 workplaces drawn without replacement with
Zipf-like popularity (the workplace of popularity rank k weighs 1 / k**zipf, --zipf, so a
few are wanted by many), in the order drawn (popular ones tend to come first); each
workplace ranks the students who listed it, by a student quality shared by all
workplaces plus its own noise, and leaves a fraction (--unranked) of them out.

Then it times:

(a) ours: `AllocationInstance.from_json` (checks the instance and indexes its ids) and
    `allocate` (the solver), each the median of --repeat runs;
(b) `matching.games.HospitalResident` (the `matching` package on PyPI, not a project
    dependency: `.venv/bin/pip install matching`): `create_from_dictionaries` and
    `solve(optimal="resident")`, once (it is slow on the large instance). It wants
    every hospital to rank exactly the residents that rank it and every resident to
    rank someone, so it gets the same instance with the pairs that are not mutually
    acceptable left out and the residents left with an empty list removed, which
    changes no stable matching. Its constructor deep-copies a graph of players, which
    needs a raised recursion limit on large instances; the benchmark raises it.

On the large instance `matching` takes minutes, most of it in its constructor's input
checks (each hospital against every resident); --no-matching leaves it out.

It asserts that both give the same assignment. Times are wall clock, with the CPU time
of this process in brackets; the speedups divide CPU times, which other processes on a
busy machine do not inflate. The speedup compares the solvers (`allocate` vs `solve`);
the end-to-end speedup adds each one's building and checking.

The last line is machine-readable.
"""

import argparse
import gc
import os
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np

from matcher.allocation import AllocationInstance, allocate

T = TypeVar("T")
N_CHOICES = 15
MAX_CAPACITY = 10
DEFAULT_SIZES = "200x40,2000x300,20000x1500"
RECURSION_LIMIT = 1_000_000  # `matching` deep-copies chains of players as deep as this
_CHUNK = 1000  # students drawn at a time: 1,000 x 1,500 float64 keys is 12 MB


@dataclass(frozen=True)
class Timing:
    """Seconds on the wall clock and of this process's CPU time.

    CPU time is what the speedups use: other processes on a busy machine stretch the
    wall clock, not the work done.
    """

    wall_s: float
    cpu_s: float

    def show(self, unit: float = 1.0) -> str:
        """Write the wall time and, in brackets, the CPU time, in `unit` seconds."""
        digits = 1 if unit < 1 else 2
        return f"{self.wall_s / unit:.{digits}f} ({self.cpu_s / unit:.{digits}f})"


@dataclass(frozen=True)
class Row:
    size: str
    n_seats: int
    n_placed: int
    n_first_choice: int
    index: Timing
    solve: Timing
    matching_build: Timing | None
    matching_solve: Timing | None


def make_instance(
    n_students: int, n_workplaces: int, seed: int, zipf: float, unranked: float
) -> dict[str, Any]:
    """Return a seeded instance in its JSON form (see the module docstring)."""
    rng = np.random.default_rng(seed)
    popularity = 1.0 / np.arange(1, n_workplaces + 1) ** zipf
    log_weight = np.log(popularity[rng.permutation(n_workplaces)])
    n_choices = min(N_CHOICES, n_workplaces)
    # Gumbel top-k: the k largest of log(weight) + Gumbel noise, in decreasing order, are
    # k draws without replacement with probability proportional to the weights.
    choices = np.empty((n_students, n_choices), dtype=np.int64)
    for start in range(0, n_students, _CHUNK):
        stop = min(start + _CHUNK, n_students)
        keys = log_weight + rng.gumbel(size=(stop - start, n_workplaces))
        top = np.argpartition(-keys, n_choices - 1, axis=1)[:, :n_choices]
        order = np.argsort(-np.take_along_axis(keys, top, axis=1), axis=1)
        choices[start:stop] = np.take_along_axis(top, order, axis=1)

    quality = rng.normal(size=n_students)
    listed_by: list[list[int]] = [[] for _ in range(n_workplaces)]
    for s, row in enumerate(choices.tolist()):
        for w in row:
            listed_by[w].append(s)
    workplaces = []
    for w, applicants in enumerate(listed_by):
        candidates = np.asarray(applicants, dtype=np.int64)
        candidates = candidates[rng.random(len(candidates)) >= unranked]
        score = quality[candidates] + rng.normal(size=len(candidates))
        ranking = candidates[np.argsort(-score, kind="stable")]
        workplaces.append(
            {
                "id": f"w{w}",
                "capacity": int(rng.integers(1, MAX_CAPACITY + 1)),
                "preferences": [f"s{s}" for s in ranking.tolist()],
            }
        )
    students = [
        {"id": f"s{s}", "preferences": [f"w{w}" for w in row]}
        for s, row in enumerate(choices.tolist())
    ]
    return {"students": students, "workplaces": workplaces}


def median_time(run: Callable[[], T], repeat: int) -> tuple[Timing, T]:
    """Return the median times of `repeat` runs, and the last result."""
    wall, cpu = [], []
    for _ in range(repeat):
        # The garbage of the run before is not this run's to collect.
        gc.collect()
        wall_start, cpu_start = time.perf_counter(), time.process_time()
        result = run()
        cpu.append(time.process_time() - cpu_start)
        wall.append(time.perf_counter() - wall_start)
    return Timing(statistics.median(wall), statistics.median(cpu)), result


def since(wall_start: float, cpu_start: float) -> Timing:
    return Timing(time.perf_counter() - wall_start, time.process_time() - cpu_start)


def solve_with_matching(
    data: dict[str, Any], hospital_resident: Any
) -> tuple[Timing, Timing, dict[str, str | None]]:
    """Time `matching` on the mutually acceptable part of `data`; return its assignment."""
    ranked_by = {w["id"]: set(w["preferences"]) for w in data["workplaces"]}
    resident_prefs = {}
    for s in data["students"]:
        acceptable = [w for w in s["preferences"] if s["id"] in ranked_by[w]]
        if acceptable:
            resident_prefs[s["id"]] = acceptable
    hospital_prefs = {
        w["id"]: [s for s in w["preferences"] if s in resident_prefs] for w in data["workplaces"]
    }
    capacities = {w["id"]: w["capacity"] for w in data["workplaces"]}
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, RECURSION_LIMIT))
    try:
        with warnings.catch_warnings():
            # It warns about hospitals nobody ranks; they stay empty either way.
            warnings.simplefilter("ignore")
            gc.collect()
            wall_start, cpu_start = time.perf_counter(), time.process_time()
            game = hospital_resident.create_from_dictionaries(
                resident_prefs, hospital_prefs, capacities
            )
            build = since(wall_start, cpu_start)
            wall_start, cpu_start = time.perf_counter(), time.process_time()
            matching = game.solve(optimal="resident")
            solve = since(wall_start, cpu_start)
    finally:
        sys.setrecursionlimit(limit)
    assignment: dict[str, str | None] = {s["id"]: None for s in data["students"]}
    for hospital, residents in matching.items():
        for resident in residents:
            assignment[resident.name] = hospital.name
    return build, solve, assignment


def bench(size: str, args: argparse.Namespace, hospital_resident: Any) -> Row:
    n_students, n_workplaces = (int(n) for n in size.split("x"))
    data = make_instance(n_students, n_workplaces, args.seed, args.zipf, args.unranked)
    index, instance = median_time(lambda: AllocationInstance.from_json(data), args.repeat)
    solve, allocation = median_time(lambda: allocate(instance), args.repeat)
    first_choice = {s["id"]: s["preferences"][0] for s in data["students"]}
    placed = [s for s, w in allocation.assignment.items() if w is not None]
    matching_build = matching_solve = None
    if hospital_resident is not None:
        matching_build, matching_solve, theirs = solve_with_matching(data, hospital_resident)
        assert theirs == dict(allocation.assignment), f"{size}: the matchings differ"
    return Row(
        size=size,
        n_seats=sum(w["capacity"] for w in data["workplaces"]),
        n_placed=len(placed),
        n_first_choice=sum(allocation.assignment[s] == first_choice[s] for s in placed),
        index=index,
        solve=solve,
        matching_build=matching_build,
        matching_solve=matching_solve,
    )


def print_table(rows: list[Row]) -> None:
    header = (
        "students x workplaces",
        "seats",
        "placed",
        "1st choice",
        "ours check+index ms",
        "ours solve ms",
        "matching build s",
        "matching solve s",
        "speedup solve",
        "speedup end-to-end",
    )
    lines = [header]
    for r in rows:
        lines.append(
            (
                r.size,
                str(r.n_seats),
                str(r.n_placed),
                str(r.n_first_choice),
                r.index.show(unit=1e-3),
                r.solve.show(unit=1e-3),
                r.matching_build.show() if r.matching_build else "na",
                r.matching_solve.show() if r.matching_solve else "na",
                f"{speedup(r):.0f}x" if r.matching_solve else "na",
                f"{speedup(r, end_to_end=True):.0f}x" if r.matching_solve else "na",
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    for line in lines:
        print("  ".join(cell.rjust(width) for cell, width in zip(line, widths, strict=True)))


def speedup(row: Row, end_to_end: bool = False) -> float:
    """`matching`'s CPU time over ours."""
    assert row.matching_solve is not None and row.matching_build is not None
    theirs, ours = row.matching_solve.cpu_s, row.solve.cpu_s
    if end_to_end:
        theirs += row.matching_build.cpu_s
        ours += row.index.cpu_s
    return theirs / ours


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", default=DEFAULT_SIZES, help="comma-separated students x workplaces"
    )
    parser.add_argument("--repeat", type=int, default=5, help="runs of ours per figure")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--zipf", type=float, default=1.0, help="popularity exponent")
    parser.add_argument(
        "--unranked",
        type=float,
        default=0.1,
        help="share of the students who list a workplace that it leaves out of its ranking",
    )
    parser.add_argument("--no-matching", action="store_true", help="time ours only")
    args = parser.parse_args()

    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, "
        f"load average {load} at the start"
    )
    hospital_resident = None
    if not args.no_matching:
        try:
            from matching.games import HospitalResident
        except ImportError:
            print(
                "matching: not installed, skipped "
                "(install it with `.venv/bin/pip install matching`)"
            )
        else:
            from importlib.metadata import version

            hospital_resident = HospitalResident
            print(
                f"matching {version('matching')}: recursion limit raised to "
                f"{RECURSION_LIMIT:,} while it runs (its constructor deep-copies the players)"
            )
    rows = []
    for size in args.sizes.split(","):
        rows.append(bench(size, args, hospital_resident))
        if hospital_resident is not None:
            print(f"{size}: same assignment from both")
    print("times: wall clock (CPU time of this process); ours the median of --repeat runs")
    print_table(rows)
    figures = []
    for r in rows:
        figures.append(
            f"{r.size}_solve_ms={r.solve.wall_s * 1e3:.1f} "
            f"{r.size}_solve_cpu_ms={r.solve.cpu_s * 1e3:.1f} "
            f"{r.size}_index_ms={r.index.wall_s * 1e3:.1f}"
        )
        if r.matching_solve:
            figures.append(
                f"{r.size}_matching_solve_s={r.matching_solve.wall_s:.3f} "
                f"{r.size}_speedup_cpu={speedup(r):.0f}"
            )
    print(f"allocation: {' '.join(figures)}")


if __name__ == "__main__":
    main()
