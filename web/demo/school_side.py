"""The school side of the demo, so that each demo login finds something to do: proposals
in every state, announcements, agreements at every stage, and students at every point
of their 20 training days.

It runs on the generated rows once the demo logins exist, in four steps.

1. The cast (web/demo/cast.py). The demo company's first site moves to a village
   beside the demo school (generated companies lie anywhere in Flanders, and a learner
   of 16 does not cycle 80 km to an interview), and up to two programmes of its sector
   become recognised workplaces there, each with a mentor of its own: the main one with
   two places (an agreement fills it, an early end frees one again) and a second one
   with three. The school's students, first to last, each play one story below (the
   demo student, the school's first, plays the first); a student in a story follows
   the programme of its workplace and has the class council's advice. The last few
   students are kept out of the stories for the clock.
2. The history (web/demo/history.py): the stories' steps, on working days around
   `today`, run through the services in time order.
3. The clocks (web/demo/clocks.py): a student in a story started lessons two training
   days before their first step; the others start where `CLOCK_POINTS` says; the
   warnings the morning job gave on the way are there.
4. The e-mails the history queued count as sent when they were queued.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from itertools import chain, cycle
from math import ceil

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from matcher import haversine_km
from models import OutboxMessage, Recognition, Student, StudentInterest
from models.enums import DeclineReason, IntakeLocation, IntakeOutcome
from models.rules import STALE_AFTER_DAYS
from models.school_calendar import TRAINING_DAYS_TO_SIGN
from models.workplaces import available_on
from web.demo.cast import Cast, cast_demo, nearest_elsewhere
from web.demo.clocks import record_warnings, start_for_days_used, training_days_before
from web.demo.history import Case, History, moment, working_day
from web.links import public_link
from web.services import announcements
from web.services.intakes import LinkTo
from web.services.policy import Party

ANNOUNCED_NEAR_KM = 20.0  # other companies that announced a place to the school
# Where the students outside the stories stand: training days left (None: time ran
# out three training days ago). The first four are the points the demo must show.
CLOCK_POINTS = (16, 8, 3, None, 18, 12, 6, 15, 10, 4, 17, 9, 14, 7, 19, 11, 2, 13, 5, 1)
N_MUST_SHOW_POINTS = 4
TIME_UP_DAYS_USED = 23

NOTES = {
    "wish": "De leerling heeft zelf interesse getoond in jullie werkplek.",
    "motivated": "Gemotiveerde leerling, komt met de fiets. Graag een gesprek op school.",
    "counter": "Die dagen is onze mentor op opleiding. Past een van deze momenten?",
    "busy": "Onze mentor is de komende maanden niet beschikbaar voor een nieuwe leerling.",
    "profile": "We zoeken iemand die al wat praktijkervaring heeft.",
    "no_match": "De leerling wil liever in een groter team werken; we raden een ander bedrijf aan.",
    "not_held": "De leerling was ziek. We stellen een nieuw moment voor.",
    "ended": "In onderling overleg gestopt: het werk past niet bij wat de leerling zoekt.",
}


@dataclass
class Play:
    """The stories' shared stage: the history they write and the cast they use."""

    session: Session
    history: History
    cast: Cast
    today: date

    def w(self, n: int) -> date:
        """The n-th working day from today (negative: before)."""
        return working_day(self.today, n)

    def case(self, student: Student, workplace: Recognition) -> Case:
        """A proposal to come for `student` at `workplace`; the student follows its
        programme and has the class council's advice. (Workplaces elsewhere are for the
        main one's programme: a story sends a student there after one at the main.)"""
        student.programme = workplace.programme
        student.is_ready_for_work = True
        company = (
            self.cast.company
            if workplace in (self.cast.main, self.cast.second)
            else Party.of_company(workplace.site.company_id)
        )
        return Case(student, workplace, company)

    def elsewhere(self, student: Student, index: int) -> Case | None:
        """A proposal to come at another company's workplace, if there is one nearby."""
        places = self.cast.elsewhere
        return self.case(student, places[index % len(places)]) if places else None

    def interview(
        self,
        student: Student,
        workplace: Recognition,
        proposed: int,
        held: int,
        outcome: IntakeOutcome | None = None,
        note: str = "",
        by_company: bool = False,
        location: IntakeLocation = IntakeLocation.SCHOOL,
    ) -> Case:
        """Propose on working day `proposed`, accepted two days later, the interview on
        working day `held` and, if given, its outcome that afternoon."""
        case = self.case(student, workplace)
        day = self.history.propose(case, self.w(proposed), self.w(held), location=location)
        self.history.accept(case, self.w(proposed + 2))
        if outcome is not None:
            self.history.outcome(case, day, outcome, note, by_company)
        return case

    def interest(self, student: Student, workplace: Recognition, day: date, clock: str) -> None:
        """The student marks a workplace as interesting in the search."""
        self.history.at(
            student,
            day,
            clock,
            lambda now: self.session.add(
                StudentInterest(student_id=student.id, recognition_id=workplace.id, created_at=now)
            ),
        )


# --- The stories, one student each -------------------------------------------------------


def waiting_and_planned(p: Play, s: Student) -> None:
    """The demo student: a proposal waiting for the demo company's answer, an interview
    planned at another company, and workplaces marked as interesting."""
    p.interest(s, p.cast.main, p.w(-3), "19:30")
    p.history.propose(p.case(s, p.cast.main), p.w(-1), p.w(6), NOTES["wish"], clock="10:15")
    planned = p.elsewhere(s, 0)
    if planned is not None:
        p.history.propose(
            planned, p.w(-6), p.w(2), NOTES["motivated"], IntakeLocation.COMPANY, "09:30"
        )
        p.history.accept(planned, p.w(-5))
    if len(p.cast.elsewhere) > 1:
        p.interest(s, p.cast.elsewhere[1], p.w(-8), "20:10")


def signed(p: Play, s: Student) -> None:
    """A match, an agreement both sides confirmed: signed and running. It took the main
    workplace's last place (see `closed_as_full`) until an early end gave one back."""
    case = p.interview(s, p.cast.main, -34, -25, IntakeOutcome.MATCH, by_company=True)
    p.history.draw_up(case, p.w(-24), start=p.w(-20))
    p.history.confirm(case, p.w(-24), by_company=False, clock="11:20")
    p.history.confirm(case, p.w(-22), by_company=True)


def waits_for_the_company(p: Play, s: Student) -> None:
    """A match; the coach drew the agreement up and confirmed: the company confirms next."""
    case = p.interview(s, p.cast.second, -12, -4, IntakeOutcome.MATCH)
    p.history.draw_up(case, p.w(-3), start=p.w(5))
    p.history.confirm(case, p.w(-3), by_company=False, clock="11:20")


def waits_for_the_school(p: Play, s: Student) -> None:
    """A match; the company confirmed the agreement: the coach confirms next."""
    case = p.interview(s, p.cast.second, -13, -5, IntakeOutcome.MATCH, by_company=True)
    p.history.draw_up(case, p.w(-4), start=p.w(6))
    p.history.confirm(case, p.w(-2), by_company=True)


def countered(p: Play, s: Student) -> None:
    """The company offered other times: the coach picks one. Another company declined."""
    case = p.case(s, p.cast.main)
    p.history.propose(case, p.w(-5), p.w(3))
    p.history.counter(case, p.w(-3), (p.w(4), p.w(5)), NOTES["counter"])
    declined = p.elsewhere(s, 1)
    if declined is not None:
        p.history.propose(declined, p.w(-11), p.w(-3))
        p.history.decline(declined, p.w(-10), DeclineReason.OTHER, NOTES["busy"])


def planned(p: Play, s: Student) -> None:
    """An interview at the company, still to come."""
    p.interview(s, p.cast.second, -5, 1, location=IntakeLocation.COMPANY)


def held(p: Play, s: Student) -> None:
    """An interview held yesterday (or the working day before): its outcome is to note."""
    p.interview(s, p.cast.second, -10, -1)


def closed_as_full(p: Play, s: Student) -> None:
    """A proposal closed as "volzet" when `signed` took the main workplace's last place."""
    p.history.propose(p.case(s, p.cast.main), p.w(-24), p.w(-14))


def ended_early(p: Play, s: Student) -> None:
    """An agreement ended early (the place came back, the clock restarted); a new
    proposal elsewhere waits."""
    case = p.interview(s, p.cast.main, -80, -72, IntakeOutcome.MATCH, by_company=True)
    p.history.draw_up(case, p.w(-71), start=p.w(-66))
    p.history.confirm(case, p.w(-70), by_company=True)
    p.history.confirm(case, p.w(-69), by_company=False)
    p.history.end_early(case, p.w(-16), ended_on=p.w(-17), reason=NOTES["ended"])
    again = p.elsewhere(s, 2)
    if again is not None:
        p.history.propose(again, p.w(-2), p.w(8), clock="14:00")


def expired(p: Play, s: Student) -> None:
    """The company never answered: the proposal expired the night after its deadline."""
    p.history.propose(p.case(s, p.cast.main), p.w(-9), p.w(-2))


def declined(p: Play, s: Student) -> None:
    """The company declined, with a reason."""
    case = p.case(s, p.cast.main)
    p.history.propose(case, p.w(-6), p.w(2))
    p.history.decline(case, p.w(-5), DeclineReason.PROFILE, NOTES["profile"])
    if p.cast.elsewhere:
        p.interest(s, p.cast.elsewhere[0], p.w(-7), "21:05")


def no_match(p: Play, s: Student) -> None:
    """An interview that was no match; a proposal elsewhere waits."""
    p.interview(s, p.cast.main, -14, -6, IntakeOutcome.NO_MATCH, NOTES["no_match"], by_company=True)
    again = p.elsewhere(s, 0)
    if again is not None:
        p.history.propose(again, p.w(-2), p.w(7), clock="09:40")


def not_held(p: Play, s: Student) -> None:
    """An interview that did not take place."""
    p.interview(s, p.cast.second, -12, -3, IntakeOutcome.NOT_HELD, NOTES["not_held"])


def withdrawn(p: Play, s: Student) -> None:
    """The coach withdrew the proposal."""
    case = p.case(s, p.cast.second)
    p.history.propose(case, p.w(-4), p.w(3))
    p.history.withdraw(case, p.w(-2))


def match_to_draw_up(p: Play, s: Student) -> None:
    """A match without an agreement yet: the coach draws it up (signed, it takes the main
    workplace's last place, and the proposals still open there close as "volzet")."""
    p.interview(s, p.cast.main, -11, -2, IntakeOutcome.MATCH, by_company=True)


def reminded(p: Play, s: Student) -> None:
    """A proposal whose deadline is near: the company was reminded."""
    p.history.propose(p.case(s, p.cast.second), p.w(-3), p.w(4), NOTES["motivated"])


Story = Callable[[Play, Student], None]
# The order matters when a school has few students: every state first, and `signed`
# fills the main workplace only after `ended_early` took its other place.
STORIES: tuple[Story, ...] = (
    waiting_and_planned,
    ended_early,
    signed,
    closed_as_full,
    waits_for_the_company,
    waits_for_the_school,
    planned,
    countered,
    held,
    expired,
    declined,
    no_match,
    not_held,
    withdrawn,
    match_to_draw_up,
    reminded,
)


def add_school_side(session: Session, today: date, link_to: LinkTo = public_link) -> None:
    """Give the demo logins something to do (see the module's docstring); the caller
    commits. Does nothing without a demo school with students and a demo company."""
    cast = cast_demo(session, today)
    if cast is None:
        return
    first_mail = session.scalar(select(func.max(OutboxMessage.id))) or 0
    history = History(session, today, cast.coach, link_to)
    play = Play(session, history, cast, today)
    n_in_stories = min(len(STORIES), max(1, len(cast.students) - N_MUST_SHOW_POINTS))
    for story, student in zip(STORIES, cast.students[:n_in_stories], strict=False):
        story(play, student)
    session.flush()  # the students' new programmes, for the announcements' schools
    _announce(play)
    for student in cast.students[:n_in_stories]:
        student.lessons_start_date = training_days_before(history.first_day[student.id], 2)
    points = chain(CLOCK_POINTS, cycle(CLOCK_POINTS[N_MUST_SHOW_POINTS:]))
    for point, student in zip(points, cast.students[n_in_stories:], strict=False):
        used = TIME_UP_DAYS_USED if point is None else TRAINING_DAYS_TO_SIGN - point
        student.lessons_start_date = start_for_days_used(today, used)
    session.flush()
    history.run()
    for recognition_id, when in history.places_changed.items():
        session.execute(
            update(Recognition).where(Recognition.id == recognition_id).values(updated_at=when)
        )
    record_warnings(session, cast.coach, today)
    # What the history queued went out when it was queued (the send-mail job's minute).
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id > first_mail, OutboxMessage.sent_at.is_(None))
        .values(sent_at=OutboxMessage.created_at)
    )
    session.flush()


def _announce(p: Play) -> None:
    """The demo company announces its main workplace's free place to the schools nearby;
    up to two other companies near the school announced theirs a little earlier."""
    cast = p.cast
    site = cast.main.site
    distance = float(haversine_km(site.lat, site.lon, cast.school.lat, cast.school.lon))
    radius = max(announcements.DEFAULT_RADIUS_KM, ceil(distance) + 5.0)
    offers = [(cast.company, cast.main, min(radius, announcements.MAX_RADIUS_KM), p.w(-2))]
    for (party, recognition), day in zip(_others_announcing(p), (p.w(-4), p.w(-9)), strict=False):
        offers.append((party, recognition, announcements.DEFAULT_RADIUS_KM, day))
    for party, recognition, radius_km, day in offers:
        p.history.at(None, day, "11:00", _announcement(p.session, party, recognition, radius_km))


def _announcement(
    session: Session, party: Party, recognition: Recognition, radius_km: float
) -> Callable[[datetime], object]:
    message = (
        f"Er is een plaats vrij voor {recognition.programme.name}. Een eerste gesprek kan op "
        "school of bij ons; we tonen graag de werkplek."
    )
    return lambda now: announcements.announce(
        session, party, recognition.id, message, radius_km, now, STALE_AFTER_DAYS
    )


def _others_announcing(p: Play) -> list[tuple[Party, Recognition]]:
    """Two workplaces of other companies near the school, free and confirmed before they
    announce, for programmes the school's students follow."""
    found = nearest_elsewhere(
        p.session,
        p.cast.school,
        p.cast.company.company_id,
        2,
        ANNOUNCED_NEAR_KM,
        Recognition.programme_id.in_(sorted({s.programme_id for s in p.cast.students})),
        # Free from the first announcement on, and confirmed before it.
        available_on(p.w(-9)),
        available_on(p.today),
        Recognition.last_confirmed_at < moment(p.w(-9), time(8)),
    )
    return [(Party.of_company(company_id), r) for company_id, r in found]
