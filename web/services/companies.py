"""A company: registering it with its first login (DOMAIN.md step 1), and reading it whole."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from models import Company, Recognition, Site, User
from models.enums import Role
from models.rules import InvalidKboError, normalize_kbo
from web.services import policy
from web.services.accounts import create_user
from web.services.errors import InputError
from web.services.messages import _l
from web.services.policy import Party


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
    """Register a company with its first user account (the caller's unit of work stores
    both or neither)."""
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
    try:
        with session.begin_nested():  # the same number registered a moment ago fails here
            session.add(company)
    except IntegrityError:
        raise InputError("kbo_number", KBO_ALREADY_REGISTERED) from None
    try:
        user = create_user(session, Role.COMPANY, user_email, password, company.id)
    except InputError as error:
        # The form has two addresses: the company's public one and the login's own.
        field = "user_email" if error.field == "email" else error.field
        raise InputError(field, error.message) from None
    return company, user


def get_company(session: Session, party: Party) -> Company:
    """Return the party's company, with its sites, their recognitions and its mentors."""
    return policy.find(
        session,
        party,
        Company,
        party.company_id or 0,
        selectinload(Company.sites).joinedload(Site.place),
        selectinload(Company.sites)
        .selectinload(Site.recognitions)
        .joinedload(Recognition.programme),
        selectinload(Company.mentors),
    )
