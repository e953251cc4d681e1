"""Intake proposals (DOMAIN.md, "Intake proposal" and step 5): the one place they change.

A school's coach proposes an intake interview between a student and a workplace, with
one to three times (at the school by default) and a deadline; the company accepts a
time, declines with a reason, or offers other times; the coach then takes one of those
or withdraws. The clock expires what was not answered in time. After an accepted
interview, coach or company records how it went.

Every transition is in `TRANSITIONS` and happens as one conditional UPDATE
(`... WHERE status IN (what it may come from)`): of two people acting at once one wins,
and the other gets a `ConflictError` (409) saying what happened meanwhile.

    proposed  --accept-->  accepted   --record_outcome--> accepted + outcome
    proposed  --decline--> declined
    proposed  --counter--> countered  --accept_counter--> accepted
    proposed, countered --withdraw--> withdrawn
    proposed  --expire-->  expired          (the clock, the night after the deadline)
    proposed, countered --close_full--> full  (the workplace's last place went)
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload, selectinload

from models import Intake, IntakeSlot, Recognition, Site, Student
from models.base import BELGIUM, day_in_belgium
from models.calendar import add_working_days
from models.enums import (
    OPEN_INTAKE_STATUSES,
    DeclineReason,
    IntakeLocation,
    IntakeOutcome,
    IntakeStatus,
    Role,
)
from models.rules import is_recognition_valid
from web.services import policy
from web.services.errors import AlreadyProposedError, ConflictError, InputError
from web.services.messages import Message, _l
from web.services.outbox import company_addresses, queue_mail
from web.services.policy import Party
from web.settings import IntakeSettings

# Where links in e-mails lead: an endpoint and its values, to the site's public address.
LinkTo = Callable[..., str]

MAX_SLOTS = 3
MAX_NOTE = 2000
COACH, COMPANY, CLOCK, SYSTEM = "coach", "company", "clock", "system"


@dataclass(frozen=True)
class Transition:
    """Who may move a proposal from which states to which."""

    by: str
    sources: tuple[IntakeStatus, ...]
    target: IntakeStatus


TRANSITIONS = {
    "accept": Transition(COMPANY, (IntakeStatus.PROPOSED,), IntakeStatus.ACCEPTED),
    "decline": Transition(COMPANY, (IntakeStatus.PROPOSED,), IntakeStatus.DECLINED),
    "counter": Transition(COMPANY, (IntakeStatus.PROPOSED,), IntakeStatus.COUNTERED),
    "accept_counter": Transition(COACH, (IntakeStatus.COUNTERED,), IntakeStatus.ACCEPTED),
    "withdraw": Transition(COACH, OPEN_INTAKE_STATUSES, IntakeStatus.WITHDRAWN),
    "expire": Transition(CLOCK, (IntakeStatus.PROPOSED,), IntakeStatus.EXPIRED),
    "close_full": Transition(SYSTEM, OPEN_INTAKE_STATUSES, IntakeStatus.FULL),
}

# DOMAIN.md, Learners: without the class council's advice, a run-up phase comes first.
RUN_UP_PHASE = _l(
    "De klassenraad gaf nog geen advies dat de leerling arbeidsrijp is. Eerst volgt een "
    "aanloopfase op school; daarna kan je een intakegesprek voorstellen."
)
CHANGED_MEANWHILE = _l(
    "Dit voorstel veranderde intussen (het werd al beantwoord, ingetrokken of het verliep). "
    "Bekijk het opnieuw."
)


@dataclass(frozen=True)
class Proposal:
    """What a coach proposes: the student, the workplace, the times and a note."""

    student_id: int
    recognition_id: int
    slots: tuple[datetime, ...]
    location: IntakeLocation = IntakeLocation.SCHOOL
    location_note: str = ""
    note: str = ""
    respond_by: date | None = None  # default: INTAKE_RESPOND_DAYS working days from today


def default_deadline(today: date, rules: IntakeSettings) -> date:
    """The day a company answers by, unless the coach sets another."""
    return add_working_days(today, rules.respond_within_working_days)


def earliest_deadline(today: date, rules: IntakeSettings) -> date:
    """The shortest deadline a coach may set."""
    return add_working_days(today, rules.min_respond_working_days)


def _with_details() -> tuple[Any, ...]:
    return (
        joinedload(Intake.student).joinedload(Student.school),
        joinedload(Intake.student).joinedload(Student.programme),
        joinedload(Intake.recognition).joinedload(Recognition.site).joinedload(Site.company),
        joinedload(Intake.recognition).joinedload(Recognition.programme),
        joinedload(Intake.proposed_by),
        selectinload(Intake.slots),
    )


def find_intake(session: Session, party: Party, intake_id: int) -> Intake:
    """One proposal the party may see (its school's or its workplaces'), with its details."""
    return policy.find(session, party, Intake, intake_id, *_with_details())


def list_intakes(session: Session, party: Party) -> list[Intake]:
    """The proposals the party may see: the open ones first, then the newest."""
    is_open = Intake.status.in_(OPEN_INTAKE_STATUSES)
    return list(
        session.scalars(
            policy.visible(party, Intake)
            .options(*_with_details())
            .order_by(is_open.desc(), Intake.proposed_at.desc(), Intake.id.desc())
        )
    )


def count_open(session: Session, party: Party) -> int:
    """How many proposals wait for the party (a company's inbox count)."""
    waiting = IntakeStatus.PROPOSED if party.role is Role.COMPANY else IntakeStatus.COUNTERED
    return (
        session.scalar(
            select(func.count())
            .select_from(Intake)
            .where(policy.scope(party, Intake), Intake.status == waiting)
        )
        or 0
    )


def propose(
    session: Session,
    party: Party,
    proposal: Proposal,
    now: datetime,
    rules: IntakeSettings,
    link_to: LinkTo,
) -> Intake:
    """Propose an intake interview (a coach, for a student of their school)."""
    policy.require(party, Role.SCHOOL_STAFF)
    today = day_in_belgium(now)
    # Locking the student's row makes proposals for one student wait for each other, so
    # the limit of open proposals holds when two coaches propose at once.
    student = session.scalar(
        policy.visible(party, Student)
        .where(Student.id == proposal.student_id)
        .options(joinedload(Student.programme), joinedload(Student.school))
        .with_for_update(of=Student)
    )
    if student is None:
        raise InputError("student_id", _l("Kies een leerling van je school."))
    recognition = session.scalar(
        select(Recognition)
        .where(Recognition.id == proposal.recognition_id)
        .options(joinedload(Recognition.site).joinedload(Site.company))
    )
    if recognition is None or not is_recognition_valid(
        recognition.status, recognition.valid_until, today
    ):
        raise InputError("recognition_id", _l("Deze werkplek is op dit moment niet erkend."))
    if recognition.programme_id != student.programme_id:
        raise InputError(
            "recognition_id",
            _l("Deze werkplek is niet erkend voor de opleiding van de leerling."),
        )
    if not student.is_ready_for_work:
        raise InputError("student_id", RUN_UP_PHASE)
    respond_by = proposal.respond_by or default_deadline(today, rules)
    if respond_by < earliest_deadline(today, rules):
        raise InputError(
            "respond_by",
            _l(
                "Geef het bedrijf minstens %(days)s werkdagen om te antwoorden.",
                days=rules.min_respond_working_days,
            ),
        )
    _not_proposed_yet(session, student.id, recognition.id)
    slots = _check_slots(proposal.slots, now, "slots", after_day=respond_by)
    open_count = session.scalar(
        select(func.count())
        .select_from(Intake)
        .where(Intake.student_id == student.id, Intake.status.in_(OPEN_INTAKE_STATUSES))
    )
    if (open_count or 0) >= rules.max_open_per_student:
        raise InputError(
            "student_id",
            _l(
                "Deze leerling heeft al %(n)s openstaande voorstellen: wacht op een antwoord "
                "of trek er een in.",
                n=open_count,
            ),
        )
    intake = Intake(
        student_id=student.id,
        recognition_id=recognition.id,
        proposed_by_id=party.user_id,
        proposed_at=now,
        respond_by=respond_by,
        location=proposal.location,
        location_note=_text(proposal.location_note, "location_note", 200),
        note=_text(proposal.note, "note", MAX_NOTE),
        updated_at=now,
        slots=[IntakeSlot(starts_at=slot, offered_by="school") for slot in slots],
    )
    try:
        with session.begin_nested():
            session.add(intake)
    except IntegrityError:  # proposed at the same moment elsewhere
        _not_proposed_yet(session, student.id, recognition.id)
        raise
    _tell_company(
        session,
        intake,
        recognition,
        _l("Voorstel voor een intakegesprek: %(programme)s", programme=student.programme.name),
        _l(
            "Goedendag,\n\n%(school)s stelt een intakegesprek voor met een leerling %(programme)s "
            "voor uw werkplek %(site)s. Antwoord vóór %(deadline)s: kies een moment, stel een "
            "ander voor of zeg waarom het niet past.\n\n%(link)s",
            school=student.school.name,
            programme=student.programme.name,
            site=recognition.site.name,
            deadline=respond_by,
            link=link_to("company.inbox"),
        ),
        now,
    )
    return intake


def accept(
    session: Session, party: Party, intake_id: int, slot_id: int, now: datetime, link_to: LinkTo
) -> Intake:
    """The company takes one of the coach's times: the interview is planned."""
    policy.require(party, Role.COMPANY)
    intake = find_intake(session, party, intake_id)
    _still_open_for_the_company(intake, now)
    slot = _slot(intake, slot_id, "school", now)
    _move(
        session,
        intake,
        "accept",
        now,
        scheduled_at=slot.starts_at,
        answered_at=func.coalesce(Intake.answered_at, now),
    )
    _tell_coach(
        session,
        intake,
        _l("Intakegesprek gepland met %(company)s", company=_company(intake)),
        _l(
            "Goedendag,\n\n%(company)s aanvaardt het intakegesprek met %(student)s op %(when)s."
            "\n\n%(link)s",
            company=_company(intake),
            student=_student_name(intake),
            when=_moment(slot.starts_at),
            link=link_to("school.intake", intake_id=intake.id),
        ),
        now,
    )
    return intake


def decline(
    session: Session,
    party: Party,
    intake_id: int,
    reason: DeclineReason,
    note: str,
    now: datetime,
    link_to: LinkTo,
) -> Intake:
    """The company declines, with a reason the coach reads."""
    policy.require(party, Role.COMPANY)
    intake = find_intake(session, party, intake_id)
    _still_open_for_the_company(intake, now)
    note = note.strip()
    if reason is DeclineReason.OTHER and not note:
        raise InputError("company_note", _l("Zeg kort waarom het niet past."))
    _move(
        session,
        intake,
        "decline",
        now,
        decline_reason=reason,
        company_note=_text(note, "company_note", MAX_NOTE),
        answered_at=func.coalesce(Intake.answered_at, now),
    )
    _tell_coach(
        session,
        intake,
        _l("%(company)s gaat niet in op het voorstel", company=_company(intake)),
        _l(
            "Goedendag,\n\n%(company)s gaat niet in op het intakegesprek met %(student)s.\n\n"
            "%(link)s",
            company=_company(intake),
            student=_student_name(intake),
            link=link_to("school.intake", intake_id=intake.id),
        ),
        now,
    )
    return intake


def counter(
    session: Session,
    party: Party,
    intake_id: int,
    slots: Sequence[datetime],
    note: str,
    now: datetime,
    link_to: LinkTo,
) -> Intake:
    """The company offers other times; the coach chooses one or withdraws."""
    policy.require(party, Role.COMPANY)
    intake = find_intake(session, party, intake_id)
    _still_open_for_the_company(intake, now)
    times = _check_slots(slots, now, "slots")
    _move(
        session,
        intake,
        "counter",
        now,
        company_note=_text(note, "company_note", MAX_NOTE),
        answered_at=func.coalesce(Intake.answered_at, now),
    )
    for time in times:
        session.add(IntakeSlot(intake_id=intake.id, starts_at=time, offered_by="company"))
    session.flush()
    session.refresh(intake, ["slots"])
    _tell_coach(
        session,
        intake,
        _l("%(company)s stelt andere momenten voor", company=_company(intake)),
        _l(
            "Goedendag,\n\n%(company)s stelt andere momenten voor het intakegesprek met "
            "%(student)s voor. Kies er een, of trek het voorstel in.\n\n%(link)s",
            company=_company(intake),
            student=_student_name(intake),
            link=link_to("school.intake", intake_id=intake.id),
        ),
        now,
    )
    return intake


def accept_counter(
    session: Session, party: Party, intake_id: int, slot_id: int, now: datetime, link_to: LinkTo
) -> Intake:
    """The coach takes one of the company's times: the interview is planned."""
    policy.require(party, Role.SCHOOL_STAFF)
    intake = find_intake(session, party, intake_id)
    slot = _slot(intake, slot_id, "company", now)
    _move(session, intake, "accept_counter", now, scheduled_at=slot.starts_at)
    _tell_company(
        session,
        intake,
        intake.recognition,
        _l("Intakegesprek gepland op %(when)s", when=_moment(slot.starts_at)),
        _l(
            "Goedendag,\n\n%(school)s neemt het moment %(when)s voor het intakegesprek."
            "\n\n%(link)s",
            school=_school(intake),
            when=_moment(slot.starts_at),
            link=link_to("company.inbox"),
        ),
        now,
    )
    return intake


def withdraw(
    session: Session, party: Party, intake_id: int, now: datetime, link_to: LinkTo
) -> Intake:
    """The coach withdraws a proposal that is still open."""
    policy.require(party, Role.SCHOOL_STAFF)
    intake = find_intake(session, party, intake_id)
    _move(session, intake, "withdraw", now)
    _tell_company(
        session,
        intake,
        intake.recognition,
        _l("Voorstel voor een intakegesprek ingetrokken"),
        _l(
            "Goedendag,\n\n%(school)s trok het voorstel voor een intakegesprek in. U hoeft "
            "niets meer te doen.\n\n%(link)s",
            school=_school(intake),
            link=link_to("company.inbox"),
        ),
        now,
    )
    return intake


def record_outcome(
    session: Session,
    party: Party,
    intake_id: int,
    outcome: IntakeOutcome,
    note: str,
    now: datetime,
) -> Intake:
    """Coach or company records how the interview went (once: the first word counts)."""
    policy.require(party, Role.SCHOOL_STAFF, Role.COMPANY)
    intake = find_intake(session, party, intake_id)
    note = note.strip()
    if outcome is IntakeOutcome.NO_MATCH and not note:
        raise InputError("outcome_note", _l("Zeg kort waarom het geen match is."))
    if (
        outcome is not IntakeOutcome.NOT_HELD
        and intake.scheduled_at is not None
        and intake.scheduled_at > now
    ):
        raise InputError(
            "outcome",
            _l("Het gesprek moet nog plaatsvinden: noteer nu alleen dat het niet doorgaat."),
        )
    changed = session.execute(
        update(Intake)
        .where(
            Intake.id == intake.id,
            Intake.status == IntakeStatus.ACCEPTED,
            Intake.outcome.is_(None),
        )
        .values(
            outcome=outcome,
            outcome_note=_text(note, "outcome_note", MAX_NOTE),
            outcome_at=now,
            updated_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    if changed.rowcount != 1:  # type: ignore[attr-defined]
        raise ConflictError(
            _l("Voor dit gesprek is al een uitkomst genoteerd, of het werd nog niet gepland.")
        )
    session.refresh(intake)
    return intake


def expire_overdue(session: Session, today: date, now: datetime, link_to: LinkTo) -> int:
    """Expire the proposals whose deadline passed unanswered; tell their coaches."""
    overdue = session.scalars(
        select(Intake)
        .where(Intake.status == IntakeStatus.PROPOSED, Intake.respond_by < today)
        .options(*_with_details())
    ).all()
    expired = 0
    for intake in overdue:
        if _moved(session, intake, "expire", now):
            expired += 1
            _tell_coach(
                session,
                intake,
                _l("%(company)s antwoordde niet op tijd", company=_company(intake)),
                _l(
                    "Goedendag,\n\n%(company)s antwoordde niet vóór %(deadline)s op het voorstel "
                    "voor een intakegesprek met %(student)s. Het voorstel is verlopen; je kunt "
                    "een andere werkplek voorstellen.\n\n%(link)s",
                    company=_company(intake),
                    deadline=intake.respond_by,
                    student=_student_name(intake),
                    link=link_to("school.student", student_id=intake.student_id),
                ),
                now,
            )
    return expired


def remind_before_deadline(session: Session, today: date, now: datetime, link_to: LinkTo) -> int:
    """Remind companies two working days before a proposal's deadline (once each)."""
    due = session.scalars(
        select(Intake)
        .where(
            Intake.status == IntakeStatus.PROPOSED,
            Intake.reminded_at.is_(None),
            Intake.respond_by >= today,
            Intake.respond_by <= add_working_days(today, 2),
        )
        .options(*_with_details())
    ).all()
    for intake in due:
        intake.reminded_at = now
        _tell_company(
            session,
            intake,
            intake.recognition,
            _l("Herinnering: antwoord vóór %(deadline)s", deadline=intake.respond_by),
            _l(
                "Goedendag,\n\nHet voorstel van %(school)s voor een intakegesprek wacht op uw "
                "antwoord, uiterlijk %(deadline)s. Daarna vervalt het.\n\n%(link)s",
                school=_school(intake),
                deadline=intake.respond_by,
                link=link_to("company.inbox"),
            ),
            now,
        )
    session.flush()
    return len(due)


def close_full(session: Session, recognition_id: int, now: datetime, link_to: LinkTo) -> int:
    """Close every open proposal of a workplace whose last place went; tell the coaches."""
    waiting = session.scalars(
        select(Intake)
        .where(Intake.recognition_id == recognition_id, Intake.status.in_(OPEN_INTAKE_STATUSES))
        .options(*_with_details())
    ).all()
    closed = 0
    for intake in waiting:
        if _moved(session, intake, "close_full", now):
            closed += 1
            _tell_coach(
                session,
                intake,
                _l("%(company)s is volzet", company=_company(intake)),
                _l(
                    "Goedendag,\n\nDe laatste vrije plaats bij %(company)s is ingenomen. Het "
                    "voorstel voor een intakegesprek met %(student)s is gesloten.\n\n%(link)s",
                    company=_company(intake),
                    student=_student_name(intake),
                    link=link_to("school.student", student_id=intake.student_id),
                ),
                now,
            )
    return closed


@dataclass(frozen=True)
class ResponseRecord:
    """How a company answers proposals: answered in time, out of those it had to answer."""

    answered_in_time: int
    due: int

    @property
    def share(self) -> float | None:
        return None if self.due == 0 else self.answered_in_time / self.due


def response_records(session: Session, company_ids: set[int]) -> dict[int, ResponseRecord]:
    """Per company, the proposals that needed its answer and those answered in time (by
    the end of the deadline's day, in Belgium)."""
    if not company_ids:
        return {}
    rows = session.execute(
        select(Site.company_id, Intake.answered_at, Intake.respond_by)
        .select_from(Intake)
        .join(Recognition, Recognition.id == Intake.recognition_id)
        .join(Site, Site.id == Recognition.site_id)
        .where(
            Site.company_id.in_(company_ids),
            # Those it answered, and those whose time ran out: not the ones still open,
            # withdrawn before an answer, or closed because the workplace filled up.
            Intake.answered_at.is_not(None) | (Intake.status == IntakeStatus.EXPIRED),
        )
    )
    due: dict[int, int] = {}
    in_time: dict[int, int] = {}
    for company_id, answered_at, respond_by in rows:
        due[company_id] = due.get(company_id, 0) + 1
        if answered_at is not None and day_in_belgium(answered_at) <= respond_by:
            in_time[company_id] = in_time.get(company_id, 0) + 1
    return {company: ResponseRecord(in_time.get(company, 0), n) for company, n in due.items()}


# --- Helpers ------------------------------------------------------------------------------


def _move(session: Session, intake: Intake, action: str, now: datetime, **values: Any) -> None:
    """Make a transition happen, or tell the loser of a race what happened meanwhile."""
    if not _moved(session, intake, action, now, **values):
        raise ConflictError(CHANGED_MEANWHILE)


def _moved(session: Session, intake: Intake, action: str, now: datetime, **values: Any) -> bool:
    transition = TRANSITIONS[action]
    changed = session.execute(
        update(Intake)
        .where(Intake.id == intake.id, Intake.status.in_(transition.sources))
        .values(status=transition.target, updated_at=now, **values)
        .execution_options(synchronize_session=False)
    )
    if changed.rowcount != 1:  # type: ignore[attr-defined]
        return False
    session.refresh(intake)
    return True


def _not_proposed_yet(session: Session, student_id: int, recognition_id: int) -> None:
    """Refuse a second open proposal (or planned interview) for a student and workplace."""
    existing = session.scalar(
        select(Intake.id).where(
            Intake.student_id == student_id,
            Intake.recognition_id == recognition_id,
            or_(
                Intake.status.in_(OPEN_INTAKE_STATUSES),
                and_(Intake.status == IntakeStatus.ACCEPTED, Intake.outcome.is_(None)),
            ),
        )
    )
    if existing is not None:
        raise AlreadyProposedError(
            existing,
            _l("Voor deze leerling en werkplek loopt al een voorstel of is een gesprek gepland."),
        )


def _slot(intake: Intake, slot_id: int, offered_by: str, now: datetime) -> IntakeSlot:
    """One of the times on offer from that side, still to come."""
    for slot in intake.slots:
        if slot.id == slot_id and slot.offered_by == offered_by:
            if slot.starts_at <= now:
                raise InputError("slot_id", _l("Dit moment is al voorbij: kies een ander."))
            return slot
    raise InputError("slot_id", _l("Kies een van de voorgestelde momenten."))


def _check_slots(
    slots: Sequence[datetime], now: datetime, field: str, after_day: date | None = None
) -> list[datetime]:
    """One to three distinct times, still to come; with `after_day`, on a later day
    (a coach's times fall after the company's deadline, so it can answer first)."""
    times = sorted(set(slots))
    if not 1 <= len(times) <= MAX_SLOTS:
        raise InputError(field, _l("Geef één tot drie momenten."))
    if after_day is not None and any(day_in_belgium(time) <= after_day for time in times):
        raise InputError(
            field,
            _l(
                "Kies momenten na %(day)s, zodat het bedrijf eerst kan antwoorden.",
                day=after_day,
            ),
        )
    if any(time <= now for time in times):
        raise InputError(field, _l("Kies momenten die nog moeten komen."))
    return times


def _still_open_for_the_company(intake: Intake, now: datetime) -> None:
    """After its deadline's day a proposal can no longer be answered (the clock marks it
    expired that night)."""
    if day_in_belgium(now) > intake.respond_by:
        raise ConflictError(
            _l("De termijn om te antwoorden liep af op %(day)s.", day=intake.respond_by)
        )


def _text(value: str, field: str, limit: int) -> str | None:
    value = value.strip()
    if len(value) > limit:
        raise InputError(field, _l("Houd het onder %(n)s tekens.", n=limit))
    return value or None


def _company(intake: Intake) -> str:
    return intake.recognition.site.company.name


def _school(intake: Intake) -> str:
    return intake.student.school.name if intake.student else ""


def _student_name(intake: Intake) -> str:
    return f"{intake.student.first_name} {intake.student.last_name}" if intake.student else ""


def _moment(value: datetime) -> Message:
    return _l("%(day)s om %(time)s", day=value, time=value.astimezone(BELGIUM).strftime("%H:%M"))


def _tell_company(
    session: Session,
    intake: Intake,
    recognition: Recognition,
    subject: Message,
    body: Message,
    now: datetime,
) -> None:
    company_id = recognition.site.company_id
    address = company_addresses(session, {company_id}).get(company_id)
    if address:
        queue_mail(session, "intake", address, subject, body, now, recognition_id=recognition.id)


def _tell_coach(
    session: Session, intake: Intake, subject: Message, body: Message, now: datetime
) -> None:
    """Write to the coach who proposed, or else to the school."""
    address = None
    if intake.proposed_by is not None and intake.proposed_by.is_active:
        address = intake.proposed_by.email
    elif intake.student is not None:
        address = intake.student.school.email
    if address:
        queue_mail(session, "intake", address, subject, body, now, student_id=intake.student_id)
