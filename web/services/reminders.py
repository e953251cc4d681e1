"""Reminders to companies: written in Dutch and queued in the outbox by the nightly job."""

from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from models import Recognition, Site
from models.refresh import Reminder, reminders_due
from web.services.messages import Message, _l
from web.services.outbox import company_addresses, queue_mail


def queue_reminders(
    session: Session, today: date, stale_after_days: int, now: datetime
) -> dict[str, int]:
    """Queue every reminder due today that was never queued; the caller commits.

    The company's contact address gets it, or else its oldest active login's. A company
    with neither is counted as unreachable (and tried again on the next run).
    """
    due = reminders_due(session, today, stale_after_days)
    recognitions = _load(session, [r.recognition_id for r in due])
    addresses = company_addresses(session, {r.site.company_id for r in recognitions.values()})
    queued = unreachable = 0
    for reminder in due:
        recognition = recognitions[reminder.recognition_id]
        company = recognition.site.company
        recipient = addresses.get(company.id)
        if not recipient:
            unreachable += 1
            continue
        subject, body = compose(reminder, recognition, stale_after_days)
        queue_mail(
            session,
            reminder.kind,
            recipient,
            subject,
            body,
            now,
            recognition_id=reminder.recognition_id,
            about=reminder.about,
        )
        queued += 1
    session.flush()
    return {"reminded": queued, "unreachable": unreachable}


def compose(
    reminder: Reminder, recognition: Recognition, stale_after_days: int
) -> tuple[Message, Message]:
    """Return the subject and body of a reminder."""
    programme = recognition.programme.name
    site = recognition.site
    where = f"{site.name}, {site.street}, {site.postcode} {site.place.municipality_nl}"
    if reminder.kind == "stale":
        stale_on = reminder.about + timedelta(days=stale_after_days + 1)
        subject = _l("Kloppen je vrije plaatsen voor %(programme)s nog?", programme=programme)
        body = _l(
            "Goedendag,\n\nJe vrije plaatsen voor %(programme)s op %(where)s werden laatst "
            "bevestigd op %(when)s. Bevestig ze vóór %(until)s, anders tellen ze niet meer mee "
            "wanneer leerlingen naar een vrije plaats zoeken.\n\nMeld je aan op Duaal Match, "
            "open Mijn bedrijf en klik op 'Klopt nog', of pas de plaatsen aan.",
            programme=programme,
            where=where,
            when=reminder.about,
            until=stale_on,
        )
    else:
        subject = _l(
            "Je erkenning voor %(programme)s loopt af op %(when)s",
            programme=programme,
            when=reminder.about,
        )
        body = _l(
            "Goedendag,\n\nDe erkenning van %(where)s voor %(programme)s loopt af op %(when)s. "
            "Daarna kan deze werkplek geen nieuwe leerlingen meer opleiden en verdwijnt ze uit "
            "de zoekresultaten.\n\nNeem tijdig contact op met het partnerschap van de sector "
            "om de erkenning te verlengen. Na het einde kun je op Duaal Match, onder Mijn "
            "bedrijf, een nieuwe erkenning aanvragen.",
            where=where,
            programme=programme,
            when=reminder.about,
        )
    return subject, body


def _load(session: Session, ids: list[int]) -> dict[int, Recognition]:
    found: dict[int, Recognition] = {}
    for start in range(0, len(ids), 500):
        rows = session.scalars(
            select(Recognition)
            .where(Recognition.id.in_(ids[start : start + 500]))
            .options(
                joinedload(Recognition.programme),
                joinedload(Recognition.site).joinedload(Site.place),
                joinedload(Recognition.site).joinedload(Site.company),
            )
        )
        found.update((r.id, r) for r in rows)
    return found
