"""The cohort allocation service (web/services/allocation.py) on a real database.

Where the rankings come from (a student's marks first, then the engine's suggestions; a
workplace's intake preferences, then the lottery), who is left out and why, a stored run
that solves again to the same lines, a lottery that repeats from its seed, and turning
lines into proposals by the rules of a proposal made by hand, all or none, once each.
"""

import uuid
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from matcher import Gazetteer, IntakePreferences
from models import (
    Agreement,
    AllocationLine,
    AllocationRun,
    Intake,
    OutboxMessage,
    Postcode,
    Recognition,
    School,
    Student,
    StudentInterest,
    User,
)
from models.allocation import Placement
from models.base import BELGIUM, today_in_belgium
from models.calendar import add_working_days
from models.enums import AgreementType, IntakeStatus, Role
from models.rules import add_years
from tests import factories
from web.services import allocation, students
from web.services.allocation import ProposalsRefusedError, ProposalTerms
from web.services.errors import ConflictError, InputError, NotFoundError
from web.services.geography import build_gazetteer
from web.services.policy import Party
from web.services.search import build_index_state
from web.services.search_index import IndexState
from web.settings import IntakeSettings, SearchSettings

RULES = IntakeSettings()
TODAY = today_in_belgium()
NOW = datetime.now(UTC)


def link(endpoint: str, **values: Any) -> str:
    return "/".join([endpoint, *(str(v) for v in values.values())])


# --- The world: a school in Kortrijk, its coach, workplaces nearby ----------------------


@dataclass
class World:
    session: Session
    school: School
    coach: User
    gazetteer: Gazetteer

    @property
    def party(self) -> Party:
        return Party(Role.SCHOOL_STAFF, school_id=self.school.id, user_id=self.coach.id)

    @property
    def programme_id(self) -> int:
        return factories.programme(self.session).id

    def student(self, **fields: Any) -> Student:
        values: dict[str, Any] = {"school": self.school, "is_ready_for_work": True}
        values.update(fields)
        return factories.student(self.session, **values)

    def workplace(self, postcode: str = "8500", **fields: Any) -> Recognition:
        """A recognised workplace with a free place, confirmed yesterday."""
        row = self.session.get(Postcode, postcode)
        assert row is not None
        company = factories.company(self.session, email=f"info{uuid.uuid4().hex[:6]}@x.be")
        site = factories.site(
            self.session, owner=company, postcode=postcode, lat=row.lat, lon=row.lon
        )
        values: dict[str, Any] = {"last_confirmed_at": NOW - timedelta(days=1)}
        values.update(fields)
        return factories.recognition(self.session, at=site, **values)

    def index(self) -> IndexState:
        self.session.flush()
        return build_index_state(self.session, 0, SearchSettings())

    def run(self, students: list[Student], seed: str = "seed", **kwargs: Any) -> AllocationRun:
        return allocation.run_allocation(
            self.session,
            kwargs.pop("party", self.party),
            kwargs.pop("programme_id", self.programme_id),
            [s.id for s in students],
            state=self.index(),
            gazetteer=self.gazetteer,
            today=TODAY,
            now=NOW,
            rules=kwargs.pop("rules", RULES),
            seed=seed,
        )


@pytest.fixture(scope="module")
def gazetteer(engine: Any) -> Gazetteer:
    with Session(engine) as session:
        return build_gazetteer(session)


@pytest.fixture
def world(session: Session, gazetteer: Gazetteer) -> World:
    school = factories.school(session, name="VTI Kortrijk", email="vti@school.be")
    coach = factories.user(session, Role.SCHOOL_STAFF, school, name="Sofie Claeys")
    return World(session, school, coach, gazetteer)


def line_of(run: AllocationRun, student: Student) -> AllocationLine:
    (line,) = [ln for ln in run.lines if ln.student_id == student.id]
    return line


def placed(run: AllocationRun) -> dict[int, int | None]:
    return {ln.student_id: ln.recognition_id for ln in run.lines}


def terms(**changes: Any) -> ProposalTerms:
    deadline = add_working_days(TODAY, 5)
    moment = datetime(deadline.year, deadline.month, deadline.day, 10, tzinfo=BELGIUM)
    return replace(
        ProposalTerms(slots=(moment + timedelta(days=3),), respond_by=deadline), **changes
    )


# --- Where the rankings come from ---------------------------------------------------------


def test_a_student_ranks_their_marks_first_in_the_order_they_marked_them(world: World) -> None:
    near, middle, far = world.workplace("8500"), world.workplace("8530"), world.workplace("8800")
    lotte = world.student()
    for i, marked in enumerate((far, middle)):
        world.session.add(
            StudentInterest(
                student_id=lotte.id,
                recognition_id=marked.id,
                created_at=NOW - timedelta(days=10 - i),
            )
        )

    run = world.run([lotte])

    (student,) = run.instance["students"]
    assert student["preferences"][:3] == [str(far.id), str(middle.id), str(near.id)]
    line = line_of(run, lotte)
    assert (line.placement, line.recognition_id, line.student_rank) == (Placement.PLACED, far.id, 1)


def test_without_marks_a_student_ranks_by_the_engines_score(world: World) -> None:
    near, far = world.workplace("8500"), world.workplace("8800")
    run = world.run([world.student()])
    (student,) = run.instance["students"]
    assert student["preferences"] == [str(near.id), str(far.id)]


def test_only_workplaces_with_a_free_place_for_the_programme_are_ranked(world: World) -> None:
    full = world.workplace(n_free_places=0)
    other_programme = world.workplace(
        programme=factories.programme(world.session, "logistiek-duaal")
    )
    expired = world.workplace(valid_until=TODAY)
    open_one = world.workplace()
    lotte = world.student()
    for marked in (full, other_programme, expired):
        world.session.add(StudentInterest(student_id=lotte.id, recognition_id=marked.id))

    run = world.run([lotte])

    assert run.instance["students"][0]["preferences"] == [str(open_one.id)]
    assert [w["id"] for w in run.instance["workplaces"]] == [str(open_one.id)]


def test_a_workplace_that_already_has_the_students_proposal_is_left_out(world: World) -> None:
    taken, other = world.workplace(), world.workplace("8530")
    lotte = world.student()
    world.session.add(
        Intake(student_id=lotte.id, recognition_id=taken.id, respond_by=add_working_days(TODAY, 5))
    )
    world.session.add(StudentInterest(student_id=lotte.id, recognition_id=taken.id))

    run = world.run([lotte])

    assert run.instance["students"][0]["preferences"] == [str(other.id)]


def test_a_workplace_ranks_first_who_meets_its_intake_preferences(world: World) -> None:
    workplace = world.workplace(intake_preferences=IntakePreferences(min_age=18))
    young = world.student(birth_date=add_years(TODAY, -16))
    adult = world.student(birth_date=add_years(TODAY, -19))
    for seed in ("a", "b", "c", "d"):  # whatever the lottery says
        run = world.run([young, adult], seed=seed)
        assert run.instance["workplaces"][0]["preferences"] == [str(adult.id), str(young.id)]
        assert line_of(run, adult).recognition_id == workplace.id
        assert line_of(run, young).placement is Placement.OUTRANKED
        assert line_of(run, adult).misfits == []


def test_a_placed_student_who_misses_a_preference_sees_which(world: World) -> None:
    workplace = world.workplace(intake_preferences=IntakePreferences(min_age=18))
    young = world.student(birth_date=add_years(TODAY, -16))
    line = line_of(world.run([young]), young)
    assert line.recognition_id == workplace.id
    assert line.misfits == [["min_age", 18]]


def test_capacity_is_the_workplaces_free_places(world: World) -> None:
    workplace = world.workplace(n_places=3, n_free_places=2)
    students = [world.student() for _ in range(3)]
    run = world.run(students)
    assert run.instance["workplaces"][0]["capacity"] == 2
    assert sum(1 for ln in run.lines if ln.recognition_id == workplace.id) == 2
    (left,) = [ln for ln in run.lines if ln.recognition_id is None]
    assert left.placement is Placement.OUTRANKED
    assert left.lottery == 3  # the tie went by the lottery: the last number lost


# --- Who is not placed, and why -------------------------------------------------------------


def test_students_who_cannot_have_a_proposal_are_not_placed_and_say_why(world: World) -> None:
    workplaces = [world.workplace() for _ in range(4)]
    not_ready = world.student(is_ready_for_work=False)
    at_limit = world.student()
    for w in workplaces[:3]:
        world.session.add(
            Intake(
                student_id=at_limit.id, recognition_id=w.id, respond_by=add_working_days(TODAY, 5)
            )
        )
    left = world.student(left_on=TODAY - timedelta(days=3))
    agreed = world.student()
    world.session.add(
        Agreement(
            student_id=agreed.id,
            recognition_id=workplaces[0].id,
            agreement_type=AgreementType.OAO,
            start_date=TODAY,
            end_date=TODAY + timedelta(days=365),
            weekly_workplace_hours=24,
        )
    )
    far_away = world.student(home_postcode="3600")  # Genk: nothing within reach, no marks

    run = world.run([not_ready, at_limit, left, agreed, far_away])

    assert {ln.student_id: ln.placement for ln in run.lines} == {
        not_ready.id: Placement.NOT_READY,
        at_limit.id: Placement.OPEN_LIMIT,
        left.id: Placement.LEFT_SCHOOL,
        agreed.id: Placement.HAS_AGREEMENT,
        far_away.id: Placement.NO_CHOICES,
    }
    assert run.instance["students"] == [{"id": str(far_away.id), "preferences": []}]


def test_the_default_selection_leaves_out_who_left_or_has_an_agreement(world: World) -> None:
    stays, left = world.student(), world.student(left_on=TODAY)
    members = {
        m.student.id: m
        for m in allocation.cohort(world.session, world.party, world.programme_id, TODAY)
    }
    assert members[stays.id].is_default
    assert not members[left.id].is_default


def test_only_the_schools_students_of_the_programme_can_be_allocated(world: World) -> None:
    world.workplace()
    mine = world.student()
    other_school = factories.student(world.session, is_ready_for_work=True)
    other_programme = world.student(programme=factories.programme(world.session, "logistiek-duaal"))
    for wrong in (other_school, other_programme):
        with pytest.raises(InputError) as refused:
            world.run([mine, wrong])
        assert refused.value.field == "students"
    with pytest.raises(InputError) as refused:
        world.run([])
    assert refused.value.field == "students"
    with pytest.raises(InputError) as refused:
        world.run([mine], programme_id=factories.programme(world.session, "ruwbouw-duaal").id)
    assert refused.value.field == "programme"


def test_only_a_coach_runs_an_allocation(world: World) -> None:
    with pytest.raises(NotFoundError):
        world.run([world.student()], party=Party.of_company(1))


# --- A stored run -----------------------------------------------------------------------------


def stable(run: AllocationRun) -> bool:
    """No student and workplace of the stored instance both prefer each other."""
    assignment = allocation.solve_again(run)
    capacity = {int(w["id"]): w["capacity"] for w in run.instance["workplaces"]}
    ranks = {int(w["id"]): [int(s) for s in w["preferences"]] for w in run.instance["workplaces"]}
    held = {w: [s for s, at in assignment.items() if at == w] for w in capacity}
    for student in run.instance["students"]:
        s = int(student["id"])
        choices = [int(w) for w in student["preferences"]]
        better = choices if assignment[s] is None else choices[: choices.index(assignment[s])]
        for w in better:
            if s in ranks[w] and (
                len(held[w]) < capacity[w]
                or any(ranks[w].index(s) < ranks[w].index(other) for other in held[w])
            ):
                return False
    return True


def test_a_stored_run_solves_again_to_its_lines_and_is_stable(world: World) -> None:
    workplaces = [
        world.workplace(pc, n_places=2, n_free_places=n)
        for pc, n in (("8500", 1), ("8530", 2), ("8800", 1))
    ]
    students = [
        world.student(home_postcode=pc) for pc in ("8500", "8500", "8530", "8800", "8500", "8501")
    ]
    world.session.add(StudentInterest(student_id=students[3].id, recognition_id=workplaces[0].id))

    run = world.run(students)
    world.session.expire_all()
    stored = world.session.get(AllocationRun, run.id)
    assert stored is not None

    again = allocation.solve_again(stored)
    assert {s: r for s, r in again.items()} == {
        ln.student_id: ln.recognition_id
        for ln in stored.lines
        if ln.placement in (Placement.PLACED, Placement.OUTRANKED)
    }
    assert stable(stored)
    for workplace in workplaces:
        assert (
            sum(1 for ln in stored.lines if ln.recognition_id == workplace.id)
            <= workplace.n_free_places
        )
    for ln in stored.lines:
        if ln.recognition_id is not None:
            student = next(s for s in stored.instance["students"] if s["id"] == str(ln.student_id))
            assert student["preferences"][ln.student_rank - 1] == str(ln.recognition_id)
            assert ln.n_choices == len(student["preferences"])
            workplace = next(
                w for w in stored.instance["workplaces"] if w["id"] == str(ln.recognition_id)
            )
            assert workplace["preferences"][ln.workplace_rank - 1] == str(ln.student_id)
            assert ln.n_applicants == len(workplace["preferences"])


def test_the_lottery_repeats_from_its_seed_and_keeps_each_ticket(world: World) -> None:
    assert allocation.lottery("s33d", [5, 9, 12]) == allocation.lottery("s33d", [12, 5, 9])
    numbers = allocation.lottery("s33d", [5, 9, 12, 40])
    order = sorted([5, 9, 12], key=numbers.__getitem__)
    # A student's ticket does not depend on who else takes part.
    assert sorted([5, 9, 12], key=allocation.lottery("s33d", [5, 9, 12]).__getitem__) == order
    assert set(allocation.lottery(allocation.new_seed(), [1, 2, 3]).values()) == {1, 2, 3}


def test_the_same_seed_gives_the_same_run_and_another_may_break_the_tie_otherwise(
    world: World,
) -> None:
    workplace = world.workplace()  # one free place, two students it likes equally
    first, second = world.student(), world.student()

    winners = {}
    for seed in (f"seed-{i}" for i in range(12)):
        run = world.run([first, second], seed=seed)
        assert placed(run) == placed(world.run([first, second], seed=seed))
        (winner,) = [s for s, r in placed(run).items() if r == workplace.id]
        assert line_of(run, first if winner == first.id else second).lottery == 1
        winners[seed] = winner
    assert set(winners.values()) == {first.id, second.id}


def test_a_run_sends_nothing(world: World) -> None:
    world.workplace()
    world.run([world.student(), world.student()])
    assert world.session.scalar(select(func.count()).select_from(Intake)) == 0
    assert world.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_another_schools_run_is_not_found(world: World) -> None:
    world.workplace()
    run = world.run([world.student()])
    other = factories.school(world.session)
    coach = factories.user(world.session, Role.SCHOOL_STAFF, other)
    stranger = Party(Role.SCHOOL_STAFF, school_id=other.id, user_id=coach.id)
    with pytest.raises(NotFoundError):
        allocation.find_run(world.session, stranger, run.id)
    with pytest.raises(NotFoundError):
        allocation.propose_lines(
            world.session, stranger, run.id, [run.lines[0].id], terms(), NOW, RULES, link
        )
    assert allocation.list_runs(world.session, stranger) == []


def test_erasing_a_student_removes_their_lines(world: World) -> None:
    for postcode in ("8500", "8530"):
        world.workplace(postcode)
    lotte, noor = world.student(), world.student(home_postcode="8530")
    run = world.run([lotte, noor])
    made = allocation.propose_lines(
        world.session, world.party, run.id, [line_of(run, lotte).id], terms(), NOW, RULES, link
    )

    students.erase_student(world.session, world.party, lotte.id)

    world.session.expire_all()
    stored = world.session.get(AllocationRun, run.id)
    assert stored is not None
    assert [ln.student_id for ln in stored.lines] == [noor.id]
    assert world.session.get(Intake, made[0].id) is not None  # kept, without the student


# --- From lines to proposals -----------------------------------------------------------------


def test_ticked_lines_become_proposals_to_their_workplaces(world: World) -> None:
    a, b = world.workplace(), world.workplace("8530")
    lotte, noor = world.student(), world.student(home_postcode="8530")
    run = world.run([lotte, noor])

    made = allocation.propose_lines(
        world.session, world.party, run.id, [ln.id for ln in run.lines], terms(), NOW, RULES, link
    )

    assert {(i.student_id, i.recognition_id, i.status) for i in made} == {
        (lotte.id, a.id, IntakeStatus.PROPOSED),
        (noor.id, b.id, IntakeStatus.PROPOSED),
    }
    world.session.expire_all()
    assert {ln.intake_id for ln in world.session.get(AllocationRun, run.id).lines} == {
        i.id for i in made
    }
    assert world.session.scalar(select(func.count()).select_from(OutboxMessage)) == 2


def test_a_line_becomes_a_proposal_once(world: World) -> None:
    world.workplace()
    run = world.run([world.student()])
    lines = [run.lines[0].id]
    allocation.propose_lines(world.session, world.party, run.id, lines, terms(), NOW, RULES, link)
    with pytest.raises(ConflictError):
        allocation.propose_lines(
            world.session, world.party, run.id, lines, terms(), NOW, RULES, link
        )
    assert world.session.scalar(select(func.count()).select_from(Intake)) == 1


def test_the_rules_of_a_proposal_apply_to_each_line_and_none_is_made_if_one_fails(
    world: World,
) -> None:
    for postcode in ("8500", "8530"):
        world.workplace(postcode)
    lotte, noor = world.student(), world.student(home_postcode="8530")
    run = world.run([lotte, noor])
    noor.is_ready_for_work = False  # the class council changed its mind after the run
    world.session.flush()

    with pytest.raises(ProposalsRefusedError) as refused:
        allocation.propose_lines(
            world.session,
            world.party,
            run.id,
            [ln.id for ln in run.lines],
            terms(),
            NOW,
            RULES,
            link,
        )

    assert set(refused.value.lines) == {line_of(run, noor).id}
    assert "aanloopfase" in str(refused.value.lines[line_of(run, noor).id])
    assert refused.value.terms == {}


def test_a_refused_term_is_said_once_for_all_lines(world: World) -> None:
    for postcode in ("8500", "8530"):
        world.workplace(postcode)
    run = world.run([world.student(), world.student(home_postcode="8530")])
    too_soon = terms(respond_by=TODAY + timedelta(days=1))

    with pytest.raises(ProposalsRefusedError) as refused:
        allocation.propose_lines(
            world.session,
            world.party,
            run.id,
            [ln.id for ln in run.lines],
            too_soon,
            NOW,
            RULES,
            link,
        )

    assert set(refused.value.terms) == {"respond_by"}
    assert refused.value.lines == {}


def test_only_placed_lines_of_the_run_can_be_proposed(world: World) -> None:
    world.workplace()
    lotte, waiting = world.student(), world.student(is_ready_for_work=False)
    run = world.run([lotte, waiting])
    other_run = world.run([lotte])
    for wrong in ([], [line_of(run, waiting).id], [other_run.lines[0].id]):
        with pytest.raises(InputError) as refused:
            allocation.propose_lines(
                world.session, world.party, run.id, wrong, terms(), NOW, RULES, link
            )
        assert refused.value.field == "lines"


def test_a_student_never_exceeds_the_open_proposal_limit_through_a_run(world: World) -> None:
    world.workplace()
    lotte = world.student()
    run = world.run([lotte])
    for _ in range(RULES.max_open_per_student):  # proposed by hand after the run
        world.session.add(
            Intake(
                student_id=lotte.id,
                recognition_id=world.workplace("8530").id,
                respond_by=add_working_days(TODAY, 5),
            )
        )
    world.session.flush()
    line = line_of(run, lotte)

    with pytest.raises(ProposalsRefusedError) as refused:
        allocation.propose_lines(
            world.session, world.party, run.id, [line.id], terms(), NOW, RULES, link
        )

    assert "openstaande voorstellen" in str(refused.value.lines[line.id])
