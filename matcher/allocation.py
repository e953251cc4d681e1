"""Allocate a cohort of students to workplaces: the student-optimal stable matching.

Students rank the workplaces they would go to; each workplace has a number of seats and
ranks the students it would take. `allocate` returns the stable matching that every
student likes at least as much as any other stable matching (DOMAIN.md, "Cohort
allocation"). It drafts proposals; a coach decides.

Every ranking is a strict order (a list without repeats), so ties never occur; breaking
ties, e.g. by the stored lottery, is the caller's work before the rankings get here.

The module is also a command line on a JSON contract (docs/allocation.md)::

    python -m matcher.allocation --instance in.json --out out.json
"""

import argparse
import heapq
import json
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from types import MappingProxyType
from typing import Any, Self

import numpy as np

from matcher.exceptions import MatcherError

EXIT_INVALID = 2  # as argparse does for bad arguments: the caller has to fix the input
_SHOWN_CHARS = 40  # of a bad value quoted in an error message


class InvalidInstanceError(MatcherError, ValueError):
    """An allocation instance is malformed.

    ``where`` names the offending part as a path into the JSON form of the instance
    (``students[3].preferences``), so the same message serves the Python API and the
    command line.
    """

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}")
        self.where = where
        self.message = message


@dataclass(frozen=True, slots=True)
class Student:
    """A student and the workplaces they would accept, best first."""

    id: str
    preferences: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Workplace:
    """A workplace, its number of seats and the students it would accept, best first.

    A student the workplace does not rank cannot be placed there.
    """

    id: str
    capacity: int
    preferences: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _Indexed:
    """An instance in integer indices, built once so that the solver only compares ints.

    Student ``s``'s possible places are entries ``start[s]`` to ``end[s] - 1`` of
    ``workplace`` and ``rank``, in the student's order: the workplaces with seats that
    rank ``s`` back, and ``s``'s rank at each (0 is best). ``ranked[w][r]`` is the
    student at rank ``r`` of workplace ``w``.
    """

    workplace: list[int]
    rank: list[int]
    start: list[int]
    end: list[int]
    ranked: list[list[int]]
    capacity: list[int]


@dataclass(frozen=True, slots=True)
class AllocationInstance:
    """Students and workplaces with their rankings, checked when made.

    Parameters
    ----------
    students:
        Each student once, with the ids of the workplaces they would accept, best first.
    workplaces:
        Each workplace once, with its capacity (a whole number, 0 or more) and the ids of
        the students it would accept, best first.

    Raises
    ------
    InvalidInstanceError
        On an id that is not a non-empty string, a duplicate id, an id in a ranking that
        names nobody in the instance, an id twice in one ranking, a capacity that is
        not a whole number of 0 or more, or a field of the wrong type.
    """

    students: tuple[Student, ...]
    workplaces: tuple[Workplace, ...]
    _indexed: _Indexed = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Checking needs the id -> index maps that solving needs: build both at once.
        object.__setattr__(self, "_indexed", _index(self.students, self.workplaces))

    @classmethod
    def from_json(cls, data: object) -> Self:
        """Build an instance from its JSON form (as `json.load` returns it).

        Parameters
        ----------
        data:
            ``{"students": [{"id": str, "preferences": [workplace id, ...]}],
            "workplaces": [{"id": str, "capacity": int, "preferences": [student id,
            ...]}]}``. Other keys are ignored, so a file may carry e.g. names.

        Raises
        ------
        InvalidInstanceError
            On a missing key, a value of the wrong JSON type, or anything that
            `AllocationInstance` refuses. Integer ids are refused, not converted: ``7``
            and ``"7"`` would otherwise name the same student in one place and not in
            another.
        """
        top = _json_object(data, "instance", ("students", "workplaces"))
        students = []
        for i, item in enumerate(_json_array(top["students"], "students")):
            where = f"students[{i}]"
            record = _json_object(item, where, ("id", "preferences"))
            students.append(
                Student(
                    id=record["id"],
                    preferences=tuple(_json_array(record["preferences"], f"{where}.preferences")),
                )
            )
        workplaces = []
        for j, item in enumerate(_json_array(top["workplaces"], "workplaces")):
            where = f"workplaces[{j}]"
            record = _json_object(item, where, ("id", "capacity", "preferences"))
            workplaces.append(
                Workplace(
                    id=record["id"],
                    capacity=record["capacity"],
                    preferences=tuple(_json_array(record["preferences"], f"{where}.preferences")),
                )
            )
        return cls(tuple(students), tuple(workplaces))


@dataclass(frozen=True, slots=True)
class Allocation:
    """A matching of students to workplaces.

    Attributes
    ----------
    assignment:
        Every student id of the instance, in its order, to a workplace id or ``None``.
    by_workplace:
        Every workplace id of the instance, in its order, to the ids of its students in
        the workplace's order of preference (empty when nobody is placed there).
    """

    assignment: Mapping[str, str | None]
    by_workplace: Mapping[str, tuple[str, ...]]

    def to_json(self) -> dict[str, dict[str, str | None]]:
        """Return the JSON form of the command line's answer."""
        return {"assignment": dict(self.assignment)}


def allocate(instance: AllocationInstance) -> Allocation:
    """Return the student-optimal stable matching of an instance.

    A matching places each student at most once, fills no workplace beyond its
    capacity, and only pairs a student and a workplace that rank each other. It is
    stable when no student ``s`` and workplace ``w`` block it: ``s`` ranks ``w`` above
    where ``s`` is placed (or ``s`` is not placed), and ``w`` ranks ``s`` and has a free
    seat or ranks ``s`` above one of its students. Among the stable matchings, the
    student-optimal one places every student at least as well as any other does.

    Parameters
    ----------
    instance:
        The students, workplaces and their strict rankings.

    Returns
    -------
    Allocation
        The student-optimal stable matching; students it cannot place map to ``None``.

    Notes
    -----
    Student-proposing deferred acceptance with capacities (Gale and Shapley 1962),
    in the hospital-resident form of Roth (1984):

        0. Every student is free and every workplace holds nobody.

        1. Take any free student ``s`` with a workplace left on their list, and the
           first such workplace ``w``; strike ``w`` from ``s``'s list. If there is no
           such student, go to 4.

        2. If ``w`` does not rank ``s``, or has no seats, ``w`` rejects ``s`` and
           ``s`` stays free. Go to 1.

        3. If ``w`` holds fewer students than its capacity, ``w`` holds ``s``.
           Otherwise let ``s'`` be the student ``w`` ranks lowest among those it
           holds: if ``w`` ranks ``s`` above ``s'``, ``w`` holds ``s`` instead and
           ``s'`` is free again; else ``w`` rejects ``s`` and ``s`` stays free. Go
           to 1.

        4. Every hold is final: each held student is placed at the workplace holding
           them, every other student is not placed.

    When the instance is made, its ids become indices and each student's list keeps
    only the workplaces that step 2 would not reject, with the student's rank at each:
    ``O((L + M) log M)`` for ``L`` entries in the students' lists and ``M`` in the
    workplaces'. Each workplace keeps the ranks it holds in a heap, and a cutoff: the
    rank a proposal must beat (the lowest held rank once the workplace is full). A
    rejection then costs one comparison and a replacement in step 3 ``O(log c)`` for
    the largest capacity ``c``. A student proposes to each workplace on their list at
    most once, so the run takes ``O(L log c)``.

    The result does not depend on which free student proposes first (McVitie and
    Wilson 1970), so it does not depend on the order of the students or workplaces in
    the instance. It is the student-optimal stable matching (Gale and Shapley 1962), no
    student can gain by misreporting their list (Dubins and Freedman 1981; Roth 1982),
    and every stable matching places the same students, fills each workplace to the
    same count, and gives a workplace with a free seat the same students (Roth 1986).

    References
    ----------
    .. [1] D. Gale and L. S. Shapley, "College admissions and the stability of
       marriage", *The American Mathematical Monthly* 69(1), 9-15, 1962.
    .. [2] A. E. Roth, "The evolution of the labor market for medical interns and
       residents: a case study in game theory", *Journal of Political Economy* 92(6),
       991-1016, 1984.
    .. [3] D. G. McVitie and L. B. Wilson, "Stable marriage assignment for unequal
       sets", *BIT* 10(3), 295-309, 1970.
    .. [4] L. E. Dubins and D. A. Freedman, "Machiavelli and the Gale-Shapley
       algorithm", *The American Mathematical Monthly* 88(7), 485-494, 1981.
    .. [5] A. E. Roth, "The economics of matching: stability and incentives",
       *Mathematics of Operations Research* 7(4), 617-628, 1982.
    .. [6] A. E. Roth, "On the allocation of residents to rural hospitals: a general
       property of two-sided matching markets", *Econometrica* 54(2), 425-427, 1986.
    """
    indexed = instance._indexed
    held = _deferred_acceptance(indexed)
    student_ids = [s.id for s in instance.students]
    placed_at: list[str | None] = [None] * len(student_ids)
    by_workplace: dict[str, tuple[str, ...]] = {}
    for w, workplace in enumerate(instance.workplaces):
        ranked = indexed.ranked[w]
        students = [ranked[-negative_rank] for negative_rank in sorted(held[w], reverse=True)]
        for s in students:
            placed_at[s] = workplace.id
        by_workplace[workplace.id] = tuple(student_ids[s] for s in students)
    return Allocation(
        assignment=MappingProxyType(dict(zip(student_ids, placed_at, strict=True))),
        by_workplace=MappingProxyType(by_workplace),
    )


def _deferred_acceptance(indexed: _Indexed) -> list[list[int]]:
    """Run student-proposing deferred acceptance; return each workplace's held ranks.

    Ranks are stored negated: `heapq` is a min-heap and the root must be the worst held
    student. The rank alone identifies the student (``ranked[w][rank]``), which keeps the
    heaps to plain ints.
    """
    workplace, rank_at, end, ranked, capacity = (
        indexed.workplace,
        indexed.rank,
        indexed.end,
        indexed.ranked,
        indexed.capacity,
    )
    n_students = len(end)
    # A proposal is held when its rank is below the workplace's cutoff: any rank while a
    # seat is free, the worst held rank once full. Most proposals are rejections, so this
    # one comparison is the whole of the common path.
    cutoff = [len(order) for order in ranked]
    held: list[list[int]] = [[] for _ in capacity]
    next_option = list(indexed.start)
    # Popping from the end proposes in the instance's order; any order gives the same result.
    free = list(range(n_students - 1, -1, -1))
    push, replace = heapq.heappush, heapq.heapreplace
    while free:
        s = free.pop()
        k = next_option[s]
        last = end[s]
        for w, rank in zip(workplace[k:last], rank_at[k:last], strict=True):
            k += 1
            if rank < cutoff[w]:
                heap = held[w]
                if len(heap) < capacity[w]:
                    push(heap, -rank)
                    if len(heap) == capacity[w]:
                        cutoff[w] = -heap[0]
                else:
                    free.append(ranked[w][-replace(heap, -rank)])
                    cutoff[w] = -heap[0]
                break
        next_option[s] = k
    return held


def _index(students: object, workplaces: object) -> _Indexed:
    """Check an instance and translate its ids to indices."""
    if not isinstance(students, tuple):
        raise InvalidInstanceError("students", f"must be a tuple, got {_describe(students)}")
    if not isinstance(workplaces, tuple):
        raise InvalidInstanceError("workplaces", f"must be a tuple, got {_describe(workplaces)}")
    student_index = _id_index(students, Student, "students", "student")
    workplace_index = _id_index(workplaces, Workplace, "workplaces", "workplace")

    capacity: list[int] = []
    ranked: list[list[int]] = []
    for j, workplace in enumerate(workplaces):
        n_seats = workplace.capacity
        if type(n_seats) is not int or n_seats < 0:
            raise InvalidInstanceError(
                f"workplaces[{j}].capacity",
                f"must be a whole number, 0 or more, got {_describe(n_seats)}",
            )
        capacity.append(n_seats)
        ranked.append(
            _to_indices(
                workplace.preferences, student_index, f"workplaces[{j}].preferences", "student"
            )
        )
    options = [
        _to_indices(student.preferences, workplace_index, f"students[{i}].preferences", "workplace")
        for i, student in enumerate(students)
    ]
    return _join(options, ranked, capacity)


def _join(options: list[list[int]], ranked: list[list[int]], capacity: list[int]) -> _Indexed:
    """Find each student's rank at each workplace they list, keeping the possible pairs.

    One sorted array of the workplaces' (student, workplace) pairs answers every lookup
    with a binary search: a dict per workplace would cost the solver a hash lookup per
    proposal, the most frequent step. Keys are student-major, so the student-ordered
    queries walk the sorted array nearly in order.
    """
    n_workplaces = len(ranked)
    listed = np.fromiter(map(len, options), dtype=np.int64, count=len(options))
    wanted = np.fromiter(chain.from_iterable(options), dtype=np.int64, count=int(listed.sum()))
    wanted_by = np.repeat(np.arange(len(options), dtype=np.int64), listed)
    n_ranked = np.fromiter(map(len, ranked), dtype=np.int64, count=n_workplaces)
    total = int(n_ranked.sum())
    ranked_students = np.fromiter(chain.from_iterable(ranked), dtype=np.int64, count=total)
    ranked_at = np.repeat(np.arange(n_workplaces, dtype=np.int64), n_ranked)
    rank = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(n_ranked) - n_ranked, n_ranked)

    keys = ranked_students * n_workplaces + ranked_at
    order = np.argsort(keys)
    keys = keys[order]
    queries = wanted_by * n_workplaces + wanted
    found = np.searchsorted(keys, queries)
    possible = found < total
    possible[possible] = keys[found[possible]] == queries[possible]
    possible &= np.asarray(capacity, dtype=np.int64)[wanted] > 0
    per_student = np.bincount(wanted_by[possible], minlength=len(options))
    end = np.cumsum(per_student)
    return _Indexed(
        workplace=wanted[possible].tolist(),
        rank=rank[order[found[possible]]].tolist(),
        start=(end - per_student).tolist(),
        end=end.tolist(),
        ranked=ranked,
        capacity=capacity,
    )


def _id_index(
    records: tuple[object, ...], kind: type[Student | Workplace], where: str, noun: str
) -> dict[str, int]:
    """Check every record's type and id; map each id to its position."""
    index: dict[str, int] = {}
    for i, record in enumerate(records):
        if not isinstance(record, kind):
            raise InvalidInstanceError(
                f"{where}[{i}]", f"must be a {kind.__name__}, got {_describe(record)}"
            )
        record_id: object = record.id
        if not isinstance(record_id, str) or not record_id:
            hint = f'; ids are strings: write "{record_id}"' if type(record_id) is int else ""
            raise InvalidInstanceError(
                f"{where}[{i}].id", f"must be a non-empty string, got {_describe(record_id)}{hint}"
            )
        first = index.setdefault(record_id, i)
        if first != i:
            raise InvalidInstanceError(
                f"{where}[{i}].id", f"duplicate {noun} id {record_id!r} (also {where}[{first}])"
            )
    return index


def _to_indices(ids: object, index: dict[str, int], where: str, noun: str) -> list[int]:
    """Translate a ranking of ids to indices, refusing strangers and repeats."""
    if not isinstance(ids, tuple):
        raise InvalidInstanceError(where, f"must be a tuple of ids, got {_describe(ids)}")
    try:
        order = list(map(index.__getitem__, ids))
    except (KeyError, TypeError):
        # Only a bad ranking pays for finding out which entry is bad.
        for k, x in enumerate(ids):
            if not isinstance(x, str):
                raise InvalidInstanceError(
                    f"{where}[{k}]", f"must be a {noun} id (a string), got {_describe(x)}"
                ) from None
            if x not in index:
                raise InvalidInstanceError(f"{where}[{k}]", f"unknown {noun} id {x!r}") from None
        raise
    if len(set(order)) != len(order):
        seen: set[int] = set()
        for k, i in enumerate(order):
            if i in seen:
                raise InvalidInstanceError(f"{where}[{k}]", f"{noun} id {ids[k]!r} is ranked twice")
            seen.add(i)
    return order


def _json_object(value: object, where: str, keys: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InvalidInstanceError(where, f"must be a JSON object, got {_describe(value)}")
    for key in keys:
        if key not in value:
            raise InvalidInstanceError(where, f"missing key {key!r}")
    return value


def _json_array(value: object, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise InvalidInstanceError(where, f"must be a JSON array, got {_describe(value)}")
    return value


def _describe(value: object) -> str:
    """Name a value's JSON type and show it briefly, for an error message."""
    kinds: list[tuple[type, str]] = [
        (bool, "a boolean"),
        (int, "an integer"),
        (float, "a number"),
        (str, "a string"),
        (list, "an array"),
        (tuple, "a tuple"),
        (dict, "an object"),
    ]
    if value is None:
        return "null"
    kind = next((name for t, name in kinds if isinstance(value, t)), type(value).__name__)
    shown = json.dumps(value) if isinstance(value, bool | int | float | str) else repr(value)
    if len(shown) > _SHOWN_CHARS:
        shown = shown[: _SHOWN_CHARS - 3] + "..."
    return f"{kind} ({shown})"


def _refuse_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # json keeps the last of repeated keys; a repeated "preferences" is a mistake to show.
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise InvalidInstanceError("instance", f"key {key!r} appears twice in one object")
        result[key] = value
    return result


class _CommandError(Exception):
    """A file could not be read or written."""


def _read_instance(path: str) -> AllocationInstance:
    try:
        raw = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    except OSError as error:
        raise _CommandError(f"cannot read {path}: {error.strerror or error}") from None
    try:
        data = json.loads(raw, object_pairs_hook=_refuse_duplicate_keys)
    except json.JSONDecodeError as error:
        raise InvalidInstanceError(
            "instance", f"not JSON: {error.msg} (line {error.lineno}, column {error.colno})"
        ) from None
    except UnicodeDecodeError:
        raise InvalidInstanceError("instance", "not JSON: not UTF-8 text") from None
    except InvalidInstanceError:
        raise
    except (ValueError, RecursionError) as error:
        # e.g. an integer of more than 4300 digits, or arrays nested thousands deep
        raise InvalidInstanceError("instance", f"not JSON we can read: {error}") from None
    return AllocationInstance.from_json(data)


def _write_answer(path: str, answer: object) -> None:
    text = json.dumps(answer, ensure_ascii=False, indent=2) + "\n"
    if path == "-":
        sys.stdout.write(text)
        return
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as error:
        raise _CommandError(f"cannot write {path}: {error.strerror or error}") from None


def main(argv: Sequence[str] | None = None) -> int:
    """Allocate the students of a JSON instance file; return the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m matcher.allocation",
        description="Compute the student-optimal stable allocation of a cohort.",
        epilog="Exit status: 0 on success, 2 on bad arguments, a bad instance, or a file "
        "that cannot be read or written (one line on standard error).",
    )
    parser.add_argument(
        "--instance", required=True, help="the instance as JSON (a path, or - for stdin)"
    )
    parser.add_argument(
        "--out", required=True, help="where to write the assignment (a path, or - for stdout)"
    )
    args = parser.parse_args(argv)
    try:
        allocation = allocate(_read_instance(args.instance))
        _write_answer(args.out, allocation.to_json())
    except (InvalidInstanceError, _CommandError) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_INVALID
    return 0


if __name__ == "__main__":
    sys.exit(main())
