"""The demo's cast for its school side: who plays (the demo school and its students, the
demo company) and where (its workplaces beside the school, and other companies' near
it). See web/demo/school_side.py for the stories they play."""

from dataclasses import dataclass
from datetime import date, time, timedelta

import numpy as np
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from matcher import IntakePreferences, haversine_km
from models import Company, Mentor, Postcode, Programme, Recognition, School, Site, Student, User
from models.enums import LearnerType, RecognitionStatus, Role, SchoolKind, TrainingStatus
from models.rules import add_years, mentor_problems, recognition_valid_until
from models.workplaces import valid_on
from web.demo import vocabulary as words
from web.demo.history import moment, working_day
from web.services.policy import Party

# Places of the main workplace (two agreements fill it) and of the second one.
PLACES = (2, 3)
NEAR_KM = 40.0  # how far another company's workplace may be for the school's students
COACH_NAME = "Sofie Claeys"


@dataclass(frozen=True)
class Cast:
    """Who plays in the demo's school side, and where."""

    school: School
    coach: Party
    company: Party
    students: list[Student]  # the school's, first to last
    main: Recognition
    second: Recognition  # the main one again when the sector has one programme
    elsewhere: list[Recognition]  # other companies' workplaces for `main`'s programme


def cast_demo(session: Session, today: date) -> Cast | None:
    """Stage the demo company beside the demo school (see web/demo/school_side.py);
    None without a demo school with students or a demo company."""
    coach_user = _first_user(session, Role.SCHOOL_STAFF)
    company_user = _first_user(session, Role.COMPANY)
    if coach_user is None or company_user is None:
        return None
    school = session.get(School, coach_user.school_id)
    company = session.get(Company, company_user.company_id)
    assert school is not None and company is not None
    students = list(
        session.scalars(
            select(Student)
            .where(Student.school_id == school.id, Student.left_on.is_(None))
            .order_by(Student.id)
        )
    )
    site = session.scalar(select(Site).where(Site.company_id == company.id).order_by(Site.id))
    if not students or site is None:
        return None
    programmes = _programmes(session, company, site, school)
    if not programmes:
        return None
    # The company sees the coach's name beside the proposals (contact goes through them).
    coach_user.name = coach_user.name or COACH_NAME
    _move_beside(session, site, company, school)
    mentors = _mentors(session, company, today, len(programmes))
    workplaces = [
        _workplace(session, site, programme, mentor, n_places, today)
        for programme, mentor, n_places in zip(programmes, mentors, PLACES, strict=False)
    ]
    session.flush()
    return Cast(
        school=school,
        coach=Party(Role.SCHOOL_STAFF, school_id=school.id, user_id=coach_user.id),
        company=Party(Role.COMPANY, company_id=company.id, user_id=company_user.id),
        students=students,
        main=workplaces[0],
        second=workplaces[-1],
        elsewhere=[
            recognition
            for _, recognition in nearest_elsewhere(
                session,
                school,
                company.id,
                3,
                NEAR_KM,
                Recognition.programme_id == workplaces[0].programme_id,
                valid_on(today),
                # Recognised well before the history starts.
                Recognition.decided_at < moment(today - timedelta(days=180), time(0)),
            )
        ],
    )


def _first_user(session: Session, role: Role) -> User | None:
    """The demo login of a role: in a database the demo just filled, the only one."""
    return session.scalar(select(User).where(User.role == role).order_by(User.id).limit(1))


def _programmes(session: Session, company: Company, site: Site, school: School) -> list[Programme]:
    """Up to two programmes of the company's sector for the school's learners, those the
    site already has recognised first."""
    sector = session.scalar(
        select(Programme.sector)
        .join(Recognition, Recognition.programme_id == Programme.id)
        .join(Site, Site.id == Recognition.site_id)
        .where(Site.company_id == company.id)
        .order_by(Recognition.id)
        .limit(1)
    )
    candidates = list(
        session.scalars(
            select(Programme).where(Programme.sector == sector).order_by(Programme.code)
        )
    )
    adults = school.kind is SchoolKind.ADULT_CENTRE
    learners = LearnerType.ADULT if adults else LearnerType.SECONDARY
    fitting = [p for p in candidates if p.learner_type is learners] or candidates
    at_site = {
        r.programme_id: r.status is RecognitionStatus.RECOGNISED
        for r in session.scalars(select(Recognition).where(Recognition.site_id == site.id))
    }
    fitting.sort(key=lambda p: (not at_site.get(p.id, False), p.id not in at_site, p.code))
    return fitting[: len(PLACES)]


def _move_beside(session: Session, site: Site, company: Company, school: School) -> None:
    """Put the site in the nearest village at least 3 km from the school."""
    postcodes = session.scalars(
        select(Postcode)
        .where(Postcode.region.in_(("flanders", "brussels")))
        .order_by(Postcode.postcode)
    ).all()
    distances = haversine_km(
        school.lat,
        school.lon,
        np.array([p.lat for p in postcodes]),
        np.array([p.lon for p in postcodes]),
    )
    place = postcodes[int(np.argmin(np.where(distances >= 3.0, distances, np.inf)))]
    site.postcode = place.postcode
    # A little off the postcode's centre, as the generator places sites.
    site.lat, site.lon = round(place.lat + 0.0021, 6), round(place.lon - 0.0034, 6)
    n_sites = session.scalar(select(func.count()).where(Site.company_id == company.id))
    if (n_sites or 0) > 1:
        site.name = f"{company.name} {place.municipality_nl}"


def _mentors(session: Session, company: Company, today: date, n: int) -> list[Mentor]:
    """`n` mentors who meet step 3 (age, experience, extract, training): the company's
    own first, new colleagues after."""
    fit = [
        m
        for m in sorted(company.mentors, key=lambda m: m.id)
        if not mentor_problems(
            m.birth_date, m.years_experience, False, m.extract_596_2_shown_on, today
        )
        and (
            m.training_status in (TrainingStatus.COMPLETED, TrainingStatus.EXEMPTED)
            or (m.training_deadline is not None and m.training_deadline >= today)
        )
    ]
    for i in range(len(fit), n):
        mentor = Mentor(
            company_id=company.id,
            first_name=words.ADULT_FIRST_NAMES[(company.id + 5 * i) % len(words.ADULT_FIRST_NAMES)],
            last_name=words.SURNAMES[(company.id + 11 * i) % len(words.SURNAMES)],
            birth_date=add_years(today, -(36 + 7 * i)) - timedelta(days=40 * i + 17),
            years_experience=12 + 3 * i,
            extract_596_2_shown_on=today - timedelta(days=430),
            training_status=TrainingStatus.COMPLETED,
            created_at=moment(today - timedelta(days=440), time(9)),
        )
        session.add(mentor)
        fit.append(mentor)
    return fit[:n]


def _workplace(
    session: Session,
    site: Site,
    programme: Programme,
    mentor: Mentor,
    n_places: int,
    today: date,
) -> Recognition:
    """The site's recognition for the programme, recognised over a year ago, every place
    free (the history's agreements take theirs), confirmed last week."""
    recognition = session.scalar(
        select(Recognition).where(
            Recognition.site_id == site.id, Recognition.programme_id == programme.id
        )
    )
    if recognition is None:
        recognition = Recognition(
            site_id=site.id, programme_id=programme.id, intake_preferences=IntakePreferences()
        )
        session.add(recognition)
    decided = today - timedelta(days=400)
    confirmed = moment(working_day(today, -8), time(8, 40))
    recognition.programme = programme
    recognition.status = RecognitionStatus.RECOGNISED
    recognition.requested_at = moment(decided - timedelta(days=12), time(9))
    recognition.decided_at = moment(decided, time(11))
    recognition.decision_reason = None
    recognition.valid_until = recognition_valid_until(decided)
    recognition.mentor = mentor
    recognition.has_mentor_age_waiver = False
    recognition.n_places = recognition.n_free_places = n_places
    recognition.available_from = None
    recognition.last_confirmed_at = confirmed
    recognition.is_at_risk = False
    recognition.updated_at = confirmed
    return recognition


def nearest_elsewhere(
    session: Session,
    school: School,
    company_id: int | None,
    n: int,
    max_km: float,
    *conditions: ColumnElement[bool],
) -> list[tuple[int, Recognition]]:
    """Up to `n` workplaces of other companies than `company_id`, within `max_km` of the
    school and meeting `conditions`: the nearest, one per company, with its company."""
    rows = session.execute(
        select(Recognition, Site.company_id, Site.lat, Site.lon)
        .join(Site, Site.id == Recognition.site_id)
        .where(Site.company_id != company_id, *conditions)
    ).all()
    near = sorted(
        (float(haversine_km(lat, lon, school.lat, school.lon)), r.id, r, company_id)
        for r, company_id, lat, lon in rows
    )
    chosen: dict[int, Recognition] = {}
    for distance, _, recognition, company_id in near:
        if distance <= max_km and company_id not in chosen and len(chosen) < n:
            chosen[company_id] = recognition
    return list(chosen.items())
