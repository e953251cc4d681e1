"""A past that the services write: steps at moments, run in time order with `now` set.

A demo that shows proposals answered, interviews held and agreements signed needs rows
with past timestamps. Rather than write those rows by hand (and drift from what the
services would have written), each step calls the service itself with the step's
moment as `now`; the services' rules hold and their timestamps, slots and e-mails are
the real ones. The deadline job runs at its hour on the nights it has something to do,
as the clock process would have: a company is reminded two working days before a
proposal's deadline, and a proposal left unanswered expires the night after it.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import update
from sqlalchemy.orm import Session

from models import Agreement, Intake, Recognition, Student
from models.base import BELGIUM, day_in_belgium
from models.calendar import add_working_days, is_working_day
from models.enums import DeclineReason, IntakeLocation, IntakeOutcome
from models.rules import school_year_start
from web.services import agreements, intakes
from web.services.intakes import LinkTo, Proposal
from web.services.policy import Party
from web.settings import AgreementSettings, IntakeSettings

# The deadline job's hour (web/jobs.py, "intake-deadlines").
DEADLINE_JOB_AT = time(3, 45)

Action = Callable[[datetime], object]


def moment(day: date, at: time) -> datetime:
    """A Belgian day and time, as the aware UTC moment the database keeps."""
    return datetime.combine(day, at, BELGIUM).astimezone(UTC)


def working_day(today: date, n: int) -> date:
    """The n-th working day after `today` (n > 0), before it (n < 0), or today (n = 0)."""
    day, step = today, (1 if n > 0 else -1)
    for _ in range(abs(n)):
        day += timedelta(days=step)
        while not is_working_day(day):
            day += timedelta(days=step)
    return day


def agreement_end(start: date) -> date:
    """The end of the school year after the one an agreement starts in (a two-year
    programme; well within the 3 years an OAO may last)."""
    return date(school_year_start(start).year + 2, 6, 30)


@dataclass(eq=False)  # each case is itself, whatever it holds
class Case:
    """One student's proposal to one workplace, and what became of it."""

    student: Student
    workplace: Recognition
    company: Party  # who answers for the workplace
    intake: Intake | None = None
    agreement: Agreement | None = None


@dataclass
class History:
    """Steps of many cases, run in time order through the services."""

    session: Session
    today: date
    coach: Party
    link_to: LinkTo
    intake_rules: IntakeSettings = field(default_factory=IntakeSettings)
    agreement_rules: AgreementSettings = field(default_factory=AgreementSettings)
    _steps: list[tuple[datetime, int, Action]] = field(default_factory=list)
    # Per proposal (by its case): the day it was made, its deadline, and the day the
    # company or the coach answered it, if they did.
    _deadlines: dict[Case, tuple[date, date]] = field(default_factory=dict)
    _answered: dict[Case, date] = field(default_factory=dict)
    # The day each student first appears in the history (their lessons started before).
    first_day: dict[int, date] = field(default_factory=dict)
    # When each workplace's places last changed (signed, or given back).
    places_changed: dict[int, datetime] = field(default_factory=dict)

    def at(self, student: Student | None, day: date, clock: str, action: Action) -> None:
        """Run `action(now)` at `clock` (HH:MM, Belgian time) on `day`; a step of a
        student's counts for when they first appear."""
        hour, minute = (int(part) for part in clock.split(":"))
        self._steps.append((moment(day, time(hour, minute)), len(self._steps), action))
        if student is not None:
            self.first_day[student.id] = min(day, self.first_day.get(student.id, day))

    def run(self) -> None:
        """Run every step, and the deadline job on the nights it acts, in time order."""
        for night in sorted(self._job_nights()):
            self._steps.append((moment(night, DEADLINE_JOB_AT), len(self._steps), self._job))
        for when, _, action in sorted(self._steps, key=lambda step: (step[0], step[1])):
            # Each step is a request or a job run of its own, reading afresh what the
            # steps before it wrote (services update with conditional UPDATEs, which
            # leave the objects a session already holds as they were).
            self.session.flush()
            self.session.expire_all()
            action(when)

    def _job_nights(self) -> set[date]:
        """The nights the deadline job finds something to do, up to today's: it reminds a
        proposal on the first night its deadline is two working days off or nearer, and
        expires it the night after its deadline, if no answer came before. (On the other
        nights it would find nothing: running it there would change nothing.)"""
        nights = set()
        for case, (proposed_on, respond_by) in self._deadlines.items():
            answered = self._answered.get(case)
            reminded = proposed_on + timedelta(days=1)
            while add_working_days(reminded, 2) < respond_by:
                reminded += timedelta(days=1)
            if answered is None or reminded <= answered:
                nights.add(reminded)
            if answered is None:
                nights.add(respond_by + timedelta(days=1))
        return {night for night in nights if night <= self.today}

    def _job(self, now: datetime) -> None:
        today = day_in_belgium(now)
        intakes.expire_overdue(self.session, today, now, self.link_to)
        intakes.remind_before_deadline(self.session, today, now, self.link_to)
        # The job's reminder is an ORM change, stamped with the real time: stamp its own.
        self.session.execute(update(Intake).where(Intake.reminded_at == now).values(updated_at=now))

    # --- The coach's and the company's steps, each one service call --------------------

    def propose(
        self,
        case: Case,
        day: date,
        interview_on: date,
        note: str = "",
        location: IntakeLocation = IntakeLocation.SCHOOL,
        clock: str = "10:00",
    ) -> date:
        """The coach proposes two times, on and after `interview_on` (moved past the
        company's deadline if need be); return the first time's day."""
        respond_by = intakes.default_deadline(day, self.intake_rules)
        first = interview_on if interview_on > respond_by else working_day(respond_by, 1)
        slots = (moment(first, time(10)), moment(working_day(first, 1), time(14)))
        proposal = Proposal(case.student.id, case.workplace.id, slots, location=location, note=note)
        self._deadlines[case] = (day, respond_by)

        def step(now: datetime) -> None:
            case.intake = intakes.propose(
                self.session, self.coach, proposal, now, self.intake_rules, self.link_to
            )

        self.at(case.student, day, clock, step)
        return first

    def accept(self, case: Case, day: date, clock: str = "14:00") -> None:
        """The company takes the coach's first time."""

        def step(now: datetime) -> None:
            intake = self._intake(case)
            first = next(slot for slot in intake.slots if slot.offered_by == "school")
            intakes.accept(self.session, case.company, intake.id, first.id, now, self.link_to)

        self._answer(case, day)
        self.at(case.student, day, clock, step)

    def decline(self, case: Case, day: date, reason: DeclineReason, note: str) -> None:
        """The company declines, with a reason."""
        self._answer(case, day)
        self.at(
            case.student,
            day,
            "11:30",
            lambda now: intakes.decline(
                self.session, case.company, self._intake(case).id, reason, note, now, self.link_to
            ),
        )

    def counter(self, case: Case, day: date, times: tuple[date, date], note: str) -> None:
        """The company offers two other times."""
        slots = (moment(times[0], time(9)), moment(times[1], time(13, 30)))
        self._answer(case, day)
        self.at(
            case.student,
            day,
            "16:10",
            lambda now: intakes.counter(
                self.session, case.company, self._intake(case).id, slots, note, now, self.link_to
            ),
        )

    def withdraw(self, case: Case, day: date) -> None:
        """The coach withdraws the proposal."""
        self._answer(case, day)
        self.at(
            case.student,
            day,
            "08:50",
            lambda now: intakes.withdraw(
                self.session, self.coach, self._intake(case).id, now, self.link_to
            ),
        )

    def outcome(
        self,
        case: Case,
        day: date,
        outcome: IntakeOutcome,
        note: str = "",
        by_company: bool = False,
    ) -> None:
        """Coach or company records how the interview went, that afternoon."""
        party = case.company if by_company else self.coach
        self.at(
            case.student,
            day,
            "16:00",
            lambda now: intakes.record_outcome(
                self.session, party, self._intake(case).id, outcome, note, now
            ),
        )

    def draw_up(self, case: Case, day: date, start: date) -> None:
        """The coach draws the agreement up from the match, the programme's hours a week."""

        def step(now: datetime) -> None:
            case.agreement = agreements.start_agreement(
                self.session,
                self.coach,
                self._intake(case).id,
                start,
                agreement_end(start),
                case.workplace.programme.workplace_hours,
                now,
                self.agreement_rules,
                self.link_to,
            )

        self.at(case.student, day, "11:00", step)

    def confirm(self, case: Case, day: date, by_company: bool, clock: str = "14:30") -> None:
        """One side confirms the agreement; the second confirmation signs it."""
        party = case.company if by_company else self.coach

        def step(now: datetime) -> None:
            signed = agreements.confirm(
                self.session,
                party,
                self._agreement(case).id,
                now,
                self.agreement_rules,
                self.link_to,
            )
            if signed.signed_at is not None:
                self.places_changed[case.workplace.id] = now

        self.at(case.student, day, clock, step)

    def end_early(self, case: Case, day: date, ended_on: date, reason: str) -> None:
        """The coach ends the signed agreement early: the place comes back."""

        def step(now: datetime) -> None:
            agreements.end_early(
                self.session, self.coach, self._agreement(case).id, ended_on, reason, now
            )
            self.places_changed[case.workplace.id] = now

        self.at(case.student, day, "09:15", step)

    def _answer(self, case: Case, day: date) -> None:
        self._answered[case] = min(day, self._answered.get(case, day))

    @staticmethod
    def _intake(case: Case) -> Intake:
        if case.intake is None:
            raise RuntimeError("a step on a proposal ran before the proposal")
        return case.intake

    @staticmethod
    def _agreement(case: Case) -> Agreement:
        if case.agreement is None:
            raise RuntimeError("a step on an agreement ran before the agreement")
        return case.agreement
