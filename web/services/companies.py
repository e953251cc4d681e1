"""The company's side: register, add sites and mentors, request recognitions, keep places current.

Every function takes the signed-in company's id and finds rows only through it, so
another company's site, mentor or recognition is a `NotFoundError`, never a change.
Each changing function commits once at its end: nothing is half-saved.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload, selectinload

from matcher import HOURS_PATTERNS, LANGUAGES, STALE_AFTER_DAYS
from models import Company, Mentor, Postcode, Programme, Recognition, Site, User
from models.base import day_in_belgium, utcnow
from models.enums import MentorProblem, RecognitionStatus, Role, TrainingStatus
from models.rules import (
    MENTOR_MIN_AGE_WITH_WAIVER,
    MENTOR_MIN_YEARS_EXPERIENCE,
    InvalidKboError,
    age_on,
    is_available_now,
    is_recognition_valid,
    mentor_problems,
    mentor_training_deadline,
    normalize_kbo,
)
from web.services.accounts import EMAIL_IN_USE, create_user
from web.services.errors import InputError, NotFoundError, NotRecognisedError

# DOMAIN.md step 2: only a site in Flanders or Brussels can be recognised.
RECOGNISABLE_REGIONS = ("flanders", "brussels")
MAX_PLACES = 99
MIN_INTAKE_AGE, MAX_INTAKE_AGE = 15, 25  # DOMAIN.md: learners from 15 to 25
MIN_WORKING_AGE = 15  # the youngest dual learner: experience counts from there
MAX_PLAUSIBLE_AGE = 80  # a mentor older than this is a typing error


@dataclass(frozen=True)
class CompanyDetails:
    """What a company tells about itself when it registers (step 1 included)."""

    kbo_number: str
    name: str
    email: str | None = None
    phone: str | None = None
    website: str | None = None
    n_employees: int | None = None
    declares_activities: bool = False
    declares_financial_capacity: bool = False
    declares_organisation: bool = False
    declares_no_convictions: bool = False
    declares_commitments: bool = False


DECLARATIONS = (
    "declares_activities",
    "declares_financial_capacity",
    "declares_organisation",
    "declares_no_convictions",
    "declares_commitments",
)


@dataclass(frozen=True)
class MentorDetails:
    """What a company records about a mentor: never the 596.2 extract itself."""

    first_name: str
    last_name: str
    birth_date: date
    years_experience: int
    email: str | None = None
    extract_596_2_shown_on: date | None = None
    training_status: str = "not_started"


@dataclass(frozen=True)
class Availability:
    """The company's claim about a workplace's places and whom it would take in."""

    n_places: int
    n_free_places: int
    available_from: date | None = None
    intake_preferences: dict[str, Any] = field(default_factory=dict)


KBO_PROBLEMS = {
    "length": _l("een ondernemingsnummer heeft 10 cijfers"),
    "first_digit": _l("een ondernemingsnummer begint met 0 of 1"),
    "check_digits": _l("de controlegetallen van dit ondernemingsnummer kloppen niet"),
}
KBO_ALREADY_REGISTERED = _l(
    "Dit ondernemingsnummer is al geregistreerd. Meld je aan met het account van je bedrijf."
)


def read_kbo(raw: str) -> str:
    """Return the KBO number as 10 digits, or refuse it with the reason in Dutch."""
    try:
        return normalize_kbo(raw)
    except InvalidKboError as error:
        raise InputError(
            "kbo_number",
            _l("Dit ondernemingsnummer klopt niet: %(why)s.", why=KBO_PROBLEMS[error.code]),
        ) from None


def register_company(
    session: Session, details: CompanyDetails, user_email: str, password: str
) -> tuple[Company, User]:
    """Register a company with its first user account; commits both or neither."""
    kbo = read_kbo(details.kbo_number)
    missing = [name for name in DECLARATIONS if not getattr(details, name)]
    if missing:
        raise InputError(
            missing[0], _l("Bevestig elke voorwaarde om als bedrijf leerlingen op te leiden.")
        )
    if session.scalar(select(Company.id).where(Company.kbo_number == kbo)) is not None:
        raise InputError("kbo_number", KBO_ALREADY_REGISTERED)
    values = {k: v for k, v in vars(details).items() if k != "kbo_number"}
    company = Company(kbo_number=kbo, **values)
    session.add(company)
    try:
        session.flush()
        user = create_user(session, Role.COMPANY, user_email, password, company.id)
        session.commit()
    except InputError as error:
        session.rollback()
        # The form has two addresses: the company's public one and the login's own.
        field = "user_email" if error.field == "email" else error.field
        raise InputError(field, error.message) from None
    except IntegrityError:
        # Someone registered the same number (or address) a moment ago.
        session.rollback()
        if session.scalar(select(Company.id).where(Company.kbo_number == kbo)) is not None:
            raise InputError("kbo_number", KBO_ALREADY_REGISTERED) from None
        raise InputError("user_email", EMAIL_IN_USE) from None
    return company, user


def get_company(session: Session, company_id: int) -> Company:
    """Return the company, with its sites, their recognitions and its mentors."""
    company = session.scalar(
        select(Company)
        .where(Company.id == company_id)
        .options(
            selectinload(Company.sites).joinedload(Site.place),
            selectinload(Company.sites)
            .selectinload(Site.recognitions)
            .joinedload(Recognition.programme),
            selectinload(Company.mentors),
        )
    )
    if company is None:
        raise NotFoundError
    return company


def list_mentors(session: Session, company_id: int) -> list[Mentor]:
    """Return the company's mentors by name."""
    return list(
        session.scalars(
            select(Mentor)
            .where(Mentor.company_id == company_id)
            .order_by(Mentor.last_name, Mentor.first_name, Mentor.id)
        )
    )


def add_site(session: Session, company_id: int, name: str, street: str, postcode: str) -> Site:
    """Add a site, placed at its postcode's centre from the gazetteer (no network)."""
    place = session.get(Postcode, postcode)
    if place is None:
        raise InputError(
            "postcode",
            _l("Deze postcode kennen we niet. Geef een Belgische postcode van 4 cijfers."),
        )
    site = Site(
        company_id=company_id,
        name=name.strip(),
        street=street.strip(),
        postcode=place.postcode,
        lat=place.lat,
        lon=place.lon,
    )
    session.add(site)
    session.commit()
    return site


def own_site(session: Session, company_id: int, site_id: int) -> Site:
    """Return one of the company's sites."""
    site = session.scalar(
        select(Site)
        .where(Site.id == site_id, Site.company_id == company_id)
        .options(joinedload(Site.place))
    )
    if site is None:
        raise NotFoundError
    return site


def own_mentor(session: Session, company_id: int, mentor_id: int) -> Mentor:
    """Return one of the company's mentors."""
    mentor = session.scalar(
        select(Mentor).where(Mentor.id == mentor_id, Mentor.company_id == company_id)
    )
    if mentor is None:
        raise NotFoundError
    return mentor


def own_recognition(session: Session, company_id: int, recognition_id: int) -> Recognition:
    """Return one of the company's recognitions (or requests), with its site and programme."""
    recognition = session.scalar(
        select(Recognition)
        .join(Site)
        .where(Recognition.id == recognition_id, Site.company_id == company_id)
        .options(
            joinedload(Recognition.site).joinedload(Site.place),
            joinedload(Recognition.programme),
            joinedload(Recognition.mentor),
        )
    )
    if recognition is None:
        raise NotFoundError
    return recognition


ALREADY_REQUESTED = _l(
    "Voor deze vestiging en opleiding loopt al een aanvraag of bestaat al een erkenning."
)


def request_recognition(
    session: Session, company_id: int, site_id: int, programme_id: int, mentor_id: int | None
) -> Recognition:
    """Ask the programme's partnership to recognise a site (DOMAIN.md step 2)."""
    try:
        site = own_site(session, company_id, site_id)
    except NotFoundError:
        raise InputError("site_id", _l("Kies een van je vestigingen.")) from None
    if site.place.region not in RECOGNISABLE_REGIONS:
        raise InputError(
            "site_id",
            _l(
                "Deze vestiging ligt in Wallonië. Alleen een vestiging in Vlaanderen of Brussel "
                "kan erkend worden voor duaal leren in Vlaanderen."
            ),
        )
    if session.get(Programme, programme_id) is None:
        raise InputError("programme_id", _l("Kies een opleiding uit de lijst."))
    if mentor_id is not None:
        try:
            own_mentor(session, company_id, mentor_id)
        except NotFoundError:
            raise InputError("mentor_id", _l("Kies een van je mentoren.")) from None
    now = utcnow()
    existing = session.scalar(
        select(Recognition).where(
            Recognition.site_id == site_id, Recognition.programme_id == programme_id
        )
    )
    if existing is None:
        recognition = Recognition(
            site_id=site_id, programme_id=programme_id, mentor_id=mentor_id, requested_at=now
        )
        session.add(recognition)
    elif existing.status is RecognitionStatus.REQUESTED or is_recognition_valid(
        existing.status, existing.valid_until, day_in_belgium(now)
    ):
        raise InputError("programme_id", ALREADY_REQUESTED)
    else:
        # A refused, withdrawn or expired recognition is asked for again on the same row:
        # one site and programme have one recognition, whose latest state is what counts.
        recognition = existing
        recognition.status = RecognitionStatus.REQUESTED
        recognition.requested_at = now
        recognition.decided_at = None
        recognition.decision_reason = None
        recognition.valid_until = None
        recognition.mentor_id = mentor_id
        recognition.n_free_places = 0
        recognition.is_available = False
        recognition.has_mentor_age_waiver = False
    try:
        session.commit()
    except IntegrityError:  # the same request sent twice at once: the other one counts
        session.rollback()
        raise InputError("programme_id", ALREADY_REQUESTED) from None
    return recognition


def check_mentor(details: MentorDetails, today: date) -> None:
    """Refuse what DOMAIN.md step 3 rules out, explained in plain Dutch."""
    if details.birth_date >= today:
        raise InputError("birth_date", _l("Deze geboortedatum ligt in de toekomst."))
    age = age_on(details.birth_date, today)
    if age < MENTOR_MIN_AGE_WITH_WAIVER:
        raise InputError(
            "birth_date",
            _l(
                "Een mentor is minstens 25 jaar, of 23 jaar als het partnerschap een afwijking "
                "toestaat. Deze persoon is %(age)s.",
                age=age,
            ),
        )
    if details.years_experience < MENTOR_MIN_YEARS_EXPERIENCE:
        raise InputError(
            "years_experience",
            _l("Een mentor heeft minstens 5 jaar ervaring in het beroep."),
        )
    if age > MAX_PLAUSIBLE_AGE:
        raise InputError("birth_date", _l("Controleer de geboortedatum."))
    if details.years_experience > age - MIN_WORKING_AGE:
        raise InputError(
            "years_experience",
            _l(
                "Ervaring telt vanaf %(start)s jaar: iemand van %(age)s heeft er hoogstens "
                "%(most)s.",
                start=MIN_WORKING_AGE,
                age=age,
                most=age - MIN_WORKING_AGE,
            ),
        )
    shown = details.extract_596_2_shown_on
    if shown is not None and shown > today:
        raise InputError("extract_596_2_shown_on", _l("Deze datum ligt in de toekomst."))


def mentor_problems_of(
    mentor: Mentor, today: date, recognition: Recognition | None = None
) -> list[MentorProblem]:
    """What still stands between this mentor and the rules of DOMAIN.md step 3.

    An age waiver is a partnership's decision for one recognition: without one in
    view, a mentor of 23 or 24 still needs it.
    """
    return mentor_problems(
        mentor.birth_date,
        mentor.years_experience,
        recognition is not None and recognition.has_mentor_age_waiver,
        mentor.extract_596_2_shown_on,
        today,
    )


def save_mentor(
    session: Session, company_id: int, mentor_id: int | None, details: MentorDetails, today: date
) -> Mentor:
    """Add a mentor, or change one of the company's mentors."""
    check_mentor(details, today)
    mentor = (
        Mentor(company_id=company_id)
        if mentor_id is None
        else own_mentor(session, company_id, mentor_id)
    )
    for name, value in vars(details).items():
        setattr(mentor, name, value)
    if mentor_id is None:
        session.add(mentor)
    session.commit()
    return mentor


def assign_mentor(
    session: Session, company_id: int, recognition_id: int, mentor_id: int | None
) -> Recognition:
    """Name the mentor of a recognition; a recognised one starts the training deadline."""
    recognition = own_recognition(session, company_id, recognition_id)
    mentor = None
    if mentor_id is not None:
        try:
            mentor = own_mentor(session, company_id, mentor_id)
        except NotFoundError:
            raise InputError("mentor_id", _l("Kies een van je mentoren.")) from None
    if recognition.mentor_id != (mentor.id if mentor else None):
        recognition.has_mentor_age_waiver = False  # it was granted for the other person
    recognition.mentor = mentor
    if (
        mentor is not None
        and recognition.status is RecognitionStatus.RECOGNISED
        and recognition.decided_at
    ):
        start_training_deadline(mentor, recognition)
    session.commit()
    return recognition


def start_training_deadline(mentor: Mentor, recognition: Recognition) -> None:
    """Keep the earliest training deadline of the mentor's recognitions (step 3)."""
    assert recognition.decided_at is not None
    if mentor.training_status in (TrainingStatus.COMPLETED, TrainingStatus.EXEMPTED):
        return
    deadline = mentor_training_deadline(
        recognition.programme.sector, day_in_belgium(recognition.decided_at)
    )
    if mentor.training_deadline is None or deadline < mentor.training_deadline:
        mentor.training_deadline = deadline


# What a company may ask of a candidate (matcher.IntakePreferences), as stored.
PREFERENCE_KEYS = (
    "min_age",
    "start_months",
    "languages",
    "hours_pattern",
    "first_interview_at_school",
)


def check_availability(availability: Availability) -> None:
    """Refuse places and preferences that cannot be true or that search cannot read."""
    if not 0 <= availability.n_places <= MAX_PLACES:
        raise InputError(
            "n_places", _l("Geef een aantal plaatsen van 0 tot %(max)s.", max=MAX_PLACES)
        )
    if not 0 <= availability.n_free_places <= availability.n_places:
        raise InputError("n_free_places", _l("Er zijn niet meer vrije plaatsen dan plaatsen."))
    prefs = availability.intake_preferences
    unknown = set(prefs) - set(PREFERENCE_KEYS)
    if unknown:
        raise InputError(
            f"intake_preferences.{sorted(unknown)[0]}", _l("Deze voorkeur kennen we niet.")
        )
    min_age = prefs.get("min_age")
    if min_age is not None and (
        not isinstance(min_age, int)
        or isinstance(min_age, bool)
        or not MIN_INTAKE_AGE <= min_age <= MAX_INTAKE_AGE
    ):
        raise InputError(
            "intake_preferences.min_age",
            _l(
                "Een minimumleeftijd ligt tussen %(low)s en %(high)s jaar.",
                low=MIN_INTAKE_AGE,
                high=MAX_INTAKE_AGE,
            ),
        )
    months = prefs.get("start_months") or []  # null or left out: any month
    if not isinstance(months, list) or not all(
        isinstance(m, int) and not isinstance(m, bool) and 1 <= m <= 12 for m in months
    ):
        raise InputError("intake_preferences.start_months", _l("Kies maanden van 1 tot 12."))
    languages = prefs.get("languages") or []
    if not isinstance(languages, list) or not all(code in LANGUAGES for code in languages):
        raise InputError("intake_preferences.languages", _l("Kies talen uit de lijst."))
    pattern = prefs.get("hours_pattern")
    if pattern is not None and pattern not in HOURS_PATTERNS:
        raise InputError("intake_preferences.hours_pattern", _l("Kies werkuren uit de lijst."))
    if not isinstance(prefs.get("first_interview_at_school") or False, bool):
        raise InputError("intake_preferences.first_interview_at_school", _l("Kies ja of nee."))


def update_availability(
    session: Session,
    company_id: int,
    recognition_id: int,
    availability: Availability,
    confirm: bool = True,
    now: datetime | None = None,
    stale_after_days: int = STALE_AFTER_DAYS,
) -> Recognition:
    """Set a recognised workplace's places; stating them confirms them unless told not to."""
    recognition = own_recognition(session, company_id, recognition_id)
    now = now or utcnow()
    _require_recognised(recognition, now)
    check_availability(availability)
    prefs = availability.intake_preferences
    recognition.n_places = availability.n_places
    recognition.n_free_places = availability.n_free_places
    recognition.available_from = availability.available_from
    recognition.intake_preferences = {
        "min_age": prefs.get("min_age"),
        "start_months": sorted(set(prefs.get("start_months") or [])),
        "languages": [code for code in LANGUAGES if code in (prefs.get("languages") or [])],
        "hours_pattern": prefs.get("hours_pattern"),
        "first_interview_at_school": bool(prefs.get("first_interview_at_school", False)),
    }
    if confirm:
        recognition.last_confirmed_at = now
    _refresh_is_available(recognition, now, stale_after_days)
    session.commit()
    return recognition


def confirm_availability(
    session: Session,
    company_id: int,
    recognition_id: int,
    now: datetime | None = None,
    stale_after_days: int = STALE_AFTER_DAYS,
) -> Recognition:
    """Record that the advertised places are still correct ("klopt nog")."""
    recognition = own_recognition(session, company_id, recognition_id)
    now = now or utcnow()
    _require_recognised(recognition, now)
    recognition.last_confirmed_at = now
    _refresh_is_available(recognition, now, stale_after_days)
    session.commit()
    return recognition


def _require_recognised(recognition: Recognition, now: datetime) -> None:
    if not is_recognition_valid(recognition.status, recognition.valid_until, day_in_belgium(now)):
        raise NotRecognisedError


def _refresh_is_available(recognition: Recognition, now: datetime, stale_after_days: int) -> None:
    confirmed = recognition.last_confirmed_at
    recognition.is_available = is_available_now(
        recognition.status,
        recognition.valid_until,
        recognition.n_free_places,
        recognition.available_from,
        day_in_belgium(confirmed) if confirmed else None,
        day_in_belgium(now),
        stale_after_days,
    )
