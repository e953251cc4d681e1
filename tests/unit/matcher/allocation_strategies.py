"""Hypothesis strategies for cohort allocation: small instances with the awkward cases.

`instances` have what a real cohort has: workplaces that rank only some of the students
who listed them, workplaces that rank students who did not list them, workplaces without
seats, and students with an empty list. `contested_instances` are tight markets with
several stable matchings. Both stay small, so that a test can try every matching.
"""

from hypothesis import strategies as st

from matcher.allocation import AllocationInstance, Student, Workplace

# Mostly one or two seats, so that students compete; sometimes none.
_capacities = st.sampled_from((1, 1, 2, 1, 0, 1, 3, 1, 2))

# How a workplace chooses whom to rank. "Against the grain" puts first the applicants who
# listed it lowest: rankings that cross the students' make several stable matchings,
# where student-optimality means something, and random ones rarely do in small markets.
_EVERY_APPLICANT, _SOME_APPLICANTS, _ANYONE = "every applicant", "some applicants", "anyone"
_AGAINST_THE_GRAIN = "against the grain"
_ways_of_ranking = st.sampled_from(
    (_EVERY_APPLICANT, _AGAINST_THE_GRAIN, _SOME_APPLICANTS, _AGAINST_THE_GRAIN, _ANYONE)
)


def _shuffle(draw: st.DrawFn, items: list[str]) -> list[str]:
    """`items` in a drawn order (by drawn keys: `st.permutations` mostly draws orders
    close to the given one, and agreeing rankings have a single stable matching)."""
    keys = draw(st.lists(st.integers(0, 9), min_size=len(items), max_size=len(items)))
    return [item for _, item in sorted(zip(keys, items, strict=True))]


@st.composite
def instances(
    draw: st.DrawFn,
    max_students: int = 7,
    max_workplaces: int = 4,
    min_students: int = 0,
    min_workplaces: int = 0,
) -> AllocationInstance:
    """An instance of up to `max_students` students and `max_workplaces` workplaces."""
    n_students = draw(st.integers(min_students, max_students))
    n_workplaces = draw(st.integers(min_workplaces, max_workplaces))
    student_ids = [f"s{i}" for i in range(n_students)]
    workplace_ids = [f"w{j}" for j in range(n_workplaces)]

    students = []
    for sid in student_ids:
        # Mostly full lists, where students compete; short and empty ones come too.
        order = _shuffle(draw, workplace_ids)
        n_left_out = draw(st.integers(0, n_workplaces)) if draw(st.booleans()) else 0
        students.append(Student(sid, tuple(order[: n_workplaces - n_left_out])))

    workplaces = []
    for wid in workplace_ids:
        order = _shuffle(draw, student_ids)
        way = draw(_ways_of_ranking)
        if way == _ANYONE:
            ranking = order[: draw(st.integers(0, n_students))]
        else:
            listed_by = {s.id for s in students if wid in s.preferences}
            ranking = [sid for sid in order if sid in listed_by]
            if way == _SOME_APPLICANTS:
                ranking = [sid for sid in ranking if draw(st.booleans())]
            elif way == _AGAINST_THE_GRAIN:
                where_listed = {
                    s.id: s.preferences.index(wid) for s in students if s.id in listed_by
                }
                ranking.sort(key=lambda sid: -where_listed[sid])
        workplaces.append(Workplace(wid, draw(_capacities), tuple(ranking)))
    return AllocationInstance(tuple(students), tuple(workplaces))


@st.composite
def contested_instances(draw: st.DrawFn, max_size: int = 4) -> AllocationInstance:
    """As many students as workplaces of one seat, everyone ranking everyone, the
    workplaces mostly against the grain: markets with several stable matchings."""
    n = draw(st.integers(2, max_size))
    student_ids = [f"s{i}" for i in range(n)]
    workplace_ids = [f"w{j}" for j in range(n)]
    students = tuple(Student(sid, tuple(_shuffle(draw, workplace_ids))) for sid in student_ids)
    workplaces = []
    for wid in workplace_ids:
        ranking = _shuffle(draw, student_ids)
        if draw(st.sampled_from((True, True, True, False))):
            ranking.sort(key=lambda sid: -students[int(sid[1:])].preferences.index(wid))
        workplaces.append(Workplace(wid, 1, tuple(ranking)))
    return AllocationInstance(students, tuple(workplaces))


@st.composite
def shuffled(draw: st.DrawFn, instance: AllocationInstance) -> AllocationInstance:
    """The same instance with its students and its workplaces listed in another order."""
    return AllocationInstance(
        tuple(draw(st.permutations(instance.students))),
        tuple(draw(st.permutations(instance.workplaces))),
    )
