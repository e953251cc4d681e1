"""Intake proposals (DOMAIN.md, "Intake proposal"), checked from the outside.

1. The rules of a proposal, each at its boundary: a valid recognition of the student's
   programme, the class council's advice, one open proposal (or planned interview) per
   student and workplace, at most INTAKE_MAX_OPEN open per student, one to three times
   after the deadline, a deadline of at least 2 working days (5 by default, Belgian
   public holidays left out), and who may propose or answer.
2. Deadlines that hold: the intake-deadlines job expires what was not answered the night
   after the deadline, reminds the company 2 working days before (once), and the coach
   is told of every answer and expiry, in Dutch, with a link to the page. A company's
   share of proposals answered in time.
3. A state machine you can trust: random sequences of actions by every party, through
   the services only, never reach an illegal state. Two people acting at once on one
   proposal (two threads on a database of their own, or two sessions that both read it
   before either acts): one wins, the other gets a ConflictError. Two proposals at once
   for one student keep the limits.

The clock is the `now` handed to the services and to `run_job`: no test waits.
"""

import threading
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import Connection, Engine, func, select
from sqlalchemy.orm import Session

from models import Company, Intake, IntakeSlot, OutboxMessage, Recognition, School, Student, User
from models.base import BELGIUM, day_in_belgium
from models.calendar import add_working_days
from models.database import make_engine, unit_of_work, upgrade
from models.enums import (
    DeclineReason,
    IntakeLocation,
    IntakeOutcome,
    IntakeStatus,
    RecognitionStatus,
    Role,
)
from models.reference_data import sync_reference_data
from tests import factories
from tests.conftest import BACKENDS, app_bound_to, drop_scratch_database, fresh_database_url
from web.config import settings_of
from web.jobs import run_job
from web.links import public_link
from web.services import intakes
from web.services.errors import ConflictError, InputError, NotFoundError
from web.services.intakes import Proposal, ResponseRecord
from web.services.policy import Party
from web.settings import IntakeSettings

JOB = "intake-deadlines"
RULES = IntakeSettings()
PUBLIC_URL = "https://duaal.example.be"
VALID_UNTIL = date(2035, 1, 1)  # far beyond every day the tests act on
OTHER_PROGRAMME = "logistiek-duaal"

# Easter 2027: Sunday 28 March, so Monday 29 March is a public holiday (Good Friday is not).
MONDAY = date(2027, 3, 1)
FRIDAY_BEFORE_EASTER = date(2027, 3, 26)
EASTER_MONDAY = date(2027, 3, 29)


def belgian(day: date, hour: int = 10, minute: int = 0) -> datetime:
    """A moment of a Belgian calendar day, in UTC as stored."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=BELGIUM).astimezone(UTC)


NOW = belgian(MONDAY)


def link(endpoint: str, **values: Any) -> str:
    """Where a service's e-mail links to, for tests that do not read the links."""
    return "/".join([endpoint, *(str(v) for v in values.values())])


# --- Local factories ----------------------------------------------------------------


@dataclass
class World:
    """A school with a coach and a student ready for work; a company with a workplace
    recognised for the student's programme."""

    school: School
    coach: User
    student: Student
    company: Company
    recognition: Recognition

    @property
    def by_coach(self) -> Party:
        return coach_party(self.coach)

    @property
    def by_company(self) -> Party:
        return Party.of_company(self.company.id)


def coach_party(coach: User) -> Party:
    assert coach.school_id is not None
    return Party(Role.SCHOOL_STAFF, school_id=coach.school_id, user_id=coach.id)


def a_school(session: Session, **fields: Any) -> School:
    n = uuid.uuid4().hex[:6]
    return factories.school(session, name=f"VTI {n}", email=f"secretariaat{n}@school.be", **fields)


def a_coach(session: Session, school: School) -> User:
    n = uuid.uuid4().hex[:6]
    return factories.user(
        session, Role.SCHOOL_STAFF, school, name="An Verbeke", email=f"coach{n}@school.be"
    )


def a_student(session: Session, school: School, **fields: Any) -> Student:
    values: dict[str, Any] = {"school": school, "is_ready_for_work": True}
    values.update(fields)
    return factories.student(session, **values)


def a_company(session: Session) -> Company:
    return factories.company(session, email=f"info{uuid.uuid4().hex[:6]}@bedrijf.be")


def a_workplace(session: Session, company: Company | None = None, **fields: Any) -> Recognition:
    values: dict[str, Any] = {"valid_until": VALID_UNTIL}
    values.update(fields)
    site = factories.site(session, company or a_company(session))
    return factories.recognition(session, site, **values)


def make_world(session: Session) -> World:
    school = a_school(session)
    recognition = a_workplace(session)
    return World(
        school=school,
        coach=a_coach(session, school),
        student=a_student(session, school),
        company=recognition.site.company,
        recognition=recognition,
    )


@pytest.fixture
def world(session: Session) -> World:
    return make_world(session)


def slots_after(day: date, n: int = 1) -> tuple[datetime, ...]:
    """`n` times at 10:00 on the days after `day`."""
    return tuple(belgian(day + timedelta(days=i + 1)) for i in range(n))


def propose(
    session: Session,
    world: World,
    *,
    student: Student | None = None,
    recognition: Recognition | None = None,
    by: Party | None = None,
    now: datetime = NOW,
    slots: tuple[datetime, ...] | None = None,
    respond_by: date | None = None,
    rules: IntakeSettings = RULES,
    link_to: Callable[..., str] = link,
) -> Intake:
    """Propose through the service; by default times three weeks ahead, past any deadline."""
    proposal = Proposal(
        student_id=(student or world.student).id,
        recognition_id=(recognition or world.recognition).id,
        slots=slots or slots_after(day_in_belgium(now) + timedelta(days=20)),
        note="Lotte is gemotiveerd.",
        respond_by=respond_by,
    )
    return intakes.propose(session, by or world.by_coach, proposal, now, rules, link_to)


def school_slot(intake: Intake) -> IntakeSlot:
    return next(s for s in intake.slots if s.offered_by == "school")


def company_of(intake: Intake) -> Party:
    return Party.of_company(intake.recognition.site.company_id)


def stored(session: Session, intake: Intake) -> Intake:
    session.expire_all()
    row = session.get(Intake, intake.id)
    assert row is not None
    return row


def bring(session: Session, world: World, intake: Intake, state: str) -> None:
    """Move a proposed intake on, through the services, to `state`."""
    later = NOW + timedelta(hours=1)
    company, coach = company_of(intake), world.by_coach
    if state == "proposed":
        return
    if state == "countered":
        intakes.counter(
            session, company, intake.id, slots_after(MONDAY + timedelta(days=30)), "", later, link
        )
    elif state in ("accepted", "outcome"):
        intakes.accept(session, company, intake.id, school_slot(intake).id, later, link)
        if state == "outcome":
            afterwards = school_slot(intake).starts_at + timedelta(hours=1)
            intakes.record_outcome(
                session,
                coach,
                intake.id,
                IntakeOutcome.NO_MATCH,
                "Andere verwachtingen",
                afterwards,
            )
    elif state == "declined":
        intakes.decline(session, company, intake.id, DeclineReason.TIMING, "", later, link)
    elif state == "withdrawn":
        intakes.withdraw(session, coach, intake.id, later, link)
    elif state == "expired":
        night_after = intake.respond_by + timedelta(days=1)
        assert intakes.expire_overdue(session, night_after, belgian(night_after, 3), link) >= 1
    elif state == "full":
        assert intakes.close_full(session, intake.recognition_id, later, link) >= 1
    else:  # pragma: no cover - a typo in a test
        raise AssertionError(state)


def count_intakes(session: Session, student: Student) -> int:
    return session.scalar(select(func.count()).where(Intake.student_id == student.id)) or 0


# --- 1. The rules of a proposal -------------------------------------------------------


def test_a_proposal_waits_for_the_company_with_the_coachs_times_at_the_school(
    session: Session, world: World
) -> None:
    times = slots_after(date(2027, 3, 20), 3)
    intake = propose(session, world, slots=times)
    row = stored(session, intake)
    assert row.status is IntakeStatus.PROPOSED
    assert row.location is IntakeLocation.SCHOOL  # step 5: at the school by default
    assert row.proposed_by_id == world.coach.id
    assert [(s.starts_at, s.offered_by) for s in row.slots] == [(t, "school") for t in times]
    assert row.scheduled_at is None and row.outcome is None


@pytest.mark.parametrize(
    ("valid_until", "allowed"),
    [(MONDAY + timedelta(days=1), True), (MONDAY, False), (MONDAY - timedelta(days=1), False)],
    ids=["ends-tomorrow", "ends-today", "ended-yesterday"],
)
def test_the_recognition_must_be_valid_on_the_day_of_the_proposal(
    session: Session, world: World, valid_until: date, allowed: bool
) -> None:
    recognition = a_workplace(session, world.company, valid_until=valid_until)
    if allowed:
        propose(session, world, recognition=recognition)
        return
    with pytest.raises(InputError) as refused:
        propose(session, world, recognition=recognition)
    assert refused.value.field == "recognition_id"
    assert count_intakes(session, world.student) == 0


@pytest.mark.parametrize(
    "status",
    [
        RecognitionStatus.REQUESTED,
        RecognitionStatus.REFUSED,
        RecognitionStatus.WITHDRAWN,
        RecognitionStatus.EXPIRED,
    ],
)
def test_a_workplace_that_is_not_recognised_cannot_be_proposed(
    session: Session, world: World, status: RecognitionStatus
) -> None:
    recognition = a_workplace(session, world.company, status=status)
    with pytest.raises(InputError) as refused:
        propose(session, world, recognition=recognition)
    assert refused.value.field == "recognition_id"
    assert count_intakes(session, world.student) == 0


def test_the_recognition_must_be_for_the_students_programme(session: Session, world: World) -> None:
    other = a_workplace(
        session, world.company, programme=factories.programme(session, OTHER_PROGRAMME)
    )
    with pytest.raises(InputError) as refused:
        propose(session, world, recognition=other)
    assert refused.value.field == "recognition_id"
    assert "opleiding" in str(refused.value.message)
    assert count_intakes(session, world.student) == 0


def test_without_the_class_councils_advice_the_refusal_explains_the_run_up_phase(
    session: Session, world: World
) -> None:
    not_ready = a_student(session, world.school, is_ready_for_work=False)
    with pytest.raises(InputError) as refused:
        propose(session, world, student=not_ready)
    assert refused.value.field == "student_id"
    text = str(refused.value.message)
    assert "arbeidsrijp" in text
    assert "aanloopfase" in text
    assert count_intakes(session, not_ready) == 0
    # Once the advice is given, the same proposal goes through.
    not_ready.is_ready_for_work = True
    session.flush()
    propose(session, world, student=not_ready)


@pytest.mark.parametrize(
    ("first", "second_allowed"),
    [
        ("proposed", False),
        ("countered", False),
        ("accepted", False),  # the interview is planned
        ("outcome", True),  # the interview took place
        ("declined", True),
        ("withdrawn", True),
        ("expired", True),
        ("full", True),
    ],
)
def test_one_open_proposal_or_planned_interview_per_student_and_workplace(
    session: Session, world: World, first: str, second_allowed: bool
) -> None:
    intake = propose(session, world)
    bring(session, world, intake, first)
    if second_allowed:
        again = propose(session, world, now=NOW + timedelta(days=2))
        assert stored(session, again).status is IntakeStatus.PROPOSED
        return
    with pytest.raises(InputError) as refused:
        propose(session, world, now=NOW + timedelta(days=2))
    assert refused.value.field == "recognition_id"
    assert count_intakes(session, world.student) == 1
    # Another workplace of the same company is another workplace.
    propose(session, world, recognition=a_workplace(session, world.company))


def proposals_to_three_workplaces(session: Session, world: World) -> list[Intake]:
    """Three open proposals; only the first has its deadline on 8 March."""
    return [
        propose(session, world, recognition=a_workplace(session), respond_by=deadline)
        for deadline in (date(2027, 3, 8), date(2027, 3, 15), date(2027, 3, 15))
    ]


def test_a_fourth_open_proposal_for_a_student_is_refused(session: Session, world: World) -> None:
    proposals_to_three_workplaces(session, world)
    with pytest.raises(InputError) as refused:
        propose(session, world)
    assert refused.value.field == "student_id"
    assert "3" in str(refused.value.message)
    assert count_intakes(session, world.student) == 3
    # Another student of the school is not held back.
    propose(session, world, student=a_student(session, world.school))


@pytest.mark.parametrize("freed_by", ["withdrawn", "declined", "accepted", "expired", "full"])
def test_a_proposal_that_is_withdrawn_or_answered_frees_a_place(
    session: Session, world: World, freed_by: str
) -> None:
    first, *_ = proposals_to_three_workplaces(session, world)
    bring(session, world, first, freed_by)
    fourth = propose(session, world, now=NOW + timedelta(days=9))
    assert stored(session, fourth).status is IntakeStatus.PROPOSED
    with pytest.raises(InputError):  # and only one place
        propose(session, world, recognition=a_workplace(session), now=NOW + timedelta(days=9))


def test_a_countered_proposal_waits_for_the_coach_and_stays_open(
    session: Session, world: World
) -> None:
    first, *_ = proposals_to_three_workplaces(session, world)
    bring(session, world, first, "countered")
    with pytest.raises(InputError) as refused:
        propose(session, world)
    assert refused.value.field == "student_id"


@pytest.mark.parametrize("limit", [1, 2])
def test_the_limit_of_open_proposals_is_a_setting(
    session: Session, world: World, limit: int
) -> None:
    rules = IntakeSettings(max_open_per_student=limit)
    for _ in range(limit):
        propose(session, world, recognition=a_workplace(session), rules=rules)
    with pytest.raises(InputError) as refused:
        propose(session, world, rules=rules)
    assert refused.value.field == "student_id"


def test_intake_max_open_is_read_from_the_environment(
    database_url: str, connection: Connection, session: Session, world: World
) -> None:
    with app_bound_to(database_url, connection, INTAKE_MAX_OPEN="2") as app:
        rules = settings_of(app).intakes
    assert rules.max_open_per_student == 2
    for _ in range(2):
        propose(session, world, recognition=a_workplace(session), rules=rules)
    with pytest.raises(InputError):
        propose(session, world, rules=rules)


@pytest.mark.parametrize("n", [1, 2, 3])
def test_one_to_three_times_may_be_offered(session: Session, world: World, n: int) -> None:
    intake = propose(session, world, slots=slots_after(date(2027, 3, 20), n))
    assert len(stored(session, intake).slots) == n


def test_no_time_or_four_times_are_refused(session: Session, world: World) -> None:
    for times in ((), slots_after(date(2027, 3, 20), 4)):
        proposal = Proposal(world.student.id, world.recognition.id, times)
        with pytest.raises(InputError) as refused:
            intakes.propose(session, world.by_coach, proposal, NOW, RULES, link)
        assert refused.value.field == "slots"
    assert count_intakes(session, world.student) == 0


def test_a_time_in_the_past_is_refused(session: Session, world: World) -> None:
    with pytest.raises(InputError) as refused:
        propose(session, world, slots=(NOW - timedelta(hours=1), *slots_after(date(2027, 3, 20))))
    assert refused.value.field == "slots"


def test_a_time_the_day_after_the_deadline_is_allowed(session: Session, world: World) -> None:
    deadline = date(2027, 3, 8)  # the default: 5 working days after Monday 1 March
    intake = propose(session, world, slots=(belgian(deadline + timedelta(days=1), 8),))
    assert stored(session, intake).respond_by == deadline


def test_a_time_before_the_deadlines_day_is_refused(session: Session, world: World) -> None:
    deadline = date(2027, 3, 8)
    with pytest.raises(InputError) as refused:
        propose(session, world, slots=(belgian(deadline - timedelta(days=1), 16),))
    assert refused.value.field == "slots"


def test_a_time_on_the_deadlines_day_is_refused(session: Session, world: World) -> None:
    deadline = date(2027, 3, 8)
    with pytest.raises(InputError) as refused:
        propose(session, world, slots=(belgian(deadline, 9),))
    assert refused.value.field == "slots"


@pytest.mark.parametrize(
    ("today", "deadline"),
    [
        (MONDAY, date(2027, 3, 8)),  # a plain week
        (date(2027, 3, 4), date(2027, 3, 11)),  # Thursday: over the weekend
        (FRIDAY_BEFORE_EASTER, date(2027, 4, 5)),  # Easter Monday is no working day
        (date(2027, 3, 27), date(2027, 4, 5)),  # a Saturday: from the Tuesday on
    ],
)
def test_the_default_deadline_is_five_working_days(
    session: Session, world: World, today: date, deadline: date
) -> None:
    intake = propose(session, world, now=belgian(today))
    assert stored(session, intake).respond_by == deadline


def test_the_default_deadline_is_a_setting(session: Session, world: World) -> None:
    rules = IntakeSettings(respond_within_working_days=3)
    intake = propose(session, world, now=belgian(FRIDAY_BEFORE_EASTER), rules=rules)
    assert stored(session, intake).respond_by == date(2027, 4, 1)


def test_the_deadline_counts_from_the_day_in_belgium(session: Session, world: World) -> None:
    # 00:30 on Friday 5 March in Belgium is still Thursday in UTC.
    friday_night = belgian(date(2027, 3, 5), 0, 30)
    assert friday_night.date() == date(2027, 3, 4)
    intake = propose(session, world, now=friday_night)
    assert stored(session, intake).respond_by == date(2027, 3, 12)


@pytest.mark.parametrize(
    ("respond_by", "allowed"),
    [
        (date(2027, 3, 29), False),  # Easter Monday: no working day in between
        (date(2027, 3, 30), False),  # one working day
        (date(2027, 3, 31), True),  # two working days
        (date(2027, 4, 20), True),  # longer than the default is the coach's choice
    ],
)
def test_the_deadline_is_at_least_two_working_days(
    session: Session, world: World, respond_by: date, allowed: bool
) -> None:
    now = belgian(FRIDAY_BEFORE_EASTER)
    times = slots_after(date(2027, 4, 21))
    if allowed:
        intake = propose(session, world, now=now, respond_by=respond_by, slots=times)
        assert stored(session, intake).respond_by == respond_by
        return
    with pytest.raises(InputError) as refused:
        propose(session, world, now=now, respond_by=respond_by, slots=times)
    assert refused.value.field == "respond_by"
    assert "2 werkdagen" in str(refused.value.message)


def test_a_coach_proposes_only_for_their_own_schools_students(
    session: Session, world: World
) -> None:
    other_coach = a_coach(session, a_school(session))
    with pytest.raises((InputError, NotFoundError)):
        propose(session, world, by=coach_party(other_coach))
    assert count_intakes(session, world.student) == 0


@pytest.mark.parametrize(
    "who", ["the company", "another company", "the student", "a consultant", "an admin"]
)
def test_only_a_coach_may_propose(session: Session, world: World, who: str) -> None:
    party = {
        "the company": world.by_company,
        "another company": Party.of_company(a_company(session).id),
        "the student": Party(Role.STUDENT, student_id=world.student.id),
        "a consultant": Party(Role.CONSULTANT, partnership_id=factories.partnership(session).id),
        "an admin": Party(Role.ADMIN),
    }[who]
    with pytest.raises(NotFoundError):
        propose(session, world, by=party)
    assert count_intakes(session, world.student) == 0


def test_only_the_parties_of_a_proposal_may_act_on_it(session: Session, world: World) -> None:
    intake = propose(session, world)
    slot_id = school_slot(intake).id
    outsider_company = Party.of_company(a_company(session).id)
    outsider_coach = coach_party(a_coach(session, a_school(session)))
    later = NOW + timedelta(hours=1)
    refused: list[Callable[[], object]] = [
        lambda: intakes.accept(session, outsider_company, intake.id, slot_id, later, link),
        lambda: intakes.decline(
            session, outsider_company, intake.id, DeclineReason.TIMING, "", later, link
        ),
        lambda: intakes.accept(session, world.by_coach, intake.id, slot_id, later, link),
        lambda: intakes.withdraw(session, outsider_coach, intake.id, later, link),
        lambda: intakes.withdraw(session, world.by_company, intake.id, later, link),
    ]
    for action in refused:
        with pytest.raises(NotFoundError):
            action()
    assert stored(session, intake).status is IntakeStatus.PROPOSED


def test_the_coach_takes_only_a_time_of_the_companys_that_is_still_to_come(
    session: Session, world: World
) -> None:
    intake = propose(session, world)
    soon = NOW + timedelta(days=1)
    intakes.counter(session, world.by_company, intake.id, (soon,), "", NOW, link)
    later = NOW + timedelta(days=3)
    offered = next(s for s in stored(session, intake).slots if s.offered_by == "company")
    with pytest.raises(InputError):
        intakes.accept_counter(session, world.by_coach, intake.id, offered.id, later, link)
    assert stored(session, intake).status is IntakeStatus.COUNTERED


# --- 2. Deadlines that hold -----------------------------------------------------------


@pytest.fixture
def mail_app(database_url: str, connection: Connection) -> Iterator[Flask]:
    """The app with its public address set: links in e-mails start with it."""
    with app_bound_to(database_url, connection, PUBLIC_URL=PUBLIC_URL) as app:
        yield app


def night_of(day: date) -> datetime:
    """When the clock runs the job "on" a day: 03:45 in Belgium."""
    return belgian(day, 3, 45)


def deadlines(app: Flask, moment: datetime) -> dict[str, int]:
    run = run_job(app, JOB, now=moment)
    assert run.status == "succeeded", run.error
    return dict(run.counts)


def mails(session: Session, to: str, subject_has: str = "") -> list[OutboxMessage]:
    session.expire_all()
    return list(
        session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.recipient == to, OutboxMessage.subject.contains(subject_has))
            .order_by(OutboxMessage.id)
        )
    )


def test_an_unanswered_proposal_expires_the_night_after_its_deadline(
    mail_app: Flask, session: Session, world: World
) -> None:
    intake = propose(session, world)
    deadline = date(2027, 3, 8)
    assert stored(session, intake).respond_by == deadline

    # Every night from the proposal on: a reminder on Thursday (2 working days before
    # Monday's deadline), nothing on the deadline's day, expiry the night after.
    nights = [MONDAY + timedelta(days=n) for n in range(1, 9)]
    counts = {night: deadlines(mail_app, night_of(night)) for night in nights}
    assert {night: c for night, c in counts.items() if any(c.values())} == {
        date(2027, 3, 4): {"expired": 0, "reminded": 1},
        date(2027, 3, 9): {"expired": 1, "reminded": 0},
    }
    assert stored(session, intake).status is IntakeStatus.EXPIRED

    (mail,) = mails(session, world.coach.email)
    assert mail.subject == f"{world.company.name} antwoordde niet op tijd"
    assert "niet vóór 8 maart 2027" in mail.body
    assert "Het voorstel is verlopen" in mail.body
    assert f"{PUBLIC_URL}/school/leerlingen/{world.student.id}" in mail.body
    assert mail.student_id == world.student.id  # erased with the student
    assert mail.created_at == night_of(deadline + timedelta(days=1))

    # The next night: nothing more, and no second e-mail.
    assert deadlines(mail_app, night_of(deadline + timedelta(days=2)))["expired"] == 0
    assert len(mails(session, world.coach.email)) == 1


def test_on_the_deadlines_day_a_proposal_never_expires_and_after_midnight_it_does(
    mail_app: Flask, session: Session, world: World
) -> None:
    intake = propose(session, world)
    # The company may answer until the end of the day, however late the job runs.
    assert deadlines(mail_app, belgian(date(2027, 3, 8), 23, 59))["expired"] == 0
    assert stored(session, intake).status is IntakeStatus.PROPOSED
    # 00:05 in Belgium on 9 March is still 8 March in UTC.
    assert deadlines(mail_app, belgian(date(2027, 3, 9), 0, 5))["expired"] == 1
    assert stored(session, intake).status is IntakeStatus.EXPIRED


@pytest.mark.parametrize("answer", ["accepted", "declined", "countered", "withdrawn"])
def test_a_proposal_that_was_answered_or_withdrawn_does_not_expire(
    mail_app: Flask, session: Session, world: World, answer: str
) -> None:
    intake = propose(session, world)
    bring(session, world, intake, answer)
    assert deadlines(mail_app, night_of(date(2027, 3, 20)))["expired"] == 0
    assert stored(session, intake).status is IntakeStatus(answer)


def test_the_company_is_reminded_two_working_days_before_the_deadline_once(
    mail_app: Flask, session: Session, world: World
) -> None:
    # Deadline Wednesday 31 March: two working days before is Friday 26 March, since
    # Easter Monday does not count.
    intake = propose(
        session,
        world,
        now=belgian(date(2027, 3, 22)),
        respond_by=date(2027, 3, 31),
        slots=slots_after(date(2027, 4, 1)),
    )
    company_mail = world.company.email
    assert company_mail is not None
    assert len(mails(session, company_mail)) == 1  # the proposal itself

    assert deadlines(mail_app, night_of(date(2027, 3, 25)))["reminded"] == 0
    assert mails(session, company_mail, "Herinnering") == []

    assert deadlines(mail_app, night_of(FRIDAY_BEFORE_EASTER))["reminded"] == 1
    # Again the same night, and the next days up to the deadline: no second reminder.
    for moment in (
        belgian(FRIDAY_BEFORE_EASTER, 4),
        night_of(EASTER_MONDAY),
        night_of(date(2027, 3, 30)),
        night_of(date(2027, 3, 31)),
    ):
        assert deadlines(mail_app, moment)["reminded"] == 0

    (reminder,) = mails(session, company_mail, "Herinnering")
    assert reminder.subject == "Herinnering: antwoord vóór 31 maart 2027"
    assert "wacht op uw antwoord, uiterlijk 31 maart 2027" in reminder.body
    assert f"{PUBLIC_URL}/bedrijf/voorstellen" in reminder.body
    assert reminder.created_at == night_of(FRIDAY_BEFORE_EASTER)
    assert stored(session, intake).status is IntakeStatus.PROPOSED


def test_an_answered_proposal_is_not_reminded(
    mail_app: Flask, session: Session, world: World
) -> None:
    intake = propose(session, world)
    bring(session, world, intake, "declined")
    assert deadlines(mail_app, night_of(date(2027, 3, 4)))["reminded"] == 0
    assert world.company.email is not None
    assert mails(session, world.company.email, "Herinnering") == []


@pytest.mark.parametrize(
    ("answer", "subject", "words"),
    [
        ("accept", "Intakegesprek gepland met {company}", "aanvaardt het intakegesprek met"),
        ("decline", "{company} gaat niet in op het voorstel", "gaat niet in op het intakegesprek"),
        ("counter", "{company} stelt andere momenten voor", "Kies er een, of trek het voorstel"),
    ],
)
def test_the_coach_is_told_of_every_answer_with_a_link_to_the_proposal(
    mail_app: Flask, session: Session, world: World, answer: str, subject: str, words: str
) -> None:
    intake = propose(session, world)
    later = NOW + timedelta(days=1)
    company = world.by_company
    with mail_app.app_context():  # e-mails are written in Dutch, as jobs write them
        if answer == "accept":
            intakes.accept(session, company, intake.id, school_slot(intake).id, later, public_link)
        elif answer == "decline":
            intakes.decline(
                session,
                company,
                intake.id,
                DeclineReason.OTHER,
                "Geen mentor vrij",
                later,
                public_link,
            )
        else:
            intakes.counter(
                session, company, intake.id, slots_after(date(2027, 3, 20)), "", later, public_link
            )
    (mail,) = mails(session, world.coach.email)
    assert mail.subject == subject.format(company=world.company.name)
    assert words in mail.body
    assert f"{world.student.first_name} {world.student.last_name}" in mail.body
    assert f"{PUBLIC_URL}/school/voorstellen/{intake.id}" in mail.body
    assert mail.student_id == world.student.id


def test_a_coach_who_left_is_replaced_by_the_schools_address(
    mail_app: Flask, session: Session, world: World
) -> None:
    intake = propose(session, world)
    world.coach.is_active = False
    session.flush()
    assert deadlines(mail_app, night_of(date(2027, 3, 9)))["expired"] == 1
    assert world.school.email is not None
    assert len(mails(session, world.school.email, "antwoordde niet op tijd")) == 1
    assert mails(session, world.coach.email) == []
    assert stored(session, intake).status is IntakeStatus.EXPIRED


def test_a_companys_share_of_proposals_answered_in_time(session: Session, world: World) -> None:
    deadline = date(2027, 3, 8)
    company = world.by_company

    def proposed(recognition: Recognition | None = None, **kw: Any) -> Intake:
        student = a_student(session, world.school)
        return propose(session, world, student=student, recognition=recognition, **kw)

    def slot(intake: Intake) -> int:
        return school_slot(intake).id

    # 23:30 on the deadline's day in Belgium: in time.
    last_minute = proposed()
    intakes.accept(
        session, company, last_minute.id, slot(last_minute), belgian(deadline, 23, 30), link
    )
    declined_early = proposed()
    intakes.decline(
        session, company, declined_early.id, DeclineReason.PROFILE, "", belgian(MONDAY, 15), link
    )
    countered = proposed()
    intakes.counter(
        session, company, countered.id, slots_after(date(2027, 3, 20)), "", belgian(deadline), link
    )
    # 00:30 on 9 March in Belgium (still 8 March in UTC), before the job ran: too late to
    # answer; the night's job expires it.
    late = proposed()
    with pytest.raises(ConflictError):
        intakes.accept(
            session,
            company,
            late.id,
            slot(late),
            belgian(deadline, 0, 30) + timedelta(days=1),
            link,
        )
    never = proposed()
    withdrawn_unanswered = proposed()
    intakes.withdraw(session, world.by_coach, withdrawn_unanswered.id, belgian(MONDAY, 16), link)
    still_open = proposed(respond_by=date(2027, 3, 15))
    other_workplace = a_workplace(session, world.company)
    closed_full = proposed(recognition=other_workplace)
    assert intakes.close_full(session, other_workplace.id, belgian(MONDAY, 17), link) == 1
    assert intakes.expire_overdue(session, date(2027, 3, 9), night_of(date(2027, 3, 9)), link) == 2
    assert stored(session, never).status is IntakeStatus.EXPIRED
    assert stored(session, late).status is IntakeStatus.EXPIRED
    assert stored(session, still_open).status is IntakeStatus.PROPOSED
    assert stored(session, closed_full).status is IntakeStatus.FULL

    silent = a_workplace(session)  # a company with only an open proposal
    proposed(recognition=silent)
    idle = a_company(session)  # and one without any

    records = intakes.response_records(session, {world.company.id, silent.site.company_id, idle.id})
    # Due: the three it answered and the two that expired; in time: three.
    assert records == {world.company.id: ResponseRecord(answered_in_time=3, due=5)}
    assert records[world.company.id].share == pytest.approx(0.6)
    assert intakes.response_records(session, set()) == {}
    assert ResponseRecord(0, 0).share is None


# --- 3. A state machine you can trust ---------------------------------------------------

OPEN = frozenset({IntakeStatus.PROPOSED, IntakeStatus.COUNTERED})
# DOMAIN.md, "Intake proposal": the states and the only moves between them.
STATES = frozenset(
    {
        IntakeStatus.PROPOSED,
        IntakeStatus.COUNTERED,
        IntakeStatus.ACCEPTED,
        IntakeStatus.DECLINED,
        IntakeStatus.EXPIRED,
        IntakeStatus.WITHDRAWN,
        IntakeStatus.FULL,
    }
)
EDGES = frozenset(
    {
        (IntakeStatus.PROPOSED, IntakeStatus.ACCEPTED),
        (IntakeStatus.PROPOSED, IntakeStatus.DECLINED),
        (IntakeStatus.PROPOSED, IntakeStatus.COUNTERED),
        (IntakeStatus.PROPOSED, IntakeStatus.EXPIRED),
        (IntakeStatus.PROPOSED, IntakeStatus.WITHDRAWN),
        (IntakeStatus.COUNTERED, IntakeStatus.ACCEPTED),
        (IntakeStatus.COUNTERED, IntakeStatus.WITHDRAWN),
        # A workplace that becomes full closes its open proposals.
        (IntakeStatus.PROPOSED, IntakeStatus.FULL),
        (IntakeStatus.COUNTERED, IntakeStatus.FULL),
    }
)
N_STUDENTS, N_WORKPLACES = 3, 4
# Runs of up to 20 actions; at most 60 runs, also in CI's 300-example profile: some 1,200
# service calls, which keeps this test within seconds.
STEPS, MAX_RUNS = 20, 60


@dataclass
class Expected:
    """What the machine expects of one proposal, from the actions that succeeded."""

    student: int
    workplace: int
    respond_by: date
    status: IntakeStatus = IntakeStatus.PROPOSED
    outcome: IntakeOutcome | None = None
    scheduled_at: datetime | None = None
    slots: dict[int, tuple[datetime, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Seen:
    """One proposal as the database had it after the previous step."""

    status: IntakeStatus
    outcome: IntakeOutcome | None
    outcome_at: datetime | None
    reminded_at: datetime | None


def is_busy(expected: Expected) -> bool:
    """Open, or an interview planned and not yet held."""
    return expected.status in OPEN or (
        expected.status is IntakeStatus.ACCEPTED and expected.outcome is None
    )


def still_to_come(moment: datetime, now: datetime) -> bool | None:
    """Whether taking a time must go through: yes when it is still to come. One that went
    by is refused (the test above), so either answer passes here."""
    return True if moment > now else None


def answerable(e: Expected, now: datetime) -> bool:
    """A company answers a proposal that waits for it, up to the end of its deadline's day."""
    return e.status is IntakeStatus.PROPOSED and day_in_belgium(now) <= e.respond_by


class IntakeMachine(RuleBasedStateMachine):
    """Coach, companies, the clock and the system act at random on a few students and
    workplaces, each action only through the service. An action the diagram does not
    allow must be refused and change nothing; after every step no illegal state exists."""

    stage: "Stage"  # set before the run

    def __init__(self) -> None:
        super().__init__()
        stage = self.stage
        # Each run starts from the stage alone: its proposals are rolled back after it.
        self.savepoint = stage.connection.begin_nested()
        self.session = Session(bind=stage.connection, join_transaction_mode="create_savepoint")
        self.now = belgian(MONDAY, 9)
        self.limits = RULES
        self.coach, self.students, self.outsiders = stage.coach, stage.students, stage.outsiders
        self.workplaces, self.company_of = stage.workplaces, stage.company_of
        self.expected: dict[int, Expected] = {}
        self.seen: dict[int, Seen] = {}

    def teardown(self) -> None:
        self.session.close()
        self.savepoint.rollback()

    # The actions -------------------------------------------------------------------

    def attempt(
        self,
        action: Callable[[], object],
        allowed: bool,
        input_ok: bool | None = True,
        refusal: type[Exception] = ConflictError,
    ) -> bool:
        """Run one action as a request would (a fresh look, one unit that lands whole or
        not at all); check it went through exactly when it is allowed.

        `input_ok` None: the input is one the rules leave open (a time that has passed).
        """
        self.session.expire_all()
        savepoint = self.session.begin_nested()
        try:
            action()
        except (ConflictError, InputError) as error:
            savepoint.rollback()
            if allowed:
                assert input_ok is not True, f"an allowed action was refused: {error!r}"
                assert isinstance(error, InputError), repr(error)
            elif input_ok:  # the state forbids it: a conflict (409), or a rule of a proposal
                assert isinstance(error, refusal), repr(error)
            return False
        except BaseException:
            savepoint.rollback()
            raise
        savepoint.commit()
        assert allowed and input_ok is not False, "an action that is not allowed went through"
        return True

    def slots_of(self, intake_id: int) -> dict[int, tuple[datetime, str]]:
        rows = self.session.execute(
            select(IntakeSlot.id, IntakeSlot.starts_at, IntakeSlot.offered_by).where(
                IntakeSlot.intake_id == intake_id
            )
        )
        return {slot_id: (starts_at, by) for slot_id, starts_at, by in rows}

    def pick(self, data: st.DataObject) -> tuple[int, Expected]:
        intake_id = data.draw(st.sampled_from(sorted(self.expected)), label="intake")
        return intake_id, self.expected[intake_id]

    @initialize(limit=st.integers(1, 3))
    def choose_the_limit(self, limit: int) -> None:
        self.limits = IntakeSettings(max_open_per_student=limit)

    @rule(
        student=st.integers(0, N_STUDENTS - 1),
        workplace=st.integers(0, N_WORKPLACES - 1),
        working_days=st.integers(2, 6),
        days_after=st.lists(st.integers(1, 14), min_size=1, max_size=3, unique=True),
        hour=st.integers(8, 16),
    )
    def coach_proposes(
        self, student: int, workplace: int, working_days: int, days_after: list[int], hour: int
    ) -> None:
        respond_by = add_working_days(day_in_belgium(self.now), working_days)
        times = tuple(belgian(respond_by + timedelta(days=d), hour) for d in days_after)
        mine = [e for e in self.expected.values() if e.student == student]
        allowed = sum(
            e.status in OPEN for e in mine
        ) < self.limits.max_open_per_student and not any(
            is_busy(e) for e in mine if e.workplace == workplace
        )
        made: list[Intake] = []
        proposal = Proposal(
            self.students[student], self.workplaces[workplace], times, respond_by=respond_by
        )

        def act() -> None:
            made.append(
                intakes.propose(self.session, self.coach, proposal, self.now, self.limits, link)
            )

        if self.attempt(act, allowed, refusal=InputError):
            intake_id = made[0].id
            slots = self.slots_of(intake_id)
            assert sorted(slots.values()) == sorted((t, "school") for t in times)
            self.expected[intake_id] = Expected(student, workplace, respond_by, slots=slots)

    @precondition(lambda self: self.expected)
    @rule(data=st.data())
    def company_accepts(self, data: st.DataObject) -> None:
        intake_id, e = self.pick(data)
        slot_id = data.draw(st.sampled_from(sorted(e.slots)), label="slot")
        starts_at, offered_by = e.slots[slot_id]
        party, now = self.company_of[e.workplace], self.now
        if self.attempt(
            lambda: intakes.accept(self.session, party, intake_id, slot_id, now, link),
            allowed=answerable(e, now),
            input_ok=offered_by == "school" and still_to_come(starts_at, now),
        ):
            e.status, e.scheduled_at = IntakeStatus.ACCEPTED, starts_at

    @precondition(lambda self: self.expected)
    @rule(
        data=st.data(),
        reason=st.sampled_from(DeclineReason),
        note=st.sampled_from(["", "  ", "Geen mentor vrij"]),
    )
    def company_declines(self, data: st.DataObject, reason: DeclineReason, note: str) -> None:
        intake_id, e = self.pick(data)
        party, now = self.company_of[e.workplace], self.now
        if self.attempt(
            lambda: intakes.decline(self.session, party, intake_id, reason, note, now, link),
            allowed=answerable(e, now),
            input_ok=reason is not DeclineReason.OTHER or bool(note.strip()),
        ):
            e.status = IntakeStatus.DECLINED

    @precondition(lambda self: self.expected)
    @rule(
        data=st.data(),
        hours_ahead=st.lists(st.integers(1, 24 * 14), min_size=1, max_size=3, unique=True),
    )
    def company_counters(self, data: st.DataObject, hours_ahead: list[int]) -> None:
        intake_id, e = self.pick(data)
        party, now = self.company_of[e.workplace], self.now
        times = [now + timedelta(hours=h) for h in hours_ahead]
        if self.attempt(
            lambda: intakes.counter(self.session, party, intake_id, times, "", now, link),
            allowed=answerable(e, now),
        ):
            e.status = IntakeStatus.COUNTERED
            e.slots = self.slots_of(intake_id)
            offered = sorted(t for t, by in e.slots.values() if by == "company")
            assert offered == sorted(times)

    @precondition(lambda self: self.expected)
    @rule(data=st.data())
    def coach_accepts_a_counter(self, data: st.DataObject) -> None:
        intake_id, e = self.pick(data)
        slot_id = data.draw(st.sampled_from(sorted(e.slots)), label="slot")
        starts_at, offered_by = e.slots[slot_id]
        now = self.now
        if self.attempt(
            lambda: intakes.accept_counter(self.session, self.coach, intake_id, slot_id, now, link),
            allowed=e.status is IntakeStatus.COUNTERED,
            input_ok=offered_by == "company" and still_to_come(starts_at, now),
        ):
            e.status, e.scheduled_at = IntakeStatus.ACCEPTED, starts_at

    @precondition(lambda self: self.expected)
    @rule(data=st.data())
    def coach_withdraws(self, data: st.DataObject) -> None:
        intake_id, e = self.pick(data)
        now = self.now
        if self.attempt(
            lambda: intakes.withdraw(self.session, self.coach, intake_id, now, link),
            allowed=e.status in OPEN,
        ):
            e.status = IntakeStatus.WITHDRAWN

    @precondition(lambda self: self.expected)
    @rule(
        data=st.data(),
        by_company=st.booleans(),
        outcome=st.sampled_from(IntakeOutcome),
        note=st.sampled_from(["", "Andere verwachtingen"]),
    )
    def outcome_is_recorded(
        self, data: st.DataObject, by_company: bool, outcome: IntakeOutcome, note: str
    ) -> None:
        intake_id, e = self.pick(data)
        party = self.company_of[e.workplace] if by_company else self.coach
        now = self.now
        if self.attempt(
            lambda: intakes.record_outcome(self.session, party, intake_id, outcome, note, now),
            allowed=e.status is IntakeStatus.ACCEPTED and e.outcome is None,
            input_ok=(outcome is not IntakeOutcome.NO_MATCH or bool(note))
            # Before the interview, only that it will not take place.
            and (
                outcome is IntakeOutcome.NOT_HELD or e.scheduled_at is None or e.scheduled_at <= now
            ),
        ):
            e.outcome = outcome

    @precondition(lambda self: self.expected)
    @rule(data=st.data(), action=st.sampled_from(["accept", "withdraw", "outcome"]))
    def an_outsider_tries(self, data: st.DataObject, action: str) -> None:
        intake_id, e = self.pick(data)
        slot_id = min(e.slots)
        coach, company = self.outsiders
        now = self.now
        actions: dict[str, Callable[[], object]] = {
            "accept": lambda: intakes.accept(self.session, company, intake_id, slot_id, now, link),
            "withdraw": lambda: intakes.withdraw(self.session, coach, intake_id, now, link),
            "outcome": lambda: intakes.record_outcome(
                self.session, coach, intake_id, IntakeOutcome.MATCH, "", now
            ),
        }
        self.session.expire_all()
        savepoint = self.session.begin_nested()
        with pytest.raises(NotFoundError):
            actions[action]()
        savepoint.rollback()

    @precondition(lambda self: self.expected)
    @rule(hours=st.integers(1, 24 * 6))
    def time_passes(self, hours: int) -> None:
        self.now += timedelta(hours=hours)

    @precondition(lambda self: any(e.status in OPEN for e in self.expected.values()))
    @rule(data=st.data(), near_a_deadline=st.booleans())
    def the_clock_expires_and_reminds(self, data: st.DataObject, near_a_deadline: bool) -> None:
        waiting = sorted(i for i, e in self.expected.items() if e.status is IntakeStatus.PROPOSED)
        if near_a_deadline and waiting:
            # The nights around a deadline are where expiring early or late would show.
            e = self.expected[data.draw(st.sampled_from(waiting), label="deadline of")]
            day = e.respond_by + timedelta(days=data.draw(st.integers(-2, 1), label="days"))
            moment = belgian(day, data.draw(st.integers(0, 23), label="hour"), 30)
            self.now = max(self.now, moment)
        today, now = day_in_belgium(self.now), self.now
        due = {
            intake_id
            for intake_id, e in self.expected.items()
            if e.status is IntakeStatus.PROPOSED and e.respond_by < today
        }
        counts: list[int] = []

        def act() -> None:
            counts.append(intakes.expire_overdue(self.session, today, now, link))
            intakes.remind_before_deadline(self.session, today, now, link)

        assert self.attempt(act, allowed=True)
        assert counts == [len(due)]
        for intake_id in due:
            self.expected[intake_id].status = IntakeStatus.EXPIRED

    @precondition(lambda self: any(e.status in OPEN for e in self.expected.values()))
    @rule(workplace=st.integers(0, N_WORKPLACES - 1))
    def the_workplace_becomes_full(self, workplace: int) -> None:
        waiting = {
            i for i, e in self.expected.items() if e.workplace == workplace and e.status in OPEN
        }
        counts: list[int] = []
        recognition_id, now = self.workplaces[workplace], self.now
        assert self.attempt(
            lambda: counts.append(intakes.close_full(self.session, recognition_id, now, link)),
            allowed=True,
        )
        assert counts == [len(waiting)]
        for intake_id in waiting:
            self.expected[intake_id].status = IntakeStatus.FULL

    # After every step ----------------------------------------------------------------

    @invariant()
    def no_illegal_state(self) -> None:
        rows = self.session.execute(
            select(
                Intake.id,
                Intake.student_id,
                Intake.recognition_id,
                Intake.status,
                Intake.outcome,
                Intake.outcome_at,
                Intake.scheduled_at,
                Intake.reminded_at,
            ).where(Intake.student_id.in_(self.students))
        ).all()
        planned = [r.id for r in rows if r.status is IntakeStatus.ACCEPTED]
        offered: dict[int, set[datetime]] = {}
        if planned:
            for intake_id, starts_at in self.session.execute(
                select(IntakeSlot.intake_id, IntakeSlot.starts_at).where(
                    IntakeSlot.intake_id.in_(planned)
                )
            ):
                offered.setdefault(intake_id, set()).add(starts_at)
        assert {r.id for r in rows} == set(self.expected), "a proposal appeared or vanished"

        busy: Counter[tuple[int, int]] = Counter()
        open_per_student: Counter[int] = Counter()
        for r in rows:
            e = self.expected[r.id]
            assert r.status in STATES, r.status
            before = self.seen.get(r.id)
            if before is None:
                assert r.status is IntakeStatus.PROPOSED, "a proposal starts as proposed"
            elif before.status != r.status:
                assert (before.status, r.status) in EDGES, (before.status, r.status)
            if r.outcome is not None:
                assert r.status is IntakeStatus.ACCEPTED, "an outcome only after an accept"
            if before is not None and before.outcome is not None:
                assert (r.outcome, r.outcome_at) == (before.outcome, before.outcome_at)
            if before is not None and before.reminded_at is not None:
                assert r.reminded_at == before.reminded_at, "a company is reminded once"
            if r.status is IntakeStatus.ACCEPTED:
                assert r.scheduled_at in offered.get(r.id, ()), "planned at a time nobody offered"
            if r.status in OPEN or (r.status is IntakeStatus.ACCEPTED and r.outcome is None):
                busy[(r.student_id, r.recognition_id)] += 1
            if r.status in OPEN:
                open_per_student[r.student_id] += 1
            # And exactly what the diagram said each action would do.
            assert (r.status, r.outcome, r.scheduled_at) == (e.status, e.outcome, e.scheduled_at)
            self.seen[r.id] = Seen(r.status, r.outcome, r.outcome_at, r.reminded_at)
        assert max(busy.values(), default=0) <= 1, busy
        assert max(open_per_student.values(), default=0) <= self.limits.max_open_per_student


@dataclass(frozen=True)
class Stage:
    """Who acts on what, made once for every run of the machine: a school's coach and
    students, workplaces at two companies, and a coach and a company from outside."""

    connection: Connection
    coach: Party
    students: list[int]
    workplaces: list[int]
    company_of: list[Party]  # per workplace
    outsiders: list[Party]

    @classmethod
    def build(cls, session: Session, connection: Connection) -> "Stage":
        school = a_school(session)
        companies = [a_company(session), a_company(session)]
        workplaces = [a_workplace(session, companies[i % 2]) for i in range(N_WORKPLACES)]
        return cls(
            connection=connection,
            coach=coach_party(a_coach(session, school)),
            students=[a_student(session, school).id for _ in range(N_STUDENTS)],
            workplaces=[w.id for w in workplaces],
            company_of=[Party.of_company(w.site.company_id) for w in workplaces],
            outsiders=[
                coach_party(a_coach(session, a_school(session))),
                Party.of_company(a_company(session).id),
            ],
        )


def test_random_actions_by_every_party_never_reach_an_illegal_state(
    session: Session, connection: Connection
) -> None:
    IntakeMachine.stage = Stage.build(session, connection)
    profile = settings.default
    assert profile is not None
    runs = min(profile.max_examples, MAX_RUNS)
    run_state_machine_as_test(
        IntakeMachine, settings=settings(max_examples=runs, stateful_step_count=STEPS)
    )


# Two people at once, on a real database file (or a scratch PostgreSQL database) -------


@pytest.fixture(scope="module", params=BACKENDS)
def race_database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, str]]:
    """A migrated database of its own, with real commits: what one connection wrote is
    what the other one reads."""
    name = f"test_intake_race_{uuid.uuid4().hex[:8]}"
    url = fresh_database_url(request.param, tmp_path_factory.mktemp("race"), name)
    engine = make_engine(url)
    upgrade(engine)
    with Session(engine) as session, unit_of_work(session):
        sync_reference_data(session)
    engine.dispose()
    yield request.param, url
    if request.param == "postgresql":
        drop_scratch_database(name)


@pytest.fixture
def race_engine(race_database: tuple[str, str]) -> Iterator[Engine]:
    engine = make_engine(race_database[1])
    yield engine
    engine.dispose()


Act = Callable[[Session, World, Intake], object]


def _accept(session: Session, world: World, intake: Intake) -> object:
    return intakes.accept(session, world.by_company, intake.id, school_slot(intake).id, NOW, link)


def _decline(session: Session, world: World, intake: Intake) -> object:
    reason = DeclineReason.NO_PLACE
    return intakes.decline(session, world.by_company, intake.id, reason, "", NOW, link)


def _counter(session: Session, world: World, intake: Intake) -> object:
    times = slots_after(date(2027, 3, 20))
    return intakes.counter(session, world.by_company, intake.id, times, "", NOW, link)


def _withdraw(session: Session, world: World, intake: Intake) -> object:
    return intakes.withdraw(session, world.by_coach, intake.id, NOW, link)


def _accept_counter(session: Session, world: World, intake: Intake) -> object:
    slot = next(s for s in intake.slots if s.offered_by == "company")
    return intakes.accept_counter(session, world.by_coach, intake.id, slot.id, NOW, link)


def _outcome_by(who: str) -> Act:
    def act(session: Session, world: World, intake: Intake) -> object:
        party = world.by_coach if who == "coach" else world.by_company
        outcome = IntakeOutcome.MATCH if who == "coach" else IntakeOutcome.NOT_HELD
        assert intake.scheduled_at is not None
        afterwards = intake.scheduled_at + timedelta(hours=1)
        return intakes.record_outcome(session, party, intake.id, outcome, "", afterwards)

    return act


# (the state both find, each side's action and the state its win leaves)
RACES = {
    "company-accepts-coach-withdraws": (
        "proposed", (_accept, IntakeStatus.ACCEPTED), (_withdraw, IntakeStatus.WITHDRAWN)
    ),
    "company-declines-coach-withdraws": (
        "proposed", (_decline, IntakeStatus.DECLINED), (_withdraw, IntakeStatus.WITHDRAWN)
    ),
    "company-counters-colleague-accepts": (
        "proposed", (_counter, IntakeStatus.COUNTERED), (_accept, IntakeStatus.ACCEPTED)
    ),
    "two-colleagues-accept-and-decline": (
        "proposed", (_accept, IntakeStatus.ACCEPTED), (_decline, IntakeStatus.DECLINED)
    ),
    "coach-takes-a-counter-and-withdraws": (
        "countered",
        (_accept_counter, IntakeStatus.ACCEPTED),
        (_withdraw, IntakeStatus.WITHDRAWN),
    ),
    "coach-and-company-record-the-outcome": (
        "accepted",
        (_outcome_by("coach"), IntakeStatus.ACCEPTED),
        (_outcome_by("company"), IntakeStatus.ACCEPTED),
    ),
}  # fmt: skip
ROUNDS = 3


# One side of a race: it reads the proposal, calls `read()`, then acts.
Side = Callable[[Session, Callable[[], None]], object]


def run_at_once(engine: Engine, sides: list[Side], interleave: bool) -> list[str]:
    """Run each side in its own thread, session and unit of work, started together;
    return "won", "conflict" (ConflictError) or "refused" (InputError) per side."""
    start = threading.Barrier(len(sides))
    # On PostgreSQL both read the proposal before either writes. On SQLite a writing unit
    # takes the database's write lock as it begins: the second waits for the first.
    both_read = threading.Barrier(len(sides))
    results: list[str] = ["not run"] * len(sides)

    def read() -> None:
        if interleave:
            both_read.wait(timeout=10)

    def run(i: int) -> None:
        session = Session(engine, expire_on_commit=False)
        try:
            start.wait()
            with unit_of_work(session):
                sides[i](session, read)
            results[i] = "won"
        except ConflictError:
            results[i] = "conflict"
        except InputError:
            results[i] = "refused"
        except Exception as error:  # the assertion on the results shows it
            results[i] = repr(error)
        finally:
            session.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(sides))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def side(act: Act, world: World, intake_id: int) -> Side:
    def run(session: Session, read: Callable[[], None]) -> object:
        # What the page showed when the person clicked: the proposal as it was then.
        shown = intakes.find_intake(session, world.by_coach, intake_id)
        read()
        return act(session, world, shown)

    return run


@pytest.mark.parametrize("race", list(RACES))
def test_of_two_acting_at_once_exactly_one_wins_and_the_other_gets_a_conflict(
    race_database: tuple[str, str], race_engine: Engine, race: str
) -> None:
    backend = race_database[0]
    state, (act_a, wins_a), (act_b, wins_b) = RACES[race]
    for _ in range(ROUNDS):
        with Session(race_engine, expire_on_commit=False) as setup, unit_of_work(setup):
            world = make_world(setup)
            intake = propose(setup, world)
            bring(setup, world, intake, state)

        results = run_at_once(
            race_engine,
            [side(act_a, world, intake.id), side(act_b, world, intake.id)],
            interleave=backend == "postgresql",
        )
        assert sorted(results) == ["conflict", "won"], results
        with Session(race_engine) as check:
            row = check.get(Intake, intake.id)
            assert row is not None
            assert row.status is (wins_a if results[0] == "won" else wins_b)
            if race == "coach-and-company-record-the-outcome":
                winner = IntakeOutcome.MATCH if results[0] == "won" else IntakeOutcome.NOT_HELD
                assert row.outcome is winner


@pytest.mark.parametrize("order", ["a-first", "b-first"])
@pytest.mark.parametrize("race", list(RACES))
def test_a_page_shown_before_the_other_acted_cannot_win_too(
    session: Session, connection: Connection, race: str, order: str
) -> None:
    """Two people's sessions both read the proposal, then act one after the other: the
    second acts on what it read, and is told that it changed meanwhile."""
    state, (act_a, wins_a), (act_b, wins_b) = RACES[race]
    world = make_world(session)
    intake = propose(session, world)
    bring(session, world, intake, state)
    session.expire_all()
    (first, wins), (second, _) = (
        ((act_a, wins_a), (act_b, wins_b))
        if order == "a-first"
        else ((act_b, wins_b), (act_a, wins_a))
    )
    with (
        Session(bind=connection, join_transaction_mode="create_savepoint") as early,
        Session(bind=connection, join_transaction_mode="create_savepoint") as late,
    ):
        shown_early = intakes.find_intake(early, world.by_coach, intake.id)
        shown_late = intakes.find_intake(late, world.by_coach, intake.id)
        first(early, world, shown_early)
        early.flush()
        with pytest.raises(ConflictError):
            second(late, world, shown_late)
        assert stored(session, intake).status is wins


def proposing(world: World, to: Recognition) -> Side:
    def run(session: Session, read: Callable[[], None]) -> object:
        read()
        return propose(session, world, recognition=to)

    return run


@pytest.mark.parametrize("same_workplace", [False, True], ids=["last-place", "same-workplace"])
def test_two_proposals_at_once_for_one_student_keep_the_limits(
    race_database: tuple[str, str], race_engine: Engine, same_workplace: bool
) -> None:
    backend = race_database[0]
    # One place left for two workplaces, or places enough for two proposals to one.
    already_open = 1 if same_workplace else RULES.max_open_per_student - 1
    for _ in range(ROUNDS):
        with Session(race_engine, expire_on_commit=False) as setup, unit_of_work(setup):
            world = make_world(setup)
            for _ in range(already_open):
                propose(setup, world, recognition=a_workplace(setup))
            first = a_workplace(setup)
            second = first if same_workplace else a_workplace(setup)
        results = run_at_once(
            race_engine,
            [proposing(world, first), proposing(world, second)],
            interleave=backend == "postgresql",
        )
        assert sorted(results) == ["refused", "won"], results
        with Session(race_engine) as check:
            open_ones = check.scalar(
                select(func.count()).where(
                    Intake.student_id == world.student.id,
                    Intake.status.in_(OPEN),
                )
            )
            assert open_ones == already_open + 1
