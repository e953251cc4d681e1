"""A company: registering it with its first login (DOMAIN.md step 1), and reading it whole.

A registration waits until its login's address is confirmed: `request_registration`
checks the form, keeps it with a single-use link and e-mails the link; the company and
its login exist only once `confirm_registration` follows it. The form answers the same
whether or not the address already has an account (its owner is told by e-mail
instead), so it reveals nobody's account, and a probe creates nothing.
"""

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from models import Company, EmailToken, RateEvent, Recognition, Site, User
from models.enums import Role
from models.rules import InvalidKboError, format_kbo, normalize_kbo
from web.services import policy
from web.services.accounts import client_of, create_user, hash_password, normalize_email
from web.services.errors import InputError, LinkExpiredError, TooManyRequestsError
from web.services.messages import _l
from web.services.outbox import queue_mail
from web.services.policy import Party
from web.services.problems import Problems
from web.services.secrets import digest, new_token

REGISTRATION = "registration"
REGISTRATION_LINK_HOURS = 24


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

KBO_PROBLEMS = {
    "length": _l("Een ondernemingsnummer heeft 10 cijfers, bijvoorbeeld 0403.170.701."),
    "first_digit": _l("Een ondernemingsnummer begint met 0 of 1."),
    "check_digits": _l("Dit ondernemingsnummer klopt niet: controleer de cijfers."),
}
DECLARATION_NEEDED = _l("Bevestig deze voorwaarde: zonder kan je bedrijf geen leerlingen opleiden.")
KBO_ALREADY_REGISTERED = _l(
    "Dit ondernemingsnummer is al geregistreerd. Meld je aan met het account van je bedrijf."
)


def read_kbo(raw: str) -> str:
    """Return the KBO number as 10 digits, or refuse it with the reason in Dutch."""
    try:
        return normalize_kbo(raw)
    except InvalidKboError as error:
        raise InputError("kbo_number", KBO_PROBLEMS[error.code]) from None


def check_company(session: Session, details: CompanyDetails) -> str:
    """Refuse what makes a registration impossible; return the KBO number as 10 digits."""
    problems = Problems()
    kbo = ""
    try:
        kbo = read_kbo(details.kbo_number)
    except InputError as error:
        problems.errors.append(error)
    for name in DECLARATIONS:
        if not getattr(details, name):
            problems.add(name, DECLARATION_NEEDED)
    if kbo and session.scalar(select(Company.id).where(Company.kbo_number == kbo)) is not None:
        problems.add("kbo_number", KBO_ALREADY_REGISTERED)
    problems.raise_any()
    return kbo


def request_registration(
    session: Session,
    details: CompanyDetails,
    user_email: str,
    password: str,
    remote_addr: str,
    now: datetime,
    per_hour: int,
    link_for: Callable[[str], str],
    login_link: str,
) -> int:
    """Check a registration and e-mail its login's address; return the queued message's id.

    A new address gets a link to confirm (`link_for(token)`); an address that already
    has an account gets a note for its owner instead. Past `per_hour` registrations from
    one network within an hour, `TooManyRequestsError`.
    """
    kbo = check_company(session, details)
    address = normalize_email(user_email)
    if "@" not in address.strip("@") or len(address) > 254:
        raise InputError("user_email", _l("Geef een geldig e-mailadres."))
    password_hash = hash_password(password)  # refuses one too short, and costs the same
    network = client_of(remote_addr)
    recent = session.scalar(
        select(func.count()).where(
            RateEvent.kind == REGISTRATION,
            RateEvent.network == network,
            RateEvent.at > now - timedelta(hours=1),
        )
    )
    if (recent or 0) >= per_hour:
        raise TooManyRequestsError
    session.add(RateEvent(kind=REGISTRATION, network=network, at=now))
    if session.scalar(select(User.id).where(User.email == address)) is not None:
        subject = _l("Registratie op Duaal Match met jouw e-mailadres")
        body = _l(
            "Goedendag,\n\nIemand probeerde op Duaal Match een bedrijf te registreren met dit "
            "e-mailadres, maar er bestaat al een account mee. Er is niets veranderd.\n\n"
            "Was jij het? Meld je dan aan: %(link)s",
            link=login_link,
        )
        kind = "registration-known"
    else:
        token = new_token()
        payload = {"details": asdict(details) | {"kbo_number": kbo}, "password_hash": password_hash}
        session.add(
            EmailToken(
                purpose=REGISTRATION,
                token_digest=digest(token),
                email=address,
                payload=payload,
                created_at=now,
                expires_at=now + timedelta(hours=REGISTRATION_LINK_HOURS),
            )
        )
        subject = _l("Bevestig de registratie van %(company)s", company=details.name)
        body = _l(
            "Goedendag,\n\nJe registreerde %(company)s (ondernemingsnummer %(kbo)s) op Duaal "
            "Match. Bevestig je e-mailadres met deze link, binnen %(hours)s uur:\n\n%(link)s"
            "\n\nRegistreerde je niet? Dan hoef je niets te doen: zonder bevestiging wordt "
            "niets bewaard.",
            company=details.name,
            kbo=format_kbo(kbo),
            hours=REGISTRATION_LINK_HOURS,
            link=link_for(token),
        )
        kind = "registration"
    message = queue_mail(session, kind, address, subject, body, now)
    session.flush()
    return message.id


def confirm_registration(session: Session, token: str, now: datetime) -> tuple[Company, User]:
    """Follow a registration's link: the company and its login come into being, once."""
    waiting = session.scalar(
        select(EmailToken).where(
            EmailToken.token_digest == digest(token), EmailToken.purpose == REGISTRATION
        )
    )
    if waiting is None or waiting.used_at is not None or waiting.expires_at <= now:
        raise LinkExpiredError
    claimed = session.execute(
        update(EmailToken)
        .where(EmailToken.id == waiting.id, EmailToken.used_at.is_(None))
        .values(used_at=now)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise LinkExpiredError  # the same link followed twice at once: the other one counts
    details = CompanyDetails(**waiting.payload["details"])
    return register_company(session, details, waiting.email, waiting.payload["password_hash"])


def register_company(
    session: Session, details: CompanyDetails, user_email: str, password_hash: str
) -> tuple[Company, User]:
    """Register a company with its first user account (the caller's unit of work stores
    both or neither)."""
    kbo = check_company(session, details)
    values = {k: v for k, v in vars(details).items() if k != "kbo_number"}
    company = Company(kbo_number=kbo, **values)
    try:
        with session.begin_nested():  # the same number registered a moment ago fails here
            session.add(company)
    except IntegrityError:
        raise InputError("kbo_number", KBO_ALREADY_REGISTERED) from None
    try:
        user = create_user(session, Role.COMPANY, user_email, password_hash, company.id)
    except InputError as error:
        # The form has two addresses: the company's public one and the login's own.
        field = "user_email" if error.field == "email" else error.field
        raise InputError(field, error.message) from None
    return company, user


def get_company(session: Session, party: Party) -> Company:
    """Return the party's company, with its sites (not the removed ones), their
    recognitions and its mentors."""
    in_use = Company.sites.and_(Site.removed_at.is_(None))
    return policy.find(
        session,
        party,
        Company,
        party.company_id or 0,
        selectinload(in_use).joinedload(Site.place),
        selectinload(in_use).selectinload(Site.recognitions).joinedload(Recognition.programme),
        selectinload(Company.mentors),
    )


@dataclass(frozen=True)
class Contact:
    """How students and schools reach the company: shown with each of its workplaces."""

    email: str | None
    phone: str | None
    website: str | None


def check_contact(contact: Contact) -> None:
    """Refuse an e-mail address that cannot be one."""
    email = (contact.email or "").strip()
    if email and ("@" not in email.strip("@") or len(email) > 254):
        raise InputError("email", _l("Geef een geldig e-mailadres."))


def update_contact(session: Session, party: Party, contact: Contact) -> Company:
    """Change the contact details the company's workplaces show."""
    policy.require(party, Role.COMPANY)
    check_contact(contact)
    company = policy.find(session, party, Company, party.company_id or 0)
    company.email = (contact.email or "").strip() or None
    company.phone = (contact.phone or "").strip() or None
    company.website = (contact.website or "").strip() or None
    session.flush()
    return company
