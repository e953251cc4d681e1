"""Keep the stored states true as the calendar moves, in set-based SQL; find due reminders.

`refresh_availability` is the nightly job's data work: a handful of UPDATEs, each
changing only rows whose state is wrong, so a second run on the same day changes
nothing. An UPDATE that would touch no row is not sent at all: on PostgreSQL a
statement trigger would otherwise count a change that never happened, and every web
process would rebuild its search index for nothing. The caller owns the transaction:
all of it lands, or none.

Whether a workplace has a free place is not stored: it follows from the places, the
start date and the last confirmation on the day asked (`rules.is_available_now`, and
the same rule in SQL and in the search engine), so nothing needs correcting at night.
"""

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, exists, insert, literal, select, tuple_, update
from sqlalchemy.orm import Session

from models.base import day_in_belgium
from models.decisions import RecognitionDecision
from models.enums import RecognitionStatus, TrainingStatus
from models.jobs import OutboxMessage
from models.rules import STALE_AFTER_DAYS
from models.workplaces import (
    Mentor,
    Recognition,
    confirmed_before,
    confirmed_since,
    start_of,
    valid_on,
)


@dataclass(frozen=True)
class RefreshCounts:
    """What one refresh changed, for the run log."""

    expired: int = 0  # recognitions past their 5 years
    at_risk: int = 0  # a mentor missed the training deadline
    no_longer_at_risk: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def refresh_availability(session: Session, today: date) -> RefreshCounts:
    """Expire and flag recognitions as of `today` (DOMAIN.md steps 2 and 3)."""
    recognised = Recognition.status == RecognitionStatus.RECOGNISED
    late = recognised & _mentor_late(today)
    # A recognition expires on its valid_until day (step 2).
    ending = recognised & (Recognition.valid_until <= today)
    _record_expiry(session, ending, today)
    return RefreshCounts(
        expired=_update(session, ending, status=RecognitionStatus.EXPIRED),
        at_risk=_update(session, ~Recognition.is_at_risk & late, is_at_risk=True),
        no_longer_at_risk=_update(session, Recognition.is_at_risk & ~late, is_at_risk=False),
    )


def _record_expiry(session: Session, ending: ColumnElement[bool], today: date) -> None:
    """Write the expiry into each ending recognition's history: from the same condition,
    before the update changes it, in the same transaction."""
    history = RecognitionDecision.__table__.c
    session.execute(
        insert(RecognitionDecision).from_select(
            ["recognition_id", "status", "decided_at", "valid_until"],
            select(
                Recognition.id,
                literal(RecognitionStatus.EXPIRED, history.status.type),
                literal(start_of(today), history.decided_at.type),
                Recognition.valid_until,
            ).where(ending),
        )
    )


def _mentor_late(today: date) -> ColumnElement[bool]:
    """SQL: the recognition's mentor has not finished the training by its deadline."""
    return exists().where(
        Mentor.id == Recognition.mentor_id,
        Mentor.training_deadline < today,
        Mentor.training_status.in_((TrainingStatus.NOT_STARTED, TrainingStatus.ENROLLED)),
    )


def _update(session: Session, condition: ColumnElement[bool], **values: Any) -> int:
    """Set `values` where `condition` holds; send nothing when no row needs it."""
    if not session.scalar(select(exists().where(condition))):
        return 0
    result = session.execute(
        update(Recognition)
        .where(condition)
        # The flags follow the calendar; the company's data did not change, so search's
        # freshness (which reads updated_at) must not see an update.
        .values(updated_at=Recognition.updated_at, **values)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Reminder:
    """A recognition its company should hear about, and the date the reminder is about."""

    kind: str  # "expiry-60", "expiry-14" or "stale"
    recognition_id: int
    about: date  # the expiry date, or the day of the confirmation that goes stale


# Before a recognition ends, the company hears twice: 60 and 14 days before.
EXPIRY_REMINDERS = (("expiry-14", 14), ("expiry-60", 60))
STALE_WARNING_DAYS = 14  # and 14 days before an unconfirmed free place stops counting


def reminders_due(
    session: Session, today: date, stale_after_days: int = STALE_AFTER_DAYS
) -> list[Reminder]:
    """Return the reminders due today that were never queued before.

    A recognition ending within 14 days is due the 14-day reminder; within 60 (but not
    14), the 60-day one. A free place whose confirmation goes stale within 14 days is
    due a warning, once per confirmation.
    """
    due: list[Reminder] = []
    nearer = today
    for kind, days in EXPIRY_REMINDERS:
        until = today + timedelta(days=days)
        rows = session.execute(
            select(Recognition.id, Recognition.valid_until).where(
                valid_on(today), Recognition.valid_until > nearer, Recognition.valid_until <= until
            )
        )
        due += [Reminder(kind, rid, valid_until) for rid, valid_until in rows if valid_until]
        nearer = until
    confirmations = session.execute(
        select(Recognition.id, Recognition.last_confirmed_at).where(
            valid_on(today),
            Recognition.n_free_places > 0,
            confirmed_since(today, stale_after_days),
            confirmed_before(today, stale_after_days - STALE_WARNING_DAYS),
        )
    )
    due += [Reminder("stale", rid, day_in_belgium(at)) for rid, at in confirmations if at]
    queued = _queued(session, due)
    return [r for r in due if (r.kind, r.recognition_id, r.about) not in queued]


def _queued(session: Session, reminders: Iterable[Reminder]) -> set[tuple[str, int, date]]:
    """The (kind, recognition, about) keys of these reminders already in the outbox."""
    keys = [(r.kind, r.recognition_id, r.about) for r in reminders]
    found: set[tuple[str, int, date]] = set()
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        found.update(
            session.execute(
                select(OutboxMessage.kind, OutboxMessage.recognition_id, OutboxMessage.about).where(
                    tuple_(
                        OutboxMessage.kind, OutboxMessage.recognition_id, OutboxMessage.about
                    ).in_(chunk)
                )
            )
        )
    return found
