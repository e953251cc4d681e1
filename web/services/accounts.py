"""Accounts: creating users, checking passwords, and slowing down password guessing."""

import ipaddress
from datetime import datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models import LoginFailure, User
from models.base import utcnow
from models.enums import Role
from web.services.errors import InputError

# Argon2id with argon2-cffi's defaults (RFC 9106's low-memory profile: 64 MiB, 3 passes).
PASSWORDS = PasswordHasher()
MIN_PASSWORD_LENGTH = 10

EMAIL_IN_USE = _l("Er bestaat al een account met dit e-mailadres.")

# Failed logins are counted over a window; past a limit, logins wait until it passes.
FAILURE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_ACCOUNT_AND_CLIENT = 5
MAX_FAILURES_PER_ACCOUNT = 20
MAX_FAILURES_PER_CLIENT = 30


class TooManyFailuresError(Exception):
    """Too many failed logins for this account or address: wait before trying again."""


# The User column that ties each role to its party (admins act for nobody).
ENTITY_OF_ROLE = {
    Role.STUDENT: "student_id",
    Role.SCHOOL_STAFF: "school_id",
    Role.COMPANY: "company_id",
    Role.CONSULTANT: "partnership_id",
    Role.ADMIN: "",
}


def normalize_email(raw: str) -> str:
    """Return an e-mail address trimmed and lower-cased, the form users are found by."""
    return raw.strip().lower()


def hash_password(password: str) -> str:
    """Return the Argon2id hash of a password, refusing one that is too short."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InputError("password", f"Een wachtwoord heeft minstens {MIN_PASSWORD_LENGTH} tekens.")
    return PASSWORDS.hash(password)


def create_user(
    session: Session, role: Role, email: str, password: str, entity_id: int | None
) -> User:
    """Add a user for the entity of its role; the caller's transaction decides when it lands."""
    address = normalize_email(email)
    if "@" not in address.strip("@") or len(address) > 254:
        raise InputError("email", _l("Geef een geldig e-mailadres."))
    if session.scalar(select(User.id).where(User.email == address)) is not None:
        raise InputError("email", EMAIL_IN_USE)
    kind = ENTITY_OF_ROLE[role]
    if bool(kind) != (entity_id is not None):
        wanted = kind.removesuffix("_id") if kind else "no party"
        raise InputError("entity", f"a {role.value} user belongs to {wanted}")
    user = User(email=address, password_hash=hash_password(password), role=role)
    if kind:
        setattr(user, kind, entity_id)
    session.add(user)
    session.flush()
    return user


def add_user(
    session: Session, role: Role, email: str, password: str, entity_id: int | None
) -> User:
    """Create a user and commit; an address taken meanwhile is refused like any other."""
    try:
        user = create_user(session, role, email, password, entity_id)
        session.commit()
    except IntegrityError:
        session.rollback()
        raise InputError("email", EMAIL_IN_USE) from None
    return user


def client_of(remote_addr: str) -> str:
    """Return the network a login comes from: the IPv4 address, or the IPv6 /64.

    One IPv6 subscriber usually holds a whole /64, so counting single addresses there
    would give an attacker billions of fresh starts.
    """
    try:
        address = ipaddress.ip_address(remote_addr)
    except ValueError:
        return remote_addr[:45]
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return str(address.ipv4_mapped)  # an IPv4 client seen by a dual-stack listener
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def authenticate(
    session: Session, email: str, password: str, remote_addr: str, now: datetime | None = None
) -> User | None:
    """Return the active user with this e-mail and password, or None; commits the outcome.

    Every attempt is first written down as a failure and committed, then counted, so
    parallel attempts see each other. Past a limit the attempt is refused with
    `TooManyFailuresError` before any password check (and its row removed, so the
    lock lifts 15 minutes after the failures, however often someone knocks). Limits:
    5 per account from one network, 20 per account from anywhere (guessing spread
    over networks), 30 per network (one password tried on many accounts).
    """
    now = now or utcnow()
    address = normalize_email(email)[:254]
    client = client_of(remote_addr)
    since = now - FAILURE_WINDOW
    session.execute(delete(LoginFailure).where(LoginFailure.at < since))
    attempt = LoginFailure(email=address, remote_addr=client, at=now)
    session.add(attempt)
    session.commit()
    recent = select(func.count()).where(LoginFailure.at >= since)
    counts = (
        session.scalar(
            recent.where(LoginFailure.email == address, LoginFailure.remote_addr == client)
        ),
        session.scalar(recent.where(LoginFailure.email == address)),
        session.scalar(recent.where(LoginFailure.remote_addr == client)),
    )
    limits = (
        MAX_FAILURES_PER_ACCOUNT_AND_CLIENT,
        MAX_FAILURES_PER_ACCOUNT,
        MAX_FAILURES_PER_CLIENT,
    )
    if any((count or 0) > limit for count, limit in zip(counts, limits, strict=True)):
        session.delete(attempt)
        session.commit()
        raise TooManyFailuresError
    user = session.scalar(select(User).where(User.email == address, User.is_active))
    # An unknown or inactive account costs a hash check too: timing tells nothing.
    matches = _password_matches(user.password_hash if user else None, password)
    if user is None or not matches:
        return None
    if PASSWORDS.check_needs_rehash(user.password_hash or ""):
        user.password_hash = PASSWORDS.hash(password)
    session.execute(delete(LoginFailure).where(LoginFailure.email == address))
    session.commit()
    return user


@cache
def _dummy_hash() -> str:
    """A hash with today's parameters, made on first need (not at every import)."""
    return PASSWORDS.hash("no account has this password")


def _password_matches(password_hash: str | None, password: str) -> bool:
    try:
        return PASSWORDS.verify(password_hash or _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return False
