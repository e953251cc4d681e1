"""Companies announce a free place to the schools nearby (the seed's step 4: "maak het
aanbod bekend aan scholen uit de omgeving"); coaches see it as new offers."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from matcher import haversine_km
from models import Announcement, Recognition, School, Site, Student
from models.base import BELGIUM, day_in_belgium
from models.enums import Role
from models.workplaces import is_available
from web.services import policy
from web.services.errors import InputError
from web.services.messages import _l
from web.services.policy import Party

MIN_RADIUS_KM, DEFAULT_RADIUS_KM, MAX_RADIUS_KM = 5.0, 25.0, 100.0
MAX_MESSAGE = 500
ONCE_PER = timedelta(days=7)  # one announcement per workplace a week
SHOWN_FOR = timedelta(days=30)  # coaches see an announcement this long


@dataclass(frozen=True)
class Offer:
    """An announcement as a coach sees it, with how far the workplace is from the school."""

    announcement: Announcement
    distance_km: float


def announce(
    session: Session,
    party: Party,
    recognition_id: int,
    message: str,
    radius_km: float,
    now: datetime,
    stale_after_days: int,
) -> tuple[Announcement, int]:
    """Announce a workplace's free place; return it and how many schools it reaches."""
    policy.require(party, Role.COMPANY)
    recognition = session.scalar(
        policy.visible(party, Recognition)
        .where(Recognition.id == recognition_id)
        .options(joinedload(Recognition.site))
        .with_for_update(of=Recognition)  # two announcements at once: one waits, then sees
    )
    if recognition is None:
        raise InputError("recognition_id", _l("Kies een van je werkplekken."))
    today = day_in_belgium(now)
    if not is_available(recognition, today, stale_after_days):
        raise InputError(
            "recognition_id",
            _l("Alleen een erkende werkplek met een bevestigde vrije plaats kan je bekendmaken."),
        )
    message = message.strip()
    if not 1 <= len(message) <= MAX_MESSAGE:
        raise InputError(
            "message", _l("Schrijf een bericht van hoogstens %(n)s tekens.", n=MAX_MESSAGE)
        )
    if not MIN_RADIUS_KM <= radius_km <= MAX_RADIUS_KM:
        raise InputError(
            "radius_km",
            _l("Kies een afstand van %(low)s tot %(high)s km.", low=5, high=100),
        )
    latest = session.scalar(
        select(Announcement.created_at)
        .where(Announcement.recognition_id == recognition.id)
        .order_by(Announcement.created_at.desc())
        .limit(1)
    )
    if latest is not None and latest > now - ONCE_PER:
        raise InputError(
            "recognition_id",
            _l(
                "Deze werkplek werd deze week al bekendgemaakt; opnieuw kan vanaf %(day)s.",
                day=day_in_belgium(latest + ONCE_PER),
            ),
        )
    reached = _schools_reached(session, recognition, radius_km)
    if not reached:  # nobody would read it: it does not use up the week
        raise InputError(
            "radius_km",
            _l(
                "Binnen %(km)s km heeft geen school leerlingen in deze opleiding. Kies een "
                "grotere afstand.",
                km=int(radius_km),
            ),
        )
    announcement = Announcement(
        recognition_id=recognition.id, message=message, radius_km=radius_km, created_at=now
    )
    session.add(announcement)
    session.flush()
    return announcement, len(reached)


def offers_for(session: Session, party: Party, today: date) -> list[Offer]:
    """The recent announcements a school's coaches see: near the school, for a programme
    some of its students follow, nearest first."""
    policy.require(party, Role.SCHOOL_STAFF)
    school = session.get(School, party.school_id)
    if school is None:
        return []
    programmes = select(Student.programme_id).where(
        Student.school_id == school.id, Student.left_on.is_(None)
    )
    since = datetime.combine(today, time(0), BELGIUM) - SHOWN_FOR
    rows = session.scalars(
        select(Announcement)
        .join(Recognition, Recognition.id == Announcement.recognition_id)
        .where(Announcement.created_at >= since, Recognition.programme_id.in_(programmes))
        .options(
            joinedload(Announcement.recognition)
            .joinedload(Recognition.site)
            .joinedload(Site.company),
            joinedload(Announcement.recognition).joinedload(Recognition.programme),
        )
        .order_by(Announcement.created_at.desc())
    ).all()
    offers = []
    for announcement in rows:
        site = announcement.recognition.site
        distance = float(haversine_km(school.lat, school.lon, site.lat, site.lon))
        if distance <= announcement.radius_km:
            offers.append(Offer(announcement, distance))
    return sorted(offers, key=lambda offer: offer.distance_km)


def _schools_reached(session: Session, recognition: Recognition, radius_km: float) -> list[int]:
    """The schools within the radius that have students in the workplace's programme."""
    schools = session.execute(
        select(School.id, School.lat, School.lon).where(
            School.id.in_(
                select(Student.school_id).where(
                    Student.programme_id == recognition.programme_id, Student.left_on.is_(None)
                )
            )
        )
    ).all()
    site = recognition.site
    return [
        school_id
        for school_id, lat, lon in schools
        if float(haversine_km(site.lat, site.lon, lat, lon)) <= radius_km
    ]
