"""Where a company stands in the six steps of the plan (DOMAIN.md, "The six steps").

One `Step` per step of the plan: its state, the facts the page words, and what to do
next. Read from the company as `companies.get_company` loads it (sites in use, their
recognitions, the mentors) and three counts, so the dashboard stays a few queries.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import Agreement, Company, Intake, Mentor, Recognition
from models.base import day_in_belgium
from models.enums import IntakeOutcome, IntakeStatus, RecognitionStatus, TrainingStatus
from models.rules import is_recognition_valid
from models.workplaces import is_available
from web.services import agreements, policy
from web.services.companies import DECLARATIONS
from web.services.mentors import mentor_problems_of
from web.services.policy import Party
from web.services.sites import is_recognisable

# How a step stands: finished, waiting for someone else, not started, or the company must act.
DONE, WAITING, TODO, ACT = "done", "waiting", "todo", "act"
TRAINED = (TrainingStatus.COMPLETED, TrainingStatus.EXEMPTED)


@dataclass(frozen=True)
class Step:
    """One step of the plan as it stands for the company.

    `next` names what to do next (the page words and links it), about the recognition,
    site or mentor `target` where it concerns one.
    """

    number: int
    code: str
    state: str
    next: str | None = None
    target: int | None = None
    facts: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class IntakeCounts:
    waiting: int = 0  # proposed: the company answers
    countered: int = 0  # other times offered: the school answers
    planned: int = 0  # accepted, the interview not yet recorded
    matches: int = 0
    total: int = 0


def company_progress(
    session: Session, party: Party, company: Company, today: date, stale_after_days: int
) -> list[Step]:
    """The six steps for `company` (as `get_company` loads it) on `today`."""
    recognitions = [r for site in company.sites for r in site.recognitions]
    valid = [r for r in recognitions if is_recognition_valid(r.status, r.valid_until, today)]
    running = [r for r in recognitions if r.status is RecognitionStatus.REQUESTED] + valid
    intakes = count_intakes(session, party)
    return [
        _conditions(company),
        _recognition(company, recognitions, valid),
        _mentor(company, running, valid, today),
        _places(valid, today, stale_after_days),
        _intakes(intakes, _announceable(valid, today, stale_after_days)),
        _agreements(session, party, intakes, today),
    ]


def count_intakes(session: Session, party: Party) -> IntakeCounts:
    """Count the party's intake proposals by where they stand, in one query."""
    rows = session.execute(
        select(Intake.status, Intake.outcome, func.count())
        .where(policy.scope(party, Intake))
        .group_by(Intake.status, Intake.outcome)
    ).all()
    counts = dict.fromkeys(("waiting", "countered", "planned", "matches", "total"), 0)
    for status, outcome, n in rows:
        counts["total"] += n
        if status is IntakeStatus.PROPOSED:
            counts["waiting"] += n
        elif status is IntakeStatus.COUNTERED:
            counts["countered"] += n
        elif status is IntakeStatus.ACCEPTED and outcome is None:
            counts["planned"] += n
        if outcome is IntakeOutcome.MATCH:
            counts["matches"] += n
    return IntakeCounts(**counts)


def _conditions(company: Company) -> Step:
    if all(getattr(company, name) for name in DECLARATIONS):
        return Step(1, "conditions", DONE, facts={"on": day_in_belgium(company.created_at)})
    return Step(1, "conditions", TODO)


def _recognition(
    company: Company, recognitions: Sequence[Recognition], valid: Sequence[Recognition]
) -> Step:
    requested = sorted(
        (r for r in recognitions if r.status is RecognitionStatus.REQUESTED),
        key=lambda r: (r.requested_at, r.id),
    )
    facts: dict[str, Any] = {"n_valid": len(valid), "n_requested": len(requested)}
    recognisable = [site for site in company.sites if is_recognisable(site)]
    if not company.sites:
        return Step(2, "recognition", TODO, "add_site", facts=facts)
    if not recognisable:
        return Step(2, "recognition", ACT, "add_site", facts=facts | {"only_wallonia": True})
    if valid:
        if requested:
            return Step(2, "recognition", DONE, "open_recognition", requested[0].id, facts)
        return Step(2, "recognition", DONE, "request_recognition", facts=facts)
    if requested:
        facts["requested_on"] = day_in_belgium(requested[0].requested_at)
        return Step(2, "recognition", WAITING, "open_recognition", requested[0].id, facts)
    return Step(2, "recognition", TODO, "request_recognition", recognisable[0].id, facts)


def _mentor(
    company: Company,
    running: Sequence[Recognition],
    valid: Sequence[Recognition],
    today: date,
) -> Step:
    facts: dict[str, Any] = {"n_mentors": len(company.mentors)}
    if not running:
        state = DONE if company.mentors else TODO
        return Step(3, "mentor", state, "add_mentor", facts=facts)
    without = [r for r in running if r.mentor is None]
    if without:
        facts["n_without"] = len(without)
        return Step(3, "mentor", ACT, "choose_mentor", without[0].id, facts)
    at_risk = [r for r in valid if r.is_at_risk]
    if at_risk:
        return Step(3, "mentor", ACT, "open_recognition", at_risk[0].id, facts | {"at_risk": True})
    for recognition in running:
        mentor = recognition.mentor
        assert mentor is not None  # those without were handled above
        if mentor_problems_of(mentor, today, recognition):
            return Step(3, "mentor", ACT, "edit_mentor", mentor.id, facts | {"name": _name(mentor)})
    in_training = sorted(
        {r.mentor for r in valid if r.mentor and r.mentor.training_status not in TRAINED},
        key=lambda m: (m.training_deadline or date.max, m.id),
    )
    if in_training:
        first = in_training[0]
        facts |= {"name": _name(first), "deadline": first.training_deadline}
        return Step(3, "mentor", WAITING, "edit_mentor", first.id, facts)
    return Step(3, "mentor", DONE, "add_mentor", facts=facts)


def _name(mentor: Mentor) -> str:
    return f"{mentor.first_name} {mentor.last_name}"


def _places(valid: Sequence[Recognition], today: date, stale_after_days: int) -> Step:
    if not valid:
        return Step(4, "places", TODO)
    oldest = today.toordinal() - stale_after_days
    unconfirmed = [
        r
        for r in sorted(valid, key=lambda r: r.id)
        if r.last_confirmed_at is None or day_in_belgium(r.last_confirmed_at).toordinal() < oldest
    ]
    facts = {
        "n_workplaces": len(valid),
        "n_free": sum(r.n_free_places for r in valid if r not in unconfirmed),
        "n_unconfirmed": len(unconfirmed),
    }
    if unconfirmed:
        return Step(4, "places", ACT, "confirm_places", unconfirmed[0].id, facts)
    return Step(4, "places", DONE, "open_recognition", min(r.id for r in valid), facts)


def _announceable(valid: Sequence[Recognition], today: date, stale_after_days: int) -> int | None:
    """A workplace whose free place search counts today: one the company may announce."""
    for recognition in sorted(valid, key=lambda r: r.id):
        if is_available(recognition, today, stale_after_days):
            return recognition.id
    return None


def _intakes(counts: IntakeCounts, announceable: int | None) -> Step:
    facts = {
        "n_waiting": counts.waiting,
        "n_countered": counts.countered,
        "n_planned": counts.planned,
        "n_matches": counts.matches,
    }
    if counts.waiting:
        return Step(5, "intakes", ACT, "inbox", facts=facts)
    if counts.planned or counts.countered:
        return Step(5, "intakes", WAITING, "inbox", facts=facts)
    if counts.total:
        return Step(5, "intakes", DONE, "inbox", facts=facts)
    if announceable is not None:
        return Step(5, "intakes", WAITING, "announce", announceable, facts)
    return Step(5, "intakes", TODO, facts=facts)


def _agreements(session: Session, party: Party, intakes: IntakeCounts, today: date) -> Step:
    n_to_confirm = agreements.count_to_confirm(session, party)
    n_running = (
        session.scalar(
            select(func.count())
            .select_from(Agreement)
            .where(
                policy.scope(party, Agreement),
                Agreement.signed_at.is_not(None),
                Agreement.ended_on.is_(None),
                Agreement.end_date >= today,
            )
        )
        or 0
    )
    facts = {"n_to_confirm": n_to_confirm, "n_running": n_running}
    if n_to_confirm:
        return Step(6, "agreements", ACT, "agreements", facts=facts)
    if n_running:
        return Step(6, "agreements", DONE, "agreements", facts=facts)
    if intakes.matches:
        return Step(6, "agreements", WAITING, "agreements", facts=facts)
    return Step(6, "agreements", TODO, facts=facts)
