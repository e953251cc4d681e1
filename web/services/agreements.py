"""Agreements (DOMAIN.md step 6, "Agreement", "Training days"): from a match to a contract,
the place it takes, and the 20 training days in which a learner must sign one.

A coach starts an agreement from an interview recorded as a match; company and school
each confirm it. The second confirmation signs it and, in the same transaction, takes
one free place of the workplace with a conditional UPDATE that cannot go below zero: of
any number of signings at once for the last place, one succeeds and the others are
refused with nothing stored. When the last place goes, the workplace's open proposals
close as "volzet" and their coaches are told. Ending early gives the place back and
restarts the learner's clock.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from models import (
    Agreement,
    Intake,
    Programme,
    Recognition,
    SchoolDayOff,
    Site,
    Student,
    TrainingClockWarning,
    User,
)
from models.base import day_in_belgium
from models.enums import AgreementType, IntakeOutcome, IntakeStatus, LearnerType, Role
from models.rules import (
    AGREEMENT_HOURS_THRESHOLD,
    add_years,
    agreement_type_for,
    is_recognition_valid,
)
from models.school_calendar import TRAINING_DAYS_TO_SIGN, WARN_AT_DAYS_LEFT, training_days_left
from web.services import intakes, policy
from web.services.errors import ConflictError, InputError
from web.services.messages import Message, _l
from web.services.outbox import company_addresses, queue_mail
from web.services.policy import Party
from web.settings import AgreementSettings

LinkTo = Callable[..., str]
OAO_MAX_YEARS = 3  # DOMAIN.md step 6
MAX_REASON = 2000

ALREADY_STARTED = _l("Voor dit gesprek bestaat al een overeenkomst.")
NO_PLACE_LEFT = _l(
    "Er is geen vrije plaats meer op deze werkplek: een andere overeenkomst nam de laatste. "
    "Er werd niets opgeslagen."
)


@dataclass(frozen=True)
class TypeDecision:
    """The agreement type a programme fixes, and the rule that decided it."""

    agreement_type: AgreementType
    rule: Message


DA_CHOSEN = TypeDecision(
    AgreementType.DA,
    _l("Deeltijdse arbeidsovereenkomst: de sector koos ervoor (sociale Maribel)."),
)


def type_for(programme: Programme, weekly_hours: float, wants_da: bool = False) -> TypeDecision:
    """The agreement type, from the learner type and the weekly workplace hours (step 6)."""
    if wants_da:
        if not programme.allows_da:
            raise InputError(
                "agreement_type",
                _l(
                    "Een deeltijdse arbeidsovereenkomst kan alleen voor een opleiding die "
                    "daarvoor aangeduid is."
                ),
            )
        return DA_CHOSEN
    kind = agreement_type_for(programme.learner_type, weekly_hours)
    adult = programme.learner_type is LearnerType.ADULT
    full = weekly_hours >= AGREEMENT_HOURS_THRESHOLD
    rules = {
        (False, False): _l(
            "Leerling secundair onderwijs, minder dan %(n)s uur per week op de werkplek: SAO.",
            n=AGREEMENT_HOURS_THRESHOLD,
        ),
        (False, True): _l(
            "Leerling secundair onderwijs, %(n)s uur of meer per week op de werkplek: OAO.",
            n=AGREEMENT_HOURS_THRESHOLD,
        ),
        (True, False): _l(
            "Volwassen cursist, minder dan %(n)s uur per week op de werkplek: ODO.",
            n=AGREEMENT_HOURS_THRESHOLD,
        ),
        (True, True): _l(
            "Volwassen cursist, %(n)s uur of meer per week op de werkplek: ODO-statuut.",
            n=AGREEMENT_HOURS_THRESHOLD,
        ),
    }
    return TypeDecision(kind, rules[(adult, full)])


def decision_of(agreement: Agreement) -> TypeDecision:
    """The type of an agreement made earlier, with the rule that decided it then."""
    if agreement.agreement_type is AgreementType.DA:
        return DA_CHOSEN
    return type_for(agreement.recognition.programme, agreement.weekly_workplace_hours)


def _running_on(start: date, end: date) -> ColumnElement[bool]:
    """SQL: an agreement (signed or waiting for a signature) that runs on some day of
    [start, end]: not ended before `start`, and not starting after `end`."""
    ends = func.coalesce(Agreement.ended_on, Agreement.end_date)
    return (Agreement.start_date <= end) & (ends >= start)


def _with_details() -> tuple[Any, ...]:
    return (
        joinedload(Agreement.student).joinedload(Student.school),
        joinedload(Agreement.student).joinedload(Student.programme),
        joinedload(Agreement.recognition).joinedload(Recognition.site).joinedload(Site.company),
        joinedload(Agreement.recognition).joinedload(Recognition.programme),
        joinedload(Agreement.mentor),
        joinedload(Agreement.intake),
        joinedload(Agreement.company_confirmed_by),
        joinedload(Agreement.school_confirmed_by),
    )


def state_of(agreement: Agreement, today: date) -> str:
    """Where an agreement stands: "ended" early, "finished" (its end date passed),
    "signed", or waiting for the confirmation of "both" sides, the "company" or the "school"."""
    if agreement.ended_on is not None:
        return "ended"
    if agreement.signed_at is not None:
        return "finished" if agreement.end_date < today else "signed"
    if agreement.company_confirmed_at is None and agreement.school_confirmed_at is None:
        return "both"
    return "company" if agreement.company_confirmed_at is None else "school"


def find_agreement(session: Session, party: Party, agreement_id: int) -> Agreement:
    """One agreement the party may see (the school's, the company's, the student's own)."""
    return policy.find(session, party, Agreement, agreement_id, *_with_details())


def list_agreements(
    session: Session, party: Party, student_id: int | None = None
) -> list[Agreement]:
    """The agreements the party may see (of one student, if given), the newest first."""
    query = policy.visible(party, Agreement)
    if student_id is not None:
        query = query.where(Agreement.student_id == student_id)
    return list(
        session.scalars(
            query.options(*_with_details()).order_by(
                Agreement.start_date.desc(), Agreement.id.desc()
            )
        )
    )


def count_to_confirm(session: Session, party: Party) -> int:
    """How many agreements wait for the party's side to confirm them."""
    policy.require(party, Role.SCHOOL_STAFF, Role.COMPANY)
    side = "company" if party.role is Role.COMPANY else "school"
    query = (
        select(func.count())
        .select_from(Agreement)
        .where(
            policy.scope(party, Agreement),
            getattr(Agreement, f"{side}_confirmed_at").is_(None),
            Agreement.signed_at.is_(None),
            Agreement.ended_on.is_(None),
        )
    )
    return session.scalar(query) or 0


def check_agreement(
    session: Session,
    party: Party,
    intake_id: int,
    start_date: date,
    end_date: date,
    weekly_hours: float,
    rules: AgreementSettings,
    wants_da: bool = False,
) -> TypeDecision:
    """Check an agreement's terms against every rule of step 6 and store nothing: the
    type with the rule that decided it, or the refusal (`InputError`) that names its rule."""
    _intake, decision = _checked(
        session, party, intake_id, start_date, end_date, weekly_hours, rules, wants_da
    )
    return decision


def start_agreement(
    session: Session,
    party: Party,
    intake_id: int,
    start_date: date,
    end_date: date,
    weekly_hours: float,
    now: datetime,
    rules: AgreementSettings,
    link_to: LinkTo,
    wants_da: bool = False,
) -> Agreement:
    """Start an agreement from an interview recorded as a match (the coach)."""
    intake, decision = _checked(
        session, party, intake_id, start_date, end_date, weekly_hours, rules, wants_da
    )
    student, recognition = intake.student, intake.recognition
    assert student is not None  # checked
    agreement = Agreement(
        student_id=student.id,
        recognition_id=recognition.id,
        intake_id=intake.id,
        mentor_id=recognition.mentor_id,
        agreement_type=decision.agreement_type,
        start_date=start_date,
        end_date=end_date,
        weekly_workplace_hours=weekly_hours,
        created_at=now,
    )
    try:
        with session.begin_nested():  # the same form sent twice at once
            session.add(agreement)
    except IntegrityError:
        raise ConflictError(ALREADY_STARTED) from None
    _tell_company(
        session,
        recognition,
        _l("Overeenkomst te bevestigen: %(programme)s", programme=recognition.programme.name),
        _l(
            "Goedendag,\n\n%(school)s maakte de overeenkomst op voor %(student)s vanaf "
            "%(start)s. Bevestig ze; zodra school en bedrijf bevestigden, is ze getekend.\n\n"
            "%(link)s",
            school=student.school.name,
            student=f"{student.first_name} {student.last_name}",
            start=start_date,
            link=link_to("company.agreements"),
        ),
        now,
    )
    return agreement


def confirm(
    session: Session,
    party: Party,
    agreement_id: int,
    now: datetime,
    rules: AgreementSettings,
    link_to: LinkTo,
) -> Agreement:
    """Confirm an agreement for the party's side; the second confirmation signs it and
    takes a free place, or refuses (`ConflictError`, nothing stored) when none is left."""
    policy.require(party, Role.SCHOOL_STAFF, Role.COMPANY)
    agreement = find_agreement(session, party, agreement_id)
    side = "company" if party.role is Role.COMPANY else "school"
    at_column = getattr(Agreement, f"{side}_confirmed_at")
    confirmed = session.execute(
        update(Agreement)
        .where(
            Agreement.id == agreement.id,
            at_column.is_(None),
            Agreement.signed_at.is_(None),
            Agreement.ended_on.is_(None),
        )
        .values({f"{side}_confirmed_at": now, f"{side}_confirmed_by_id": party.user_id})
        .execution_options(synchronize_session=False)
    )
    if confirmed.rowcount != 1:  # type: ignore[attr-defined]
        raise ConflictError(_l("Deze overeenkomst werd intussen al bevestigd of beëindigd."))
    session.refresh(agreement)
    if agreement.company_confirmed_at is None or agreement.school_confirmed_at is None:
        return agreement
    return _sign(session, agreement, now, rules, link_to)


def _sign(
    session: Session, agreement: Agreement, now: datetime, rules: AgreementSettings, link_to: LinkTo
) -> Agreement:
    recognition = agreement.recognition
    if not is_recognition_valid(recognition.status, recognition.valid_until, agreement.start_date):
        raise ConflictError(_l("De erkenning van deze werkplek geldt niet meer op de startdatum."))
    if agreement.student_id is not None:
        _check_availability_of(
            session,
            recognition,
            agreement.student_id,
            agreement.start_date,
            agreement.end_date,
            rules,
            leaving_out=agreement.id,
        )
    taken = session.execute(
        update(Recognition)
        .where(Recognition.id == recognition.id, Recognition.n_free_places > 0)
        .values(n_free_places=Recognition.n_free_places - 1)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        raise ConflictError(NO_PLACE_LEFT)
    signed = session.execute(
        update(Agreement)
        .where(Agreement.id == agreement.id, Agreement.signed_at.is_(None))
        .values(signed_at=now)
        .execution_options(synchronize_session=False)
    )
    if signed.rowcount != 1:  # type: ignore[attr-defined]
        raise ConflictError(_l("Deze overeenkomst werd intussen al getekend."))
    session.refresh(recognition)
    session.refresh(agreement)
    if recognition.n_free_places == 0:
        intakes.close_full(session, recognition.id, now, link_to)
    return agreement


def check_early_end(agreement: Agreement, ended_on: date, reason: str) -> str:
    """Refuse an early end the agreement does not allow (`InputError`), before anyone
    confirms it; return the reason as it is kept."""
    reason = reason.strip()
    if not reason:
        raise InputError("end_reason", _l("Geef een reden."))
    if len(reason) > MAX_REASON:
        raise InputError("end_reason", _l("Houd de reden onder %(n)s tekens.", n=MAX_REASON))
    if not agreement.start_date <= ended_on < agreement.end_date:
        raise InputError(
            "ended_on",
            _l(
                "Kies een dag vanaf de start (%(start)s) en vóór het geplande einde (%(end)s).",
                start=agreement.start_date,
                end=agreement.end_date,
            ),
        )
    return reason


def end_early(
    session: Session,
    party: Party,
    agreement_id: int,
    ended_on: date,
    reason: str,
    now: datetime,
) -> Agreement:
    """End a signed agreement before its end date: the place comes back, and the
    learner's 20-training-day clock starts again the day after."""
    policy.require(party, Role.SCHOOL_STAFF, Role.COMPANY)
    agreement = find_agreement(session, party, agreement_id)
    reason = check_early_end(agreement, ended_on, reason)
    ended = session.execute(
        update(Agreement)
        .where(
            Agreement.id == agreement.id,
            Agreement.signed_at.is_not(None),
            Agreement.ended_on.is_(None),
        )
        .values(ended_on=ended_on, end_reason=reason)
        .execution_options(synchronize_session=False)
    )
    if ended.rowcount != 1:  # type: ignore[attr-defined]
        raise ConflictError(_l("Alleen een getekende, lopende overeenkomst kan vroeger eindigen."))
    session.execute(
        update(Recognition)
        .where(
            Recognition.id == agreement.recognition_id,
            Recognition.n_free_places < Recognition.n_places,
        )
        .values(n_free_places=Recognition.n_free_places + 1)
        .execution_options(synchronize_session=False)
    )
    if agreement.student_id is not None:
        session.execute(
            update(Student).where(Student.id == agreement.student_id).values(time_up_on=None)
        )
    session.refresh(agreement)
    return agreement


def counts_per_recognition(session: Session, party: Party, today: date) -> dict[int, int]:
    """A partnership's view: the agreements running per recognition, as counts, no names."""
    policy.require(party, Role.CONSULTANT)
    rows = session.execute(
        select(Agreement.recognition_id, func.count())
        .where(
            Agreement.recognition_id.in_(
                policy.visible(party, Recognition).with_only_columns(Recognition.id)
            ),
            Agreement.signed_at.is_not(None),
            _running_on(today, today),
        )
        .group_by(Agreement.recognition_id)
    )
    return {recognition_id: int(n) for recognition_id, n in rows}


# --- The 20-training-day clock -------------------------------------------------------------


@dataclass(frozen=True)
class Clock:
    """A learner's 20-training-day clock: where it started, and the days left today."""

    student: Student
    started_on: date | None  # None: no lessons start date known
    days_left: int | None
    has_agreement: bool


def clock_start(session: Session, student: Student, today: date) -> date | None:
    """Where the student's clock starts: the lessons, or the day after the last agreement
    that ended early (DOMAIN.md step 5); None if the lessons start date is unknown."""
    ids = select(Student.id).where(Student.id == student.id)
    return _start_of_clock(student, _last_early_ends(session, ids, today).get(student.id))


def _start_of_clock(student: Student, last_end: date | None) -> date | None:
    starts = [
        d for d in (student.lessons_start_date, last_end and last_end + timedelta(days=1)) if d
    ]
    return max(starts) if starts else None


def _last_early_ends(session: Session, student_ids: Select[Any], today: date) -> dict[int, date]:
    """Per student, the last day an agreement of theirs ended early, up to today."""
    rows = session.execute(
        select(Agreement.student_id, func.max(Agreement.ended_on))
        .where(Agreement.student_id.in_(student_ids), Agreement.ended_on <= today)
        .group_by(Agreement.student_id)
    )
    return {student_id: ended for student_id, ended in rows if student_id and ended}


def _with_running_agreement(session: Session, student_ids: Select[Any], today: date) -> set[int]:
    """The students among `student_ids` who have a signed agreement running today."""
    return {
        student_id
        for student_id in session.scalars(
            select(Agreement.student_id).where(
                Agreement.student_id.in_(student_ids),
                Agreement.signed_at.is_not(None),
                func.coalesce(Agreement.ended_on, Agreement.end_date) >= today,
            )
        )
        if student_id is not None
    }


def clocks(session: Session, party: Party, today: date) -> list[Clock]:
    """Each of the school's students with their days left, the most urgent first."""
    policy.require(party, Role.SCHOOL_STAFF)
    return _clocks(session, party, policy.visible(party, Student), today)


def clock_of(session: Session, party: Party, student_id: int, today: date) -> Clock | None:
    """One of the school's students' clock; None once the student left."""
    policy.require(party, Role.SCHOOL_STAFF)
    one = policy.visible(party, Student).where(Student.id == student_id)
    return next(iter(_clocks(session, party, one, today)), None)


def _clocks(session: Session, party: Party, chosen: Select[Any], today: date) -> list[Clock]:
    still_here = chosen.where(Student.left_on.is_(None))
    ids = still_here.with_only_columns(Student.id)
    # A few queries for all the students rather than a few for each: this is a page.
    last_ends = _last_early_ends(session, ids, today)
    signed = _with_running_agreement(session, ids, today)
    days_off = _days_off(session, party.school_id)
    result = []
    for student in session.scalars(still_here.options(joinedload(Student.programme))):
        started = _start_of_clock(student, last_ends.get(student.id))
        has_agreement = student.id in signed
        left = (
            None
            if started is None or has_agreement
            else training_days_left(started, today, days_off)
        )
        result.append(Clock(student, started, left, has_agreement))
    return sorted(
        result,
        key=lambda c: (
            c.days_left is None,
            c.days_left if c.days_left is not None else 0,
            c.student.last_name,
            c.student.first_name,
        ),
    )


def check_clocks(session: Session, today: date, now: datetime, link_to: LinkTo) -> dict[str, int]:
    """The morning job: warn coaches at 10 and 5 training days left and when time is up
    (then mark the student for the coach to confirm); each warning once."""
    counts = {"warned": 0, "time_up": 0}
    counted = select(Student).where(
        Student.left_on.is_(None), Student.lessons_start_date.is_not(None)
    )
    ids = counted.with_only_columns(Student.id)
    last_ends = _last_early_ends(session, ids, today)
    signed = _with_running_agreement(session, ids, today)
    students = session.scalars(counted.options(joinedload(Student.school))).all()
    days_off_of: dict[int, frozenset[date]] = {}
    for student in students:
        started = _start_of_clock(student, last_ends.get(student.id))
        if student.id in signed or started is None:
            continue
        if student.school_id not in days_off_of:
            days_off_of[student.school_id] = _days_off(session, student.school_id)
        left = training_days_left(started, today, days_off_of[student.school_id])
        for threshold in (*WARN_AT_DAYS_LEFT, 0):
            if left > threshold:
                continue
            key = (student.id, started, threshold)
            if session.get(TrainingClockWarning, key) is not None:
                continue
            session.add(
                TrainingClockWarning(
                    student_id=student.id, clock_start=started, days_left=threshold, warned_at=now
                )
            )
            counts["warned"] += 1
            if threshold == 0:
                student.time_up_on = today
                counts["time_up"] += 1
            _warn_coach(session, student, left, threshold, link_to, now)
            break  # the nearest threshold only: one e-mail a morning
    session.flush()
    return counts


def _warn_coach(
    session: Session, student: Student, left: int, threshold: int, link_to: LinkTo, now: datetime
) -> None:
    name = f"{student.first_name} {student.last_name}"
    if threshold == 0:
        subject = _l("%(student)s heeft geen trainingsdagen meer", student=name)
        body = _l(
            "Goedendag,\n\nDe %(n)s trainingsdagen van %(student)s om een overeenkomst te "
            "tekenen zijn voorbij. Bevestig of de leerling uitstroomt.\n\n%(link)s",
            n=TRAINING_DAYS_TO_SIGN,
            student=name,
            link=link_to("school.student", student_id=student.id),
        )
    else:
        subject = _l("Nog %(n)s trainingsdagen voor %(student)s", n=left, student=name)
        body = _l(
            "Goedendag,\n\n%(student)s heeft nog %(n)s trainingsdagen om een overeenkomst te "
            "tekenen.\n\n%(link)s",
            student=name,
            n=left,
            link=link_to("school.student", student_id=student.id),
        )
    for address in _school_addresses(session, student):
        queue_mail(session, "training-clock", address, subject, body, now, student_id=student.id)


def _school_addresses(session: Session, student: Student) -> list[str]:
    """The school's own address, or else its staff's."""
    if student.school.email:
        return [student.school.email]
    return list(
        session.scalars(
            select(User.email).where(
                User.school_id == student.school_id,
                User.role == Role.SCHOOL_STAFF,
                User.is_active,
            )
        )
    )


def _days_off(session: Session, school_id: int | None) -> frozenset[date]:
    return frozenset(
        session.scalars(select(SchoolDayOff.day).where(SchoolDayOff.school_id == school_id))
    )


# --- Checks --------------------------------------------------------------------------------


def _checked(
    session: Session,
    party: Party,
    intake_id: int,
    start_date: date,
    end_date: date,
    weekly_hours: float,
    rules: AgreementSettings,
    wants_da: bool,
) -> tuple[Intake, TypeDecision]:
    policy.require(party, Role.SCHOOL_STAFF)
    intake = intakes.find_intake(session, party, intake_id)
    if intake.status is not IntakeStatus.ACCEPTED or intake.outcome is not IntakeOutcome.MATCH:
        raise InputError(
            "intake_id", _l("Een overeenkomst start van een gesprek dat een match was.")
        )
    if session.scalar(select(Agreement.id).where(Agreement.intake_id == intake.id)) is not None:
        raise ConflictError(ALREADY_STARTED)
    if intake.student is None:
        raise InputError("intake_id", _l("Deze leerling bestaat niet meer."))
    recognition = intake.recognition
    decision = type_for(recognition.programme, weekly_hours, wants_da)
    _check_terms(recognition, decision.agreement_type, start_date, end_date, weekly_hours)
    _check_availability_of(session, recognition, intake.student.id, start_date, end_date, rules)
    return intake, decision


def _check_terms(
    recognition: Recognition,
    kind: AgreementType,
    start_date: date,
    end_date: date,
    weekly_hours: float,
) -> None:
    decided_on = day_in_belgium(recognition.decided_at) if recognition.decided_at else None
    if (
        not is_recognition_valid(recognition.status, recognition.valid_until, start_date)
        or decided_on is None
        or start_date < decided_on
    ):
        raise InputError(
            "start_date",
            _l(
                "De werkplek is op de startdatum niet erkend voor deze opleiding: geen "
                "overeenkomst vóór of na de erkenning."
            ),
        )
    if end_date <= start_date:
        raise InputError("end_date", _l("Het einde ligt na de start."))
    if kind is AgreementType.OAO and end_date > add_years(start_date, OAO_MAX_YEARS):
        raise InputError("end_date", _l("Een OAO duurt hoogstens %(n)s jaar.", n=OAO_MAX_YEARS))
    if not 0 < weekly_hours <= 40:
        raise InputError("weekly_hours", _l("Geef de uren per week op de werkplek, tot 40."))


def _check_availability_of(
    session: Session,
    recognition: Recognition,
    student_id: int,
    start_date: date,
    end_date: date,
    rules: AgreementSettings,
    leaving_out: int | None = None,
) -> None:
    """Refuse a mentor who already coaches the maximum, or a student with an agreement
    running in the same period (signed, or waiting for its signatures)."""
    others = Agreement.ended_on.is_(None) | (Agreement.ended_on >= start_date)
    if leaving_out is not None:
        others &= Agreement.id != leaving_out
    if recognition.mentor_id is None:
        raise InputError(
            "mentor",
            _l("Deze werkplek heeft nog geen mentor: het bedrijf duidt eerst een mentor aan."),
        )
    coached = session.scalar(
        select(func.count())
        .select_from(Agreement)
        .where(
            Agreement.mentor_id == recognition.mentor_id,
            Agreement.signed_at.is_not(None),
            others,
            _running_on(start_date, end_date),
        )
    )
    if (coached or 0) >= rules.max_learners_per_mentor:
        raise InputError(
            "mentor",
            _l(
                "De mentor begeleidt in die periode al %(n)s leerlingen, het maximum.",
                n=rules.max_learners_per_mentor,
            ),
        )
    busy = session.scalar(
        select(Agreement.id).where(
            Agreement.student_id == student_id, others, _running_on(start_date, end_date)
        )
    )
    if busy is not None:
        raise InputError(
            "start_date",
            _l("De leerling heeft in die periode al een overeenkomst (getekend of te tekenen)."),
        )


def _tell_company(
    session: Session, recognition: Recognition, subject: Message, body: Message, now: datetime
) -> None:
    company_id = recognition.site.company_id
    address = company_addresses(session, {company_id}).get(company_id)
    if address:
        queue_mail(session, "agreement", address, subject, body, now, recognition_id=recognition.id)
