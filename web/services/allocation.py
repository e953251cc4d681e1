"""Cohort allocation for a coach (DOMAIN.md, "Cohort allocation"; docs/allocation.md).

A coach picks a programme and some of its students; a run ranks both sides, finds the
student-optimal stable matching (`matcher.allocation.allocate`) and stores it, one line
per student. It sends nothing: the coach reviews the lines and ticks those that become
intake proposals, each made by `intakes.propose` as if by hand, all of them or none.

The rankings:

- a student ranks the workplaces they marked as interesting first, in the order they
  marked them, then the workplaces suggested for them (web/services/suggestions.py) by
  the engine's score; only workplaces recognised for the programme with a free place,
  and none the student went through already;
- a workplace ranks the students who listed it by how many of its intake preferences
  (minimum age, start months, languages, hours) each does not meet, fewest first, then
  by the run's lottery: one number per student, the same at every workplace, drawn from
  the run's stored seed, so that the run can be repeated and checked;
- a workplace takes as many students as it has free places.

Students without the class council's advice, at their limit of open proposals, with an
agreement, or who left the school are not placed, and their line says why.
"""

import hashlib
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.orm import Session, joinedload, selectinload

from matcher import Check, Gazetteer, InvalidQueryError, StudentWishes
from matcher.allocation import AllocationInstance, allocate
from matcher.reasons import preference_checks
from matcher.snapshot import hours_code, language_mask, month_mask
from models import (
    Agreement,
    AllocationLine,
    AllocationRun,
    Intake,
    Programme,
    Recognition,
    School,
    Site,
    Student,
    StudentInterest,
)
from models.allocation import Placement
from models.enums import OPEN_INTAKE_STATUSES, IntakeLocation, Role
from models.rules import age_on
from models.workplaces import valid_on
from web.services import intakes, policy
from web.services.errors import ConflictError, InputError, NotFoundError
from web.services.messages import Text, _l
from web.services.policy import Party
from web.services.search_index import IndexState
from web.services.suggestions import left_out_workplaces, suggest_workplaces
from web.settings import IntakeSettings

SUGGESTED = 10  # workplaces the engine adds to a student's list, after their own marks
SHOWN_RUNS = 10  # earlier runs listed on the coach's page
# A refusal of these fields concerns the terms shared by every ticked line, not one line.
TERMS_FIELDS = frozenset({"slots", "respond_by", "location_note", "note"})


# --- Who can be allocated ---------------------------------------------------------------


@dataclass(frozen=True)
class CohortMember:
    """A student of the programme, and what decides whether a run can place them."""

    student: Student
    n_open: int
    has_agreement: bool

    @property
    def is_default(self) -> bool:
        """Ticked when the page opens: still at the school and without an agreement."""
        return self.student.left_on is None and not self.has_agreement


def programmes_with_students(session: Session, party: Party) -> list[Programme]:
    """The programmes the school has students in, by study domain and name."""
    policy.require(party, Role.SCHOOL_STAFF)
    mine = policy.visible(party, Student).with_only_columns(Student.programme_id)
    return list(
        session.scalars(
            select(Programme)
            .where(Programme.id.in_(mine))
            .order_by(Programme.study_domain, Programme.name)
        )
    )


def cohort(session: Session, party: Party, programme_id: int, today: date) -> list[CohortMember]:
    """The school's students of a programme, by name, with their open proposals and
    whether an agreement runs."""
    policy.require(party, Role.SCHOOL_STAFF)
    students = list(
        session.scalars(
            policy.visible(party, Student)
            .where(Student.programme_id == programme_id)
            .options(joinedload(Student.programme))
            .order_by(Student.last_name, Student.first_name, Student.id)
        )
    )
    ids = [s.id for s in students]
    n_open = _open_proposals(session, ids)
    with_agreement = _with_agreement(session, ids, today)
    return [CohortMember(s, n_open.get(s.id, 0), s.id in with_agreement) for s in students]


def _open_proposals(session: Session, student_ids: Sequence[int]) -> dict[int, int]:
    rows = session.execute(
        select(Intake.student_id, func.count())
        .where(Intake.student_id.in_(student_ids), Intake.status.in_(OPEN_INTAKE_STATUSES))
        .group_by(Intake.student_id)
    )
    return {student_id: n for student_id, n in rows if student_id is not None}


def _with_agreement(session: Session, student_ids: Sequence[int], today: date) -> set[int]:
    """The students with an agreement that has not ended (signed, or to be signed)."""
    rows = session.scalars(
        select(Agreement.student_id).where(
            Agreement.student_id.in_(student_ids),
            func.coalesce(Agreement.ended_on, Agreement.end_date) >= today,
        )
    )
    return {student_id for student_id in rows if student_id is not None}


def why_not_placed(member: CohortMember, rules: IntakeSettings) -> Placement | None:
    """Why a run leaves a student out before ranking anything; None if it may place them."""
    if member.student.left_on is not None:
        return Placement.LEFT_SCHOOL
    if member.has_agreement:
        return Placement.HAS_AGREEMENT
    if not member.student.is_ready_for_work:
        return Placement.NOT_READY
    if member.n_open >= rules.max_open_per_student:
        return Placement.OPEN_LIMIT
    return None


# --- The lottery and the rankings ---------------------------------------------------------


def new_seed() -> str:
    """Draw a run's seed: 16 hexadecimal digits, stored with the run."""
    return secrets.token_hex(8)


def lottery(seed: str, student_ids: Iterable[int]) -> dict[int, int]:
    """Each student's number in a run's lottery, 1 first.

    A student's ticket is the SHA-256 of "seed:student id"; tickets in ascending order
    give the numbers. Anyone with the seed can recompute them, and a student's ticket
    does not depend on who else takes part.
    """
    tickets = sorted(
        (hashlib.sha256(f"{seed}:{student_id}".encode()).hexdigest(), student_id)
        for student_id in set(student_ids)
    )
    return {student_id: number for number, (_ticket, student_id) in enumerate(tickets, 1)}


def wishes_on(student: Student, day: date) -> StudentWishes:
    """The student's wishes with their age on `day` (left out if the engine refuses it)."""
    try:
        return replace(student.wishes, age=age_on(student.birth_date, day))
    except InvalidQueryError:
        return replace(student.wishes, age=None)


def misfits(recognition: Recognition, wishes: StudentWishes) -> tuple[Check, ...]:
    """The workplace's intake preferences the student does not meet: the search's checks
    of age, start months, languages and hours (not the student's own wishes)."""
    asked = recognition.intake_preferences
    checks = preference_checks(
        asked.min_age or 0,
        month_mask(asked.start_months),
        language_mask(asked.languages),
        hours_code(asked.hours_pattern),
        -1,  # the company's size is the student's wish, not the workplace's
        False,  # where the first interview is held asks nothing of the student
        wishes,
    )
    return tuple(check for check in checks if not check.fits)


def _student_choices(
    session: Session,
    party: Party,
    student: Student,
    state: IndexState,
    gazetteer: Gazetteer,
    today: date,
) -> list[int]:
    """The workplaces a student would go to, best first: their marks, then suggestions."""
    marked = session.scalars(
        select(StudentInterest.recognition_id)
        .where(StudentInterest.student_id == student.id)
        .order_by(StudentInterest.created_at, StudentInterest.recognition_id)
    ).all()
    skip = left_out_workplaces(session, party, student.id)
    suggested = suggest_workplaces(
        session, party, student.id, state, gazetteer, today, shown=SUGGESTED
    )
    ranked = [r for r in marked if r not in skip]
    ranked += [item.hit.recognition_id for item in suggested.items]
    return list(dict.fromkeys(ranked))


def _open_workplaces(
    session: Session, recognition_ids: Iterable[int], programme_ids: set[int], today: date
) -> dict[int, Recognition]:
    """Of these recognitions, those that take a student of the programmes now."""
    return {
        r.id: r
        for r in session.scalars(
            select(Recognition).where(
                Recognition.id.in_(set(recognition_ids)),
                Recognition.programme_id.in_(programme_ids),
                valid_on(today),
                Recognition.n_free_places > 0,
            )
        )
    }


# --- A run ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rankings:
    """Both sides' rankings: each student's choices and each workplace's applicants, best
    first, the workplaces with their free places, and what each pair does not meet."""

    choices: dict[int, list[int]]  # student id -> recognition ids
    applicants: dict[int, list[int]]  # recognition id -> student ids
    workplaces: dict[int, Recognition]
    unmet: dict[tuple[int, int], tuple[Check, ...]]  # (student, recognition) -> misfits

    def instance(self) -> dict[str, Any]:
        """The rankings in the JSON form of `matcher.allocation` (ids as strings)."""
        return {
            "students": [
                {"id": str(s), "preferences": [str(r) for r in ranked]}
                for s, ranked in self.choices.items()
            ],
            "workplaces": [
                {
                    "id": str(r),
                    "capacity": self.workplaces[r].n_free_places,
                    "preferences": [str(s) for s in self.applicants[r]],
                }
                for r in sorted(self.workplaces)
            ],
        }


def rank_both_sides(
    session: Session,
    party: Party,
    students: Sequence[Student],
    numbers: dict[int, int],
    *,
    state: IndexState,
    gazetteer: Gazetteer,
    today: date,
) -> Rankings:
    """Rank workplaces for each student, and the students for each workplace they list."""
    programme_ids = {s.programme_id for s in students}
    found = {s.id: _student_choices(session, party, s, state, gazetteer, today) for s in students}
    workplaces = _open_workplaces(
        session, (r for ranked in found.values() for r in ranked), programme_ids, today
    )
    choices = {
        s.id: [
            r
            for r in found[s.id]
            if r in workplaces and workplaces[r].programme_id == s.programme_id
        ]
        for s in students
    }
    unmet = {
        (s.id, r): misfits(workplaces[r], wishes_on(s, today))
        for s in students
        for r in choices[s.id]
    }
    by_lottery = sorted(choices, key=numbers.__getitem__)
    applicants = {
        r: _by_fit([s for s in by_lottery if r in choices[s]], r, unmet) for r in workplaces
    }
    return Rankings(choices, applicants, workplaces, unmet)


def _by_fit(
    students: list[int], recognition_id: int, unmet: dict[tuple[int, int], tuple[Check, ...]]
) -> list[int]:
    """A workplace's order of the students who listed it: fewest misfits first; the sort
    is stable, so students with as many keep their order (the lottery's)."""
    return sorted(students, key=lambda s: len(unmet[s, recognition_id]))


def run_allocation(
    session: Session,
    party: Party,
    programme_id: int,
    student_ids: Sequence[int],
    *,
    state: IndexState,
    gazetteer: Gazetteer,
    today: date,
    now: datetime,
    rules: IntakeSettings,
    seed: str | None = None,
) -> AllocationRun:
    """Allocate some of the school's students of a programme, and store the run."""
    policy.require(party, Role.SCHOOL_STAFF)
    if programme_id not in {p.id for p in programmes_with_students(session, party)}:
        raise InputError("programme", _l("Kies een opleiding waarin je school leerlingen heeft."))
    if not student_ids:
        raise InputError("students", _l("Kies minstens één leerling."))
    members = {m.student.id: m for m in cohort(session, party, programme_id, today)}
    wanted = set(student_ids)
    if not wanted <= set(members):
        raise InputError("students", _l("Kies leerlingen van je school in deze opleiding."))
    chosen = [member for student_id, member in members.items() if student_id in wanted]
    seed = seed or new_seed()
    numbers = lottery(seed, wanted)
    left_out = {m.student.id: why_not_placed(m, rules) for m in chosen}
    rankings = rank_both_sides(
        session,
        party,
        [m.student for m in chosen if left_out[m.student.id] is None],
        numbers,
        state=state,
        gazetteer=gazetteer,
        today=today,
    )
    instance = rankings.instance()
    assignment = allocate(AllocationInstance.from_json(instance)).assignment
    run = AllocationRun(
        school_id=party.school_id,
        programme_id=programme_id,
        coach_id=party.user_id,
        seed=seed,
        instance=instance,
        created_at=now,
    )
    for member in chosen:  # by name
        s = member.student.id
        placed_at = assignment.get(str(s))
        run.lines.append(
            _line(
                s, numbers[s], left_out[s], None if placed_at is None else int(placed_at), rankings
            )
        )
    session.add(run)
    session.flush()
    return run


def _line(
    student_id: int,
    number: int,
    left_out: Placement | None,
    recognition_id: int | None,
    rankings: Rankings,
) -> AllocationLine:
    """One student's line: where the run placed them and the ranks behind it, or why not."""
    choices = rankings.choices.get(student_id, [])
    line = AllocationLine(
        student_id=student_id,
        lottery=number,
        n_choices=len(choices),
        placement=left_out or _placement(choices, recognition_id),
    )
    if recognition_id is not None:
        applicants = rankings.applicants[recognition_id]
        line.recognition_id = recognition_id
        line.student_rank = choices.index(recognition_id) + 1
        line.workplace_rank = applicants.index(student_id) + 1
        line.n_applicants = len(applicants)
        line.misfits = [[c.code, c.value] for c in rankings.unmet[student_id, recognition_id]]
    return line


def _placement(choices: Sequence[int], recognition_id: int | None) -> Placement:
    if recognition_id is not None:
        return Placement.PLACED
    # Every workplace on the list has a free place and ranks whoever lists it: a student
    # left over was turned away by each in favour of students it ranks higher.
    return Placement.OUTRANKED if choices else Placement.NO_CHOICES


def _runs_of(party: Party) -> ColumnElement[bool]:
    """SQL: the runs of the party's school (policy decides which school that is)."""
    schools = policy.visible(party, School).with_only_columns(School.id)
    return AllocationRun.school_id.in_(schools)


def find_run(session: Session, party: Party, run_id: int) -> AllocationRun:
    """One run of the school, with its lines, students, workplaces and proposals."""
    policy.require(party, Role.SCHOOL_STAFF)
    run = session.scalar(
        select(AllocationRun)
        .where(AllocationRun.id == run_id, _runs_of(party))
        .options(
            joinedload(AllocationRun.programme),
            joinedload(AllocationRun.coach),
            selectinload(AllocationRun.lines).options(
                joinedload(AllocationLine.student),
                joinedload(AllocationLine.recognition)
                .joinedload(Recognition.site)
                .options(joinedload(Site.company), joinedload(Site.place)),
                joinedload(AllocationLine.intake),
            ),
        )
    )
    if run is None:
        raise NotFoundError
    return run


def list_runs(session: Session, party: Party, limit: int = SHOWN_RUNS) -> list[AllocationRun]:
    """The school's latest runs, the newest first."""
    policy.require(party, Role.SCHOOL_STAFF)
    return list(
        session.scalars(
            select(AllocationRun)
            .where(_runs_of(party))
            .options(
                joinedload(AllocationRun.programme),
                joinedload(AllocationRun.coach),
                selectinload(AllocationRun.lines),
            )
            .order_by(AllocationRun.created_at.desc(), AllocationRun.id.desc())
            .limit(limit)
        )
    )


def solve_again(run: AllocationRun) -> dict[int, int | None]:
    """Solve a run's stored instance anew: each placed student's workplace, or None."""
    assignment = allocate(AllocationInstance.from_json(run.instance)).assignment
    return {int(s): None if r is None else int(r) for s, r in assignment.items()}


# --- From lines to proposals --------------------------------------------------------------


@dataclass(frozen=True)
class ProposalTerms:
    """What every proposal made from a run shares: the times, the place, note, deadline."""

    slots: tuple[datetime, ...]
    location: IntakeLocation = IntakeLocation.SCHOOL
    location_note: str = ""
    note: str = ""
    respond_by: date | None = None


class ProposalsRefusedError(Exception):
    """Some ticked lines cannot become proposals; none was made.

    `lines` holds each refused line's reason; `terms` the refusals of the shared terms
    (a field name of `ProposalTerms`, once each).
    """

    def __init__(self, lines: dict[int, Text], terms: dict[str, Text]) -> None:
        super().__init__(f"{len(lines)} lines and {len(terms)} terms refused")
        self.lines = lines
        self.terms = terms


def propose_lines(
    session: Session,
    party: Party,
    run_id: int,
    line_ids: Sequence[int],
    terms: ProposalTerms,
    now: datetime,
    rules: IntakeSettings,
    link_to: intakes.LinkTo,
) -> list[Intake]:
    """Turn the ticked lines of a run into intake proposals: all of them, or none.

    Each goes through `intakes.propose`, so every rule of a proposal made by hand holds.
    A line becomes one proposal at most: its row is locked and marked in the same
    transaction, so a second click, or a second coach, gets a `ConflictError`.
    """
    policy.require(party, Role.SCHOOL_STAFF)
    if (
        session.scalar(select(AllocationRun.id).where(AllocationRun.id == run_id, _runs_of(party)))
        is None
    ):
        raise NotFoundError
    wanted = set(line_ids)
    if not wanted:
        raise InputError("lines", _l("Vink minstens één leerling met een werkplek aan."))
    lines = session.scalars(
        select(AllocationLine)
        .where(AllocationLine.run_id == run_id, AllocationLine.id.in_(wanted))
        .options(joinedload(AllocationLine.student))
        .order_by(AllocationLine.id)
        .with_for_update(of=AllocationLine)
        # Read the lines anew once locked: another request may have proposed them meanwhile.
        .execution_options(populate_existing=True)
    ).all()
    if len(lines) != len(wanted) or any(ln.placement is not Placement.PLACED for ln in lines):
        raise InputError("lines", _l("Vink enkel leerlingen aan die een werkplek kregen."))
    for line in lines:
        if line.intake_id is not None:
            raise ConflictError(_already_proposed(line))
    refused: dict[int, Text] = {}
    refused_terms: dict[str, Text] = {}
    made = []
    for line in lines:
        assert line.recognition_id is not None  # placed
        proposal = intakes.Proposal(
            student_id=line.student_id,
            recognition_id=line.recognition_id,
            slots=terms.slots,
            location=terms.location,
            location_note=terms.location_note,
            note=terms.note,
            respond_by=terms.respond_by,
        )
        try:
            intake = intakes.propose(session, party, proposal, now, rules, link_to)
        except InputError as error:
            if error.field in TERMS_FIELDS:
                refused_terms.setdefault(error.field, error.message)
            else:
                refused[line.id] = error.message
            continue
        marked = session.execute(
            update(AllocationLine)
            .where(AllocationLine.id == line.id, AllocationLine.intake_id.is_(None))
            .values(intake_id=intake.id)
            .execution_options(synchronize_session=False)
        )
        if marked.rowcount != 1:  # type: ignore[attr-defined]
            raise ConflictError(_already_proposed(line))
        made.append(intake)
    if refused or refused_terms:
        raise ProposalsRefusedError(refused, refused_terms)
    return made


def _already_proposed(line: AllocationLine) -> Text:
    name = " ".join((line.student.first_name, line.student.last_name))
    return _l(
        "Voor %(name)s werd uit deze toewijzing al een voorstel gemaakt. Bekijk de toewijzing "
        "opnieuw.",
        name=name,
    )
