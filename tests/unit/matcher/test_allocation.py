"""Properties and examples of `allocate` and of its command line: a matching, stable,
student-optimal, the same whatever the order of the input, and clear about bad input."""

import itertools
import json
import subprocess
import sys
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, target
from hypothesis import strategies as st

from matcher.allocation import (
    EXIT_INVALID,
    Allocation,
    AllocationInstance,
    InvalidInstanceError,
    Student,
    Workplace,
    allocate,
    main,
)
from matcher.exceptions import MatcherError
from tests.unit.matcher.allocation_strategies import contested_instances, instances, shuffled

ROOT = Path(__file__).resolve().parents[3]
Assignment = Mapping[str, str | None]
UNPLACED = float("inf")  # where "not placed" sits in a student's list: below everything


# -- independent reference computations ------------------------------------------------


def position(preferences: tuple[str, ...], choice: str | None) -> float:
    """How far down `preferences` `choice` is (lower is better)."""
    return UNPLACED if choice is None else preferences.index(choice)


def options(instance: AllocationInstance, student: Student) -> list[str | None]:
    """Where the student may be placed: workplaces with seats that rank them back."""
    ranks_back = {w.id for w in instance.workplaces if w.capacity and student.id in w.preferences}
    return [None, *(w for w in student.preferences if w in ranks_back)]


def is_matching(instance: AllocationInstance, assignment: Assignment) -> bool:
    """Every student once, only mutually acceptable pairs, no workplace over capacity."""
    if list(assignment) != [s.id for s in instance.students]:
        return False
    workplaces = {w.id: w for w in instance.workplaces}
    students = {s.id: s for s in instance.students}
    for sid, wid in assignment.items():
        if wid is not None and (
            wid not in students[sid].preferences or sid not in workplaces[wid].preferences
        ):
            return False
    seats_taken = Counter(w for w in assignment.values() if w is not None)
    return all(seats_taken[w.id] <= w.capacity for w in instance.workplaces)


def blocking_pairs(instance: AllocationInstance, assignment: Assignment) -> list[tuple[str, str]]:
    """Pairs (s, w) that would both rather have each other, by the definition."""
    pairs = []
    for student in instance.students:
        here = assignment[student.id]
        for workplace in instance.workplaces:
            if student.id not in workplace.preferences or workplace.id not in student.preferences:
                continue
            if position(student.preferences, workplace.id) >= position(student.preferences, here):
                continue
            mine = [s for s, w in assignment.items() if w == workplace.id]
            has_free_seat = len(mine) < workplace.capacity
            prefers_to_one = any(
                workplace.preferences.index(student.id) < workplace.preferences.index(other)
                for other in mine
            )
            if has_free_seat or prefers_to_one:
                pairs.append((student.id, workplace.id))
    return pairs


def stable_matchings(instance: AllocationInstance) -> list[dict[str, str | None]]:
    """Every stable matching, by trying every matching."""
    ids = [s.id for s in instance.students]
    found = []
    for choice in itertools.product(*(options(instance, s) for s in instance.students)):
        assignment = dict(zip(ids, choice, strict=True))
        if is_matching(instance, assignment) and not blocking_pairs(instance, assignment):
            found.append(assignment)
    return found


# -- properties ------------------------------------------------------------------------


@given(instances())
def test_the_result_is_a_matching(instance: AllocationInstance) -> None:
    allocation = allocate(instance)
    assert is_matching(instance, allocation.assignment)
    assert list(allocation.by_workplace) == [w.id for w in instance.workplaces]
    for workplace in instance.workplaces:
        placed = [s for s, w in allocation.assignment.items() if w == workplace.id]
        # in the workplace's own order
        assert list(allocation.by_workplace[workplace.id]) == sorted(
            placed, key=workplace.preferences.index
        )


@given(instances(max_students=10, max_workplaces=5))
def test_no_pair_blocks_the_result(instance: AllocationInstance) -> None:
    assert blocking_pairs(instance, allocate(instance).assignment) == []


@given(
    st.one_of(
        instances(max_students=5, max_workplaces=3, min_students=2, min_workplaces=2),
        contested_instances(),
    )
)
def test_every_student_does_at_least_as_well_as_in_any_stable_matching(
    instance: AllocationInstance,
) -> None:
    ours = allocate(instance).assignment
    stable = stable_matchings(instance)
    # Only an instance with several stable matchings tells student-optimal from stable.
    target(float(len(stable)), label="stable matchings")
    assert dict(ours) in stable
    for other in stable:
        for student in instance.students:
            assert position(student.preferences, ours[student.id]) <= position(
                student.preferences, other[student.id]
            )


@given(st.data(), instances())
def test_the_order_of_the_input_does_not_matter(
    data: st.DataObject, instance: AllocationInstance
) -> None:
    first = allocate(instance)
    assert allocate(instance) == first
    again = allocate(data.draw(shuffled(instance)))
    assert dict(again.assignment) == dict(first.assignment)
    assert dict(again.by_workplace) == dict(first.by_workplace)


@given(st.data(), instances(max_students=6, max_workplaces=4))
def test_no_student_gains_by_reporting_another_list(
    data: st.DataObject, instance: AllocationInstance
) -> None:
    if not instance.students:
        return
    i = data.draw(st.integers(0, len(instance.students) - 1))
    truth = instance.students[i]
    workplace_ids = [w.id for w in instance.workplaces]
    report = data.draw(st.permutations(workplace_ids))[
        : data.draw(st.integers(0, len(workplace_ids)))
    ]
    lying = AllocationInstance(
        (*instance.students[:i], Student(truth.id, tuple(report)), *instance.students[i + 1 :]),
        instance.workplaces,
    )
    honest = allocate(instance).assignment[truth.id]
    dishonest = allocate(lying).assignment[truth.id]
    # A workplace the student did not really list is worth no more than no place.
    worth = position(truth.preferences, dishonest) if dishonest in truth.preferences else UNPLACED
    assert position(truth.preferences, honest) <= worth


# -- examples --------------------------------------------------------------------------


def test_students_get_their_optimal_stable_matching_not_the_workplaces() -> None:
    # Two stable matchings: each student at their first choice, or each workplace at its.
    instance = AllocationInstance(
        (Student("ann", ("w1", "w2")), Student("bo", ("w2", "w1"))),
        (Workplace("w1", 1, ("bo", "ann")), Workplace("w2", 1, ("ann", "bo"))),
    )
    assert dict(allocate(instance).assignment) == {"ann": "w1", "bo": "w2"}


def test_a_worked_example() -> None:
    instance = AllocationInstance(
        (
            Student("a", ("x", "y")),
            Student("b", ("x",)),
            Student("c", ("x", "y")),
            Student("d", ("y",)),
            Student("e", ()),
        ),
        (Workplace("x", 1, ("c", "a", "b")), Workplace("y", 2, ("a", "d", "c"))),
    )
    allocation = allocate(instance)
    # a is held at x, displaced by c, and goes to y; x ranks b below both and b lists
    # nothing else; e lists nothing.
    assert dict(allocation.assignment) == {"a": "y", "b": None, "c": "x", "d": "y", "e": None}
    assert dict(allocation.by_workplace) == {"x": ("c",), "y": ("a", "d")}
    assert allocation.to_json() == {
        "assignment": {"a": "y", "b": None, "c": "x", "d": "y", "e": None}
    }


def test_a_workplace_that_does_not_rank_a_student_never_takes_them() -> None:
    instance = AllocationInstance(
        (Student("s", ("w1", "w2", "w3")),),
        (Workplace("w1", 5, ()), Workplace("w2", 0, ("s",)), Workplace("w3", 1, ("s",))),
    )
    assert dict(allocate(instance).assignment) == {"s": "w3"}


def test_an_empty_instance_has_an_empty_allocation() -> None:
    allocation = allocate(AllocationInstance((), ()))
    assert allocation == Allocation({}, {})
    assert allocation.to_json() == {"assignment": {}}


def test_the_allocation_cannot_be_changed() -> None:
    allocation = allocate(AllocationInstance((Student("s", ("w",)),), (Workplace("w", 1, ("s",)),)))
    with pytest.raises(TypeError):
        allocation.assignment["s"] = None  # type: ignore[index]


# -- bad instances ---------------------------------------------------------------------


def good_json() -> dict[str, Any]:
    return {
        "students": [
            {"id": "s1", "preferences": ["w1", "w2"]},
            {"id": "s2", "preferences": ["w1"]},
        ],
        "workplaces": [
            {"id": "w1", "capacity": 1, "preferences": ["s2", "s1"]},
            {"id": "w2", "capacity": 2, "preferences": ["s1"]},
        ],
    }


def with_change(path: str, value: object) -> dict[str, Any]:
    """`good_json()` with the value at a dotted path (list indices as numbers) replaced,
    or removed when `value` is `REMOVE`."""
    data = good_json()
    *parents, last = path.split(".")
    node: Any = data
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    key: Any = int(last) if isinstance(node, list) else last
    if value is REMOVE:
        del node[key]
    else:
        node[key] = value
    return data


REMOVE = object()
BAD_INSTANCES = [
    pytest.param([], "instance: must be a JSON object, got an array", id="not-an-object"),
    pytest.param(
        with_change("workplaces", REMOVE), "instance: missing key 'workplaces'", id="no-workplaces"
    ),
    pytest.param(
        with_change("students", {}), "students: must be a JSON array, got an object", id="students"
    ),
    pytest.param(
        with_change("students.0", "s1"),
        "students[0]: must be a JSON object, got a string",
        id="student-not-object",
    ),
    pytest.param(
        with_change("students.1.preferences", REMOVE),
        "students[1]: missing key 'preferences'",
        id="no-preferences",
    ),
    pytest.param(
        with_change("workplaces.0.capacity", REMOVE),
        "workplaces[0]: missing key 'capacity'",
        id="no-capacity",
    ),
    pytest.param(
        with_change("students.0.preferences", "w1"),
        "students[0].preferences: must be a JSON array, got a string",
        id="preferences-a-string",
    ),
    pytest.param(
        with_change("students.0.id", 7),
        "students[0].id: must be a non-empty string, got an integer (7); ids are strings: "
        'write "7"',
        id="integer-id",
    ),
    pytest.param(
        with_change("students.0.id", ""),
        "students[0].id: must be a non-empty string, got a string",
        id="empty-id",
    ),
    pytest.param(
        with_change("workplaces.1.id", None),
        "workplaces[1].id: must be a non-empty string, got null",
        id="null-id",
    ),
    pytest.param(
        with_change("students.1.id", "s1"),
        "students[1].id: duplicate student id 's1' (also students[0])",
        id="duplicate-student",
    ),
    pytest.param(
        with_change("workplaces.1.id", "w1"),
        "workplaces[1].id: duplicate workplace id 'w1' (also workplaces[0])",
        id="duplicate-workplace",
    ),
    pytest.param(
        with_change("students.0.preferences.1", "w9"),
        "students[0].preferences[1]: unknown workplace id 'w9'",
        id="unknown-workplace",
    ),
    pytest.param(
        with_change("workplaces.0.preferences.0", "s9"),
        "workplaces[0].preferences[0]: unknown student id 's9'",
        id="unknown-student",
    ),
    pytest.param(
        with_change("students.0.preferences.1", "w1"),
        "students[0].preferences[1]: workplace id 'w1' is ranked twice",
        id="repeat-in-student-list",
    ),
    pytest.param(
        with_change("workplaces.0.preferences.1", "s2"),
        "workplaces[0].preferences[1]: student id 's2' is ranked twice",
        id="repeat-in-workplace-list",
    ),
    pytest.param(
        with_change("workplaces.0.preferences.0", 2),
        "workplaces[0].preferences[0]: must be a student id (a string), got an integer (2)",
        id="integer-in-list",
    ),
    pytest.param(
        with_change("students.0.preferences.0", ["w1"]),
        "students[0].preferences[0]: must be a workplace id (a string), got an array",
        id="array-in-list",
    ),
    pytest.param(
        with_change("workplaces.0.capacity", -1),
        "workplaces[0].capacity: must be a whole number, 0 or more, got an integer (-1)",
        id="negative-capacity",
    ),
    pytest.param(
        with_change("workplaces.0.capacity", 1.5),
        "workplaces[0].capacity: must be a whole number, 0 or more, got a number (1.5)",
        id="fractional-capacity",
    ),
    pytest.param(
        with_change("workplaces.0.capacity", 2.0),
        "workplaces[0].capacity: must be a whole number, 0 or more, got a number (2.0)",
        id="float-capacity",
    ),
    pytest.param(
        with_change("workplaces.0.capacity", True),
        "workplaces[0].capacity: must be a whole number, 0 or more, got a boolean (true)",
        id="boolean-capacity",
    ),
    pytest.param(
        with_change("workplaces.0.capacity", "3"),
        "workplaces[0].capacity: must be a whole number, 0 or more, got a string",
        id="string-capacity",
    ),
]


@pytest.mark.parametrize(("data", "message"), BAD_INSTANCES)
def test_a_bad_instance_is_refused_with_where_and_why(data: object, message: str) -> None:
    with pytest.raises(InvalidInstanceError) as caught:
        AllocationInstance.from_json(data)
    assert str(caught.value).startswith(message)
    assert isinstance(caught.value, MatcherError)
    assert isinstance(caught.value, ValueError)


def test_extra_keys_are_ignored() -> None:
    data = with_change("students.0.name", "Ann")
    assert allocate(AllocationInstance.from_json(data)) == allocate(
        AllocationInstance.from_json(good_json())
    )


def test_the_python_types_are_checked_too() -> None:
    with pytest.raises(InvalidInstanceError, match=r"students\[0\]\.preferences: must be a tuple"):
        AllocationInstance((Student("s", ["w"]),), (Workplace("w", 1),))  # type: ignore[arg-type]
    with pytest.raises(InvalidInstanceError, match=r"workplaces\[0\]: must be a Workplace"):
        AllocationInstance((), (Student("w"),))  # type: ignore[arg-type]
    with pytest.raises(InvalidInstanceError, match=r"students: must be a tuple"):
        AllocationInstance([], ())  # type: ignore[arg-type]


# -- the command line, in this process ---------------------------------------------------


def write(path: Path, content: object) -> Path:
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content if isinstance(content, str) else json.dumps(content))
    return path


def test_the_command_line_writes_the_assignment(tmp_path: Path) -> None:
    source = write(tmp_path / "in.json", good_json())
    out = tmp_path / "out.json"
    assert main(["--instance", str(source), "--out", str(out)]) == 0
    assert json.loads(out.read_text()) == {"assignment": {"s1": "w2", "s2": "w1"}}


BAD_FILES = [
    pytest.param(b'{"students": [', "error: instance: not JSON: ", id="truncated"),
    pytest.param(b"", "error: instance: not JSON: ", id="empty"),
    pytest.param(b"\xff\xfe\x00", "error: instance: not JSON", id="not-utf8"),
    pytest.param(b"[" * 100_000, "error: instance: not JSON", id="deeply-nested"),
    pytest.param(
        b'{"students": [], "workplaces": [{"id": "w", "capacity": 1' + b"0" * 5000 + b"}]}",
        "error: instance: not JSON",
        id="huge-integer",
    ),
    pytest.param(
        b'{"students": [], "students": [], "workplaces": []}',
        "error: instance: key 'students' appears twice in one object",
        id="duplicate-key",
    ),
    *(
        pytest.param(json.dumps(p.values[0]).encode(), f"error: {p.values[1]}", id=p.id)
        for p in BAD_INSTANCES
    ),
]


@pytest.mark.parametrize(("content", "message"), BAD_FILES)
def test_the_command_line_refuses_a_bad_instance_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, message: str
) -> None:
    source = write(tmp_path / "in.json", content)
    out = tmp_path / "out.json"
    assert main(["--instance", str(source), "--out", str(out)]) == EXIT_INVALID
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(message)
    assert captured.err.count("\n") == 1
    assert not out.exists()


def test_the_command_line_says_when_a_file_cannot_be_read_or_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write(tmp_path / "in.json", good_json())
    missing = tmp_path / "missing.json"
    assert main(["--instance", str(missing), "--out", str(tmp_path / "out.json")]) == 2
    assert capsys.readouterr().err == f"error: cannot read {missing}: No such file or directory\n"
    assert main(["--instance", str(tmp_path), "--out", str(tmp_path / "out.json")]) == 2
    assert capsys.readouterr().err.startswith(f"error: cannot read {tmp_path}: ")
    assert main(["--instance", str(source), "--out", str(tmp_path)]) == 2
    assert capsys.readouterr().err.startswith(f"error: cannot write {tmp_path}: ")


# -- the command line, as a program --------------------------------------------------------


def run_together(
    runs: dict[str, tuple[list[str], bytes]],
) -> dict[str, tuple[int, str, str]]:
    """Run `python -m matcher.allocation` once per entry (arguments, standard input), all
    at the same time (each pays the interpreter's start-up, not each in turn); return
    each one's exit status, standard output and standard error."""
    started = {
        name: subprocess.Popen(
            [sys.executable, "-m", "matcher.allocation", *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=ROOT,
        )
        for name, (args, _) in runs.items()
    }
    results = {}
    for name, process in started.items():
        stdout, stderr = process.communicate(runs[name][1], timeout=60)
        results[name] = (process.returncode, stdout.decode(), stderr.decode())
    return results


def test_the_program_answers_on_the_contract(tmp_path: Path) -> None:
    data = {
        "students": [
            {"id": "Zoë", "preferences": ["bakkerij één", "garage"]},
            {"id": "Jonas 2", "preferences": ["bakkerij één"]},
            {"id": "Lotte", "preferences": []},
        ],
        "workplaces": [
            {"id": "bakkerij één", "capacity": 1, "preferences": ["Jonas 2", "Zoë"]},
            {"id": "garage", "capacity": 0, "preferences": ["Zoë"]},
        ],
    }
    source = write(tmp_path / "in.json", data)
    out = tmp_path / "out.json"
    results = run_together(
        {
            "files": (["--instance", str(source), "--out", str(out)], b""),
            "pipes": (["--instance", "-", "--out", "-"], json.dumps(good_json()).encode()),
        }
    )
    assert results["files"] == (0, "", "")
    assert json.loads(out.read_text(encoding="utf-8")) == {
        "assignment": {"Zoë": None, "Jonas 2": "bakkerij één", "Lotte": None}
    }
    status, stdout, stderr = results["pipes"]
    assert (status, stderr) == (0, "")
    assert json.loads(stdout) == {"assignment": {"s1": "w2", "s2": "w1"}}


def test_the_program_refuses_bad_input_without_a_traceback(tmp_path: Path) -> None:
    def instance(name: str, content: object) -> str:
        return str(write(tmp_path / f"{name}.json", content))

    out = str(tmp_path / "out.json")
    missing = str(tmp_path / "missing.json")
    cases = {
        "not JSON": (
            ["--instance", instance("text", "not json"), "--out", out],
            "error: instance: not JSON: Expecting value (line 1, column 1)\n",
        ),
        "integer id": (
            ["--instance", instance("integer", with_change("students.0.id", 7)), "--out", out],
            "error: students[0].id: must be a non-empty string, got an integer (7); "
            'ids are strings: write "7"\n',
        ),
        "unknown id": (
            [
                "--instance",
                instance("unknown", with_change("workplaces.0.preferences.0", "s9")),
                "--out",
                out,
            ],
            "error: workplaces[0].preferences[0]: unknown student id 's9'\n",
        ),
        "negative capacity": (
            [
                "--instance",
                instance("negative", with_change("workplaces.0.capacity", -1)),
                "--out",
                out,
            ],
            "error: workplaces[0].capacity: must be a whole number, 0 or more, "
            "got an integer (-1)\n",
        ),
        "deeply nested": (
            ["--instance", instance("nested", b"[" * 100_000), "--out", out],
            "error: instance: not JSON we can read: ",
        ),
        "missing file": (
            ["--instance", missing, "--out", out],
            f"error: cannot read {missing}: No such file or directory\n",
        ),
    }
    results = run_together(
        {name: (args, b"") for name, (args, _) in cases.items()}
        | {"missing argument": (["--instance", missing], b"")}
    )
    for name, (_, expected) in cases.items():
        status, stdout, stderr = results[name]
        assert (status, stdout) == (EXIT_INVALID, ""), name
        assert stderr.startswith(expected), (name, stderr)
        assert stderr.count("\n") == 1, (name, stderr)
    assert not Path(out).exists()
    # argparse's own answer: a usage line, then the error
    status, _, stderr = results["missing argument"]
    assert status == EXIT_INVALID
    assert stderr.endswith("error: the following arguments are required: --out\n")
    assert all("Traceback" not in stderr for _, _, stderr in results.values())
