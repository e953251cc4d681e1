"""Agreements (DOMAIN.md step 6): the type and the rule that decided it, every refusal at its
boundary, signing that takes the last place exactly once even when fifty try at once,
the place that comes back on an early end, and the 20-training-day clock."""

import threading
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from models import (
    Agreement,
    Intake,
    OutboxMessage,
    Recognition,
    Student,
    TrainingClockWarning,
)
from models.database import make_engine, unit_of_work, upgrade
from models.enums import AgreementType, IntakeOutcome, IntakeStatus, Role
from models.reference_data import sync_reference_data
from models.rules import add_years
from models.school_calendar import training_days_between, training_days_left
from tests import factories
from tests.conftest import BACKENDS, drop_scratch_database, fresh_database_url
from web.services import agreements
from web.services.errors import ConflictError, InputError
from web.services.policy import Party
from web.settings import AgreementSettings

RULES = AgreementSettings()
NOW = datetime(2026, 9, 7, 9, 0, tzinfo=UTC)
START = date(2026, 9, 14)


def link(endpoint: str, **values: object) -> str:
    return f"https://duaal.example/{endpoint}/{values}"


class World:
    """A school with a coach, a company user, and a recognised workplace with a mentor."""

    def __init__(self, session: Session, n_places: int = 2, n_free: int = 1) -> None:
        self.session = session
        self.school = factories.school(session)
        self.recognition = factories.recognition(session, n_places=n_places, n_free_places=n_free)
        company = self.recognition.site.company
        self.recognition.mentor = factories.mentor(session, company)
        self.coach = factories.user(session, Role.SCHOOL_STAFF, self.school)
        self.company_user = factories.user(session, Role.COMPANY, company)
        session.flush()
        self.coach_party = Party(Role.SCHOOL_STAFF, school_id=self.school.id, user_id=self.coach.id)
        self.company_party = Party(
            Role.COMPANY, company_id=company.id, user_id=self.company_user.id
        )

    def match(self, recognition: Recognition | None = None, **student: object) -> Intake:
        """An interview recorded as a match, for a new student of the school."""
        pupil = factories.student(
            self.session, school=self.school, is_ready_for_work=True, **student
        )
        intake = Intake(
            student_id=pupil.id,
            recognition_id=(recognition or self.recognition).id,
            status=IntakeStatus.ACCEPTED,
            outcome=IntakeOutcome.MATCH,
            respond_by=START,
            updated_at=NOW,
        )
        self.session.add(intake)
        self.session.flush()
        return intake

    def start(self, intake: Intake, **terms: object) -> Agreement:
        values: dict[str, object] = {
            "start_date": START,
            "end_date": START + timedelta(days=700),
            "weekly_hours": 24.0,
        }
        values.update(terms)
        return agreements.start_agreement(
            self.session,
            self.coach_party,
            intake.id,
            values["start_date"],  # type: ignore[arg-type]
            values["end_date"],  # type: ignore[arg-type]
            values["weekly_hours"],  # type: ignore[arg-type]
            NOW,
            RULES,
            link,
        )

    def sign(self, agreement: Agreement) -> Agreement:
        agreements.confirm(self.session, self.coach_party, agreement.id, NOW, RULES, link)
        return agreements.confirm(self.session, self.company_party, agreement.id, NOW, RULES, link)


@pytest.fixture
def world(session: Session) -> World:
    return World(session)


# --- The type ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hours", "kind"), [(19.5, AgreementType.SAO), (20, AgreementType.OAO), (38, AgreementType.OAO)]
)
def test_the_type_follows_the_weekly_hours_for_secondary_learners(
    world: World, hours: float, kind: AgreementType
) -> None:
    agreement = world.start(world.match(), weekly_hours=hours)
    assert agreement.agreement_type is kind
    rule = str(agreements.type_for(world.recognition.programme, hours).rule)
    assert ("minder dan 20 uur" in rule) is (hours < 20)


def test_adults_get_odo_or_the_odo_statute(session: Session) -> None:
    adult = factories.programme(session, "elektrotechnisch-installateur-duaal-volwassenen")
    assert agreements.type_for(adult, 12).agreement_type is AgreementType.ODO
    assert agreements.type_for(adult, 20).agreement_type is AgreementType.ODO_STATUUT


def test_a_part_time_contract_only_where_the_programme_is_marked(world: World) -> None:
    programme = world.recognition.programme
    with pytest.raises(InputError):
        agreements.type_for(programme, 24, wants_da=True)
    programme.allows_da = True
    assert agreements.type_for(programme, 24, wants_da=True).agreement_type is AgreementType.DA


# --- Refusals at their boundaries --------------------------------------------------------


def test_no_agreement_before_the_recognition(world: World) -> None:
    decided = world.recognition.decided_at
    assert decided is not None
    with pytest.raises(InputError, match="niet erkend"):
        world.start(world.match(), start_date=decided.date() - timedelta(days=1))


def test_no_agreement_after_the_recognition_ends(world: World) -> None:
    valid_until = world.recognition.valid_until
    assert valid_until is not None
    with pytest.raises(InputError, match="niet erkend"):
        world.start(
            world.match(), start_date=valid_until, end_date=valid_until + timedelta(days=30)
        )
    # The last day of the recognition is still a day it allows.
    last = valid_until - timedelta(days=1)
    assert world.start(world.match(), start_date=last, end_date=last + timedelta(days=30))


def test_an_oao_lasts_at_most_three_years(world: World) -> None:
    three_years = add_years(START, 3)
    assert world.start(world.match(), end_date=three_years)
    with pytest.raises(InputError, match="hoogstens 3 jaar"):
        world.start(world.match(), end_date=three_years + timedelta(days=1))


def test_no_agreement_without_a_mentor(world: World) -> None:
    world.recognition.mentor = None
    with pytest.raises(InputError, match="geen mentor"):
        world.start(world.match())


def test_a_mentor_coaches_at_most_two_learners_at_once(session: Session) -> None:
    world = World(session, n_places=5, n_free=5)
    for _ in range(2):
        world.sign(world.start(world.match()))
    with pytest.raises(InputError, match="maximum"):
        world.start(world.match())
    # After the first ends, the mentor has room again from that day on.
    first = session.scalars(select(Agreement).order_by(Agreement.id)).first()
    assert first is not None
    agreements.end_early(
        session, world.company_party, first.id, START + timedelta(days=10), "x", NOW
    )
    assert world.start(world.match(), start_date=START + timedelta(days=11))


def test_a_student_has_one_agreement_at_a_time(world: World) -> None:
    first = world.start(world.match())
    elsewhere = factories.recognition(world.session)
    elsewhere.mentor = factories.mentor(world.session, elsewhere.site.company)
    intake = Intake(
        student_id=first.student_id,
        recognition_id=elsewhere.id,
        status=IntakeStatus.ACCEPTED,
        outcome=IntakeOutcome.MATCH,
        respond_by=START,
        updated_at=NOW,
    )
    world.session.add(intake)
    world.session.flush()
    with pytest.raises(InputError, match="al een overeenkomst"):
        world.start(intake)


def test_only_a_match_starts_an_agreement(world: World) -> None:
    intake = world.match()
    intake.outcome = IntakeOutcome.NO_MATCH
    world.session.flush()
    with pytest.raises(InputError, match="match"):
        world.start(intake)


# --- Signing -----------------------------------------------------------------------------


def test_signed_once_both_sides_confirmed_and_a_place_is_taken(world: World) -> None:
    agreement = world.start(world.match())
    agreements.confirm(world.session, world.coach_party, agreement.id, NOW, RULES, link)
    assert agreement.signed_at is None
    assert world.recognition.n_free_places == 1
    agreements.confirm(world.session, world.company_party, agreement.id, NOW, RULES, link)
    world.session.refresh(world.recognition)
    assert agreement.signed_at == NOW
    assert agreement.company_confirmed_by_id == world.company_user.id
    assert agreement.school_confirmed_by_id == world.coach.id
    assert world.recognition.n_free_places == 0


def test_the_last_place_closes_the_open_proposals_and_tells_their_coaches(world: World) -> None:
    waiting = Intake(
        student_id=factories.student(world.session, school=world.school).id,
        recognition_id=world.recognition.id,
        proposed_by_id=world.coach.id,
        status=IntakeStatus.PROPOSED,
        respond_by=START,
        updated_at=NOW,
    )
    world.session.add(waiting)
    world.session.flush()
    world.sign(world.start(world.match()))
    world.session.refresh(waiting)
    assert waiting.status is IntakeStatus.FULL
    told = world.session.scalar(
        select(OutboxMessage).where(OutboxMessage.recipient == world.coach.email)
    )
    assert told is not None and "volzet" in told.subject


def test_an_early_end_gives_the_place_back_within_the_places(world: World) -> None:
    agreement = world.sign(world.start(world.match()))
    world.session.refresh(world.recognition)
    assert world.recognition.n_free_places == 0
    agreements.end_early(
        world.session, world.company_party, agreement.id, START + timedelta(days=30), "verhuis", NOW
    )
    world.session.refresh(world.recognition)
    assert world.recognition.n_free_places == 1
    with pytest.raises(ConflictError):
        agreements.end_early(
            world.session, world.company_party, agreement.id, START + timedelta(days=31), "x", NOW
        )


def test_an_early_end_restarts_the_clock_the_day_after(world: World) -> None:
    agreement = world.sign(world.start(world.match(lessons_start_date=date(2026, 9, 1))))
    end = START + timedelta(days=30)
    agreements.end_early(world.session, world.company_party, agreement.id, end, "x", NOW)
    student = world.session.get(Student, agreement.student_id)
    assert student is not None
    assert agreements.clock_start(
        world.session, student, end + timedelta(days=5)
    ) == end + timedelta(days=1)


# --- Fifty at once for one place --------------------------------------------------------


@pytest.fixture(params=BACKENDS)
def scratch(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    name = f"test_signing_{uuid.uuid4().hex[:8]}"
    url = fresh_database_url(request.param, tmp_path, name)
    engine = make_engine(url)
    upgrade(engine)
    with Session(engine) as session, unit_of_work(session):
        sync_reference_data(session)
    engine.dispose()
    yield url
    if request.param == "postgresql":
        drop_scratch_database(name)


@pytest.mark.slow
def test_fifty_signings_at_once_for_one_place_sign_exactly_one(scratch: str) -> None:
    engine = make_engine(scratch, timeout_s=30)
    sessions = sessionmaker(engine, expire_on_commit=False)
    with sessions() as session, unit_of_work(session):
        world = World(session, n_places=3, n_free=1)
        waiting = []
        for i in range(50):
            recognition = world.recognition
            agreement = world.start(world.match(recognition, first_name=f"Leerling{i}"))
            agreements.confirm(session, world.coach_party, agreement.id, NOW, RULES, link)
            waiting.append(agreement.id)
        # Fifty mentors' worth of room, so that only the place decides.
        recognition_id = recognition.id
    company = world.company_party
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()
    start = threading.Barrier(len(waiting))
    rules = AgreementSettings(max_learners_per_mentor=100)

    def sign(agreement_id: int) -> None:
        start.wait()
        with sessions() as session:
            try:
                with unit_of_work(session):
                    agreements.confirm(session, company, agreement_id, NOW, rules, link)
                outcome = "signed"
            except ConflictError as refused:
                outcome = "refused" if "geen vrije plaats" in str(refused.message) else "other"
        with lock:
            outcomes[outcome] += 1

    threads = [threading.Thread(target=sign, args=(i,)) for i in waiting]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes == {"signed": 1, "refused": 49}
    with sessions() as session:
        signed = session.scalar(
            select(func.count()).select_from(Agreement).where(Agreement.signed_at.is_not(None))
        )
        confirmed = session.scalar(
            select(func.count())
            .select_from(Agreement)
            .where(Agreement.company_confirmed_at.is_not(None))
        )
        free = session.scalar(
            select(Recognition.n_free_places).where(Recognition.id == recognition_id)
        )
    assert (signed, confirmed, free) == (1, 1, 0)
    engine.dispose()


# --- The 20-training-day clock ------------------------------------------------------------


def test_training_days_leave_out_weekends_and_the_school_calendar() -> None:
    # 2026-10-26 (Mon) to 2026-11-13 (Fri): the autumn break (2-8 Nov) and 11 November
    # are no training days: 5 + 0 + 4 = 9 (the week of 26 October, then 9-13 less the 11th).
    assert training_days_between(date(2026, 10, 26), date(2026, 11, 13)) == 9


def test_a_schools_own_day_off_is_no_training_day() -> None:
    assert training_days_between(date(2026, 9, 14), date(2026, 9, 18)) == 5
    assert training_days_between(date(2026, 9, 14), date(2026, 9, 18), {date(2026, 9, 16)}) == 4


def test_twenty_days_from_the_lessons_run_out_across_a_weekend() -> None:
    start = date(2026, 9, 1)  # a Tuesday, the first school day
    assert training_days_left(start, start - timedelta(days=1)) == 20
    assert training_days_left(start, start) == 19
    # 1-4 Sept (4), 7-11 (5), 14-18 (5), 21-25 (5): 19 used on Friday 25th, Monday the 20th.
    assert training_days_left(start, date(2026, 9, 25)) == 1
    assert training_days_left(start, date(2026, 9, 27)) == 1  # the weekend uses none
    assert training_days_left(start, date(2026, 9, 28)) == 0


@given(start=st.dates(date(2024, 1, 1), date(2031, 12, 31)), days=st.integers(-10, 400))
def test_the_days_left_are_twenty_less_the_training_days_used(start: date, days: int) -> None:
    today = start + timedelta(days=days)
    assert training_days_left(start, today) == max(0, 20 - training_days_between(start, today))


def test_a_clock_started_on_a_date_typed_wrong_has_run_out() -> None:
    assert training_days_left(date(1, 1, 1), date(2026, 11, 30)) == 0
    assert training_days_left(date(9999, 12, 31), date(2026, 11, 30)) == 20


def test_the_clock_crosses_the_turn_of_the_school_year() -> None:
    start = date(2027, 6, 21)  # the last two school weeks of 2026-27, then summer
    assert training_days_left(start, date(2027, 6, 30)) == 12
    assert training_days_left(start, date(2027, 8, 31)) == 12  # summer: no training days
    assert training_days_left(start, date(2027, 9, 1)) == 11


@pytest.fixture
def clocked(session: Session) -> tuple[World, Student]:
    world = World(session)
    world.school.email = "secretariaat@school.be"
    pupil = factories.student(session, school=world.school, lessons_start_date=date(2026, 9, 1))
    return world, pupil


def run_clock(session: Session, day: date) -> dict[str, int]:
    return agreements.check_clocks(
        session, day, datetime.combine(day, datetime.min.time(), UTC), link
    )


def test_the_coach_is_warned_at_ten_and_five_days_left_and_when_time_is_up(
    clocked: tuple[World, Student],
) -> None:
    world, pupil = clocked
    session = world.session
    assert run_clock(session, date(2026, 9, 10))["warned"] == 0  # 12 left
    assert run_clock(session, date(2026, 9, 14))["warned"] == 1  # 10 left
    assert run_clock(session, date(2026, 9, 14))["warned"] == 0  # idempotent
    assert run_clock(session, date(2026, 9, 21))["warned"] == 1  # 5 left
    counts = run_clock(session, date(2026, 9, 28))  # 0 left
    assert counts == {"warned": 1, "time_up": 1}
    assert pupil.time_up_on == date(2026, 9, 28)
    warnings = session.scalars(
        select(TrainingClockWarning.days_left).where(TrainingClockWarning.student_id == pupil.id)
    ).all()
    assert sorted(warnings) == [0, 5, 10]
    mails = session.scalars(
        select(OutboxMessage.subject).where(OutboxMessage.recipient == "secretariaat@school.be")
    ).all()
    assert len(mails) == 3
    assert session.get(Student, pupil.id) is not None  # nothing is deleted


def test_a_signed_agreement_stops_the_clock(clocked: tuple[World, Student]) -> None:
    world, pupil = clocked
    world.school.email = None
    intake = Intake(
        student_id=pupil.id,
        recognition_id=world.recognition.id,
        status=IntakeStatus.ACCEPTED,
        outcome=IntakeOutcome.MATCH,
        respond_by=START,
        updated_at=NOW,
    )
    world.session.add(intake)
    world.session.flush()
    world.sign(world.start(intake, start_date=date(2026, 9, 14)))
    assert run_clock(world.session, date(2026, 9, 28)) == {"warned": 0, "time_up": 0}


def test_the_clocks_are_listed_most_urgent_first(clocked: tuple[World, Student]) -> None:
    world, pupil = clocked
    later = factories.student(
        world.session, school=world.school, lessons_start_date=date(2026, 9, 14)
    )
    unknown = factories.student(world.session, school=world.school)
    listed = agreements.clocks(world.session, world.coach_party, date(2026, 9, 21))
    assert [c.student.id for c in listed][:3] == [pupil.id, later.id, unknown.id]
    assert listed[0].days_left == 5
